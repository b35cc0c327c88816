//! The UI text catalogue both apps share: every word of their screens in Vietnamese and
//! English ([`catalogue`]), the names of the domain's closed lists (sex, age groups,
//! kinds of gathering, record states), placeholders filled in the core, and dates,
//! times and sizes written the way each language writes them, in Vietnam's time zone.
//! The apps never keep their own copies of these words, so Android and iOS say the same.

mod answers;
mod catalogue;
mod geo_line;
mod people;
mod rank;
mod screens;

use std::collections::HashMap;

use chrono::{Datelike, FixedOffset, Offset, Timelike, Utc};

use crate::domain::{AgeGroup, GatheringKind, Sex};
use crate::engine::{CalendarDate, VIETNAM_UTC_OFFSET_MINUTES};
use crate::ffi_time::UtcDateTime;
use crate::store::{RecordKind, RecordState};

pub use answers::{answer_text, format_number};
pub use catalogue::TextKey;
pub use geo_line::{GeoLineView, geo_line_view, line_answer_text};
pub use people::{
    GatheringHeading, TotalsLines, attendee_row, ethnicity_name, gathering_heading,
    gathering_list_row, household_row, member_row, roster_row, totals_lines,
};
pub use rank::{RankItem, RankView, rank_view};
pub(crate) use screens::format_count;
pub use screens::{
    FormRow, HomeFacts, HomeScreen, ListRow, RefusedRow, ReturnedRow, SendFacts, SendScreen,
    VisitRow, form_row, gathering_row, home_screen, last_sent, returned_row, send_screen,
    visit_row,
};

/// The languages of the apps' own words (forms bring their own languages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum UiLanguage {
    /// Vietnamese, the default.
    Vi,
    /// English.
    En,
}

/// The text of `key` in `language`, with its `{placeholders}` as written.
pub(crate) fn text(key: TextKey, language: UiLanguage) -> &'static str {
    let (vi, en) = key.texts();
    match language {
        UiLanguage::Vi => vi,
        UiLanguage::En => en,
    }
}

/// The text of `key` in `language`, placeholders left as written (`{count}`): for
/// texts without placeholders, or to show a template.
pub fn ui_text(key: TextKey, language: UiLanguage) -> String {
    text(key, language).to_owned()
}

/// The text of `key` in `language` with its placeholders filled from `args`
/// (`{"count": "3"}`); a placeholder without a value stays as written.
pub fn ui_format(key: TextKey, language: UiLanguage, args: HashMap<String, String>) -> String {
    fill(text(key, language), |name| {
        args.get(name).map(String::as_str)
    })
}

/// Every text in `language`, keyed by the keys' dotted ids ("home.drafts"), for an app
/// that prefers a dictionary (placeholders as written).
pub fn ui_texts(language: UiLanguage) -> HashMap<String, String> {
    TextKey::ALL
        .iter()
        .map(|k| (k.id().to_owned(), text(*k, language).to_owned()))
        .collect()
}

/// The dotted id of `key` ("home.drafts").
pub fn text_key_id(key: TextKey) -> String {
    key.id().to_owned()
}

/// The names of the placeholders `key` takes, in order of first use (the same in every
/// language).
pub fn text_placeholders(key: TextKey) -> Vec<String> {
    placeholders(text(key, UiLanguage::Vi))
}

/// The app language for a system locale ("vi-VN", "en_US"): English for English
/// locales, Vietnamese for every other (the users read Vietnamese).
pub fn ui_language_for_locale(locale: String) -> UiLanguage {
    let lang = locale
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if lang == "en" {
        UiLanguage::En
    } else {
        UiLanguage::Vi
    }
}

/// The name of a sex ("Nữ", "Female").
pub fn sex_name(sex: Sex, language: UiLanguage) -> String {
    let key = match sex {
        Sex::Female => TextKey::SexFemale,
        Sex::Male => TextKey::SexMale,
        Sex::Unknown => TextKey::SexUnknown,
    };
    ui_text(key, language)
}

/// The name of an age group ("Dưới 16 tuổi"); `None` for an unknown age.
pub fn age_group_name(age_group: Option<AgeGroup>, language: UiLanguage) -> String {
    let key = match age_group {
        Some(AgeGroup::Child) => TextKey::AgeChild,
        Some(AgeGroup::Youth) => TextKey::AgeYouth,
        Some(AgeGroup::Adult) => TextKey::AgeAdult,
        Some(AgeGroup::Elder) => TextKey::AgeElder,
        None => TextKey::AgeUnknown,
    };
    ui_text(key, language)
}

