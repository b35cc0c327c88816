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
use super::photos::{self, PhotoOptions, StoredPhoto, StoredRecording};
use super::{RecordKind, RecordState, Store, StoreError, Window, audit};
use crate::engine::{
    AuditEvent, Clock, FormSession, SavedScope, SessionOptions, SessionState, Submission,
};
use crate::protocol::{AuditAction, FileKind, PhotoRef, RecordBody, SubmissionBody};

/// A submission (its newest revision) as lists show it.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
    /// Its name from the form's `instance_name` (e.g. the household head), for lists.
    pub title: Option<String>,
}

/// Counts of submissions per state, for the home screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SubmissionFilter {
    /// Only this form.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub form_id: Option<String>,
    /// Only this state.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub state: Option<RecordState>,
    /// Only visits to this household.
    #[cfg_attr(feature = "uniffi", uniffi(default))]
    pub household: Option<Uuid>,
}

pub(super) const COLUMNS: &str = "uuid, revision, form_id, form_version, household, state, language, started_at, finalized_at, updated_at, title";

pub(super) fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<SubmissionInfo> {
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
        title: r.get(10)?,
    })
}

/// The newest revision of submission `uuid`.
fn current(tx: &Transaction<'_>, uuid: Uuid) -> Result<SubmissionInfo, StoreError> {
    tx.prepare_cached(&format!(
        "SELECT {COLUMNS} FROM submissions WHERE uuid = ?1 AND current = 1"
    ))?
    .query_row([Id(uuid)], info)
    .optional()?
    .ok_or_else(|| StoreError::not_found(RecordKind::Submission, uuid))
}

/// The newest revision of `uuid`, which must be a draft for `action`.
fn draft(
    tx: &Transaction<'_>,
    uuid: Uuid,
    action: &'static str,
) -> Result<SubmissionInfo, StoreError> {
    let s = current(tx, uuid)?;
    if s.state != RecordState::Draft {
        return Err(StoreError::WrongState {
            kind: RecordKind::Submission,
            id: uuid,
            state: s.state.as_str().into(),
            action,
        });
    }
    Ok(s)
}

fn state_json(state: &SessionState) -> Result<String, StoreError> {
    serde_json::to_string(state).map_err(|source| StoreError::Corrupt {
        what: "session state",
        source,
    })
}

/// The draft's saved state must belong to the same form version as the draft.
fn same_form(info: &SubmissionInfo, form_id: &str, version: &str) -> Result<(), StoreError> {
    if info.form_id != form_id || info.form_version != version {
        return Err(StoreError::FormMismatch {
            id: info.uuid,
            expected: format!("{} version {}", info.form_id, info.form_version),
            found: format!("{form_id} version {version}"),
        });
    }
    Ok(())
}

fn saved_state(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
) -> Result<SessionState, StoreError> {
    let json: String = tx
        .prepare_cached("SELECT session FROM submissions WHERE uuid = ?1 AND revision = ?2")?
        .query_row((Id(uuid), revision), |r| r.get(0))?;
    serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
        what: "session state",
        source,
    })
}

/// Appends the events of `log` that revision `(uuid, revision)` does not hold yet (the
/// log only grows: the rows held are its start).
fn save_audit_log(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
    log: &[AuditEvent],
) -> Result<(), StoreError> {
    let held: i64 = tx
        .prepare_cached(
            "SELECT COUNT(*) FROM submission_audit_events WHERE uuid = ?1 AND revision = ?2",
        )?
        .query_row((Id(uuid), revision), |r| r.get(0))?;
    let mut insert = tx.prepare_cached(
        "INSERT INTO submission_audit_events (uuid, revision, seq, event) VALUES (?1, ?2, ?3, ?4)",
    )?;
    let start = usize::try_from(held).unwrap_or(usize::MAX);
    for (seq, event) in log.iter().enumerate().skip(start) {
        let json = serde_json::to_string(event).map_err(|source| StoreError::Corrupt {
            what: "audit log",
            source,
        })?;
        insert.execute((Id(uuid), revision, seq as i64, json))?;
    }
    Ok(())
}

/// The audit log of revision `(uuid, revision)`, in the order recorded.
fn audit_log(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
) -> Result<Vec<AuditEvent>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT event FROM submission_audit_events WHERE uuid = ?1 AND revision = ?2 ORDER BY seq",
    )?;
    let rows = stmt.query_map((Id(uuid), revision), |r| r.get::<_, String>(0))?;
    let mut out = Vec::new();
    for json in rows {
        out.push(
            serde_json::from_str(&json?).map_err(|source| StoreError::Corrupt {
                what: "audit log",
                source,
            })?,
        );
    }
    Ok(out)
}

