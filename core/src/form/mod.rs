//! Survey forms: the XLSForm model that every other part of the core works from, how it
//! is read (from .xlsx and from its canonical JSON) and how it is checked.

mod attach;
mod check;
mod choices;
mod columns;
mod error;
pub mod grid;
mod ids;
mod json;
mod load;
mod loops;
mod media;
mod model;
mod problem;
mod read;
mod settings;
mod specify_other;
mod survey;
mod table;
mod types;
mod walk;
mod warnings;
#[cfg(feature = "xlsx")]
mod xls;
#[cfg(feature = "xlsx")]
mod xlsx;

pub(crate) use attach::is_file_list;
pub use attach::{Attachments, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENT_ROWS, needed_files};
pub use check::is_valid_name;
pub use error::FormError;
pub use ids::{MAX_FORM_ID_CHARS, MAX_VERSION_CHARS, is_valid_form_id, is_valid_version};
pub(crate) use load::sort_problems;
pub use load::{load_json, load_json_with};
#[cfg(feature = "xlsx")]
pub use load::{load_xlsx, load_xlsx_named, load_xlsx_with};
pub use media::Media;
pub(crate) use model::is_dynamic_default;
pub use model::{
    Choice, ChoiceList, DataTable, Field, FieldKind, Form, Group, Language, MetaKind, Node, Repeat,
    Source, Texts,
};
pub use problem::Problem;
pub use read::{ReadForm, read_workbook, read_workbook_with};
pub(crate) use warnings::warnings;
#[cfg(feature = "xlsx")]
pub use xlsx::{first_sheet_rows, workbook_from_xlsx};

/// Reads an XLSForm .xlsx file. Structural problems are collected in
/// [`ReadForm::problems`]; a file that is not a readable workbook is an error. Without a
/// form_id in the settings sheet, that is one of the problems (see [`read_xlsx_named`]).
#[cfg(feature = "xlsx")]
pub fn read_xlsx(bytes: &[u8]) -> Result<ReadForm, FormError> {
    read_xlsx_named(bytes, None)
}

/// Like [`read_xlsx`], with a form id to use when the settings sheet has none (the
/// command-line checker passes the file's name, as pyxform does).
#[cfg(feature = "xlsx")]
pub fn read_xlsx_named(bytes: &[u8], fallback_id: Option<&str>) -> Result<ReadForm, FormError> {
    Ok(read_workbook(&workbook_from_xlsx(bytes)?, fallback_id))
}
