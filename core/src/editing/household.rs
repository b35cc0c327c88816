//! The household form: village, address, head, notes and the members, each member's
//! birth year kept as she typed it and read by the core when she saves.

use uuid::Uuid;

use super::Refusal;
use crate::domain::Sex;
use crate::error::BranchbookError;
use crate::i18n::{TextKey, UiLanguage, fill, text};
use crate::store::{
    Household, HouseholdInput, InputField, MemberInput, StoreError, parse_birth_year,
};

/// What she does on the household form. A member is named by her place in the list; an
/// edit of a place that is not there changes nothing.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum HouseholdEdit {
    /// She typed in the village box.
    Village {
        /// The box's text.
        text: String,
    },
    /// She typed the address.
    Address {
        /// The box's text.
        text: String,
    },
    /// She typed the head's name.
    HeadName {
        /// The box's text.
        text: String,
    },
    /// She typed notes.
    Notes {
        /// The box's text.
        text: String,
    },
    /// She added an empty member at the end.
    AddMember,
    /// She removed a member.
    RemoveMember {
        /// The member's place.
        member: u32,
    },
    /// She typed a member's name.
    MemberName {
        /// The member's place.
        member: u32,
        /// The box's text.
        text: String,
    },
    /// She chose a member's sex.
    MemberSex {
        /// The member's place.
        member: u32,
        /// The sex chosen.
        sex: Sex,
    },
    /// She typed a member's birth year (kept as typed; read on saving).
    MemberBirthYear {
        /// The member's place.
        member: u32,
        /// The box's text.
        text: String,
    },
    /// She chose a member's ethnic group (`None`: not recorded).
    MemberEthnicity {
        /// The member's place.
        member: u32,
        /// The group's key.
        key: Option<String>,
    },
    /// She typed a member's relationship to the head.
    MemberRelation {
        /// The member's place.
        member: u32,
        /// The box's text.
        text: String,
    },
}

/// A member as the household form shows her.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct MemberEditRow {
    /// The row's identity in the list while the form is open (a new member has no id).
    pub key: u32,
    /// Her id once recorded; `None` for someone added now.
    pub id: Option<Uuid>,
    /// Full name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth year as typed.
    pub birth_year: String,
    /// Ethnic group key, `None` when not recorded.
    pub ethnicity: Option<String>,
    /// Relationship to the head.
    pub relation: String,
    /// Her input the last save was refused for, to mark it.
    pub invalid: Option<InputField>,
}

/// Everything the household form shows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HouseholdForm {
    /// The screen's title.
    pub title: String,
    /// Village (required).
    pub village: String,
    /// Address or how to find the house.
    pub address: String,
    /// Name of the household head (required).
    pub head_name: String,
    /// Free notes.
    pub notes: String,
    /// "Thành viên (2)".
    pub members_heading: String,
    /// The people living there, in the order she listed them.
    pub members: Vec<MemberEditRow>,
    /// The household's input the last save was refused for (a member's is on her row).
    pub invalid: Option<InputField>,
    /// Why the last save was refused; `None` after any change.
    pub error: Option<String>,
    /// The refused input's label, with the member's place ("Năm sinh (2)"), to head
    /// [`HouseholdForm::error`] where the box is not in sight.
    pub error_about: Option<String>,
}

#[derive(Debug, Clone)]
struct MemberDraft {
    key: u32,
    id: Option<Uuid>,
    name: String,
    sex: Sex,
    birth_year: String,
    ethnicity: Option<String>,
    relation: String,
}

/// The household form's values while she types: a new household, or an edit of the
/// revision it was read at.
#[derive(Debug, Clone, Default)]
pub struct HouseholdDraft {
    household_id: Option<Uuid>,
    base_revision: u32,
    village: String,
    address: String,
    head_name: String,
    notes: String,
    members: Vec<MemberDraft>,
    next_key: u32,
    refusal: Option<Refusal>,
}

impl HouseholdDraft {
    /// An empty form for a new household.
    pub fn new() -> HouseholdDraft {
        HouseholdDraft::default()
    }

    /// The form filled from `household`'s current revision, to edit it.
    pub fn of(household: &Household) -> HouseholdDraft {
        let body = &household.body;
        let mut draft = HouseholdDraft {
            household_id: Some(household.uuid),
            base_revision: household.revision,
            village: body.village.clone(),
            address: body.address.clone(),
            head_name: body.head_name.clone(),
            notes: body.notes.clone(),
            ..HouseholdDraft::default()
        };
        for m in &body.members {
            let key = draft.key();
            draft.members.push(MemberDraft {
                key,
                id: Some(m.id),
                name: m.name.clone(),
                sex: m.sex,
                birth_year: m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                ethnicity: m.ethnicity.clone(),
                relation: m.relation.clone(),
            });
        }
        draft
    }

    /// The household edited (`None` for a new one) and the revision the form was read at.
    pub fn edits(&self) -> Option<(Uuid, u32)> {
        self.household_id.map(|id| (id, self.base_revision))
    }

    fn key(&mut self) -> u32 {
        self.next_key = self.next_key.wrapping_add(1);
        self.next_key
    }

