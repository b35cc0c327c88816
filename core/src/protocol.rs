//! The sync protocol's wire types, defined once here and used by both the phone (the
//! sync client) and the server, so the two can never disagree on a field.
//!
//! All bodies are JSON (requests may be gzip-compressed with `Content-Encoding: gzip`).
//! Devices authenticate with `Authorization: Bearer <device token>`.
//!
//! | call | path |
//! | --- | --- |
//! | exchange an enrollment code for a device token | `POST /api/v1/enroll` ([`EnrollRequest`] -> [`EnrollResponse`]) |
//! | what the device should have | `GET /api/v1/manifest` (-> [`Manifest`]) |
//! | one form version's canonical JSON | `GET /api/v1/forms/{form_id}/{version}` (-> the form JSON, whose SHA-256 is [`FormRef::sha256`]) |
//! | roster, household and review changes | `GET /api/v1/changes?since={cursor}` (-> [`Changes`]) |
//! | upload a batch of records | `POST /api/v1/records` ([`PushRequest`] -> [`PushResponse`]) |
//! | how much of a photo the server has | `GET /api/v1/photos/{sha256}` (-> [`PhotoStatus`]) |
//! | bytes of a form's attached file from an offset | `GET /api/v1/form-files/{sha256}?offset={n}` (-> raw bytes `n..`, at most [`Limits::photo_chunk_bytes`] of them; only for a file of a form version published to the device's branch) |
//! | upload the bytes of a photo from an offset | `PUT /api/v1/photos/{sha256}?offset={n}&total={size}` (raw bytes -> [`PhotoStatus`]; an offset other than the bytes held is refused with 409 and the current [`PhotoStatus`] in [`ErrorBody::photo`]) |
//!
//! Every request carries [`PROTOCOL_HEADER`], [`APP_VERSION_HEADER`] (when the app gave
//! its release) and [`CORE_VERSION_HEADER`]; pulls and pushes
//! also carry [`WAITING_HEADER`]. The server keeps the last of these per device for the
//! officers' phone list (a value it cannot read is ignored, never refused).
//!
//! Errors are [`ErrorBody`] with an HTTP status: 401 for an unknown, expired or revoked
//! token, 413 for anything over the [`Limits`], 4xx with a reason for bad input, 5xx
//! only for server faults (the client retries those).
//!
//! Within [`PROTOCOL_VERSION`] 1, fields are only ever added, with a default
//! (`#[serde(default)]`): an older phone ignores what it does not know and a newer phone
//! reads an older server's answer as "nothing of that kind" ([`Changes::reviews`] came so).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::domain::{AgeGroup, GatheringKind, Sex};
use crate::engine::AuditEvent;

mod files;

pub use files::{FileKind, MAX_AUDIO_BYTES, MAX_VIDEO_BYTES, SNIFF_BYTES, sniff};

/// Version of this protocol; sent as `X-Branchbook-Protocol` so a server can refuse a
/// phone that is too old instead of misreading it.
pub const PROTOCOL_VERSION: u32 = 1;

/// Header that carries [`PROTOCOL_VERSION`].
pub const PROTOCOL_HEADER: &str = "X-Branchbook-Protocol";

/// Header that carries the phone's app build as its package names it ("0.1.0+7":
/// Android's versionName and versionCode, iOS's short version and bundle version), so
/// officers see which phones run an old build.
pub const APP_VERSION_HEADER: &str = "X-Branchbook-App-Version";

/// Header that carries the version of the core library the app embeds
/// ([`CORE_VERSION`]).
pub const CORE_VERSION_HEADER: &str = "X-Branchbook-Core-Version";

/// This core's version, which a phone reports in [`CORE_VERSION_HEADER`].
pub const CORE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Most characters of a version a phone reports in either header.
pub const VERSION_MAX_CHARS: usize = 32;

/// Whether `c` may appear in a reported version: `[A-Za-z0-9._+-]`.
pub fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '+' | '-')
}

/// Whether `v` is a version the server keeps: 1 to [`VERSION_MAX_CHARS`] characters, each
/// one [`is_version_char`] allows.
pub fn is_version_label(v: &str) -> bool {
    (1..=VERSION_MAX_CHARS).contains(&v.len()) && v.chars().all(is_version_char)
}

