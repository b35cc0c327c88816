//! The layout of a form version's submissions: a main table with one row per submission
//! (the server's `bb:` columns, then a column per question; a `select_multiple` also gets
//! one 0/1 column per choice, a GPS position four columns), and for each repeat a table
//! with one row per instance, linked by submission id and position (`2.1` for the first
//! instance of a repeat inside the second instance of another). Answers are read from the
//! submission's `data`, nested by group and repeat name.

use branchbook_core::form::{Field, FieldKind, Form, MetaKind, Node, Texts};
use branchbook_core::i18n::UiLanguage;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::Value;

use super::{Cell, META_PREFIX, Names, Sheet, Table, corrections_cell, review_cell};
use crate::model::StoredRecord;

/// How a question's answer becomes cells.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Shape {
    /// Text, or whatever the value is.
    Plain,
    /// A number.
    Number,
    /// A date (`YYYY-MM-DD`).
    Date,
    /// An instant (RFC 3339).
    Time,
    /// One choice of a list.
    One(String),
    /// Choices of a list: the choices in one column, then a 0/1 column per choice.
    Many(String),
    /// Every choice of a list in her order (`rank`): one column, first ranked first.
    Ranked(String),
    /// A GPS position: latitude, longitude, altitude, accuracy.
    Position,
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// A question's answer (path of names from the row's root).
    Answer { path: Vec<String>, shape: Shape },
    /// 1 when a `select_multiple` answer contains the choice.
    Choice { path: Vec<String>, choice: String },
    /// One part of a GPS position.
    Position {
        path: Vec<String>,
        part: &'static str,
    },
    /// Number of instances of a repeat.
    RepeatCount { path: Vec<String> },
}

/// The parts of a GPS position, in column order.
const POSITION_PARTS: [&str; 4] = ["latitude", "longitude", "altitude", "accuracy"];

impl Column {
    fn header(&self) -> String {
        match self {
            Column::Answer { path, .. } => path.join("/"),
            Column::Choice { path, choice } => format!("{}:{choice}", path.join("/")),
            Column::Position { path, part } => format!("{}:{part}", path.join("/")),
            Column::RepeatCount { path } => format!("{}:count", path.join("/")),
        }
    }
}

/// The server's columns in front of a submission's answers.
const MAIN_META: &[&str] = &[
    "submission_id",
    "revision",
    "instance_name",
    "branch",
    "commune",
    "sender",
    "device",
    "household",
    "started_at",
    "finalized_at",
    "received_at",
    "review_state",
    "complete",
    "corrected",
];

/// The server's columns in front of a repeat instance's answers.
const REPEAT_META: &[&str] = &["submission_id", "position"];

/// One table: its columns, and for a repeat the names from the root to it.
struct Part {
    columns: Vec<Column>,
    repeat_path: Option<Vec<String>>,
}

/// A form version's submissions laid out as tables (see the module's doc).
pub struct FormTable {
    form: std::sync::Arc<Form>,
    labels: bool,
    language: Option<String>,
    names: Names,
    sheets: Vec<Sheet>,
    parts: Vec<Part>,
}

fn shape(field: &Field) -> Option<Shape> {
    Some(match &field.kind {
        FieldKind::Note => return None,
        FieldKind::Integer | FieldKind::Decimal => Shape::Number,
        FieldKind::Date | FieldKind::Meta(MetaKind::Today) => Shape::Date,
        FieldKind::DateTime | FieldKind::Meta(MetaKind::Start | MetaKind::End) => Shape::Time,
        FieldKind::SelectOne { list, .. } => Shape::One(list.clone()),
        FieldKind::SelectMultiple { list, .. } => Shape::Many(list.clone()),
        FieldKind::Rank { list } => Shape::Ranked(list.clone()),
        FieldKind::Geopoint | FieldKind::Meta(MetaKind::StartGeopoint) => Shape::Position,
        _ => Shape::Plain,
    })
}

/// Every repeat under `nodes` (nested ones too, outer first) with its path of names.
fn repeats(nodes: &[Node], prefix: &[String], out: &mut Vec<(Vec<String>, Vec<Node>)>) {
    for node in nodes {
        let mut path = prefix.to_vec();
        path.push(node.name().to_owned());
        match node {
            Node::Repeat(r) => {
                out.push((path.clone(), r.children.clone()));
                repeats(&r.children, &path, out);
            }
            Node::Group(g) => repeats(&g.children, &path, out),
            Node::Field(_) => {}
        }
    }
}

