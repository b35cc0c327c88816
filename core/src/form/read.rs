//! A workbook of text cells to a form: the survey, choices and settings sheets put
//! together, languages settled, and every structural problem collected.

use std::collections::BTreeMap;

use super::attach::{Attachments, attach};
use super::check::check;
use super::choices::read_choices;
use super::columns::{Column, SheetKind, language};
use super::grid::Workbook;
use super::ids::{mapped_note, stored_form_id, stored_version};
use super::settings::read_settings;
use super::specify_other::add_specify_other;
use super::survey::read_survey;
use super::table::Table;
use super::{Form, Language, Node, Problem, Texts};

/// A form as read, with the structural problems found in it. Problems do not stop the
/// reading: the form holds everything that could be understood.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadForm {
    /// The form.
    pub form: Form,
    /// Every structural problem, in sheet and row order; empty when the form is sound.
    pub problems: Vec<Problem>,
    /// What does not stop the form from loading but its author should know, located
    /// like problems: what the reader changed without refusing it (a form id written
    /// `Field-List` is stored as `field_list`), and what is likely not what was meant (a
    /// choice without a label...). The engine adds its own when it compiles (see
    /// [`CompiledForm::warnings`](crate::engine::CompiledForm::warnings)).
    pub warnings: Vec<Problem>,
    /// Names of survey rows left out of the form because their type is refused
    /// (`osm`, `audio`...): a reference to one is not reported again as unknown.
    pub refused: Vec<String>,
}

/// The sheet names XLSForm gives a meaning to (pyxform's `SUPPORTED_SHEET_NAMES`).
const XLSFORM_SHEETS: [&str; 6] = [
    "survey",
    "choices",
    "settings",
    "external_choices",
    "entities",
    "osm",
];

/// Sheets other tools use for features Branchbook does not have.
const REFUSED_SHEETS: [(&str, &str); 1] = [(
    "entities",
    "the entities sheet (creating or updating entity lists) is not supported",
)];

/// Reads a form from a workbook's cells. `fallback_id` names the form when the settings
/// sheet has no form_id (pyxform uses the file name).
pub fn read_workbook(book: &Workbook, fallback_id: Option<&str>) -> ReadForm {
    read_workbook_with(book, fallback_id, &Attachments::new())
}

