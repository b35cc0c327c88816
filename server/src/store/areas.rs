//! Areas: the administrative tree (province, district, commune, branch) the accounts,
//! phones and records hang from, and its changes (create, rename, move, archive, delete).

use chrono::Utc;
use uuid::Uuid;

use super::audit::AuditAction;
use super::refusal::Refusal;
use super::{ServerStore, ServerStoreError};
use crate::db::{Conn, Row};
use crate::model::stored_name;
use crate::model::{Area, AreaLevel, RecordKind, Scope};

const AREA_COLUMNS: &str = "id, parent_id, level, name, path, archived_at";

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

/// One area by id, in the caller's transaction.
pub(super) fn area_in(conn: &mut dyn Conn, id: Uuid) -> Result<Option<Area>, ServerStoreError> {
    conn.query_opt(
        &format!("SELECT {AREA_COLUMNS} FROM areas WHERE id = $1"),
        &[id.into()],
    )?
    .map(|r| area_from_row(&r))
    .transpose()
}

/// One area by id that is not archived, in the caller's transaction: what anything new
/// (an area below, an account, an enrollment code, a moved area) may be put in.
/// `what` names it in the not-found error.
pub(super) fn open_area_in(
    conn: &mut dyn Conn,
    id: Uuid,
    what: &str,
) -> Result<Area, ServerStoreError> {
    let area = area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound(what.into()))?;
    if area.archived {
        return Err(Refusal::Archived(area.name).into());
    }
    Ok(area)
}

/// What an area still holds, counted: why it cannot be deleted. Only an empty area (a
/// typo, a duplicate) is deleted; one with anything in it is archived instead, so no
/// record, person or history ever loses the place it belongs to. Photos and the
/// indicators' counts are not counted: they only exist with phones and records.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AreaHoldings {
    /// The area's name.
    pub name: String,
    /// Areas right below it (archived ones too).
    pub areas: u64,
    /// Survey submissions filed under it.
    pub surveys: u64,
    /// Households registered in it.
    pub households: u64,
    /// Gatherings (dialogues, sessions) held in it.
    pub gatherings: u64,
    /// Phones' audit trails (what was done on a form, when) sent from it.
    pub audit_trails: u64,
    /// Accounts whose area it is (disabled ones too).
    pub accounts: u64,
    /// Phones enrolled for it (revoked ones too: their history names it).
    pub phones: u64,
    /// Enrollment codes issued for it (used, expired or open).
    pub codes: u64,
    /// Members on its roster.
    pub members: u64,
    /// Form versions published to it.
    pub forms: u64,
}

impl AreaHoldings {
    /// Each thing held and how many, in the order a sentence names them; zeros left out.
    pub fn counts(&self) -> Vec<(Holding, u64)> {
        [
            (Holding::Areas, self.areas),
            (Holding::Surveys, self.surveys),
            (Holding::Households, self.households),
            (Holding::Gatherings, self.gatherings),
            (Holding::AuditTrails, self.audit_trails),
            (Holding::Accounts, self.accounts),
            (Holding::Phones, self.phones),
            (Holding::Codes, self.codes),
            (Holding::Members, self.members),
            (Holding::Forms, self.forms),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

impl std::fmt::Display for AreaHoldings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let held: Vec<String> = self
            .counts()
            .into_iter()
            .map(|(what, n)| format!("{n} {}", what.english()))
            .collect();
        write!(
            f,
            "{} still holds {}: archive it instead of deleting it",
            self.name,
            held.join(", ")
        )
    }
}

/// One kind of thing an area can hold (see [`AreaHoldings`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Holding {
    /// Areas below.
    Areas,
    /// Survey submissions.
    Surveys,
    /// Households.
    Households,
    /// Gatherings.
    Gatherings,
    /// Phones' audit trails.
    AuditTrails,
    /// Accounts.
    Accounts,
    /// Phones.
    Phones,
    /// Enrollment codes.
    Codes,
    /// Roster members.
    Members,
    /// Published form versions.
    Forms,
}

