//! What the edit screens hold while she types, for both apps: the household form, a
//! gathering's details and attendance, the walk-in dialog, enrollment and the settings
//! screen. Each
//! screen model takes her intents as she makes them (text as typed, taps), parses and
//! checks what she typed (birth years, dates on Vietnam's clock, blank addresses), and
//! gives the complete state the view draws: values, every text in the app language and,
//! after a refusal, the message and the input it is about ([`InputField`], with the
//! household member's place). The apps keep no draft of their own and decide nothing.
//!
//! The facade (`core/ffi`) wraps each model in an object that also saves through the
//! store; the rules live here and are tested once.

mod attendance;
mod enroll;
mod gathering;
mod household;
mod settings;
mod walk_in;

pub use attendance::{Attendance, AttendanceScreen, AttendeeLine, CandidateRow, PhotoTile};
pub use enroll::{EnrollDraft, EnrollEdit, EnrollForm};
pub use gathering::{GatheringDraft, GatheringEdit, GatheringForm, KindChoice};
pub use household::{HouseholdDraft, HouseholdEdit, HouseholdForm, MemberEditRow};
pub use settings::{
    FormLanguageChoice, LanguageChoice, SettingsFacts, SettingsPage, settings_page,
};
pub use walk_in::{WalkInDraft, WalkInEdit, WalkInForm};

use crate::error::BranchbookError;
use crate::i18n::{TextKey, UiLanguage, ui_text};
use crate::store::InputField;

/// What the core refused on the last save: the message to show and, when the refusal is
/// about one input, that input (and the household member's place).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    /// The input refused; `None` for refusals about no input (stale, storage).
    pub field: Option<InputField>,
    /// The household member's place, when the input is a member's.
    pub member: Option<u32>,
    /// The sentence to show, in the app language.
    pub message: String,
}

impl Refusal {
    /// The refusal `error` means, with `message` when the screen has its own words for
    /// it (else the error's own sentence).
    pub(crate) fn of(
        error: &BranchbookError,
        message: Option<TextKey>,
        language: UiLanguage,
    ) -> Refusal {
        let message = message.map_or_else(
            || error.user_message(language),
            |key| ui_text(key, language),
        );
        match error {
            BranchbookError::InvalidInput { field, member, .. } => Refusal {
                field: Some(field.clone()),
                member: *member,
                message,
            },
            _ => Refusal {
                field: None,
                member: None,
                message,
            },
        }
    }

    /// The input refused when it is not a household member's.
    pub(crate) fn field(refusal: &Option<Refusal>) -> Option<InputField> {
        refusal
            .as_ref()
            .filter(|r| r.member.is_none())
            .and_then(|r| r.field.clone())
    }

    /// The message to show, if any.
    pub(crate) fn message(refusal: &Option<Refusal>) -> Option<String> {
        refusal.as_ref().map(|r| r.message.clone())
    }
}

#[cfg(test)]
mod tests;
