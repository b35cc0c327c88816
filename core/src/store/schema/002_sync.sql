-- Branchbook local store, schema version 2: what the sync client keeps besides the
-- `meta` settings (server, token, branch, limits, cursor).

-- The server's answer for records it did not store (conflict or rejected), with its
-- reason for the user; the record stays in the outbox and is offered again next pass.
CREATE TABLE sync_issues (
    uuid     BLOB NOT NULL,
    revision INTEGER NOT NULL,
    status   TEXT NOT NULL CHECK (status IN ('conflict', 'rejected')),
    reason   TEXT NOT NULL,
    at       INTEGER NOT NULL,
    PRIMARY KEY (uuid, revision)
) WITHOUT ROWID;
