//! The branch's Women's Union member roster: filled from a list (what the server sends)
//! or a CSV file an officer prepared, replaced whole or patched, searchable by name
//! without diacritics. A member added on the phone (a walk-in made a member) is kept
//! across replacements until the server knows her.

use std::collections::HashSet;
use std::path::Path;

use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Key};
use super::search::{self, SearchKind};
use super::{InputField, RecordKind, Store, StoreError, Window, input};
use crate::domain::Sex;
use crate::protocol::RosterMember;
use crate::roster_file::{self, MemberKey};
use crate::text::fold;

/// How a list of members is applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum RosterChange {
    /// The list is the whole roster: members not in it are removed (except those added
    /// on the phone and not yet known to the server).
    Replace,
    /// The list holds new and changed members; the others stay.
    Patch,
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RosterImport {
    /// Members that were not there before.
    pub added: u32,
    /// Members whose data changed.
    pub updated: u32,
    /// Members removed (only by [`RosterChange::Replace`]).
    pub removed: u32,
}

fn clean(m: &RosterMember) -> Result<RosterMember, StoreError> {
    Ok(RosterMember {
        id: m.id,
        member_code: input::optional(m.member_code.as_deref()),
        full_name: input::required(InputField::Name, &m.full_name)?,
        sex: m.sex,
        birth_year: input::birth_year(m.birth_year)?,
        ethnicity: input::ethnicity(m.ethnicity.as_deref())?,
        village: input::text(&m.village),
        phone: input::optional(m.phone.as_deref()),
        archived: m.archived,
    })
}

const COLUMNS: &str =
    "id, member_code, full_name, sex, birth_year, ethnicity, village, phone, archived";

fn member_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RosterMember> {
    Ok(RosterMember {
        id: r.get::<_, Id>(0)?.0,
        member_code: r.get(1)?,
        full_name: r.get(2)?,
        sex: r.get::<_, Key<Sex>>(3)?.0,
        birth_year: r.get(4)?,
        ethnicity: r.get(5)?,
        village: r.get(6)?,
        phone: r.get(7)?,
        archived: r.get(8)?,
    })
}

/// Member `id`, if there is one.
pub(crate) fn find(tx: &Transaction<'_>, id: Uuid) -> Result<Option<RosterMember>, StoreError> {
    Ok(tx
        .prepare_cached(&format!("SELECT {COLUMNS} FROM roster WHERE id = ?1"))?
        .query_row([Id(id)], member_row)
        .optional()?)
}

/// What [`upsert`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Upsert {
    Added,
    Updated,
    Unchanged,
}

/// Writes one member (insert or update) and indexes her name; `local` marks a member
/// added on the phone.
pub(crate) fn upsert(
    tx: &Transaction<'_>,
    m: &RosterMember,
    local: bool,
) -> Result<Upsert, StoreError> {
    let existing = find(tx, m.id)?;
    let was_local: Option<bool> = tx
        .prepare_cached("SELECT local FROM roster WHERE id = ?1")?
        .query_row([Id(m.id)], |r| r.get(0))
        .optional()?;
    if existing.as_ref() == Some(m) && was_local == Some(local) {
        return Ok(Upsert::Unchanged);
    }
    tx.prepare_cached(
        "INSERT INTO roster (id, member_code, full_name, name_folded, sex, birth_year, ethnicity, village, phone,
                             archived, local, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
         ON CONFLICT (id) DO UPDATE SET member_code = excluded.member_code, full_name = excluded.full_name,
             name_folded = excluded.name_folded, sex = excluded.sex, birth_year = excluded.birth_year,
             ethnicity = excluded.ethnicity, village = excluded.village, phone = excluded.phone,
             archived = excluded.archived, local = excluded.local, updated_at = excluded.updated_at",
    )?
    .execute((
        Id(m.id),
        &m.member_code,
        &m.full_name,
        fold(&m.full_name),
        Key(m.sex),
        m.birth_year,
        &m.ethnicity,
        &m.village,
        &m.phone,
        m.archived,
        local,
        columns::Millis(columns::now()),
    ))?;
    let names: &[&str] = if m.archived { &[] } else { &[&m.full_name] };
    search::index(tx, SearchKind::Member, m.id, names)?;
    Ok(if existing.is_none() {
        Upsert::Added
    } else {
        Upsert::Updated
    })
}