/// The app's release as its package says it: Android's `versionName` and `versionCode`,
/// iOS's `CFBundleShortVersionString` and `CFBundleVersion`. The apps pass it when they
/// open their data; the core writes it the one way the server reads it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AppRelease {
    /// The version people read ("0.1.0").
    pub version: String,
    /// The build number ("7").
    pub build: String,
}

impl AppRelease {
    /// The release as one word for [`APP_VERSION_HEADER`], "0.1.0+7": a character the
    /// server does not take becomes `-`, and it is cut to [`VERSION_MAX_CHARS`]. `None`
    /// when the app gave neither part.
    pub fn label(&self) -> Option<String> {
        let clean = |s: &str| -> String {
            s.trim()
                .chars()
                .map(|c| if is_version_char(c) { c } else { '-' })
                .collect()
        };
        let (version, build) = (clean(&self.version), clean(&self.build));
        let label = match (version.is_empty(), build.is_empty()) {
            (true, true) => return None,
            (false, true) => version,
            (true, false) => format!("build+{build}"),
            (false, false) => format!("{version}+{build}"),
        };
        Some(label.chars().take(VERSION_MAX_CHARS).collect())
    }
}

/// Header that carries how many records the phone's outbox holds as it sends a pull or
/// a push (the batch being pushed included), so officers see what is still on a phone.
pub const WAITING_HEADER: &str = "X-Branchbook-Waiting";

/// What a phone sends to exchange a one-time enrollment code for a device token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollRequest {
    /// The short code an officer created (typed, or read from the QR payload).
    pub code: String,
    /// A label for the device, shown to administrators ("Samsung A05 of Lò Thị Mai").
    pub device_label: String,
}

/// The payload of an enrollment QR code: where the server is and which code to use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollmentQr {
    /// Base URL of the server, e.g. `https://sync.example.vn`.
    pub server: String,
    /// The enrollment code.
    pub code: String,
}

/// The server's answer to a successful enrollment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EnrollResponse {
    /// The server's id for this device.
    pub device_id: Uuid,
    /// The bearer token for every later call; shown once, stored hashed on the server.
    pub token: String,
    /// The branch the device works for.
    pub branch: BranchInfo,
    /// The branch head's account name, recorded as the actor in the audit trail.
    pub account: String,
    /// The server's limits.
    pub limits: Limits,
}

/// The branch a device is bound to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BranchInfo {
    /// Server id of the branch.
    pub id: Uuid,
    /// Name of the branch (usually the village).
    pub name: String,
    /// Names of the areas above it, from the province down (province, commune).
    pub area_path: Vec<String>,
}

/// Sizes the server accepts; the client sizes its batches and chunks to fit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Most records in one [`PushRequest`].
    pub max_batch_records: u32,
    /// Most bytes in one request body (after decompression).
    pub max_body_bytes: u64,
    /// Largest photo accepted.
    pub max_photo_bytes: u64,
    /// Chunk size the client should use for photo uploads.
    pub photo_chunk_bytes: u64,
}

/// What the device should have: the published forms and the server's limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The branch this token belongs to.
    pub branch: BranchInfo,
    /// Published form versions the device should hold (drafts are never listed).
    pub forms: Vec<FormRef>,
    /// The server's limits.
    pub limits: Limits,
}

/// One published form version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormRef {
    /// The XLSForm `form_id`.
    pub form_id: String,
    /// The XLSForm `version`.
    pub version: String,
    /// Title in the form's default language.
    pub title: String,
    /// Hex SHA-256 of the canonical form JSON served at `/api/v1/forms/{form_id}/{version}`.
    pub sha256: String,
    /// The files the version carries (CSV tables, label images), downloaded by hash; a
    /// phone opens the form only when it holds all of them.
    #[serde(default)]
    pub attachments: Vec<FormFile>,
}

/// A file attached to a form version, named as the form names it and addressed by its
/// content, so a file shared by several versions travels once.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct FormFile {
    /// The file name the form uses (`fruits.csv`).
    pub name: String,
    /// Hex SHA-256 of its bytes (lower case).
    pub sha256: String,
    /// Its size in bytes.
    pub size: u64,
}

