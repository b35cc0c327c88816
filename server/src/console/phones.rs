//! The phones page: the enrolled phones of an officer's area (revoke one), issuing a
//! one-time enrollment code for a branch head, shown as text and as a QR code on a
//! printable sheet, and the codes still open (cancel a branch head's).

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::session::{Posted, Staff};
use super::shell::{Shell, error_page, message, render, render_status};
use super::sign_in::NoFields;
use crate::api::office::{cancel_enrollments_of, enrollment_server, issue_enrollment, revoke};
use crate::api::{AppState, with_store};
use crate::config::Config;
use crate::error::ApiError;
use crate::model::{Account, Device, Role};

/// One enrolled phone as the table shows it.
pub struct DeviceRow {
    /// The device.
    pub device: Device,
    /// Its branch's name.
    pub branch: String,
    /// Its branch head's name.
    pub holder: String,
    /// When it enrolled (Vietnam time).
    pub enrolled: String,
    /// "Revoked <time>", when it is.
    pub revoked: Option<String>,
    /// When it last pulled or pushed (Vietnam time), or "never".
    pub last_sync: String,
    /// The app build it last reported ("0.1.0+7"), or a dash.
    pub app_version: String,
    /// "core 0.1.0": the core library inside that build, when reported.
    pub core_version: Option<String>,
    /// The records it last reported still unsent, or a dash.
    pub waiting: String,
}

/// One open enrollment code as the table shows it (who it is for, until when).
pub struct CodeRow {
    /// The branch head's account.
    pub account_id: Uuid,
    /// Her name.
    pub holder: String,
    /// Her branch's name.
    pub branch: String,
    /// When it stops working (Vietnam time).
    pub expires: String,
}

#[derive(Template)]
#[template(path = "console/phones.html")]
struct PhonesPage {
    shell: Shell,
    devices: Vec<DeviceRow>,
    codes: Vec<CodeRow>,
    heads: Vec<(Account, String)>,
    warning: Option<String>,
}

/// The warning shown when the QR codes would carry an address phones cannot reach
/// (loopback or wildcard, no `--public-url`); printed at start-up too.
pub fn unreachable_address_warning(config: &Config) -> Option<String> {
    if config.public_url.is_some() {
        return None;
    }
    let ip = config.listen.ip();
    (ip.is_loopback() || ip.is_unspecified()).then(|| enrollment_server(config))
}

async fn phones_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    note: Result<String, String>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let scope = staff.officer.scope().clone();
    let found = with_store(state, move |s| {
        Ok((
            s.devices(&scope)?,
            s.accounts(&scope)?,
            s.areas(&scope)?,
            s.open_enrollments(&scope, chrono::Utc::now())?,
        ))
    })
    .await;
    let (devices, accounts, areas, open) = match found {
        Ok(found) => found,
        Err(e) => return error_page(lang, &e),
    };
    let archived: std::collections::HashSet<Uuid> =
        areas.iter().filter(|a| a.archived).map(|a| a.id).collect();
    let branch_names: HashMap<_, _> = areas.into_iter().map(|a| (a.id, a.name)).collect();
    let names: HashMap<_, _> = accounts
        .iter()
        .map(|a| (a.id, a.display_name.clone()))
        .collect();
    let devices = devices
        .into_iter()
        .map(|device| DeviceRow {
            branch: branch_names
                .get(&device.branch_id)
                .cloned()
                .unwrap_or_default(),
            holder: names.get(&device.account_id).cloned().unwrap_or_default(),
            enrolled: lang.time(device.created_at),
            revoked: device
                .revoked_at
                .map(|at| t.fill(t.phones_revoked, "time", &lang.time(at))),
            last_sync: device
                .last_sync
                .as_ref()
                .map_or_else(|| t.phones_never.to_owned(), |s| lang.time(s.at)),
            app_version: device
                .last_sync
                .as_ref()
                .and_then(|s| s.app_version.clone())
                .unwrap_or_else(|| "—".to_owned()),
            core_version: device
                .last_sync
                .as_ref()
                .and_then(|s| s.core_version.as_deref())
                .map(|v| t.fill(t.phones_core_version, "version", v)),
            waiting: device
                .last_sync
                .as_ref()
                .and_then(|s| s.waiting)
                .map_or_else(|| "—".to_owned(), |n| n.to_string()),
            device,
        })
        .collect();
    let codes = open
        .into_iter()
        .map(|code| CodeRow {
            account_id: code.account_id,
            holder: names.get(&code.account_id).cloned().unwrap_or_default(),
            branch: branch_names
                .get(&code.branch_id)
                .cloned()
                .unwrap_or_default(),
            expires: lang.time(code.expires_at),
        })
        .collect();
    let heads = accounts
        .into_iter()
        // No codes for a closed (archived) branch: the store refuses them too.
        .filter(|a| a.role == Role::BranchHead && !a.area_id.is_some_and(|b| archived.contains(&b)))
        .map(|a| {
            let branch = a
                .area_id
                .and_then(|id| branch_names.get(&id).cloned())
                .unwrap_or_default();
            (a, branch)
        })
        .collect();
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "phones",
        t.phones_title,
        "/phones",
    );
    shell = shell.with_note(note);
    render_status(
        status,
        &PhonesPage {
            shell,
            devices,
            codes,
            heads,
            warning: unreachable_address_warning(&state.config)
                .map(|server| t.fill(t.phones_loopback, "server", &server)),
        },
    )
}

