//! A submission's form audit log (XLSForm `audit`) on its record page: how long each
//! question was on screen, under its label, with the whole interview's length, so an
//! officer sees how a visit went without a spreadsheet; and the log itself as ODK's
//! `audit.csv`, downloaded through the console's session with the record's own scope.

use std::collections::HashMap;

use axum::extract::{Path, State};
use axum::response::Response;
use branchbook_core::engine::{AuditEvent, AuditEventKind};
use branchbook_core::form::{Form, Node};
use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::session::Staff;
use super::shell::error_page;
use super::submissions::{form_language, form_text};
use super::texts::{Lang, Texts};
use crate::api::AppState;
use crate::api::review::audit_log;

/// Most lines of the log the page shows; the download holds them all.
pub const AUDIT_LINES_SHOWN: usize = 200;

/// One question (or page of questions) as it was on screen.
pub struct AuditLine {
    /// The question's label in the console's language, with its place in the form when
    /// it is inside a repeat (`Tuổi (member[2]/age)`).
    pub question: String,
    /// When it showed (Vietnam time).
    pub shown: String,
    /// How long it stayed (`1 phút 05 giây`).
    pub on_screen: String,
}

/// What the record page shows of a submission's audit log.
pub struct AuditView {
    /// Where to download it.
    pub download: String,
    /// How many questions, how long in all, from when to when.
    pub summary: String,
    /// The questions in the order she saw them (at most [`AUDIT_LINES_SHOWN`]).
    pub lines: Vec<AuditLine>,
    /// Said when some lines are left out.
    pub more: Option<String>,
}

/// A length of time as an officer reads it: `42 giây`, `3 phút 05 giây`.
fn duration(t: &Texts, ms: i64) -> String {
    let seconds = ms.max(0) / 1000;
    if seconds < 60 {
        t.fill(t.record_audit_seconds, "s", &seconds.to_string())
    } else {
        let text = t.fill(t.record_audit_minutes, "m", &(seconds / 60).to_string());
        t.fill(&text, "s", &format!("{:02}", seconds % 60))
    }
}

/// The labels of a form's questions, groups and repeats, by name, each with its path
/// of names from the top (a name may be used in two groups).
fn labels(form: &Form, language: &str) -> HashMap<String, Vec<(String, String)>> {
    fn walk(
        nodes: &[Node],
        above: &str,
        language: &str,
        out: &mut HashMap<String, Vec<(String, String)>>,
    ) {
        for node in nodes {
            let name = node.name();
            let path = format!("{above}{name}");
            let (label, children) = match node {
                Node::Field(f) => (&f.label, None),
                Node::Group(g) => (&g.label, Some(&g.children)),
                Node::Repeat(r) => (&r.label, Some(&r.children)),
            };
            out.entry(name.to_owned())
                .or_default()
                .push((path.clone(), form_text(label, language, name)));
            if let Some(children) = children {
                walk(children, &format!("{path}/"), language, out);
            }
        }
    }
    let mut out = HashMap::new();
    walk(&form.body, "", language, &mut out);
    out
}

/// The label of the question an event names (a session path: `member[2]/age`, or
/// `household/head_name` when the name is used twice), or the path itself.
fn question(labels: &HashMap<String, Vec<(String, String)>>, node: &str) -> String {
    let plain: String = node
        .split('/')
        .map(|step| step.split('[').next().unwrap_or(step))
        .collect::<Vec<_>>()
        .join("/");
    let name = plain.rsplit('/').next().unwrap_or(&plain);
    let found = labels.get(name).and_then(|named| {
        named
            .iter()
            .find(|(path, _)| path.ends_with(&plain))
            .or_else(|| named.first())
    });
    match found {
        Some((_, label)) if node.contains('[') => format!("{label} ({node})"),
        Some((_, label)) => label.clone(),
        None => node.to_owned(),
    }
}

/// What the record page shows of `events` (none when the record has no log): the
/// questions and pages shown, with their time on screen, labelled from `form`.
pub fn audit_view(
    uuid: Uuid,
    form: Option<&Form>,
    events: &[AuditEvent],
    lang: Lang,
) -> Option<AuditView> {
    let t = lang.texts();
    let first = events.iter().map(|e| e.start).min()?;
    let last: DateTime<Utc> = events
        .iter()
        .map(|e| e.end.unwrap_or(e.start))
        .max()
        .unwrap_or(first);
    let labels = form
        .map(|f| labels(f, &form_language(f, lang)))
        .unwrap_or_default();
    let shown: Vec<(&AuditEvent, i64)> = events
        .iter()
        .filter(|e| {
            matches!(
                e.event,
                AuditEventKind::Question | AuditEventKind::GroupQuestions
            )
        })
        .filter_map(|e| Some((e, (e.end? - e.start).num_milliseconds())))
        .collect();
    let on_screen: i64 = shown.iter().map(|(_, ms)| ms).sum();
    let summary = [
        ("count", shown.len().to_string()),
        ("total", duration(t, on_screen)),
        ("length", duration(t, (last - first).num_milliseconds())),
        ("start", lang.time(first)),
    ]
    .iter()
    .fold(t.record_audit_summary.to_owned(), |text, (name, value)| {
        t.fill(&text, name, value)
    });
    let more = (shown.len() > AUDIT_LINES_SHOWN).then(|| {
        let text = t.fill(t.record_audit_more, "shown", &AUDIT_LINES_SHOWN.to_string());
        t.fill(&text, "total", &shown.len().to_string())
    });
    let lines = shown
        .iter()
        .take(AUDIT_LINES_SHOWN)
        .map(|(e, ms)| AuditLine {
            question: e
                .node
                .as_deref()
                .map_or_else(String::new, |node| question(&labels, node)),
            shown: lang.time(e.start),
            on_screen: duration(t, *ms),
        })
        .collect();
    Some(AuditView {
        download: format!("/records/{uuid}/audit.csv"),
        summary,
        lines,
        more,
    })
}

/// `GET /records/{uuid}/audit.csv`: the JSON API's download of a submission's audit log
/// (ODK's `audit.csv`), for the signed-in officer, inside her scope.
pub async fn audit_download(
    State(state): State<AppState>,
    staff: Staff,
    Path(uuid): Path<Uuid>,
) -> Response {
    let lang = staff.visitor.lang;
    match audit_log(State(state), staff.officer.0.clone(), Path(uuid)).await {
        Ok(response) => response,
        Err(e) => error_page(lang, &e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_as_seconds_then_minutes() {
        let t = Lang::Vi.texts();
        assert_eq!(duration(t, 42_900), "42 giây");
        assert_eq!(duration(t, 185_000), "3 phút 05 giây");
        assert_eq!(duration(Lang::En.texts(), 185_000), "3 min 05 s");
        assert_eq!(
            duration(t, -5),
            "0 giây",
            "a clock set back reads as nothing"
        );
    }
}
