//! Loading a form: read it, then compile it with the engine, and report every problem of
//! both steps at once, so an author fixes them all in one pass.

use super::Attachments;
use super::check::check;
use super::{Form, FormError, Problem};
use crate::engine::CompiledForm;

/// Reads an XLSForm .xlsx file and compiles it: the form ready to fill, with its
/// [`warnings`](CompiledForm::warnings), or [`FormError::Invalid`] with every structural
/// and expression problem.
#[cfg(feature = "xlsx")]
pub fn load_xlsx(bytes: &[u8]) -> Result<CompiledForm, FormError> {
    load_xlsx_named(bytes, None)
}

/// Like [`load_xlsx`], with a form id for when the settings sheet has none.
#[cfg(feature = "xlsx")]
pub fn load_xlsx_named(bytes: &[u8], fallback_id: Option<&str>) -> Result<CompiledForm, FormError> {
    load_xlsx_with(bytes, fallback_id, &Attachments::new())
}

/// Like [`load_xlsx_named`], with the files attached to the form (CSV for
/// `select_one_from_file` and `pulldata()`, GeoJSON for `select_one_from_file`).
#[cfg(feature = "xlsx")]
pub fn load_xlsx_with(
    bytes: &[u8],
    fallback_id: Option<&str>,
    files: &Attachments,
) -> Result<CompiledForm, FormError> {
    let book = super::workbook_from_xlsx(bytes)?;
    let read = super::read::read_workbook_with(&book, fallback_id, files);
    compile(read.form, read.problems, &read.refused).map(|c| c.with_warnings(read.warnings))
}

/// Reads a form's canonical JSON and compiles it, checking it as thoroughly as a
/// spreadsheet (the JSON may come from anywhere).
pub fn load_json(json: &str) -> Result<CompiledForm, FormError> {
    load_json_with(json, &Attachments::new())
}

/// Like [`load_json`], with the files attached to the form: the lists and tables read
/// from them replace what the JSON carried, so a form is always filled with the files
/// it travels with (what the server does with a form uploaded as JSON).
pub fn load_json_with(json: &str, files: &Attachments) -> Result<CompiledForm, FormError> {
    let mut form = Form::from_json(json)?;
    let mut problems = if files.is_empty() {
        Vec::new()
    } else {
        super::attach::attach(&mut form, files)
    };
    problems.extend(check(&form));
    problems.extend(super::attach::missing_tables(&form));
    let warnings = super::warnings(&form);
    compile(form, problems, &[]).map(|c| c.with_warnings(warnings))
}

/// Compiles a form read with `problems`; `refused` names rows the reader left out (a
/// reference to one is the same mistake again, not a new one).
fn compile(
    form: Form,
    mut problems: Vec<Problem>,
    refused: &[String],
) -> Result<CompiledForm, FormError> {
    match CompiledForm::compile(form) {
        Ok(compiled) if problems.is_empty() => Ok(compiled),
        Ok(_) => Err(FormError::Invalid { problems }),
        Err(more) => {
            // One problem per cell: where the reader already refused a cell (pulldata(),
            // say), the engine's view of the same text adds nothing.
            let cells: Vec<(String, u32, String)> = problems
                .iter()
                .map(|p| (p.sheet.clone(), p.row, p.column.clone()))
                .collect();
            let cascades = |p: &Problem| {
                refused.iter().any(|name| {
                    p.message
                        .starts_with(&format!("unknown question ${{{name}}} "))
                })
            };
            problems.extend(more.into_iter().filter(|p| {
                !cells.contains(&(p.sheet.clone(), p.row, p.column.clone())) && !cascades(p)
            }));
            sort_problems(&mut problems);
            Err(FormError::Invalid { problems })
        }
    }
}

/// Workbook-wide problems first, then the survey, choices and settings sheets, each by
/// row; the order found is kept within a row.
pub(crate) fn sort_problems(problems: &mut [Problem]) {
    let rank = |sheet: &str| match sheet.trim().to_lowercase().as_str() {
        "" => 0,
        "survey" => 1,
        "choices" => 2,
        "settings" => 3,
        _ => 4,
    };
    problems.sort_by_key(|p| (rank(&p.sheet), p.row));
}
