//! Publishing a form version to an area's subtree and retiring it: only the phones of
//! that subtree see it in their manifest or can download it, a retired version leaves
//! every manifest, and only the administrator does either.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::fixtures::model_form_json;
use reqwest::StatusCode;
use serde_json::{Value, json};

const FORM: &str = "household_survey";

/// The `form_id version` pairs in a phone's manifest.
async fn listed(server: &TestServer, device: &str) -> Vec<String> {
    let (status, manifest) = server.get("/api/v1/manifest", device).await;
    assert_eq!(status, StatusCode::OK, "{manifest}");
    manifest["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            format!(
                "{} {}",
                f["form_id"].as_str().unwrap(),
                f["version"].as_str().unwrap()
            )
        })
        .collect()
}

async fn upload(server: &TestServer, admin: &str, version: &str) {
    let bytes = serde_json::to_vec(&model_form_json(version)).unwrap();
    let response = reqwest::Client::new()
        .post(server.url("/api/v1/office/forms"))
        .bearer_auth(admin)
        .body(bytes)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

async fn act(
    server: &TestServer,
    token: &str,
    version: &str,
    action: &str,
    body: Value,
) -> StatusCode {
    let path = format!("/api/v1/office/forms/{FORM}/{version}/{action}");
    let (status, answer) = server.post(&path, Some(token), &body).await;
    if status == StatusCode::OK {
        assert_eq!(answer["version"], version, "{answer}");
    }
    status
}

async fn published_to_one_commune_and_retired(server: TestServer) {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune_a = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Hồ")
        .await;
    let commune_b = server
        .create_area(&admin, Some(province), "commune", "Xã Tả Van")
        .await;
    let branch_a = server
        .create_area(&admin, Some(commune_a), "branch", "Chi hội Bản Dền")
        .await;
    let branch_b = server
        .create_area(&admin, Some(commune_b), "branch", "Chi hội Giàng Tả")
        .await;
    let (head_a, _) = server
        .create_account(&admin, "mai", "branch_head", Some(branch_a))
        .await;
    let (head_b, _) = server
        .create_account(&admin, "do", "branch_head", Some(branch_b))
        .await;
    let phone_a = server.enrolled_device(&admin, head_a).await.token;
    let phone_b = server.enrolled_device(&admin, head_b).await.token;
    let (_, officer_once) = server
        .create_account(&admin, "officer.a", "officer", Some(commune_a))
        .await;
    let officer = server.login_fresh("officer.a", &officer_once).await;

    upload(&server, &admin, "2026.1").await;
    assert_eq!(
        listed(&server, &phone_a).await,
        Vec::<String>::new(),
        "a draft goes nowhere"
    );

    // Only the administrator publishes or retires; an unknown area is refused.
    assert_eq!(
        act(
            &server,
            &officer,
            "2026.1",
            "publish",
            json!({"area": commune_a})
        )
        .await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(
            &server,
            &admin,
            "2026.1",
            "publish",
            json!({"area": uuid::Uuid::new_v4()})
        )
        .await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        act(&server, &admin, "2026.1", "retire", json!({})).await,
        StatusCode::NOT_FOUND,
        "a draft is not retired"
    );

    assert_eq!(
        act(
            &server,
            &admin,
            "2026.1",
            "publish",
            json!({"area": commune_a})
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        listed(&server, &phone_a).await,
        vec![format!("{FORM} 2026.1")]
    );
    assert_eq!(
        listed(&server, &phone_b).await,
        Vec::<String>::new(),
        "another commune's phone"
    );
    let download = format!("/api/v1/forms/{FORM}/2026.1");
    assert_eq!(server.get_text(&download, &phone_a).await.0, StatusCode::OK);
    assert_eq!(
        server.get_text(&download, &phone_b).await.0,
        StatusCode::NOT_FOUND
    );

    // A second version for every phone; then the first is retired.
    upload(&server, &admin, "2026.2").await;
    assert_eq!(
        act(&server, &admin, "2026.2", "publish", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        listed(&server, &phone_a).await,
        vec![format!("{FORM} 2026.1"), format!("{FORM} 2026.2")]
    );
    assert_eq!(
        listed(&server, &phone_b).await,
        vec![format!("{FORM} 2026.2")]
    );
    assert_eq!(
        act(&server, &officer, "2026.1", "retire", json!({})).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        act(&server, &admin, "2026.1", "retire", json!({})).await,
        StatusCode::OK
    );
    assert_eq!(
        act(&server, &admin, "2026.1", "retire", json!({})).await,
        StatusCode::OK,
        "retiring twice is one retirement"
    );
    assert_eq!(
        listed(&server, &phone_a).await,
        vec![format!("{FORM} 2026.2")]
    );
    // A retired version still downloads where it went (her drafts started with it can be
    // finished), and still nowhere else.
    assert_eq!(server.get_text(&download, &phone_a).await.0, StatusCode::OK);
    assert_eq!(
        server.get_text(&download, &phone_b).await.0,
        StatusCode::NOT_FOUND
    );

    // The office list says where each version went and which is retired.
    let (status, forms) = server.get("/api/v1/office/forms", &admin).await;
    assert_eq!(status, StatusCode::OK, "{forms}");
    let first = forms
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["version"] == "2026.1")
        .unwrap();
    assert_eq!(
        (first["area_id"].as_str(), first["retired"].as_bool()),
        (Some(commune_a.to_string().as_str()), Some(true))
    );

    // Publishing again to the whole province takes the retirement back, for both communes.
    assert_eq!(
        act(
            &server,
            &admin,
            "2026.1",
            "publish",
            json!({"area": province})
        )
        .await,
        StatusCode::OK
    );
    assert_eq!(
        listed(&server, &phone_b).await,
        vec![format!("{FORM} 2026.1"), format!("{FORM} 2026.2")]
    );
}

on_both_stores!(published_to_one_commune_and_retired);
