//! A survey or choices sheet as a table: the header row classified once, then each row's
//! cells looked up by meaning, trimmed and in NFC (expressions with "smart" quotes made
//! plain).

use super::columns::{Column, SheetKind, TextKind, classify, language};
use super::grid::Sheet;
use super::{Language, Media, Problem, Source, Texts};
use crate::text::nfc;

/// A sheet with its header row understood.
pub(crate) struct Table<'a> {
    sheet: &'a Sheet,
    /// 0-based index of the header row (the first row that is not blank).
    header_row: usize,
    /// Each column's index, meaning and header text as written.
    columns: Vec<(usize, Column, String)>,
}

/// One data row of a [`Table`].
pub(crate) struct Row<'t, 'a> {
    table: &'t Table<'a>,
    /// 0-based row index in the sheet.
    index: usize,
}

impl<'a> Table<'a> {
    /// Reads the header row; a column given twice is a problem (the first one is used).
    pub(crate) fn new(sheet: &'a Sheet, kind: SheetKind, problems: &mut Vec<Problem>) -> Table<'a> {
        let header_row = (0..sheet.rows.len())
            .find(|&r| !sheet.row_is_blank(r))
            .unwrap_or(0);
        let mut columns: Vec<(usize, Column, String)> = Vec::new();
        let headers = sheet
            .rows
            .get(header_row)
            .map(Vec::as_slice)
            .unwrap_or_default();
        for (col, raw) in headers.iter().enumerate() {
            let header = nfc(raw.trim());
            let column = classify(&header, kind);
            if column == Column::Ignored {
                continue;
            }
            if let Some((_, _, first)) = columns.iter().find(|(_, c, _)| *c == column) {
                problems.push(Problem {
                    sheet: sheet.name.clone(),
                    row: row_number(header_row),
                    column: header.clone(),
                    message: format!("column '{header}' means the same as column '{first}'; keep only one of them"),
                });
                continue;
            }
            columns.push((col, column, header));
        }
        Table {
            sheet,
            header_row,
            columns,
        }
    }

    /// The sheet's name, for problems.
    pub(crate) fn sheet_name(&self) -> &str {
        &self.sheet.name
    }

    /// True when some column means `column`.
    pub(crate) fn has(&self, column: &Column) -> bool {
        self.columns.iter().any(|(_, c, _)| c == column)
    }

    /// The 1-based number of the header row.
    pub(crate) fn header_row_number(&self) -> u32 {
        row_number(self.header_row)
    }

    /// The languages named in translated column headers, in column order.
    pub(crate) fn languages(&self) -> Vec<Language> {
        let mut out: Vec<Language> = Vec::new();
        for (_, column, _) in &self.columns {
            let Column::Text(_, lang) = column else {
                continue;
            };
            if !lang.is_empty() && !out.iter().any(|known| &known.name == lang) {
                out.push(language(lang));
            }
        }
        out
    }

    /// The data rows below the header that are not blank.
    pub(crate) fn rows(&self) -> impl Iterator<Item = Row<'_, 'a>> {
        (self.header_row + 1..self.sheet.rows.len())
            .filter(|&r| !self.sheet.row_is_blank(r))
            .map(move |index| Row { table: self, index })
    }
}

impl Row<'_, '_> {
    /// The 1-based spreadsheet row.
    pub(crate) fn number(&self) -> u32 {
        row_number(self.index)
    }

    /// Where this row is, for the model.
    pub(crate) fn source(&self) -> Source {
        Source {
            sheet: self.table.sheet.name.clone(),
            row: self.number(),
        }
    }

    /// The cell of the column meaning `column`, trimmed and in NFC (an expression with
    /// plain quotes); `None` when the column is absent or the cell is blank.
    pub(crate) fn get(&self, column: &Column) -> Option<String> {
        let (col, _, _) = self.table.columns.iter().find(|(_, c, _)| c == column)?;
        let text = self.cell(*col)?;
        Some(if column.is_expression() {
            plain_quotes(text)
        } else {
            text
        })
    }

    fn cell(&self, col: usize) -> Option<String> {
        let text = self.table.sheet.cell(self.index, col).trim();
        (!text.is_empty()).then(|| nfc(text))
    }

    /// The header of the column meaning `column` as its author wrote it (or its usual
    /// header when the sheet lacks it), for problems.
    pub(crate) fn header(&self, column: &Column) -> String {
        self.table
            .columns
            .iter()
            .find(|(_, c, _)| c == column)
            .map_or_else(|| column.usual_header().to_owned(), |(_, _, h)| h.clone())
    }

    /// The texts of one translated column, in every language it is given in.
    pub(crate) fn texts(&self, kind: TextKind) -> Texts {
        let mut texts = Texts::default();
        for (col, column, _) in &self.table.columns {
            if let Column::Text(k, lang) = column
                && *k == kind
                && let Some(text) = self.cell(*col)
            {
                texts.0.insert(lang.clone(), text);
            }
        }
        texts
    }

    /// The media of this row's label, in every kind and language given.
    pub(crate) fn media(&self) -> Media {
        let mut media = Media::default();
        for (col, column, _) in &self.table.columns {
            if let Column::Media(kind, lang) = column
                && let Some(file) = self.cell(*col)
            {
                media.of_mut(*kind).0.insert(lang.clone(), file);
            }
        }
        media
    }

    /// Each `Extra` column's header with this row's value (blank cells left out).
    pub(crate) fn extras(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.table
            .columns
            .iter()
            .filter_map(|(col, column, _)| match column {
                Column::Extra(name) => self.cell(*col).map(|v| (name.clone(), v)),
                _ => None,
            })
    }

    /// A problem at this row in the column meaning `column`.
    pub(crate) fn problem(&self, column: &Column, message: String) -> Problem {
        Problem {
            sheet: self.table.sheet.name.clone(),
            row: self.number(),
            column: self.header(column),
            message,
        }
    }
}

/// The text with the "smart" quotes a spreadsheet's autocorrect types (‘ ’ “ ”) made
/// plain (' and "), as pyxform does: `${a} = ‘yes’` is meant as `${a} = 'yes'`. (pyxform
/// does it in every cell; labels keep them here, where they are typography.)
fn plain_quotes(text: String) -> String {
    if !text.contains(['\u{2018}', '\u{2019}', '\u{201C}', '\u{201D}']) {
        return text;
    }
    text.chars()
        .map(|c| match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c,
        })
        .collect()
}

fn row_number(index: usize) -> u32 {
    u32::try_from(index + 1).unwrap_or(u32::MAX)
}
