//! Login timing benchmark (issue 13, finding 6): a wrong password for a real account and a
//! login naming no account must take the same time, or the answer's delay tells a guesser
//! which usernames exist. Before the fix unknown names answered in 5.7 ms and real ones in
//! 78 ms. A real server on loopback (SQLite) answers `ROUNDS` rounds of one wrong password
//! for each of `ACCOUNTS` real accounts and one for each of as many unknown names, the two
//! kinds interleaved; the medians, 90th percentiles and their ratio are printed.
//!
//! Run: `cargo bench -p branchbook-server --bench login`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod bench;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use bench::{on_runtime, size};
use common::{Backend, TestServer};
use reqwest::StatusCode;

/// The median and 90th percentile of `samples`.
fn spread(mut samples: Vec<Duration>) -> (Duration, Duration) {
    samples.sort();
    let at = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.9))
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let accounts = size("BENCH_ACCOUNTS", 20);
    let rounds = size("BENCH_ROUNDS", 5);
    on_runtime(async move {
        // Throttling would lock the benchmark's own address after five failures.
        let server = TestServer::start(Backend::Sqlite, |c| c.free_failures = u32::MAX)
            .await
            .unwrap();
        let admin = server.admin().await;
        let province = server
            .create_area(&admin, None, "province", "Lai Châu")
            .await;
        let names: Vec<String> = (0..accounts).map(|i| format!("canbo{i}")).collect();
        for name in &names {
            server
                .create_account(&admin, name, "officer", Some(province))
                .await;
        }
        let mut known = Vec::new();
        let mut unknown = Vec::new();
        for round in 0..rounds {
            for (i, name) in names.iter().enumerate() {
                let attempts = [
                    (name.clone(), &mut known),
                    (format!("khongco{round}x{i}"), &mut unknown),
                ];
                for (username, samples) in attempts {
                    let started = Instant::now();
                    let (status, body) = server.login(&username, "mat-khau-sai-123").await;
                    samples.push(started.elapsed());
                    assert_eq!(status, StatusCode::UNAUTHORIZED, "{body}");
                }
            }
        }
        let (known_median, known_p90) = spread(known);
        let (unknown_median, unknown_p90) = spread(unknown);
        println!(
            "wrong password, real account: median {:.1} ms, p90 {:.1} ms ({} logins)",
            ms(known_median),
            ms(known_p90),
            accounts * rounds
        );
        println!(
            "unknown account:              median {:.1} ms, p90 {:.1} ms ({} logins)",
            ms(unknown_median),
            ms(unknown_p90),
            accounts * rounds
        );
        println!(
            "median ratio real/unknown: {:.2}",
            ms(known_median) / ms(unknown_median)
        );
    });
}
