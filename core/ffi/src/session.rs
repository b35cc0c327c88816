//! [`SurveySession`]: one survey being filled, page by page. It wraps the engine's form
//! session and saves the draft after every change (answer, photo, move, repeat,
//! language), so a phone that dies mid-survey reopens it on the same page with every
//! answer. Finalizing stores the submission and queues it for sending.

use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use chrono::Utc;
use uuid::Uuid;

use crate::{Branchbook, BranchbookError};
use branchbook_core::engine::{
    Answer, AuditLocationRequest, FinalizeProblem, FormSession, GeoPoint, JumpTarget, PickerFields,
    Screen, ScreenUpdate, SessionError, offered_language,
};
use branchbook_core::ffi_time::UtcDateTime;
use branchbook_core::form::{Field, Language};
use branchbook_core::protocol::FileKind;
use branchbook_core::store::{PhotoOptions, Store, StoreError, SubmissionInfo};

/// A survey being filled. Every intent (an answer, a keystroke in a box, a tick, a
/// move) is saved with the draft before the call returns: the autosave policy of both
/// apps. Get one from [`Branchbook::start_survey`],
/// [`Branchbook::resume_survey`] or [`Branchbook::edit_submission`]; close it when the
/// form screen goes away (the draft is already saved). Calls from several threads are
/// taken one at a time.
#[derive(uniffi::Object)]
pub struct SurveySession {
    store: Arc<Store>,
    id: Uuid,
    filling: Mutex<Filling>,
}

impl std::fmt::Debug for SurveySession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SurveySession")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

/// Where a session is: still being filled, or finalized (then it only answers with
/// [`BranchbookError::WrongState`]).
enum Filling {
    Open(Box<FormSession>),
    Finalized,
}

/// The answer to "next": whether the session moved, and the page it is on now. When it
/// did not move, the page shows on its questions what must be fixed first.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct PageTurn {
    /// True when the session went to the next page.
    pub moved: bool,
    /// The page to show now.
    pub screen: Screen,
}

/// What finalizing did.
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum FinalizeOutcome {
    /// The submission is stored, queued for sending and can no longer change (an edit
    /// makes a new revision); the session is finished.
    Finalized {
        /// The stored submission.
        submission: SubmissionInfo,
    },
    /// Answers are missing or wrong: nothing was stored, the session stays open. Show
    /// the list; each problem's `question` is the path to `jump` to.
    NeedsAttention {
        /// Every problem, in the form's order.
        problems: Vec<FinalizeProblem>,
    },
}

#[uniffi::export]
impl Branchbook {
    /// Starts a new survey with form `form_id` (at `version`, or its newest offered version),
    /// optionally as a visit to household `household_id`, with labels in her
    /// `preferred_language` (a name like "Tiếng Việt (vi)" or its code "vi", as the
    /// settings keep it) when the form is written in it, else in the form's default
    /// (`None` too). The draft is saved at once. A version the server retired starts no
    /// new survey ([`BranchbookError::WrongState`]); its drafts go on.
    pub fn start_survey(
        &self,
        form_id: String,
        version: Option<String>,
        household_id: Option<Uuid>,
        preferred_language: Option<String>,
    ) -> Result<Arc<SurveySession>, BranchbookError> {
        let form = self.form_info(&form_id, version.as_deref())?;
        if form.retired {
            return Err(BranchbookError::WrongState {
                reason: format!(
                    "form {} version {} is retired: it starts no new survey",
                    form.form_id, form.version
                ),
            });
        }
        let compiled = self.store.compiled_form(&form.form_id, &form.version)?;
        let language = preferred_language.and_then(|p| offered_language(compiled.form(), &p));
        let options = self.session_options(language)?;
        let (info, session) =
            self.store
                .start_submission(&form.form_id, &form.version, household_id, &options)?;
        Ok(SurveySession::new(&self.store, info.uuid, session))
    }

    /// Reopens draft `submission_id` exactly where it was left.
    pub fn resume_survey(
        &self,
        submission_id: Uuid,
    ) -> Result<Arc<SurveySession>, BranchbookError> {
        let session = self.store.resume(submission_id)?;
        Ok(SurveySession::new(&self.store, submission_id, session))
    }

    /// Starts changing finalized (or sent) submission `submission_id`: a new draft
    /// revision with the same answers; the finalized one stays as it was until this one
    /// is finalized (deleting the draft abandons the edit).
    pub fn edit_submission(
        &self,
        submission_id: Uuid,
    ) -> Result<Arc<SurveySession>, BranchbookError> {
        let session = self.store.edit_submission(submission_id)?;
        Ok(SurveySession::new(&self.store, submission_id, session))
    }
}

