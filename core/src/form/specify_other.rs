//! `or_other` selects: as pyxform does, the reader adds after each one a text question
//! `<name>_other` ("Specify other") shown only when "other" is chosen, so what the
//! respondent meant is recorded, not just that it was something else.

use std::collections::BTreeMap;

use super::columns::language;
use super::{Field, FieldKind, Form, Node, Texts};

/// The follow-up's label in Vietnamese and in English (for every other language).
const LABEL_VI: &str = "Ghi rõ lựa chọn khác";
const LABEL_EN: &str = "Specify other";

/// Inserts the follow-up of every `or_other` select of `form`, right after it.
pub(crate) fn add_specify_other(form: &mut Form) {
    walk(&mut form.body);
}

fn walk(nodes: &mut Vec<Node>) {
    let mut i = 0;
    while i < nodes.len() {
        let follow_up = match &mut nodes[i] {
            Node::Field(f) => follow_up(f),
            Node::Group(g) => {
                walk(&mut g.children);
                None
            }
            Node::Repeat(r) => {
                walk(&mut r.children);
                None
            }
        };
        i += 1;
        if let Some(f) = follow_up {
            nodes.insert(i, Node::Field(Box::new(f)));
            i += 1;
        }
    }
}

/// The text question that asks what "other" means, for a select with `or_other`.
fn follow_up(select: &Field) -> Option<Field> {
    let (FieldKind::SelectOne { or_other: true, .. } | FieldKind::SelectMultiple { or_other: true, .. }) = select.kind
    else {
        return None;
    };
    if select.name.is_empty() {
        // Already a problem of its own; a follow-up named `_other` would only add noise.
        return None;
    }
    // One label per language the select is labelled in ("" is a column without one).
    let mut keys: Vec<&String> = select.label.0.keys().collect();
    let no_language = String::new();
    if keys.is_empty() {
        keys.push(&no_language);
    }
    let label = keys
        .into_iter()
        .map(|key| {
            let text = if !key.is_empty() && language(key).is_vietnamese() { LABEL_VI } else { LABEL_EN };
            (key.clone(), text.to_owned())
        })
        .collect::<BTreeMap<_, _>>();
    let name = format!("{}_other", select.name);
    let relevant = format!("selected(${{{}}}, 'other')", select.name);
    Some(Field { relevant: Some(relevant), ..Field::new(name, FieldKind::Text, Texts(label), select.source.clone()) })
}
