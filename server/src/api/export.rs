//! Exports as downloads: a form version's submissions (and each repeat) in CSV or XLSX,
//! gatherings with their attendance and households with their members in CSV or XLSX,
//! inside the caller's scope and the list filters. CSV is streamed page by page; XLSX is
//! built a page at a time in constant-memory sheets, then sent. The console's download
//! links call the same functions with the signed-in officer.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::header::{CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::response::{IntoResponse, Response};
use branchbook_core::form::Form;
use branchbook_core::i18n::UiLanguage;
use bytes::Bytes;
use futures_util::StreamExt;
use serde::Deserialize;

use super::review::ListQuery;
use super::{AppState, Officer, with_store};
use crate::error::ApiError;
use crate::export::form_table::FormTable;
use crate::export::registers::{Register, RegisterKind};
use crate::export::{EXPORT_PAGE, ExportError, Names, Table, csv, xlsx};
use crate::model::{RecordFilter, RecordKind};

/// Export options (beside the list filters of [`ListQuery`]).
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// Choice labels (in the form's default language) instead of choice names.
    #[serde(default)]
    pub labels: bool,
    /// The language of the names of closed lists in registers (`vi`, the default, or `en`).
    #[serde(default)]
    pub lang: Option<String>,
}

impl ExportQuery {
    fn language(&self) -> UiLanguage {
        match self.lang.as_deref() {
            Some("en") => UiLanguage::En,
            _ => UiLanguage::Vi,
        }
    }
}

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// CSV, UTF-8 with a BOM.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

impl FileFormat {
    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Xlsx => "xlsx",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            FileFormat::Csv => "text/csv; charset=utf-8",
            FileFormat::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }
}

