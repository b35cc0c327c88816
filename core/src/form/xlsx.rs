//! .xlsx bytes to a [`Workbook`] of text cells (calamine). Only the sheets a form uses are
//! read cell by cell; any input, however corrupt, ends in a [`FormError`], never a panic,
//! and none makes us unpack or hold more than a form needs (64 MiB unpacked in all, a
//! cell of at most Excel's 32,767 characters).

use std::io::{Cursor, Read};

use calamine::{Data, Reader, Xlsx, XlsxError};

use super::FormError;
use super::grid::{Sheet, Workbook};

/// Sheets whose cells the form reader needs (the last two only to refuse them when
/// filled); other sheets are listed by name only.
const READ_SHEETS: [&str; 5] = [
    "survey",
    "choices",
    "settings",
    "entities",
    "external_choices",
];
/// Bounds on where a cell may sit, so a crafted file cannot make us allocate without end
/// (real forms stay far below: a village list has thousands of rows, not hundreds of thousands).
const MAX_ROWS: u32 = 200_000;
const MAX_COLUMNS: u32 = 1_000;
/// Excel's last serial date (9999-12-31): beyond it a "date" cell is just a number.
const LAST_EXCEL_DAY: f64 = 2_958_466.0;
/// Most bytes a workbook may unpack to, all its parts together: a form with every
/// village of a province is a few MiB; a zip bomb is refused before it is read.
const MAX_INFLATED_BYTES: u64 = 64 * 1024 * 1024;
/// Excel's own limit on a cell's characters: a longer cell was not written by Excel.
const MAX_CELL_CHARS: usize = 32_767;

/// The first bytes of an OLE compound file: an Excel 97-2003 `.xls` workbook.
const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// Refuses a workbook whose parts unpack to more than [`MAX_INFLATED_BYTES`], counted by
/// unpacking them (the sizes a zip declares can lie) into nothing.
fn check_inflated_size(bytes: &[u8]) -> Result<(), FormError> {
    let not_xlsx = |reason: String| FormError::NotXlsx { reason };
    let mut archive =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| not_xlsx(e.to_string()))?;
    let mut left = MAX_INFLATED_BYTES;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| not_xlsx(e.to_string()))?;
        let unpacked = std::io::copy(&mut entry.take(left + 1), &mut std::io::sink())
            .map_err(|e| not_xlsx(e.to_string()))?;
        if unpacked > left {
            return Err(not_xlsx(format!(
                "it unpacks to more than {} MiB; a form is far smaller",
                MAX_INFLATED_BYTES / (1024 * 1024)
            )));
        }
        left -= unpacked;
    }
    Ok(())
}

/// Reads the workbook's sheets as text. The sheets a form reader looks at (survey,
/// choices, settings, in any case, or the only sheet, which may be the survey) are read
/// whole; other sheets are listed with no rows.
pub fn workbook_from_xlsx(bytes: &[u8]) -> Result<Workbook, FormError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return super::xls::workbook_from_xls(bytes);
    }
    check_inflated_size(bytes)?;
    let mut xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| FormError::NotXlsx {
        reason: e.to_string(),
    })?;
    let names = xlsx.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    let only = names.len() == 1;
    for name in names {
        let rows = if only || is_read(&name) {
            read_rows(&mut xlsx, &name)?
        } else {
            Vec::new()
        };
        sheets.push(Sheet { name, rows });
    }
    Ok(Workbook { sheets })
}

/// The text cells of a workbook's first sheet (a roster an officer typed in Excel),
/// under the same bounds as a form's sheets. An Excel 97-2003 `.xls` is refused: save it
/// as .xlsx.
pub fn first_sheet_rows(bytes: &[u8]) -> Result<Vec<Vec<String>>, FormError> {
    if bytes.starts_with(&OLE_MAGIC) {
        return Err(FormError::NotXlsx {
            reason: "an Excel 97-2003 (.xls) file: save it as .xlsx".into(),
        });
    }
    check_inflated_size(bytes)?;
    let mut xlsx = Xlsx::new(Cursor::new(bytes)).map_err(|e| FormError::NotXlsx {
        reason: e.to_string(),
    })?;
    match xlsx.sheet_names().first() {
        Some(name) => read_rows(&mut xlsx, &name.clone()),
        None => Ok(Vec::new()),
    }
}

