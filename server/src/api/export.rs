//! CSV exports of a form version's submissions, streamed page by page so that a form
//! with 100,000 submissions never sits in memory (peers' exports timed out or were cut
//! at 30,000 rows).

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use branchbook_core::form::Form;
use bytes::Bytes;
use serde::Deserialize;

use super::review::ListQuery;
use super::{AppState, Officer, Official, with_store};
use crate::csv_export::Export;
use crate::error::ApiError;
use crate::model::{RecordFilter, RecordKind};

/// Submissions fetched per page of an export.
const EXPORT_PAGE: u32 = 1000;

/// Export options (beside the list filters of [`ListQuery`]).
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// Choice labels (in the form's default language) instead of choice names.
    #[serde(default)]
    labels: bool,
}

async fn load_form(
    state: &AppState,
    form_id: String,
    version: String,
) -> Result<Arc<Form>, ApiError> {
    let found = with_store(state, move |s| s.form_version(&form_id, &version)).await?;
    let (_, json) = found.ok_or_else(|| ApiError::NotFound("no such form version".into()))?;
    let form: Form = serde_json::from_str(&json).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(Arc::new(form))
}

fn csv_bytes(rows: impl IntoIterator<Item = Vec<String>>) -> Result<Bytes, std::io::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.write_record(&row)?;
    }
    writer
        .into_inner()
        .map(Bytes::from)
        .map_err(|e| std::io::Error::other(e.to_string()))
}

/// Streams the CSV: the header, then one page of submissions at a time.
fn stream_csv(
    state: AppState,
    form: Arc<Form>,
    repeat: Option<String>,
    labels: bool,
    filter: RecordFilter,
    name: String,
) -> Response {
    let header = match &repeat {
        Some(r) => Export::repeat(&form, r, labels)
            .map(|e| e.header())
            .unwrap_or_default(),
        None => Export::main(&form, labels).header(),
    };
    let first = futures_util::stream::once(async move { csv_bytes([header]) });
    let pages = futures_util::stream::unfold(Some(filter), move |filter| {
        let state = state.clone();
        let form = Arc::clone(&form);
        let repeat = repeat.clone();
        async move {
            let filter = filter?;
            let page = filter.clone();
            let records = match state
                .store
                .call(move |s| s.list_records_with_body(&page))
                .await
            {
                Ok(r) => r,
                Err(e) => {
                    tracing::error!(error = %e, "export page failed");
                    return Some((Err(std::io::Error::other("export failed")), None));
                }
            };
            let next = if records.len() == filter.limit as usize {
                records.last().map(|r| RecordFilter {
                    after_seq: r.summary.seq,
                    ..filter
                })
            } else {
                None
            };
            if records.is_empty() {
                return None;
            }
            let export = match &repeat {
                Some(r) => Export::repeat(&form, r, labels),
                None => Some(Export::main(&form, labels)),
            };
            let rows = export
                .map(|e| records.iter().flat_map(|r| e.rows(r)).collect::<Vec<_>>())
                .unwrap_or_default();
            Some((csv_bytes(rows), next))
        }
    });
    use futures_util::StreamExt;
    (
        [
            (CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        Body::from_stream(first.chain(pages)),
    )
        .into_response()
}

async fn export_filter(
    state: &AppState,
    official: &Official,
    query: &ListQuery,
    form_id: &str,
    version: &str,
) -> Result<RecordFilter, ApiError> {
    let mut filter = query
        .filter(state, official, RecordKind::Submission)
        .await?;
    filter.form_id = Some(form_id.to_owned());
    filter.form_version = Some(version.to_owned());
    filter.after_seq = 0;
    filter.limit = EXPORT_PAGE;
    Ok(filter)
}

/// `GET /api/v1/office/forms/{form_id}/{version}/submissions.csv`: one row per submission.
pub async fn submissions_csv(
    State(state): State<AppState>,
    official: Officer,
    Path((form_id, version)): Path<(String, String)>,
    Query(list): Query<ListQuery>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let filter = export_filter(&state, &official, &list, &form_id, &version).await?;
    let form = load_form(&state, form_id.clone(), version.clone()).await?;
    tracing::info!(form = %form_id, version = %version, "export started");
    Ok(stream_csv(
        state,
        form,
        None,
        query.labels,
        filter,
        format!("{form_id}-{version}.csv"),
    ))
}

/// `GET /api/v1/office/forms/{form_id}/{version}/repeats/{repeat}.csv`: one row per
/// instance of a repeat, linked to its submission by id and position.
pub async fn repeat_csv(
    State(state): State<AppState>,
    official: Officer,
    Path((form_id, version, repeat)): Path<(String, String, String)>,
    Query(list): Query<ListQuery>,
    Query(query): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let repeat = repeat.strip_suffix(".csv").unwrap_or(&repeat).to_owned();
    let filter = export_filter(&state, &official, &list, &form_id, &version).await?;
    let form = load_form(&state, form_id.clone(), version.clone()).await?;
    if Export::repeat(&form, &repeat, query.labels).is_none() {
        return Err(ApiError::NotFound(format!(
            "the form has no repeat named {repeat}"
        )));
    }
    Ok(stream_csv(
        state,
        form,
        Some(repeat.clone()),
        query.labels,
        filter,
        format!("{form_id}-{version}-{repeat}.csv"),
    ))
}