#[uniffi::export]
impl SurveySession {
    /// The submission's id (the same for all its revisions).
    pub fn submission_id(&self) -> Uuid {
        self.id
    }

    /// The submission as lists show it (form, household, state, revision, title).
    pub fn submission(&self) -> Result<SubmissionInfo, BranchbookError> {
        Ok(self.store.submission(self.id)?)
    }

    /// The bytes of file `name` of the form this survey is filled with: a label's
    /// picture or recording as a question's `media` names it.
    pub fn form_file(&self, name: String) -> Result<Vec<u8>, BranchbookError> {
        let info = self.store.submission(self.id)?;
        Ok(self
            .store
            .form_file(&info.form_id, &info.form_version, &name)?)
    }

    /// The current page.
    pub fn screen(&self) -> Result<Screen, BranchbookError> {
        self.with_open(|s| Ok(s.screen()))
    }

    /// Answers question `question` (a path from the screen, e.g. `member[2]/member_age`)
    /// and saves the draft. An answer a constraint refuses is kept and shown with the
    /// form's message in the question's `error`; the page cannot be left until it is
    /// fixed. Returns what changed on the page.
    pub fn set_answer(
        &self,
        question: String,
        answer: Answer,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.set_answer(&question, answer)?))
    }

    /// Answers text or number question `question` with the text exactly as she typed
    /// it, and saves the draft: the core reads numbers (a decimal comma or point), an
    /// emptied box clears the answer, and text that is not a number is refused with
    /// [`BranchbookError::InvalidInput`] (nothing changes; show the error under the
    /// question and keep her text in the box). Call it on every change of the box: every
    /// intent is saved at once, so nothing typed is lost if the phone dies.
    pub fn type_answer(
        &self,
        question: String,
        text: String,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.type_answer(&question, &text)?))
    }

    /// Answers date, time or date-and-time question `question` with the picker's fields
    /// as she picked them, and saves the draft: the core reads them on Vietnam's clock
    /// (a date-and-time is stored as its instant in UTC). A day the calendar does not have
    /// is refused with [`BranchbookError::InvalidInput`] and changes nothing.
    pub fn pick(
        &self,
        question: String,
        fields: PickerFields,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.pick(&question, fields)?))
    }

    /// Ticks choice `choice` of select_multiple question `question`, or unticks it when
    /// it was chosen, and saves the draft. The answer keeps the form's order of choices
    /// whatever the order of the taps.
    pub fn toggle_choice(
        &self,
        question: String,
        choice: String,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.toggle_choice(&question, &choice)?))
    }

    /// Moves the item at place `from` of rank question `question`'s order as shown (its
    /// `choices`, from 0) to place `to`, and saves the whole order as her answer; `from`
    /// equal to `to` keeps the order shown as her answer ([`rank_view`]'s keep button).
    /// A place outside the list is refused with [`BranchbookError::InvalidInput`].
    ///
    /// [`rank_view`]: crate::text::rank_view
    pub fn move_rank_item(
        &self,
        question: String,
        from: u32,
        to: u32,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.move_rank_item(&question, from, to)?))
    }

    /// Whether the form records where the phone was when it was opened
    /// (`start-geopoint`) and wants that location now: ask the phone for a fix, as for a
    /// GPS question, and pass it to [`SurveySession::set_start_location`]. When no fix
    /// comes, do nothing: the field stays empty and nothing is blocked.
    pub fn wants_start_location(&self) -> Result<bool, BranchbookError> {
        self.with_open(|s| Ok(s.wants_start_location()))
    }

    /// Records the location the phone gave when the form was opened (once: a location
    /// already recorded is kept) and saves the draft.
    pub fn set_start_location(&self, at: GeoPoint) -> Result<(), BranchbookError> {
        self.change(|s| Ok(s.set_start_location(at)?))
    }

    /// How to ask the phone for locations while this form is open, when its `audit`
    /// asks for them (`location-priority`, `location-min-interval`, `location-max-age`);
    /// `None` for other forms. Ask at that priority and interval while the form screen
    /// shows, handing every fix to [`SurveySession::note_audit_location`]; stop when it
    /// goes away. Without permission or fixes the log simply carries no location.
    pub fn audit_location_request(&self) -> Result<Option<AuditLocationRequest>, BranchbookError> {
        self.with_open(|s| Ok(s.audit_location_request()))
    }

    /// A location fix the phone took at `taken_at` (accuracy in metres), kept for the
    /// audit log's next events; the draft is saved with the next event. A position off
    /// Earth or a negative accuracy is refused with [`BranchbookError::InvalidInput`].
    pub fn note_audit_location(
        &self,
        latitude: f64,
        longitude: f64,
        accuracy: f64,
        taken_at: UtcDateTime,
    ) -> Result<(), BranchbookError> {
        self.with_open(|s| Ok(s.note_audit_location(latitude, longitude, accuracy, taken_at)?))
    }

    /// Adds the position the phone gave as the next point of line or shape question
    /// `question` (`geotrace`, `geoshape`) and saves the draft: ask for a fix as for a
    /// GPS question when she taps the add button of [`geo_line_view`]. The question shows
    /// what it still needs until the line is complete (2 different points; 3 for a shape,
    /// which the core closes). A position off Earth is refused with
    /// [`BranchbookError::InvalidInput`] and changes nothing.
    ///
    /// [`geo_line_view`]: crate::text::geo_line_view
    pub fn add_line_point(
        &self,
        question: String,
        at: GeoPoint,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.add_line_point(&question, at)?))
    }

    /// Takes back the last point of line or shape question `question` and saves the
    /// draft (removing the only one clears the answer; all of them: `clear_answer`).
    pub fn remove_last_line_point(
        &self,
        question: String,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.remove_last_line_point(&question)?))
    }

    /// Removes the answer to `question` and saves the draft.
    pub fn clear_answer(&self, question: String) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| Ok(s.clear_answer(&question)?))
    }

    /// Takes in the photo the camera wrote at `file_path` (JPEG or PNG; downsized as
    /// the question asks, location data removed) as the answer to image question
    /// `question`, and saves the draft. The file can be deleted afterwards.
    pub fn attach_photo(
        &self,
        question: String,
        file_path: String,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| {
            let options = photo_options(s, &question);
            let photo =
                self.store
                    .attach_submission_photo(self.id, Path::new(&file_path), options)?;
            Ok(s.set_answer(
                &question,
                Answer::Photo {
                    sha256: photo.sha256,
                },
            )?)
        })
    }

    /// Takes in the recording the phone's recorder wrote at `file_path` as the answer
    /// to sound (`audio`) or video question `question`, and saves the draft. The file
    /// is checked by its first bytes (sound: AMR, AAC/MP4, 3GP, Ogg, WAV, MP3, WebM;
    /// video: MP4, 3GP, WebM) and its size (20 MB of sound, 100 MB of video), then kept
    /// as recorded, read a segment at a time; it can be deleted afterwards.
    pub fn attach_recording(
        &self,
        question: String,
        file_path: String,
    ) -> Result<ScreenUpdate, BranchbookError> {
        self.change(|s| {
            let kind = question_field(s, &question)
                .and_then(|f| FileKind::of(&f.kind))
                .filter(|k| *k != FileKind::Image);
            let Some(kind) = kind else {
                // Not a recording question: the engine says why (unknown, wrong type).
                return Ok(s.set_answer(
                    &question,
                    Answer::Recording {
                        sha256: String::new(),
                    },
                )?);
            };
            let recording =
                self.store
                    .attach_submission_recording(self.id, Path::new(&file_path), kind)?;
            Ok(s.set_answer(
                &question,
                Answer::Recording {
                    sha256: recording.sha256,
                },
            )?)
        })
    }

    /// Goes to the next page, unless a question of this page has a missing required or
    /// refused answer: then it stays, and the page shows the errors.
    pub fn next(&self) -> Result<PageTurn, BranchbookError> {
        self.change(|s| {
            let moved = match s.next() {
                Ok(()) => true,
                Err(SessionError::PageIncomplete { .. }) => false,
                Err(e) => return Err(e.into()),
            };
            Ok(PageTurn {
                moved,
                screen: s.screen(),
            })
        })
    }

    /// Goes back one page (answers stay as they are).
    pub fn back(&self) -> Result<Screen, BranchbookError> {
        self.change(|s| {
            s.back()?;
            Ok(s.screen())
        })
    }

    /// Goes to the page of a question (a path from [`SurveySession::jump_targets`] or a
    /// finalize problem) or to the first page of a repeat instance (`member[2]`).
    pub fn jump(&self, path: String) -> Result<Screen, BranchbookError> {
        self.change(|s| {
            s.jump(&path)?;
            Ok(s.screen())
        })
    }

    /// Every question shown now, in order, with whether it is answered: the jump list.
    pub fn jump_targets(&self) -> Result<Vec<JumpTarget>, BranchbookError> {
        self.with_open(|s| Ok(s.jump_targets()))
    }

    /// Adds an entry at the end of the repeat at `path` (from the repeat prompt page)
    /// and goes to its first page.
    pub fn add_repeat(&self, path: String) -> Result<Screen, BranchbookError> {
        self.change(|s| {
            s.add_repeat(&path)?;
            Ok(s.screen())
        })
    }

    /// Removes the repeat entry at `path` (the screen's `removable_entry`) with its
    /// answers; later entries move up.
    pub fn remove_repeat(&self, path: String) -> Result<Screen, BranchbookError> {
        self.change(|s| {
            s.remove_repeat(&path)?;
            Ok(s.screen())
        })
    }

    /// The label language in use (as the form names it; "" for a form without languages).
    pub fn language(&self) -> Result<String, BranchbookError> {
        self.with_open(|s| Ok(s.language().to_owned()))
    }

    /// The languages the form is written in.
    pub fn languages(&self) -> Result<Vec<Language>, BranchbookError> {
        self.with_open(|s| Ok(s.form().form().languages.clone()))
    }

    /// Switches the label language (name, code or name without code) and saves it with
    /// the draft.
    pub fn set_language(&self, language: String) -> Result<Screen, BranchbookError> {
        self.change(|s| {
            s.set_language(&language)?;
            Ok(s.screen())
        })
    }

    /// Finalizes: when every answer is acceptable the submission is stored and queued
    /// (and this session is finished), else nothing is stored and the problems are
    /// listed.
    pub fn finalize(&self) -> Result<FinalizeOutcome, BranchbookError> {
        let mut filling = self.lock();
        let Filling::Open(session) = &mut *filling else {
            return Err(finished());
        };
        let submission = match session.finalize(Utc::now()) {
            Ok(submission) => submission,
            Err(problems) => return Ok(FinalizeOutcome::NeedsAttention { problems }),
        };
        match self.store.finalize(&submission) {
            Ok(submission) => {
                *filling = Filling::Finalized;
                Ok(FinalizeOutcome::Finalized { submission })
            }
            Err(StoreError::Rejected { problems, .. }) => {
                Ok(FinalizeOutcome::NeedsAttention { problems })
            }
            Err(e) => Err(e.into()),
        }
    }
}

