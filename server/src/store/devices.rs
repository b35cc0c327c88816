//! Enrollment codes and the devices they turn into.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::audit::AuditAction;
use super::{ServerStore, ServerStoreError};
use crate::db::Row;
use crate::model::{Device, DeviceSync, Scope};

/// Why an enrollment code was not accepted. The phone is told only "invalid or expired",
/// but the log and the tests can tell the cases apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnrollRefusal {
    /// No such code.
    Unknown,
    /// The code expired before use.
    Expired,
    /// The code was already exchanged.
    Used,
    /// Its branch was archived (a code issued as it was being archived).
    Archived,
}

/// An enrollment code not yet used nor expired (the code itself is never stored).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct OpenEnrollment {
    /// The branch head whose phone it enrolls.
    pub account_id: Uuid,
    /// Her branch.
    pub branch_id: Uuid,
    /// When it was issued.
    pub created_at: DateTime<Utc>,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
}

/// A device as its token authenticates it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceAuth {
    /// The device.
    pub device_id: Uuid,
    /// Its branch.
    pub branch_id: Uuid,
    /// The branch head's login name.
    pub username: String,
}

const DEVICE_COLUMNS: &str = "id, account_id, branch_id, label, created_at, revoked_at, last_sync_at, app_version, waiting, core_version";

fn device_from_row(row: &Row) -> Result<Device, ServerStoreError> {
    let last_sync = match row.opt_time(6)? {
        Some(at) => Some(DeviceSync {
            at,
            app_version: row.opt_text(7)?,
            waiting: row.opt_int(8)?.and_then(|n| u32::try_from(n).ok()),
            core_version: row.opt_text(9)?,
        }),
        None => None,
    };
    Ok(Device {
        id: row.uuid(0)?,
        account_id: row.uuid(1)?,
        branch_id: row.uuid(2)?,
        label: row.text(3)?,
        created_at: row.time(4)?,
        revoked_at: row.opt_time(5)?,
        last_sync,
    })
}

