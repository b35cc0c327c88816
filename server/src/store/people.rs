//! Areas (the administrative tree), accounts and login sessions.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::audit::AuditAction;
use super::{ServerStore, ServerStoreError};
use crate::db::{Conn, Row};
use crate::model::stored_name;
use crate::model::{Account, Area, AreaLevel, Role, Scope};

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

const AREA_COLUMNS: &str = "id, parent_id, level, name, path, archived_at";
const ACCOUNT_COLUMNS: &str =
    "id, username, display_name, role, area_id, must_change_password, disabled_at";

fn area_from_row(row: &Row) -> Result<Area, ServerStoreError> {
    let level = row.text(2)?;
    Ok(Area {
        id: row.uuid(0)?,
        parent_id: row.opt_uuid(1)?,
        level: super::named(&level)?,
        name: row.text(3)?,
        path: row.text(4)?,
        archived: row.opt_text(5)?.is_some(),
    })
}

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

/// One area by id, in the caller's transaction.
pub(super) fn area_in(conn: &mut dyn Conn, id: Uuid) -> Result<Option<Area>, ServerStoreError> {
    conn.query_opt(
        &format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"),
        &[id.into()],
    )?
    .map(|r| area_from_row(&r))
    .transpose()
}

/// Refuses `name` when another area than `except` under `parent` (or among the provinces)
/// already has it: names are how officers tell areas apart.
fn refuse_taken_name(
    conn: &mut dyn Conn,
    parent: Option<Uuid>,
    name: &str,
    except: Option<Uuid>,
) -> Result<(), ServerStoreError> {
    let siblings = match parent {
        Some(pid) => conn.query(
            "SELECT id FROM areas WHERE parent_id = $1 AND name = $2",
            &[pid.into(), name.into()],
        )?,
        None => conn.query(
            "SELECT id FROM areas WHERE parent_id IS NULL AND name = $1",
            &[name.into()],
        )?,
    };
    for row in &siblings {
        if Some(row.uuid(0)?) != except {
            return Err(ServerStoreError::Exists(format!(
                "an area named {name} in the same place"
            )));
        }
    }
    Ok(())
}

