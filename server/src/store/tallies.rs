//! The indicators dashboard's counts, per branch, and the summary tables that make them
//! fast at a province's size (migration 009).
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
    /// came to, each walk-in once per gathering (a walk-in has no identity to match, so
    /// walk-ins are an additive count and only members are kept per branch for the
    /// distinct count).
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

    /// Drops the keys counted zero (what was added in a bucket and taken out again), so
    /// a count reads the same however its period was cut.
    fn prune(&mut self) {
        for map in [
            &mut self.gatherings,
            &mut self.attendees_by_sex,
            &mut self.attendees_by_ethnicity,
            &mut self.attendees_by_age,
            &mut self.surveys_by_form,
            &mut self.surveys_by_state,
        ] {
            map.retain(|_, n| *n != 0);
        }
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
            "walk_in" => {
                self.people += n;
                return;
            }
            _ => {
                // `unlinked`: surveys of households outside the registry.
                self.households += n;
                return;
            }
        };
        *into.entry(key).or_default() += n;
    }
}

/// Counts per Vietnam month (`YYYY-MM`) for the line by month, or per day (`YYYY-MM-DD`)
/// for the line by day.
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

/// Part of a month counted from the records: `[from, to)` inside `month`, added to or
/// taken out of the totals and the month's point on the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edge {
    /// The Vietnam month (`YYYY-MM`) it lies in.
    pub month: String,
    /// First instant.
    pub from: DateTime<Utc>,
    /// End (excluded).
    pub to: DateTime<Utc>,
    /// 1 when its records count toward the totals, -1 when they are taken out of a
    /// bucket read whole, 0 when they do not touch the totals.
    pub total: i64,
    /// The same for the month's point on the line.
    pub line: i64,
}

/// A period cut for counting, as signed sums: summary buckets (whole Vietnam years and
/// months) and parts of months counted from the records. A year mostly inside the period
/// is read whole, less what lies outside it; a month mostly inside, whole less the days
/// outside it. Every count, distinct ones included, is the sum of its terms: a household
/// or a person is in the period when the records naming it inside (the buckets' `n`
/// added, the parts outside taken out) are more than none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Split {
    /// Buckets (`YYYY` or `YYYY-MM`) of the totals, with their sign.
    pub buckets: Vec<(String, i64)>,
    /// Month buckets (`YYYY-MM`) of the line by month, with their sign.
    pub line: Vec<(String, i64)>,
    /// The parts counted from the records.
    pub edges: Vec<Edge>,
    /// For a short period, its instants `[from, to)`: its line is drawn day by day, each
    /// day counted from the records.
    pub days: Option<(DateTime<Utc>, DateTime<Utc>)>,
}

/// A branch's and a period's counts: per branch, and per month.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Each branch with anything counted.
    pub branches: HashMap<Uuid, Tally>,
    /// Month by month.
    pub months: MonthCounts,
    /// Day by day, for a short period (see [`Split::days`]).
    pub days: MonthCounts,
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
    Measure {
        name: "walk_in",
        kind: "gathering",
        attendees: true,
        // Always `1` (written as an expression, as `unlinked`'s key).
        key: "CAST(a.walk_in AS TEXT)",
        only: "r.review_state <> 'rejected' AND a.walk_in = 1",
    },
];

/// One indicator counted distinct within a branch: its summary `table`, and its `item`
/// over the latest revisions of `kind` that pass `only`.
struct Distinct {
    table: &'static str,
    column: &'static str,
    kind: &'static str,
    attendees: bool,
    item: &'static str,
    only: &'static str,
}

/// Households visited (registry households) and people reached (roster members; walk-ins
/// are the additive `walk_in`).
const DISTINCT: &[Distinct] = &[
    Distinct {
        table: "tally_households",
        column: "household",
        kind: "submission",
        attendees: false,
        item: "r.household",
        only: "1 = 1",
    },
    Distinct {
        table: "tally_people",
        column: "person",
        kind: "gathering",
        attendees: true,
        item: "a.person",
        only: "a.walk_in = 0",
    },
];

fn source(attendees: bool) -> &'static str {
    if attendees {
        "attendees a JOIN records r ON r.seq = a.record_seq"
    } else {
        "records r"
    }
}

/// The measures the line follows: gatherings, attendees (by sex) and surveys (by form).
const LINE: [&str; 3] = ["gathering", "sex", "form"];

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

