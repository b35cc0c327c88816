//! The registers the phones keep, as officers read them: gatherings (paged list by kind,
//! dates and area; one gathering with its attendees by name, sex, age group and
//! ethnicity names, walk-ins marked, its photos and totals) and households (paged list
//! by area; one household with its members and every survey that visited it). Lists go
//! through the JSON API's filters and records through the store's scoped queries, so an
//! officer reaches nothing outside her area.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use branchbook_core::domain::{Sex, gathering_kinds};
use branchbook_core::i18n::{age_group_name, gathering_kind_name, sex_name};
use branchbook_core::protocol::{GatheringBody, HouseholdBody, Record, RecordBody};
use serde::Deserialize;
use uuid::Uuid;

use super::session::Staff;
use super::shell::{Shell, error_page, render};
use super::submissions::{Choice, FormTitles, area_label};
use super::texts::Lang;
use crate::api::review::ListQuery;
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::export::Names;
use crate::export::registers::{age_group, ethnicity_or_blank};
use crate::model::{Area, RecordKind, RecordSummary, StoredRecord, stored_name};

/// Rows per page of a register's list.
const PAGE_ROWS: u32 = 50;

/// A register list's filters as its form sends them.
#[derive(Debug, Default, Deserialize)]
pub struct RegisterFilters {
    #[serde(default)]
    area: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
    after: Option<i64>,
}

impl RegisterFilters {
    fn list_query(&self) -> Result<ListQuery, ApiError> {
        let area = match self.area.trim() {
            "" => None,
            text => Some(
                Uuid::parse_str(text)
                    .map_err(|_| ApiError::BadRequest("the area is not an id".into()))?,
            ),
        };
        let gathering_kind = match self.kind.trim() {
            "" => None,
            name => Some(
                crate::model::from_stored_name(name)
                    .ok_or_else(|| ApiError::BadRequest("unknown kind of gathering".into()))?,
            ),
        };
        let date = |text: &str| (!text.trim().is_empty()).then(|| text.trim().to_owned());
        Ok(ListQuery {
            area,
            from: date(&self.from),
            to: date(&self.to),
            gathering_kind,
            after: self.after,
            limit: Some(PAGE_ROWS),
            ..ListQuery::default()
        })
    }