impl SurveySession {
    fn new(store: &Arc<Store>, id: Uuid, session: FormSession) -> Arc<SurveySession> {
        Arc::new(SurveySession {
            store: Arc::clone(store),
            id,
            filling: Mutex::new(Filling::Open(Box::new(session))),
        })
    }

    fn lock(&self) -> MutexGuard<'_, Filling> {
        // A panic cannot happen while the lock is held (the facade has none), and the
        // session would still be whole: the engine changes it only after checking.
        self.filling.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Runs `f` on the open session.
    fn with_open<T>(
        &self,
        f: impl FnOnce(&mut FormSession) -> Result<T, BranchbookError>,
    ) -> Result<T, BranchbookError> {
        match &mut *self.lock() {
            Filling::Open(session) => f(session),
            Filling::Finalized => Err(finished()),
        }
    }

    /// Runs `f` on the open session, then saves the draft. Should the save fail, the
    /// error is returned and the next successful save (it writes the whole draft)
    /// catches up.
    fn change<T>(
        &self,
        f: impl FnOnce(&mut FormSession) -> Result<T, BranchbookError>,
    ) -> Result<T, BranchbookError> {
        self.with_open(|s| {
            let out = f(s)?;
            self.store.save_draft(s)?;
            Ok(out)
        })
    }
}

