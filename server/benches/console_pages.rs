//! Console first-byte benchmark (issue 11: "first byte under 50 ms with 100k submissions
//! stored"): 100,000 household-survey submissions stored through the API, then each
//! console page an officer opens first is fetched 20 times with the administrator's
//! session cookie; prints the median and the slowest time to the first byte of the
//! body, the whole answer's time, and the page's size, on SQLite and PostgreSQL.
//!
//! Run: `cargo bench -p branchbook-server --bench console_pages` (PostgreSQL when
//! `BRANCHBOOK_TEST_PG_URL` is set, e.g. after `source tests/postgres.sh`);
//! `BRANCHBOOK_BENCH_SUBMISSIONS` changes the size.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod bench;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use common::Backend;
use common::console::Browser;

const BATCH: usize = 500;
const ROUNDS: usize = 20;

/// Median and slowest of some durations, in milliseconds.
fn median_max(times: &mut [Duration]) -> (f64, f64) {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    (ms(times[times.len() / 2]), ms(times[times.len() - 1]))
}

async fn run(backend: Backend, submissions: usize) {
    let name = format!("{backend:?}");
    let Some(bench::Stored {
        server, form, last, ..
    }) = bench::stored(backend, submissions, BATCH).await
    else {
        return;
    };

    let mut browser = Browser::new(&server.base);
    let signed = browser.log_in("admin", "admin-chosen-password").await;
    assert!(signed.status.is_redirection(), "{}", signed.body);
    let cookie = browser
        .cookies
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("; ");
    let client = reqwest::Client::new();
    let pages = [
        "/".to_owned(),
        "/submissions".to_owned(),
        "/submissions?state=received".to_owned(),
        format!("/records/{last}"),
        "/households".to_owned(),
        "/gatherings".to_owned(),
        "/dashboard".to_owned(),
        "/phones".to_owned(),
        "/areas".to_owned(),
        "/accounts".to_owned(),
        "/rosters".to_owned(),
        "/forms".to_owned(),
        format!("/forms/{}/{}/preview", form.form_id, form.version),
        "/audit".to_owned(),
    ];
    println!("{name}: page | first byte median / max ms | whole median ms | KB");
    for page in &pages {
        let (mut first, mut whole, mut size) = (Vec::new(), Vec::new(), 0);
        for _ in 0..ROUNDS {
            let asked = Instant::now();
            let mut response = client
                .get(server.url(page))
                .header("cookie", &cookie)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), 200, "{page}");
            let mut bytes = 0;
            let mut seen_first = false;
            while let Some(chunk) = response.chunk().await.unwrap() {
                if !seen_first {
                    first.push(asked.elapsed());
                    seen_first = true;
                }
                bytes += chunk.len();
            }
            whole.push(asked.elapsed());
            size = bytes;
        }
        let (first_median, first_max) = median_max(&mut first);
        let (whole_median, _) = median_max(&mut whole);
        println!(
            "{name}: {page} | {first_median:.1} / {first_max:.1} | {whole_median:.1} | {:.1}",
            size as f64 / 1024.0
        );
    }
}

fn main() {
    let submissions = bench::size("BRANCHBOOK_BENCH_SUBMISSIONS", 100_000);
    bench::on_runtime(async {
        run(Backend::Sqlite, submissions).await;
        run(Backend::Postgres, submissions).await;
    });
}
