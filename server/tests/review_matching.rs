//! A decision on every survey matching a filter, on both stores, with the server's cap
//! lowered to 2 (`max_review_filtered`, 5,000 by default) so the cap is reached with a
//! commune's month of work: a filter matching more is refused with a clear message (in
//! Vietnamese and English on the console) and reviews nothing; one matching exactly the
//! cap reviews them all. The JSON API takes the same filters as the submissions list and
//! follows the same rule (count, then confirm with the selection), inside the caller's
//! area only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::officework::*;
use reqwest::StatusCode;
use serde_json::json;

/// The cap these tests run with.
const CAP: usize = 2;

fn capped(config: &mut branchbook_server::config::Config) {
    config.max_review_filtered = CAP;
}

/// The table's fields for a decision on every record matching `back`.
fn matching(back: &str, csrf: &str, selection: &str) -> Vec<(String, String)> {
    [
        ("scope", "filter"),
        ("state", "approved"),
        ("comment", "Đã kiểm tra"),
        ("back", back),
        ("csrf", csrf),
        ("selection", selection),
    ]
    .iter()
    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
    .collect()
}

/// 10 to 20 March (Vietnam time): surveys 2 and 3, exactly the cap.
const TWO: &str = "from=10/03/2026&to=20/03/2026";

/// The console: more than the cap is refused in the officer's language and nothing is
/// recorded, also when the records grow past it between counting and confirming; at
/// the cap every matching record is reviewed.
async fn the_console_refuses_more_than_the_cap(server: TestServer) {
    let work = officework(&server).await;
    assert!(work.submissions.len() > CAP);
    let mut officer = officer_browser(&server).await;
    let csrf = officer.get("/submissions").await.csrf();
    let all_received = |states: Vec<String>| states.iter().all(|s| s == "received");

    let refused = post_fields(&mut officer, &matching("", &csrf, "")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
    assert!(
        refused
            .body
            .contains("Bộ lọc khớp hơn 2 phiếu: xin thu hẹp bộ lọc"),
        "{}",
        refused.body
    );
    assert!(all_received(review_states(&server, &work).await));
    officer.get("/lang/en?back=/submissions").await;
    let refused = post_fields(&mut officer, &matching("", &csrf, "")).await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST);
    assert!(
        refused
            .body
            .contains("More than 2 records match the filters: please narrow them"),
        "{}",
        refused.body
    );
    assert!(all_received(review_states(&server, &work).await));

    // Counted at the cap, then a third survey of those days arrives before the officer
    // confirms: refused whole, nothing recorded.
    let confirm = post_fields(&mut officer, &matching(TWO, &csrf, "")).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert!(
        confirm.body.contains("Confirm for 2 records"),
        "{}",
        confirm.body
    );
    let counted = selection(&confirm);
    let late = submission(6, 15 * 24 * 60, None);
    push_all(&server, &work.device, std::slice::from_ref(&late)).await;
    let grown = post_fields(&mut officer, &matching(TWO, &csrf, &counted)).await;
    assert_eq!(grown.status, StatusCode::BAD_REQUEST);
    assert!(grown.body.contains("More than 2 records match"));
    assert!(all_received(review_states(&server, &work).await));
    assert_eq!(
        review_state(&server, &work.officer, late.uuid).await,
        "received"
    );

    // At the cap (the late survey taken out by the state filter once it is reviewed on
    // its own): every matching record reviewed.
    let (status, _) = server
        .post(
            &format!("/api/v1/office/records/{}/review", late.uuid),
            Some(&work.officer),
            &json!({"state": "has_issues", "comment": "Ngày sai"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let back = format!("{TWO}&state=received");
    let confirm = post_fields(&mut officer, &matching(&back, &csrf, "")).await;
    assert!(
        confirm.body.contains("Confirm for 2 records"),
        "{}",
        confirm.body
    );
    let done = post_fields(&mut officer, &matching(&back, &csrf, &selection(&confirm))).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(
        review_states(&server, &work).await,
        [
            "received", "received", "approved", "approved", "received", "received"
        ]
    );
}

/// The API: the list's filters in the query string, a count and selection first, the
/// decision on exactly those surveys when the selection comes back; more than the cap,
/// a stale selection, another commune's area or a branch head: nothing recorded.
async fn the_api_reviews_every_matching_survey(server: TestServer) {
    let work = officework(&server).await;
    let decide = |query: &str, selection: Option<&str>| {
        let mut body = json!({"state": "rejected", "comment": "Thiếu chữ ký"});
        if let Some(selection) = selection {
            body["selection"] = json!(selection);
        }
        (format!("/api/v1/office/submissions/review?{query}"), body)
    };
    let post = |(path, body): (String, serde_json::Value), token: String| {
        let server = &server;
        async move { server.post(&path, Some(&token), &body).await }
    };
    let officer = work.officer.clone();
    let all_received = |states: Vec<String>| states.iter().all(|s| s == "received");

    // More than the cap: refused, in English, nothing recorded.
    let (status, body) = post(decide("", None), officer.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");
    assert!(
        common::error_of(&body)
            .detail
            .contains("More than 2 records match the filters"),
        "{body}"
    );
    // The first days of March hold survey 0 and the other commune's survey: the officer
    // counts only hers, and another commune's area is not hers to name.
    let first_days = "from=2026-03-01&to=2026-03-05";
    let (status, counted) = post(decide(first_days, None), officer.clone()).await;
    assert_eq!(status, StatusCode::OK, "{counted}");
    assert_eq!(counted["count"], 1);
    assert_eq!(counted["recorded"], false);
    let other_area = format!("{first_days}&area={}", work.other_commune);
    let (status, _) = post(decide(&other_area, None), officer.clone()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = post(decide(first_days, None), work.head_token.clone()).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a branch head reviews nothing"
    );
    assert!(all_received(review_states(&server, &work).await));

    // Counted, then a survey of those days arrives: the old selection is refused (409).
    let days = "from=2026-03-11&to=2026-03-15";
    let (_, counted) = post(decide(days, None), officer.clone()).await;
    assert_eq!(counted["count"], 1, "survey 2");
    let stale = counted["selection"].as_str().unwrap().to_owned();
    push_all(&server, &work.device, &[submission(6, 13 * 24 * 60, None)]).await;
    let (status, body) = post(decide(days, Some(&stale)), officer.clone()).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert!(all_received(review_states(&server, &work).await));

    // The branch filter, at the cap: counted, confirmed, recorded on exactly those.
    let query = format!("branch={}&from=2026-03-01&to=2026-03-10", work.branch);
    let (_, counted) = post(decide(&query, None), officer.clone()).await;
    assert_eq!(counted["count"], 2, "{counted}");
    let shown = counted["selection"].as_str().unwrap().to_owned();
    let (status, done) = post(decide(&query, Some(&shown)), officer.clone()).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["recorded"], true);
    assert_eq!(done["count"], 2);
    assert_eq!(done["state"], "rejected");
    assert_eq!(done["by"], OFFICER);
    let mut decided: Vec<String> = done["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap().to_owned())
        .collect();
    decided.sort();
    let mut expected: Vec<String> = work.submissions[..2]
        .iter()
        .map(|r| r.uuid.to_string())
        .collect();
    expected.sort();
    assert_eq!(decided, expected);
    assert_eq!(
        review_states(&server, &work).await,
        [
            "rejected", "rejected", "received", "received", "received", "received"
        ]
    );
    let (_, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", work.submissions[0].uuid),
            &work.officer,
        )
        .await;
    assert_eq!(detail["reviews"][0]["comment"], "Thiếu chữ ký");
    assert_other_commune_unreviewed(&server, &work).await;
    // Nothing matching: refused.
    let (status, body) = post(decide("state=approved", None), officer.clone()).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(common::error_of(&body).detail.contains("No record matches"));
}

on_both_stores!(
    tune = crate::capped;
    the_console_refuses_more_than_the_cap,
    the_api_reviews_every_matching_survey
);
