-- Summary tables of the indicators dashboard (issue 12, performance), so that a
-- province's dashboard reads a few thousand rows rather than every record and attendee.
-- A record's Vietnam-time day (`YYYY-MM-DD`, UTC+7), which its counts are filed under.
ALTER TABLE records ADD COLUMN event_day TEXT;
UPDATE records SET event_day = strftime('%Y-%m-%d', event_at, '+7 hours');
-- Counts per branch and bucket (a Vietnam year `YYYY` or month `YYYY-MM`): measure `state`
-- (surveys by review state), `form`, `unlinked` (surveys with no registry household),
-- `gathering` (by kind), `sex`, `ethnicity`, `age` (attendees). Kept in the transaction of
-- every write that changes them (a push, a review decision) and filled for the records
-- already stored when this migration runs (`store::tallies`).
CREATE TABLE tally_counts (
    branch_id TEXT NOT NULL REFERENCES areas(id),
    bucket TEXT NOT NULL,
    measure TEXT NOT NULL,
    key TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (branch_id, bucket, measure, key)
);
-- Distinct counts cannot be summed over months or years: these keep each household
-- visited and each person who attended per branch and bucket (with how many records
-- did), so "households visited" and "people reached" are counted distinct over the
-- period's buckets.
CREATE TABLE tally_households (
    branch_id TEXT NOT NULL REFERENCES areas(id),
    bucket TEXT NOT NULL,
    household TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (branch_id, bucket, household)
);
CREATE TABLE tally_people (
    branch_id TEXT NOT NULL REFERENCES areas(id),
    bucket TEXT NOT NULL,
    person TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (branch_id, bucket, person)
);
