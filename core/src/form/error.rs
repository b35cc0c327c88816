//! Why a form could not be read or loaded.

use super::Problem;

/// A form that could not be read or loaded. A file that is not a spreadsheet at all, or
/// JSON that is not a form, fails as a whole; a readable form with mistakes fails with
/// [`FormError::Invalid`] listing every problem at once, so the author can fix them all
/// in one pass.
#[derive(Debug, thiserror::Error)]
pub enum FormError {
    /// The bytes are not a readable .xlsx workbook (not a zip, corrupt, or missing parts).
    #[error("not a readable .xlsx workbook: {reason}")]
    NotXlsx {
        /// What the spreadsheet reader said.
        reason: String,
    },
    /// One sheet of an otherwise readable workbook could not be read.
    #[error("sheet '{sheet}' could not be read: {reason}")]
    Sheet {
        /// The sheet's name.
        sheet: String,
        /// What the spreadsheet reader said.
        reason: String,
    },
    /// The text is not the canonical JSON of a form.
    #[error("not a form in Branchbook's JSON format (line {line}, column {column}): {reason}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What is wrong.
        reason: String,
    },
    /// The form was read but has problems; every one found is listed.
    #[error("the form has {} problem(s); first: {}", problems.len(), first(problems))]
    Invalid {
        /// Every problem, in sheet and row order.
        problems: Vec<Problem>,
    },
}

fn first(problems: &[Problem]) -> String {
    problems
        .first()
        .map(ToString::to_string)
        .unwrap_or_default()
}

impl From<serde_json::Error> for FormError {
    fn from(e: serde_json::Error) -> Self {
        FormError::Json {
            line: e.line(),
            column: e.column(),
            reason: e.to_string(),
        }
    }
}
