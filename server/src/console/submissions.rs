//! The submissions pages: a paged, filterable table of an officer's submissions (form,
//! area subtree, branch, dates in Vietnam time, review state) with branch, commune,
//! sender and phone names and photo counts, with download links for the chosen form version; one
//! record with its answers under their question and choice labels, photos, GPS with a
//! map link, revisions and review history; and the review decision, posted with CSRF.
//! Everything goes through the JSON API's filters and the store's scoped queries.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use branchbook_core::engine::{TimeDoubt, line_facts};
use branchbook_core::form::{Field, FieldKind, Form, MetaKind, Node, Texts as FormTexts};
use branchbook_core::i18n::line_answer_text;
use serde::Deserialize;
use serde_json::Value;
use uuid::Uuid;

use super::form_audit::{AuditView, audit_view};
use super::session::{Posted, Staff};
use super::shell::{Shell, error_page, render};
use super::texts::{Lang, Texts};
use crate::api::export::{ExportQuery, FileFormat, form_export, register_export, register_file};
use crate::api::review::{ListQuery, Matching, audit_events, decide, decide_matching, photo};
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::export::Names;
use crate::model::{Area, Correction, FormVersion, RecordKind, RecordSummary, Review, ReviewState};

/// Submissions per page of the table.
const PAGE_ROWS: u32 = 50;

/// The review states in the order the filters and the review form offer them.
pub const STATES: [ReviewState; 4] = [
    ReviewState::Received,
    ReviewState::HasIssues,
    ReviewState::Approved,
    ReviewState::Rejected,
];

impl Texts {
    /// The note on a phone's time the server kept but doubts.
    pub fn time_doubt(&self, doubt: TimeDoubt) -> &'static str {
        match doubt {
            TimeDoubt::BeforeStart => self.record_doubt_before_start,
            TimeDoubt::AfterEnd => self.record_doubt_after_end,
            TimeDoubt::AfterReceipt => self.record_doubt_after_receipt,
        }
    }

    /// The name of a review state.
    pub fn review_state(&self, state: ReviewState) -> &'static str {
        match state {
            ReviewState::Received => self.review_received,
            ReviewState::HasIssues => self.review_has_issues,
            ReviewState::Approved => self.review_approved,
            ReviewState::Rejected => self.review_rejected,
        }
    }
}

/// One line of the submissions table.
pub struct SubmissionRow {
    /// The record's id (its page's address).
    pub uuid: Uuid,
    /// Its name (see [`crate::model::RecordSummary::display_name`]).
    pub name: String,
    /// Form id and version.
    pub form: String,
    /// Branch name.
    pub branch: String,
    /// Commune name.
    pub commune: String,
    /// The branch head who sent it.
    pub sender: String,
    /// The label of the phone it came from.
    pub device: String,
    /// When it was finalized (Vietnam time).
    pub when: String,
    /// When it arrived (Vietnam time).
    pub received: String,
    /// Review state's name.
    pub state: &'static str,
    /// The state's stored name (a CSS class).
    pub state_key: String,
    /// Photos it references.
    pub photos: i64,
    /// Ticked for a decision on a selection ("select all on this page").
    pub selected: bool,
}

/// An option of a filter's list.
pub struct Choice {
    /// Its value.
    pub value: String,
    /// What the officer reads.
    pub label: String,
    /// Chosen now.
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "console/submissions.html")]
struct SubmissionsPage {
    shell: Shell,
    rows: Vec<SubmissionRow>,
    forms: Vec<Choice>,
    areas: Vec<Choice>,
    states: Vec<Choice>,
    from: String,
    to: String,
    next: Option<String>,
    downloads: Option<(String, String)>,
    query: String,
    /// This very page (filters and cursor), where a decision on a selection comes back to.
    back: String,
    /// The decisions a selection can get.
    decisions: Vec<Choice>,
}

/// The filters as the page's form sends them (`form` is `id@version`).
#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    form: String,
    #[serde(default)]
    area: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    #[serde(default)]
    state: String,
    after: Option<i64>,
    /// `all`: every record of the page ticked.
    #[serde(default)]
    select: String,
    /// How many records a decision on a selection just covered.
    reviewed: Option<usize>,
}

