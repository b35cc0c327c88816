//! The indicators dashboard's counts, per branch, and the summary tables that make them
//! fast at a province's size (migration 008).
//!
//! Each indicator is defined once, as SQL over the records ([`MEASURES`], [`DISTINCT`]):
//! latest revisions only, rejected records left out of every count but the surveys by
//! review state. The same definitions
//! - keep the summary tables (`tally_counts`, `tally_households`, `tally_people`, filed
//!   per branch under each Vietnam year and month) exact: every write that changes what a
//!   record counts for (a push that adds a record or supersedes a revision, a review
//!   decision) takes its old contribution out and puts its new one in, in its own
//!   transaction, under a per-branch lock on PostgreSQL (SQLite has one writer);
//! - count the parts of a period that are not whole months straight from the records;
//! - recount everything from the records (the test of the summaries, and the migration's
//!   backfill).
//!
//! Every count adds up across branches (a person, a household and a roster member belong
//! to one branch), so the dashboard sums branches into sub-areas and sub-areas into the
//! total without counting anyone twice. Within a branch, people and households are
//! counted distinct over the whole period.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{ServerStore, ServerStoreError};
use crate::db::{Conn, Engine, Row, Value};
use crate::model::Scope;

/// One branch's (or a sum of branches') counts in a period. Keys are the stored names
/// (`policy_dialogue`, `female`, `hmong`, `child`, a form id, `approved`); an attendee
/// without an ethnicity or age group is counted under the empty key.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// Gatherings held, by kind.
    pub gatherings: BTreeMap<String, i64>,
    /// Their attendees, by sex.
    pub attendees_by_sex: BTreeMap<String, i64>,
    /// Their attendees, by ethnicity key.
    pub attendees_by_ethnicity: BTreeMap<String, i64>,
    /// Their attendees, by age group.
    pub attendees_by_age: BTreeMap<String, i64>,
    /// Distinct people reached: roster members counted once however many gatherings they
    /// came to, each walk-in once per gathering (a walk-in has no identity to match).
    pub people: i64,
    /// Households visited: distinct registry households with a survey, plus every survey
    /// linked to no registry household (a visit to a household not in the registry).
    pub households: i64,
    /// Surveys by form id.
    pub surveys_by_form: BTreeMap<String, i64>,
    /// Surveys by review state, rejected ones included.
    pub surveys_by_state: BTreeMap<String, i64>,
}

fn add_all(into: &mut BTreeMap<String, i64>, from: &BTreeMap<String, i64>) {
    for (key, n) in from {
        *into.entry(key.clone()).or_default() += n;
    }
}

impl Tally {
    /// Adds `other`'s counts to these.
    pub fn add(&mut self, other: &Tally) {
        add_all(&mut self.gatherings, &other.gatherings);
        add_all(&mut self.attendees_by_sex, &other.attendees_by_sex);
        add_all(
            &mut self.attendees_by_ethnicity,
            &other.attendees_by_ethnicity,
        );
        add_all(&mut self.attendees_by_age, &other.attendees_by_age);
        self.people += other.people;
        self.households += other.households;
        add_all(&mut self.surveys_by_form, &other.surveys_by_form);
        add_all(&mut self.surveys_by_state, &other.surveys_by_state);
    }

    /// Every attendee (the sum over sexes).
    pub fn attendees(&self) -> i64 {
        self.attendees_by_sex.values().sum()
    }

    /// Adds `n` to the count of `key` in `measure` (a name of [`MEASURES`]).
    fn count(&mut self, measure: &str, key: String, n: i64) {
        let into = match measure {
            "state" => &mut self.surveys_by_state,
            "form" => &mut self.surveys_by_form,
            "gathering" => &mut self.gatherings,
            "sex" => &mut self.attendees_by_sex,
            "ethnicity" => &mut self.attendees_by_ethnicity,
            "age" => &mut self.attendees_by_age,
            _ => {
                // `unlinked`: surveys of households outside the registry.
                self.households += n;
                return;
            }
        };
        *into.entry(key).or_default() += n;
    }
}

/// Counts per Vietnam month (`YYYY-MM`) for the line by month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthCounts {
    /// Gatherings held.
    pub gatherings: BTreeMap<String, i64>,
    /// Their attendees.
    pub attendees: BTreeMap<String, i64>,
    /// Surveys (rejected left out).
    pub surveys: BTreeMap<String, i64>,
}

impl MonthCounts {
    /// Adds a count of `measure` in `month`: the line follows gatherings, attendees (the
    /// sum over sexes) and surveys (the sum over forms).
    fn count(&mut self, month: &str, measure: &str, n: i64) {
        let into = match measure {
            "gathering" => &mut self.gatherings,
            "sex" => &mut self.attendees,
            "form" => &mut self.surveys,
            _ => return,
        };
        *into.entry(month.to_owned()).or_default() += n;
    }
}

