//! Nothing a phone sends that the server can compute is trusted (issue 13, finding 7), on
//! both stores: a phone that sends a calculation as `=1+1`, as a nested object and as
//! 100 KB of text, and another branch head's name and phone id in the metadata, gets
//! the server's values stored, shown to the reviewer and exported; the sender of every
//! record (phone and account) is the authenticated one; an audit entry's actor is the
//! sending account; and re-sending the very same record is still a duplicate.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeMap;
use std::io::Cursor;

use branchbook_core::protocol::{
    AuditAction, AuditBody, EnrollResponse, Record, RecordBody, RecordStatus, SubmissionBody,
};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use common::TestServer;
use common::console::Browser;
use common::fixtures::at;
use common::officework::{HomeAreas, home_areas};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

const FORM_ID: &str = "tinh_lai";
const VERSION: &str = "1";
/// The branch head who sends, and one of another branch whose name a phone might claim.
const HEAD: &str = "lo.thi.mai";
const OTHER_HEAD: &str = "giang.thi.sua";

fn field(name: &str, kind: Value, calculation: Option<&str>) -> Value {
    json!({
        "node": "field", "name": name, "kind": kind, "label": {"": name}, "hint": {},
        "required": null, "required_message": {}, "relevant": null, "constraint": null, "constraint_message": {},
        "calculation": calculation, "default": null, "read_only": null, "choice_filter": null, "appearance": null,
        "parameters": {}, "source": {"sheet": "survey", "row": 2}
    })
}

/// A form with calculations at the top, in a group and in a repeat, one set by a
/// `trigger` (when she typed the head's name), and the metadata a phone fills in (start,
/// end, username, deviceid).
fn form() -> Value {
    let calculate = json!({"type": "calculate"});
    let mut counted = field("counted", calculate.clone(), Some("${members_count} * 10"));
    counted["trigger"] = json!(["head_name"]);
    json!({
        "id": FORM_ID, "version": VERSION, "title": "Tính lại", "default_language": null,
        "languages": [], "instance_name": null,
        "body": [
            field("start", json!({"type": "meta", "start": null}), None),
            field("end", json!({"type": "meta", "end": null}), None),
            field("user", json!({"type": "meta", "username": null}), None),
            field("device", json!({"type": "meta", "device_id": null}), None),
            field("head_name", json!({"type": "text"}), None),
            field("members_count", json!({"type": "integer"}), None),
            field("double", calculate.clone(), Some("${members_count} * 2")),
            counted,
            {"node": "group", "name": "visit", "label": {"": "visit"}, "relevant": null, "appearance": null,
             "source": {"sheet": "survey", "row": 2},
             "children": [field("greeting", calculate.clone(), Some("concat('Chào ', ${head_name})"))]},
            {"node": "repeat", "name": "members", "label": {"": "members"}, "relevant": null, "repeat_count": null,
             "appearance": null, "source": {"sheet": "survey", "row": 2},
             "children": [
                field("m_name", json!({"type": "text"}), None),
                field("m_tag", calculate.clone(), Some("concat(${m_name}, ' #', position(..))")),
             ]},
            field("stamp", calculate.clone(), Some("now()")),
            field("day", calculate, Some("today()")),
        ],
        "choices": {}
    })
}

/// What an honest phone sends for the i-th visit, given its enrollment.
fn honest(i: usize, device: &EnrollResponse) -> Value {
    json!({
        "start": "2026-03-01T00:00:00.000Z",
        "end": "2026-03-01T00:05:00.000Z",
        "user": HEAD,
        "device": device.device_id.to_string(),
        "head_name": format!("Thào Thị Dợ {i}"),
        "members_count": 2,
        "double": "4",
        // She typed the name when one member was counted: the server keeps it.
        "counted": "10",
        "visit": {"greeting": format!("Chào Thào Thị Dợ {i}")},
        "members": [{"m_name": "Lò Văn Páo", "m_tag": "Lò Văn Páo #1"}, {"m_name": "Giàng Thị Sua", "m_tag": "Giàng Thị Sua #2"}],
        "stamp": "2026-03-01T00:02:00.000Z",
        "day": "2026-03-01",
    })
}

fn submission(uuid: Uuid, revision: u32, data: Value) -> Record {
    Record {
        uuid,
        revision,
        created_at: at(5),
        body: RecordBody::Submission(SubmissionBody {
            form_id: FORM_ID.into(),
            form_version: VERSION.into(),
            household: None,
            started_at: at(0),
            finalized_at: at(5),
            language: None,
            data,
            photos: vec![],
            audit: Vec::new(),
        }),
    }
}

