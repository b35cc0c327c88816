//! Least privilege: a branch's device and its head see and touch only their branch (tried
//! on every endpoint); officers see their area and nothing above or beside it; revoked
//! devices, expired, reused or unknown codes, wrong passwords and missing tokens fail.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use branchbook_core::protocol::{Record, RecordStatus};
use common::fixtures::*;
use common::{TestServer, error_of};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

struct Branch {
    id: Uuid,
    head: Uuid,
    head_password: String,
    device: String,
    device_id: Uuid,
}

struct World {
    admin: String,
    province: Uuid,
    communes: [Uuid; 2],
    /// B1 and B2 in the first commune, B3 in the second.
    branches: Vec<Branch>,
}

async fn world(server: &TestServer) -> World {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Điện Biên")
        .await;
    let c1 = server
        .create_area(&admin, Some(province), "commune", "Xã Mường Nhé")
        .await;
    let c2 = server
        .create_area(&admin, Some(province), "commune", "Xã Sín Thầu")
        .await;
    server.publish_form(&admin, household_form().upload).await;
    let mut branches = Vec::new();
    for (i, commune) in [c1, c1, c2].into_iter().enumerate() {
        let id = server
            .create_area(&admin, Some(commune), "branch", &format!("Chi hội {i}"))
            .await;
        let (head, head_password) = server
            .create_account(&admin, &format!("head{i}"), "branch_head", Some(id))
            .await;
        let enrolled = server.enrolled_device(&admin, head).await;
        branches.push(Branch {
            id,
            head,
            head_password,
            device: enrolled.token,
            device_id: enrolled.device_id,
        });
    }
    World {
        admin,
        province,
        communes: [c1, c2],
        branches,
    }
}

/// Each branch pushes a household and a submission with a complete photo; returns them.
async fn branch_data(server: &TestServer, branch: &Branch, seed: u64) -> (Record, Record, Vec<u8>) {
    let photo = photo_bytes(seed, 30_000);
    let h = household(Uuid::now_v7(), 1, seed as usize);
    let s = submission(
        &household_form(),
        seed as usize,
        Some(h.uuid),
        Some(&photo_ref(&photo)),
    );
    let results = server
        .push(&branch.device, &[h.clone(), s.clone()])
        .await
        .results;
    assert!(
        results.iter().all(|r| r.status == RecordStatus::Accepted),
        "{results:?}"
    );
    assert!(
        server
            .upload_photo(&branch.device, &photo, 10_000)
            .await
            .complete
    );
    (h, s, photo)
}