/// Part of a period that is not a whole month, counted from the records: `[from, to)`
/// inside `month`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The Vietnam month (`YYYY-MM`) it lies in.
    pub month: String,
    /// First instant.
    pub from: DateTime<Utc>,
    /// End (excluded).
    pub to: DateTime<Utc>,
}

/// A period cut for counting: whole Vietnam years and months read from the summary
/// tables, and the rest from the records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// Whole years (`YYYY`).
    pub years: Vec<String>,
    /// Whole months (`YYYY-MM`) outside those years.
    pub months: Vec<String>,
    /// Every whole month of the period, inside whole years or not (the line by month).
    pub every_month: Vec<String>,
    /// The rest.
    pub edges: Vec<Edge>,
}

/// A branch's and a period's counts: per branch, and per month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Each branch with anything counted.
    pub branches: HashMap<Uuid, Tally>,
    /// Month by month.
    pub months: MonthCounts,
}

/// One additive indicator: counted per `key` over the latest revisions of `kind` that
/// pass `only` (`r` is the record, `a` the attendee when `attendees`).
struct Measure {
    name: &'static str,
    kind: &'static str,
    attendees: bool,
    key: &'static str,
    only: &'static str,
}

const NOT_REJECTED: &str = "r.review_state <> 'rejected'";

/// The additive indicators.
const MEASURES: &[Measure] = &[
    Measure {
        name: "state",
        kind: "submission",
        attendees: false,
        key: "r.review_state",
        only: "1 = 1",
    },
    Measure {
        name: "form",
        kind: "submission",
        attendees: false,
        key: "COALESCE(r.form_id, '')",
        only: NOT_REJECTED,
    },
    Measure {
        name: "unlinked",
        kind: "submission",
        attendees: false,
        // Always empty: the household is NULL (written as an expression, since
        // PostgreSQL refuses a bare constant in GROUP BY).
        key: "COALESCE(r.household, '')",
        only: "r.review_state <> 'rejected' AND r.household IS NULL",
    },
    Measure {
        name: "gathering",
        kind: "gathering",
        attendees: false,
        key: "COALESCE(r.gathering_kind, '')",
        only: NOT_REJECTED,
    },
    Measure {
        name: "sex",
        kind: "gathering",
        attendees: true,
        key: "a.sex",
        only: NOT_REJECTED,
    },
    Measure {
        name: "ethnicity",
        kind: "gathering",
        attendees: true,
        key: "COALESCE(a.ethnicity, '')",
        only: NOT_REJECTED,
    },
    Measure {
        name: "age",
        kind: "gathering",
        attendees: true,
        key: "COALESCE(a.age_group, '')",
        only: NOT_REJECTED,
    },
];

/// One indicator counted distinct within a branch: its summary `table`, and its `item`
/// over the latest revisions of `kind`.
struct Distinct {
    table: &'static str,
    column: &'static str,
    kind: &'static str,
    attendees: bool,
    item: &'static str,
}

/// Households visited (registry households) and people reached.
const DISTINCT: &[Distinct] = &[
    Distinct {
        table: "tally_households",
        column: "household",
        kind: "submission",
        attendees: false,
        item: "r.household",
    },
    Distinct {
        table: "tally_people",
        column: "person",
        kind: "gathering",
        attendees: true,
        item: "a.person",
    },
];

fn source(attendees: bool) -> &'static str {
    if attendees {
        "attendees a JOIN records r ON r.seq = a.record_seq"
    } else {
        "records r"
    }
}

/// The buckets a record's counts are filed under: its Vietnam month and year.
const BUCKETS: [&str; 2] = ["substr(r.event_day, 1, 7)", "substr(r.event_day, 1, 4)"];

/// `branch_id, bucket, measure, key, n` of every additive indicator for the records
/// passing `filter`, with `count` (`COUNT(*)` or `-COUNT(*)`).
fn measures_sql(bucket: &str, filter: &str, count: &str) -> String {
    MEASURES
        .iter()
        .map(|m| {
            format!(
                "SELECT r.branch_id AS branch_id, {bucket} AS bucket, '{name}' AS measure, {key} AS key, {count} AS n FROM {from}
                 WHERE r.kind = '{kind}' AND {only} AND {filter} GROUP BY r.branch_id, {bucket}, {key}",
                name = m.name,
                key = m.key,
                from = source(m.attendees),
                kind = m.kind,
                only = m.only,
            )
        })
        .collect::<Vec<_>>()
        .join(" UNION ALL ")
}