struct World {
    admin: String,
    province: Uuid,
    device: EnrollResponse,
}

/// A branch with the sending branch head and her phone, another branch head, the form.
async fn world(server: &TestServer) -> World {
    let admin = server.admin().await;
    let HomeAreas {
        province,
        commune,
        branch,
    } = home_areas(server, &admin).await;
    let other = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Lao Chải")
        .await;
    let (head, _) = server
        .create_account(&admin, HEAD, "branch_head", Some(branch))
        .await;
    server
        .create_account(&admin, OTHER_HEAD, "branch_head", Some(other))
        .await;
    server
        .publish_form(&admin, serde_json::to_vec(&form()).unwrap())
        .await;
    let device = server.enrolled_device(&admin, head).await;
    World {
        admin,
        province,
        device,
    }
}

async fn detail(server: &TestServer, admin: &str, uuid: Uuid) -> Value {
    let (status, body) = server
        .get(&format!("/api/v1/office/records/{uuid}"), admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    body
}

async fn download(server: &TestServer, admin: &str, path: &str) -> Vec<u8> {
    let response = server
        .client
        .get(server.url(path))
        .bearer_auth(admin)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    response.bytes().await.unwrap().to_vec()
}

/// The submissions CSV as maps from header to cell, by submission id.
async fn csv_rows(server: &TestServer, admin: &str) -> BTreeMap<String, BTreeMap<String, String>> {
    let bytes = download(
        server,
        admin,
        &format!("/api/v1/office/forms/{FORM_ID}/{VERSION}/submissions.csv"),
    )
    .await;
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    reader
        .records()
        .map(|r| {
            let row: BTreeMap<String, String> = header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(str::to_owned))
                .collect();
            (row["bb:submission_id"].clone(), row)
        })
        .collect()
}