impl Filters {
    fn list_query(&self) -> Result<ListQuery, ApiError> {
        let (form, version) = match self.form.split_once('@') {
            Some((f, v)) => (Some(f.to_owned()), Some(v.to_owned())),
            None => (None, None),
        };
        let area = match self.area.trim() {
            "" => None,
            text => Some(
                Uuid::parse_str(text)
                    .map_err(|_| ApiError::BadRequest("the area is not an id".into()))?,
            ),
        };
        let state = match self.state.trim() {
            "" => None,
            name => Some(
                crate::model::from_stored_name(name)
                    .ok_or_else(|| ApiError::BadRequest("unknown review state".into()))?,
            ),
        };
        let date = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
        Ok(ListQuery {
            area,
            branch: None,
            form,
            version,
            from: date(&self.from),
            to: date(&self.to),
            state,
            gathering_kind: None,
            after: self.after,
            limit: Some(PAGE_ROWS),
        })
    }

    /// The filters as a query string (without the page cursor).
    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("form", self.form.as_str()),
            ("area", self.area.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
            ("state", self.state.as_str()),
        ])
        .unwrap_or_default()
    }

    /// The filters and the page cursor as a query string: this very page.
    fn page(&self) -> String {
        match self.after {
            Some(after) => format!("{}&after={after}", self.query()),
            None => self.query(),
        }
    }
}

/// The forms' titles by id and version: what names a submission without an instance
/// name (see [`RecordSummary::display_name`]) wherever the console lists submissions.
pub struct FormTitles(std::collections::HashMap<(String, String), String>);

impl FormTitles {
    /// The titles of `forms`.
    pub fn new(forms: &[FormVersion]) -> FormTitles {
        FormTitles(
            forms
                .iter()
                .map(|f| ((f.form_id.clone(), f.version.clone()), f.title.clone()))
                .collect(),
        )
    }

    /// The name a list shows for submission `r`.
    pub fn name(&self, r: &RecordSummary, lang: Lang) -> String {
        let form_id = r.form_id.clone().unwrap_or_default();
        let key = (form_id, r.form_version.clone().unwrap_or_default());
        let title = self.0.get(&key).map_or(key.0.as_str(), String::as_str);
        r.display_name(title, lang.ui())
    }
}

/// An area as a filter's list names it: indented by depth, named as [`area_title`].
pub fn area_label(t: &Texts, area: &Area) -> String {
    let depth = area.path.matches('/').count().saturating_sub(2);
    format!("{}{}", "— ".repeat(depth), area_title(t, area))
}

/// An area with its level, unless its name already starts with it ("Xã Bản Hồ" stays
/// so, not "Xã Xã Bản Hồ").
pub fn area_title(t: &Texts, area: &Area) -> String {
    let level = t.level(area.level);
    let named = area
        .name
        .to_lowercase()
        .starts_with(&format!("{} ", level.to_lowercase()));
    if named {
        area.name.clone()
    } else {
        format!("{level} {}", area.name)
    }
}

/// `GET /submissions`: the table, filtered and paged.
pub async fn submissions_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(filters): Query<Filters>,
) -> Response {
    let lang = staff.visitor.lang;
    match submissions_view(&state, &staff, &filters).await {
        Ok(mut page) => {
            if let Some(count) = filters.reviewed {
                let t = lang.texts();
                page.shell =
                    page.shell
                        .with_notice(t.fill(t.review_done_many, "count", &count.to_string()));
            }
            render(&page)
        }
        Err(e) => error_page(lang, &e),
    }
}

