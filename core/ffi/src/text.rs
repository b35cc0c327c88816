//! The words of the apps, from the core's catalogue ([`branchbook_core::i18n`]), and the
//! closed lists' names, exported as free functions. Each one only hands over to the
//! catalogue, where they are documented and tested.

use std::collections::HashMap;

use branchbook_core::domain::{self, AgeGroup, EthnicGroup, GatheringKind, Sex};
use chrono::Utc;

use branchbook_core::engine::{self, CalendarDate, PickerFields, Question};
use branchbook_core::ffi_time::UtcDateTime;
use branchbook_core::i18n::{self, TextKey, UiLanguage};
use branchbook_core::i18n::{GatheringHeading, GeoLineView, ListRow, RankView, TotalsLines};
use branchbook_core::protocol::{Attendee, HouseholdMember, RosterMember};
use branchbook_core::store::{Gathering, HouseholdSummary, RecordKind, RecordState, Totals};

/// The text of `key` in `language`, placeholders left as written (`{count}`).
#[uniffi::export]
pub fn ui_text(key: TextKey, language: UiLanguage) -> String {
    i18n::ui_text(key, language)
}

/// The text of `key` in `language` with its placeholders filled from `args`.
#[uniffi::export]
pub fn ui_format(key: TextKey, language: UiLanguage, args: HashMap<String, String>) -> String {
    i18n::ui_format(key, language, args)
}

/// Every text in `language`, keyed by the keys' dotted ids ("home.drafts").
#[uniffi::export]
pub fn ui_texts(language: UiLanguage) -> HashMap<String, String> {
    i18n::ui_texts(language)
}

/// The dotted id of `key` ("home.drafts").
#[uniffi::export]
pub fn text_key_id(key: TextKey) -> String {
    i18n::text_key_id(key)
}

/// The names of the placeholders `key` takes, in order of first use.
#[uniffi::export]
pub fn text_placeholders(key: TextKey) -> Vec<String> {
    i18n::text_placeholders(key)
}

/// The app language for a system locale ("vi-VN", "en_US").
#[uniffi::export]
pub fn ui_language_for_locale(locale: String) -> UiLanguage {
    i18n::ui_language_for_locale(locale)
}

/// The name of a sex ("Nữ", "Female").
#[uniffi::export]
pub fn sex_name(sex: Sex, language: UiLanguage) -> String {
    i18n::sex_name(sex, language)
}

/// The name of an age group; `None` for an unknown age.
#[uniffi::export]
pub fn age_group_name(age_group: Option<AgeGroup>, language: UiLanguage) -> String {
    i18n::age_group_name(age_group, language)
}

/// The name of a kind of gathering ("Đối thoại chính sách").
#[uniffi::export]
pub fn gathering_kind_name(kind: GatheringKind, language: UiLanguage) -> String {
    i18n::gathering_kind_name(kind, language)
}

/// The name of a record's state ("Chờ gửi" for finalized).
#[uniffi::export]
pub fn record_state_name(state: RecordState, language: UiLanguage) -> String {
    i18n::record_state_name(state, language)
}

/// The name of a kind of record ("Phiếu khảo sát" for a survey).
#[uniffi::export]
pub fn record_kind_name(kind: RecordKind, language: UiLanguage) -> String {
    i18n::record_kind_name(kind, language)
}

/// An instant as Vietnam's clock shows it (UTC+7).
#[uniffi::export]
pub fn format_instant(at: UtcDateTime, language: UiLanguage) -> String {
    i18n::format_instant(at, language)
}

/// A calendar date: "05/06/2025" in Vietnamese, "5 Jun 2025" in English.
#[uniffi::export]
pub fn format_date(date: CalendarDate, language: UiLanguage) -> String {
    i18n::format_date(date, language)
}

/// A size for people: "12 KB", "3,4 MB" (Vietnamese decimal comma), "3.4 MB".
#[uniffi::export]
pub fn format_bytes(bytes: u64, language: UiLanguage) -> String {
    i18n::format_bytes(bytes, language)
}

/// Vietnam's 54 ethnic groups in GSO code order, for the apps' pickers.
#[uniffi::export]
pub fn ethnic_groups() -> Vec<EthnicGroup> {
    domain::ethnic_groups()
}