async fn the_servers_values_are_kept_shown_and_exported(server: TestServer) {
    let w = world(&server).await;
    let honest_id = Uuid::now_v7();
    let forged_id = Uuid::now_v7();
    let honest_record = submission(honest_id, 1, honest(0, &w.device));
    let mut forged = honest(1, &w.device);
    forged["double"] = json!("=1+1");
    forged["visit"]["greeting"] = json!({"nested": {"object": [1, 2, 3]}});
    forged["members"][1]["m_tag"] = json!("x".repeat(100 * 1024));
    forged["user"] = json!(OTHER_HEAD);
    forged["device"] = json!(Uuid::now_v7().to_string());
    let forged_record = submission(forged_id, 1, forged.clone());
    let batch = vec![honest_record.clone(), forged_record.clone()];
    server
        .push_expecting(&w.device.token, &batch, RecordStatus::Accepted)
        .await;

    // Stored: the server's values; the honest record exactly as sent, with nothing to note.
    let honest_detail = detail(&server, &w.admin, honest_id).await;
    assert_eq!(
        honest_detail["record"]["body"]["data"],
        honest(0, &w.device)
    );
    assert_eq!(honest_detail["record"]["corrections"]["values"], json!([]));
    let head_id = honest_detail["record"]["account_id"].clone();
    assert!(head_id.is_string(), "the sender's account is stored");
    let stored = detail(&server, &w.admin, forged_id).await;
    let data = &stored["record"]["body"]["data"];
    assert_eq!(
        data,
        &honest(1, &w.device),
        "every forged value was replaced"
    );
    assert_eq!(data["double"], "4");
    assert_eq!(data["user"], HEAD);
    assert_eq!(data["device"], w.device.device_id.to_string());
    assert_eq!(stored["record"]["account_id"], head_id);
    assert_eq!(
        stored["record"]["device_id"],
        w.device.device_id.to_string()
    );

    // The mismatches, for the reviewer: where, what the phone sent, what is kept.
    let values = stored["record"]["corrections"]["values"]
        .as_array()
        .unwrap();
    let questions: Vec<&str> = values
        .iter()
        .map(|v| v["question"].as_str().unwrap())
        .collect();
    assert_eq!(
        questions,
        ["user", "device", "double", "greeting", "members[2]/m_tag"]
    );
    assert_eq!(values[2]["sent"], "\"=1+1\"");
    assert_eq!(values[2]["kept"], "\"4\"");
    assert_eq!(values[0]["sent"], format!("\"{OTHER_HEAD}\""));
    assert_eq!(values[3]["sent"], "{\"nested\":{\"object\":[1,2,3]}}");
    let long = values[4]["sent"].as_str().unwrap();
    assert!(
        long.chars().count() == 201 && long.ends_with('…'),
        "100 KB are shown cut, not stored: {} characters",
        long.chars().count()
    );
    assert_eq!(values[4]["kept"], "\"Giàng Thị Sua #2\"");

    // The console's record page shows them to the officer.
    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let page = browser.get(&format!("/records/{forged_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("id=\"corrections\""), "{}", page.body);
    for text in ["=1+1", "members[2]/m_tag", OTHER_HEAD, "Giàng Thị Sua #2"] {
        assert!(page.body.contains(text), "{text} is not on the record page");
    }
    let page = browser.get(&format!("/records/{honest_id}")).await;
    assert!(!page.body.contains("id=\"corrections\""));

    // Exports: the server's values, the real sender, and what was corrected.
    let rows = csv_rows(&server, &w.admin).await;
    for id in [honest_id, forged_id] {
        let row = &rows[&id.to_string()];
        assert_eq!(row["bb:sender"], HEAD);
        assert_eq!(row["bb:device"], "test phone");
        assert_eq!(row["user"], HEAD);
        assert_eq!(row["device"], w.device.device_id.to_string());
        assert_eq!(row["double"], "4");
        assert_eq!(row["counted"], "10", "what a trigger set is the phone's");
    }
    let forged_row = &rows[&forged_id.to_string()];
    assert_eq!(forged_row["visit/greeting"], "Chào Thào Thị Dợ 1");
    assert!(forged_row["bb:corrected"].starts_with("user: "));
    assert!(forged_row["bb:corrected"].contains("double: \"=1+1\" → \"4\""));
    assert_eq!(rows[&honest_id.to_string()]["bb:corrected"], "");
    let members = download(
        &server,
        &w.admin,
        &format!("/api/v1/office/forms/{FORM_ID}/{VERSION}/repeats/members.csv"),
    )
    .await;
    let text = String::from_utf8(members).unwrap();
    assert!(text.contains("Giàng Thị Sua #2") && !text.contains("xxxxxxxx"));
    let xlsx = download(
        &server,
        &w.admin,
        &format!("/api/v1/office/forms/{FORM_ID}/{VERSION}/submissions.xlsx"),
    )
    .await;
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(xlsx)).unwrap();
    let sheet = book.worksheet_range(FORM_ID).unwrap();
    let mut sheet_rows = sheet.rows();
    let header: Vec<String> = sheet_rows
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let forged_cells = sheet_rows
        .find(|r| r[col("bb:submission_id")].to_string() == forged_id.to_string())
        .unwrap();
    assert_eq!(forged_cells[col("bb:sender")], Data::String(HEAD.into()));
    assert_eq!(forged_cells[col("user")], Data::String(HEAD.into()));
    assert_eq!(forged_cells[col("double")], Data::String("4".into()));

    // Re-sending the very same records: duplicates, never a conflict or a second copy.
    server
        .push_expecting(&w.device.token, &batch, RecordStatus::Duplicate)
        .await;
    assert_eq!(csv_rows(&server, &w.admin).await.len(), 2);

    // A second revision, honest this time: its own check, nothing to note for it.
    let revised = submission(forged_id, 2, honest(2, &w.device));
    server
        .push_expecting(&w.device.token, &[revised], RecordStatus::Accepted)
        .await;
    let stored = detail(&server, &w.admin, forged_id).await;
    assert_eq!(stored["record"]["revision"], 2);
    assert_eq!(stored["record"]["corrections"]["values"], json!([]));
    assert_eq!(
        stored["record"]["body"]["data"]["visit"]["greeting"],
        "Chào Thào Thị Dợ 2"
    );
    let rows = csv_rows(&server, &w.admin).await;
    assert_eq!(rows[&forged_id.to_string()]["bb:corrected"], "");
    let page = browser.get(&format!("/records/{forged_id}")).await;
    assert!(
        page.body.contains("id=\"corrections\"") && page.body.contains("=1+1"),
        "the first revision's corrections stay on the record page"
    );
}

