//! What the lists, the home screen and the send screen show, written once for both
//! apps: a list row's title and detail line, the home screen's heading, counts and
//! attention line, what waits to be sent and what the server refused. The facade reads
//! the facts from the store and hands them here; the apps draw the result.

use std::collections::HashMap;

use crate::ffi_time::UtcDateTime;
use crate::protocol::ReviewState;
use crate::store::{
    Gathering, RecordKind, RecordState, Rejection, ReturnedSubmission, SubmissionInfo,
};

use super::{
    TextKey, UiLanguage, fill, format_bytes, format_instant, record_kind_name, record_state_name,
    text,
};

/// One line of a list: the record a tap opens, what it is, and a smaller second line.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ListRow {
    /// The record's id (what a tap opens).
    pub id: String,
    /// The first line.
    pub title: String,
    /// The second line (state, time, village).
    pub detail: String,
}

/// Everything the home screen shows, in the app language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HomeScreen {
    /// Her branch ("Chi hội Sà Phìn"), else her account; None before either is known.
    pub heading: Option<String>,
    /// "Lần gửi gần nhất: ..." on Vietnam's clock; None before the first send.
    pub last_sent: Option<String>,
    /// Shown (with a way to enroll) while the phone is not connected to a server.
    pub not_enrolled: Option<String>,
    /// The count lines: unfinished, ready to send, sent.
    pub counts: Vec<String>,
    /// "Cần xem lại: 2" when the server refused records (a tap opens sending); None
    /// when nothing needs her.
    pub attention: Option<String>,
    /// Unfinished surveys, most recent first: a tap continues one.
    pub drafts: Vec<ListRow>,
    /// Gatherings still open: a tap goes back to one.
    pub open_gatherings: Vec<ListRow>,
    /// Surveys an officer sent back, most recently decided first: each with the
    /// officer's comment and a way to correct it (a new revision).
    pub returned: Vec<ReturnedRow>,
    /// The heading over [`HomeScreen::returned`] ("Returned by the officer").
    pub returned_heading: String,
    /// The label of the action that corrects a returned survey.
    pub correct_action: String,
}

/// A survey an officer sent back, as the home screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ReturnedRow {
    /// The survey's id (what "correct" opens as a new revision).
    pub id: String,
    /// Its name, as in every list.
    pub title: String,
    /// The decision and when it was taken, on Vietnam's clock ("Bị từ chối · 12/06/2025 08:30").
    pub detail: String,
    /// "Ý kiến của cán bộ: ...", the officer's comment; None when the officer wrote none.
    pub comment: Option<String>,
}

/// What the home screen is made from, as the store and the enrollment give it.
#[derive(Debug, Clone, Default)]
pub struct HomeFacts {
    /// The branch named at enrollment (None before enrollment).
    pub branch: Option<String>,
    /// The device account's name.
    pub account: Option<String>,
    /// When a send last went through.
    pub last_sync: Option<UtcDateTime>,
    /// Surveys and gatherings not finished.
    pub unfinished: u64,
    /// Surveys and gatherings waiting to be sent.
    pub ready: u64,
    /// Surveys the server has.
    pub sent: u64,
    /// Records the server refused.
    pub needs_attention: u64,
    /// Draft surveys, most recent first.
    pub drafts: Vec<SubmissionInfo>,
    /// Form titles by form id, for drafts without an instance name.
    pub form_titles: HashMap<String, String>,
    /// Gatherings still open.
    pub open_gatherings: Vec<Gathering>,
    /// Surveys an officer sent back.
    pub returned: Vec<ReturnedSubmission>,
}

/// The home screen from its facts.
pub fn home_screen(facts: &HomeFacts, language: UiLanguage) -> HomeScreen {
    let count = |key: TextKey, n: u64| format_count(key, n, language);
    let heading = match (&facts.branch, &facts.account) {
        (Some(branch), _) => Some(fill(text(TextKey::HomeBranch, language), |name| {
            (name == "branch").then_some(branch.as_str())
        })),
        (None, Some(account)) => Some(fill(text(TextKey::SettingsAccount, language), |name| {
            (name == "account").then_some(account.as_str())
        })),
        (None, None) => None,
    };
    HomeScreen {
        heading,
        last_sent: last_sent(facts.last_sync, language),
        not_enrolled: facts
            .branch
            .is_none()
            .then(|| text(TextKey::HomeNotEnrolled, language).to_owned()),
        counts: vec![
            count(TextKey::HomeDrafts, facts.unfinished),
            count(TextKey::HomeReady, facts.ready),
            count(TextKey::HomeSent, facts.sent),
        ],
        attention: (facts.needs_attention > 0)
            .then(|| count(TextKey::HomeAttention, facts.needs_attention)),
        drafts: facts
            .drafts
            .iter()
            .map(|d| {
                survey_row(
                    d,
                    facts.form_titles.get(&d.form_id).map(String::as_str),
                    language,
                )
            })
            .collect(),
        open_gatherings: facts
            .open_gatherings
            .iter()
            .map(|g| gathering_row(g, language))
            .collect(),
        returned: facts
            .returned
            .iter()
            .map(|r| {
                returned_row(
                    r,
                    facts
                        .form_titles
                        .get(&r.submission.form_id)
                        .map(String::as_str),
                    language,
                )
            })
            .collect(),
        returned_heading: text(TextKey::HomeReturned, language).to_owned(),
        correct_action: text(TextKey::HomeReturnedCorrect, language).to_owned(),
    }
}

