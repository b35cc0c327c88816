//! The form catalogue: which survey forms (and versions) the phone holds, and importing
//! one from its canonical JSON or, in builds with the `xlsx` feature, an XLSForm file.

use crate::{Branchbook, BranchbookError};
use branchbook_core::engine::CompiledForm;
use branchbook_core::ffi_time::UtcDateTime;
use branchbook_core::form::Language;
use branchbook_core::i18n::{FormRow, UiLanguage, form_row};
use branchbook_core::store::FormInfo;

/// A form version as the form list and the settings screen show it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormSummary {
    /// The XLSForm `form_id`.
    pub form_id: String,
    /// The XLSForm `version`; a submission is always filled with the version it started with.
    pub version: String,
    /// The form's title (`form_title`).
    pub title: String,
    /// Hex SHA-256 of the form's canonical JSON (its identity on the server).
    pub sha256: String,
    /// When this phone got it.
    pub added_at: UtcDateTime,
    /// The languages its questions are written in, to offer in the language switch.
    pub languages: Vec<Language>,
    /// The language shown when none is chosen, if the form names one.
    pub default_language: Option<String>,
    /// How many questions and notes it shows (those of a repeat counted once), for a
    /// sense of its length.
    pub question_count: u32,
    /// How many of its files (CSV tables, label images) have not reached the phone yet:
    /// above 0 it does not open (`BranchbookError::FormFilesMissing`) until a sync
    /// brings them.
    #[uniffi(default = 0)]
    pub files_missing: u32,
}

/// A file that comes with a form imported on the phone: a label picture or a CSV
/// table, named as the form names it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormFileBytes {
    /// The file name the form uses (`water.png`).
    pub name: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

fn summary(info: FormInfo, form: &CompiledForm) -> FormSummary {
    let f = form.form();
    FormSummary {
        form_id: info.form_id,
        version: info.version,
        title: info.title,
        sha256: info.sha256,
        added_at: info.added_at,
        languages: f.languages.clone(),
        default_language: f.default_language.clone(),
        question_count: form.question_total(),
        files_missing: info.files_missing,
    }
}

#[uniffi::export]
impl Branchbook {
    /// The forms on the phone, by id, newest version first; with `latest_only`, one
    /// entry per form (its newest version the server still offers: retired versions
    /// are left out), as the "start a survey" list wants.
    pub fn list_forms(&self, latest_only: bool) -> Result<Vec<FormSummary>, BranchbookError> {
        let mut out: Vec<FormSummary> = Vec::new();
        for info in self.store.forms()? {
            if latest_only
                && (info.retired || out.last().is_some_and(|f| f.form_id == info.form_id))
            {
                continue;
            }
            let compiled = self.store.compiled_form(&info.form_id, &info.version)?;
            out.push(summary(info, &compiled));
        }
        Ok(out)
    }

    /// The label languages new surveys can start in, for the settings' choice: every
    /// language of the forms on the phone (their newest versions), each once, in the
    /// order the forms list them.
    pub fn form_languages(&self) -> Result<Vec<String>, BranchbookError> {
        let mut names: Vec<String> = Vec::new();
        for form in self.list_forms(true)? {
            for language in form.languages {
                if !names.contains(&language.name) {
                    names.push(language.name);
                }
            }
        }
        Ok(names)
    }

    /// The "start a survey" list in `language`: one row per form (its newest offered
    /// version), with its id and version, or, while a sync has not brought all its
    /// files, what it waits for and not ready to start.
    pub fn form_rows(&self, language: UiLanguage) -> Result<Vec<FormRow>, BranchbookError> {
        Ok(self
            .list_forms(true)?
            .iter()
            .map(|f| form_row(&f.form_id, &f.version, &f.title, f.files_missing, language))
            .collect())
    }

