//! A push costs what its size says, not what its content says: a gzip body is inflated
//! off the async workers and refused (413) past a ratio and a size, records are counted
//! before any is built, and each record is held to per-record limits (its size, its
//! texts, its attendees and members, its dates) with a rejection of its own while the
//! rest of the batch goes in.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;

use branchbook_core::protocol::{Record, RecordBody, RecordStatus};
use chrono::{TimeZone, Utc};
use common::fixtures::*;
use common::program::Program;
use common::{Backend, TestServer, error_of, fresh_pg_url_blocking};
use reqwest::StatusCode;
use uuid::Uuid;

/// `{"records":[0,0,...]}` of `zeros` zeros, gzip-compressed at the best level.
fn gzip_bomb(zeros: usize) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(b"{\"records\":[0").unwrap();
    let chunk = ",0".repeat(64 * 1024);
    let mut left = zeros.saturating_sub(1);
    while left > 0 {
        let n = left.min(64 * 1024);
        encoder.write_all(&chunk.as_bytes()[..2 * n]).unwrap();
        left -= n;
    }
    encoder.write_all(b"]}").unwrap();
    encoder.finish().unwrap()
}

async fn a_gzip_bomb_of_records_is_refused_within_bounded_memory(backend: Backend) {
    let database_url = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => {
            match tokio::task::spawn_blocking(fresh_pg_url_blocking)
                .await
                .unwrap()
            {
                Some(url) => Some(url),
                None => return,
            }
        }
    };
    let data = tempfile::tempdir().unwrap();
    let running = Program::new(data.path().to_owned(), database_url).start();
    let password = running.one_time_password().unwrap();
    let admin = running.api.login_fresh("admin", &password).await;
    let device = running.api.branch_with_device(&admin).await;

    // 16 million zeros: 32 MiB of JSON in about 32 KiB of gzip.
    let bomb = gzip_bomb(16 * 1024 * 1024);
    assert!(bomb.len() < 40 * 1024, "{} bytes", bomb.len());
    let before = running.memory_kb("VmRSS");
    let client = reqwest::Client::new();
    for _ in 0..3 {
        let response = client
            .post(running.api.url("/api/v1/records"))
            .bearer_auth(&device.token)
            .header("content-encoding", "gzip")
            .body(bomb.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error_of(&body).error, "too_large", "{body}");
    }
    let peak = running.memory_kb("VmHWM");
    let growth_mib = peak.saturating_sub(before) as f64 / 1024.0;
    println!(
        "gzip bomb of {} bytes: RSS {before} KiB before, peak {peak} KiB ({growth_mib:.1} MiB growth)",
        bomb.len()
    );
    assert!(growth_mib < 50.0, "RSS grew by {growth_mib:.1} MiB");
    // The server is still there and takes a real push.
    let pushed = running
        .api
        .push(&device.token, &[household(Uuid::now_v7(), 1, 1)])
        .await;
    assert_eq!(pushed.results[0].status, RecordStatus::Accepted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_sqlite_a_gzip_bomb_of_records_is_refused_within_bounded_memory() {
    a_gzip_bomb_of_records_is_refused_within_bounded_memory(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_postgres_a_gzip_bomb_of_records_is_refused_within_bounded_memory() {
    a_gzip_bomb_of_records_is_refused_within_bounded_memory(Backend::Postgres).await;
}

async fn records_are_counted_before_they_are_built(server: TestServer) {
    let (device, _) = server.one_device().await;
    // 501 zeros: refused for their number, not for what they are.
    let body = format!("{{\"records\":[{}0]}}", "0,".repeat(500));
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/records"))
        .bearer_auth(&device.token)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let body: serde_json::Value = response.json().await.unwrap();
    assert!(error_of(&body).detail.contains("500"), "{body}");
    // 500 of them are each refused as malformed, the batch answered.
    let body = format!("{{\"records\":[{}0]}}", "0,".repeat(499));
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/records"))
        .bearer_auth(&device.token)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let body: serde_json::Value = response.json().await.unwrap();
    let results = body["results"].as_array().unwrap();
    assert_eq!(results.len(), 500);
    assert!(results.iter().all(|r| r["status"] == "rejected"));
}

fn with_gathering(
    mut record: Record,
    edit: impl FnOnce(&mut branchbook_core::protocol::GatheringBody),
) -> Record {
    if let RecordBody::Gathering(g) = &mut record.body {
        edit(g);
    }
    record
}

fn with_household(
    mut record: Record,
    edit: impl FnOnce(&mut branchbook_core::protocol::HouseholdBody),
) -> Record {
    if let RecordBody::Household(h) = &mut record.body {
        edit(h);
    }
    record
}

async fn each_record_is_held_to_its_own_limits(server: TestServer) {
    let (device, _) = server.one_device().await;
    let fine = household(Uuid::now_v7(), 1, 1);
    let crowd = with_gathering(gathering(1, vec![]), |g| {
        let one = g.attendees[0].clone();
        g.attendees = (0..2_001)
            .map(|_| {
                let mut a = one.clone();
                a.id = Uuid::new_v4();
                a
            })
            .collect();
    });
    let long_note = with_household(household(Uuid::now_v7(), 1, 2), |h| {
        h.notes = "ạ".repeat(10_001);
    });
    let huge = with_household(household(Uuid::now_v7(), 1, 3), |h| {
        let member = h.members[0].clone();
        h.members = vec![member; 150];
        h.notes = "x".repeat(9_000);
        for m in &mut h.members {
            m.name = "y".repeat(4_000);
        }
    });
    let mut ancient = household(Uuid::now_v7(), 1, 4);
    ancient.created_at = Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).unwrap();
    let far = with_gathering(gathering(2, vec![]), |g| {
        g.closed_at = Utc.with_ymd_and_hms(9999, 12, 31, 0, 0, 0).unwrap();
    });
    let old_member = with_household(household(Uuid::now_v7(), 1, 5), |h| {
        h.members[0].birth_year = Some(1066);
    });
    let also_fine = gathering(3, vec![]);
    let batch = [
        fine, crowd, long_note, huge, ancient, far, old_member, also_fine,
    ];
    let results = server.push(&device.token, &batch).await.results;
    let reason = |i: usize| results[i].reason.clone().unwrap_or_default();
    assert_eq!(results[0].status, RecordStatus::Accepted, "{results:?}");
    assert_eq!(results[7].status, RecordStatus::Accepted, "{results:?}");
    for i in 1..7 {
        assert_eq!(
            results[i].status,
            RecordStatus::Rejected,
            "{i}: {results:?}"
        );
        assert_eq!(
            results[i].uuid, batch[i].uuid,
            "the refusal names its record"
        );
    }
    assert!(reason(1).contains("2001 attendees"), "{}", reason(1));
    assert!(reason(2).contains("10001 characters"), "{}", reason(2));
    assert!(reason(3).contains("bytes per record"), "{}", reason(3));
    assert!(
        reason(4).contains("created_at is in the year 1"),
        "{}",
        reason(4)
    );
    assert!(
        reason(5).contains("closed_at is in the year 9999"),
        "{}",
        reason(5)
    );
    assert!(
        reason(6).contains("birth_year is in the year 1066"),
        "{}",
        reason(6)
    );
}

on_both_stores!(
    records_are_counted_before_they_are_built,
    each_record_is_held_to_its_own_limits,
);
