//! Exports read back as an officer's spreadsheet would read them, on both stores: the
//! submissions CSV (BOM, unique headers, names of branch, commune and sender, Vietnam
//! times, GPS split, choices as names or `; `-joined labels plus 0/1 columns, formula-like
//! answers neutralised), its repeat table, the XLSX workbook (read with calamine: typed
//! cells, a sheet per repeat, the same values), gatherings with attendance and households
//! with members; and least privilege on every one of them.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use branchbook_core::protocol::{Record, RecordBody};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, NaiveDate, Utc};
use common::TestServer;
use common::officework::*;
use reqwest::StatusCode;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// GETs a download with a bearer token (`None`: without one).
async fn download(server: &TestServer, path: &str, token: Option<&str>) -> (StatusCode, Vec<u8>) {
    let mut request = server.client.get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

/// A CSV file read as a header and rows of text (the BOM checked and removed).
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(
        bytes.starts_with(BOM),
        "a CSV export starts with the UTF-8 BOM"
    );
    let mut reader = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let unique: HashSet<&String> = header.iter().collect();
    assert_eq!(unique.len(), header.len(), "duplicate headers: {header:?}");
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// Rows as maps from header to cell.
fn by_header(header: &[String], rows: &[Vec<String>]) -> Vec<BTreeMap<String, String>> {
    rows.iter()
        .map(|row| header.iter().cloned().zip(row.iter().cloned()).collect())
        .collect()
}

fn vietnam(at: DateTime<Utc>) -> String {
    at.with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Excel's serial number of a Vietnam-clock time.
fn excel_serial(at: DateTime<Utc>) -> f64 {
    let local = at
        .with_timezone(&chrono::FixedOffset::east_opt(7 * 3600).unwrap())
        .naive_local();
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap();
    (local - epoch).num_seconds() as f64 / 86_400.0
}

fn submission_body(record: &Record) -> &branchbook_core::protocol::SubmissionBody {
    match &record.body {
        RecordBody::Submission(s) => s,
        _ => panic!("not a submission"),
    }
}

async fn submissions_csv_is_what_was_sent(server: TestServer) {
    let work = officework(&server).await;
    let path = format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/submissions.csv");
    let (status, bytes) = download(&server, &path, Some(&work.officer)).await;
    assert_eq!(status, StatusCode::OK);
    let (header, rows) = read_csv(&bytes);
    assert!(
        header.contains(&"members_count".to_owned())
            && header.contains(&"members:count".to_owned())
    );
    let rows = by_header(&header, &rows);
    assert_eq!(
        rows.len(),
        work.submissions.len(),
        "the other commune's survey is not hers"
    );
    for (i, sent) in work.submissions.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r["bb:submission_id"] == sent.uuid.to_string())
            .unwrap_or_else(|| panic!("submission {i} missing"));
        let body = submission_body(sent);
        let s = survey(i);
        assert_eq!(row["bb:branch"], BRANCH);
        assert_eq!(row["bb:commune"], COMMUNE);
        assert_eq!(row["bb:sender"], HEAD);
        assert_eq!(row["bb:device"], "test phone");
        assert_eq!(row["bb:review_state"], "received");
        assert_eq!(row["bb:finalized_at"], vietnam(body.finalized_at));
        assert!(row["bb:received_at"].ends_with("+07:00"));
        let head = if i == 1 {
            format!("'{FORMULA}")
        } else {
            s.head_name.clone()
        };
        assert_eq!(
            row["visit/head_name"], head,
            "formula-like answers are neutralised"
        );
        assert_eq!(row["visit/water"], s.water);
        assert_eq!(row["visit/assets"], s.assets.join(" "));
        for (name, _) in ASSETS {
            let chosen = if s.assets.contains(name) { "1" } else { "0" };
            assert_eq!(row[&format!("visit/assets:{name}")], chosen);
        }
        assert_eq!(row["visit/visit_day"], s.day);
        assert_eq!(
            row["visit/where:latitude"].parse::<f64>().unwrap(),
            s.position.0
        );
        assert_eq!(
            row["visit/where:longitude"].parse::<f64>().unwrap(),
            s.position.1
        );
        assert_eq!(
            row["visit/where:altitude"].parse::<f64>().unwrap(),
            s.position.2
        );
        assert_eq!(
            row["visit/where:accuracy"].parse::<f64>().unwrap(),
            s.position.3
        );
        assert_eq!(row["members_count"], s.members.len().to_string());
        assert_eq!(row["members:count"], s.members.len().to_string());
        assert_eq!(
            row["bb:household"],
            body.household.map(|h| h.to_string()).unwrap_or_default()
        );
    }

    // Labels: select_one and select_multiple in the form's language, `; ` between choices.
    let (_, bytes) = download(&server, &format!("{path}?labels=true"), Some(&work.officer)).await;
    let (header, rows) = read_csv(&bytes);
    let rows = by_header(&header, &rows);
    let labels = |names: &[&str]| -> String {
        names
            .iter()
            .map(|n| ASSETS.iter().find(|(a, _)| a == n).unwrap().1)
            .collect::<Vec<_>>()
            .join("; ")
    };
    for (i, sent) in work.submissions.iter().enumerate() {
        let row = rows
            .iter()
            .find(|r| r["bb:submission_id"] == sent.uuid.to_string())
            .unwrap();
        let s = survey(i);
        assert_eq!(row["visit/assets"], labels(&s.assets));
        assert_eq!(
            row["visit/water"],
            WATER.iter().find(|(n, _)| *n == s.water).unwrap().1
        );
    }

    // The repeat: one row per member, linked by id and position.
    let (status, bytes) = download(
        &server,
        &format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/repeats/members.csv"),
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (header, rows) = read_csv(&bytes);
    assert_eq!(
        header,
        ["bb:submission_id", "bb:position", "m_name", "m_sex"]
    );
    let mut expected: Vec<Vec<String>> = Vec::new();
    for (i, sent) in work.submissions.iter().enumerate() {
        for (m, (name, sex)) in survey(i).members.iter().enumerate() {
            expected.push(vec![
                sent.uuid.to_string(),
                (m + 1).to_string(),
                name.clone(),
                (*sex).to_owned(),
            ]);
        }
    }
    let mut rows = rows;
    rows.sort();
    expected.sort();
    assert_eq!(rows, expected);

    // Filters narrow the export (a day in Vietnam time).
    let (_, bytes) = download(
        &server,
        &format!("{path}?from=2026-04-01&to=2026-04-02"),
        Some(&work.officer),
    )
    .await;
    let (_, rows) = read_csv(&bytes);
    assert_eq!(
        rows.len(),
        1,
        "only the survey finalized on 1 April, Vietnam time"
    );
}

async fn the_workbook_has_typed_cells_and_a_sheet_per_repeat(server: TestServer) {
    let work = officework(&server).await;
    let base = format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}");
    let (status, bytes) = download(
        &server,
        &format!("{base}/submissions.xlsx"),
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (_, csv_bytes) = download(
        &server,
        &format!("{base}/submissions.csv"),
        Some(&work.officer),
    )
    .await;
    let (csv_header, csv_rows) = read_csv(&csv_bytes);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), [FORM_ID, "members"]);
    let sheet = book.worksheet_range(FORM_ID).unwrap();
    let mut rows = sheet.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, csv_header, "the same columns as the CSV");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let data: Vec<&[Data]> = rows.collect();
    assert_eq!(data.len(), work.submissions.len());
    for (i, sent) in work.submissions.iter().enumerate() {
        let row = data
            .iter()
            .find(|r| r[col("bb:submission_id")].to_string() == sent.uuid.to_string())
            .unwrap();
        let csv_row = csv_rows
            .iter()
            .find(|r| r[0] == sent.uuid.to_string())
            .unwrap();
        let s = survey(i);
        assert_eq!(
            row[col("visit/where:latitude")],
            Data::Float(s.position.0),
            "numbers are numbers"
        );
        assert_eq!(
            row[col("members_count")],
            Data::Float(s.members.len() as f64)
        );
        match &row[col("bb:finalized_at")] {
            Data::DateTime(t) => {
                let want = excel_serial(submission_body(sent).finalized_at);
                assert!((t.as_f64() - want).abs() < 1e-6, "{} vs {want}", t.as_f64());
            }
            other => panic!("a time is a date-time cell, not {other:?}"),
        }
        match &row[col("visit/visit_day")] {
            Data::DateTime(t) => assert!(t.is_datetime()),
            other => panic!("a date is a date cell, not {other:?}"),
        }
        for name in [
            "visit/head_name",
            "bb:branch",
            "bb:commune",
            "bb:sender",
            "visit/assets",
            "bb:review_state",
        ] {
            assert_eq!(row[col(name)].to_string(), csv_row[col(name)], "{name}");
        }
    }
    let members = book.worksheet_range("members").unwrap();
    let expected: usize = (0..work.submissions.len())
        .map(|i| survey(i).members.len())
        .sum();
    assert_eq!(members.height(), expected + 1);
}

