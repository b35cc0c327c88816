//! The phone list's sync facts, on both stores: each pull and push records when the phone
//! last synced (shown in Vietnam time), the app version it reports and the records it
//! still holds afterwards; the two reported values are the phone's word, so anything
//! unreadable or hostile is dropped (the previous value stays) and never shown as markup.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use branchbook_core::protocol::{
    APP_VERSION_HEADER, CORE_VERSION_HEADER, PushRequest, WAITING_HEADER,
};
use common::TestServer;
use common::console::Browser;
use common::fixtures::household;
use common::officework::home_areas;
use reqwest::StatusCode;
use uuid::Uuid;

/// The cells of the device's row of the phone list.
async fn device_row(officer: &mut Browser, device: Uuid) -> String {
    let page = officer.get("/phones").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let at = page
        .body
        .find(&format!("/phones/{device}/revoke"))
        .unwrap_or_else(|| panic!("{device} not listed: {}", page.body));
    let start = page.body[..at].rfind("<tr>").unwrap();
    page.body[start..at].to_owned()
}

/// A cell's text by its class.
fn cell<'a>(row: &'a str, class: &str) -> &'a str {
    let marker = format!("<td class=\"{class}\">");
    let from = row.find(&marker).unwrap() + marker.len();
    &row[from..from + row[from..].find("</td>").unwrap()]
}

async fn pull(server: &TestServer, token: &str, version: &str, waiting: &str) {
    let response = server
        .client
        .get(format!("{}/api/v1/changes?since=0", server.base))
        .bearer_auth(token)
        .header(APP_VERSION_HEADER, version)
        .header(CORE_VERSION_HEADER, version)
        .header(WAITING_HEADER, waiting)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status(),
        StatusCode::OK,
        "a bad header never fails a pull"
    );
}

async fn phones_show_what_their_last_sync_reported(server: TestServer) {
    let admin = server.admin().await;
    let branch = home_areas(&server, &admin).await.branch;
    let (head, _) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let phone = server.enrolled_device(&admin, head).await;
    let mut officer = Browser::new(&server.base);
    officer
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");

    let row = device_row(&mut officer, phone.device_id).await;
    assert_eq!(cell(&row, "sync"), "Chưa đồng bộ", "{row}");
    assert_eq!((cell(&row, "version"), cell(&row, "waiting")), ("—", "—"));

    // A pull reports 7 records waiting on a phone running build 1.4.2+57 (its core
    // reported in the same words here).
    let before = chrono::Utc::now();
    pull(&server, &phone.token, "1.4.2+57", "7").await;
    let row = device_row(&mut officer, phone.device_id).await;
    assert_eq!(
        (cell(&row, "version"), cell(&row, "waiting")),
        ("1.4.2+57 <small class=\"core\">(lõi 1.4.2+57)</small>", "7")
    );
    let shown = cell(&row, "sync");
    let vietnam = |at: chrono::DateTime<chrono::Utc>| {
        (at + chrono::Duration::hours(7))
            .format("%d/%m/%Y %H:%M")
            .to_string()
    };
    assert!(
        [vietnam(before), vietnam(chrono::Utc::now())].contains(&shown.to_owned()),
        "{shown} is not Vietnam time"
    );

    // A push of 3 of its 5 waiting records: 2 are left on the phone.
    let records: Vec<_> = (0..3).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    let response = server
        .client
        .post(format!("{}/api/v1/records", server.base))
        .bearer_auth(&phone.token)
        .header(APP_VERSION_HEADER, "1.4.3")
        .header(CORE_VERSION_HEADER, "0.2.0")
        .header(WAITING_HEADER, "5")
        .json(&PushRequest { records })
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let row = device_row(&mut officer, phone.device_id).await;
    assert_eq!(
        (cell(&row, "version"), cell(&row, "waiting")),
        ("1.4.3 <small class=\"core\">(lõi 0.2.0)</small>", "2")
    );

    // Hostile or unreadable values are dropped: the last good ones stay, no markup.
    for (version, waiting) in [
        ("<script>alert(1)</script>", "-3"),
        ("1.4.3\"><b>x</b>", "4294967296"),
        (&*"9".repeat(200), "lots"),
    ] {
        pull(&server, &phone.token, version, waiting).await;
    }
    let page = officer.get("/phones").await;
    assert!(!page.body.contains("<script>alert") && !page.body.contains("<b>x</b>"));
    let row = device_row(&mut officer, phone.device_id).await;
    assert_eq!(
        (cell(&row, "version"), cell(&row, "waiting")),
        ("1.4.3 <small class=\"core\">(lõi 0.2.0)</small>", "2")
    );
    // Missing headers (an older phone) change only the time.
    let (status, _) = server.get("/api/v1/changes?since=0", &phone.token).await;
    assert_eq!(status, StatusCode::OK);
    let row = device_row(&mut officer, phone.device_id).await;
    assert_eq!(
        (cell(&row, "version"), cell(&row, "waiting")),
        ("1.4.3 <small class=\"core\">(lõi 0.2.0)</small>", "2")
    );
}

on_both_stores!(phones_show_what_their_last_sync_reported);
