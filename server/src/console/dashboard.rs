//! The indicators dashboard: for the officer's area (or one below it) and a period on
//! Vietnam's clock, the Project 8 numbers in tables whose rows are the areas right below
//! it with a total, bar charts by area and a line by month drawn as SVG on the server, a
//! print view that fits A4, and every table as CSV or XLSX. The numbers come from
//! [`crate::indicators`]; the area goes through the official's own scope check.

use std::collections::BTreeMap;

use askama::Template;
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::response::Response;
use branchbook_core::domain::{age_groups, ethnicity, gathering_kinds, sexes};
use branchbook_core::i18n::{age_group_name, gathering_kind_name, sex_name};
use chrono::{Datelike, NaiveDate, Utc};

use super::charts::{Series, bars, lines};
use super::session::Staff;
use super::shell::{Shell, error_page, render};
use super::submissions::{Choice, STATES, area_label, area_title};
use super::texts::{Lang, Texts};
use crate::api::AppState;
use crate::api::dashboard::{DashboardQuery, load};
use crate::api::export::{FileFormat, download, file_name};
use crate::error::ApiError;
use crate::export::{Cell, Sheet};
use crate::indicators::{Dashboard, Period};
use crate::model::stored_name;
use crate::store::tallies::Tally;

/// A table's column: its header and how it reads a count from a tally.
type Column<'a> = (String, Box<dyn Fn(&Tally) -> i64 + 'a>);

/// One table of the dashboard: a column per count, a row per area, and the total.
pub struct IndicatorTable {
    /// Its name in download links (`gatherings` → `gatherings.csv`).
    pub key: &'static str,
    /// Its title.
    pub title: &'static str,
    /// A sentence saying how it counts, when that is not obvious.
    pub hint: Option<&'static str>,
    /// The counts' column headers.
    pub columns: Vec<String>,
    /// Area names and their counts.
    pub rows: Vec<(String, Vec<i64>)>,
    /// The total row.
    pub total: Vec<i64>,
}

impl IndicatorTable {
    fn new(
        (key, title, hint): (&'static str, &'static str, Option<&'static str>),
        data: &Dashboard,
        columns: Vec<Column<'_>>,
    ) -> IndicatorTable {
        let counts = |tally: &Tally| columns.iter().map(|(_, f)| f(tally)).collect();
        IndicatorTable {
            key,
            title,
            hint,
            rows: data
                .rows
                .iter()
                .map(|r| (r.name.clone(), counts(&r.tally)))
                .collect(),
            total: counts(&data.total),
            columns: columns.iter().map(|(name, _)| name.clone()).collect(),
        }
    }

    /// The table as a sheet for the CSV and XLSX writers: header, rows, total.
    pub fn export(&self, t: &Texts) -> (Sheet, Vec<Vec<Cell>>) {
        let mut header = vec![t.dashboard_area.to_owned()];
        header.extend(self.columns.iter().cloned());
        let line = |name: &str, counts: &[i64]| {
            let mut row = vec![Cell::text(name)];
            row.extend(counts.iter().map(|n| Cell::Int(*n)));
            row
        };
        let mut rows: Vec<Vec<Cell>> = self.rows.iter().map(|(n, c)| line(n, c)).collect();
        rows.push(line(t.dashboard_total, &self.total));
        (
            Sheet {
                name: self.title.to_owned(),
                header,
            },
            rows,
        )
    }
}

fn get(map: &BTreeMap<String, i64>, key: &str) -> i64 {
    map.get(key).copied().unwrap_or(0)
}

/// The dashboard's tables in `lang`; `forms` names the forms by id.
pub fn tables(
    lang: Lang,
    data: &Dashboard,
    forms: &BTreeMap<String, String>,
) -> Vec<IndicatorTable> {
    let t = lang.texts();
    let ui = lang.ui();
    let total = |name: &str, f: fn(&Tally) -> i64| -> Column<'_> { (name.to_owned(), Box::new(f)) };

    let mut kinds: Vec<Column<'_>> = gathering_kinds()
        .into_iter()
        .map(|k| -> Column<'_> {
            let key = stored_name(&k);
            (
                gathering_kind_name(k, ui),
                Box::new(move |x: &Tally| get(&x.gatherings, &key)),
            )
        })
        .collect();
    kinds.push(total(t.dashboard_total, |x| x.gatherings.values().sum()));

