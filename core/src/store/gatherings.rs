//! Gatherings (policy dialogues, communication sessions, trainings, club meetings) with
//! their attendance: a roster member is checked in with one call (a second call is a
//! no-op), a walk-in is added with name, sex, age and ethnicity, photos are attached as
//! evidence, and head counts come from the attendee list. Closing a gathering finalizes
//! it and queues it; after that nothing about it can change.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{DateTime, Datelike, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Key, Millis};
use super::outbox::{self, OutboxKind};
use super::photos::{self, PhotoOptions, StoredPhoto};
use super::{InputField, RecordKind, RecordState, Store, StoreError, Window, audit, input, roster};
use crate::domain::{AgeGroup, GatheringKind, Sex};
use crate::protocol::{Attendee, AuditAction, GatheringBody, PhotoRef, RecordBody, RosterMember};

/// What a gathering is: what the UI gives to create or change one, and shows.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GatheringDetails {
    /// Kind of gathering.
    pub kind: GatheringKind,
    /// Topic; required.
    pub topic: String,
    /// Village where it is held; required.
    pub village: String,
    /// When it starts (UTC).
    pub starts_at: DateTime<Utc>,
    /// Who facilitates it.
    pub facilitator: String,
    /// Free notes.
    pub notes: String,
}

/// A gathering as the UI shows it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Gathering {
    /// Stable id.
    pub uuid: Uuid,
    /// Draft while open, finalized once closed, then sent.
    pub state: RecordState,
    /// What, where, when, who leads it.
    pub details: GatheringDetails,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it was closed.
    pub closed_at: Option<DateTime<Utc>>,
    /// How many attended.
    pub attendee_count: u32,
    /// How many photos are attached.
    pub photo_count: u32,
}

/// A person who attends without being on the roster.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WalkIn {
    /// Name; required.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth year, when she knows it.
    pub birth_year: Option<i32>,
    /// Age band, when she does not know her birth year.
    pub age_group: Option<AgeGroup>,
    /// Ethnicity: key, GSO code or Vietnamese name.
    pub ethnicity: Option<String>,
}

/// Head count for one sex.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SexCount {
    /// The sex.
    pub sex: Sex,
    /// Attendees.
    pub count: u32,
}

/// Head count for one ethnic group (`None`: not recorded).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EthnicityCount {
    /// Ethnicity key.
    pub ethnicity: Option<String>,
    /// Attendees.
    pub count: u32,
}

/// Head count for one age band (`None`: not known).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AgeGroupCount {
    /// The band.
    pub age_group: Option<AgeGroup>,
    /// Attendees.
    pub count: u32,
}

/// Head counts of a gathering, computed from its attendee list.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Totals {
    /// Everyone.
    pub total: u32,
    /// By sex, in [`Sex`] order.
    pub by_sex: Vec<SexCount>,
    /// By ethnicity, largest first.
    pub by_ethnicity: Vec<EthnicityCount>,
    /// By age band, youngest first, unknown last.
    pub by_age_group: Vec<AgeGroupCount>,
}

/// What a check-in (or a walk-in) gives back: her entry and the head counts after it,
/// both from the transaction that wrote it, so the screen updates the list and the
/// totals from one call and a failure leaves nothing changed.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CheckIn {
    /// The attendee entry (the existing one if she was already checked in).
    pub attendee: Attendee,
    /// Head counts of the gathering now.
    pub totals: Totals,
}

fn clean(g: &GatheringDetails) -> Result<GatheringDetails, StoreError> {
    Ok(GatheringDetails {
        kind: g.kind,
        topic: input::required(InputField::Topic, &g.topic)?,
        village: input::required(InputField::Village, &g.village)?,
        starts_at: columns::to_millis(g.starts_at),
        facilitator: input::text(&g.facilitator),
        notes: input::text(&g.notes),
    })
}

const COLUMNS: &str =
    "uuid, state, kind, topic, village, starts_at, facilitator, notes, created_at, closed_at,
    (SELECT count(*) FROM attendees a WHERE a.gathering = g.uuid),
    (SELECT count(*) FROM gathering_photos p WHERE p.gathering = g.uuid)";

