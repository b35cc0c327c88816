//! Turning an uploaded record into what the store keeps: its canonical JSON (NFC text,
//! sorted keys) and the SHA-256 that identifies its content, the facts the store indexes
//! (form, household, event time, photos, attendees), and every check that needs no
//! database. The store then decides accepted / duplicate / conflict / rejected inside
//! its transaction.

use branchbook_core::protocol::{PhotoRef, Record, RecordBody, SubmissionBody};
use chrono::{DateTime, Utc};
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::{RecordKind, stored_name};

/// An attendee as the indicators count her: no name, no id.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeFacts {
    /// `female`, `male` or `unknown`.
    pub sex: String,
    /// Ethnicity key, when recorded.
    pub ethnicity: Option<String>,
    /// Age group, when known.
    pub age_group: Option<String>,
}

/// A record ready for the store.
#[derive(Debug, Clone, PartialEq)]
pub struct PreparedRecord {
    /// Client id.
    pub uuid: Uuid,
    /// Revision.
    pub revision: u32,
    /// Kind.
    pub kind: RecordKind,
    /// Hex SHA-256 of [`Self::body`].
    pub content_hash: String,
    /// Canonical JSON of the whole record.
    pub body: String,
    /// When the phone made this revision.
    pub created_at: DateTime<Utc>,
    /// `(form_id, version)` of a submission.
    pub form: Option<(String, String)>,
    /// The household a submission visits.
    pub household: Option<Uuid>,
    /// The kind of a gathering (`policy_dialogue`...), counted by the indicators.
    pub gathering_kind: Option<String>,
    /// The time lists and indicators filter on.
    pub event_at: DateTime<Utc>,
    /// Photos it references.
    pub photos: Vec<PhotoRef>,
    /// Attendees of a gathering.
    pub attendees: Vec<AttendeeFacts>,
    /// A reason to reject it found without the database (bad answers, unknown form...).
    pub rejection: Option<String>,
}

/// Writes `value` as canonical JSON: object keys sorted, strings in NFC, no spaces. Two
/// uploads of the same content give the same text, whatever order or normalisation the
/// phone used.
pub fn canonical_json(value: &serde_json::Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

fn write_string(s: &str, out: &mut String) {
    let normalized = branchbook_core::text::nfc(s);
    // Serialising a str to JSON cannot fail.
    out.push_str(&serde_json::to_string(&normalized).unwrap_or_default());
}

fn write_canonical(value: &serde_json::Value, out: &mut String) {
    use serde_json::Value;
    match value {
        Value::Null | Value::Bool(_) | Value::Number(_) => out.push_str(&value.to_string()),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut entries: Vec<(String, &Value)> = map
                .iter()
                .map(|(k, v)| (branchbook_core::text::nfc(k), v))
                .collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            out.push('{');
            for (i, (key, item)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(&key, out);
                out.push(':');
                write_canonical(item, out);
            }
            out.push('}');
        }
    }
}

/// Hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// True for a lower-case hex SHA-256.
pub fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64
        && s.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// What the form check says about a submission.
pub type SubmissionCheck<'a> = &'a (dyn Fn(&SubmissionBody) -> Result<(), String> + Sync);

/// Records below which a batch is prepared on one thread.
const PARALLEL_MIN_RECORDS: usize = 64;

/// Prepares a batch, spread over the machine's cores (validating answers with the form
/// engine is the costly part of a push, and records are independent until the store).
/// Results keep the batch's order.
pub fn prepare_batch(
    records: &[Record],
    max_photo_bytes: u64,
    check_submission: SubmissionCheck<'_>,
) -> Result<Vec<PreparedRecord>, String> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let workers = cores.min(records.len() / PARALLEL_MIN_RECORDS).max(1);
    if workers == 1 {
        return Ok(records.iter().map(|r| prepare(r, max_photo_bytes, check_submission)).collect());
    }
    let chunk = records.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let parts: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter().map(|r| prepare(r, max_photo_bytes, check_submission)).collect::<Vec<_>>()
                })
            })
            .collect();
        let mut prepared = Vec::with_capacity(records.len());
        for part in parts {
            prepared.extend(part.join().map_err(|_| "a record could not be prepared".to_owned())?);
        }
        Ok(prepared)
    })
}

