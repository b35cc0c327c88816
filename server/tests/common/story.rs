//! The full story: an administrator sets up areas and people and publishes the household
//! form; a branch head's phone enrolls, pulls, and pushes 500 submissions, 20 gatherings
//! with attendees and 30 photos; an officer lists, reviews and exports them and counts
//! the indicators. Returns every secret it handled, for the log test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use std::collections::{BTreeMap, HashSet};

use branchbook_core::domain::Sex;
use branchbook_core::protocol::{Changes, Manifest, RecordStatus, RosterMember};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

use super::TestServer;
use super::fixtures::*;

/// What the story handled that must never be logged.
pub struct StorySecrets {
    pub tokens: Vec<String>,
    pub passwords: Vec<String>,
    pub codes: Vec<String>,
}

pub async fn full_story(server: &TestServer) -> StorySecrets {
    let form = household_form();
    let admin = server.admin().await;
    let mut secrets = StorySecrets {
        tokens: vec![admin.clone()],
        passwords: vec![server.admin_password.clone()],
        codes: vec![],
    };

    // Areas: a province with two communes, a branch in each.
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Hồ")
        .await;
    let other_commune = server
        .create_area(&admin, Some(province), "commune", "Xã Tả Van")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Bản Dền")
        .await;
    let other_branch = server
        .create_area(&admin, Some(other_commune), "branch", "Chi hội Lao Chải")
        .await;

    let (officer_id, officer_pw) = server
        .create_account(&admin, "officer.banho", "officer", Some(commune))
        .await;
    let (head_id, head_pw) = server
        .create_account(&admin, "mai.lo", "branch_head", Some(branch))
        .await;
    let _ = (officer_id, other_branch);
    let officer = server.login_fresh("officer.banho", &officer_pw).await;
    secrets.passwords.extend([
        officer_pw,
        head_pw,
        "officer.banho-chosen-password".into(),
        "admin-chosen-password".into(),
    ]);
    secrets.tokens.push(officer.clone());

    // A draft is not sent to phones; publishing sends it.
    let response = server
        .client
        .post(server.url("/api/v1/office/forms"))
        .bearer_auth(&admin)
        .body(form.upload.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let draft: Value = response.json().await.unwrap();
    assert_eq!(draft["published"], false);

    // The officer enrolls the branch head's phone.
    let (status, enrollment) = server.enrollment_code(&officer, head_id).await;
    assert_eq!(status, StatusCode::OK, "{enrollment}");
    let code = enrollment["code"].as_str().unwrap().to_owned();
    assert_eq!(enrollment["qr"]["code"], code.as_str());
    assert_eq!(enrollment["qr"]["server"], server.base.as_str());
    assert!(enrollment["qr_svg"].as_str().unwrap().contains("<svg"));
    secrets.codes.push(code.clone());
    let (status, enrolled) = server.enroll(&code.to_lowercase().replace('-', " ")).await;
    assert_eq!(status, StatusCode::OK, "{enrolled}");
    let device = enrolled["token"].as_str().unwrap().to_owned();
    assert_eq!(enrolled["branch"]["name"], "Chi hội Bản Dền");
    assert_eq!(
        enrolled["branch"]["area_path"],
        json!(["Lào Cai", "Xã Bản Hồ"])
    );
    secrets.tokens.push(device.clone());

    let (status, manifest) = server.get("/api/v1/manifest", &device).await;
    assert_eq!(status, StatusCode::OK);
    let manifest: Manifest = serde_json::from_value(manifest).unwrap();
    assert!(manifest.forms.is_empty(), "a draft must not be listed");
    let published = server.publish_form(&admin, form.upload.clone()).await;
    assert_eq!(published["published"], true);

    // The phone pulls: manifest, form JSON (hash matches), roster.
    let (_, manifest) = server.get("/api/v1/manifest", &device).await;
    let manifest: Manifest = serde_json::from_value(manifest).unwrap();
    assert_eq!(manifest.forms.len(), 1);
    let form_ref = &manifest.forms[0];
    assert_eq!(
        (form_ref.form_id.as_str(), form_ref.version.as_str()),
        (form.form_id.as_str(), form.version.as_str())
    );
    let form_json = server
        .client
        .get(server.url(&format!("/api/v1/forms/{}/{}", form.form_id, form.version)))
        .bearer_auth(&device)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(
        branchbook_server::ingest::sha256_hex(&form_json),
        form_ref.sha256
    );

    let member = RosterMember {
        id: Uuid::new_v4(),
        member_code: Some("HV-001".into()),
        full_name: SENSITIVE_NAMES[2].into(),
        sex: Sex::Female,
        birth_year: Some(1990),
        ethnicity: Some("hmong".into()),
        village: "Bản Dền".into(),
        phone: None,
        archived: false,
    };
    let (status, answer) = server.put_member(&officer, branch, &json!(member)).await;
    assert_eq!(status, StatusCode::OK, "{answer}");
    let (_, changes) = server.get("/api/v1/changes?since=0", &device).await;
    let changes: Changes = serde_json::from_value(changes).unwrap();
    assert_eq!(changes.members, vec![member.clone()]);
    assert!(changes.households.is_empty());
    let cursor = changes.next_cursor;

    // Push: 50 households, 500 submissions (15 with a photo), 20 gatherings (15 photos).
    let photos: Vec<Vec<u8>> = (0..30)
        .map(|i| photo_bytes(i, 20_000 + 3_000 * i as usize))
        .collect();
    let households: Vec<_> = (0..50).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    let results = server.push(&device, &households).await.results;
    assert!(
        results.iter().all(|r| r.status == RecordStatus::Accepted),
        "{results:?}"
    );
    let submissions: Vec<_> = (0..500)
        .map(|i| {
            let photo = (i % 40 == 0 || i % 40 == 1 && i < 200)
                .then(|| photo_ref(&photos[(i / 40 + if i % 40 == 1 { 13 } else { 0 }) % 15]));
            submission(&form, i, Some(households[i % 50].uuid), photo.as_ref())
        })
        .collect();
    let with_photo: HashSet<String> = submissions
        .iter()
        .filter_map(|r| match &r.body {
            branchbook_core::protocol::RecordBody::Submission(s) => {
                s.photos.first().map(|p| p.sha256.clone())
            }
            _ => None,
        })
        .collect();
    for (n, batch) in submissions.chunks(200).enumerate() {
        let (status, body) = server.push_raw(&device, batch, n % 2 == 0).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let response: branchbook_core::protocol::PushResponse =
            serde_json::from_value(body).unwrap();
        assert_eq!(response.results.len(), batch.len());
        for (record, result) in batch.iter().zip(&response.results) {
            assert_eq!(
                (result.uuid, result.status),
                (record.uuid, RecordStatus::Accepted),
                "{result:?}"
            );
        }
    }
    let gatherings: Vec<_> = (0..20)
        .map(|i| {
            gathering(
                i,
                if i < 15 {
                    vec![photo_ref(&photos[15 + i])]
                } else {
                    vec![]
                },
            )
        })
        .collect();
    let results = server.push(&device, &gatherings).await.results;
    assert!(results.iter().all(|r| r.status == RecordStatus::Accepted));
    assert_eq!(
        results[0].missing_photos,
        vec![photo_ref(&photos[15]).sha256]
    );
    assert!(results[19].missing_photos.is_empty());

    // The households come back to the phone as changes after its cursor.
    let (_, changes) = server
        .get(&format!("/api/v1/changes?since={cursor}"), &device)
        .await;
    let changes: Changes = serde_json::from_value(changes).unwrap();
    assert_eq!(changes.households.len(), 50);
    assert!(!changes.more);

    // Before the photos, the records that need them are incomplete.
    let (_, page) = server
        .get("/api/v1/office/gatherings?limit=100", &officer)
        .await;
    let incomplete = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|g| g["complete"] == false)
        .count();
    assert_eq!(incomplete, 15);

    // Photos: chunked; one upload interrupted after its first chunk and resumed.
    let sha0 = photo_ref(&photos[0]).sha256;
    let (status, first) = server
        .put_chunk(
            &device,
            &sha0,
            0,
            photos[0].len() as u64,
            photos[0][..7_000].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(first["received"], 7_000);
    assert_eq!(server.photo_status(&device, &sha0).await.received, 7_000);
    for bytes in &photos {
        let status = server.upload_photo(&device, bytes, 8_192).await;
        assert!(status.complete);
        assert_eq!(status.received, bytes.len() as u64);
    }
    assert!(
        with_photo
            .iter()
            .all(|sha| photos.iter().any(|p| &photo_ref(p).sha256 == sha))
    );

    // The officer lists everything, page by page.
    let mut seen = HashSet::new();
    let mut after = 0;
    loop {
        let (status, page) = server
            .get(
                &format!("/api/v1/office/submissions?limit=200&after={after}"),
                &officer,
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{page}");
        for item in page["items"].as_array().unwrap() {
            assert_eq!(item["complete"], true, "{item}");
            seen.insert(item["uuid"].as_str().unwrap().to_owned());
        }
        match page["next_after"].as_i64() {
            Some(next) => after = next,
            None => break,
        }
    }
    let sent: HashSet<String> = submissions.iter().map(|r| r.uuid.to_string()).collect();
    assert_eq!(seen, sent);
    let (_, page) = server
        .get("/api/v1/office/gatherings?limit=100", &officer)
        .await;
    assert_eq!(page["items"].as_array().unwrap().len(), 20);
    assert!(
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|g| g["complete"] == true)
    );
    let (_, page) = server.get(&format!("/api/v1/office/submissions?branch={branch}&from=2026-03-01T00:00:00Z&to=2026-03-01T01:00:00Z&limit=1000"), &officer).await;
    // finalized_at = at(i + 5): i in 0..=54 falls before 01:00.
    assert_eq!(page["items"].as_array().unwrap().len(), 55);

    // One record in full, its photo, and reviews.
    let with_picture = &submissions[0];
    let (status, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", with_picture.uuid),
            &officer,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{detail}");
    assert_eq!(
        detail["record"]["body"]["data"]["head"]["head_name"],
        format!("{} 0", SENSITIVE_NAMES[0])
    );
    let photo_url = detail["photos"][0]["url"].as_str().unwrap().to_owned();
    assert_eq!(detail["photos"][0]["complete"], true);
    let downloaded = server
        .client
        .get(server.url(&photo_url))
        .bearer_auth(&officer)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    assert_eq!(&downloaded[..], &photos[0][..]);
    for (i, state, comment) in [
        (1, "has_issues", "thiếu năm sinh"),
        (1, "approved", "đã bổ sung"),
        (2, "rejected", "trùng"),
    ] {
        let path = format!("/api/v1/office/records/{}/review", submissions[i].uuid);
        let (status, review) = server
            .post(
                &path,
                Some(&officer),
                &json!({"state": state, "comment": comment}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{review}");
        assert_eq!(review["by"], "officer.banho");
    }
    let (_, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", submissions[1].uuid),
            &officer,
        )
        .await;
    assert_eq!(detail["record"]["review_state"], "approved");
    let reviews = detail["reviews"].as_array().unwrap();
    assert_eq!(reviews.len(), 2);
    assert_eq!(reviews[0]["state"], "has_issues");
    assert_eq!(reviews[0]["comment"], "thiếu năm sinh");
    assert_eq!(reviews[1]["by"], "officer.banho");
    let (_, approved) = server
        .get("/api/v1/office/submissions?state=approved", &officer)
        .await;
    assert_eq!(approved["items"].as_array().unwrap().len(), 1);

    // CSV export: one row per submission, select_multiple split, repeats in a second file.
    let (status, csv_text) = server
        .get_text(
            &format!(
                "/api/v1/office/forms/{}/{}/submissions.csv",
                form.form_id, form.version
            ),
            &officer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(csv_text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let id_col = header.iter().position(|h| h == "bb:submission_id").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 500);
    let index: BTreeMap<String, usize> = submissions
        .iter()
        .enumerate()
        .map(|(i, r)| (r.uuid.to_string(), i))
        .collect();
    for choice in &form.multi_choices {
        let col = header
            .iter()
            .position(|h| *h == format!("{}:{choice}", form.multi_path))
            .unwrap();
        for row in &rows {
            let i = index[&row[id_col]];
            assert_eq!(
                &row[col],
                if form.chose(i, choice) { "1" } else { "0" },
                "submission {i} choice {choice}"
            );
        }
    }
    let (status, labelled) = server
        .get_text(
            &format!(
                "/api/v1/office/forms/{}/{}/submissions.csv?labels=true",
                form.form_id, form.version
            ),
            &officer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(labelled.as_bytes());
    let col = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == form.multi_path)
        .unwrap();
    let first = reader.records().next().unwrap().unwrap();
    assert!(
        form.multi_labels
            .iter()
            .any(|l| first[col].contains(l.as_str())),
        "labels mode shows choice labels: {}",
        &first[col]
    );
    let (status, repeat_text) = server
        .get_text(
            &format!(
                "/api/v1/office/forms/{}/{}/repeats/{}.csv",
                form.form_id, form.version, form.repeat
            ),
            &officer,
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let mut reader = csv::Reader::from_reader(repeat_text.as_bytes());
    assert_eq!(&reader.headers().unwrap()[1], "bb:position");
    let repeat_rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(
        repeat_rows.len(),
        (0..500).map(|i| form.members_of(i)).sum::<usize>()
    );
    assert!(repeat_rows.iter().all(|r| index.contains_key(&r[0])));

    // The indicators dashboard of the commune for March 2026.
    let march = "period=month&year=2026&month=3";
    let (status, counts) = server
        .get(
            &format!("/api/v1/office/dashboard?area={commune}&{march}"),
            &officer,
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{counts}");
    let mut by_kind: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_sex: BTreeMap<String, i64> = BTreeMap::new();
    let mut by_ethnicity: BTreeMap<String, i64> = BTreeMap::new();
    for i in 0..20 {
        *by_kind
            .entry(branchbook_server::model::stored_name(
                &GATHERING_KINDS[i % 4],
            ))
            .or_default() += 1;
        for j in 0..attendees_of(i) {
            *by_sex
                .entry(branchbook_server::model::stored_name(&attendee_sex(j)))
                .or_default() += 1;
            *by_ethnicity
                .entry(ATTENDEE_ETHNICITIES[j % 4].unwrap_or("").to_owned())
                .or_default() += 1;
        }
    }
    let total = &counts["total"];
    assert_eq!(total["gatherings"], json!(by_kind));
    assert_eq!(total["attendees_by_sex"], json!(by_sex));
    assert_eq!(total["attendees_by_ethnicity"], json!(by_ethnicity));
    // Submission 2 was rejected: it no longer counts (its household is still visited by others).
    assert_eq!(total["surveys_by_form"][&form.form_id], 499);
    assert_eq!(total["households"], 50);
    // The other commune is outside the officer's scope, and has nothing.
    let (status, _) = server
        .get(
            &format!("/api/v1/office/dashboard?area={other_commune}&{march}"),
            &officer,
        )
        .await;
    assert_eq!(
        status,
        StatusCode::NOT_FOUND,
        "the officer's scope stops at her commune"
    );
    let (_, none) = server
        .get(
            &format!("/api/v1/office/dashboard?area={other_commune}&{march}"),
            &admin,
        )
        .await;
    assert_eq!(none["total"]["surveys_by_state"], json!({}));
    secrets
}