impl ServerStore {
    /// Creates an area under `parent` (none for a province). The child must be of a
    /// deeper level than its parent, and only a province may have no parent.
    pub fn create_area(
        &self,
        parent: Option<Uuid>,
        level: AreaLevel,
        name: &str,
    ) -> Result<Area, ServerStoreError> {
        let name = branchbook_core::text::nfc(name.trim());
        self.db.write(|conn| {
            let parent_area = match parent {
                Some(pid) => {
                    let row = conn
                        .query_opt(&format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"), &[pid.into()])?
                        .ok_or_else(|| ServerStoreError::NotFound("parent area".into()))?;
                    Some(area_from_row(&row)?)
                }
                None => None,
            };
            match &parent_area {
                Some(p) if p.archived => {
                    return Err(ServerStoreError::Invalid(format!("{} is archived: restore it first", p.name)));
                }
                Some(p) if p.level.rank() >= level.rank() => {
                    return Err(ServerStoreError::Invalid(format!(
                        "a {} cannot be placed under a {}",
                        stored_name(&level),
                        stored_name(&p.level)
                    )));
                }
                None if level != AreaLevel::Province => {
                    return Err(ServerStoreError::Invalid(format!("a {} needs a parent area", stored_name(&level))));
                }
                _ => {}
            }
            refuse_taken_name(conn, parent, &name, None)?;
            let id = Uuid::now_v7();
            let path = format!("{}{id}/", parent_area.as_ref().map_or("/", |p| p.path.as_str()));
            conn.exec(
                "INSERT INTO areas (id, parent_id, level, name, path, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
                &[id.into(), parent.into(), stored_name(&level).into(), (&name).into(), (&path).into(), Utc::now().into()],
            )?;
            self.audit(conn, AuditAction::AreaCreate, &id.to_string(), &name)?;
            Ok(Area { id, parent_id: parent, level, name: name.clone(), path, archived: false })
        })
    }

    /// Renames an area (a commune merged or renamed by the province): its place in the
    /// tree, and so every record's and account's scope, stays. A name its siblings already
    /// use is refused.
    pub fn rename_area(&self, id: Uuid, name: &str) -> Result<Area, ServerStoreError> {
        let name = branchbook_core::text::nfc(name.trim());
        self.db.write(|conn| {
            let row = conn
                .query_opt(
                    &format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"),
                    &[id.into()],
                )?
                .ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            let area = area_from_row(&row)?;
            refuse_taken_name(conn, area.parent_id, &name, Some(id))?;
            conn.exec(
                "UPDATE areas SET name = $1 WHERE id = $2",
                &[(&name).into(), id.into()],
            )?;
            self.audit(conn, AuditAction::AreaRename, &id.to_string(), &name)?;
            Ok(Area {
                name: name.clone(),
                ..area
            })
        })
    }

    /// Moves an area (with everything under it) under `parent`: a parent of a higher
    /// level, not archived, not the area itself nor inside it, where no sibling has its
    /// name. The paths of the subtree and of its records are rewritten in the same
    /// transaction, holding every moved branch's lock (as a push and a review do), so a
    /// record is never filed under the old place; scopes follow at the next request.
    pub fn move_area(&self, id: Uuid, parent: Uuid) -> Result<Area, ServerStoreError> {
        let engine = self.db.engine();
        self.db.write(|conn| {
            let area = area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            let target =
                area_in(conn, parent)?.ok_or_else(|| ServerStoreError::NotFound("parent area".into()))?;
            if target.path.starts_with(&area.path) {
                return Err(ServerStoreError::Invalid(format!(
                    "{} cannot be moved under itself or an area inside it",
                    area.name
                )));
            }
            if target.archived {
                return Err(ServerStoreError::Invalid(format!("{} is archived: restore it first", target.name)));
            }
            if area.level == AreaLevel::Province || target.level.rank() >= area.level.rank() {
                return Err(ServerStoreError::Invalid(format!(
                    "a {} cannot be placed under a {}",
                    stored_name(&area.level),
                    stored_name(&target.level)
                )));
            }
            refuse_taken_name(conn, Some(parent), &area.name, Some(id))?;
            let subtree = format!("{}%", area.path);
            for row in conn.query(
                "SELECT id FROM areas WHERE path LIKE $1 AND level = 'branch' ORDER BY id",
                &[(&subtree).into()],
            )? {
                super::tallies::lock_branch(conn, engine, row.uuid(0)?)?;
            }
            let path = format!("{}{id}/", target.path);
            for (table, column) in [("areas", "path"), ("records", "area_path")] {
                conn.exec(
                    &format!("UPDATE {table} SET {column} = $1 || substr({column}, length($2) + 1) WHERE {column} LIKE $3"),
                    &[(&path).into(), (&area.path).into(), (&subtree).into()],
                )?;
            }
            conn.exec("UPDATE areas SET parent_id = $1 WHERE id = $2", &[parent.into(), id.into()])?;
            self.audit(conn, AuditAction::AreaMove, &id.to_string(), &parent.to_string())?;
            Ok(Area { parent_id: Some(parent), path, ..area })
        })
    }

    /// Archives an area (`archived`) or restores it. An area with areas under it still in
    /// use is not archived (archive those first), nor one restored under an archived
    /// parent. Nothing else changes: its records, accounts and phones stay.
    pub fn set_area_archived(&self, id: Uuid, archived: bool) -> Result<Area, ServerStoreError> {
        self.db.write(|conn| {
            let area = area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            if archived {
                let open = conn.query(
                    "SELECT name FROM areas WHERE parent_id = $1 AND archived_at IS NULL ORDER BY name",
                    &[id.into()],
                )?;
                if let Some(child) = open.first() {
                    return Err(ServerStoreError::Invalid(format!(
                        "{} still holds {} ({} in use): archive those first",
                        area.name,
                        child.text(0)?,
                        open.len()
                    )));
                }
            } else if let Some(parent) = area.parent_id.map(|p| area_in(conn, p)).transpose()?.flatten()
                && parent.archived
            {
                return Err(ServerStoreError::Invalid(format!("{} is archived: restore it first", parent.name)));
            }
            if area.archived == archived {
                return Ok(area);
            }
            let at = archived.then(Utc::now);
            conn.exec("UPDATE areas SET archived_at = $1 WHERE id = $2", &[at.into(), id.into()])?;
            let action = if archived { AuditAction::AreaArchive } else { AuditAction::AreaRestore };
            self.audit(conn, action, &id.to_string(), &area.name)?;
            Ok(Area { archived, ..area })
        })
    }

    /// One area by id.
    pub fn area(&self, id: Uuid) -> Result<Option<Area>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"),
                &[id.into()],
            )?
            .map(|r| area_from_row(&r))
            .transpose()
        })
    }

    /// Every area inside a scope, from the top down.
    pub fn areas(&self, scope: &Scope) -> Result<Vec<Area>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query(
                &format!("SELECT {AREA_COLUMNS} FROM areas WHERE path LIKE $1 ORDER BY length(path), name"),
                &[scope.like_pattern().into()],
            )?
            .iter()
            .map(area_from_row)
            .collect()
        })
    }

    /// Names of the areas on an area's path, from the top down (the area itself excluded).
    pub fn ancestor_names(&self, area: &Area) -> Result<Vec<String>, ServerStoreError> {
        let ids: Vec<&str> = area.path.split('/').filter(|s| !s.is_empty()).collect();
        let mut names = Vec::new();
        for id in ids.iter().take(ids.len().saturating_sub(1)) {
            let parsed =
                Uuid::parse_str(id).map_err(|e| ServerStoreError::Invalid(e.to_string()))?;
            if let Some(a) = self.area(parsed)? {
                names.push(a.name);
            }
        }
        Ok(names)
    }

    /// Creates an account; refuses a login name already in use.
    pub fn create_account(&self, new: &NewAccount) -> Result<Account, ServerStoreError> {
        self.db.write(|conn| {
            if let Some(area_id) = new.area_id {
                let row = conn
                    .query_opt("SELECT level FROM areas WHERE id = $1", &[area_id.into()])?
                    .ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
                if new.role == Role::BranchHead && row.text(0)? != stored_name(&AreaLevel::Branch) {
                    return Err(ServerStoreError::Invalid("a branch head's area must be a branch".into()));
                }
            } else if new.role != Role::Admin {
                return Err(ServerStoreError::Invalid("officers and branch heads need an area".into()));
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
                return Err(ServerStoreError::Exists(format!("login name {}", new.username)));
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
    /// account is not found: it answers like an unknown name).
    pub fn account_for_login(
        &self,
        username: &str,
    ) -> Result<Option<(Account, String)>, ServerStoreError> {
        self.db.read(|conn| {
            let row = conn.query_opt(
                &format!(
                    "SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE username = $1 AND disabled_at IS NULL"
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
    /// and its account is not disabled.
    pub fn session_account(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<Account>, ServerStoreError> {
        self.db.read(|conn| {
            conn.query_opt(
                &format!(
                    "SELECT {} FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE s.token_hash = $1 AND s.expires_at > $2 AND a.disabled_at IS NULL",
                    ACCOUNT_COLUMNS.split(", ").map(|c| format!("a.{c}")).collect::<Vec<_>>().join(", ")
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
