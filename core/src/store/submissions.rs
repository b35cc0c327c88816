//! Survey submissions. A draft holds the form session's state (JSON), saved on every
//! answer and restored exactly; finalizing stores the answers and the photos they
//! reference and queues the submission; editing a finalized submission starts a new
//! revision that replaces it (the finalized one is never changed). Lists are newest
//! first by form, state and household, with counts per state for the home screen.

use std::path::Path;

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use uuid::Uuid;

use super::columns::{self, Id, Key, Millis};
use super::outbox::{self, OutboxKind};
use super::photos::{self, PhotoOptions, StoredPhoto};
use super::{Page, RecordKind, RecordState, Store, StoreError, audit, forms};
use crate::protocol::{AuditAction, PhotoRef, RecordBody, SubmissionBody};

/// A submission (its newest revision) as lists show it.
#[derive(Debug, Clone, PartialEq)]
pub struct SubmissionInfo {
    /// Stable id (UUIDv7 made on the phone).
    pub uuid: Uuid,
    /// Revision, 1 for the first; an edit of a finalized submission makes the next.
    pub revision: u32,
    /// Form id.
    pub form_id: String,
    /// The form version it is filled with.
    pub form_version: String,
    /// The household it is a visit to.
    pub household: Option<Uuid>,
    /// Draft, finalized or sent.
    pub state: RecordState,
    /// Label language.
    pub language: Option<String>,
    /// When filling started.
    pub started_at: DateTime<Utc>,
    /// When it was finalized.
    pub finalized_at: Option<DateTime<Utc>>,
    /// Last change (autosave, finalize).
    pub updated_at: DateTime<Utc>,
}

/// Counts of submissions per state, for the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StateCounts {
    /// Drafts.
    pub drafts: u64,
    /// Finalized, waiting to be sent.
    pub finalized: u64,
    /// Sent.
    pub sent: u64,
}

/// Which submissions a list shows; `None` means any.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SubmissionFilter {
    /// Only this form.
    pub form_id: Option<String>,
    /// Only this state.
    pub state: Option<RecordState>,
    /// Only visits to this household.
    pub household: Option<Uuid>,
}

/// What finalizing stores: the form engine's finalized answers.
#[derive(Debug, Clone, PartialEq)]
pub struct Finalized {
    /// When it was finalized.
    pub finalized_at: DateTime<Utc>,
    /// The answers, nested by group and repeat.
    pub data: serde_json::Value,
    /// SHA-256 of every photo the answers reference.
    pub photos: Vec<String>,
}

const COLUMNS: &str =
    "uuid, revision, form_id, form_version, household, state, language, started_at, finalized_at, updated_at";

fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubmissionInfo> {
    Ok(SubmissionInfo {
        uuid: r.get::<_, Id>(0)?.0,
        revision: r.get(1)?,
        form_id: r.get(2)?,
        form_version: r.get(3)?,
        household: r.get::<_, Option<Id>>(4)?.map(|i| i.0),
        state: r.get::<_, Key<RecordState>>(5)?.0,
        language: r.get(6)?,
        started_at: r.get::<_, Millis>(7)?.0,
        finalized_at: r.get::<_, Option<Millis>>(8)?.map(|m| m.0),
        updated_at: r.get::<_, Millis>(9)?.0,
    })
}

/// The newest revision of submission `uuid`.
fn current(tx: &Transaction<'_>, uuid: Uuid) -> Result<SubmissionInfo, StoreError> {
    tx.prepare_cached(&format!("SELECT {COLUMNS} FROM submissions WHERE uuid = ?1 AND current = 1"))?
        .query_row([Id(uuid)], info)
        .optional()?
        .ok_or_else(|| StoreError::not_found(RecordKind::Submission, uuid))
}