    fn query(&self) -> String {
        serde_urlencoded::to_string([
            ("area", self.area.as_str()),
            ("kind", self.kind.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ])
        .unwrap_or_default()
    }
}

/// One line of a register's list.
pub struct RegisterRow {
    /// The record's id (its page's address).
    pub uuid: Uuid,
    /// The register's own columns (kind, topic, village... or village, head, members).
    pub cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/register_list.html")]
struct ListPage {
    shell: Shell,
    action: &'static str,
    areas: Vec<Choice>,
    kinds: Vec<Choice>,
    from: String,
    to: String,
    columns: Vec<&'static str>,
    rows: Vec<RegisterRow>,
    next: Option<String>,
    download: String,
}

/// A page of one kind of record with their bodies and the names beside them.
struct Listed {
    records: Vec<StoredRecord>,
    names: Names,
    areas: Vec<Area>,
    next: Option<String>,
}

async fn list(
    state: &AppState,
    staff: &Staff,
    filters: &RegisterFilters,
    kind: RecordKind,
) -> Result<Listed, ApiError> {
    let filter = filters
        .list_query()?
        .filter(state, &staff.officer, kind)
        .await?;
    let scope = staff.officer.scope().clone();
    let limit = filter.limit as usize;
    let (records, names, areas) = with_store(state, move |s| {
        Ok((
            s.list_records_with_body(&filter)?,
            Names::load(s, &scope)?,
            s.areas(&scope)?,
        ))
    })
    .await?;
    let next = (records.len() == limit)
        .then(|| {
            records
                .last()
                .map(|r| format!("{}&after={}", filters.query(), r.summary.seq))
        })
        .flatten();
    Ok(Listed {
        records,
        names,
        areas,
        next,
    })
}

fn parsed(record: &StoredRecord) -> Option<Record> {
    Record::deserialize(&record.body).ok()
}

fn area_choices(lang: Lang, areas: &[Area], chosen: &str) -> Vec<Choice> {
    let t = lang.texts();
    areas
        .iter()
        .map(|a| Choice {
            value: a.id.to_string(),
            label: area_label(t, a),
            selected: a.id.to_string() == chosen,
        })
        .collect()
}

/// `GET /gatherings`: gatherings by kind, dates and area, paged.
pub async fn gatherings_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(filters): Query<RegisterFilters>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let listed = match list(&state, &staff, &filters, RecordKind::Gathering).await {
        Ok(listed) => listed,
        Err(e) => return error_page(lang, &e),
    };
    let rows = listed
        .records
        .iter()
        .filter_map(|r| {
            let RecordBody::Gathering(g) = parsed(r)?.body else {
                return None;
            };
            let s = &r.summary;
            Some(RegisterRow {
                uuid: s.uuid,
                cells: vec![
                    lang.time(g.starts_at),
                    gathering_kind_name(g.kind, lang.ui()),
                    g.topic.clone(),
                    listed.names.area(s.branch_id).to_owned(),
                    g.village.clone(),
                    g.attendees.len().to_string(),
                    g.photos.len().to_string(),
                ],
            })
        })
        .collect();
    let page = ListPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "gatherings",
            t.gatherings_title,
            "/gatherings",
        ),
        action: "/gatherings",
        areas: area_choices(lang, &listed.areas, &filters.area),
        kinds: gathering_kinds()
            .into_iter()
            .map(|k| {
                let value = stored_name(&k);
                Choice {
                    selected: value == filters.kind,
                    label: gathering_kind_name(k, lang.ui()),
                    value,
                }
            })
            .collect(),
        from: filters.from.clone(),
        to: filters.to.clone(),
        columns: vec![
            t.gatherings_when,
            t.gatherings_kind,
            t.gatherings_topic,
            t.submissions_branch,
            t.gatherings_village,
            t.gatherings_attendees,
            t.submissions_photos,
        ],
        rows,
        next: listed.next.map(|q| format!("/gatherings?{q}")),
        download: format!("/exports/gatherings.csv?{}", filters.query()),
    };
    render(&page)
}

/// `GET /households`: the registry by area, paged.
pub async fn households_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(filters): Query<RegisterFilters>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let listed = match list(&state, &staff, &filters, RecordKind::Household).await {
        Ok(listed) => listed,
        Err(e) => return error_page(lang, &e),
    };
    let rows = listed
        .records
        .iter()
        .filter_map(|r| {
            let RecordBody::Household(h) = parsed(r)?.body else {
                return None;
            };
            let s = &r.summary;
            Some(RegisterRow {
                uuid: s.uuid,
                cells: vec![
                    h.head_name.clone(),
                    h.village.clone(),
                    h.address.clone(),
                    listed.names.area(s.branch_id).to_owned(),
                    h.members.len().to_string(),
                    lang.time(s.received_at),
                ],
            })
        })
        .collect();
    let page = ListPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "households",
            t.households_title,
            "/households",
        ),
        action: "/households",
        areas: area_choices(lang, &listed.areas, &filters.area),
        kinds: Vec::new(),
        from: filters.from.clone(),
        to: filters.to.clone(),
        columns: vec![
            t.households_head,
            t.gatherings_village,
            t.households_address,
            t.submissions_branch,
            t.households_members,
            t.submissions_received,
        ],
        rows,
        next: listed.next.map(|q| format!("/households?{q}")),
        download: format!("/exports/households.csv?{}", filters.query()),
    };
    render(&page)
}

