//! The console's pages over HTTP, on both stores: areas, accounts, phones and forms,
//! done by an administrator and by a commune officer who must never see or change
//! anything outside her commune (list pages, direct URLs, posts with foreign ids);
//! names with HTML are shown as text; bad input gets a message and stores nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::{Browser, Page};
use common::fixtures::{household_form, model_form_json};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const PAGE_MAX_BYTES: usize = 100 * 1024;

fn ok(page: &Page) -> &Page {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.len() < PAGE_MAX_BYTES,
        "{} bytes",
        page.body.len()
    );
    page
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("{start} not in page"))
        + start.len();
    let to = text[from..].find(end).unwrap() + from;
    &text[from..to]
}

async fn area_ids(server: &TestServer, token: &str) -> Vec<(String, Uuid)> {
    let (status, body) = server.get("/api/v1/office/areas", token).await;
    assert_eq!(status, StatusCode::OK);
    body.as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["name"].as_str().unwrap().to_owned(),
                Uuid::parse_str(a["id"].as_str().unwrap()).unwrap(),
            )
        })
        .collect()
}

fn id_of(ids: &[(String, Uuid)], name: &str) -> String {
    ids.iter()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("no area {name}"))
        .1
        .to_string()
}

async fn an_officer_works_inside_her_commune_only(server: TestServer) {
    let mut admin = Browser::new(&server.base);
    admin
        .log_in_fresh("admin", &server.admin_password, "admin-new-password")
        .await;
    let csrf = admin.csrf().await;
    let (_, login) = server.login("admin", "admin-new-password").await;
    let token = login["token"].as_str().unwrap().to_owned();

    // Areas: the tree is built through the page.
    let page = admin
        .post(
            "/areas",
            &[
                ("csrf", &csrf),
                ("parent", ""),
                ("level", "province"),
                ("name", "Điện Biên"),
            ],
        )
        .await;
    assert!(ok(&page).body.contains("Đã thêm địa bàn Điện Biên."));
    let ids = area_ids(&server, &token).await;
    let province = id_of(&ids, "Điện Biên");
    for commune in ["Xã Mường Nhé", "Xã Sín Thầu"] {
        let page = admin
            .post(
                "/areas",
                &[
                    ("csrf", &csrf),
                    ("parent", &province),
                    ("level", "commune"),
                    ("name", commune),
                ],
            )
            .await;
        ok(&page);
    }
    let ids = area_ids(&server, &token).await;
    let (c1, c2) = (id_of(&ids, "Xã Mường Nhé"), id_of(&ids, "Xã Sín Thầu"));
    for (commune, branch) in [(&c1, "Bản Mòng"), (&c2, "Bản Phi")] {
        ok(&admin
            .post(
                "/areas",
                &[
                    ("csrf", &csrf),
                    ("parent", commune),
                    ("level", "branch"),
                    ("name", branch),
                ],
            )
            .await);
    }
    // A name taken under the same parent, an empty one, an overlong one: refused, nothing stored.
    let taken = admin
        .post(
            "/areas",
            &[
                ("csrf", &csrf),
                ("parent", &province),
                ("level", "commune"),
                ("name", " Xã Mường Nhé "),
            ],
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT, "{}", taken.body);
    let empty = admin
        .post(
            "/areas",
            &[
                ("csrf", &csrf),
                ("parent", &province),
                ("level", "commune"),
                ("name", "  "),
            ],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("Xin điền ô “Tên”."));
    let long = "x".repeat(121);
    let overlong = admin
        .post(
            "/areas",
            &[
                ("csrf", &csrf),
                ("parent", &province),
                ("level", "commune"),
                ("name", &long),
            ],
        )
        .await;
    assert_eq!(overlong.status, StatusCode::UNPROCESSABLE_ENTITY);
    // HTML in a name is shown as text.
    ok(&admin
        .post(
            "/areas",
            &[
                ("csrf", &csrf),
                ("parent", &c2),
                ("level", "branch"),
                ("name", "<script>alert(1)</script>"),
            ],
        )
        .await);
    let tree = admin.get("/areas").await;
    assert!(
        ok(&tree)
            .body
            .contains("&#60;script&#62;alert(1)&#60;/script&#62;")
            || tree.body.contains("&lt;script&gt;"),
        "{}",
        tree.body
    );
    assert!(!tree.body.contains("<script>"));
    assert_eq!(
        area_ids(&server, &token).await.len(),
        6,
        "nothing half-saved"
    );
    let ids = area_ids(&server, &token).await;
    let (b1, b2) = (id_of(&ids, "Bản Mòng"), id_of(&ids, "Bản Phi"));

    // Accounts: an officer of the first commune, branch heads of both branches.
    let page = admin
        .post(
            "/accounts",
            &[
                ("csrf", &csrf),
                ("username", "canbo1"),
                ("display_name", "Cán bộ Lan"),
                ("role", "officer"),
                ("area", &c1),
            ],
        )
        .await;
    let officer_password = between(&ok(&page).body, "id=\"one-time-password\">", "<").to_owned();
    let page = admin
        .post(
            "/accounts",
            &[
                ("csrf", &csrf),
                ("username", "head2"),
                ("display_name", "Chị Pà"),
                ("role", "branch_head"),
                ("area", &b2),
            ],
        )
        .await;
    ok(&page);
    let bad_name = admin
        .post(
            "/accounts",
            &[
                ("csrf", &csrf),
                ("username", "Có dấu"),
                ("display_name", "X"),
                ("role", "branch_head"),
                ("area", &b2),
            ],
        )
        .await;
    assert_eq!(bad_name.status, StatusCode::UNPROCESSABLE_ENTITY);

    let mut officer = Browser::new(&server.base);
    officer
        .log_in_fresh("canbo1", &officer_password, "officer-new-password")
        .await;
    let ocsrf = officer.csrf().await;
    let areas = officer.get("/areas").await;
    assert!(ok(&areas).body.contains("Bản Mòng"));
    for foreign in ["Xã Sín Thầu", "Bản Phi", "Điện Biên"] {
        assert!(
            !areas.body.contains(foreign),
            "{foreign} shown to the officer"
        );
    }
    // She adds no areas, and creates branch heads of her branches only.
    let refused = officer
        .post(
            "/areas",
            &[
                ("csrf", &ocsrf),
                ("parent", &c1),
                ("level", "branch"),
                ("name", "Bản Mới"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = officer
        .post(
            "/accounts",
            &[
                ("csrf", &ocsrf),
                ("username", "head1"),
                ("display_name", "Chị Mai"),
                ("role", "branch_head"),
                ("area", &b1),
            ],
        )
        .await;
    let head_password = between(&ok(&page).body, "id=\"one-time-password\">", "<").to_owned();
    for (role, area) in [("branch_head", &b2), ("officer", &c1), ("admin", &b1)] {
        let page = officer
            .post(
                "/accounts",
                &[
                    ("csrf", &ocsrf),
                    ("username", "intruder"),
                    ("display_name", "X"),
                    ("role", role),
                    ("area", area),
                ],
            )
            .await;
        assert!(
            page.status == StatusCode::NOT_FOUND || page.status == StatusCode::FORBIDDEN,
            "{role} in {area}: {}",
            page.status
        );
    }
    let accounts = officer.get("/accounts").await;
    assert!(ok(&accounts).body.contains("head1"));
    for foreign in ["head2", "admin", "intruder"] {
        assert!(
            !accounts
                .body
                .contains(&format!("data-username=\"{foreign}\"")),
            "{foreign}"
        );
    }

    // Phones: a code and its QR for her branch head; none for the other commune's.
    let (_, heads) = server.get("/api/v1/office/accounts", &token).await;
    let head_id = |name: &str| {
        heads
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["username"] == name)
            .unwrap()["id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (head1, head2) = (head_id("head1"), head_id("head2"));
    let phones = officer.get("/phones").await;
    assert!(ok(&phones).body.contains(&head1));
    assert!(
        !phones.body.contains(&head2),
        "the other commune's head is not offered"
    );
    assert!(
        phones.body.contains("id=\"address-warning\""),
        "loopback QR warned"
    );
    let sheet = officer
        .post("/phones/codes", &[("csrf", &ocsrf), ("account", &head1)])
        .await;
    assert!(
        ok(&sheet).body.contains("<svg"),
        "the QR code is on the page"
    );
    assert!(sheet.body.contains("Chị Mai") && sheet.body.contains("Bản Mòng"));
    let code = between(&sheet.body, "id=\"code\">", "<").to_owned();
    let (status, enrolled) = server.enroll(&code).await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    let device_id = enrolled["device_id"].as_str().unwrap().to_owned();
    let foreign = officer
        .post("/phones/codes", &[("csrf", &ocsrf), ("account", &head2)])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.body.contains("<svg"));

    // The other commune's phone cannot be revoked by her; her own can.
    let (_, code2) = server
        .post(
            "/api/v1/office/enrollments",
            Some(&token),
            &json!({"account_id": head2}),
        )
        .await;
    let (_, enrolled2) = server.enroll(code2["code"].as_str().unwrap()).await;
    let device2 = enrolled2["device_id"].as_str().unwrap().to_owned();
    let phones = officer.get("/phones").await;
    assert!(ok(&phones).body.contains(&device_id) && !phones.body.contains(&device2));
    let refused = officer
        .post(&format!("/phones/{device2}/revoke"), &[("csrf", &ocsrf)])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let (status, _) = server
        .get("/api/v1/manifest", enrolled2["token"].as_str().unwrap())
        .await;
    assert_eq!(status, StatusCode::OK, "the foreign phone still works");
    let revoked = officer
        .post(&format!("/phones/{device_id}/revoke"), &[("csrf", &ocsrf)])
        .await;
    assert!(ok(&revoked).body.contains("Đã thu hồi"));
    let (status, _) = server
        .get("/api/v1/manifest", enrolled["token"].as_str().unwrap())
        .await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "the revoked phone is refused"
    );

    // Password reset: hers, yes (a new one-time password); the other commune's, no.
    let reset = officer
        .post(&format!("/accounts/{head1}/reset"), &[("csrf", &ocsrf)])
        .await;
    let new_one_time = between(&ok(&reset).body, "id=\"one-time-password\">", "<").to_owned();
    assert_ne!(new_one_time, head_password);
    let (status, body) = server.login("head1", &new_one_time).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["account"]["must_change_password"], true);
    assert_eq!(
        server.login("head1", &head_password).await.0,
        StatusCode::UNAUTHORIZED
    );
    let refused = officer
        .post(&format!("/accounts/{head2}/reset"), &[("csrf", &ocsrf)])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);

    // Forms are the administrator's.
    let refused = officer
        .post_file(
            "/forms",
            &[("csrf", &ocsrf)],
            "file",
            "form.xlsx",
            household_form().upload,
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        ok(&officer.get("/forms").await)
            .body
            .contains("Chưa có biểu mẫu nào.")
    );
}

