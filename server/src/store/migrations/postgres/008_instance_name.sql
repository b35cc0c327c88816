-- A submission's name as its form's settings `instance_name` gives it (issue 12),
-- evaluated by the server on the answers it keeps, never taken from the phone; NULL for
-- a form without one and for records stored before this migration (the console names
-- those by form title and date).
ALTER TABLE records ADD COLUMN instance_name TEXT