impl Holding {
    /// Its English name, for the JSON API's sentence.
    pub fn english(self) -> &'static str {
        match self {
            Holding::Areas => "area(s) below",
            Holding::Surveys => "survey(s)",
            Holding::Households => "household(s)",
            Holding::Gatherings => "gathering(s)",
            Holding::AuditTrails => "audit trail(s)",
            Holding::Accounts => "account(s)",
            Holding::Phones => "phone(s)",
            Holding::Codes => "enrollment code(s)",
            Holding::Members => "roster member(s)",
            Holding::Forms => "published form version(s)",
        }
    }
}

/// The single count `sql` answers for the area `id` (its `$1`).
pub(super) fn count_of(conn: &mut dyn Conn, sql: &str, id: Uuid) -> Result<u64, ServerStoreError> {
    let row = conn.query_opt(sql, &[id.into()])?;
    Ok(row
        .map(|r| r.int(0))
        .transpose()?
        .map_or(0, |n| u64::try_from(n).unwrap_or(0)))
}

/// What `area` holds, read in the caller's transaction. Records are counted once each
/// (their latest revision), by the index the review pages use.
fn holdings_in(conn: &mut dyn Conn, area: &Area) -> Result<AreaHoldings, ServerStoreError> {
    let count = |conn: &mut dyn Conn, sql: &str| count_of(conn, sql, area.id);
    let mut held = AreaHoldings {
        name: area.name.clone(),
        areas: count(conn, "SELECT COUNT(*) FROM areas WHERE parent_id = $1")?,
        accounts: count(conn, "SELECT COUNT(*) FROM accounts WHERE area_id = $1")?,
        phones: count(conn, "SELECT COUNT(*) FROM devices WHERE branch_id = $1")?,
        codes: count(
            conn,
            "SELECT COUNT(*) FROM enrollments WHERE branch_id = $1",
        )?,
        members: count(conn, "SELECT COUNT(*) FROM members WHERE branch_id = $1")?,
        forms: count(conn, "SELECT COUNT(*) FROM forms WHERE area_id = $1")?,
        ..AreaHoldings::default()
    };
    for row in conn.query(
        "SELECT kind, COUNT(*) FROM records WHERE latest = 1 AND area_path = $1 GROUP BY kind",
        &[area.path.as_str().into()],
    )? {
        let n = u64::try_from(row.int(1)?).unwrap_or(0);
        match super::named::<RecordKind>(&row.text(0)?)? {
            RecordKind::Submission => held.surveys = n,
            RecordKind::Household => held.households = n,
            RecordKind::Gathering => held.gatherings = n,
            RecordKind::Audit => held.audit_trails = n,
        }
    }
    Ok(held)
}