/// Like [`read_workbook`], with the files attached to the form (see
/// [`Attachments`](super::Attachments)): each one the form names is read into it, each
/// one missing is a problem.
pub fn read_workbook_with(
    book: &Workbook,
    fallback_id: Option<&str>,
    files: &Attachments,
) -> ReadForm {
    let mut problems = Vec::new();
    // The choices first: a survey's loops go over them.
    let mut choices: BTreeMap<String, super::ChoiceList> = BTreeMap::new();
    let mut choice_languages = Vec::new();
    if let Some(sheet) = book.sheet("choices") {
        let table = Table::new(sheet, SheetKind::Choices, &mut problems);
        choice_languages = table.languages();
        choices = read_choices(&table, &mut problems);
    }
    // `select_one_external` lists: the same columns as the choices sheet, kept apart
    // because ODK reads them from a file made from this sheet. A name on both sheets
    // names two lists, as in pyxform: `select_one` rows read the choices sheet's,
    // `select_one_external` rows the other (see `types::external_list`).
    if let Some(sheet) = book.sheet("external_choices") {
        let table = Table::new(sheet, SheetKind::Choices, &mut problems);
        for (name, list) in read_choices(&table, &mut problems) {
            let key = if choices.contains_key(&name) {
                super::types::external_key(&name)
            } else {
                name
            };
            choices.insert(key, list);
        }
    }
    let mut languages: Vec<Language> = Vec::new();
    let mut body = Vec::new();
    let mut refused = Vec::new();
    let mut warnings = Vec::new();
    // As in pyxform: a workbook whose only sheet has no XLSForm sheet's name (`Sheet1`)
    // holds the survey.
    let only = match book.sheets.as_slice() {
        [sheet] if !XLSFORM_SHEETS.contains(&sheet.name.trim().to_lowercase().as_str()) => {
            warnings.push(Problem {
                sheet: sheet.name.clone(),
                row: 0,
                column: String::new(),
                message: "the workbook's only sheet is read as the survey sheet, as pyxform does: name it 'survey'".into(),
            });
            Some(sheet)
        }
        _ => None,
    };
    match book.sheet("survey").or(only) {
        None => {
            let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
            problems.push(Problem {
                sheet: String::new(),
                row: 0,
                column: String::new(),
                message: format!(
                    "the workbook has no 'survey' sheet (its sheets: {}); an XLSForm needs one",
                    if names.is_empty() {
                        "none".into()
                    } else {
                        names.join(", ")
                    }
                ),
            });
        }
        Some(sheet) => {
            let table = Table::new(sheet, SheetKind::Survey, &mut problems);
            for column in [Column::Type, Column::Name] {
                if !table.has(&column) {
                    problems.push(Problem {
                        sheet: table.sheet_name().to_owned(),
                        row: table.header_row_number(),
                        column: column.usual_header().to_owned(),
                        message: format!(
                            "the survey sheet has no '{}' column",
                            column.usual_header()
                        ),
                    });
                }
            }
            languages = table.languages();
            (body, refused) = read_survey(&table, &choices, &mut problems);
        }
    }
    for lang in choice_languages {
        if !languages.iter().any(|l| l.name == lang.name) {
            languages.push(lang);
        }
    }
    for (name, why) in REFUSED_SHEETS {
        if let Some(sheet) = book
            .sheet(name)
            .filter(|s| s.rows.iter().flatten().any(|c| !c.trim().is_empty()))
        {
            problems.push(Problem {
                sheet: sheet.name.clone(),
                row: 0,
                column: String::new(),
                message: why.into(),
            });
        }
    }
    let settings = book
        .sheet("settings")
        .map(read_settings)
        .unwrap_or_default();
    let written_id = settings
        .form_id
        .or_else(|| fallback_id.map(str::to_owned))
        .unwrap_or_default();
    let id = stored_form_id(&written_id);
    let written_version = settings.version.unwrap_or_default();
    let version = stored_version(&written_version);
    warnings.extend(
        [
            mapped_note("form_id", &written_id, &id),
            mapped_note("version", &written_version, &version),
        ]
        .into_iter()
        .flatten(),
    );
    let mut form = Form {
        title: settings
            .form_title
            .unwrap_or_else(|| written_id.trim().to_owned()),
        id,
        version,
        default_language: None,
        languages,
        instance_name: settings.instance_name,
        body,
        choices,
        allow_choice_duplicates: settings.allow_choice_duplicates,
        data: Default::default(),
    };
    if let Some(default) = settings.default_language {
        form.default_language = Some(settle_default_language(&mut form, default));
    }
    // After the languages are settled, so the follow-ups are labelled in each of them.
    add_specify_other(&mut form);
    problems.extend(attach(&mut form, files));
    // Problems not tied to a row name sheets by role: use the author's sheet names.
    let locate = |mut p: Problem| {
        if let Some(sheet) = book.sheet(&p.sheet) {
            p.sheet = sheet.name.clone();
        }
        if p.row == 0 && p.sheet == settings.sheet {
            p.row = settings.row;
        }
        p
    };
    problems.extend(check(&form).into_iter().map(locate));
    warnings.extend(super::warnings(&form));
    warnings = warnings.into_iter().map(locate).collect();
    sort(&mut problems, book);
    sort(&mut warnings, book);
    ReadForm {
        form,
        problems,
        warnings,
        refused,
    }
}

/// The default language's name as the form's texts use it. It may be given by name or by
/// code (`vi`); when it names none of the header languages, the columns without a
/// language (`label`) are in it, as in pyxform.
fn settle_default_language(form: &mut Form, default: String) -> String {
    let found = form.languages.iter().find(|l| {
        l.name == default
            || l.name.eq_ignore_ascii_case(&default)
            || l.code.as_deref() == Some(default.as_str())
    });
    if let Some(lang) = found {
        return lang.name.clone();
    }
    let mut untagged = false;
    each_texts(form, &mut |t| untagged |= t.0.contains_key(""));
    if untagged {
        each_texts(form, &mut |t| {
            if let Some(text) = t.0.remove("") {
                t.0.insert(default.clone(), text);
            }
        });
        form.languages.insert(0, language(&default));
    }
    default
}

/// Calls `f` on every translated text of the form.
fn each_texts(form: &mut Form, f: &mut dyn FnMut(&mut Texts)) {
    fn walk(nodes: &mut [Node], f: &mut dyn FnMut(&mut Texts)) {
        for node in nodes {
            match node {
                Node::Field(field) => {
                    for t in [
                        &mut field.label,
                        &mut field.hint,
                        &mut field.required_message,
                        &mut field.constraint_message,
                    ] {
                        f(t);
                    }
                }
                Node::Group(g) => {
                    f(&mut g.label);
                    walk(&mut g.children, f);
                }
                Node::Repeat(r) => {
                    f(&mut r.label);
                    walk(&mut r.children, f);
                }
            }
        }
    }
    walk(&mut form.body, f);
    for list in form.choices.values_mut() {
        for choice in &mut list.choices {
            f(&mut choice.label);
        }
    }
}

/// Orders problems by sheet (as in the workbook) then row, keeping the order found
/// within a row.
fn sort(problems: &mut [Problem], book: &Workbook) {
    let rank = |sheet: &str| {
        if sheet.is_empty() {
            return 0;
        }
        book.sheets
            .iter()
            .position(|s| s.name == sheet)
            .map_or(usize::MAX, |i| i + 1)
    };
    problems.sort_by_key(|p| (rank(&p.sheet), p.row));
}
