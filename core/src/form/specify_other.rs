//! `or_other` selects: as pyxform does, the reader adds after each one a text question
//! `<name>_other` ("Specify other") shown only when "other" is chosen, so what the
//! respondent meant is recorded, not just that it was something else.

use std::collections::BTreeMap;

use super::columns::language;
use super::{Field, FieldKind, Form, Language, Node, Texts};

/// The follow-up's label in Vietnamese and in English.
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
    let (FieldKind::SelectOne { or_other: true, .. }
    | FieldKind::SelectMultiple { or_other: true, .. }) = select.kind
    else {
        return None;
    };
    if select.name.is_empty() {
        // Already a problem of its own; a follow-up named `_other` would only add noise.
        return None;
    }
    // A label in each of the select's languages that is Vietnamese or English; other
    // languages (Hmong...) fall back to the form's default language, as any untranslated
    // label does. A select labelled in none of them gets an English label.
    let mut label: BTreeMap<String, String> = select
        .label
        .0
        .keys()
        .filter_map(|key| {
            let lang = language(key);
            let text = if lang.is_vietnamese() {
                LABEL_VI
            } else if key.is_empty() || is_english(&lang) {
                LABEL_EN
            } else {
                return None;
            };
            Some((key.clone(), text.to_owned()))
        })
        .collect();
    if label.is_empty() {
        label.insert(String::new(), LABEL_EN.to_owned());
    }
    let name = format!("{}_other", select.name);
    let relevant = format!("selected(${{{}}}, 'other')", select.name);
    Some(Field {
        relevant: Some(relevant),
        ..Field::new(name, FieldKind::Text, Texts(label), select.source.clone())
    })
}

/// `English`, `English (en)`, `label::en`...
fn is_english(lang: &Language) -> bool {
    lang.code
        .as_deref()
        .is_some_and(|c| c.eq_ignore_ascii_case("en"))
        || lang.name.eq_ignore_ascii_case("en")
        || lang.name.to_lowercase().starts_with("english")
}
