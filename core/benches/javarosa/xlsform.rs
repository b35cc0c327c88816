//! Writes a [`Form`] back out as an XLSForm workbook (survey, choices and settings
//! sheets), so a form built in code (the engine benchmark's generated form) can be given
//! to pyxform and so to ODK's engine. Only the comparison needs this direction.

use branchbook_core::form::{Field, FieldKind, Form, MetaKind, Node, Texts};
use rust_xlsxwriter::{Workbook, XlsxError};

/// The survey sheet's columns whose text is one cell (not one per language).
const PLAIN: [&str; 8] = [
    "required",
    "relevant",
    "constraint",
    "calculation",
    "default",
    "read_only",
    "choice_filter",
    "appearance",
];
/// Per-language columns of the survey sheet.
const TRANSLATED: [&str; 4] = ["label", "hint", "required_message", "constraint_message"];

/// One survey row: column name -> cell.
type Row = Vec<(String, String)>;

/// The .xlsx bytes of `form` as an XLSForm.
pub fn to_xlsx(form: &Form) -> Result<Vec<u8>, XlsxError> {
    let w = Writer {
        languages: form.languages.iter().map(|l| l.name.clone()).collect(),
    };
    let mut survey = Vec::new();
    w.nodes(&form.body, &mut survey);
    let mut book = Workbook::new();
    write_sheet(&mut book, "survey", &survey)?;

    let choices: Vec<Row> = form
        .choices
        .values()
        .flat_map(|list| {
            list.choices.iter().map(|c| {
                let mut row = vec![
                    ("list_name".to_owned(), list.name.clone()),
                    ("name".to_owned(), c.name.clone()),
                ];
                w.translated(&mut row, "label", &c.label);
                row.extend(c.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
                row
            })
        })
        .collect();
    write_sheet(&mut book, "choices", &choices)?;

    let settings = vec![
        ("form_id".to_owned(), form.id.clone()),
        ("version".to_owned(), form.version.clone()),
        ("form_title".to_owned(), form.title.clone()),
        (
            "default_language".to_owned(),
            form.default_language.clone().unwrap_or_default(),
        ),
        (
            "instance_name".to_owned(),
            form.instance_name.clone().unwrap_or_default(),
        ),
    ];
    write_sheet(&mut book, "settings", &[settings])?;
    book.save_to_buffer()
}

/// Writes survey rows; knows the form's languages to order the text columns.
struct Writer {
    languages: Vec<String>,
}

impl Writer {
    fn nodes(&self, nodes: &[Node], out: &mut Vec<Row>) {
        for node in nodes {
            match node {
                Node::Field(f) => out.push(self.field(f)),
                Node::Group(g) => {
                    let mut row = vec![
                        ("type".to_owned(), "begin group".to_owned()),
                        ("name".to_owned(), g.name.clone()),
                    ];
                    self.translated(&mut row, "label", &g.label);
                    plain(&mut row, "relevant", &g.relevant);
                    plain(&mut row, "appearance", &g.appearance);
                    out.push(row);
                    self.nodes(&g.children, out);
                    out.push(vec![("type".to_owned(), "end group".to_owned())]);
                }
                Node::Repeat(r) => {
                    let mut row = vec![
                        ("type".to_owned(), "begin repeat".to_owned()),
                        ("name".to_owned(), r.name.clone()),
                    ];
                    self.translated(&mut row, "label", &r.label);
                    plain(&mut row, "relevant", &r.relevant);
                    plain(&mut row, "appearance", &r.appearance);
                    plain(&mut row, "repeat_count", &r.repeat_count);
                    out.push(row);
                    self.nodes(&r.children, out);
                    out.push(vec![("type".to_owned(), "end repeat".to_owned())]);
                }
            }
        }
    }

    fn field(&self, f: &Field) -> Row {
        let mut row = vec![
            ("type".to_owned(), type_name(&f.kind)),
            ("name".to_owned(), f.name.clone()),
        ];
        for (column, texts) in TRANSLATED.into_iter().zip([
            &f.label,
            &f.hint,
            &f.required_message,
            &f.constraint_message,
        ]) {
            self.translated(&mut row, column, texts);
        }
        let cells = [
            &f.required,
            &f.relevant,
            &f.constraint,
            &f.calculation,
            &f.default,
            &f.read_only,
            &f.choice_filter,
            &f.appearance,
        ];
        for (column, value) in PLAIN.into_iter().zip(cells) {
            plain(&mut row, column, value);
        }
        if !f.parameters.is_empty() {
            let params: Vec<String> = f
                .parameters
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            row.push(("parameters".to_owned(), params.join(" ")));
        }
        row
    }

    /// `label` for the language-less text, `label::Tiếng Việt (vi)` for a language; in the
    /// form's language order, so the workbook reads back with the same languages.
    fn translated(&self, row: &mut Row, column: &str, texts: &Texts) {
        let rank = |lang: &str| {
            self.languages
                .iter()
                .position(|l| l == lang)
                .map_or(usize::MAX, |i| i + 1)
        };
        let mut entries: Vec<(&String, &String)> = texts.0.iter().collect();
        entries.sort_by_key(|(lang, _)| if lang.is_empty() { 0 } else { rank(lang) });
        for (lang, text) in entries {
            let name = if lang.is_empty() {
                column.to_owned()
            } else {
                format!("{column}::{lang}")
            };
            row.push((name, text.clone()));
        }
    }
}

/// The `type` cell of a field.
fn type_name(kind: &FieldKind) -> String {
    let with_list = |t: &str, list: &str, or_other: bool| {
        if or_other {
            format!("{t} {list} or_other")
        } else {
            format!("{t} {list}")
        }
    };
    match kind {
        FieldKind::Text => "text".into(),
        FieldKind::Integer => "integer".into(),
        FieldKind::Decimal => "decimal".into(),
        FieldKind::SelectOne { list, or_other } => with_list("select_one", list, *or_other),
        FieldKind::SelectMultiple { list, or_other } => {
            with_list("select_multiple", list, *or_other)
        }
        FieldKind::Rank { list } => format!("rank {list}"),
        FieldKind::Date => "date".into(),
        FieldKind::Time => "time".into(),
        FieldKind::DateTime => "dateTime".into(),
        FieldKind::Geopoint => "geopoint".into(),
        FieldKind::Geotrace => "geotrace".into(),
        FieldKind::Geoshape => "geoshape".into(),
        FieldKind::Image => "image".into(),
        FieldKind::Barcode => "barcode".into(),
        FieldKind::Audio => "audio".into(),
        FieldKind::Video => "video".into(),
        FieldKind::Note => "note".into(),
        FieldKind::Acknowledge => "acknowledge".into(),
        FieldKind::Calculate => "calculate".into(),
        FieldKind::Hidden => "hidden".into(),
        FieldKind::Meta(m) => match m {
            MetaKind::Start => "start",
            MetaKind::End => "end",
            MetaKind::Today => "today",
            MetaKind::DeviceId => "deviceid",
            MetaKind::Username => "username",
            MetaKind::PhoneNumber => "phonenumber",
            MetaKind::SimSerial => "simserial",
            MetaKind::SubscriberId => "subscriberid",
            MetaKind::Email => "email",
            MetaKind::Audit => "audit",
            MetaKind::StartGeopoint => "start-geopoint",
        }
        .into(),
    }
}

fn plain(row: &mut Row, column: &str, value: &Option<String>) {
    if let Some(v) = value {
        row.push((column.to_owned(), v.clone()));
    }
}

/// A sheet with a header of every column used, in first-use order.
fn write_sheet(book: &mut Workbook, name: &str, rows: &[Row]) -> Result<(), XlsxError> {
    let mut header: Vec<&str> = Vec::new();
    for (column, _) in rows.iter().flatten() {
        if !header.contains(&column.as_str()) {
            header.push(column);
        }
    }
    let sheet = book.add_worksheet();
    sheet.set_name(name)?;
    for (col, title) in (0u16..).zip(&header) {
        sheet.write_string(0, col, *title)?;
        for (r, row) in (1u32..).zip(rows) {
            if let Some((_, value)) = row.iter().find(|(c, _)| c == title) {
                sheet.write_string(r, col, value)?;
            }
        }
    }
    Ok(())
}
