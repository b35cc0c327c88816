//! Moving and archiving areas, on both stores: an area moves with everything under it
//! (its records follow: the new province's officer reads them, the old one's no longer,
//! and a later push lands in the new place), never under itself or its own subtree, only
//! under a higher level, never beside a sibling of the same name; an area in use below is
//! not archived; an archived area leaves the pickers while its records stay readable;
//! only the administrator does any of it, and each change is in the audit log. Only an
//! empty area is deleted (after a confirmation); one holding anything is refused, naming
//! what. Archiving closes an area to its people (sign-in, sessions, enrollment codes, new
//! accounts) but not to its phones, which still send what they gathered.
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

/// Two provinces, the first with two communes.
struct Provinces {
    lao_cai: Uuid,
    ha_giang: Uuid,
    ban_ho: Uuid,
    ta_van: Uuid,
}

/// Creates [`Provinces`] with the administrator's token.
async fn provinces(server: &TestServer, admin: &str) -> Provinces {
    let lao_cai = server.create_area(admin, None, "province", "Lào Cai").await;
    let ha_giang = server
        .create_area(admin, None, "province", "Hà Giang")
        .await;
    let mut communes = Vec::new();
    for name in ["Xã Bản Hồ", "Xã Tả Van"] {
        communes.push(
            server
                .create_area(admin, Some(lao_cai), "commune", name)
                .await,
        );
    }
    Provinces {
        lao_cai,
        ha_giang,
        ban_ho: communes[0],
        ta_van: communes[1],
    }
}