    let mut people: Vec<Column<'_>> = sexes()
        .into_iter()
        .map(|s| -> Column<'_> {
            let key = stored_name(&s);
            (
                sex_name(s, ui),
                Box::new(move |x: &Tally| get(&x.attendees_by_sex, &key)),
            )
        })
        .collect();
    people.push(total(t.dashboard_all_attendees, Tally::attendees));
    people.push(total(t.dashboard_people, |x| x.people));

    let mut ages: Vec<Column<'_>> = age_groups()
        .into_iter()
        .map(|a| -> Column<'_> {
            let key = stored_name(&a);
            (
                age_group_name(Some(a), ui),
                Box::new(move |x: &Tally| get(&x.attendees_by_age, &key)),
            )
        })
        .collect();
    ages.push((
        age_group_name(None, ui),
        Box::new(|x: &Tally| get(&x.attendees_by_age, "")),
    ));

    // The ethnic groups present in the period, in the statistics office's order, then
    // any key the list does not know, then "not recorded".
    let mut present: Vec<&String> = data.total.attendees_by_ethnicity.keys().collect();
    present.sort_by_key(|k| {
        (
            k.is_empty(),
            ethnicity(k).map_or("99", |e| e.gso_code),
            k.to_string(),
        )
    });
    let ethnicities: Vec<Column<'_>> = present
        .into_iter()
        .map(|k| -> Column<'_> {
            let name = if k.is_empty() {
                t.dashboard_not_recorded.to_owned()
            } else {
                branchbook_core::i18n::ethnicity_name(k)
            };
            let key = k.clone();
            (
                name,
                Box::new(move |x: &Tally| get(&x.attendees_by_ethnicity, &key)),
            )
        })
        .collect();

    let mut surveys: Vec<Column<'_>> = vec![total(t.dashboard_households, |x| x.households)];
    for form in data.total.surveys_by_form.keys() {
        let key = form.clone();
        let title = forms.get(form).cloned().unwrap_or_else(|| form.clone());
        surveys.push((
            title,
            Box::new(move |x: &Tally| get(&x.surveys_by_form, &key)),
        ));
    }
    surveys.push(total(t.dashboard_all_surveys, |x| {
        x.surveys_by_form.values().sum()
    }));

    let mut states: Vec<Column<'_>> = STATES
        .iter()
        .map(|s| -> Column<'_> {
            let key = stored_name(s);
            (
                t.review_state(*s).to_owned(),
                Box::new(move |x: &Tally| get(&x.surveys_by_state, &key)),
            )
        })
        .collect();
    states.push(total(t.dashboard_total, |x| {
        x.surveys_by_state.values().sum()
    }));

    vec![
        IndicatorTable::new(("gatherings", t.dashboard_gatherings, None), data, kinds),
        IndicatorTable::new(
            (
                "attendees",
                t.dashboard_attendees,
                Some(t.dashboard_people_hint),
            ),
            data,
            people,
        ),
        IndicatorTable::new(("ages", t.dashboard_ages, None), data, ages),
        IndicatorTable::new(
            ("ethnicities", t.dashboard_ethnicities, None),
            data,
            ethnicities,
        ),
        IndicatorTable::new(
            (
                "surveys",
                t.dashboard_surveys,
                Some(t.dashboard_households_hint),
            ),
            data,
            surveys,
        ),
        IndicatorTable::new(("states", t.dashboard_states, None), data, states),
    ]
}

/// One chart: its caption, shown above it, and its SVG.
struct Chart {
    title: &'static str,
    svg: String,
}

