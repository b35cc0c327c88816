//! Published form versions, kept side by side: the canonical JSON exactly as the server
//! served it, its SHA-256 (what the manifest names) and its id, version and title. A
//! draft is tied to the version it was started with, which therefore stays until no
//! draft needs it.

use chrono::{DateTime, Utc};
use std::sync::{Arc, PoisonError};

use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::columns::{self, Millis};
use super::{InputField, RecordKind, Store, StoreError};
use crate::engine::CompiledForm;
use crate::form::Form;
use crate::protocol::FormFile;

/// A stored form version, as lists show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormInfo {
    /// The XLSForm `form_id`.
    pub form_id: String,
    /// The XLSForm `version`.
    pub version: String,
    /// Title.
    pub title: String,
    /// Hex SHA-256 of the canonical JSON.
    pub sha256: String,
    /// When this phone got it.
    pub added_at: DateTime<Utc>,
    /// The server no longer lists it for this phone: not offered for new surveys (drafts
    /// started with it are finished and sent as before).
    pub retired: bool,
    /// How many of the files it carries (CSV tables, label images) are not whole on the
    /// phone yet: it opens only at 0.
    pub files_missing: u32,
}

const INFO_COLUMNS: &str = "form_id, version, title, sha256, added_at, retired,
    (SELECT count(*) FROM form_attachments a JOIN form_files f ON f.sha256 = a.sha256
     WHERE a.form_id = forms.form_id AND a.version = forms.version AND f.complete = 0)";

fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<FormInfo> {
    Ok(FormInfo {
        form_id: r.get(0)?,
        version: r.get(1)?,
        title: r.get(2)?,
        sha256: r.get(3)?,
        added_at: r.get::<_, Millis>(4)?.0,
        retired: r.get(5)?,
        files_missing: r.get(6)?,
    })
}

/// The canonical JSON of form `form_id` version `version`.
pub(crate) fn json(
    tx: &Transaction<'_>,
    form_id: &str,
    version: &str,
) -> Result<String, StoreError> {
    tx.prepare_cached("SELECT json FROM forms WHERE form_id = ?1 AND version = ?2")?
        .query_row((form_id, version), |r| r.get(0))
        .optional()?
        .ok_or_else(|| {
            StoreError::not_found(RecordKind::Form, format!("{form_id} version {version}"))
        })
}

pub(super) fn parse(json: &str) -> Result<Form, StoreError> {
    serde_json::from_str(json)
        .map_err(|e| StoreError::invalid(InputField::Form, format!("not a form's JSON: {e}")))
}

fn compile(form: Form) -> Result<CompiledForm, StoreError> {
    let name = format!("{} version {}", form.id, form.version);
    CompiledForm::compile(form).map_err(|problems| StoreError::FormInvalid {
        form: name,
        problems,
    })
}

impl Store {
    /// Stores a form version from its canonical JSON. `expected_sha256` (from the
    /// manifest) must match when given, and the form must compile (a form that cannot be
    /// filled is refused with every problem). Storing the same version again is a no-op;
    /// the same id and version with other content is refused (a published version never changes).
    pub fn add_form(
        &self,
        json: &str,
        expected_sha256: Option<&str>,
    ) -> Result<FormInfo, StoreError> {
        self.add_form_with_files(json, expected_sha256, &[])
    }

