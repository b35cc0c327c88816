//! The survey sheet: rows to the tree of questions, groups and repeats, with every
//! structural problem found on the way (unbalanced groups, unknown or unsupported types,
//! unsupported columns).

use std::collections::BTreeMap;

use super::columns::{Column, TextKind};
use super::loops;
use super::table::{Row, Table};
use super::types::{self, RowType, row_type};
use super::{ChoiceList, Field, FieldKind, Group, MetaKind, Node, Problem, Repeat, Source, Texts};
use crate::expr::number_to_string;

/// A `begin group` / `begin repeat` / `begin loop` waiting for its end.
struct Open {
    kind: Block,
    /// A loop's choice list (`None`: a loop refused for want of one).
    over: Option<ChoiceList>,
    name: String,
    label: Texts,
    relevant: Option<String>,
    appearance: Option<String>,
    repeat_count: Option<String>,
    children: Vec<Node>,
    source: Source,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Block {
    Group,
    Repeat,
    /// Asked once per choice of its list; without a known list, refused but read to its
    /// `end loop` so the rest of the sheet still makes sense.
    Loop,
}

impl Block {
    fn word(self) -> &'static str {
        match self {
            Block::Group => "group",
            Block::Repeat => "repeat",
            Block::Loop => "loop",
        }
    }
}

/// Reads the survey table into the form's body (loops over `choices` expanded), and the
/// names of the rows left out of it because their type is refused (with what a refused
/// loop held).
pub(crate) fn read_survey(
    table: &Table<'_>,
    choices: &BTreeMap<String, ChoiceList>,
    problems: &mut Vec<Problem>,
) -> (Vec<Node>, Vec<String>) {
    let mut root: Vec<Node> = Vec::new();
    let mut open: Vec<Open> = Vec::new();
    let mut refused: Vec<String> = Vec::new();
    for row in table.rows() {
        let Some(type_text) = row.get(&Column::Type) else {
            if row.get(&Column::Name).is_some() || !row.texts(TextKind::Label).is_empty() {
                problems.push(row.problem(&Column::Type, "this row has no type".into()));
            }
            continue;
        };
        match row_type(&type_text) {
            RowType::BeginGroup => open.push(begin(&row, Block::Group)),
            RowType::BeginRepeat => open.push(begin(&row, Block::Repeat)),
            RowType::BeginLoop(list) => {
                let mut block = begin(&row, Block::Loop);
                block.over = match list {
                    None => {
                        problems.push(row.problem(
                            &Column::Type,
                            "'begin loop' needs the choice list it goes over: 'begin loop over <list_name>'".into(),
                        ));
                        None
                    }
                    Some(list) => {
                        let found = choices.get(&list).cloned();
                        if found.is_none() {
                            problems.push(row.problem(
                                &Column::Type,
                                format!("the loop goes over '{list}', which is not a list of the choices sheet"),
                            ));
                        }
                        found
                    }
                };
                open.push(block);
            }
            RowType::EndGroup => end(&row, Block::Group, &mut open, &mut root, problems),
            RowType::EndRepeat => end(&row, Block::Repeat, &mut open, &mut root, problems),
            RowType::EndLoop => {
                if let Some(block) = open
                    .last()
                    .filter(|b| b.kind == Block::Loop && b.over.is_none())
                {
                    names_in(&block.children, &mut refused);
                }
                end(&row, Block::Loop, &mut open, &mut root, problems)
            }
            RowType::Field(kind) => {
                let kind = types::external_list(kind, &type_text, choices);
                let field = field(&row, kind, problems);
                children(&mut open, &mut root).push(Node::Field(Box::new(field)));
            }
            RowType::Range => {
                let field = range(&row, problems);
                children(&mut open, &mut root).push(Node::Field(Box::new(field)));
            }
            RowType::PhoneNumber => {
                let mut field = field(&row, FieldKind::Text, problems);
                field.constraint.get_or_insert_with(|| r"regex(., '^\d*$')".into());
                children(&mut open, &mut root).push(Node::Field(Box::new(field)));
            }
            RowType::SelectWithoutList => problems.push(row.problem(
                &Column::Type,
                format!("'{type_text}' needs the name of a choice list after it, e.g. 'select_one yes_no'"),
            )),
            RowType::SelectTrailing(rest) => problems.push(row.problem(
                &Column::Type,
                format!("unexpected '{rest}' after the choice list name: only 'or_other' may follow it"),
            )),
            RowType::Unsupported(why) => {
                refused.extend(row.get(&Column::Name));
                problems.push(row.problem(&Column::Type, why));
            }
            RowType::Unknown => problems.push(row.problem(
                &Column::Type,
                format!("unknown type '{type_text}': not an XLSForm question type (such as text, integer, decimal, select_one LIST, date, geopoint, image, note, calculate)"),
            )),
        }
    }
    while let Some(block) = open.pop() {
        problems.push(Problem {
            sheet: block.source.sheet.clone(),
            row: block.source.row,
            column: "type".into(),
            message: format!(
                "'begin {word}' of '{}' has no matching 'end {word}'",
                block.name,
                word = block.kind.word()
            ),
        });
        close(block, &mut open, &mut root);
    }
    (root, refused)
}

