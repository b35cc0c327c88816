//! The photo upload path, all of it: the phones' two endpoints (how much of a photo the
//! server holds; a chunk appended at that offset), the partial files and their running
//! hashes ([`files`]), and finishing an upload whose bytes have all arrived, whether or
//! not the phone is still there, plus the sweep of abandoned ones ([`settle`]). What the
//! database knows about photos is in `crate::store::photos`.

mod appender;
pub mod files;
pub mod kind;
mod settle;

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_LENGTH;
use axum::response::Response;
use branchbook_core::protocol::PhotoStatus;
use futures_util::StreamExt;
use serde::Deserialize;
use uuid::Uuid;

use crate::api::{AppState, DeviceCtx, ok_json, with_store};
use crate::error::ApiError;
use crate::ingest::is_sha256_hex;
use crate::store::photos::UploadStart;

pub use files::{Appended, PhotoError, PhotoFiles};
pub use settle::{Sweep, Verdict, settle, sweep, verify};

/// Maps a photo file failure to the HTTP error it is answered with.
pub fn photo_fault(e: PhotoError) -> ApiError {
    match e {
        PhotoError::PastEnd { .. } | PhotoError::Body(_) => ApiError::BadRequest(e.to_string()),
        PhotoError::Io(_) | PhotoError::Moved { .. } => ApiError::Internal(e.to_string()),
    }
}

fn check_sha(sha256: &str) -> Result<(), ApiError> {
    if is_sha256_hex(sha256) {
        Ok(())
    } else {
        Err(ApiError::BadRequest(
            "a photo is named by its SHA-256 in lower-case hex".into(),
        ))
    }
}

/// What a branch may be told about a photo: complete when a device of the branch has
/// sent all of its bytes, otherwise the progress of the branch's own upload. Whether the
/// photo exists elsewhere (another branch's, or named in a record) is never told.
async fn photo_status_for(
    state: &AppState,
    sha256: &str,
    branch: Uuid,
) -> Result<PhotoStatus, ApiError> {
    let sha = sha256.to_owned();
    let (owned, started) = with_store(state, move |s| {
        Ok((
            s.photo_owned_by(&sha, branch)?,
            s.photo_upload_total(&sha, branch)?.is_some(),
        ))
    })
    .await?;
    if owned {
        let bytes = tokio::fs::metadata(state.photos.path(sha256))
            .await
            .map(|m| m.len())
            .unwrap_or(0);
        return Ok(PhotoStatus {
            sha256: sha256.to_owned(),
            received: bytes,
            complete: true,
        });
    }
    let received = if started {
        state
            .photos
            .received(sha256, branch)
            .await
            .map_err(photo_fault)?
    } else {
        0
    };
    Ok(PhotoStatus {
        sha256: sha256.to_owned(),
        received,
        complete: false,
    })
}

/// `GET /api/v1/photos/{sha256}`: how many bytes of this photo the server holds for the
/// device's branch. An upload whose bytes all arrived but were never checked (the phone
/// hung up after its last chunk) is checked first, so the answer is final.
pub async fn photo_status(
    State(state): State<AppState>,
    device: DeviceCtx,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    check_sha(&sha256)?;
    let branch = device.branch.id;
    let status = photo_status_for(&state, &sha256, branch).await?;
    if status.complete || status.received == 0 {
        return Ok(ok_json(&status));
    }
    if settle(&state.store, &state.photos, &sha256, branch)
        .await?
        .is_none()
    {
        return Ok(ok_json(&status));
    }
    Ok(ok_json(&photo_status_for(&state, &sha256, branch).await?))
}

/// Where a photo chunk goes.
#[derive(Debug, Deserialize)]
pub struct ChunkQuery {
    /// Byte offset of the chunk: must equal the bytes the server holds.
    offset: u64,
    /// Size of the whole photo.
    total: u64,
}

/// `PUT /api/v1/photos/{sha256}?offset=&total=`: appends a chunk; verifies the hash when
/// the last byte arrives. The chunk is received in a task of its own, so a client that
/// hangs up after its last byte still gets its photo checked and stored.
pub async fn photo_upload(
    State(state): State<AppState>,
    device: DeviceCtx,
    Path(sha256): Path<String>,
    Query(chunk): Query<ChunkQuery>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let task = tokio::spawn(async move {
        let mut body = Some(body);
        let result = receive_chunk(state.clone(), device, sha256, chunk, &headers, &mut body).await;
        if let Some(unread) = body {
            // Refused before its bytes were read: read them (within reason) so the client
            // gets the answer rather than a reset connection.
            let mut stream = unread.into_data_stream();
            let mut seen = 0usize;
            while let Some(Ok(part)) = stream.next().await {
                seen += part.len();
                if seen as u64 > state.config.max_body_bytes {
                    break;
                }
            }
        }
        result
    });
    task.await
        .map_err(|e| ApiError::Internal(format!("photo chunk task failed: {e}")))?
}

