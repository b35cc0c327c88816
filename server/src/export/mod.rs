//! Exports for officers' spreadsheets: a table of records laid out once as typed
//! [`Cell`]s ([`form_table`]: a form version's submissions and its repeats;
//! [`registers`]: gatherings with their attendance, households with their members) and
//! written as CSV ([`csv`]: UTF-8 with a BOM, Excel-ready) or XLSX ([`xlsx`]: typed cells,
//! frozen header, a sheet per table). Both read the store one page at a time.
//!
//! Every text cell a spreadsheet would run as a formula is neutralised ([`neutralise`]),
//! times are written on Vietnam's clock with the offset, and the columns the server
//! generates carry a `:` (`bb:branch`, `location:latitude`), which no form field's name can
//! contain, so they never collide with a form's own columns.

pub mod csv;
pub mod form_table;
pub mod registers;
pub mod xlsx;

use std::collections::HashMap;

use branchbook_core::engine::VIETNAM_UTC_OFFSET_MINUTES;
use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};
use uuid::Uuid;

use crate::model::{
    Corrections, RecordFilter, RecordSummary, ReviewState, Scope, StoredRecord, stored_name,
};
use crate::store::{ServerStore, ServerStoreError};

/// Records read from the store per page of an export.
pub const EXPORT_PAGE: u32 = 1000;

/// The prefix of the metadata columns the server adds in front of a form's own columns.
pub const META_PREFIX: &str = "bb:";

/// Vietnam's clock (UTC+7, no daylight saving).
pub fn vietnam() -> FixedOffset {
    FixedOffset::east_opt(VIETNAM_UTC_OFFSET_MINUTES * 60).unwrap_or(Utc.fix())
}

/// One cell of an export, typed so that XLSX keeps numbers as numbers and times as times.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing.
    Empty,
    /// Text (neutralised when written).
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number.
    Number(f64),
    /// An instant, written on Vietnam's clock.
    Time(DateTime<Utc>),
    /// A calendar date.
    Date(NaiveDate),
}

impl Cell {
    /// A text cell, empty for empty text.
    pub fn text(text: impl Into<String>) -> Cell {
        let text = text.into();
        if text.is_empty() {
            Cell::Empty
        } else {
            Cell::Text(text)
        }
    }

    /// 1 or 0.
    pub fn flag(on: bool) -> Cell {
        Cell::Int(i64::from(on))
    }

    /// The cell as CSV text: neutralised text, numbers as written, times as RFC 3339 on
    /// Vietnam's clock (`2026-03-01T07:05:00+07:00`).
    pub fn csv_text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(text) => neutralise(text),
            Cell::Int(n) => n.to_string(),
            Cell::Number(n) => n.to_string(),
            Cell::Time(at) => vietnam_time(*at),
            Cell::Date(date) => date.format("%Y-%m-%d").to_string(),
        }
    }
}