async fn registers_list_every_attendee_and_member(server: TestServer) {
    let work = officework(&server).await;
    let (status, bytes) = download(
        &server,
        "/api/v1/office/exports/gatherings.csv",
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let (header, rows) = read_csv(&bytes);
    let rows = by_header(&header, &rows);
    let expected_rows: usize = work
        .gatherings
        .iter()
        .map(|g| match &g.body {
            RecordBody::Gathering(g) => g.attendees.len().max(1),
            _ => 0,
        })
        .sum();
    assert_eq!(
        rows.len(),
        expected_rows,
        "one row per attendee, one for a gathering without any"
    );
    let walk_in = rows
        .iter()
        .find(|r| r["attendee_name"] == "Lò Văn Páo")
        .unwrap();
    assert_eq!(walk_in["walk_in"], "1");
    assert_eq!(walk_in["sex"], "Nam");
    assert_eq!(walk_in["ethnicity"], "Thái");
    assert_eq!(walk_in["kind"], "Đối thoại chính sách");
    assert_eq!(walk_in["branch"], BRANCH);
    assert_eq!(walk_in["commune"], COMMUNE);
    assert_eq!(walk_in["attendee_count"], "3");
    let member = rows
        .iter()
        .find(|r| r["attendee_name"] == "Thào Thị Dợ")
        .unwrap();
    assert_eq!(member["walk_in"], "0");
    assert_eq!(member["ethnicity"], "Mông");
    assert!(!rows.iter().any(|r| r["attendee_name"] == "Người xã khác"));
    let empty = rows.iter().find(|r| r["attendee_count"] == "0").unwrap();
    assert_eq!(empty["attendee_name"], "");

    let (status, bytes) = download(
        &server,
        "/api/v1/office/exports/households.xlsx",
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("households").unwrap();
    let expected: usize = work
        .households
        .iter()
        .map(|h| match &h.body {
            RecordBody::Household(h) => h.members.len().max(1),
            _ => 0,
        })
        .sum();
    assert_eq!(sheet.height(), expected + 1);
    let header: Vec<String> = sheet
        .rows()
        .next()
        .unwrap()
        .iter()
        .map(|c| c.to_string())
        .collect();
    let name_col = header.iter().position(|h| h == "member_name").unwrap();
    let ethnicity_col = header.iter().position(|h| h == "ethnicity").unwrap();
    let lan = sheet
        .rows()
        .find(|r| r[name_col] == "Vàng Thị Lan 2.1")
        .unwrap();
    assert_eq!(lan[ethnicity_col].to_string(), "Dao");
}

async fn exports_stay_inside_the_callers_scope(server: TestServer) {
    let work = officework(&server).await;
    let paths = [
        format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/submissions.csv"),
        format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/submissions.xlsx"),
        format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/repeats/members.csv"),
        "/api/v1/office/exports/gatherings.csv".to_owned(),
        "/api/v1/office/exports/gatherings.xlsx".to_owned(),
        "/api/v1/office/exports/households.csv".to_owned(),
        "/api/v1/office/exports/households.xlsx".to_owned(),
    ];
    for path in &paths {
        let (status, _) = download(&server, path, None).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{path} without a session");
        let (status, _) = download(&server, path, Some(&work.head_token)).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{path} for a branch head");
        let sep = if path.contains('?') { '&' } else { '?' };
        let (status, _) = download(
            &server,
            &format!("{path}{sep}area={}", work.other_commune),
            Some(&work.officer),
        )
        .await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path} for another commune");
    }
    // The administrator sees both communes.
    let (_, bytes) = download(&server, &paths[0], Some(&work.admin)).await;
    assert_eq!(read_csv(&bytes).1.len(), work.submissions.len() + 1);
    let (status, _) = download(
        &server,
        "/api/v1/office/exports/people.csv",
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = download(
        &server,
        &format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/repeats/nothing.csv"),
        Some(&work.officer),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

on_both_stores!(
    submissions_csv_is_what_was_sent,
    the_workbook_has_typed_cells_and_a_sheet_per_repeat,
    registers_list_every_attendee_and_member,
    exports_stay_inside_the_callers_scope,
);
