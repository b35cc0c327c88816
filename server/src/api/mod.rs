//! The HTTP API: shared state, authentication of devices and officials, request bodies
//! (size limits, gzip) and the route table. Handlers live by audience: [`device`] (the
//! sync protocol of `branchbook_core::protocol`), [`office`] (administration),
//! [`review`] (lists, detail, review), [`dashboard`] (the indicators) and [`export`]
//! (CSV and XLSX downloads).

pub mod byte_range;
pub mod dashboard;
pub mod device;
pub mod export;
pub mod office;
pub mod review;

use std::io::Read;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Body;
use axum::extract::{FromRequest, FromRequestParts, MatchedPath, Request};
use axum::http::header::{AUTHORIZATION, CONTENT_ENCODING};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post, put};
use branchbook_core::protocol::{PROTOCOL_HEADER, PROTOCOL_VERSION};
use bytes::Bytes;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use uuid::Uuid;

use crate::config::Config;
use crate::error::ApiError;
use crate::form_catalog::FormCatalog;
use crate::model::{Account, Area, Role, Scope};
use crate::passwords::PasswordPool;
use crate::secret::secret_hash;
use crate::store::devices::DeviceAuth;
use crate::store::{Gateway, ServerStore};
use crate::throttle::{ClientKey, Throttle};
use crate::uploads::{self, PhotoFiles};

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Gateway,
    /// The configuration.
    pub config: Arc<Config>,
    /// Photo files.
    pub photos: Arc<PhotoFiles>,
    /// Published forms.
    pub forms: Arc<FormCatalog>,
    /// The threads that hash and check passwords.
    pub passwords: Arc<PasswordPool>,
    /// Counters of failed logins and enrollment codes.
    pub throttle: Arc<Throttle>,
}

/// The route table.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v1/enroll", post(device::enroll))
        .route("/api/v1/manifest", get(device::manifest))
        .route("/api/v1/forms/{form_id}/{version}", get(device::form_json))
        .route("/api/v1/form-files/{sha256}", get(device::form_file))
        .route("/api/v1/changes", get(device::changes))
        .route("/api/v1/records", post(device::push))
        .route(
            "/api/v1/photos/{sha256}",
            get(uploads::photo_status).put(uploads::photo_upload),
        )
        .route("/api/v1/office/login", post(office::login))
        .route("/api/v1/office/logout", post(office::logout))
        .route("/api/v1/office/password", post(office::change_password))
        .route("/api/v1/office/me", get(office::me))
        .route(
            "/api/v1/office/areas",
            get(office::list_areas).post(office::create_area),
        )
        .route("/api/v1/office/areas/{id}", delete(office::delete_area))
        .route("/api/v1/office/areas/{id}/name", post(office::rename_area))
        .route("/api/v1/office/areas/{id}/parent", post(office::move_area))
        .route(
            "/api/v1/office/areas/{id}/archive",
            post(office::archive_area),
        )
        .route(
            "/api/v1/office/areas/{id}/restore",
            post(office::restore_area),
        )
        .route(
            "/api/v1/office/accounts",
            get(office::list_accounts).post(office::create_account),
        )
        .route(
            "/api/v1/office/accounts/{id}/reset-password",
            post(office::reset_account_password),
        )
        .route(
            "/api/v1/office/accounts/{id}/disable",
            post(office::disable_account),
        )
        .route(
            "/api/v1/office/accounts/{id}/enable",
            post(office::enable_account),
        )
        .route(
            "/api/v1/office/accounts/{id}/display-name",
            post(office::rename_account),
        )
        .route(
            "/api/v1/office/accounts/{id}/area",
            post(office::move_account),
        )
        .route(
            "/api/v1/office/enrollments",
            get(office::list_enrollments).post(office::create_enrollment),
        )
        .route(
            "/api/v1/office/enrollments/cancel",
            post(office::cancel_enrollments),
        )
        .route("/api/v1/office/devices", get(office::list_devices))
        .route(
            "/api/v1/office/devices/{id}/revoke",
            post(office::revoke_device),
        )
        .route(
            "/api/v1/office/branches/{id}/members",
            put(office::put_member),
        )
        .route(
            "/api/v1/office/forms",
            get(office::list_forms).post(office::upload_form),
        )
        .route(
            "/api/v1/office/forms/{form_id}/{version}/publish",
            post(office::publish_form),
        )
        .route(
            "/api/v1/office/forms/{form_id}/{version}/retire",
            post(office::retire_form),
        )
        .route(
            "/api/v1/office/forms/{form_id}/{version}/submissions.csv",
            get(export::submissions_csv),
        )
        .route(
            "/api/v1/office/forms/{form_id}/{version}/submissions.xlsx",
            get(export::submissions_xlsx),
        )
        .route(
            "/api/v1/office/forms/{form_id}/{version}/repeats/{repeat}",
            get(export::repeat_csv),
        )
        .route("/api/v1/office/exports/{file}", get(export::register))
        .route("/api/v1/office/submissions", get(review::list_submissions))
        .route(
            "/api/v1/office/submissions/review",
            post(review::set_matching_reviews),
        )
        .route("/api/v1/office/gatherings", get(review::list_gatherings))
        .route("/api/v1/office/records/{uuid}", get(review::record))
        .route(
            "/api/v1/office/records/{uuid}/audit.csv",
            get(review::audit_log),
        )
        .route(
            "/api/v1/office/records/{uuid}/review",
            post(review::set_review),
        )
        .route("/api/v1/office/reviews", post(review::set_reviews))
        .route("/api/v1/office/photos/{sha256}", get(review::photo))
        .route("/api/v1/office/dashboard", get(dashboard::dashboard_json))
        .merge(crate::console::routes())
        .fallback(|| async { ApiError::NotFound("no such endpoint".into()) })
        .layer(axum::middleware::from_fn(json_errors))
        .layer(axum::middleware::from_fn(check_protocol))
        .layer(axum::middleware::from_fn(log_request))
        .layer(axum::middleware::from_fn(safety_headers))
        .with_state(state)
}