async fn submissions_view(
    state: &AppState,
    staff: &Staff,
    filters: &Filters,
) -> Result<SubmissionsPage, ApiError> {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let list = filters.list_query()?;
    let filter = list
        .filter(state, &staff.officer, RecordKind::Submission)
        .await?;
    let scope = staff.officer.scope().clone();
    let page_filter = filter.clone();
    let (items, counts, names, areas, forms) = with_store(state, move |s| {
        let items = s.list_records(&page_filter)?;
        let seqs: Vec<i64> = items.iter().map(|r| r.seq).collect();
        Ok((
            items,
            s.photo_counts(&seqs)?,
            Names::load(s, &scope)?,
            s.areas(&scope)?,
            s.forms(false)?,
        ))
    })
    .await?;
    let next = (items.len() == filter.limit as usize)
        .then(|| {
            items
                .last()
                .map(|r| format!("{}&after={}", filters.query(), r.seq))
        })
        .flatten();
    let titles = FormTitles::new(&forms);
    let rows = items
        .into_iter()
        .map(|r| SubmissionRow {
            uuid: r.uuid,
            name: titles.name(&r, lang),
            form: format!(
                "{} ({})",
                r.form_id.as_deref().unwrap_or_default(),
                r.form_version.as_deref().unwrap_or_default()
            ),
            branch: names.area(r.branch_id).to_owned(),
            commune: names.commune_of(r.branch_id).to_owned(),
            sender: names.sender(&r).to_owned(),
            device: names.device(r.device_id).to_owned(),
            when: lang.time(r.event_at),
            received: lang.time(r.received_at),
            state: t.review_state(r.review_state),
            state_key: crate::model::stored_name(&r.review_state),
            photos: counts.get(&r.seq).copied().unwrap_or(0),
            selected: filters.select == "all",
        })
        .collect();
    let downloads = filters.form.split_once('@').map(|(form, version)| {
        (
            format!("/exports/forms/{form}/{version}/submissions"),
            filters.query(),
        )
    });
    Ok(SubmissionsPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "submissions",
            t.submissions_title,
            "/submissions",
        ),
        rows,
        forms: forms
            .iter()
            .map(|f| {
                let value = format!("{}@{}", f.form_id, f.version);
                Choice {
                    selected: value == filters.form,
                    label: format!("{} ({})", f.title, f.version),
                    value,
                }
            })
            .collect(),
        areas: areas
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: area_label(t, a),
                selected: a.id.to_string() == filters.area,
            })
            .collect(),
        states: STATES
            .iter()
            .map(|s| {
                let value = crate::model::stored_name(s);
                Choice {
                    selected: value == filters.state,
                    label: t.review_state(*s).to_owned(),
                    value,
                }
            })
            .collect(),
        from: filters.from.clone(),
        to: filters.to.clone(),
        next,
        downloads,
        query: filters.query(),
        back: filters.page(),
        decisions: decisions(t),
    })
}

/// One line of a record's answers.
pub struct AnswerLine {
    /// Nesting depth (groups, repeat instances).
    pub depth: usize,
    /// The question's (or group's) label.
    pub label: String,
    /// The answer as text (empty for a heading).
    pub value: String,
    /// A group or repeat instance heading.
    pub heading: bool,
    /// The photo's SHA-256, for a photo answer.
    pub photo: Option<String>,
    /// The recording, for a sound or video answer (played in the page).
    pub recording: Option<RecordingLine>,
    /// A map link, for a GPS answer.
    pub map: Option<String>,
}

/// A recording answer, played by the browser's own `<audio>` or `<video>` element.
pub struct RecordingLine {
    /// The file's SHA-256 (its download address).
    pub sha: String,
    /// A video (else a sound recording).
    pub video: bool,
}

/// Lays a submission's answers out as the form has them, in one language.
struct Layout<'a> {
    form: &'a Form,
    language: String,
    lang: Lang,
    lines: Vec<AnswerLine>,
}

/// A form's text (a label) in `language` (a language of the form, by name), else in its
/// plain column, else in any language, else `fallback`.
pub fn form_text(texts: &FormTexts, language: &str, fallback: &str) -> String {
    texts
        .0
        .get(language)
        .or_else(|| texts.0.get(""))
        .or_else(|| texts.0.values().next())
        .cloned()
        .unwrap_or_else(|| fallback.to_owned())
}

/// The form's language closest to the console's: the one with its code, else the form's
/// default.
pub fn form_language(form: &Form, lang: Lang) -> String {
    form.languages
        .iter()
        .find(|l| l.code.as_deref() == Some(lang.code()))
        .map(|l| l.name.clone())
        .or_else(|| form.default_language.clone())
        .unwrap_or_default()
}