/// The current answer of `question` as she reads it: in a text or number box (it reads
/// back as typed, "1,5" in Vietnamese), under a read-only question, in a list. Choices by
/// their labels joined by ", ", a position with its accuracy, dates on Vietnam's clock;
/// "" without an answer or for a photo.
#[uniffi::export]
pub fn answer_text(question: Question, language: UiLanguage) -> String {
    i18n::answer_text(&question, language)
}

/// How rank question `question` reads in `language`: its items numbered in her order
/// with the moves each offers, and while she has not ranked it, the line saying so and
/// the button that keeps the order shown. Moves go to [`SurveySession::move_rank_item`].
///
/// [`SurveySession::move_rank_item`]: crate::session::SurveySession::move_rank_item
#[uniffi::export]
pub fn rank_view(question: Question, language: UiLanguage) -> RankView {
    i18n::rank_view(&question, language)
}

/// How line or shape question `question` (`geotrace`, `geoshape`) reads in `language`:
/// what to do, her points and their length or area, and which buttons are offered. The
/// add button asks the phone for a fix and hands it to
/// [`SurveySession::add_line_point`]; the others go to
/// [`SurveySession::remove_last_line_point`] and [`SurveySession::clear_answer`].
///
/// [`SurveySession::add_line_point`]: crate::session::SurveySession::add_line_point
/// [`SurveySession::remove_last_line_point`]: crate::session::SurveySession::remove_last_line_point
/// [`SurveySession::clear_answer`]: crate::session::SurveySession::clear_answer
#[uniffi::export]
pub fn geo_line_view(question: Question, language: UiLanguage) -> GeoLineView {
    i18n::geo_line_view(&question, language)
}

/// What the date, time or date-and-time picker of `question` starts on, on Vietnam's
/// clock: its answer, else now. What she picks goes back to [`SurveySession::pick`].
#[uniffi::export]
pub fn picker_start(question: Question) -> PickerFields {
    engine::picker_start(&question, Utc::now())
}

/// "Lần gửi gần nhất: 12/06/2025 08:30" on Vietnam's clock; `None` before the first send.
#[uniffi::export]
pub fn last_sent_text(at: Option<UtcDateTime>, language: UiLanguage) -> Option<String> {
    i18n::last_sent(at, language)
}

/// Every sex in the order pickers offer them.
#[uniffi::export]
pub fn sexes() -> Vec<Sex> {
    domain::sexes()
}

/// Every age group, youngest first.
#[uniffi::export]
pub fn age_groups() -> Vec<AgeGroup> {
    domain::age_groups()
}

/// Every kind of gathering in the order pickers offer them.
#[uniffi::export]
pub fn gathering_kinds() -> Vec<GatheringKind> {
    domain::gathering_kinds()
}

/// A gathering's head counts as its screen shows them: the total, women and men (and
/// sex not recorded when there are some), by ethnic group, by age group.
#[uniffi::export]
pub fn totals_lines(totals: Totals, language: UiLanguage) -> TotalsLines {
    i18n::totals_lines(&totals, language)
}

/// A household member as the household screen lists her.
#[uniffi::export]
pub fn member_row(member: HouseholdMember, language: UiLanguage) -> ListRow {
    i18n::member_row(&member, language)
}

/// Someone on a gathering's attendee list.
#[uniffi::export]
pub fn attendee_row(attendee: Attendee, language: UiLanguage) -> ListRow {
    i18n::attendee_row(&attendee, language)
}

/// A roster member the check-in search found.
#[uniffi::export]
pub fn roster_row(member: RosterMember) -> ListRow {
    i18n::roster_row(&member)
}

/// A household in the households list.
#[uniffi::export]
pub fn household_row(household: HouseholdSummary, language: UiLanguage) -> ListRow {
    i18n::household_row(&household, language)
}

/// The top of a gathering's screen: topic, details, open or closed.
#[uniffi::export]
pub fn gathering_heading(gathering: Gathering, language: UiLanguage) -> GatheringHeading {
    i18n::gathering_heading(&gathering, language)
}

/// A gathering in the gatherings list.
#[uniffi::export]
pub fn gathering_list_row(gathering: Gathering, language: UiLanguage) -> ListRow {
    i18n::gathering_list_row(&gathering, language)
}
