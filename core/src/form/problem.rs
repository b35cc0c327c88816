//! A problem found in a form, located the way its author sees the spreadsheet.

use serde::{Deserialize, Serialize};

/// One problem in a form, with the sheet, row and column where the author can fix it.
/// Checking a form collects every problem at once instead of stopping at the first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Problem {
    /// Sheet name (`survey`, `choices`, `settings`), or empty for a problem with the file itself.
    pub sheet: String,
    /// 1-based spreadsheet row (the header is row 1), or 0 when not tied to a row.
    pub row: u32,
    /// Column header (`relevant`, `constraint`, `name`...), or empty when not tied to a column.
    pub column: String,
    /// What is wrong, in words a form author understands.
    pub message: String,
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match (self.sheet.is_empty(), self.row, self.column.is_empty()) {
            (true, _, _) => write!(f, "{}", self.message),
            (false, 0, true) => write!(f, "{}: {}", self.sheet, self.message),
            (false, 0, false) => write!(
                f,
                "{}, column {}: {}",
                self.sheet, self.column, self.message
            ),
            (false, row, true) => write!(f, "{} row {}: {}", self.sheet, row, self.message),
            (false, row, false) => write!(
                f,
                "{} row {}, column {}: {}",
                self.sheet, row, self.column, self.message
            ),
        }
    }
}
