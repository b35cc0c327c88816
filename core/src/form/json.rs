//! The canonical JSON of a form: how a form is stored, published and sent to phones.
//! `to_json` is deterministic (fields in a fixed order, maps sorted), so the SHA-256 of
//! its output identifies a form version.

use sha2::{Digest, Sha256};

use super::{Form, FormError};
use crate::text::nfc;

impl Form {
    /// The form as canonical JSON (compact, deterministic).
    pub fn to_json(&self) -> String {
        // A Form is plain data with string map keys: serializing it cannot fail.
        serde_json::to_string(self).unwrap_or_else(|e| unreachable!("a Form always serializes: {e}"))
    }

    /// Reads a form from JSON (canonical or pretty-printed). Text is brought to NFC, so a
    /// form edited by hand compares and hashes like one read from a spreadsheet.
    pub fn from_json(json: &str) -> Result<Form, FormError> {
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
        serde_json::Value::String(s) => *s = nfc(s),
        serde_json::Value::Array(items) => items.iter_mut().for_each(normalize),
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
