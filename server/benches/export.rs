//! Export benchmark: 100,000 household-survey submissions exported as CSV through the
//! API, streamed (the client counts rows without keeping them), on SQLite and
//! PostgreSQL: rows per second and how much the process's peak memory grew while
//! exporting (it stays flat because the server sends one page of 1,000 at a time).
//!
//! Run: `cargo bench -p branchbook-server --bench export` (PostgreSQL when
//! `BRANCHBOOK_TEST_PG_URL` is set, e.g. after `source tests/postgres.sh`).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod bench;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use common::Backend;

const SUBMISSIONS: usize = 100_000;
const BATCH: usize = 500;

/// Peak resident memory of this process so far, in MB (`VmHWM`; 0 off Linux).
fn peak_rss_mb() -> f64 {
    branchbook_testing::memory::own_status_mb("VmHWM").unwrap_or(0.0)
}

/// Resets the peak so that the next reading covers only what follows (Linux).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

async fn run(backend: Backend) {
    let name = format!("{backend:?}");
    let Some(bench::Stored {
        server,
        admin,
        form,
        ..
    }) = bench::stored(backend, SUBMISSIONS, BATCH).await
    else {
        return;
    };

    reset_peak();
    let before = peak_rss_mb();
    let started = Instant::now();
    let path = format!(
        "/api/v1/office/forms/{}/{}/submissions.csv",
        form.form_id, form.version
    );
    let response = server
        .client
        .get(server.url(&path))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success());
    let mut response = response;
    let (mut lines, mut bytes) = (0usize, 0usize);
    while let Some(chunk) = response.chunk().await.unwrap() {
        bytes += chunk.len();
        lines += chunk.iter().filter(|b| **b == b'\n').count();
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(lines, SUBMISSIONS + 1, "header plus one row per submission");
    println!(
        "{name}: exported {SUBMISSIONS} rows ({:.0} MB of CSV) in {seconds:.1} s = {:.0} rows/s; peak memory {before:.0} MB before, {:.0} MB during the export",
        bytes as f64 / 1e6,
        SUBMISSIONS as f64 / seconds,
        peak_rss_mb()
    );
}

fn main() {
    bench::on_runtime(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
