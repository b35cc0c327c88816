//! The canonical JSON of a form: how a form is stored, published and sent to phones.
//! `to_json` is deterministic (fields in a fixed order, maps sorted), so the SHA-256 of
//! its output identifies a form version.

use sha2::{Digest, Sha256};

use super::{Form, FormError};
use crate::text::{is_nfc, nfc};

impl Form {
    /// The form as canonical JSON (compact, deterministic).
    pub fn to_json(&self) -> String {
        // A Form is plain data with string map keys: serializing it cannot fail.
        serde_json::to_string(self)
            .unwrap_or_else(|e| unreachable!("a Form always serializes: {e}"))
    }

    /// Reads a form from JSON (canonical or pretty-printed). Text is brought to NFC, so a
    /// form edited by hand compares and hashes like one read from a spreadsheet.
    pub fn from_json(json: &str) -> Result<Form, FormError> {
        // Text in NFC with no `\u` escape holds only NFC strings (a JSON quote never
        // composes with its neighbours), so it is read straight into the form; this is
        // how a phone loads its forms. Anything else goes through a normalising pass.
        if is_nfc(json) && !json.contains("\\u") {
            return Ok(serde_json::from_str(json)?);
        }
        let mut value: serde_json::Value = serde_json::from_str(json)?;
        normalize(&mut value);
        Ok(serde_json::from_value(value)?)
    }

    /// The SHA-256 (hex) of the canonical JSON: identifies this exact form version.
    pub fn fingerprint(&self) -> String {
        hex::encode(Sha256::digest(self.to_json().as_bytes()))
    }
}

/// Every string and object key in NFC.
fn normalize(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if !is_nfc(s) => *s = nfc(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize),
        // Keys are rebuilt only when one is not NFC (almost never): the values in place.
        serde_json::Value::Object(map) if map.keys().all(|k| is_nfc(k)) => {
            map.values_mut().for_each(normalize)
        }
        serde_json::Value::Object(map) => {
            let entries = std::mem::take(map);
            for (key, mut v) in entries {
                normalize(&mut v);
                map.insert(nfc(&key), v);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::grid::{Sheet, Workbook};
    use crate::form::read_workbook;

    fn sample() -> Form {
        let book = Workbook {
            sheets: vec![
                Sheet::new(
                    "survey",
                    &[
                        &[
                            "type",
                            "name",
                            "label::Tiếng Việt (vi)",
                            "label::English (en)",
                            "parameters",
                        ],
                        &["select_one yn", "q", "Có không?", "Yes or no?", ""],
                        &["begin repeat", "r", "Lặp", "Repeat", ""],
                        &["image", "p", "Ảnh", "Photo", "max-pixels=800"],
                        &["end repeat", "", "", "", ""],
                    ],
                ),
                Sheet::new(
                    "choices",
                    &[
                        &["list_name", "name", "label", "district"],
                        &["yn", "yes", "Có", "d1"],
                    ],
                ),
                Sheet::new("settings", &[&["form_id", "version"], &["f", "3"]]),
            ],
        };
        read_workbook(&book, None).form
    }

    #[test]
    fn json_is_deterministic_and_round_trips() {
        let form = sample();
        let json = form.to_json();
        assert_eq!(json, sample().to_json());
        let back = Form::from_json(&json).unwrap();
        assert_eq!(back, form);
        assert_eq!(back.to_json(), json);
        // Pretty-printed JSON reads back to the same form and the same canonical text.
        let pretty = serde_json::to_string_pretty(&form).unwrap();
        assert_eq!(Form::from_json(&pretty).unwrap().to_json(), json);
    }

    #[test]
    fn the_fingerprint_changes_with_the_content() {
        let form = sample();
        assert_eq!(form.fingerprint().len(), 64);
        let mut other = form.clone();
        other.version = "4".into();
        assert_ne!(other.fingerprint(), form.fingerprint());
    }

    #[test]
    fn text_read_from_json_is_brought_to_nfc() {
        let mut form = sample();
        form.title = "Kha\u{0309}o sa\u{0301}t".into();
        let json = serde_json::to_string(&form).unwrap();
        assert!(json.contains("Kha\u{0309}o"));
        let back = Form::from_json(&json).unwrap();
        assert_eq!(back.title, "Khảo sát");
        // The same decomposed title written with JSON escapes: the text itself is then
        // in NFC, and the escapes still have to be normalised.
        let escaped = json.replace("Kha\u{0309}o sa\u{0301}t", "Kha\\u0309o sa\\u0301t");
        assert!(is_nfc(&escaped) && escaped.contains("\\u0309"));
        assert_eq!(Form::from_json(&escaped).unwrap().title, "Khảo sát");
    }

    #[test]
    fn json_that_is_not_a_form_is_a_located_error() {
        match Form::from_json("{\n  \"id\": 3") {
            Err(FormError::Json { line, .. }) => assert_eq!(line, 2),
            other => panic!("{other:?}"),
        }
        match Form::from_json("{\"id\": \"x\"}") {
            Err(FormError::Json { reason, .. }) => {
                assert!(reason.contains("missing field"), "{reason}")
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(Form::from_json("[]"), Err(FormError::Json { .. })));
    }
}
