-- A form version the server no longer lists for this phone (retired, or published to
-- other areas) is not offered for new surveys; drafts and corrections started with it
-- go on and are sent as before.
ALTER TABLE forms ADD COLUMN retired INTEGER NOT NULL DEFAULT 0;
-- A form imported from a file on this phone (not received from the server): no sync
-- retires it.
ALTER TABLE forms ADD COLUMN local INTEGER NOT NULL DEFAULT 0;
