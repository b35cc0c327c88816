-- The review tables' pages (the console's submissions, households and gatherings, the
-- JSON API's lists): the latest revisions of one kind in arrival order after a cursor,
-- 50 or 100 at a time. Without it SQLite read every record of the kind through
-- records_indicators and sorted them all before the first row (135 ms at 100,000
-- submissions); with it a page reads its rows in order and stops. The scope, review
-- state and date filters are checked on the index's own columns, so a filter that
-- matches few rows never reads the records' bodies.
CREATE INDEX records_pages ON records(kind, latest, seq, area_path, review_state, event_at);
