//! The phones' endpoints: the sync protocol of `branchbook_core::protocol`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use branchbook_core::protocol::{
    BranchInfo, EnrollRequest, EnrollResponse, FormRef, Manifest, PhotoStatus, PushResponse,
    Record, RecordResult, RecordStatus,
};
use chrono::Utc;
use futures_util::StreamExt;
use serde::Deserialize;
use uuid::Uuid;

use super::{AppState, DeviceCtx, JsonIn, ok_json, parse_json, read_body, with_store};
use crate::error::ApiError;
use crate::forms::{PublishedForm, check_submission};
use crate::ingest::{is_sha256_hex, prepare_batch};
use crate::model::Area;
use crate::secret::{new_token, normalize_code, secret_hash};
use crate::store::devices::EnrollRefusal;
use crate::store::{Store, StoreError};
use crate::uploads::{self, Verdict, photo_fault};

/// Most roster and household changes sent in one pull page.
const CHANGES_PAGE: u32 = 500;

fn branch_info(store: &Store, branch: &Area) -> Result<BranchInfo, StoreError> {
    Ok(BranchInfo {
        id: branch.id,
        name: branch.name.clone(),
        area_path: store.ancestor_names(branch)?,
    })
}

/// `POST /api/v1/enroll`: exchanges a one-time code for a device token.
pub async fn enroll(
    State(state): State<AppState>,
    JsonIn(request): JsonIn<EnrollRequest>,
) -> Result<Response, ApiError> {
    let code_hash = secret_hash(&normalize_code(&request.code));
    let token = new_token();
    let token_hash = secret_hash(&token);
    let label: String = request.device_label.chars().take(200).collect();
    let outcome = with_store(&state, move |s| {
        match s.redeem_enrollment(&code_hash, &token_hash, &label, Utc::now())? {
            Ok((device, username)) => {
                let branch = s
                    .area(device.branch_id)?
                    .ok_or_else(|| StoreError::NotFound("branch".into()))?;
                let info = branch_info(s, &branch)?;
                Ok(Ok((device, username, info)))
            }
            Err(refusal) => Ok(Err(refusal)),
        }
    })
    .await?;
    let (device, account, branch) = outcome.map_err(|refusal| {
        tracing::info!(?refusal, "enrollment refused");
        let (code, detail) = match refusal {
            EnrollRefusal::Unknown => (
                "invalid_code",
                "this enrollment code is not valid: check it or ask for a new one",
            ),
            EnrollRefusal::Expired => (
                "expired_code",
                "this enrollment code has expired: ask for a new one",
            ),
            EnrollRefusal::Used => (
                "used_code",
                "this enrollment code was already used: ask for a new one",
            ),
        };
        ApiError::Unauthorized {
            code,
            detail: detail.into(),
        }
    })?;
    tracing::info!(device = %device.id, branch = %device.branch_id, "device enrolled");
    Ok(ok_json(&EnrollResponse {
        device_id: device.id,
        token,
        branch,
        account,
        limits: state.config.limits(),
    }))
}

/// `GET /api/v1/manifest`: the published forms and the limits.
pub async fn manifest(
    State(state): State<AppState>,
    device: DeviceCtx,
) -> Result<Response, ApiError> {
    let branch = device.branch;
    let limits = state.config.limits();
    let manifest = with_store(&state, move |s| {
        let forms = s
            .forms(true)?
            .into_iter()
            .map(|f| FormRef {
                form_id: f.form_id,
                version: f.version,
                title: f.title,
                sha256: f.sha256,
            })
            .collect();
        Ok(Manifest {
            branch: branch_info(s, &branch)?,
            forms,
            limits,
        })
    })
    .await?;
    Ok(ok_json(&manifest))
}