/// Headers on every answer, API and console alike (a handler or the console may set its
/// own first): nothing is cached (answers carry personal data), nothing is sniffed into
/// another type or framed, no address leaks in a Referer, and an answer opened in a
/// browser (JSON, CSV, a photo) may run nothing.
async fn safety_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    add_safety_headers(response.headers_mut());
    response
}

/// Adds the headers every answer carries (see [`safety_headers`]) where the answer has
/// not set its own; also used for the answers the connection layer gives before or
/// instead of the router (a refused connection, a body that came too late).
pub fn add_safety_headers(headers: &mut axum::http::HeaderMap) {
    use axum::http::{HeaderValue, header};
    for (name, value) in [
        (header::CACHE_CONTROL, "no-store"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::REFERRER_POLICY, "no-referrer"),
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; frame-ancestors 'none'",
        ),
    ] {
        headers
            .entry(name)
            .or_insert(HeaderValue::from_static(value));
    }
}

/// Logs each request: method, route pattern (never the concrete path's ids or the
/// query), status and duration. Bodies, headers and tokens are never logged.
async fn log_request(request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16();
    let millis = started.elapsed().as_secs_f64() * 1000.0;
    if status >= 500 {
        tracing::warn!(%method, route, status, millis, "request failed");
    } else {
        tracing::info!(%method, route, status, millis, "request");
    }
    response
}

/// Most bytes of a plain-text error (axum's own rejections) rewrapped as JSON.
const PLAIN_ERROR_MAX_BYTES: usize = 16 * 1024;

