-- The indicators dashboard.
-- An attendee's person: the roster member she was checked in as, or (a walk-in) her
-- attendance entry's own id, so "distinct people reached" counts a member who came to
-- three gatherings once. Rows written before this migration take it from the stored body.
ALTER TABLE attendees ADD COLUMN person TEXT;
UPDATE attendees SET person = COALESCE(
    r.body::jsonb -> 'attendees' -> attendees.position::int ->> 'member_id',
    r.body::jsonb -> 'attendees' -> attendees.position::int ->> 'id')
FROM records r WHERE r.seq = attendees.record_seq;
-- Every column the dashboard groups or filters records by, after the period's range, so
-- its counts read the index alone (never the records' bodies).
CREATE INDEX records_indicators ON records(kind, latest, event_at, area_path, branch_id, review_state, form_id, gathering_kind, household);
