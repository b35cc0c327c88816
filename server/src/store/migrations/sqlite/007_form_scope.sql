-- A form version is published to an area's subtree (NULL: to every phone), and can be
-- retired: phones stop offering it for new surveys, drafts started with it still arrive.
ALTER TABLE forms ADD COLUMN area_id TEXT REFERENCES areas(id);
ALTER TABLE forms ADD COLUMN retired_at TEXT;