/// Turns the plain-text errors that axum's extractors answer by themselves (an id that
/// is not a UUID in the path, a query parameter of the wrong type, a wrong method) into
/// `protocol::ErrorBody` JSON like every other error (the console's HTML pages pass).
async fn json_errors(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let is_json = response
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json") || v.starts_with("text/html"));
    if !(status.is_client_error() || status.is_server_error()) || is_json {
        return response;
    }
    let text = axum::body::to_bytes(response.into_body(), PLAIN_ERROR_MAX_BYTES)
        .await
        .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
        .unwrap_or_default();
    let code = match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    };
    let detail = if text.is_empty() {
        status.canonical_reason().unwrap_or("error").to_owned()
    } else {
        text
    };
    let body = branchbook_core::protocol::ErrorBody {
        error: code.to_owned(),
        detail,
        photo: None,
    };
    (status, axum::Json(body)).into_response()
}

/// Refuses a phone that announces another protocol version than this server's
/// (`X-Branchbook-Protocol`), rather than misreading it. Requests without the header
/// (officials' tools) pass.
async fn check_protocol(request: Request, next: Next) -> Response {
    let announced = request
        .headers()
        .get(PROTOCOL_HEADER)
        .map(|v| v.to_str().unwrap_or("").trim().to_owned());
    match announced {
        Some(v) if v != PROTOCOL_VERSION.to_string() => ApiError::UnsupportedProtocol(format!(
            "this server speaks sync protocol {PROTOCOL_VERSION}, the app sent {v:?}: update the app or the server"
        ))
        .into_response(),
        _ => next.run(request).await,
    }
}

/// The client a request comes from, as throttling counts it: the peer's address, or
/// behind a local reverse proxy (`--behind-proxy`) the address the proxy reports.
#[derive(Debug, Clone, Copy)]
pub struct Client(pub ClientKey);

impl FromRequestParts<AppState> for Client {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let peer = parts
            .extensions
            .get::<axum::extract::ConnectInfo<SocketAddr>>()
            .map(|info| info.0.ip())
            .ok_or_else(|| ApiError::Internal("the connection's address is unknown".into()))?;
        Ok(Client(
            client_ip(peer, &parts.headers, state.config.behind_proxy).into(),
        ))
    }
}

/// The client's address: `peer`, unless a trusted local proxy reports the client's in
/// the last entry of `X-Forwarded-For` (the one the proxy itself appended).
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, behind_proxy: bool) -> IpAddr {
    if !(behind_proxy && peer.is_loopback()) {
        return peer;
    }
    headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse::<IpAddr>().ok())
        .next_back()
        .unwrap_or(peer)
}

/// The bearer token of a request, if any.
fn bearer(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(token.trim().to_owned())
}

fn unauthorized(code: &'static str, detail: &str) -> ApiError {
    ApiError::Unauthorized {
        code,
        detail: detail.to_owned(),
    }
}

/// A request authenticated by a device token: the device and its branch.
pub struct DeviceCtx {
    /// The device and its branch head.
    pub auth: DeviceAuth,
    /// The branch it belongs to.
    pub branch: Area,
}

impl FromRequestParts<AppState> for DeviceCtx {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts).ok_or_else(|| {
            unauthorized("unauthorized", "send the device token as a bearer token")
        })?;
        let hash = secret_hash(&token);
        let found = state
            .store
            .call(move |s| {
                let Some(auth) = s.device_for_token(&hash)? else {
                    return Ok(None);
                };
                let branch = s.area(auth.branch_id)?;
                Ok(branch.map(|b| (auth, b)))
            })
            .await?;
        let (auth, branch) = found.ok_or_else(|| {
            unauthorized(
                "revoked",
                "this device is not (or no longer) enrolled: enroll it again with a new code",
            )
        })?;
        Ok(DeviceCtx { auth, branch })
    }
}

/// A request authenticated by an official's session (password change not yet checked).
#[derive(Clone)]
pub struct Session {
    /// The account.
    pub account: Account,
    /// Hash of the session token.
    pub token_hash: String,
    /// What the account may see.
    pub scope: Scope,
}

