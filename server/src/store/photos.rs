//! What the database knows about photos: which are complete, which branch is uploading
//! which, who may see them. The bytes themselves are files (see `crate::uploads::files`).

use chrono::Utc;
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

impl ServerStore {
    /// True when the photo's bytes are all stored and verified.
    pub fn photo_is_complete(&self, sha256: &str) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt("SELECT 1 FROM photos WHERE sha256 = $1", &[sha256.into()])?
                .is_some())
        })
    }

    /// True when `branch_id` may learn about this photo: it has a record that references
    /// it, or one of its devices has started uploading it.
    pub fn photo_known_to_branch(
        &self,
        sha256: &str,
        branch_id: Uuid,
    ) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    "SELECT 1 FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2
                     UNION ALL
                     SELECT 1 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                     WHERE rp.sha256 = $1 AND r.branch_id = $2",
                    &[sha256.into(), branch_id.into()],
                )?
                .is_some())
        })
    }

    /// Registers a branch's upload of a photo of `total` bytes, returning the total
    /// recorded by its first chunk (a later chunk announcing another size is refused by
    /// the caller).
    pub fn begin_photo_upload(
        &self,
        sha256: &str,
        branch_id: Uuid,
        total: u64,
    ) -> Result<u64, ServerStoreError> {
        let total = i64::try_from(total)
            .map_err(|_| ServerStoreError::Invalid("photo size out of range".into()))?;
        self.db.write(|conn| {
            conn.exec(
                "INSERT INTO photo_uploads (sha256, branch_id, total, started_at) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (sha256, branch_id) DO NOTHING",
                &[sha256.into(), branch_id.into(), total.into(), Utc::now().into()],
            )?;
            let row = conn
                .query_opt(
                    "SELECT total FROM photo_uploads WHERE sha256 = $1 AND branch_id = $2",
                    &[sha256.into(), branch_id.into()],
                )?
                .ok_or_else(|| ServerStoreError::NotFound("photo upload".into()))?;
            Ok(u64::try_from(row.int(0)?).unwrap_or(0))
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

    /// Marks a photo complete and every record whose photos are now all complete.
    pub fn complete_photo(&self, sha256: &str, bytes: u64) -> Result<(), ServerStoreError> {
        let bytes = i64::try_from(bytes)
            .map_err(|_| ServerStoreError::Invalid("photo size out of range".into()))?;
        self.db.write(|conn| {
            conn.exec(
                "INSERT INTO photos (sha256, bytes, completed_at) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING",
                &[sha256.into(), bytes.into(), Utc::now().into()],
            )?;
            conn.exec(
                "UPDATE records SET complete = 1
                 WHERE complete = 0
                   AND seq IN (SELECT record_seq FROM record_photos WHERE sha256 = $1)
                   AND NOT EXISTS (SELECT 1 FROM record_photos rp LEFT JOIN photos p ON p.sha256 = rp.sha256
                                   WHERE rp.record_seq = records.seq AND p.sha256 IS NULL)",
                &[sha256.into()],
            )?;
            Ok(())
        })
    }

    /// True when a record inside `scope` references the photo (officials may download it).
    pub fn photo_in_scope(&self, sha256: &str, scope: &Scope) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    "SELECT 1 FROM record_photos rp JOIN records r ON r.seq = rp.record_seq
                     WHERE rp.sha256 = $1 AND r.area_path LIKE $2 LIMIT 1",
                    &[sha256.into(), scope.like_pattern().into()],
                )?
                .is_some())
        })
    }

    /// The photos a stored record references, with whether each has arrived.
    pub fn record_photos(&self, seq: i64) -> Result<Vec<RecordPhoto>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT rp.sha256, rp.bytes, p.sha256 FROM record_photos rp LEFT JOIN photos p ON p.sha256 = rp.sha256
                 WHERE rp.record_seq = $1 ORDER BY rp.sha256",
                &[seq.into()],
            )?
            .iter()
            .map(|r| Ok(RecordPhoto { sha256: r.text(0)?, bytes: r.int(1)?, complete: r.opt_text(2)?.is_some() }))
            .collect()
        })
    }
}