/// The charts: attendees by area (stacked by sex), gatherings by area (stacked by
/// kind), and gatherings, attendees and surveys month by month.
fn charts(lang: Lang, data: &Dashboard) -> Vec<Chart> {
    let t = lang.texts();
    let ui = lang.ui();
    let areas: Vec<String> = data.rows.iter().map(|r| r.name.clone()).collect();
    let by_area = |label: String, f: &dyn Fn(&Tally) -> i64| Series {
        label,
        values: data.rows.iter().map(|r| f(&r.tally)).collect(),
    };
    let attendees: Vec<Series> = sexes()
        .into_iter()
        .map(|s| {
            let key = stored_name(&s);
            by_area(sex_name(s, ui), &|x| get(&x.attendees_by_sex, &key))
        })
        .collect();
    let gatherings: Vec<Series> = gathering_kinds()
        .into_iter()
        .map(|k| {
            let key = stored_name(&k);
            by_area(gathering_kind_name(k, ui), &|x| get(&x.gatherings, &key))
        })
        .collect();
    // A short period's line has a point a day (dd/mm), a longer one a point a month.
    let (line_title, points, values): (_, Vec<String>, Vec<[i64; 3]>) = if data.days.is_empty() {
        (
            t.dashboard_chart_months,
            data.months.iter().map(|m| m.month.clone()).collect(),
            data.months
                .iter()
                .map(|m| [m.gatherings, m.attendees, m.surveys])
                .collect(),
        )
    } else {
        (
            t.dashboard_chart_days,
            data.days
                .iter()
                .map(|d| {
                    chrono::NaiveDate::parse_from_str(&d.day, "%Y-%m-%d")
                        .map_or_else(|_| d.day.clone(), |day| day.format("%d/%m").to_string())
                })
                .collect(),
            data.days
                .iter()
                .map(|d| [d.gatherings, d.attendees, d.surveys])
                .collect(),
        )
    };
    let line = |label: &str, i: usize| Series {
        label: label.to_owned(),
        values: values.iter().map(|v| v[i]).collect(),
    };
    vec![
        Chart {
            title: t.dashboard_chart_attendees,
            svg: bars(t.dashboard_chart_attendees, &areas, &attendees),
        },
        Chart {
            title: t.dashboard_chart_gatherings,
            svg: bars(t.dashboard_chart_gatherings, &areas, &gatherings),
        },
        Chart {
            title: line_title,
            svg: lines(
                line_title,
                &points,
                &[
                    line(t.nav_gatherings, 0),
                    line(t.dashboard_all_attendees, 1),
                    line(t.dashboard_all_surveys, 2),
                ],
            ),
        },
    ]
}

#[derive(Template)]
#[template(path = "console/dashboard.html")]
struct DashboardPage {
    shell: Shell,
    areas: Vec<Choice>,
    kinds: Vec<Choice>,
    months: Vec<Choice>,
    quarters: Vec<Choice>,
    year: String,
    from: String,
    to: String,
    period_text: String,
    query: String,
    tables: Vec<IndicatorTable>,
    charts: Vec<Chart>,
}

#[derive(Template)]
#[template(path = "console/dashboard_print.html")]
struct PrintPage {
    shell: Shell,
    area_name: String,
    period_text: String,
    printed: String,
    tables: Vec<IndicatorTable>,
    charts: Vec<Chart>,
}

fn period_text(t: &Texts, period: &Period) -> String {
    let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
    t.fill(
        &t.fill(t.dashboard_period_is, "from", &day(period.first)),
        "to",
        &day(period.last),
    )
}

fn choices(values: impl IntoIterator<Item = (String, String)>, chosen: &str) -> Vec<Choice> {
    values
        .into_iter()
        .map(|(value, label)| Choice {
            selected: value == chosen,
            value,
            label,
        })
        .collect()
}