async fn forms_are_uploaded_checked_and_published_in_the_browser(server: TestServer) {
    let mut admin = Browser::new(&server.base);
    admin
        .log_in_fresh("admin", &server.admin_password, "admin-new-password")
        .await;
    let csrf = admin.csrf().await;
    // Not a form at all.
    let page = admin
        .post_file(
            "/forms",
            &[("csrf", &csrf)],
            "file",
            "photo.jpg",
            vec![0xff, 0xd8, 0xff, 0xe0, 1, 2, 3],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    // A form with a problem: the table says where.
    let mut broken: Value = model_form_json("1");
    broken["body"][2]["kind"] =
        json!({"type": "select_one", "list": "no_such_list", "or_other": false});
    let page = admin
        .post_file(
            "/forms",
            &[("csrf", &csrf)],
            "file",
            "broken.json",
            serde_json::to_vec(&broken).unwrap(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("id=\"problems\"") && page.body.contains("no_such_list"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Chưa có biểu mẫu nào."),
        "nothing stored"
    );
    // No file chosen; no CSRF token first: refused.
    let none = admin
        .post_file("/forms", &[("csrf", &csrf)], "file", "", Vec::new())
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let forged = admin
        .post_file(
            "/forms",
            &[("csrf", "forged")],
            "file",
            "form.xlsx",
            household_form().upload,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);

    // The real form: a draft, then published.
    let form = household_form();
    let page = admin
        .post_file(
            "/forms",
            &[("csrf", &csrf)],
            "file",
            "household.xlsx",
            form.upload.clone(),
        )
        .await;
    assert!(ok(&page).body.contains("Bản nháp"), "{}", page.body);
    // Before publishing, the draft is previewed: every language's labels, the questions
    // by page, each select's choices.
    let preview = format!("/forms/{}/{}/preview", form.form_id, form.version);
    assert!(page.body.contains(&format!("href=\"{preview}\"")), "linked");
    let page = admin.get(&preview).await;
    ok(&page);
    let model = branchbook_core::form::load_xlsx(&form.upload).unwrap();
    let model = model.form();
    assert!(model.languages.len() >= 2, "a form in several languages");
    for language in &model.languages {
        assert!(
            page.body.contains(&format!("<th>{}</th>", language.name)),
            "{}",
            language.name
        );
    }
    for label in &form.multi_labels {
        assert!(page.body.contains(&format!("<td>{label}</td>")), "{label}");
    }
    assert!(page.body.contains("<td>select_multiple loan_source</td>"));
    assert!(
        page.body.contains("<td>begin repeat</td>")
            && page.body.contains(&format!("<td>{}</td>", form.repeat))
    );
    let choice_rows = page.body.matches(" choice\">").count();
    assert!(
        choice_rows >= model.choices["loan_source"].choices.len(),
        "{choice_rows}"
    );
    assert!(page.body.contains("Bản nháp"), "still a draft");
    let pages: usize = between(&page.body, "Số trang trên điện thoại: ", "<")
        .trim()
        .parse()
        .unwrap();
    assert!(
        (2..=page.body.matches("<tr class=\"d").count()).contains(&pages),
        "{pages}"
    );
    let missing = admin
        .get(&format!("/forms/{}/no.such/preview", form.form_id))
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let path = format!("/forms/{}/{}/publish", form.form_id, form.version);
    let page = admin.post(&path, &[("csrf", &csrf)]).await;
    assert!(ok(&page).body.contains("Đã phát hành"));
    let (_, login) = server.login("admin", "admin-new-password").await;
    let (_, forms) = server
        .get("/api/v1/office/forms", login["token"].as_str().unwrap())
        .await;
    assert_eq!(forms[0]["published"], true);

    // Retired from the page (a forged post changes nothing), then published again to
    // one area only; an unknown area is refused with a page.
    let retire = format!("/forms/{}/{}/retire", form.form_id, form.version);
    assert_eq!(
        admin.post(&retire, &[("csrf", "forged")]).await.status,
        StatusCode::FORBIDDEN
    );
    let page = admin.post(&retire, &[("csrf", &csrf)]).await;
    assert!(ok(&page).body.contains("Đã ngừng dùng"), "{}", page.body);
    assert!(page.body.contains("Phát hành lại"), "offered again");
    let unknown = admin
        .post(
            &path,
            &[("csrf", &csrf), ("area", &uuid::Uuid::new_v4().to_string())],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    let (_, login) = server.login("admin", "admin-new-password").await;
    let token = login["token"].as_str().unwrap().to_owned();
    let province = server
        .create_area(&token, None, "province", "Hà Giang")
        .await;
    let page = admin
        .post(&path, &[("csrf", &csrf), ("area", &province.to_string())])
        .await;
    assert!(ok(&page).body.contains("Hà Giang"), "{}", page.body);
    let (_, forms) = server.get("/api/v1/office/forms", &token).await;
    assert_eq!(
        (forms[0]["retired"].as_bool(), forms[0]["area_id"].as_str()),
        (Some(false), Some(province.to_string().as_str()))
    );
}

/// A body over the server's limit gets a clear page, and nothing is stored.
async fn an_oversized_upload_gets_a_page_and_stores_nothing(server: TestServer) {
    let mut admin = Browser::new(&server.base);
    admin
        .log_in_fresh("admin", &server.admin_password, "admin-new-password")
        .await;
    let csrf = admin.csrf().await;
    let page = admin
        .post_file(
            "/forms",
            &[("csrf", &csrf)],
            "file",
            "huge.xlsx",
            vec![b'P'; 50 * 1024 * 1024],
        )
        .await;
    assert_eq!(page.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(page.body.contains("Dữ liệu gửi lên quá lớn."));
    assert!(
        ok(&admin.get("/forms").await)
            .body
            .contains("Chưa có biểu mẫu nào.")
    );
}

async fn areas_are_renamed_by_the_administrator_only(server: TestServer) {
    let admin_token = server.admin().await;
    let province = server
        .create_area(&admin_token, None, "province", "Hà Giang")
        .await;
    let old = server
        .create_area(&admin_token, Some(province), "commune", "Xã Phố Cáo")
        .await;
    server
        .create_area(&admin_token, Some(province), "commune", "Xã Sủng Là")
        .await;
    let (_, once) = server
        .create_account(&admin_token, "canbo.phocao", "officer", Some(old))
        .await;
    let officer_token = server.login_fresh("canbo.phocao", &once).await;
    let mut admin = Browser::new(&server.base);
    admin
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = admin.csrf().await;
    let id = old.to_string();
    // A sibling's name is refused; a new one is taken, NFC.
    let page = admin
        .post(
            "/areas/rename",
            &[("csrf", &csrf), ("area", &id), ("name", "Xã Sủng Là")],
        )
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT, "{}", page.body);
    let page = admin
        .post(
            "/areas/rename",
            &[
                ("csrf", &csrf),
                ("area", &id),
                ("name", " Xã Phố Ca\u{0300}o mới "),
            ],
        )
        .await;
    assert!(
        ok(&page)
            .body
            .contains("Đã đổi tên địa bàn thành Xã Phố Cào mới."),
        "{}",
        page.body
    );
    let names: Vec<String> = area_ids(&server, &officer_token)
        .await
        .into_iter()
        .map(|(n, _)| n)
        .collect();
    assert_eq!(
        names,
        ["Xã Phố Cào mới"],
        "her scope follows the area, not its name"
    );
    // Empty, unknown, and not an administrator.
    let page = admin
        .post(
            "/areas/rename",
            &[("csrf", &csrf), ("area", &id), ("name", "  ")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let path = format!("/api/v1/office/areas/{}/name", Uuid::new_v4());
    let (status, _) = server
        .post(&path, Some(&admin_token), &json!({"name": "Xã Khác"}))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let path = format!("/api/v1/office/areas/{old}/name");
    let (status, _) = server
        .post(&path, Some(&officer_token), &json!({"name": "Xã Của Tôi"}))
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    let mut officer = Browser::new(&server.base);
    officer
        .log_in("canbo.phocao", "canbo.phocao-chosen-password")
        .await
        .assert_redirect("/");
    let ocsrf = officer.csrf().await;
    let page = officer
        .post(
            "/areas/rename",
            &[("csrf", &ocsrf), ("area", &id), ("name", "Xã Của Tôi")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("id=\"rename-area\""), "no form for her");
}

/// A form the checker warns about is stored; the API answers its warnings with the
/// version, the console's upload page and the version's preview list them by row and
/// column, in Vietnamese.
async fn warnings_are_answered_and_shown_on_upload_and_in_the_preview(server: TestServer) {
    // `relevant` = `basic`, a bare word naming no question: ODK reads a path to nothing.
    let warned = |version: &str| {
        let mut form = model_form_json(version);
        form["body"][0]["children"][0]["relevant"] = json!("basic");
        serde_json::to_vec(&form).unwrap()
    };
    let token = server.admin().await;
    let (status, body) = server.upload_form_with(&token, &warned("1"), &[]).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(
        (body["form_id"].as_str(), body["version"].as_str()),
        (Some("household_survey"), Some("1"))
    );
    let warnings = body["warnings"].as_array().unwrap();
    assert_eq!(warnings.len(), 1, "{body}");
    assert_eq!(
        (
            &warnings[0]["sheet"],
            &warnings[0]["row"],
            &warnings[0]["column"]
        ),
        (&json!("survey"), &json!(3), &json!("relevant"))
    );
    let message = warnings[0]["message"].as_str().unwrap();
    assert!(
        message.starts_with("'basic' is not a reference"),
        "{message}"
    );
    let (_, clean) = server
        .upload_form_with(
            &token,
            &serde_json::to_vec(&model_form_json("3")).unwrap(),
            &[],
        )
        .await;
    assert_eq!(clean["warnings"], json!([]), "{clean}");

    let mut admin = Browser::new(&server.base);
    admin
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let csrf = admin.csrf().await;
    let page = admin
        .post_file(
            "/forms",
            &[("csrf", &csrf)],
            "file",
            "warned.json",
            warned("2"),
        )
        .await;
    let page = ok(&page);
    let table = between(&page.body, "id=\"warnings\"", "</table>");
    assert!(table.contains("Lưu ý"), "{table}");
    assert!(
        table.contains("<td>survey</td><td>3</td><td>relevant</td>") && table.contains("basic"),
        "{table}"
    );
    assert!(
        !page.body.contains("id=\"problems\""),
        "stored, not refused"
    );
    let page = admin.get("/forms/household_survey/2/preview").await;
    let table = between(&ok(&page).body, "id=\"warnings\"", "</table>");
    assert!(table.contains("basic"), "{table}");
    let page = admin.get("/forms/household_survey/3/preview").await;
    assert!(
        !ok(&page).body.contains("id=\"warnings\""),
        "none for a clean form"
    );
}

on_both_stores!(
    areas_are_renamed_by_the_administrator_only,
    an_officer_works_inside_her_commune_only,
    forms_are_uploaded_checked_and_published_in_the_browser,
    an_oversized_upload_gets_a_page_and_stores_nothing,
    warnings_are_answered_and_shown_on_upload_and_in_the_preview,
);
