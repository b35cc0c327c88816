//! Officials' read side: lists of submissions and gatherings, one record with its
//! photos and review history, review decisions, photo download and indicator counts.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{
    ACCEPT_RANGES, CONTENT_DISPOSITION, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE,
};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use branchbook_core::domain::GatheringKind;
use branchbook_core::engine::{AuditEvent, audit_csv};
use branchbook_core::protocol::SNIFF_BYTES;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tokio::io::{AsyncReadExt, AsyncSeekExt};
use uuid::Uuid;

use super::byte_range::{Wanted, wanted};
use super::{AppState, JsonIn, Officer, Official, ok_json, with_store};
use crate::console::texts::Texts;
use crate::error::ApiError;
use crate::ingest::is_sha256_hex;
use crate::model::stored_name;
use crate::model::{RecordFilter, RecordKind, RecordSummary, Review, ReviewState, StoredRecord};
use crate::store::photos::RecordPhoto;
use crate::uploads::kind::served_as;

/// Most records in one page of a list.
const MAX_PAGE: u32 = 1000;

/// Vietnam's offset from UTC (UTC+7): a bare date in a filter means that day there.
const VIETNAM_OFFSET_SECONDS: i32 = 7 * 3600;

/// Reads a day as Vietnamese offices write it, `dd/mm/yyyy` (what the console's date
/// fields take), or as `YYYY-MM-DD`; `None` for anything else.
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    NaiveDate::parse_from_str(text, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y-%m-%d"))
        .ok()
}

/// Reads a time filter: RFC 3339, or a day (see [`parse_day`]) meaning midnight in
/// Vietnam.
pub fn parse_time(text: &str) -> Result<DateTime<Utc>, ApiError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    parse_day(text)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| {
            FixedOffset::east_opt(VIETNAM_OFFSET_SECONDS)
                .and_then(|zone| t.and_local_timezone(zone).single())
        })
        .map(|t| t.with_timezone(&Utc))
        .ok_or_else(|| {
            ApiError::BadRequest(format!(
                "{text:?} is neither a date (dd/mm/yyyy or YYYY-MM-DD) nor an RFC 3339 time"
            ))
        })
}

/// Filters of the lists and exports, as query parameters.
#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Narrow to this area (inside the caller's scope).
    pub area: Option<Uuid>,
    /// Only this branch.
    pub branch: Option<Uuid>,
    /// Only this form.
    pub form: Option<String>,
    /// Only this form version.
    pub version: Option<String>,
    /// From this date or time (inclusive).
    pub from: Option<String>,
    /// Until this date or time (exclusive).
    pub to: Option<String>,
    /// Only in this review state.
    pub state: Option<ReviewState>,
    /// Only gatherings of this kind (`policy_dialogue`...).
    pub gathering_kind: Option<GatheringKind>,
    /// Paging: records after this cursor.
    pub after: Option<i64>,
    /// Records per answer (default 100, at most 1000).
    pub limit: Option<u32>,
}

impl ListQuery {
    /// The store filter for a kind of record, inside the caller's scope.
    pub async fn filter(
        &self,
        state: &AppState,
        official: &Official,
        kind: RecordKind,
    ) -> Result<RecordFilter, ApiError> {
        Ok(RecordFilter {
            scope: official.scope_for(state, self.area).await?,
            kind,
            form_id: self.form.clone(),
            form_version: self.version.clone(),
            branch_id: self.branch,
            from: self.from.as_deref().map(parse_time).transpose()?,
            to: self.to.as_deref().map(parse_time).transpose()?,
            review_state: self.state,
            gathering_kind: self.gathering_kind.as_ref().map(stored_name),
            after_seq: self.after.unwrap_or(0),
            limit: self.limit.unwrap_or(100).clamp(1, MAX_PAGE),
        })
    }
}

/// One answer of the review list: up to `limit` records, and where the next one starts.
#[derive(Debug, Serialize)]
pub struct ReviewList {
    items: Vec<RecordSummary>,
    /// Pass as `after` for the next records; absent after the last.
    next_after: Option<i64>,
}

async fn list(
    state: AppState,
    official: Official,
    query: ListQuery,
    kind: RecordKind,
) -> Result<Response, ApiError> {
    let filter = query.filter(&state, &official, kind).await?;
    let limit = filter.limit as usize;
    let items = with_store(&state, move |s| s.list_records(&filter)).await?;
    let next_after = if items.len() == limit {
        items.last().map(|r| r.seq)
    } else {
        None
    };
    Ok(ok_json(&ReviewList { items, next_after }))
}

