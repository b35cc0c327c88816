//! The Project 8 indicators of an area for a period: one row per area right below it
//! (each branch's counts summed into the sub-area it lies in), a total, and a series by
//! month. Periods are months, quarters, years or ranges of days on Vietnam's clock.
//! The console's dashboard and the JSON API both read this.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::export::vietnam;
use crate::model::{Area, Scope};
use crate::store::tallies::{Edge, MonthCounts, Split, Tally};
use crate::store::{ServerStore, ServerStoreError};

/// Longest period the dashboard counts (a range of days), so a request's work is bounded.
pub const MAX_PERIOD_DAYS: i64 = 366 * 10;

/// A period that cannot be counted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    /// A month outside 1..=12, a quarter outside 1..=4, or a year outside 2000..=2100.
    #[error("no such {what}: {value}")]
    OutOfRange {
        /// `month`, `quarter` or `year`.
        what: &'static str,
        /// What was asked.
        value: i64,
    },
    /// A range whose end comes before its start.
    #[error("the period ends ({to}) before it starts ({from})")]
    Backwards {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
    },
    /// A range longer than [`MAX_PERIOD_DAYS`].
    #[error("a period is at most {MAX_PERIOD_DAYS} days")]
    TooLong,
}

/// Days on Vietnam's clock: from `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    /// The first day.
    pub first: NaiveDate,
    /// The last day.
    pub last: NaiveDate,
}

fn year_ok(year: i32) -> Result<(), PeriodError> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(PeriodError::OutOfRange {
            what: "year",
            value: i64::from(year),
        })
    }
}

fn first_of(year: i32, month: u32) -> Result<NaiveDate, PeriodError> {
    year_ok(year)?;
    NaiveDate::from_ymd_opt(year, month, 1).ok_or(PeriodError::OutOfRange {
        what: "month",
        value: i64::from(month),
    })
}

impl Period {
    /// `months` whole months from the first of `month` of `year`.
    fn months_from(year: i32, month: u32, months: u32) -> Result<Period, PeriodError> {
        let first = first_of(year, month)?;
        let next = first
            .checked_add_months(Months::new(months))
            .ok_or(PeriodError::TooLong)?;
        Ok(Period {
            first,
            last: next - Duration::days(1),
        })
    }

    /// A calendar month.
    pub fn month(year: i32, month: u32) -> Result<Period, PeriodError> {
        Period::months_from(year, month, 1)
    }

    /// A quarter (1 to 4).
    pub fn quarter(year: i32, quarter: u32) -> Result<Period, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::OutOfRange {
                what: "quarter",
                value: i64::from(quarter),
            });
        }
        Period::months_from(year, quarter * 3 - 2, 3)
    }

    /// A calendar year.
    pub fn year(year: i32) -> Result<Period, PeriodError> {
        Period::months_from(year, 1, 12)
    }

    /// The days from `first` to `last`, both included.
    pub fn range(first: NaiveDate, last: NaiveDate) -> Result<Period, PeriodError> {
        year_ok(first.year())?;
        year_ok(last.year())?;
        if last < first {
            return Err(PeriodError::Backwards {
                from: first,
                to: last,
            });
        }
        if (last - first).num_days() >= MAX_PERIOD_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Period { first, last })
    }

    /// The month on Vietnam's clock that `at` falls in.
    pub fn month_of(at: DateTime<Utc>) -> Period {
        let local = at.with_timezone(&vietnam()).date_naive();
        Period::month(local.year(), local.month()).unwrap_or(Period {
            first: local,
            last: local,
        })
    }

    /// The period as instants: `[start of the first day, start of the day after the
    /// last)` on Vietnam's clock.
    pub fn instants(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        let start = |day: NaiveDate| {
            day.and_hms_opt(0, 0, 0)
                .and_then(|t| t.and_local_timezone(vietnam()).single())
                .map_or(DateTime::<Utc>::MIN_UTC, |t| t.with_timezone(&Utc))
        };
        (start(self.first), start(self.last + Duration::days(1)))
    }

    /// The period cut for counting: whole years and whole months from the summary
    /// tables, the days before the first whole month and after the last from the records.
    pub fn split(&self) -> Split {
        let mut split = Split::default();
        let mut whole_in_year: BTreeMap<i32, u32> = BTreeMap::new();
        for part in self.by_month() {
            let month = part.first.format("%Y-%m").to_string();
            let whole = part.first.day() == 1 && (part.last + Duration::days(1)).day() == 1;
            if whole {
                *whole_in_year.entry(part.first.year()).or_default() += 1;
                split.every_month.push(month);
            } else {
                split.edges.push(part.edge());
            }
        }
        for month in &split.every_month {
            let year = &month[..4];
            if year.parse().ok().and_then(|y| whole_in_year.get(&y)) == Some(&12) {
                if split.years.last().map(String::as_str) != Some(year) {
                    split.years.push(year.to_owned());
                }
            } else {
                split.months.push(month.clone());
            }
        }
        split
    }

    /// The period cut into months that are all counted from the records: the recount
    /// the summary tables are checked against.
    pub fn split_from_records(&self) -> Split {
        Split {
            edges: self.by_month().iter().map(Period::edge).collect(),
            ..Split::default()
        }
    }

    /// The period's days month by month.
    fn by_month(&self) -> Vec<Period> {
        let mut out = Vec::new();
        let mut first = self.first;
        while first <= self.last {
            let next = NaiveDate::from_ymd_opt(first.year(), first.month(), 1)
                .and_then(|m| m.checked_add_months(Months::new(1)));
            let last = next.map_or(self.last, |n| (n - Duration::days(1)).min(self.last));
            out.push(Period { first, last });
            match next {
                Some(n) => first = n,
                None => break,
            }
        }
        out
    }

    /// A period inside one month, as an edge counted from the records.
    fn edge(&self) -> Edge {
        let (from, to) = self.instants();
        Edge {
            month: self.first.format("%Y-%m").to_string(),
            from,
            to,
        }
    }

    /// The months the period touches, as `YYYY-MM`, in order.
    pub fn months(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut month = NaiveDate::from_ymd_opt(self.first.year(), self.first.month(), 1);
        while let Some(m) = month.filter(|m| *m <= self.last) {
            out.push(m.format("%Y-%m").to_string());
            month = m.checked_add_months(Months::new(1));
        }
        out
    }
}

