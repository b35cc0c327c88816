-- An account can be disabled (not deleted: its records, reviews and history keep their
-- author): its sessions and its phones stop at their next request and it cannot sign in.
ALTER TABLE accounts ADD COLUMN disabled_at TEXT;