impl ServerStore {
    /// Stores a new enrollment code (by its hash) for a branch head's account; refused
    /// for an archived branch.
    pub fn create_enrollment(
        &self,
        code_hash: &str,
        account_id: Uuid,
        branch_id: Uuid,
        created_by: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            super::areas::open_area_in(conn, branch_id, "branch")?;
            conn.exec(
                "INSERT INTO enrollments (code_hash, account_id, branch_id, created_by, created_at, expires_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    code_hash.into(),
                    account_id.into(),
                    branch_id.into(),
                    created_by.into(),
                    Utc::now().into(),
                    expires_at.into(),
                ],
            )?;
            self.audit(conn, AuditAction::EnrollmentIssue, &account_id.to_string(), "")?;
            Ok(())
        })
    }

    /// The codes still waiting for a phone in the branches inside `scope`, oldest first.
    pub fn open_enrollments(
        &self,
        scope: &Scope,
        now: DateTime<Utc>,
    ) -> Result<Vec<OpenEnrollment>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT e.account_id, e.branch_id, e.created_at, e.expires_at
                 FROM enrollments e JOIN areas a ON a.id = e.branch_id
                 WHERE e.used_at IS NULL AND e.expires_at > $1 AND a.path LIKE $2
                 ORDER BY e.created_at",
                &[now.into(), scope.like_pattern().into()],
            )?
            .iter()
            .map(|r| {
                Ok(OpenEnrollment {
                    account_id: r.uuid(0)?,
                    branch_id: r.uuid(1)?,
                    created_at: r.time(2)?,
                    expires_at: r.time(3)?,
                })
            })
            .collect()
        })
    }

    /// Ends every open code of a branch head (a printed sheet lost or given to the wrong
    /// person): they expire now. Returns how many were open.
    pub fn cancel_enrollments(
        &self,
        account_id: Uuid,
        now: DateTime<Utc>,
    ) -> Result<u64, ServerStoreError> {
        self.db.write(|conn| {
            let cancelled = conn.exec(
                "UPDATE enrollments SET expires_at = $1
                 WHERE account_id = $2 AND used_at IS NULL AND expires_at > $1",
                &[now.into(), account_id.into()],
            )?;
            let target = account_id.to_string();
            self.audit(
                conn,
                AuditAction::EnrollmentCancel,
                &target,
                &cancelled.to_string(),
            )?;
            Ok(cancelled)
        })
    }

    /// Exchanges an enrollment code for a new device, in one transaction: the code is
    /// marked used only if it was unused and unexpired, so two phones racing with the
    /// same code get one device between them.
    pub fn redeem_enrollment(
        &self,
        code_hash: &str,
        token_hash: &str,
        label: &str,
        now: DateTime<Utc>,
    ) -> Result<Result<(Device, String), EnrollRefusal>, ServerStoreError> {
        self.db.write(|conn| {
            let Some(row) = conn.query_opt(
                "SELECT e.account_id, e.branch_id, e.expires_at, e.used_at, a.username, b.archived_at
                 FROM enrollments e JOIN accounts a ON a.id = e.account_id JOIN areas b ON b.id = e.branch_id
                 WHERE e.code_hash = $1 AND a.disabled_at IS NULL",
                &[code_hash.into()],
            )?
            else {
                return Ok(Err(EnrollRefusal::Unknown));
            };
            if row.opt_time(3)?.is_some() {
                return Ok(Err(EnrollRefusal::Used));
            }
            if row.time(2)? <= now {
                return Ok(Err(EnrollRefusal::Expired));
            }
            if row.opt_text(5)?.is_some() {
                return Ok(Err(EnrollRefusal::Archived));
            }
            let claimed = conn.exec(
                "UPDATE enrollments SET used_at = $1 WHERE code_hash = $2 AND used_at IS NULL",
                &[now.into(), code_hash.into()],
            )?;
            if claimed == 0 {
                return Ok(Err(EnrollRefusal::Used));
            }
            let device = Device {
                id: Uuid::now_v7(),
                account_id: row.uuid(0)?,
                branch_id: row.uuid(1)?,
                label: branchbook_core::text::nfc(label),
                created_at: now,
                revoked_at: None,
                last_sync: None,
            };
            conn.exec(
                "INSERT INTO devices (id, token_hash, account_id, branch_id, label, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    device.id.into(),
                    token_hash.into(),
                    device.account_id.into(),
                    device.branch_id.into(),
                    (&device.label).into(),
                    now.into(),
                ],
            )?;
            Ok(Ok((device, row.text(4)?)))
        })
    }

    /// The device a token's hash belongs to, unless it was revoked.
    pub fn device_for_token(
        &self,
        token_hash: &str,
    ) -> Result<Option<DeviceAuth>, ServerStoreError> {
        self.db.read(|conn| {
            let row = conn.query_opt(
                "SELECT d.id, d.branch_id, a.username FROM devices d JOIN accounts a ON a.id = d.account_id
                 WHERE d.token_hash = $1 AND d.revoked_at IS NULL AND a.disabled_at IS NULL",
                &[token_hash.into()],
            )?;
            row.map(|r| Ok(DeviceAuth { device_id: r.uuid(0)?, branch_id: r.uuid(1)?, username: r.text(2)? }))
                .transpose()
        })
    }

    /// Devices of the branches inside a scope.
    pub fn devices(&self, scope: &Scope) -> Result<Vec<Device>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                &format!(
                    "SELECT {DEVICE_COLUMNS} FROM devices WHERE branch_id IN (SELECT id FROM areas WHERE path LIKE $1) ORDER BY created_at"
                ),
                &[scope.like_pattern().into()],
            )?
            .iter()
            .map(device_from_row)
            .collect()
        })
    }

    /// One device by id.
    pub fn device(&self, id: Uuid) -> Result<Option<Device>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!("SELECT {DEVICE_COLUMNS} FROM devices WHERE id = $1"),
                &[id.into()],
            )?
            .map(|r| device_from_row(&r))
            .transpose()
        })
    }

    /// Keeps what a device's pull or push told the server (`sync.at` is the server's
    /// clock). A version or count the phone did not report keeps the one it reported
    /// before.
    pub fn note_sync(&self, device: Uuid, sync: &DeviceSync) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            conn.exec(
                "UPDATE devices SET last_sync_at = $1, app_version = COALESCE($2, app_version),
                 waiting = COALESCE($3, waiting), core_version = COALESCE($4, core_version)
                 WHERE id = $5",
                &[
                    sync.at.into(),
                    sync.app_version.as_deref().into(),
                    sync.waiting.map(i64::from).into(),
                    sync.core_version.as_deref().into(),
                    device.into(),
                ],
            )?;
            Ok(())
        })
    }

    /// Revokes a device: its token stops working at its next request.
    pub fn revoke_device(&self, id: Uuid, now: DateTime<Utc>) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            let revoked = conn.exec(
                "UPDATE devices SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                &[now.into(), id.into()],
            )?;
            if revoked > 0 {
                self.audit(conn, AuditAction::DeviceRevoke, &id.to_string(), "")?;
            }
            Ok(())
        })
    }
}