/// `GET /phones`.
pub async fn phones_page(State(state): State<AppState>, staff: Staff) -> Response {
    phones_view(&state, &staff, StatusCode::OK, Ok(String::new())).await
}

/// The issue-a-code form.
#[derive(Debug, Deserialize)]
pub struct IssueForm {
    #[serde(default)]
    account: String,
}

#[derive(Template)]
#[template(path = "console/enrollment.html")]
struct EnrollmentSheet {
    shell: Shell,
    for_whom: String,
    code: String,
    server: String,
    expires: String,
    qr_svg: String,
    warning: Option<String>,
}

/// The QR code's SVG without its XML declaration, ready to sit inside the page.
fn inline_svg(svg: &str) -> String {
    match svg.find("<svg") {
        Some(start) => svg[start..].to_owned(),
        None => String::new(),
    }
}

/// `POST /phones/codes`: a one-time code for a branch head's phone (the JSON API's own
/// function), on a printable sheet with its QR code.
pub async fn issue_code(
    State(state): State<AppState>,
    posted: Posted<Staff, IssueForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let Ok(account_id) = Uuid::parse_str(form.account.trim()) else {
        let why = t.fill(t.field_required, "field", t.phones_holder);
        return phones_view(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, Err(why)).await;
    };
    let (account, created) = match issue_enrollment(&state, &staff.officer, account_id).await {
        Ok(issued) => issued,
        Err(e @ ApiError::NotFound(_)) => {
            return phones_view(&state, &staff, StatusCode::NOT_FOUND, Err(message(t, &e))).await;
        }
        Err(e) => return error_page(lang, &e),
    };
    let branch_id = account.area_id;
    let branch = match with_store(&state, move |s| {
        Ok(match branch_id {
            Some(id) => s.area(id)?.map(|a| a.name),
            None => None,
        })
    })
    .await
    {
        Ok(branch) => branch.unwrap_or_default(),
        Err(e) => return error_page(lang, &e),
    };
    let for_whom = t.fill(t.phones_code_for, "name", &account.display_name);
    let shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "phones",
        t.phones_code_title,
        "/phones",
    );
    render(&EnrollmentSheet {
        shell,
        for_whom: t.fill(&for_whom, "branch", &branch),
        code: created.code,
        server: created.qr.server,
        expires: t.fill(t.phones_expires, "time", &lang.time(created.expires_at)),
        qr_svg: inline_svg(&created.qr_svg),
        warning: unreachable_address_warning(&state.config)
            .map(|server| t.fill(t.phones_loopback, "server", &server)),
    })
}

/// `POST /phones/{id}/revoke`: the phone's token stops working at its next request.
pub async fn revoke_phone(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    let staff = posted.who;
    let t = staff.visitor.lang.texts();
    match revoke(&state, &staff.officer, id).await {
        Ok(device) => {
            let notice = t.fill(t.phones_revoked_done, "label", &device.label);
            phones_view(&state, &staff, StatusCode::OK, Ok(notice)).await
        }
        Err(e) => phones_view(&state, &staff, StatusCode::NOT_FOUND, Err(message(t, &e))).await,
    }
}

/// `POST /phones/codes/cancel`: every open code of a branch head stops working now
/// (a printed sheet lost or handed to the wrong person).
pub async fn cancel_codes(
    State(state): State<AppState>,
    posted: Posted<Staff, IssueForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let Ok(account_id) = Uuid::parse_str(form.account.trim()) else {
        let why = t.fill(t.field_required, "field", t.phones_holder);
        return phones_view(&state, &staff, StatusCode::UNPROCESSABLE_ENTITY, Err(why)).await;
    };
    match cancel_enrollments_of(&state, &staff.officer, account_id).await {
        Ok((account, _)) => {
            let notice = t.fill(t.phones_codes_cancelled, "name", &account.display_name);
            phones_view(&state, &staff, StatusCode::OK, Ok(notice)).await
        }
        Err(e) => phones_view(&state, &staff, StatusCode::NOT_FOUND, Err(message(t, &e))).await,
    }
}
