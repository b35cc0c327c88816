//! Dashboard benchmark at the size: a province of 1,000 branches (50 communes of
//! 20) holding 1,000,000 submissions and 100,000 gatherings of 10 attendees each (6 roster
//! members of a roster of 40 per branch, 4 walk-ins), spread over three years, on SQLite
//! and PostgreSQL. The rows are generated with SQL straight into the server's tables (a
//! push of a million records through the API takes over an hour on this machine), so
//! the bench measures reading, not ingest; the summary tables are then rebuilt from them
//! the way the migration that added them backfills a database. The dashboard is counted
//! through [`indicators::dashboard`], the function the page and the JSON API call, for
//! the province over four periods: best and median of five; then once from the records
//! alone ([`indicators::recount`], how the dashboard counted before the summary tables),
//! which must give the same answer.
//!
//! The target: under 1 s on PostgreSQL, under 2 s on SQLite. Sizes change with
//! `BENCH_SUBMISSIONS` and `BENCH_GATHERINGS`.
//!
//! Run: `cargo bench -p branchbook-server --bench dashboard` (PostgreSQL when
//! `BRANCHBOOK_TEST_PG_URL` is set, e.g. after `source tests/postgres.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Instant;

use branchbook_server::indicators::{Period, dashboard, recount};
use branchbook_server::model::{Area, AreaLevel, Scope};
use chrono::NaiveDate;
use common::{Engine, size};

const COMMUNES: usize = 50;
const BRANCHES_PER_COMMUNE: usize = 20;
/// Minutes in the three years the records are spread over (2025 to 2027).
const SPAN_MINUTES: usize = 3 * 365 * 24 * 60;

/// The generated rows, in each engine's dialect: `{N}` submissions, `{G}` gatherings
/// over the branches of `bench_branches(k, id, path)`.
fn generator(engine: Engine, submissions: usize, gatherings: usize) -> String {
    let branches = COMMUNES * BRANCHES_PER_COMMUNE;
    // The series of numbers, a time `{I}` minutes into the three years, and the same
    // time's Vietnam day (as migration 009 and the push write it).
    let (series, time, day) = match engine {
        Engine::Sqlite => (
            "WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < {LAST})",
            "strftime('%Y-%m-%dT%H:%M:%S', '2025-01-01T00:00:00', '+' || ({I} * {SPAN} / {COUNT}) || ' minutes') || '.000000Z'",
            "strftime('%Y-%m-%d', '2025-01-01T07:00:00', '+' || ({I} * {SPAN} / {COUNT}) || ' minutes')",
        ),
        Engine::Postgres => (
            "WITH s(i) AS (SELECT generate_series(0, {LAST})::bigint)",
            "to_char(timestamp '2025-01-01' + ({I} * {SPAN} / {COUNT}) * interval '1 minute', 'YYYY-MM-DD\"T\"HH24:MI:SS') || '.000000Z'",
            "to_char(timestamp '2025-01-01 07:00' + ({I} * {SPAN} / {COUNT}) * interval '1 minute', 'YYYY-MM-DD')",
        ),
    };
    let times = |time: &str, count: usize| {
        time.replace("{I}", "s.i")
            .replace("{SPAN}", &SPAN_MINUTES.to_string())
            .replace("{COUNT}", &count.to_string())
    };
    let records = |count: usize, kind: &str, fields: &str| {
        format!(
            "INSERT INTO records (uuid, revision, kind, branch_id, area_path, device_id, content_hash, body, created_at, received_at,
                form_id, form_version, household, gathering_kind, event_at, event_day, latest, complete, review_state)
             {series} SELECT '{kind}-' || s.i, 1, '{kind}', b.id, b.path, 'bench-device', 'x', '{{}}', {t}, {t}, {fields}, {t}, {d}, 1, 1,
                CASE WHEN s.i % 20 = 0 THEN 'rejected' WHEN s.i % 20 < 5 THEN 'approved' WHEN s.i % 20 = 5 THEN 'has_issues' ELSE 'received' END
             FROM s JOIN bench_branches b ON b.k = s.i % {branches};",
            series = series.replace("{LAST}", &(count.max(1) - 1).to_string()),
            t = times(time, count),
            d = times(day, count),
        )
    };
    let mut sql = records(
        submissions,
        "submission",
        &format!(
            "CASE s.i % 3 WHEN 0 THEN 'household_survey' WHEN 1 THEN 'child_marriage' ELSE 'gbv_screening' END, '1',
             CASE WHEN s.i % 3 = 0 THEN NULL ELSE 'household-' || (s.i % {branches}) || '-' || ((s.i / {branches}) % 150) END, NULL"
        ),
    );
    sql += &records(
        gatherings,
        "gathering",
        "NULL, NULL, NULL, CASE s.i % 4 WHEN 0 THEN 'policy_dialogue' WHEN 1 THEN 'communication_session' WHEN 2 THEN 'training' ELSE 'club_meeting' END",
    );
    sql += "INSERT INTO attendees (record_seq, position, sex, ethnicity, age_group, person, walk_in)
        SELECT r.seq, p.j, CASE WHEN p.j % 3 = 2 THEN 'male' ELSE 'female' END,
            CASE (r.seq + p.j) % 6 WHEN 0 THEN 'hmong' WHEN 1 THEN 'thai' WHEN 2 THEN 'dao' WHEN 3 THEN 'kinh' WHEN 4 THEN 'giay' ELSE NULL END,
            CASE (r.seq + p.j) % 4 WHEN 0 THEN 'child' WHEN 1 THEN 'youth' ELSE 'adult' END,
            CASE WHEN p.j < 6 THEN 'member-' || r.branch_id || '-' || ((r.seq + p.j * 7) % 40) ELSE 'walk-in-' || r.seq || '-' || p.j END,
            CASE WHEN p.j < 6 THEN 0 ELSE 1 END
        FROM records r JOIN bench_positions p ON 1 = 1 WHERE r.kind = 'gathering';";
    sql
}