fn photo_refs(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
) -> Result<Vec<PhotoRef>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT p.sha256, p.bytes FROM submission_photos s JOIN photos p ON p.sha256 = s.sha256
         WHERE s.uuid = ?1 AND s.revision = ?2 ORDER BY p.sha256",
    )?;
    let rows = stmt.query_map((Id(uuid), revision), |r| {
        Ok(PhotoRef {
            sha256: r.get(0)?,
            bytes: r.get::<_, i64>(1)? as u64,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The answers of the last saved record of form `form_id` (any version), for
/// `${last-saved#name}`: the current revision of each record, draft, finalized or sent,
/// the one saved last (then the one started last). A draft opened and left without an
/// answer is no saved record (ODK Collect saves nothing until she does), so it is passed
/// over. `None` when the form has no such record on this phone.
fn last_saved(tx: &Transaction<'_>, form_id: &str) -> Result<Option<SavedScope>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT session FROM submissions WHERE form_id = ?1 AND current = 1
         ORDER BY updated_at DESC, uuid DESC",
    )?;
    let mut rows = stmt.query([form_id])?;
    while let Some(row) = rows.next()? {
        let json: String = row.get(0)?;
        let state: SessionState =
            serde_json::from_str(&json).map_err(|source| StoreError::Corrupt {
                what: "session state",
                source,
            })?;
        if !state.start_location_pending {
            return Ok(Some(state.answers));
        }
    }
    Ok(None)
}

/// The wire form of submission revision `(uuid, revision)`, for the outbox.
pub(crate) fn wire(
    tx: &Transaction<'_>,
    uuid: Uuid,
    revision: u32,
) -> Result<(DateTime<Utc>, RecordBody), StoreError> {
    type Row = (
        String,
        String,
        Option<Id>,
        Millis,
        Option<Millis>,
        Option<String>,
        Option<String>,
        Millis,
    );
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
        return Err(StoreError::WrongState {
            kind: RecordKind::Submission,
            id: uuid,
            state: "draft".into(),
            action: "send",
        });
    };
    let data = serde_json::from_str(&data).map_err(|source| StoreError::Corrupt {
        what: "submission data",
        source,
    })?;
    let body = SubmissionBody {
        form_id,
        form_version,
        household: household.map(|h| h.0),
        started_at: started_at.0,
        finalized_at: finalized_at.0,
        language,
        data,
        photos: photo_refs(tx, uuid, revision)?,
        audit: audit_log(tx, uuid, revision)?,
    };
    Ok((created_at.0, RecordBody::Submission(body)))
}

impl Store {
    /// Starts filling form `form_id` version `version` (optionally as a visit to
    /// `household`): the draft is saved at once, under the session's instance id. Its
    /// `${last-saved#name}` values come from the form's last saved record (see
    /// [`last_saved`]).
    pub fn start_submission(
        &self,
        form_id: &str,
        version: &str,
        household: Option<Uuid>,
        options: &SessionOptions,
    ) -> Result<(SubmissionInfo, FormSession), StoreError> {
        let form = self.compiled_form(form_id, version)?;
        self.check_form_files(form_id, version)?;
        let last = if form.reads_last_saved() {
            self.read(|tx| last_saved(tx, form_id))?
        } else {
            None
        };
        let session = match last {
            Some(answers) => FormSession::open_after(form, options, &answers)?,
            None => FormSession::open(form, options)?,
        };
        let state = session.state();
        let json = state_json(&state)?;
        let info = self.write(|tx| {
            if let Some(h) = household {
                super::households::ensure_exists(tx, h)?;
            }
            let uuid = state.instance_id;
            let now = columns::now();
            tx.prepare_cached(
                "INSERT INTO submissions (uuid, revision, form_id, form_version, household, state, current, created_at,
                                          updated_at, started_at, language, session, title)
                 VALUES (?1, 1, ?2, ?3, ?4, 'draft', 1, ?5, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute((
                Id(uuid),
                form_id,
                version,
                household.map(Id),
                Millis(now),
                Millis(columns::to_millis(state.started_at)),
                Some(state.language.as_str()).filter(|l| !l.is_empty()),
                &json,
                session.instance_name(),
            ))?;
            audit::log(tx, AuditAction::Created, RecordKind::Submission, uuid, 1, now)?;
            save_audit_log(tx, uuid, 1, session.audit_log())?;
            current(tx, uuid)
        })?;
        Ok((info, session))
    }

    /// Autosaves a draft: call it after every answer. The session must be of the
    /// draft's own form version.
    pub fn save_draft(&self, session: &FormSession) -> Result<(), StoreError> {
        let state = session.state();
        let json = state_json(&state)?;
        let title = session.instance_name();
        self.write(|tx| {
            let s = draft(tx, state.instance_id, "save")?;
            same_form(&s, &state.form_id, &state.form_version)?;
            tx.prepare_cached(
                "UPDATE submissions SET session = ?3, title = ?4, updated_at = ?5 WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(s.uuid), s.revision, &json, title, Millis(columns::now())))?;
            save_audit_log(tx, s.uuid, s.revision, session.audit_log())
        })
    }

    /// Reopens draft `uuid` exactly as it was saved (current page included), with the
    /// form version it was started with.
    pub fn resume(&self, uuid: Uuid) -> Result<FormSession, StoreError> {
        let (info, state, log) = self.read(|tx| {
            let s = draft(tx, uuid, "reopen")?;
            let state = saved_state(tx, uuid, s.revision)?;
            let log = audit_log(tx, uuid, s.revision)?;
            Ok((s, state, log))
        })?;
        let form = self.compiled_form(&info.form_id, &info.form_version)?;
        Ok(FormSession::restore_logged(
            form,
            state,
            log,
            Clock::system(),
        )?)
    }

    /// Takes in the photo at `path` for an image answer of draft `uuid`. Keep the
    /// returned hash as the answer; at finalize only the photos the answers reference stay.
    pub fn attach_submission_photo(
        &self,
        uuid: Uuid,
        path: &Path,
        options: PhotoOptions,
    ) -> Result<StoredPhoto, StoreError> {
        self.read(|tx| draft(tx, uuid, "attach a photo"))?;
        let photo = self.take_in_photo(path, options)?;
        self.link_submission_file(uuid, &photo.sha256, |tx| photos::register(tx, &photo))?;
        Ok(photo)
    }

    /// Takes in the sound or video recording at `path` (checked as `kind` takes it, kept
    /// as recorded) for an audio or video answer of draft `uuid`. Keep the returned hash
    /// as the answer; it travels with the submission as its photos do.
    pub fn attach_submission_recording(
        &self,
        uuid: Uuid,
        path: &Path,
        kind: FileKind,
    ) -> Result<StoredRecording, StoreError> {
        self.read(|tx| draft(tx, uuid, "attach a recording"))?;
        let recording = self.take_in_recording(path, kind)?;
        self.link_submission_file(uuid, &recording.sha256, |tx| {
            photos::register_recording(tx, &recording)
        })?;
        Ok(recording)
    }

    /// Links the file `sha256`, written already, to draft `uuid` after `register` records
    /// it, in one transaction; when that fails, the file goes (unless another row holds it).
    fn link_submission_file(
        &self,
        uuid: Uuid,
        sha256: &str,
        register: impl FnOnce(&Transaction<'_>) -> Result<(), StoreError>,
    ) -> Result<(), StoreError> {
        let linked = self.write(|tx| {
            let s = draft(tx, uuid, "attach a file")?;
            register(tx)?;
            tx.prepare_cached("INSERT OR IGNORE INTO submission_photos (uuid, revision, sha256) VALUES (?1, ?2, ?3)")?
                .execute((Id(uuid), s.revision, sha256))?;
            Ok(())
        });
        if let Err(e) = linked {
            self.discard_photo_files(&[sha256.to_owned()])?;
            return Err(e);
        }
        Ok(())
    }

    /// Stores what the form session's `finalize` produced: the draft becomes finalized,
    /// is queued for sending and never changes again. The answers are checked again
    /// against the draft's own form version, and every photo they reference must have
    /// been attached.
    pub fn finalize(&self, submission: &Submission) -> Result<SubmissionInfo, StoreError> {
        let uuid = submission.instance_id;
        let s = self.read(|tx| draft(tx, uuid, "finalize"))?;
        same_form(&s, &submission.form_id, &submission.form_version)?;
        self.compiled_form(&s.form_id, &s.form_version)?
            .validate_data(&submission.data)
            .map_err(|problems| StoreError::Rejected { id: uuid, problems })?;
        let data =
            serde_json::to_string(&submission.data).map_err(|source| StoreError::Corrupt {
                what: "answers",
                source,
            })?;
        let (info, gone) = self.write(|tx| {
            let s = draft(tx, uuid, "finalize")?;
            same_form(&s, &submission.form_id, &submission.form_version)?;
            let attached: Vec<String> = tx
                .prepare_cached("SELECT sha256 FROM submission_photos WHERE uuid = ?1 AND revision = ?2")?
                .query_map((Id(uuid), s.revision), |r| r.get(0))?
                .collect::<Result<_, _>>()?;
            if let Some(missing) = submission.photos.iter().find(|p| !attached.contains(p)) {
                return Err(StoreError::not_found(RecordKind::Photo, missing));
            }
            let mut unlink = tx.prepare_cached("DELETE FROM submission_photos WHERE uuid = ?1 AND revision = ?2 AND sha256 = ?3")?;
            for sha in attached.iter().filter(|a| !submission.photos.contains(a)) {
                unlink.execute((Id(uuid), s.revision, sha))?;
            }
            let now = columns::now();
            tx.prepare_cached(
                "UPDATE submissions SET state = 'finalized', data = ?3, finalized_at = ?4, updated_at = ?5
                 WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, &data, Millis(columns::to_millis(submission.finalized_at)), Millis(now)))?;
            save_audit_log(tx, uuid, s.revision, &submission.audit)?;
            outbox::enqueue(tx, OutboxKind::Submission, uuid, s.revision)?;
            audit::log(tx, AuditAction::Finalized, RecordKind::Submission, uuid, s.revision, now)?;
            Ok((current(tx, uuid)?, photos::forget_unreferenced(tx)?))
        })?;
        self.discard_photo_files(&gone)?;
        Ok(info)
    }

    /// Starts editing finalized (or sent) submission `uuid`: a new draft revision with
    /// the answers and photos of the one it replaces (which stays as it was), reopened
    /// as a form session.
    pub fn edit_submission(&self, uuid: Uuid) -> Result<FormSession, StoreError> {
        let (info, state, log) = self.write(|tx| {
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
                                          updated_at, started_at, language, session, title)
                 SELECT uuid, ?3, form_id, form_version, household, 'draft', 1, ?4, ?4, started_at, language, session, title
                 FROM submissions WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, next, Millis(now)))?;
            tx.prepare_cached(
                "INSERT INTO submission_photos (uuid, revision, sha256)
                 SELECT uuid, ?3, sha256 FROM submission_photos WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, next))?;
            tx.prepare_cached(
                "INSERT INTO submission_audit_events (uuid, revision, seq, event)
                 SELECT uuid, ?3, seq, event FROM submission_audit_events WHERE uuid = ?1 AND revision = ?2",
            )?
            .execute((Id(uuid), s.revision, next))?;
            audit::log(tx, AuditAction::Edited, RecordKind::Submission, uuid, next, now)?;
            Ok((current(tx, uuid)?, saved_state(tx, uuid, next)?, audit_log(tx, uuid, next)?))
        })?;
        let form = self.compiled_form(&info.form_id, &info.form_version)?;
        Ok(FormSession::restore_logged(
            form,
            state,
            log,
            Clock::system(),
        )?)
    }

    /// Deletes draft `uuid` (an edit's draft: the finalized revision it would replace
    /// becomes current again). Photos nothing else references are removed.
    pub fn delete_draft(&self, uuid: Uuid) -> Result<(), StoreError> {
        let gone = self.write(|tx| {
            let s = draft(tx, uuid, "delete")?;
            tx.prepare_cached("DELETE FROM submissions WHERE uuid = ?1 AND revision = ?2")?
                .execute((Id(uuid), s.revision))?;
            if s.revision > 1 {
                tx.prepare_cached(
                    "UPDATE submissions SET current = 1 WHERE uuid = ?1 AND revision = ?2",
                )?
                .execute((Id(uuid), s.revision - 1))?;
            }
            audit::log(
                tx,
                AuditAction::Deleted,
                RecordKind::Submission,
                uuid,
                s.revision,
                columns::now(),
            )?;
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
    pub fn submission_data(
        &self,
        uuid: Uuid,
        revision: u32,
    ) -> Result<serde_json::Value, StoreError> {
        self.read(|tx| match wire(tx, uuid, revision)?.1 {
            RecordBody::Submission(body) => Ok(body.data),
            _ => Err(StoreError::not_found(RecordKind::Submission, uuid)),
        })
    }

    /// Submissions matching `filter` (newest revision of each), most recently changed first.
    pub fn list_submissions(
        &self,
        filter: &SubmissionFilter,
        window: Window,
    ) -> Result<Vec<SubmissionInfo>, StoreError> {
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
            let params = (
                &filter.form_id,
                filter.state.map(Key),
                filter.household.map(Id),
                window.sql_limit(),
                window.sql_offset(),
            );
            let rows = stmt.query_map(params, info)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// The visits to household `uuid` (submissions linked to it), newest first.
    pub fn household_visits(
        &self,
        uuid: Uuid,
        window: Window,
    ) -> Result<Vec<SubmissionInfo>, StoreError> {
        self.read(|tx| super::households::ensure_exists(tx, uuid))?;
        self.list_submissions(
            &SubmissionFilter {
                household: Some(uuid),
                ..SubmissionFilter::default()
            },
            window,
        )
    }

    /// How many submissions (of `form_id`, or all) are drafts, finalized and sent.
    pub fn submission_counts(&self, form_id: Option<&str>) -> Result<StateCounts, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT state, sum(n) FROM submission_counts WHERE ?1 IS NULL OR form_id = ?1 GROUP BY state",
            )?;
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
    use crate::engine::{Answer, SessionOptions};
    use crate::store::forms::tests::form_json;
    use crate::store::households::tests::input as household;
    use crate::store::photos::tests::{jpeg, write};
    use crate::store::testing::{count, store};
    use serde_json::json;

    fn setup() -> (tempfile::TempDir, Store) {
        let (dir, store) = store();
        store.add_form(&form_json("visit", "1"), None).unwrap();
        store.add_form(&form_json("visit", "2"), None).unwrap();
        (dir, store)
    }

    fn start(
        store: &Store,
        version: &str,
        household: Option<Uuid>,
    ) -> (SubmissionInfo, FormSession) {
        store
            .start_submission(
                "visit",
                version,
                household,
                &SessionOptions::new(columns::now()),
            )
            .unwrap()
    }

    fn text(s: &str) -> Answer {
        Answer::Text { value: s.into() }
    }

    /// Fills and finalizes a draft with the given head's name.
    fn fill(store: &Store, session: &mut FormSession, head: &str) -> SubmissionInfo {
        session.set_answer("head_name", text(head)).unwrap();
        store.save_draft(session).unwrap();
        let submission = session.finalize(columns::now()).unwrap();
        store.finalize(&submission).unwrap()
    }

    /// Every submission count kept by the triggers equals a count of the rows.
    fn counts_agree(store: &Store) {
        let kept = store.submission_counts(None).unwrap();
        let real = store
            .read(|tx| {
                let n = |state: &str| -> rusqlite::Result<u64> {
                    tx.query_row(
                        "SELECT count(*) FROM submissions WHERE current = 1 AND state = ?1",
                        [state],
                        |r| r.get::<_, i64>(0),
                    )
                    .map(i64::unsigned_abs)
                };
                Ok(StateCounts {
                    drafts: n("draft")?,
                    finalized: n("finalized")?,
                    sent: n("sent")?,
                })
            })
            .unwrap();
        assert_eq!(kept, real);
    }

    #[test]
    fn a_draft_autosaves_and_reopens_exactly_with_its_own_version() {
        let (_dir, store) = setup();
        let (info, mut session) = start(&store, "1", None);
        assert_eq!(
            (info.uuid, info.revision, info.state),
            (session.instance_id(), 1, RecordState::Draft)
        );
        session
            .set_answer("head_name", text("Giàng A Páo"))
            .unwrap();
        session.next().unwrap();
        session
            .set_answer("people", Answer::Integer { value: 5 })
            .unwrap();
        store.save_draft(&session).unwrap();
        assert_eq!(
            store.submission(info.uuid).unwrap().title.as_deref(),
            Some("Hộ Giàng A Páo"),
            "lists show its name"
        );

        // A newer version is published meanwhile; the draft still reopens with version 1.
        store.add_form(&form_json("visit", "3"), None).unwrap();
        let resumed = store.resume(info.uuid).unwrap();
        assert_eq!(
            resumed.state(),
            session.state(),
            "answers and current page come back exactly"
        );
        assert_eq!(resumed.form().form().version, "1");
        assert_eq!(store.submission(info.uuid).unwrap().form_version, "1");
    }

    #[test]
    fn finalize_queues_the_engines_submission_for_sending() {
        let (_dir, store) = setup();
        let (info, mut session) = start(&store, "1", None);
        let done = fill(&store, &mut session, "Giàng A Páo");
        assert_eq!(
            (done.state, done.finalized_at.is_some()),
            (RecordState::Finalized, true)
        );
        let items = store.outbox(10).unwrap();
        let record = items.iter().find(|i| i.record.uuid == info.uuid).unwrap();
        let RecordBody::Submission(body) = &record.record.body else {
            panic!("not a submission")
        };
        assert_eq!(
            (
                body.form_id.as_str(),
                body.form_version.as_str(),
                body.language.as_deref()
            ),
            ("visit", "1", None)
        );
        assert_eq!(body.data, json!({"head_name": "Giàng A Páo"}));
        assert_eq!(store.submission_data(info.uuid, 1).unwrap(), body.data);
        let actions: Vec<_> = store
            .audit_trail(info.uuid)
            .unwrap()
            .into_iter()
            .map(|e| e.body.action)
            .collect();
        assert_eq!(actions, vec![AuditAction::Created, AuditAction::Finalized]);
        store.mark_sent(info.uuid, 1).unwrap();
        assert_eq!(
            store.submission(info.uuid).unwrap().state,
            RecordState::Sent
        );
        counts_agree(&store);
    }

    #[test]
    fn bad_input_and_wrong_states_are_typed_errors_that_change_nothing() {
        let (_dir, store) = setup();
        let (info, mut session) = start(&store, "1", None);
        session
            .set_answer("head_name", text("Giàng A Páo"))
            .unwrap();
        let submission = session.finalize(columns::now()).unwrap();
        let tables = [
            "submissions",
            "outbox",
            "audit",
            "submission_photos",
            "submission_counts",
        ];
        let snapshot =
            |store: &Store| -> Vec<i64> { tables.iter().map(|t| count(store, t)).collect() };
        let before = snapshot(&store);
        let saved = store.read(|tx| saved_state(tx, info.uuid, 1)).unwrap();

        // A state or answers of another form version for this draft.
        let (other, mut v2) = start(&store, "2", None);
        store.delete_draft(other.uuid).unwrap();
        let before = (before, snapshot(&store));
        let mut foreign = v2.state();
        foreign.instance_id = info.uuid;
        let foreign =
            FormSession::restore(store.compiled_form("visit", "2").unwrap(), foreign).unwrap();
        assert!(matches!(
            store.save_draft(&foreign),
            Err(StoreError::FormMismatch { .. })
        ));
        v2.set_answer("head_name", text("X")).unwrap();
        let mut foreign = v2.finalize(columns::now()).unwrap();
        foreign.instance_id = info.uuid;
        assert!(matches!(
            store.finalize(&foreign),
            Err(StoreError::FormMismatch { .. })
        ));
        // Answers the draft's version does not accept.
        let wrong = Submission {
            data: json!({"people": "many"}),
            ..submission.clone()
        };
        assert!(
            matches!(store.finalize(&wrong), Err(StoreError::Rejected { id, .. }) if id == info.uuid)
        );
        // Unknown ids.
        let nobody = Submission {
            instance_id: Uuid::now_v7(),
            ..submission.clone()
        };
        assert!(matches!(
            store.finalize(&nobody),
            Err(StoreError::NotFound {
                kind: RecordKind::Submission,
                ..
            })
        ));
        assert!(matches!(
            store.resume(Uuid::now_v7()),
            Err(StoreError::NotFound { .. })
        ));
        assert!(matches!(
            store.edit_submission(Uuid::now_v7()),
            Err(StoreError::NotFound { .. })
        ));
        let options = SessionOptions::new(columns::now());
        assert!(matches!(
            store.start_submission("visit", "9", None, &options),
            Err(StoreError::NotFound {
                kind: RecordKind::Form,
                ..
            })
        ));
        assert!(matches!(
            store.start_submission("visit", "1", Some(Uuid::now_v7()), &options),
            Err(StoreError::NotFound {
                kind: RecordKind::Household,
                ..
            })
        ));
        let klingon = SessionOptions {
            language: Some("tlh".into()),
            ..options
        };
        assert!(matches!(
            store.start_submission("visit", "1", None, &klingon),
            Err(StoreError::Session(_))
        ));
        assert!(
            matches!(
                store.edit_submission(info.uuid),
                Err(StoreError::WrongState { .. })
            ),
            "a draft is not edited"
        );
        assert_eq!(before.1, snapshot(&store));
        assert_eq!(
            store.read(|tx| saved_state(tx, info.uuid, 1)).unwrap(),
            saved
        );

        // Finalizing twice: the second is refused.
        store.finalize(&submission).unwrap();
        let after_first = snapshot(&store);
        for (result, action) in [
            (store.finalize(&submission).map(drop), "finalize"),
            (store.save_draft(&session), "save"),
            (store.delete_draft(info.uuid), "delete"),
            (store.resume(info.uuid).map(drop), "reopen"),
        ] {
            match result {
                Err(StoreError::WrongState {
                    state, action: a, ..
                }) => assert_eq!((state.as_str(), a), ("finalized", action)),
                other => panic!("expected a wrong-state error for {action}, got {other:?}"),
            }
        }
        assert_eq!(after_first, snapshot(&store));
        counts_agree(&store);
    }

    #[test]
    fn an_edit_is_a_new_revision_and_deleting_it_restores_the_finalized_one() {
        let (_dir, store) = setup();
        let (info, mut session) = start(&store, "1", None);
        fill(&store, &mut session, "Giàng A Páo");
        let mut edit = store.edit_submission(info.uuid).unwrap();
        assert_eq!(
            edit.state().answers,
            session.state().answers,
            "the edit starts from the finalized answers"
        );
        let e = store.submission(info.uuid).unwrap();
        assert_eq!((e.revision, e.state), (2, RecordState::Draft));
        assert!(matches!(
            store.edit_submission(info.uuid),
            Err(StoreError::WrongState { .. })
        ));
        counts_agree(&store);
        store.delete_draft(info.uuid).unwrap();
        let back = store.submission(info.uuid).unwrap();
        assert_eq!((back.revision, back.state), (1, RecordState::Finalized));
        counts_agree(&store);

        edit = store.edit_submission(info.uuid).unwrap();
        fill(&store, &mut edit, "Giàng A Chá");
        assert_eq!(
            store.submission_data(info.uuid, 1).unwrap(),
            json!({"head_name": "Giàng A Páo"}),
            "revision 1 never changes"
        );
        assert_eq!(
            store.submission_data(info.uuid, 2).unwrap(),
            json!({"head_name": "Giàng A Chá"})
        );
        let queued: Vec<u32> = store
            .outbox(20)
            .unwrap()
            .iter()
            .filter(|i| i.record.uuid == info.uuid)
            .map(|i| i.record.revision)
            .collect();
        assert_eq!(queued, vec![1, 2]);
        let actions: Vec<_> = store
            .audit_trail(info.uuid)
            .unwrap()
            .into_iter()
            .map(|e| (e.body.action, e.body.target_revision))
            .collect();
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
        assert_eq!(
            store.submission_counts(None).unwrap(),
            StateCounts {
                drafts: 0,
                finalized: 1,
                sent: 0
            }
        );
        counts_agree(&store);
    }

    #[test]
    fn photos_keep_only_what_the_answers_reference_and_go_with_a_deleted_draft() {
        let (dir, store) = setup();
        let (info, mut session) = start(&store, "1", None);
        let first = store
            .attach_submission_photo(
                info.uuid,
                &write(dir.path(), "a.jpg", &jpeg(90, 60, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        session
            .set_answer(
                "house",
                Answer::Photo {
                    sha256: first.sha256.clone(),
                },
            )
            .unwrap();
        // She takes the photo again: the answer now names the second one.
        let second = store
            .attach_submission_photo(
                info.uuid,
                &write(dir.path(), "b.jpg", &jpeg(80, 60, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        session
            .set_answer(
                "house",
                Answer::Photo {
                    sha256: second.sha256.clone(),
                },
            )
            .unwrap();
        fill(&store, &mut session, "Giàng A Páo");
        assert!(store.photo_bytes(&second.sha256).is_ok());
        assert!(
            matches!(
                store.photo_bytes(&first.sha256),
                Err(StoreError::NotFound { .. })
            ),
            "the replaced photo is gone"
        );
        assert!(!store.photos.file(&first.sha256).exists());
        let pending: Vec<_> = store
            .pending_photos()
            .unwrap()
            .into_iter()
            .map(|p| p.sha256)
            .collect();
        assert_eq!(pending, vec![second.sha256.clone()]);
        let items = store.outbox(10).unwrap();
        let RecordBody::Submission(body) = &items
            .iter()
            .find(|i| i.record.uuid == info.uuid)
            .unwrap()
            .record
            .body
        else {
            panic!("not a submission")
        };
        assert_eq!(
            body.photos,
            vec![PhotoRef {
                sha256: second.sha256.clone(),
                bytes: second.bytes
            }]
        );

        // A finalize naming a photo that was never attached is refused.
        let (other, mut s2) = start(&store, "1", None);
        s2.set_answer("head_name", text("X")).unwrap();
        let mut sub = s2.finalize(columns::now()).unwrap();
        sub.photos.push("feedbeef".into());
        assert!(matches!(
            store.finalize(&sub),
            Err(StoreError::NotFound {
                kind: RecordKind::Photo,
                ..
            })
        ));
        let p = store
            .attach_submission_photo(
                other.uuid,
                &write(dir.path(), "c.jpg", &jpeg(70, 60, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        let file = store.photos.file(&p.sha256);
        assert!(file.exists());
        store.delete_draft(other.uuid).unwrap();
        assert!(
            !file.exists(),
            "a photo referenced by nothing is cleaned up"
        );
        assert!(matches!(
            store.submission(other.uuid),
            Err(StoreError::NotFound { .. })
        ));
    }

    #[test]
    fn lists_filter_by_form_state_and_household_newest_first() {
        let (_dir, store) = setup();
        let h = store.create_household(&household("Giàng A Páo")).unwrap();
        let pause = || std::thread::sleep(std::time::Duration::from_millis(2));
        let (a, mut sa) = start(&store, "1", Some(h.uuid));
        pause();
        let (b, sb) = start(&store, "2", None);
        pause();
        let (c, _) = start(&store, "2", Some(h.uuid));
        pause();
        fill(&store, &mut sa, "A");
        pause();
        store.save_draft(&sb).unwrap();
        let uuids = |f: SubmissionFilter| -> Vec<Uuid> {
            store
                .list_submissions(&f, Window::first(10))
                .unwrap()
                .into_iter()
                .map(|s| s.uuid)
                .collect()
        };
        assert_eq!(
            uuids(SubmissionFilter::default()),
            vec![b.uuid, a.uuid, c.uuid]
        );
        assert_eq!(
            uuids(SubmissionFilter {
                state: Some(RecordState::Draft),
                ..Default::default()
            }),
            vec![b.uuid, c.uuid]
        );
        assert_eq!(
            uuids(SubmissionFilter {
                form_id: Some("other".into()),
                ..Default::default()
            }),
            Vec::<Uuid>::new()
        );
        let visits: Vec<Uuid> = store
            .household_visits(h.uuid, Window::first(10))
            .unwrap()
            .into_iter()
            .map(|s| s.uuid)
            .collect();
        assert_eq!(visits, vec![a.uuid, c.uuid]);
        assert!(matches!(
            store.household_visits(Uuid::now_v7(), Window::first(1)),
            Err(StoreError::NotFound { .. })
        ));
        assert_eq!(
            store
                .list_submissions(
                    &SubmissionFilter::default(),
                    Window {
                        offset: 1,
                        limit: 1
                    }
                )
                .unwrap()[0]
                .uuid,
            a.uuid
        );
        assert_eq!(
            store.submission_counts(Some("visit")).unwrap(),
            StateCounts {
                drafts: 2,
                finalized: 1,
                sent: 0
            }
        );
        assert_eq!(
            store.submission_counts(Some("other")).unwrap(),
            StateCounts::default()
        );
        counts_agree(&store);
    }
}

#[cfg(test)]
mod audit_tests {
    use super::*;
    use crate::engine::{Answer, AuditEventKind as K};
    use crate::form::{Field, FieldKind, Form, MetaKind, Node, Source, Texts};
    use crate::store::forms::tests::form_json;
    use crate::store::testing::{count, store};

    /// The test form with an `audit` field tracking changes.
    fn audited_form() -> String {
        let mut form = Form::from_json(&form_json("audited", "1")).unwrap();
        let mut audit = Field::new(
            "audit",
            FieldKind::Meta(MetaKind::Audit),
            Texts::default(),
            Source::default(),
        );
        audit
            .parameters
            .insert("track-changes".into(), "true".into());
        form.body.insert(0, Node::Field(Box::new(audit)));
        form.to_json()
    }

    fn kinds(log: &[AuditEvent]) -> Vec<K> {
        log.iter().map(|e| e.event).collect()
    }

    #[test]
    fn the_audit_log_is_kept_with_the_draft_across_a_reopen_and_sent_with_the_submission() {
        let (dir, store) = store();
        store.add_form(&audited_form(), None).unwrap();
        let (info, mut s) = store
            .start_submission("audited", "1", None, &SessionOptions::new(columns::now()))
            .unwrap();
        s.set_answer(
            "head_name",
            Answer::Text {
                value: "Lò Thị Mai".into(),
            },
        )
        .unwrap();
        store.save_draft(&s).unwrap();
        s.next().unwrap();
        store.save_draft(&s).unwrap();
        s.exit();
        store.save_draft(&s).unwrap();
        let saved = s.audit_log().to_vec();
        assert_eq!(
            kinds(&saved),
            [
                K::FormStart,
                K::Question,
                K::Question,
                K::FormSave,
                K::FormExit
            ]
        );
        assert_eq!(saved[1].old_value.as_deref(), Some(""));
        assert_eq!(saved[1].new_value.as_deref(), Some("Lò Thị Mai"));
        drop(s);
        drop(store);

        // The app restarts: the log comes back from the file and goes on.
        let store = Store::open(&dir.path().join("test.db"), None).unwrap();
        let mut s = store.resume(info.uuid).unwrap();
        assert_eq!(&s.audit_log()[..saved.len()], &saved[..]);
        assert_eq!(s.audit_log()[saved.len()].event, K::FormResume);
        s.next().unwrap();
        s.next().unwrap();
        store.save_draft(&s).unwrap();
        // Saving twice adds nothing twice.
        store.save_draft(&s).unwrap();
        assert_eq!(
            count(&store, "submission_audit_events"),
            s.audit_log().len() as i64
        );
        let submission = s.finalize(columns::now()).unwrap();
        store.finalize(&submission).unwrap();
        let sent = match wire_of(&store, info.uuid, 1) {
            RecordBody::Submission(body) => body.audit,
            _ => unreachable!(),
        };
        assert_eq!(sent, submission.audit);
        assert_eq!(
            kinds(&sent[saved.len()..]),
            [
                K::FormResume,
                K::Question,
                K::Question,
                K::EndScreen,
                K::FormSave,
                K::FormExit,
                K::FormFinalize
            ]
        );

        // An edit goes on from the log of the revision it replaces; deleting the edit's
        // draft drops only its own copy.
        let edit = store.edit_submission(info.uuid).unwrap();
        assert_eq!(&edit.audit_log()[..sent.len()], &sent[..]);
        assert_eq!(edit.audit_log()[sent.len()].event, K::FormResume);
        store.delete_draft(info.uuid).unwrap();
        assert_eq!(count(&store, "submission_audit_events"), sent.len() as i64);
    }

    fn wire_of(store: &Store, uuid: Uuid, revision: u32) -> RecordBody {
        store.read(|tx| Ok(wire(tx, uuid, revision)?.1)).unwrap()
    }
}

#[cfg(test)]
mod last_saved_tests {
    use std::time::Duration;

    use super::*;
    use crate::engine::Answer;
    use crate::form::{Field, FieldKind, Form, Node, Source, Texts};
    use crate::store::forms::tests::form_json;
    use crate::store::testing::store;

    /// The visit form with a `village` that starts as the last saved record's.
    fn walk_form(id: &str, version: &str) -> String {
        let mut form = Form::from_json(&form_json(id, version)).unwrap();
        let mut village = Field::new(
            "village",
            FieldKind::Text,
            Texts([(String::new(), "Village".to_string())].into()),
            Source::default(),
        );
        village.default = Some("${last-saved#village}".into());
        form.body.insert(0, Node::Field(Box::new(village)));
        form.to_json()
    }

    fn start(store: &Store, id: &str, version: &str) -> FormSession {
        store
            .start_submission(id, version, None, &SessionOptions::new(columns::now()))
            .unwrap()
            .1
    }

    fn village(session: &FormSession) -> Option<String> {
        session.state().answers.values.get("village").cloned()
    }

    /// Answers `village` and autosaves, a moment after whatever was saved before (saved
    /// times are in milliseconds).
    fn save_village(store: &Store, session: &mut FormSession, name: &str) {
        std::thread::sleep(Duration::from_millis(3));
        session
            .set_answer("village", Answer::Text { value: name.into() })
            .unwrap();
        store.save_draft(session).unwrap();
    }

    #[test]
    fn a_new_record_starts_from_the_last_saved_record_of_its_form() {
        let (_dir, store) = store();
        for (id, version) in [("walk", "1"), ("walk", "2"), ("other", "1")] {
            store.add_form(&walk_form(id, version), None).unwrap();
        }
        // The first record of the form has none.
        let mut first = start(&store, "walk", "1");
        assert_eq!(village(&first), None);
        // A draft counts as soon as she saved an answer in it.
        save_village(&store, &mut first, "Bản Phùng");
        let mut second = start(&store, "walk", "1");
        assert_eq!(village(&second).as_deref(), Some("Bản Phùng"));
        // A record opened and left without an answer is passed over; so are the records
        // of other forms.
        let mut other = start(&store, "other", "1");
        save_village(&store, &mut other, "Sà Phìn");
        assert_eq!(
            village(&start(&store, "walk", "1")).as_deref(),
            Some("Bản Phùng")
        );
        // The record saved last, finalized or not, of any version of the form.
        second
            .set_answer(
                "head_name",
                Answer::Text {
                    value: "Giàng A Páo".into(),
                },
            )
            .unwrap();
        save_village(&store, &mut second, "Bản Mồ");
        let submission = second.finalize(columns::now()).unwrap();
        store.finalize(&submission).unwrap();
        let third = start(&store, "walk", "2");
        assert_eq!(village(&third).as_deref(), Some("Bản Mồ"));
        // Saving the older draft again makes it the last saved one.
        save_village(&store, &mut first, "Tả Van");
        let fourth = start(&store, "walk", "1");
        assert_eq!(village(&fourth).as_deref(), Some("Tả Van"));
        // A reopened draft reads what it was started with, whatever was saved since.
        let reopened = store.resume(third.instance_id()).unwrap();
        assert_eq!(reopened.state().last_saved["village"], "Bản Mồ");
    }
}