/// Whether the form reader needs a sheet's cells (see [`READ_SHEETS`]).
pub(super) fn is_read(sheet: &str) -> bool {
    READ_SHEETS
        .iter()
        .any(|w| sheet.trim().eq_ignore_ascii_case(w))
}

fn read_rows(xlsx: &mut Xlsx<Cursor<&[u8]>>, name: &str) -> Result<Vec<Vec<String>>, FormError> {
    let sheet_error = |reason: String| sheet_error(name, reason);
    let mut reader = match xlsx.worksheet_cells_reader(name) {
        Ok(reader) => reader,
        // A chart sheet named "survey" holds no cells.
        Err(XlsxError::NotAWorksheet(_)) => return Ok(Vec::new()),
        Err(e) => return Err(sheet_error(e.to_string())),
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(e.to_string()))? {
        let (row, col) = cell.get_position();
        let text = cell_text(&Data::from(cell.get_value().clone()));
        place(&mut rows, row, col, text).map_err(sheet_error)?;
    }
    Ok(rows)
}

/// A sheet that could not be read, and why.
pub(super) fn sheet_error(sheet: &str, reason: String) -> FormError {
    FormError::Sheet {
        sheet: sheet.to_owned(),
        reason,
    }
}

/// Puts a cell's text at its place in `rows` (from 0), refusing a cell longer than Excel
/// allows or placed beyond what a form may use. Empty cells are skipped.
pub(super) fn place(
    rows: &mut Vec<Vec<String>>,
    row: u32,
    col: u32,
    text: String,
) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let chars = text.chars().count();
    if chars > MAX_CELL_CHARS {
        return Err(format!(
            "the cell at row {} column {} has {chars} characters; a cell may have at most {MAX_CELL_CHARS} (Excel's own limit)",
            u64::from(row) + 1,
            u64::from(col) + 1
        ));
    }
    if row >= MAX_ROWS || col >= MAX_COLUMNS {
        return Err(format!(
            "a cell at row {} column {} is beyond what a form may use ({MAX_ROWS} rows, {MAX_COLUMNS} columns)",
            u64::from(row) + 1,
            u64::from(col) + 1
        ));
    }
    let (row, col) = (row as usize, col as usize);
    if rows.len() <= row {
        rows.resize_with(row + 1, Vec::new);
    }
    let cells = &mut rows[row];
    if cells.len() <= col {
        cells.resize_with(col + 1, String::new);
    }
    cells[col] = text;
    Ok(())
}