fn apply(
    tx: &Transaction<'_>,
    members: &[RosterMember],
    change: RosterChange,
) -> Result<RosterImport, StoreError> {
    let mut seen = HashSet::new();
    let mut report = RosterImport::default();
    for m in members {
        if !seen.insert(m.id) {
            return Err(StoreError::invalid(
                InputField::Roster,
                format!("member {} is listed twice", m.id),
            ));
        }
        match upsert(tx, m, false)? {
            Upsert::Added => report.added += 1,
            Upsert::Updated => report.updated += 1,
            Upsert::Unchanged => {}
        }
    }
    if change == RosterChange::Replace {
        let all: Vec<Id> = tx
            .prepare("SELECT id FROM roster WHERE local = 0")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for Id(id) in all.into_iter().filter(|Id(id)| !seen.contains(id)) {
            tx.prepare_cached("DELETE FROM roster WHERE id = ?1")?
                .execute([Id(id)])?;
            search::unindex(tx, SearchKind::Member, id)?;
            report.removed += 1;
        }
    }
    Ok(report)
}

/// Reads a roster CSV by [`crate::roster_file`]'s rules and gives each member without an
/// id the id of the stored member who is the same person, so importing a file twice adds
/// no one twice. The first bad line is the error.
fn read_csv(tx: &Transaction<'_>, bytes: &[u8]) -> Result<Vec<RosterMember>, StoreError> {
    let mut rows = roster_file::read_csv(bytes).map_err(|e| StoreError::Csv {
        line: 1,
        reason: e.to_string(),
    })?;
    roster_file::assign_ids(&mut rows, |key| existing_id(tx, key))?;
    rows.into_iter()
        .map(|row| {
            row.member.map_err(|problem| StoreError::Csv {
                line: row.line,
                reason: problem.to_string(),
            })
        })
        .collect()
}

/// The id of a stored member with this identity.
fn existing_id(tx: &Transaction<'_>, key: &MemberKey) -> Result<Option<Uuid>, StoreError> {
    let id: Option<Id> = match key {
        MemberKey::Code(code) => tx
            .prepare_cached("SELECT id FROM roster WHERE member_code = ?1 ORDER BY id LIMIT 1")?
            .query_row([code], |r| r.get(0))
            .optional()?,
        MemberKey::Person {
            name,
            birth_year,
            village,
        } => tx
            .prepare_cached(
                "SELECT id FROM roster WHERE name_folded = ?1 AND birth_year IS ?2 AND village = ?3
                 ORDER BY id LIMIT 1",
            )?
            .query_row((name, birth_year, village), |r| r.get(0))
            .optional()?,
    };
    Ok(id.map(|Id(id)| id))
}

impl Store {
    /// Applies a list of members (from the server, or built by the app) in one transaction.
    pub fn import_roster(
        &self,
        members: &[RosterMember],
        change: RosterChange,
    ) -> Result<RosterImport, StoreError> {
        let members = members.iter().map(clean).collect::<Result<Vec<_>, _>>()?;
        self.write(|tx| apply(tx, &members, change))
    }

    /// Applies a roster CSV file (columns `full_name`/`ho_ten`, `sex`, `birth_year`,
    /// `ethnicity`, `village`, `phone`, `member_code`, optional `id`). A bad line is a
    /// [`StoreError::Csv`] naming it, and nothing of the file is applied.
    pub fn import_roster_csv(
        &self,
        path: &Path,
        change: RosterChange,
    ) -> Result<RosterImport, StoreError> {
        let bytes = std::fs::read(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        self.write(|tx| {
            let members = read_csv(tx, &bytes)?;
            apply(tx, &members, change)
        })
    }

    /// Member `id`.
    pub fn member(&self, id: Uuid) -> Result<RosterMember, StoreError> {
        self.read(|tx| find(tx, id)?.ok_or_else(|| StoreError::not_found(RecordKind::Member, id)))
    }

    /// Members of `village` (or all), by name.
    pub fn list_members(
        &self,
        village: Option<&str>,
        include_archived: bool,
        window: Window,
    ) -> Result<Vec<RosterMember>, StoreError> {
        let village = village.map(input::text);
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM roster WHERE (?1 OR archived = 0) AND (?2 IS NULL OR village = ?2)
                 ORDER BY name_folded, id LIMIT ?3 OFFSET ?4"
            ))?;
            let rows = stmt.query_map((include_archived, &village, window.sql_limit(), window.sql_offset()), member_row)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Active members whose name matches `query` (any accents, any case, word prefixes), best first.
    pub fn search_members(
        &self,
        query: &str,
        window: Window,
    ) -> Result<Vec<RosterMember>, StoreError> {
        self.read(|tx| {
            search::ranked(tx, SearchKind::Member, query, window)?
                .into_iter()
                .map(|id| {
                    find(tx, id)?.ok_or_else(|| StoreError::not_found(RecordKind::Member, id))
                })
                .collect()
        })
    }

