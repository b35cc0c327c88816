//! Excel 97-2003 `.xls` bytes to a [`Workbook`] of text cells, as pyxform reads them.
//!
//! calamine reads an .xls whole when it opens it, and lays each sheet out as a full
//! rectangle from its first to its last cell: two cells at opposite corners of a sheet
//! would make it allocate 65,536 × 256 cells. So the workbook's cell records are counted
//! first, straight from its BIFF stream, and a workbook whose sheets span more than
//! [`MAX_XLS_CELLS`] is refused before calamine sees it. A sheet's DIMENSIONS record (its
//! used range, which calamine reserves room for) that is not a range of an Excel sheet,
//! as some tools write (rows up to 1,048,576), is first set to the sheet's real span.

use std::io::{Cursor, Read};

use calamine::{Reader, Xls};

use super::FormError;
use super::grid::{Sheet, Workbook};
use super::xlsx::{cell_text, is_read, place, sheet_error};

/// Most cells the rectangles of all sheets may cover together: far above a form with a
/// province's villages (thousands of rows, tens of columns), far below a phone's memory.
const MAX_XLS_CELLS: u64 = 2_000_000;

fn not_xls(reason: impl std::fmt::Display) -> FormError {
    FormError::NotXlsx {
        reason: format!("an Excel 97-2003 workbook (.xls) that cannot be read: {reason}"),
    }
}

/// Reads an .xls workbook's sheets as text: the sheets a form reader looks at whole, the
/// others by name only (as [`super::workbook_from_xlsx`] does for .xlsx).
pub fn workbook_from_xls(bytes: &[u8]) -> Result<Workbook, FormError> {
    let mut stream = workbook_stream(bytes)?;
    let repaired = repair_dimensions(&mut stream);
    let spanned = spanned_in_biff(&stream).map_err(not_xls)?;
    if spanned > MAX_XLS_CELLS {
        return Err(not_xls(format!(
            "its sheets span {spanned} cells; a form may span at most {MAX_XLS_CELLS}"
        )));
    }
    let rebuilt;
    let bytes = if repaired {
        rebuilt = with_workbook_stream(&stream).map_err(not_xls)?;
        &rebuilt[..]
    } else {
        bytes
    };
    // calamine's .xls reader is third-party code run on whatever a user uploads: a panic
    // inside it (a record it did not expect) is this workbook's refusal, not a crash.
    std::panic::catch_unwind(|| read_sheets(bytes))
        .unwrap_or_else(|_| Err(not_xls("its records are malformed")))
}

/// An OLE file holding `stream` as its Workbook stream (all calamine reads), and a
/// small empty-ish stream: calamine refuses a root entry without a mini stream.
fn with_workbook_stream(stream: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new()))?;
    std::io::Write::write_all(&mut ole.create_stream("/Workbook")?, stream)?;
    std::io::Write::write_all(&mut ole.create_stream("/Branchbook")?, b"repaired")?;
    ole.flush()?;
    Ok(ole.into_inner().into_inner())
}

/// The sheets of an .xls whose span was checked, read by calamine.
fn read_sheets(bytes: &[u8]) -> Result<Workbook, FormError> {
    let mut xls = Xls::new(Cursor::new(bytes)).map_err(not_xls)?;
    let names = xls.sheet_names();
    let mut sheets = Vec::with_capacity(names.len());
    // The only sheet may be the survey, whatever its name (as in pyxform).
    let only = names.len() == 1;
    for name in names {
        let mut rows = Vec::new();
        if only || is_read(&name) {
            let range = xls
                .worksheet_range(&name)
                .map_err(|e| sheet_error(&name, e.to_string()))?;
            let (row0, col0) = range.start().unwrap_or((0, 0));
            for (r, c, data) in range.used_cells() {
                let (Ok(r), Ok(c)) = (u32::try_from(r), u32::try_from(c)) else {
                    continue;
                };
                place(
                    &mut rows,
                    row0.saturating_add(r),
                    col0.saturating_add(c),
                    cell_text(data),
                )
                .map_err(|e| sheet_error(&name, e))?;
            }
        }
        sheets.push(Sheet { name, rows });
    }
    Ok(Workbook { sheets })
}