/// `GET /api/v1/office/submissions`.
pub async fn list_submissions(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    list(state, official, query, RecordKind::Submission).await
}

/// `GET /api/v1/office/gatherings`.
pub async fn list_gatherings(
    State(state): State<AppState>,
    official: Official,
    Query(query): Query<ListQuery>,
) -> Result<Response, ApiError> {
    list(state, official, query, RecordKind::Gathering).await
}

/// One record in full.
#[derive(Debug, Serialize)]
pub struct RecordDetail {
    record: StoredRecord,
    revisions: Vec<RecordSummary>,
    photos: Vec<PhotoLink>,
    reviews: Vec<Review>,
}

/// A photo of a record with where to download it.
#[derive(Debug, Serialize)]
pub struct PhotoLink {
    #[serde(flatten)]
    photo: RecordPhoto,
    url: String,
}

/// `GET /api/v1/office/records/{uuid}`: the latest revision, every revision's summary,
/// the photos and the review history.
pub async fn record(
    State(state): State<AppState>,
    official: Official,
    Path(uuid): Path<Uuid>,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    let detail = with_store(&state, move |s| {
        let mut revisions = s.record_revisions(uuid, &scope)?;
        let Some(record) = revisions.pop() else {
            return Ok(None);
        };
        let photos = s.record_photos(record.summary.seq)?;
        let reviews = s.reviews(uuid)?;
        let mut summaries: Vec<RecordSummary> = revisions.into_iter().map(|r| r.summary).collect();
        summaries.push(record.summary.clone());
        Ok(Some((record, summaries, photos, reviews)))
    })
    .await?;
    let (record, revisions, photos, reviews) =
        detail.ok_or_else(|| ApiError::NotFound("no such record in your scope".into()))?;
    let photos = photos
        .into_iter()
        .map(|photo| PhotoLink {
            url: format!("/api/v1/office/photos/{}", photo.sha256),
            photo,
        })
        .collect();
    Ok(ok_json(&RecordDetail {
        record,
        revisions,
        photos,
        reviews,
    }))
}

/// The form audit log a record carries (XLSForm `audit`; empty when it has none).
pub fn audit_events(record: &StoredRecord) -> Result<Vec<AuditEvent>, ApiError> {
    match record.body.get("audit") {
        Some(log) => serde_json::from_value(log.clone())
            .map_err(|e| ApiError::Internal(format!("a stored audit log is unreadable: {e}"))),
        None => Ok(Vec::new()),
    }
}

/// `GET /api/v1/office/records/{uuid}/audit.csv`: the form audit log of a submission's
/// latest revision (XLSForm `audit`), as ODK Collect's audit.csv; 404 when it has none.
pub async fn audit_log(
    State(state): State<AppState>,
    official: Official,
    Path(uuid): Path<Uuid>,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    let latest = with_store(&state, move |s| Ok(s.record_revisions(uuid, &scope)?.pop()))
        .await?
        .ok_or_else(|| ApiError::NotFound("no such record in your scope".into()))?;
    let events = audit_events(&latest)?;
    if events.is_empty() {
        return Err(ApiError::NotFound("this record has no audit log".into()));
    }
    let csv = audit_csv(&events);
    Ok((
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"audit-{uuid}.csv\""),
            ),
        ],
        csv,
    )
        .into_response())
}

/// A review decision.
#[derive(Debug, Deserialize)]
pub struct ReviewRequest {
    state: ReviewState,
    #[serde(default)]
    comment: String,
}

/// Most characters of a review comment (what a branch head reads on her phone).
pub const REVIEW_COMMENT_MAX_CHARS: usize = 2000;

/// Most records one decision may cover (a console page lists 50).
pub const REVIEW_MAX_RECORDS: usize = 500;

/// Records the same decision with `comment` on each of `records` inside the official's
/// scope: all of them or, when any is not there or not hers, none (the whole decision is
/// refused). Every review, of one record or a selection, goes through here, so a
/// decision on a survey reaches its branch's phones the same way. Gives the decision as
/// recorded.
pub async fn decide(
    state: &AppState,
    official: &Official,
    records: Vec<Uuid>,
    decision: ReviewState,
    comment: &str,
) -> Result<Review, ApiError> {
    decide_at_most(
        state,
        official,
        records,
        decision,
        comment,
        REVIEW_MAX_RECORDS,
    )
    .await
}

