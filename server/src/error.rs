//! Errors of the HTTP API: each becomes a JSON `protocol::ErrorBody` with the right
//! status. Server faults are logged (without request content) and answered with a
//! generic sentence; the client's mistakes are answered with what to fix.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use branchbook_core::form::Problem;
use branchbook_core::protocol::{ErrorBody, PhotoStatus};
use serde::Serialize;

use crate::store::ServerStoreError;
use crate::store::refusal::Refusal;

/// An error answered to an HTTP client.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// No credentials, or unknown, expired or revoked ones (401).
    #[error("{code}: {detail}")]
    Unauthorized {
        /// Machine-readable code.
        code: &'static str,
        /// Sentence.
        detail: String,
    },
    /// Authenticated but not allowed (403).
    #[error("forbidden: {0}")]
    Forbidden(String),
    /// Authenticated user must change a one-time password first (403).
    #[error("password change required")]
    PasswordChangeRequired,
    /// No such thing, or not visible to the caller (404).
    #[error("not found: {0}")]
    NotFound(String),
    /// Malformed request: bad JSON, wrong types, missing fields, bad parameters (400).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// The phone speaks another version of the sync protocol (400).
    #[error("unsupported protocol: {0}")]
    UnsupportedProtocol(String),
    /// Well-formed but refused content (422).
    #[error("{code}: {detail}")]
    Unprocessable {
        /// Machine-readable code.
        code: &'static str,
        /// Sentence.
        detail: String,
    },
    /// A form upload with problems (422, with every problem listed).
    #[error("the form has {} problem(s)", .0.len())]
    FormProblems(Vec<Problem>),
    /// Files attached to a form refused (422), naming the file.
    #[error(transparent)]
    Attachment(#[from] crate::form_files::AttachmentError),
    /// Conflicts with stored data (409).
    #[error("conflict: {0}")]
    Conflict(String),
    /// A photo chunk sent from the wrong offset (409, with the current status).
    #[error("wrong offset: the server holds {} bytes", .0.received)]
    WrongOffset(PhotoStatus),
    /// A device has as many photo uploads in progress as it may (429: it finishes one,
    /// or the sweep discards an abandoned one, before it starts another).
    #[error("upload quota: {0}")]
    UploadQuota(String),
    /// Over a configured limit (413).
    #[error("too large: {0}")]
    TooLarge(String),
    /// Too many failed attempts from this address or for this account (429, with
    /// `Retry-After`).
    #[error(transparent)]
    Throttled(#[from] crate::throttle::Locked),
    /// The server is saturated (503, with `Retry-After`): password checks queued full.
    #[error(transparent)]
    Busy(#[from] crate::passwords::Busy),
    /// A chosen password that the rules refuse (422).
    #[error(transparent)]
    WeakPassword(#[from] crate::passwords::rules::WeakPassword),
    /// A request whose body did not arrive in time (408).
    #[error("timed out: {0}")]
    TimedOut(String),
    /// Too many connections open, overall or from the client's address (503, with
    /// `Retry-After`).
    #[error("busy: {0}")]
    Crowded(String),
    /// A change the stored data refuses (409 for a conflict with what is stored, 422
    /// otherwise), with its own code; the console says it in the officer's language.
    #[error(transparent)]
    Refused(#[from] Refusal),
    /// An uploaded form that is no readable .xlsx workbook, nor a form's JSON (422).
    #[error("{0}")]
    UnreadableForm(String),
    /// A server fault (500); the detail is logged, not sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<ServerStoreError> for ApiError {
    fn from(e: ServerStoreError) -> Self {
        match e {
            ServerStoreError::NotFound(what) => ApiError::NotFound(what),
            ServerStoreError::Refused(refusal) => ApiError::Refused(refusal),
            ServerStoreError::Invalid(why) => ApiError::Unprocessable {
                code: "invalid",
                detail: why,
            },
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<crate::passwords::PasswordWorkError> for ApiError {
    fn from(e: crate::passwords::PasswordWorkError) -> Self {
        match e {
            crate::passwords::PasswordWorkError::Busy(busy) => ApiError::Busy(busy),
            crate::passwords::PasswordWorkError::Hash(e) => ApiError::Internal(e.to_string()),
        }
    }
}

/// The body of a refused form upload: the error plus every problem found.
#[derive(Debug, Serialize)]
struct ProblemsBody {
    #[serde(flatten)]
    error: ErrorBody,
    problems: Vec<Problem>,
}

fn body(error: &str, detail: String) -> ErrorBody {
    ErrorBody {
        error: error.to_owned(),
        detail,
        photo: None,
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, error) = match self {
            ApiError::Unauthorized { code, detail } => {
                (StatusCode::UNAUTHORIZED, body(code, detail))
            }
            ApiError::Forbidden(detail) => (StatusCode::FORBIDDEN, body("forbidden", detail)),
            ApiError::PasswordChangeRequired => (
                StatusCode::FORBIDDEN,
                body(
                    "password_change_required",
                    "choose a new password before anything else".into(),
                ),
            ),
            ApiError::NotFound(detail) => (StatusCode::NOT_FOUND, body("not_found", detail)),
            ApiError::BadRequest(detail) => (StatusCode::BAD_REQUEST, body("bad_request", detail)),
            ApiError::UnsupportedProtocol(detail) => (
                StatusCode::BAD_REQUEST,
                body("unsupported_protocol", detail),
            ),
            ApiError::Unprocessable { code, detail } => {
                (StatusCode::UNPROCESSABLE_ENTITY, body(code, detail))
            }
            ApiError::FormProblems(problems) => {
                let error = body(
                    "invalid_form",
                    format!(
                        "the form has {} problem(s); nothing was stored",
                        problems.len()
                    ),
                );
                return (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Json(ProblemsBody { error, problems }),
                )
                    .into_response();
            }
            ApiError::Attachment(refused) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body(refused.code(), refused.to_string()),
            ),
            ApiError::Conflict(detail) => (StatusCode::CONFLICT, body("conflict", detail)),
            ApiError::Refused(refusal) => {
                (refusal.status(), body(refusal.code(), refusal.to_string()))
            }
            ApiError::UnreadableForm(detail) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body("unreadable_form", detail),
            ),
            ApiError::WrongOffset(status) => {
                let detail = format!(
                    "the server holds {} bytes of this photo: continue from there",
                    status.received
                );
                (
                    StatusCode::CONFLICT,
                    ErrorBody {
                        error: "wrong_offset".into(),
                        detail,
                        photo: Some(status),
                    },
                )
            }
            ApiError::UploadQuota(detail) => {
                (StatusCode::TOO_MANY_REQUESTS, body("upload_quota", detail))
            }
            ApiError::TooLarge(detail) => {
                (StatusCode::PAYLOAD_TOO_LARGE, body("too_large", detail))
            }
            ApiError::Throttled(locked) => {
                let wait = locked.retry_after.as_secs().max(1);
                let error = body("throttled", locked.to_string());
                return (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(axum::http::header::RETRY_AFTER, wait.to_string())],
                    Json(error),
                )
                    .into_response();
            }
            ApiError::Busy(busy) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(axum::http::header::RETRY_AFTER, "5")],
                    Json(body("busy", busy.to_string())),
                )
                    .into_response();
            }
            ApiError::TimedOut(detail) => (StatusCode::REQUEST_TIMEOUT, body("timeout", detail)),
            ApiError::Crowded(detail) => {
                return (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(
                        axum::http::header::RETRY_AFTER,
                        crate::connections::RETRY_AFTER_SECS.to_string(),
                    )],
                    Json(body("busy", detail)),
                )
                    .into_response();
            }
            ApiError::WeakPassword(weak) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                body("weak_password", weak.to_string()),
            ),
            ApiError::Internal(detail) => {
                tracing::error!(error = %detail, "server fault");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    body(
                        "internal",
                        "the server failed; nothing was lost, try again later".into(),
                    ),
                )
            }
        };
        (status, Json(error)).into_response()
    }
}
