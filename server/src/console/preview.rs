//! A form version's preview, before it is published: every question with its type, its
//! page on the phone, its label in each of the form's languages, and the choices of a
//! select question (each labelled in each language), read from the stored JSON; and the
//! files the version carries (CSV tables, label pictures), each downloadable by the
//! officials whose area the version reaches.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use branchbook_core::form::{FieldKind, Form, Node, Problem, Texts as Labels, load_json};
use branchbook_core::protocol::FormFile;

use super::session::Staff;
use super::shell::{Shell, error_page, render};
use crate::api::export::content_disposition;
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::form_files::FormFiles;
use crate::model::{FormVersion, Scope};
use crate::store::ServerStoreError;

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
    /// The files the version carries that the officer may download: name and size.
    files: Vec<(String, String)>,
    /// What the form checker warns about in this version (see
    /// [`CompiledForm::warnings`](branchbook_core::engine::CompiledForm::warnings)).
    warnings: Vec<Problem>,
}

/// Whether an official with `scope` may download the files of `version`, published to
/// the area at `area_path` (none: to every phone): administrators any version; an
/// officer those of a version sent to phones of her area (to every phone, or to an
/// area above, at or inside hers), retired ones too. A draft is the administrator's
/// until it is published, and a commune's own tables (a `pulldata` CSV of its
/// households) stay with the officers above and inside it.
fn files_reach(scope: &Scope, version: &FormVersion, area_path: Option<&str>) -> bool {
    match scope {
        Scope::All => true,
        Scope::Under(mine) => {
            version.published
                && match (version.area_id, area_path) {
                    (None, _) => true,
                    (Some(_), Some(sent_to)) => {
                        mine.starts_with(sent_to) || sent_to.starts_with(mine.as_str())
                    }
                    (Some(_), None) => false,
                }
        }
    }
}

/// The version `form_id`/`version` with its canonical JSON and the files it carries,
/// when the official with `scope` may download them (empty otherwise); not found when
/// there is no such version.
async fn stored_version(
    state: &AppState,
    scope: Scope,
    form_id: String,
    version: String,
) -> Result<(FormVersion, String, Vec<FormFile>), ApiError> {
    with_store(state, move |s| {
        let Some((stored, json)) = s.form_version(&form_id, &version)? else {
            return Err(ServerStoreError::NotFound("form version".into()));
        };
        let area_path = match stored.area_id {
            Some(id) => s.area(id)?.map(|a| a.path),
            None => None,
        };
        let files = if files_reach(&scope, &stored, area_path.as_deref()) {
            s.form_attachments(&form_id, &version)?
        } else {
            Vec::new()
        };
        Ok((stored, json, files))
    })
    .await
}

/// A size as an officer reads it: bytes, KB or MB.
fn size_text(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} B"),
        1_000..1_000_000 => format!("{:.1} KB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

/// The media type a form's file is served as, by its extension: CSV as text, pictures
/// as themselves, anything else as bytes (always as a download, never shown in place).
fn media_type(name: &str) -> &'static str {
    let extension = name.rsplit('.').next().unwrap_or_default();
    match extension.to_ascii_lowercase().as_str() {
        "csv" => "text/csv; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        _ => "application/octet-stream",
    }
}

/// `GET /forms/{form_id}/{version}/files/{name}`: one file a version carries (a CSV
/// table, a label picture), downloaded under its own name by an official who may (see
/// [`files_reach`]); any other is not found.
pub async fn form_file(
    State(state): State<AppState>,
    Path((form_id, version, name)): Path<(String, String, String)>,
    staff: Staff,
) -> Response {
    let lang = staff.visitor.lang;
    let scope = staff.officer.scope().clone();
    let files = match stored_version(&state, scope, form_id, version).await {
        Ok((_, _, files)) => files,
        Err(e) => return error_page(lang, &e),
    };
    let Some(file) = files.into_iter().find(|f| f.name == name) else {
        return error_page(lang, &ApiError::NotFound("form file".into()));
    };
    let kept = FormFiles::under(&state.config.data_dir);
    let sha = file.sha256.clone();
    let read = tokio::task::spawn_blocking(move || kept.read_from(&sha, 0, u64::MAX)).await;
    match read {
        Ok(Ok(Some((bytes, _)))) => (
            [
                (CONTENT_TYPE, media_type(&file.name).to_owned()),
                (CONTENT_DISPOSITION, content_disposition(&file.name)),
            ],
            bytes,
        )
            .into_response(),
        Ok(Ok(None)) => error_page(
            lang,
            &ApiError::Internal("a form file named by a form is not kept".into()),
        ),
        Ok(Err(e)) => error_page(
            lang,
            &ApiError::Internal(format!("reading a form file: {e}")),
        ),
        Err(e) => error_page(lang, &ApiError::Internal(e.to_string())),
    }
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
    let scope = staff.officer.scope().clone();
    let stored = stored_version(&state, scope, form_id.clone(), version.clone()).await;
    let (form_version, json, files) = match stored {
        Ok(stored) => stored,
        Err(e) => return error_page(lang, &e),
    };
    // Compiled as the phones will (the stored JSON carries its files' lists and tables),
    // for its warnings.
    let compiled = match load_json(&json) {
        Ok(compiled) => compiled,
        Err(e) => return error_page(lang, &ApiError::Internal(format!("stored form: {e}"))),
    };
    let form = compiled.form();
    let (languages, rows, pages) = preview_rows(form);
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
        files: files
            .into_iter()
            .map(|f| (f.name, size_text(f.size)))
            .collect(),
        warnings: compiled.warnings().to_vec(),
    })
}