/// Prepares one uploaded record: canonical content and hash, indexed facts, and the
/// checks that need no database (`check_submission` validates answers against the form).
pub fn prepare(
    record: &Record,
    max_photo_bytes: u64,
    check_submission: SubmissionCheck<'_>,
) -> PreparedRecord {
    let json = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    let body = canonical_json(&json);
    let content_hash = sha256_hex(body.as_bytes());
    let (kind, form, household, event_at, photos, attendees) = match &record.body {
        RecordBody::Submission(s) => (
            RecordKind::Submission,
            Some((s.form_id.clone(), s.form_version.clone())),
            s.household,
            s.finalized_at,
            s.photos.clone(),
            Vec::new(),
        ),
        RecordBody::Household(_) => (
            RecordKind::Household,
            None,
            None,
            record.created_at,
            Vec::new(),
            Vec::new(),
        ),
        RecordBody::Gathering(g) => (
            RecordKind::Gathering,
            None,
            None,
            g.starts_at,
            g.photos.clone(),
            g.attendees
                .iter()
                .map(|a| AttendeeFacts {
                    sex: stored_name(&a.sex),
                    ethnicity: a.ethnicity.clone(),
                    age_group: a.age_group.as_ref().map(stored_name),
                })
                .collect(),
        ),
        RecordBody::Audit(_) => (
            RecordKind::Audit,
            None,
            None,
            record.created_at,
            Vec::new(),
            Vec::new(),
        ),
    };
    let rejection = first_problem(record, &photos, max_photo_bytes, check_submission);
    PreparedRecord {
        uuid: record.uuid,
        revision: record.revision,
        kind,
        content_hash,
        body,
        created_at: record.created_at,
        form,
        household,
        gathering_kind: match &record.body {
            RecordBody::Gathering(g) => Some(stored_name(&g.kind)),
            _ => None,
        },
        event_at,
        photos,
        attendees,
        rejection,
    }
}

fn unknown_ethnicity<'a>(mut keys: impl Iterator<Item = &'a Option<String>>) -> bool {
    keys.any(|k| {
        k.as_deref()
            .is_some_and(|k| branchbook_core::domain::ethnicity(k).is_none())
    })
}

fn first_problem(
    record: &Record,
    photos: &[PhotoRef],
    max_photo_bytes: u64,
    check_submission: SubmissionCheck<'_>,
) -> Option<String> {
    if record.revision == 0 {
        return Some("revision numbers start at 1".into());
    }
    if let Some(p) = photos.iter().find(|p| !is_sha256_hex(&p.sha256)) {
        return Some(format!(
            "photo reference {:?} is not a lower-case hex SHA-256",
            p.sha256
        ));
    }
    if photos.iter().any(|p| p.bytes > max_photo_bytes) {
        return Some(format!(
            "a photo is larger than the server's limit of {max_photo_bytes} bytes"
        ));
    }
    match &record.body {
        RecordBody::Submission(s) => check_submission(s).err(),
        RecordBody::Household(h) if unknown_ethnicity(h.members.iter().map(|m| &m.ethnicity)) => {
            Some("a household member has an unknown ethnicity key".into())
        }
        RecordBody::Gathering(g) if g.closed_at < g.starts_at => {
            Some("the gathering closes before it starts".into())
        }
        RecordBody::Gathering(g) if unknown_ethnicity(g.attendees.iter().map(|a| &a.ethnicity)) => {
            Some("an attendee has an unknown ethnicity key".into())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonical_json_sorts_keys_and_normalises_text() {
        let a = json!({"b": 1, "a": {"y": "Tha\u{0300}o", "x": [1, "đ"]}});
        let b = json!({"a": {"x": [1, "đ"], "y": "Thào"}, "b": 1});
        assert_eq!(canonical_json(&a), canonical_json(&b));
        assert_eq!(
            canonical_json(&b),
            r#"{"a":{"x":[1,"đ"],"y":"Thào"},"b":1}"#
        );
        assert_ne!(
            canonical_json(&json!({"a": 1})),
            canonical_json(&json!({"a": 2}))
        );
    }

    #[test]
    fn sha256_hex_is_recognised() {
        let h = sha256_hex(b"abc");
        assert_eq!(
            h,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert!(is_sha256_hex(&h));
        assert!(!is_sha256_hex(&h.to_uppercase()));
        assert!(!is_sha256_hex("abc"));
    }
}
