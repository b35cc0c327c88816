//! The form session a UI drives: it holds the answers, says what the current page shows,
//! takes answers, moves between pages, adds and removes repeat instances, saves and
//! restores drafts exactly, and finalizes into a submission.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset, Offset, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::expr::{self, dates};
use crate::ffi_time::UtcDateTime;
use crate::form::{FieldKind, MetaKind};

use super::answer::{Answer, Misfit, PickerFields, Unpicked, Untyped, to_stored};
use super::audit_location::{AuditLocationRequest, Fixes};
use super::audit_log::{AuditEvent, AuditEventKind, Clock, Open, Recorder, millis};
use super::compile::{CompiledForm, NodeId};
use super::error::{FinalizeProblem, SessionError};
use super::instance::{Instance, MetaValues, ROOT, ScopeId, World, local_today};
use super::lang::Lang;
use super::last_saved::{self, LastSaved};
use super::nav::{Pages, Pos};
use super::screen::{AnswerUpdate, JumpTarget, Page, Question, QuestionKind, Screen, ScreenUpdate};
use super::submission::{Submission, submission_data};
use super::view::{Choices, View};

/// Vietnam's offset from UTC, the default zone for `today()` and times of day.
pub const VIETNAM_UTC_OFFSET_MINUTES: i32 = 7 * 60;

/// What the date, time or date-and-time picker of `question` starts on, on Vietnam's
/// clock (the clock sessions read picks on and answers are shown on): its answer, else
/// `now`.
pub fn picker_start(question: &Question, now: UtcDateTime) -> PickerFields {
    PickerFields::start(
        question.value.as_ref(),
        now,
        zone(VIETNAM_UTC_OFFSET_MINUTES),
    )
}

/// How a session starts: language, clock, and the values of metadata fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SessionOptions {
    /// Label language (name, code or name without code); None: the form's default.
    pub language: Option<String>,
    /// When filling starts (`start` metadata, `now()`, `today()`).
    pub now: UtcDateTime,
    /// The `deviceid` metadata value.
    pub device_id: String,
    /// The `username` metadata value.
    pub username: String,
    /// The user's offset from UTC in minutes, which decides what day `today()` is.
    pub utc_offset_minutes: i32,
}

impl SessionOptions {
    /// Options with the form's default language, no device or user names, Vietnam's zone.
    pub fn new(now: DateTime<Utc>) -> SessionOptions {
        SessionOptions {
            language: None,
            now,
            device_id: String::new(),
            username: String::new(),
            utc_offset_minutes: VIETNAM_UTC_OFFSET_MINUTES,
        }
    }
}

/// A draft as saved by the store after every answer; [`FormSession::restore`] brings it
/// back exactly (answers, repeat instances, current page, language, start time).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SessionState {
    /// The form's id.
    pub form_id: String,
    /// The form's version.
    pub form_version: String,
    /// The submission's id, fixed when filling starts (so finalizing twice cannot make two).
    pub instance_id: Uuid,
    /// When filling started.
    pub started_at: DateTime<Utc>,
    /// The chosen language's name ("" for the form's default).
    pub language: String,
    /// The `deviceid` metadata value.
    pub device_id: String,
    /// The `username` metadata value.
    pub username: String,
    /// The user's offset from UTC in minutes.
    pub utc_offset_minutes: i32,
    /// The answers, including those of questions that do not apply now (they come back
    /// if the question applies again) and computed values.
    pub answers: SavedScope,
    /// The current page.
    pub position: SavedPosition,
    /// Whether the current page shows missing required answers as errors.
    pub show_required: bool,
    /// The form was opened and nothing answered yet: where it was opened may still be
    /// recorded (`start-geopoint`).
    #[serde(default)]
    pub start_location_pending: bool,
    /// The values of the last saved record of the form that the form reads with
    /// `${last-saved#name}`, by field name, as they were when this record was started:
    /// a reopened draft computes as it did.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub last_saved: BTreeMap<String, String>,
}

/// The answers of one scope (the form, or one repeat instance).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedScope {
    /// Non-empty values by field name, as stored text.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
    /// Instances by repeat name.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub repeats: BTreeMap<String, Vec<SavedScope>>,
}

/// The current page of a saved draft.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "at", rename_all = "snake_case")]
pub enum SavedPosition {
    /// A page, by the path of its question, group or repeat instance.
    Page {
        /// The path.
        path: String,
    },
    /// The prompt to add another instance of the repeat at this path.
    RepeatPrompt {
        /// The repeat's path.
        path: String,
    },
    /// The end of the form.
    End,
}

/// A form being filled.
#[derive(Debug)]
pub struct FormSession {
    form: Arc<CompiledForm>,
    inst: Instance,
    lang: Lang,
    meta: MetaValues,
    offset: FixedOffset,
    utc_offset_minutes: i32,
    instance_id: Uuid,
    started_at: DateTime<Utc>,
    now: DateTime<Utc>,
    pos: Pos,
    show_required: bool,
    /// The audit log, when the form has an `audit` field.
    audit: Option<Recorder>,
    /// Where the audit log's times come from.
    clock: Clock,
    /// The form was opened and nothing answered yet: its `start-geopoint` may still be
    /// taken (saved with the draft, so the screen that reopens a new draft asks too).
    start_pending: bool,
    /// What `${last-saved#name}` reads.
    last_saved: LastSaved,
}

