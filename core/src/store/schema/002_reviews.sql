-- Schema version 2: the officers' review decisions on this phone's surveys, pulled with
-- the changes (protocol::ReviewNotice). One row per survey: the newest decision (the
-- highest seq), on the revision it was taken on.
CREATE TABLE reviews (
    uuid       BLOB PRIMARY KEY,
    revision   INTEGER NOT NULL,
    state      TEXT NOT NULL,
    comment    TEXT NOT NULL,
    decided_at INTEGER NOT NULL,
    seq        INTEGER NOT NULL
) WITHOUT ROWID;