/// A returned survey as the home screen lists it: named as in every list, then the
/// decision and its time, then the officer's comment.
pub fn returned_row(
    returned: &ReturnedSubmission,
    form_title: Option<&str>,
    language: UiLanguage,
) -> ReturnedRow {
    let row = survey_row(&returned.submission, form_title, language);
    let decision = match returned.state {
        ReviewState::Rejected => TextKey::ReviewRejected,
        _ => TextKey::ReviewHasIssues,
    };
    let comment = returned.comment.trim();
    ReturnedRow {
        id: row.id,
        title: row.title,
        detail: format!(
            "{} · {}",
            text(decision, language),
            format_instant(returned.decided_at, language)
        ),
        comment: (!comment.is_empty()).then(|| {
            fill(text(TextKey::HomeReturnedComment, language), |name| {
                (name == "comment").then_some(comment)
            })
        }),
    }
}

/// "Lần gửi gần nhất: 12/06/2025 08:30" on Vietnam's clock, None before the first send.
pub fn last_sent(at: Option<UtcDateTime>, language: UiLanguage) -> Option<String> {
    let time = format_instant(at?, language);
    Some(fill(text(TextKey::SendLast, language), |name| {
        (name == "time").then_some(time.as_str())
    }))
}

/// A record the server refused, as the send screen lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct RefusedRow {
    /// The record's id (for "send again" and "correct").
    pub id: String,
    /// The refused revision.
    pub revision: u32,
    /// What it is: a survey opens the survey screen, a gathering its attendance screen.
    pub kind: RecordKind,
    /// "Phiếu khảo sát: unknown form version ...".
    pub text: String,
    /// When the server said so, on Vietnam's clock.
    pub at: String,
    /// Whether "correct" is offered (`reopen_refused`, then the record's screen): surveys
    /// and gatherings; every refused record can be sent again.
    pub correctable: bool,
}

/// Everything the send screen shows between passes, in the app language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SendScreen {
    /// Shown (with a way to enroll, in place of the send button) while the phone is not
    /// connected to a server.
    pub not_enrolled: Option<String>,
    /// "Lần gửi gần nhất: ..." on Vietnam's clock; None before the first send.
    pub last_sent: Option<String>,
    /// "Đang chờ gửi: 3 bản ghi, 2 ảnh (1,2 MB)" or "Không còn gì cần gửi."
    pub waiting: String,
    /// The heading of `refused`; None when nothing was refused.
    pub refused_title: Option<String>,
    /// What the server refused, most recent first.
    pub refused: Vec<RefusedRow>,
}

/// What the send screen is made from, as the store and the enrollment give it.
#[derive(Debug, Clone, Default)]
pub struct SendFacts {
    /// Whether the phone is enrolled with a server.
    pub enrolled: bool,
    /// When a send last went through.
    pub last_sync: Option<UtcDateTime>,
    /// Records in the outbox.
    pub records_waiting: u64,
    /// Photos the server does not have yet.
    pub photos_waiting: u64,
    /// Their size.
    pub photo_bytes_waiting: u64,
    /// What the server refused, most recent first.
    pub refused: Vec<Rejection>,
}