/// The names of `nodes` and of everything inside them.
fn names_in(nodes: &[Node], out: &mut Vec<String>) {
    for node in nodes {
        out.push(node.name().to_owned());
        match node {
            Node::Group(g) => names_in(&g.children, out),
            Node::Repeat(r) => names_in(&r.children, out),
            Node::Field(_) => {}
        }
    }
}

fn children<'o>(open: &'o mut [Open], root: &'o mut Vec<Node>) -> &'o mut Vec<Node> {
    match open.last_mut() {
        Some(block) => &mut block.children,
        None => root,
    }
}

fn begin(row: &Row<'_, '_>, kind: Block) -> Open {
    Open {
        kind,
        over: None,
        name: row.get(&Column::Name).unwrap_or_default(),
        label: row.texts(TextKind::Label),
        relevant: row.get(&Column::Relevant),
        appearance: row.get(&Column::Appearance),
        repeat_count: row.get(&Column::RepeatCount),
        children: Vec::new(),
        source: row.source(),
    }
}

fn end(
    row: &Row<'_, '_>,
    kind: Block,
    open: &mut Vec<Open>,
    root: &mut Vec<Node>,
    problems: &mut Vec<Problem>,
) {
    let word = kind.word();
    let Some(block) = open.pop() else {
        problems.push(row.problem(
            &Column::Type,
            format!("'end {word}' without a matching 'begin {word}'"),
        ));
        return;
    };
    if block.kind != kind {
        problems.push(row.problem(
            &Column::Type,
            format!(
                "'end {word}' closes '{}', which is a {} begun at row {}; expected 'end {}'",
                block.name,
                block.kind.word(),
                block.source.row,
                block.kind.word()
            ),
        ));
    }
    close(block, open, root);
}

/// Closes a block into its parent (a loop as a group of one group per choice; a refused
/// loop is dropped with what it held).
fn close(block: Open, open: &mut [Open], root: &mut Vec<Node>) {
    let node = match block.kind {
        Block::Group => Node::Group(Group {
            name: block.name,
            label: block.label,
            relevant: block.relevant,
            appearance: block.appearance,
            children: block.children,
            source: block.source,
        }),
        Block::Repeat => Node::Repeat(Repeat {
            name: block.name,
            label: block.label,
            relevant: block.relevant,
            repeat_count: block.repeat_count,
            appearance: block.appearance,
            children: block.children,
            source: block.source,
        }),
        Block::Loop => match &block.over {
            Some(list) => Node::Group(Group {
                children: loops::expand(&block.children, list),
                name: block.name,
                label: block.label,
                relevant: block.relevant,
                appearance: block.appearance,
                source: block.source,
            }),
            None => return,
        },
    };
    children(open, root).push(node);
}