/// An instant on Vietnam's clock with its offset, to the second.
pub fn vietnam_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&vietnam())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Text a spreadsheet would run as a formula (it starts with `=`, `+`, `-`, `@`, a tab or
/// a carriage return) behind a single quote, as OWASP recommends for CSV injection;
/// other text unchanged.
pub fn neutralise(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

/// One table of an export: its name (the XLSX sheet, part of the CSV file's name) and
/// its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// The table's name.
    pub name: String,
    /// The column headers.
    pub header: Vec<String>,
}

/// A layout of records into one or more tables: what the CSV and XLSX writers share.
pub trait Table: Send + Sync {
    /// The tables, main first.
    fn sheets(&self) -> &[Sheet];
    /// The rows one record contributes to table `sheet`.
    fn rows(&self, record: &StoredRecord, sheet: usize) -> Vec<Vec<Cell>>;
}

/// What an export failed on.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// Reading the records failed.
    #[error(transparent)]
    Store(#[from] ServerStoreError),
    /// Writing the workbook failed.
    #[error("the workbook could not be written: {0}")]
    Xlsx(#[from] rust_xlsxwriter::XlsxError),
    /// Writing CSV failed.
    #[error("the CSV could not be written: {0}")]
    Csv(String),
}

/// Calls `each` with every page of records the filter selects, in arrival order.
pub fn for_each_page(
    store: &ServerStore,
    filter: &RecordFilter,
    mut each: impl FnMut(&[StoredRecord]) -> Result<(), ExportError>,
) -> Result<(), ExportError> {
    let mut page = RecordFilter {
        after_seq: 0,
        limit: EXPORT_PAGE,
        ..filter.clone()
    };
    loop {
        let records = store.list_records_with_body(&page)?;
        each(&records)?;
        match records.last() {
            Some(last) if records.len() == page.limit as usize => page.after_seq = last.summary.seq,
            _ => return Ok(()),
        }
    }
}

/// The names an export writes beside ids: branches, their communes, the branch heads
/// who sent the records and their phones.
#[derive(Debug, Clone, Default)]
pub struct Names {
    areas: HashMap<Uuid, (String, Option<Uuid>)>,
    accounts: HashMap<Uuid, String>,
    devices: HashMap<Uuid, (String, Uuid)>,
}

impl Names {
    /// The names for records inside `scope` (the communes above its branches included).
    pub fn load(store: &ServerStore, scope: &Scope) -> Result<Names, ServerStoreError> {
        let mut areas: HashMap<Uuid, (String, Option<Uuid>)> = store
            .areas(scope)?
            .into_iter()
            .map(|a| (a.id, (a.name, a.parent_id)))
            .collect();
        let parents: Vec<Uuid> = areas
            .values()
            .filter_map(|(_, parent)| *parent)
            .filter(|p| !areas.contains_key(p))
            .collect();
        for parent in parents {
            if let Some(area) = store.area(parent)? {
                areas.insert(area.id, (area.name, area.parent_id));
            }
        }
        let accounts = store
            .accounts(scope)?
            .into_iter()
            .map(|a| (a.id, a.display_name))
            .collect();
        let devices = store
            .devices(scope)?
            .into_iter()
            .map(|d| (d.id, (d.label, d.account_id)))
            .collect();
        Ok(Names {
            areas,
            accounts,
            devices,
        })
    }

    /// An area's name (empty when unknown).
    pub fn area(&self, id: Uuid) -> &str {
        self.areas.get(&id).map_or("", |(name, _)| name.as_str())
    }

    /// The name of the area right above a branch (its commune).
    pub fn commune_of(&self, branch: Uuid) -> &str {
        self.areas
            .get(&branch)
            .and_then(|(_, parent)| *parent)
            .map_or("", |parent| self.area(parent))
    }

    /// The branch head who sent a record: the account the server stored with it (its
    /// phone's account for a record older than that).
    pub fn sender(&self, record: &RecordSummary) -> &str {
        record
            .account_id
            .or_else(|| self.devices.get(&record.device_id).map(|(_, a)| *a))
            .and_then(|account| self.accounts.get(&account))
            .map_or("", String::as_str)
    }

    /// The label of the phone that sent a record.
    pub fn device(&self, device: Uuid) -> &str {
        self.devices
            .get(&device)
            .map_or("", |(label, _)| label.as_str())
    }
}

/// The values the server corrected in a record, for a cell: each question with what the
/// phone sent and what the server kept (`total: "=1+1" → "2"`), a doubted time of the
/// phone's clock with why (`stamp: "2099-…" → "2099-…" (after_receipt)`), `; `-separated.
pub fn corrections_cell(corrections: &Corrections) -> Cell {
    let mut parts: Vec<String> = corrections
        .values
        .iter()
        .map(|c| {
            let doubt = c
                .doubt
                .map(|d| format!(" ({})", stored_name(&d)))
                .unwrap_or_default();
            format!("{}: {} → {}{doubt}", c.question, c.sent, c.kept)
        })
        .collect();
    if corrections.unlisted > 0 {
        parts.push(format!("+{}", corrections.unlisted));
    }
    Cell::text(parts.join("; "))
}

/// The review state's stored name (`received`, `has_issues`, `approved`, `rejected`).
pub fn review_cell(state: ReviewState) -> Cell {
    Cell::Text(stored_name(&state))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_like_text_is_neutralised_and_other_text_kept() {
        for formula in ["=1+1", "+84 912", "-2", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(formula), format!("'{formula}"));
        }
        for plain in ["Đề án 8", "a=b", "", "'quoted", "1-2"] {
            assert_eq!(neutralise(plain), plain);
        }
        assert_eq!(
            Cell::Text("=HYPERLINK(\"x\")".into()).csv_text(),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(Cell::Int(-3).csv_text(), "-3", "numbers are not text");
    }

    #[test]
    fn times_are_on_vietnams_clock_with_the_offset() {
        let at = DateTime::parse_from_rfc3339("2026-03-01T17:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(Cell::Time(at).csv_text(), "2026-03-02T00:30:00+07:00");
    }
}