/// `GET /dashboard`: the indicators of an area for a period.
pub async fn dashboard_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let loaded = match load(&state, &staff.officer, &query).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(lang, &e),
    };
    let period = loaded.data.period;
    let kind = if query.period.is_empty() {
        "month"
    } else {
        query.period.as_str()
    };
    let page = DashboardPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "dashboard",
            t.dashboard_title,
            "/dashboard",
        ),
        areas: loaded
            .areas
            .iter()
            .map(|a| Choice {
                value: a.id.to_string(),
                label: area_label(t, a),
                selected: loaded.area.as_ref().is_some_and(|chosen| chosen.id == a.id),
            })
            .collect(),
        kinds: choices(
            [
                ("month", t.dashboard_by_month),
                ("quarter", t.dashboard_by_quarter),
                ("year", t.dashboard_by_year),
                ("range", t.dashboard_by_range),
            ]
            .map(|(v, l)| (v.to_owned(), l.to_owned())),
            kind,
        ),
        months: choices(
            (1..=12).map(|m| (m.to_string(), format!("{m:02}"))),
            &period.first.month().to_string(),
        ),
        quarters: choices(
            (1..=4).map(|q| (q.to_string(), format!("Q{q}"))),
            &period.first.month().div_ceil(3).to_string(),
        ),
        year: period.first.year().to_string(),
        from: period.first.format("%d/%m/%Y").to_string(),
        to: period.last.format("%d/%m/%Y").to_string(),
        period_text: period_text(t, &period),
        query: query.query(&period),
        tables: tables(lang, &loaded.data, &loaded.forms),
        charts: charts(lang, &loaded.data),
    };
    render(&page)
}

/// `GET /dashboard/print`: the same numbers on A4 pages, without the console's frame.
pub async fn print_page(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let loaded = match load(&state, &staff.officer, &query).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(lang, &e),
    };
    let area_name = loaded
        .area
        .as_ref()
        .map_or_else(|| t.submissions_all.to_owned(), |a| area_title(t, a));
    let page = PrintPage {
        shell: Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "dashboard",
            t.dashboard_print_title,
            "/dashboard/print",
        ),
        area_name,
        period_text: period_text(t, &loaded.data.period),
        printed: lang.time(Utc::now()),
        tables: tables(lang, &loaded.data, &loaded.forms),
        charts: charts(lang, &loaded.data),
    };
    render(&page)
}

/// `GET /dashboard/{table}.csv`, `/dashboard/{table}.xlsx`, `/dashboard/indicators.xlsx`
/// (every table, a sheet each): the tables as the page shows them.
pub async fn dashboard_download(
    State(state): State<AppState>,
    staff: Staff,
    Path(file): Path<String>,
    Query(query): Query<DashboardQuery>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let Some((key, format)) = file.rsplit_once('.').and_then(|(key, ext)| match ext {
        "csv" => Some((key.to_owned(), FileFormat::Csv)),
        "xlsx" => Some((key.to_owned(), FileFormat::Xlsx)),
        _ => None,
    }) else {
        return error_page(lang, &ApiError::NotFound("export".into()));
    };
    let loaded = match load(&state, &staff.officer, &query).await {
        Ok(loaded) => loaded,
        Err(e) => return error_page(lang, &e),
    };
    let all = tables(lang, &loaded.data, &loaded.forms);
    let chosen: Vec<(Sheet, Vec<Vec<Cell>>)> = all
        .iter()
        .filter(|table| key == "indicators" || table.key == key)
        .map(|table| table.export(t))
        .collect();
    let written = match (format, chosen.as_slice()) {
        (_, []) => return error_page(lang, &ApiError::NotFound("export".into())),
        (FileFormat::Csv, [(sheet, rows)]) => crate::export::csv::whole(&sheet.header, rows),
        (FileFormat::Csv, _) => return error_page(lang, &ApiError::NotFound("export".into())),
        (FileFormat::Xlsx, tables) => crate::export::xlsx::whole(tables),
    };
    let period = loaded.data.period;
    match written {
        Ok(bytes) => download(
            format,
            &file_name(
                &[&key, &period.first.to_string(), &period.last.to_string()],
                format,
            ),
            Body::from(bytes),
        ),
        Err(e) => error_page(lang, &e.into()),
    }
}
