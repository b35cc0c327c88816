//! Signing in and out, the forced first password change, the home page and the
//! language switch.

use askama::Template;
use axum::extract::{Path, Query, Request, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::session::{Posted, Signed, Staff, Visitor, foreign_origin};
use super::shell::{Shell, error_page, message, render, render_status, status_of};
use super::texts::Lang;
use crate::api::office::{replace_password, sign_in, sign_out};
use crate::api::{AppState, Client, read_body, with_store};
use crate::error::ApiError;
use crate::model::{Role, Scope};

/// Most bytes of a posted login form.
const LOGIN_MAX_BYTES: u64 = 8 * 1024;

/// Messages the login page may show, by query flag.
#[derive(Debug, Default, Deserialize)]
pub struct LoginFlags {
    #[serde(default)]
    expired: Option<String>,
    #[serde(default)]
    bye: Option<String>,
}

#[derive(Template)]
#[template(path = "console/login.html")]
struct LoginPage {
    shell: Shell,
    username: String,
}

fn login_form(lang: Lang, username: &str) -> LoginPage {
    LoginPage {
        shell: Shell::visitor(lang, lang.texts().login_title, "/login"),
        username: username.to_owned(),
    }
}

/// `GET /login`.
pub async fn login_page(visitor: Visitor, Query(flags): Query<LoginFlags>) -> Response {
    let t = visitor.lang.texts();
    let mut page = login_form(visitor.lang, "");
    if flags.expired.is_some() {
        page.shell = page.shell.with_notice(t.login_expired);
    } else if flags.bye.is_some() {
        page.shell = page.shell.with_notice(t.login_logged_out);
    }
    render(&page)
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    password: String,
}

/// `POST /login`: checks the password with the JSON API's own function and sets the
/// session cookie; a one-time password leads to the password page.
pub async fn login(
    State(state): State<AppState>,
    visitor: Visitor,
    client: Client,
    request: Request,
) -> Response {
    let lang = visitor.lang;
    let t = lang.texts();
    let (parts, body) = request.into_parts();
    if let Some(refused) = foreign_origin(&parts, lang) {
        return refused;
    }
    let form: LoginForm = match read_body(&parts.headers, body, LOGIN_MAX_BYTES)
        .await
        .and_then(|b| {
            serde_urlencoded::from_bytes(&b).map_err(|e| ApiError::BadRequest(e.to_string()))
        }) {
        Ok(form) => form,
        Err(e) => return error_page(lang, &e),
    };
    let signed = match sign_in(&state, client, &form.username, form.password).await {
        Ok(signed) => signed,
        Err(e @ (ApiError::Unauthorized { .. } | ApiError::Throttled(_) | ApiError::Busy(_))) => {
            let mut page = login_form(lang, &form.username);
            let (status, text) = match &e {
                ApiError::Unauthorized { .. } => (
                    axum::http::StatusCode::UNAUTHORIZED,
                    t.login_failed.to_owned(),
                ),
                other => (status_of(other), message(t, other)),
            };
            page.shell = page.shell.with_error(text);
            return render_status(status, &page);
        }
        Err(e) => return error_page(lang, &e),
    };
    if signed.account.role == Role::BranchHead {
        let hash = crate::secret::secret_hash(&signed.token);
        if let Err(e) = with_store(&state, move |s| s.delete_session(&hash)).await {
            return error_page(lang, &e);
        }
        let mut page = login_form(lang, "");
        page.shell = page.shell.with_error(t.login_branch_head);
        return render_status(axum::http::StatusCode::FORBIDDEN, &page);
    }
    let to = if signed.account.must_change_password {
        "/password"
    } else {
        "/"
    };
    visitor.signed_in(&signed.token, state.config.session_hours, to)
}

/// A form with nothing but its CSRF token.
#[derive(Deserialize)]
pub struct NoFields {}

/// `POST /logout`: ends the session on the server and clears the cookie.
pub async fn logout(State(state): State<AppState>, posted: Posted<Signed, NoFields>) -> Response {
    let Signed {
        visitor, session, ..
    } = posted.who;
    match sign_out(&state, session).await {
        Ok(()) => visitor.signed_out("/login?bye=1"),
        Err(e) => error_page(visitor.lang, &e),
    }
}

#[derive(Template)]
#[template(path = "console/password.html")]
struct PasswordPage {
    shell: Shell,
    forced: bool,
}

fn password_form(signed: &Signed) -> PasswordPage {
    let lang = signed.visitor.lang;
    let account = &signed.session.account;
    PasswordPage {
        shell: Shell::signed(
            lang,
            account,
            &signed.csrf,
            "",
            lang.texts().password_title,
            "/password",
        ),
        forced: account.must_change_password,
    }
}

/// `GET /password`.
pub async fn password_page(signed: Signed) -> Response {
    render(&password_form(&signed))
}

/// The password change form.
#[derive(Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

/// `POST /password`: the JSON API's password change (which ends the account's other
/// sessions), then the home page.
pub async fn change_password(
    State(state): State<AppState>,
    client: Client,
    posted: Posted<Signed, PasswordForm>,
) -> Response {
    let Posted { who, form } = posted;
    let t = who.visitor.lang.texts();
    let refused = |text: String| {
        let mut page = password_form(&who);
        page.shell = page.shell.with_error(text);
        render_status(axum::http::StatusCode::UNPROCESSABLE_ENTITY, &page)
    };
    if form.new != form.repeat {
        return refused(t.password_mismatch.to_owned());
    }
    match replace_password(&state, client, &who.session, form.current, form.new).await {
        Ok(()) => Redirect::to("/?changed=1").into_response(),
        Err(ApiError::Unauthorized { .. }) => refused(t.password_wrong.to_owned()),
        Err(e) => refused(message(t, &e)),
    }
}

#[derive(Template)]
#[template(path = "console/home.html")]
struct HomePage {
    shell: Shell,
    welcome: String,
    scope: String,
}

/// What the home page may announce.
#[derive(Debug, Default, Deserialize)]
pub struct HomeFlags {
    #[serde(default)]
    changed: Option<String>,
}

/// `GET /`: who she is, what she looks after, where to start.
pub async fn home(
    State(state): State<AppState>,
    staff: Staff,
    Query(flags): Query<HomeFlags>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let account = staff.officer.account().clone();
    let scope = match staff.officer.scope().clone() {
        Scope::All => t.home_scope_all.to_owned(),
        Scope::Under(_) => {
            let area = account.area_id;
            let names = with_store(&state, move |s| {
                let Some(id) = area else {
                    return Ok(Vec::new());
                };
                let Some(area) = s.area(id)? else {
                    return Ok(Vec::new());
                };
                let mut names = s.ancestor_names(&area)?;
                names.push(area.name);
                Ok(names)
            })
            .await;
            match names {
                Ok(names) => t.fill(t.home_scope_area, "area", &names.join(" › ")),
                Err(e) => return error_page(lang, &e),
            }
        }
    };
    let mut shell = Shell::signed(lang, &account, &staff.csrf, "home", t.home_title, "/");
    if flags.changed.is_some() {
        shell = shell.with_notice(t.password_changed);
    }
    render(&HomePage {
        welcome: t.fill(t.home_welcome, "name", &account.display_name),
        scope,
        shell,
    })
}

/// Where the language switch may send back to: a path on this site, nothing else.
#[derive(Debug, Default, Deserialize)]
pub struct Back {
    #[serde(default)]
    back: Option<String>,
}

/// `GET /lang/{code}`: keeps the language in a cookie and returns to the page.
pub async fn switch_language(
    visitor: Visitor,
    Path(code): Path<String>,
    Query(back): Query<Back>,
) -> Response {
    let to = back
        .back
        .filter(|b| b.starts_with('/') && !b.starts_with("//") && !b.contains('\\'))
        .unwrap_or_else(|| "/".to_owned());
    visitor.with_lang(Lang::from_code(&code), &to)
}