impl Layout<'_> {
    fn text(&self, texts: &FormTexts, fallback: &str) -> String {
        form_text(texts, &self.language, fallback)
    }

    fn choice(&self, list: &str, name: &str) -> String {
        self.form
            .choices
            .get(list)
            .and_then(|l| l.choices.iter().find(|c| c.name == name))
            .map_or_else(|| name.to_owned(), |c| self.text(&c.label, name))
    }

    fn field(&mut self, field: &Field, value: &Value, depth: usize) {
        let label = self.text(&field.label, &field.name);
        let mut line = AnswerLine {
            depth,
            label,
            value: String::new(),
            heading: false,
            photo: None,
            recording: None,
            map: None,
        };
        match (&field.kind, value) {
            (FieldKind::Note, _) => return,
            (FieldKind::SelectOne { list, .. }, Value::String(name)) => {
                line.value = self.choice(list, name);
            }
            (
                FieldKind::SelectMultiple { list, .. } | FieldKind::Rank { list },
                Value::Array(names),
            ) => {
                line.value = names
                    .iter()
                    .filter_map(Value::as_str)
                    .map(|n| self.choice(list, n))
                    .collect::<Vec<_>>()
                    .join("; ");
            }
            (FieldKind::Image, Value::String(sha)) => line.photo = Some(sha.clone()),
            (kind @ (FieldKind::Audio | FieldKind::Video), Value::String(sha)) => {
                line.recording = Some(RecordingLine {
                    sha: sha.clone(),
                    video: *kind == FieldKind::Video,
                });
            }
            (FieldKind::Geopoint | FieldKind::Meta(MetaKind::StartGeopoint), Value::Object(p)) => {
                let num = |k: &str| p.get(k).and_then(Value::as_f64);
                if let (Some(lat), Some(lon)) = (num("latitude"), num("longitude")) {
                    line.value = match num("accuracy") {
                        Some(acc) => format!("{lat}, {lon} (± {acc} m)"),
                        None => format!("{lat}, {lon}"),
                    };
                    line.map = Some(map_link(lat, lon));
                }
            }
            // A line or shape: its points and length or area as the phones show them,
            // the map opened at its first point; text that is not a line shows as it is.
            (kind @ (FieldKind::Geotrace | FieldKind::Geoshape), Value::String(text)) => {
                match line_answer_text(kind, text, self.lang.ui()) {
                    Some(summary) => {
                        line.value = summary;
                        line.map = line_facts(kind, text)
                            .and_then(|facts| facts.first)
                            .map(|p| map_link(p.latitude, p.longitude));
                    }
                    None => line.value = text.clone(),
                }
            }
            (FieldKind::DateTime, Value::String(text)) => {
                line.value = chrono::DateTime::parse_from_rfc3339(text).map_or_else(
                    |_| text.clone(),
                    |at| self.lang.time(at.with_timezone(&chrono::Utc)),
                );
            }
            (_, Value::String(text)) => line.value = text.clone(),
            (_, Value::Bool(b)) => line.value = if *b { "✓" } else { "" }.to_owned(),
            (_, Value::Null) => {}
            (_, other) => line.value = other.to_string(),
        }
        self.lines.push(line);
    }

    fn nodes(&mut self, nodes: &[Node], data: &Value, depth: usize) {
        for node in nodes {
            let Some(value) = data.get(node.name()) else {
                continue;
            };
            match node {
                Node::Field(field) => self.field(field, value, depth),
                Node::Group(group) => {
                    let label = self.text(&group.label, &group.name);
                    self.heading(label, depth);
                    self.nodes(&group.children, value, depth + 1);
                }
                Node::Repeat(repeat) => {
                    let label = self.text(&repeat.label, &repeat.name);
                    for (i, item) in value.as_array().into_iter().flatten().enumerate() {
                        self.heading(format!("{label} {}", i + 1), depth);
                        self.nodes(&repeat.children, item, depth + 1);
                    }
                }
            }
        }
    }

    fn heading(&mut self, label: String, depth: usize) {
        self.lines.push(AnswerLine {
            depth,
            label,
            value: String::new(),
            heading: true,
            photo: None,
            recording: None,
            map: None,
        });
    }
}

/// OpenStreetMap opened at a position, with a marker on it.
fn map_link(lat: f64, lon: f64) -> String {
    format!("https://www.openstreetmap.org/?mlat={lat}&mlon={lon}#map=17/{lat}/{lon}")
}

/// A submission's answers as lines, labels in the form language closest to `lang`.
pub fn answer_lines(form: &Form, data: &Value, lang: Lang) -> Vec<AnswerLine> {
    let mut layout = Layout {
        form,
        language: form_language(form, lang),
        lang,
        lines: Vec::new(),
    };
    layout.nodes(&form.body, data, 0);
    layout.lines
}

/// A review decision as the record page shows it.
pub struct ReviewLine {
    /// The state's name.
    pub state: &'static str,
    /// The comment.
    pub comment: String,
    /// Who.
    pub by: String,
    /// When (Vietnam time).
    pub at: String,
}

