//! The layout of a form's CSV export: one row per submission with a column per question
//! (a `select_multiple` also gets one 0/1 column per choice), and for each repeat a
//! second table with one row per instance, linked by submission id and position.
//! Answers are read from the submission's `data`, nested by group and repeat name.

use branchbook_core::form::{Field, FieldKind, Form, Node, Texts};
use serde_json::Value;

use crate::model::{StoredRecord, stored_name};

/// One column of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Column {
    /// A field's answer (path of names from the row's root).
    Answer {
        path: Vec<String>,
        list: Option<String>,
    },
    /// 1 when a `select_multiple` answer contains the choice.
    Choice { path: Vec<String>, choice: String },
    /// Number of instances of a repeat.
    RepeatCount { path: Vec<String> },
}

impl Column {
    fn header(&self) -> String {
        match self {
            Column::Answer { path, .. } => path.join("/"),
            Column::Choice { path, choice } => format!("{}/{choice}", path.join("/")),
            Column::RepeatCount { path } => format!("{}_count", path.join("/")),
        }
    }
}

/// Submission metadata columns that start every main row.
const META_HEADERS: &[&str] = &[
    "submission_id",
    "revision",
    "branch_id",
    "household",
    "started_at",
    "finalized_at",
    "received_at",
    "review_state",
    "complete",
];

/// How a form's submissions are exported.
pub struct Export<'a> {
    form: &'a Form,
    labels: bool,
    language: Option<String>,
    columns: Vec<Column>,
    /// For a repeat table: the names from the root to the repeat.
    repeat_path: Option<Vec<String>>,
}

fn is_exported(field: &Field) -> bool {
    !matches!(field.kind, FieldKind::Note)
}

impl<'a> Export<'a> {
    fn collect(&self, nodes: &[Node], prefix: &[String], out: &mut Vec<Column>) {
        for node in nodes {
            let mut path = prefix.to_vec();
            path.push(node.name().to_owned());
            match node {
                Node::Field(field) if is_exported(field) => match &field.kind {
                    FieldKind::SelectMultiple { list, .. } => {
                        out.push(Column::Answer {
                            path: path.clone(),
                            list: Some(list.clone()),
                        });
                        for choice in self
                            .form
                            .choices
                            .get(list)
                            .map(|l| l.choices.as_slice())
                            .unwrap_or_default()
                        {
                            out.push(Column::Choice {
                                path: path.clone(),
                                choice: choice.name.clone(),
                            });
                        }
                    }
                    FieldKind::SelectOne { list, .. } => out.push(Column::Answer {
                        path,
                        list: Some(list.clone()),
                    }),
                    _ => out.push(Column::Answer { path, list: None }),
                },
                Node::Field(_) => {}
                Node::Group(group) => self.collect(&group.children, &path, out),
                Node::Repeat(_) => out.push(Column::RepeatCount { path }),
            }
        }
    }

