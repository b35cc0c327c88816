//! The layouts of the registers the phones keep: gatherings with their attendance (one
//! row per attendee, a gathering without attendees on a row of its own) and households
//! with their members (one row per member). Closed lists are written as names in the
//! officer's language (kinds, sexes, age groups) and ethnicities by their Vietnamese name.

use branchbook_core::domain::AgeGroup;
use branchbook_core::i18n::{self, UiLanguage, age_group_name, gathering_kind_name, sex_name};
use branchbook_core::protocol::{Attendee, GatheringBody, HouseholdBody, Record, RecordBody};
use chrono::{DateTime, Datelike, Utc};
use serde::Deserialize;

use super::{Cell, Names, Sheet, Table, review_cell, vietnam};
use crate::model::StoredRecord;

/// The columns of the gatherings-with-attendance table.
const GATHERING_HEADER: &[&str] = &[
    "gathering_id",
    "revision",
    "branch",
    "commune",
    "sender",
    "kind",
    "topic",
    "village",
    "starts_at",
    "closed_at",
    "facilitator",
    "review_state",
    "attendee_count",
    "photo_count",
    "attendee_position",
    "attendee_name",
    "walk_in",
    "roster_member_id",
    "sex",
    "birth_year",
    "age_group",
    "ethnicity",
    "checked_in_at",
];

/// The columns of the households-with-members table.
const HOUSEHOLD_HEADER: &[&str] = &[
    "household_id",
    "revision",
    "branch",
    "commune",
    "sender",
    "village",
    "address",
    "head_name",
    "archived",
    "notes",
    "received_at",
    "review_state",
    "member_count",
    "member_position",
    "member_name",
    "sex",
    "birth_year",
    "ethnicity",
    "relation",
];

/// Which register a [`Register`] lays out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RegisterKind {
    /// Gatherings with their attendance.
    Gatherings,
    /// Households with their members.
    Households,
}

/// A register laid out as one table.
pub struct Register {
    kind: RegisterKind,
    language: UiLanguage,
    names: Names,
    sheets: Vec<Sheet>,
}

/// The Vietnamese name of an ethnicity key (the key itself when unknown, blank when
/// not recorded).
pub fn ethnicity_or_blank(key: Option<&str>) -> String {
    key.map(i18n::ethnicity_name).unwrap_or_default()
}

/// An attendee's age group: as the phone sent it, or her band in the year the gathering
/// started (Vietnam's clock) when only her birth year is known. The exports and the
/// indicators both use this rule.
pub fn age_group(a: &Attendee, starts_at: DateTime<Utc>) -> Option<AgeGroup> {
    let year = starts_at.with_timezone(&vietnam()).year();
    a.age_group.or_else(|| {
        a.birth_year
            .and_then(|born| AgeGroup::from_birth_year(born, year))
    })
}

impl Register {
    /// The layout of `kind`, names of closed lists in `language`.
    pub fn new(kind: RegisterKind, language: UiLanguage, names: Names) -> Register {
        let (name, header) = match kind {
            RegisterKind::Gatherings => ("gatherings", GATHERING_HEADER),
            RegisterKind::Households => ("households", HOUSEHOLD_HEADER),
        };
        Register {
            kind,
            language,
            names,
            sheets: vec![Sheet {
                name: name.to_owned(),
                header: header.iter().map(|h| (*h).to_owned()).collect(),
            }],
        }
    }

    fn gathering_rows(&self, record: &StoredRecord, g: &GatheringBody) -> Vec<Vec<Cell>> {
        let s = &record.summary;
        let lang = self.language;
        let head = vec![
            Cell::Text(s.uuid.to_string()),
            Cell::Int(i64::from(s.revision)),
            Cell::text(self.names.area(s.branch_id)),
            Cell::text(self.names.commune_of(s.branch_id)),
            Cell::text(self.names.sender(s)),
            Cell::text(gathering_kind_name(g.kind, lang)),
            Cell::text(g.topic.as_str()),
            Cell::text(g.village.as_str()),
            Cell::Time(g.starts_at),
            Cell::Time(g.closed_at),
            Cell::text(g.facilitator.as_str()),
            review_cell(s.review_state),
            Cell::Int(g.attendees.len() as i64),
            Cell::Int(g.photos.len() as i64),
        ];
        if g.attendees.is_empty() {
            let mut row = head;
            row.resize(GATHERING_HEADER.len(), Cell::Empty);
            return vec![row];
        }
        g.attendees
            .iter()
            .enumerate()
            .map(|(i, a)| {
                let age = age_group(a, g.starts_at);
                let mut row = head.clone();
                row.extend([
                    Cell::Int(i as i64 + 1),
                    Cell::text(a.name.as_str()),
                    Cell::flag(a.member_id.is_none()),
                    a.member_id
                        .map_or(Cell::Empty, |m| Cell::Text(m.to_string())),
                    Cell::text(sex_name(a.sex, lang)),
                    a.birth_year
                        .map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
                    Cell::text(age_group_name(age, lang)),
                    Cell::text(ethnicity_or_blank(a.ethnicity.as_deref())),
                    Cell::Time(a.checked_in_at),
                ]);
                row
            })
            .collect()
    }

    fn household_rows(&self, record: &StoredRecord, h: &HouseholdBody) -> Vec<Vec<Cell>> {
        let s = &record.summary;
        let head = vec![
            Cell::Text(s.uuid.to_string()),
            Cell::Int(i64::from(s.revision)),
            Cell::text(self.names.area(s.branch_id)),
            Cell::text(self.names.commune_of(s.branch_id)),
            Cell::text(self.names.sender(s)),
            Cell::text(h.village.as_str()),
            Cell::text(h.address.as_str()),
            Cell::text(h.head_name.as_str()),
            Cell::flag(h.archived),
            Cell::text(h.notes.as_str()),
            Cell::Time(s.received_at),
            review_cell(s.review_state),
            Cell::Int(h.members.len() as i64),
        ];
        if h.members.is_empty() {
            let mut row = head;
            row.resize(HOUSEHOLD_HEADER.len(), Cell::Empty);
            return vec![row];
        }
        h.members
            .iter()
            .enumerate()
            .map(|(i, m)| {
                let mut row = head.clone();
                row.extend([
                    Cell::Int(i as i64 + 1),
                    Cell::text(m.name.as_str()),
                    Cell::text(sex_name(m.sex, self.language)),
                    m.birth_year
                        .map_or(Cell::Empty, |y| Cell::Int(i64::from(y))),
                    Cell::text(ethnicity_or_blank(m.ethnicity.as_deref())),
                    Cell::text(m.relation.as_str()),
                ]);
                row
            })
            .collect()
    }
}

impl Table for Register {
    fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    fn rows(&self, record: &StoredRecord, sheet: usize) -> Vec<Vec<Cell>> {
        if sheet != 0 {
            return Vec::new();
        }
        let Ok(parsed) = Record::deserialize(&record.body) else {
            tracing::warn!(
                seq = record.summary.seq,
                "a stored record could not be read for export"
            );
            return Vec::new();
        };
        match (self.kind, &parsed.body) {
            (RegisterKind::Gatherings, RecordBody::Gathering(g)) => self.gathering_rows(record, g),
            (RegisterKind::Households, RecordBody::Household(h)) => self.household_rows(record, h),
            _ => Vec::new(),
        }
    }
}