async fn a_device_reaches_only_its_branch(server: TestServer) {
    let w = world(&server).await;
    let (b1, b2) = (&w.branches[0], &w.branches[1]);
    let (h1, _, _) = branch_data(&server, b1, 1).await;
    let (h2, s2, photo2) = branch_data(&server, b2, 2).await;
    let sha2 = photo_ref(&photo2).sha256;

    // Manifest: its own branch.
    let (_, manifest) = server.get("/api/v1/manifest", &b1.device).await;
    assert_eq!(manifest["branch"]["id"], b1.id.to_string());
    // Changes: its own households only.
    let (_, changes) = server.get("/api/v1/changes?since=0", &b1.device).await;
    let ids: Vec<&str> = changes["households"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![h1.uuid.to_string()]);
    // Records: another branch's record id, household or revision chain are refused.
    let visit_other = submission(&household_form(), 9, Some(h2.uuid), None);
    let mut h2_edit = h2.clone();
    h2_edit.revision = 2;
    let results = server
        .push(&b1.device, &[s2.clone(), visit_other, h2_edit])
        .await
        .results;
    assert!(
        results.iter().all(|r| r.status == RecordStatus::Rejected),
        "{results:?}"
    );
    assert!(
        results[0]
            .reason
            .as_deref()
            .unwrap()
            .contains("another branch")
    );
    assert!(results[1].reason.as_deref().unwrap().contains("household"));
    // Photos: another branch's complete photo looks unknown, and bytes that are not it change nothing.
    let status = server.photo_status(&b1.device, &sha2).await;
    assert_eq!((status.received, status.complete), (0, false));
    let fake = photo_bytes(99, photo2.len());
    let (code, body) = server
        .put_chunk(&b1.device, &sha2, 0, fake.len() as u64, fake)
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_of(&body).error, "hash_mismatch");
    assert!(server.photo_status(&b2.device, &sha2).await.complete);
    // Another branch's upload in progress is invisible and cannot be appended to.
    let photo3 = photo_bytes(3, 20_000);
    let sha3 = photo_ref(&photo3).sha256;
    let (code, _) = server
        .put_chunk(&b2.device, &sha3, 0, 20_000, photo3[..5_000].to_vec())
        .await;
    assert_eq!(code, StatusCode::OK);
    assert_eq!(server.photo_status(&b1.device, &sha3).await.received, 0);
    let (code, body) = server
        .put_chunk(&b1.device, &sha3, 5_000, 20_000, photo3[5_000..].to_vec())
        .await;
    assert_eq!(code, StatusCode::CONFLICT);
    assert_eq!(error_of(&body).photo.unwrap().received, 0);
    assert_eq!(server.photo_status(&b2.device, &sha3).await.received, 5_000);
    // A branch that proves it has the photo by sending all of it may then see it.
    assert!(
        server
            .upload_photo(&b1.device, &photo2, 50_000)
            .await
            .complete
    );

    // Device tokens do not open the office API, and office tokens do not open the device API.
    let (code, body) = server.get("/api/v1/office/submissions", &b1.device).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(&body).error, "unauthorized");
    let (code, _) = server.get("/api/v1/manifest", &w.admin).await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    let sha_path = format!("/api/v1/photos/{sha3}");
    let put_path = format!("/api/v1/photos/{sha3}?offset=5000&total=20000");
    for (method, path) in [
        (Method::GET, "/api/v1/manifest"),
        (Method::GET, "/api/v1/changes"),
        (Method::POST, "/api/v1/records"),
        (Method::GET, "/api/v1/forms/household_survey/2025.1"),
        (Method::GET, sha_path.as_str()),
        (Method::PUT, put_path.as_str()),
    ] {
        let (code, body) = server
            .call(method.clone(), path, None, Some(&json!({"records": []})))
            .await;
        assert_eq!(
            code,
            StatusCode::UNAUTHORIZED,
            "{method} {path} without a token"
        );
        error_of(&body);
        let (code, _) = server
            .call(
                method.clone(),
                path,
                Some("0123abcd"),
                Some(&json!({"records": []})),
            )
            .await;
        assert_eq!(
            code,
            StatusCode::UNAUTHORIZED,
            "{method} {path} with a made-up token"
        );
    }
}