/// An attendee or a household member as the pages show her.
pub struct PersonLine {
    /// Name.
    pub name: String,
    /// Sex, by name.
    pub sex: String,
    /// Age group (attendees) or birth year (members).
    pub age: String,
    /// Ethnicity, by name.
    pub ethnicity: String,
    /// Walk-in (attendees) or relation to the head (members).
    pub note: String,
    /// True for a walk-in.
    pub walk_in: bool,
}

#[derive(Template)]
#[template(path = "console/gathering.html")]
struct GatheringPage {
    shell: Shell,
    facts: Vec<(&'static str, String)>,
    people: Vec<PersonLine>,
    totals: Vec<(String, usize)>,
    photos: Vec<String>,
}

#[derive(Template)]
#[template(path = "console/household.html")]
struct HouseholdPage {
    shell: Shell,
    facts: Vec<(&'static str, String)>,
    people: Vec<PersonLine>,
    visits: Vec<VisitLine>,
}

/// A survey that visited a household, as its page lists it.
struct VisitLine {
    uuid: Uuid,
    /// Its name, as the submissions table names it.
    name: String,
    /// When it happened, in the officer's zone.
    at: String,
    form: String,
    state: &'static str,
}

/// The surveys that visited a household, with the titles that name them.
type Visits = (Vec<RecordSummary>, FormTitles);

/// The latest revision of record `uuid` inside the officer's scope, with its body read
/// and the names beside it; not found when it is outside or of another kind.
async fn one(
    state: &AppState,
    staff: &Staff,
    uuid: Uuid,
    kind: RecordKind,
) -> Result<(StoredRecord, Record, Names, Visits), ApiError> {
    let scope = staff.officer.scope().clone();
    let found = with_store(state, move |s| {
        let Some(record) = s.record_revisions(uuid, &scope)?.pop() else {
            return Ok(None);
        };
        let visits = if kind == RecordKind::Household {
            let visits = s.household_visits(uuid, &scope)?;
            let titles = (!visits.is_empty())
                .then(|| s.forms(false))
                .transpose()?
                .unwrap_or_default();
            (visits, FormTitles::new(&titles))
        } else {
            (Vec::new(), FormTitles::new(&[]))
        };
        Ok(Some((record, Names::load(s, &scope)?, visits)))
    })
    .await?;
    let Some((record, names, visits)) = found else {
        return Err(ApiError::NotFound("no such record in your scope".into()));
    };
    if record.summary.kind != kind {
        return Err(ApiError::NotFound("not this kind of record".into()));
    }
    let body = parsed(&record)
        .ok_or_else(|| ApiError::Internal("a stored record could not be read".into()))?;
    Ok((record, body, names, visits))
}

fn gathering_view(
    lang: Lang,
    staff: &Staff,
    record: &StoredRecord,
    g: &GatheringBody,
    names: &Names,
) -> GatheringPage {
    let t = lang.texts();
    let ui = lang.ui();
    let s = &record.summary;
    let people: Vec<PersonLine> = g
        .attendees
        .iter()
        .map(|a| PersonLine {
            name: a.name.clone(),
            sex: sex_name(a.sex, ui),
            age: age_group_name(age_group(a, g.starts_at), ui),
            ethnicity: ethnicity_or_blank(a.ethnicity.as_deref()),
            note: if a.member_id.is_none() {
                t.gatherings_walk_in.to_owned()
            } else {
                t.gatherings_member.to_owned()
            },
            walk_in: a.member_id.is_none(),
        })
        .collect();
    let walk_ins = people.iter().filter(|p| p.walk_in).count();
    let mut totals = vec![(t.gatherings_attendees.to_owned(), people.len())];
    for sex in [Sex::Female, Sex::Male, Sex::Unknown] {
        let n = g.attendees.iter().filter(|a| a.sex == sex).count();
        if n > 0 {
            totals.push((sex_name(sex, ui), n));
        }
    }
    totals.push((t.gatherings_member.to_owned(), people.len() - walk_ins));
    totals.push((t.gatherings_walk_in.to_owned(), walk_ins));
    let title = format!("{} — {}", gathering_kind_name(g.kind, ui), g.topic);
    GatheringPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "gatherings",
            &title,
            &format!("/gatherings/{}", s.uuid),
        ),
        facts: vec![
            (t.gatherings_kind, gathering_kind_name(g.kind, ui)),
            (t.gatherings_topic, g.topic.clone()),
            (t.gatherings_when, lang.time(g.starts_at)),
            (t.gatherings_closed, lang.time(g.closed_at)),
            (t.gatherings_village, g.village.clone()),
            (t.submissions_branch, names.area(s.branch_id).to_owned()),
            (
                t.submissions_commune,
                names.commune_of(s.branch_id).to_owned(),
            ),
            (t.gatherings_facilitator, g.facilitator.clone()),
            (t.submissions_sender, names.sender(s).to_owned()),
            (
                t.submissions_state,
                t.review_state(s.review_state).to_owned(),
            ),
        ],
        people,
        totals,
        photos: g.photos.iter().map(|p| p.sha256.clone()).collect(),
    }
}