/// An area just archived, and what that changed for the people and phones in it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ArchivedArea {
    /// The area as it is now.
    #[serde(flatten)]
    pub area: Area,
    /// Enabled accounts whose area it is: they can no longer sign in (until it is
    /// restored); their sessions ended.
    pub accounts_stopped: u64,
    /// Phones enrolled for it and not revoked: they still send what they hold (and
    /// anything collected before they hear of it), so nothing a branch head gathered is
    /// lost; revoke each once it has nothing waiting.
    pub phones_still_sending: u64,
    /// Enrollment codes that were still open: they no longer work.
    pub codes_cancelled: u64,
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
            return Err(Refusal::AreaNameTaken(name.to_owned()).into());
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
            let parent_area = parent.map(|pid| open_area_in(conn, pid, "parent area")).transpose()?;
            match &parent_area {
                Some(p) if p.level.rank() >= level.rank() => {
                    return Err(Refusal::Misplaced { level, parent: Some(p.level) }.into());
                }
                None if level != AreaLevel::Province => {
                    return Err(Refusal::Misplaced { level, parent: None }.into());
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
            let target = area_in(conn, parent)?.ok_or_else(|| ServerStoreError::NotFound("parent area".into()))?;
            if target.path.starts_with(&area.path) {
                return Err(Refusal::UnderItself(area.name).into());
            }
            let target = open_area_in(conn, parent, "parent area")?;
            if area.level == AreaLevel::Province || target.level.rank() >= area.level.rank() {
                return Err(Refusal::Misplaced { level: area.level, parent: Some(target.level) }.into());
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

    /// Archives an area: it is closed to anything new, and everything it holds stays.
    /// An area with areas below still open is refused (archive those first). In the same
    /// transaction its open enrollment codes stop working and the sessions of the
    /// accounts whose area it is end; those accounts cannot sign in again until it is
    /// restored (see `account_for_login`). Its phones are not stopped: a branch head's
    /// phone may hold records gathered offline for days, and it keeps sending them (and
    /// anything else it collects) until an officer revokes it, which the phones page
    /// helps do once it reports nothing waiting. Archiving an archived area changes
    /// nothing.
    pub fn archive_area(&self, id: Uuid) -> Result<ArchivedArea, ServerStoreError> {
        self.db.write(|conn| {
            let area = area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            let open = conn.query(
                "SELECT name FROM areas WHERE parent_id = $1 AND archived_at IS NULL ORDER BY name",
                &[id.into()],
            )?;
            if let Some(child) = open.first() {
                return Err(Refusal::OpenBelow {
                    name: area.name,
                    first: child.text(0)?,
                    open: open.len() as u64,
                }
                .into());
            }
            let now = Utc::now();
            let accounts_stopped =
                count_of(conn, "SELECT COUNT(*) FROM accounts WHERE area_id = $1 AND disabled_at IS NULL", id)?;
            let phones_still_sending =
                count_of(conn, "SELECT COUNT(*) FROM devices WHERE branch_id = $1 AND revoked_at IS NULL", id)?;
            let codes_cancelled = conn.exec(
                "UPDATE enrollments SET expires_at = $1 WHERE branch_id = $2 AND used_at IS NULL AND expires_at > $1",
                &[now.into(), id.into()],
            )?;
            conn.exec(
                "DELETE FROM sessions WHERE account_id IN (SELECT id FROM accounts WHERE area_id = $1)",
                &[id.into()],
            )?;
            if !area.archived {
                conn.exec("UPDATE areas SET archived_at = $1 WHERE id = $2", &[now.into(), id.into()])?;
                self.audit(conn, AuditAction::AreaArchive, &id.to_string(), &area.name)?;
            }
            Ok(ArchivedArea {
                area: Area { archived: true, ..area },
                accounts_stopped,
                phones_still_sending,
                codes_cancelled,
            })
        })
    }

    /// Brings an archived area back: its accounts sign in again, and codes can be issued
    /// for it. Refused under an archived parent (restore that first).
    pub fn restore_area(&self, id: Uuid) -> Result<Area, ServerStoreError> {
        self.db.write(|conn| {
            let area =
                area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            if let Some(parent) = area.parent_id {
                open_area_in(conn, parent, "parent area")?;
            }
            if area.archived {
                conn.exec(
                    "UPDATE areas SET archived_at = NULL WHERE id = $1",
                    &[id.into()],
                )?;
                self.audit(conn, AuditAction::AreaRestore, &id.to_string(), &area.name)?;
            }
            Ok(Area {
                archived: false,
                ..area
            })
        })
    }

    /// What an area holds (see [`AreaHoldings`]).
    pub fn area_holdings(&self, id: Uuid) -> Result<AreaHoldings, ServerStoreError> {
        self.db.read(|conn| {
            let area =
                area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            holdings_in(conn, &area)
        })
    }

    /// Deletes an area that holds nothing at all (see [`AreaHoldings`]): an area made by
    /// mistake. Anything else is refused with what it holds, and is archived instead.
    /// The audit log keeps the deletion with the area's name.
    pub fn delete_area(&self, id: Uuid) -> Result<Area, ServerStoreError> {
        self.db.write(|conn| {
            let area =
                area_in(conn, id)?.ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            let held = holdings_in(conn, &area)?;
            if !held.counts().is_empty() {
                return Err(Refusal::AreaInUse(held).into());
            }
            conn.exec("DELETE FROM areas WHERE id = $1", &[id.into()])?;
            self.audit(conn, AuditAction::AreaDelete, &id.to_string(), &area.name)?;
            Ok(area)
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
}
