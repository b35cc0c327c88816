//! The branch's household registry. Every create, edit or archive writes a new revision
//! (the earlier ones stay as they were) and queues it for sending; the `households`
//! table points at each household's newest revision for lists and search.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Key, Millis};
use super::outbox::{self, OutboxKind};
use super::search::{self, SearchKind};
use super::{InputField, RecordKind, RecordState, Store, StoreError, Window, audit, input};
use crate::domain::Sex;
use crate::protocol::{AuditAction, HouseholdBody, HouseholdMember, HouseholdRecord, RecordBody};

/// What the UI gives to create or edit a household.
#[derive(Debug, Clone, PartialEq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HouseholdInput {
    /// Village (thôn / bản); required.
    pub village: String,
    /// House number or a description of where it is.
    pub address: String,
    /// Name of the head of household; required.
    pub head_name: String,
    /// The people living there.
    pub members: Vec<MemberInput>,
    /// Free notes.
    pub notes: String,
}

/// A person of a household as the UI gives it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MemberInput {
    /// The person's id when editing someone already recorded; `None` for a new person.
    pub id: Option<Uuid>,
    /// Name; required.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth year, when known.
    pub birth_year: Option<i32>,
    /// Ethnicity: key, GSO code or Vietnamese name.
    pub ethnicity: Option<String>,
    /// Relation to the head ("head", "wife", "son", ...).
    pub relation: String,
}

/// One revision of a household.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Household {
    /// Stable id.
    pub uuid: Uuid,
    /// Revision number, 1 for the first.
    pub revision: u32,
    /// Finalized (queued) or sent.
    pub state: RecordState,
    /// When this revision was made.
    pub created_at: DateTime<Utc>,
    /// The content, as it goes on the wire.
    pub body: HouseholdBody,
}

/// What applying the server's households did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct HouseholdImport {
    /// Revisions stored now.
    pub applied: u32,
    /// Revisions this phone already had, the same.
    pub known: u32,
    /// Revisions this phone has with other content (its own edit of the same revision
    /// number): the phone's is kept and still sent, for the server to settle.
    pub conflicts: u32,
}

/// A household as lists show it (newest revision).
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HouseholdSummary {
    /// Stable id.
    pub uuid: Uuid,
    /// Newest revision.
    pub revision: u32,
    /// Village.
    pub village: String,
    /// Head of household.
    pub head_name: String,
    /// Archived households are hidden from lists unless asked for.
    pub archived: bool,
    /// When the newest revision was made.
    pub updated_at: DateTime<Utc>,
}

fn clean(input: &HouseholdInput, archived: bool) -> Result<HouseholdBody, StoreError> {
    let members = input
        .members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let member = || -> Result<HouseholdMember, StoreError> {
                Ok(HouseholdMember {
                    id: m.id.unwrap_or_else(Uuid::now_v7),
                    name: input::required(InputField::Name, &m.name)?,
                    sex: m.sex,
                    birth_year: input::birth_year(m.birth_year)?,
                    ethnicity: input::ethnicity(m.ethnicity.as_deref())?,
                    relation: input::text(&m.relation),
                })
            };
            member().map_err(|e| e.of_member(i))
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let mut ids: Vec<Uuid> = members.iter().map(|m| m.id).collect();
    ids.sort_unstable();
    if ids.windows(2).any(|w| w[0] == w[1]) {
        return Err(StoreError::invalid(
            InputField::Members,
            "the same person is listed twice",
        ));
    }
    Ok(HouseholdBody {
        village: input::required(InputField::Village, &input.village)?,
        address: input::text(&input.address),
        head_name: input::required(InputField::HeadName, &input.head_name)?,
        members,
        notes: input::text(&input.notes),
        archived,
    })
}

/// The names search looks at: the head first, then the members.
fn names(body: &HouseholdBody) -> Vec<&str> {
    std::iter::once(body.head_name.as_str())
        .chain(body.members.iter().map(|m| m.name.as_str()))
        .collect()
}

