//! The Project 8 indicators of an area for a period: one row per area right below it
//! (each branch's counts summed into the sub-area it lies in), a total, and a series by
//! month. Periods are months, quarters, years or ranges of days on Vietnam's clock.
//! The console's dashboard and the JSON API both read this.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Datelike, Duration, Months, NaiveDate, NaiveDateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::export::vietnam;
use crate::model::{Area, Scope};
use crate::store::tallies::{HourCounts, Tally};
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

fn months_of(hours: &HourCounts, period: &Period) -> Vec<MonthRow> {
    let mut months: BTreeMap<String, MonthRow> = period
        .months()
        .into_iter()
        .map(|m| {
            (
                m.clone(),
                MonthRow {
                    month: m,
                    ..MonthRow::default()
                },
            )
        })
        .collect();
    let month_of = |hour: &str| {
        NaiveDateTime::parse_from_str(&format!("{hour}:00"), "%Y-%m-%dT%H:%M")
            .ok()
            .map(|t| t + Duration::minutes(i64::from(vietnam().local_minus_utc() / 60)))
            .map(|t| t.format("%Y-%m").to_string())
    };
    let mut add = |counts: &BTreeMap<String, i64>, field: fn(&mut MonthRow) -> &mut i64| {
        for (hour, n) in counts {
            if let Some(row) = month_of(hour).and_then(|m| months.get_mut(&m)) {
                *field(row) += n;
            }
        }
    };
    add(&hours.gatherings, |r| &mut r.gatherings);
    add(&hours.attendees, |r| &mut r.attendees);
    add(&hours.surveys, |r| &mut r.surveys);
    months.into_values().collect()
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
    let (from, to) = period.instants();
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
    let tallies = store.branch_tallies(scope, from, to)?;
    let mut total = Tally::default();
    for (branch, tally) in &tallies {
        total.add(tally);
        if let Some(i) = paths.get(branch).and_then(|path| row_of(&rows, path)) {
            rows[i].1.add(tally);
        }
    }
    rows.sort_by(|a, b| a.0.name.cmp(&b.0.name));
    let hours = store.hour_counts(scope, from, to)?;
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
        months: months_of(&hours, period),
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
    fn hours_fall_into_vietnams_months() {
        let period = Period::month(2026, 3).unwrap();
        let hours = HourCounts {
            gatherings: [
                ("2026-02-28T17".to_owned(), 2),
                ("2026-03-31T16".to_owned(), 1),
            ]
            .into(),
            attendees: [("2026-03-31T17".to_owned(), 9)].into(),
            surveys: BTreeMap::new(),
        };
        let months = months_of(&hours, &period);
        assert_eq!(months.len(), 1);
        assert_eq!(months[0].gatherings, 3);
        assert_eq!(months[0].attendees, 0, "17:00 UTC on 31 March is April");
    }
}
