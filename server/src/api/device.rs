//! The phones' endpoints: the sync protocol of `branchbook_core::protocol`.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use branchbook_core::engine::{Recomputed, ServerFacts};
use branchbook_core::protocol::{
    BranchInfo, EnrollRequest, EnrollResponse, FormRef, Manifest, PushResponse, RecordResult,
    RecordStatus, SubmissionBody,
};
use chrono::Utc;
use serde::Deserialize;

use super::{AppState, Client, DeviceCtx, JsonIn, json_error, ok_json, read_body, with_store};
use crate::error::ApiError;
use crate::form_catalog::{PublishedForm, check_submission};
use crate::ingest::{
    Ingested, Intake, PreparedRecord, PushBody, form_key, prepare_batch, split_push,
};
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

/// `GET /api/v1/manifest`: the forms this phone should offer (published to its branch's
/// area or to every phone, not retired) and the limits.
pub async fn manifest(
    State(state): State<AppState>,
    device: DeviceCtx,
) -> Result<Response, ApiError> {
    let branch = device.branch;
    let limits = state.config.limits();
    let manifest = with_store(&state, move |s| {
        let forms = s
            .forms_for_branch(&branch)?
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

/// `GET /api/v1/forms/{form_id}/{version}`: the canonical JSON of a version published to
/// this phone's branch (a phone outside the area it was published to never gets it).
pub async fn form_json(
    State(state): State<AppState>,
    device: DeviceCtx,
    Path((form_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let branch = device.branch;
    let found = with_store(&state, move |s| {
        s.form_json_for_branch(&form_id, &version, &branch)
    })
    .await?;
    match found {
        Some(json) => Ok(([(CONTENT_TYPE, "application/json")], json).into_response()),
        None => Err(ApiError::NotFound("no such published form version".into())),
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

/// `POST /api/v1/records`: a batch of records, answered one by one. The body's records
/// are counted before any is built (past the limit: 413), and each is parsed, checked
/// against the per-record limits and prepared on its own, so one malformed or oversized
/// record is rejected alone.
pub async fn push(
    State(state): State<AppState>,
    device: DeviceCtx,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(&headers, body, state.config.max_body_bytes).await?;
    let forms = Arc::clone(&state.forms);
    let max = state.config.max_batch_records;
    let max_photo = state.config.max_photo_bytes;
    let branch = device.branch;
    let device_id = device.auth.device_id;
    let account = device.auth.username;
    let received_at = Utc::now();
    let results = with_store(&state, move |s| {
        let raws = match split_push(&bytes, max as usize) {
            Ok(PushBody::Records(raws)) => raws,
            Ok(PushBody::TooMany) => {
                return Ok(Err(ApiError::TooLarge(format!(
                    "more than {max} records in one push; the server takes at most {max}"
                ))));
            }
            Err(e) => return Ok(Err(json_error(&e))),
        };
        let mut published: HashMap<(String, String), Option<Arc<PublishedForm>>> = HashMap::new();
        for key in raws.iter().filter_map(|raw| form_key(raw)) {
            if let std::collections::hash_map::Entry::Vacant(slot) = published.entry(key) {
                let form = forms.published(s, &slot.key().0, &slot.key().1)?;
                slot.insert(form);
            }
        }
        let check = |sub: &SubmissionBody| -> Result<Recomputed, String> {
            match published.get(&(sub.form_id.clone(), sub.form_version.clone())) {
                Some(Some(form)) => {
                    let facts = ServerFacts {
                        device_id: device_id.to_string(),
                        username: account.clone(),
                        started_at: sub.started_at,
                        finalized_at: sub.finalized_at,
                        received_at,
                    };
                    check_submission(form, sub, &facts)
                }
                _ => Err(format!(
                    "unknown form version {}/{}: it is not published on this server",
                    sub.form_id, sub.form_version
                )),
            }
        };
        let intake = Intake {
            max_photo_bytes: max_photo,
            account: &account,
            check_submission: &check,
            received_at,
        };
        let ingested = prepare_batch(&raws, &intake).map_err(ServerStoreError::Task)?;
        // The refused keep their place; the prepared go to the store together.
        let mut prepared: Vec<PreparedRecord> = Vec::with_capacity(ingested.len());
        let slots: Vec<Option<RecordResult>> = ingested
            .into_iter()
            .map(|i| match i {
                Ingested::Prepared(p) => {
                    prepared.push(*p);
                    None
                }
                Ingested::Refused(r) => Some(r),
            })
            .collect();
        let mut stored = s
            .push(&branch, device_id, &prepared, received_at)?
            .into_iter();
        let mut results = Vec::with_capacity(slots.len());
        for slot in slots {
            match slot {
                None => results.push(
                    stored
                        .next()
                        .ok_or_else(|| ServerStoreError::NotFound("push result".into()))?,
                ),
                Some(r) => results.push(r),
            }
        }
        Ok(Ok(results))
    })
    .await??;
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