/// One row of the dashboard: a sub-area and its counts.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AreaRow {
    /// The area.
    pub area: Uuid,
    /// Its name.
    pub name: String,
    /// Its counts (every branch below it).
    pub tally: Tally,
}

/// One month of the series.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// `YYYY-MM` on Vietnam's clock.
    pub month: String,
    /// Gatherings held.
    pub gatherings: i64,
    /// Their attendees.
    pub attendees: i64,
    /// Surveys received (rejected left out).
    pub surveys: i64,
}

/// The dashboard's numbers.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Dashboard {
    /// The period counted.
    pub period: Period,
    /// One row per area right below the chosen one (the chosen area itself when it has
    /// none below it), by name.
    pub rows: Vec<AreaRow>,
    /// The sum of the rows.
    pub total: Tally,
    /// Month by month over the period.
    pub months: Vec<MonthRow>,
}

/// The index of the row holding an area at `path`: the row whose path it starts with.
fn row_of(rows: &[(Area, Tally)], path: &str) -> Option<usize> {
    rows.iter().position(|(a, _)| path.starts_with(&a.path))
}

fn months_of(counts: &MonthCounts, period: &Period) -> Vec<MonthRow> {
    let get = |m: &BTreeMap<String, i64>, month: &str| m.get(month).copied().unwrap_or(0);
    period
        .months()
        .into_iter()
        .map(|month| MonthRow {
            gatherings: get(&counts.gatherings, &month),
            attendees: get(&counts.attendees, &month),
            surveys: get(&counts.surveys, &month),
            month,
        })
        .collect()
}

/// The dashboard of `area` (`None`: everything in `scope`, an administrator's country)
/// for `period`. `scope` must contain `area`: callers resolve it with the official's own
/// scope check.
pub fn dashboard(
    store: &ServerStore,
    scope: &Scope,
    area: Option<&Area>,
    period: &Period,
) -> Result<Dashboard, ServerStoreError> {
    dashboard_of(store, scope, area, period, &period.split())
}

/// [`dashboard`] counted from the records alone, never the summary tables: slow, for
/// checking the summaries.
pub fn recount(
    store: &ServerStore,
    scope: &Scope,
    area: Option<&Area>,
    period: &Period,
) -> Result<Dashboard, ServerStoreError> {
    dashboard_of(store, scope, area, period, &period.split_from_records())
}

