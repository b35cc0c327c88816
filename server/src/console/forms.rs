//! The forms page: every stored form version, uploading an XLSForm (.xlsx) through a
//! file picker (the core's checker's problems shown by sheet, row and column),
//! publishing a draft to every phone or to an area's subtree, and retiring a version.
//! Uploading, publishing and retiring are the administrator's, as in the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use branchbook_core::form::Problem;

use super::session::{Posted, Staff, Uploaded};
use super::shell::{Shell, error_page, message, refusal_status, render_status};
use super::sign_in::NoFields;
use super::texts::Texts;
use crate::api::office::{PublishRequest, add_form_version, publish, retire};
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::{Area, FormVersion, Role, Scope};

/// One stored form version as the table shows it.
pub struct FormRow {
    /// The version.
    pub form: FormVersion,
    /// When it was uploaded (Vietnam time).
    pub uploaded: String,
    /// The area it was published to, by name (`None`: every phone).
    pub sent_to: Option<String>,
}

#[derive(Template)]
#[template(path = "console/forms.html")]
struct FormsPage {
    shell: Shell,
    rows: Vec<FormRow>,
    admin: bool,
    problems: Vec<Problem>,
    /// The warnings of the form just uploaded.
    warnings: Vec<Problem>,
    /// The areas a version can be published to (administrators only).
    areas: Vec<AreaChoice>,
}

/// An area in the publish list, named with the areas above it ("Lào Cai › Bản Hồ"):
/// two communes of one name in different provinces stay apart.
pub struct AreaChoice {
    /// The area.
    pub id: uuid::Uuid,
    /// Its name after the names of the areas above it.
    pub label: String,
    /// Archived: left out of the pickers (what it holds stays reachable).
    pub archived: bool,
}

/// Every area named with its path, from the top down (in the order given).
pub fn area_choices(areas: &[Area]) -> Vec<AreaChoice> {
    let names: std::collections::HashMap<String, &str> = areas
        .iter()
        .map(|a| (a.id.to_string(), a.name.as_str()))
        .collect();
    let name_of = |id: &str| names.get(id).copied();
    areas
        .iter()
        .map(|area| AreaChoice {
            id: area.id,
            label: area
                .path
                .split('/')
                .filter_map(name_of)
                .collect::<Vec<_>>()
                .join(" › "),
            archived: area.archived,
        })
        .collect()
}

/// The publish form: which area's phones get the version (empty: every phone).
#[derive(Debug, Default, serde::Deserialize)]
pub struct PublishForm {
    #[serde(default)]
    area: String,
}

/// What the checker found in an upload: the problems that refused it, or the warnings
/// of the form it stored.
struct Findings {
    problems: Vec<Problem>,
    warnings: Vec<Problem>,
}

impl Findings {
    /// Nothing to show.
    const NONE: Findings = Findings {
        problems: Vec::new(),
        warnings: Vec::new(),
    };
}

async fn forms_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    note: Result<String, String>,
    findings: Findings,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let (forms, areas) =
        match with_store(state, |s| Ok((s.forms(false)?, s.areas(&Scope::All)?))).await {
            Ok(found) => found,
            Err(e) => return error_page(lang, &e),
        };
    let choices = area_choices(&areas);
    let rows = forms
        .into_iter()
        .map(|form| FormRow {
            uploaded: lang.time(form.created_at),
            sent_to: form
                .area_id
                .and_then(|id| choices.iter().find(|a| a.id == id))
                .map(|a| a.label.clone()),
            form,
        })
        .collect();
    let admin = staff.officer.account().role == Role::Admin;
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "forms",
        t.forms_title,
        "/forms",
    );
    shell = shell.with_note(note);
    render_status(
        status,
        &FormsPage {
            shell,
            rows,
            admin,
            problems: findings.problems,
            warnings: findings.warnings,
            areas: if admin { choices } else { Vec::new() },
        },
    )
}

