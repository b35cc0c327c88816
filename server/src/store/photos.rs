//! What the database knows about photos: which are complete, which branch is uploading
//! which, who may see them. The bytes themselves are files (see `crate::uploads::files`).

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ServerStore, ServerStoreError};
use crate::model::Scope;

/// A photo a record references, as officials see it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RecordPhoto {
    /// Hex SHA-256.
    pub sha256: String,
    /// Size the record announced.
    pub bytes: i64,
    /// True once the bytes arrived and matched.
    pub complete: bool,
}

/// How a photo upload's start went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UploadStart {
    /// The upload is under way with this announced total (its first chunk's).
    Started(u64),
    /// The device already has as many uploads in progress as it may.
    OverQuota,
}

impl ServerStore {
    /// True when the photo's bytes are all stored and verified.
    pub fn photo_is_complete(&self, sha256: &str) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt("SELECT 1 FROM photos WHERE sha256 = $1", &[sha256.into()])?
                .is_some())
        })
    }

    /// True when a device of `branch_id` has sent every byte of this photo itself (the
    /// only way a branch comes to hold a photo: naming its SHA-256 in a record is not).
    pub fn photo_owned_by(&self, sha256: &str, branch_id: Uuid) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    "SELECT 1 FROM photo_owners WHERE sha256 = $1 AND branch_id = $2",
                    &[sha256.into(), branch_id.into()],
                )?
                .is_some())
        })
    }

    /// Registers a device's upload of a photo of `total` bytes for its branch, returning
    /// the total recorded by the upload's first chunk (a later chunk announcing another
    /// size is refused by the caller), or [`UploadStart::OverQuota`] when the device
    /// already has `quota` uploads in progress.
    pub fn begin_photo_upload(
        &self,
        sha256: &str,
        branch_id: Uuid,
        device_id: Uuid,
        total: u64,
        quota: u32,
    ) -> Result<UploadStart, ServerStoreError> {
        let total = i64::try_from(total)
            .map_err(|_| ServerStoreError::Invalid("photo size out of range".into()))?;
        self.db.write(|conn| {
            let started = conn.query_opt(
                "SELECT total FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                &[sha256.into(), branch_id.into()],
            )?;
            if let Some(row) = started {
                return Ok(UploadStart::Started(u64::try_from(row.int(0)?).unwrap_or(0)));
            }
            let open = conn
                .query_opt(
                    "SELECT COUNT(*) FROM photo_uploads WHERE device_id = $1",
                    &[device_id.into()],
                )?
                .map(|row| row.int(0))
                .transpose()?
                .unwrap_or(0);
            if open >= i64::from(quota) {
                return Ok(UploadStart::OverQuota);
            }
            conn.exec(
                "INSERT INTO photo_uploads (sha256, branch_id, total, started_at, device_id) VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (sha256, branch_id) DO NOTHING",
                &[sha256.into(), branch_id.into(), total.into(), Utc::now().into(), device_id.into()],
            )?;
            let row = conn
                .query_opt(
                    "SELECT total FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                    &[sha256.into(), branch_id.into()],
                )?
                .ok_or_else(|| ServerStoreError::NotFound("photo upload".into()))?;
            Ok(UploadStart::Started(u64::try_from(row.int(0)?).unwrap_or(0)))
        })
    }

    /// The size a branch's upload of a photo announced, if it has started one.
    pub fn photo_upload_total(
        &self,
        sha256: &str,
        branch_id: Uuid,
    ) -> Result<Option<u64>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                "SELECT total FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                &[sha256.into(), branch_id.into()],
            )?
            .map(|row| {
                let total = row.int(0)?;
                u64::try_from(total).map_err(|_| {
                    ServerStoreError::Invalid(format!("stored photo size {total} is negative"))
                })
            })
            .transpose()
        })
    }

    /// Uploads started before `before` (at most `limit`), as (photo, branch): the sweep
    /// forgets those whose partial file is gone.
    pub fn uploads_started_before(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, Uuid)>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT sha256, branch_id FROM photo_uploads WHERE started_at < $1 LIMIT $2",
                &[before.into(), i64::from(limit).into()],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.uuid(1)?)))
            .collect()
        })
    }

    /// Forgets a branch's upload (its bytes failed the hash check), so it can start over.
    pub fn abandon_photo_upload(
        &self,
        sha256: &str,
        branch_id: Uuid,
    ) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            conn.exec(
                "DELETE FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                &[sha256.into(), branch_id.into()],
            )?;
            Ok(())
        })
    }

    /// Stores a branch's verified upload: the photo is complete, the branch holds it
    /// (from now on its records show it), the upload is over, and every record of the
    /// branch whose photos the branch now all holds is complete.
    pub fn complete_photo(
        &self,
        sha256: &str,
        branch_id: Uuid,
        bytes: u64,
    ) -> Result<(), ServerStoreError> {
        let bytes = i64::try_from(bytes)
            .map_err(|_| ServerStoreError::Invalid("photo size out of range".into()))?;
        self.db.write(|conn| {
            let now = Utc::now();
            conn.exec(
                "INSERT INTO photos (sha256, bytes, completed_at) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
                &[sha256.into(), bytes.into(), now.into()],
            )?;
            conn.exec(
                "INSERT INTO photo_owners (sha256, branch_id, first_at) VALUES ($1, $2, $3) ON CONFLICT (sha256, branch_id) DO NOTHING",
                &[sha256.into(), branch_id.into(), now.into()],
            )?;
            conn.exec(
                "DELETE FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                &[sha256.into(), branch_id.into()],
            )?;
            conn.exec(
                "UPDATE records SET complete = 1
                 WHERE complete = 0 AND branch_id = $2
                   AND seq IN (SELECT record_seq FROM record_photos WHERE sha256 = $1)
                   AND NOT EXISTS (SELECT 1 FROM record_photos rp LEFT JOIN photo_owners o
                                     ON o.sha256 = rp.sha256 AND o.branch_id = records.branch_id
                                   WHERE rp.record_seq = records.seq AND o.sha256 IS NULL)",
                &[sha256.into(), branch_id.into()],
            )?;
            Ok(())
        })
    }

    /// Photos a branch holds that none of its records has referenced since `before`
    /// (uploaded and never used, or whose record went to another branch's id), plus
    /// complete photos nobody holds: what the sweep deletes. At most `limit`.
    pub fn orphan_photos(
        &self,
        before: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<(String, Option<Uuid>)>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT o.sha256, o.branch_id FROM photo_owners o
                 WHERE o.first_at < $1
                   AND NOT EXISTS (SELECT 1 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                                   WHERE rp.sha256 = o.sha256 AND r.branch_id = o.branch_id)
                 UNION ALL
                 SELECT p.sha256, NULL FROM photos p
                 WHERE p.completed_at < $1
                   AND NOT EXISTS (SELECT 1 FROM photo_owners o WHERE o.sha256 = p.sha256)
                 LIMIT $2",
                &[before.into(), i64::from(limit).into()],
            )?
            .iter()
            .map(|row| Ok((row.text(0)?, row.opt_uuid(1)?)))
            .collect()
        })
    }

    /// Forgets that `branch` holds a photo if it is still an orphan of before `before`
    /// (`None`: a photo nobody holds), and the photo itself once nobody holds it. True
    /// when the photo is gone and its file should be deleted (the caller holds the
    /// photo's lock, so no upload completes it meanwhile).
    pub fn drop_orphan_photo(
        &self,
        sha256: &str,
        branch: Option<Uuid>,
        before: DateTime<Utc>,
    ) -> Result<bool, ServerStoreError> {
        self.db.write(|conn| {
            if let Some(branch) = branch {
                conn.exec(
                    "DELETE FROM photo_owners WHERE sha256 = $1 AND branch_id = $2 AND first_at < $3
                       AND NOT EXISTS (SELECT 1 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                                       WHERE rp.sha256 = $1 AND r.branch_id = $2)",
                    &[sha256.into(), branch.into(), before.into()],
                )?;
            }
            let held = conn
                .query_opt("SELECT 1 FROM photo_owners WHERE sha256 = $1", &[sha256.into()])?
                .is_some();
            if held {
                return Ok(false);
            }
            let deleted = conn.exec(
                "DELETE FROM photos WHERE sha256 = $1 AND completed_at < $2",
                &[sha256.into(), before.into()],
            )?;
            Ok(deleted > 0)
        })
    }

    /// True when a record inside `scope` references the photo and the record's branch
    /// sent the photo's bytes itself (officials may download it).
    pub fn photo_in_scope(&self, sha256: &str, scope: &Scope) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    "SELECT 1 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                     JOIN photo_owners o ON o.sha256 = rp.sha256 AND o.branch_id = r.branch_id
                     WHERE rp.sha256 = $1 AND r.area_path LIKE $2 LIMIT 1",
                    &[sha256.into(), scope.like_pattern().into()],
                )?
                .is_some())
        })
    }

    /// The photos a stored record references, with whether each has arrived from the
    /// record's branch.
    pub fn record_photos(&self, seq: i64) -> Result<Vec<RecordPhoto>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT rp.sha256, rp.bytes, o.sha256 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                 LEFT JOIN photo_owners o ON o.sha256 = rp.sha256 AND o.branch_id = r.branch_id
                 WHERE rp.record_seq = $1 ORDER BY rp.sha256",
                &[seq.into()],
            )?
            .iter()
            .map(|r| Ok(RecordPhoto { sha256: r.text(0)?, bytes: r.int(1)?, complete: r.opt_text(2)?.is_some() }))
            .collect()
        })
    }
}
