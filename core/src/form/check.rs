//! Structural checks on a form model, whichever way it was read (.xlsx or JSON): names
//! valid and unique, selects pointing at lists that exist, lists with unique, labelled
//! choices, questions with labels. Expressions are checked by the engine when it compiles.

use std::collections::{HashMap, HashSet};

use super::attach::is_file_list;
use super::{ChoiceList, Field, FieldKind, Form, Node, Problem, Source};

/// Every structural problem of `form`, in the order met.
pub(crate) fn check(form: &Form) -> Vec<Problem> {
    let mut problems = Vec::new();
    if form.id.trim().is_empty() {
        problems.push(at_settings(
            "form_id",
            "the form has no form_id: add a settings sheet with a form_id column",
        ));
    }
    problems.extend(super::ids::id_problems(&form.id, &form.version));
    if let Some(default) = &form.default_language
        && !form.languages.iter().any(|l| &l.name == default)
    {
        let known: Vec<&str> = form.languages.iter().map(|l| l.name.as_str()).collect();
        problems.push(at_settings(
            "default_language",
            &format!(
                "default_language '{default}' is not one of the form's languages ({})",
                known.join(", ")
            ),
        ));
    }
    check_nodes(form, &form.body, &mut problems);
    let mut multiple = HashSet::new();
    multiple_lists(&form.body, &mut multiple);
    for list in form.choices.values() {
        let in_multiple = multiple.contains(list.name.as_str());
        // pyxform checks the names of the choices sheet only: an external_choices list
        // (ODK's itemsets.csv) is a cascade's table, where `king` may be a county of two
        // states that its choice_filter tells apart.
        let external = list.choices.first().is_some_and(|c| {
            c.source
                .sheet
                .trim()
                .eq_ignore_ascii_case("external_choices")
        });
        check_list(
            list,
            form.allow_choice_duplicates || external,
            in_multiple,
            &mut problems,
        );
    }
    problems
}

/// The lists some select_multiple offers: their choice names cannot have spaces.
fn multiple_lists<'f>(nodes: &'f [Node], out: &mut HashSet<&'f str>) {
    for node in nodes {
        match node {
            Node::Field(field) => {
                if field.kind.holds_several_choices()
                    && let Some(list) = field.kind.choice_list()
                {
                    out.insert(list);
                }
            }
            Node::Group(g) => multiple_lists(&g.children, out),
            Node::Repeat(r) => multiple_lists(&r.children, out),
        }
    }
}

fn at_settings(column: &str, message: &str) -> Problem {
    Problem {
        sheet: "settings".into(),
        row: 0,
        column: column.into(),
        message: message.into(),
    }
}

fn at(source: &Source, column: &str, message: String) -> Problem {
    Problem {
        sheet: source.sheet.clone(),
        row: source.row,
        column: column.into(),
        message,
    }
}

/// Checks `nodes`, the children of one group, repeat or the form itself: their names
/// must differ from each other's (as in pyxform, where a question's path is unique when
/// it is among its siblings; a name used in two groups is ambiguous only where `${name}`
/// refers to it, which the engine reports at that cell).
fn check_nodes(form: &Form, nodes: &[Node], problems: &mut Vec<Problem>) {
    let mut names: HashMap<&str, &Source> = HashMap::new();
    for node in nodes {
        check_name(node, &mut names, problems);
        match node {
            Node::Field(field) => check_field(form, field, problems),
            Node::Group(g) => {
                if g.children.is_empty() {
                    problems.push(at(
                        &g.source,
                        "type",
                        format!("group '{}' has no questions", g.name),
                    ));
                }
                check_nodes(form, &g.children, problems);
            }
            Node::Repeat(r) => {
                if r.children.is_empty() {
                    problems.push(at(
                        &r.source,
                        "type",
                        format!("repeat '{}' has no questions", r.name),
                    ));
                }
                check_nodes(form, &r.children, problems);
            }
        }
    }
}

fn check_name<'f>(
    node: &'f Node,
    names: &mut HashMap<&'f str, &'f Source>,
    problems: &mut Vec<Problem>,
) {
    let (name, source) = (node.name(), node.source());
    if name.is_empty() {
        problems.push(at(source, "name", "this row has no name".into()));
        return;
    }
    if !is_valid_name(name) {
        problems.push(at(
            source,
            "name",
            format!(
                "'{name}' is not a valid name: start with a letter or '_', then use only letters, digits, '_', '-' or '.'"
            ),
        ));
    }
    if let Some(first) = names.get(name) {
        problems.push(at(
            source,
            "name",
            format!(
                "the name '{name}' is already used at {} row {} in the same group: names must differ within a group, since each answer is stored under its name",
                first.sheet, first.row
            ),
        ));
    } else {
        names.insert(name, source);
    }
}