/// `GET /forms`.
pub async fn forms_page(State(state): State<AppState>, staff: Staff) -> Response {
    forms_view(
        &state,
        &staff,
        StatusCode::OK,
        Ok(String::new()),
        Findings::NONE,
    )
    .await
}

/// `POST /forms`: stores an uploaded .xlsx as a draft version (the JSON API's own
/// function), or shows every problem the checker found; nothing is stored then.
pub async fn upload(State(state): State<AppState>, uploaded: Uploaded<Staff>) -> Response {
    let Uploaded {
        who: staff,
        file,
        attachments,
    } = uploaded;
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.forms_admin_only.to_owned());
            return forms_view(&state, &staff, StatusCode::FORBIDDEN, why, Findings::NONE).await;
        }
    };
    let Some((_, bytes)) = file else {
        let why = Err(t.forms_no_file.to_owned());
        return forms_view(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            why,
            Findings::NONE,
        )
        .await;
    };
    match add_form_version(&state, &admin, bytes, attachments).await {
        Ok(uploaded) => {
            let form = &uploaded.version;
            let notice = t.fill(t.forms_uploaded, "form", &form.form_id);
            let notice = t.fill(&notice, "version", &form.version);
            let findings = Findings {
                problems: Vec::new(),
                warnings: uploaded.warnings,
            };
            forms_view(&state, &staff, StatusCode::OK, Ok(notice), findings).await
        }
        Err(ApiError::FormProblems(problems)) => {
            let why = t.fill(t.forms_problems, "count", &problems.len().to_string());
            let findings = Findings {
                problems,
                warnings: Vec::new(),
            };
            forms_view(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(why),
                findings,
            )
            .await
        }
        Err(e @ ApiError::Internal(_)) => error_page(staff.visitor.lang, &e),
        Err(e) => {
            let why = Err(message(t, &e));
            forms_view(&state, &staff, refusal_status(&e), why, Findings::NONE).await
        }
    }
}

/// `POST /forms/{form_id}/{version}/publish`: the phones of the chosen area's subtree
/// (or every phone) receive it from their next sync.
pub async fn publish_version(
    State(state): State<AppState>,
    Path((form_id, version)): Path<(String, String)>,
    posted: Posted<Staff, PublishForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let area = match form.area.trim() {
        "" => None,
        id => match uuid::Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => {
                let why = Err(message(
                    staff.visitor.lang.texts(),
                    &ApiError::NotFound("area".into()),
                ));
                return forms_view(&state, &staff, StatusCode::NOT_FOUND, why, Findings::NONE)
                    .await;
            }
        },
    };
    change_version(
        &state,
        staff,
        |t| t.forms_published_done,
        async move |state, admin| {
            publish(state, admin, form_id, version, PublishRequest { area }).await
        },
    )
    .await
}

/// `POST /forms/{form_id}/{version}/retire`: phones stop offering it for new surveys.
pub async fn retire_version(
    State(state): State<AppState>,
    Path((form_id, version)): Path<(String, String)>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    change_version(
        &state,
        posted.who,
        |t| t.forms_retired_done,
        async move |state, admin| retire(state, admin, form_id, version).await,
    )
    .await
}

/// Runs an administrator's change to one version and shows the forms page with its
/// outcome (`done` names the sentence for a success).
async fn change_version(
    state: &AppState,
    staff: Staff,
    done: fn(&Texts) -> &'static str,
    change: impl AsyncFnOnce(&AppState, &crate::api::Admin) -> Result<FormVersion, ApiError>,
) -> Response {
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.forms_admin_only.to_owned());
            return forms_view(state, &staff, StatusCode::FORBIDDEN, why, Findings::NONE).await;
        }
    };
    match change(state, &admin).await {
        Ok(form) => {
            let notice = t.fill(done(t), "form", &form.form_id);
            let notice = t.fill(&notice, "version", &form.version);
            forms_view(state, &staff, StatusCode::OK, Ok(notice), Findings::NONE).await
        }
        Err(e) => {
            let why = Err(message(t, &e));
            forms_view(state, &staff, refusal_status(&e), why, Findings::NONE).await
        }
    }
}
