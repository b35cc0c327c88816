//! The officials' lists filter by form and by form version (the other filters, branch,
//! area, dates and review state, are exercised by the story and the security tests).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashSet;

use branchbook_core::protocol::{Record, RecordBody, RecordStatus};
use common::TestServer;
use common::fixtures::*;
use reqwest::StatusCode;
use serde_json::json;

/// The uuids the list at `query` shows the administrator.
async fn listed(server: &TestServer, admin: &str, query: &str) -> HashSet<String> {
    let (status, page) = server
        .get(
            &format!("/api/v1/office/submissions?limit=1000{query}"),
            admin,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["uuid"].as_str().unwrap().to_owned())
        .collect()
}

fn uuids(records: &[Record]) -> HashSet<String> {
    records.iter().map(|r| r.uuid.to_string()).collect()
}

async fn lists_filter_by_form_and_version(server: TestServer) {
    let (enrolled, admin) = server.one_device().await;
    let form = household_form();
    // A second published version of the same form, as the form model's JSON.
    server
        .publish_form(&admin, serde_json::to_vec(&model_form_json("9")).unwrap())
        .await;
    let current: Vec<Record> = (0..4).map(|i| submission(&form, i, None, None)).collect();
    let older: Vec<Record> = (0..3)
        .map(|i| {
            let mut record = submission(&form, 10 + i, None, None);
            if let RecordBody::Submission(s) = &mut record.body {
                s.form_version = "9".into();
                s.data = json!({"visit": {"head_name": "Hộ thử", "water": "well", "n_members": 2}});
            }
            record
        })
        .collect();
    let all: Vec<Record> = current.iter().chain(&older).cloned().collect();
    let results = server.push(&enrolled.token, &all).await.results;
    assert!(
        results.iter().all(|r| r.status == RecordStatus::Accepted),
        "{results:?}"
    );

    assert_eq!(listed(&server, &admin, "").await, uuids(&all));
    let by_form = format!("&form={}", form.form_id);
    assert_eq!(listed(&server, &admin, &by_form).await, uuids(&all));
    assert_eq!(
        listed(&server, &admin, &format!("{by_form}&version=9")).await,
        uuids(&older)
    );
    assert_eq!(
        listed(
            &server,
            &admin,
            &format!("{by_form}&version={}", form.version)
        )
        .await,
        uuids(&current)
    );
    assert!(
        listed(&server, &admin, "&form=no_such_form")
            .await
            .is_empty()
    );
}

on_both_stores!(lists_filter_by_form_and_version);
