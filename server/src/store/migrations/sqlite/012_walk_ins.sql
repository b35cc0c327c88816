-- Walk-ins are counted, not listed, in the people-reached summaries (issue 12,
-- performance): a walk-in has no identity to match across gatherings, so each of her
-- attendances is one person reached; keeping her as a row of `tally_people` per month and
-- year made those tables mostly walk-ins. An attendee is a walk-in when she was not
-- checked in from the roster. The summaries are refilled by this migration's Rust step.
ALTER TABLE attendees ADD COLUMN walk_in INTEGER NOT NULL DEFAULT 0;
UPDATE attendees SET walk_in = 1 WHERE (
    SELECT json_extract(r.body, '$.attendees[' || attendees.position || '].member_id')
    FROM records r WHERE r.seq = attendees.record_seq) IS NULL;
-- The summary tables again, keyed by bucket first: a dashboard reads a period's few
-- buckets (in order) rather than every branch's whole history. Refilled by the Rust step.
DROP TABLE tally_counts;
DROP TABLE tally_households;
DROP TABLE tally_people;
CREATE TABLE tally_counts (
    bucket TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    measure TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, branch_id, measure, key)
);
CREATE TABLE tally_households (
    bucket TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    household TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, branch_id, household)
);
CREATE TABLE tally_people (
    bucket TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    person TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (bucket, branch_id, person)
);