impl FormTable {
    /// The tables of `form`'s submissions: choice names, or labels in the form's default
    /// language when `labels`; `names` names branches, communes and senders.
    pub fn new(form: std::sync::Arc<Form>, labels: bool, names: Names) -> FormTable {
        let language = form
            .default_language
            .clone()
            .or_else(|| form.languages.first().map(|l| l.name.clone()));
        let mut table = FormTable {
            form,
            labels,
            language,
            names,
            sheets: Vec::new(),
            parts: Vec::new(),
        };
        let mut main = Vec::new();
        table.collect(&table.form.body, &[], &mut main);
        table.add(table.form.id.clone(), MAIN_META, main, None);
        let mut found = Vec::new();
        repeats(&table.form.body, &[], &mut found);
        for (path, children) in found {
            let mut columns = Vec::new();
            table.collect(&children, &[], &mut columns);
            let name = path.last().cloned().unwrap_or_default();
            table.add(name, REPEAT_META, columns, Some(path));
        }
        table
    }

    fn add(
        &mut self,
        name: String,
        meta: &[&str],
        columns: Vec<Column>,
        repeat_path: Option<Vec<String>>,
    ) {
        let header = meta
            .iter()
            .map(|m| format!("{META_PREFIX}{m}"))
            .chain(columns.iter().map(Column::header))
            .collect();
        self.sheets.push(Sheet { name, header });
        self.parts.push(Part {
            columns,
            repeat_path,
        });
    }

    /// The index of the table of the repeat named `name`, if the form has one.
    pub fn repeat_sheet(&self, name: &str) -> Option<usize> {
        self.parts.iter().position(|p| {
            p.repeat_path
                .as_ref()
                .and_then(|path| path.last())
                .is_some_and(|last| last == name)
        })
    }

    fn collect(&self, nodes: &[Node], prefix: &[String], out: &mut Vec<Column>) {
        for node in nodes {
            let mut path = prefix.to_vec();
            path.push(node.name().to_owned());
            match node {
                Node::Field(field) => match shape(field) {
                    None => {}
                    Some(Shape::Position) => {
                        out.extend(POSITION_PARTS.iter().map(|part| Column::Position {
                            path: path.clone(),
                            part,
                        }))
                    }
                    Some(Shape::Many(list)) => {
                        out.push(Column::Answer {
                            path: path.clone(),
                            shape: Shape::Many(list.clone()),
                        });
                        for choice in self
                            .form
                            .choices
                            .get(&list)
                            .map(|l| l.choices.as_slice())
                            .unwrap_or_default()
                        {
                            out.push(Column::Choice {
                                path: path.clone(),
                                choice: choice.name.clone(),
                            });
                        }
                    }
                    Some(shape) => out.push(Column::Answer { path, shape }),
                },
                Node::Group(group) => self.collect(&group.children, &path, out),
                Node::Repeat(_) => out.push(Column::RepeatCount { path }),
            }
        }
    }

    fn text(&self, texts: &Texts) -> Option<String> {
        let lang = self.language.as_deref().unwrap_or("");
        texts
            .0
            .get(lang)
            .or_else(|| texts.0.get(""))
            .or_else(|| texts.0.values().next())
            .cloned()
    }

    fn choice_text(&self, list: &str, name: &str) -> String {
        if !self.labels {
            return name.to_owned();
        }
        self.form
            .choices
            .get(list)
            .and_then(|l| l.choices.iter().find(|c| c.name == name))
            .and_then(|c| self.text(&c.label))
            .unwrap_or_else(|| name.to_owned())
    }

    fn answer(&self, value: Option<&Value>, shape: &Shape) -> Cell {
        match (shape, value) {
            (_, None | Some(Value::Null)) => Cell::Empty,
            (Shape::Number, Some(Value::Number(n))) => n
                .as_i64()
                .map_or_else(|| n.as_f64().map_or(Cell::Empty, Cell::Number), Cell::Int),
            (Shape::Date, Some(Value::String(s))) => NaiveDate::parse_from_str(s, "%Y-%m-%d")
                .map_or_else(|_| Cell::text(s.as_str()), Cell::Date),
            (Shape::Time, Some(Value::String(s))) => DateTime::parse_from_rfc3339(s).map_or_else(
                |_| Cell::text(s.as_str()),
                |t| Cell::Time(t.with_timezone(&Utc)),
            ),
            (Shape::One(list), Some(Value::String(s))) => Cell::text(self.choice_text(list, s)),
            (Shape::Many(list) | Shape::Ranked(list), value) => {
                let separator = if self.labels { "; " } else { " " };
                Cell::text(
                    selected(value)
                        .iter()
                        .map(|name| self.choice_text(list, name))
                        .collect::<Vec<_>>()
                        .join(separator),
                )
            }
            (_, Some(Value::Bool(b))) => Cell::flag(*b),
            (_, Some(Value::Number(n))) => n
                .as_i64()
                .map_or_else(|| n.as_f64().map_or(Cell::Empty, Cell::Number), Cell::Int),
            (_, Some(Value::String(s))) => Cell::text(s.as_str()),
            (_, Some(other)) => Cell::text(other.to_string()),
        }
    }

