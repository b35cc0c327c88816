//! The server's own vocabulary (areas, accounts, roles, review states) and the JSON
//! shapes of the officials' API. The devices' wire types live in
//! `branchbook_core::protocol`; these are what only the server and its web users share.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The name a unit enum is stored and sent under: its serde name (`Role::BranchHead` ->
/// `branch_head`, `Sex::Female` -> `female`), so the database, the JSON and the code
/// can never spell a value two ways.
pub fn stored_name<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// Reads a value back from its [`stored_name`]; `None` for an unknown name.
pub fn from_stored_name<T: DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// A level of the administrative tree. Vietnam has had two tiers of local government
/// since 2025 (province > commune), under which the Union's branches sit; `District` is
/// kept so that a three-tier tree can be represented too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaLevel {
    /// Province or centrally governed city.
    Province,
    /// District (no longer used in Vietnam since 2025, kept for older trees).
    District,
    /// Commune, ward or special zone.
    Commune,
    /// A Women's Union branch (usually one village); the leaf that devices belong to.
    Branch,
}

impl AreaLevel {
    /// Depth rank: a child must rank strictly deeper than its parent.
    pub fn rank(self) -> u8 {
        match self {
            AreaLevel::Province => 0,
            AreaLevel::District => 1,
            AreaLevel::Commune => 2,
            AreaLevel::Branch => 3,
        }
    }
}

/// One node of the administrative tree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    /// Server id.
    pub id: Uuid,
    /// The area above, `None` for a province.
    pub parent_id: Option<Uuid>,
    /// Its level.
    pub level: AreaLevel,
    /// Name (NFC).
    pub name: String,
    /// Ids from the root down to this area, as `/id/id/.../`: an area's subtree is every
    /// area whose path starts with its path.
    pub path: String,
    /// Archived: hidden from the console's pickers, its data kept.
    #[serde(default)]
    pub archived: bool,
}

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Manages areas, accounts, forms and devices everywhere.
    Admin,
    /// Reviews and exports the data of her area and everything below it.
    Officer,
    /// Heads one branch: her devices upload its data, she sees only it.
    BranchHead,
}

/// An account of a person who logs in (administrator, officer, branch head).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// Server id.
    pub id: Uuid,
    /// Login name.
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// The area she works for (`None` for administrators, who see everything).
    pub area_id: Option<Uuid>,
    /// Set for a generated one-time password: she must choose her own before anything else.
    pub must_change_password: bool,
    /// Disabled by an administrator or her officer: she cannot sign in and her phones
    /// are refused, but everything she sent stays hers.
    pub disabled: bool,
}

/// Where a logged-in person may look: the whole tree, or one area's subtree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Everything (administrators).
    All,
    /// The subtree under the area with this path.
    Under(String),
}

impl Scope {
    /// True when an area path lies inside this scope.
    pub fn contains(&self, path: &str) -> bool {
        match self {
            Scope::All => true,
            Scope::Under(prefix) => path.starts_with(prefix.as_str()),
        }
    }

    /// The `LIKE` pattern that selects paths inside this scope.
    pub fn like_pattern(&self) -> String {
        match self {
            Scope::All => "/%".to_owned(),
            Scope::Under(prefix) => format!("{prefix}%"),
        }
    }
}

/// A device enrolled for a branch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Device {
    /// Server id.
    pub id: Uuid,
    /// The branch head's account the device acts for.
    pub account_id: Uuid,
    /// The branch it uploads for.
    pub branch_id: Uuid,
    /// The label given at enrollment.
    pub label: String,
    /// When it enrolled.
    pub created_at: DateTime<Utc>,
    /// When it was revoked, if it was.
    pub revoked_at: Option<DateTime<Utc>>,
    /// What its last pull or push told the server (none before its first).
    #[serde(default)]
    pub last_sync: Option<DeviceSync>,
}

/// What a phone's last pull or push told the server: when, from which app build (and
/// core library inside it), and how many records it still held unsent afterwards. The version and the count are the
/// phone's word, read bounded (see `api::device::SyncFacts`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceSync {
    /// When (the server's clock).
    pub at: DateTime<Utc>,
    /// The app build it reported ("0.1.0+7": the package's version and build number),
    /// when it reported a readable one.
    pub app_version: Option<String>,
    /// Records still in its outbox after that request, when it reported a count.
    pub waiting: Option<u32>,
    /// The version of the core library inside that build, when reported readably.
    #[serde(default)]
    pub core_version: Option<String>,
}