/// The evaluation world of a session, borrowing only the fields it needs (so the
/// instance can be changed at the same time).
macro_rules! world {
    ($s:ident) => {
        World {
            form: &$s.form,
            now: $s.now,
            offset: $s.offset,
            lang: &$s.lang,
            meta: &$s.meta,
            last_saved: &$s.last_saved,
        }
    };
}

mod audit_location;
mod geo_line;
pub(crate) mod rank;
mod start_location;

impl FormSession {
    /// Starts filling a form. An unknown language falls back to the form's default (use
    /// [`FormSession::open`] to be told instead).
    pub fn new(
        form: Arc<CompiledForm>,
        language: Option<String>,
        now: DateTime<Utc>,
    ) -> FormSession {
        let lang = Lang::resolve(form.form(), language.as_deref())
            .unwrap_or_else(|_| Lang::fallback(form.form()));
        let options = SessionOptions {
            language,
            ..SessionOptions::new(now)
        };
        FormSession::start(form, &options, lang, LastSaved::new())
    }

    /// Starts filling a form with all options.
    pub fn open(
        form: Arc<CompiledForm>,
        options: &SessionOptions,
    ) -> Result<FormSession, SessionError> {
        FormSession::open_with(form, options, LastSaved::new())
    }

    /// [`FormSession::open`] for a new record that follows another of the same form:
    /// `${last-saved#name}` reads `last_saved`, that record's answers as saved (of any
    /// version of the form: a field it does not have reads as empty).
    pub fn open_after(
        form: Arc<CompiledForm>,
        options: &SessionOptions,
        last_saved: &SavedScope,
    ) -> Result<FormSession, SessionError> {
        let values = last_saved::read(&form, last_saved);
        FormSession::open_with(form, options, values)
    }

    fn open_with(
        form: Arc<CompiledForm>,
        options: &SessionOptions,
        last_saved: LastSaved,
    ) -> Result<FormSession, SessionError> {
        let lang = Lang::resolve(form.form(), options.language.as_deref())
            .map_err(|language| SessionError::UnknownLanguage { language })?;
        Ok(FormSession::start(form, options, lang, last_saved))
    }

    fn start(
        form: Arc<CompiledForm>,
        options: &SessionOptions,
        lang: Lang,
        last_saved: LastSaved,
    ) -> FormSession {
        let mut s = FormSession::assemble(form, lang, options, Uuid::now_v7(), options.now);
        s.last_saved = last_saved;
        s.inst = Instance::fresh(&world!(s));
        s.pos = s.pages().first();
        let at = millis(options.now);
        s.log(AuditEventKind::FormStart, None, at);
        s.log_location_tracking(at);
        s.audit_page(at);
        s.start_pending = true;
        s
    }

    /// A session with no answers yet, started at `options.now`, with `now` as its clock.
    fn assemble(
        form: Arc<CompiledForm>,
        lang: Lang,
        options: &SessionOptions,
        instance_id: Uuid,
        now: DateTime<Utc>,
    ) -> FormSession {
        let offset = zone(options.utc_offset_minutes);
        let meta = MetaValues {
            start: dates::format_iso_datetime(options.now),
            today: local_today(options.now, offset),
            device_id: options.device_id.clone(),
            username: options.username.clone(),
        };
        let audit = recorder(&form, &options.username);
        FormSession {
            inst: Instance::empty(&form),
            audit,
            lang,
            meta,
            offset,
            utc_offset_minutes: options.utc_offset_minutes,
            instance_id,
            started_at: options.now,
            now,
            pos: Pos::End,
            show_required: false,
            clock: Clock::system(),
            form,
            start_pending: false,
            last_saved: LastSaved::new(),
        }
    }

    /// Brings a saved draft back exactly as it was.
    pub fn restore(
        form: Arc<CompiledForm>,
        state: SessionState,
    ) -> Result<FormSession, SessionError> {
        FormSession::restore_logged(form, state, Vec::new(), Clock::system())
    }

    /// [`FormSession::restore`] for a form with an audit log: the log recorded so far
    /// (the store keeps it beside the draft), and the clock its next events read (a
    /// `form resume` first).
    pub fn restore_logged(
        form: Arc<CompiledForm>,
        state: SessionState,
        log: Vec<AuditEvent>,
        clock: Clock,
    ) -> Result<FormSession, SessionError> {
        let now = clock.now();
        let mut s = FormSession::restore_at(form, state, now)?;
        s.clock = clock;
        if let Some(r) = &mut s.audit {
            r.log = log;
        }
        s.log(AuditEventKind::FormResume, None, now);
        s.log_location_tracking(now);
        s.audit_page(now);
        Ok(s)
    }

    /// [`FormSession::restore`] with the clock given (for `now()`/`today()` in calculations).
    pub(crate) fn restore_at(
        form: Arc<CompiledForm>,
        state: SessionState,
        now: DateTime<Utc>,
    ) -> Result<FormSession, SessionError> {
        let f = form.form();
        if f.id != state.form_id || f.version != state.form_version {
            return Err(SessionError::FormMismatch {
                expected: format!("{} version {}", f.id, f.version),
                found: format!("{} version {}", state.form_id, state.form_version),
            });
        }
        let lang = Lang::resolve(f, Some(&state.language)).unwrap_or_else(|_| Lang::fallback(f));
        let options = SessionOptions {
            language: Some(state.language.clone()),
            now: state.started_at,
            device_id: state.device_id.clone(),
            username: state.username.clone(),
            utc_offset_minutes: state.utc_offset_minutes,
        };
        let mut s = FormSession::assemble(form, lang, &options, state.instance_id, now);
        s.last_saved = state.last_saved;
        load_scope(&s.form, &mut s.inst, &state.answers, ROOT)
            .map_err(|reason| SessionError::BadState { reason })?;
        s.show_required = state.show_required;
        s.start_pending = state.start_location_pending;
        s.inst.recompute_all(&world!(s));
        s.pos = s
            .position_from(&state.position)
            .ok_or_else(|| SessionError::BadState {
                reason: format!("the saved page {:?} is not in the form", state.position),
            })?;
        Ok(s)
    }

