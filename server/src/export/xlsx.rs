//! XLSX: one workbook with a sheet per table (a form's submissions, then each repeat),
//! the header row bold and frozen, numbers as numbers and times as Excel date-times on
//! Vietnam's clock. Sheets are written in constant-memory mode (rows go to temporary
//! files as they are written), so a large export holds one page of records at a time.

use chrono::{Datelike, Timelike};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet, XlsxError};

use super::{Cell, ExportError, Sheet, Table, for_each_page, neutralise, vietnam};
use crate::model::RecordFilter;
use crate::store::ServerStore;

/// Most characters in a sheet name (Excel's limit).
const SHEET_NAME_MAX: usize = 31;

/// A sheet name Excel accepts: its forbidden characters replaced, cut to 31 characters,
/// made unique among `taken` (compared without case, as Excel does).
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .collect();
    let clean = clean.trim_matches('\'');
    let base: String = if clean.is_empty() { "sheet" } else { clean }
        .chars()
        .take(SHEET_NAME_MAX)
        .collect();
    let free = |name: &str| {
        !taken
            .iter()
            .any(|t| t.to_lowercase() == name.to_lowercase())
    };
    if free(&base) {
        return base;
    }
    (2..)
        .map(|n| {
            let suffix = format!("~{n}");
            let keep = SHEET_NAME_MAX - suffix.chars().count();
            format!("{}{suffix}", base.chars().take(keep).collect::<String>())
        })
        .find(|name| free(name))
        .unwrap_or(base)
}

/// The formats of the cells that need one.
struct Formats {
    header: Format,
    time: Format,
    date: Format,
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    formats: &Formats,
) -> Result<(), XlsxError> {
    match cell {
        Cell::Empty => {}
        Cell::Text(text) => {
            sheet.write_string(row, col, neutralise(text))?;
        }
        Cell::Int(n) => {
            sheet.write_number(row, col, *n as f64)?;
        }
        Cell::Number(n) => {
            sheet.write_number(row, col, *n)?;
        }
        Cell::Time(at) => {
            let local = at.with_timezone(&vietnam());
            let when = excel_date(local.date_naive())?.and_hms(
                u16::try_from(local.hour()).unwrap_or(0),
                u8::try_from(local.minute()).unwrap_or(0),
                local.second(),
            )?;
            sheet.write_datetime_with_format(row, col, when, &formats.time)?;
        }
        Cell::Date(date) => {
            sheet.write_datetime_with_format(row, col, excel_date(*date)?, &formats.date)?;
        }
    }
    Ok(())
}

fn excel_date(date: chrono::NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    ExcelDateTime::from_ymd(
        u16::try_from(date.year()).unwrap_or(0),
        u8::try_from(date.month()).unwrap_or(0),
        u8::try_from(date.day()).unwrap_or(0),
    )
}

impl Formats {
    fn new() -> Formats {
        Formats {
            header: Format::new().set_bold(),
            time: Format::new().set_num_format("yyyy-mm-dd hh:mm:ss"),
            date: Format::new().set_num_format("yyyy-mm-dd"),
        }
    }
}

/// Names a new sheet (unique among `taken`, which it joins) and writes its bold, frozen
/// header row.
fn start_sheet(
    ws: &mut Worksheet,
    sheet: &Sheet,
    taken: &mut Vec<String>,
    formats: &Formats,
) -> Result<(), XlsxError> {
    let name = sheet_name(&sheet.name, taken);
    ws.set_name(&name)?;
    for (col, title) in sheet.header.iter().enumerate() {
        ws.write_string_with_format(0, column(col)?, title, &formats.header)?;
    }
    ws.set_freeze_panes(1, 0)?;
    taken.push(name);
    Ok(())
}

/// A small workbook held whole in memory (the dashboard's tables): a sheet per table,
/// each with its rows.
pub fn whole(tables: &[(Sheet, Vec<Vec<Cell>>)]) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let mut names: Vec<String> = Vec::new();
    for (sheet, rows) in tables {
        let ws = book.add_worksheet();
        start_sheet(ws, sheet, &mut names, &formats)?;
        for (r, row) in rows.iter().enumerate() {
            let at = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (col, cell) in row.iter().enumerate() {
                write_cell(ws, at, column(col)?, cell, &formats)?;
            }
        }
    }
    Ok(book.save_to_buffer()?)
}

/// The workbook of every record the filter selects, laid out by `table`.
pub fn workbook(
    store: &ServerStore,
    table: &dyn Table,
    filter: &RecordFilter,
) -> Result<Vec<u8>, ExportError> {
    let formats = Formats::new();
    let mut book = Workbook::new();
    let sheets = table.sheets();
    let mut names: Vec<String> = Vec::new();
    for sheet in sheets {
        let ws = book.add_worksheet_with_constant_memory()?;
        start_sheet(ws, sheet, &mut names, &formats)?;
    }
    let mut next_row = vec![1u32; sheets.len()];
    for_each_page(store, filter, |records| {
        for (index, row_at) in next_row.iter_mut().enumerate() {
            let ws = book.worksheet_from_index(index)?;
            for record in records {
                for row in table.rows(record, index) {
                    for (col, cell) in row.iter().enumerate() {
                        write_cell(ws, *row_at, column(col)?, cell, &formats)?;
                    }
                    *row_at += 1;
                }
            }
        }
        Ok(())
    })?;
    Ok(book.save_to_buffer()?)
}

/// A column index as the writer takes it (past Excel's 16,384 columns: refused).
fn column(index: usize) -> Result<u16, XlsxError> {
    u16::try_from(index).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_follow_excels_rules() {
        assert_eq!(sheet_name("member", &[]), "member");
        assert_eq!(sheet_name("a/b:c?", &[]), "a_b_c_");
        let long = "household_survey_with_a_very_long_name";
        assert_eq!(sheet_name(long, &[]).chars().count(), 31);
        let taken = vec![sheet_name(long, &[])];
        let second = sheet_name(long, &taken);
        assert!(second.ends_with("~2") && second.chars().count() == 31);
        assert_eq!(sheet_name("Member", &["member".into()]), "Member~2");
    }
}
