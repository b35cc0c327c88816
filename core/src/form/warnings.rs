//! Warnings about a form model, whichever way it was read: what does not stop the form
//! from loading and being filled, but is likely not what its author meant (pyxform warns
//! about some of the same). The engine adds its own when it compiles (see
//! [`CompiledForm::warnings`](crate::engine::CompiledForm::warnings)).

use super::attach::is_file_list;
use super::{ChoiceList, Field, FieldKind, Form, Node, Problem, is_dynamic_default};

/// How many rows a warning about several choices of one list names.
const ROWS_NAMED: usize = 5;

/// Every warning about `form`: the survey's in form order, then the choice lists'.
pub(crate) fn warnings(form: &Form) -> Vec<Problem> {
    let mut out = Vec::new();
    walk(form, &form.body, false, &mut out);
    for list in form.choices.values() {
        unlabelled_choices(list, &mut out);
    }
    out
}

/// `conditional`: whether an enclosing group or repeat has a `relevant`.
fn walk(form: &Form, nodes: &[Node], conditional: bool, out: &mut Vec<Problem>) {
    for node in nodes {
        match node {
            Node::Field(field) => field_warnings(form, field, conditional, out),
            Node::Group(g) => walk(form, &g.children, conditional || g.relevant.is_some(), out),
            Node::Repeat(r) => walk(form, &r.children, conditional || r.relevant.is_some(), out),
        }
    }
}

fn field_warnings(form: &Form, field: &Field, conditional: bool, out: &mut Vec<Problem>) {
    let at = |column: &str, message: String| Problem {
        sheet: field.source.sheet.clone(),
        row: field.source.row,
        column: column.into(),
        message,
    };
    // A note takes no answer, so a required one can never be satisfied: ODK's way of
    // stopping an interview whose answers disagree, when it has a condition.
    if field.kind == FieldKind::Note
        && field.required.as_deref() == Some("true()")
        && field.relevant.is_none()
        && !conditional
    {
        out.push(at(
            "required",
            format!(
                "the note '{}' is required and always shown: a note takes no answer, so no interview can be finalized past it (ODK Collect stops there too); give it a relevant condition, or remove required",
                field.name
            ),
        ));
    }
    if let (Some(default), Some(list)) = (field.default.as_deref(), field.kind.choice_list())
        && !default.trim().is_empty()
        && !is_dynamic_default(default)
        && !is_file_list(list)
        && let Some(choices) = form.choices.get(list)
    {
        let values: Vec<&str> = if field.kind.holds_several_choices() {
            default.split_whitespace().collect()
        } else {
            vec![default.trim()]
        };
        let unknown: Vec<&str> = values
            .into_iter()
            .filter(|v| !choices.choices.iter().any(|c| c.name == *v))
            .collect();
        if !unknown.is_empty() {
            out.push(at(
                "default",
                format!(
                    "the default '{}' is no choice of list '{list}': the question starts with an answer the list does not offer, and she must pick another",
                    unknown.join(" ")
                ),
            ));
        }
    }
}