/// A cell as the text its author sees: whole numbers without a decimal point, dates as
/// ISO 8601, booleans as TRUE/FALSE.
pub(super) fn cell_text(data: &Data) -> String {
    match data {
        Data::Empty => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_owned(),
        Data::DateTime(dt) => {
            let serial = dt.as_f64();
            if dt.is_duration() || !(0.0..LAST_EXCEL_DAY).contains(&serial) {
                return number_text(serial);
            }
            let (y, mo, d, h, mi, s, milli) = dt.to_ymd_hms_milli();
            let Some(at) = chrono::NaiveDate::from_ymd_opt(y.into(), mo.into(), d.into())
                .and_then(|day| day.and_hms_opt(h.into(), mi.into(), s.into()))
            else {
                return number_text(serial);
            };
            // To the nearest second, as Excel shows it (and pyxform reads it): the serial
            // is a fraction of a day, so 09:29:21 is often stored as 09:29:20.999.
            let at = at + chrono::TimeDelta::seconds(i64::from(milli >= 500));
            match (serial < 1.0, at.time() == chrono::NaiveTime::MIN) {
                (true, _) => at.format("%H:%M:%S").to_string(),
                (false, true) => at.format("%Y-%m-%d").to_string(),
                (false, false) => at.format("%Y-%m-%dT%H:%M:%S").to_string(),
            }
        }
        Data::Error(e) => e.to_string(),
    }
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        f.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_as_their_author_wrote_them() {
        assert_eq!(cell_text(&Data::Float(1.0)), "1");
        assert_eq!(cell_text(&Data::Float(2024010101.0)), "2024010101");
        assert_eq!(cell_text(&Data::Float(0.5)), "0.5");
        assert_eq!(cell_text(&Data::Float(f64::NAN)), "NaN");
        assert_eq!(cell_text(&Data::Int(-3)), "-3");
        assert_eq!(cell_text(&Data::Bool(true)), "TRUE");
    }

    #[test]
    fn date_and_time_cells_read_to_the_nearest_second_as_excel_shows_them() {
        use calamine::{ExcelDateTime, ExcelDateTimeType::DateTime};
        let cell =
            |serial: f64| cell_text(&Data::DateTime(ExcelDateTime::new(serial, DateTime, false)));
        // 2024-05-05 09:29:21 is stored as 45417.39538194444, a hair under the second.
        let stored = 45417.0 + (9.0 * 3600.0 + 29.0 * 60.0 + 21.0) / 86400.0 - 1e-9;
        assert_eq!(cell(stored), "2024-05-05T09:29:21");
        // A time that rounds up to midnight becomes the next day's date.
        assert_eq!(cell(45417.0 - 1e-7), "2024-05-05");
        assert_eq!(cell(45417.5), "2024-05-05T12:00:00");
        assert_eq!(cell(0.25), "06:00:00");
        assert_eq!(cell(45417.0), "2024-05-05");
    }

    /// The example household survey with `change` applied to each part's bytes.
    fn rewritten(change: impl Fn(&str, Vec<u8>) -> Vec<u8>) -> Vec<u8> {
        use std::io::Write;
        let original = include_bytes!("../../forms/household_survey.xlsx");
        let mut archive = zip::ZipArchive::new(Cursor::new(&original[..])).unwrap();
        let mut writer = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated);
        for i in 0..archive.len() {
            let mut entry = archive.by_index(i).unwrap();
            let name = entry.name().unwrap().to_string();
            let mut part = Vec::new();
            entry.read_to_end(&mut part).unwrap();
            writer.start_file(name.as_str(), options).unwrap();
            writer.write_all(&change(&name, part)).unwrap();
        }
        writer.finish().unwrap().into_inner()
    }

    #[test]
    fn a_workbook_that_unpacks_past_the_bound_is_refused_before_it_is_read() {
        assert!(workbook_from_xlsx(&rewritten(|_, part| part)).is_ok());
        // 65 MiB of spaces appended to a part: about 64 KiB packed.
        let bomb = rewritten(|name, mut part| {
            if name == "docProps/app.xml" {
                part.resize(part.len() + 65 * 1024 * 1024, b' ');
            }
            part
        });
        assert!(bomb.len() < 1024 * 1024, "{} bytes", bomb.len());
        match workbook_from_xlsx(&bomb) {
            Err(FormError::NotXlsx { reason }) => assert!(reason.contains("64 MiB"), "{reason}"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_cell_longer_than_excel_allows_is_refused_with_its_place() {
        let long = "á".repeat(MAX_CELL_CHARS + 1);
        let crafted = rewritten(|name, part| {
            if name != "xl/sharedStrings.xml" {
                return part;
            }
            // The first shared string (a survey header) becomes the long text.
            let xml = String::from_utf8(part).unwrap();
            let start = xml.find("<t>").or_else(|| xml.find("<t ")).unwrap();
            let open_end = xml[start..].find('>').unwrap() + start + 1;
            let close = xml[open_end..].find("</t>").unwrap() + open_end;
            format!("{}{long}{}", &xml[..open_end], &xml[close..]).into_bytes()
        });
        match workbook_from_xlsx(&crafted) {
            Err(FormError::Sheet { reason, .. }) => {
                assert!(reason.contains("32768 characters"), "{reason}");
                assert!(reason.contains("at most 32767"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        assert!(matches!(
            workbook_from_xlsx(b"not a zip"),
            Err(FormError::NotXlsx { .. })
        ));
        assert!(matches!(
            workbook_from_xlsx(&[]),
            Err(FormError::NotXlsx { .. })
        ));
    }
}
