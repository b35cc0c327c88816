//! Dashboard benchmark: generated submissions and gatherings (with their attendees) pushed
//! through the API into one branch, then the indicators dashboard for the year asked
//! through the JSON API (the console's pages call the same function), on SQLite and
//! PostgreSQL: load time, then the dashboard's time (best and median of five).
//!
//! The target is a province with 1,000,000 submissions and 100,000 gatherings
//! (under 1 s on PostgreSQL, 2 s on SQLite); the sizes default to a tenth of that
//! (`BENCH_SUBMISSIONS`, `BENCH_GATHERINGS` change them).
//!
//! Run: `cargo bench -p branchbook-server --bench dashboard` (PostgreSQL when
//! `BRANCHBOOK_TEST_PG_URL` is set, e.g. after `source tests/postgres.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use branchbook_core::protocol::{PushResponse, Record, RecordStatus};
use common::fixtures::*;
use common::{Backend, PG_URL_VAR, TestServer};
use uuid::Uuid;

const BATCH: usize = 500;

fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

async fn push(server: &TestServer, device: &str, records: &[Record]) {
    for batch in records.chunks(BATCH) {
        let (status, body) = server.push_raw(device, batch, true).await;
        assert!(status.is_success(), "{body}");
        let response: PushResponse = serde_json::from_value(body).unwrap();
        assert!(
            response
                .results
                .iter()
                .all(|r| r.status == RecordStatus::Accepted)
        );
    }
}

async fn run(backend: Backend) {
    let name = format!("{backend:?}");
    let (submissions, gatherings) = (
        size("BENCH_SUBMISSIONS", 100_000),
        size("BENCH_GATHERINGS", 10_000),
    );
    let Some(server) = TestServer::start(backend, |c| c.max_batch_records = BATCH as u32).await
    else {
        println!("{name}: skipped ({PG_URL_VAR} not set)");
        return;
    };
    let form = household_form();
    let (enrolled, admin) = server.one_device().await;
    let device = enrolled.token;
    let households: Vec<Record> = (0..100).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    push(&server, &device, &households).await;
    let started = Instant::now();
    for start in (0..submissions).step_by(10 * BATCH) {
        let records: Vec<Record> = (start..(start + 10 * BATCH).min(submissions))
            .map(|i| {
                submission(
                    &form,
                    i,
                    (i % 3 > 0).then(|| households[i % 100].uuid),
                    None,
                )
            })
            .collect();
        push(&server, &device, &records).await;
    }
    let records: Vec<Record> = (0..gatherings).map(|i| gathering(i, Vec::new())).collect();
    push(&server, &device, &records).await;
    println!(
        "{name}: loaded {submissions} submissions and {gatherings} gatherings in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    let mut times = Vec::new();
    let mut answer = serde_json::Value::Null;
    for _ in 0..5 {
        let started = Instant::now();
        let (status, body) = server
            .get(
                "/api/v1/office/dashboard?period=range&from=2025-01-01&to=2027-12-31",
                &admin,
            )
            .await;
        times.push(started.elapsed().as_secs_f64());
        assert!(status.is_success(), "{body}");
        answer = body;
    }
    times.sort_by(f64::total_cmp);
    let counted: i64 = answer["total"]["surveys_by_state"]
        .as_object()
        .map_or(0, |m| {
            m.values().filter_map(serde_json::Value::as_i64).sum()
        });
    let held: i64 = answer["total"]["gatherings"].as_object().map_or(0, |m| {
        m.values().filter_map(serde_json::Value::as_i64).sum()
    });
    println!(
        "{name}: dashboard over {counted} surveys and {held} gatherings: best {:.3} s, median {:.3} s",
        times[0], times[2]
    );
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