    /// Households whose head or a member matches `query`, best first (archived ones left out).
    pub fn search_households(
        &self,
        query: &str,
        window: Window,
    ) -> Result<Vec<super::HouseholdSummary>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT uuid, revision, village, head_name, archived, updated_at FROM households WHERE uuid = ?1",
            )?;
            search::ranked(tx, SearchKind::Household, query, window)?
                .into_iter()
                .map(|id| Ok(stmt.query_row([Id(id)], super::households::summary)?))
                .collect()
        })
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::testing::{count, store};

    pub(crate) fn member(name: &str) -> RosterMember {
        RosterMember {
            id: Uuid::now_v7(),
            member_code: None,
            full_name: name.into(),
            sex: Sex::Female,
            birth_year: Some(1985),
            ethnicity: Some("hmong".into()),
            village: "Bản Phùng".into(),
            phone: None,
            archived: false,
        }
    }

    fn names(members: &[RosterMember]) -> Vec<&str> {
        members.iter().map(|m| m.full_name.as_str()).collect()
    }

    #[test]
    fn search_ignores_accents_and_case_and_matches_word_prefixes() {
        let (_dir, store) = store();
        let list: Vec<_> = [
            "Thào Thị Dợ",
            "Đặng Thị Mai",
            "Lò Thị Mai Anh",
            "Giàng Thị Thảo",
            "Thào Thị Dong",
        ]
        .into_iter()
        .map(member)
        .collect();
        store.import_roster(&list, RosterChange::Replace).unwrap();
        let find = |q: &str| names(&store.search_members(q, Window::first(10)).unwrap()).join(", ");
        assert_eq!(find("thao thi do"), "Thào Thị Dợ, Thào Thị Dong");
        assert_eq!(find("THAO"), "Giàng Thị Thảo, Thào Thị Dợ, Thào Thị Dong");
        assert_eq!(find("d"), "Đặng Thị Mai, Thào Thị Dợ, Thào Thị Dong");
        assert_eq!(find("mai"), "Đặng Thị Mai, Lò Thị Mai Anh");
        assert_eq!(find("hao"), "");
        assert_eq!(find("   "), "");
        assert_eq!(
            names(
                &store
                    .search_members(
                        "thi",
                        Window {
                            offset: 3,
                            limit: 10
                        }
                    )
                    .unwrap()
            )
            .len(),
            2
        );
    }

    #[test]
    fn households_are_found_by_head_or_member_name() {
        let (_dir, store) = store();
        let h = crate::store::households::tests::input("Giàng A Páo");
        let created = store.create_household(&h).unwrap();
        let hits = store.search_households("do", Window::first(10)).unwrap();
        assert_eq!(
            hits.iter().map(|h| h.uuid).collect::<Vec<_>>(),
            vec![created.uuid]
        );
        assert_eq!(
            store
                .search_households("giang pao", Window::first(10))
                .unwrap()
                .len(),
            1
        );
        store.set_household_archived(created.uuid, 1, true).unwrap();
        assert!(
            store
                .search_households("pao", Window::first(10))
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn replace_removes_missing_members_and_patch_keeps_them() {
        let (_dir, store) = store();
        let a = member("Thào Thị Dợ");
        let b = member("Lò Thị Mai");
        assert_eq!(
            store
                .import_roster(&[a.clone(), b.clone()], RosterChange::Replace)
                .unwrap()
                .added,
            2
        );
        let b2 = RosterMember {
            phone: Some("0912345678".into()),
            ..b.clone()
        };
        let c = member("Vàng Thị Sua");
        let r = store
            .import_roster(&[b2.clone(), c.clone()], RosterChange::Patch)
            .unwrap();
        assert_eq!(
            r,
            RosterImport {
                added: 1,
                updated: 1,
                removed: 0
            }
        );
        assert_eq!(
            store.member(b.id).unwrap().phone.as_deref(),
            Some("0912345678")
        );
        let r = store
            .import_roster(std::slice::from_ref(&c), RosterChange::Replace)
            .unwrap();
        assert_eq!(
            r,
            RosterImport {
                added: 0,
                updated: 0,
                removed: 2
            }
        );
        assert!(matches!(
            store.member(a.id),
            Err(StoreError::NotFound {
                kind: RecordKind::Member,
                ..
            })
        ));
        assert!(
            store
                .search_members("do", Window::first(5))
                .unwrap()
                .is_empty(),
            "removed from the index too"
        );
    }

    #[test]
    fn a_bad_member_in_a_list_changes_nothing() {
        let (_dir, store) = store();
        store
            .import_roster(&[member("Thào Thị Dợ")], RosterChange::Replace)
            .unwrap();
        let bad = RosterMember {
            ethnicity: Some("martian".into()),
            ..member("X")
        };
        assert!(
            store
                .import_roster(&[member("Lò Thị Mai"), bad], RosterChange::Replace)
                .is_err()
        );
        let twice = member("Y");
        assert!(matches!(
            store.import_roster(&[twice.clone(), twice], RosterChange::Patch),
            Err(StoreError::Invalid {
                field: InputField::Roster,
                ..
            })
        ));
        assert_eq!(count(&store, "roster"), 1);
    }

    #[test]
    fn csv_import_reads_vietnamese_headers_and_is_idempotent() {
        let (dir, store) = store();
        let path = dir.path().join("roster.csv");
        std::fs::write(
            &path,
            "\u{feff}Họ tên,Giới tính,Năm sinh,Dân tộc,Thôn,Điện thoại,Mã hội viên\n\
             Thào Thị Dợ,Nữ,1990,Mông,Bản Phùng,0912000111,HV-01\n\
             \"Lò Văn Tâm\",nam,,Thái,Bản Phùng,,\n\
             ,,,,,,\n",
        )
        .unwrap();
        let r = store.import_roster_csv(&path, RosterChange::Patch).unwrap();
        assert_eq!(r.added, 2);
        let all = store.list_members(None, false, Window::first(10)).unwrap();
        assert_eq!(names(&all), vec!["Lò Văn Tâm", "Thào Thị Dợ"]);
        assert_eq!(
            (all[0].sex, all[0].ethnicity.as_deref(), all[0].birth_year),
            (Sex::Male, Some("thai"), None)
        );
        assert_eq!(
            (all[1].member_code.as_deref(), all[1].ethnicity.as_deref()),
            (Some("HV-01"), Some("hmong"))
        );
        let again = store
            .import_roster_csv(&path, RosterChange::Replace)
            .unwrap();
        assert_eq!(
            again,
            RosterImport {
                added: 0,
                updated: 0,
                removed: 0
            }
        );
        assert_eq!(count(&store, "roster"), 2);
    }

    #[test]
    fn a_bad_csv_line_is_named_and_nothing_is_imported() {
        let (dir, store) = store();
        let path = dir.path().join("bad.csv");
        std::fs::write(
            &path,
            "full_name,sex,birth_year\nThào Thị Dợ,female,1990\nLò Thị Mai,female,nineteen\n",
        )
        .unwrap();
        match store.import_roster_csv(&path, RosterChange::Patch) {
            Err(StoreError::Csv { line: 3, reason }) => assert!(reason.contains("nineteen")),
            other => panic!("expected a CSV error on line 3, got {other:?}"),
        }
        std::fs::write(&path, "name,sex\nA,alien\n").unwrap();
        assert!(matches!(
            store.import_roster_csv(&path, RosterChange::Patch),
            Err(StoreError::Csv { line: 2, .. })
        ));
        std::fs::write(&path, "phone\n0912\n").unwrap();
        assert!(matches!(
            store.import_roster_csv(&path, RosterChange::Patch),
            Err(StoreError::Csv { line: 1, .. })
        ));
        assert!(matches!(
            store.import_roster_csv(&dir.path().join("missing.csv"), RosterChange::Patch),
            Err(StoreError::Io { .. })
        ));
        assert_eq!(count(&store, "roster"), 0);
    }
}