/// The send screen from its facts.
pub fn send_screen(facts: &SendFacts, language: UiLanguage) -> SendScreen {
    let waiting = if facts.records_waiting == 0 && facts.photos_waiting == 0 {
        text(TextKey::SendNothing, language).to_owned()
    } else {
        let (records, photos) = (
            facts.records_waiting.to_string(),
            facts.photos_waiting.to_string(),
        );
        let size = format_bytes(facts.photo_bytes_waiting, language);
        fill(text(TextKey::SendWaiting, language), |name| match name {
            "records" => Some(records.as_str()),
            "photos" => Some(photos.as_str()),
            "size" => Some(size.as_str()),
            _ => None,
        })
    };
    SendScreen {
        not_enrolled: (!facts.enrolled)
            .then(|| text(TextKey::ErrorNotEnrolled, language).to_owned()),
        last_sent: last_sent(facts.last_sync, language),
        waiting,
        refused_title: (!facts.refused.is_empty())
            .then(|| text(TextKey::SendRefusedTitle, language).to_owned()),
        refused: facts
            .refused
            .iter()
            .map(|r| {
                let what = record_kind_name(r.kind, language);
                RefusedRow {
                    id: r.uuid.to_string(),
                    revision: r.revision,
                    kind: r.kind,
                    text: fill(
                        text(TextKey::SendRefusedItem, language),
                        |name| match name {
                            "what" => Some(what.as_str()),
                            "reason" => Some(r.reason.as_str()),
                            _ => None,
                        },
                    ),
                    at: format_instant(r.at, language),
                    correctable: r.correctable,
                }
            })
            .collect(),
    }
}

/// A survey filled as a visit, as the household screen lists it: a tap continues a
/// draft, or opens a finished one for a change.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VisitRow {
    /// The survey's row ([`survey_row`]); its id is the submission's.
    pub row: ListRow,
    /// Still a draft: a tap continues it (else it becomes a new revision to change).
    pub draft: bool,
}

/// A visit's row, with the form's title for a survey without a name of its own.
pub fn visit_row(
    info: &SubmissionInfo,
    form_title: Option<&str>,
    language: UiLanguage,
) -> VisitRow {
    VisitRow {
        row: survey_row(info, form_title, language),
        draft: info.state == RecordState::Draft,
    }
}

/// A survey as lists show it: its name from the form's `instance_name`, else the form's
/// title (`form_title`), else the form's id; its state and its last change (a draft) or
/// when it was finalized, on Vietnam's clock.
pub(super) fn survey_row(
    info: &SubmissionInfo,
    form_title: Option<&str>,
    language: UiLanguage,
) -> ListRow {
    let title = info
        .title
        .as_deref()
        .filter(|t| !t.trim().is_empty())
        .or(form_title)
        .unwrap_or(&info.form_id)
        .to_owned();
    let at = match info.state {
        RecordState::Draft => info.updated_at,
        _ => info.finalized_at.unwrap_or(info.updated_at),
    };
    ListRow {
        id: info.uuid.to_string(),
        title,
        detail: format!(
            "{} · {}",
            record_state_name(info.state, language),
            format_instant(at, language)
        ),
    }
}

/// A gathering as lists show it: its topic, then its village and start on Vietnam's clock.
pub fn gathering_row(gathering: &Gathering, language: UiLanguage) -> ListRow {
    let details = &gathering.details;
    ListRow {
        id: gathering.uuid.to_string(),
        title: details.topic.clone(),
        detail: format!(
            "{} · {}",
            details.village,
            format_instant(details.starts_at, language)
        ),
    }
}

/// A form as the "start a survey" list shows it. A form whose files (label pictures, CSV
/// tables) a sync has not brought whole yet is listed all the same, saying what it waits
/// for, and cannot be started: she sees that it came and that the next send completes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct FormRow {
    /// Its row: the form's id (what a tap starts), its title, and its id and version, or
    /// what it still waits for.
    pub row: ListRow,
    /// Every file is on the phone: a tap starts a survey. False: the row is not tappable
    /// (starting is refused with `FormFilesMissing`).
    pub ready: bool,
}

/// The list row of form `form_id` at `version` titled `title`, with `files_missing` of
/// its files still to come.
pub fn form_row(
    form_id: &str,
    version: &str,
    title: &str,
    files_missing: u32,
    language: UiLanguage,
) -> FormRow {
    let ready = files_missing == 0;
    let detail = if ready {
        format!("{form_id} · {version}")
    } else {
        format_count(TextKey::FormsFilesMissing, files_missing.into(), language)
    };
    FormRow {
        row: ListRow {
            id: form_id.to_owned(),
            title: title.to_owned(),
            detail,
        },
        ready,
    }
}

/// The text of `key` with its `{count}` filled.
pub(crate) fn format_count(key: TextKey, n: u64, language: UiLanguage) -> String {
    let n = n.to_string();
    fill(text(key, language), |name| {
        (name == "count").then_some(n.as_str())
    })
}