/// The rows the generator needs: an account, a device, the branches by number and
/// attendee positions 0 to 9.
fn setup(branches: &[Area]) -> String {
    let mut sql = String::from(
        "CREATE TABLE bench_branches (k INTEGER PRIMARY KEY, id TEXT NOT NULL, path TEXT NOT NULL);
         CREATE TABLE bench_positions (j INTEGER PRIMARY KEY);
         INSERT INTO bench_positions (j) VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9);",
    );
    for (k, branch) in branches.iter().enumerate() {
        sql += &format!(
            "INSERT INTO bench_branches (k, id, path) VALUES ({k}, '{}', '{}');",
            branch.id, branch.path
        );
    }
    sql += &format!(
        "INSERT INTO accounts (id, username, display_name, role, area_id, password_hash, must_change_password, created_at)
            VALUES ('bench-account', 'bench', 'Bench', 'branch_head', '{0}', 'x', 0, '2025-01-01T00:00:00.000000Z');
         INSERT INTO devices (id, token_hash, account_id, branch_id, label, created_at)
            VALUES ('bench-device', 'x', 'bench-account', '{0}', 'bench', '2025-01-01T00:00:00.000000Z');",
        branches[0].id
    );
    sql
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

fn run(engine: Engine) {
    let (submissions, gatherings) = (
        size("BENCH_SUBMISSIONS", 1_000_000),
        size("BENCH_GATHERINGS", 100_000),
    );
    let Some(mut db) = common::Db::fresh(engine) else {
        println!("{engine:?}: skipped ({} not set)", common::PG_URL_VAR);
        return;
    };
    let province = db
        .store
        .create_area(None, AreaLevel::Province, "Tỉnh Lai Châu")
        .unwrap();
    let mut branches = Vec::new();
    for c in 0..COMMUNES {
        let commune = db
            .store
            .create_area(Some(province.id), AreaLevel::Commune, &format!("Xã {c}"))
            .unwrap();
        for b in 0..BRANCHES_PER_COMMUNE {
            branches.push(
                db.store
                    .create_area(
                        Some(commune.id),
                        AreaLevel::Branch,
                        &format!("Chi hội {c}-{b}"),
                    )
                    .unwrap(),
            );
        }
    }
    let started = Instant::now();
    db.run(&setup(&branches));
    db.run(&generator(engine, submissions, gatherings));
    let generated = started.elapsed().as_secs_f64();
    let started = Instant::now();
    db.store.rebuild_tallies().unwrap();
    println!(
        "{engine:?}: generated {submissions} submissions, {gatherings} gatherings and {} attendees over {} branches in {generated:.1} s; summaries rebuilt in {:.1} s",
        gatherings * 10,
        branches.len(),
        started.elapsed().as_secs_f64()
    );
    let store = &db.store;
    let scope = Scope::Under(province.path.clone());
    for (what, period) in [
        (
            "three years",
            Period::range(day("2025-01-01"), day("2027-12-31")),
        ),
        (
            "three years less two half months",
            Period::range(day("2025-01-16"), day("2027-12-15")),
        ),
        ("a year", Period::year(2026)),
        ("a month", Period::month(2026, 3)),
    ] {
        let period = period.unwrap();
        let mut times = Vec::new();
        let mut answer = None;
        for _ in 0..5 {
            let started = Instant::now();
            answer = Some(dashboard(store, &scope, Some(&province), &period).unwrap());
            times.push(started.elapsed().as_secs_f64());
        }
        times.sort_by(f64::total_cmp);
        let answer = answer.unwrap();
        let started = Instant::now();
        let from_records = recount(store, &scope, Some(&province), &period).unwrap();
        let slow = started.elapsed().as_secs_f64();
        assert_eq!(answer, from_records, "the summaries agree with the records");
        let total = answer.total;
        println!(
            "{engine:?}: dashboard of the province for {what} ({} surveys, {} gatherings, {} attendees, {} people, {} households): best {:.3} s, median {:.3} s; counted from the records alone (the old way): {slow:.3} s",
            total.surveys_by_state.values().sum::<i64>(),
            total.gatherings.values().sum::<i64>(),
            total.attendees(),
            total.people,
            total.households,
            times[0],
            times[2]
        );
    }
}

fn main() {
    run(Engine::Sqlite);
    run(Engine::Postgres);
}