fn household_view(
    lang: Lang,
    staff: &Staff,
    record: &StoredRecord,
    h: &HouseholdBody,
    names: &Names,
    (visits, titles): &Visits,
) -> HouseholdPage {
    let t = lang.texts();
    let s = &record.summary;
    HouseholdPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "households",
            &h.head_name,
            &format!("/households/{}", s.uuid),
        ),
        facts: vec![
            (t.households_head, h.head_name.clone()),
            (t.gatherings_village, h.village.clone()),
            (t.households_address, h.address.clone()),
            (t.submissions_branch, names.area(s.branch_id).to_owned()),
            (
                t.submissions_commune,
                names.commune_of(s.branch_id).to_owned(),
            ),
            (t.submissions_sender, names.sender(s).to_owned()),
            (t.submissions_received, lang.time(s.received_at)),
            (t.households_notes, h.notes.clone()),
        ],
        people: h
            .members
            .iter()
            .map(|m| PersonLine {
                name: m.name.clone(),
                sex: sex_name(m.sex, lang.ui()),
                age: m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                ethnicity: ethnicity_or_blank(m.ethnicity.as_deref()),
                note: m.relation.clone(),
                walk_in: false,
            })
            .collect(),
        visits: visits
            .iter()
            .map(|v| VisitLine {
                uuid: v.uuid,
                name: titles.name(v, lang),
                at: lang.time(v.event_at),
                form: v.form_id.clone().unwrap_or_default(),
                state: t.review_state(v.review_state),
            })
            .collect(),
    }
}

/// `GET /gatherings/{uuid}`: one gathering with its attendees, totals and photos.
pub async fn gathering_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(uuid): Path<Uuid>,
) -> Response {
    let lang = staff.visitor.lang;
    match one(&state, &staff, uuid, RecordKind::Gathering).await {
        Ok((record, body, names, _)) => match &body.body {
            RecordBody::Gathering(g) => render(&gathering_view(lang, &staff, &record, g, &names)),
            _ => error_page(lang, &ApiError::NotFound("gathering".into())),
        },
        Err(e) => error_page(lang, &e),
    }
}

/// `GET /households/{uuid}`: one household with its members and visit history.
pub async fn household_page(
    State(state): State<AppState>,
    staff: Staff,
    Path(uuid): Path<Uuid>,
) -> Response {
    let lang = staff.visitor.lang;
    match one(&state, &staff, uuid, RecordKind::Household).await {
        Ok((record, body, names, visits)) => match &body.body {
            RecordBody::Household(h) => {
                render(&household_view(lang, &staff, &record, h, &names, &visits))
            }
            _ => error_page(lang, &ApiError::NotFound("household".into())),
        },
        Err(e) => error_page(lang, &e),
    }
}
