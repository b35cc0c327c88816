-- What each phone's last sync pass told the server (issue 11's phone list): when it last
-- pulled or pushed, the app version it runs and how many records it still holds unsent.
-- The version and the count are the phone's word, read bounded and shown as text.
ALTER TABLE devices ADD COLUMN last_sync_at TEXT;
ALTER TABLE devices ADD COLUMN app_version TEXT;
ALTER TABLE devices ADD COLUMN waiting BIGINT;