#[derive(Template)]
#[template(path = "console/record.html")]
struct RecordPage {
    shell: Shell,
    uuid: Uuid,
    facts: Vec<(&'static str, String)>,
    lines: Vec<AnswerLine>,
    photos: Vec<String>,
    revisions: Vec<(u32, String)>,
    /// Each with its revision and the note on a doubted time (empty for none).
    corrections: Vec<(u32, Correction, &'static str)>,
    unlisted: usize,
    reviews: Vec<ReviewLine>,
    states: Vec<Choice>,
    /// The form audit log, when the record carries one.
    audit: Option<AuditView>,
}

/// What the record page is told after a post.
#[derive(Debug, Default, Deserialize)]
pub struct AfterPost {
    reviewed: Option<String>,
}

/// `GET /records/{uuid}`: one submission in full.
pub async fn record_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(uuid): Path<Uuid>,
    Query(after): Query<AfterPost>,
) -> Response {
    let lang = staff.visitor.lang;
    match record_view(&state, &staff, uuid).await {
        Ok(mut page) => {
            if after.reviewed.is_some() {
                page.shell = page.shell.with_notice(lang.texts().review_done);
            }
            render(&page)
        }
        Err(e) => error_page(lang, &e),
    }
}

async fn record_view(state: &AppState, staff: &Staff, uuid: Uuid) -> Result<RecordPage, ApiError> {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let scope = staff.officer.scope().clone();
    let found = with_store(state, move |s| {
        let revisions = s.record_revisions(uuid, &scope)?;
        let Some(record) = revisions.last().cloned() else {
            return Ok(None);
        };
        let form = match (&record.summary.form_id, &record.summary.form_version) {
            (Some(id), Some(version)) => s.form_version(id, version)?.map(|(_, json)| json),
            _ => None,
        };
        let photos = s.record_photos(record.summary.seq)?;
        Ok(Some((
            record,
            revisions,
            form,
            photos,
            s.reviews(uuid)?,
            Names::load(s, &scope)?,
        )))
    })
    .await?;
    let Some((record, revisions, form, photos, reviews, names)) = found else {
        return Err(ApiError::NotFound("no such record in your scope".into()));
    };
    if record.summary.kind != RecordKind::Submission {
        return Err(ApiError::NotFound("not a submission".into()));
    }
    let form: Option<Form> = form.and_then(|json| serde_json::from_str(&json).ok());
    let audit = audit_view(uuid, form.as_ref(), &audit_events(&record)?, lang);
    let data = record.body.get("data").cloned().unwrap_or(Value::Null);
    let lines = form
        .as_ref()
        .map(|f| answer_lines(f, &data, lang))
        .unwrap_or_default();
    let s = &record.summary;
    let title = form.as_ref().map_or_else(
        || s.form_id.clone().unwrap_or_default(),
        |f| f.title.clone(),
    );
    let name = s.display_name(&title, lang.ui());
    let facts = vec![
        (t.submissions_name, name.clone()),
        (
            t.submissions_form,
            format!("{title} ({})", s.form_version.clone().unwrap_or_default()),
        ),
        (t.submissions_branch, names.area(s.branch_id).to_owned()),
        (
            t.submissions_commune,
            names.commune_of(s.branch_id).to_owned(),
        ),
        (
            t.submissions_sender,
            format!("{} — {}", names.sender(s), names.device(s.device_id)),
        ),
        (t.submissions_when, lang.time(s.event_at)),
        (t.submissions_received, lang.time(s.received_at)),
        (
            t.submissions_state,
            t.review_state(s.review_state).to_owned(),
        ),
    ];
    // Recordings are played under their question, not shown as pictures.
    let photos = photos
        .into_iter()
        .map(|p| p.sha256)
        .filter(|sha| {
            !lines
                .iter()
                .any(|l| l.recording.as_ref().is_some_and(|r| &r.sha == sha))
        })
        .collect();
    Ok(RecordPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "submissions",
            &name,
            &format!("/records/{uuid}"),
        ),
        uuid,
        facts,
        lines,
        photos,
        corrections: revisions
            .iter()
            .flat_map(|r| {
                r.corrections.values.iter().map(|c| {
                    let note = c.doubt.map_or("", |d| t.time_doubt(d));
                    (r.summary.revision, c.clone(), note)
                })
            })
            .collect(),
        unlisted: revisions.iter().map(|r| r.corrections.unlisted).sum(),
        revisions: revisions
            .iter()
            .map(|r| (r.summary.revision, lang.time(r.summary.received_at)))
            .collect(),
        reviews: reviews
            .into_iter()
            .map(|r: Review| ReviewLine {
                state: t.review_state(r.state),
                comment: r.comment,
                by: r.by,
                at: lang.time(r.at),
            })
            .collect(),
        states: decisions(t),
        audit,
    })
}

