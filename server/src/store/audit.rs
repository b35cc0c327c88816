//! The audit log: every administrative write (areas, accounts, phones and enrollment
//! codes, rosters, forms) and every review decision records who did what to what and when, in the transaction that
//! does it, so the log and the data never disagree. The actor is the account a store was
//! taken [`ServerStore::by`]; none means the server itself (first start, command line).
//! Entries name their target by id and a short label, never a password, code or token.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::{ServerStore, ServerStoreError};
use crate::db::Conn;

/// What was done (stored by its dotted name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditAction {
    /// An area was added.
    AreaCreate,
    /// An area was renamed.
    AreaRename,
    /// An area was moved under another parent.
    AreaMove,
    /// An area was archived (hidden from pickers, its data kept).
    AreaArchive,
    /// An archived area was brought back.
    AreaRestore,
    /// An empty area (made by mistake) was deleted.
    AreaDelete,
    /// An account was created.
    AccountCreate,
    /// An account's display name changed.
    AccountRename,
    /// An account was given a new one-time password.
    PasswordReset,
    /// An account was disabled.
    AccountDisable,
    /// An account was enabled again.
    AccountEnable,
    /// An account was moved to another area.
    AccountMove,
    /// An enrollment code was issued for a branch head.
    EnrollmentIssue,
    /// A branch head's open enrollment codes were cancelled.
    EnrollmentCancel,
    /// A phone was revoked.
    DeviceRevoke,
    /// Roster members of a branch were added or changed.
    MembersSave,
    /// A form version was uploaded as a draft.
    FormUpload,
    /// A form version was published.
    FormPublish,
    /// A form version was retired.
    FormRetire,
    /// A review decision was recorded on a record (one entry per record).
    ReviewDecide,
}

impl AuditAction {
    /// Every action, for the log's texts.
    pub const ALL: [AuditAction; 20] = [
        AuditAction::AreaCreate,
        AuditAction::AreaRename,
        AuditAction::AreaMove,
        AuditAction::AreaArchive,
        AuditAction::AreaRestore,
        AuditAction::AreaDelete,
        AuditAction::AccountCreate,
        AuditAction::AccountRename,
        AuditAction::PasswordReset,
        AuditAction::AccountDisable,
        AuditAction::AccountEnable,
        AuditAction::AccountMove,
        AuditAction::EnrollmentIssue,
        AuditAction::EnrollmentCancel,
        AuditAction::DeviceRevoke,
        AuditAction::MembersSave,
        AuditAction::FormUpload,
        AuditAction::FormPublish,
        AuditAction::FormRetire,
        AuditAction::ReviewDecide,
    ];

    /// The stored name.
    pub fn name(self) -> &'static str {
        match self {
            AuditAction::AreaCreate => "area.create",
            AuditAction::AreaRename => "area.rename",
            AuditAction::AreaMove => "area.move",
            AuditAction::AreaArchive => "area.archive",
            AuditAction::AreaRestore => "area.restore",
            AuditAction::AreaDelete => "area.delete",
            AuditAction::AccountCreate => "account.create",
            AuditAction::AccountRename => "account.rename",
            AuditAction::PasswordReset => "account.password_reset",
            AuditAction::AccountDisable => "account.disable",
            AuditAction::AccountEnable => "account.enable",
            AuditAction::AccountMove => "account.move",
            AuditAction::EnrollmentIssue => "enrollment.issue",
            AuditAction::EnrollmentCancel => "enrollment.cancel",
            AuditAction::DeviceRevoke => "device.revoke",
            AuditAction::MembersSave => "roster.save",
            AuditAction::FormUpload => "form.upload",
            AuditAction::FormPublish => "form.publish",
            AuditAction::FormRetire => "form.retire",
            AuditAction::ReviewDecide => "review.decide",
        }
    }

    /// The action with this stored name.
    pub fn from_name(name: &str) -> Option<AuditAction> {
        AuditAction::ALL.into_iter().find(|a| a.name() == name)
    }
}

/// One entry of the log as read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// Its place in the log (newer entries have larger ids).
    pub id: i64,
    /// When.
    pub at: DateTime<Utc>,
    /// Who (`None`: the server itself).
    pub actor: Option<Uuid>,
    /// The action's stored name (an unknown one is kept as written).
    pub action: String,
    /// What it was done to (an id, or a form's `id/version`).
    pub target: String,
    /// A short label of the target or the change (a name, an area, a count).
    pub detail: String,
}

impl ServerStore {
    /// The same store acting for `account`: its administrative writes are logged as hers.
    pub fn by(&self, account: Uuid) -> ServerStore {
        ServerStore {
            db: self.db.clone(),
            actor: Some(account),
        }
    }

    /// Writes one entry in the caller's transaction.
    pub(crate) fn audit(
        &self,
        conn: &mut dyn Conn,
        action: AuditAction,
        target: &str,
        detail: &str,
    ) -> Result<(), ServerStoreError> {
        conn.exec(
            "INSERT INTO audit_log (at, actor_id, action, target, detail) VALUES ($1, $2, $3, $4, $5)",
            &[
                Utc::now().into(),
                self.actor.into(),
                action.name().into(),
                target.into(),
                detail.into(),
            ],
        )?;
        Ok(())
    }

    /// At most `limit` entries older than entry `before` (none: the newest), newest first.
    pub fn audit_log(
        &self,
        before: Option<i64>,
        limit: u32,
    ) -> Result<Vec<AuditEntry>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                "SELECT id, at, actor_id, action, target, detail FROM audit_log
                 WHERE id < $1 ORDER BY id DESC LIMIT $2",
                &[before.unwrap_or(i64::MAX).into(), i64::from(limit).into()],
            )?
            .iter()
            .map(|r| {
                Ok(AuditEntry {
                    id: r.int(0)?,
                    at: r.time(1)?,
                    actor: r.opt_uuid(2)?,
                    action: r.text(3)?,
                    target: r.text(4)?,
                    detail: r.text(5)?,
                })
            })
            .collect()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::AreaLevel;

    #[test]
    fn writes_are_logged_with_their_actor_and_paged_newest_first() {
        let dir = tempfile::tempdir().unwrap();
        let store = ServerStore::open_sqlite(dir.path()).unwrap();
        let province = store
            .create_area(None, AreaLevel::Province, "Lào Cai")
            .unwrap();
        let admin = store
            .create_account(&crate::store::people::NewAccount {
                username: "admin".into(),
                display_name: "Admin".into(),
                role: crate::model::Role::Admin,
                area_id: None,
                password_hash: "x".into(),
                must_change_password: false,
            })
            .unwrap();
        store
            .by(admin.id)
            .rename_area(province.id, "Tỉnh Lào Cai")
            .unwrap();
        let log = store.audit_log(None, 2).unwrap();
        assert_eq!(
            log.iter()
                .map(|e| (e.action.as_str(), e.actor, e.detail.as_str()))
                .collect::<Vec<_>>(),
            [
                ("area.rename", Some(admin.id), "Tỉnh Lào Cai"),
                ("account.create", None, "admin"),
            ]
        );
        let older = store.audit_log(Some(log[1].id), 10).unwrap();
        assert_eq!(older.len(), 1);
        assert_eq!(older[0].action, "area.create");
        assert_eq!(older[0].target, province.id.to_string());
        // A refused write logs nothing.
        assert!(store.by(admin.id).rename_area(Uuid::now_v7(), "X").is_err());
        assert_eq!(store.audit_log(None, 10).unwrap().len(), 3);
        for action in AuditAction::ALL {
            assert_eq!(AuditAction::from_name(action.name()), Some(action));
        }
    }
}