    fn cells(&self, columns: &[Column], root: &Value) -> Vec<Cell> {
        columns
            .iter()
            .map(|column| match column {
                Column::Answer { path, shape } => self.answer(lookup(root, path), shape),
                Column::Choice { path, choice } => {
                    Cell::flag(selected(lookup(root, path)).iter().any(|c| c == choice))
                }
                Column::Position { path, part } => lookup(root, path)
                    .and_then(|p| p.get(*part))
                    .and_then(Value::as_f64)
                    .map_or(Cell::Empty, Cell::Number),
                Column::RepeatCount { path } => match lookup(root, path) {
                    Some(Value::Array(items)) => Cell::Int(items.len() as i64),
                    _ => Cell::Int(0),
                },
            })
            .collect()
    }
}

impl Table for FormTable {
    fn sheets(&self) -> &[Sheet] {
        &self.sheets
    }

    fn rows(&self, record: &StoredRecord, sheet: usize) -> Vec<Vec<Cell>> {
        let Some(part) = self.parts.get(sheet) else {
            return Vec::new();
        };
        let body = &record.body;
        let data = body.get("data").unwrap_or(&Value::Null);
        let id = Cell::Text(record.summary.uuid.to_string());
        match &part.repeat_path {
            None => {
                let s = &record.summary;
                let time = |name: &str| self.answer(body.get(name), &Shape::Time);
                let mut row = vec![
                    id,
                    Cell::Int(i64::from(s.revision)),
                    Cell::text(s.display_name(&self.form.title, UiLanguage::Vi)),
                    Cell::text(self.names.area(s.branch_id)),
                    Cell::text(self.names.commune_of(s.branch_id)),
                    Cell::text(self.names.sender(s)),
                    Cell::text(self.names.device(s.device_id)),
                    s.household
                        .map_or(Cell::Empty, |h| Cell::Text(h.to_string())),
                    time("started_at"),
                    time("finalized_at"),
                    Cell::Time(s.received_at),
                    review_cell(s.review_state),
                    Cell::flag(s.complete),
                    corrections_cell(&record.corrections),
                ];
                row.extend(self.cells(&part.columns, data));
                vec![row]
            }
            Some(path) => {
                let mut instances = Vec::new();
                walk(data, path, Vec::new(), &mut instances);
                instances
                    .into_iter()
                    .map(|(positions, instance)| {
                        let position = positions
                            .iter()
                            .map(usize::to_string)
                            .collect::<Vec<_>>()
                            .join(".");
                        let mut row = vec![id.clone(), Cell::Text(position)];
                        row.extend(self.cells(&part.columns, instance));
                        row
                    })
                    .collect()
            }
        }
    }
}

/// The value at a path of names, through nested objects.
fn lookup<'v>(root: &'v Value, path: &[String]) -> Option<&'v Value> {
    path.iter().try_fold(root, |v, name| v.get(name))
}

/// Every instance of the repeat at `path`, with its 1-based positions (one per repeat
/// on the way, so a nested repeat's instance is `2.1`).
fn walk<'v>(
    value: &'v Value,
    path: &[String],
    positions: Vec<usize>,
    out: &mut Vec<(Vec<usize>, &'v Value)>,
) {
    let Some((first, rest)) = path.split_first() else {
        out.push((positions, value));
        return;
    };
    match value.get(first) {
        Some(Value::Array(items)) => {
            for (i, item) in items.iter().enumerate() {
                let mut p = positions.clone();
                p.push(i + 1);
                walk(item, rest, p, out);
            }
        }
        Some(inner @ Value::Object(_)) => walk(inner, rest, positions, out),
        _ => {}
    }
}