/// Review state of a record, set by officers: the protocol's, since phones learn it too.
pub use branchbook_core::protocol::ReviewState;

/// The kind of a stored record (the `kind` tag of `protocol::RecordBody`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// A survey submission.
    Submission,
    /// A household.
    Household,
    /// A gathering with attendees.
    Gathering,
    /// An audit-trail entry.
    Audit,
}

/// A form version as the server keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormVersion {
    /// The XLSForm `form_id`.
    pub form_id: String,
    /// The XLSForm `version`.
    pub version: String,
    /// Title.
    pub title: String,
    /// SHA-256 of the canonical JSON.
    pub sha256: String,
    /// Published versions go to phones; drafts do not.
    pub published: bool,
    /// The area it was published to: only phones of branches in that area's subtree
    /// receive it. `None`: every phone (or not published yet).
    pub area_id: Option<Uuid>,
    /// A retired version is no longer offered for new surveys; drafts already started
    /// with it can still be finished and are still accepted.
    pub retired: bool,
    /// When it was uploaded.
    pub created_at: DateTime<Utc>,
}

/// One line of a list of records for officials (no answers: those are in the detail).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RecordSummary {
    /// Position in arrival order; the list's paging cursor.
    pub seq: i64,
    /// Client id.
    pub uuid: Uuid,
    /// Latest revision.
    pub revision: u32,
    /// Kind.
    pub kind: RecordKind,
    /// Branch it came from.
    pub branch_id: Uuid,
    /// The phone that sent it.
    pub device_id: Uuid,
    /// The account of that phone when it sent it (the branch head who sent it).
    pub account_id: Option<Uuid>,
    /// Form id (submissions).
    pub form_id: Option<String>,
    /// Form version (submissions).
    pub form_version: Option<String>,
    /// Household visited (submissions).
    pub household: Option<Uuid>,
    /// When it happened: finalized (submissions), started (gatherings), made (others).
    pub event_at: DateTime<Utc>,
    /// When the server received this revision.
    pub received_at: DateTime<Utc>,
    /// All its photos have arrived.
    pub complete: bool,
    /// Review state.
    pub review_state: ReviewState,
    /// A submission's name from its form's `instance_name`, as the server evaluated it
    /// (`None`: the form has none, or the record predates it; see
    /// [`RecordSummary::display_name`]).
    pub instance_name: Option<String>,
}

impl RecordSummary {
    /// The name lists and exports show: the server's instance name, else (a form
    /// without one, a record stored before names were kept) the form's title and the
    /// day it happened on Vietnam's clock, "Khảo sát hộ — 05/03/2026".
    pub fn display_name(
        &self,
        form_title: &str,
        language: branchbook_core::i18n::UiLanguage,
    ) -> String {
        if let Some(name) = self.instance_name.as_deref() {
            return name.to_owned();
        }
        let day = branchbook_core::i18n::format_day(self.event_at, language);
        format!("{form_title} — {day}")
    }
}

/// The values of a record that the server computed itself (a submission's calculations
/// and metadata, an audit entry's actor) and found different from what the phone sent:
/// the server keeps its own, and officers see these with the record, so nothing is
/// changed silently. Bounded: at most [`Corrections::LISTED`] values, each shown in at
/// most [`Corrections::SHOWN_CHARS`] characters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Corrections {
    /// The listed values, in form order.
    pub values: Vec<Correction>,
    /// How many more differed than are listed.
    pub unlisted: usize,
}

/// One value the server corrected, or a phone's time it kept but doubts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    /// Where it is (`members[2]/age_months`, `actor`).
    pub question: String,
    /// What the phone sent, as JSON text (empty when it left it out), cut to
    /// [`Corrections::SHOWN_CHARS`] characters with `…`.
    pub sent: String,
    /// What the server keeps, as JSON text (empty when nothing), cut the same way.
    pub kept: String,
    /// Set for a time the phone's clock wrote, kept as sent but outside the record's
    /// own times (see [`branchbook_core::engine::ClockWindow`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub doubt: Option<branchbook_core::engine::TimeDoubt>,
}

