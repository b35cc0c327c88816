//! The forms page: every stored form version, uploading an XLSForm (.xlsx) through a
//! file picker (the core's checker's problems shown by sheet, row and column), and
//! publishing a draft. Uploading and publishing are the administrator's, as in the API.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use branchbook_core::form::Problem;

use super::session::{Posted, Staff, Uploaded};
use super::shell::{Shell, error_page, message, render_status};
use super::sign_in::NoFields;
use crate::api::office::{add_form_version, publish};
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::{FormVersion, Role};

/// One stored form version as the table shows it.
pub struct FormRow {
    /// The version.
    pub form: FormVersion,
    /// When it was uploaded (Vietnam time).
    pub uploaded: String,
}

#[derive(Template)]
#[template(path = "console/forms.html")]
struct FormsPage {
    shell: Shell,
    rows: Vec<FormRow>,
    admin: bool,
    problems: Vec<Problem>,
}

async fn forms_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    note: Result<String, String>,
    problems: Vec<Problem>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let forms = match with_store(state, |s| s.forms(false)).await {
        Ok(forms) => forms,
        Err(e) => return error_page(lang, &e),
    };
    let rows = forms
        .into_iter()
        .map(|form| FormRow {
            uploaded: lang.time(form.created_at),
            form,
        })
        .collect();
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "forms",
        t.forms_title,
        "/forms",
    );
    shell = match note {
        Ok(notice) if !notice.is_empty() => shell.with_notice(notice),
        Ok(_) => shell,
        Err(error) => shell.with_error(error),
    };
    render_status(
        status,
        &FormsPage {
            shell,
            rows,
            admin: staff.officer.account().role == Role::Admin,
            problems,
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
        Vec::new(),
    )
    .await
}

/// `POST /forms`: stores an uploaded .xlsx as a draft version (the JSON API's own
/// function), or shows every problem the checker found; nothing is stored then.
pub async fn upload(State(state): State<AppState>, uploaded: Uploaded<Staff>) -> Response {
    let Uploaded { who: staff, file } = uploaded;
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.forms_admin_only.to_owned());
            return forms_view(&state, &staff, StatusCode::FORBIDDEN, why, Vec::new()).await;
        }
    };
    let Some((_, bytes)) = file else {
        let why = Err(t.forms_no_file.to_owned());
        return forms_view(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            why,
            Vec::new(),
        )
        .await;
    };
    match add_form_version(&state, &admin, bytes).await {
        Ok(form) => {
            let notice = t.fill(t.forms_uploaded, "form", &form.form_id);
            let notice = t.fill(&notice, "version", &form.version);
            forms_view(&state, &staff, StatusCode::OK, Ok(notice), Vec::new()).await
        }
        Err(ApiError::FormProblems(problems)) => {
            let why = t.fill(t.forms_problems, "count", &problems.len().to_string());
            forms_view(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Err(why),
                problems,
            )
            .await
        }
        Err(e @ ApiError::Internal(_)) => error_page(staff.visitor.lang, &e),
        Err(e) => {
            let why = Err(message(t, &e));
            forms_view(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                why,
                Vec::new(),
            )
            .await
        }
    }
}

/// `POST /forms/{form_id}/{version}/publish`: phones receive it from their next sync.
pub async fn publish_version(
    State(state): State<AppState>,
    Path((form_id, version)): Path<(String, String)>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    let staff = posted.who;
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.forms_admin_only.to_owned());
            return forms_view(&state, &staff, StatusCode::FORBIDDEN, why, Vec::new()).await;
        }
    };
    match publish(&state, &admin, form_id, version).await {
        Ok(form) => {
            let notice = t.fill(t.forms_published_done, "form", &form.form_id);
            let notice = t.fill(&notice, "version", &form.version);
            forms_view(&state, &staff, StatusCode::OK, Ok(notice), Vec::new()).await
        }
        Err(e) => {
            let why = Err(message(t, &e));
            forms_view(&state, &staff, StatusCode::NOT_FOUND, why, Vec::new()).await
        }
    }
}