    fn new(form: &'a Form, labels: bool) -> Export<'a> {
        let language = form
            .default_language
            .clone()
            .or_else(|| form.languages.first().map(|l| l.name.clone()));
        Export {
            form,
            labels,
            language,
            columns: Vec::new(),
            repeat_path: None,
        }
    }

    /// The export of the main table (one row per submission).
    pub fn main(form: &'a Form, labels: bool) -> Export<'a> {
        let mut export = Export::new(form, labels);
        let mut columns = Vec::new();
        export.collect(&form.body, &[], &mut columns);
        export.columns = columns;
        export
    }

    /// The export of one repeat's table, or `None` when the form has no repeat of that name.
    pub fn repeat(form: &'a Form, name: &str, labels: bool) -> Option<Export<'a>> {
        fn find(nodes: &[Node], name: &str, prefix: &[String]) -> Option<(Vec<String>, Vec<Node>)> {
            for node in nodes {
                let mut path = prefix.to_vec();
                path.push(node.name().to_owned());
                match node {
                    Node::Repeat(r) if r.name == name => return Some((path, r.children.clone())),
                    Node::Repeat(r) => {
                        if let Some(found) = find(&r.children, name, &path) {
                            return Some(found);
                        }
                    }
                    Node::Group(g) => {
                        if let Some(found) = find(&g.children, name, &path) {
                            return Some(found);
                        }
                    }
                    Node::Field(_) => {}
                }
            }
            None
        }
        let (path, children) = find(&form.body, name, &[])?;
        let mut export = Export::new(form, labels);
        let mut columns = Vec::new();
        export.collect(&children, &[], &mut columns);
        export.columns = columns;
        export.repeat_path = Some(path);
        Some(export)
    }

    /// The header row.
    pub fn header(&self) -> Vec<String> {
        let fixed: Vec<String> = if self.repeat_path.is_some() {
            vec!["submission_id".into(), "position".into()]
        } else {
            META_HEADERS.iter().map(|h| (*h).to_owned()).collect()
        };
        fixed
            .into_iter()
            .chain(self.columns.iter().map(Column::header))
            .collect()
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

    fn choice_label(&self, list: &str, name: &str) -> String {
        self.form
            .choices
            .get(list)
            .and_then(|l| l.choices.iter().find(|c| c.name == name))
            .and_then(|c| self.text(&c.label))
            .unwrap_or_else(|| name.to_owned())
    }

    fn cells(&self, root: &Value) -> Vec<String> {
        self.columns
            .iter()
            .map(|column| match column {
                Column::Answer { path, list } => {
                    let value = lookup(root, path);
                    match (list, self.labels) {
                        (Some(list), true) => selected(value)
                            .iter()
                            .map(|n| self.choice_label(list, n))
                            .collect::<Vec<_>>()
                            .join(" "),
                        _ => cell(value),
                    }
                }
                Column::Choice { path, choice } => {
                    if selected(lookup(root, path)).iter().any(|c| c == choice) {
                        "1"
                    } else {
                        "0"
                    }
                    .to_owned()
                }
                Column::RepeatCount { path } => match lookup(root, path) {
                    Some(Value::Array(items)) => items.len().to_string(),
                    _ => "0".to_owned(),
                },
            })
            .collect()
    }

    /// The rows one submission contributes: one for the main table, one per instance for
    /// a repeat table.
    pub fn rows(&self, record: &StoredRecord) -> Vec<Vec<String>> {
        let body = &record.body;
        let data = body.get("data").unwrap_or(&Value::Null);
        let id = record.summary.uuid.to_string();
        match &self.repeat_path {
            None => {
                let s = &record.summary;
                let mut row = vec![
                    id,
                    s.revision.to_string(),
                    s.branch_id.to_string(),
                    s.household.map(|h| h.to_string()).unwrap_or_default(),
                    cell(body.get("started_at")),
                    cell(body.get("finalized_at")),
                    crate::db::time_text(s.received_at),
                    stored_name(&s.review_state),
                    if s.complete { "1" } else { "0" }.to_owned(),
                ];
                row.extend(self.cells(data));
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
                        let mut row = vec![id.clone(), position];
                        row.extend(self.cells(instance));
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

/// A value as one CSV cell.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(Value::Bool(b)) => if *b { "1" } else { "0" }.to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join(" "),
        Some(other) => other.to_string(),
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

    fn form() -> Form {
        serde_json::from_value(json!({
            "id": "f", "version": "1", "title": "f", "default_language": null, "languages": [], "instance_name": null,
            "body": [
                field("note", json!({"type": "note"})),
                field("crops", json!({"type": "select_multiple", "list": "crops", "or_other": false})),
                repeat("plots", vec![field("area", json!({"type": "decimal"})), repeat("trees", vec![field("kind", json!({"type": "text"}))])]),
            ],
            "choices": {"crops": {"name": "crops", "choices": [
                {"name": "rice", "label": {"": "Lúa"}, "extra": {}, "source": {"sheet": "choices", "row": 2}},
                {"name": "corn", "label": {"": "Ngô"}, "extra": {}, "source": {"sheet": "choices", "row": 3}}]}}
        }))
        .unwrap()
    }

    fn record(data: Value) -> StoredRecord {
        StoredRecord {
            summary: RecordSummary {
                seq: 1,
                uuid: uuid::Uuid::nil(),
                revision: 1,
                kind: RecordKind::Submission,
                branch_id: uuid::Uuid::nil(),
                form_id: Some("f".into()),
                form_version: Some("1".into()),
                household: None,
                event_at: chrono::DateTime::UNIX_EPOCH,
                received_at: chrono::DateTime::UNIX_EPOCH,
                complete: true,
                review_state: ReviewState::Received,
            },
            body: json!({"data": data}),
        }
    }

    #[test]
    fn main_table_splits_select_multiple_and_counts_repeats() {
        let form = form();
        let export = Export::main(&form, false);
        let header = export.header();
        assert_eq!(
            &header[META_HEADERS.len()..],
            ["crops", "crops/rice", "crops/corn", "plots_count"]
        );
        let rows = export.rows(&record(
            json!({"crops": ["corn"], "plots": [{"area": 1.5}, {"area": 2}]}),
        ));
        assert_eq!(&rows[0][META_HEADERS.len()..], ["corn", "0", "1", "2"]);
        let labelled = Export::main(&form, true).rows(&record(json!({"crops": "rice corn"})));
        assert_eq!(labelled[0][META_HEADERS.len()], "Lúa Ngô");
    }

    #[test]
    fn nested_repeats_get_dotted_positions() {
        let form = form();
        let export = Export::repeat(&form, "trees", false).unwrap();
        assert_eq!(export.header(), ["submission_id", "position", "kind"]);
        let data = json!({"plots": [{"trees": [{"kind": "mận"}]}, {"area": 3}, {"trees": [{"kind": "đào"}, {"kind": "lê"}]}]});
        let rows = export.rows(&record(data));
        let positions: Vec<(&str, &str)> = rows
            .iter()
            .map(|r| (r[1].as_str(), r[2].as_str()))
            .collect();
        assert_eq!(positions, [("1.1", "mận"), ("3.1", "đào"), ("3.2", "lê")]);
        assert!(Export::repeat(&form, "nothing", false).is_none());
    }
}
