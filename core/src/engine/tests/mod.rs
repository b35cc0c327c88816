//! Engine tests. Forms are built from the model directly (the xlsx reader lives
//! elsewhere), with the small builders below.

mod audit;
mod barcode;
mod compile;
mod geo_lines;
mod last_saved;
mod navigation;
mod picking;
mod properties;
mod questions;
mod ranking;
mod recompute;
mod recordings;
mod repeats;
mod restore;
mod submit;
mod triggers;
mod typing;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, TimeZone, Utc};

use crate::form::{
    Choice, ChoiceList, Field, FieldKind, Form, Group, Language, Node, Repeat, Source, Texts,
};

use super::{Answer, CompiledForm, FormSession, Screen};

/// 2026-01-01T20:00Z: already 2026-01-02 in Vietnam.
pub(super) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 1, 1, 20, 0, 0).unwrap()
}

fn texts(text: &str) -> Texts {
    Texts(BTreeMap::from([(String::new(), text.to_string())]))
}

/// A field under construction.
pub(super) struct F(Field);

/// A field named `name` of `kind`, labelled with its name in capitals.
pub(super) fn q(name: &str, kind: FieldKind) -> F {
    F(Field::new(
        name,
        kind,
        texts(&name.to_uppercase()),
        Source {
            sheet: "survey".into(),
            row: 0,
        },
    ))
}

pub(super) fn text(name: &str) -> F {
    q(name, FieldKind::Text)
}

pub(super) fn int(name: &str) -> F {
    q(name, FieldKind::Integer)
}

pub(super) fn calc(name: &str, expr: &str) -> F {
    q(name, FieldKind::Calculate).calculation(expr)
}

pub(super) fn one(name: &str, list: &str) -> F {
    q(
        name,
        FieldKind::SelectOne {
            list: list.into(),
            or_other: false,
        },
    )
}

pub(super) fn many(name: &str, list: &str) -> F {
    q(
        name,
        FieldKind::SelectMultiple {
            list: list.into(),
            or_other: false,
        },
    )
}

impl F {
    pub fn label(mut self, lang: &str, text: &str) -> F {
        self.0.label.0.insert(lang.into(), text.into());
        self
    }
    pub fn only_label(mut self, lang: &str, text: &str) -> F {
        self.0.label = Texts(BTreeMap::from([(lang.to_string(), text.to_string())]));
        self
    }
    pub fn hint(mut self, text: &str) -> F {
        self.0.hint = texts(text);
        self
    }
    pub fn relevant(mut self, e: &str) -> F {
        self.0.relevant = Some(e.into());
        self
    }
    pub fn constraint(mut self, e: &str, message: &str) -> F {
        self.0.constraint = Some(e.into());
        if !message.is_empty() {
            self.0.constraint_message = texts(message);
        }
        self
    }
    pub fn constraint_message(mut self, lang: &str, message: &str) -> F {
        self.0
            .constraint_message
            .0
            .insert(lang.into(), message.into());
        self
    }
    pub fn required(mut self) -> F {
        self.0.required = Some("true()".into());
        self
    }
    pub fn required_if(mut self, e: &str) -> F {
        self.0.required = Some(e.into());
        self
    }
    pub fn calculation(mut self, e: &str) -> F {
        self.0.calculation = Some(e.into());
        self
    }
    pub fn default(mut self, d: &str) -> F {
        self.0.default = Some(d.into());
        self
    }
    pub fn read_only(mut self, e: &str) -> F {
        self.0.read_only = Some(e.into());
        self
    }
    pub fn choice_filter(mut self, e: &str) -> F {
        self.0.choice_filter = Some(e.into());
        self
    }
    pub fn row(mut self, row: u32) -> F {
        self.0.source.row = row;
        self
    }
    pub fn param(mut self, k: &str, v: &str) -> F {
        self.0.parameters.insert(k.into(), v.into());
        self
    }
    pub fn n(self) -> Node {
        Node::Field(Box::new(self.0))
    }
}

pub(super) fn group(name: &str, children: Vec<Node>) -> Group {
    Group {
        name: name.into(),
        label: texts(&name.to_uppercase()),
        relevant: None,
        appearance: None,
        children,
        source: Source {
            sheet: "survey".into(),
            row: 0,
        },
    }
}

pub(super) fn field_list(name: &str, children: Vec<Node>) -> Node {
    Node::Group(Group {
        appearance: Some("field-list".into()),
        ..group(name, children)
    })
}

pub(super) fn repeat(name: &str, children: Vec<Node>) -> Repeat {
    Repeat {
        name: name.into(),
        label: texts(&name.to_uppercase()),
        relevant: None,
        repeat_count: None,
        appearance: None,
        children,
        source: Source {
            sheet: "survey".into(),
            row: 0,
        },
    }
}

/// A choice: name, label, extra columns.
pub(super) type ChoiceRow<'a> = (&'a str, &'a str, &'a [(&'a str, &'a str)]);

/// A choice list `name` with its choices.
pub(super) fn list(name: &str, choices: &[ChoiceRow<'_>]) -> (String, ChoiceList) {
    let choices = choices
        .iter()
        .map(|(n, l, extra)| Choice {
            name: (*n).into(),
            label: texts(l),
            extra: extra
                .iter()
                .map(|(k, v)| ((*k).into(), (*v).into()))
                .collect(),
            media: Default::default(),
            source: Source {
                sheet: "choices".into(),
                row: 0,
            },
        })
        .collect();
    (
        name.into(),
        ChoiceList {
            name: name.into(),
            choices,
        },
    )
}

pub(super) fn form(body: Vec<Node>) -> Form {
    Form {
        id: "test".into(),
        version: "1".into(),
        title: "Test".into(),
        default_language: None,
        languages: Vec::new(),
        instance_name: None,
        body,
        choices: BTreeMap::new(),
        allow_choice_duplicates: false,
        data: Default::default(),
    }
}

pub(super) fn with_lists(mut f: Form, lists: Vec<(String, ChoiceList)>) -> Form {
    f.choices.extend(lists);
    f
}

pub(super) fn lang(name: &str, code: Option<&str>) -> Language {
    Language {
        name: name.into(),
        code: code.map(str::to_string),
    }
}

pub(super) fn compile(f: Form) -> Arc<CompiledForm> {
    Arc::new(CompiledForm::compile(f).unwrap_or_else(|p| panic!("{p:#?}")))
}

pub(super) fn session(f: Form) -> FormSession {
    FormSession::new(compile(f), None, now())
}

/// The paths of the questions on the current page.
pub(super) fn shown(s: &FormSession) -> Vec<String> {
    s.screen()
        .questions
        .iter()
        .map(|q| q.path.clone())
        .collect()
}

pub(super) fn set_int(s: &mut FormSession, path: &str, value: i64) {
    s.set_answer(path, Answer::Integer { value })
        .unwrap_or_else(|e| panic!("{path}: {e}"));
}

pub(super) fn set_text(s: &mut FormSession, path: &str, value: &str) {
    s.set_answer(
        path,
        Answer::Text {
            value: value.into(),
        },
    )
    .unwrap_or_else(|e| panic!("{path}: {e}"));
}

/// The current value of a question on the current page, as shown.
pub(super) fn value_on(screen: &Screen, path: &str) -> Option<Answer> {
    screen
        .questions
        .iter()
        .find(|q| q.path == path)
        .and_then(|q| q.value.clone())
}

/// The error shown on a question of the current page.
pub(super) fn error_on(screen: &Screen, path: &str) -> Option<String> {
    screen
        .questions
        .iter()
        .find(|q| q.path == path)
        .and_then(|q| q.error.clone())
}