    /// Form `form_id` at `version`, or its newest offered (not retired) version when
    /// `version` is `None`.
    pub fn form(
        &self,
        form_id: String,
        version: Option<String>,
    ) -> Result<FormSummary, BranchbookError> {
        let info = self.form_info(&form_id, version.as_deref())?;
        let compiled = self.store.compiled_form(&info.form_id, &info.version)?;
        Ok(summary(info, &compiled))
    }

    /// The bytes of the file `name` of form `form_id` version `version` (a picture a
    /// question's media names, a CSV table), once a sync brought it whole; before, it
    /// fails with [`BranchbookError::FormFilesMissing`].
    pub fn form_file(
        &self,
        form_id: String,
        version: String,
        name: String,
    ) -> Result<Vec<u8>, BranchbookError> {
        Ok(self.store.form_file(&form_id, &version, &name)?)
    }

    /// Adds a form from its canonical JSON (as the server publishes it, or as
    /// `branchbook form convert` writes it). A form with mistakes is refused with
    /// [`BranchbookError::FormInvalid`] listing every problem; adding the same version
    /// again changes nothing; the same version with other content is refused.
    pub fn import_form_json(&self, json: String) -> Result<FormSummary, BranchbookError> {
        let compiled = branchbook_core::form::load_json(&json)?;
        self.add_compiled(&compiled)
    }

    /// Adds a form from its canonical JSON with the files it uses (label pictures, CSV
    /// tables), as a form copied onto the phone with its media folder brings them; the
    /// pictures are then read with [`Branchbook::form_file`]. A file the form uses and
    /// `files` lacks is refused with [`BranchbookError::FormFilesMissing`], one it does
    /// not use (or empty, or over 4 MiB) with [`BranchbookError::InvalidInput`];
    /// nothing is stored then.
    pub fn import_form_json_with_files(
        &self,
        json: String,
        files: Vec<FormFileBytes>,
    ) -> Result<FormSummary, BranchbookError> {
        let compiled = branchbook_core::form::load_json(&json)?;
        let files: Vec<(String, Vec<u8>)> = files.into_iter().map(|f| (f.name, f.bytes)).collect();
        let info = self
            .store
            .add_form_with_bytes(&compiled.form().to_json(), &files)?;
        let stored = self.store.compiled_form(&info.form_id, &info.version)?;
        Ok(summary(info, &stored))
    }

    /// Adds a form from the bytes of an XLSForm .xlsx file, like
    /// [`Branchbook::import_form_json`]. Phone builds leave the spreadsheet reader out
    /// (forms reach phones as JSON): there it fails with [`BranchbookError::Unsupported`].
    pub fn import_form_xlsx(&self, bytes: Vec<u8>) -> Result<FormSummary, BranchbookError> {
        #[cfg(feature = "xlsx")]
        {
            let compiled = branchbook_core::form::load_xlsx(&bytes)?;
            self.add_compiled(&compiled)
        }
        #[cfg(not(feature = "xlsx"))]
        {
            let _ = bytes;
            Err(BranchbookError::Unsupported {
                reason: "this build reads forms as JSON only (built without the xlsx feature)"
                    .into(),
            })
        }
    }
}

impl Branchbook {
    /// The stored version `version` of `form_id`, or its newest offered one.
    pub(crate) fn form_info(
        &self,
        form_id: &str,
        version: Option<&str>,
    ) -> Result<FormInfo, BranchbookError> {
        self.store
            .forms()?
            .into_iter()
            .find(|f| f.form_id == form_id && version.map_or(!f.retired, |v| v == f.version))
            .ok_or_else(|| BranchbookError::NotFound {
                what: "form".into(),
                id: match version {
                    Some(v) => format!("{form_id} version {v}"),
                    None => form_id.to_owned(),
                },
            })
    }

    /// Stores a checked form as its canonical JSON (whose hash identifies the version).
    fn add_compiled(&self, compiled: &CompiledForm) -> Result<FormSummary, BranchbookError> {
        let info = self.store.add_form(&compiled.form().to_json(), None)?;
        let stored = self.store.compiled_form(&info.form_id, &info.version)?;
        Ok(summary(info, &stored))
    }
}