    /// Applies what she did; any change clears the last refusal.
    pub fn apply(&mut self, edit: HouseholdEdit) {
        self.refusal = None;
        match edit {
            HouseholdEdit::Village { text } => self.village = text,
            HouseholdEdit::Address { text } => self.address = text,
            HouseholdEdit::HeadName { text } => self.head_name = text,
            HouseholdEdit::Notes { text } => self.notes = text,
            HouseholdEdit::AddMember => {
                let key = self.key();
                self.members.push(MemberDraft {
                    key,
                    id: None,
                    name: String::new(),
                    sex: Sex::Female,
                    birth_year: String::new(),
                    ethnicity: None,
                    relation: String::new(),
                });
            }
            HouseholdEdit::RemoveMember { member } => {
                if let Ok(at) = usize::try_from(member)
                    && at < self.members.len()
                {
                    self.members.remove(at);
                }
            }
            HouseholdEdit::MemberName { member, text } => self.member(member, |m| m.name = text),
            HouseholdEdit::MemberSex { member, sex } => self.member(member, |m| m.sex = sex),
            HouseholdEdit::MemberBirthYear { member, text } => {
                self.member(member, |m| m.birth_year = text)
            }
            HouseholdEdit::MemberEthnicity { member, key } => {
                self.member(member, |m| m.ethnicity = key)
            }
            HouseholdEdit::MemberRelation { member, text } => {
                self.member(member, |m| m.relation = text)
            }
        }
    }

    fn member(&mut self, member: u32, change: impl FnOnce(&mut MemberDraft)) {
        if let Some(m) = usize::try_from(member)
            .ok()
            .and_then(|at| self.members.get_mut(at))
        {
            change(m);
        }
    }

    /// What the store is given, birth years read from the text she typed; a year that
    /// is not one is refused naming the member by her place.
    pub fn input(&self) -> Result<HouseholdInput, StoreError> {
        let members = self
            .members
            .iter()
            .enumerate()
            .map(|(at, m)| {
                Ok(MemberInput {
                    id: m.id,
                    name: m.name.clone(),
                    sex: m.sex,
                    birth_year: parse_birth_year(&m.birth_year).map_err(|e| e.of_member(at))?,
                    ethnicity: m.ethnicity.clone(),
                    relation: m.relation.clone(),
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(HouseholdInput {
            village: self.village.clone(),
            address: self.address.clone(),
            head_name: self.head_name.clone(),
            members,
            notes: self.notes.clone(),
        })
    }

    /// The save was refused with `error`: the form shows why, and marks the input.
    pub fn refused(&mut self, error: &BranchbookError, language: UiLanguage) {
        self.refusal = Some(Refusal::of(error, None, language));
    }

    /// The save went through as `household`: the form now edits that revision, as the
    /// store keeps it (new members with their ids, so a second save does not add them
    /// again), each row keeping its identity.
    pub fn saved(&mut self, household: &Household) {
        let keys: Vec<u32> = self.members.iter().map(|m| m.key).collect();
        let next_key = self.next_key;
        *self = HouseholdDraft::of(household);
        for (member, key) in self.members.iter_mut().zip(keys) {
            member.key = key;
        }
        self.next_key = self.next_key.max(next_key);
    }

    /// Everything the form shows, in `language`.
    pub fn screen(&self, language: UiLanguage) -> HouseholdForm {
        let refused_member = self
            .refusal
            .as_ref()
            .and_then(|r| Some((r.member?, r.field.clone()?)));
        let count = self.members.len().to_string();
        HouseholdForm {
            title: text(TextKey::HouseholdEditTitle, language).to_owned(),
            village: self.village.clone(),
            address: self.address.clone(),
            head_name: self.head_name.clone(),
            notes: self.notes.clone(),
            members_heading: fill(text(TextKey::HouseholdMembers, language), |name| {
                (name == "count").then_some(count.as_str())
            }),
            members: self
                .members
                .iter()
                .enumerate()
                .map(|(at, m)| MemberEditRow {
                    key: m.key,
                    id: m.id,
                    name: m.name.clone(),
                    sex: m.sex,
                    birth_year: m.birth_year.clone(),
                    ethnicity: m.ethnicity.clone(),
                    relation: m.relation.clone(),
                    invalid: refused_member
                        .as_ref()
                        .filter(|(place, _)| usize::try_from(*place).is_ok_and(|p| p == at))
                        .map(|(_, field)| field.clone()),
                })
                .collect(),
            invalid: Refusal::field(&self.refusal),
            error: Refusal::message(&self.refusal),
            error_about: self.refusal.as_ref().and_then(|r| {
                let key = match r.field.as_ref()? {
                    InputField::Village => TextKey::HouseholdVillage,
                    InputField::HeadName => TextKey::HouseholdHeadName,
                    InputField::Name => TextKey::MemberName,
                    InputField::BirthYear => TextKey::MemberBirthYear,
                    InputField::Ethnicity => TextKey::MemberEthnicity,
                    _ => return None,
                };
                let label = text(key, language);
                Some(match r.member {
                    Some(place) => format!("{label} ({})", u64::from(place) + 1),
                    None => label.to_owned(),
                })
            }),
        }
    }
}
