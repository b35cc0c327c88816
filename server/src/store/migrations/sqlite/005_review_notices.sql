-- A review decision on a survey travels back to the phone of its branch (issue 12): each
-- new decision takes a place in the global change order (change_seq, the cursor of
-- GET /api/v1/changes) and keeps the branch and revision it was taken on. Decisions
-- taken before this migration have no place and are not sent.
ALTER TABLE reviews ADD COLUMN branch_id TEXT;
ALTER TABLE reviews ADD COLUMN revision INTEGER;
ALTER TABLE reviews ADD COLUMN change_seq INTEGER;
CREATE INDEX reviews_changes ON reviews(branch_id, change_seq) WHERE change_seq IS NOT NULL
