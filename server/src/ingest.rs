//! Turning an uploaded record into what the store keeps: its canonical JSON (NFC text,
//! sorted keys) and the SHA-256 that identifies its content, the facts the store indexes
//! (form, household, event time, photos, attendees), and every check that needs no
//! database. The store then decides accepted / duplicate / conflict / rejected inside
//! its transaction.

use branchbook_core::engine::{ClockWindow, Mismatch, Recomputed};
use branchbook_core::protocol::{
    PhotoRef, Record, RecordBody, RecordResult, RecordStatus, SubmissionBody,
};
use chrono::{DateTime, Utc};
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::model::{Corrections, RecordKind, stored_name};

/// An attendee as the indicators count her: no name, and only the id that tells one
/// person from another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeFacts {
    /// The roster member she was checked in as, or a walk-in's attendance entry id
    /// (what "distinct people reached" counts).
    pub person: Uuid,
    /// `female`, `male` or `unknown`.
    pub sex: String,
    /// Ethnicity key, when recorded.
    pub ethnicity: Option<String>,
    /// Age group: as sent, or (when only her birth year was) her band in the year of
    /// the gathering on Vietnam's clock, the same rule as the exports.
    pub age_group: Option<String>,
    /// Not checked in from the roster: counted once per attendance among the people
    /// reached.
    pub walk_in: bool,
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
    /// Hex SHA-256 of the canonical JSON of the record as the phone sent it: a re-send
    /// of the same record is recognised by it, whatever the server changed in [`Self::body`].
    pub content_hash: String,
    /// Canonical JSON of the whole record as the server keeps it: a submission's
    /// calculations and metadata recomputed, an audit entry's actor the sending account.
    pub body: String,
    /// The values the server computed itself that differ from what the phone sent.
    pub corrections: Corrections,
    /// A submission's name from its form's `instance_name`, evaluated by the server.
    pub instance_name: Option<String>,
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

/// What the form check says about a submission: the data the server keeps, with the
/// values it computed differently from the phone, or why it is refused.
pub type SubmissionCheck<'a> = &'a (dyn Fn(&SubmissionBody) -> Result<Recomputed, String> + Sync);

/// What the server checks a device's records against and fills in them itself.
pub struct Intake<'a> {
    /// The largest photo a record may reference.
    pub max_photo_bytes: u64,
    /// The login name of the sending device's account: every audit entry's actor.
    pub account: &'a str,
    /// Checks and recomputes a submission against its form version.
    pub check_submission: SubmissionCheck<'a>,
    /// When the server received the push (its own clock): no time a phone wrote is later.
    pub received_at: DateTime<Utc>,
}

/// Records below which a batch is prepared on one thread.
const PARALLEL_MIN_RECORDS: usize = 64;

/// What a push's record became before the store: prepared for it, or refused on its own
/// (malformed, or over a per-record limit) with the answer the phone gets.
#[derive(Debug, Clone, PartialEq)]
pub enum Ingested {
    /// Parsed and prepared (it may still carry a rejection the store answers).
    Prepared(Box<PreparedRecord>),
    /// Refused before it was built.
    Refused(RecordResult),
}

/// The few fields read from a record that could not be parsed, to say which one it was.
#[derive(Debug, Default, serde::Deserialize)]
struct Ident {
    #[serde(default)]
    uuid: Option<serde_json::Value>,
    #[serde(default)]
    revision: Option<serde_json::Value>,
}

/// The refusal of one record, naming it as well as its JSON allows.
fn refused(raw: &RawValue, reason: String) -> RecordResult {
    let ident: Ident = serde_json::from_str(raw.get()).unwrap_or_default();
    RecordResult {
        uuid: ident
            .uuid
            .as_ref()
            .and_then(serde_json::Value::as_str)
            .and_then(|s| Uuid::parse_str(s).ok())
            .unwrap_or_default(),
        revision: ident
            .revision
            .as_ref()
            .and_then(serde_json::Value::as_u64)
            .and_then(|r| u32::try_from(r).ok())
            .unwrap_or(0),
        status: RecordStatus::Rejected,
        reason: Some(reason),
        missing_photos: vec![],
    }
}