fn gathering_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Gathering> {
    Ok(Gathering {
        uuid: r.get::<_, Id>(0)?.0,
        state: r.get::<_, Key<RecordState>>(1)?.0,
        details: GatheringDetails {
            kind: r.get::<_, Key<GatheringKind>>(2)?.0,
            topic: r.get(3)?,
            village: r.get(4)?,
            starts_at: r.get::<_, Millis>(5)?.0,
            facilitator: r.get(6)?,
            notes: r.get(7)?,
        },
        created_at: r.get::<_, Millis>(8)?.0,
        closed_at: r.get::<_, Option<Millis>>(9)?.map(|m| m.0),
        attendee_count: r.get(10)?,
        photo_count: r.get(11)?,
    })
}

fn find(tx: &Transaction<'_>, uuid: Uuid) -> Result<Gathering, StoreError> {
    tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM gatherings g WHERE uuid = ?1"
    ))?
    .query_row([Id(uuid)], gathering_row)
    .optional()?
    .ok_or_else(|| StoreError::not_found(RecordKind::Gathering, uuid))
}

/// Gathering `uuid`, which must still be open for `action`.
fn open(tx: &Transaction<'_>, uuid: Uuid, action: &'static str) -> Result<Gathering, StoreError> {
    let g = find(tx, uuid)?;
    if g.state != RecordState::Draft {
        return Err(StoreError::WrongState {
            kind: RecordKind::Gathering,
            id: uuid,
            state: if g.state == RecordState::Sent {
                "sent"
            } else {
                "closed"
            }
            .into(),
            action,
        });
    }
    Ok(g)
}

const ATTENDEE_COLUMNS: &str =
    "id, member_id, name, sex, birth_year, age_group, ethnicity, checked_in_at";

fn attendee_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Attendee> {
    Ok(Attendee {
        id: r.get::<_, Id>(0)?.0,
        member_id: r.get::<_, Option<Id>>(1)?.map(|i| i.0),
        name: r.get(2)?,
        sex: r.get::<_, Key<Sex>>(3)?.0,
        birth_year: r.get(4)?,
        age_group: r.get::<_, Option<Key<AgeGroup>>>(5)?.map(|k| k.0),
        ethnicity: r.get(6)?,
        checked_in_at: r.get::<_, Millis>(7)?.0,
    })
}

fn attendees(tx: &Transaction<'_>, uuid: Uuid) -> Result<Vec<Attendee>, StoreError> {
    let mut stmt = tx.prepare_cached(&format!(
        "SELECT {ATTENDEE_COLUMNS} FROM attendees WHERE gathering = ?1 ORDER BY checked_in_at, id"
    ))?;
    let rows = stmt.query_map([Id(uuid)], attendee_row)?;
    Ok(rows.collect::<Result<_, _>>()?)
}

fn insert_attendee(tx: &Transaction<'_>, gathering: Uuid, a: &Attendee) -> Result<(), StoreError> {
    tx.prepare_cached(&format!(
        "INSERT INTO attendees (gathering, {ATTENDEE_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)"
    ))?
    .execute((
        Id(gathering),
        Id(a.id),
        a.member_id.map(Id),
        &a.name,
        Key(a.sex),
        a.birth_year,
        a.age_group.map(Key),
        &a.ethnicity,
        Millis(a.checked_in_at),
    ))?;
    Ok(())
}