impl Session {
    /// The live session behind a token (a bearer token or the console's cookie), with its
    /// account and scope; `None` for an unknown or expired one.
    pub async fn for_token(state: &AppState, token: &str) -> Result<Option<Session>, ApiError> {
        let hash = secret_hash(token);
        let lookup = hash.clone();
        let found = state
            .store
            .call(move |s| {
                let Some(account) = s.session_account(&lookup, chrono::Utc::now())? else {
                    return Ok(None);
                };
                let scope = match (account.role, account.area_id) {
                    (Role::Admin, _) => Some(Scope::All),
                    (_, Some(area)) => s.area(area)?.map(|a| Scope::Under(a.path)),
                    (_, None) => None,
                };
                Ok(scope.map(|scope| (account, scope)))
            })
            .await?;
        Ok(found.map(|(account, scope)| Session {
            account,
            token_hash: hash,
            scope,
        }))
    }

    /// The session as an official with a password of her own (refused while a one-time
    /// password has not been replaced).
    pub fn official(self) -> Result<Official, ApiError> {
        if self.account.must_change_password {
            return Err(ApiError::PasswordChangeRequired);
        }
        Ok(Official(self))
    }
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = bearer(parts)
            .ok_or_else(|| unauthorized("unauthorized", "log in and send the session token"))?;
        Session::for_token(state, &token)
            .await?
            .ok_or_else(|| unauthorized("unauthorized", "unknown or expired session: log in again"))
    }
}

/// A logged-in official who has a password of her own: what every office endpoint but
/// the password change requires.
#[derive(Clone)]
pub struct Official(pub Session);

impl FromRequestParts<AppState> for Official {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Session::from_request_parts(parts, state).await?.official()
    }
}

/// An administrator (checked before the request body is read).
#[derive(Clone)]
pub struct Admin(pub Official);

/// An officer or administrator: what review, export and people management require
/// (branch heads only read their own branch).
#[derive(Clone)]
pub struct Officer(pub Official);

impl Official {
    /// The official as an administrator, refused for anyone else.
    pub fn admin(self) -> Result<Admin, ApiError> {
        if self.account().role != Role::Admin {
            return Err(ApiError::Forbidden(
                "only an administrator may do this".into(),
            ));
        }
        Ok(Admin(self))
    }

    /// The official as an officer or administrator, refused for a branch head.
    pub fn officer(self) -> Result<Officer, ApiError> {
        if self.account().role == Role::BranchHead {
            return Err(ApiError::Forbidden("branch heads cannot do this".into()));
        }
        Ok(Officer(self))
    }
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Official::from_request_parts(parts, state).await?.admin()
    }
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        Official::from_request_parts(parts, state).await?.officer()
    }
}

impl std::ops::Deref for Admin {
    type Target = Official;

    fn deref(&self) -> &Official {
        &self.0
    }
}

impl std::ops::Deref for Officer {
    type Target = Official;

    fn deref(&self) -> &Official {
        &self.0
    }
}

/// A JSON request body, read under the size limit (gzip accepted) and parsed with an
/// error that says what is wrong.
pub struct JsonIn<T>(pub T);

impl<T: DeserializeOwned> FromRequest<AppState> for JsonIn<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, ApiError> {
        let (parts, body) = request.into_parts();
        let bytes = read_body(&parts.headers, body, state.config.max_body_bytes).await?;
        parse_json(&bytes).map(JsonIn)
    }
}

impl Official {
    /// The logged-in account.
    pub fn account(&self) -> &Account {
        &self.0.account
    }

    /// What the account may see.
    pub fn scope(&self) -> &Scope {
        &self.0.scope
    }

    /// The scope narrowed to `area` (which must lie inside the official's scope), or the
    /// whole scope when no area is given.
    pub async fn scope_for(&self, state: &AppState, area: Option<Uuid>) -> Result<Scope, ApiError> {
        let Some(area) = area else {
            return Ok(self.scope().clone());
        };
        let found = state.store.call(move |s| s.area(area)).await?;
        match found {
            Some(a) if self.scope().contains(&a.path) => Ok(Scope::Under(a.path)),
            _ => Err(ApiError::NotFound("no such area in your scope".into())),
        }
    }
}

