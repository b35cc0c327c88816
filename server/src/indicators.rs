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

/// Longest period whose line is drawn day by day (a month or two); longer ones are drawn
/// month by month.
pub const MAX_DAYS_ON_LINE: i64 = 62;

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

    /// The period cut for counting (see [`Split`]). A month partly inside is counted
    /// from the records on the side with fewer days: its days inside, or its bucket less
    /// its days outside. A year partly inside is the sum of its months inside, or, when
    /// more of its months are inside than out (by more than three), its bucket less the
    /// months outside.
    pub fn split(&self) -> Split {
        let mut split = Split::default();
        let mut years: BTreeMap<i32, Vec<Period>> = BTreeMap::new();
        for part in self.by_month() {
            years.entry(part.first.year()).or_default().push(part);
        }
        for (year, parts) in years {
            let whole = |p: &Period| p.first.day() == 1 && (p.last + Duration::days(1)).day() == 1;
            let inside = parts.iter().filter(|p| whole(p)).count();
            // Months of the year outside the period, partly inside ones excluded.
            let outside = 12 - parts.len();
            let whole_year = inside == 12;
            let less = whole_year || inside > outside + 3;
            if less {
                split.buckets.push((year.to_string(), 1));
                for month in 1..=12 {
                    if !parts.iter().any(|p| p.first.month() == month) {
                        split.buckets.push((format!("{year}-{month:02}"), -1));
                    }
                }
            }
            for part in &parts {
                let bucket = part.first.format("%Y-%m").to_string();
                if whole(part) {
                    split.line.push((bucket.clone(), 1));
                    if !less {
                        split.buckets.push((bucket, 1));
                    }
                    continue;
                }
                let month = part.whole_month();
                let days_in = (part.last - part.first).num_days() + 1;
                let days_out = (month.last - month.first).num_days() + 1 - days_in;
                if days_in <= days_out {
                    // Its days inside from the records.
                    split.edges.push(part.edge(1, 1));
                    if less {
                        split.buckets.push((bucket, -1));
                    }
                } else {
                    // Its bucket less its days outside.
                    split.line.push((bucket.clone(), 1));
                    if !less {
                        split.buckets.push((bucket, 1));
                    }
                    for out in month.less(part) {
                        split.edges.push(out.edge(-1, -1));
                    }
                }
            }
        }
        split.days = self.days_on_line();
        split
    }

    /// The period's instants when its line is drawn day by day.
    fn days_on_line(&self) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
        ((self.last - self.first).num_days() < MAX_DAYS_ON_LINE).then(|| self.instants())
    }

    /// The period's days, as `YYYY-MM-DD`, in order.
    pub fn days(&self) -> Vec<String> {
        self.first
            .iter_days()
            .take_while(|d| *d <= self.last)
            .map(|d| d.format("%Y-%m-%d").to_string())
            .collect()
    }

    /// The period cut into months that are all counted from the records: the recount
    /// the summary tables are checked against.
    pub fn split_from_records(&self) -> Split {
        Split {
            edges: self.by_month().iter().map(|p| p.edge(1, 1)).collect(),
            days: self.days_on_line(),
            ..Split::default()
        }
    }

    /// The whole calendar month the period starts in.
    fn whole_month(&self) -> Period {
        Period::month(self.first.year(), self.first.month()).unwrap_or(*self)
    }

    /// The days of this period outside `inner` (which lies inside it): up to two periods.
    fn less(&self, inner: &Period) -> Vec<Period> {
        let mut out = Vec::new();
        if inner.first > self.first {
            out.push(Period {
                first: self.first,
                last: inner.first - Duration::days(1),
            });
        }
        if inner.last < self.last {
            out.push(Period {
                first: inner.last + Duration::days(1),
                last: self.last,
            });
        }
        out
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

    /// A period inside one month, as an edge counted from the records with the signs
    /// it takes in the totals and on the line.
    fn edge(&self, total: i64, line: i64) -> Edge {
        let (from, to) = self.instants();
        Edge {
            month: self.first.format("%Y-%m").to_string(),
            from,
            to,
            total,
            line,
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

/// One day of the series of a short period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DayRow {
    /// `YYYY-MM-DD` on Vietnam's clock.
    pub day: String,
    /// Gatherings held.
    pub gatherings: i64,
    /// Their attendees.
    pub attendees: i64,
    /// Surveys received (rejected left out).
    pub surveys: i64,
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
    /// Day by day, for a period of at most [`MAX_DAYS_ON_LINE`] days (empty for longer
    /// ones): a month's line has a point a day.
    pub days: Vec<DayRow>,
}

/// The index of the row holding an area at `path`: the row whose path it starts with.
fn row_of(rows: &[(Area, Tally)], path: &str) -> Option<usize> {
    rows.iter().position(|(a, _)| path.starts_with(&a.path))
}

/// One point per key (a month or a day) of the line: gatherings, attendees and surveys.
fn points<T>(
    counts: &MonthCounts,
    keys: Vec<String>,
    point: impl Fn(String, i64, i64, i64) -> T,
) -> Vec<T> {
    let get = |m: &BTreeMap<String, i64>, key: &str| m.get(key).copied().unwrap_or(0);
    keys.into_iter()
        .map(|key| {
            let (g, a, s) = (
                get(&counts.gatherings, &key),
                get(&counts.attendees, &key),
                get(&counts.surveys, &key),
            );
            point(key, g, a, s)
        })
        .collect()
}

fn days_of(counts: &MonthCounts, period: &Period) -> Vec<DayRow> {
    let days = match period.days_on_line() {
        Some(_) => period.days(),
        None => Vec::new(),
    };
    points(counts, days, |day, gatherings, attendees, surveys| DayRow {
        day,
        gatherings,
        attendees,
        surveys,
    })
}

fn months_of(counts: &MonthCounts, period: &Period) -> Vec<MonthRow> {
    points(
        counts,
        period.months(),
        |month, gatherings, attendees, surveys| MonthRow {
            month,
            gatherings,
            attendees,
            surveys,
        },
    )
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
        days: days_of(&counts.days, period),
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

    fn buckets(list: &[(String, i64)]) -> Vec<(&str, i64)> {
        list.iter().map(|(b, n)| (b.as_str(), *n)).collect()
    }

    #[test]
    fn periods_split_into_signed_buckets_and_parts_of_months() {
        // A year mostly inside is its bucket less what is outside; a month mostly inside
        // is its bucket less its days outside.
        let split = Period::range(day("2025-01-16"), day("2027-03-31"))
            .unwrap()
            .split();
        assert_eq!(
            buckets(&split.buckets),
            [
                ("2025", 1),
                ("2026", 1),
                ("2027-01", 1),
                ("2027-02", 1),
                ("2027-03", 1)
            ]
        );
        assert_eq!(split.line.len(), 12 + 12 + 3);
        assert!(split.line.iter().all(|(_, n)| *n == 1));
        assert_eq!(split.edges.len(), 1);
        let edge = &split.edges[0];
        assert_eq!(
            (edge.month.as_str(), edge.total, edge.line),
            ("2025-01", -1, -1)
        );
        assert_eq!(edge.from.to_rfc3339(), "2024-12-31T17:00:00+00:00");
        assert_eq!(edge.to.to_rfc3339(), "2025-01-15T17:00:00+00:00");
        // Fewer days inside than out: those days from the records, and a year read
        // whole takes the month out.
        let split = Period::range(day("2026-01-20"), day("2026-12-03"))
            .unwrap()
            .split();
        assert_eq!(
            buckets(&split.buckets),
            [("2026", 1), ("2026-01", -1), ("2026-12", -1)]
        );
        assert_eq!(
            split
                .edges
                .iter()
                .map(|e| (e.month.as_str(), e.total, e.line))
                .collect::<Vec<_>>(),
            [("2026-01", 1, 1), ("2026-12", 1, 1)]
        );
        assert_eq!(split.line.len(), 10);
        // A year mostly outside is the sum of its months.
        let split = Period::range(day("2026-03-02"), day("2026-06-30"))
            .unwrap()
            .split();
        assert_eq!(
            buckets(&split.buckets),
            [
                ("2026-03", 1),
                ("2026-04", 1),
                ("2026-05", 1),
                ("2026-06", 1)
            ]
        );
        assert_eq!(
            (split.edges.len(), split.edges[0].total),
            (1, -1),
            "1 March taken out"
        );
        let march = Period::month(2026, 3).unwrap().split();
        assert_eq!(
            (buckets(&march.buckets), march.edges),
            (vec![("2026-03", 1)], vec![])
        );
        let days = Period::range(day("2026-03-30"), day("2026-04-02"))
            .unwrap()
            .split();
        assert!(days.buckets.is_empty() && days.line.is_empty());
        assert_eq!(
            days.edges
                .iter()
                .map(|e| e.month.as_str())
                .collect::<Vec<_>>(),
            ["2026-03", "2026-04"]
        );
        let recount = Period::year(2026).unwrap().split_from_records();
        assert_eq!(recount.edges.len(), 12);
        assert!(recount.buckets.is_empty() && recount.line.is_empty());
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