    /// The draft as the store saves it.
    pub fn state(&self) -> SessionState {
        let pages = self.pages();
        let position = match self.pos {
            Pos::Page { node, scope } => SavedPosition::Page {
                path: pages.path(node, scope),
            },
            Pos::Prompt { repeat, scope } => SavedPosition::RepeatPrompt {
                path: pages.path(repeat, scope),
            },
            Pos::End => SavedPosition::End,
        };
        SessionState {
            form_id: self.form.form().id.clone(),
            form_version: self.form.form().version.clone(),
            instance_id: self.instance_id,
            started_at: self.started_at,
            language: self.lang.name.clone(),
            device_id: self.meta.device_id.clone(),
            username: self.meta.username.clone(),
            utc_offset_minutes: self.utc_offset_minutes,
            answers: save_scope(&self.form, &self.inst, ROOT),
            position,
            show_required: self.show_required,
            start_location_pending: self.start_pending,
            last_saved: self.last_saved.clone(),
        }
    }

    /// The compiled form being filled.
    pub fn form(&self) -> &Arc<CompiledForm> {
        &self.form
    }

    /// The id the submission will have.
    pub fn instance_id(&self) -> Uuid {
        self.instance_id
    }

    /// The chosen language's name as the form writes it ("" when the form has none).
    pub fn language(&self) -> &str {
        &self.lang.name
    }

    /// Switches the label language.
    pub fn set_language(&mut self, language: &str) -> Result<(), SessionError> {
        self.lang = Lang::resolve(self.form.form(), Some(language))
            .map_err(|language| SessionError::UnknownLanguage { language })?;
        Ok(())
    }

    /// The filled form's name from the settings' `instance_name` (e.g. the household
    /// head's name), for lists of drafts.
    pub fn instance_name(&self) -> Option<String> {
        self.inst.instance_name(&world!(self))
    }

    /// How many computed items have been evaluated since the session started.
    #[cfg(test)]
    pub(crate) fn evaluations(&self) -> u64 {
        self.inst.evaluated
    }