/// Bytes past a body limit that are still read (and dropped) before answering 413.
const DRAIN_MAX_BYTES: u64 = 64 * 1024 * 1024;

/// Most times a gzip body may inflate (JSON records compress well under 20 times; a
/// body of repeated bytes inflates a thousand times and is refused early).
const MAX_GZIP_RATIO: u64 = 100;
/// Inflated bytes any gzip body may reach whatever its ratio (small bodies compress
/// better than large ones).
const GZIP_RATIO_FREE_BYTES: u64 = 1024 * 1024;

/// Reads a request body up to `limit` bytes (after gzip decompression when the body is
/// `Content-Encoding: gzip`), answering 413 past it. Gzip is inflated on a blocking
/// thread, and refused (413) once it inflates more than [`MAX_GZIP_RATIO`] times.
pub async fn read_body(headers: &HeaderMap, body: Body, limit: u64) -> Result<Bytes, ApiError> {
    let too_large = || {
        ApiError::TooLarge(format!(
            "the request body is larger than the server's limit of {limit} bytes"
        ))
    };
    let mut stream = body.into_data_stream();
    let mut raw = Vec::new();
    let mut seen: u64 = 0;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| {
            ApiError::BadRequest(format!("the request body could not be read: {e}"))
        })?;
        seen += chunk.len() as u64;
        if seen > limit {
            // Read (and drop) a moderate excess so the client gets the 413 instead of a
            // connection reset while it is still sending; cut off anything bigger.
            if seen > limit.saturating_add(DRAIN_MAX_BYTES) {
                break;
            }
            continue;
        }
        raw.extend_from_slice(&chunk);
    }
    if seen > limit {
        return Err(too_large());
    }
    let encoding = headers
        .get(CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("identity");
    match encoding.trim().to_ascii_lowercase().as_str() {
        "identity" | "" => Ok(Bytes::from(raw)),
        "gzip" => {
            let allowed = limit.min(
                (raw.len() as u64)
                    .saturating_mul(MAX_GZIP_RATIO)
                    .max(GZIP_RATIO_FREE_BYTES),
            );
            let compressed = raw.len();
            let out = tokio::task::spawn_blocking(move || {
                let mut out = Vec::new();
                flate2::read::GzDecoder::new(&raw[..])
                    .take(allowed + 1)
                    .read_to_end(&mut out)
                    .map(|_| out)
            })
            .await
            .map_err(|e| ApiError::Internal(format!("gzip task failed: {e}")))?
            .map_err(|e| ApiError::BadRequest(format!("the gzip body is corrupt: {e}")))?;
            if out.len() as u64 > limit {
                return Err(too_large());
            }
            if out.len() as u64 > allowed {
                return Err(ApiError::TooLarge(format!(
                    "the gzip body inflates more than {MAX_GZIP_RATIO} times its {compressed} bytes"
                )));
            }
            Ok(Bytes::from(out))
        }
        other => Err(ApiError::Unprocessable {
            code: "unsupported_encoding",
            detail: format!("content encoding {other:?} is not supported: send gzip or plain JSON"),
        }),
    }
}

/// Parses a JSON body, telling malformed JSON, wrong types and missing fields apart.
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| json_error(&e))
}

/// The answer to a body that is not the JSON expected (400), saying what is wrong.
pub fn json_error(e: &serde_json::Error) -> ApiError {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Syntax | Category::Eof => "the body is not valid JSON",
        Category::Data => "the JSON does not have the expected fields and types",
        Category::Io => "the body could not be read",
    };
    ApiError::BadRequest(format!("{what}: {e}"))
}

/// A 200 JSON response.
pub fn ok_json<T: serde::Serialize>(value: &T) -> Response {
    (StatusCode::OK, axum::Json(value)).into_response()
}

/// Runs a store call and converts its error.
pub async fn with_store<T, F>(state: &AppState, f: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&ServerStore) -> Result<T, crate::store::ServerStoreError> + Send + 'static,
{
    Ok(state.store.call(f).await?)
}