async fn an_audit_entry_names_the_sending_account(server: TestServer) {
    let w = world(&server).await;
    let audit = |actor: &str| Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(1),
        body: RecordBody::Audit(AuditBody {
            actor: actor.into(),
            action: AuditAction::Finalized,
            target_kind: "submission".into(),
            target_id: Uuid::now_v7(),
            target_revision: 1,
            at: at(1),
        }),
    };
    let forged = audit(OTHER_HEAD);
    let honest = audit(HEAD);
    server
        .push_expecting(
            &w.device.token,
            &[forged.clone(), honest.clone()],
            RecordStatus::Accepted,
        )
        .await;
    let stored = detail(&server, &w.admin, forged.uuid).await;
    assert_eq!(stored["record"]["body"]["actor"], HEAD);
    assert_eq!(
        stored["record"]["corrections"]["values"],
        json!([{"question": "actor", "sent": format!("\"{OTHER_HEAD}\""), "kept": format!("\"{HEAD}\"")}])
    );
    let stored = detail(&server, &w.admin, honest.uuid).await;
    assert_eq!(stored["record"]["body"]["actor"], HEAD);
    assert_eq!(stored["record"]["corrections"]["values"], json!([]));
    server
        .push_expecting(&w.device.token, &[forged], RecordStatus::Duplicate)
        .await;
}

/// Kept `now()` and `today()` values, and the record's own times, are the phone's clock:
/// the server cannot compute them, so it keeps them, but one outside the record's times
/// (a `now()` in 2099, a `today()` before filling started, a record finalized after the
/// server received it) is listed with why, shown to the reviewer and exported. The
/// record is never refused for it (a wrong clock must not cost a visit), and re-sending
/// it is still a duplicate.
async fn a_phone_clock_outside_the_records_times_is_kept_and_flagged(server: TestServer) {
    let w = world(&server).await;
    let mut wrong_clock = honest(0, &w.device);
    wrong_clock["stamp"] = json!("2099-01-01T00:00:00.000Z");
    wrong_clock["day"] = json!("2026-02-20");
    let flagged = submission(Uuid::now_v7(), 1, wrong_clock.clone());
    let mut ahead = submission(Uuid::now_v7(), 1, honest(1, &w.device));
    let tomorrow = chrono::Utc::now() + chrono::Duration::days(1);
    if let RecordBody::Submission(s) = &mut ahead.body {
        s.finalized_at = tomorrow;
    }
    let batch = [flagged.clone(), ahead.clone()];
    server
        .push_expecting(&w.device.token, &batch, RecordStatus::Accepted)
        .await;

    let stored = detail(&server, &w.admin, flagged.uuid).await;
    assert_eq!(
        stored["record"]["body"]["data"], wrong_clock,
        "kept as sent"
    );
    assert_eq!(
        stored["record"]["corrections"]["values"],
        json!([
            {"question": "stamp", "sent": "\"2099-01-01T00:00:00.000Z\"",
             "kept": "\"2099-01-01T00:00:00.000Z\"", "doubt": "after_receipt"},
            {"question": "day", "sent": "\"2026-02-20\"", "kept": "\"2026-02-20\"",
             "doubt": "before_start"},
        ])
    );
    let stored = detail(&server, &w.admin, ahead.uuid).await;
    let values = stored["record"]["corrections"]["values"]
        .as_array()
        .unwrap();
    let finalized = values
        .iter()
        .find(|v| v["question"] == "finalized_at")
        .unwrap_or_else(|| panic!("{values:?}"));
    assert_eq!(finalized["doubt"], "after_receipt", "{values:?}");
    assert_eq!(finalized["sent"], finalized["kept"]);
    assert_eq!(stored["record"]["body"]["finalized_at"], json!(tomorrow));

    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let page = browser.get(&format!("/records/{}", flagged.uuid)).await;
    for text in [
        "2099-01-01T00:00:00.000Z",
        "Sau khi máy chủ nhận phiếu: đồng hồ điện thoại chạy nhanh.",
        "Trước khi bắt đầu điền phiếu: đồng hồ điện thoại có thể sai.",
    ] {
        assert!(page.body.contains(text), "{text} is not on the record page");
    }
    let rows = csv_rows(&server, &w.admin).await;
    let row = &rows[&flagged.uuid.to_string()];
    assert_eq!(row["stamp"], "2099-01-01T00:00:00.000Z");
    assert_eq!(
        row["bb:corrected"],
        "stamp: \"2099-01-01T00:00:00.000Z\" → \"2099-01-01T00:00:00.000Z\" (after_receipt); \
         day: \"2026-02-20\" → \"2026-02-20\" (before_start)"
    );
    server
        .push_expecting(&w.device.token, &batch, RecordStatus::Duplicate)
        .await;
}

