//! Files attached to a form version: uploaded with the form (multipart), refused when
//! one it uses is missing or one it does not use is sent, kept once however many versions
//! carry them, listed in the manifest of the phones the version goes to, and downloaded
//! in ranges by those phones only.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::console::Browser;
use common::fixtures::{FRUITS_CSV, pulldata_form_json};
use common::{TestServer, error_of};
use reqwest::StatusCode;
use serde_json::json;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// A picture shown with the fruit question's label.
const PICTURE: &[u8] = b"\x89PNG a picture of fruit";

/// The pulldata form, its fruit question shown with a picture (`fruit.png`).
fn form(version: &str) -> Vec<u8> {
    form_showing(version, "fruit.png")
}

/// The pulldata form, its fruit question shown with the picture `picture`.
fn form_showing(version: &str, picture: &str) -> Vec<u8> {
    let mut form = pulldata_form_json(version);
    form["body"][0]["media"] = json!({"image": {"Tiếng Việt (vi)": picture}});
    serde_json::to_vec(&form).unwrap()
}

/// Files kept in the server's form-files folder.
fn kept_files(server: &TestServer) -> usize {
    let root = server.dir.path().join("form-files");
    let Ok(dirs) = std::fs::read_dir(root) else {
        return 0;
    };
    dirs.map(|d| std::fs::read_dir(d.unwrap().path()).unwrap().count())
        .sum()
}

/// The province Sơn La and two of its communes, Chiềng Ơn and Mường Giôn.
async fn son_la(server: &TestServer, admin: &str) -> (Uuid, Uuid, Uuid) {
    let province = server.create_area(admin, None, "province", "Sơn La").await;
    let mut communes = Vec::new();
    for name in ["Xã Chiềng Ơn", "Xã Mường Giôn"] {
        communes.push(
            server
                .create_area(admin, Some(province), "commune", name)
                .await,
        );
    }
    (province, communes[0], communes[1])
}