/// The name of a kind of gathering ("Đối thoại chính sách").
pub fn gathering_kind_name(kind: GatheringKind, language: UiLanguage) -> String {
    let key = match kind {
        GatheringKind::PolicyDialogue => TextKey::KindPolicyDialogue,
        GatheringKind::CommunicationSession => TextKey::KindCommunicationSession,
        GatheringKind::Training => TextKey::KindTraining,
        GatheringKind::ClubMeeting => TextKey::KindClubMeeting,
        GatheringKind::Other => TextKey::KindOther,
    };
    ui_text(key, language)
}

/// The name of a record's state ("Chờ gửi" for finalized).
pub fn record_state_name(state: RecordState, language: UiLanguage) -> String {
    let key = match state {
        RecordState::Draft => TextKey::StateDraft,
        RecordState::Finalized => TextKey::StateFinalized,
        RecordState::Sent => TextKey::StateSent,
    };
    ui_text(key, language)
}

/// The name of a kind of record ("Phiếu khảo sát" for a survey), as the send screen
/// names what the server refused.
pub fn record_kind_name(kind: RecordKind, language: UiLanguage) -> String {
    let key = match kind {
        RecordKind::Submission => TextKey::RecordSubmission,
        RecordKind::Household => TextKey::RecordHousehold,
        RecordKind::Gathering => TextKey::RecordGathering,
        RecordKind::Audit => TextKey::RecordAudit,
        RecordKind::Form => TextKey::RecordForm,
        RecordKind::Member => TextKey::RecordMember,
        RecordKind::Attendee => TextKey::RecordAttendee,
        RecordKind::Photo => TextKey::RecordPhoto,
        RecordKind::Queued => TextKey::RecordQueued,
    };
    ui_text(key, language)
}

/// An instant as Vietnam's clock shows it (UTC+7): "12/06/2025 09:05" in Vietnamese,
/// "12 Jun 2025 09:05" in English.
pub fn format_instant(at: UtcDateTime, language: UiLanguage) -> String {
    let local = vietnam_clock(at);
    format!(
        "{} {:02}:{:02}",
        format_day(at, language),
        local.hour(),
        local.minute()
    )
}

/// The day of an instant on Vietnam's clock (UTC+7): "12/06/2025" in Vietnamese,
/// "12 Jun 2025" in English.
pub fn format_day(at: UtcDateTime, language: UiLanguage) -> String {
    let local = vietnam_clock(at);
    let date = CalendarDate {
        year: local.year(),
        month: local.month() as u8,
        day: local.day() as u8,
    };
    format_date(date, language)
}

fn vietnam_clock(at: UtcDateTime) -> chrono::DateTime<FixedOffset> {
    let zone = FixedOffset::east_opt(VIETNAM_UTC_OFFSET_MINUTES * 60).unwrap_or(Utc.fix());
    at.with_timezone(&zone)
}

/// A calendar date: "05/06/2025" in Vietnamese, "5 Jun 2025" in English.
pub fn format_date(date: CalendarDate, language: UiLanguage) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    match language {
        UiLanguage::Vi => format!("{:02}/{:02}/{}", date.day, date.month, date.year),
        UiLanguage::En => {
            let month = MONTHS
                .get(usize::from(date.month).wrapping_sub(1))
                .copied()
                .unwrap_or("?");
            format!("{} {month} {}", date.day, date.year)
        }
    }
}

/// A size for people: "850 B", "12 KB", "3,4 MB" (Vietnamese decimal comma), "3.4 MB".
pub fn format_bytes(bytes: u64, language: UiLanguage) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64;
    let mut unit = "B";
    for next in UNITS {
        if value < 1024.0 {
            break;
        }
        value /= 1024.0;
        unit = next;
    }
    let number = if value < 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.0}")
    };
    let number = match language {
        UiLanguage::Vi => number.replace('.', ","),
        UiLanguage::En => number,
    };
    format!("{number} {unit}")
}

/// `template` with each `{name}` replaced by `value(name)` when it gives one.
pub(crate) fn fill<'a>(template: &str, mut value: impl FnMut(&str) -> Option<&'a str>) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let (before, from_brace) = rest.split_at(open);
        out.push_str(before);
        let name_and_more = from_brace.get(1..).unwrap_or_default();
        match name_and_more.find('}') {
            Some(close) => {
                let name = name_and_more.get(..close).unwrap_or_default();
                match value(name) {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = name_and_more.get(close + 1..).unwrap_or_default();
            }
            None => {
                out.push_str(from_brace);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// The placeholder names of a template, in order of first use.
fn placeholders(template: &str) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    fill(template, |name| {
        if !names.iter().any(|n| n == name) {
            names.push(name.to_owned());
        }
        None
    });
    names
}

#[cfg(test)]
mod tests;