/// A submission's form audit log (XLSForm `audit`) is kept as the phone sent it and
/// downloads as ODK's audit.csv; a record without one has none to download.
async fn a_submissions_audit_log_is_kept_and_downloads_as_csv(server: TestServer) {
    use branchbook_core::engine::{AuditEvent, AuditEventKind};
    let w = world(&server).await;
    let mut record = submission(Uuid::now_v7(), 1, honest(0, &w.device));
    let event = |event, node: Option<&str>, start: i64, end: Option<i64>| AuditEvent {
        event,
        node: node.map(str::to_owned),
        start: at(start),
        end: end.map(at),
        old_value: None,
        new_value: None,
        user: None,
        location: None,
    };
    let log = vec![
        event(AuditEventKind::FormStart, None, 0, None),
        AuditEvent {
            old_value: Some(String::new()),
            new_value: Some("Thào Thị Dợ, 0".into()),
            ..event(AuditEventKind::Question, Some("head_name"), 0, Some(2))
        },
        event(
            AuditEventKind::Question,
            Some("members[2]/m_name"),
            2,
            Some(3),
        ),
        event(AuditEventKind::FormFinalize, None, 5, None),
    ];
    if let RecordBody::Submission(body) = &mut record.body {
        body.audit = log.clone();
    }
    let plain = submission(Uuid::now_v7(), 1, honest(1, &w.device));
    server
        .push_expecting(
            &w.device.token,
            &[record.clone(), plain.clone()],
            RecordStatus::Accepted,
        )
        .await;
    let stored = detail(&server, &w.admin, record.uuid).await;
    let kept: Vec<AuditEvent> =
        serde_json::from_value(stored["record"]["body"]["audit"].clone()).unwrap();
    assert_eq!(kept, log);
    let csv_bytes = download(
        &server,
        &w.admin,
        &format!("/api/v1/office/records/{}/audit.csv", record.uuid),
    )
    .await;
    let ms = |m: i64| at(m).timestamp_millis();
    assert_eq!(
        String::from_utf8(csv_bytes.clone()).unwrap(),
        format!(
            "event,node,start,end,old-value,new-value,user\n\
             form start,,{},,,,\n\
             question,head_name,{},{},,\"Thào Thị Dợ, 0\",\n\
             question,members[2]/m_name,{},{},,,\n\
             form finalize,,{},,,,\n",
            ms(0),
            ms(0),
            ms(2),
            ms(2),
            ms(3),
            ms(5)
        )
    );

    // The record page shows each question's time on screen and links the log, which
    // downloads with the console's session, inside the record's scope only.
    let mut browser = Browser::new(&server.base);
    browser
        .log_in("admin", "admin-chosen-password")
        .await
        .assert_redirect("/");
    let page = browser.get(&format!("/records/{}", record.uuid)).await;
    assert_eq!(page.status, StatusCode::OK);
    let link = format!(
        "<a id=\"audit-log\" href=\"/records/{}/audit.csv\">Nhật ký thao tác (CSV)</a>",
        record.uuid
    );
    assert!(page.body.contains(&link), "{}", page.body);
    assert!(
        page.body.contains(
            "2 lần hiện câu hỏi, tổng cộng 3 phút 00 giây trên màn hình; \
             cả buổi dài 5 phút 00 giây, bắt đầu lúc"
        ),
        "{}",
        page.body
    );
    for row in [
        "<td>head_name</td><td>01/03/2026 07:00</td><td>2 phút 00 giây</td>",
        "<td>m_name (members[2]/m_name)</td><td>01/03/2026 07:02</td><td>1 phút 00 giây</td>",
    ] {
        assert!(page.body.contains(row), "{row}: {}", page.body);
    }
    browser.get("/lang/en?back=/").await;
    let page = browser.get(&format!("/records/{}", record.uuid)).await;
    assert!(page.body.contains("Audit log (CSV)</a>"), "{}", page.body);
    assert!(page.body.contains("<td>2 min 00 s</td>"), "{}", page.body);
    let (status, kind, bytes) = browser
        .download(&format!("/records/{}/audit.csv", record.uuid))
        .await;
    assert_eq!(
        (status, kind.as_str()),
        (StatusCode::OK, "text/csv; charset=utf-8")
    );
    assert_eq!(bytes, csv_bytes);
    let page = browser.get(&format!("/records/{}", plain.uuid)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("audit-log"), "no log, no link");
    let (status, _, _) = browser
        .download(&format!("/records/{}/audit.csv", plain.uuid))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // An officer of another commune reads neither the record nor its log.
    let ta_van = server
        .create_area(&w.admin, Some(w.province), "commune", "Xã Tả Van")
        .await;
    let (_, once) = server
        .create_account(&w.admin, "can.bo.tavan", "officer", Some(ta_van))
        .await;
    let mut outsider = Browser::new(&server.base);
    outsider
        .log_in_fresh("can.bo.tavan", &once, "can.bo.tavan-chosen-password")
        .await;
    assert_eq!(
        outsider
            .get(&format!("/records/{}", record.uuid))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let (status, _, bytes) = outsider
        .download(&format!("/records/{}/audit.csv", record.uuid))
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(!String::from_utf8_lossy(&bytes).contains("Thào"));
    let (status, _) = server
        .get(
            &format!("/api/v1/office/records/{}/audit.csv", plain.uuid),
            &w.admin,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // The branch head's device token is no officer: no download.
    let (status, _) = server
        .get(
            &format!("/api/v1/office/records/{}/audit.csv", record.uuid),
            &w.device.token,
        )
        .await;
    assert_ne!(status, StatusCode::OK);
    server
        .push_expecting(&w.device.token, &[record], RecordStatus::Duplicate)
        .await;
}

/// `${last-saved#...}` reads the phone's last saved record of the form, which the server
/// cannot know: a calculation reading it keeps the phone's value (as an answer would be
/// kept) with no correction noted, and what reads that value is computed from it, so a
/// forged reader is corrected.
async fn a_value_from_the_phones_last_saved_record_is_kept_as_sent(server: TestServer) {
    let w = world(&server).await;
    let calculate = json!({"type": "calculate"});
    let mut head = field("head_name", json!({"type": "text"}), None);
    head["default"] = json!("${last-saved#head_name}");
    let previous = "concat('sau ', ${last-saved#head_name})";
    let remembering = json!({
        "id": "nho_lai", "version": VERSION, "title": "Nhớ lại", "default_language": null,
        "languages": [], "instance_name": null, "choices": {},
        "body": [head,
                 field("previous", calculate.clone(), Some(previous)),
                 field("shout", calculate, Some("concat(${previous}, '!')"))],
    });
    server
        .publish_form(&w.admin, serde_json::to_vec(&remembering).unwrap())
        .await;
    let record = |data: Value| {
        let mut r = submission(Uuid::now_v7(), 1, data);
        if let RecordBody::Submission(s) = &mut r.body {
            s.form_id = "nho_lai".into();
        }
        r
    };
    let sent = json!({"head_name": "Thào Thị Dợ", "previous": "sau Lò Thị Mai", "shout": "sau Lò Thị Mai!"});
    let honest = record(sent.clone());
    let forged = record(
        json!({"head_name": "Thào Thị Dợ", "previous": "sau Giàng Thị Sua", "shout": "anything"}),
    );
    server
        .push_expecting(
            &w.device.token,
            &[honest.clone(), forged.clone()],
            RecordStatus::Accepted,
        )
        .await;
    let stored = detail(&server, &w.admin, honest.uuid).await;
    assert_eq!(stored["record"]["body"]["data"], sent);
    assert_eq!(stored["record"]["corrections"]["values"], json!([]));
    let stored = detail(&server, &w.admin, forged.uuid).await;
    let data = &stored["record"]["body"]["data"];
    assert_eq!(data["previous"], "sau Giàng Thị Sua");
    assert_eq!(data["shout"], "sau Giàng Thị Sua!");
    assert_eq!(
        stored["record"]["corrections"]["values"],
        json!([{"question": "shout", "sent": "\"anything\"", "kept": "\"sau Giàng Thị Sua!\""}])
    );
}

on_both_stores!(
    a_value_from_the_phones_last_saved_record_is_kept_as_sent,
    a_submissions_audit_log_is_kept_and_downloads_as_csv,
    a_phone_clock_outside_the_records_times_is_kept_and_flagged,
    the_servers_values_are_kept_shown_and_exported,
    an_audit_entry_names_the_sending_account
);
