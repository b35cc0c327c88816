//! A workbook as plain text cells. The .xlsx reader produces it and the XLSForm reader
//! consumes it, so turning cells into a form can be tested (and property-tested) without
//! spreadsheet files.

/// The sheets of a workbook, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workbook {
    /// Every sheet; sheets the form reader does not use may be listed with no rows.
    pub sheets: Vec<Sheet>,
}

/// One sheet: its name and its cells as text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sheet {
    /// The name on the sheet's tab.
    pub name: String,
    /// `rows[i]` is spreadsheet row `i + 1`; `rows[i][j]` is column `j` (A = 0). Rows may
    /// be shorter than others; missing cells are empty.
    pub rows: Vec<Vec<String>>,
}

impl Workbook {
    /// The sheet whose name is `name`, ignoring case and surrounding spaces (form authors
    /// write `Survey`, `SURVEY`, `survey `).
    pub fn sheet(&self, name: &str) -> Option<&Sheet> {
        self.sheets
            .iter()
            .find(|s| s.name.trim().eq_ignore_ascii_case(name))
    }
}

impl Sheet {
    /// A sheet from string rows (handy for building forms in code and tests).
    pub fn new(name: &str, rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: name.to_owned(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
                .collect(),
        }
    }

    /// The cell at 0-based `row` and `col`, or `""` when outside the sheet.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }

    /// True when every cell of 0-based `row` is blank.
    pub fn row_is_blank(&self, row: usize) -> bool {
        self.rows
            .get(row)
            .is_none_or(|r| r.iter().all(|c| c.trim().is_empty()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheets_are_found_ignoring_case_and_spaces() {
        let wb = Workbook {
            sheets: vec![Sheet::new("SURVEY ", &[]), Sheet::new("Choices", &[])],
        };
        assert_eq!(wb.sheet("survey").map(|s| s.name.as_str()), Some("SURVEY "));
        assert_eq!(
            wb.sheet("choices").map(|s| s.name.as_str()),
            Some("Choices")
        );
        assert!(wb.sheet("settings").is_none());
    }

    #[test]
    fn cells_outside_the_sheet_are_empty() {
        let s = Sheet::new("survey", &[&["type", "name"], &["text"]]);
        assert_eq!(s.cell(0, 1), "name");
        assert_eq!(s.cell(1, 1), "");
        assert_eq!(s.cell(9, 9), "");
        assert!(!s.row_is_blank(1));
        assert!(s.row_is_blank(5));
    }
}