/// The choice names of a select answer (space-separated text, or a list).
fn selected(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(s)) => s.split_whitespace().map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{RecordKind, RecordSummary, ReviewState};
    use serde_json::json;

    fn field(name: &str, kind: Value) -> Value {
        json!({"node": "field", "name": name, "kind": kind, "label": {"": name}, "hint": {}, "required": null,
               "required_message": {}, "relevant": null, "constraint": null, "constraint_message": {},
               "calculation": null, "default": null, "read_only": null, "choice_filter": null, "appearance": null,
               "parameters": {}, "source": {"sheet": "survey", "row": 2}})
    }

    fn repeat(name: &str, children: Vec<Value>) -> Value {
        json!({"node": "repeat", "name": name, "label": {}, "relevant": null, "repeat_count": null, "appearance": null,
               "children": children, "source": {"sheet": "survey", "row": 2}})
    }

    fn form() -> std::sync::Arc<Form> {
        std::sync::Arc::new(serde_json::from_value(json!({
            "id": "f", "version": "1", "title": "f", "default_language": null, "languages": [], "instance_name": null,
            "body": [
                field("note", json!({"type": "note"})),
                field("crops", json!({"type": "select_multiple", "list": "crops", "or_other": false})),
                field("where", json!({"type": "geopoint"})),
                field("plots_count", json!({"type": "integer"})),
                repeat("plots", vec![field("area", json!({"type": "decimal"})), repeat("trees", vec![field("kind", json!({"type": "text"}))])]),
            ],
            "choices": {"crops": {"name": "crops", "choices": [
                {"name": "rice", "label": {"": "Lúa"}, "extra": {}, "source": {"sheet": "choices", "row": 2}},
                {"name": "corn", "label": {"": "Ngô; nếp"}, "extra": {}, "source": {"sheet": "choices", "row": 3}}]}}
        }))
        .unwrap())
    }

    fn record(data: Value) -> StoredRecord {
        StoredRecord {
            summary: RecordSummary {
                seq: 1,
                uuid: uuid::Uuid::nil(),
                revision: 1,
                kind: RecordKind::Submission,
                branch_id: uuid::Uuid::nil(),
                device_id: uuid::Uuid::nil(),
                account_id: None,
                form_id: Some("f".into()),
                form_version: Some("1".into()),
                household: None,
                event_at: chrono::DateTime::UNIX_EPOCH,
                received_at: chrono::DateTime::UNIX_EPOCH,
                complete: true,
                review_state: ReviewState::Received,
                instance_name: None,
            },
            body: json!({"data": data}),
            corrections: crate::model::Corrections::default(),
        }
    }

    #[test]
    fn main_table_splits_choices_and_positions_and_never_repeats_a_header() {
        let table = FormTable::new(form(), false, Names::default());
        let header = &table.sheets()[0].header;
        let answers = &header[MAIN_META.len()..];
        assert_eq!(
            answers,
            [
                "crops",
                "crops:rice",
                "crops:corn",
                "where:latitude",
                "where:longitude",
                "where:altitude",
                "where:accuracy",
                "plots_count",
                "plots:count"
            ]
        );
        let mut seen = std::collections::HashSet::new();
        assert!(header.iter().all(|h| seen.insert(h)), "{header:?}");
        let data = json!({"crops": ["corn"], "plots_count": 7, "where": {"latitude": 22.3, "longitude": 103.9, "accuracy": 5.0},
                          "plots": [{"area": 1.5}, {"area": 2}]});
        let rows = table.rows(&record(data), 0);
        assert_eq!(
            &rows[0][MAIN_META.len()..],
            [
                Cell::Text("corn".into()),
                Cell::Int(0),
                Cell::Int(1),
                Cell::Number(22.3),
                Cell::Number(103.9),
                Cell::Empty,
                Cell::Number(5.0),
                Cell::Int(7),
                Cell::Int(2)
            ]
        );
        let labelled = FormTable::new(form(), true, Names::default());
        let rows = labelled.rows(&record(json!({"crops": ["rice", "corn"]})), 0);
        assert_eq!(rows[0][MAIN_META.len()], Cell::Text("Lúa; Ngô; nếp".into()));
    }

    #[test]
    fn nested_repeats_get_dotted_positions() {
        let table = FormTable::new(form(), false, Names::default());
        let trees = table.repeat_sheet("trees").unwrap();
        assert_eq!(
            table.sheets()[trees].header,
            ["bb:submission_id", "bb:position", "kind"]
        );
        let data = json!({"plots": [{"trees": [{"kind": "mận"}]}, {"area": 3}, {"trees": [{"kind": "đào"}, {"kind": "lê"}]}]});
        let rows = table.rows(&record(data), trees);
        let positions: Vec<String> = rows
            .iter()
            .map(|r| format!("{} {}", r[1].csv_text(), r[2].csv_text()))
            .collect();
        assert_eq!(positions, ["1.1 mận", "3.1 đào", "3.2 lê"]);
        assert!(table.repeat_sheet("nothing").is_none());
    }
}