/// Parses and prepares one record of a push from its JSON text, refusing it alone when
/// it is larger than [`MAX_RECORD_BYTES`] (before anything is built from it) or
/// malformed. The parsed record is dropped once prepared, so a batch never holds more
/// than one record per thread in parsed form.
fn ingest(raw: &RawValue, intake: &Intake<'_>) -> Ingested {
    let len = raw.get().len();
    if len > MAX_RECORD_BYTES {
        return Ingested::Refused(refused(
            raw,
            format!(
                "the record has {len} bytes; the server takes at most {MAX_RECORD_BYTES} bytes per record"
            ),
        ));
    }
    match serde_json::from_str::<Record>(raw.get()) {
        Ok(record) => Ingested::Prepared(Box::new(prepare(&record, intake))),
        Err(e) => Ingested::Refused(refused(raw, format!("the record is malformed: {e}"))),
    }
}

/// Prepares a push's records from their JSON texts, spread over the machine's cores
/// (validating answers with the form engine is the costly part of a push, and records
/// are independent until the store). Results keep the batch's order.
pub fn prepare_batch(records: &[&RawValue], intake: &Intake<'_>) -> Result<Vec<Ingested>, String> {
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    let workers = cores.min(records.len() / PARALLEL_MIN_RECORDS).max(1);
    if workers == 1 {
        return Ok(records.iter().map(|r| ingest(r, intake)).collect());
    }
    let chunk = records.len().div_ceil(workers);
    std::thread::scope(|scope| {
        let parts: Vec<_> = records
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || part.iter().map(|r| ingest(r, intake)).collect::<Vec<_>>())
            })
            .collect();
        let mut prepared = Vec::with_capacity(records.len());
        for part in parts {
            prepared.extend(
                part.join()
                    .map_err(|_| "a record could not be prepared".to_owned())?,
            );
        }
        Ok(prepared)
    })
}

/// The form keys a record names, read without building it (to load the forms a batch
/// needs before its records are prepared); `None` for a record that names none.
pub fn form_key(raw: &RawValue) -> Option<(String, String)> {
    #[derive(serde::Deserialize)]
    struct Keys {
        form_id: Option<String>,
        form_version: Option<String>,
    }
    let keys: Keys = serde_json::from_str(raw.get()).ok()?;
    Some((keys.form_id?, keys.form_version?))
}

/// A push body whose records are counted before any is built: at most `max` records'
/// JSON texts, borrowed from `bytes`.
pub enum PushBody<'a> {
    /// The records' texts, in order.
    Records(Vec<&'a RawValue>),
    /// More than `max` records (counting stopped there).
    TooMany,
}

/// Reads a push body `{"records": [...]}` into its records' JSON texts, stopping past
/// `max` records: the body is scanned once for its shape, and no record (nor anything
/// in one) is built, so what a body costs is bounded by its size, not its content.
pub fn split_push(bytes: &[u8], max: usize) -> Result<PushBody<'_>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct Outer<'a> {
        #[serde(borrow)]
        records: &'a RawValue,
    }
    let outer: Outer<'_> = serde_json::from_slice(bytes)?;
    let over = std::cell::Cell::new(false);
    let mut de = serde_json::Deserializer::from_str(outer.records.get());
    match serde::de::DeserializeSeed::deserialize(Bounded { max, over: &over }, &mut de) {
        Ok(records) => Ok(PushBody::Records(records)),
        Err(_) if over.get() => Ok(PushBody::TooMany),
        Err(e) => Err(e),
    }
}

/// Collects an array's elements as JSON texts, failing (and saying so in `over`) at the
/// element after the `max`th.
struct Bounded<'c> {
    max: usize,
    over: &'c std::cell::Cell<bool>,
}

impl<'de> serde::de::DeserializeSeed<'de> for Bounded<'_> {
    type Value = Vec<&'de RawValue>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Bounded<'_> {
    type Value = Vec<&'de RawValue>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "an array of at most {} records", self.max)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(item) = seq.next_element::<&'de RawValue>()? {
            if out.len() == self.max {
                self.over.set(true);
                return Err(serde::de::Error::custom("too many records"));
            }
            out.push(item);
        }
        Ok(out)
    }
}

