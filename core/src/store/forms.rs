//! Published form versions, kept side by side: the canonical JSON exactly as the server
//! served it, its SHA-256 (what the manifest names) and its id, version and title. A
//! draft is tied to the version it was started with, which therefore stays until no
//! draft needs it.

use chrono::{DateTime, Utc};
use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::columns::{self, Millis};
use super::{RecordKind, Store, StoreError};
use crate::form::Form;

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
}

fn info(r: &rusqlite::Row<'_>) -> rusqlite::Result<FormInfo> {
    Ok(FormInfo {
        form_id: r.get(0)?,
        version: r.get(1)?,
        title: r.get(2)?,
        sha256: r.get(3)?,
        added_at: r.get::<_, Millis>(4)?.0,
    })
}

/// The canonical JSON of form `form_id` version `version`.
pub(crate) fn json(tx: &Transaction<'_>, form_id: &str, version: &str) -> Result<String, StoreError> {
    tx.prepare_cached("SELECT json FROM forms WHERE form_id = ?1 AND version = ?2")?
        .query_row((form_id, version), |r| r.get(0))
        .optional()?
        .ok_or_else(|| StoreError::not_found(RecordKind::Form, format!("{form_id} version {version}")))
}

fn parse(json: &str) -> Result<Form, StoreError> {
    serde_json::from_str(json).map_err(|e| StoreError::invalid("form", format!("not a form's JSON: {e}")))
}

impl Store {
    /// Stores a form version from its canonical JSON. `expected_sha256` (from the
    /// manifest) must match when given. Storing the same version again is a no-op; the
    /// same id and version with other content is refused (a published version never changes).
    pub fn add_form(&self, json: &str, expected_sha256: Option<&str>) -> Result<FormInfo, StoreError> {
        let sha256 = hex::encode(Sha256::digest(json.as_bytes()));
        if let Some(expected) = expected_sha256
            && !expected.eq_ignore_ascii_case(&sha256)
        {
            return Err(StoreError::invalid("form", format!("content hash {sha256} is not the announced {expected}")));
        }
        let form = parse(json)?;
        self.write(|tx| {
            let existing: Option<FormInfo> = tx
                .prepare_cached("SELECT form_id, version, title, sha256, added_at FROM forms WHERE form_id = ?1 AND version = ?2")?
                .query_row((&form.id, &form.version), info)
                .optional()?;
            if let Some(existing) = existing {
                if existing.sha256 == sha256 {
                    return Ok(existing);
                }
                return Err(StoreError::invalid(
                    "form",
                    format!("{} version {} is already stored with other content", form.id, form.version),
                ));
            }
            let added_at = columns::now();
            tx.prepare_cached(
                "INSERT INTO forms (form_id, version, title, json, sha256, added_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            )?
            .execute((&form.id, &form.version, &form.title, json, &sha256, Millis(added_at)))?;
            Ok(FormInfo { form_id: form.id, version: form.version, title: form.title, sha256, added_at })
        })
    }

    /// Every stored form version, by id then newest first.
    pub fn forms(&self) -> Result<Vec<FormInfo>, StoreError> {
        self.read(|tx| {
            let mut stmt = tx.prepare_cached(
                "SELECT form_id, version, title, sha256, added_at FROM forms ORDER BY form_id, added_at DESC, version DESC",
            )?;
            let rows = stmt.query_map([], info)?;
            Ok(rows.collect::<Result<_, _>>()?)
        })
    }

    /// Form `form_id` version `version`.
    pub fn form(&self, form_id: &str, version: &str) -> Result<Form, StoreError> {
        parse(&self.read(|tx| json(tx, form_id, version))?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::store::testing::{count, store};

    /// The JSON of a small form with one text question.
    pub(crate) fn form_json(id: &str, version: &str) -> String {
        serde_json::json!({
            "id": id, "version": version, "title": format!("Thăm hộ {version}"), "default_language": null,
            "languages": [], "instance_name": null, "choices": {},
            "body": [{"node": "field", "name": "q", "kind": {"type": "text"}, "label": {"": "Q"}, "hint": {},
                      "required": null, "required_message": {}, "relevant": null, "constraint": null,
                      "constraint_message": {}, "calculation": null, "default": null, "read_only": null,
                      "choice_filter": null, "appearance": null, "parameters": {},
                      "source": {"sheet": "survey", "row": 2}}]
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
        assert_eq!(store.add_form(&v1, Some(&a.sha256.to_uppercase())).unwrap(), a, "same version again: no-op");
        assert_eq!(store.forms().unwrap().iter().map(|f| f.version.as_str()).collect::<Vec<_>>(), vec!["2", "1"]);
        assert_eq!(store.form("visit", "1").unwrap().title, "Thăm hộ 1");

        let changed = form_json("visit", "1").replace("Thăm hộ 1", "Thăm hộ khác");
        assert!(matches!(store.add_form(&changed, None), Err(StoreError::Invalid { field: "form", .. })));
        assert!(matches!(store.add_form(&form_json("visit", "3"), Some("00ff")), Err(StoreError::Invalid { .. })));
        assert!(matches!(store.add_form("{\"not\": \"a form\"}", None), Err(StoreError::Invalid { .. })));
        assert!(matches!(store.form("visit", "9"), Err(StoreError::NotFound { kind: RecordKind::Form, .. })));
        assert_eq!(count(&store, "forms"), 2);
    }
}