async fn a_branch_head_sees_only_her_branch_in_the_office(server: TestServer) {
    let w = world(&server).await;
    let (b1, b2) = (&w.branches[0], &w.branches[1]);
    let (_, s1, _) = branch_data(&server, b1, 1).await;
    let (_, s2, photo2) = branch_data(&server, b2, 2).await;
    let head = server.login_fresh("head0", &b1.head_password).await;

    let (_, own) = server.get("/api/v1/office/submissions", &head).await;
    let uuids: Vec<&str> = own["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["uuid"].as_str().unwrap())
        .collect();
    assert_eq!(uuids, vec![s1.uuid.to_string()]);
    let (_, other) = server
        .get(
            &format!("/api/v1/office/submissions?branch={}", b2.id),
            &head,
        )
        .await;
    assert!(other["items"].as_array().unwrap().is_empty());
    let (_, areas) = server.get("/api/v1/office/areas", &head).await;
    assert_eq!(areas.as_array().unwrap().len(), 1);
    let (_, devices) = server.get("/api/v1/office/devices", &head).await;
    assert_eq!(devices.as_array().unwrap().len(), 1);
    assert_eq!(devices[0]["id"], b1.device_id.to_string());

    let form = household_form();
    let expectations: Vec<(Method, String, Value, StatusCode)> = vec![
        (
            Method::GET,
            format!("/api/v1/office/submissions?area={}", b2.id),
            json!(null),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/api/v1/office/gatherings?area={}", w.communes[0]),
            json!(null),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/api/v1/office/records/{}", s2.uuid),
            json!(null),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/api/v1/office/photos/{}", photo_ref(&photo2).sha256),
            json!(null),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!(
                "/api/v1/office/dashboard?area={}&period=year&year=2026",
                b2.id
            ),
            json!(null),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            format!("/api/v1/office/records/{}/review", s1.uuid),
            json!({"state": "approved"}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            format!(
                "/api/v1/office/forms/{}/{}/submissions.csv",
                form.form_id, form.version
            ),
            json!(null),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            format!(
                "/api/v1/office/forms/{}/{}/repeats/members.csv",
                form.form_id, form.version
            ),
            json!(null),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::GET,
            "/api/v1/office/accounts".into(),
            json!(null),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/office/accounts".into(),
            json!({"username": "x", "display_name": "x", "role": "branch_head", "area_id": b1.id}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/office/enrollments".into(),
            json!({"account_id": b1.head}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            format!("/api/v1/office/devices/{}/revoke", b2.device_id),
            json!({}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::PUT,
            format!("/api/v1/office/branches/{}/members", b1.id),
            json!({}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/office/areas".into(),
            json!({"parent_id": b1.id, "level": "branch", "name": "x"}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/office/forms".into(),
            json!({}),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            format!(
                "/api/v1/office/forms/{}/{}/publish",
                form.form_id, form.version
            ),
            json!({}),
            StatusCode::FORBIDDEN,
        ),
    ];
    for (method, path, body, expected) in expectations {
        let body = (!body.is_null()).then_some(body);
        let (code, answer) = server
            .call(method.clone(), &path, Some(&head), body.as_ref())
            .await;
        assert_eq!(code, expected, "{method} {path}: {answer}");
        error_of(&answer);
    }
}

async fn officers_see_their_area_and_nothing_above_or_beside(server: TestServer) {
    let w = world(&server).await;
    let (_, s1, _) = branch_data(&server, &w.branches[0], 1).await;
    let (_, s2, _) = branch_data(&server, &w.branches[1], 2).await;
    let (_, s3, _) = branch_data(&server, &w.branches[2], 3).await;
    let (_, pw) = server
        .create_account(&w.admin, "commune.officer", "officer", Some(w.communes[0]))
        .await;
    let commune = server.login_fresh("commune.officer", &pw).await;
    let (_, pw) = server
        .create_account(&w.admin, "province.officer", "officer", Some(w.province))
        .await;
    let province = server.login_fresh("province.officer", &pw).await;

    let listed = |page: &Value| -> Vec<String> {
        let mut v: Vec<String> = page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["uuid"].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v
    };
    let (_, page) = server.get("/api/v1/office/submissions", &commune).await;
    assert_eq!(
        listed(&page),
        sorted(vec![s1.uuid.to_string(), s2.uuid.to_string()])
    );
    let (_, page) = server.get("/api/v1/office/submissions", &province).await;
    assert_eq!(
        listed(&page),
        sorted(vec![
            s1.uuid.to_string(),
            s2.uuid.to_string(),
            s3.uuid.to_string()
        ])
    );
    let (_, page) = server
        .get(
            &format!("/api/v1/office/submissions?area={}", w.communes[1]),
            &province,
        )
        .await;
    assert_eq!(listed(&page), vec![s3.uuid.to_string()]);

    let b3 = &w.branches[2];
    let member = json!({"id": Uuid::new_v4(), "member_code": null, "full_name": "Vàng Thị Mỷ", "sex": "female",
                        "birth_year": 1990, "ethnicity": "hmong", "village": "Bản", "phone": null, "archived": false});
    for (method, path, body, expected) in [
        (
            Method::GET,
            format!("/api/v1/office/records/{}", s3.uuid),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/api/v1/office/records/{}/review", s3.uuid),
            Some(json!({"state": "rejected"})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!("/api/v1/office/submissions?area={}", w.province),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::GET,
            format!(
                "/api/v1/office/dashboard?area={}&period=year&year=2026",
                w.communes[1]
            ),
            None,
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/office/enrollments".into(),
            Some(json!({"account_id": b3.head})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            format!("/api/v1/office/devices/{}/revoke", b3.device_id),
            Some(json!({})),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::PUT,
            format!("/api/v1/office/branches/{}/members", b3.id),
            Some(member.clone()),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/office/accounts".into(),
            Some(
                json!({"username": "h9", "display_name": "h", "role": "branch_head", "area_id": b3.id}),
            ),
            StatusCode::NOT_FOUND,
        ),
        (
            Method::POST,
            "/api/v1/office/accounts".into(),
            Some(
                json!({"username": "o9", "display_name": "o", "role": "officer", "area_id": w.communes[0]}),
            ),
            StatusCode::FORBIDDEN,
        ),
        (
            Method::POST,
            "/api/v1/office/areas".into(),
            Some(json!({"parent_id": w.communes[0], "level": "branch", "name": "x"})),
            StatusCode::FORBIDDEN,
        ),
    ] {
        let (code, answer) = server
            .call(method.clone(), &path, Some(&commune), body.as_ref())
            .await;
        assert_eq!(code, expected, "{method} {path}: {answer}");
        error_of(&answer);
    }
    // The review refused above did not happen.
    let (_, detail) = server
        .get(&format!("/api/v1/office/records/{}", s3.uuid), &province)
        .await;
    assert_eq!(detail["record"]["review_state"], "received");
    // Inside her area she may enroll and keep the roster.
    let (code, _) = server.enrollment_code(&commune, w.branches[1].head).await;
    assert_eq!(code, StatusCode::OK);
    let (code, answer) = server.put_member(&commune, w.branches[1].id, &member).await;
    assert_eq!(code, StatusCode::OK, "{answer}");
    let (_, changes) = server
        .get("/api/v1/changes?since=0", &w.branches[1].device)
        .await;
    assert_eq!(changes["members"][0]["full_name"], "Vàng Thị Mỷ");
    let (_, changes) = server
        .get("/api/v1/changes?since=0", &w.branches[0].device)
        .await;
    assert!(
        changes["members"].as_array().unwrap().is_empty(),
        "another branch's roster stays out"
    );
}

async fn revoked_devices_codes_and_passwords_fail(server: TestServer) {
    let w = world(&server).await;
    let b1 = &w.branches[0];
    // Revocation: the next request is refused.
    let (code, _) = server.get("/api/v1/manifest", &b1.device).await;
    assert_eq!(code, StatusCode::OK);
    let (code, _) = server
        .post(
            &format!("/api/v1/office/devices/{}/revoke", b1.device_id),
            Some(&w.admin),
            &json!({}),
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    for path in [
        "/api/v1/manifest".to_owned(),
        "/api/v1/changes?since=0".to_owned(),
        format!("/api/v1/photos/{}", "ab".repeat(32)),
    ] {
        let (code, body) = server.get(&path, &b1.device).await;
        assert_eq!(code, StatusCode::UNAUTHORIZED);
        assert_eq!(error_of(&body).error, "revoked");
    }
    let (code, _) = server
        .push_raw(&b1.device, &[household(Uuid::now_v7(), 1, 0)], false)
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    let (code, _) = server
        .put_chunk(&b1.device, &"ab".repeat(32), 0, 10, vec![7; 10])
        .await;
    assert_eq!(code, StatusCode::UNAUTHORIZED);
    // Another device of the branch is unaffected.
    assert_eq!(
        server
            .get("/api/v1/manifest", &w.branches[1].device)
            .await
            .0,
        StatusCode::OK
    );

    // Codes: single use, expiring, unknown.
    let (_, created) = server.enrollment_code(&w.admin, b1.head).await;
    let code_text = created["code"].as_str().unwrap().to_owned();
    assert_eq!(server.enroll(&code_text).await.0, StatusCode::OK);
    let (status, body) = server.enroll(&code_text).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        error_of(&body).error,
        "invalid_code",
        "a used code answers as an unknown one"
    );
    let (status, body) = server.enroll("ACDE-FGHJ").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(&body).error, "invalid_code");
    let expired = "KMNP-QRTU";
    let hash =
        branchbook_server::secret::secret_hash(&branchbook_server::secret::normalize_code(expired));
    let (head, branch) = (b1.head, b1.id);
    server
        .store
        .call(move |store| {
            let admin_id = store.account_for_login("admin")?.unwrap().0.id;
            store.create_enrollment(
                &hash,
                head,
                branch,
                admin_id,
                chrono::Utc::now() - chrono::Duration::minutes(1),
            )
        })
        .await
        .unwrap();
    let (status, body) = server.enroll(expired).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        error_of(&body).error,
        "invalid_code",
        "an expired code answers as an unknown one"
    );

    // Passwords and sessions.
    let (status, body) = server.login("admin", "admin-chosen-passworD").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_of(&body).error, "bad_credentials");
    let (status, _) = server.login("nobody", "whatever-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (_, pw) = server
        .create_account(&w.admin, "new.officer", "officer", Some(w.province))
        .await;
    let (_, session) = server.login("new.officer", &pw).await;
    let token = session["token"].as_str().unwrap();
    let (status, body) = server.get("/api/v1/office/submissions", token).await;
    assert_eq!(
        status,
        StatusCode::FORBIDDEN,
        "a one-time password must be replaced first"
    );
    assert_eq!(error_of(&body).error, "password_change_required");
    let (status, _) = server
        .post(
            "/api/v1/office/password",
            Some(token),
            &json!({"current": pw, "new": "short"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (status, _) = server
        .post(
            "/api/v1/office/password",
            Some(token),
            &json!({"current": "wrong", "new": "long enough now"}),
        )
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = server
        .post(
            "/api/v1/office/password",
            Some(token),
            &json!({"current": pw, "new": "long enough now"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        server.get("/api/v1/office/submissions", token).await.0,
        StatusCode::OK
    );
    assert_eq!(
        server.login("new.officer", &pw).await.0,
        StatusCode::UNAUTHORIZED,
        "the one-time password is spent"
    );
    assert_eq!(
        server
            .post("/api/v1/office/logout", Some(token), &json!({}))
            .await
            .0,
        StatusCode::OK
    );
    assert_eq!(
        server.get("/api/v1/office/submissions", token).await.0,
        StatusCode::UNAUTHORIZED
    );
}

/// Every answer, whoever asks and whatever it is (JSON, an error, a refusal before any
/// handler, a console page, a CSV), is uncacheable, unsniffable, unframeable and runs
/// nothing if opened in a browser; the console keeps its own content policy.
async fn every_answer_carries_the_safety_headers(server: TestServer) {
    let (device, admin) = server.one_device().await;
    let client = &server.client;
    let answers = [
        client
            .get(server.url("/api/v1/manifest"))
            .bearer_auth(&device.token)
            .send()
            .await
            .unwrap(),
        client
            .get(server.url("/api/v1/office/me"))
            .send()
            .await
            .unwrap(),
        client
            .get(server.url("/no/such/thing"))
            .send()
            .await
            .unwrap(),
        client
            .get(server.url("/api/v1/office/records/not-a-uuid"))
            .bearer_auth(&admin)
            .send()
            .await
            .unwrap(),
        client.get(server.url("/login")).send().await.unwrap(),
    ];
    for answer in &answers {
        let h = answer.headers();
        let what = format!("{} {:?}", answer.status(), answer.url().path());
        assert_eq!(h["cache-control"], "no-store", "{what}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["x-frame-options"], "DENY", "{what}");
        assert!(h.contains_key("referrer-policy"), "{what}");
        assert!(
            h["content-security-policy"]
                .to_str()
                .unwrap()
                .contains("default-src 'none'"),
            "{what}"
        );
    }
    let console = answers[4].headers();
    assert!(
        console["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("style-src 'self'"),
        "the console's own policy stays"
    );
    assert_eq!(console["referrer-policy"], "same-origin");
    assert_eq!(answers[0].headers()["referrer-policy"], "no-referrer");
}

/// `size` deterministic bytes that start with `head` (a recording's or a page's first bytes).
fn file_bytes(head: &[u8], seed: u64, size: usize) -> Vec<u8> {
    let mut bytes = photo_bytes(seed, size);
    bytes[..head.len()].copy_from_slice(head);
    bytes
}

/// Pushes a submission of `branch` whose file answer is `bytes`.
async fn push_with_file(server: &TestServer, branch: &Branch, seed: usize, bytes: &[u8]) {
    let s = submission(&household_form(), seed, None, Some(&photo_ref(bytes)));
    let results = server.push(&branch.device, &[s]).await.results;
    assert_eq!(results[0].status, RecordStatus::Accepted, "{results:?}");
}

async fn recordings_are_told_by_their_bytes_and_served_only_in_scope(server: TestServer) {
    const MIB: usize = 1024 * 1024;
    let w = world(&server).await;
    let (b1, b2) = (&w.branches[0], &w.branches[1]);
    let amr = file_bytes(b"#!AMR\n", 1, 40_000);
    // A video past the photo limit (20 MiB): the record and the upload are taken.
    let video = file_bytes(b"\0\0\0\x18ftypisom\0\0\0\0", 2, 21 * MIB);
    push_with_file(&server, b1, 1, &amr).await;
    push_with_file(&server, b1, 2, &video).await;
    assert!(server.upload_photo(&b1.device, &amr, 10_000).await.complete);
    assert!(
        server
            .upload_photo(&b1.device, &video, 4 * MIB)
            .await
            .complete
    );

    // Bytes that are no photo or recording are refused at their first chunk, whatever
    // the record said, and nothing of them is kept.
    let page = file_bytes(b"<!DOCTYPE html><script>", 3, 30_000);
    push_with_file(&server, b1, 3, &page).await;
    let page_sha = photo_ref(&page).sha256;
    let (code, body) = server
        .put_chunk(&b1.device, &page_sha, 0, 30_000, page[..10_000].to_vec())
        .await;
    assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).error, "not_a_media_file");
    assert_eq!(server.photo_status(&b1.device, &page_sha).await.received, 0);
    // Each kind has its own bound, told from the first chunk: a photo or a sound past
    // 20 MiB is refused after one chunk, a file past every bound before any.
    for (head, total, error) in [
        (
            &[0xFF, 0xD8, 0xFF, 0xE0][..],
            20 * MIB + 1,
            "file_too_large",
        ),
        (b"#!AMR\n", 20 * MIB + 1, "file_too_large"),
    ] {
        let bytes = file_bytes(head, 4, 10_000);
        let sha = photo_ref(&bytes).sha256;
        let (code, body) = server
            .put_chunk(&b1.device, &sha, 0, total as u64, bytes)
            .await;
        assert_eq!(code, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(error_of(&body).error, error);
        assert_eq!(server.photo_status(&b1.device, &sha).await.received, 0);
    }
    let (code, _) = server
        .put_chunk(
            &b1.device,
            &photo_ref(&amr).sha256,
            0,
            100 * MIB as u64 + 1,
            vec![0; 10],
        )
        .await;
    assert_eq!(code, StatusCode::PAYLOAD_TOO_LARGE);

    // Served as what their bytes are, to the branch's head; nobody else gets them.
    let head = server.login_fresh("head0", &b1.head_password).await;
    let other_head = server.login_fresh("head1", &b2.head_password).await;
    for (bytes, content_type) in [(&amr, "audio/amr"), (&video, "video/mp4")] {
        let url = server.url(&format!(
            "/api/v1/office/photos/{}",
            photo_ref(bytes).sha256
        ));
        let response = server
            .client
            .get(&url)
            .bearer_auth(&head)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(response.headers()["content-type"], content_type);
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert_eq!(&response.bytes().await.unwrap()[..], &bytes[..]);
        for (token, refused) in [
            (&other_head, StatusCode::NOT_FOUND),
            (&b1.device, StatusCode::UNAUTHORIZED),
        ] {
            let response = server
                .client
                .get(&url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap();
            assert_eq!(response.status(), refused);
        }
    }
}

on_both_stores!(
    recordings_are_told_by_their_bytes_and_served_only_in_scope,
    every_answer_carries_the_safety_headers,
    a_device_reaches_only_its_branch,
    a_branch_head_sees_only_her_branch_in_the_office,
    officers_see_their_area_and_nothing_above_or_beside,
    revoked_devices_codes_and_passwords_fail,
);
