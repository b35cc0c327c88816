-- Which branch has sent a photo's bytes (issue 13): a photo is visible through a
-- record only when the record's branch uploaded those bytes itself, so naming another
-- branch's SHA-256 in a record gives nothing. Existing photos go to the branch of the
-- first record that referenced them. Uploads in progress now say which device started
-- them (a per-device quota), and a finished upload's row is removed.
CREATE TABLE photo_owners (
    sha256 TEXT NOT NULL,
    branch_id TEXT NOT NULL REFERENCES areas(id),
    first_at TEXT NOT NULL,
    PRIMARY KEY (sha256, branch_id)
);
INSERT INTO photo_owners (sha256, branch_id, first_at)
SELECT p.sha256, r.branch_id, p.completed_at FROM photos p
JOIN records r ON r.seq = (SELECT MIN(rp.record_seq) FROM record_photos rp WHERE rp.sha256 = p.sha256);
DELETE FROM photo_uploads WHERE EXISTS (
    SELECT 1 FROM photo_owners o WHERE o.sha256 = photo_uploads.sha256 AND o.branch_id = photo_uploads.branch_id);
ALTER TABLE photo_uploads ADD COLUMN device_id TEXT REFERENCES devices(id);
CREATE INDEX photo_uploads_device ON photo_uploads(device_id)