async fn areas_move_and_archive_with_their_data(server: TestServer) {
    let admin = server.admin().await;
    let Provinces {
        lao_cai,
        ha_giang,
        ban_ho,
        ta_van,
    } = provinces(&server, &admin).await;
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
            "Không thể chuyển Xã Bản Hồ vào chính nó hoặc vào một địa bàn bên trong nó.",
        ),
        (
            ban_ho,
            ta_van,
            StatusCode::UNPROCESSABLE_ENTITY,
            "Không thể đặt một xã dưới một xã",
        ),
        (
            branch,
            ta_van,
            StatusCode::CONFLICT,
            "Ở cùng chỗ này đã có địa bàn tên Chi hội Bản Dền",
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
    assert!(
        page.body.contains(
            "Xã Bản Hồ còn 1 địa bàn con đang dùng (như Chi hội Bản Dền): \
             hãy lưu trữ các địa bàn đó trước."
        ),
        "{}",
        page.body
    );
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
    assert_eq!(
        offered(&page, "Xã Bản Hồ"),
        3,
        "only to rename, restore and delete"
    );
    assert_eq!(
        offered(&page, "Xã Tả Van"),
        6,
        "parent, rename, move, move into, archive, delete"
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

/// What `DELETE /api/v1/office/areas/{id}` answers.
async fn delete(server: &TestServer, token: &str, area: Uuid) -> (StatusCode, serde_json::Value) {
    let path = format!("/api/v1/office/areas/{area}");
    server
        .call(reqwest::Method::DELETE, &path, Some(token), None)
        .await
}

/// The names of the areas the administrator's API lists.
async fn area_names(server: &TestServer, admin: &str) -> Vec<String> {
    let (status, areas) = server.get("/api/v1/office/areas", admin).await;
    assert_eq!(status, StatusCode::OK);
    areas
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap().to_owned())
        .collect()
}

async fn only_an_empty_area_is_deleted(server: TestServer) {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Hồ")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Bản Dền")
        .await;
    let typo = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Bản Dềnn")
        .await;
    let scoped = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Nậm Cang")
        .await;
    let (_, once) = server
        .create_account(&admin, "tinh.laocai", "officer", Some(province))
        .await;
    let officer = server.login_fresh("tinh.laocai", &once).await;
    let (head, _) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let phone = server.enrolled_device(&admin, head).await.token;
    server
        .push(
            &phone,
            &[
                household(Uuid::now_v7(), 1, 0),
                common::fixtures::gathering(0, Vec::new()),
            ],
        )
        .await;
    let (status, body) = server
        .put_member(
            &admin,
            branch,
            &json!({"id": Uuid::now_v7(), "member_code": null, "full_name": "Giàng Thị Dợ", "sex": "female",
                    "birth_year": 1980, "ethnicity": "hmong", "village": "Bản Dền", "phone": null, "archived": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let form = serde_json::to_vec(&common::fixtures::model_form_json("2026.1")).unwrap();
    let uploaded = reqwest::Client::new()
        .post(server.url("/api/v1/office/forms"))
        .bearer_auth(&admin)
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(uploaded.status(), StatusCode::OK);
    let (status, body) = server
        .post(
            "/api/v1/office/forms/household_survey/2026.1/publish",
            Some(&admin),
            &json!({"area": scoped}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The JSON API refuses an area that holds anything, naming what; officers may not.
    let (status, body) = delete(&server, &admin, branch).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(body["error"], "area_in_use");
    assert_eq!(
        body["detail"],
        "Chi hội Bản Dền still holds 1 household(s), 1 gathering(s), 1 account(s), 1 phone(s), \
         1 enrollment code(s), 1 roster member(s): archive it instead of deleting it"
    );
    let (status, body) = delete(&server, &admin, commune).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"].as_str().unwrap().contains("3 area(s) below"),
        "{body}"
    );
    let (status, body) = delete(&server, &admin, scoped).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("1 published form version(s)"),
        "{body}"
    );
    let (status, _) = delete(&server, &officer, typo).await;
    assert_eq!(status, StatusCode::FORBIDDEN);

    // The console: refused at once with what it holds, in the officer's language.
    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = browser.csrf().await;
    let page = browser
        .post(
            "/areas/delete",
            &[("csrf", &csrf), ("area", &branch.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(
        page.body.contains(
            "Không xóa được Chi hội Bản Dền: nơi này còn 1 hộ gia đình, 1 buổi sinh hoạt, \
             1 tài khoản, 1 điện thoại, 1 mã đăng ký điện thoại, 1 hội viên. Hãy lưu trữ thay vì xóa."
        ),
        "{}",
        page.body
    );
    browser.get("/lang/en?back=/areas").await;
    let page = browser
        .post(
            "/areas/delete",
            &[("csrf", &csrf), ("area", &commune.to_string())],
        )
        .await;
    assert!(
        page.body.contains(
            "Xã Bản Hồ cannot be deleted: it still holds 3 area(s) below. Archive it instead."
        ),
        "{}",
        page.body
    );
    browser.get("/lang/vi?back=/areas").await;

    // An empty one is shown to confirm; nothing goes before the confirmation, nor with a
    // forged token.
    let page = browser
        .post(
            "/areas/delete",
            &[("csrf", &csrf), ("area", &typo.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("id=\"confirm-delete\""));
    assert!(
        page.body
            .contains("Xóa hẳn địa bàn Chi hội Bản Dềnn? Việc này không hoàn tác được.")
    );
    assert!(
        area_names(&server, &admin)
            .await
            .contains(&"Chi hội Bản Dềnn".to_owned())
    );
    let forged = browser
        .post(
            "/areas/delete",
            &[
                ("csrf", "forged"),
                ("area", &typo.to_string()),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(
        area_names(&server, &admin)
            .await
            .contains(&"Chi hội Bản Dềnn".to_owned())
    );
    let page = browser
        .post(
            "/areas/delete",
            &[
                ("csrf", &csrf),
                ("area", &typo.to_string()),
                ("confirm", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Đã xóa địa bàn Chi hội Bản Dềnn."));
    assert_eq!(
        area_names(&server, &admin).await,
        [
            "Lào Cai",
            "Xã Bản Hồ",
            "Chi hội Bản Dền",
            "Chi hội Nậm Cang"
        ]
    );
    let (status, _) = delete(&server, &admin, typo).await;
    assert_eq!(status, StatusCode::NOT_FOUND, "gone");

    // The JSON API deletes an empty area too; the audit log keeps both by name.
    let other = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Tạm")
        .await;
    let (status, body) = delete(&server, &admin, other).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["name"], "Chi hội Tạm");
    let rows = browser.get("/audit").await.audit_rows();
    let deleted: Vec<&str> = rows
        .iter()
        .filter(|r| r[1] == "Xóa địa bàn")
        .map(|r| r[3].as_str())
        .collect();
    assert_eq!(deleted, ["Chi hội Tạm", "Chi hội Bản Dềnn"], "{rows:?}");
}

async fn archiving_closes_an_area_to_its_people_not_to_its_phones(server: TestServer) {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Hồ")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Bản Dền")
        .await;
    let (_, once) = server
        .create_account(&admin, "xa.banho", "officer", Some(commune))
        .await;
    let officer = server.login_fresh("xa.banho", &once).await;
    let (head, once) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let head_session = server.login_fresh("lo.thi.mai", &once).await;
    let phone = server.enrolled_device(&admin, head).await.token;
    let (late, _) = server
        .create_account(&admin, "vang.thi.sua", "branch_head", Some(branch))
        .await;
    let (status, open_code) = server.enrollment_code(&officer, late).await;
    assert_eq!(status, StatusCode::OK, "{open_code}");
    let before = household(Uuid::now_v7(), 1, 0);
    server.push(&phone, std::slice::from_ref(&before)).await;

    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = browser.csrf().await;
    let page = browser
        .post(
            "/areas/archive",
            &[("csrf", &csrf), ("area", &branch.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "Đã lưu trữ địa bàn Chi hội Bản Dền. 2 tài khoản của địa bàn này không đăng nhập được nữa. \
             1 điện thoại vẫn gửi được những phiếu còn trong máy"
        ),
        "{}",
        page.body
    );

    // Its people are out: the branch head's session and sign-in, the open code, any new
    // code or account there.
    let (status, _) = server.get("/api/v1/office/me", &head_session).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .login("lo.thi.mai", "lo.thi.mai-chosen-password")
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server.enroll(open_code["code"].as_str().unwrap()).await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the open code stopped working"
    );
    let (status, body) = server.enrollment_code(&admin, late).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "area_archived");
    let (status, body) = server
        .post(
            "/api/v1/office/accounts",
            Some(&admin),
            &json!({"username": "moi", "display_name": "Mới", "role": "branch_head", "area_id": branch}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let page = browser
        .post(
            "/accounts",
            &[
                ("csrf", &csrf),
                ("username", "moi"),
                ("display_name", "Mới"),
                ("role", "branch_head"),
                ("area", &branch.to_string()),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Chi hội Bản Dền đã được lưu trữ: hãy khôi phục trước."),
        "{}",
        page.body
    );

    // Its phone is not: what it gathered offline still arrives and is read.
    let after = household(Uuid::now_v7(), 1, 1);
    server.push(&phone, std::slice::from_ref(&after)).await;
    for record in [before.uuid, after.uuid] {
        assert!(reads(&server, &officer, record).await);
    }
    let (status, _) = server.get("/api/v1/manifest", &phone).await;
    assert_eq!(status, StatusCode::OK);

    // The commune's officer is out once the commune is archived too; the accounts page
    // says why; restoring lets everyone back in.
    let page = browser
        .post(
            "/areas/archive",
            &[("csrf", &csrf), ("area", &commune.to_string())],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let (status, _) = server.get("/api/v1/office/me", &officer).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let accounts = browser.get("/accounts").await;
    assert_eq!(
        accounts
            .body
            .matches("Địa bàn đã lưu trữ: không đăng nhập được")
            .count(),
        3,
        "{}",
        accounts.body
    );
    for area in [commune, branch] {
        let path = format!("/api/v1/office/areas/{area}/restore");
        let (status, body) = server.post(&path, Some(&admin), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for name in ["xa.banho", "lo.thi.mai"] {
        let (status, body) = server.login(name, &format!("{name}-chosen-password")).await;
        assert_eq!(status, StatusCode::OK, "{name}: {body}");
    }
    let (status, body) = server.enrollment_code(&admin, late).await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// A refusal as the console says it: the post, its fields, the status, and the
/// sentence in Vietnamese and in English.
struct Refused {
    path: &'static str,
    fields: Vec<(&'static str, String)>,
    status: StatusCode,
    vi: String,
    en: String,
}

async fn every_refusal_is_said_in_the_officers_language(server: TestServer) {
    use common::officework::{BRANCH, COMMUNE, home_areas};
    let admin = server.admin().await;
    let home = home_areas(&server, &admin).await;
    let ta_van = server
        .create_area(&admin, Some(home.province), "commune", "Xã Tả Van")
        .await;
    server
        .publish_form(
            &admin,
            serde_json::to_vec(&common::fixtures::model_form_json("7")).unwrap(),
        )
        .await;
    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = browser.csrf().await;
    let logged = browser.get("/audit").await.audit_rows().len();
    let area = |level: &str, parent: Option<Uuid>, name: &str| {
        vec![
            ("level", level.to_owned()),
            ("parent", parent.map(|p| p.to_string()).unwrap_or_default()),
            ("name", name.to_owned()),
        ]
    };
    let account = |username: &str, role: &str, area: Option<Uuid>| {
        vec![
            ("username", username.to_owned()),
            ("display_name", "Lò Thị Mai".to_owned()),
            ("role", role.to_owned()),
            ("area", area.map(|a| a.to_string()).unwrap_or_default()),
        ]
    };
    let cases = [
        Refused {
            path: "/areas",
            fields: area("commune", Some(home.province), COMMUNE),
            status: StatusCode::CONFLICT,
            vi: format!("Ở cùng chỗ này đã có địa bàn tên {COMMUNE}: hãy chọn tên khác."),
            en: format!(
                "An area named {COMMUNE} already exists in the same place: choose another name."
            ),
        },
        Refused {
            path: "/areas",
            fields: area("branch", Some(home.branch), "Chi hội Mới"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Không thể đặt một chi hội dưới một chi hội: địa bàn cấp trên phải cao hơn."
                .into(),
            en: "A branch cannot be placed under a branch: the area above must be of a higher level."
                .into(),
        },
        Refused {
            path: "/areas",
            fields: area("commune", None, "Xã Mới"),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Một xã phải nằm dưới một địa bàn cấp trên: hãy chọn nơi đặt.".into(),
            en: "A commune needs an area above it: choose where it goes.".into(),
        },
        Refused {
            path: "/areas/rename",
            fields: vec![("area", ta_van.to_string()), ("name", COMMUNE.into())],
            status: StatusCode::CONFLICT,
            vi: format!("Ở cùng chỗ này đã có địa bàn tên {COMMUNE}"),
            en: format!("An area named {COMMUNE} already exists in the same place"),
        },
        Refused {
            path: "/areas/move",
            fields: vec![
                ("area", home.commune.to_string()),
                ("parent", home.branch.to_string()),
            ],
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: format!(
                "Không thể chuyển {COMMUNE} vào chính nó hoặc vào một địa bàn bên trong nó."
            ),
            en: format!("{COMMUNE} cannot be moved under itself or an area inside it."),
        },
        Refused {
            path: "/areas/move",
            fields: vec![
                ("area", home.commune.to_string()),
                ("parent", ta_van.to_string()),
            ],
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Không thể đặt một xã dưới một xã".into(),
            en: "A commune cannot be placed under a commune".into(),
        },
        Refused {
            path: "/areas/archive",
            fields: vec![("area", home.commune.to_string())],
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: format!(
                "{COMMUNE} còn 1 địa bàn con đang dùng (như {BRANCH}): hãy lưu trữ các địa bàn đó trước."
            ),
            en: format!(
                "{COMMUNE} still has 1 open area(s) below it (such as {BRANCH}): archive those first."
            ),
        },
        Refused {
            path: "/accounts",
            fields: account("admin", "officer", Some(home.province)),
            status: StatusCode::CONFLICT,
            vi: "Tên đăng nhập admin đã có người dùng: hãy chọn tên khác.".into(),
            en: "The login name admin is already in use: choose another.".into(),
        },
        Refused {
            path: "/accounts",
            fields: account("lo.thi.mai", "branch_head", Some(home.commune)),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Chi hội trưởng phải thuộc một chi hội: hãy chọn một chi hội.".into(),
            en: "A branch head belongs to a branch: choose a branch.".into(),
        },
        Refused {
            path: "/accounts",
            fields: account("can.bo", "officer", None),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Cán bộ và chi hội trưởng phải có địa bàn: hãy chọn một địa bàn.".into(),
            en: "Officers and branch heads need an area: choose one.".into(),
        },
        Refused {
            path: "/accounts",
            fields: account("Lò Thị Mai", "branch_head", Some(home.branch)),
            status: StatusCode::UNPROCESSABLE_ENTITY,
            vi: "Tên đăng nhập chỉ gồm từ 1 đến 64 chữ a-z không dấu, chữ số, dấu".into(),
            en: "A login name has 1 to 64 letters a-z without accents, digits,".into(),
        },
    ];
    let mut changed = common::fixtures::model_form_json("7");
    changed["title"] = json!("Một tiêu đề khác");
    let uploads = [
        (
            serde_json::to_vec(&changed).unwrap(),
            StatusCode::CONFLICT,
            "Đã có phiên bản 7 của biểu mẫu household_survey với nội dung khác: \
             hãy đặt cho biểu mẫu mới một phiên bản mới",
            "Version 7 of form household_survey already exists with different content: \
             give the new form a new version",
        ),
        (
            b"not a form".to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "Không đọc được tệp biểu mẫu: hãy gửi biểu mẫu XLSForm dạng tệp Excel .xlsx.",
            "The form file cannot be read: send the XLSForm as an Excel .xlsx file.",
        ),
    ];
    for lang in ["vi", "en"] {
        browser.get(&format!("/lang/{lang}?back=/")).await;
        for case in &cases {
            let mut fields: Vec<(&str, &str)> = vec![("csrf", &csrf)];
            fields.extend(case.fields.iter().map(|(k, v)| (*k, v.as_str())));
            let page = browser.post(case.path, &fields).await;
            let said = if lang == "vi" { &case.vi } else { &case.en };
            assert_eq!(page.status, case.status, "{said}: {}", page.body);
            assert!(
                page.body.contains(said.as_str()),
                "{lang}: {said}: {}",
                page.body
            );
        }
        for (bytes, status, vi, en) in &uploads {
            let page = browser
                .post_file(
                    "/forms",
                    &[("csrf", &csrf)],
                    "file",
                    "tham_ho.xlsx",
                    bytes.clone(),
                )
                .await;
            let said = if lang == "vi" { vi } else { en };
            assert_eq!(page.status, *status, "{said}: {}", page.body);
            assert!(page.body.contains(said), "{lang}: {said}: {}", page.body);
        }
    }

    // Nothing was stored, nothing logged.
    assert_eq!(
        area_names(&server, &admin).await,
        ["Lào Cai", COMMUNE, "Xã Tả Van", BRANCH]
    );
    assert_eq!(browser.get("/audit").await.audit_rows().len(), logged);

    // The JSON API answers each refusal with its own code, and the English sentence.
    for (path, body, status, code) in [
        (
            "/api/v1/office/areas",
            json!({"parent_id": home.province, "level": "commune", "name": COMMUNE}),
            StatusCode::CONFLICT,
            "area_name_taken",
        ),
        (
            "/api/v1/office/areas",
            json!({"parent_id": home.branch, "level": "branch", "name": "Chi hội Mới"}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "area_misplaced",
        ),
        (
            "/api/v1/office/accounts",
            json!({"username": "admin", "display_name": "X", "role": "officer", "area_id": home.province}),
            StatusCode::CONFLICT,
            "login_taken",
        ),
        (
            "/api/v1/office/accounts",
            json!({"username": "y", "display_name": "Y", "role": "branch_head", "area_id": home.commune}),
            StatusCode::UNPROCESSABLE_ENTITY,
            "area_for_role",
        ),
    ] {
        let (answered, answer) = server.post(path, Some(&admin), &body).await;
        assert_eq!(answered, status, "{answer}");
        assert_eq!(answer["error"], code, "{answer}");
    }
    let (answered, answer) = server
        .post(
            &format!("/api/v1/office/areas/{}/archive", home.commune),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(answered, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(answer["error"], "areas_open_below");
    assert_eq!(
        answer["detail"],
        format!("{COMMUNE} still holds {BRANCH} (1 in use): archive those first")
    );
    let member = json!({"id": Uuid::now_v7(), "member_code": null, "full_name": "Giàng Thị Dợ", "sex": "female",
        "birth_year": 1980, "ethnicity": "hmong", "village": "Bản Dền", "phone": null, "archived": false});
    let other = server
        .create_area(&admin, Some(ta_van), "branch", "Chi hội Lao Chải")
        .await;
    let (status, body) = server.put_member(&admin, home.branch, &member).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, body) = server.put_member(&admin, other, &member).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"], "member_of_another_branch");
}

/// Posts the move of `account` to `area` from the account's page.
async fn move_account(browser: &mut Browser, account: Uuid, area: Uuid) -> Page {
    let csrf = browser.csrf().await;
    let path = format!("/accounts/{account}/area");
    browser
        .post(&path, &[("csrf", &csrf), ("area", &area.to_string())])
        .await
}

/// A commune merger: the administrator moves an officer to another commune, and an
/// officer moves a branch head between branches of her own area only (the rule of
/// creating one). A branch head goes to a branch only, an administrator nowhere, nobody
/// into an archived area. The moved account keeps its sign-in and sees its new area
/// from its next request; its phones stay with the branch they were enrolled for and
/// still send, its open codes stop; each move is in the audit log.
async fn accounts_move_to_another_area_inside_the_movers_scope(server: TestServer) {
    let admin = server.admin().await;
    let Provinces {
        lao_cai,
        ha_giang,
        ban_ho,
        ta_van,
    } = provinces(&server, &admin).await;
    let ban_den = server
        .create_area(&admin, Some(ban_ho), "branch", "Chi hội Bản Dền")
        .await;
    let lao_chai = server
        .create_area(&admin, Some(ta_van), "branch", "Chi hội Lao Chải")
        .await;
    let far = server
        .create_area(&admin, Some(ha_giang), "branch", "Chi hội Lũng Cú")
        .await;
    let closed = server
        .create_area(&admin, Some(ta_van), "branch", "Chi hội Cũ")
        .await;
    let (status, _) = server
        .post(
            &format!("/api/v1/office/areas/{closed}/archive"),
            Some(&admin),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut people = Vec::new();
    for (name, role, area) in [
        ("xa.banho", "officer", ban_ho),
        ("tinh.laocai", "officer", lao_cai),
        ("admin2", "admin", lao_cai),
    ] {
        let area = (role != "admin").then_some(area);
        let (id, once) = server.create_account(&admin, name, role, area).await;
        people.push((id, server.login_fresh(name, &once).await));
    }
    let [
        (commune_officer, commune_token),
        (province_officer, _),
        (second_admin, _),
    ] = &people[..]
    else {
        unreachable!()
    };
    let (head, _) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(ban_den))
        .await;
    let phone = server.enrolled_device(&admin, head).await.token;
    let (status, code) = server.enrollment_code(&admin, head).await;
    assert_eq!(status, StatusCode::OK, "{code}");

    // The administrator moves the commune's officer to Tả Van (a merger).
    let mut administrator = Browser::new(&server.base);
    administrator
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let page = administrator
        .get(&format!("/accounts/{commune_officer}"))
        .await;
    assert!(page.body.contains("id=\"move-account\""), "{}", page.body);
    assert_eq!(offered(&page, "Xã Tả Van"), 1);
    assert_eq!(offered(&page, "Xã Bản Hồ"), 0, "not where it is");
    assert_eq!(offered(&page, "Chi hội Cũ"), 0, "not an archived area");
    let page = move_account(&mut administrator, *commune_officer, ta_van).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains("Đã chuyển xa.banho sang Xã Tả Van."),
        "{}",
        page.body
    );
    let (status, areas) = server.get("/api/v1/office/areas", commune_token).await;
    assert_eq!(status, StatusCode::OK, "the same session, the new scope");
    let names: Vec<&str> = areas
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Xã Tả Van", "Chi hội Cũ", "Chi hội Lao Chải"]);

    // The province's officer moves the branch head between her branches only.
    let mut officer = Browser::new(&server.base);
    officer
        .log_in("tinh.laocai", "tinh.laocai-chosen-password")
        .await
        .assert_redirect("/");
    let page = officer.get(&format!("/accounts/{head}")).await;
    assert_eq!(offered(&page, "Chi hội Lao Chải"), 1);
    assert_eq!(
        offered(&page, "Xã Tả Van"),
        0,
        "a branch head goes to a branch"
    );
    assert_eq!(offered(&page, "Chi hội Lũng Cú"), 0, "not outside her area");
    let page = move_account(&mut officer, head, far).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND, "{}", page.body);
    let page = move_account(&mut officer, head, ta_van).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body
            .contains("Chi hội trưởng phải thuộc một chi hội: hãy chọn một chi hội."),
        "{}",
        page.body
    );
    let page = move_account(&mut officer, head, closed).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("Chi hội Cũ đã được lưu trữ"),
        "{}",
        page.body
    );
    for other in [*commune_officer, *second_admin] {
        let page = move_account(&mut officer, other, ta_van).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "only branch heads");
    }
    let page = move_account(&mut officer, head, lao_chai).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(
            "Đã chuyển lo.thi.mai sang Chi hội Lao Chải. 1 điện thoại của tài khoản này \
             vẫn thuộc chi hội cũ"
        ),
        "{}",
        page.body
    );
    // Her phone still sends, to the branch it was enrolled for; her old code is spent.
    let record = household(Uuid::now_v7(), 1, 7);
    server.push(&phone, std::slice::from_ref(&record)).await;
    let (status, body) = server
        .get(&format!("/api/v1/office/records/{}", record.uuid), &admin)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["record"]["branch_id"], json!(ban_den));
    let (status, _) = server.enroll(code["code"].as_str().unwrap()).await;
    assert_ne!(
        status,
        StatusCode::OK,
        "the code for the old branch stopped"
    );

    // An administrator has no area; the JSON API keeps the same rules.
    let page = move_account(&mut administrator, *second_admin, ta_van).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    administrator.get("/lang/en?back=/").await;
    let page = move_account(&mut administrator, *second_admin, ta_van).await;
    assert!(
        page.body
            .contains("An administrator has no area: administrators see everything."),
        "{}",
        page.body
    );
    let path = |account: Uuid| format!("/api/v1/office/accounts/{account}/area");
    let (status, body) = server
        .post(&path(head), Some(&admin), &json!({"area_id": ban_ho}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"], "area_for_role");
    let (status, body) = server
        .post(
            &path(*province_officer),
            Some(&admin),
            &json!({"area_id": ha_giang}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["account"]["area_id"], json!(ha_giang));
    assert_eq!(body["phones_elsewhere"], 0);

    // Each move is logged, by name.
    administrator.get("/lang/vi?back=/").await;
    let rows = administrator.get("/audit").await.audit_rows();
    let moves: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r[1] == "Chuyển tài khoản sang địa bàn khác")
        .map(|r| (r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        moves,
        [
            ("tinh.laocai (tinh.laocai)", "Hà Giang"),
            ("lo.thi.mai (lo.thi.mai)", "Chi hội Lao Chải"),
            ("xa.banho (xa.banho)", "Xã Tả Van"),
        ]
    );
}

on_both_stores!(
    accounts_move_to_another_area_inside_the_movers_scope,
    every_refusal_is_said_in_the_officers_language,
    areas_move_and_archive_with_their_data,
    only_an_empty_area_is_deleted,
    archiving_closes_an_area_to_its_people_not_to_its_phones
);