/// The BIFF stream of an .xls (its Workbook, or for Excel 5, Book stream).
fn workbook_stream(bytes: &[u8]) -> Result<Vec<u8>, FormError> {
    let mut file = cfb::CompoundFile::open(Cursor::new(bytes)).map_err(not_xls)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|n| file.is_stream(n))
        .ok_or_else(|| not_xls("it has no Workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .map_err(not_xls)?
        // A stream is never longer than the file that holds it.
        .take(bytes.len() as u64)
        .read_to_end(&mut stream)
        .map_err(not_xls)?;
    Ok(stream)
}

/// One BIFF record: its type and where its data lies in the stream; `None` past the end
/// or at a record cut short.
fn record_at(stream: &[u8], at: usize) -> Option<(u16, std::ops::Range<usize>)> {
    let word = |at: usize| {
        stream
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let (kind, len) = (word(at)?, usize::from(word(at + 2)?));
    let data = at + 4..at + 4 + len;
    stream.get(data.clone())?;
    Some((kind, data))
}

/// Rows and columns seen in one substream: (first row, last row, first col, last col).
type Span = Option<(u32, u32, u32, u32)>;

fn widen(span: &mut Span, row: u32, first: u32, last: u32) {
    let (r0, r1, c0, c1) = span.get_or_insert((row, row, first, last));
    *r0 = (*r0).min(row);
    *r1 = (*r1).max(row);
    *c0 = (*c0).min(first);
    *c1 = (*c1).max(last);
}

/// Widens `span` by a cell record (or a MULRK's row of cells).
fn widen_by(span: &mut Span, kind: u16, data: &[u8]) {
    let u16_at = |at: usize| {
        data.get(at..at + 2)
            .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
    };
    if CELL_RECORDS.contains(&kind) {
        if let (Some(row), Some(col)) = (u16_at(0), u16_at(2)) {
            widen(span, row, col, col);
        }
    } else if kind == MULRK
        && let (Some(row), Some(first), Some(last)) = (
            u16_at(0),
            u16_at(2),
            data.len().checked_sub(2).and_then(u16_at),
        )
    {
        widen(span, row, first.min(last), first.max(last));
    }
}

/// Sets every DIMENSIONS record that is not a range of an Excel sheet to the span of its
/// sheet's cells (nothing when it has none); true when one was set.
fn repair_dimensions(stream: &mut [u8]) -> bool {
    let mut repaired = false;
    let mut dims: Option<std::ops::Range<usize>> = None;
    let mut span: Span = None;
    let mut at = 0usize;
    let mut finish = |stream: &mut [u8], dims: Option<std::ops::Range<usize>>, span: Span| {
        if let Some(range) = dims
            && check_dimensions(&stream[range.clone()]).is_err()
        {
            let (r0, r1, c0, c1) =
                span.map_or((0, 0, 0, 0), |(r0, r1, c0, c1)| (r0, r1 + 1, c0, c1 + 1));
            let data = &mut stream[range];
            if data.len() == 10 {
                for (i, v) in [r0, r1, c0, c1].into_iter().enumerate() {
                    let v = u16::try_from(v).unwrap_or(u16::MAX);
                    data[2 * i..2 * i + 2].copy_from_slice(&v.to_le_bytes());
                }
            } else {
                data[0..4].copy_from_slice(&r0.to_le_bytes());
                data[4..8].copy_from_slice(&r1.to_le_bytes());
                for (i, v) in [c0, c1].into_iter().enumerate() {
                    let v = u16::try_from(v).unwrap_or(u16::MAX);
                    data[8 + 2 * i..10 + 2 * i].copy_from_slice(&v.to_le_bytes());
                }
            }
            repaired = true;
        }
    };
    while let Some((kind, data)) = record_at(stream, at) {
        at = data.end;
        match kind {
            DIMENSIONS => dims = Some(data),
            BOF | EOF => finish(stream, dims.take(), span.take()),
            _ => widen_by(&mut span, kind, &stream[data]),
        }
    }
    finish(stream, dims, span);
    repaired
}

/// BIFF record types that name a cell by row and column (BIFF5 and BIFF8), as calamine
/// keeps them: blank cells (BLANK, MULBLANK), which only carry formatting, are skipped.
const CELL_RECORDS: [u16; 7] = [
    0x0006, // FORMULA
    0x0203, // NUMBER
    0x0204, // LABEL
    0x0205, // BOOLERR
    0x027E, // RK
    0x00FD, // LABELSST
    0x00D6, // RSTRING
];
/// MULRK: one row, a first and a last column.
const MULRK: u16 = 0x00BD;
const DIMENSIONS: u16 = 0x0200;
const BOF: u16 = 0x0809;
const EOF: u16 = 0x000A;

/// The cells spanned by the sheets of a BIFF stream (see [`spanned_cells`]); records cut
/// short end the count where they start. A DIMENSIONS record (the used range a sheet
/// declares, which calamine reserves room for) must be a range within Excel's 65,536
/// rows and 256 columns.
fn spanned_in_biff(stream: &[u8]) -> Result<u64, String> {
    fn area(span: Span) -> u64 {
        span.map_or(0, |(r0, r1, c0, c1)| {
            u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1)
        })
    }
    let mut total = 0u64;
    let mut span: Span = None;
    let mut at = 0usize;
    while let Some((kind, data)) = record_at(stream, at) {
        at = data.end;
        let data = &stream[data];
        if kind == DIMENSIONS {
            check_dimensions(data)?;
        } else if kind == BOF || kind == EOF {
            total = total.saturating_add(area(span.take()));
        } else {
            widen_by(&mut span, kind, data);
        }
    }
    Ok(total.saturating_add(area(span)))
}

/// A DIMENSIONS record read as calamine reads it (BIFF5: 16-bit rows; BIFF8: 32-bit),
/// refused when its last row or column comes before its first, or it declares more rows
/// or columns than Excel has.
fn check_dimensions(data: &[u8]) -> Result<(), String> {
    let u16_at = |at: usize| u32::from(u16::from_le_bytes([data[at], data[at + 1]]));
    let u32_at =
        |at: usize| u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
    let (first_row, row_end, mut first_col, col_end) = match data.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        // calamine refuses other lengths itself.
        _ => return Ok(()),
    };
    if first_col > 0xFF || col_end < first_col {
        first_col = 0;
    }
    let empty = row_end == 0 || col_end == 0;
    if !empty && (row_end <= first_row || row_end > 65_536 || col_end <= first_col || col_end > 256)
    {
        return Err(format!(
            "a sheet declares rows {first_row} to {row_end} and columns {first_col} to {col_end}, which is not a range of an Excel sheet"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn cell(kind: u16, row: u16, col: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(col.to_le_bytes());
        data.extend([0u8; 6]);
        record(kind, &data)
    }

    #[test]
    fn the_span_of_each_sheet_is_counted_from_its_cell_records() {
        let mut biff = record(BOF, &[0; 16]);
        biff.extend(cell(0x0203, 0, 0));
        biff.extend(cell(0x00FD, 9, 4));
        biff.extend(record(EOF, &[]));
        assert_eq!(spanned_in_biff(&biff), Ok(10 * 5));
        // A second sheet with one MULRK over columns 2..=7 of row 3, and blank cells far
        // away (formatting only: not cells to calamine).
        biff.extend(record(BOF, &[0; 16]));
        let mut mul = 3u16.to_le_bytes().to_vec();
        mul.extend(2u16.to_le_bytes());
        mul.extend([0u8; 12]);
        mul.extend(7u16.to_le_bytes());
        biff.extend(record(MULRK, &mul));
        biff.extend(cell(0x0201, 60_000, 200));
        biff.extend(record(0x00BE, &mul));
        biff.extend(record(EOF, &[]));
        assert_eq!(spanned_in_biff(&biff), Ok(50 + 6));
    }

    #[test]
    fn two_far_cells_span_the_whole_sheet_and_are_refused_before_reading() {
        let mut biff = record(BOF, &[0; 16]);
        biff.extend(cell(0x0203, 0, 0));
        biff.extend(cell(0x0203, 65_535, 255));
        assert_eq!(spanned_in_biff(&biff), Ok(65_536 * 256));
        // The same stream in an OLE file, as Excel writes it: refused before calamine.
        let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        std::io::Write::write_all(&mut ole.create_stream("/Workbook").unwrap(), &biff).unwrap();
        let bytes = ole.into_inner().into_inner();
        assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]));
        match workbook_from_xls(&bytes) {
            Err(FormError::NotXlsx { reason }) => {
                assert!(reason.contains("span 16777216 cells"), "{reason}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn dimensions_that_are_not_a_sheet_range_are_refused() {
        let dims = |rows: (u32, u32), cols: (u16, u16)| {
            let mut d = rows.0.to_le_bytes().to_vec();
            d.extend(rows.1.to_le_bytes());
            d.extend(cols.0.to_le_bytes());
            d.extend(cols.1.to_le_bytes());
            d.extend([0, 0]);
            record(DIMENSIONS, &d)
        };
        assert_eq!(spanned_in_biff(&dims((0, 10), (0, 5))), Ok(0));
        assert_eq!(
            spanned_in_biff(&dims((0, 0), (0, 0))),
            Ok(0),
            "an empty sheet"
        );
        // Last row before the first: calamine would subtract past zero.
        assert!(spanned_in_biff(&dims((10, 5), (0, 5))).is_err());
        // More rows than Excel has: calamine would reserve room for them.
        let err = spanned_in_biff(&dims((0, u32::MAX), (0, 5))).unwrap_err();
        assert!(err.contains("not a range of an Excel sheet"), "{err}");
        assert!(spanned_in_biff(&dims((0, 10), (0, 300))).is_err());
    }

    /// A cell the test writer puts in a sheet.
    enum Cell<'a> {
        Text(&'a str),
        Number(f64),
    }
    use Cell::{Number, Text};

    /// An XLSForm as Excel 97-2003 stores it (BIFF8 records in an OLE file's Workbook
    /// stream), written here so the project owns its .xls: shared strings (SST and
    /// LABELSST, as Excel writes text) on the first sheet, inline LABEL records on the
    /// others, a NUMBER, Latin-1 and UTF-16 strings, and a Workbook stream of more than
    /// 4,096 bytes, as Excel writes it (kept out of the OLE file's mini stream: calamine
    /// 0.38 cannot find a Workbook stream of a few kB stored in the mini stream).
    fn form_xls() -> Vec<u8> {
        let mut survey = vec![
            vec![
                Text("type"),
                Text("name"),
                Text("label"),
                Text("label::Tiếng Việt (vi)"),
            ],
            vec![
                Text("text"),
                Text("head"),
                Text("Head of household"),
                Text("Chủ hộ"),
            ],
            vec![
                Text("select_one yn"),
                Text("water"),
                Text("Clean water?"),
                Text("Nước sạch?"),
            ],
        ];
        let names: Vec<String> = (1..=120).map(|i| format!("q{i}")).collect();
        survey.extend(
            names
                .iter()
                .map(|n| vec![Text("integer"), Text(n), Text(n), Text(n)]),
        );
        let choices = vec![
            vec![
                Text("list_name"),
                Text("name"),
                Text("label"),
                Text("label::Tiếng Việt (vi)"),
            ],
            vec![Text("yn"), Text("yes"), Text("Yes"), Text("Có")],
            vec![Text("yn"), Text("no"), Text("No"), Text("Không")],
        ];
        let settings = vec![
            vec![Text("form_id"), Text("version"), Text("default_language")],
            vec![
                Text("xls_form"),
                Number(2_025_061_201.0),
                Text("Tiếng Việt (vi)"),
            ],
        ];
        biff8_workbook(&[
            ("survey", survey),
            ("choices", choices),
            ("settings", settings),
        ])
    }

    /// An XLUnicodeString: Latin-1 bytes when every character fits, else UTF-16.
    fn unicode_string(text: &str, wide_count: bool) -> Vec<u8> {
        let chars = text.chars().count();
        let mut out = if wide_count {
            (chars as u16).to_le_bytes().to_vec()
        } else {
            vec![chars as u8]
        };
        if text.chars().all(|c| u32::from(c) < 0x100) {
            out.push(0);
            out.extend(text.chars().map(|c| c as u8));
        } else {
            out.push(1);
            out.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        }
        out
    }

    /// A BIFF8 workbook of the given sheets, in an OLE file.
    fn biff8_workbook(sheets: &[(&str, Vec<Vec<Cell<'_>>>)]) -> Vec<u8> {
        let bof = |kind: u16| {
            let mut d = 0x0600u16.to_le_bytes().to_vec();
            d.extend(kind.to_le_bytes());
            d.extend([0u8; 12]);
            record(BOF, &d)
        };
        let mut strings: Vec<&str> = Vec::new();
        for row in &sheets[0].1 {
            for cell in row {
                if let Text(t) = cell
                    && !strings.contains(t)
                {
                    strings.push(t);
                }
            }
        }
        let mut globals = bof(0x0005);
        let mut bound_at = Vec::new();
        for (name, _) in sheets {
            let mut d = vec![0u8; 4];
            d.extend([0, 0]);
            d.extend(unicode_string(name, false));
            bound_at.push(globals.len() + 4);
            globals.extend(record(0x0085, &d));
        }
        let mut sst = (strings.len() as u32).to_le_bytes().to_vec();
        sst.extend((strings.len() as u32).to_le_bytes());
        for s in &strings {
            sst.extend(unicode_string(s, true));
        }
        globals.extend(record(0x00FC, &sst));
        globals.extend(record(EOF, &[]));
        let mut stream = globals;
        for (i, (_, rows)) in sheets.iter().enumerate() {
            let at = stream.len() as u32;
            stream[bound_at[i]..bound_at[i] + 4].copy_from_slice(&at.to_le_bytes());
            stream.extend(bof(0x0010));
            let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
            let mut dims = 0u32.to_le_bytes().to_vec();
            dims.extend((rows.len() as u32).to_le_bytes());
            dims.extend(0u16.to_le_bytes());
            dims.extend((cols as u16).to_le_bytes());
            dims.extend([0, 0]);
            stream.extend(record(DIMENSIONS, &dims));
            for (r, row) in rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let mut d = (r as u16).to_le_bytes().to_vec();
                    d.extend((c as u16).to_le_bytes());
                    d.extend(0u16.to_le_bytes());
                    let kind = match cell {
                        Number(n) => {
                            d.extend(n.to_le_bytes());
                            0x0203
                        }
                        Text(t) if i == 0 => {
                            let index = strings.iter().position(|s| s == t).unwrap();
                            d.extend((index as u32).to_le_bytes());
                            0x00FD
                        }
                        Text(t) => {
                            d.extend(unicode_string(t, true));
                            0x0204
                        }
                    };
                    stream.extend(record(kind, &d));
                }
            }
            stream.extend(record(EOF, &[]));
        }
        assert!(stream.len() > 4096);
        let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        std::io::Write::write_all(&mut ole.create_stream("/Workbook").unwrap(), &stream).unwrap();
        // Excel's files always hold small streams too (the document's summary), so their
        // root has a mini stream, which calamine requires.
        let summary = ole.create_stream("/\u{5}SummaryInformation").unwrap();
        std::io::Write::write_all(&mut { summary }, &[0xFE, 0xFF, 0, 0]).unwrap();
        ole.flush().unwrap();
        ole.into_inner().into_inner()
    }

    #[test]
    fn an_xls_reads_as_written_and_loads_as_a_form() {
        let bytes = form_xls();
        assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]));
        let book = workbook_from_xls(&bytes).unwrap();
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["survey", "choices", "settings"]);
        let survey = &book.sheets[0];
        assert_eq!(survey.rows.len(), 123);
        assert_eq!(
            survey.rows[1],
            ["text", "head", "Head of household", "Chủ hộ"]
        );
        assert_eq!(book.sheets[1].rows[2], ["yn", "no", "No", "Không"]);
        // A number cell reads as pyxform reads it: no ".0".
        assert_eq!(book.sheets[2].rows[1][1], "2025061201");
        let form = super::super::read_xlsx(&bytes).unwrap().form;
        assert_eq!(form.id, "xls_form");
        assert_eq!(form.version, "2025061201");
    }

    #[test]
    fn an_xls_reads_and_mangled_copies_never_panic() {
        let real = form_xls();
        assert!(workbook_from_xls(&real).is_ok());
        // Deterministic damage: bytes overwritten at pseudo-random places, or the file cut.
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for round in 0..200 {
            let mut bytes = real.clone();
            if round % 5 == 0 {
                bytes.truncate(next() as usize % real.len());
            } else {
                for _ in 0..1 + round % 8 {
                    let at = next() as usize % bytes.len();
                    bytes[at] = next() as u8;
                }
            }
            let outcome = std::panic::catch_unwind(|| workbook_from_xls(&bytes).is_ok());
            assert!(outcome.is_ok(), "round {round} panicked");
        }
    }

    #[test]
    fn dimensions_past_excels_rows_are_set_to_the_sheets_span_and_the_workbook_reads() {
        let real = form_xls();
        let expected = workbook_from_xls(&real).unwrap();
        // Every sheet now declares 1,048,576 rows and 256 columns, as some tools write.
        let mut stream = workbook_stream(&real).unwrap();
        let mut at = 0;
        let mut declared = 0;
        while let Some((kind, data)) = record_at(&stream, at) {
            at = data.end;
            if kind == DIMENSIONS && data.len() == 14 {
                stream[data.start + 4..data.start + 8].copy_from_slice(&1_048_576u32.to_le_bytes());
                stream[data.start + 10..data.start + 12].copy_from_slice(&256u16.to_le_bytes());
                declared += 1;
            }
        }
        assert!(declared > 0);
        assert!(spanned_in_biff(&stream).is_err(), "refused as it stands");
        let bytes = with_workbook_stream(&stream).unwrap();
        assert_eq!(workbook_from_xls(&bytes).unwrap(), expected);
    }

    #[test]
    fn cut_records_and_garbage_end_the_count_without_panicking() {
        let mut biff = cell(0x0203, 4, 4);
        biff.extend([0x03, 0x02, 0xFF]);
        assert_eq!(spanned_in_biff(&biff), Ok(1));
        assert_eq!(spanned_in_biff(&[]), Ok(0));
        assert_eq!(spanned_in_biff(&record(MULRK, &[1])), Ok(0));
        let mut ole = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        ole.resize(2048, 0);
        assert!(matches!(
            workbook_from_xls(&ole),
            Err(FormError::NotXlsx { .. })
        ));
    }
}