async fn attachments_travel_to_their_phones_only(server: TestServer) {
    let admin = server.admin().await;
    let (_, commune_a, commune_b) = son_la(&server, &admin).await;
    let branch_a = server
        .create_area(&admin, Some(commune_a), "branch", "Chi hội Bản Ỏ")
        .await;
    let branch_b = server
        .create_area(&admin, Some(commune_b), "branch", "Chi hội Bản Lướt")
        .await;
    let (head_a, _) = server
        .create_account(&admin, "lo.thi.xuan", "branch_head", Some(branch_a))
        .await;
    let (head_b, _) = server
        .create_account(&admin, "quang.thi.on", "branch_head", Some(branch_b))
        .await;
    let phone_a = server.enrolled_device(&admin, head_a).await.token;
    let phone_b = server.enrolled_device(&admin, head_b).await.token;

    // Without its files the form is refused, naming them; so is a file it does not use.
    let (status, body) = server.upload_form_with(&admin, &form("1"), &[]).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let error = error_of(&body);
    assert_eq!(error.error, "missing_attachment");
    assert!(
        error.detail.contains("'fruits.csv'") && error.detail.contains("'fruit.png'"),
        "{}",
        error.detail
    );
    let (status, body) = server
        .upload_form_with(&admin, &form("1"), &[("fruit.png", PICTURE)])
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(error_of(&body).detail.contains("'fruits.csv'"));
    assert!(!error_of(&body).detail.contains("'fruit.png'"));
    let (status, body) = server
        .upload_form_with(
            &admin,
            &form("1"),
            &[
                ("fruits.csv", FRUITS_CSV.as_bytes()),
                ("fruit.png", PICTURE),
                ("logo.png", b"png"),
            ],
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).error, "unused_attachment");
    assert!(error_of(&body).detail.contains("'logo.png'"));
    // The plain body (no files) of a form that needs one is refused the same way.
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/office/forms"))
        .bearer_auth(&admin)
        .body(form("1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let (status, forms) = server.get("/api/v1/office/forms", &admin).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(forms, json!([]), "nothing was stored");
    assert_eq!(kept_files(&server), 0, "no file kept for a refused form");

    // With it (sent with a browser's path, which is cut to the name), two versions
    // carrying the same file keep it once.
    for version in ["1", "2"] {
        let (status, body) = server
            .upload_form_with(
                &admin,
                &form(version),
                &[
                    ("C:\\Users\\xuan\\fruits.csv", FRUITS_CSV.as_bytes()),
                    ("fruit.png", PICTURE),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let path = format!("/api/v1/office/forms/fruit_survey/{version}/publish");
        let (status, body) = server
            .post(&path, Some(&admin), &json!({"area": commune_a}))
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    assert_eq!(kept_files(&server), 2, "each file once for both versions");

    // Her phone is told each version's files by name, hash and size.
    let sha = hex::encode(Sha256::digest(FRUITS_CSV.as_bytes()));
    let picture = hex::encode(Sha256::digest(PICTURE));
    let (status, manifest) = server.get("/api/v1/manifest", &phone_a).await;
    assert_eq!(status, StatusCode::OK, "{manifest}");
    for form in manifest["forms"].as_array().unwrap() {
        assert_eq!(
            form["attachments"],
            json!([
                {"name": "fruit.png", "sha256": picture, "size": PICTURE.len()},
                {"name": "fruits.csv", "sha256": sha, "size": FRUITS_CSV.len()}
            ]),
            "{manifest}"
        );
    }
    // The form she downloads carries the table read from the file.
    let (status, served) = server.get("/api/v1/forms/fruit_survey/1", &phone_a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        served["data"]["fruits"]["rows"][1],
        json!(["banana", "vàng"])
    );

    // She downloads the file in ranges; another commune's phone cannot, nor anyone
    // without a token, nor a file no form of hers carries.
    let file = format!("/api/v1/form-files/{sha}");
    let (status, bytes) = server.get_bytes(&file, &phone_a).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, FRUITS_CSV.as_bytes());
    let (status, bytes) = server
        .get_bytes(&format!("{file}?offset=11"), &phone_a)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(bytes, &FRUITS_CSV.as_bytes()[11..]);
    let (status, _) = server
        .get_bytes(&format!("{file}?offset=999"), &phone_a)
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(
        server.get_bytes(&file, &phone_b).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server.get_bytes(&file, "not-a-token").await.0,
        StatusCode::UNAUTHORIZED
    );
    let other = hex::encode(Sha256::digest(b"someone else's file"));
    assert_eq!(
        server
            .get_bytes(&format!("/api/v1/form-files/{other}"), &phone_a)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        server
            .get_bytes("/api/v1/form-files/..%2F..%2Fserver.sqlite3", &phone_a)
            .await
            .0,
        StatusCode::NOT_FOUND
    );
    let (status, manifest) = server.get("/api/v1/manifest", &phone_b).await;
    assert_eq!(
        (status, manifest["forms"].clone()),
        (StatusCode::OK, json!([]))
    );
}

/// The console's upload page takes the form's files from a second file picker, and a
/// missing one is named in Vietnamese (the console's first language).
async fn the_console_uploads_a_form_with_its_files(server: TestServer) {
    let mut admin = Browser::new(&server.base);
    admin
        .log_in_fresh("admin", &server.admin_password, "admin-new-password")
        .await;
    let csrf = admin.csrf().await;
    let json = form("1");
    let page = admin
        .post_files(
            "/forms",
            &[("csrf", &csrf)],
            &[
                ("file", "fruit.json", &json),
                ("attachments", "fruit.png", PICTURE),
            ],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("Biểu mẫu cần tệp &#x27;fruits.csv&#x27; nhưng chưa được đính kèm")
            || page
                .body
                .contains("Biểu mẫu cần tệp &#39;fruits.csv&#39; nhưng chưa được đính kèm"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Chưa có biểu mẫu nào."),
        "nothing stored"
    );
    let page = admin
        .post_files(
            "/forms",
            &[("csrf", &csrf)],
            &[
                ("file", "fruit.json", &json),
                ("attachments", "fruits.csv", FRUITS_CSV.as_bytes()),
                ("attachments", "fruit.png", PICTURE),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Bản nháp"), "{}", page.body);
    let files = server
        .store
        .call(|s| s.form_attachments("fruit_survey", "1"))
        .await
        .unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["fruit.png", "fruits.csv"]);
}

/// Officials download a version's files from its preview: the administrator any; an
/// officer those of a version sent to her area (published there, above it or inside it),
/// never a draft's nor another commune's; every name arrives whole and harmless in the
/// download's header.
async fn officers_download_the_files_of_forms_sent_to_their_area(server: TestServer) {
    const PICTURE_NAME: &str = "Ảnh quả, mùa 2026; filename=x.png";
    let admin = server.admin().await;
    let (province, commune_a, commune_b) = son_la(&server, &admin).await;
    for version in ["1", "2"] {
        let (status, body) = server
            .upload_form_with(
                &admin,
                &form_showing(version, PICTURE_NAME),
                &[
                    ("fruits.csv", FRUITS_CSV.as_bytes()),
                    (PICTURE_NAME, PICTURE),
                ],
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    let (status, body) = server
        .post(
            "/api/v1/office/forms/fruit_survey/1/publish",
            Some(&admin),
            &json!({"area": commune_a}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let mut officers = Vec::new();
    for (name, area) in [
        ("can.bo.chiengon", commune_a),
        ("can.bo.tinh", province),
        ("can.bo.muonggion", commune_b),
    ] {
        let (_, once) = server
            .create_account(&admin, name, "officer", Some(area))
            .await;
        let mut browser = Browser::new(&server.base);
        browser
            .log_in_fresh(name, &once, &format!("{name}-chosen-password"))
            .await;
        officers.push(browser);
    }
    let mut administrator = Browser::new(&server.base);
    administrator
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let encoded = "%E1%BA%A2nh%20qu%E1%BA%A3%2C%20m%C3%B9a%202026%3B%20filename%3Dx.png";
    let picture = format!("/forms/fruit_survey/1/files/{encoded}");
    let csv = "/forms/fruit_survey/1/files/fruits.csv";

    let [commune_officer, province_officer, other_officer] = &mut officers[..] else {
        unreachable!()
    };
    for officer in [
        &mut *commune_officer,
        &mut *province_officer,
        &mut administrator,
    ] {
        let preview = officer.get("/forms/fruit_survey/1/preview").await;
        assert_eq!(preview.status, StatusCode::OK);
        assert!(
            preview
                .body
                .contains(&format!("href=\"{picture}\" download>")),
            "{}",
            preview.body
        );
        let (status, headers, bytes) = officer.download_with_headers(csv).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers["content-type"], "text/csv; charset=utf-8");
        assert_eq!(bytes, FRUITS_CSV.as_bytes());
        let (status, headers, bytes) = officer.download_with_headers(&picture).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(bytes, PICTURE);
        assert_eq!(headers["content-type"], "image/png");
        let disposition = headers["content-disposition"].to_str().unwrap();
        assert_eq!(
            disposition,
            format!(
                "attachment; filename=\"_nh_qu___m_a_2026__filename_x.png\"; filename*=UTF-8''{encoded}"
            )
        );
        assert_eq!(disposition.matches("filename=").count(), 1, "{disposition}");
    }
    // Another commune's officer: no list, no file; a draft is the administrator's.
    let preview = other_officer.get("/forms/fruit_survey/1/preview").await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(!preview.body.contains("form-files"), "{}", preview.body);
    for path in [csv, picture.as_str()] {
        let (status, _, bytes) = other_officer.download(path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert_ne!(bytes, PICTURE);
    }
    let draft = "/forms/fruit_survey/2/files/fruits.csv";
    assert_eq!(
        commune_officer.download(draft).await.0,
        StatusCode::NOT_FOUND
    );
    assert_eq!(administrator.download(draft).await.0, StatusCode::OK);
    for missing in [
        "/forms/fruit_survey/1/files/other.csv",
        "/forms/fruit_survey/9/files/fruits.csv",
        "/forms/fruit_survey/1/files/..%2F..%2Fform-files",
    ] {
        assert_eq!(
            administrator.download(missing).await.0,
            StatusCode::NOT_FOUND,
            "{missing}"
        );
    }
}

on_both_stores!(
    officers_download_the_files_of_forms_sent_to_their_area,
    attachments_travel_to_their_phones_only,
    the_console_uploads_a_form_with_its_files
);