fn field(row: &Row<'_, '_>, kind: FieldKind, problems: &mut Vec<Problem>) -> Field {
    let parameters = parameters(row, &kind, problems);
    field_with(row, kind, parameters, problems)
}

/// A field from its row, with its parameters already read.
fn field_with(
    row: &Row<'_, '_>,
    kind: FieldKind,
    parameters: BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) -> Field {
    let name = match row.get(&Column::Name) {
        Some(name) => name,
        // A note needs no name: pyxform makes one from its row, and so do we.
        None if kind == FieldKind::Note => format!("generated_note_name_{}", row.source().row),
        None => String::new(),
    };
    Field {
        name,
        label: row.texts(TextKind::Label),
        hint: row.texts(TextKind::Hint),
        required: flag(row.get(&Column::Required)),
        required_message: row.texts(TextKind::RequiredMessage),
        relevant: row.get(&Column::Relevant),
        constraint: row.get(&Column::Constraint),
        constraint_message: row.texts(TextKind::ConstraintMessage),
        calculation: row.get(&Column::Calculation),
        trigger: trigger(row, problems),
        default: row.get(&Column::Default),
        read_only: flag(row.get(&Column::ReadOnly)),
        choice_filter: row.get(&Column::ChoiceFilter),
        appearance: row.get(&Column::Appearance),
        parameters,
        media: row.media(),
        source: row.source(),
        kind,
    }
}

/// `trigger`: one `${name}`, or several separated by commas (as pyxform reads it); each
/// piece that is not exactly one reference is reported.
fn trigger(row: &Row<'_, '_>, problems: &mut Vec<Problem>) -> Vec<String> {
    let Some(text) = row.get(&Column::Trigger) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for piece in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let name = piece
            .strip_prefix("${")
            .and_then(|rest| rest.strip_suffix('}'))
            .map(str::trim)
            .filter(|name| !name.is_empty() && !name.contains(['$', '{', '}']));
        match name {
            Some(name) => names.push(name.to_owned()),
            None => problems.push(row.problem(
                &Column::Trigger,
                if piece.matches("${").count() > 1 {
                    format!("'{piece}' holds several references: separate them with commas, as in ${{a}}, ${{b}}")
                } else {
                    format!("'{piece}' is not a reference: the trigger names the questions whose change sets this field, as ${{name}} (several separated by commas)")
                },
            )),
        }
    }
    names
}

/// `required` and `read_only`: yes/true/1 become the expression `true()`, no/false/0 or
/// blank mean not set, anything else is kept as the author's expression.
pub(crate) fn flag(value: Option<String>) -> Option<String> {
    let value = value?;
    match value.to_lowercase().as_str() {
        "yes" | "true" | "true()" | "1" | "y" => Some("true()".into()),
        "no" | "false" | "false()" | "0" | "n" => None,
        _ => Some(value),
    }
}

/// `parameters`: `key=value` pairs separated by spaces, commas or semicolons, each
/// accepted where pyxform accepts it: `max-pixels` on images (the longest side a photo is
/// scaled down to), `randomize` and `seed` on selects, the accuracies on geopoints, and
/// `start`, `end`, `step` on ranges (checked by [`range`]).
fn parameters(
    row: &Row<'_, '_>,
    kind: &FieldKind,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    parameters_of(row, Accepts::from(kind), problems)
}

/// Which parameters a row's type takes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Accepts {
    Image,
    Audio,
    Select,
    Geopoint,
    Line,
    Range,
    Audit,
    None,
}

impl Accepts {
    fn from(kind: &FieldKind) -> Accepts {
        match kind {
            FieldKind::Image => Accepts::Image,
            FieldKind::Audio => Accepts::Audio,
            FieldKind::SelectOne { .. }
            | FieldKind::SelectMultiple { .. }
            | FieldKind::Rank { .. } => Accepts::Select,
            FieldKind::Geopoint => Accepts::Geopoint,
            FieldKind::Geotrace | FieldKind::Geoshape => Accepts::Line,
            FieldKind::Meta(MetaKind::Audit) => Accepts::Audit,
            _ => Accepts::None,
        }
    }