/// The decisions an officer can take, for the review forms.
fn decisions(t: &Texts) -> Vec<Choice> {
    STATES[1..]
        .iter()
        .map(|st| Choice {
            value: crate::model::stored_name(st),
            label: t.review_state(*st).to_owned(),
            selected: false,
        })
        .collect()
}

/// The review form.
#[derive(Debug, Deserialize)]
pub struct ReviewForm {
    #[serde(default)]
    state: String,
    #[serde(default)]
    comment: String,
}

/// `POST /records/{uuid}/review`: sets the review state with a comment (inside the
/// officer's scope), then shows the record again.
pub async fn review(
    State(state): State<AppState>,
    Path(uuid): Path<Uuid>,
    posted: Posted<Staff, ReviewForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let Some(decision) = crate::model::from_stored_name::<ReviewState>(form.state.trim()) else {
        return error_page(
            lang,
            &ApiError::BadRequest(lang.texts().review_choose.to_owned()),
        );
    };
    match decide(&state, &staff.officer, vec![uuid], decision, &form.comment).await {
        Ok(_) => Redirect::to(&format!("/records/{uuid}?reviewed=1")).into_response(),
        Err(e) => error_page(lang, &e),
    }
}

/// `POST /submissions/review`: one decision with one comment on the records ticked in
/// the table (fields `record`, `state`, `comment`, and `back`: the page to return to),
/// or, with `scope=filter`, on every record matching the page's filters (see
/// [`review_filtered`]). All of them are inside the officer's scope or nothing is
/// recorded.
pub async fn review_selection(
    State(state): State<AppState>,
    posted: Posted<Staff, Vec<(String, String)>>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let field = |name: &str| {
        form.iter()
            .find(|(n, _)| n == name)
            .map_or("", |(_, v)| v.as_str())
    };
    let Some(decision) = crate::model::from_stored_name::<ReviewState>(field("state").trim())
    else {
        return error_page(lang, &ApiError::BadRequest(t.review_choose.into()));
    };
    let back: Filters = serde_urlencoded::from_str(field("back")).unwrap_or_default();
    if field("scope") == "filter" {
        let confirmed = field("selection");
        return review_filtered(&state, &staff, decision, field("comment"), &back, confirmed)
            .await
            .unwrap_or_else(|e| error_page(lang, &e));
    }
    let records: Result<Vec<Uuid>, _> = form
        .iter()
        .filter(|(n, _)| n == "record")
        .map(|(_, v)| Uuid::parse_str(v.trim()))
        .collect();
    let Ok(mut records) = records else {
        return error_page(lang, &ApiError::BadRequest("a record is not an id".into()));
    };
    records.sort_unstable();
    records.dedup();
    if records.is_empty() {
        return error_page(lang, &ApiError::BadRequest(t.review_choose_records.into()));
    }
    let count = records.len();
    match decide(&state, &staff.officer, records, decision, field("comment")).await {
        Ok(_) => {
            Redirect::to(&format!("/submissions?{}&reviewed={count}", back.page())).into_response()
        }
        Err(e) => error_page(lang, &e),
    }
}

/// The page asking an officer to confirm a decision on every record matching her filters.
#[derive(Template)]
#[template(path = "console/review_confirm.html")]
struct ConfirmPage {
    shell: Shell,
    /// The filters, as the list's query string.
    back: String,
    state: String,
    comment: String,
    /// The matching records as counted (see [`decide_matching`]).
    selection: String,
    text: String,
    button: String,
}