    fn pages(&self) -> Pages<'_> {
        Pages {
            form: &self.form,
            inst: &self.inst,
        }
    }

    /// The current page.
    pub fn screen(&self) -> Screen {
        let world = world!(self);
        let view = View {
            world: &world,
            inst: &self.inst,
        };
        let pages = self.pages();
        let (page, title, appearance) = match self.pos {
            Pos::Page { node, scope } if self.form.node(node).field().is_none() => (
                Page::Questions,
                Some(view.label(node, scope)).filter(|t| !t.is_empty()),
                self.form.node(node).appearance.clone(),
            ),
            Pos::Page { .. } => (Page::Questions, None, None),
            Pos::Prompt { repeat, scope } => {
                let prompt = Page::RepeatPrompt {
                    path: pages.path(repeat, scope),
                    label: view.label(repeat, scope),
                    count: self.inst.instances(&self.form, repeat, scope).len() as u32,
                };
                (prompt, None, None)
            }
            Pos::End => (Page::End, None, None),
        };
        Screen {
            page,
            title,
            appearance,
            questions: self.page_questions(&view),
            breadcrumbs: view.breadcrumbs(self.pos),
            can_go_back: pages.back(self.pos).is_some(),
            can_go_next: self.pos != Pos::End,
            progress_percent: self.progress(),
            removable_entry: self.removable_entry(),
        }
    }

    /// The repeat entry the current page shows (`member[2]`), when she may remove it.
    fn removable_entry(&self) -> Option<String> {
        let Pos::Page { scope, .. } = self.pos else {
            return None;
        };
        let repeat = self.inst.scope(scope).repeat.filter(|_| scope != ROOT)?;
        let counted = self
            .form
            .node(repeat)
            .repeat()
            .is_some_and(|r| r.count.is_some());
        (!counted).then(|| self.pages().path(repeat, scope))
    }

    fn page_questions(&self, view: &View<'_>) -> Vec<Question> {
        let shown = self.pages().questions(self.pos);
        // Sized at once: a question is large, and a growing page would ask the allocator
        // for more than a page needs.
        let mut out = Vec::with_capacity(shown.len());
        out.extend(
            shown
                .into_iter()
                .filter_map(|(n, s)| view.question(n, s, self.show_required)),
        );
        out
    }

    fn progress(&self) -> u8 {
        let total = self.form.question_total;
        let done = match self.pos {
            Pos::Page { node, .. } => self.form.node(node).ordinal,
            Pos::Prompt { repeat, .. } => {
                let n = self.form.node(repeat);
                n.ordinal + n.size
            }
            Pos::End => total,
        };
        if total == 0 {
            100
        } else {
            (u64::from(done.min(total)) * 100 / u64::from(total)) as u8
        }
    }

    /// Answers a question (any question shown now, usually one on the current page).
    /// Returns what changed on the current page.
    #[inline(never)] // a call of its own for core/benches/javarosa/callgrind.sh to count
    pub fn set_answer(
        &mut self,
        question: &str,
        answer: Answer,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s) = self.answerable(question)?;
        self.answer_at(n, s, question, answer)
    }

    /// [`FormSession::set_answer`] for question `n` of scope `s`, already resolved from
    /// path `question` (named in errors) and found answerable.
    fn answer_at(
        &mut self,
        n: NodeId,
        s: ScopeId,
        question: &str,
        answer: Answer,
    ) -> Result<ScreenUpdate, SessionError> {
        let node = self.form.node(n);
        let Some(f) = node.field() else {
            return Err(SessionError::UnknownQuestion {
                question: question.into(),
            });
        };
        let stored = to_stored(&f.kind, answer).map_err(|m| match m {
            Misfit::WrongType { expected, given } => SessionError::WrongType {
                question: question.into(),
                expected: expected.into(),
                given: given.into(),
            },
            Misfit::Invalid(reason) => SessionError::InvalidValue {
                question: question.into(),
                reason,
            },
            Misfit::NotAnswerable => SessionError::ReadOnly {
                question: question.into(),
            },
        })?;
        if f.kind.choice_list().is_some() {
            let world = world!(self);
            let view = View {
                world: &world,
                inst: &self.inst,
            };
            let bad = if matches!(f.kind, FieldKind::SelectOne { .. }) {
                // One name, trimmed by `to_stored` (empty: the answer is cleared).
                Some(stored.as_str()).filter(|c| !c.is_empty() && !view.offers(n, s, c))
            } else {
                stored.split_whitespace().find(|c| !view.offers(n, s, c))
            };
            if let Some(bad) = bad {
                return Err(SessionError::UnknownChoice {
                    question: question.into(),
                    choice: bad.into(),
                });
            }
            if matches!(f.kind, FieldKind::Rank { .. }) {
                let offered = view.choices(n, s);
                if !rank::ranks_all(&stored, &offered) {
                    return Err(SessionError::InvalidValue {
                        question: question.into(),
                        reason: format!(
                            "a ranking puts all {} choices in order, not {}",
                            offered.len(),
                            stored.split_whitespace().count()
                        ),
                    });
                }
            }
            if matches!(f.kind, FieldKind::SelectMultiple { .. }) {
                // One canonical order, the form's: the same choices make the same
                // answer whatever order they were tapped in.
                // The offered choices keep the list's order ("other" of `or_other` last).
                let list = f.list.map(|l| &self.form.lists[l as usize].choices);
                let mut names: Vec<&str> = stored.split_whitespace().collect();
                names.sort_by_key(|c| {
                    list.and_then(|l| l.iter().position(|o| o.name == *c))
                        .unwrap_or(usize::MAX)
                });
                let canonical = names.join(" ");
                return Ok(self.change(n, s, canonical, Choices::Checked));
            }
        }
        Ok(self.change(n, s, stored, Choices::Checked))
    }

    /// Removes a question's answer.
    pub fn clear_answer(&mut self, question: &str) -> Result<ScreenUpdate, SessionError> {
        let (n, s) = self.answerable(question)?;
        Ok(self.change(n, s, String::new(), Choices::Unchecked))
    }

    /// Answers a text or number question with the text as she typed it: an empty box
    /// clears the answer, a number may be written with a decimal comma ("1,5") or point,
    /// and text that is not a number (or too large, "1e999") is refused with
    /// [`SessionError::NotANumber`] and changes nothing.
    pub fn type_answer(
        &mut self,
        question: &str,
        text: &str,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s, kind) = self.question_kind(question)?;
        match Answer::typed(kind, text) {
            Ok(Some(answer)) => self.answer_at(n, s, question, answer),
            Ok(None) => Ok(self.change(n, s, String::new(), Choices::Unchecked)),
            Err(untyped) => Err(match untyped {
                Untyped::NotANumber(expected) => SessionError::NotANumber {
                    question: question.into(),
                    expected: expected.into(),
                },
                Untyped::NotTyped => SessionError::WrongType {
                    question: question.into(),
                    expected: "a tap or a pick, not typing".into(),
                    given: "typed text".into(),
                },
            }),
        }
    }

    /// Answers a date, time or date-and-time question with what she picked, read on the
    /// session's clock (Vietnam's): a date keeps the day, a time the hour and minute, a
    /// date and time is stored as its instant in UTC. A day the calendar does not have
    /// is refused with [`SessionError::InvalidValue`] and changes nothing.
    pub fn pick(
        &mut self,
        question: &str,
        fields: PickerFields,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s, kind) = self.question_kind(question)?;
        match Answer::picked(kind, fields, self.offset) {
            Ok(answer) => self.answer_at(n, s, question, answer),
            Err(Unpicked::Impossible(reason)) => Err(SessionError::InvalidValue {
                question: question.into(),
                reason,
            }),
            Err(Unpicked::NotPicked) => Err(SessionError::WrongType {
                question: question.into(),
                expected: "typing or a tap, not a date or time".into(),
                given: "a picked date or time".into(),
            }),
        }
    }

    /// Ticks choice `choice` of a select_multiple question, or unticks it when it was
    /// chosen; unticking the last one clears the answer. The answer keeps the form's
    /// order of choices whatever the order of the taps.
    pub fn toggle_choice(
        &mut self,
        question: &str,
        choice: &str,
    ) -> Result<ScreenUpdate, SessionError> {
        let (n, s) = self.answerable(question)?;
        if !matches!(
            self.form.node(n).field().map(|f| &f.kind),
            Some(FieldKind::SelectMultiple { .. })
        ) {
            return Err(SessionError::WrongType {
                question: question.into(),
                expected: "several choices".into(),
                given: "a choice to tick".into(),
            });
        }
        let current = self.inst.value(&self.form, n, s);
        let mut names: Vec<String> = current
            .split_whitespace()
            .filter(|c| *c != choice)
            .map(str::to_owned)
            .collect();
        if names.len() == current.split_whitespace().count() {
            names.push(choice.to_owned());
        }
        if names.is_empty() {
            Ok(self.change(n, s, String::new(), Choices::Unchecked))
        } else {
            self.answer_at(n, s, question, Answer::Choices { names })
        }
    }

    /// Question `question` (shown, answerable) and the kind of input it takes.
    fn question_kind(
        &self,
        question: &str,
    ) -> Result<(NodeId, ScopeId, QuestionKind), SessionError> {
        let (n, s) = self.answerable(question)?;
        let kind = self
            .form
            .node(n)
            .field()
            .and_then(|f| super::view::question_kind(&f.kind))
            .ok_or_else(|| SessionError::ReadOnly {
                question: question.into(),
            })?;
        Ok((n, s, kind))
    }

    /// A shown, writable question by path.
    fn answerable(&self, question: &str) -> Result<(NodeId, ScopeId), SessionError> {
        let unknown = || SessionError::UnknownQuestion {
            question: question.into(),
        };
        let (n, s, instance) = self.pages().resolve(question).ok_or_else(unknown)?;
        let node = self.form.node(n);
        let Some(f) = node.field().filter(|_| !instance) else {
            return Err(unknown());
        };
        if !self.pages().shows(n, s) {
            return Err(SessionError::NotShown {
                question: question.into(),
            });
        }
        let read_only = f.calculation.is_some()
            || matches!(f.kind, FieldKind::Note)
            || f.read_only.as_ref().is_some_and(|e| {
                let world = world!(self);
                expr::eval(e, &self.inst.ctx(&world, s, Some(n))).to_bool()
            });
        if read_only {
            return Err(SessionError::ReadOnly {
                question: question.into(),
            });
        }
        Ok((n, s))
    }

    /// Stores a value and reports what changed on the current page. Only the questions
    /// the answer can change (see [`super::affects`]) and the ones that appear are
    /// looked at; of those whose label, hint, flags and choices cannot change, only the
    /// answer and message are rendered. The rest of the page is left as it shows.
    /// `choices` tells whether `value`'s choices were just found offered.
    fn change(&mut self, n: NodeId, s: ScopeId, value: String, choices: Choices) -> ScreenUpdate {
        // Once she answers, she may have moved on from where the form was opened.
        self.start_pending = false;
        if self.inst.slot(&self.form, n, s).value == value {
            return ScreenUpdate {
                changed: Vec::new(),
                answers: Vec::new(),
                hidden: Vec::new(),
                order: None,
                moved: false,
            };
        }
        // An answer to a question of another page may change anything on this one.
        let on_page = self.pages().page_of(n, s) == self.pos;
        let form = Arc::clone(&self.form);
        let effects = &form.node(n).effects;
        // When the page cannot show other questions after the answer, only those the
        // answer can change are looked at, before and after (the others are `Same`).
        let reshapes = !on_page || effects.reshapes || !(effects.redraws(n) || effects.patches(n));
        let answered = [(n, s)];
        let before: Cow<'_, [(NodeId, ScopeId)]> = if reshapes {
            Cow::Owned(self.pages().questions(self.pos))
        } else if effects.only(n) && self.pages().shows(n, s) {
            // Nothing but the answered question to look at (most answers): no Vec.
            Cow::Borrowed(&answered)
        } else {
            let pages = self.pages();
            Cow::Owned(
                effects
                    .touched()
                    .filter(|&q| pages.shows(q, s))
                    .map(|q| (q, s))
                    .collect(),
            )
        };
        let shows = |q: NodeId| {
            if !on_page || effects.redraws(q) {
                Shows::Whole
            } else if effects.patches(q) {
                Shows::Answer
            } else if q == n {
                // Not worked out for it (not a question): draw it whole.
                Shows::Whole
            } else {
                Shows::Same
            }
        };
        // As they show now, the questions that may change, by their place in `before`
        // (none, and nothing allocated, when only the answered question's value changes).
        let mut old: Vec<(usize, Shown)> = Vec::new();
        {
            let world = world!(self);
            let view = View {
                world: &world,
                inst: &self.inst,
            };
            for (i, &(q, qs)) in before.iter().enumerate() {
                let shown = match shows(q) {
                    Shows::Whole => view.question(q, qs, self.show_required).map(Shown::Whole),
                    // The answered question's value changes: nothing to compare with.
                    Shows::Answer if (q, qs) == (n, s) => None,
                    Shows::Answer => Some(Shown::Answer(view.answer(q, qs, self.show_required))),
                    Shows::Same => None,
                };
                old.extend(shown.map(|sh| (i, sh)));
            }
        }
        self.inst.answer(&world!(self), n, s, value);
        let moved = self.settle();
        if moved {
            self.audit_page(self.clock.now());
        }
        let questions_now;
        let after: &[(NodeId, ScopeId)] = if reshapes {
            questions_now = self.pages().questions(self.pos);
            &questions_now
        } else {
            &before
        };
        let world = world!(self);
        let view = View {
            world: &world,
            inst: &self.inst,
        };
        let (mut changed, mut answers) = (Vec::new(), Vec::new());
        for &(q, qs) in after {
            let was = before.iter().position(|&b| b == (q, qs)).filter(|_| !moved);
            let old = was
                .and_then(|i| old.iter().find(|(o, _)| *o == i))
                .map(|(_, sh)| sh);
            let how = match was {
                None => Shows::Whole,
                Some(_) => shows(q),
            };
            match how {
                Shows::Whole => {
                    if let Some(now) = view.question(q, qs, self.show_required)
                        && !matches!(old, Some(Shown::Whole(o)) if *o == now)
                    {
                        changed.push(now);
                    }
                }
                Shows::Answer => {
                    let checked = if (q, qs) == (n, s) {
                        choices
                    } else {
                        Choices::Unchecked
                    };
                    let now = view.answer_after(q, qs, self.show_required, checked);
                    if !matches!(old, Some(Shown::Answer(o)) if *o == now) {
                        answers.push(now);
                    }
                }
                Shows::Same => {}
            }
        }
        // Without a reshape the page shows the same questions in the same order.
        let (hidden, order) = if reshapes {
            let gone: Vec<(NodeId, ScopeId)> = before
                .iter()
                .copied()
                .filter(|b| !after.contains(b))
                .collect();
            (
                self.paths(&gone),
                (*after != *before).then(|| self.paths(after)),
            )
        } else {
            (Vec::new(), None)
        };
        ScreenUpdate {
            changed,
            answers,
            hidden,
            order,
            moved,
        }
    }

    /// The paths of questions (for a page: all in one scope).
    fn paths(&self, questions: &[(NodeId, ScopeId)]) -> Vec<String> {
        let pages = self.pages();
        questions.iter().map(|&(q, qs)| pages.path(q, qs)).collect()
    }

    /// Moves off a page whose repeat instance was removed (by `remove_repeat`, or by a
    /// `repeat_count` that went down): to the instance that took its place, else the
    /// repeat's prompt, else what follows the repeat. Returns whether it moved.
    fn settle(&mut self) -> bool {
        let mut dead = match self.pos {
            Pos::Page { scope, .. } | Pos::Prompt { scope, .. }
                if !self.inst.scope(scope).alive =>
            {
                scope
            }
            _ => return false,
        };
        // Climb to the removed instance whose parent still exists.
        while !self.inst.scope(self.inst.scope(dead).parent).alive {
            dead = self.inst.scope(dead).parent;
        }
        let gone = self.inst.scope(dead);
        let (parent, index) = (gone.parent, gone.index as usize);
        let Some(r) = gone.repeat else { return false };
        let pages = self.pages();
        let counted = self
            .form
            .node(r)
            .repeat()
            .is_some_and(|rep| rep.count.is_some());
        self.pos = match self
            .inst
            .instances(&self.form, r, parent)
            .get(index.saturating_sub(1))
        {
            Some(&next) => pages.enter_instance(r, next),
            None if counted => pages.after(r, parent),
            None => Pos::Prompt {
                repeat: r,
                scope: parent,
            },
        };
        self.show_required = false;
        true
    }

    /// Moves to the next page. Refused (with the errors shown on the page) while a
    /// question of the current page has an unacceptable or missing required answer.
    #[allow(clippy::should_implement_trait)] // `next` is the UI's word, not an iterator's
    pub fn next(&mut self) -> Result<(), SessionError> {
        if self.pos == Pos::End {
            return Err(SessionError::AtEnd);
        }
        let world = world!(self);
        let view = View {
            world: &world,
            inst: &self.inst,
        };
        let errors = self
            .pages()
            .questions(self.pos)
            .into_iter()
            .filter(|&(n, s)| view.error(n, s, true).is_some());
        let count = errors.count() as u32;
        if count > 0 {
            self.show_required = true;
            return Err(SessionError::PageIncomplete { count });
        }
        self.pos = self.pages().next(self.pos);
        self.show_required = false;
        self.audit_page(self.clock.now());
        Ok(())
    }

    /// Moves to the previous page (answers are kept as they are).
    pub fn back(&mut self) -> Result<(), SessionError> {
        self.pos = self.pages().back(self.pos).ok_or(SessionError::AtStart)?;
        self.show_required = false;
        self.audit_page(self.clock.now());
        Ok(())
    }

    /// Moves to the page of a question (`members[2]/age`) or the first page of a repeat
    /// instance (`members[2]`).
    pub fn jump(&mut self, path: &str) -> Result<(), SessionError> {
        let pages = self.pages();
        let (n, s, instance) =
            pages
                .resolve(path)
                .ok_or_else(|| SessionError::UnknownQuestion {
                    question: path.into(),
                })?;
        let pos = if instance {
            pages.enter_instance(n, s)
        } else if pages.shows(n, s) {
            pages.page_of(n, s)
        } else {
            return Err(SessionError::NotShown {
                question: path.into(),
            });
        };
        self.pos = pos;
        self.show_required = false;
        let now = self.clock.now();
        self.close_page(now);
        self.log(AuditEventKind::Jump, Some(path.to_owned()), now);
        self.audit_page(now);
        Ok(())
    }

    /// Every question shown now, in order, for a "jump to" list.
    pub fn jump_targets(&self) -> Vec<JumpTarget> {
        let world = world!(self);
        let view = View {
            world: &world,
            inst: &self.inst,
        };
        let pages = self.pages();
        let mut out = Vec::new();
        for pos in pages.all() {
            let section = view
                .breadcrumbs(pos)
                .into_iter()
                .map(|b| b.text)
                .collect::<Vec<_>>()
                .join(" › ");
            for (n, s) in pages.questions(pos) {
                out.push(JumpTarget {
                    path: pages.path(n, s),
                    label: view.label(n, s),
                    section: section.clone(),
                    answered: !self.inst.value(&self.form, n, s).is_empty(),
                    current: pos == self.pos,
                });
            }
        }
        out
    }

    /// Adds an instance at the end of the repeat at `path` (`members`, or
    /// `households[1]/members` when nested) and moves to its first page. Takes the same
    /// time however many instances exist.
    pub fn add_repeat(&mut self, path: &str) -> Result<(), SessionError> {
        let not_repeat = || SessionError::NotARepeat { path: path.into() };
        let (r, parent, instance) = self.pages().resolve(path).ok_or_else(not_repeat)?;
        let rep = self
            .form
            .node(r)
            .repeat()
            .filter(|_| !instance)
            .ok_or_else(not_repeat)?;
        if rep.count.is_some() {
            return Err(SessionError::CountedRepeat {
                repeat: self.form.node(r).name.clone(),
            });
        }
        if !self.inst.slot(&self.form, r, parent).relevant {
            return Err(SessionError::NotShown {
                question: path.into(),
            });
        }
        let new = self.inst.add_instance(&world!(self), r, parent);
        self.pos = self.pages().enter_instance(r, new);
        self.show_required = false;
        self.audit_page(self.clock.now());
        Ok(())
    }

    /// Removes the repeat instance at `path` (`members[2]`); later instances move up.
    pub fn remove_repeat(&mut self, path: &str) -> Result<(), SessionError> {
        let not_repeat = || SessionError::NotARepeat { path: path.into() };
        let (r, inst, instance) = self.pages().resolve(path).ok_or_else(not_repeat)?;
        if !instance {
            return Err(not_repeat());
        }
        if self
            .form
            .node(r)
            .repeat()
            .is_some_and(|rep| rep.count.is_some())
        {
            return Err(SessionError::CountedRepeat {
                repeat: self.form.node(r).name.clone(),
            });
        }
        let scope = self.inst.scope(inst);
        let (parent, index) = (scope.parent, scope.index as usize - 1);
        let now = self.clock.now();
        self.close_page(now);
        self.log(AuditEventKind::DeleteRepeat, Some(path.to_owned()), now);
        self.inst.remove_instance(&world!(self), r, parent, index);
        self.settle();
        self.audit_page(now);
        Ok(())
    }

    /// Checks every answer; if all is well, fills the `end` metadata and returns the
    /// submission, else every problem (with where to jump to fix it).
    pub fn finalize(&mut self, now: DateTime<Utc>) -> Result<Submission, Vec<FinalizeProblem>> {
        self.now = now;
        let problems = View {
            world: &world!(self),
            inst: &self.inst,
        }
        .all_problems();
        if !problems.is_empty() {
            self.log(AuditEventKind::ConstraintError, None, self.clock.now());
            return Err(problems);
        }
        self.inst.fill_end(&world!(self), now);
        let at = millis(now);
        self.close_page(at);
        for event in [
            AuditEventKind::FormSave,
            AuditEventKind::FormExit,
            AuditEventKind::FormFinalize,
        ] {
            self.log(event, None, at);
        }
        let (data, photos) = submission_data(&self.form, &self.inst);
        Ok(Submission {
            instance_id: self.instance_id,
            form_id: self.form.form().id.clone(),
            form_version: self.form.form().version.clone(),
            started_at: self.started_at,
            finalized_at: now,
            language: self.lang.name.clone(),
            data,
            photos,
            audit: self.audit_log().to_vec(),
        })
    }

    /// The audit log recorded so far (empty when the form has no `audit` field): the
    /// events that are over; those of the page showing are added when it is left.
    pub fn audit_log(&self) -> &[AuditEvent] {
        self.audit.as_ref().map_or(&[], |r| &r.log)
    }

    /// Sets the clock the audit log reads (tests; the system clock otherwise).
    pub fn set_clock(&mut self, clock: Clock) {
        self.clock = clock;
    }

    /// She leaves the form (the draft stays): the events of the page showing end, and
    /// the log says the form was saved and left. Moving on afterwards shows the page again.
    pub fn exit(&mut self) {
        let now = self.clock.now();
        self.close_page(now);
        self.log(AuditEventKind::FormSave, None, now);
        self.log(AuditEventKind::FormExit, None, now);
    }

    /// Adds an event that happens at one time.
    fn log(&mut self, event: AuditEventKind, node: Option<String>, at: DateTime<Utc>) {
        if let Some(r) = &mut self.audit {
            r.push(event, node, at, None, None);
        }
    }

    /// When the page showing is not the one the log has open: ends the open events at
    /// `at` and opens those of the page now showing.
    fn audit_page(&mut self, at: DateTime<Utc>) {
        if self
            .audit
            .as_ref()
            .is_none_or(|r| r.shown == Some(self.pos))
        {
            return;
        }
        self.close_page(at);
        let pages = self.pages();
        let mut open = Vec::new();
        let question = |n: NodeId, s: ScopeId| Open {
            event: AuditEventKind::Question,
            node: pages.path(n, s),
            start: at,
            before: Some(self.inst.value(&self.form, n, s).to_owned()),
            at: Some((n, s)),
        };
        match self.pos {
            Pos::Page { node, scope } => {
                if self.form.node(node).field().is_none() {
                    open.push(Open {
                        event: AuditEventKind::GroupQuestions,
                        node: pages.path(node, scope),
                        start: at,
                        before: None,
                        at: None,
                    });
                }
                for (n, s) in pages.questions(self.pos) {
                    open.push(question(n, s));
                }
            }
            Pos::Prompt { repeat, scope } => open.push(Open {
                event: AuditEventKind::AddRepeat,
                node: pages.path(repeat, scope),
                start: at,
                before: None,
                at: None,
            }),
            Pos::End => open.push(Open {
                event: AuditEventKind::EndScreen,
                node: String::new(),
                start: at,
                before: None,
                at: None,
            }),
        }
        if let Some(r) = &mut self.audit {
            r.open = open;
            r.shown = Some(self.pos);
        }
    }

    /// Ends the events of the page showing at `at`: a question's carries its old and
    /// new answer when it changed and the form tracks changes.
    fn close_page(&mut self, at: DateTime<Utc>) {
        let Some(r) = &mut self.audit else { return };
        r.shown = None;
        for open in std::mem::take(&mut r.open) {
            let change = match (r.track_changes, open.before, open.at) {
                (true, Some(before), Some((n, s))) => {
                    let after = if self.inst.scope(s).alive {
                        self.inst.value(&self.form, n, s)
                    } else {
                        ""
                    };
                    (before != after).then(|| (before, after.to_owned()))
                }
                _ => None,
            };
            let node = Some(open.node).filter(|n| !n.is_empty());
            r.push(open.event, node, open.start, Some(at), change);
        }
    }

    fn position_from(&self, saved: &SavedPosition) -> Option<Pos> {
        let pages = self.pages();
        match saved {
            SavedPosition::End => Some(Pos::End),
            SavedPosition::Page { path } => {
                let (node, scope, _) = pages.resolve(path)?;
                Some(Pos::Page { node, scope })
            }
            SavedPosition::RepeatPrompt { path } => {
                let (repeat, scope, instance) = pages.resolve(path)?;
                (!instance && self.form.node(repeat).repeat().is_some())
                    .then_some(Pos::Prompt { repeat, scope })
            }
        }
    }
}

