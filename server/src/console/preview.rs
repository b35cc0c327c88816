//! A form version's preview, before it is published: every question with its type, its
//! page on the phone, its label in each of the form's languages, and the choices of a
//! select question (each labelled in each language), read from the stored JSON.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use branchbook_core::form::{FieldKind, Form, Node, Texts as Labels};

use super::session::Staff;
use super::shell::{Shell, error_page, render};
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::FormVersion;

/// One line of the preview: a group, a repeat, a question, or one choice of the question
/// above it.
pub struct PreviewRow {
    /// The phone's page it is on (none for what is never shown: calculations, hidden and
    /// metadata fields, and choices, which are on their question's page).
    pub page: Option<usize>,
    /// Depth under the groups and repeats above it (0 at the top).
    pub depth: usize,
    /// Its name (a choice's value).
    pub name: String,
    /// What it is: the XLSForm type (`select_one water`, `begin group`, `choice`).
    pub kind: String,
    /// Its label in each of the form's languages, in the order of the header.
    pub labels: Vec<String>,
    /// True for a choice line.
    pub choice: bool,
}

#[derive(Template)]
#[template(path = "console/preview.html")]
struct PreviewPage {
    shell: Shell,
    form: FormVersion,
    languages: Vec<String>,
    rows: Vec<PreviewRow>,
    pages: usize,
}

/// The XLSForm type of a question (as the form's JSON names it).
fn kind_name(kind: &FieldKind) -> String {
    let named = match kind {
        FieldKind::SelectOne { list, .. } => return format!("select_one {list}"),
        FieldKind::SelectMultiple { list, .. } => return format!("select_multiple {list}"),
        FieldKind::Rank { list } => return format!("rank {list}"),
        FieldKind::Meta(meta) => serde_json::to_value(meta).ok(),
        other => serde_json::to_value(other).ok().map(|v| v["type"].clone()),
    };
    named
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{kind:?}").to_lowercase())
}

/// Whether a question is ever shown on the phone.
fn shown(kind: &FieldKind) -> bool {
    !matches!(
        kind,
        FieldKind::Calculate | FieldKind::Hidden | FieldKind::Meta(_)
    )
}

/// Builds the preview's lines, in the form's order.
struct Walk<'a> {
    form: &'a Form,
    /// The language keys of the labels (`""` for a plain `label` column).
    keys: Vec<String>,
    rows: Vec<PreviewRow>,
    pages: usize,
}

impl Walk<'_> {
    fn labels(&self, texts: &Labels) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| texts.0.get(k).cloned().unwrap_or_default())
            .collect()
    }

    /// Walks `nodes`; `page` is the page they share (inside a one-page group), or none
    /// when each shown question is a page of its own.
    fn nodes(&mut self, nodes: &[Node], depth: usize, page: Option<usize>) {
        for node in nodes {
            match node {
                Node::Field(field) => {
                    let own = shown(&field.kind).then(|| {
                        page.unwrap_or_else(|| {
                            self.pages += 1;
                            self.pages
                        })
                    });
                    self.rows.push(PreviewRow {
                        page: own,
                        depth,
                        name: field.name.clone(),
                        kind: kind_name(&field.kind),
                        labels: self.labels(&field.label),
                        choice: false,
                    });
                    let list = field
                        .kind
                        .choice_list()
                        .and_then(|list| self.form.choices.get(list));
                    for choice in list.map(|l| l.choices.as_slice()).unwrap_or_default() {
                        self.rows.push(PreviewRow {
                            page: None,
                            depth: depth + 1,
                            name: choice.name.clone(),
                            kind: "choice".to_owned(),
                            labels: self.labels(&choice.label),
                            choice: true,
                        });
                    }
                }
                Node::Group(group) => {
                    let one_page = group
                        .appearance
                        .as_deref()
                        .is_some_and(|a| a.contains("field-list") || a.contains("table-list"));
                    let inner = match page {
                        Some(p) => Some(p),
                        None if one_page => {
                            self.pages += 1;
                            Some(self.pages)
                        }
                        None => None,
                    };
                    self.rows.push(PreviewRow {
                        page: inner,
                        depth,
                        name: group.name.clone(),
                        kind: "begin group".to_owned(),
                        labels: self.labels(&group.label),
                        choice: false,
                    });
                    self.nodes(&group.children, depth + 1, inner);
                }
                Node::Repeat(repeat) => {
                    self.rows.push(PreviewRow {
                        page,
                        depth,
                        name: repeat.name.clone(),
                        kind: "begin repeat".to_owned(),
                        labels: self.labels(&repeat.label),
                        choice: false,
                    });
                    self.nodes(&repeat.children, depth + 1, page);
                }
            }
        }
    }
}

/// The preview of a form: its languages (by name, as the header declares them) and its
/// lines, with the number of pages.
pub fn preview_rows(form: &Form) -> (Vec<String>, Vec<PreviewRow>, usize) {
    let mut keys: Vec<String> = form.languages.iter().map(|l| l.name.clone()).collect();
    if keys.is_empty() {
        keys.push(String::new());
    }
    let mut walk = Walk {
        form,
        keys,
        rows: Vec::new(),
        pages: 0,
    };
    walk.nodes(&form.body, 0, None);
    let names = walk
        .keys
        .iter()
        .map(|k| {
            if k.is_empty() {
                "label".to_owned()
            } else {
                k.clone()
            }
        })
        .collect();
    (names, walk.rows, walk.pages)
}

/// `GET /forms/{form_id}/{version}/preview`: any officer may read a stored version,
/// draft or published, before deciding to publish it.
pub async fn preview_page(
    State(state): State<AppState>,
    Path((form_id, version)): Path<(String, String)>,
    staff: Staff,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let (id, v) = (form_id.clone(), version.clone());
    let stored = match with_store(&state, move |s| s.form_version(&id, &v)).await {
        Ok(Some(stored)) => stored,
        Ok(None) => return error_page(lang, &ApiError::NotFound("form version".into())),
        Err(e) => return error_page(lang, &e),
    };
    let (form_version, json) = stored;
    let form = match Form::from_json(&json) {
        Ok(form) => form,
        Err(e) => return error_page(lang, &ApiError::Internal(format!("stored form: {e}"))),
    };
    let (languages, rows, pages) = preview_rows(&form);
    let title = t.fill(t.preview_title, "title", &form_version.title);
    let here = format!("/forms/{form_id}/{version}/preview");
    let shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "forms",
        &title,
        &here,
    );
    render(&PreviewPage {
        shell,
        form: form_version,
        languages,
        rows,
        pages,
    })
}
