//! Accounts (who signs in, in which area) and their login sessions.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::audit::AuditAction;
use super::refusal::Refusal;
use super::{ServerStore, ServerStoreError};
use crate::db::Row;
use crate::model::stored_name;
use crate::model::{Account, AreaLevel, Role, Scope};

/// An account moved to another area, and what stayed behind.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct MovedAccount {
    /// The account, in its new area.
    pub account: Account,
    /// The area it is in now.
    pub area: crate::model::Area,
    /// Its enrolled phones, which stay with the branch they were enrolled for.
    pub phones_elsewhere: u64,
}

/// A new account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    /// Login name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Area (required for officers and branch heads).
    pub area_id: Option<Uuid>,
    /// Argon2 hash of the password.
    pub password_hash: String,
    /// True for a generated password that must be replaced at first login.
    pub must_change_password: bool,
}

const ACCOUNT_COLUMNS: &str =
    "id, username, display_name, role, area_id, must_change_password, disabled_at";

/// The condition on `accounts` for one that may sign in: not disabled, and not in an
/// archived area (archiving an area closes it to its people until it is restored; its
/// phones are another matter, see `ServerStore::archive_area`).
const MAY_SIGN_IN: &str = "accounts.disabled_at IS NULL AND NOT EXISTS (
    SELECT 1 FROM areas WHERE areas.id = accounts.area_id AND areas.archived_at IS NOT NULL)";

fn account_from_row(row: &Row) -> Result<Account, ServerStoreError> {
    let role = row.text(3)?;
    Ok(Account {
        id: row.uuid(0)?,
        username: row.text(1)?,
        display_name: row.text(2)?,
        role: super::named(&role)?,
        area_id: row.opt_uuid(4)?,
        must_change_password: row.flag(5)?,
        disabled: row.opt_text(6)?.is_some(),
    })
}

impl ServerStore {
    /// Creates an account; refuses a login name already in use, and an archived area.
    pub fn create_account(&self, new: &NewAccount) -> Result<Account, ServerStoreError> {
        self.db.write(|conn| {
            if let Some(area_id) = new.area_id {
                let area = super::areas::open_area_in(conn, area_id, "area")?;
                if new.role == Role::BranchHead && area.level != AreaLevel::Branch {
                    return Err(Refusal::AreaForRole(Role::BranchHead).into());
                }
            } else if new.role != Role::Admin {
                return Err(Refusal::AreaForRole(new.role).into());
            }
            let id = Uuid::now_v7();
            let inserted = conn.exec(
                "INSERT INTO accounts (id, username, display_name, role, area_id, password_hash, must_change_password, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (username) DO NOTHING",
                &[
                    id.into(),
                    (&new.username).into(),
                    branchbook_core::text::nfc(&new.display_name).into(),
                    stored_name(&new.role).into(),
                    new.area_id.into(),
                    (&new.password_hash).into(),
                    new.must_change_password.into(),
                    Utc::now().into(),
                ],
            )?;
            if inserted == 0 {
                return Err(Refusal::LoginTaken(new.username.clone()).into());
            }
            self.audit(conn, AuditAction::AccountCreate, &id.to_string(), &new.username)?;
            Ok(Account {
                id,
                username: new.username.clone(),
                display_name: branchbook_core::text::nfc(&new.display_name),
                role: new.role,
                area_id: new.area_id,
                must_change_password: new.must_change_password,
                disabled: false,
            })
        })
    }

