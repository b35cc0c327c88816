//! The indicators dashboard's counts: per branch for a period, and per hour of the
//! period for the line by month. Every count here adds up across branches (a person, a
//! household and a roster member belong to one branch), so the dashboard sums branches
//! into sub-areas and sub-areas into the total without counting anyone twice.
//!
//! Latest revisions only; rejected records are left out of every count but the surveys
//! by review state (the one place an officer sees how many she rejected).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use super::{ServerStore, ServerStoreError};
use crate::db::{Conn, Row, Value};
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
}

/// Counts per hour (UTC, `2026-03-01T17`): whole hours map onto Vietnam's months
/// exactly, whatever the period.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HourCounts {
    /// Gatherings held.
    pub gatherings: BTreeMap<String, i64>,
    /// Their attendees.
    pub attendees: BTreeMap<String, i64>,
    /// Surveys (rejected left out).
    pub surveys: BTreeMap<String, i64>,
}

/// The records every count reads: latest revisions of `kind` inside the scope and
/// period. `$1` scope pattern, `$2`/`$3` the period.
fn base(kind: &str) -> String {
    format!(
        "r.kind = '{kind}' AND r.latest = 1 AND r.event_at >= $2 AND r.event_at < $3 AND r.area_path LIKE $1"
    )
}

const NOT_REJECTED: &str = "r.review_state <> 'rejected'";

fn grouped(
    conn: &mut dyn Conn,
    sql: &str,
    params: &[Value],
    mut each: impl FnMut(&Row) -> Result<(), ServerStoreError>,
) -> Result<(), ServerStoreError> {
    for row in conn.query(sql, params)? {
        each(&row)?;
    }
    Ok(())
}

impl ServerStore {
    /// Each branch's counts inside `scope` for records whose event time is in
    /// `[from, to)`. Branches without any record in the period are absent.
    pub fn branch_tallies(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<HashMap<Uuid, Tally>, ServerStoreError> {
        let params: Vec<Value> = vec![scope.like_pattern().into(), from.into(), to.into()];
        let gathering = base("gathering");
        let survey = base("submission");
        self.db.read(|conn| {
            let mut out: HashMap<Uuid, Tally> = HashMap::new();
            let text = |row: &Row, i: usize| -> Result<String, ServerStoreError> {
                Ok(row.opt_text(i)?.unwrap_or_default())
            };
            grouped(
                conn,
                &format!("SELECT r.branch_id, r.gathering_kind, COUNT(*) FROM records r WHERE {gathering} AND {NOT_REJECTED} GROUP BY r.branch_id, r.gathering_kind"),
                &params,
                |row| {
                    let t = out.entry(row.uuid(0)?).or_default();
                    *t.gatherings.entry(text(row, 1)?).or_default() += row.int(2)?;
                    Ok(())
                },
            )?;
            grouped(
                conn,
                &format!("SELECT r.branch_id, a.sex, a.ethnicity, a.age_group, COUNT(*) FROM attendees a JOIN records r ON r.seq = a.record_seq WHERE {gathering} AND {NOT_REJECTED} GROUP BY r.branch_id, a.sex, a.ethnicity, a.age_group"),
                &params,
                |row| {
                    let t = out.entry(row.uuid(0)?).or_default();
                    let n = row.int(4)?;
                    *t.attendees_by_sex.entry(text(row, 1)?).or_default() += n;
                    *t.attendees_by_ethnicity.entry(text(row, 2)?).or_default() += n;
                    *t.attendees_by_age.entry(text(row, 3)?).or_default() += n;
                    Ok(())
                },
            )?;
            grouped(
                conn,
                &format!("SELECT r.branch_id, COUNT(DISTINCT a.person) FROM attendees a JOIN records r ON r.seq = a.record_seq WHERE {gathering} AND {NOT_REJECTED} GROUP BY r.branch_id"),
                &params,
                |row| {
                    out.entry(row.uuid(0)?).or_default().people += row.int(1)?;
                    Ok(())
                },
            )?;
            grouped(
                conn,
                &format!("SELECT r.branch_id, r.form_id, r.review_state, COUNT(*) FROM records r WHERE {survey} GROUP BY r.branch_id, r.form_id, r.review_state"),
                &params,
                |row| {
                    let t = out.entry(row.uuid(0)?).or_default();
                    let (state, n) = (text(row, 2)?, row.int(3)?);
                    if state != "rejected" {
                        *t.surveys_by_form.entry(text(row, 1)?).or_default() += n;
                    }
                    *t.surveys_by_state.entry(state).or_default() += n;
                    Ok(())
                },
            )?;
            grouped(
                conn,
                &format!("SELECT r.branch_id, COUNT(DISTINCT r.household), COUNT(*) - COUNT(r.household) FROM records r WHERE {survey} AND {NOT_REJECTED} GROUP BY r.branch_id"),
                &params,
                |row| {
                    out.entry(row.uuid(0)?).or_default().households += row.int(1)? + row.int(2)?;
                    Ok(())
                },
            )?;
            Ok(out)
        })
    }

    /// Gatherings, attendees and surveys inside `scope` in `[from, to)`, per UTC hour.
    pub fn hour_counts(
        &self,
        scope: &Scope,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<HourCounts, ServerStoreError> {
        let params: Vec<Value> = vec![scope.like_pattern().into(), from.into(), to.into()];
        let gathering = base("gathering");
        let survey = base("submission");
        self.db.read(|conn| {
            let mut out = HourCounts::default();
            let mut by_hour = |sql: String,
                               into: &mut BTreeMap<String, i64>|
             -> Result<(), ServerStoreError> {
                grouped(conn, &sql, &params, |row| {
                    into.insert(row.text(0)?, row.int(1)?);
                    Ok(())
                })
            };
            by_hour(
                format!("SELECT substr(r.event_at, 1, 13), COUNT(*) FROM records r WHERE {gathering} AND {NOT_REJECTED} GROUP BY substr(r.event_at, 1, 13)"),
                &mut out.gatherings,
            )?;
            by_hour(
                format!("SELECT substr(r.event_at, 1, 13), COUNT(*) FROM attendees a JOIN records r ON r.seq = a.record_seq WHERE {gathering} AND {NOT_REJECTED} GROUP BY substr(r.event_at, 1, 13)"),
                &mut out.attendees,
            )?;
            by_hour(
                format!("SELECT substr(r.event_at, 1, 13), COUNT(*) FROM records r WHERE {survey} AND {NOT_REJECTED} GROUP BY substr(r.event_at, 1, 13)"),
                &mut out.surveys,
            )?;
            Ok(out)
        })
    }
}
