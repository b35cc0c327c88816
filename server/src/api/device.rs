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
    APP_VERSION_HEADER, BranchInfo, CORE_VERSION_HEADER, EnrollRequest, EnrollResponse, FormRef,
    Manifest, PushResponse, RecordResult, RecordStatus, SubmissionBody, WAITING_HEADER,
    is_version_label,
};
use chrono::Utc;
use serde::Deserialize;

use super::{AppState, Client, DeviceCtx, JsonIn, json_error, ok_json, read_body, with_store};
use crate::error::ApiError;
use crate::form_catalog::{PublishedForm, check_submission};
use crate::form_files::FormFiles;
use crate::ingest::{
    Ingested, Intake, PreparedRecord, PushBody, form_key, is_sha256_hex, prepare_batch, split_push,
};
use crate::model::{Area, DeviceSync};
use crate::secret::{new_token, normalize_code, secret_hash};
use crate::store::devices::EnrollRefusal;
use crate::store::{ServerStore, ServerStoreError};

/// Most roster and household changes sent in one pull page.
const CHANGES_PAGE: u32 = 500;

/// The largest outbox count a phone may report (more than any phone can hold).
const WAITING_MAX: u32 = 1_000_000;

/// What a pull or push reports about the phone in its headers
/// ([`APP_VERSION_HEADER`], [`CORE_VERSION_HEADER`], [`WAITING_HEADER`]): the phone's
/// word, so each value is read
/// bounded and whatever cannot be read is dropped (the sync itself never fails for it).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct SyncFacts {
    /// The app build, a version `protocol::is_version_label` accepts.
    pub app_version: Option<String>,
    /// The core library's version, read the same way.
    pub core_version: Option<String>,
    /// Records in its outbox as it sent the request, at most [`WAITING_MAX`].
    pub waiting: Option<u32>,
}

impl SyncFacts {
    /// Reads the three headers.
    pub fn of(headers: &HeaderMap) -> SyncFacts {
        let text = |name: &str| {
            headers
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::trim)
        };
        let version = |name: &str| {
            text(name)
                .filter(|v| is_version_label(v))
                .map(str::to_owned)
        };
        let app_version = version(APP_VERSION_HEADER);
        let core_version = version(CORE_VERSION_HEADER);
        let waiting = text(WAITING_HEADER)
            .filter(|v| !v.is_empty() && v.len() <= 7 && v.bytes().all(|b| b.is_ascii_digit()))
            .and_then(|v| v.parse::<u32>().ok())
            .filter(|n| *n <= WAITING_MAX);
        SyncFacts {
            app_version,
            core_version,
            waiting,
        }
    }

    /// Keeps them as the device's last sync, now, with `answered` records having left
    /// its outbox in this request (every answered record does, whatever the answer).
    async fn note(
        self,
        state: &AppState,
        device: uuid::Uuid,
        answered: usize,
    ) -> Result<(), ApiError> {
        let answered = u32::try_from(answered).unwrap_or(u32::MAX);
        let sync = DeviceSync {
            at: Utc::now(),
            app_version: self.app_version,
            waiting: self.waiting.map(|n| n.saturating_sub(answered)),
            core_version: self.core_version,
        };
        with_store(state, move |s| s.note_sync(device, &sync)).await
    }
}

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
        let mut files = s.attachments_for_branch(&branch)?;
        let forms = s
            .forms_for_branch(&branch)?
            .into_iter()
            .map(|f| FormRef {
                attachments: files
                    .remove(&(f.form_id.clone(), f.version.clone()))
                    .unwrap_or_default(),
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

/// Where a form file download continues.
#[derive(Debug, Deserialize)]
pub struct FileOffset {
    /// The first byte wanted (the bytes the phone already holds).
    #[serde(default)]
    offset: u64,
}

/// `GET /api/v1/form-files/{sha256}?offset=`: the next bytes (at most the photo chunk
/// size) of a file carried by a form version published to this phone's branch; any
/// other file, whoever else's it is, is answered as unknown.
pub async fn form_file(
    State(state): State<AppState>,
    device: DeviceCtx,
    Path(sha256): Path<String>,
    Query(at): Query<FileOffset>,
) -> Result<Response, ApiError> {
    let unknown = || ApiError::NotFound("no such form file for this phone".into());
    if !is_sha256_hex(&sha256) {
        return Err(unknown());
    }
    let branch = device.branch;
    let sha = sha256.clone();
    if !with_store(&state, move |s| s.form_file_reaches_branch(&sha, &branch)).await? {
        return Err(unknown());
    }
    let files = FormFiles::under(&state.config.data_dir);
    let chunk = state.config.limits().photo_chunk_bytes;
    let read = tokio::task::spawn_blocking(move || files.read_from(&sha256, at.offset, chunk))
        .await
        .map_err(|e| ApiError::Internal(e.to_string()))?
        .map_err(|e| ApiError::Internal(format!("reading a form file: {e}")))?;
    let Some((bytes, size)) = read else {
        return Err(ApiError::Internal(
            "a form file named by a form is not kept".into(),
        ));
    };
    if at.offset > size {
        return Err(ApiError::BadRequest(format!(
            "the file has {size} bytes: an offset of {} is past its end",
            at.offset
        )));
    }
    Ok(([(CONTENT_TYPE, "application/octet-stream")], bytes).into_response())
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
    headers: HeaderMap,
    Query(query): Query<ChangesQuery>,
) -> Result<Response, ApiError> {
    SyncFacts::of(&headers)
        .note(&state, device.auth.device_id, 0)
        .await?;
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
    SyncFacts::of(&headers)
        .note(&state, device_id, results.len())
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

#[cfg(test)]
mod tests {
    use super::*;

    fn facts(version: &str, waiting: &str) -> SyncFacts {
        let mut headers = HeaderMap::new();
        headers.insert(APP_VERSION_HEADER, version.parse().unwrap());
        headers.insert(CORE_VERSION_HEADER, version.parse().unwrap());
        headers.insert(WAITING_HEADER, waiting.parse().unwrap());
        SyncFacts::of(&headers)
    }

    #[test]
    fn reported_facts_are_read_bounded_and_the_unreadable_dropped() {
        assert_eq!(
            facts(" 0.1.0-rc.2+android ", "17"),
            SyncFacts {
                app_version: Some("0.1.0-rc.2+android".into()),
                core_version: Some("0.1.0-rc.2+android".into()),
                waiting: Some(17)
            }
        );
        for bad_version in ["<script>alert(1)</script>", "", &"9".repeat(33), "1.0 beta"] {
            assert_eq!(facts(bad_version, "0").app_version, None, "{bad_version:?}");
            assert_eq!(
                facts(bad_version, "0").core_version,
                None,
                "{bad_version:?}"
            );
        }
        for bad_count in [
            "-1",
            "1e3",
            "",
            "1000001",
            "99999999999999999999",
            "0x10",
            "+5",
        ] {
            assert_eq!(facts("1.0", bad_count).waiting, None, "{bad_count:?}");
        }
        assert_eq!(facts("1.0", "1000000").waiting, Some(1_000_000));
        assert_eq!(SyncFacts::of(&HeaderMap::new()), SyncFacts::default());
    }
}