/// The newest revision of `uuid`, which must be a draft for `action`.
fn draft(tx: &Transaction<'_>, uuid: Uuid, action: &'static str) -> Result<SubmissionInfo, StoreError> {
    let s = current(tx, uuid)?;
    if s.state != RecordState::Draft {
        return Err(StoreError::WrongState { kind: RecordKind::Submission, id: uuid, state: s.state.as_str().into(), action });
    }
    Ok(s)
}

fn check_json(session: &str) -> Result<(), StoreError> {
    serde_json::from_str::<serde::de::IgnoredAny>(session)
        .map(drop)
        .map_err(|e| StoreError::invalid("session state", e.to_string()))
}

fn photo_refs(tx: &Transaction<'_>, uuid: Uuid, revision: u32) -> Result<Vec<PhotoRef>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT p.sha256, p.bytes FROM submission_photos s JOIN photos p ON p.sha256 = s.sha256
         WHERE s.uuid = ?1 AND s.revision = ?2 ORDER BY p.sha256",
    )?;
    let rows = stmt.query_map((Id(uuid), revision), |r| Ok(PhotoRef { sha256: r.get(0)?, bytes: r.get::<_, i64>(1)? as u64 }))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The wire form of submission revision `(uuid, revision)`, for the outbox.
pub(crate) fn wire(tx: &Transaction<'_>, uuid: Uuid, revision: u32) -> Result<(DateTime<Utc>, RecordBody), StoreError> {
    type Row = (String, String, Option<Id>, Millis, Option<Millis>, Option<String>, Option<String>, Millis);
    let row: Option<Row> = tx
        .prepare_cached(
            "SELECT form_id, form_version, household, started_at, finalized_at, language, data, created_at
             FROM submissions WHERE uuid = ?1 AND revision = ?2",
        )?
        .query_row((Id(uuid), revision), |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?))
        })
        .optional()?;
    let (form_id, form_version, household, started_at, finalized_at, language, data, created_at) =
        row.ok_or_else(|| StoreError::not_found(RecordKind::Submission, uuid))?;
    let (Some(finalized_at), Some(data)) = (finalized_at, data) else {
        return Err(StoreError::WrongState { kind: RecordKind::Submission, id: uuid, state: "draft".into(), action: "send" });
    };
    let data = serde_json::from_str(&data).map_err(|source| StoreError::Corrupt { what: "submission data", source })?;
    let body = SubmissionBody {
        form_id,
        form_version,
        household: household.map(|h| h.0),
        started_at: started_at.0,
        finalized_at: finalized_at.0,
        language,
        data,
        photos: photo_refs(tx, uuid, revision)?,
    };
    Ok((created_at.0, RecordBody::Submission(body)))
}