    fn keys(self) -> &'static [&'static str] {
        match self {
            Accepts::Image => &["max-pixels"],
            // ODK Collect's recording quality (kept; the phone's recorder decides).
            Accepts::Audio => &["quality"],
            Accepts::Select => &["randomize", "seed"],
            Accepts::Geopoint => &[
                "capture-accuracy",
                "warning-accuracy",
                "allow-mock-accuracy",
            ],
            // pyxform's for geotrace and geoshape (ODK Collect's mock-location check).
            Accepts::Line => &["allow-mock-accuracy"],
            Accepts::Range => &["start", "end", "step"],
            // ODK Collect's audit options (pyxform's ParametersAudit).
            Accepts::Audit => &[
                "location-priority",
                "location-min-interval",
                "location-max-age",
                "track-changes",
                "track-changes-reasons",
                "identify-user",
            ],
            Accepts::None => &[],
        }
    }
}

fn parameters_of(
    row: &Row<'_, '_>,
    accepts: Accepts,
    problems: &mut Vec<Problem>,
) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let Some(text) = row.get(&Column::Parameters) else {
        return out;
    };
    let mut say = |message: String| problems.push(row.problem(&Column::Parameters, message));
    for (key, value) in parse_parameters(&text) {
        let key = key.to_lowercase();
        if value.is_empty() || key.is_empty() {
            say(format!(
                "'{key}{}' is not a key=value pair",
                if value.is_empty() { "" } else { "=" }
            ));
            continue;
        }
        if !accepts.keys().contains(&key.as_str()) {
            say(match accepts.keys() {
                [] => format!("parameter '{key}' is not supported: this type takes no parameters"),
                keys => format!(
                    "parameter '{key}' is not supported here: this type takes {}",
                    keys.join(", ")
                ),
            });
            continue;
        }
        let valid = match key.as_str() {
            "max-pixels" => value.parse::<u32>().is_ok_and(|n| n > 0),
            "randomize" | "allow-mock-accuracy" | "track-changes" | "identify-user" => {
                matches!(value.to_lowercase().as_str(), "true" | "false")
            }
            "location-priority" => matches!(
                value.as_str(),
                "no-power" | "low-power" | "balanced" | "high-accuracy"
            ),
            "location-min-interval" | "location-max-age" => {
                value.parse::<f64>().is_ok_and(|n| n.is_finite() && n > 0.0)
            }
            "track-changes-reasons" => value == "on-form-edit",
            "seed" => true,
            _ => value.parse::<f64>().is_ok_and(f64::is_finite),
        };
        if valid {
            out.insert(key, value);
        } else {
            say(match key.as_str() {
                "max-pixels" => {
                    format!("max-pixels must be a whole number of pixels, not '{value}'")
                }
                "randomize" | "allow-mock-accuracy" | "track-changes" | "identify-user" => {
                    format!("{key} must be true or false, not '{value}'")
                }
                "location-priority" => format!(
                    "location-priority must be no-power, low-power, balanced or high-accuracy, not '{value}'"
                ),
                "location-min-interval" | "location-max-age" => {
                    format!("{key} must be a number of seconds above 0, not '{value}'")
                }
                "track-changes-reasons" => {
                    format!("track-changes-reasons can only be on-form-edit, not '{value}'")
                }
                _ => format!("{key} must be a number, not '{value}'"),
            });
        }
    }
    if accepts == Accepts::Audit {
        audit_location(&out, &mut say);
    }
    out
}

/// An audit's location is asked with all three of its parameters, the interval no longer
/// than the age, as ODK Collect needs (pyxform's own rule).
fn audit_location(params: &BTreeMap<String, String>, say: &mut impl FnMut(String)) {
    let keys = [
        "location-priority",
        "location-min-interval",
        "location-max-age",
    ];
    let given = keys.iter().filter(|k| params.contains_key(**k)).count();
    if given != 0 && given != keys.len() {
        say("an audit with location needs all of location-priority, location-min-interval and location-max-age".into());
    }
    let seconds = |k: &str| params.get(k).and_then(|v| v.parse::<f64>().ok());
    if let (Some(interval), Some(age)) = (
        seconds("location-min-interval"),
        seconds("location-max-age"),
    ) && age < interval
    {
        say(format!(
            "location-max-age ({age}) must be at least location-min-interval ({interval})"
        ));
    }
}

