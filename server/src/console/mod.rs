//! The officer console: server-rendered HTML pages at `/`, served by the same binary and
//! port as the JSON API, every asset embedded (no CDN, no JavaScript build).
//!
//! A page is a handler that takes [`session::Staff`] (a signed-in officer; CSRF-checked
//! posts take [`session::Posted`]), calls the same functions and store queries as the
//! JSON API (so the same access rules hold), and renders an askama template that extends
//! `console/base.html` with a [`shell::Shell`]. Adding a page is: a template, a handler,
//! a route below, and its words in [`texts`].

pub mod accounts;
pub mod areas;
pub mod audit;
pub mod charts;
pub mod dashboard;
pub mod form_audit;
pub mod forms;
pub mod phones;
pub mod preview;
pub mod registers;
pub mod rosters;
pub mod session;
pub mod shell;
pub mod sign_in;
pub mod submissions;
pub mod texts;

use axum::Router;
use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header;
use axum::middleware::Next;
use axum::response::Response;
use axum::routing::{get, post};

use crate::api::AppState;

/// The console's routes (merged into the API's router, under its middleware).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(sign_in::home))
        .route("/login", get(sign_in::login_page).post(sign_in::login))
        .route("/logout", post(sign_in::logout))
        .route(
            "/password",
            get(sign_in::password_page).post(sign_in::change_password),
        )
        .route("/lang/{code}", get(sign_in::switch_language))
        .route("/areas", get(areas::areas_page).post(areas::create_area))
        .route("/areas/rename", post(areas::rename_area))
        .route("/areas/move", post(areas::move_area))
        .route("/areas/archive", post(areas::archive_area))
        .route("/areas/restore", post(areas::restore_area))
        .route("/areas/delete", post(areas::delete_area))
        .route(
            "/accounts",
            get(accounts::accounts_page).post(accounts::create_account),
        )
        .route(
            "/accounts/{id}",
            get(accounts::account_page).post(accounts::rename),
        )
        .route("/accounts/{id}/reset", post(accounts::reset_password))
        .route("/accounts/{id}/area", post(accounts::move_to_area))
        .route("/accounts/{id}/disable", post(accounts::disable))
        .route("/accounts/{id}/enable", post(accounts::enable))
        .route("/phones", get(phones::phones_page))
        .route("/phones/codes", post(phones::issue_code))
        .route("/phones/codes/cancel", post(phones::cancel_codes))
        .route("/phones/{id}/revoke", post(phones::revoke_phone))
        .route("/audit", get(audit::audit_page))
        .route("/rosters", get(rosters::rosters_page))
        .route("/rosters/{branch}/members", post(rosters::add_member))
        .route(
            "/rosters/{branch}/members/{id}",
            get(rosters::member_page).post(rosters::edit_member),
        )
        .route("/rosters/{branch}/import", post(rosters::import))
        .route("/forms", get(forms::forms_page).post(forms::upload))
        .route(
            "/forms/{form_id}/{version}/publish",
            post(forms::publish_version),
        )
        .route(
            "/forms/{form_id}/{version}/preview",
            get(preview::preview_page),
        )
        .route(
            "/forms/{form_id}/{version}/files/{name}",
            get(preview::form_file),
        )
        .route(
            "/forms/{form_id}/{version}/retire",
            post(forms::retire_version),
        )
        .route("/submissions", get(submissions::submissions_page))
        .route("/submissions/review", post(submissions::review_selection))
        .route("/records/{uuid}", get(submissions::record_page))
        .route("/records/{uuid}/review", post(submissions::review))
        .route("/records/{uuid}/audit.csv", get(form_audit::audit_download))
        .route("/records/photos/{sha256}", get(submissions::record_photo))
        .route(
            "/exports/forms/{form_id}/{version}/{file}",
            get(submissions::form_download),
        )
        .route("/exports/{file}", get(submissions::register_download))
        .route("/gatherings", get(registers::gatherings_page))
        .route("/gatherings/{uuid}", get(registers::gathering_page))
        .route("/households", get(registers::households_page))
        .route("/households/{uuid}", get(registers::household_page))
        .route("/dashboard", get(dashboard::dashboard_page))
        .route("/dashboard/print", get(dashboard::print_page))
        .route("/dashboard/{file}", get(dashboard::dashboard_download))
        .route("/assets/console.css", get(shell::stylesheet))
        .layer(axum::middleware::from_fn(page_headers))
}

/// The console's own headers: a content policy that allows only this server's own
/// stylesheet and images (no script at all, no inline style), and Referers kept within
/// the console. The rest (no caching, framing or sniffing) is the server's for every
/// answer (`api::safety_headers`).
async fn page_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'self'; img-src 'self' data:; media-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    response
}
