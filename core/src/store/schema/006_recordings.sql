-- Sound and video recordings (`audio` and `video` questions) are kept as photos are:
-- named by their SHA-256, sealed beside the database, uploaded in chunks. Their content
-- type (what their first bytes say) tells them from photos, the default of every
-- earlier row.
ALTER TABLE photos ADD COLUMN content_type TEXT NOT NULL DEFAULT 'image/jpeg';