impl Store {
    /// Starts a draft of form `form_id` version `version` with the session's first
    /// state, optionally as a visit to `household`.
    pub fn create_draft(
        &self,
        form_id: &str,
        version: &str,
        household: Option<Uuid>,
        language: Option<&str>,
        session: &str,
    ) -> Result<SubmissionInfo, StoreError> {
        check_json(session)?;
        self.write(|tx| {
            forms::json(tx, form_id, version)?;
            if let Some(h) = household {
                super::households::ensure_exists(tx, h)?;
            }
            let uuid = Uuid::now_v7();
            let now = columns::now();
            tx.prepare_cached(
                "INSERT INTO submissions (uuid, revision, form_id, form_version, household, state, current, created_at,
                                          updated_at, started_at, language, session)
                 VALUES (?1, 1, ?2, ?3, ?4, 'draft', 1, ?5, ?5, ?5, ?6, ?7)",
            )?
            .execute((Id(uuid), form_id, version, household.map(Id), Millis(now), language, session))?;
            audit::log(tx, AuditAction::Created, RecordKind::Submission, uuid, 1, now)?;
            current(tx, uuid)
        })
    }

    /// Autosaves draft `uuid`'s session state (called on every answer).
    pub fn save_draft(&self, uuid: Uuid, session: &str) -> Result<(), StoreError> {
        check_json(session)?;
        self.write(|tx| {
            let s = draft(tx, uuid, "save")?;
            tx.prepare_cached("UPDATE submissions SET session = ?3, updated_at = ?4 WHERE uuid = ?1 AND revision = ?2")?
                .execute((Id(uuid), s.revision, session, Millis(columns::now())))?;
            Ok(())
        })
    }

    /// Draft `uuid` with its saved session state, to reopen it with its own form version.
    pub fn draft(&self, uuid: Uuid) -> Result<(SubmissionInfo, String), StoreError> {
        self.read(|tx| {
            let s = draft(tx, uuid, "reopen")?;
            let session = tx
                .prepare_cached("SELECT session FROM submissions WHERE uuid = ?1 AND revision = ?2")?
                .query_row((Id(uuid), s.revision), |r| r.get(0))?;
            Ok((s, session))
        })
    }

    /// Takes in the photo at `path` for an image answer of draft `uuid`. Keep the
    /// returned hash as the answer; at finalize only the photos the answers reference stay.
    pub fn attach_submission_photo(&self, uuid: Uuid, path: &Path, options: PhotoOptions) -> Result<StoredPhoto, StoreError> {
        self.read(|tx| draft(tx, uuid, "attach a photo"))?;
        let photo = self.take_in_photo(path, options)?;
        let linked = self.write(|tx| {
            let s = draft(tx, uuid, "attach a photo")?;
            photos::register(tx, &photo)?;
            tx.prepare_cached("INSERT OR IGNORE INTO submission_photos (uuid, revision, sha256) VALUES (?1, ?2, ?3)")?
                .execute((Id(uuid), s.revision, &photo.sha256))?;
            Ok(())
        });
        if let Err(e) = linked {
            self.discard_photo_files(std::slice::from_ref(&photo.sha256))?;
            return Err(e);
        }
        Ok(photo)
    }

    /// Finalizes draft `uuid` with the engine's answers: it is queued for sending and
    /// never changes again. Every photo in `finalized.photos` must have been attached.
    pub fn finalize(&self, uuid: Uuid, finalized: &Finalized) -> Result<SubmissionInfo, StoreError> {
        let data = serde_json::to_string(&finalized.data).map_err(|source| StoreError::Corrupt { what: "answers", source })?;
        let (info, gone) = self.write(|tx| {
            let s = draft(tx, uuid, "finalize")?;
            let attached: Vec<String> = tx
                .prepare_cached("SELECT sha256 FROM submission_photos WHERE uuid = ?1 AND revision = ?2")?
                .query_map((Id(uuid), s.revision), |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if let Some(missing) = finalized.photos.iter().find(|p| !attached.contains(p)) {
                return Err(StoreError::not_found(RecordKind::Photo, missing));
            }
            let mut unlink = tx.prepare_cached("DELETE FROM submission_photos WHERE uuid = ?1 AND revision = ?2 AND sha256 = ?3")?;
            for sha in attached.iter().filter(|a| !finalized.photos.contains(a)) {
                unlink.execute((Id(uuid), s.revision, sha))?;
            }
            let now = columns::now();
            tx.prepare_cached(
                "UPDATE submissions SET state = 'finalized', data = ?3, finalized_at = ?4, updated_at = ?5
                 WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, &data, Millis(columns::to_millis(finalized.finalized_at)), Millis(now)))?;
            outbox::enqueue(tx, OutboxKind::Submission, uuid, s.revision)?;
            audit::log(tx, AuditAction::Finalized, RecordKind::Submission, uuid, s.revision, now)?;
            Ok((current(tx, uuid)?, photos::forget_unreferenced(tx)?))
        })?;
        self.discard_photo_files(&gone)?;
        Ok(info)
    }

    /// Starts editing finalized (or sent) submission `uuid`: a new draft revision with
    /// the session state and photos of the one it replaces, which stays as it was.
    pub fn edit_submission(&self, uuid: Uuid) -> Result<SubmissionInfo, StoreError> {
        self.write(|tx| {
            let s = current(tx, uuid)?;
            if s.state == RecordState::Draft {
                return Err(StoreError::WrongState { kind: RecordKind::Submission, id: uuid, state: "draft".into(), action: "edit" });
            }
            let next = s.revision + 1;
            let now = columns::now();
            tx.prepare_cached("UPDATE submissions SET current = 0 WHERE uuid = ?1 AND revision = ?2")?
                .execute((Id(uuid), s.revision))?;
            tx.prepare_cached(
                "INSERT INTO submissions (uuid, revision, form_id, form_version, household, state, current, created_at,
                                          updated_at, started_at, language, session)
                 SELECT uuid, ?3, form_id, form_version, household, 'draft', 1, ?4, ?4, ?4, language, session
                 FROM submissions WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, next, Millis(now)))?;
            tx.prepare_cached(
                "INSERT INTO submission_photos (uuid, revision, sha256)
                 SELECT uuid, ?3, sha256 FROM submission_photos WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, next))?;
            audit::log(tx, AuditAction::Edited, RecordKind::Submission, uuid, next, now)?;
            current(tx, uuid)
        })
    }

    /// Deletes draft `uuid` (an edit's draft: the finalized revision it would replace
    /// becomes current again). Photos nothing else references are removed.
    pub fn delete_draft(&self, uuid: Uuid) -> Result<(), StoreError> {
        let gone = self.write(|tx| {
            let s = draft(tx, uuid, "delete")?;
            tx.prepare_cached("DELETE FROM submissions WHERE uuid = ?1 AND revision = ?2")?.execute((Id(uuid), s.revision))?;
            if s.revision > 1 {
                tx.prepare_cached("UPDATE submissions SET current = 1 WHERE uuid = ?1 AND revision = ?2")?
                    .execute((Id(uuid), s.revision - 1))?;
            }
            audit::log(tx, AuditAction::Deleted, RecordKind::Submission, uuid, s.revision, columns::now())?;
            photos::forget_unreferenced(tx)
        })?;
        self.discard_photo_files(&gone)
    }

    /// Submission `uuid` (its newest revision).
    pub fn submission(&self, uuid: Uuid) -> Result<SubmissionInfo, StoreError> {
        self.read(|tx| current(tx, uuid))
    }

    /// The finalized answers of submission `uuid` revision `revision` (a later visit
    /// shows what an earlier one recorded).
    pub fn submission_data(&self, uuid: Uuid, revision: u32) -> Result<serde_json::Value, StoreError> {
        self.read(|tx| match wire(tx, uuid, revision)?.1 {
            RecordBody::Submission(body) => Ok(body.data),
            _ => Err(StoreError::not_found(RecordKind::Submission, uuid)),
        })
    }

    /// Submissions matching `filter` (newest revision of each), most recently changed first.
    pub fn list_submissions(&self, filter: &SubmissionFilter, page: Page) -> Result<Vec<SubmissionInfo>, StoreError> {
        // Only the conditions given are written, so SQLite can pick the matching index.
        let mut sql = format!("SELECT {COLUMNS} FROM submissions WHERE current = 1");
        if filter.form_id.is_some() {
            sql.push_str(" AND form_id = ?1");
        }
        if filter.state.is_some() {
            sql.push_str(" AND state = ?2");
        }
        if filter.household.is_some() {
            sql.push_str(" AND household = ?3");
        }
        sql.push_str(" ORDER BY updated_at DESC, uuid DESC LIMIT ?4 OFFSET ?5");
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&sql)?;
            let params = (&filter.form_id, filter.state.map(Key), filter.household.map(Id), page.sql_limit(), page.sql_offset());
            let rows = stmt.query_map(params, info)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The visits to household `uuid` (submissions linked to it), newest first.
    pub fn household_visits(&self, uuid: Uuid, page: Page) -> Result<Vec<SubmissionInfo>, StoreError> {
        self.read(|tx| super::households::ensure_exists(tx, uuid))?;
        self.list_submissions(&SubmissionFilter { household: Some(uuid), ..SubmissionFilter::default() }, page)
    }

    /// How many submissions (of `form_id`, or all) are drafts, finalized and sent.
    pub fn submission_counts(&self, form_id: Option<&str>) -> Result<StateCounts, StoreError> {
        self.read(|tx| {
            let mut stmt = match form_id {
                Some(_) => tx.prepare_cached(
                    "SELECT state, count(*) FROM submissions WHERE current = 1 AND form_id = ?1 GROUP BY state",
                )?,
                None => tx.prepare_cached("SELECT state, count(*) FROM submissions WHERE current = 1 AND ?1 IS NULL GROUP BY state")?,
            };
            let mut counts = StateCounts::default();
            for row in stmt.query_map([form_id], |r| Ok((r.get::<_, Key<RecordState>>(0)?.0, r.get::<_, i64>(1)?)))? {
                let (state, n) = row?;
                let n = n.unsigned_abs();
                match state {
                    RecordState::Draft => counts.drafts = n,
                    RecordState::Finalized => counts.finalized = n,
                    RecordState::Sent => counts.sent = n,
                }
            }
            Ok(counts)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::forms::tests::form_json;
    use crate::store::households::tests::input as household;
    use crate::store::photos::tests::{jpeg, write};
    use crate::store::testing::{count, store};
    use serde_json::json;

    fn finalized(data: serde_json::Value, photos: &[&str]) -> Finalized {
        Finalized { finalized_at: columns::now(), data, photos: photos.iter().map(|p| (*p).to_owned()).collect() }
    }

    fn setup() -> (tempfile::TempDir, Store) {
        let (dir, store) = store();
        store.add_form(&form_json("visit", "1"), None).unwrap();
        store.add_form(&form_json("visit", "2"), None).unwrap();
        (dir, store)
    }

    #[test]
    fn a_draft_autosaves_reopens_with_its_version_finalizes_and_is_queued() {
        let (_dir, store) = setup();
        let d = store.create_draft("visit", "1", None, Some("vi"), r#"{"page":0}"#).unwrap();
        assert_eq!((d.revision, d.state, d.form_version.as_str()), (1, RecordState::Draft, "1"));
        store.save_draft(d.uuid, r#"{"page":3,"answers":{"q":"Thào"}}"#).unwrap();
        let (info, state) = store.draft(d.uuid).unwrap();
        assert_eq!(state, r#"{"page":3,"answers":{"q":"Thào"}}"#);
        assert_eq!(info.form_version, "1", "reopens with the version it started with, not the newest");

        let done = store.finalize(d.uuid, &finalized(json!({"q": "Thào"}), &[])).unwrap();
        assert_eq!(done.state, RecordState::Finalized);
        let items = store.outbox(10).unwrap();
        let record = items.iter().find(|i| i.record.uuid == d.uuid).unwrap();
        let RecordBody::Submission(body) = &record.record.body else { panic!("not a submission") };
        assert_eq!((body.form_version.as_str(), &body.data, body.language.as_deref()), ("1", &json!({"q": "Thào"}), Some("vi")));
        let actions: Vec<_> = store.audit_trail(d.uuid).unwrap().into_iter().map(|e| e.action).collect();
        assert_eq!(actions, vec![AuditAction::Created, AuditAction::Finalized]);
        store.mark_sent(d.uuid, 1).unwrap();
        assert_eq!(store.submission(d.uuid).unwrap().state, RecordState::Sent);
    }

    #[test]
    fn wrong_states_and_unknown_ids_are_typed_errors_that_change_nothing() {
        let (_dir, store) = setup();
        let d = store.create_draft("visit", "1", None, None, "{}").unwrap();
        store.finalize(d.uuid, &finalized(json!({"q": "a"}), &[])).unwrap();
        let tables = ["submissions", "outbox", "audit", "submission_photos"];
        let before: Vec<i64> = tables.iter().map(|t| count(&store, t)).collect();
        let wrong = |r: Result<(), StoreError>, action: &str| match r {
            Err(StoreError::WrongState { kind: RecordKind::Submission, state, action: a, .. }) => {
                assert_eq!((state.as_str(), a), ("finalized", action));
            }
            other => panic!("expected a wrong-state error, got {other:?}"),
        };
        wrong(store.finalize(d.uuid, &finalized(json!({}), &[])).map(drop), "finalize");
        wrong(store.save_draft(d.uuid, "{}"), "save");
        wrong(store.delete_draft(d.uuid), "delete");
        wrong(store.draft(d.uuid).map(drop), "reopen");
        let nobody = Uuid::now_v7();
        assert!(matches!(store.save_draft(nobody, "{}"), Err(StoreError::NotFound { kind: RecordKind::Submission, .. })));
        assert!(matches!(store.edit_submission(nobody), Err(StoreError::NotFound { .. })));
        assert!(matches!(store.create_draft("visit", "9", None, None, "{}"), Err(StoreError::NotFound { kind: RecordKind::Form, .. })));
        assert!(matches!(
            store.create_draft("visit", "1", Some(nobody), None, "{}"),
            Err(StoreError::NotFound { kind: RecordKind::Household, .. })
        ));
        assert!(matches!(store.create_draft("visit", "1", None, None, "{not json"), Err(StoreError::Invalid { .. })));
        assert_eq!(before, tables.iter().map(|t| count(&store, t)).collect::<Vec<_>>());
    }

    #[test]
    fn an_edit_is_a_new_revision_and_deleting_it_restores_the_finalized_one() {
        let (_dir, store) = setup();
        let d = store.create_draft("visit", "1", None, None, r#"{"page":1}"#).unwrap();
        store.finalize(d.uuid, &finalized(json!({"q": "first"}), &[])).unwrap();
        let e = store.edit_submission(d.uuid).unwrap();
        assert_eq!((e.revision, e.state), (2, RecordState::Draft));
        assert_eq!(store.draft(d.uuid).unwrap().1, r#"{"page":1}"#, "the edit starts from the finalized state");
        assert!(matches!(store.edit_submission(d.uuid), Err(StoreError::WrongState { .. })));
        store.delete_draft(d.uuid).unwrap();
        let back = store.submission(d.uuid).unwrap();
        assert_eq!((back.revision, back.state), (1, RecordState::Finalized));

        store.edit_submission(d.uuid).unwrap();
        store.save_draft(d.uuid, r#"{"page":2}"#).unwrap();
        store.finalize(d.uuid, &finalized(json!({"q": "second"}), &[])).unwrap();
        assert_eq!(store.submission_data(d.uuid, 1).unwrap(), json!({"q": "first"}), "revision 1 never changes");
        assert_eq!(store.submission_data(d.uuid, 2).unwrap(), json!({"q": "second"}));
        let queued: Vec<u32> = store.outbox(20).unwrap().iter().filter(|i| i.record.uuid == d.uuid).map(|i| i.record.revision).collect();
        assert_eq!(queued, vec![1, 2]);
        assert_eq!(store.submission_counts(None).unwrap(), StateCounts { drafts: 0, finalized: 1, sent: 0 });
        let actions: Vec<_> = store.audit_trail(d.uuid).unwrap().into_iter().map(|e| (e.action, e.target_revision)).collect();
        assert_eq!(
            actions,
            vec![
                (AuditAction::Created, 1),
                (AuditAction::Finalized, 1),
                (AuditAction::Edited, 2),
                (AuditAction::Deleted, 2),
                (AuditAction::Edited, 2),
                (AuditAction::Finalized, 2)
            ]
        );
    }

    #[test]
    fn photos_keep_only_what_the_answers_reference_and_go_with_a_deleted_draft() {
        let (dir, store) = setup();
        let d = store.create_draft("visit", "1", None, None, "{}").unwrap();
        let kept = store.attach_submission_photo(d.uuid, &write(dir.path(), "a.jpg", &jpeg(90, 60, 1)), PhotoOptions::default()).unwrap();
        let replaced = store.attach_submission_photo(d.uuid, &write(dir.path(), "b.jpg", &jpeg(80, 60, 1)), PhotoOptions::default()).unwrap();
        assert!(matches!(
            store.finalize(d.uuid, &finalized(json!({}), &["feedbeef"])),
            Err(StoreError::NotFound { kind: RecordKind::Photo, .. })
        ));
        store.finalize(d.uuid, &finalized(json!({"photo": kept.sha256}), &[&kept.sha256])).unwrap();
        assert!(store.photo_file(&kept.sha256).unwrap().exists());
        assert!(matches!(store.photo_file(&replaced.sha256), Err(StoreError::NotFound { .. })));
        let pending: Vec<_> = store.pending_photos().unwrap().into_iter().map(|p| p.sha256).collect();
        assert_eq!(pending, vec![kept.sha256.clone()]);
        let items = store.outbox(10).unwrap();
        let RecordBody::Submission(body) = &items.iter().find(|i| i.record.uuid == d.uuid).unwrap().record.body else {
            panic!("not a submission")
        };
        assert_eq!(body.photos, vec![PhotoRef { sha256: kept.sha256.clone(), bytes: kept.bytes }]);

        let other = store.create_draft("visit", "2", None, None, "{}").unwrap();
        let p = store.attach_submission_photo(other.uuid, &write(dir.path(), "c.jpg", &jpeg(70, 60, 1)), PhotoOptions::default()).unwrap();
        let file = store.photo_file(&p.sha256).unwrap();
        store.delete_draft(other.uuid).unwrap();
        assert!(!file.exists(), "a photo referenced by nothing is cleaned up");
        assert!(matches!(store.submission(other.uuid), Err(StoreError::NotFound { .. })));
    }

    #[test]
    fn lists_filter_by_form_state_and_household_newest_first() {
        let (_dir, store) = setup();
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        let a = store.create_draft("visit", "1", Some(h.uuid), None, "{}").unwrap();
        let b = store.create_draft("visit", "2", None, None, "{}").unwrap();
        let c = store.create_draft("visit", "2", Some(h.uuid), None, "{}").unwrap();
        store.finalize(a.uuid, &finalized(json!({}), &[])).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(2));
        store.save_draft(b.uuid, "{}").unwrap();
        let uuids = |f: SubmissionFilter| -> Vec<Uuid> {
            store.list_submissions(&f, Page::first(10)).unwrap().into_iter().map(|s| s.uuid).collect()
        };
        assert_eq!(uuids(SubmissionFilter::default()), vec![b.uuid, a.uuid, c.uuid]);
        assert_eq!(uuids(SubmissionFilter { state: Some(RecordState::Draft), ..Default::default() }), vec![b.uuid, c.uuid]);
        assert_eq!(uuids(SubmissionFilter { form_id: Some("other".into()), ..Default::default() }), Vec::<Uuid>::new());
        let visits: Vec<Uuid> = store.household_visits(h.uuid, Page::first(10)).unwrap().into_iter().map(|s| s.uuid).collect();
        assert_eq!(visits, vec![a.uuid, c.uuid]);
        assert!(matches!(store.household_visits(Uuid::now_v7(), Page::first(1)), Err(StoreError::NotFound { .. })));
        assert_eq!(store.list_submissions(&SubmissionFilter::default(), Page { offset: 1, limit: 1 }).unwrap()[0].uuid, a.uuid);
        assert_eq!(store.submission_counts(Some("visit")).unwrap(), StateCounts { drafts: 2, finalized: 1, sent: 0 });
        assert_eq!(store.submission_counts(Some("other")).unwrap(), StateCounts::default());
    }
}