/// Roster, household and review changes for the device's branch since a cursor. The
/// three share one change order, so one cursor covers them all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Changes {
    /// Roster members created or changed since the cursor (archived ones included, flagged).
    pub members: Vec<RosterMember>,
    /// Household records created or changed since the cursor (newest revision of each).
    pub households: Vec<HouseholdRecord>,
    /// Review decisions officers took since the cursor on the branch's surveys, oldest
    /// first (absent from servers before review notices: none).
    #[serde(default)]
    pub reviews: Vec<ReviewNotice>,
    /// The cursor to send next time.
    pub next_cursor: i64,
    /// True when more changes wait: call again with `next_cursor`.
    pub more: bool,
}

/// A member of the branch's Women's Union roster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RosterMember {
    /// Stable id of the member.
    pub id: Uuid,
    /// The Union's membership number, when she has one.
    pub member_code: Option<String>,
    /// Full name (NFC).
    pub full_name: String,
    /// Sex (the roster is mostly women, not only).
    pub sex: Sex,
    /// Birth year, when known.
    pub birth_year: Option<i32>,
    /// Ethnicity key (see [`crate::domain::ETHNICITIES`]).
    pub ethnicity: Option<String>,
    /// Village.
    pub village: String,
    /// Phone number.
    pub phone: Option<String>,
    /// Left the branch: kept for history, hidden from check-in.
    pub archived: bool,
}

/// A household record as exchanged in [`Changes`] (the same content a [`RecordBody::Household`] carries).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HouseholdRecord {
    /// Stable id of the household.
    pub uuid: Uuid,
    /// Revision number, 1 for the first.
    pub revision: u32,
    /// Content.
    pub body: HouseholdBody,
}

/// Review state of a record, set by officers on the server and sent back to the phone
/// that made it (stored by these snake_case names on both sides).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Arrived, nobody looked yet.
    Received,
    /// Someone found something to check or fix.
    HasIssues,
    /// Accepted for reporting.
    Approved,
    /// Refused (excluded from indicators).
    Rejected,
}

impl ReviewState {
    /// True when the officer sent the record back: the branch head should correct it
    /// and send a new revision.
    pub fn is_returned(self) -> bool {
        matches!(self, ReviewState::HasIssues | ReviewState::Rejected)
    }
}

/// One review decision on one of the branch's surveys, as a phone pulls it. A phone
/// keeps the newest decision per survey: a notice pulled twice (a page retried) or an
/// older one arriving late changes nothing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewNotice {
    /// The survey's id.
    pub uuid: Uuid,
    /// The revision the officer reviewed (a later revision is not concerned by it).
    pub revision: u32,
    /// The decision.
    pub state: ReviewState,
    /// The officer's comment (NFC; what to correct).
    pub comment: String,
    /// When the officer decided (UTC).
    pub decided_at: DateTime<Utc>,
    /// The decision's place in the change order: a higher one is newer.
    pub seq: i64,
}

/// A batch of records to upload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    /// The records, in the order the server must apply them (a household before a visit to it).
    pub records: Vec<Record>,
}

/// One record of any kind. `(uuid, revision)` identifies it: re-sending the same pair
/// with the same content is always safe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Client-generated id, stable across revisions.
    pub uuid: Uuid,
    /// 1 for the first revision; an edit of a finalized record sends the next number.
    pub revision: u32,
    /// When this revision was made on the phone (UTC).
    pub created_at: DateTime<Utc>,
    /// The content.
    #[serde(flatten)]
    pub body: RecordBody,
}

/// The content of a record, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RecordBody {
    /// A finalized survey submission.
    Submission(SubmissionBody),
    /// A household created or edited.
    Household(HouseholdBody),
    /// A closed gathering with its attendees.
    Gathering(GatheringBody),
    /// One audit-trail entry.
    Audit(AuditBody),
}

/// A finalized survey submission.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SubmissionBody {
    /// The form's id.
    pub form_id: String,
    /// The exact form version it was filled with.
    pub form_version: String,
    /// The household it was a visit to, if any.
    pub household: Option<Uuid>,
    /// When filling started (UTC).
    pub started_at: DateTime<Utc>,
    /// When it was finalized (UTC).
    pub finalized_at: DateTime<Utc>,
    /// The label language it was filled in.
    pub language: Option<String>,
    /// The answers, nested by group and repeat, as the form engine's finalize produced them.
    pub data: serde_json::Value,
    /// The photos it references.
    pub photos: Vec<PhotoRef>,
    /// The form's audit log (XLSForm `audit`: ODK Collect's audit.csv), for a form with
    /// an `audit` field; absent otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audit: Vec<AuditEvent>,
}

