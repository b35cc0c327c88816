//! What the lists and the home screen show, written once for both apps: a list row's
//! title and detail line, the home screen's heading, counts and attention line. The
//! facade reads the facts from the store and hands them here; the apps draw the result.

use std::collections::HashMap;

use crate::ffi_time::UtcDateTime;
use crate::protocol::ReviewState;
use crate::store::{Gathering, RecordState, ReturnedSubmission, SubmissionInfo};

use super::{TextKey, UiLanguage, fill, format_instant, record_state_name, text};

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

/// A survey as lists show it: its name from the form's `instance_name`, else the form's
/// title (`form_title`), else the form's id; its state and its last change (a draft) or
/// when it was finalized, on Vietnam's clock.
pub fn survey_row(
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

fn format_count(key: TextKey, n: u64, language: UiLanguage) -> String {
    let n = n.to_string();
    fill(text(key, language), |name| {
        (name == "count").then_some(n.as_str())
    })
}
