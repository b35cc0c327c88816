-- The form audit log of a submission revision (XLSForm's `audit`: ODK Collect's
-- audit.csv), one row per event in the order recorded, written with the draft in the
-- same transaction. An edit's draft starts with a copy of the log it goes on from.
CREATE TABLE submission_audit_events (
    uuid     BLOB NOT NULL,
    revision INTEGER NOT NULL,
    seq      INTEGER NOT NULL CHECK (seq >= 0),
    event    TEXT NOT NULL,   -- the event (JSON)
    PRIMARY KEY (uuid, revision, seq),
    FOREIGN KEY (uuid, revision) REFERENCES submissions (uuid, revision) ON DELETE CASCADE
) WITHOUT ROWID;