/// Writes revision `revision` of household `uuid` in `state`; when it is `newest`, the
/// household's list entry and search index follow it.
fn store_revision(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
    body: &HouseholdBody,
    state: RecordState,
    newest: bool,
) -> Result<DateTime<Utc>, StoreError> {
    let now = columns::now();
    let json = serde_json::to_string(body).map_err(|source| StoreError::Corrupt {
        what: "household",
        source,
    })?;
    if newest {
        tx.prepare_cached(
            "INSERT INTO households (uuid, revision, village, head_name, archived, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (uuid) DO UPDATE SET revision = excluded.revision, village = excluded.village,
                 head_name = excluded.head_name, archived = excluded.archived, updated_at = excluded.updated_at",
        )?
        .execute((Id(uuid), revision, &body.village, &body.head_name, body.archived, Millis(now)))?;
        let names = if body.archived { vec![] } else { names(body) };
        search::index(tx, SearchKind::Household, uuid, &names)?;
    }
    tx.prepare_cached("INSERT INTO household_revisions (uuid, revision, created_at, body, state) VALUES (?1, ?2, ?3, ?4, ?5)")?
        .execute((Id(uuid), revision, Millis(now), json, Key(state)))?;
    Ok(now)
}

/// Writes a revision made on this phone: the newest, queued for sending, audited.
fn write_revision(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
    body: &HouseholdBody,
    action: AuditAction,
) -> Result<Household, StoreError> {
    let now = store_revision(tx, uuid, revision, body, RecordState::Finalized, true)?;
    outbox::enqueue(tx, OutboxKind::Household, uuid, revision)?;
    audit::log(tx, action, RecordKind::Household, uuid, revision, now)?;
    Ok(Household {
        uuid,
        revision,
        state: RecordState::Finalized,
        created_at: now,
        body: body.clone(),
    })
}

fn revision(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: Option<u32>,
) -> Result<Household, StoreError> {
    let row: Option<(u32, Key<RecordState>, Millis, String)> = tx
        .prepare_cached(
            "SELECT r.revision, r.state, r.created_at, r.body FROM household_revisions r
             WHERE r.uuid = ?1 AND r.revision = coalesce(?2, (SELECT revision FROM households WHERE uuid = ?1))",
        )?
        .query_row((Id(uuid), revision), |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?;
    let (revision, state, created_at, json) =
        row.ok_or_else(|| StoreError::not_found(RecordKind::Household, uuid))?;
    let body = serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
        what: "household",
        source,
    })?;
    Ok(Household {
        uuid,
        revision,
        state: state.0,
        created_at: created_at.0,
        body,
    })
}

/// The wire form of household revision `(uuid, revision)`, for the outbox.
pub(crate) fn wire(
    tx: &Transaction<'_>,
    uuid: Uuid,
    rev: u32,
) -> Result<(DateTime<Utc>, RecordBody), StoreError> {
    let h = revision(tx, uuid, Some(rev))?;
    Ok((h.created_at, RecordBody::Household(h.body)))
}

/// Fails unless household `uuid` exists (for links from submissions).
pub(crate) fn ensure_exists(tx: &Transaction<'_>, uuid: Uuid) -> Result<(), StoreError> {
    let found: bool = tx
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM households WHERE uuid = ?1)")?
        .query_row([Id(uuid)], |r| r.get(0))?;
    if found {
        Ok(())
    } else {
        Err(StoreError::not_found(RecordKind::Household, uuid))
    }
}

impl Store {
    /// Registers a new household (revision 1, queued for sending).
    pub fn create_household(&self, input: &HouseholdInput) -> Result<Household, StoreError> {
        let body = clean(input, false)?;
        self.write(|tx| write_revision(tx, Uuid::now_v7(), 1, &body, AuditAction::Created))
    }

    /// Edits household `uuid`, starting from `base_revision` (the one the UI showed): a
    /// new revision is written unless nothing changed. [`StoreError::Stale`] if the
    /// household changed since.
    pub fn edit_household(
        &self,
        uuid: Uuid,
        base_revision: u32,
        input: &HouseholdInput,
    ) -> Result<Household, StoreError> {
        self.write(|tx| {
            let current = revision(tx, uuid, None)?;
            let body = clean(input, current.body.archived)?;
            new_revision(tx, current, base_revision, body)
        })
    }

    /// Archives (or brings back) household `uuid` as a new revision.
    pub fn set_household_archived(
        &self,
        uuid: Uuid,
        base_revision: u32,
        archived: bool,
    ) -> Result<Household, StoreError> {
        self.write(|tx| {
            let current = revision(tx, uuid, None)?;
            let body = HouseholdBody {
                archived,
                ..current.body.clone()
            };
            new_revision(tx, current, base_revision, body)
        })
    }

    /// The newest revision of household `uuid`.
    pub fn household(&self, uuid: Uuid) -> Result<Household, StoreError> {
        self.read(|tx| revision(tx, uuid, None))
    }

