//! Re-sending is always safe: every batch sent twice, in reverse order, and concurrently
//! from two connections leaves exactly one copy of each record; same id and revision
//! with other content is a conflict; revisions must not skip.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use branchbook_core::protocol::{Record, RecordStatus};
use common::TestServer;
use common::fixtures::*;
use reqwest::StatusCode;
use uuid::Uuid;

/// An admin, a published form, a branch with an enrolled device and an officer over it.
struct World {
    device: String,
    officer: String,
}

async fn world(server: &TestServer) -> World {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Hà Giang")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Lũng Cú")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Thèn Ván")
        .await;
    let (head, _) = server
        .create_account(&admin, "head", "branch_head", Some(branch))
        .await;
    server.publish_form(&admin, household_form().upload).await;
    let device = server.enrolled_device(&admin, head).await.token;
    World {
        device,
        officer: admin,
    }
}

/// How many stored (latest) submissions and gatherings the officer sees, by uuid.
async fn stored_counts(server: &TestServer, officer: &str) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for kind in ["submissions", "gatherings"] {
        let (status, page) = server
            .get(&format!("/api/v1/office/{kind}?limit=1000"), officer)
            .await;
        assert_eq!(status, StatusCode::OK);
        for item in page["items"].as_array().unwrap() {
            *counts
                .entry(item["uuid"].as_str().unwrap().to_owned())
                .or_default() += 1;
        }
    }
    counts
}

fn batch(households: &[Record], start: usize, n: usize) -> Vec<Record> {
    let form = household_form();
    let mut records: Vec<Record> = (start..start + n)
        .map(|i| submission(&form, i, Some(households[i % households.len()].uuid), None))
        .collect();
    records.extend((start..start + 3).map(|i| gathering(i, vec![])));
    records
}

async fn every_batch_twice_and_reversed(server: TestServer) {
    let w = world(&server).await;
    let households: Vec<Record> = (0..10).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    assert!(
        server
            .push(&w.device, &households)
            .await
            .results
            .iter()
            .all(|r| r.status == RecordStatus::Accepted)
    );
    let batches: Vec<Vec<Record>> = (0..3).map(|b| batch(&households, b * 50, 50)).collect();
    for b in &batches {
        assert!(
            server
                .push(&w.device, b)
                .await
                .results
                .iter()
                .all(|r| r.status == RecordStatus::Accepted)
        );
    }
    // Every batch again, then the batches in reverse order with their records reversed.
    for b in batches.iter().chain(batches.iter().rev()) {
        let mut records = b.clone();
        records.reverse();
        let results = server.push(&w.device, &records).await.results;
        for (record, result) in records.iter().zip(&results) {
            assert_eq!(
                (result.uuid, result.revision, result.status),
                (record.uuid, 1, RecordStatus::Duplicate)
            );
        }
    }
    let households_again = server.push(&w.device, &households).await.results;
    assert!(
        households_again
            .iter()
            .all(|r| r.status == RecordStatus::Duplicate)
    );
    let counts = stored_counts(&server, &w.officer).await;
    assert_eq!(counts.len(), 3 * 53);
    assert!(counts.values().all(|c| *c == 1));
}

async fn concurrent_pushes_store_one_copy(server: TestServer) {
    let w = world(&server).await;
    let households: Vec<Record> = (0..10).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    server.push(&w.device, &households).await;
    for round in 0..4 {
        let records = batch(&households, round * 100, 100);
        let mut reversed = records.clone();
        // Rounds 2 and 3 race one connection in order against one in reverse order
        // (on PostgreSQL two such transactions deadlock; the loser runs again).
        if round >= 2 {
            reversed.reverse();
        }
        // A second HTTP client: its own connection pool, so the two pushes travel on
        // different TCP connections.
        let second = reqwest::Client::new();
        let (a, b) = tokio::join!(
            server.push_raw(&w.device, &records, false),
            server.push_raw_with(&second, &w.device, &reversed, true)
        );
        assert_eq!(a.0, StatusCode::OK, "{}", a.1);
        assert_eq!(b.0, StatusCode::OK, "{}", b.1);
        let mut statuses: HashMap<Uuid, Vec<RecordStatus>> = HashMap::new();
        for answer in [a.1, b.1] {
            let response: branchbook_core::protocol::PushResponse =
                serde_json::from_value(answer).unwrap();
            for r in response.results {
                statuses.entry(r.uuid).or_default().push(r.status);
            }
        }
        assert_eq!(statuses.len(), records.len());
        for (uuid, mut s) in statuses {
            s.sort_by_key(|st| format!("{st:?}"));
            assert_eq!(
                s,
                vec![RecordStatus::Accepted, RecordStatus::Duplicate],
                "record {uuid}"
            );
        }
    }
    let counts = stored_counts(&server, &w.officer).await;
    assert_eq!(counts.len(), 4 * 103);
    assert!(counts.values().all(|c| *c == 1));
}

async fn same_id_other_content_is_a_conflict_and_revisions_must_not_skip(server: TestServer) {
    let w = world(&server).await;
    let id = Uuid::now_v7();
    let first = household(id, 1, 1);
    assert_eq!(
        server
            .push(&w.device, std::slice::from_ref(&first))
            .await
            .results[0]
            .status,
        RecordStatus::Accepted
    );
    let mut changed = household(id, 1, 1);
    changed.created_at = first.created_at + chrono::Duration::seconds(1);
    let results = server.push(&w.device, &[changed]).await.results;
    assert_eq!(results[0].status, RecordStatus::Conflict);
    assert!(
        results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("new revision")
    );
    // The edit as revision 2 is accepted; revision 4 skips 3 and is rejected.
    assert_eq!(
        server.push(&w.device, &[household(id, 2, 1)]).await.results[0].status,
        RecordStatus::Accepted
    );
    let results = server.push(&w.device, &[household(id, 4, 1)]).await.results;
    assert_eq!(results[0].status, RecordStatus::Rejected);
    assert!(
        results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("before revision 3")
    );
    // The phone pulls the newest revision only.
    let (_, changes) = server.get("/api/v1/changes?since=0", &w.device).await;
    let households = changes["households"].as_array().unwrap();
    assert_eq!(households.len(), 1);
    assert_eq!(households[0]["revision"], 2);
    // Resending the original revision 1 is still a duplicate, not a change.
    assert_eq!(
        server.push(&w.device, &[first]).await.results[0].status,
        RecordStatus::Duplicate
    );
}

async fn text_in_other_unicode_forms_is_the_same_content(server: TestServer) {
    let w = world(&server).await;
    let id = Uuid::now_v7();
    let composed = household(id, 1, 0);
    let mut decomposed = composed.clone();
    if let branchbook_core::protocol::RecordBody::Household(h) = &mut decomposed.body {
        use unicode_normalization::UnicodeNormalization;
        h.head_name = h.head_name.nfd().collect();
        assert_ne!(h.head_name, SENSITIVE_NAMES[0].to_owned() + " 0");
    }
    assert_eq!(
        server.push(&w.device, &[composed]).await.results[0].status,
        RecordStatus::Accepted
    );
    assert_eq!(
        server.push(&w.device, &[decomposed]).await.results[0].status,
        RecordStatus::Duplicate
    );
}

on_both_stores!(
    every_batch_twice_and_reversed,
    concurrent_pushes_store_one_copy,
    same_id_other_content_is_a_conflict_and_revisions_must_not_skip,
    text_in_other_unicode_forms_is_the_same_content,
);