/// A decision on every survey matching the page's filters, on every page, through
/// [`decide_matching`] (the rule the API shares): the first post shows how many records
/// it covers and asks to confirm; the confirming post carries the selection it was
/// shown, and the decision is recorded only when the filters still match exactly those
/// records; otherwise the officer confirms again.
async fn review_filtered(
    state: &AppState,
    staff: &Staff,
    decision: ReviewState,
    comment: &str,
    back: &Filters,
    confirmed: &str,
) -> Result<Response, ApiError> {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let filter = back
        .list_query()?
        .filter(state, &staff.officer, RecordKind::Submission)
        .await?;
    let matching = decide_matching(
        state,
        &staff.officer,
        filter,
        decision,
        comment,
        confirmed,
        t,
    )
    .await?;
    let (count, selection, changed) = match matching {
        Matching::Decided { records, .. } => {
            return Ok(Redirect::to(&format!(
                "/submissions?{}&reviewed={}",
                back.query(),
                records.len()
            ))
            .into_response());
        }
        Matching::ToConfirm {
            count,
            selection,
            changed,
        } => (count, selection, changed),
    };
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "submissions",
        t.review_confirm_title,
        "/submissions",
    );
    if changed {
        shell = shell.with_notice(t.review_changed);
    }
    let count = count.to_string();
    Ok(render(&ConfirmPage {
        shell,
        back: back.query(),
        state: crate::model::stored_name(&decision),
        comment: comment.to_owned(),
        selection,
        text: t.fill(
            &t.fill(t.review_confirm_text, "count", &count),
            "state",
            t.review_state(decision),
        ),
        button: t.fill(t.review_confirm_button, "count", &count),
    }))
}

/// `GET /records/photos/{sha256}`: a photo or recording of a record inside the officer's
/// scope (with `Range`, the part a video player asks for).
pub async fn record_photo(
    State(state): State<AppState>,
    staff: Staff,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Response {
    let lang = staff.visitor.lang;
    match photo(State(state), staff.officer.0.clone(), Path(sha256), headers).await {
        Ok(response) => response,
        Err(e) => error_page(lang, &e),
    }
}

/// `GET /exports/forms/{form}/{version}/{file}` (`submissions.csv`, `submissions.xlsx`):
/// the API's export, for the signed-in officer.
pub async fn form_download(
    State(state): State<AppState>,
    staff: Staff,
    Path((form, version, file)): Path<(String, String, String)>,
    Query(filters): Query<Filters>,
    Query(options): Query<ExportQuery>,
) -> Response {
    let lang = staff.visitor.lang;
    let format = match file.as_str() {
        "submissions.csv" => FileFormat::Csv,
        "submissions.xlsx" => FileFormat::Xlsx,
        _ => return error_page(lang, &ApiError::NotFound("export".into())),
    };
    let list = match filters.list_query() {
        Ok(list) => ListQuery {
            form: None,
            version: None,
            ..list
        },
        Err(e) => return error_page(lang, &e),
    };
    form_export(
        &state,
        &staff.officer,
        (form, version),
        None,
        (&list, &options),
        format,
    )
    .await
    .unwrap_or_else(|e| error_page(lang, &e))
}

/// `GET /exports/{file}` (`gatherings.csv`, `households.xlsx`, ...): a register, for the
/// signed-in officer.
pub async fn register_download(
    State(state): State<AppState>,
    staff: Staff,
    Path(file): Path<String>,
    Query(filters): Query<Filters>,
    Query(options): Query<ExportQuery>,
) -> Response {
    let lang = staff.visitor.lang;
    let Some((kind, format)) = register_file(&file) else {
        return error_page(lang, &ApiError::NotFound("export".into()));
    };
    let list = match filters.list_query() {
        Ok(list) => ListQuery {
            form: None,
            version: None,
            ..list
        },
        Err(e) => return error_page(lang, &e),
    };
    register_export(&state, &staff.officer, kind, (&list, &options), format)
        .await
        .unwrap_or_else(|e| error_page(lang, &e))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::texts::Lang;
    use crate::model::AreaLevel;

    fn commune(name: &str) -> Area {
        Area {
            id: uuid::Uuid::nil(),
            parent_id: None,
            level: AreaLevel::Commune,
            name: name.into(),
            path: "/p/c/".into(),
            archived: false,
        }
    }

    #[test]
    fn an_area_named_with_its_level_is_not_named_twice() {
        let vi = Lang::Vi.texts();
        assert_eq!(area_label(vi, &commune("Xã Bản Hồ")), "— Xã Bản Hồ");
        assert_eq!(area_label(vi, &commune("xã Bản Hồ")), "— xã Bản Hồ");
        assert_eq!(area_label(vi, &commune("Bản Hồ")), "— Xã Bản Hồ");
        assert_eq!(
            area_label(vi, &commune("Xãi")),
            "— Xã Xãi",
            "a word, not a prefix"
        );
        let en = Lang::En.texts();
        assert_eq!(
            area_label(en, &commune("Bản Hồ")),
            format!("— {} Bản Hồ", en.level_commune)
        );
    }
}