/// A reference from a record to a file its answers name (a photo, or a sound or video
/// recording), by content.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PhotoRef {
    /// Hex SHA-256 of the stored file.
    pub sha256: String,
    /// Its size in bytes.
    pub bytes: u64,
}

/// A household in the branch's registry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HouseholdBody {
    /// Village (thôn / bản).
    pub village: String,
    /// House number or a description of where it is.
    pub address: String,
    /// Name of the head of household.
    pub head_name: String,
    /// The people living there.
    pub members: Vec<HouseholdMember>,
    /// Free notes.
    pub notes: String,
    /// No longer visited (moved away, merged): kept for history.
    pub archived: bool,
}

/// A person living in a household.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HouseholdMember {
    /// Stable id of the person within the household.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth year, when known.
    pub birth_year: Option<i32>,
    /// Ethnicity key.
    pub ethnicity: Option<String>,
    /// Relation to the head ("head", "wife", "son", ...).
    pub relation: String,
}

/// A closed gathering (dialogue, communication session, training, club meeting).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GatheringBody {
    /// Kind of gathering. Sent as `gathering_kind`: a record's `kind` key is already the
    /// tag of [`RecordBody`], and two `kind` keys in one object cannot be read back.
    #[serde(rename = "gathering_kind")]
    pub kind: GatheringKind,
    /// Topic.
    pub topic: String,
    /// Village where it was held.
    pub village: String,
    /// When it started (UTC).
    pub starts_at: DateTime<Utc>,
    /// When it was closed (UTC).
    pub closed_at: DateTime<Utc>,
    /// Who facilitated it.
    pub facilitator: String,
    /// Free notes.
    pub notes: String,
    /// Everyone who attended.
    pub attendees: Vec<Attendee>,
    /// Photos of the session, as evidence.
    pub photos: Vec<PhotoRef>,
}

/// One attendee of a gathering: a roster member checked in, or a walk-in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Attendee {
    /// Id of this attendance entry.
    pub id: Uuid,
    /// The roster member, when she was checked in from the roster.
    pub member_id: Option<Uuid>,
    /// Name.
    pub name: String,
    /// Sex.
    pub sex: Sex,
    /// Birth year, when known.
    pub birth_year: Option<i32>,
    /// Age band (given directly for walk-ins who do not know their birth year).
    pub age_group: Option<AgeGroup>,
    /// Ethnicity key.
    pub ethnicity: Option<String>,
    /// When she was checked in (UTC).
    pub checked_in_at: DateTime<Utc>,
}

/// One entry of the device's audit trail.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditBody {
    /// The device account that acted.
    pub actor: String,
    /// What was done.
    pub action: AuditAction,
    /// Kind of the record acted on ("submission", "household", "gathering").
    pub target_kind: String,
    /// Id of the record acted on.
    pub target_id: Uuid,
    /// Its revision.
    pub target_revision: u32,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

/// Actions the audit trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum AuditAction {
    /// A record was created.
    Created,
    /// A record was edited (a new revision).
    Edited,
    /// A record was finalized (or a gathering closed).
    Finalized,
    /// A draft was deleted.
    Deleted,
}

/// The server's answer to a [`PushRequest`]: one result per record, in request order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One result per record.
    pub results: Vec<RecordResult>,
}

/// What the server did with one record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordResult {
    /// The record's id.
    pub uuid: Uuid,
    /// The record's revision.
    pub revision: u32,
    /// The outcome.
    pub status: RecordStatus,
    /// Why, for `conflict` and `rejected` (a sentence for the user, no personal data).
    pub reason: Option<String>,
    /// Photos the record references that the server does not have whole yet.
    #[serde(default)]
    pub missing_photos: Vec<String>,
}

