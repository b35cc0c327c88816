//! The phones' endpoints: the sync protocol of `branchbook_core::protocol`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use branchbook_core::protocol::{
    BranchInfo, EnrollRequest, EnrollResponse, FormRef, Manifest, PushResponse, Record,
    RecordResult, RecordStatus,
};
use chrono::Utc;
use serde::Deserialize;
use uuid::Uuid;

use super::{AppState, Client, DeviceCtx, JsonIn, ok_json, parse_json, read_body, with_store};
use crate::error::ApiError;
use crate::form_catalog::{PublishedForm, check_submission};
use crate::ingest::prepare_batch;
use crate::model::Area;
use crate::secret::{new_token, normalize_code, secret_hash};
use crate::store::devices::EnrollRefusal;
use crate::store::{ServerStore, ServerStoreError};

/// Most roster and household changes sent in one pull page.
const CHANGES_PAGE: u32 = 500;

fn branch_info(store: &ServerStore, branch: &Area) -> Result<BranchInfo, ServerStoreError> {
    Ok(BranchInfo {
        id: branch.id,
        name: branch.name.clone(),
        area_path: store.ancestor_names(branch)?,
    })
}

/// `POST /api/v1/enroll`: exchanges a one-time code for a device token. Every wrong
/// code (unknown, used or expired) gets the same answer, and counts against the
/// client's address (see [`crate::throttle`]).
pub async fn enroll(
    State(state): State<AppState>,
    client: Client,
    JsonIn(request): JsonIn<EnrollRequest>,
) -> Result<Response, ApiError> {
    state.throttle.check_enroll(client.0)?;
    let code_hash = secret_hash(&normalize_code(&request.code));
    let token = new_token();
    let token_hash = secret_hash(&token);
    let label: String = request.device_label.chars().take(200).collect();
    let outcome = with_store(&state, move |s| {
        match s.redeem_enrollment(&code_hash, &token_hash, &label, Utc::now())? {
            Ok((device, username)) => {
                let branch = s
                    .area(device.branch_id)?
                    .ok_or_else(|| ServerStoreError::NotFound("branch".into()))?;
                let info = branch_info(s, &branch)?;
                Ok(Ok((device, username, info)))
            }
            Err(refusal) => Ok(Err(refusal)),
        }
    })
    .await?;
    let (device, account, branch) = outcome.map_err(|refusal: EnrollRefusal| {
        // The log tells the administrator why; the client learns nothing about the code.
        tracing::info!(?refusal, "enrollment refused");
        state.throttle.enroll_failed(client.0);
        ApiError::Unauthorized {
            code: "invalid_code",
            detail: "this enrollment code is not valid (wrong, used or expired): check it or ask for a new one".into(),
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
        let prepared =
            prepare_batch(&records, max_photo, &check).map_err(ServerStoreError::Task)?;
        let mut stored = s
            .push(&branch, device_id, &prepared, Utc::now())?
            .into_iter();
        let mut results = Vec::with_capacity(slots.len());
        for slot in slots {
            match slot {
                Slot::Prepared => results.push(
                    stored
                        .next()
                        .ok_or_else(|| ServerStoreError::NotFound("push result".into()))?,
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