/// Prepares one uploaded record: the canonical content and hash of what the phone sent,
/// what the server keeps of it (see [`kept`]), indexed facts, and the checks that need
/// no database.
pub fn prepare(record: &Record, intake: &Intake<'_>) -> PreparedRecord {
    let sent = serde_json::to_value(record).unwrap_or(serde_json::Value::Null);
    let content_hash = sha256_hex(canonical_json(&sent).as_bytes());
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
                    person: a.member_id.unwrap_or(a.id),
                    sex: stored_name(&a.sex),
                    ethnicity: a.ethnicity.clone(),
                    age_group: crate::export::registers::age_group(a, g.starts_at)
                        .as_ref()
                        .map(stored_name),
                    walk_in: a.member_id.is_none(),
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
    let (stored, worked, rejection) = match first_problem(record, &photos, intake.max_photo_bytes) {
        Some(problem) => (sent, Kept::default(), Some(problem)),
        None => match kept(record, sent, intake) {
            Ok((stored, kept)) => {
                let over = over_limit(record, &stored);
                (stored, kept, over)
            }
            Err((sent, problem)) => {
                let first = over_limit(record, &sent).unwrap_or(problem);
                (sent, Kept::default(), Some(first))
            }
        },
    };
    PreparedRecord {
        uuid: record.uuid,
        revision: record.revision,
        kind,
        content_hash,
        body: canonical_json(&stored),
        corrections: worked.corrections,
        instance_name: worked.instance_name,
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

/// What the server worked out of a record besides its kept JSON.
#[derive(Default)]
struct Kept {
    corrections: Corrections,
    instance_name: Option<String>,
}

/// Most characters of an instance name the server keeps (a list shows a line of it).
pub const MAX_INSTANCE_NAME_CHARS: usize = 200;

/// The instance name the server keeps of what the form's engine evaluated: trimmed, at
/// most [`MAX_INSTANCE_NAME_CHARS`] characters (the engine already counts a blank name
/// as none).
pub(crate) fn kept_instance_name(evaluated: Option<String>) -> Option<String> {
    evaluated.map(|n| n.trim().chars().take(MAX_INSTANCE_NAME_CHARS).collect())
}

/// The record as the server keeps it (`sent` is its JSON as the phone sent it): a
/// submission's data recomputed by the form's engine (and its name), an audit entry's
/// actor replaced by the sending account; with the values that changed. A submission the
/// form refuses gives back `sent` with the reason.
fn kept(
    record: &Record,
    mut sent: serde_json::Value,
    intake: &Intake<'_>,
) -> Result<(serde_json::Value, Kept), (serde_json::Value, String)> {
    let mut corrections = Vec::new();
    let mut instance_name = None;
    match &record.body {
        RecordBody::Submission(s) => match (intake.check_submission)(s) {
            Ok(recomputed) => {
                corrections = recomputed.mismatches;
                sent["data"] = recomputed.data;
                instance_name = kept_instance_name(recomputed.instance_name);
            }
            Err(problem) => return Err((sent, problem)),
        },
        RecordBody::Audit(a) if a.actor != intake.account => {
            corrections.push(Mismatch {
                question: "actor".into(),
                sent: Some(serde_json::Value::String(a.actor.clone())),
                computed: Some(serde_json::Value::String(intake.account.to_owned())),
                doubt: None,
            });
            sent["actor"] = serde_json::Value::String(intake.account.to_owned());
        }
        _ => {}
    }
    corrections.extend(doubted_times(record, intake.received_at));
    Ok((
        sent,
        Kept {
            corrections: Corrections::from_mismatches(&corrections),
            instance_name,
        },
    ))
}

/// Most bytes of one record's JSON (a household survey with a hundred answers is a few
/// kilobytes).
pub const MAX_RECORD_BYTES: usize = 512 * 1024;
/// Most characters of any one text in a record: an answer, a name, a note.
pub const MAX_TEXT_CHARS: usize = 10_000;
/// Most attendees of one gathering.
pub const MAX_ATTENDEES: usize = 2_000;
/// Most members of one household.
pub const MAX_HOUSEHOLD_MEMBERS: usize = 200;
/// Most photos one record references.
pub const MAX_RECORD_PHOTOS: usize = 100;
/// The years a date or a birth year in a record may fall in.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// The characters of the longest text (or key) in a JSON value.
fn longest_text(value: &serde_json::Value) -> usize {
    use serde_json::Value;
    match value {
        Value::String(s) => s.chars().count(),
        Value::Array(items) => items.iter().map(longest_text).max().unwrap_or(0),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| k.chars().count().max(longest_text(v)))
            .max()
            .unwrap_or(0),
        _ => 0,
    }
}

/// A record's own times (each with what it is) and birth years, as its phone wrote them.
fn times_and_birth_years(record: &Record) -> (Vec<(&'static str, DateTime<Utc>)>, Vec<i32>) {
    let mut times = vec![("created_at", record.created_at)];
    let mut births = Vec::new();
    match &record.body {
        RecordBody::Submission(s) => {
            times.extend([
                ("started_at", s.started_at),
                ("finalized_at", s.finalized_at),
            ]);
        }
        RecordBody::Household(h) => births.extend(h.members.iter().filter_map(|m| m.birth_year)),
        RecordBody::Gathering(g) => {
            times.extend([("starts_at", g.starts_at), ("closed_at", g.closed_at)]);
            times.extend(
                g.attendees
                    .iter()
                    .map(|a| ("checked_in_at", a.checked_in_at)),
            );
            births.extend(g.attendees.iter().filter_map(|a| a.birth_year));
        }
        RecordBody::Audit(a) => times.push(("at", a.at)),
    }
    (times, births)
}

/// A year outside [`YEARS`] among a record's times and birth years, with what it is.
fn date_out_of_range(record: &Record) -> Option<(&'static str, i32)> {
    use chrono::Datelike;
    let (times, births) = times_and_birth_years(record);
    times
        .into_iter()
        .map(|(what, t)| (what, t.year()))
        .chain(births.into_iter().map(|y| ("birth_year", y)))
        .find(|(_, year)| !YEARS.contains(year))
}

/// The record's own times that its phone's clock got implausibly wrong, listed for review
/// and kept as sent (a wrong clock must not cost a record): any time after the server
/// received it, and a submission started after it was finalized.
fn doubted_times(record: &Record, received_at: DateTime<Utc>) -> Vec<Mismatch> {
    let receipt = ClockWindow::received(received_at);
    let start = match &record.body {
        RecordBody::Submission(s) => ClockWindow {
            finalized_at: s.finalized_at,
            ..receipt
        },
        _ => receipt,
    };
    let (times, _) = times_and_birth_years(record);
    times
        .into_iter()
        .filter_map(|(what, t)| {
            let window = if what == "started_at" { start } else { receipt };
            let doubt = window.doubt(t)?;
            let sent = Some(serde_json::Value::String(
                t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            ));
            Some(Mismatch {
                question: what.into(),
                computed: sent.clone(),
                sent,
                doubt: Some(doubt),
            })
        })
        .collect()
}

/// The per-record limits: a text, a list or a date past what any real record has.
fn over_limit(record: &Record, json: &serde_json::Value) -> Option<String> {
    let longest = longest_text(json);
    if longest > MAX_TEXT_CHARS {
        return Some(format!(
            "a text of the record has {longest} characters; the server takes at most {MAX_TEXT_CHARS}"
        ));
    }
    let (photos, list) = match &record.body {
        RecordBody::Submission(s) => (s.photos.len(), None),
        RecordBody::Household(h) => (
            0,
            Some(("household members", h.members.len(), MAX_HOUSEHOLD_MEMBERS)),
        ),
        RecordBody::Gathering(g) => (
            g.photos.len(),
            Some(("attendees", g.attendees.len(), MAX_ATTENDEES)),
        ),
        RecordBody::Audit(_) => (0, None),
    };
    if let Some((what, count, max)) = list.filter(|(_, count, max)| count > max) {
        return Some(format!(
            "the record has {count} {what}; the server takes at most {max}"
        ));
    }
    if photos > MAX_RECORD_PHOTOS {
        return Some(format!(
            "the record references {photos} photos; the server takes at most {MAX_RECORD_PHOTOS}"
        ));
    }
    date_out_of_range(record).map(|(what, year)| {
        format!(
            "{what} is in the year {year}; dates must fall between {} and {}",
            YEARS.start(),
            YEARS.end()
        )
    })
}

fn unknown_ethnicity<'a>(mut keys: impl Iterator<Item = &'a Option<String>>) -> bool {
    keys.any(|k| {
        k.as_deref()
            .is_some_and(|k| branchbook_core::domain::ethnicity(k).is_none())
    })
}

/// A reason to refuse the record found in its own fields (the form's checks are
/// [`kept`]'s).
fn first_problem(record: &Record, photos: &[PhotoRef], max_photo_bytes: u64) -> Option<String> {
    if record.revision == 0 {
        return Some("revision numbers start at 1".into());
    }
    if let Some(p) = photos.iter().find(|p| !is_sha256_hex(&p.sha256)) {
        return Some(format!(
            "photo reference {:?} is not a lower-case hex SHA-256",
            p.sha256
        ));
    }
    // A submission's files may be recordings, whose kind (and own bound) the upload
    // tells from their bytes; a gathering's are photos.
    let (what, max_bytes) = match &record.body {
        RecordBody::Submission(_) => (
            "file",
            crate::uploads::kind::max_upload_bytes(max_photo_bytes),
        ),
        _ => ("photo", max_photo_bytes),
    };
    if photos.iter().any(|p| p.bytes > max_bytes) {
        return Some(format!(
            "a {what} is larger than the server's limit of {max_bytes} bytes"
        ));
    }
    match &record.body {
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