/// The audit recorder of a session of `form`, when it has an `audit` field: its
/// `track-changes` and `identify-user` parameters read (`user` names her then).
fn recorder(form: &CompiledForm, user: &str) -> Option<Recorder> {
    let fields = form.form().fields();
    let audit = fields
        .iter()
        .find(|f| f.kind == FieldKind::Meta(MetaKind::Audit))?;
    let on = |key: &str| {
        audit
            .parameters
            .get(key)
            .is_some_and(|v| matches!(v.trim().to_lowercase().as_str(), "true" | "yes"))
    };
    Some(Recorder {
        track_changes: on("track-changes"),
        user: on("identify-user").then(|| user.to_owned()),
        log: Vec::new(),
        open: Vec::new(),
        shown: None,
        fixes: AuditLocationRequest::from_audit(audit).map(Fixes::new),
    })
}

/// A zone offset from minutes (clamped to what clocks use: UTC-18:00..UTC+18:00).
pub(crate) fn zone(minutes: i32) -> FixedOffset {
    FixedOffset::east_opt(minutes.clamp(-18 * 60, 18 * 60) * 60).unwrap_or(Utc.fix())
}

/// The saved answers of a scope and the instances below it.
fn save_scope(form: &CompiledForm, inst: &Instance, scope: ScopeId) -> SavedScope {
    let mut out = SavedScope::default();
    let kind = inst.scope(scope).repeat;
    for &n in form.layout(kind) {
        let node = form.node(n);
        let slot = inst.slot(form, n, scope);
        if node.field().is_some() && !slot.value.is_empty() {
            out.values.insert(node.seg.clone(), slot.value.clone());
        } else if node.repeat().is_some() && !slot.instances.is_empty() {
            let saved = slot
                .instances
                .iter()
                .map(|&i| save_scope(form, inst, i))
                .collect();
            out.repeats.insert(node.seg.clone(), saved);
        }
    }
    out
}