    /// Like [`Store::add_form`], with the files the version carries (from the manifest),
    /// recorded in the same transaction; their bytes come later
    /// ([`Store::add_form_file_bytes`]), and until they are all whole the form does not
    /// open.
    pub fn add_form_with_files(
        &self,
        json: &str,
        expected_sha256: Option<&str>,
        files: &[FormFile],
    ) -> Result<FormInfo, StoreError> {
        let sha256 = hex::encode(Sha256::digest(json.as_bytes()));
        if let Some(expected) = expected_sha256
            && !expected.eq_ignore_ascii_case(&sha256)
        {
            return Err(StoreError::invalid(
                InputField::Form,
                format!("content hash {sha256} is not the announced {expected}"),
            ));
        }
        let form = parse(json)?;
        compile(form.clone())?;
        self.write(|tx| {
            let existing: Option<FormInfo> = tx
                .prepare_cached(&format!("SELECT {INFO_COLUMNS} FROM forms WHERE form_id = ?1 AND version = ?2"))?
                .query_row((&form.id, &form.version), info)
                .optional()?;
            if let Some(existing) = existing {
                if existing.sha256 == sha256 {
                    return Ok(existing);
                }
                return Err(StoreError::invalid(
                    InputField::Form,
                    format!("{} version {} is already stored with other content", form.id, form.version),
                ));
            }
            let added_at = columns::now();
            tx.prepare_cached(
                "INSERT INTO forms (form_id, version, title, json, sha256, added_at, local) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute((&form.id, &form.version, &form.title, json, &sha256, Millis(added_at), expected_sha256.is_none()))?;
            super::form_files::name_files(tx, &form.id, &form.version, files)?;
            let files_missing = u32::try_from(super::form_files::missing_names(tx, &form.id, &form.version)?.len()).unwrap_or(u32::MAX);
            Ok(FormInfo { form_id: form.id, version: form.version, title: form.title, sha256, added_at, retired: false, files_missing })
        })
    }

    /// Every stored form version, by id then newest first.
    pub fn forms(&self) -> Result<Vec<FormInfo>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(&format!(
                "SELECT {INFO_COLUMNS} FROM forms ORDER BY form_id, added_at DESC, version DESC"
            ))?;
            let rows = stmt.query_map([], info)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Offers for new surveys exactly the versions the server lists for this phone
    /// (`(form_id, version)` pairs of its manifest): every other version it sent is
    /// retired, a listed one offered again. Forms imported from a file are left alone.
    pub fn offer_only(&self, listed: &[(String, String)]) -> Result<(), StoreError> {
        self.write(|tx| {
            let held: Vec<(String, String)> = tx
                .prepare_cached("SELECT form_id, version FROM forms WHERE local = 0")?
                .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut update = tx.prepare_cached(
                "UPDATE forms SET retired = ?3 WHERE form_id = ?1 AND version = ?2",
            )?;
            for (form_id, version) in held {
                let retired = !listed.iter().any(|(f, v)| *f == form_id && *v == version);
                update.execute((&form_id, &version, retired))?;
            }
            Ok(())
        })
    }

    /// Form `form_id` version `version`.
    pub fn form(&self, form_id: &str, version: &str) -> Result<Form, StoreError> {
        parse(&self.read(|tx| json(tx, form_id, version))?)
    }

    /// Form `form_id` version `version`, compiled for filling (compiled once, then shared).
    pub fn compiled_form(
        &self,
        form_id: &str,
        version: &str,
    ) -> Result<Arc<CompiledForm>, StoreError> {
        let key = (form_id.to_owned(), version.to_owned());
        if let Some(form) = self
            .compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&key)
        {
            return Ok(Arc::clone(form));
        }
        let form = Arc::new(compile(self.form(form_id, version)?)?);
        self.compiled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(key, Arc::clone(&form));
        Ok(form)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::testing::{count, store};

    fn field(
        name: &str,
        kind: serde_json::Value,
        required: bool,
        constraint: Option<&str>,
    ) -> serde_json::Value {
        serde_json::json!({"node": "field", "name": name, "kind": kind, "label": {"": name}, "hint": {},
            "required": if required { Some("true()") } else { None }, "required_message": {}, "relevant": null,
            "constraint": constraint, "constraint_message": {}, "calculation": null, "default": null,
            "read_only": null, "choice_filter": null, "appearance": null, "parameters": {},
            "source": {"sheet": "survey", "row": 2}})
    }

    /// The JSON of a small household-visit form: the head's name (required), how many
    /// people live there (more than 0), and a photo of the house.
    pub(crate) fn form_json(id: &str, version: &str) -> String {
        serde_json::json!({
            "id": id, "version": version, "title": format!("Thăm hộ {version}"), "default_language": null,
            "languages": [], "instance_name": "concat('Hộ ', ${head_name})", "choices": {},
            "body": [field("head_name", serde_json::json!({"type": "text"}), true, None),
                     field("people", serde_json::json!({"type": "integer"}), false, Some(". > 0")),
                     field("house", serde_json::json!({"type": "image"}), false, None)]
        })
        .to_string()
    }

    #[test]
    fn versions_live_side_by_side_and_a_version_never_changes() {
        let (_dir, store) = store();
        let v1 = form_json("visit", "1");
        let a = store.add_form(&v1, None).unwrap();
        assert_eq!(a.sha256, hex::encode(Sha256::digest(v1.as_bytes())));
        store.add_form(&form_json("visit", "2"), None).unwrap();
        assert_eq!(
            store.add_form(&v1, Some(&a.sha256.to_uppercase())).unwrap(),
            a,
            "same version again: no-op"
        );
        assert_eq!(
            store
                .forms()
                .unwrap()
                .iter()
                .map(|f| f.version.as_str())
                .collect::<Vec<_>>(),
            vec!["2", "1"]
        );
        assert_eq!(store.form("visit", "1").unwrap().title, "Thăm hộ 1");

        let changed = form_json("visit", "1").replace("Thăm hộ 1", "Thăm hộ khác");
        assert!(matches!(
            store.add_form(&changed, None),
            Err(StoreError::Invalid {
                field: InputField::Form,
                ..
            })
        ));
        assert!(matches!(
            store.add_form(&form_json("visit", "3"), Some("00ff")),
            Err(StoreError::Invalid { .. })
        ));
        assert!(matches!(
            store.add_form("{\"not\": \"a form\"}", None),
            Err(StoreError::Invalid { .. })
        ));
        let broken = form_json("visit", "4").replace(". > 0", ". > ${nowhere}");
        assert!(matches!(
            store.add_form(&broken, None),
            Err(StoreError::FormInvalid { .. })
        ));
        assert!(Arc::ptr_eq(
            &store.compiled_form("visit", "1").unwrap(),
            &store.compiled_form("visit", "1").unwrap()
        ));
        assert!(matches!(
            store.form("visit", "9"),
            Err(StoreError::NotFound {
                kind: RecordKind::Form,
                ..
            })
        ));
        assert_eq!(count(&store, "forms"), 2);
    }
}