async fn receive_chunk(
    state: AppState,
    device: DeviceCtx,
    sha256: String,
    chunk: ChunkQuery,
    headers: &HeaderMap,
    body: &mut Option<Body>,
) -> Result<Response, ApiError> {
    check_sha(&sha256)?;
    let limits = state.config.limits();
    // The kind (and so its own bound) is told by the first bytes, checked as soon as
    // they arrive; before that only the largest kind's bound applies.
    let max_upload = kind::max_upload_bytes(limits.max_photo_bytes);
    if chunk.total > max_upload {
        return Err(ApiError::TooLarge(format!(
            "the file has {} bytes; the server takes at most {max_upload}",
            chunk.total
        )));
    }
    if chunk.total == 0 {
        return Err(ApiError::BadRequest("a photo cannot be empty".into()));
    }
    let announced = headers
        .get(CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if announced.is_some_and(|len| len > limits.max_body_bytes) {
        return Err(ApiError::TooLarge(format!(
            "a chunk may have at most {} bytes",
            limits.max_body_bytes
        )));
    }
    let branch = device.branch.id;
    let guard = state.photos.lock(&sha256, branch).lock_owned().await;
    // A chunk continuing exactly what this process received last needs no store or file
    // lookup; any other (a first chunk, a resume after a cut or a restart, a partial file
    // another process swept) is placed by what the store and the file say.
    let received = match state.photos.under_way(&sha256, branch, chunk.total) {
        Some(held) if held == chunk.offset => held,
        _ => {
            let opened = open_upload(&state, &device, &sha256, chunk.total).await?;
            if opened.complete {
                return Ok(ok_json(&opened));
            }
            opened.received
        }
    };
    if chunk.offset != received {
        return Err(ApiError::WrongOffset(PhotoStatus {
            sha256,
            received,
            complete: false,
        }));
    }
    if announced.is_some_and(|len| chunk.offset.saturating_add(len) > chunk.total) {
        return Err(ApiError::BadRequest(format!(
            "the chunk goes past the photo's announced size of {} bytes",
            chunk.total
        )));
    }
    let stream = body
        .take()
        .map(Body::into_data_stream)
        .ok_or_else(|| ApiError::Internal("chunk body taken twice".into()))?;
    let (held, broke) = match state
        .photos
        .append(&sha256, branch, chunk.total, received, stream)
        .await
    {
        Ok(Appended { held, broke }) => (held, broke),
        // A write failed: what the file holds is its length.
        Err(e) => (
            state
                .photos
                .received(&sha256, branch)
                .await
                .map_err(photo_fault)?,
            Some(e),
        ),
    };
    if held < chunk.total {
        if chunk.offset < kind::head_len(chunk.total)
            && let Some(Err(refusal)) = state
                .photos
                .check_partial(&sha256, branch, chunk.total)
                .await
                .map_err(photo_fault)?
        {
            // Told by its first chunk: no more of a file the server will not take is kept.
            settle::refuse(&state.store, &state.photos, &sha256, branch).await?;
            return Err(refusal.into());
        }
        if let Some(e) = broke {
            return Err(photo_fault(e));
        }
        return Ok(ok_json(&PhotoStatus {
            sha256,
            received: held,
            complete: false,
        }));
    }
    // Every byte is here, even if the body broke off just after the last one: check
    // them now, to the end, whether or not the client is still listening.
    let verdict = verify(
        state.store.clone(),
        Arc::clone(&state.photos),
        sha256.clone(),
        branch,
        chunk.total,
        guard,
    )
    .await?;
    if let Some(e) = broke {
        return Err(photo_fault(e));
    }
    match verdict {
        Verdict::Complete => Ok(ok_json(&PhotoStatus {
            sha256,
            received: held,
            complete: true,
        })),
        Verdict::Discarded => Err(ApiError::Unprocessable {
            code: "hash_mismatch",
            detail: "the photo's bytes do not match its SHA-256; they were discarded: upload it again from offset 0"
                .into(),
        }),
        Verdict::Refused(refusal) => Err(refusal.into()),
    }
}

/// Starts a branch's upload in the store, or finds it (an upload this process has not
/// received since it started): what the server holds, complete when the branch already
/// has the photo. Refuses a device over its quota of uploads in progress and a size other
/// than the one the upload started with. The caller holds the upload's lock.
async fn open_upload(
    state: &AppState,
    device: &DeviceCtx,
    sha256: &str,
    total: u64,
) -> Result<PhotoStatus, ApiError> {
    let branch = device.branch.id;
    let current = photo_status_for(state, sha256, branch).await?;
    if current.complete {
        return Ok(current);
    }
    let sha = sha256.to_owned();
    let device_id = device.auth.device_id;
    let quota = state.config.max_uploads_per_device;
    let started = with_store(state, move |s| {
        s.begin_photo_upload(&sha, branch, device_id, total, quota)
    })
    .await?;
    let UploadStart::Started(first_total) = started else {
        return Err(ApiError::UploadQuota(format!(
            "this phone already has {quota} photo uploads in progress: finish one first"
        )));
    };
    if first_total != total {
        return Err(ApiError::Unprocessable {
            code: "size_changed",
            detail: format!("this upload was started with a size of {first_total} bytes"),
        });
    }
    let received = state
        .photos
        .received(sha256, branch)
        .await
        .map_err(photo_fault)?;
    Ok(PhotoStatus {
        sha256: sha256.to_owned(),
        received,
        complete: false,
    })
}