/// Puts saved answers back into an empty scope (nothing is evaluated yet).
fn load_scope(
    form: &CompiledForm,
    inst: &mut Instance,
    saved: &SavedScope,
    scope: ScopeId,
) -> Result<(), String> {
    let kind = inst.scope(scope).repeat;
    let here = |seg: &str| form.node_by_seg(kind, seg);
    for (name, value) in &saved.values {
        match here(name) {
            Some(n) if form.node(n).field().is_some() => {
                inst.set_raw(form, n, scope, value.clone())
            }
            _ => return Err(format!("no field '{name}' here")),
        }
    }
    for (name, instances) in &saved.repeats {
        match here(name) {
            Some(r) if form.node(r).repeat().is_some() => {
                for s in instances {
                    let id = inst.push_blank_instance(form, r, scope);
                    load_scope(form, inst, s, id)?;
                }
            }
            _ => return Err(format!("no repeat '{name}' here")),
        }
    }
    Ok(())
}

/// How a question of the page is brought up to date after an answer.
#[derive(Clone, Copy)]
enum Shows {
    /// Rendered whole: its look may have changed, or it appeared.
    Whole,
    /// Only its answer and message may have changed.
    Answer,
    /// The answer cannot change it.
    Same,
}

/// A question as it showed before an answer, as far as the answer can change it.
// Held for one answer, one per question of the page, in a Vec sized at once: boxing the
// large variant would allocate once more per question instead of saving anything.
#[allow(clippy::large_enum_variant)]
enum Shown {
    Whole(Question),
    Answer(AnswerUpdate),
}