/// `GET /api/v1/forms/{form_id}/{version}`: a published version's canonical JSON.
pub async fn form_json(
    State(state): State<AppState>,
    _device: DeviceCtx,
    Path((form_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let found = with_store(&state, move |s| s.form_version(&form_id, &version)).await?;
    match found {
        Some((meta, json)) if meta.published => {
            Ok(([(CONTENT_TYPE, "application/json")], json).into_response())
        }
        _ => Err(ApiError::NotFound("no such published form version".into())),
    }
}

/// The `since` cursor of a pull.
#[derive(Debug, Deserialize)]
pub struct ChangesQuery {
    /// Cursor from the previous pull (0 or absent the first time).
    #[serde(default)]
    since: i64,
}

/// `GET /api/v1/changes?since=`: roster and household changes of the device's branch.
pub async fn changes(
    State(state): State<AppState>,
    device: DeviceCtx,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    let branch = device.branch.id;
    let changes = with_store(&state, move |s| {
        s.changes(branch, query.since, CHANGES_PAGE)
    })
    .await?;
    Ok(ok_json(&changes))
}

/// The body of a push, read loosely so that one malformed record is rejected alone.
#[derive(Debug, Deserialize)]
struct LoosePush {
    records: Vec<serde_json::Value>,
}

/// One record of a push: parsed and prepared, or refused as malformed.
enum Slot {
    Prepared,
    Malformed(RecordResult),
}

fn malformed(value: &serde_json::Value, error: &serde_json::Error) -> RecordResult {
    RecordResult {
        uuid: value
            .get("uuid")
            .and_then(|v| v.as_str())
            .and_then(|s| Uuid::parse_str(s).ok())
            .unwrap_or_default(),
        revision: value
            .get("revision")
            .and_then(serde_json::Value::as_u64)
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(0),
        status: RecordStatus::Rejected,
        reason: Some(format!("the record is malformed: {error}")),
        missing_photos: vec![],
    }
}

/// `POST /api/v1/records`: a batch of records, answered one by one.
pub async fn push(
    State(state): State<AppState>,
    device: DeviceCtx,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(&headers, body, state.config.max_body_bytes).await?;
    let push: LoosePush = parse_json(&bytes)?;
    let max = state.config.max_batch_records;
    if push.records.len() > max as usize {
        return Err(ApiError::TooLarge(format!(
            "{} records in one push; the server takes at most {max}",
            push.records.len()
        )));
    }
    let forms = Arc::clone(&state.forms);
    let max_photo = state.config.max_photo_bytes;
    let branch = device.branch;
    let device_id = device.auth.device_id;
    let results = with_store(&state, move |s| {
        let mut records = Vec::with_capacity(push.records.len());
        let mut slots = Vec::with_capacity(push.records.len());
        for value in &push.records {
            match <Record as serde::Deserialize>::deserialize(value) {
                Ok(r) => {
                    slots.push(Slot::Prepared);
                    records.push(r);
                }
                Err(e) => slots.push(Slot::Malformed(malformed(value, &e))),
            }
        }
        let mut published: HashMap<(String, String), Option<Arc<PublishedForm>>> = HashMap::new();
        for record in &records {
            if let branchbook_core::protocol::RecordBody::Submission(sub) = &record.body {
                let key = (sub.form_id.clone(), sub.form_version.clone());
                if let std::collections::hash_map::Entry::Vacant(slot) = published.entry(key) {
                    let form = forms.published(s, &sub.form_id, &sub.form_version)?;
                    slot.insert(form);
                }
            }
        }
        let check = |sub: &branchbook_core::protocol::SubmissionBody| -> Result<(), String> {
            match published.get(&(sub.form_id.clone(), sub.form_version.clone())) {
                Some(Some(form)) => check_submission(form, sub),
                _ => Err(format!(
                    "unknown form version {}/{}: it is not published on this server",
                    sub.form_id, sub.form_version
                )),
            }
        };
        let prepared = prepare_batch(&records, max_photo, &check).map_err(StoreError::Task)?;
        let mut stored = s
            .push(&branch, device_id, &prepared, Utc::now())?
            .into_iter();
        let mut results = Vec::with_capacity(slots.len());
        for slot in slots {
            match slot {
                Slot::Prepared => results.push(
                    stored
                        .next()
                        .ok_or_else(|| StoreError::NotFound("push result".into()))?,
                ),
                Slot::Malformed(r) => results.push(r),
            }
        }
        Ok(results)
    })
    .await?;
    let count = |status: RecordStatus| results.iter().filter(|r| r.status == status).count();
    tracing::info!(
        device = %device_id,
        records = results.len(),
        accepted = count(RecordStatus::Accepted),
        duplicate = count(RecordStatus::Duplicate),
        conflict = count(RecordStatus::Conflict),
        rejected = count(RecordStatus::Rejected),
        "push"
    );
    Ok(ok_json(&PushResponse { results }))
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

/// What a branch may be told about a photo: complete when it is complete and the branch
/// knows it, otherwise its own upload's progress.
async fn photo_status_for(
    state: &AppState,
    sha256: &str,
    branch: Uuid,
) -> Result<PhotoStatus, ApiError> {
    let sha = sha256.to_owned();
    let (known, complete) = with_store(state, move |s| {
        let known = s.photo_known_to_branch(&sha, branch)?;
        Ok((known, known && s.photo_is_complete(&sha)?))
    })
    .await?;
    if complete {
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
    let received = if known {
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
    if uploads::settle(&state.store, &state.photos, &sha256, branch)
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
    if chunk.total > limits.max_photo_bytes {
        return Err(ApiError::TooLarge(format!(
            "the photo has {} bytes; the server takes at most {}",
            chunk.total, limits.max_photo_bytes
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
    let current = photo_status_for(&state, &sha256, branch).await?;
    if current.complete {
        return Ok(ok_json(&current));
    }
    let guard = state.photos.lock(&sha256, branch).lock_owned().await;
    let sha = sha256.clone();
    let total = chunk.total;
    let first_total =
        with_store(&state, move |s| s.begin_photo_upload(&sha, branch, total)).await?;
    if first_total != chunk.total {
        return Err(ApiError::Unprocessable {
            code: "size_changed",
            detail: format!("this upload was started with a size of {first_total} bytes"),
        });
    }
    let received = state
        .photos
        .received(&sha256, branch)
        .await
        .map_err(photo_fault)?;
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
    let appended = state
        .photos
        .append(&sha256, branch, chunk.total, stream)
        .await;
    let held = state
        .photos
        .received(&sha256, branch)
        .await
        .map_err(photo_fault)?;
    if held < chunk.total {
        let received = appended.map_err(photo_fault)?;
        return Ok(ok_json(&PhotoStatus {
            sha256,
            received,
            complete: false,
        }));
    }
    // Every byte is here, even if the body broke off just after the last one: check
    // them now, to the end, whether or not the client is still listening.
    let verdict = uploads::verify(
        state.store.clone(),
        Arc::clone(&state.photos),
        sha256.clone(),
        branch,
        total,
        guard,
    )
    .await?;
    appended.map_err(photo_fault)?;
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
    }
}