/// `day, measure, n` of the indicators the line follows (see [`MonthCounts::count`]) for
/// the records passing `filter`, per Vietnam day.
fn line_sql(filter: &str) -> String {
    MEASURES
        .iter()
        .filter(|m| LINE.contains(&m.name))
        .map(|m| {
            format!(
                "SELECT r.event_day AS day, '{name}' AS measure, COUNT(*) AS n FROM {from}
                 WHERE r.kind = '{kind}' AND {only} AND {filter} GROUP BY r.event_day",
                name = m.name,
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
         WHERE r.kind = '{kind}' AND {NOT_REJECTED} AND {only} AND {item} IS NOT NULL AND {filter} GROUP BY r.branch_id, {bucket}, {item}",
        item = d.item,
        from = source(d.attendees),
        kind = d.kind,
        only = d.only,
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
/// 009's backfill, and the repair after rows were changed by hand.
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

/// `n` of a summary row, negated when its bucket is among the `negative` placeholders.
fn signed_n(negative: &[usize]) -> String {
    if negative.is_empty() {
        return "t.n".to_owned();
    }
    let list = negative
        .iter()
        .map(|i| format!("${i}"))
        .collect::<Vec<_>>()
        .join(", ");
    format!("CASE WHEN t.bucket IN ({list}) THEN -t.n ELSE t.n END")
}

/// Parameters for signed buckets after `params`: the `IN` list of them all and the
/// placeholders of those taken out.
fn bucket_params(params: &mut Vec<Value>, buckets: &[(String, i64)]) -> (String, Vec<usize>) {
    let first = params.len() + 1;
    let mut negative = Vec::new();
    for (i, (bucket, sign)) in buckets.iter().enumerate() {
        params.push(Value::from(bucket));
        if *sign < 0 {
            negative.push(first + i);
        }
    }
    (placeholders(first, buckets.len()), negative)
}

/// The counts of `split` inside `scope`, all read in one snapshot.
fn count(conn: &mut dyn Conn, scope: &Scope, split: &Split) -> Result<Counts, ServerStoreError> {
    let mut out = Counts::default();
    let pattern: Value = scope.like_pattern().into();
    let text = |row: &Row, i: usize| -> Result<String, ServerStoreError> {
        Ok(row.opt_text(i)?.unwrap_or_default())
    };
    // Whole buckets from the summaries.
    if !split.buckets.is_empty() {
        let mut params = vec![pattern.clone()];
        let (list, negative) = bucket_params(&mut params, &split.buckets);
        for row in conn.query(
            &format!(
                "SELECT t.branch_id, t.measure, t.key, CAST(SUM({n}) AS BIGINT) FROM tally_counts t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({list}) GROUP BY t.branch_id, t.measure, t.key",
                n = signed_n(&negative),
            ),
            &params,
        )? {
            out.branches
                .entry(row.uuid(0)?)
                .or_default()
                .count(&row.text(1)?, text(&row, 2)?, row.int(3)?);
        }
    }
    if !split.line.is_empty() {
        let mut params = vec![pattern.clone()];
        let (list, negative) = bucket_params(&mut params, &split.line);
        for row in conn.query(
            &format!(
                "SELECT t.bucket, t.measure, CAST(SUM({n}) AS BIGINT) FROM tally_counts t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({list}) AND t.measure IN ({line}) GROUP BY t.bucket, t.measure",
                n = signed_n(&negative),
                line = LINE.map(|m| format!("'{m}'")).join(", "),
            ),
            &params,
        )? {
            out.months.count(&row.text(0)?, &row.text(1)?, row.int(2)?);
        }
    }
    // The parts of months from the records.
    for edge in &split.edges {
        let params = vec![pattern.clone(), edge.from.into(), edge.to.into()];
        // No bucket is needed (an edge lies in one month): the record kind stands in.
        for row in conn.query(
            &measures_sql("r.kind", &edge_filter(2), "COUNT(*)"),
            &params,
        )? {
            let (measure, n) = (row.text(2)?, row.int(4)?);
            out.months.count(&edge.month, &measure, n * edge.line);
            if edge.total != 0 {
                out.branches.entry(row.uuid(0)?).or_default().count(
                    &measure,
                    text(&row, 3)?,
                    n * edge.total,
                );
            }
        }
    }
    if let Some((from, to)) = split.days {
        let params = vec![pattern.clone(), from.into(), to.into()];
        for row in conn.query(&line_sql(&edge_filter(2)), &params)? {
            out.days.count(&row.text(0)?, &row.text(1)?, row.int(2)?);
        }
    }
    // Distinct counts over the whole period: what names each item in the buckets and the
    // parts, signed, summed per item; an item counts when its sum is more than none.
    let signed =
        split.buckets.iter().any(|(_, n)| *n < 0) || split.edges.iter().any(|e| e.total < 0);
    for d in DISTINCT {
        let mut parts = Vec::new();
        let mut params = vec![pattern.clone()];
        if !split.buckets.is_empty() {
            let (list, negative) = bucket_params(&mut params, &split.buckets);
            parts.push(format!(
                "SELECT t.branch_id AS branch_id, t.{column} AS item, {n} AS n FROM {table} t JOIN areas ar ON ar.id = t.branch_id
                 WHERE ar.path LIKE $1 AND t.bucket IN ({list})",
                n = signed_n(&negative),
                column = d.column,
                table = d.table,
            ));
        }
        for edge in split.edges.iter().filter(|e| e.total != 0) {
            parts.push(format!(
                "SELECT r.branch_id AS branch_id, {item} AS item, {sign} AS n FROM {from} WHERE r.kind = '{kind}' AND {NOT_REJECTED} AND {only} AND {item} IS NOT NULL AND {filter}",
                item = d.item,
                sign = edge.total,
                from = source(d.attendees),
                kind = d.kind,
                only = d.only,
                filter = edge_filter(params.len() + 1),
            ));
            params.push(edge.from.into());
            params.push(edge.to.into());
        }
        if parts.is_empty() {
            continue;
        }
        let parts = parts.join(" UNION ALL ");
        let sql = if signed {
            format!(
                "SELECT i.branch_id, COUNT(*) FROM (SELECT v.branch_id AS branch_id FROM ({parts}) AS v
                 GROUP BY v.branch_id, v.item HAVING SUM(v.n) > 0) AS i GROUP BY i.branch_id"
            )
        } else {
            // Nothing taken out: every item named is in the period.
            format!(
                "SELECT v.branch_id, COUNT(DISTINCT v.item) FROM ({parts}) AS v GROUP BY v.branch_id"
            )
        };
        for row in conn.query(&sql, &params)? {
            let t = out.branches.entry(row.uuid(0)?).or_default();
            match d.table {
                "tally_people" => t.people += row.int(1)?,
                _ => t.households += row.int(1)?,
            }
        }
    }
    for tally in out.branches.values_mut() {
        tally.prune();
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

    /// Empties and refills the summary tables from the records (what migration 009 did
    /// for the records stored before it): for a database whose records were written by
    /// something other than the server (a restore, a benchmark's generated rows).
    pub fn rebuild_tallies(&self) -> Result<(), ServerStoreError> {
        self.db.write(rebuild)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::indicators::{Period, dashboard, recount};
    use crate::model::AreaLevel;

    /// Records as a server before migration 009 stored them (no Vietnam day, no
    /// summaries): a survey late on 31 March UTC (1 April in Vietnam) visiting a
    /// household, an unlinked one, a rejected one, one in its second revision, and a
    /// gathering with a roster member who also came to a second one and a walk-in.
    fn old_rows(branch: &crate::model::Area) -> String {
        let record = |uuid: &str,
                      revision: i64,
                      kind: &str,
                      household: &str,
                      at: &str,
                      latest: i64,
                      state: &str| {
            // A gathering's attendees as the phone sent them: who was checked in from
            // the roster (migration 012 reads it).
            let body = match uuid {
                "g1" => r#"{"attendees": [{"member_id": "member"}, {"member_id": null}]}"#,
                "g2" => r#"{"attendees": [{"member_id": "member"}]}"#,
                _ => "{}",
            };
            format!(
                "INSERT INTO records (uuid, revision, kind, branch_id, area_path, device_id, content_hash, body, created_at, received_at,
                    form_id, form_version, household, gathering_kind, event_at, latest, complete, review_state)
                 VALUES ('{uuid}', {revision}, '{kind}', '{id}', '{path}', 'd', 'x', '{body}', '{at}', '{at}',
                    {form}, {form}, {household}, {gathering}, '{at}', {latest}, 1, '{state}');",
                id = branch.id,
                path = branch.path,
                form = if kind == "submission" { "'survey'" } else { "NULL" },
                gathering = if kind == "gathering" { "'training'" } else { "NULL" },
            )
        };
        let mut sql = format!(
            "INSERT INTO accounts (id, username, display_name, role, area_id, password_hash, must_change_password, created_at)
                VALUES ('a', 'head', 'Head', 'branch_head', '{0}', 'x', 0, '2026-01-01T00:00:00.000000Z');
             INSERT INTO devices (id, token_hash, account_id, branch_id, label, created_at)
                VALUES ('d', 'x', 'a', '{0}', 'phone', '2026-01-01T00:00:00.000000Z');",
            branch.id
        );
        sql += &record(
            "s1",
            1,
            "submission",
            "'h1'",
            "2026-03-31T18:00:00.000000Z",
            1,
            "received",
        );
        sql += &record(
            "s2",
            1,
            "submission",
            "NULL",
            "2026-03-15T00:00:00.000000Z",
            1,
            "approved",
        );
        sql += &record(
            "s3",
            1,
            "submission",
            "'h2'",
            "2026-03-16T00:00:00.000000Z",
            1,
            "rejected",
        );
        sql += &record(
            "s4",
            1,
            "submission",
            "'h3'",
            "2026-03-17T00:00:00.000000Z",
            0,
            "received",
        );
        sql += &record(
            "s4",
            2,
            "submission",
            "'h1'",
            "2026-03-18T00:00:00.000000Z",
            1,
            "received",
        );
        sql += &record(
            "g1",
            1,
            "gathering",
            "NULL",
            "2026-03-10T02:00:00.000000Z",
            1,
            "received",
        );
        sql += &record(
            "g2",
            1,
            "gathering",
            "NULL",
            "2026-03-11T02:00:00.000000Z",
            1,
            "received",
        );
        sql += "INSERT INTO attendees (record_seq, position, sex, ethnicity, age_group, person, walk_in)
                SELECT seq, 0, 'female', 'hmong', 'adult', 'member', 0 FROM records WHERE uuid IN ('g1', 'g2');
            INSERT INTO attendees (record_seq, position, sex, ethnicity, age_group, person, walk_in)
                SELECT seq, 1, 'male', NULL, NULL, 'walk-in', 1 FROM records WHERE uuid = 'g1';
            DELETE FROM schema_migrations WHERE version IN (9, 12);
            ALTER TABLE attendees DROP COLUMN walk_in;
            DROP TABLE tally_counts;
            DROP TABLE tally_households;
            DROP TABLE tally_people;
            ALTER TABLE records DROP COLUMN event_day;";
        sql
    }

    /// Writes the old rows into `store`, takes migrations 009 and 012 back, and opens the
    /// database again with `reopen`, which applies them: their backfill must count them
    /// (012 finds the walk-ins in the gatherings' bodies).
    fn check_backfill(store: ServerStore, reopen: impl FnOnce() -> ServerStore) {
        let province = store
            .create_area(None, AreaLevel::Province, "Lai Châu")
            .unwrap();
        let commune = store
            .create_area(Some(province.id), AreaLevel::Commune, "Xã Bản Hon")
            .unwrap();
        let branch = store
            .create_area(Some(commune.id), AreaLevel::Branch, "Chi hội Bản Hon")
            .unwrap();
        let script = old_rows(&branch);
        store.db.write(|conn| conn.run_script(&script)).unwrap();
        drop(store);
        let store = reopen();
        let day = store
            .db
            .read(|c| c.query_opt("SELECT event_day FROM records WHERE uuid = 's1'", &[]))
            .unwrap()
            .unwrap()
            .text(0)
            .unwrap();
        assert_eq!(day, "2026-04-01", "the day on Vietnam's clock");
        let scope = Scope::All;
        for period in [
            Period::year(2026).unwrap(),
            Period::month(2026, 3).unwrap(),
            Period::range(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 4, 30).unwrap(),
            )
            .unwrap(),
            // The year less January, 1 to 10 March and December: buckets and parts of
            // months taken out.
            Period::range(
                chrono::NaiveDate::from_ymd_opt(2026, 2, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            )
            .unwrap(),
            Period::range(
                chrono::NaiveDate::from_ymd_opt(2026, 1, 20).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap(),
            )
            .unwrap(),
            Period::range(
                chrono::NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
                chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
            )
            .unwrap(),
        ] {
            assert_eq!(
                dashboard(&store, &scope, None, &period).unwrap(),
                recount(&store, &scope, None, &period).unwrap(),
                "{period:?}"
            );
        }
        let year = dashboard(&store, &scope, None, &Period::year(2026).unwrap()).unwrap();
        let t = &year.total;
        assert_eq!(
            t.surveys_by_state,
            [
                ("approved".to_owned(), 1),
                ("received".to_owned(), 2),
                ("rejected".to_owned(), 1)
            ]
            .into()
        );
        assert_eq!(t.surveys_by_form, [("survey".to_owned(), 3)].into());
        assert_eq!(t.households, 2, "h1 twice and one unlinked survey");
        assert_eq!(t.gatherings, [("training".to_owned(), 2)].into());
        assert_eq!((t.attendees(), t.people), (3, 2));
        assert_eq!(
            t.attendees_by_ethnicity,
            [(String::new(), 1), ("hmong".to_owned(), 2)].into()
        );
        assert_eq!((year.months[2].surveys, year.months[3].surveys), (2, 1));
    }

    #[test]
    fn migrations_009_and_012_count_the_records_already_stored() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().to_owned();
        check_backfill(ServerStore::open_sqlite(dir.path()).unwrap(), || {
            ServerStore::open_sqlite(&path).unwrap()
        });
        let Some(config) = crate::db::tests::fresh_postgres() else {
            return;
        };
        check_backfill(
            ServerStore::open_postgres(config.clone(), 2).unwrap(),
            || ServerStore::open_postgres(config, 2).unwrap(),
        );
    }
}
