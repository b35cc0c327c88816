//! The walk-in dialog: a person not on the roster, added to a gathering with a name,
//! sex, birth year as typed (or an age group when she does not know it) and ethnic group.

use super::Refusal;
use crate::domain::{AgeGroup, Sex};
use crate::error::BranchbookError;
use crate::i18n::{TextKey, UiLanguage, text};
use crate::store::{InputField, StoreError, WalkIn, parse_birth_year};

/// What she does in the walk-in dialog.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum WalkInEdit {
    /// She typed the name.
    Name {
        /// The box's text.
        text: String,
    },
    /// She chose the sex.
    Sex {
        /// The sex chosen.
        sex: Sex,
    },
    /// She typed the birth year (kept as typed; read on adding).
    BirthYear {
        /// The box's text.
        text: String,
    },
    /// She chose an age group (`None`: not chosen).
    AgeGroup {
        /// The group chosen.
        group: Option<AgeGroup>,
    },
    /// She chose the ethnic group (`None`: not recorded).
    Ethnicity {
        /// The group's key.
        key: Option<String>,
    },
}

/// Everything the walk-in dialog shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct WalkInForm {
    /// Full name.
    pub name: String,
    /// Sex (most attendees are women: the default).
    pub sex: Sex,
    /// Birth year as typed.
    pub birth_year: String,
    /// Age group, for someone who does not know her birth year.
    pub age_group: Option<AgeGroup>,
    /// Ethnic group key.
    pub ethnicity: Option<String>,
    /// "Give a birth year or choose an age group", while neither is given.
    pub age_hint: Option<String>,
    /// The input the last try was refused for, to mark it.
    pub invalid: Option<InputField>,
    /// Why the last try was refused; `None` after any change.
    pub error: Option<String>,
}

/// The walk-in dialog's values while she types.
#[derive(Debug, Clone)]
pub struct WalkInDraft {
    name: String,
    sex: Sex,
    birth_year: String,
    age_group: Option<AgeGroup>,
    ethnicity: Option<String>,
    refusal: Option<Refusal>,
}

impl Default for WalkInDraft {
    fn default() -> WalkInDraft {
        WalkInDraft {
            name: String::new(),
            sex: Sex::Female,
            birth_year: String::new(),
            age_group: None,
            ethnicity: None,
            refusal: None,
        }
    }
}

impl WalkInDraft {
    /// An empty dialog.
    pub fn new() -> WalkInDraft {
        WalkInDraft::default()
    }

    /// Applies what she did; any change clears the last refusal.
    pub fn apply(&mut self, edit: WalkInEdit) {
        self.refusal = None;
        match edit {
            WalkInEdit::Name { text } => self.name = text,
            WalkInEdit::Sex { sex } => self.sex = sex,
            WalkInEdit::BirthYear { text } => self.birth_year = text,
            WalkInEdit::AgeGroup { group } => self.age_group = group,
            WalkInEdit::Ethnicity { key } => self.ethnicity = key,
        }
    }

    /// The person as the store takes her, the birth year read from what she typed.
    pub fn walk_in(&self) -> Result<WalkIn, StoreError> {
        Ok(WalkIn {
            name: self.name.clone(),
            sex: self.sex,
            birth_year: parse_birth_year(&self.birth_year)?,
            age_group: self.age_group,
            ethnicity: self.ethnicity.clone(),
        })
    }

    /// Adding her was refused with `error`: the dialog shows why (a missing age in its
    /// own words), and marks the input.
    pub fn refused(&mut self, error: &BranchbookError, language: UiLanguage) {
        self.refusal = Some(Refusal::of(error, None, language));
    }

    /// Everything the dialog shows, in `language`.
    pub fn screen(&self, language: UiLanguage) -> WalkInForm {
        WalkInForm {
            name: self.name.clone(),
            sex: self.sex,
            birth_year: self.birth_year.clone(),
            age_group: self.age_group,
            ethnicity: self.ethnicity.clone(),
            age_hint: (self.birth_year.trim().is_empty() && self.age_group.is_none())
                .then(|| text(TextKey::WalkInNeedsAge, language).to_owned()),
            invalid: Refusal::field(&self.refusal),
            error: Refusal::message(&self.refusal),
        }
    }
}
