//! A gathering's details form: kind, topic, village, its date and time on Vietnam's clock
//! (now, to the minute, for a new one), facilitator and notes.

use chrono::{FixedOffset, Offset, Timelike, Utc};
use uuid::Uuid;

use super::Refusal;
use crate::domain::{GatheringKind, gathering_kinds};
use crate::engine::{PickerFields, VIETNAM_UTC_OFFSET_MINUTES};
use crate::error::BranchbookError;
use crate::ffi_time::UtcDateTime;
use crate::i18n::{TextKey, UiLanguage, format_instant, gathering_kind_name, text};
use crate::store::{Gathering, GatheringDetails, InputField};

/// What she does on the gathering details form.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum GatheringEdit {
    /// She chose the kind.
    Kind {
        /// The kind chosen.
        kind: GatheringKind,
    },
    /// She typed the topic.
    Topic {
        /// The box's text.
        text: String,
    },
    /// She typed the village.
    Village {
        /// The box's text.
        text: String,
    },
    /// She typed the facilitator's name.
    Facilitator {
        /// The box's text.
        text: String,
    },
    /// She typed notes.
    Notes {
        /// The box's text.
        text: String,
    },
    /// She picked the date, the time or both: the picker's fields as shown (Vietnam's
    /// clock), starting from [`GatheringForm::picker`].
    StartsAt {
        /// The picker's fields.
        fields: PickerFields,
    },
}

/// A kind of gathering as the picker offers it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct KindChoice {
    /// The kind stored.
    pub kind: GatheringKind,
    /// Its name in the app language.
    pub name: String,
}

/// Everything the gathering details form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GatheringForm {
    /// The kinds she can choose, in the core's order.
    pub kinds: Vec<KindChoice>,
    /// The kind chosen.
    pub kind: GatheringKind,
    /// Topic (required).
    pub topic: String,
    /// Village (required).
    pub village: String,
    /// When it starts.
    pub starts_at: UtcDateTime,
    /// [`GatheringForm::starts_at`] on Vietnam's clock, for the date and time pickers.
    pub picker: PickerFields,
    /// "12/06/2025 08:30".
    pub starts_at_text: String,
    /// Who leads it.
    pub facilitator: String,
    /// Free notes.
    pub notes: String,
    /// The input the last save was refused for, to mark it.
    pub invalid: Option<InputField>,
    /// Why the last save was refused; `None` after any change.
    pub error: Option<String>,
    /// The refused input's label ("Chủ đề"), to head [`GatheringForm::error`].
    pub error_about: Option<String>,
}

/// The gathering details form's values while she types: a new gathering, or an open
/// one's details.
#[derive(Debug, Clone)]
pub struct GatheringDraft {
    gathering_id: Option<Uuid>,
    details: GatheringDetails,
    refusal: Option<Refusal>,
}

fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_UTC_OFFSET_MINUTES * 60).unwrap_or(Utc.fix())
}

impl GatheringDraft {
    /// A new gathering starting `now`, to the minute; a policy dialogue until she chooses.
    pub fn new(now: UtcDateTime) -> GatheringDraft {
        let minute = now
            .with_second(0)
            .and_then(|t| t.with_nanosecond(0))
            .unwrap_or(now);
        GatheringDraft {
            gathering_id: None,
            details: GatheringDetails {
                kind: GatheringKind::PolicyDialogue,
                topic: String::new(),
                village: String::new(),
                starts_at: minute,
                facilitator: String::new(),
                notes: String::new(),
            },
            refusal: None,
        }
    }

    /// The form filled from the open gathering `gathering`, to change its details.
    pub fn of(gathering: &Gathering) -> GatheringDraft {
        GatheringDraft {
            gathering_id: Some(gathering.uuid),
            details: gathering.details.clone(),
            refusal: None,
        }
    }

    /// The gathering whose details change; `None` for a new one.
    pub fn gathering_id(&self) -> Option<Uuid> {
        self.gathering_id
    }

    /// The details as the store takes them.
    pub fn details(&self) -> GatheringDetails {
        self.details.clone()
    }

    /// Applies what she did; any change clears the last refusal. A day the calendar does
    /// not have (31 June) is refused and leaves the date as it was.
    pub fn apply(&mut self, edit: GatheringEdit, language: UiLanguage) {
        self.refusal = None;
        let d = &mut self.details;
        let fields = match edit {
            GatheringEdit::Kind { kind } => return d.kind = kind,
            GatheringEdit::Topic { text } => return d.topic = text,
            GatheringEdit::Village { text } => return d.village = text,
            GatheringEdit::Facilitator { text } => return d.facilitator = text,
            GatheringEdit::Notes { text } => return d.notes = text,
            GatheringEdit::StartsAt { fields } => fields,
        };
        match fields.instant(vietnam()) {
            Ok(start) => d.starts_at = start,
            Err(_) => {
                let error = BranchbookError::invalid(InputField::StartsAt, "no such day or time");
                self.refusal = Some(Refusal::of(&error, None, language));
            }
        }
    }

    /// The save was refused with `error`: the form shows why, and marks the input.
    pub fn refused(&mut self, error: &BranchbookError, language: UiLanguage) {
        self.refusal = Some(Refusal::of(error, None, language));
    }

    /// Everything the form shows, in `language`.
    pub fn screen(&self, language: UiLanguage) -> GatheringForm {
        let d = &self.details;
        GatheringForm {
            kinds: gathering_kinds()
                .into_iter()
                .map(|kind| KindChoice {
                    kind,
                    name: gathering_kind_name(kind, language),
                })
                .collect(),
            kind: d.kind,
            topic: d.topic.clone(),
            village: d.village.clone(),
            starts_at: d.starts_at,
            picker: PickerFields::at(d.starts_at, vietnam()),
            starts_at_text: format_instant(d.starts_at, language),
            facilitator: d.facilitator.clone(),
            notes: d.notes.clone(),
            invalid: Refusal::field(&self.refusal),
            error: Refusal::message(&self.refusal),
            error_about: self.refusal.as_ref().and_then(|r| {
                let key = match r.field.as_ref()? {
                    InputField::Topic => TextKey::GatheringTopic,
                    InputField::Village => TextKey::GatheringVillage,
                    InputField::StartsAt => TextKey::GatheringStartsAt,
                    _ => return None,
                };
                Some(text(key, language).to_owned())
            }),
        }
    }
}
