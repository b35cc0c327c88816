//! Forms on the server: reading an uploaded form, its canonical JSON and hash, and the
//! catalog of published versions that submissions are checked against.
//!
//! Checking is the core's job (the same code the phones run): this module only calls it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use bytes::Bytes;

use branchbook_core::engine::{CompiledForm, Recomputed, ServerFacts};
use branchbook_core::form::{
    Attachments, Form, FormError, Problem, load_json, load_json_with, load_xlsx_with, needed_files,
    read_xlsx,
};
use branchbook_core::protocol::SubmissionBody;

use crate::error::ApiError;
use crate::form_files::{AttachedFile, match_needed, name_files};
use crate::ingest::sha256_hex;
use crate::store::{ServerStore, ServerStoreError};

/// Most form problems quoted in a rejected submission's reason.
const QUOTED_PROBLEMS: usize = 5;

/// A published form version, compiled, ready to check submissions against.
pub struct PublishedForm {
    /// The compiled form.
    pub compiled: CompiledForm,
}

/// An uploaded form, read and checked, with its canonical JSON.
pub struct CheckedUpload {
    /// The form.
    pub form: Form,
    /// Canonical JSON (what phones download).
    pub json: String,
    /// Its SHA-256 (the `FormRef::sha256` phones compare).
    pub sha256: String,
    /// The files it carries: exactly the ones it uses.
    pub files: Vec<AttachedFile>,
    /// What the checker warns about without refusing the form, by sheet, row and column
    /// (see [`CompiledForm::warnings`]).
    pub warnings: Vec<Problem>,
}

/// True when the bytes look like an .xlsx (a zip archive).
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

fn form_error(e: FormError) -> ApiError {
    match e {
        FormError::Invalid { problems } => ApiError::FormProblems(problems),
        other @ (FormError::NotXlsx { .. } | FormError::Sheet { .. } | FormError::Json { .. }) => {
            ApiError::UnreadableForm(other.to_string())
        }
    }
}

/// Reads and checks an uploaded form with the core's checker (the same the phones and
/// the authors' CLI use): an XLSForm .xlsx, or the form's canonical JSON, with the files
/// it uses (`files`: name as sent, bytes). A form with problems is refused with all of
/// them; a form missing a file it uses, or sent with one it does not use, is refused
/// naming that file. A form that loads comes with its warnings.
pub fn check_upload(bytes: &[u8], files: Vec<(String, Bytes)>) -> Result<CheckedUpload, ApiError> {
    let files = name_files(files)?;
    let attached = || -> Attachments {
        files
            .iter()
            .map(|f| (f.file.name.clone(), f.bytes.to_vec()))
            .collect()
    };
    let compiled = if is_zip(bytes) {
        let read = read_xlsx(bytes).map_err(form_error)?;
        match_needed(&needed_files(&read.form), &files)?;
        load_xlsx_with(bytes, None, &attached()).map_err(form_error)?
    } else {
        let text = std::str::from_utf8(bytes).map_err(|_| {
            ApiError::UnreadableForm("send an XLSForm .xlsx file or a form's JSON (UTF-8)".into())
        })?;
        let form = Form::from_json(text).map_err(form_error)?;
        match_needed(&needed_files(&form), &files)?;
        load_json_with(text, &attached()).map_err(form_error)?
    };
    let form = compiled.form().clone();
    let json = form.to_json();
    let sha256 = sha256_hex(json.as_bytes());
    Ok(CheckedUpload {
        form,
        json,
        sha256,
        files,
        warnings: compiled.warnings().to_vec(),
    })
}

/// Checks a submission's answers against its form version with the core's engine (the
/// same check the phone ran before finalizing) and recomputes what the server keeps of
/// it: its calculations, and its metadata from `facts` (see
/// [`CompiledForm::recompute_data`]).
pub fn check_submission(
    form: &PublishedForm,
    submission: &SubmissionBody,
    facts: &ServerFacts,
) -> Result<Recomputed, String> {
    form.compiled
        .recompute_data(&submission.data, facts)
        .map_err(|problems| {
            let quoted: Vec<String> = problems
                .iter()
                .take(QUOTED_PROBLEMS)
                .map(|p| format!("{}: {}", p.question, p.message))
                .collect();
            let more = problems.len().saturating_sub(QUOTED_PROBLEMS);
            let tail = if more > 0 {
                format!(" (and {more} more)")
            } else {
                String::new()
            };
            format!(
                "the answers fail the form's checks: {}{tail}",
                quoted.join("; ")
            )
        })
}

/// Published form versions, loaded from the store once and kept.
#[derive(Default)]
pub struct FormCatalog {
    published: RwLock<HashMap<(String, String), Arc<PublishedForm>>>,
}

impl FormCatalog {
    /// The published version `(form_id, version)`, or `None` when it is unknown or a draft.
    pub fn published(
        &self,
        store: &ServerStore,
        form_id: &str,
        version: &str,
    ) -> Result<Option<Arc<PublishedForm>>, ServerStoreError> {
        let key = (form_id.to_owned(), version.to_owned());
        if let Some(found) = self
            .published
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Some(Arc::clone(found)));
        }
        let Some((meta, json)) = store.form_version(form_id, version)? else {
            return Ok(None);
        };
        if !meta.published {
            return Ok(None);
        }
        let compiled = load_json(&json).map_err(|e| {
            ServerStoreError::Invalid(format!("stored form {form_id}/{version}: {e}"))
        })?;
        let loaded = Arc::new(PublishedForm { compiled });
        self.published
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, Arc::clone(&loaded));
        Ok(Some(loaded))
    }
}