/// [`decide`] on at most `max` records (more are refused whole).
pub async fn decide_at_most(
    state: &AppState,
    official: &Official,
    records: Vec<Uuid>,
    decision: ReviewState,
    comment: &str,
    max: usize,
) -> Result<Review, ApiError> {
    if comment.chars().count() > REVIEW_COMMENT_MAX_CHARS {
        return Err(ApiError::TooLarge(format!(
            "a review comment has at most {REVIEW_COMMENT_MAX_CHARS} characters"
        )));
    }
    if records.is_empty() {
        return Err(ApiError::BadRequest("choose at least one record".into()));
    }
    if records.len() > max {
        return Err(ApiError::TooLarge(format!(
            "one decision covers at most {max} records"
        )));
    }
    let scope = official.scope().clone();
    let account = official.account().id;
    let at = Utc::now();
    let comment = branchbook_core::text::nfc(comment.trim());
    let kept = comment.clone();
    let count = records.len();
    let missing = with_store(state, move |s| {
        s.add_reviews(&records, &scope, decision, &kept, account, at)
    })
    .await?;
    if !missing.is_empty() {
        return Err(ApiError::NotFound(format!(
            "{} of the records are not in your scope; nothing was recorded",
            missing.len()
        )));
    }
    tracing::info!(
        records = count,
        state = stored_name(&decision),
        "records reviewed"
    );
    Ok(Review {
        state: decision,
        comment,
        by: official.account().username.clone(),
        at,
    })
}

/// `POST /api/v1/office/records/{uuid}/review`: sets the review state with a comment.
pub async fn set_review(
    State(state): State<AppState>,
    official: Officer,
    Path(uuid): Path<Uuid>,
    JsonIn(request): JsonIn<ReviewRequest>,
) -> Result<Response, ApiError> {
    let review = decide(
        &state,
        &official,
        vec![uuid],
        request.state,
        &request.comment,
    )
    .await?;
    Ok(ok_json(&review))
}

/// A decision on a selection of records.
#[derive(Debug, Deserialize)]
pub struct BulkReviewRequest {
    records: Vec<Uuid>,
    state: ReviewState,
    #[serde(default)]
    comment: String,
}

/// What a decision on a selection recorded.
#[derive(Debug, Serialize)]
pub struct BulkReview {
    /// The records it covers.
    records: Vec<Uuid>,
    /// The decision.
    #[serde(flatten)]
    review: Review,
}

/// `POST /api/v1/office/reviews` (`{"records": [...], "state": ..., "comment": ...}`):
/// the same decision on several records, all or none.
pub async fn set_reviews(
    State(state): State<AppState>,
    official: Officer,
    JsonIn(request): JsonIn<BulkReviewRequest>,
) -> Result<Response, ApiError> {
    let review = decide(
        &state,
        &official,
        request.records.clone(),
        request.state,
        &request.comment,
    )
    .await?;
    Ok(ok_json(&BulkReview {
        records: request.records,
        review,
    }))
}

/// Where a decision on every survey matching a filter stands (see [`decide_matching`]).
#[derive(Debug)]
pub enum Matching {
    /// Nothing recorded: the filter matches `count` surveys, identified by `selection`;
    /// the decision is recorded when it is confirmed with that selection. `changed`: a
    /// selection was confirmed but the surveys matching changed since it was counted.
    ToConfirm {
        /// How many surveys match.
        count: usize,
        /// What identifies them: a hash of their revisions' sequence numbers.
        selection: String,
        /// A confirmation came with another selection.
        changed: bool,
    },
    /// The decision was recorded on these surveys.
    Decided {
        /// The surveys it covers.
        records: Vec<Uuid>,
        /// The decision as recorded.
        review: Review,
    },
}

/// What identifies the records a decision was confirmed on: a hash of their revisions'
/// sequence numbers, so a record arriving, revised or reviewed meanwhile asks again.
fn selection_of(seqs: &[i64]) -> String {
    let list: Vec<String> = seqs.iter().map(i64::to_string).collect();
    crate::ingest::sha256_hex(list.join(",").as_bytes())
}

