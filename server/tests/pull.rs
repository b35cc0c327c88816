//! Pull: a device's roster and household changes come in pages after its cursor, each
//! change once, an edited household again (as its latest revision) after the cursor that
//! had its first one; an officer's review decisions on a branch's surveys come to that
//! branch's phones only, in the same order.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;

use branchbook_core::domain::Sex;
use branchbook_core::protocol::{
    Changes, Record, RecordStatus, ReviewNotice, ReviewState, RosterMember,
};
use common::TestServer;
use common::database::{migrate_again, run_sql};
use common::fixtures::*;
use common::officework::{officework, push_all, submission};
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

/// Every review notice a device pulls from the start.
async fn notices(server: &TestServer, device: &str) -> Vec<ReviewNotice> {
    pull_all(server, device, 0)
        .await
        .into_iter()
        .flat_map(|page| page.reviews)
        .collect()
}

async fn review(server: &TestServer, officer: &str, uuid: Uuid, state: &str, comment: &str) {
    let (status, body) = server
        .post(
            &format!("/api/v1/office/records/{uuid}/review"),
            Some(officer),
            &serde_json::json!({"state": state, "comment": comment}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

async fn review_decisions_reach_their_branch_only(server: TestServer) {
    let work = officework(&server).await;
    let survey = &work.submissions[0];
    review(
        &server,
        &work.officer,
        survey.uuid,
        "has_issues",
        "Thiếu ảnh",
    )
    .await;
    review(&server, &work.officer, survey.uuid, "rejected", "Sai hộ").await;
    review(
        &server,
        &work.officer,
        work.gatherings[0].uuid,
        "rejected",
        "x",
    )
    .await;
    // The other commune's survey is out of the officer's reach (and so of any notice).
    let (status, _) = server
        .post(
            &format!("/api/v1/office/records/{}/review", work.other[0].uuid),
            Some(&work.officer),
            &serde_json::json!({"state": "rejected", "comment": "no"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    review(&server, &work.admin, work.other[0].uuid, "approved", "").await;

    let mine = notices(&server, &work.device).await;
    let got: Vec<(Uuid, u32, &str, ReviewState)> = mine
        .iter()
        .map(|n| (n.uuid, n.revision, n.comment.as_str(), n.state))
        .collect();
    assert_eq!(
        got,
        [
            (survey.uuid, 1, "Thiếu ảnh", ReviewState::HasIssues),
            (survey.uuid, 1, "Sai hộ", ReviewState::Rejected),
        ],
        "surveys only (a gathering's decision stays on the server), oldest first"
    );
    assert!(mine[0].seq < mine[1].seq);
    let theirs = notices(&server, &work.other_device).await;
    assert_eq!(
        theirs.len(),
        1,
        "the other branch's phone sees its own decision only"
    );
    assert_eq!(theirs[0].uuid, work.other[0].uuid);

    // A pull after the last cursor brings nothing again; a corrected revision is reviewed anew.
    let cursor = pull_all(&server, &work.device, 0)
        .await
        .last()
        .unwrap()
        .next_cursor;
    assert!(
        pull_all(&server, &work.device, cursor)
            .await
            .iter()
            .all(|p| p.reviews.is_empty())
    );
    let mut corrected = submission(0, 0, survey_household(survey));
    corrected.uuid = survey.uuid;
    corrected.revision = 2;
    push_all(&server, &work.device, &[corrected]).await;
    review(&server, &work.officer, survey.uuid, "approved", "").await;
    let next: Vec<ReviewNotice> = pull_all(&server, &work.device, cursor)
        .await
        .into_iter()
        .flat_map(|p| p.reviews)
        .collect();
    assert_eq!(next.len(), 1);
    assert_eq!(
        (next[0].revision, next[0].state),
        (2, ReviewState::Approved)
    );
}

/// Decisions taken before review notices existed (before migration 005: no branch, no
/// revision, no place in the change order) reach the phone on its next pull once
/// migration 016 has placed them: oldest first, each with the revision it was taken on,
/// never one that a decision which already travelled superseded, never a gathering's,
/// never to another branch.
async fn decisions_taken_before_notices_reach_phones(server: TestServer) {
    let work = officework(&server).await;
    let s = &work.submissions;
    let officer = &work.officer;
    review(&server, officer, s[0].uuid, "rejected", "Sai tên chủ hộ").await;
    review(&server, officer, s[1].uuid, "has_issues", "Thiếu ảnh").await;
    review(&server, officer, s[1].uuid, "approved", "").await;
    review(&server, officer, s[2].uuid, "rejected", "Cũ").await;
    review(&server, officer, s[3].uuid, "has_issues", "Ngày sai").await;
    review(&server, officer, work.gatherings[0].uuid, "approved", "").await;
    review(
        &server,
        &work.admin,
        work.other[0].uuid,
        "rejected",
        "Xã khác",
    )
    .await;
    // Survey 3 corrected after its decision: the decision was on revision 1.
    let mut corrected = submission(3, 18 * 24 * 60, survey_household(&s[3]));
    corrected.uuid = s[3].uuid;
    corrected.revision = 2;
    push_all(&server, &work.device, &[corrected]).await;
    // The decisions as a server before migration 005 stored them.
    run_sql(
        &server,
        "UPDATE reviews SET branch_id = NULL, revision = NULL, change_seq = NULL;
         DELETE FROM schema_migrations WHERE version = 16;",
    )
    .await;
    // Survey 2's newer decision is taken after 005: it travels as any does.
    review(&server, officer, s[2].uuid, "approved", "Mới").await;
    let pages = pull_all(&server, &work.device, 0).await;
    let before: Vec<ReviewNotice> = pages.iter().flat_map(|p| p.reviews.clone()).collect();
    assert_eq!(before.len(), 1, "{before:?}");
    assert_eq!(
        (before[0].uuid, before[0].comment.as_str()),
        (s[2].uuid, "Mới")
    );
    let cursor = pages.last().unwrap().next_cursor;
    assert!(
        notices(&server, &work.other_device).await.is_empty(),
        "the old decisions reach nobody yet"
    );

    migrate_again(&server).await;
    let after: Vec<ReviewNotice> = pull_all(&server, &work.device, cursor)
        .await
        .into_iter()
        .flat_map(|p| p.reviews)
        .collect();
    let got: Vec<(Uuid, u32, &str, ReviewState)> = after
        .iter()
        .map(|n| (n.uuid, n.revision, n.comment.as_str(), n.state))
        .collect();
    assert_eq!(
        got,
        [
            (s[0].uuid, 1, "Sai tên chủ hộ", ReviewState::Rejected),
            (s[1].uuid, 1, "Thiếu ảnh", ReviewState::HasIssues),
            (s[1].uuid, 1, "", ReviewState::Approved),
            (s[3].uuid, 1, "Ngày sai", ReviewState::HasIssues),
        ],
        "every old decision on her surveys, oldest first, after her cursor"
    );
    assert!(after.windows(2).all(|w| w[0].seq < w[1].seq));
    assert!(after.iter().all(|n| n.seq > cursor));
    let theirs = notices(&server, &work.other_device).await;
    assert_eq!(
        theirs
            .iter()
            .map(|n| (n.uuid, n.comment.as_str()))
            .collect::<Vec<_>>(),
        [(work.other[0].uuid, "Xã khác")]
    );
    // Placed once: opening the store again moves nothing.
    let last = pull_all(&server, &work.device, cursor)
        .await
        .last()
        .unwrap()
        .next_cursor;
    migrate_again(&server).await;
    assert!(
        pull_all(&server, &work.device, last)
            .await
            .iter()
            .all(|p| p.reviews.is_empty())
    );
}

/// The household a survey record was a visit to.
fn survey_household(record: &Record) -> Option<Uuid> {
    match &record.body {
        branchbook_core::protocol::RecordBody::Submission(s) => s.household,
        _ => None,
    }
}

/// `POST /api/v1/office/reviews`: one decision on a selection, all or nothing inside
/// the officer's scope, reaching the phones exactly as single decisions do.
async fn a_decision_on_a_selection_is_all_or_nothing(server: TestServer) {
    let work = officework(&server).await;
    let chosen: Vec<Uuid> = work.submissions[..3].iter().map(|r| r.uuid).collect();
    let bulk = |records: Vec<Uuid>, state: &str| serde_json::json!({"records": records, "state": state, "comment": "Thiếu chữ ký"});
    let mut with_foreign = chosen.clone();
    with_foreign.push(work.other[0].uuid);
    let (status, _) = server
        .post(
            "/api/v1/office/reviews",
            Some(&work.officer),
            &bulk(with_foreign, "rejected"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "a foreign id refuses the whole decision"
    );
    let (status, _) = server
        .post(
            "/api/v1/office/reviews",
            Some(&work.head_token),
            &bulk(chosen.clone(), "rejected"),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a branch head does not review"
    );
    let (status, _) = server
        .post(
            "/api/v1/office/reviews",
            Some(&work.officer),
            &bulk(vec![chosen[0]; 501], "rejected"),
        )
        .await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let (status, _) = server
        .post(
            "/api/v1/office/reviews",
            Some(&work.officer),
            &bulk(vec![], "rejected"),
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(
        notices(&server, &work.device).await.is_empty(),
        "nothing was recorded"
    );
    for uuid in &chosen {
        let (_, detail) = server
            .get(&format!("/api/v1/office/records/{uuid}"), &work.officer)
            .await;
        assert_eq!(detail["record"]["review_state"], "received");
        assert_eq!(detail["reviews"], serde_json::json!([]));
    }

    let (status, body) = server
        .post(
            "/api/v1/office/reviews",
            Some(&work.officer),
            &bulk(chosen.clone(), "has_issues"),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["state"], "has_issues");
    assert_eq!(body["records"].as_array().unwrap().len(), 3);
    let mine = notices(&server, &work.device).await;
    let mut got: Vec<(Uuid, &str, ReviewState)> = mine
        .iter()
        .map(|n| (n.uuid, n.comment.as_str(), n.state))
        .collect();
    got.sort_by_key(|g| g.0);
    let mut want: Vec<(Uuid, &str, ReviewState)> = chosen
        .iter()
        .map(|u| (*u, "Thiếu chữ ký", ReviewState::HasIssues))
        .collect();
    want.sort_by_key(|g| g.0);
    assert_eq!(got, want, "each record's decision reaches its phone");
    assert!(notices(&server, &work.other_device).await.is_empty());
    let (_, list) = server
        .get("/api/v1/office/submissions?state=has_issues", &work.officer)
        .await;
    assert_eq!(list["items"].as_array().unwrap().len(), 3);
}

on_both_stores!(
    changes_come_in_pages_each_once,
    decisions_taken_before_notices_reach_phones,
    review_decisions_reach_their_branch_only,
    a_decision_on_a_selection_is_all_or_nothing
);