/// `branch_id, bucket, item, n` of a distinct indicator for the records passing `filter`.
fn distinct_sql(d: &Distinct, bucket: &str, filter: &str, count: &str) -> String {
    format!(
        "SELECT r.branch_id AS branch_id, {bucket} AS bucket, {item} AS item, {count} AS n FROM {from}
         WHERE r.kind = '{kind}' AND {NOT_REJECTED} AND {item} IS NOT NULL AND {filter} GROUP BY r.branch_id, {bucket}, {item}",
        item = d.item,
        from = source(d.attendees),
        kind = d.kind,
    )
}

/// Adds (`sign` 1) or takes out (`sign` -1) the contribution of the records passing
/// `filter` to every summary table, as if each were the latest revision.
fn file(
    conn: &mut dyn Conn,
    filter: &str,
    params: &[Value],
    sign: i64,
) -> Result<(), ServerStoreError> {
    let count = if sign < 0 { "-COUNT(*)" } else { "COUNT(*)" };
    let both = |sql: &dyn Fn(&str) -> String| BUCKETS.map(sql).join(" UNION ALL ");
    conn.exec(
        &format!(
            "INSERT INTO tally_counts (branch_id, bucket, measure, key, n) SELECT * FROM ({}) AS c WHERE 1 = 1
             ON CONFLICT (branch_id, bucket, measure, key) DO UPDATE SET n = tally_counts.n + excluded.n",
            both(&|bucket| measures_sql(bucket, filter, count))
        ),
        params,
    )?;
    for d in DISTINCT {
        conn.exec(
            &format!(
                "INSERT INTO {table} (branch_id, bucket, {column}, n) SELECT * FROM ({}) AS c WHERE 1 = 1
                 ON CONFLICT (branch_id, bucket, {column}) DO UPDATE SET n = {table}.n + excluded.n",
                both(&|bucket| distinct_sql(d, bucket, filter, count)),
                table = d.table,
                column = d.column,
            ),
            params,
        )?;
    }
    Ok(())
}

fn seq_filter(seqs: &[i64]) -> (String, Vec<Value>) {
    let list = (1..=seqs.len())
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    (
        format!("r.seq IN ({list})"),
        seqs.iter().map(|s| Value::Int(*s)).collect(),
    )
}

/// Keeps the summary tables exact through a write: `superseded` are records that were
/// the latest revision before it (a revision replaced them, or a review decision is
/// about to change them), `added` those that are now. Removed contributions that leave
/// a count at zero delete its row. Call it inside the write's transaction, after
/// [`lock_branch`].
pub(crate) fn refile(
    conn: &mut dyn Conn,
    superseded: &[i64],
    added: &[i64],
) -> Result<(), ServerStoreError> {
    for (seqs, sign) in [(superseded, -1), (added, 1)] {
        for chunk in seqs.chunks(500) {
            let (filter, params) = seq_filter(chunk);
            file(conn, &filter, &params, sign)?;
        }
    }
    for chunk in superseded.chunks(500) {
        let (filter, params) = seq_filter(chunk);
        let buckets = BUCKETS
            .map(|b| format!("SELECT r.branch_id, {b} FROM records r WHERE {filter}"))
            .join(" UNION ");
        for table in ["tally_counts", "tally_households", "tally_people"] {
            conn.exec(
                &format!("DELETE FROM {table} WHERE n = 0 AND (branch_id, bucket) IN ({buckets})"),
                &params,
            )?;
        }
    }
    Ok(())
}

/// Makes the writes that change one branch's counts wait for each other on PostgreSQL,
/// so each reads what the previous one committed before taking out and putting in
/// contributions (SQLite runs one writer at a time already).
pub(crate) fn lock_branch(
    conn: &mut dyn Conn,
    engine: Engine,
    branch: Uuid,
) -> Result<(), ServerStoreError> {
    if engine == Engine::Postgres {
        conn.exec(
            "SELECT pg_advisory_xact_lock(7263, hashtext($1))",
            &[branch.into()],
        )?;
    }
    Ok(())
}

/// Fills the summary tables from the stored records, emptying them first: migration
/// 008's backfill, and the repair after rows were changed by hand.
pub(crate) fn rebuild(conn: &mut dyn Conn) -> Result<(), ServerStoreError> {
    for table in ["tally_counts", "tally_households", "tally_people"] {
        conn.exec(&format!("DELETE FROM {table}"), &[])?;
    }
    file(conn, "r.latest = 1", &[], 1)
}

/// The records of an edge: `$1` the scope pattern, `$first` and the next its instants.
fn edge_filter(first: usize) -> String {
    format!(
        "r.latest = 1 AND r.area_path LIKE $1 AND r.event_at >= ${first} AND r.event_at < ${}",
        first + 1
    )
}