    /// Applies households created or changed elsewhere, as the server sends them. Each
    /// revision is stored as sent; the newest one known becomes the household's, unless
    /// the phone has a newer revision of its own waiting to be sent.
    pub fn import_households(
        &self,
        records: &[HouseholdRecord],
    ) -> Result<HouseholdImport, StoreError> {
        self.write(|tx| {
            let mut report = HouseholdImport::default();
            for r in records {
                if r.revision == 0 {
                    return Err(StoreError::stored("revision", format!("household {} has revision 0", r.uuid)));
                }
                let body = HouseholdBody {
                    village: input::text(&r.body.village),
                    address: input::text(&r.body.address),
                    head_name: input::text(&r.body.head_name),
                    members: r.body.members.iter().map(|m| HouseholdMember { name: input::text(&m.name), ..m.clone() }).collect(),
                    notes: input::text(&r.body.notes),
                    archived: r.body.archived,
                };
                match revision(tx, r.uuid, Some(r.revision)) {
                    Ok(mine) if mine.body == body => {
                        tx.prepare_cached("UPDATE household_revisions SET state = 'sent' WHERE uuid = ?1 AND revision = ?2")?
                            .execute((Id(r.uuid), r.revision))?;
                        tx.prepare_cached("DELETE FROM outbox WHERE uuid = ?1 AND revision = ?2")?
                            .execute((Id(r.uuid), r.revision))?;
                        report.known += 1;
                    }
                    Ok(_) => report.conflicts += 1,
                    Err(StoreError::NotFound { .. }) => {
                        let newest: Option<u32> = tx
                            .prepare_cached("SELECT revision FROM households WHERE uuid = ?1")?
                            .query_row([Id(r.uuid)], |row| row.get(0))
                            .optional()?;
                        store_revision(tx, r.uuid, r.revision, &body, RecordState::Sent, newest.is_none_or(|n| n < r.revision))?;
                        report.applied += 1;
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(report)
        })
    }

    /// Every revision of household `uuid`, newest first.
    pub fn household_revisions(&self, uuid: Uuid) -> Result<Vec<Household>, StoreError> {
        self.read(|tx| {
            revision(tx, uuid, None)?;
            // Every revision this phone holds (one sent from the server may skip numbers).
            let revisions: Vec<u32> = tx
                .prepare_cached("SELECT revision FROM household_revisions WHERE uuid = ?1 ORDER BY revision DESC")?
                .query_map([Id(uuid)], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            revisions.into_iter().map(|rev| revision(tx, uuid, Some(rev))).collect()
        })
    }

    /// Households of `village` (or all), by village then head's name.
    pub fn list_households(
        &self,
        village: Option<&str>,
        include_archived: bool,
        window: Window,
    ) -> Result<Vec<HouseholdSummary>, StoreError> {
        let village = village.map(input::text);
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT uuid, revision, village, head_name, archived, updated_at FROM households
                 WHERE (?1 OR archived = 0) AND (?2 IS NULL OR village = ?2)
                 ORDER BY village, head_name, uuid LIMIT ?3 OFFSET ?4",
            )?;
            let rows = stmt.query_map(
                (
                    include_archived,
                    &village,
                    window.sql_limit(),
                    window.sql_offset(),
                ),
                summary,
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }
}

/// Reads a [`HouseholdSummary`] from `uuid, revision, village, head_name, archived, updated_at`.
pub(crate) fn summary(r: &rusqlite::Row<'_>) -> rusqlite::Result<HouseholdSummary> {
    Ok(HouseholdSummary {
        uuid: r.get::<_, Id>(0)?.0,
        revision: r.get(1)?,
        village: r.get(2)?,
        head_name: r.get(3)?,
        archived: r.get(4)?,
        updated_at: r.get::<_, Millis>(5)?.0,
    })
}

fn new_revision(
    tx: &Transaction<'_>,
    current: Household,
    base_revision: u32,
    body: HouseholdBody,
) -> Result<Household, StoreError> {
    if base_revision != current.revision {
        return Err(StoreError::Stale {
            kind: RecordKind::Household,
            id: current.uuid,
            base: base_revision,
            current: current.revision,
        });
    }
    if body == current.body {
        return Ok(current);
    }
    write_revision(
        tx,
        current.uuid,
        current.revision + 1,
        &body,
        AuditAction::Edited,
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::testing::{count, store};

    pub(crate) fn input(head: &str) -> HouseholdInput {
        HouseholdInput {
            village: "Bản Phùng".into(),
            address: "số 12".into(),
            head_name: head.into(),
            members: vec![MemberInput {
                id: None,
                name: "Thào Thị Dợ".into(),
                sex: Sex::Female,
                birth_year: Some(1990),
                ethnicity: Some("Mông".into()),
                relation: "wife".into(),
            }],
            notes: String::new(),
        }
    }

    #[test]
    fn create_edit_and_archive_keep_every_revision() {
        let (_dir, store) = store();
        let h1 = store.create_household(&input("Giàng A Páo")).unwrap();
        assert_eq!((h1.revision, h1.state), (1, RecordState::Finalized));
        assert_eq!(h1.body.members[0].ethnicity.as_deref(), Some("hmong"));

        let mut edit = input("Giàng A Páo");
        edit.members[0].id = Some(h1.body.members[0].id);
        edit.notes = "có 2 con nhỏ".into();
        let h2 = store.edit_household(h1.uuid, 1, &edit).unwrap();
        assert_eq!(h2.revision, 2);
        assert_eq!(
            h2.body.members[0].id, h1.body.members[0].id,
            "the person keeps her id"
        );

        let h3 = store.set_household_archived(h1.uuid, 2, true).unwrap();
        assert!(h3.body.archived);
        assert_eq!(h3.body.notes, "có 2 con nhỏ");

        let revs = store.household_revisions(h1.uuid).unwrap();
        assert_eq!(
            revs.iter().map(|h| h.revision).collect::<Vec<_>>(),
            vec![3, 2, 1]
        );
        assert_eq!(revs[2].body, h1.body, "revision 1 is unchanged");
        assert!(
            store
                .list_households(None, false, Window::first(10))
                .unwrap()
                .is_empty()
        );
        assert_eq!(
            store
                .list_households(None, true, Window::first(10))
                .unwrap()
                .len(),
            1
        );

        let actions: Vec<_> = store
            .audit_trail(h1.uuid)
            .unwrap()
            .into_iter()
            .map(|e| (e.body.action, e.body.target_revision))
            .collect();
        assert_eq!(
            actions,
            vec![
                (AuditAction::Created, 1),
                (AuditAction::Edited, 2),
                (AuditAction::Edited, 3)
            ]
        );
        assert!(
            store
                .audit_trail(h1.uuid)
                .unwrap()
                .iter()
                .all(|e| e.body.actor == "mai")
        );
    }

    #[test]
    fn an_edit_that_changes_nothing_writes_no_revision() {
        let (_dir, store) = store();
        let h1 = store.create_household(&input("Giàng A Páo")).unwrap();
        let mut same = input("Giàng A Páo");
        same.members[0].id = Some(h1.body.members[0].id);
        let again = store.edit_household(h1.uuid, 1, &same).unwrap();
        assert_eq!(again.revision, 1);
        assert_eq!(count(&store, "household_revisions"), 1);
    }

    #[test]
    fn a_stale_edit_or_bad_input_is_refused_and_changes_nothing() {
        let (_dir, store) = store();
        let h1 = store.create_household(&input("Giàng A Páo")).unwrap();
        store.set_household_archived(h1.uuid, 1, true).unwrap();
        let before = (
            count(&store, "household_revisions"),
            count(&store, "outbox"),
            count(&store, "audit"),
        );

        let stale = store.edit_household(h1.uuid, 1, &input("Giàng A Chá"));
        assert!(matches!(
            stale,
            Err(StoreError::Stale {
                base: 1,
                current: 2,
                ..
            })
        ));
        assert!(matches!(
            store.edit_household(Uuid::now_v7(), 1, &input("X")),
            Err(StoreError::NotFound {
                kind: RecordKind::Household,
                ..
            })
        ));
        let mut bad = input("Giàng A Páo");
        bad.members[0].ethnicity = Some("martian".into());
        assert!(matches!(
            store.edit_household(h1.uuid, 2, &bad),
            Err(StoreError::Invalid {
                field: InputField::Ethnicity,
                member: Some(0),
                ..
            })
        ));
        // A member's input is named with the member's place in the list, so a screen
        // marks that person's box: the third member's empty name, the second's year.
        let mut third = input("Giàng A Páo");
        let dinh = MemberInput {
            name: "Giàng A Dình".into(),
            ..third.members[0].clone()
        };
        third.members.push(dinh.clone());
        third.members.push(MemberInput {
            name: "  ".into(),
            ..dinh.clone()
        });
        assert!(matches!(
            store.create_household(&third),
            Err(StoreError::Invalid {
                field: InputField::Name,
                member: Some(2),
                ..
            })
        ));
        third.members[1].birth_year = Some(1850);
        assert!(matches!(
            store.create_household(&third),
            Err(StoreError::Invalid {
                field: InputField::BirthYear,
                member: Some(1),
                ..
            })
        ));
        assert!(matches!(
            store.create_household(&HouseholdInput {
                village: " ".into(),
                ..input("Giàng A Páo")
            }),
            Err(StoreError::Invalid {
                field: InputField::Village,
                member: None,
                ..
            })
        ));
        let mut twice = input("Giàng A Páo");
        twice.members.push(MemberInput {
            id: Some(h1.body.members[0].id),
            ..twice.members[0].clone()
        });
        twice.members[0].id = Some(h1.body.members[0].id);
        assert!(matches!(
            store.edit_household(h1.uuid, 2, &twice),
            Err(StoreError::Invalid {
                field: InputField::Members,
                ..
            })
        ));
        assert!(matches!(
            store.create_household(&input("  ")),
            Err(StoreError::Invalid {
                field: InputField::HeadName,
                ..
            })
        ));

        let after = (
            count(&store, "household_revisions"),
            count(&store, "outbox"),
            count(&store, "audit"),
        );
        assert_eq!(before, after);
        assert_eq!(store.household(h1.uuid).unwrap().revision, 2);
    }

    #[test]
    fn households_from_the_server_are_stored_as_sent_without_undoing_local_edits() {
        let (_dir, store) = store();
        let from_server = |uuid: Uuid, revision: u32, head: &str| HouseholdRecord {
            uuid,
            revision,
            body: HouseholdBody {
                village: "Bản Mù".into(),
                address: String::new(),
                head_name: head.into(),
                members: vec![],
                notes: String::new(),
                archived: false,
            },
        };
        let other = Uuid::now_v7();
        let r = store
            .import_households(&[
                from_server(other, 1, "Hờ A Sử"),
                from_server(other, 3, "Hờ A Chứ"),
            ])
            .unwrap();
        assert_eq!(
            r,
            HouseholdImport {
                applied: 2,
                known: 0,
                conflicts: 0
            }
        );
        let h = store.household(other).unwrap();
        assert_eq!(
            (h.revision, h.state, h.body.head_name.as_str()),
            (3, RecordState::Sent, "Hờ A Chứ")
        );
        assert_eq!(
            store
                .household_revisions(other)
                .unwrap()
                .iter()
                .map(|h| h.revision)
                .collect::<Vec<_>>(),
            vec![3, 1]
        );
        assert_eq!(
            store
                .search_households("chu", Window::first(5))
                .unwrap()
                .len(),
            1
        );
        assert_eq!(count(&store, "outbox"), 0, "nothing to send back");

        // The phone's own household comes back from the server: acknowledged, not doubled.
        let mine = store.create_household(&input("Giàng A Páo")).unwrap();
        let echo = HouseholdRecord {
            uuid: mine.uuid,
            revision: 1,
            body: mine.body.clone(),
        };
        assert_eq!(store.import_households(&[echo]).unwrap().known, 1);
        assert_eq!(store.household(mine.uuid).unwrap().state, RecordState::Sent);
        // An older server revision does not undo a newer local edit; the same revision
        // number with other content is a conflict and the phone's stays.
        let edited = store.set_household_archived(mine.uuid, 1, true).unwrap();
        let r = store
            .import_households(&[
                from_server(mine.uuid, 1, "Giàng A Páo"),
                from_server(mine.uuid, 2, "Someone else"),
            ])
            .unwrap();
        assert_eq!(r.conflicts, 2);
        assert_eq!(store.household(mine.uuid).unwrap().body, edited.body);
        assert!(matches!(
            store.import_households(&[from_server(other, 0, "X")]),
            Err(StoreError::Invalid { .. })
        ));
    }

    #[test]
    fn lists_filter_by_village_and_page() {
        let (_dir, store) = store();
        for head in ["Vàng A Dình", "Giàng A Páo", "Lò Văn Tâm"] {
            store.create_household(&input(head)).unwrap();
        }
        let mut other = input("Hờ A Sử");
        other.village = "Bản Mù".into();
        store.create_household(&other).unwrap();
        let heads: Vec<_> = store
            .list_households(Some("Bản Phùng"), false, Window::first(10))
            .unwrap()
            .into_iter()
            .map(|h| h.head_name)
            .collect();
        assert_eq!(heads, vec!["Giàng A Páo", "Lò Văn Tâm", "Vàng A Dình"]);
        let second = store
            .list_households(
                None,
                false,
                Window {
                    offset: 1,
                    limit: 2,
                },
            )
            .unwrap();
        assert_eq!(
            second
                .iter()
                .map(|h| h.head_name.as_str())
                .collect::<Vec<_>>(),
            vec!["Giàng A Páo", "Lò Văn Tâm"]
        );
    }
}