/// A decision on every survey matching `filter` (inside the official's scope, on every
/// page: its cursor and page size are ignored), the one rule behind the console's "apply
/// to every record matching the filters" and `POST /api/v1/office/submissions/review`:
/// at most the server's `max_review_filtered` surveys (more are refused, nothing is
/// recorded, with `texts`' message asking for narrower filters). Without `confirmed`, or
/// when it is not the selection the filter matches now, nothing is recorded and the
/// count and selection are given to confirm; with it, the decision is recorded on
/// exactly those surveys in one transaction (through [`decide_at_most`]).
pub async fn decide_matching(
    state: &AppState,
    official: &Official,
    mut filter: RecordFilter,
    decision: ReviewState,
    comment: &str,
    confirmed: &str,
    texts: &Texts,
) -> Result<Matching, ApiError> {
    let max = state.config.max_review_filtered;
    filter.kind = RecordKind::Submission;
    filter.after_seq = 0;
    filter.limit = u32::try_from(max.saturating_add(1)).unwrap_or(u32::MAX);
    let items = with_store(state, move |s| s.list_records(&filter)).await?;
    if items.len() > max {
        return Err(ApiError::BadRequest(texts.fill(
            texts.review_too_many,
            "max",
            &max.to_string(),
        )));
    }
    if items.is_empty() {
        return Err(ApiError::BadRequest(texts.review_none_match.into()));
    }
    let seqs: Vec<i64> = items.iter().map(|r| r.seq).collect();
    let selection = selection_of(&seqs);
    if confirmed != selection {
        return Ok(Matching::ToConfirm {
            count: items.len(),
            selection,
            changed: !confirmed.is_empty(),
        });
    }
    let records: Vec<Uuid> = items.iter().map(|r| r.uuid).collect();
    let review = decide_at_most(state, official, records.clone(), decision, comment, max).await?;
    Ok(Matching::Decided { records, review })
}

/// A decision on every survey matching the query string's filters.
#[derive(Debug, Deserialize)]
pub struct MatchingReviewRequest {
    state: ReviewState,
    #[serde(default)]
    comment: String,
    /// The `selection` a first call answered (absent: count only, record nothing).
    #[serde(default)]
    selection: String,
}

/// What a decision on every matching survey did.
#[derive(Debug, Serialize)]
pub struct MatchingReview {
    /// How many surveys match the filters.
    count: usize,
    /// What identifies them: send it back to record the decision on exactly them.
    selection: String,
    /// Whether the decision was recorded.
    recorded: bool,
    /// The decision as recorded, with the surveys it covers.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    decided: Option<BulkReview>,
}

/// `POST /api/v1/office/submissions/review?FILTERS` (the filters of
/// `GET /api/v1/office/submissions`; body `{"state": ..., "comment": ..., "selection":
/// ...}`): the same decision on every survey matching the filters, on every page, in two
/// calls. Without `selection` it counts them and answers `selection`; sent back, the
/// decision is recorded on exactly those surveys, all or none, or refused with 409 when
/// they changed meanwhile. More than `max_review_filtered` matching: 400, nothing
/// recorded.
pub async fn set_matching_reviews(
    State(state): State<AppState>,
    official: Officer,
    Query(query): Query<ListQuery>,
    JsonIn(request): JsonIn<MatchingReviewRequest>,
) -> Result<Response, ApiError> {
    let filter = query
        .filter(&state, &official, RecordKind::Submission)
        .await?;
    let texts = crate::console::texts::Lang::En.texts();
    let matching = decide_matching(
        &state,
        &official,
        filter,
        request.state,
        &request.comment,
        &request.selection,
        texts,
    )
    .await?;
    let answer = match matching {
        Matching::ToConfirm {
            changed: true,
            count,
            ..
        } => {
            return Err(ApiError::Conflict(format!(
                "the surveys matching the filters changed since they were counted \
                 ({count} now): nothing was recorded; count them again"
            )));
        }
        Matching::ToConfirm {
            count, selection, ..
        } => MatchingReview {
            count,
            selection,
            recorded: false,
            decided: None,
        },
        Matching::Decided { records, review } => MatchingReview {
            count: records.len(),
            selection: request.selection,
            recorded: true,
            decided: Some(BulkReview { records, review }),
        },
    };
    Ok(ok_json(&answer))
}