fn dashboard_of(
    store: &ServerStore,
    scope: &Scope,
    area: Option<&Area>,
    period: &Period,
    split: &Split,
) -> Result<Dashboard, ServerStoreError> {
    let areas = store.areas(scope)?;
    let parent = area.map(|a| a.id);
    let mut rows: Vec<(Area, Tally)> = areas
        .iter()
        .filter(|a| match (parent, area) {
            (Some(p), _) => a.parent_id == Some(p),
            (None, _) => !areas.iter().any(|b| Some(b.id) == a.parent_id),
        })
        .map(|a| (a.clone(), Tally::default()))
        .collect();
    if rows.is_empty()
        && let Some(a) = area
    {
        rows.push((a.clone(), Tally::default()));
    }
    let paths: HashMap<Uuid, &str> = areas.iter().map(|a| (a.id, a.path.as_str())).collect();
    let counts = store.counts(scope, split)?;
    let mut total = Tally::default();
    for (branch, tally) in &counts.branches {
        total.add(tally);
        if let Some(i) = paths.get(branch).and_then(|path| row_of(&rows, path)) {
            rows[i].1.add(tally);
        }
    }
    rows.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    Ok(Dashboard {
        period: *period,
        rows: rows
            .into_iter()
            .map(|(a, tally)| AreaRow {
                area: a.id,
                name: a.name,
                tally,
            })
            .collect(),
        total,
        months: months_of(&counts.months, period),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_whole_days_on_vietnams_clock() {
        let march = Period::month(2026, 3).unwrap();
        assert_eq!(
            (march.first, march.last),
            (day("2026-03-01"), day("2026-03-31"))
        );
        let (from, to) = march.instants();
        assert_eq!(from.to_rfc3339(), "2026-02-28T17:00:00+00:00");
        assert_eq!(to.to_rfc3339(), "2026-03-31T17:00:00+00:00");
        let q4 = Period::quarter(2026, 4).unwrap();
        assert_eq!((q4.first, q4.last), (day("2026-10-01"), day("2026-12-31")));
        assert_eq!(q4.months(), ["2026-10", "2026-11", "2026-12"]);
        let year = Period::year(2028).unwrap();
        assert_eq!(year.last, day("2028-12-31"));
        assert_eq!(year.months().len(), 12);
        let range = Period::range(day("2026-01-30"), day("2026-03-02")).unwrap();
        assert_eq!(range.months(), ["2026-01", "2026-02", "2026-03"]);
        let late = DateTime::parse_from_rfc3339("2026-03-31T18:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(Period::month_of(late), Period::month(2026, 4).unwrap());
    }

    #[test]
    fn impossible_periods_are_refused_with_what_is_wrong() {
        assert_eq!(
            Period::month(2026, 13),
            Err(PeriodError::OutOfRange {
                what: "month",
                value: 13
            })
        );
        assert!(matches!(
            Period::quarter(2026, 0),
            Err(PeriodError::OutOfRange {
                what: "quarter",
                ..
            })
        ));
        assert!(matches!(
            Period::year(1900),
            Err(PeriodError::OutOfRange { what: "year", .. })
        ));
        assert!(matches!(
            Period::range(day("2026-03-02"), day("2026-03-01")),
            Err(PeriodError::Backwards { .. })
        ));
        assert_eq!(
            Period::range(day("2000-01-01"), day("2099-01-01")),
            Err(PeriodError::TooLong)
        );
    }

    #[test]
    fn periods_split_into_whole_years_whole_months_and_edges() {
        let split = Period::range(day("2025-01-16"), day("2027-03-31"))
            .unwrap()
            .split();
        assert_eq!(split.years, ["2026"]);
        assert_eq!(split.months.first().map(String::as_str), Some("2025-02"));
        assert_eq!(split.months.last().map(String::as_str), Some("2027-03"));
        assert_eq!(split.months.len(), 11 + 3);
        assert_eq!(split.every_month.len(), 11 + 12 + 3);
        assert_eq!(split.edges.len(), 1);
        assert_eq!(split.edges[0].month, "2025-01");
        assert_eq!(
            split.edges[0].from.to_rfc3339(),
            "2025-01-15T17:00:00+00:00"
        );
        assert_eq!(split.edges[0].to.to_rfc3339(), "2025-01-31T17:00:00+00:00");
        let march = Period::month(2026, 3).unwrap().split();
        assert_eq!(
            (march.months, march.edges),
            (vec!["2026-03".to_owned()], vec![])
        );
        let days = Period::range(day("2026-03-30"), day("2026-04-02"))
            .unwrap()
            .split();
        assert!(days.years.is_empty() && days.every_month.is_empty());
        assert_eq!(
            days.edges
                .iter()
                .map(|e| e.month.as_str())
                .collect::<Vec<_>>(),
            ["2026-03", "2026-04"]
        );
        let recount = Period::year(2026).unwrap().split_from_records();
        assert_eq!(recount.edges.len(), 12);
        assert!(recount.years.is_empty() && recount.every_month.is_empty());
    }

    #[test]
    fn the_line_by_month_has_every_month_of_the_period() {
        let period = Period::range(day("2026-02-20"), day("2026-04-05")).unwrap();
        let counts = MonthCounts {
            gatherings: [("2026-03".to_owned(), 3)].into(),
            attendees: [("2026-04".to_owned(), 9)].into(),
            surveys: BTreeMap::new(),
        };
        let months = months_of(&counts, &period);
        assert_eq!(
            months.iter().map(|m| m.month.as_str()).collect::<Vec<_>>(),
            ["2026-02", "2026-03", "2026-04"]
        );
        assert_eq!((months[1].gatherings, months[2].attendees), (3, 9));
    }
}
