//! Pull: a device's roster and household changes come in pages after its cursor, each
//! change once, an edited household again (as its latest revision) after the cursor that
//! had its first one.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use branchbook_core::domain::Sex;
use branchbook_core::protocol::{Changes, Record, RecordStatus, RosterMember};
use common::TestServer;
use common::fixtures::*;
use reqwest::StatusCode;
use uuid::Uuid;

/// Pulls every page after `since`; returns the pages.
async fn pull_all(server: &TestServer, device: &str, since: i64) -> Vec<Changes> {
    let mut pages = Vec::new();
    let mut cursor = since;
    loop {
        let (status, body) = server
            .get(&format!("/api/v1/changes?since={cursor}"), device)
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let page: Changes = serde_json::from_value(body).unwrap();
        let more = page.more;
        assert!(page.next_cursor >= cursor, "the cursor never goes back");
        cursor = page.next_cursor;
        pages.push(page);
        if !more {
            return pages;
        }
    }
}

async fn changes_come_in_pages_each_once(server: TestServer) {
    let (enrolled, admin) = server.one_device().await;
    let device = enrolled.token;
    let households: Vec<Record> = (0..700).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    for batch in households.chunks(350) {
        let results = server.push(&device, batch).await.results;
        assert!(results.iter().all(|r| r.status == RecordStatus::Accepted));
    }
    let member = RosterMember {
        id: Uuid::new_v4(),
        member_code: None,
        full_name: "Vàng Thị Mỷ".into(),
        sex: Sex::Female,
        birth_year: None,
        ethnicity: Some("hmong".into()),
        village: "Bản Mòng".into(),
        phone: None,
        archived: false,
    };
    let (status, answer) = server
        .put_member(&admin, enrolled.branch.id, &serde_json::json!(member))
        .await;
    assert_eq!(status, StatusCode::OK, "{answer}");

    let pages = pull_all(&server, &device, 0).await;
    assert_eq!(pages.len(), 2, "500 changes a page");
    assert_eq!(pages[0].households.len() + pages[0].members.len(), 500);
    assert!(pages[0].more && !pages[1].more);
    let mut seen: HashMap<Uuid, u32> = HashMap::new();
    for page in &pages {
        for h in &page.households {
            assert!(
                seen.insert(h.uuid, h.revision).is_none(),
                "{} twice",
                h.uuid
            );
        }
    }
    assert_eq!(seen.len(), 700);
    assert!(households.iter().all(|h| seen[&h.uuid] == 1));
    assert_eq!(
        pages[1].members,
        vec![member],
        "the newest change comes last"
    );

    // Nothing new: an empty page at the same cursor. An edit: only it, at its new revision.
    let cursor = pages[1].next_cursor;
    let idle = pull_all(&server, &device, cursor).await;
    assert_eq!(idle.len(), 1);
    assert!(idle[0].households.is_empty() && idle[0].members.is_empty());
    assert_eq!(idle[0].next_cursor, cursor);
    let mut edited = households[3].clone();
    edited.revision = 2;
    assert_eq!(
        server.push(&device, &[edited.clone()]).await.results[0].status,
        RecordStatus::Accepted
    );
    let after = pull_all(&server, &device, cursor).await;
    let uuids: Vec<(Uuid, u32)> = after[0]
        .households
        .iter()
        .map(|h| (h.uuid, h.revision))
        .collect();
    assert_eq!(uuids, vec![(edited.uuid, 2)]);
}

on_both_stores!(changes_come_in_pages_each_once);
