//! Disabling, enabling and renaming accounts, on both stores: a disabled branch head
//! cannot sign in, her open sessions and her phone stop at their next request, and all
//! of it comes back when she is enabled; an officer manages the branch heads of her
//! commune only, never an officer, an account elsewhere or herself; the console's pages
//! do the same through the shared functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::Browser;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// A commune with a branch, its officer and its branch head, plus a second commune's
/// branch head: (officer token, head id, head password, other head id).
async fn communes(server: &TestServer, admin: &str) -> (String, Uuid, String, Uuid) {
    let province = server
        .create_area(admin, None, "province", "Lai Châu")
        .await;
    let commune = server
        .create_area(admin, Some(province), "commune", "Xã Mường Tè")
        .await;
    let branch = server
        .create_area(admin, Some(commune), "branch", "Bản Nậm Củm")
        .await;
    let other_commune = server
        .create_area(admin, Some(province), "commune", "Xã Bum Nưa")
        .await;
    let other_branch = server
        .create_area(admin, Some(other_commune), "branch", "Bản Pa Ủ")
        .await;
    let (_, officer_once) = server
        .create_account(admin, "canbo.muongte", "officer", Some(commune))
        .await;
    let officer = server.login_fresh("canbo.muongte", &officer_once).await;
    let (head, head_once) = server
        .create_account(admin, "chihoi.namcum", "branch_head", Some(branch))
        .await;
    let (other, _) = server
        .create_account(admin, "chihoi.pau", "branch_head", Some(other_branch))
        .await;
    (officer, head, head_once, other)
}

async fn a_disabled_account_stops_everywhere_until_enabled(server: TestServer) {
    let admin = server.admin().await;
    let (officer, head, head_once, other) = communes(&server, &admin).await;
    let (status, body) = server.enrollment_code(&officer, head).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, phone) = server.enroll(body["code"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK, "{phone}");
    let device = phone["token"].as_str().unwrap().to_owned();
    let head_session = server.login_fresh("chihoi.namcum", &head_once).await;
    let (status, _) = server.get("/api/v1/manifest", &device).await;
    assert_eq!(status, StatusCode::OK);

    // Her officer disables her: session, phone and sign-in all stop.
    let disable = format!("/api/v1/office/accounts/{head}/disable");
    let (status, body) = server.post(&disable, Some(&officer), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["disabled"], true);
    let (status, _) = server.get("/api/v1/office/me", &head_session).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.get("/api/v1/manifest", &device).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .login("chihoi.namcum", "chihoi.namcum-chosen-password")
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "answered like a wrong password"
    );
    let (_, listed) = server.get("/api/v1/office/accounts", &officer).await;
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["username"] == "chihoi.namcum")
        .unwrap()
        .clone();
    assert_eq!(row["disabled"], true, "the list says so");

    // Enabled again: she signs in with her own password and her phone works again.
    let enable = format!("/api/v1/office/accounts/{head}/enable");
    let (status, body) = server.post(&enable, Some(&officer), &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _) = server
        .login("chihoi.namcum", "chihoi.namcum-chosen-password")
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get("/api/v1/manifest", &device).await;
    assert_eq!(status, StatusCode::OK);

    // Renamed: NFC, trimmed; empty refused.
    let rename = format!("/api/v1/office/accounts/{head}/display-name");
    let (status, body) = server
        .post(
            &rename,
            Some(&officer),
            &json!({"display_name": "  Lò Thị Xua\u{0302}\u{0309}n  "}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["display_name"], "Lò Thị Xuẩn");
    let (status, _) = server
        .post(&rename, Some(&officer), &json!({"display_name": "   "}))
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // Least privilege: another commune's head, an officer and herself are not hers.
    let me = server.get("/api/v1/office/me", &officer).await.1["id"]
        .as_str()
        .unwrap()
        .to_owned();
    for (target, want) in [
        (other.to_string(), StatusCode::NOT_FOUND),
        (me.clone(), StatusCode::FORBIDDEN),
        (Uuid::new_v4().to_string(), StatusCode::NOT_FOUND),
    ] {
        for action in ["disable", "enable"] {
            let path = format!("/api/v1/office/accounts/{target}/{action}");
            let (status, body) = server.post(&path, Some(&officer), &json!({})).await;
            assert_eq!(status, want, "{action} {target}: {body}");
        }
    }
    let (status, _) = server
        .post(
            &format!("/api/v1/office/accounts/{me}/disable"),
            Some(&head_session_again(&server).await),
            &json!({}),
        )
        .await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a branch head manages no one"
    );
    // The administrator may disable the officer, who then stops too.
    let (status, _) = server
        .post(
            &format!("/api/v1/office/accounts/{me}/disable"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, _) = server.get("/api/v1/office/me", &officer).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

/// A fresh session of the branch head of `communes`.
async fn head_session_again(server: &TestServer) -> String {
    let (status, body) = server
        .login("chihoi.namcum", "chihoi.namcum-chosen-password")
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body["token"].as_str().unwrap().to_owned()
}

async fn the_console_disables_enables_and_renames(server: TestServer) {
    let admin = server.admin().await;
    let (_, head, _, other) = communes(&server, &admin).await;
    let mut officer = Browser::new(&server.base);
    officer
        .log_in("canbo.muongte", "canbo.muongte-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = officer.csrf().await;
    let page = officer
        .post(&format!("/accounts/{head}/disable"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Đã khóa tài khoản chihoi.namcum"),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!("/accounts/{head}/enable")));
    let page = officer
        .post(&format!("/accounts/{head}/enable"), &[("csrf", &csrf)])
        .await;
    assert!(page.body.contains("Đã mở khóa tài khoản chihoi.namcum"));
    // Renaming on the account's page; markup stays text.
    let page = officer.get(&format!("/accounts/{head}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"edit-account\""));
    let page = officer
        .post(
            &format!("/accounts/{head}"),
            &[("csrf", &csrf), ("display_name", "<i>Lò Thị Xuân</i>")],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        !page.body.contains("<i>Lò"),
        "markup in a name is never markup"
    );
    assert!(
        page.body.contains("&#60;i&#62;Lò Thị Xuân&#60;/i&#62;")
            || page.body.contains("&lt;i&gt;Lò Thị Xuân&lt;/i&gt;"),
        "{}",
        page.body
    );
    let page = officer
        .post(
            &format!("/accounts/{head}"),
            &[("csrf", &csrf), ("display_name", "")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Not hers: the other commune's head, by direct URL and by post; a forged token.
    assert_eq!(
        officer.get(&format!("/accounts/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    let page = officer
        .post(&format!("/accounts/{other}/disable"), &[("csrf", &csrf)])
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let page = officer
        .post(&format!("/accounts/{head}/disable"), &[("csrf", "forged")])
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
}

on_both_stores!(
    a_disabled_account_stops_everywhere_until_enabled,
    the_console_disables_enables_and_renames,
);