/// The form screen went away (the app let go of the session): for a form with an audit
/// log, she left the form, and the log says so with the draft. Nothing else changes,
/// and a draft that can no longer be saved (deleted meanwhile) is left as it is.
impl Drop for SurveySession {
    fn drop(&mut self) {
        let filling = self
            .filling
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner);
        if let Filling::Open(session) = filling
            && !session.audit_log().is_empty()
        {
            session.exit();
            // No caller is left to tell: the draft as last saved stays.
            let _ = self.store.save_draft(session);
        }
    }
}

fn finished() -> BranchbookError {
    BranchbookError::wrong_state(
        "this survey is finalized: open it again with edit_submission to change it",
    )
}

/// How the photo for image question `question` is stored: the question's `max-pixels`
/// parameter, else the default size.
fn photo_options(session: &FormSession, question: &str) -> PhotoOptions {
    question_field(session, question)
        .map(PhotoOptions::for_field)
        .unwrap_or_default()
}

/// The field behind a question's path (`members[2]/photo` is field `photo`).
fn question_field<'a>(session: &'a FormSession, question: &str) -> Option<&'a Field> {
    let name = question.rsplit('/').next().unwrap_or(question);
    let name = name.split('[').next().unwrap_or(name);
    session
        .form()
        .form()
        .fields()
        .into_iter()
        .find(|f| f.name == name)
}