/// Whether `name` can name a question, group or repeat (and so be written `${name}`):
/// an XML name without a namespace, as XLSForm requires.
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

fn check_field(form: &Form, field: &Field, problems: &mut Vec<Problem>) {
    let src = &field.source;
    match &field.kind {
        FieldKind::SelectOne { list, .. }
        | FieldKind::SelectMultiple { list, .. }
        | FieldKind::Rank { list } => {
            if list.is_empty() {
                problems.push(at(
                    src,
                    "type",
                    format!("select '{}' has no choice list", field.name),
                ));
            } else if !form.choices.contains_key(list) && !is_file_list(list) {
                // (A file's list is missing only when the file is: reported by `attach`.)
                problems.push(at(
                    src,
                    "type",
                    format!("the choice list '{list}' is not on the choices sheet"),
                ));
            }
        }
        FieldKind::Calculate if field.calculation.is_none() => {
            problems.push(at(
                src,
                "calculation",
                format!("calculate '{}' has no calculation", field.name),
            ));
        }
        _ => {}
    }
    if shows_a_label(&field.kind)
        && field.label.is_empty()
        && field.hint.is_empty()
        && field.media.is_empty()
    {
        problems.push(at(
            src,
            "label",
            format!("'{}' is shown to the user but has no label", field.name),
        ));
    }
    if field.choice_filter.is_some() && field.kind.choice_list().is_none() {
        problems.push(at(
            src,
            "choice_filter",
            "choice_filter only applies to select questions".into(),
        ));
    }
}

fn shows_a_label(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_)
    )
}

/// How many repeated choice names are reported one by one before the rest are counted
/// in one line (a list pasted twice would otherwise give a line per choice).
const DUPLICATES_SHOWN: usize = 5;

fn check_list(
    list: &ChoiceList,
    allow_duplicates: bool,
    in_multiple: bool,
    problems: &mut Vec<Problem>,
) {
    let mut seen: HashMap<&str, &Source> = HashMap::new();
    let mut duplicates: Vec<(&Source, &str, u32)> = Vec::new();
    if list.choices.is_empty() {
        problems.push(Problem {
            sheet: "choices".into(),
            row: 0,
            column: "list_name".into(),
            message: format!("the choice list '{}' has no choices", list.name),
        });
    }
    for choice in &list.choices {
        let src = &choice.source;
        if choice.name.is_empty() {
            problems.push(at(
                src,
                "name",
                format!("a choice of list '{}' has no name", list.name),
            ));
        } else if in_multiple && choice.name.contains(char::is_whitespace) {
            // (A select_one's answer is the whole name, spaces and all, as in ODK.)
            problems.push(at(
                src,
                "name",
                format!(
                    "the choice name '{}' contains a space, and list '{}' is offered by a select_multiple, whose answers are stored space-separated: use '_' instead",
                    choice.name, list.name
                ),
            ));
        }
        if let Some(first) = seen.get(choice.name.as_str()).filter(|_| !allow_duplicates) {
            duplicates.push((src, &choice.name, first.row));
        } else {
            seen.insert(&choice.name, src);
        }
        // A choice without a label shows its name (pyxform only warns).
    }
    for &(src, name, first) in duplicates.iter().take(DUPLICATES_SHOWN) {
        problems.push(at(
            src,
            "name",
            format!(
                "the choice '{name}' appears twice in list '{}' (also at row {first}): each answer must mean one choice, so choice names must be unique in a list",
                list.name
            ),
        ));
    }
    if let Some(&(src, _, _)) = duplicates.get(DUPLICATES_SHOWN) {
        let last = duplicates.last().map_or(src.row, |d| d.0.row);
        problems.push(at(
            src,
            "name",
            format!(
                "{} more choices of list '{}' repeat a name used above it (rows {} to {}): was the list pasted twice?",
                duplicates.len() - DUPLICATES_SHOWN,
                list.name,
                src.row,
                last
            ),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_xlsform_rules() {
        for ok in [
            "age",
            "_1",
            "hh_member",
            "label-test",
            "a.b",
            "tuổi",
            "FALSE",
        ] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in ["", "1st", "has space", "a:b", "${x}", "-x", "a/b"] {
            assert!(!is_valid_name(bad), "{bad}");
        }
    }
}
