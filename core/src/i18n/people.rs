//! How people and head counts read on the household and gathering screens, written once
//! for both apps: a household member's, an attendee's and a roster member's line, a
//! household's and a gathering's row in their lists, and a gathering's totals. The
//! apps draw these rows; they never join names, years and groups themselves.

use crate::domain::{self, Sex};
use crate::protocol::{Attendee, HouseholdMember, RosterMember};
use crate::store::{Gathering, HouseholdSummary, RecordState, Totals};

use super::screens::format_count;
use super::{
    ListRow, TextKey, UiLanguage, age_group_name, fill, format_instant, gathering_kind_name,
    sex_name, text,
};

/// The top of a gathering's screen: what, where, when, who, and whether it is still open.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GatheringHeading {
    /// Its topic.
    pub title: String,
    /// Kind, village, start on Vietnam's clock, facilitator (when named), one a line.
    pub details: Vec<String>,
    /// Still open: attendance and details can change.
    pub is_open: bool,
    /// "Đang diễn ra" or "Đã kết thúc".
    pub status: String,
}

/// A gathering's heading in `language`.
pub fn gathering_heading(gathering: &Gathering, language: UiLanguage) -> GatheringHeading {
    let d = &gathering.details;
    let open = gathering.state == RecordState::Draft;
    GatheringHeading {
        title: d.topic.clone(),
        details: [
            gathering_kind_name(d.kind, language),
            d.village.clone(),
            format_instant(d.starts_at, language),
            d.facilitator.clone(),
        ]
        .into_iter()
        .filter(|line| !line.trim().is_empty())
        .collect(),
        is_open: open,
        status: text(
            if open {
                TextKey::GatheringOpen
            } else {
                TextKey::GatheringClosed
            },
            language,
        )
        .to_owned(),
    }
}

/// The head counts of a gathering as its screen shows them, in the app language.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct TotalsLines {
    /// "Tổng số: 12 người".
    pub total: String,
    /// Women and men always, "sex not recorded" only when there are some.
    pub by_sex: Vec<String>,
    /// "Mông: 7", largest first; "Chưa ghi: 1" for attendees without one.
    pub by_ethnicity: Vec<String>,
    /// "Từ 16 đến 30 tuổi: 4", youngest first, only the groups with someone in them.
    pub by_age_group: Vec<String>,
}

/// A gathering's head counts as lines.
pub fn totals_lines(totals: &Totals, language: UiLanguage) -> TotalsLines {
    let of_sex = |sex: Sex| {
        totals
            .by_sex
            .iter()
            .filter(|c| c.sex == sex)
            .map(|c| c.count)
            .sum::<u32>()
    };
    let unknown = of_sex(Sex::Unknown);
    let mut by_sex = vec![
        count(TextKey::GatheringWomen, of_sex(Sex::Female), language),
        count(TextKey::GatheringMen, of_sex(Sex::Male), language),
    ];
    if unknown > 0 {
        by_sex.push(count(TextKey::GatheringSexUnknown, unknown, language));
    }
    TotalsLines {
        total: count(TextKey::GatheringTotalPeople, totals.total, language),
        by_sex,
        by_ethnicity: totals
            .by_ethnicity
            .iter()
            .map(|c| {
                let name = c.ethnicity.as_deref().map_or_else(
                    || text(TextKey::CommonNotRecorded, language).to_owned(),
                    ethnicity_name,
                );
                named_count(&name, c.count, language)
            })
            .collect(),
        by_age_group: totals
            .by_age_group
            .iter()
            .filter(|c| c.count > 0)
            .map(|c| named_count(&age_group_name(c.age_group, language), c.count, language))
            .collect(),
    }
}

/// A household member on the household screen: her name; sex · birth year · ethnic
/// group · relation (what is known of it).
pub fn member_row(member: &HouseholdMember, language: UiLanguage) -> ListRow {
    ListRow {
        id: member.id.to_string(),
        title: member.name.clone(),
        detail: joined([
            Some(sex_name(member.sex, language)),
            member.birth_year.map(|y| y.to_string()),
            member.ethnicity.as_deref().map(ethnicity_name),
            Some(member.relation.clone()),
        ]),
    }
}

/// Someone on a gathering's attendee list: her name; sex · birth year (else age group)
/// · ethnic group.
pub fn attendee_row(attendee: &Attendee, language: UiLanguage) -> ListRow {
    ListRow {
        id: attendee.id.to_string(),
        title: attendee.name.clone(),
        detail: joined([
            Some(sex_name(attendee.sex, language)),
            Some(attendee.birth_year.map_or_else(
                || age_group_name(attendee.age_group, language),
                |y| y.to_string(),
            )),
            attendee.ethnicity.as_deref().map(ethnicity_name),
        ]),
    }
}

/// A roster member the check-in search found: her full name; village · birth year ·
/// ethnic group.
pub fn roster_row(member: &RosterMember) -> ListRow {
    ListRow {
        id: member.id.to_string(),
        title: member.full_name.clone(),
        detail: joined([
            Some(member.village.clone()),
            member.birth_year.map(|y| y.to_string()),
            member.ethnicity.as_deref().map(ethnicity_name),
        ]),
    }
}

/// A household in the list: its head; its village, and "archived" when it is.
pub fn household_row(household: &HouseholdSummary, language: UiLanguage) -> ListRow {
    ListRow {
        id: household.uuid.to_string(),
        title: household.head_name.clone(),
        detail: joined([
            Some(household.village.clone()),
            household
                .archived
                .then(|| text(TextKey::HouseholdArchived, language).to_owned()),
        ]),
    }
}

/// A gathering in the gatherings list: its topic; kind · village · start on Vietnam's
/// clock · how many attended.
pub fn gathering_list_row(gathering: &Gathering, language: UiLanguage) -> ListRow {
    let details = &gathering.details;
    ListRow {
        id: gathering.uuid.to_string(),
        title: details.topic.clone(),
        detail: joined([
            Some(gathering_kind_name(details.kind, language)),
            Some(details.village.clone()),
            Some(format_instant(details.starts_at, language)),
            Some(count(
                TextKey::GatheringAttendees,
                gathering.attendee_count,
                language,
            )),
        ]),
    }
}

/// The Vietnamese name of ethnic group `key`; the key itself when it is not one of the
/// 54 (a value typed on another device).
pub fn ethnicity_name(key: &str) -> String {
    domain::ethnicity(key).map_or_else(|| key.to_owned(), |e| e.name_vi.to_owned())
}

/// The known parts, blank ones left out, joined with " · ".
fn joined<const N: usize>(parts: [Option<String>; N]) -> String {
    parts
        .into_iter()
        .flatten()
        .filter(|p| !p.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" · ")
}

fn count(key: TextKey, n: u32, language: UiLanguage) -> String {
    format_count(key, u64::from(n), language)
}

fn named_count(name: &str, n: u32, language: UiLanguage) -> String {
    let n = n.to_string();
    fill(
        text(TextKey::GatheringEthnicityCount, language),
        |p| match p {
            "ethnicity" => Some(name),
            "count" => Some(n.as_str()),
            _ => None,
        },
    )
}