/// `GET /api/v1/office/photos/{sha256}`: a photo or recording of a record inside the
/// caller's scope, as the content type its first bytes tell; with `Range: bytes=...`,
/// only that part (206), so a video player can seek without the whole file.
pub async fn photo(
    State(state): State<AppState>,
    official: Official,
    Path(sha256): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    if !is_sha256_hex(&sha256) {
        return Err(ApiError::BadRequest(
            "a photo is named by its SHA-256 in lower-case hex".into(),
        ));
    }
    let scope = official.scope().clone();
    let sha = sha256.clone();
    let visible = with_store(&state, move |s| {
        Ok(s.photo_in_scope(&sha, &scope)? && s.photo_is_complete(&sha)?)
    })
    .await?;
    if !visible {
        return Err(ApiError::NotFound("no such photo in your scope".into()));
    }
    let internal = |e: std::io::Error| ApiError::Internal(e.to_string());
    let mut file = tokio::fs::File::open(state.photos.path(&sha256))
        .await
        .map_err(internal)?;
    let length = file.metadata().await.map_err(internal)?.len();
    // A file is served only as what its first bytes are (a JPEG, a recording's
    // container): bytes a device sent under a matching hash before the server checked
    // them could be anything (a page with a script, for one), and a browser must never
    // be handed them.
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .await
        .map_err(internal)?;
    let Some(content_type) = served_as(&head) else {
        return Err(ApiError::Unprocessable {
            code: "not_a_media_file",
            detail:
                "this file's bytes are neither a JPEG image nor a recording, so they are not shown"
                    .into(),
        });
    };
    let range = headers.get(RANGE).and_then(|v| v.to_str().ok());
    let (status, first, last) = match wanted(range, length) {
        Wanted::Whole => (StatusCode::OK, 0, length.saturating_sub(1)),
        Wanted::Part { first, last } => (StatusCode::PARTIAL_CONTENT, first, last),
        Wanted::Unsatisfiable => {
            let body = branchbook_core::protocol::ErrorBody {
                error: "range_not_satisfiable".into(),
                detail: format!("the file has {length} bytes"),
                photo: None,
            };
            return Ok((
                StatusCode::RANGE_NOT_SATISFIABLE,
                [(CONTENT_RANGE, format!("bytes */{length}"))],
                axum::Json(body),
            )
                .into_response());
        }
    };
    file.seek(std::io::SeekFrom::Start(first))
        .await
        .map_err(internal)?;
    let sent = if length == 0 { 0 } else { last - first + 1 };
    // Streamed a block at a time: memory per download stays at one block, not the photo.
    let blocks = futures_util::stream::try_unfold(file.take(sent), |mut file| async move {
        let mut block = bytes::BytesMut::with_capacity(PHOTO_BLOCK);
        let read = file.read_buf(&mut block).await?;
        Ok::<_, std::io::Error>((read > 0).then(|| (block.freeze(), file)))
    });
    let mut response = (
        status,
        [
            (CONTENT_TYPE, content_type.to_owned()),
            (CONTENT_LENGTH, sent.to_string()),
            (ACCEPT_RANGES, "bytes".to_owned()),
        ],
        Body::from_stream(blocks),
    )
        .into_response();
    if status == StatusCode::PARTIAL_CONTENT
        && let Ok(value) = format!("bytes {first}-{last}/{length}").parse()
    {
        response.headers_mut().insert(CONTENT_RANGE, value);
    }
    Ok(response)
}

/// Bytes read from disk per block of a photo download.
const PHOTO_BLOCK: usize = 64 * 1024;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_date_is_midnight_in_vietnam() {
        assert_eq!(
            parse_time("2026-03-01").unwrap().to_rfc3339(),
            "2026-02-28T17:00:00+00:00"
        );
        assert_eq!(
            parse_time("2026-03-01T10:00:00+07:00")
                .unwrap()
                .to_rfc3339(),
            "2026-03-01T03:00:00+00:00"
        );
        assert!(parse_time("1 March").is_err());
        assert_eq!(
            parse_time("01/03/2026").unwrap(),
            parse_time("2026-03-01").unwrap(),
            "day first, as Vietnamese offices write it"
        );
        assert_eq!(parse_day(" 9/3/2026 "), NaiveDate::from_ymd_opt(2026, 3, 9));
        assert_eq!(parse_day("03/31/2026"), None, "not the US order");
        assert!(parse_time("31/02/2026").is_err());
    }
}