/// One warning per list whose choices (some of them) have no label in any language and
/// no media: the phone shows their names instead, as ODK Collect does.
fn unlabelled_choices(list: &ChoiceList, out: &mut Vec<Problem>) {
    let bare: Vec<_> = list
        .choices
        .iter()
        .filter(|c| c.source.row > 0 && c.label.is_empty() && c.media.is_empty())
        .collect();
    let Some(first) = bare.first() else { return };
    let mut rows: Vec<String> = bare
        .iter()
        .take(ROWS_NAMED)
        .map(|c| c.source.row.to_string())
        .collect();
    if bare.len() > ROWS_NAMED {
        rows.push(format!("and {} more", bare.len() - ROWS_NAMED));
    }
    out.push(Problem {
        sheet: first.source.sheet.clone(),
        row: first.source.row,
        column: "label".into(),
        message: format!(
            "{} choice(s) of list '{}' have no label (rows {}): the phone shows their names instead",
            bare.len(),
            list.name,
            rows.join(", ")
        ),
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Choice, Group, Source, Texts};

    fn plain(text: &str) -> Texts {
        Texts([(String::new(), text.to_owned())].into())
    }

    fn source(sheet: &str, row: u32) -> Source {
        Source {
            sheet: sheet.into(),
            row,
        }
    }

    fn form(body: Vec<Node>, choices: Vec<Choice>) -> Form {
        Form {
            title: "F".into(),
            id: "f".into(),
            version: String::new(),
            default_language: None,
            languages: Vec::new(),
            instance_name: None,
            body,
            choices: [(
                "yn".to_owned(),
                ChoiceList {
                    name: "yn".into(),
                    choices,
                },
            )]
            .into(),
            allow_choice_duplicates: false,
            data: Default::default(),
        }
    }

    fn choice(name: &str, label: &str, row: u32) -> Choice {
        Choice {
            name: name.into(),
            label: if label.is_empty() {
                Texts::default()
            } else {
                plain(label)
            },
            extra: Default::default(),
            media: Default::default(),
            source: source("choices", row),
        }
    }

    #[test]
    fn a_required_note_warns_only_when_nothing_can_hide_it() {
        let mut note = Field::new("stop", FieldKind::Note, plain("Stop"), source("survey", 2));
        note.required = Some("true()".into());
        let always = warnings(&form(
            vec![Node::Field(Box::new(note.clone()))],
            vec![choice("y", "Y", 2)],
        ));
        assert_eq!(always.len(), 1, "{always:?}");
        assert_eq!((always[0].row, always[0].column.as_str()), (2, "required"));
        assert!(
            always[0]
                .message
                .contains("'stop' is required and always shown")
        );
        let mut guarded = note.clone();
        guarded.relevant = Some("${age} < 15".into());
        assert!(
            warnings(&form(
                vec![Node::Field(Box::new(guarded))],
                vec![choice("y", "Y", 2)]
            ))
            .is_empty()
        );
        let group = Group {
            name: "g".into(),
            label: plain("G"),
            relevant: Some("${age} < 15".into()),
            appearance: None,
            children: vec![Node::Field(Box::new(note))],
            source: source("survey", 1),
        };
        assert!(warnings(&form(vec![Node::Group(group)], vec![choice("y", "Y", 2)])).is_empty());
    }

    #[test]
    fn choices_without_a_label_warn_once_per_list_naming_their_rows() {
        let choices = (0..8)
            .map(|i| choice(&format!("c{i}"), if i == 0 { "C" } else { "" }, i + 2))
            .collect();
        let found = warnings(&form(Vec::new(), choices));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].sheet.as_str(), found[0].row), ("choices", 3));
        assert_eq!(
            found[0].message,
            "7 choice(s) of list 'yn' have no label (rows 3, 4, 5, 6, 7, and 2 more): the phone shows their names instead"
        );
    }

    #[test]
    fn a_select_default_that_is_no_choice_warns_at_the_cell() {
        let select = |default: &str, kind: FieldKind| {
            let mut f = Field::new("q", kind, plain("Q"), source("survey", 4));
            f.default = Some(default.into());
            Node::Field(Box::new(f))
        };
        let one = FieldKind::SelectOne {
            list: "yn".into(),
            or_other: false,
        };
        let many = FieldKind::SelectMultiple {
            list: "yn".into(),
            or_other: false,
        };
        let choices = || vec![choice("y", "Y", 2), choice("n", "N", 3)];
        let found = warnings(&form(vec![select("Fixme: a list", one.clone())], choices()));
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].row, found[0].column.as_str()), (4, "default"));
        assert!(
            found[0]
                .message
                .starts_with("the default 'Fixme: a list' is no choice of list 'yn'")
        );
        assert!(warnings(&form(vec![select("y", one.clone())], choices())).is_empty());
        // An expression is not checked here: it is computed when the form opens.
        assert!(warnings(&form(vec![select("concat('x')", one)], choices())).is_empty());
        let found = warnings(&form(vec![select("y maybe n", many.clone())], choices()));
        assert!(
            found[0]
                .message
                .starts_with("the default 'maybe' is no choice"),
            "{found:?}"
        );
        assert!(warnings(&form(vec![select("y n", many)], choices())).is_empty());
    }
}