impl From<ExportError> for ApiError {
    fn from(error: ExportError) -> ApiError {
        match error {
            ExportError::Store(e) => e.into(),
            other => ApiError::Internal(other.to_string()),
        }
    }
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

/// A file name made of the parts (NFC): letters of any script, digits and `-_.` are
/// kept, anything else (quotes, slashes, spaces, line breaks) becomes `_`, so
/// "hộ_gia_đình" keeps its name and nothing can name another file.
pub fn file_name(parts: &[&str], format: FileFormat) -> String {
    let stem = kept_in_name(&branchbook_core::text::nfc(&parts.join("-")), false);
    format!("{stem}.{}", format.extension())
}

/// Whether `c` stands in a file name as it is: a letter or digit (ASCII only when
/// `ascii`), `-`, `_` or `.`.
fn safe_in_name(c: char, ascii: bool) -> bool {
    (if ascii {
        c.is_ascii_alphanumeric()
    } else {
        c.is_alphanumeric()
    }) || "-_.".contains(c)
}

/// `name` with every character [`safe_in_name`] refuses written `_`.
fn kept_in_name(name: &str, ascii: bool) -> String {
    name.chars()
        .map(|c| if safe_in_name(c, ascii) { c } else { '_' })
        .collect()
}

/// The Content-Disposition of a download named `name` (RFC 6266): an ASCII `filename`
/// for old clients (other characters as `_`) and the UTF-8 name as `filename*`
/// (RFC 5987, percent-encoded), which browsers prefer.
pub fn content_disposition(name: &str) -> String {
    let ascii = kept_in_name(name, true);
    let encoded: String = name
        .bytes()
        .map(|b| {
            if safe_in_name(char::from(b), true) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file download: its type and its name as an attachment.
pub fn download(format: FileFormat, name: &str, body: Body) -> Response {
    (
        [
            (CONTENT_TYPE, format.content_type().to_owned()),
            (CONTENT_DISPOSITION, content_disposition(name)),
        ],
        body,
    )
        .into_response()
}

/// Sends table `sheet` of the records `filter` selects: CSV streamed a page at a time,
/// or the whole workbook.
async fn deliver(
    state: &AppState,
    table: Arc<dyn Table>,
    sheet: usize,
    filter: RecordFilter,
    format: FileFormat,
    name: &str,
) -> Result<Response, ApiError> {
    if format == FileFormat::Xlsx {
        let book = state
            .store
            .call(move |s| Ok(xlsx::workbook(s, &*table, &filter)))
            .await??;
        return Ok(download(format, name, Body::from(book)));
    }
    let head = csv::head(&*table, sheet).map(Bytes::from);
    let store = state.store.clone();
    let pages = futures_util::stream::unfold(Some(filter), move |filter| {
        let store = store.clone();
        let table = Arc::clone(&table);
        async move {
            let filter = filter?;
            let page = filter.clone();
            let records = match store.call(move |s| s.list_records_with_body(&page)).await {
                Ok(records) => records,
                Err(e) => {
                    tracing::error!(error = %e, "export page failed");
                    return Some((Err(std::io::Error::other("export failed")), None));
                }
            };
            if records.is_empty() {
                return None;
            }
            let next = match records.last() {
                Some(last) if records.len() == filter.limit as usize => Some(RecordFilter {
                    after_seq: last.summary.seq,
                    ..filter
                }),
                _ => None,
            };
            let bytes = csv::page(&*table, sheet, &records)
                .map(Bytes::from)
                .map_err(|e| std::io::Error::other(e.to_string()));
            Some((bytes, next))
        }
    });
    let first = futures_util::stream::once(async move {
        head.map_err(|e| std::io::Error::other(e.to_string()))
    });
    Ok(download(
        format,
        name,
        Body::from_stream(first.chain(pages)),
    ))
}

/// The records of `kind` an export covers: the list filters inside the officer's scope,
/// read a page at a time from the start.
async fn export_filter(
    state: &AppState,
    officer: &Officer,
    query: &ListQuery,
    kind: RecordKind,
) -> Result<RecordFilter, ApiError> {
    let mut filter = query.filter(state, officer, kind).await?;
    filter.after_seq = 0;
    filter.limit = EXPORT_PAGE;
    Ok(filter)
}

async fn names(state: &AppState, filter: &RecordFilter) -> Result<Names, ApiError> {
    let scope = filter.scope.clone();
    with_store(state, move |s| Names::load(s, &scope)).await
}

/// The submissions of one form version (`repeat`: one of its repeats instead), as the
/// API's and the console's download links serve them.
pub async fn form_export(
    state: &AppState,
    officer: &Officer,
    (form_id, version): (String, String),
    repeat: Option<String>,
    (list, options): (&ListQuery, &ExportQuery),
    format: FileFormat,
) -> Result<Response, ApiError> {
    let mut filter = export_filter(state, officer, list, RecordKind::Submission).await?;
    filter.form_id = Some(form_id.clone());
    filter.form_version = Some(version.clone());
    let form = load_form(state, form_id.clone(), version.clone()).await?;
    let table = FormTable::new(form, options.labels, names(state, &filter).await?);
    let sheet = match &repeat {
        Some(name) => table
            .repeat_sheet(name)
            .ok_or_else(|| ApiError::NotFound(format!("the form has no repeat named {name}")))?,
        None => 0,
    };
    let mut parts = vec![form_id.as_str(), version.as_str()];
    if let (Some(name), FileFormat::Csv) = (&repeat, format) {
        parts.push(name);
    }
    tracing::info!(form = %form_id, version = %version, "export started");
    deliver(
        state,
        Arc::new(table),
        sheet,
        filter,
        format,
        &file_name(&parts, format),
    )
    .await
}

/// A register (gatherings with attendance, households with members), as the API's and
/// the console's download links serve it.
pub async fn register_export(
    state: &AppState,
    officer: &Officer,
    kind: RegisterKind,
    (list, options): (&ListQuery, &ExportQuery),
    format: FileFormat,
) -> Result<Response, ApiError> {
    let (record_kind, name) = match kind {
        RegisterKind::Gatherings => (RecordKind::Gathering, "gatherings"),
        RegisterKind::Households => (RecordKind::Household, "households"),
    };
    let filter = export_filter(state, officer, list, record_kind).await?;
    let table = Register::new(kind, options.language(), names(state, &filter).await?);
    deliver(
        state,
        Arc::new(table),
        0,
        filter,
        format,
        &file_name(&[name], format),
    )
    .await
}

/// `GET /api/v1/office/forms/{form_id}/{version}/submissions.csv`: one row per submission.
pub async fn submissions_csv(
    State(state): State<AppState>,
    officer: Officer,
    Path(form): Path<(String, String)>,
    Query(list): Query<ListQuery>,
    Query(options): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    form_export(
        &state,
        &officer,
        form,
        None,
        (&list, &options),
        FileFormat::Csv,
    )
    .await
}

/// `GET /api/v1/office/forms/{form_id}/{version}/submissions.xlsx`: a workbook with the
/// submissions' sheet and one sheet per repeat.
pub async fn submissions_xlsx(
    State(state): State<AppState>,
    officer: Officer,
    Path(form): Path<(String, String)>,
    Query(list): Query<ListQuery>,
    Query(options): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    form_export(
        &state,
        &officer,
        form,
        None,
        (&list, &options),
        FileFormat::Xlsx,
    )
    .await
}

/// `GET /api/v1/office/forms/{form_id}/{version}/repeats/{repeat}.csv`: one row per
/// instance of a repeat, linked to its submission by id and position.
pub async fn repeat_csv(
    State(state): State<AppState>,
    officer: Officer,
    Path((form_id, version, repeat)): Path<(String, String, String)>,
    Query(list): Query<ListQuery>,
    Query(options): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let repeat = repeat.strip_suffix(".csv").unwrap_or(&repeat).to_owned();
    form_export(
        &state,
        &officer,
        (form_id, version),
        Some(repeat),
        (&list, &options),
        FileFormat::Csv,
    )
    .await
}

/// `GET /api/v1/office/exports/{register}.{csv|xlsx}` with register `gatherings` (one row
/// per attendee) or `households` (one row per member).
pub async fn register(
    State(state): State<AppState>,
    officer: Officer,
    Path(file): Path<String>,
    Query(list): Query<ListQuery>,
    Query(options): Query<ExportQuery>,
) -> Result<Response, ApiError> {
    let (kind, format) = register_file(&file).ok_or_else(|| {
        ApiError::NotFound("no such export: ask for gatherings or households, .csv or .xlsx".into())
    })?;
    register_export(&state, &officer, kind, (&list, &options), format).await
}

/// The register and format a file name asks for (`gatherings.csv`, `households.xlsx`).
pub fn register_file(file: &str) -> Option<(RegisterKind, FileFormat)> {
    let (stem, extension) = file.rsplit_once('.')?;
    let kind = match stem {
        "gatherings" => RegisterKind::Gatherings,
        "households" => RegisterKind::Households,
        _ => return None,
    };
    let format = match extension {
        "csv" => FileFormat::Csv,
        "xlsx" => FileFormat::Xlsx,
        _ => return None,
    };
    Some((kind, format))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Finding 9 of issue 13: a form id with a quote, a newline or a second `filename=`
    /// cannot break the Content-Disposition header or name another file.
    #[test]
    fn file_names_cannot_break_their_header() {
        let name = file_name(
            &["x\"; filename=\"evil.exe\r\nSet-Cookie: a=b", "1/../2"],
            FileFormat::Csv,
        );
        assert_eq!(name, "x___filename__evil.exe__Set-Cookie__a_b-1_.._2.csv");
        let header = content_disposition(&name);
        assert!(
            axum::http::HeaderValue::from_str(&header).is_ok(),
            "{header}"
        );
        assert_eq!(header.matches("filename=").count(), 1, "{header}");
        assert_eq!(header.matches("filename*=").count(), 1, "{header}");
    }

    /// A Vietnamese name reaches the browser whole (RFC 5987), with an ASCII fallback.
    #[test]
    fn vietnamese_names_are_kept_for_browsers() {
        // "ộ" typed as o + combining marks is composed first (NFC).
        let name = file_name(&["ho\u{0323}\u{0302}_gia_đình", "2025"], FileFormat::Xlsx);
        assert_eq!(name, "hộ_gia_đình-2025.xlsx");
        let header = content_disposition(&name);
        assert_eq!(
            header,
            "attachment; filename=\"h__gia___nh-2025.xlsx\"; filename*=UTF-8''h%E1%BB%99_gia_%C4%91%C3%ACnh-2025.xlsx"
        );
        assert!(axum::http::HeaderValue::from_str(&header).is_ok());
    }
}