/// A `range` row: a whole or decimal number (decimal when a parameter has a fraction, as
/// in pyxform) from `start` to `end` (1 to 10 by default) in steps of `step` (1), kept
/// to them by a constraint added to the author's own.
fn range(row: &Row<'_, '_>, problems: &mut Vec<Problem>) -> Field {
    let mut params = parameters_of(row, Accepts::Range, problems);
    let mut get = |key: &str, default: f64| {
        let value = params.get(key).and_then(|v| v.parse::<f64>().ok());
        let value = value.unwrap_or(default);
        params.insert(key.to_owned(), number_to_string(value));
        value
    };
    let (start, end, step) = (get("start", 1.0), get("end", 10.0), get("step", 1.0));
    let whole = [start, end, step].iter().all(|n| n.fract() == 0.0);
    let kind = if whole {
        FieldKind::Integer
    } else {
        FieldKind::Decimal
    };
    let mut field = field_with(row, kind, params, problems);
    let span = (end - start).abs();
    if step <= 0.0 || step > span {
        problems.push(row.problem(
            &Column::Parameters,
            format!(
                "step must be more than 0 and at most the distance from start to end ({}), not {}",
                number_to_string(span),
                number_to_string(step)
            ),
        ));
        return field;
    }
    let (low, high) = (start.min(end), start.max(end));
    let [start, step, low, high] = [start, step, low, high].map(number_to_string);
    let within = format!(
        ". >= {low} and . <= {high} and abs((. - {start}) div {step} - round((. - {start}) div {step})) < 0.000001"
    );
    field.constraint = Some(match field.constraint.take() {
        Some(own) => format!("({own}) and {within}"),
        None => {
            if field.constraint_message.is_empty() {
                field.constraint_message.0.insert(
                    String::new(),
                    format!("Choose a value from {low} to {high}, in steps of {step}."),
                );
            }
            within
        }
    });
    field
}

/// Splits parameter text into (key, value) pairs; spaces around `=` are allowed.
fn parse_parameters(text: &str) -> Vec<(String, String)> {
    let mut joined = text.replace([',', ';'], " ");
    while joined.contains(" =") || joined.contains("= ") {
        joined = joined.replace(" =", "=").replace("= ", "=");
    }
    joined
        .split_whitespace()
        .map(|pair| match pair.split_once('=') {
            Some((k, v)) => (k.to_owned(), v.to_owned()),
            None => (pair.to_owned(), String::new()),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_read_yes_and_no_in_every_spelling() {
        for yes in ["yes", "Yes", "TRUE", "true", "true()", "1"] {
            assert_eq!(flag(Some(yes.into())).as_deref(), Some("true()"), "{yes}");
        }
        for no in ["no", "No", "FALSE", "false()", "0"] {
            assert_eq!(flag(Some(no.into())), None, "{no}");
        }
        assert_eq!(flag(None), None);
        assert_eq!(
            flag(Some("${age} >= 18".into())).as_deref(),
            Some("${age} >= 18")
        );
    }

    #[test]
    fn parameters_split_on_spaces_commas_and_loose_equals() {
        let pairs = |t: &str| parse_parameters(t);
        assert_eq!(
            pairs("max-pixels=1024"),
            vec![("max-pixels".to_owned(), "1024".to_owned())]
        );
        assert_eq!(
            pairs("a = 1, b=2;c =3"),
            vec![
                ("a".into(), "1".into()),
                ("b".into(), "2".into()),
                ("c".into(), "3".into())
            ]
        );
        assert_eq!(pairs("lonely"), vec![("lonely".into(), String::new())]);
    }
}
