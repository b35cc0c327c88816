//! The console's submissions pages over HTTP, on both stores: the officer finds what her
//! commune's phones sent in a paged, filtered table with names (branch, commune, sender)
//! and review states, opens a record (question and choice labels, repeats, GPS with a
//! map link), rejects it with a comment through a CSRF-checked post, and downloads the
//! exports with her cookie; nothing of the other commune is reachable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::{Browser, Page};
use common::database::{migrate_again, run_sql};
use common::officework::*;
use reqwest::StatusCode;

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

/// Links to record pages in a page.
fn record_links(page: &Page) -> usize {
    page.body.matches("href=\"/records/").count()
}

async fn the_table_shows_names_and_filters(server: TestServer) {
    let work = officework(&server).await;
    let mut officer = officer_browser(&server).await;
    let page = officer.get("/submissions").await;
    ok(&page);
    assert_eq!(record_links(&page), work.submissions.len());
    for name in [BRANCH, COMMUNE, HEAD, "Chưa duyệt", "Máy gửi", "test phone"] {
        assert!(page.body.contains(name), "{name} missing");
    }
    assert!(
        !page.body.contains(OTHER_BRANCH),
        "another commune's branch is listed"
    );
    // A day in Vietnam time: the survey finalized at 18:00 UTC on 31 March is on 1 April.
    let page = officer
        .get("/submissions?from=2026-04-01&to=2026-04-02")
        .await;
    assert_eq!(record_links(ok(&page)), 1);
    // The same day as the date fields take it, day first (as Vietnamese offices write).
    let page = officer
        .get("/submissions?from=01/04/2026&to=02/04/2026")
        .await;
    assert_eq!(record_links(ok(&page)), 1);
    assert!(
        page.body.contains("value=\"01/04/2026\""),
        "the field keeps what she typed"
    );
    let page = officer.get("/submissions?from=04/31/2026").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("dd/mm/yyyy"),
        "the error says how to write a date"
    );
    let page = officer.get("/submissions?state=rejected").await;
    assert_eq!(record_links(ok(&page)), 0);
    let page = officer
        .get(&format!("/submissions?area={}", work.other_commune))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    // Choosing the form offers its downloads, which work with the session cookie.
    let page = officer
        .get(&format!("/submissions?form={FORM_ID}%40{FORM_VERSION}"))
        .await;
    let link = format!("/exports/forms/{FORM_ID}/{FORM_VERSION}/submissions.xlsx?");
    assert!(ok(&page).body.contains(&link), "no download link");
    let csv = officer
        .get(&format!(
            "/exports/forms/{FORM_ID}/{FORM_VERSION}/submissions.csv"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(
        csv.body.trim_start_matches('\u{feff}').lines().count(),
        work.submissions.len() + 1
    );
    let refused = officer
        .get(&format!(
            "/exports/forms/{FORM_ID}/{FORM_VERSION}/submissions.csv?area={}",
            work.other_commune
        ))
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let gatherings = officer.get("/exports/gatherings.csv").await;
    assert_eq!(gatherings.status, StatusCode::OK);
    assert!(gatherings.body.contains("Lò Văn Páo") && !gatherings.body.contains("Người xã khác"));

    // Paging: 55 more surveys make two pages of 50 and a third.
    let more: Vec<_> = (0..55)
        .map(|i| submission(i, 600 + i as i64, None))
        .collect();
    push_all(&server, &work.device, &more).await;
    let mut seen = 0;
    let mut path = "/submissions".to_owned();
    for _ in 0..5 {
        let page = officer.get(&path).await;
        seen += record_links(ok(&page));
        let Some(end) = page.body.find("\" id=\"next-page\"") else {
            break;
        };
        let start = page.body[..end].rfind("href=\"").unwrap() + 6;
        path = page.body[start..end]
            .replace("&amp;", "&")
            .replace("&#38;", "&");
    }
    assert_eq!(seen, work.submissions.len() + 55);

    // Nobody without a session.
    let mut anonymous = Browser::new(&server.base);
    anonymous
        .get("/submissions")
        .await
        .assert_redirect("/login");
    anonymous
        .get("/exports/gatherings.csv")
        .await
        .assert_redirect("/login");
}

async fn a_record_is_read_and_rejected(server: TestServer) {
    let work = officework(&server).await;
    let mut officer = officer_browser(&server).await;
    let first = &work.submissions[0];
    let page = officer.get(&format!("/records/{}", first.uuid)).await;
    ok(&page);
    let s = survey(0);
    for text in [
        "Tên chủ hộ",
        "Nguồn nước",
        "Tài sản",
        "Thành viên 1",
        "Vị trí",
        BRANCH,
        COMMUNE,
        HEAD,
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let water = WATER.iter().find(|(n, _)| *n == s.water).unwrap().1;
    assert!(page.body.contains(water), "the choice label is shown");
    for name in &s.assets {
        let label = ASSETS.iter().find(|(n, _)| n == name).unwrap().1;
        assert!(page.body.contains(label), "{label} missing");
    }
    assert!(page.body.contains("± 4.5 m") && page.body.contains("openstreetmap.org/?mlat=22.3"));
    assert!(page.body.contains(&s.members[0].0));
    // A formula-like answer is text on the page.
    let page = officer
        .get(&format!("/records/{}", work.submissions[1].uuid))
        .await;
    assert!(
        ok(&page)
            .body
            .contains("=HYPERLINK(&#34;http://x.example&#34;,&#34;bấm&#34;)")
            || page.body.contains("=HYPERLINK(&quot;")
    );

    // Reject with a comment: stale form refused, then the real post.
    let path = format!("/records/{}/review", first.uuid);
    let forged = officer
        .post(
            &path,
            &[("csrf", "forged"), ("state", "rejected"), ("comment", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let csrf = page.csrf();
    let bad = officer
        .post(&path, &[("csrf", &csrf), ("state", "maybe")])
        .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    let done = officer
        .post(
            &path,
            &[
                ("csrf", &csrf),
                ("state", "rejected"),
                ("comment", "thiếu năm sinh"),
            ],
        )
        .await;
    done.assert_redirect(&format!("/records/{}?reviewed=1", first.uuid));
    let page = officer
        .get(&format!("/records/{}?reviewed=1", first.uuid))
        .await;
    ok(&page);
    assert!(page.body.contains("Đã lưu quyết định duyệt."));
    assert!(page.body.contains("thiếu năm sinh") && page.body.contains("Không nhận"));
    let (_, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", first.uuid),
            &work.officer,
        )
        .await;
    assert_eq!(detail["record"]["review_state"], "rejected");
    assert_eq!(detail["reviews"][0]["comment"], "thiếu năm sinh");
    let page = officer.get("/submissions?state=rejected").await;
    assert_eq!(record_links(ok(&page)), 1);

    // The other commune's record: not found, not reviewable.
    let other = work.other[0].uuid;
    assert_eq!(
        officer.get(&format!("/records/{other}")).await.status,
        StatusCode::NOT_FOUND
    );
    let refused = officer
        .post(
            &format!("/records/{other}/review"),
            &[("csrf", &csrf), ("state", "approved")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let (_, detail) = server
        .get(&format!("/api/v1/office/records/{other}"), &work.admin)
        .await;
    assert_eq!(detail["record"]["review_state"], "received");
    let photo = officer
        .get(&format!("/records/photos/{}", "a".repeat(64)))
        .await;
    assert_eq!(photo.status, StatusCode::NOT_FOUND);
    let mut anonymous = Browser::new(&server.base);
    anonymous
        .get(&format!("/records/{}", first.uuid))
        .await
        .assert_redirect("/login");
}

/// Each record is named by the server's evaluation of the form's `instance_name` on
/// what it keeps (a forged name in the upload changes nothing), in the table, on the
/// record page, in the API list and in the export; a form without one names its records
/// by title and Vietnam day.
async fn records_are_named_by_the_server(server: TestServer) {
    let work = officework(&server).await;
    let mut unnamed = form_json();
    unnamed["id"] = "tham_ho_cu".into();
    unnamed["instance_name"] = serde_json::Value::Null;
    server
        .publish_form(&work.admin, serde_json::to_vec(&unnamed).unwrap())
        .await;
    // 17:30 UTC on 9 March: 10 March in Vietnam.
    let mut old = submission(2, 8 * 24 * 60 + 17 * 60 + 30, None);
    if let branchbook_core::protocol::RecordBody::Submission(s) = &mut old.body {
        s.form_id = "tham_ho_cu".into();
        s.data["instance_name"] = "Tên giả từ điện thoại".into();
    }
    let answer = server.push(&work.device, std::slice::from_ref(&old)).await;
    assert!(
        answer.results[0]
            .reason
            .as_deref()
            .unwrap_or_default()
            .contains("instance_name"),
        "a name is not an answer the form has: {:?}",
        answer.results[0]
    );
    if let branchbook_core::protocol::RecordBody::Submission(s) = &mut old.body {
        s.data.as_object_mut().unwrap().remove("instance_name");
    }
    push_all(&server, &work.device, std::slice::from_ref(&old)).await;

    let mut officer = officer_browser(&server).await;
    let page = officer.get("/submissions").await;
    ok(&page);
    for i in [0, 2, 3, 4, 5] {
        let name = instance_name(i);
        assert!(page.body.contains(&name), "{name} missing from the table");
    }
    assert!(page.body.contains("Tên phiếu"));
    assert!(
        page.body.contains("Thăm hộ gia đình — 10/03/2026"),
        "a record without a name is named by form and Vietnam day"
    );
    let page = officer
        .get(&format!("/records/{}", work.submissions[3].uuid))
        .await;
    assert!(
        ok(&page)
            .body
            .contains(&format!("<title>{}", instance_name(3)))
    );
    let (_, list) = server
        .get("/api/v1/office/submissions", &work.officer)
        .await;
    let names: Vec<&serde_json::Value> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| &r["instance_name"])
        .collect();
    assert_eq!(names[0], &serde_json::Value::from(instance_name(0)));
    assert_eq!(names.last().unwrap(), &&serde_json::Value::Null);
    let csv = officer
        .get(&format!(
            "/exports/forms/{FORM_ID}/{FORM_VERSION}/submissions.csv"
        ))
        .await;
    let mut reader = csv::Reader::from_reader(csv.body.trim_start_matches('\u{feff}').as_bytes());
    let header = reader.headers().unwrap().clone();
    let column = header.iter().position(|h| h == "bb:instance_name").unwrap();
    let id = header.iter().position(|h| h == "bb:submission_id").unwrap();
    for row in reader.records() {
        let row = row.unwrap();
        let i = work
            .submissions
            .iter()
            .position(|s| s.uuid.to_string() == row[id])
            .unwrap();
        assert_eq!(row[column], instance_name(i));
    }
}

/// Ticking records in the table (one by one, or all of the page) and giving them one
/// decision: CSRF-checked, all or nothing inside the officer's commune, back on the
/// same page with a notice.
async fn a_selection_is_reviewed_from_the_table(server: TestServer) {
    let work = officework(&server).await;
    let mut officer = officer_browser(&server).await;
    let page = officer.get("/submissions").await;
    ok(&page);
    assert_eq!(
        page.body.matches("name=\"record\"").count(),
        work.submissions.len()
    );
    assert_eq!(page.body.matches(" checked>").count(), 0);
    let all = officer.get("/submissions?select=all").await;
    assert_eq!(
        ok(&all).body.matches(" checked>").count(),
        work.submissions.len(),
        "select all on this page ticks every row"
    );
    let csrf = page.csrf();
    let ids: Vec<String> = work.submissions[..3]
        .iter()
        .map(|r| r.uuid.to_string())
        .collect();
    // The fields the table's form sends: the ticked records, the decision, the comment.
    let decision = |csrf: &str, extra: &[(&str, &str)]| -> Vec<(String, String)> {
        ids.iter()
            .map(|id| ("record", id.as_str()))
            .chain([
                ("state", "approved"),
                ("comment", "Đủ thông tin"),
                ("csrf", csrf),
            ])
            .chain(extra.iter().copied())
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    };
    let forged = decision("forged", &[]);
    assert_eq!(
        post_fields(&mut officer, &forged).await.status,
        StatusCode::FORBIDDEN
    );
    let other = work.other[0].uuid.to_string();
    let foreign = decision(&csrf, &[("record", &other)]);
    assert_eq!(
        post_fields(&mut officer, &foreign).await.status,
        StatusCode::NOT_FOUND,
        "another commune's record refuses the whole post"
    );
    assert!(
        review_states(&server, &work)
            .await
            .iter()
            .all(|s| s == "received"),
        "nothing half-saved"
    );
    let none = officer
        .post(
            "/submissions/review",
            &[("csrf", &csrf), ("state", "approved")],
        )
        .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
    assert!(none.body.contains("Xin chọn ít nhất một phiếu."));

    let good = decision(&csrf, &[("back", "state=received&after=0")]);
    let done = post_fields(&mut officer, &good).await;
    done.assert_redirect("/submissions?form=&area=&from=&to=&state=received&after=0&reviewed=3");
    let back = officer
        .get("/submissions?form=&area=&from=&to=&state=received&reviewed=3")
        .await;
    assert!(
        ok(&back)
            .body
            .contains("Đã lưu quyết định duyệt cho 3 phiếu.")
    );
    assert_eq!(record_links(&back), work.submissions.len() - 3);
    let got = review_states(&server, &work).await;
    assert_eq!(&got[..3], ["approved"; 3]);
    assert!(got[3..].iter().all(|s| s == "received"));
    let (_, detail) = server
        .get(&format!("/api/v1/office/records/{}", ids[1]), &work.officer)
        .await;
    assert_eq!(detail["reviews"][0]["comment"], "Đủ thông tin");
    assert_eq!(detail["reviews"][0]["by"], OFFICER);

    // The audit log has one entry per record decided (the refused posts logged none),
    // as the officer's, with the decision in words.
    let mut admin = Browser::new(&server.base);
    admin
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let rows = admin.get("/audit").await.audit_rows();
    let reviews: Vec<_> = rows.iter().filter(|r| r[1] == "Duyệt phiếu").collect();
    assert_eq!(reviews.len(), 3, "{rows:?}");
    for (row, id) in reviews.iter().zip(ids.iter().rev()) {
        assert_eq!(row[0], OFFICER);
        assert_eq!(&row[2], id);
        assert_eq!(row[3], "Đã duyệt");
    }
    assert!(!rows.iter().any(|r| r[2] == other), "the refused record");
}

/// A decision on every record matching the filters, on every page: shown with its count
/// and confirmed first, recorded only on the records the officer was shown (asked again
/// when they changed), never on another commune's.
async fn every_record_matching_the_filters_is_reviewed(server: TestServer) {
    let work = officework(&server).await;
    let mut officer = officer_browser(&server).await;
    let csrf = officer.get("/submissions").await.csrf();
    // 10 to 20 March (Vietnam time): surveys 2 and 3.
    let back = "from=10/03/2026&to=20/03/2026";
    let ask = |csrf: &str, selection: &str| -> Vec<(String, String)> {
        [
            ("scope", "filter"),
            ("state", "has_issues"),
            ("comment", "Xem lại ngày thăm"),
            ("back", back),
            ("csrf", csrf),
            ("selection", selection),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    assert_eq!(
        post_fields(&mut officer, &ask("forged", "")).await.status,
        StatusCode::FORBIDDEN
    );
    let confirm = post_fields(&mut officer, &ask(&csrf, "")).await;
    assert!(
        ok(&confirm)
            .body
            .contains("sẽ được ghi cho 2 phiếu khớp bộ lọc"),
        "{}",
        confirm.body
    );
    assert!(confirm.body.contains("Xác nhận cho 2 phiếu"));
    assert!(
        review_states(&server, &work)
            .await
            .iter()
            .all(|s| s == "received"),
        "nothing is recorded before the confirmation"
    );
    let shown = selection(&confirm);
    let done = post_fields(&mut officer, &ask(&csrf, &shown)).await;
    done.assert_redirect(
        "/submissions?form=&area=&from=10%2F03%2F2026&to=20%2F03%2F2026&state=&reviewed=2",
    );
    assert_eq!(
        review_states(&server, &work).await,
        [
            "received",
            "received",
            "has_issues",
            "has_issues",
            "received",
            "received"
        ]
    );
    let (_, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", work.submissions[2].uuid),
            &work.officer,
        )
        .await;
    assert_eq!(detail["reviews"][0]["comment"], "Xem lại ngày thăm");
    assert_eq!(detail["reviews"][0]["by"], OFFICER);

    // Every record still waiting, on every page of the list; a survey arrives between
    // the confirmation page and the confirmation: asked again, nothing recorded.
    let waiting = |csrf: &str, selection: &str| -> Vec<(String, String)> {
        [
            ("scope", "filter"),
            ("state", "approved"),
            ("comment", ""),
            ("back", "state=received&after=999999"),
            ("csrf", csrf),
            ("selection", selection),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
    };
    let confirm = post_fields(&mut officer, &waiting(&csrf, "")).await;
    assert!(ok(&confirm).body.contains("Xác nhận cho 4 phiếu"));
    let stale = selection(&confirm);
    push_all(&server, &work.device, &[submission(6, 60, None)]).await;
    let again = post_fields(&mut officer, &waiting(&csrf, &stale)).await;
    assert!(ok(&again).body.contains("đã thay đổi từ lúc xem"));
    assert!(again.body.contains("Xác nhận cho 5 phiếu"));
    assert_eq!(
        review_states(&server, &work)
            .await
            .iter()
            .filter(|s| *s == "received")
            .count(),
        4,
        "nothing recorded on a stale confirmation"
    );
    let done = post_fields(&mut officer, &waiting(&csrf, &selection(&again))).await;
    done.assert_redirect("/submissions?form=&area=&from=&to=&state=received&reviewed=5");
    let got = review_states(&server, &work).await;
    assert_eq!(
        got.iter().filter(|s| *s == "approved").count(),
        4,
        "{got:?}"
    );
    // The other commune's surveys were never part of her filters.
    assert_other_commune_unreviewed(&server, &work).await;
    // Nothing matching: the officer is told to choose records.
    let none = post_fields(
        &mut officer,
        &[
            ("scope", "filter"),
            ("state", "approved"),
            ("back", "state=rejected"),
            ("csrf", csrf.as_str()),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect::<Vec<_>>(),
    )
    .await;
    assert_eq!(none.status, StatusCode::BAD_REQUEST);
}

/// The names the API lists, newest first.
async fn listed_names(server: &TestServer, work: &Officework) -> Vec<serde_json::Value> {
    let (_, list) = server
        .get("/api/v1/office/submissions", &work.officer)
        .await;
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["instance_name"].clone())
        .collect()
}

/// Submissions stored before the server named them (before migration 008, which left
/// them without a name) are named when migration 011 runs: the same names a push gives.
async fn records_stored_before_names_are_named(server: TestServer) {
    let work = officework(&server).await;
    let named = listed_names(&server, &work).await;
    assert!(
        !named.is_empty() && named.iter().all(|n| n.is_string()),
        "{named:?}"
    );
    // The database as a server before migration 008 left it: no names, 011 not run.
    run_sql(
        &server,
        "UPDATE records SET instance_name = NULL; DELETE FROM schema_migrations WHERE version = 11;",
    )
    .await;
    let unnamed = listed_names(&server, &work).await;
    assert!(
        unnamed.iter().all(serde_json::Value::is_null),
        "{unnamed:?}"
    );
    migrate_again(&server).await;
    assert_eq!(listed_names(&server, &work).await, named);
    let mut officer = officer_browser(&server).await;
    let page = officer.get("/submissions").await;
    assert!(ok(&page).body.contains(&instance_name(3)));
}

/// A recording's bytes: `head` then `size` deterministic bytes.
fn recording(head: &[u8], size: usize) -> Vec<u8> {
    let mut bytes = common::fixtures::photo_bytes(size as u64, size);
    bytes[..head.len()].copy_from_slice(head);
    bytes
}

async fn recordings_play_in_the_record_page(server: TestServer) {
    let work = officework(&server).await;
    let form = serde_json::json!({
        "id": "voice_note", "version": "1", "title": "Ghi âm",
        "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}],
        "instance_name": null,
        "body": [
            field("voice", serde_json::json!({"type": "audio"}), "Lời kể", 2),
            field("clip", serde_json::json!({"type": "video"}), "Đoạn phim", 3),
        ],
        "choices": {}
    });
    server
        .publish_form(&work.admin, serde_json::to_vec(&form).unwrap())
        .await;
    let amr = recording(b"#!AMR\n", 30_000);
    let mp4 = recording(b"\0\0\0\x18ftypmp42\0\0\0\0", 50_000);
    let (voice, clip) = (
        common::fixtures::photo_ref(&amr),
        common::fixtures::photo_ref(&mp4),
    );
    let record = branchbook_core::protocol::Record {
        uuid: uuid::Uuid::now_v7(),
        revision: 1,
        created_at: common::fixtures::at(0),
        body: branchbook_core::protocol::RecordBody::Submission(
            branchbook_core::protocol::SubmissionBody {
                form_id: "voice_note".into(),
                form_version: "1".into(),
                household: None,
                started_at: common::fixtures::at(0),
                finalized_at: common::fixtures::at(5),
                language: Some("vi".into()),
                data: serde_json::json!({"voice": voice.sha256, "clip": clip.sha256}),
                photos: vec![voice.clone(), clip.clone()],
                audit: Vec::new(),
            },
        ),
    };
    push_all(&server, &work.device, std::slice::from_ref(&record)).await;
    for bytes in [&amr, &mp4] {
        assert!(
            server
                .upload_photo(&work.device, bytes, 20_000)
                .await
                .complete
        );
    }
    let mut officer = officer_browser(&server).await;
    let page = officer.get(&format!("/records/{}", record.uuid)).await;
    ok(&page);
    for (element, sha) in [("audio", &voice.sha256), ("video", &clip.sha256)] {
        let player =
            format!("<{element} controls preload=\"metadata\" src=\"/records/photos/{sha}\"");
        assert!(
            page.body.contains(&player),
            "{player} missing: {}",
            page.body
        );
        assert!(
            !page
                .body
                .contains(&format!("<img src=\"/records/photos/{sha}\"")),
            "a recording is no picture"
        );
    }
    assert!(page.body.contains("Tải bản ghi về"));
    for (sha, bytes, content_type) in [
        (&voice.sha256, &amr, "audio/amr"),
        (&clip.sha256, &mp4, "video/mp4"),
    ] {
        let (status, kind, body) = officer.download(&format!("/records/photos/{sha}")).await;
        assert_eq!((status, kind.as_str()), (StatusCode::OK, content_type));
        assert!(&body == bytes);
    }
    // Exports name a recording by its hash, as they name a photo.
    let (status, _, csv) = officer
        .download("/exports/forms/voice_note/1/submissions.csv")
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains(&voice.sha256) && csv.contains(&clip.sha256),
        "{csv}"
    );
}

/// A submission of form `walks` answering `data`, finalized at minute 5.
fn walk(data: serde_json::Value) -> branchbook_core::protocol::Record {
    branchbook_core::protocol::Record {
        uuid: uuid::Uuid::now_v7(),
        revision: 1,
        created_at: common::fixtures::at(0),
        body: branchbook_core::protocol::RecordBody::Submission(
            branchbook_core::protocol::SubmissionBody {
                form_id: "walks".into(),
                form_version: "1".into(),
                household: None,
                started_at: common::fixtures::at(0),
                finalized_at: common::fixtures::at(5),
                language: Some("vi".into()),
                data,
                photos: vec![],
                audit: Vec::new(),
            },
        ),
    }
}

async fn walked_lines_show_in_the_record_page_and_export_as_odk_text(server: TestServer) {
    let work = officework(&server).await;
    let form = serde_json::json!({
        "id": "walks", "version": "1", "title": "Đường và ruộng",
        "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}],
        "instance_name": null,
        "body": [
            field("road", serde_json::json!({"type": "geotrace"}), "Đường vào thôn", 2),
            field("field", serde_json::json!({"type": "geoshape"}), "Ranh giới ruộng", 3),
        ],
        "choices": {}
    });
    server
        .publish_form(&work.admin, serde_json::to_vec(&form).unwrap())
        .await;
    let road = "22.63 103.62 1450 4;22.631 103.62 1450 4;22.631 103.621 1450 4";
    let field = "0 0 0 5;0 0.0005 0 5;0.0005 0.0005 0 5;0.0005 0 0 5;0 0 0 5";
    let record = walk(serde_json::json!({"road": road, "field": field}));
    push_all(&server, &work.device, std::slice::from_ref(&record)).await;

    // Re-validated as the phone checks it: an open shape, a one-point line and a point
    // off Earth are refused with why.
    for (data, why) in [
        (
            serde_json::json!({"road": road, "field": "0 0;0 1;1 1"}),
            "must repeat its first",
        ),
        (
            serde_json::json!({"road": "22.63 103.62 1450 4"}),
            "needs at least 2 different points",
        ),
        (
            serde_json::json!({"road": "22.63 103.62;95 103.62"}),
            "not a position on Earth",
        ),
    ] {
        let answer = server.push(&work.device, &[walk(data)]).await;
        let result = &answer.results[0];
        assert_eq!(
            result.status,
            branchbook_core::protocol::RecordStatus::Rejected
        );
        let reason = result.reason.as_deref().unwrap_or_default();
        assert!(reason.contains(why), "{reason}");
    }

    let mut officer = officer_browser(&server).await;
    let page = officer.get(&format!("/records/{}", record.uuid)).await;
    ok(&page);
    for text in [
        "Đường vào thôn",
        "3 điểm · dài 214 m",
        "Ranh giới ruộng",
        "4 điểm · chu vi dài 223 m · diện tích 3098 m²",
        "openstreetmap.org/?mlat=22.63&amp;mlon=103.62",
        "openstreetmap.org/?mlat=0&amp;mlon=0",
    ] {
        assert!(
            page.body.contains(text) || page.body.contains(&text.replace("&amp;", "&#38;")),
            "{text} missing: {}",
            page.body
        );
    }
    // Exports carry the ODK text as the phone stored it.
    let (status, _, csv) = officer
        .download("/exports/forms/walks/1/submissions.csv")
        .await;
    assert_eq!(status, StatusCode::OK);
    let csv = String::from_utf8(csv).unwrap();
    assert!(csv.contains(road) && csv.contains(field), "{csv}");
}

on_both_stores!(
    walked_lines_show_in_the_record_page_and_export_as_odk_text,
    recordings_play_in_the_record_page,
    every_record_matching_the_filters_is_reviewed,
    records_stored_before_names_are_named,
    a_selection_is_reviewed_from_the_table,
    the_table_shows_names_and_filters,
    a_record_is_read_and_rejected,
    records_are_named_by_the_server
);
