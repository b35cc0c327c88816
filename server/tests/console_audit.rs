//! The audit log, on both stores: administrative actions done through the API and the
//! console are logged with who did them (the first start's account as the server itself),
//! a refused action logs nothing, no password or code is ever in it, the page is paged
//! and only the administrator sees it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::Browser;
use common::officework::{HomeAreas, home_areas};
use reqwest::StatusCode;
use serde_json::json;

fn has(rows: &[[String; 4]], who: &str, action: &str, target: &str) -> bool {
    rows.iter()
        .any(|r| r[0] == who && r[1] == action && r[2] == target)
}

async fn administrative_actions_are_logged_and_shown_to_the_administrator(server: TestServer) {
    let admin = server.admin().await;
    let HomeAreas {
        province,
        commune,
        branch,
    } = home_areas(&server, &admin).await;
    // Refused: a name already used under the same parent.
    let (status, _) = server
        .post(
            "/api/v1/office/areas",
            Some(&admin),
            &json!({"parent_id": province, "level": "commune", "name": "Xã Bản Hồ"}),
        )
        .await;
    assert_eq!(status, StatusCode::CONFLICT);
    let (_, officer_once) = server
        .create_account(&admin, "can.bo.xa", "officer", Some(commune))
        .await;
    let officer = server.login_fresh("can.bo.xa", &officer_once).await;
    let (head, head_once) = server
        .create_account(&officer, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let (status, code) = server.enrollment_code(&officer, head).await;
    assert_eq!(status, StatusCode::OK);
    let code = code["code"].as_str().unwrap().to_owned();
    let (status, reset) = server
        .post(
            &format!("/api/v1/office/accounts/{head}/reset-password"),
            Some(&officer),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{reset}");
    let (status, _) = server
        .put_member(
            &officer,
            branch,
            &json!({"id": uuid::Uuid::now_v7(), "member_code": null, "full_name": "Thào Thị Dợ", "sex": "female",
                    "birth_year": 1990, "ethnicity": "hmong", "village": "Bản Dền", "phone": null, "archived": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);

    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let page = browser.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("href=\"/audit\""), "in the navigation");
    let rows = page.audit_rows();
    let server_itself = "Máy chủ (lần chạy đầu hoặc dòng lệnh)";
    for (who, action, target) in [
        (server_itself, "Tạo tài khoản", "Administrator (admin)"),
        ("Administrator", "Thêm địa bàn", "Lào Cai"),
        ("Administrator", "Thêm địa bàn", "Xã Bản Hồ"),
        ("Administrator", "Tạo tài khoản", "can.bo.xa (can.bo.xa)"),
        ("can.bo.xa", "Tạo tài khoản", "lo.thi.mai (lo.thi.mai)"),
        (
            "can.bo.xa",
            "Cấp mã kết nối điện thoại",
            "lo.thi.mai (lo.thi.mai)",
        ),
        ("can.bo.xa", "Cấp lại mật khẩu", "lo.thi.mai (lo.thi.mai)"),
        ("can.bo.xa", "Lưu danh sách hội viên", "Chi hội Bản Dền"),
    ] {
        assert!(
            has(&rows, who, action, target),
            "{who} {action} {target}: {rows:?}"
        );
    }
    assert_eq!(
        rows.iter().filter(|r| r[1] == "Thêm địa bàn").count(),
        3,
        "the refused area is not logged"
    );
    assert_eq!(rows[0][1], "Lưu danh sách hội viên", "newest first");
    let new_password = reset["one_time_password"].as_str().unwrap();
    for secret in [
        officer_once.as_str(),
        head_once.as_str(),
        &code,
        new_password,
    ] {
        assert!(!page.body.contains(secret), "a secret is in the log");
    }

    // Paged: 60 more actions make a second page.
    for i in 0..60 {
        server
            .create_area(&admin, Some(commune), "branch", &format!("Chi hội {i:02}"))
            .await;
    }
    let first = browser.get("/audit").await;
    assert_eq!(first.audit_rows().len(), 50);
    let marker = "id=\"audit-older\"";
    assert!(first.body.contains(marker));
    let at = first.body.find("href=\"/audit?before=").unwrap() + 6;
    let link = &first.body[at..at + first.body[at..].find('"').unwrap()];
    let older = browser.get(link).await;
    assert_eq!(older.status, StatusCode::OK);
    let rest = older.audit_rows();
    assert_eq!(rest.len(), 9 + 60 - 50);
    assert_eq!(
        rest.last().unwrap()[2],
        "Administrator (admin)",
        "the oldest entry"
    );
    assert!(!older.body.contains(marker));

    // Officers neither see the link nor the page.
    let mut officer_browser = Browser::new(&server.base);
    officer_browser
        .log_in("can.bo.xa", "can.bo.xa-chosen-password")
        .await
        .assert_redirect("/");
    let page = officer_browser.get("/audit").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.audit_rows().is_empty());
    let home = officer_browser.get("/").await;
    assert!(!home.body.contains("href=\"/audit\""));
}

on_both_stores!(administrative_actions_are_logged_and_shown_to_the_administrator);
