//! The form engine: a [`CompiledForm`] (every expression parsed and bound once, the
//! dependency graph in evaluation order) and the [`FormSession`] a UI drives to fill it.
//!
//! Answers are kept per scope (the form, or one repeat instance) in slots; answering a
//! question re-evaluates only the relevance, calculations and repeat counts that read
//! it, in the scopes that see the change. Adding a repeat instance evaluates that
//! instance and whatever counts or sums the instances, however many already exist.

mod affects;
mod answer;
mod audit_location;
mod audit_log;
mod bind;
mod clock;
mod compile;
mod defaults;
mod error;
mod geo_line;
mod graph;
mod instance;
mod lang;
mod last_saved;
mod nav;
mod screen;
mod session;
mod submission;
mod view;

pub use answer::{Answer, CalendarDate, GeoPoint, PickerFields, TimeOfDay};
pub use audit_location::{AuditLocationRequest, EventLocation, LocationPriority, MAX_KEPT_FIXES};
pub use audit_log::{
    AuditEvent, AuditEventKind, Clock, MAX_AUDIT_EVENTS, MAX_AUDIT_VALUE_CHARS, audit_csv,
};
pub use clock::{CLOCK_SLACK, ClockWindow, TimeDoubt};
pub use compile::CompiledForm;
pub use error::{FinalizeProblem, SessionError};
pub use geo_line::{
    LineError, LineFacts, LineKind, MAX_LINE_POINTS, line_facts, measure as measure_line,
    validated as validated_line,
};
pub use lang::offered_language;
pub use screen::{
    AnswerUpdate, Breadcrumb, ChoiceOption, JumpTarget, LabelMedia, Page, Question, QuestionKind,
    Screen, ScreenUpdate,
};
pub use session::{
    FormSession, SavedPosition, SavedScope, SessionOptions, SessionState,
    VIETNAM_UTC_OFFSET_MINUTES, picker_start,
};
pub use submission::{Mismatch, Recomputed, ServerFacts, Submission};

#[cfg(test)]
mod tests;