/// Outcome of one record in a push.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
#[serde(rename_all = "snake_case")]
pub enum RecordStatus {
    /// Stored now.
    Accepted,
    /// The server already had exactly this `(uuid, revision)` with the same content.
    Duplicate,
    /// The server has this `(uuid, revision)` with different content.
    Conflict,
    /// Refused, with a reason (unknown form version, invalid answers, unknown household...).
    Rejected,
}

impl RecordStatus {
    /// True when the server holds the record: the phone may mark it sent.
    pub fn is_stored(self) -> bool {
        matches!(self, RecordStatus::Accepted | RecordStatus::Duplicate)
    }
}

/// How much of a photo the server holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PhotoStatus {
    /// Hex SHA-256 of the photo.
    pub sha256: String,
    /// Bytes received and kept so far (the offset to continue from).
    pub received: u64,
    /// True once all bytes arrived and the hash matched.
    pub complete: bool,
}

/// The body of every error response.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// Machine-readable code, e.g. `revoked`, `too_large`, `bad_request`.
    pub error: String,
    /// A sentence for people.
    pub detail: String,
    /// For a photo chunk sent from the wrong offset (409 `wrong_offset`): what the server
    /// holds, so the client continues from `received` without another request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photo: Option<PhotoStatus>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(version: &str, build: &str) -> AppRelease {
        AppRelease {
            version: version.into(),
            build: build.into(),
        }
    }

    #[test]
    fn a_release_reads_as_one_word_the_server_keeps() {
        assert_eq!(release("0.1.0", "7").label().as_deref(), Some("0.1.0+7"));
        assert_eq!(release(" 1.2 ", "").label().as_deref(), Some("1.2"));
        assert_eq!(release("", "42").label().as_deref(), Some("build+42"));
        assert_eq!(release("", " ").label(), None);
        assert_eq!(
            release("1.0 beta/ä", "3").label().as_deref(),
            Some("1.0-beta--+3")
        );
        let long = release(&"9".repeat(40), "1").label().unwrap_or_default();
        assert_eq!(long.chars().count(), VERSION_MAX_CHARS);
        for r in [
            release("0.1.0", "7"),
            release("1.0 beta/ä", "3"),
            release(&"x".repeat(50), "9"),
        ] {
            let label = r.label().unwrap_or_default();
            assert!(is_version_label(&label), "{label:?}");
        }
        assert!(!is_version_label(""));
        assert!(!is_version_label("1.0 beta"));
        assert!(!is_version_label(&"1".repeat(33)));
    }

    #[test]
    fn a_record_serialises_with_its_kind_tag_and_round_trips() {
        let record = Record {
            uuid: Uuid::nil(),
            revision: 2,
            created_at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            body: RecordBody::Audit(AuditBody {
                actor: "mai".into(),
                action: AuditAction::Edited,
                target_kind: "household".into(),
                target_id: Uuid::nil(),
                target_revision: 2,
                at: DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default(),
            }),
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["kind"], "audit");
        assert_eq!(json["action"], "edited");
        assert_eq!(json["created_at"], "2023-11-14T22:13:20Z");
        let back: Record = serde_json::from_value(json).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn a_gathering_record_round_trips_with_its_own_kind_beside_the_tag() {
        let at = DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        let record = Record {
            uuid: Uuid::nil(),
            revision: 1,
            created_at: at,
            body: RecordBody::Gathering(GatheringBody {
                kind: GatheringKind::PolicyDialogue,
                topic: "t".into(),
                village: "v".into(),
                starts_at: at,
                closed_at: at,
                facilitator: "f".into(),
                notes: String::new(),
                attendees: vec![],
                photos: vec![],
            }),
        };
        let json = serde_json::to_value(&record).unwrap();
        assert_eq!(json["kind"], "gathering");
        assert_eq!(json["gathering_kind"], "policy_dialogue");
        let back: Record = serde_json::from_str(&serde_json::to_string(&record).unwrap()).unwrap();
        assert_eq!(back, record);
    }

    #[test]
    fn only_accepted_and_duplicate_count_as_stored() {
        assert!(RecordStatus::Accepted.is_stored());
        assert!(RecordStatus::Duplicate.is_stored());
        assert!(!RecordStatus::Conflict.is_stored());
        assert!(!RecordStatus::Rejected.is_stored());
    }
}
