-- An area can be archived instead of deleted (a commune merged away, a branch closed):
-- hidden from the console's pickers, its records, accounts and history kept and
-- reachable. Set back to NULL when it is restored.
ALTER TABLE areas ADD COLUMN archived_at TEXT;
