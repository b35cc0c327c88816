//! Moving and archiving areas, on both stores: an area moves with everything under it
//! (its records follow: the new province's officer reads them, the old one's no longer,
//! and a later push lands in the new place), never under itself or its own subtree, only
//! under a higher level, never beside a sibling of the same name; an area in use below is
//! not archived; an archived area leaves the pickers while its records stay readable;
//! only the administrator does any of it, and each change is in the audit log.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::{Browser, Page};
use common::fixtures::household;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

/// Whether a record is readable with `token`.
async fn reads(server: &TestServer, token: &str, record: Uuid) -> bool {
    let (status, _) = server
        .get(&format!("/api/v1/office/records/{record}"), token)
        .await;
    status == StatusCode::OK
}

/// How many `<option>`s of the page name `name`.
fn offered(page: &Page, name: &str) -> usize {
    page.body.matches(&format!(">{name} (")).count()
}

async fn areas_move_and_archive_with_their_data(server: TestServer) {
    let admin = server.admin().await;
    let lao_cai = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let ha_giang = server
        .create_area(&admin, None, "province", "Hà Giang")
        .await;
    let ban_ho = server
        .create_area(&admin, Some(lao_cai), "commune", "Xã Bản Hồ")
        .await;
    let ta_van = server
        .create_area(&admin, Some(lao_cai), "commune", "Xã Tả Van")
        .await;
    let branch = server
        .create_area(&admin, Some(ban_ho), "branch", "Chi hội Bản Dền")
        .await;
    server
        .create_area(&admin, Some(ta_van), "branch", "Chi hội Bản Dền")
        .await;
    let mut tokens = Vec::new();
    for (name, area) in [("tinh.laocai", lao_cai), ("tinh.hagiang", ha_giang)] {
        let (_, once) = server
            .create_account(&admin, name, "officer", Some(area))
            .await;
        tokens.push(server.login_fresh(name, &once).await);
    }
    let (lao_cai_officer, ha_giang_officer) = (&tokens[0], &tokens[1]);
    let (head, _) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let phone = server.enrolled_device(&admin, head).await.token;
    let first = household(Uuid::now_v7(), 1, 0);
    server.push(&phone, std::slice::from_ref(&first)).await;
    assert!(reads(&server, lao_cai_officer, first.uuid).await);
    assert!(!reads(&server, ha_giang_officer, first.uuid).await);

    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = browser.csrf().await;
    let mv = |area: Uuid, parent: Uuid| {
        vec![
            ("csrf", csrf.clone()),
            ("area", area.to_string()),
            ("parent", parent.to_string()),
        ]
    };
    let mut send = async |path: &str, fields: Vec<(&str, String)>| {
        let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post(path, &refs).await
    };

    // Refused: under its own branch, under a commune (same level), beside a namesake.
    for (area, parent, status, why) in [
        (
            ban_ho,
            branch,
            StatusCode::UNPROCESSABLE_ENTITY,
            "under itself",
        ),
        (
            ban_ho,
            ta_van,
            StatusCode::UNPROCESSABLE_ENTITY,
            "cannot be placed under",
        ),
        (
            branch,
            ta_van,
            StatusCode::CONFLICT,
            "an area named Chi hội Bản Dền",
        ),
    ] {
        let page = send("/areas/move", mv(area, parent)).await;
        assert_eq!(page.status, status, "{}", page.body);
        assert!(page.body.contains(why), "{why}: {}", page.body);
    }
    assert!(
        reads(&server, lao_cai_officer, first.uuid).await,
        "nothing moved"
    );

    // The commune moves to Hà Giang with its branch and its record.
    let page = send("/areas/move", mv(ban_ho, ha_giang)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body
            .contains("Đã chuyển địa bàn Xã Bản Hồ cùng mọi thứ bên trong.")
    );
    assert!(reads(&server, ha_giang_officer, first.uuid).await);
    assert!(!reads(&server, lao_cai_officer, first.uuid).await);
    let later = household(Uuid::now_v7(), 1, 1);
    server.push(&phone, std::slice::from_ref(&later)).await;
    assert!(reads(&server, ha_giang_officer, later.uuid).await);
    assert!(!reads(&server, lao_cai_officer, later.uuid).await);
    let (status, areas) = server.get("/api/v1/office/areas", ha_giang_officer).await;
    assert_eq!(status, StatusCode::OK);
    let names: Vec<&str> = areas
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Hà Giang", "Xã Bản Hồ", "Chi hội Bản Dền"]);

    // Archive: not while its branch is in use; the branch first, then the commune.
    let one = |area: Uuid| vec![("csrf", csrf.clone()), ("area", area.to_string())];
    let page = send("/areas/archive", one(ban_ho)).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("archive those first"), "{}", page.body);
    let page = send("/areas/archive", one(branch)).await;
    assert!(
        page.body.contains("Đã lưu trữ địa bàn Chi hội Bản Dền."),
        "{}",
        page.body
    );
    let page = send("/areas/archive", one(ban_ho)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(
        page.body.matches("class=\"tag\"").count(),
        2,
        "marked in the tree"
    );
    assert_eq!(offered(&page, "Xã Bản Hồ"), 2, "only to rename and restore");
    assert_eq!(
        offered(&page, "Xã Tả Van"),
        5,
        "parent, rename, move, move into, archive"
    );
    let accounts = send("/areas/archive", one(branch)).await;
    assert_eq!(
        accounts.status,
        StatusCode::OK,
        "archiving twice is harmless"
    );
    let page = browser.get("/accounts").await;
    assert_eq!(
        offered(&page, "Chi hội Bản Dền"),
        1,
        "only the other commune's"
    );
    let rosters = browser.get("/rosters").await;
    assert!(
        rosters
            .body
            .contains("Lào Cai › Xã Tả Van › Chi hội Bản Dền<")
    );
    assert!(
        !rosters.body.contains("Xã Bản Hồ › Chi hội Bản Dền<"),
        "{}",
        rosters.body
    );
    // Its records stay readable, and nothing is created or moved into it.
    assert!(reads(&server, ha_giang_officer, first.uuid).await);
    let (status, _) = server
        .post(
            "/api/v1/office/areas",
            Some(&admin),
            &json!({"parent_id": ban_ho, "level": "branch", "name": "Chi hội Mới"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            &format!("/api/v1/office/areas/{ta_van}/parent"),
            Some(&admin),
            &json!({"parent_id": ban_ho}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);

    // Restore: the branch not before its commune.
    let restore = |area: Uuid| format!("/api/v1/office/areas/{area}/restore");
    let (status, _) = server
        .post(&restore(branch), Some(&admin), &json!({}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    for area in [ban_ho, branch] {
        let (status, body) = server.post(&restore(area), Some(&admin), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        assert_eq!(body["archived"], false);
    }

    // Only the administrator.
    for path in [
        format!("/api/v1/office/areas/{branch}/archive"),
        format!("/api/v1/office/areas/{ban_ho}/parent"),
    ] {
        let (status, _) = server
            .post(
                &path,
                Some(ha_giang_officer),
                &json!({"parent_id": lao_cai}),
            )
            .await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path}");
    }

    // Every change is in the audit log, the refused ones not.
    let rows = browser.get("/audit").await.audit_rows();
    let count = |action: &str| rows.iter().filter(|r| r[1] == action).count();
    assert_eq!(count("Chuyển địa bàn"), 1, "{rows:?}");
    assert_eq!(count("Lưu trữ địa bàn"), 2);
    assert_eq!(count("Khôi phục địa bàn"), 2);
    assert!(
        rows.iter()
            .any(|r| r[1] == "Chuyển địa bàn" && r[2] == "Xã Bản Hồ" && r[3] == "Hà Giang")
    );
}

on_both_stores!(areas_move_and_archive_with_their_data);
