//! The audit log page (administrators only): every administrative action, newest first,
//! a page at a time, with who did it, when (Vietnam time), what and to what.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::session::Staff;
use super::shell::{Shell, error_page, render_status};
use super::texts::Texts;
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::{ReviewState, Role, Scope, from_stored_name};
use crate::store::audit::{AuditAction, AuditEntry};

/// Entries on one page.
const PAGE_ENTRIES: u32 = 50;

/// One entry as the table shows it.
pub struct AuditRow {
    /// When (Vietnam time).
    pub at: String,
    /// Who, by name.
    pub who: String,
    /// What, in words.
    pub action: String,
    /// To what, by name where the target still exists (else its id).
    pub target: String,
    /// The entry's own short label.
    pub detail: String,
}

#[derive(Template)]
#[template(path = "console/audit.html")]
struct AuditPage {
    shell: Shell,
    rows: Vec<AuditRow>,
    /// The link to older entries, when there are some.
    older: Option<String>,
    /// True when this is not the newest page.
    paged: bool,
}

/// The page's query: entries older than `before`.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    before: Option<i64>,
}

/// An action's words.
fn action_text(t: &Texts, name: &str) -> String {
    let Some(action) = AuditAction::from_name(name) else {
        return name.to_owned();
    };
    match action {
        AuditAction::AreaCreate => t.audit_area_create,
        AuditAction::AreaRename => t.audit_area_rename,
        AuditAction::AreaMove => t.audit_area_move,
        AuditAction::AreaArchive => t.audit_area_archive,
        AuditAction::AreaRestore => t.audit_area_restore,
        AuditAction::AreaDelete => t.audit_area_delete,
        AuditAction::AccountCreate => t.audit_account_create,
        AuditAction::AccountRename => t.audit_account_rename,
        AuditAction::PasswordReset => t.audit_password_reset,
        AuditAction::AccountDisable => t.audit_account_disable,
        AuditAction::AccountEnable => t.audit_account_enable,
        AuditAction::AccountMove => t.audit_account_move,
        AuditAction::EnrollmentIssue => t.audit_enrollment_issue,
        AuditAction::EnrollmentCancel => t.audit_enrollment_cancel,
        AuditAction::DeviceRevoke => t.audit_device_revoke,
        AuditAction::MembersSave => t.audit_members_save,
        AuditAction::FormUpload => t.audit_form_upload,
        AuditAction::FormPublish => t.audit_form_publish,
        AuditAction::FormRetire => t.audit_form_retire,
        AuditAction::ReviewDecide => t.audit_review_decide,
    }
    .to_owned()
}

/// An entry's detail in words: a review decision by its name in the page's language, an
/// id by the name of what it names, anything else as written.
fn detail_text(t: &Texts, entry: &AuditEntry, names: &HashMap<String, String>) -> String {
    if AuditAction::from_name(&entry.action) == Some(AuditAction::ReviewDecide)
        && let Some(state) = from_stored_name::<ReviewState>(&entry.detail)
    {
        return t.review_state(state).to_owned();
    }
    names
        .get(&entry.detail)
        .cloned()
        .unwrap_or_else(|| entry.detail.clone())
}

/// `GET /audit?before=`: administrators only.
pub async fn audit_page(
    State(state): State<AppState>,
    Query(query): Query<AuditQuery>,
    staff: Staff,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    if staff.officer.account().role != Role::Admin {
        return error_page(lang, &ApiError::Forbidden("administrators only".into()));
    }
    let before = query.before;
    let found = with_store(&state, move |s| {
        Ok((
            s.audit_log(before, PAGE_ENTRIES + 1)?,
            s.accounts(&Scope::All)?,
            s.areas(&Scope::All)?,
            s.devices(&Scope::All)?,
        ))
    })
    .await;
    let (mut entries, accounts, areas, devices) = match found {
        Ok(found) => found,
        Err(e) => return error_page(lang, &e),
    };
    let more = entries.len() > PAGE_ENTRIES as usize;
    entries.truncate(PAGE_ENTRIES as usize);
    let people: HashMap<_, _> = accounts
        .iter()
        .map(|a| (a.id, a.display_name.clone()))
        .collect();
    let mut names: HashMap<String, String> = HashMap::new();
    for a in &accounts {
        names.insert(
            a.id.to_string(),
            format!("{} ({})", a.display_name, a.username),
        );
    }
    for a in &areas {
        names.insert(a.id.to_string(), a.name.clone());
    }
    for d in &devices {
        names.insert(d.id.to_string(), d.label.clone());
    }
    let row = |e: &AuditEntry| AuditRow {
        at: lang.time(e.at),
        who: e
            .actor
            .map(|id| people.get(&id).cloned().unwrap_or_else(|| id.to_string()))
            .unwrap_or_else(|| t.audit_server.to_owned()),
        action: action_text(t, &e.action),
        target: names
            .get(&e.target)
            .cloned()
            .unwrap_or_else(|| e.target.clone()),
        detail: detail_text(t, e, &names),
    };
    let rows = entries.iter().map(row).collect();
    let older = more
        .then(|| entries.last().map(|e| format!("/audit?before={}", e.id)))
        .flatten();
    let shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "audit",
        t.audit_title,
        "/audit",
    );
    render_status(
        StatusCode::OK,
        &AuditPage {
            shell,
            rows,
            older,
            paged: before.is_some(),
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::texts::Lang;

    #[test]
    fn every_action_has_words_in_both_languages() {
        for lang in [Lang::Vi, Lang::En] {
            let t = lang.texts();
            let words: std::collections::HashSet<String> = AuditAction::ALL
                .iter()
                .map(|a| action_text(t, a.name()))
                .collect();
            assert_eq!(words.len(), AuditAction::ALL.len(), "distinct words");
            assert!(words.iter().all(|w| !w.contains('.')), "{words:?}");
        }
        assert_eq!(action_text(Lang::En.texts(), "x.unknown"), "x.unknown");
    }
}