impl Corrections {
    /// Most values listed.
    pub const LISTED: usize = 50;
    /// Most characters of a value shown.
    pub const SHOWN_CHARS: usize = 200;

    /// The corrections of the core's mismatches, bounded.
    pub fn from_mismatches(mismatches: &[branchbook_core::engine::Mismatch]) -> Corrections {
        let shown = |value: &Option<serde_json::Value>| -> String {
            let text = value.as_ref().map(ToString::to_string).unwrap_or_default();
            if text.chars().count() > Self::SHOWN_CHARS {
                let cut: String = text.chars().take(Self::SHOWN_CHARS).collect();
                format!("{cut}…")
            } else {
                text
            }
        };
        Corrections {
            values: mismatches
                .iter()
                .take(Self::LISTED)
                .map(|m| Correction {
                    question: m.question.clone(),
                    sent: shown(&m.sent),
                    kept: shown(&m.computed),
                    doubt: m.doubt,
                })
                .collect(),
            unlisted: mismatches.len().saturating_sub(Self::LISTED),
        }
    }

    /// True when the phone's values were all the server's.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty() && self.unlisted == 0
    }
}

/// A stored record in full.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredRecord {
    /// The summary fields.
    #[serde(flatten)]
    pub summary: RecordSummary,
    /// The record as kept (NFC), `protocol::Record` JSON: as received, but for what the
    /// server computes itself (see [`Corrections`]).
    pub body: serde_json::Value,
    /// The values the server kept instead of the phone's.
    pub corrections: Corrections,
}

/// Filters of a list of records.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordFilter {
    /// Only records inside this scope.
    pub scope: Scope,
    /// Only this kind.
    pub kind: RecordKind,
    /// Only this form.
    pub form_id: Option<String>,
    /// Only this form version.
    pub form_version: Option<String>,
    /// Only from this branch.
    pub branch_id: Option<Uuid>,
    /// Only with event time at or after.
    pub from: Option<DateTime<Utc>>,
    /// Only with event time before.
    pub to: Option<DateTime<Utc>>,
    /// Only in this review state.
    pub review_state: Option<ReviewState>,
    /// Only gatherings of this kind (its stored name).
    pub gathering_kind: Option<String>,
    /// Only records after this `seq` (paging).
    pub after_seq: i64,
    /// At most this many.
    pub limit: u32,
}

/// One review decision, kept with who took it and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    /// The state set.
    pub state: ReviewState,
    /// The reviewer's comment.
    pub comment: String,
    /// The reviewer's login name.
    pub by: String,
    /// When (UTC).
    pub at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use branchbook_core::i18n::UiLanguage;

    fn summary(instance_name: Option<&str>) -> RecordSummary {
        let at = |s: &str| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc));
        RecordSummary {
            seq: 1,
            uuid: Uuid::nil(),
            revision: 1,
            kind: RecordKind::Submission,
            branch_id: Uuid::nil(),
            device_id: Uuid::nil(),
            account_id: None,
            form_id: Some("tham_ho".into()),
            form_version: Some("1".into()),
            household: None,
            // 18:30 UTC on the last day of February is 1 March in Vietnam.
            event_at: at("2026-02-28T18:30:00Z").unwrap_or_default(),
            received_at: DateTime::UNIX_EPOCH,
            complete: true,
            review_state: ReviewState::Received,
            instance_name: instance_name.map(str::to_owned),
        }
    }

    #[test]
    fn a_record_is_named_by_its_instance_name_else_by_form_and_vietnam_day() {
        assert_eq!(
            summary(Some("Hộ Thào Thị Dợ")).display_name("Thăm hộ", UiLanguage::Vi),
            "Hộ Thào Thị Dợ"
        );
        assert_eq!(
            summary(None).display_name("Thăm hộ", UiLanguage::Vi),
            "Thăm hộ — 01/03/2026"
        );
        assert_eq!(
            summary(None).display_name("Home visit", UiLanguage::En),
            "Home visit — 1 Mar 2026"
        );
    }
}