    /// True when at least one administrator exists (first start creates one otherwise).
    pub fn has_admin(&self) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt("SELECT 1 FROM accounts WHERE role = 'admin' LIMIT 1", &[])?
                .is_some())
        })
    }

    /// True when an administrator still has to replace a one-time password.
    pub fn admin_must_change_password(&self) -> Result<bool, ServerStoreError> {
        self.db.read(|conn| {
            Ok(conn
                .query_opt(
                    "SELECT 1 FROM accounts WHERE role = 'admin' AND must_change_password = 1 LIMIT 1",
                    &[],
                )?
                .is_some())
        })
    }

    /// An account that may sign in and its password hash, by login name (a disabled
    /// account, or one whose area is archived, is not found: it answers like an unknown
    /// name).
    pub fn account_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(Account, String)>, ServerStoreError> {
        self.db.read(|conn| {
            let row = conn.query_opt(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE username = $1 AND {MAY_SIGN_IN}"
                ),
                &[username.into()],
            )?;
            row.map(|r| Ok((account_from_row(&r)?, r.text(7)?)))
                .transpose()
        })
    }

    /// One account by id.
    pub fn account(&self, id: Uuid) -> Result<Option<Account>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
                &[id.into()],
            )?
            .map(|r| account_from_row(&r))
            .transpose()
        })
    }

    /// Accounts whose area lies inside a scope (administrators only for `Scope::All`).
    pub fn accounts(&self, scope: &Scope) -> Result<Vec<Account>, ServerStoreError> {
        self.db.read(|conn| {
            let rows = match scope {
                Scope::All => conn.query(&format!("SELECT {ACCOUNT_COLUMNS} FROM accounts ORDER BY username"), &[])?,
                Scope::Under(_) => conn.query(
                    &format!(
                        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE area_id IN (SELECT id FROM areas WHERE path LIKE $1) ORDER BY username"
                    ),
                    &[scope.like_pattern().into()],
                )?,
            };
            rows.iter().map(account_from_row).collect()
        })
    }

    /// Replaces an account's password (and clears the one-time flag), ending its other sessions.
    pub fn set_password(
        &self,
        account_id: Uuid,
        password_hash: &str,
        keep_session: &str,
    ) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            conn.exec(
                "UPDATE accounts SET password_hash = $1, must_change_password = 0 WHERE id = $2",
                &[password_hash.into(), account_id.into()],
            )?;
            conn.exec(
                "DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2",
                &[account_id.into(), keep_session.into()],
            )?;
            Ok(())
        })
    }

    /// Gives an account a new (one-time) password and ends all its sessions.
    pub fn reset_password(
        &self,
        account_id: Uuid,
        password_hash: &str,
    ) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            conn.exec(
                "UPDATE accounts SET password_hash = $1, must_change_password = 1 WHERE id = $2",
                &[password_hash.into(), account_id.into()],
            )?;
            self.audit(
                conn,
                AuditAction::PasswordReset,
                &account_id.to_string(),
                "",
            )?;
            conn.exec(
                "DELETE FROM sessions WHERE account_id = $1",
                &[account_id.into()],
            )?;
            Ok(())
        })
    }

    /// Disables an account (ending its sessions; its phones stop too, see
    /// `device_for_token`) or enables it again. False when there is no such account.
    pub fn set_account_disabled(
        &self,
        account_id: Uuid,
        disabled: bool,
    ) -> Result<bool, ServerStoreError> {
        self.db.write(|conn| {
            let target = account_id.to_string();
            if !disabled {
                let changed = conn.exec(
                    "UPDATE accounts SET disabled_at = NULL WHERE id = $1",
                    &[account_id.into()],
                )?;
                if changed > 0 {
                    self.audit(conn, AuditAction::AccountEnable, &target, "")?;
                }
                return Ok(changed > 0);
            }
            let changed = conn.exec(
                "UPDATE accounts SET disabled_at = COALESCE(disabled_at, $1) WHERE id = $2",
                &[Utc::now().into(), account_id.into()],
            )?;
            if changed > 0 {
                self.audit(conn, AuditAction::AccountDisable, &target, "")?;
            }
            conn.exec(
                "DELETE FROM sessions WHERE account_id = $1",
                &[account_id.into()],
            )?;
            Ok(changed > 0)
        })
    }

    /// Changes the name an account is shown by. False when there is no such account.
    pub fn set_display_name(
        &self,
        account_id: Uuid,
        display_name: &str,
    ) -> Result<bool, ServerStoreError> {
        let display_name = branchbook_core::text::nfc(display_name);
        self.db.write(|conn| {
            let changed = conn.exec(
                "UPDATE accounts SET display_name = $1 WHERE id = $2",
                &[(&display_name).into(), account_id.into()],
            )?;
            if changed > 0 {
                let target = account_id.to_string();
                self.audit(conn, AuditAction::AccountRename, &target, &display_name)?;
            }
            Ok(changed > 0)
        })
    }

    /// Moves an account to another area (a commune merged into another, a branch head
    /// who took over another branch). The area must be open and suit the role: a branch
    /// head's is a branch, and an administrator has none. In the same transaction its
    /// open enrollment codes, made for its old branch, stop working. Its enrolled phones
    /// stay with the branch they were enrolled for and keep sending what they hold there
    /// (as after an archive); their number is returned for the page to say. Its sessions
    /// go on under the new scope from their next request. Moving an account to its own
    /// area changes nothing.
    pub fn move_account(
        &self,
        account_id: Uuid,
        area_id: Uuid,
    ) -> Result<MovedAccount, ServerStoreError> {
        self.db.write(|conn| {
            let account = conn
                .query_opt(
                    &format!("SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"),
                    &[account_id.into()],
                )?
                .map(|row| account_from_row(&row))
                .transpose()?
                .ok_or_else(|| ServerStoreError::NotFound("account".into()))?;
            let area = super::areas::open_area_in(conn, area_id, "area")?;
            if account.role == Role::Admin
                || (account.role == Role::BranchHead && area.level != AreaLevel::Branch)
            {
                return Err(Refusal::AreaForRole(account.role).into());
            }
            let phones_elsewhere = super::areas::count_of(
                conn,
                "SELECT COUNT(*) FROM devices WHERE account_id = $1 AND revoked_at IS NULL",
                account_id,
            )?;
            if account.area_id == Some(area_id) {
                return Ok(MovedAccount { account, area, phones_elsewhere: 0 });
            }
            conn.exec(
                "UPDATE accounts SET area_id = $1 WHERE id = $2",
                &[area_id.into(), account_id.into()],
            )?;
            conn.exec(
                "UPDATE enrollments SET expires_at = $1 WHERE account_id = $2 AND used_at IS NULL AND expires_at > $1",
                &[Utc::now().into(), account_id.into()],
            )?;
            self.audit(conn, AuditAction::AccountMove, &account_id.to_string(), &area_id.to_string())?;
            Ok(MovedAccount {
                account: Account { area_id: Some(area_id), ..account },
                area,
                phones_elsewhere,
            })
        })
    }

    /// Records a login session by the hash of its token.
    pub fn create_session(
        &self,
        token_hash: &str,
        account_id: Uuid,
        expires_at: DateTime<Utc>,
    ) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            let now = Utc::now();
            conn.exec("DELETE FROM sessions WHERE expires_at < $1", &[now.into()])?;
            conn.exec(
                "INSERT INTO sessions (token_hash, account_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[token_hash.into(), account_id.into(), now.into(), expires_at.into()],
            )?;
            Ok(())
        })
    }

    /// The account behind a session token's hash, if the session exists, has not expired
    /// and its account may sign in (not disabled, its area not archived).
    pub fn session_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!(
                    "SELECT {} FROM sessions s JOIN accounts ON accounts.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND {MAY_SIGN_IN}",
                    ACCOUNT_COLUMNS.split(", ").map(|c| format!("accounts.{c}")).collect::<Vec<_>>().join(", ")
                ),
                &[token_hash.into(), now.into()],
            )?
            .map(|r| account_from_row(&r))
            .transpose()
        })
    }

    /// Ends a session.
    pub fn delete_session(&self, token_hash: &str) -> Result<(), ServerStoreError> {
        self.db.write(|conn| {
            conn.exec(
                "DELETE FROM sessions WHERE token_hash = $1",
                &[token_hash.into()],
            )?;
            Ok(())
        })
    }
}