fn photo_refs(tx: &Transaction<'_>, uuid: Uuid) -> Result<Vec<StoredPhoto>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT p.sha256, p.bytes, p.width, p.height FROM gathering_photos g JOIN photos p ON p.sha256 = g.sha256
         WHERE g.gathering = ?1 ORDER BY g.added_at, p.sha256",
    )?;
    let rows = stmt.query_map([Id(uuid)], |r| {
        Ok(StoredPhoto {
            sha256: r.get(0)?,
            bytes: r.get::<_, i64>(1)? as u64,
            width: r.get(2)?,
            height: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The wire form of closed gathering `uuid`, for the outbox.
pub(crate) fn wire(
    tx: &Transaction<'_>,
    uuid: Uuid,
) -> Result<(DateTime<Utc>, RecordBody), StoreError> {
    let g = find(tx, uuid)?;
    let closed_at = g.closed_at.ok_or(StoreError::WrongState {
        kind: RecordKind::Gathering,
        id: uuid,
        state: "open".into(),
        action: "send",
    })?;
    let body = GatheringBody {
        kind: g.details.kind,
        topic: g.details.topic,
        village: g.details.village,
        starts_at: g.details.starts_at,
        closed_at,
        facilitator: g.details.facilitator,
        notes: g.details.notes,
        attendees: attendees(tx, uuid)?,
        photos: photo_refs(tx, uuid)?
            .into_iter()
            .map(|p| PhotoRef {
                sha256: p.sha256,
                bytes: p.bytes,
            })
            .collect(),
    };
    Ok((g.created_at, RecordBody::Gathering(body)))
}

/// `attendee` with gathering `uuid`'s head counts as transaction `tx` sees them.
fn counted(tx: &Transaction<'_>, uuid: Uuid, attendee: Attendee) -> Result<CheckIn, StoreError> {
    Ok(CheckIn {
        attendee,
        totals: totals(&attendees(tx, uuid)?),
    })
}

/// Counts `attendees` by sex, ethnicity and age band.
fn totals(attendees: &[Attendee]) -> Totals {
    let mut sex: BTreeMap<Sex, u32> = BTreeMap::new();
    let mut ethnicity: BTreeMap<Option<String>, u32> = BTreeMap::new();
    let mut age: BTreeMap<(bool, Option<AgeGroup>), u32> = BTreeMap::new();
    for a in attendees {
        *sex.entry(a.sex).or_default() += 1;
        *ethnicity.entry(a.ethnicity.clone()).or_default() += 1;
        *age.entry((a.age_group.is_none(), a.age_group)).or_default() += 1;
    }
    let mut by_ethnicity: Vec<EthnicityCount> = ethnicity
        .into_iter()
        .map(|(ethnicity, count)| EthnicityCount { ethnicity, count })
        .collect();
    by_ethnicity.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.ethnicity.cmp(&b.ethnicity))
    });
    Totals {
        total: attendees.len() as u32,
        by_sex: sex
            .into_iter()
            .map(|(sex, count)| SexCount { sex, count })
            .collect(),
        by_ethnicity,
        by_age_group: age
            .into_iter()
            .map(|((_, age_group), count)| AgeGroupCount { age_group, count })
            .collect(),
    }
}

impl Store {
    /// Opens a new gathering (a draft until it is closed).
    pub fn create_gathering(&self, input: &GatheringDetails) -> Result<Gathering, StoreError> {
        let g = clean(input)?;
        self.write(|tx| {
            let uuid = Uuid::now_v7();
            let now = columns::now();
            tx.prepare_cached(
                "INSERT INTO gatherings (uuid, kind, topic, village, starts_at, facilitator, notes, state, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'draft', ?8, ?8)",
            )?
            .execute((Id(uuid), Key(g.kind), &g.topic, &g.village, Millis(g.starts_at), &g.facilitator, &g.notes, Millis(now)))?;
            audit::log(tx, AuditAction::Created, RecordKind::Gathering, uuid, 1, now)?;
            find(tx, uuid)
        })
    }

    /// Changes an open gathering's details.
    pub fn update_gathering(
        &self,
        uuid: Uuid,
        input: &GatheringDetails,
    ) -> Result<Gathering, StoreError> {
        let g = clean(input)?;
        self.write(|tx| {
            open(tx, uuid, "change")?;
            tx.prepare_cached(
                "UPDATE gatherings SET kind = ?2, topic = ?3, village = ?4, starts_at = ?5, facilitator = ?6, notes = ?7,
                     updated_at = ?8 WHERE uuid = ?1",
            )?
            .execute((
                Id(uuid),
                Key(g.kind),
                &g.topic,
                &g.village,
                Millis(g.starts_at),
                &g.facilitator,
                &g.notes,
                Millis(columns::now()),
            ))?;
            find(tx, uuid)
        })
    }

    /// Gathering `uuid`.
    pub fn gathering(&self, uuid: Uuid) -> Result<Gathering, StoreError> {
        self.read(|tx| find(tx, uuid))
    }

    /// Gatherings in `state` (or all), latest start first.
    pub fn list_gatherings(
        &self,
        state: Option<RecordState>,
        window: Window,
    ) -> Result<Vec<Gathering>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {COLUMNS} FROM gatherings g WHERE ?1 IS NULL OR state = ?1
                 ORDER BY starts_at DESC, uuid DESC LIMIT ?2 OFFSET ?3"
            ))?;
            let rows = stmt.query_map(
                (state.map(Key), window.sql_limit(), window.sql_offset()),
                gathering_row,
            )?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Checks roster member `member_id` in to gathering `uuid` with one call. Checking
    /// her in again returns her existing entry and changes nothing.
    pub fn check_in(&self, uuid: Uuid, member_id: Uuid) -> Result<CheckIn, StoreError> {
        self.write(|tx| {
            let g = open(tx, uuid, "check in")?;
            let existing = tx
                .prepare_cached(&format!("SELECT {ATTENDEE_COLUMNS} FROM attendees WHERE gathering = ?1 AND member_id = ?2"))?
                .query_row((Id(uuid), Id(member_id)), attendee_row)
                .optional()?;
            if let Some(a) = existing {
                return counted(tx, uuid, a);
            }
            let m = roster::find(tx, member_id)?.ok_or_else(|| StoreError::not_found(RecordKind::Member, member_id))?;
            if m.archived {
                return Err(StoreError::WrongState {
                    kind: RecordKind::Member,
                    id: member_id,
                    state: "archived".into(),
                    action: "check in",
                });
            }
            let a = Attendee {
                id: Uuid::now_v7(),
                member_id: Some(member_id),
                name: m.full_name,
                sex: m.sex,
                birth_year: m.birth_year,
                age_group: m.birth_year.and_then(|y| AgeGroup::from_birth_year(y, g.details.starts_at.year())),
                ethnicity: m.ethnicity,
                checked_in_at: columns::now(),
            };
            insert_attendee(tx, uuid, &a)?;
            counted(tx, uuid, a)
        })
    }

    /// Adds a person who is not on the roster. She gives a birth year or an age band.
    pub fn add_walk_in(&self, uuid: Uuid, walk_in: &WalkIn) -> Result<CheckIn, StoreError> {
        let name = input::required(InputField::Name, &walk_in.name)?;
        let birth_year = input::birth_year(walk_in.birth_year)?;
        let ethnicity = input::ethnicity(walk_in.ethnicity.as_deref())?;
        if birth_year.is_none() && walk_in.age_group.is_none() {
            return Err(StoreError::invalid(
                InputField::Age,
                "give a birth year or an age group",
            ));
        }
        self.write(|tx| {
            let g = open(tx, uuid, "add a walk-in")?;
            let a = Attendee {
                id: Uuid::now_v7(),
                member_id: None,
                name,
                sex: walk_in.sex,
                birth_year,
                age_group: birth_year
                    .and_then(|y| AgeGroup::from_birth_year(y, g.details.starts_at.year()))
                    .or(walk_in.age_group),
                ethnicity,
                checked_in_at: columns::now(),
            };
            insert_attendee(tx, uuid, &a)?;
            counted(tx, uuid, a)
        })
    }

    /// Removes attendee `attendee_id` from open gathering `uuid`; returns the head counts
    /// after it, read in the same transaction.
    pub fn remove_attendee(&self, uuid: Uuid, attendee_id: Uuid) -> Result<Totals, StoreError> {
        self.write(|tx| {
            open(tx, uuid, "remove an attendee")?;
            let n = tx
                .prepare_cached("DELETE FROM attendees WHERE gathering = ?1 AND id = ?2")?
                .execute((Id(uuid), Id(attendee_id)))?;
            if n == 0 {
                return Err(StoreError::not_found(RecordKind::Attendee, attendee_id));
            }
            Ok(totals(&attendees(tx, uuid)?))
        })
    }

    /// Everyone checked in to gathering `uuid`, in check-in order.
    pub fn attendees(&self, uuid: Uuid) -> Result<Vec<Attendee>, StoreError> {
        self.read(|tx| {
            find(tx, uuid)?;
            attendees(tx, uuid)
        })
    }

    /// Head counts of gathering `uuid` by sex, ethnicity and age band.
    pub fn gathering_totals(&self, uuid: Uuid) -> Result<Totals, StoreError> {
        Ok(totals(&self.attendees(uuid)?))
    }

    /// Makes walk-in `attendee_id` a roster member (added on the phone), linking her
    /// attendance to the new member while the gathering is open.
    pub fn make_member(
        &self,
        uuid: Uuid,
        attendee_id: Uuid,
        village: &str,
    ) -> Result<RosterMember, StoreError> {
        let village = input::required(InputField::Village, village)?;
        self.write(|tx| {
            let g = find(tx, uuid)?;
            let a = tx
                .prepare_cached(&format!(
                    "SELECT {ATTENDEE_COLUMNS} FROM attendees WHERE gathering = ?1 AND id = ?2"
                ))?
                .query_row((Id(uuid), Id(attendee_id)), attendee_row)
                .optional()?
                .ok_or_else(|| StoreError::not_found(RecordKind::Attendee, attendee_id))?;
            if let Some(member) = a.member_id {
                return Err(StoreError::WrongState {
                    kind: RecordKind::Attendee,
                    id: attendee_id,
                    state: format!("already member {member}"),
                    action: "make a member",
                });
            }
            let m = RosterMember {
                id: Uuid::now_v7(),
                member_code: None,
                full_name: a.name,
                sex: a.sex,
                birth_year: a.birth_year,
                ethnicity: a.ethnicity,
                village,
                phone: None,
                archived: false,
            };
            roster::upsert(tx, &m, true)?;
            if g.state == RecordState::Draft {
                tx.prepare_cached("UPDATE attendees SET member_id = ?2 WHERE id = ?1")?
                    .execute((Id(attendee_id), Id(m.id)))?;
            }
            Ok(m)
        })
    }

    /// Takes in the photo at `path` and attaches it to open gathering `uuid`.
    pub fn attach_gathering_photo(
        &self,
        uuid: Uuid,
        path: &Path,
        options: PhotoOptions,
    ) -> Result<StoredPhoto, StoreError> {
        self.read(|tx| open(tx, uuid, "attach a photo"))?;
        let photo = self.take_in_photo(path, options)?;
        let linked = self.write(|tx| {
            open(tx, uuid, "attach a photo")?;
            photos::register(tx, &photo)?;
            tx.prepare_cached("INSERT OR IGNORE INTO gathering_photos (gathering, sha256, added_at) VALUES (?1, ?2, ?3)")?
                .execute((Id(uuid), &photo.sha256, Millis(columns::now())))?;
            Ok(())
        });
        if let Err(e) = linked {
            self.discard_photo_files(std::slice::from_ref(&photo.sha256))?;
            return Err(e);
        }
        Ok(photo)
    }

    /// Detaches photo `sha256` from open gathering `uuid` (its files go if nothing else uses it).
    pub fn detach_gathering_photo(&self, uuid: Uuid, sha256: &str) -> Result<(), StoreError> {
        let gone = self.write(|tx| {
            open(tx, uuid, "detach a photo")?;
            let n = tx
                .prepare_cached(
                    "DELETE FROM gathering_photos WHERE gathering = ?1 AND sha256 = ?2",
                )?
                .execute((Id(uuid), sha256))?;
            if n == 0 {
                return Err(StoreError::not_found(RecordKind::Photo, sha256));
            }
            photos::forget_unreferenced(tx)
        })?;
        self.discard_photo_files(&gone)
    }

    /// The photos of gathering `uuid`, in the order they were attached.
    pub fn gathering_photos(&self, uuid: Uuid) -> Result<Vec<StoredPhoto>, StoreError> {
        self.read(|tx| {
            find(tx, uuid)?;
            photo_refs(tx, uuid)
        })
    }

    /// Closes gathering `uuid`: it is finalized, queued for sending, and can no longer change.
    pub fn close_gathering(&self, uuid: Uuid) -> Result<Gathering, StoreError> {
        self.write(|tx| {
            let g = open(tx, uuid, "close")?;
            if g.attendee_count == 0 {
                return Err(StoreError::invalid(InputField::Attendees, "no one is checked in"));
            }
            let now = columns::now();
            tx.prepare_cached("UPDATE gatherings SET state = 'finalized', closed_at = ?2, updated_at = ?2 WHERE uuid = ?1")?
                .execute((Id(uuid), Millis(now)))?;
            outbox::enqueue(tx, OutboxKind::Gathering, uuid, 1)?;
            audit::log(tx, AuditAction::Finalized, RecordKind::Gathering, uuid, 1, now)?;
            find(tx, uuid)
        })
    }

    /// Deletes open gathering `uuid` with its attendance; its photos go if nothing else uses them.
    pub fn delete_gathering(&self, uuid: Uuid) -> Result<(), StoreError> {
        let gone = self.write(|tx| {
            open(tx, uuid, "delete")?;
            tx.prepare_cached("DELETE FROM gatherings WHERE uuid = ?1")?
                .execute([Id(uuid)])?;
            audit::log(
                tx,
                AuditAction::Deleted,
                RecordKind::Gathering,
                uuid,
                1,
                columns::now(),
            )?;
            photos::forget_unreferenced(tx)
        })?;
        self.discard_photo_files(&gone)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::RosterChange;
    use crate::store::photos::tests::{jpeg, write};
    use crate::store::roster::tests::member;
    use crate::store::testing::{count, store};

    pub(crate) fn input() -> GatheringDetails {
        GatheringDetails {
            kind: GatheringKind::PolicyDialogue,
            topic: "Phòng chống tảo hôn".into(),
            village: "Bản Phùng".into(),
            starts_at: DateTime::from_timestamp(1_780_000_000, 0).unwrap(),
            facilitator: "Lò Thị Mai".into(),
            notes: String::new(),
        }
    }

    fn walk_in(
        name: &str,
        sex: Sex,
        age_group: Option<AgeGroup>,
        ethnicity: Option<&str>,
    ) -> WalkIn {
        WalkIn {
            name: name.into(),
            sex,
            birth_year: None,
            age_group,
            ethnicity: ethnicity.map(Into::into),
        }
    }

    #[test]
    fn check_in_twice_is_a_no_op_and_totals_come_from_the_list() {
        let (_dir, store) = store();
        let do_ = member("Thào Thị Dợ"); // hmong, 1985, female
        let tam = RosterMember {
            sex: Sex::Male,
            ethnicity: Some("thai".into()),
            birth_year: Some(2000),
            ..member("Lò Văn Tâm")
        };
        store
            .import_roster(&[do_.clone(), tam.clone()], RosterChange::Replace)
            .unwrap();
        let g = store.create_gathering(&input()).unwrap();
        assert_eq!(g.state, RecordState::Draft);

        let first = store.check_in(g.uuid, do_.id).unwrap().attendee;
        let again = store.check_in(g.uuid, do_.id).unwrap().attendee;
        assert_eq!(first, again);
        assert_eq!(
            first.age_group,
            Some(AgeGroup::Adult),
            "from the birth year at the gathering's date (2026)"
        );
        store.check_in(g.uuid, tam.id).unwrap();
        store
            .add_walk_in(
                g.uuid,
                &walk_in(
                    "Hờ Thị Sua",
                    Sex::Female,
                    Some(AgeGroup::Elder),
                    Some("Mông"),
                ),
            )
            .unwrap();
        let kid = store
            .add_walk_in(
                g.uuid,
                &walk_in("Sùng A Lử", Sex::Male, Some(AgeGroup::Child), None),
            )
            .unwrap();
        assert_eq!(kid.totals.total, 4, "the totals come with the walk-in");
        assert_eq!(store.attendees(g.uuid).unwrap().len(), 4);
        let after = store.remove_attendee(g.uuid, kid.attendee.id).unwrap();

        let t = store.gathering_totals(g.uuid).unwrap();
        assert_eq!(after, t, "removing gives the totals after it");
        assert_eq!(t.total, 3);
        assert_eq!(
            t.by_sex,
            vec![
                SexCount {
                    sex: Sex::Female,
                    count: 2
                },
                SexCount {
                    sex: Sex::Male,
                    count: 1
                }
            ]
        );
        assert_eq!(
            t.by_ethnicity,
            vec![
                EthnicityCount {
                    ethnicity: Some("hmong".into()),
                    count: 2
                },
                EthnicityCount {
                    ethnicity: Some("thai".into()),
                    count: 1
                }
            ]
        );
        assert_eq!(
            t.by_age_group,
            vec![
                AgeGroupCount {
                    age_group: Some(AgeGroup::Youth),
                    count: 1
                },
                AgeGroupCount {
                    age_group: Some(AgeGroup::Adult),
                    count: 1
                },
                AgeGroupCount {
                    age_group: Some(AgeGroup::Elder),
                    count: 1
                }
            ]
        );
        assert_eq!(store.gathering(g.uuid).unwrap().attendee_count, 3);
    }

    #[test]
    fn a_closed_gathering_is_queued_and_refuses_every_change() {
        let (dir, store) = store();
        let m = member("Thào Thị Dợ");
        store
            .import_roster(std::slice::from_ref(&m), RosterChange::Replace)
            .unwrap();
        let g = store.create_gathering(&input()).unwrap();
        assert!(matches!(
            store.close_gathering(g.uuid),
            Err(StoreError::Invalid {
                field: InputField::Attendees,
                ..
            })
        ));
        let a = store.check_in(g.uuid, m.id).unwrap().attendee;
        let photo = store
            .attach_gathering_photo(
                g.uuid,
                &write(dir.path(), "p.jpg", &jpeg(300, 200, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        let closed = store.close_gathering(g.uuid).unwrap();
        assert_eq!(closed.state, RecordState::Finalized);
        assert!(closed.closed_at.is_some());

        let before = (
            count(&store, "attendees"),
            count(&store, "gathering_photos"),
            count(&store, "outbox"),
        );
        let closed_error = |r: Result<(), StoreError>| {
            assert!(
                matches!(r, Err(StoreError::WrongState { kind: RecordKind::Gathering, ref state, .. }) if state == "closed"),
                "{r:?}"
            )
        };
        closed_error(store.check_in(g.uuid, m.id).map(drop));
        closed_error(
            store
                .add_walk_in(
                    g.uuid,
                    &walk_in("X", Sex::Female, Some(AgeGroup::Adult), None),
                )
                .map(drop),
        );
        closed_error(store.remove_attendee(g.uuid, a.id).map(drop));
        closed_error(
            store
                .attach_gathering_photo(
                    g.uuid,
                    &write(dir.path(), "q.jpg", &jpeg(30, 20, 1)),
                    PhotoOptions::default(),
                )
                .map(drop),
        );
        closed_error(store.detach_gathering_photo(g.uuid, &photo.sha256));
        closed_error(store.close_gathering(g.uuid).map(drop));
        closed_error(store.delete_gathering(g.uuid));
        closed_error(store.update_gathering(g.uuid, &input()).map(drop));
        assert_eq!(
            before,
            (
                count(&store, "attendees"),
                count(&store, "gathering_photos"),
                count(&store, "outbox")
            )
        );
        assert_eq!(
            count(&store, "photos"),
            1,
            "the refused photo was not stored"
        );
    }

    #[test]
    fn open_gatherings_can_be_changed_and_lists_show_the_latest_first() {
        let (_dir, store) = store();
        let m = member("Thào Thị Dợ");
        store
            .import_roster(std::slice::from_ref(&m), RosterChange::Replace)
            .unwrap();
        let early = store.create_gathering(&input()).unwrap();
        let later = GatheringDetails {
            starts_at: input().starts_at + chrono::Duration::days(7),
            ..input()
        };
        let late = store.create_gathering(&later).unwrap();
        let changed = GatheringDetails {
            kind: GatheringKind::Training,
            topic: "  Nuôi con khỏe  ".into(),
            ..input()
        };
        let g = store.update_gathering(early.uuid, &changed).unwrap();
        assert_eq!(
            (g.details.kind, g.details.topic.as_str()),
            (GatheringKind::Training, "Nuôi con khỏe")
        );
        store.check_in(late.uuid, m.id).unwrap();
        store.close_gathering(late.uuid).unwrap();
        let all: Vec<Uuid> = store
            .list_gatherings(None, Window::first(10))
            .unwrap()
            .iter()
            .map(|g| g.uuid)
            .collect();
        assert_eq!(all, vec![late.uuid, early.uuid]);
        let open: Vec<Uuid> = store
            .list_gatherings(Some(RecordState::Draft), Window::first(10))
            .unwrap()
            .iter()
            .map(|g| g.uuid)
            .collect();
        assert_eq!(open, vec![early.uuid]);
        assert_eq!(
            store
                .list_gatherings(
                    None,
                    Window {
                        offset: 1,
                        limit: 5
                    }
                )
                .unwrap()
                .len(),
            1
        );
    }

    #[test]
    fn unknown_ids_and_bad_walk_ins_are_typed_errors() {
        let (_dir, store) = store();
        let g = store.create_gathering(&input()).unwrap();
        let nobody = Uuid::now_v7();
        assert!(matches!(
            store.check_in(nobody, nobody),
            Err(StoreError::NotFound {
                kind: RecordKind::Gathering,
                ..
            })
        ));
        assert!(matches!(
            store.check_in(g.uuid, nobody),
            Err(StoreError::NotFound {
                kind: RecordKind::Member,
                ..
            })
        ));
        assert!(matches!(
            store.remove_attendee(g.uuid, nobody),
            Err(StoreError::NotFound {
                kind: RecordKind::Attendee,
                ..
            })
        ));
        assert!(matches!(
            store.add_walk_in(g.uuid, &walk_in("Sua", Sex::Female, None, None)),
            Err(StoreError::Invalid {
                field: InputField::Age,
                ..
            })
        ));
        assert!(matches!(
            store.add_walk_in(
                g.uuid,
                &walk_in(" ", Sex::Female, Some(AgeGroup::Adult), None)
            ),
            Err(StoreError::Invalid {
                field: InputField::Name,
                ..
            })
        ));
        let archived = RosterMember {
            archived: true,
            ..member("Vàng Thị Pà")
        };
        store
            .import_roster(std::slice::from_ref(&archived), RosterChange::Patch)
            .unwrap();
        assert!(matches!(
            store.check_in(g.uuid, archived.id),
            Err(StoreError::WrongState {
                kind: RecordKind::Member,
                ..
            })
        ));
        assert!(matches!(
            store.create_gathering(&GatheringDetails {
                topic: "".into(),
                ..input()
            }),
            Err(StoreError::Invalid {
                field: InputField::Topic,
                ..
            })
        ));
        assert_eq!(count(&store, "attendees"), 0);
        assert_eq!(count(&store, "gatherings"), 1);
    }

    #[test]
    fn a_walk_in_can_become_a_member_who_is_then_checked_in_once() {
        let (_dir, store) = store();
        let g = store.create_gathering(&input()).unwrap();
        let a = store
            .add_walk_in(
                g.uuid,
                &walk_in(
                    "Hờ Thị Sua",
                    Sex::Female,
                    Some(AgeGroup::Adult),
                    Some("hmong"),
                ),
            )
            .unwrap()
            .attendee;
        let m = store.make_member(g.uuid, a.id, "Bản Phùng").unwrap();
        assert_eq!(store.member(m.id).unwrap().full_name, "Hờ Thị Sua");
        assert_eq!(
            store.search_members("sua", Window::first(5)).unwrap().len(),
            1
        );
        assert!(matches!(
            store.make_member(g.uuid, a.id, "Bản Phùng"),
            Err(StoreError::WrongState { .. })
        ));
        let again = store.check_in(g.uuid, m.id).unwrap().attendee;
        assert_eq!(again.id, a.id, "her walk-in entry is now her check-in");
        assert_eq!(store.attendees(g.uuid).unwrap().len(), 1);
        // A replacement roster from the server keeps a member made on the phone...
        store.import_roster(&[], RosterChange::Replace).unwrap();
        assert!(store.member(m.id).is_ok());
        // ...until the server knows her: then she is the server's, and leaves with it.
        store
            .import_roster(std::slice::from_ref(&m), RosterChange::Replace)
            .unwrap();
        store.import_roster(&[], RosterChange::Replace).unwrap();
        assert!(matches!(
            store.member(m.id),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn deleting_an_open_gathering_removes_its_photos_unless_shared() {
        let (dir, store) = store();
        let g1 = store.create_gathering(&input()).unwrap();
        let g2 = store.create_gathering(&input()).unwrap();
        let shared = write(dir.path(), "s.jpg", &jpeg(120, 80, 1));
        let own = write(dir.path(), "o.jpg", &jpeg(100, 80, 1));
        let s = store
            .attach_gathering_photo(g1.uuid, &shared, PhotoOptions::default())
            .unwrap();
        store
            .attach_gathering_photo(g2.uuid, &shared, PhotoOptions::default())
            .unwrap();
        let o = store
            .attach_gathering_photo(g1.uuid, &own, PhotoOptions::default())
            .unwrap();
        assert_eq!(store.gathering_photos(g1.uuid).unwrap().len(), 2);
        let own_file = store.photos.file(&o.sha256);
        assert!(own_file.exists());
        store.delete_gathering(g1.uuid).unwrap();
        assert!(!own_file.exists());
        assert!(matches!(
            store.photo_bytes(&o.sha256),
            Err(StoreError::NotFound { .. })
        ));
        assert!(store.photo_bytes(&s.sha256).is_ok());
        assert!(matches!(
            store.gathering(g1.uuid),
            Err(StoreError::NotFound { .. })
        ));
        let actions: Vec<_> = store
            .audit_trail(g1.uuid)
            .unwrap()
            .into_iter()
            .map(|e| e.body.action)
            .collect();
        assert_eq!(actions, vec![AuditAction::Created, AuditAction::Deleted]);
        store.detach_gathering_photo(g2.uuid, &s.sha256).unwrap();
        assert!(count(&store, "photos") == 0 && !store.photos.file(&s.sha256).exists());
    }
}