fn placeholders(from: usize, count: usize) -> String {
    (from..from + count)
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The counts of `split` inside `scope`, all read in one snapshot.
fn count(conn: &mut dyn Conn, scope: &Scope, split: &Split) -> Result<Counts, ServerStoreError> {
    let mut out = Counts::default();
    let pattern: Value = scope.like_pattern().into();
    let text = |row: &Row, i: usize| -> Result<String, ServerStoreError> {
        Ok(row.opt_text(i)?.unwrap_or_default())
    };
    // Whole years and months from the summaries.
    let whole: Vec<Value> = split
        .years
        .iter()
        .chain(&split.months)
        .map(Value::from)
        .collect();
    if !whole.is_empty() {
        let mut params = vec![pattern.clone()];
        params.extend(whole.iter().cloned());
        for row in conn.query(
            &format!(
                "SELECT t.branch_id, t.measure, t.key, CAST(SUM(t.n) AS BIGINT) FROM tally_counts t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({}) GROUP BY t.branch_id, t.measure, t.key",
                placeholders(2, whole.len())
            ),
            &params,
        )? {
            out.branches
                .entry(row.uuid(0)?)
                .or_default()
                .count(&row.text(1)?, text(&row, 2)?, row.int(3)?);
        }
    }
    if !split.every_month.is_empty() {
        let mut params = vec![pattern.clone()];
        params.extend(split.every_month.iter().map(Value::from));
        for row in conn.query(
            &format!(
                "SELECT t.bucket, t.measure, CAST(SUM(t.n) AS BIGINT) FROM tally_counts t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({}) AND t.measure IN ('gathering', 'sex', 'form') GROUP BY t.bucket, t.measure",
                placeholders(2, split.every_month.len())
            ),
            &params,
        )? {
            out.months.count(&row.text(0)?, &row.text(1)?, row.int(2)?);
        }
    }
    // The edges from the records.
    for edge in &split.edges {
        let params = vec![pattern.clone(), edge.from.into(), edge.to.into()];
        // No bucket is needed (an edge lies in one month): the record kind stands in.
        for row in conn.query(
            &measures_sql("r.kind", &edge_filter(2), "COUNT(*)"),
            &params,
        )? {
            let (measure, n) = (row.text(2)?, row.int(4)?);
            out.months.count(&edge.month, &measure, n);
            out.branches
                .entry(row.uuid(0)?)
                .or_default()
                .count(&measure, text(&row, 3)?, n);
        }
    }
    // Distinct counts over the whole period: the summaries' whole buckets and the edges'
    // records together.
    for d in DISTINCT {
        let mut parts = Vec::new();
        let mut params = vec![pattern.clone()];
        if !whole.is_empty() {
            parts.push(format!(
                "SELECT t.branch_id AS branch_id, t.{column} AS item FROM {table} t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({})",
                placeholders(2, whole.len()),
                column = d.column,
                table = d.table,
            ));
            params.extend(whole.iter().cloned());
        }
        for edge in &split.edges {
            parts.push(format!(
                "SELECT r.branch_id AS branch_id, {item} AS item FROM {from} WHERE r.kind = '{kind}' AND {NOT_REJECTED} AND {item} IS NOT NULL AND {filter}",
                item = d.item,
                from = source(d.attendees),
                kind = d.kind,
                filter = edge_filter(params.len() + 1),
            ));
            params.push(edge.from.into());
            params.push(edge.to.into());
        }
        if parts.is_empty() {
            continue;
        }
        for row in conn.query(
            &format!(
                "SELECT v.branch_id, COUNT(DISTINCT v.item) FROM ({}) AS v GROUP BY v.branch_id",
                parts.join(" UNION ALL ")
            ),
            &params,
        )? {
            let t = out.branches.entry(row.uuid(0)?).or_default();
            match d.table {
                "tally_people" => t.people += row.int(1)?,
                _ => t.households += row.int(1)?,
            }
        }
    }
    Ok(out)
}

impl ServerStore {
    /// The counts inside `scope` for a period cut as `split`, per branch and per month,
    /// read in one snapshot (the tables and their totals agree whatever is being written
    /// meanwhile). Branches without anything counted are absent.
    pub fn counts(&self, scope: &Scope, split: &Split) -> Result<Counts, ServerStoreError> {
        self.db.snapshot(|conn| count(conn, scope, split))
    }

    /// Empties and refills the summary tables from the records (what migration 008 did
    /// for the records stored before it): for a database whose records were written by
    /// something other than the server (a restore, a benchmark's generated rows).
    pub fn rebuild_tallies(&self) -> Result<(), ServerStoreError> {
        self.db.write(rebuild)
    }
}
