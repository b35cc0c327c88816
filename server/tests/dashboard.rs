//! The indicators dashboard over HTTP, on both stores: for March 2026 (Vietnam time) the
//! officer's dashboard, its CSV downloads (read with a CSV reader) and its workbook (read
//! with calamine) hold exactly the counts this test makes itself from the records the
//! phones sent; the administrator's rows are the provinces and then the communes; the
//! print view has the same numbers; another commune, a branch head and a visitor see
//! nothing of it, on the page, the JSON and every download.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::{BTreeMap, HashSet};
use std::io::Cursor;

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::i18n::{UiLanguage, age_group_name, gathering_kind_name, sex_name};
use branchbook_core::protocol::{Record, RecordBody};
use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, Datelike, Duration, Utc};
use common::TestServer;
use common::console::Browser;
use common::officework::*;
use reqwest::StatusCode;

const BOM: &[u8] = b"\xEF\xBB\xBF";
const MARCH: &str = "period=month&year=2026&month=3";

/// True when `at` is in March 2026 on Vietnam's clock.
fn in_march(at: DateTime<Utc>) -> bool {
    let local = at + Duration::hours(7);
    local.year() == 2026 && local.month() == 3
}

/// The counts of one area, made here from what was sent, by the dashboard's headers.
fn expected(records: &[&Record]) -> BTreeMap<String, i64> {
    let vi = UiLanguage::Vi;
    let mut out: BTreeMap<String, i64> = BTreeMap::new();
    let mut add = |key: String, n: i64| *out.entry(key).or_default() += n;
    let mut people = HashSet::new();
    let mut households = HashSet::new();
    let mut unlinked = 0;
    for record in records {
        match &record.body {
            RecordBody::Gathering(g) if in_march(g.starts_at) => {
                add(format!("kind:{}", gathering_kind_name(g.kind, vi)), 1);
                for a in &g.attendees {
                    add(format!("sex:{}", sex_name(a.sex, vi)), 1);
                    add(format!("age:{}", age_group_name(a.age_group, vi)), 1);
                    add("attendees".into(), 1);
                    people.insert(a.member_id.unwrap_or(a.id));
                }
            }
            RecordBody::Submission(s) if in_march(s.finalized_at) => {
                add("surveys".into(), 1);
                match s.household {
                    Some(h) => {
                        households.insert(h);
                    }
                    None => unlinked += 1,
                }
            }
            _ => {}
        }
    }
    out.insert("people".into(), people.len() as i64);
    out.insert("households".into(), households.len() as i64 + unlinked);
    out
}

/// A CSV download read as its header and rows (the BOM checked and removed).
fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    assert!(bytes.starts_with(BOM), "the CSV starts with the UTF-8 BOM");
    let mut reader = csv::Reader::from_reader(&bytes[BOM.len()..]);
    let header = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

/// The cell under `column` in the row named `row`, as a number.
fn cell(header: &[String], rows: &[Vec<String>], row: &str, column: &str) -> i64 {
    let col = header
        .iter()
        .position(|h| h == column)
        .unwrap_or_else(|| panic!("no column {column} in {header:?}"));
    let line = rows
        .iter()
        .find(|r| r[0] == row)
        .unwrap_or_else(|| panic!("no row {row} in {rows:?}"));
    line[col].parse().unwrap()
}

async fn officer(server: &TestServer) -> Browser {
    let mut browser = Browser::new(&server.base);
    browser
        .log_in(OFFICER, OFFICER_PASSWORD)
        .await
        .assert_redirect("/");
    browser
}

async fn csv_of(
    browser: &mut Browser,
    table: &str,
    query: &str,
) -> (Vec<String>, Vec<Vec<String>>) {
    let (status, kind, bytes) = browser
        .download(&format!("/dashboard/{table}.csv?{query}"))
        .await;
    assert_eq!(
        status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    assert!(kind.starts_with("text/csv"), "{kind}");
    read_csv(&bytes)
}

async fn the_officers_totals_are_what_her_phones_sent(server: TestServer) {
    let work = officework(&server).await;
    let mine: Vec<&Record> = work
        .submissions
        .iter()
        .chain(&work.gatherings)
        .chain(&work.households)
        .collect();
    let want = expected(&mine);
    let vi = UiLanguage::Vi;
    let mut browser = officer(&server).await;

    let page = browser.get(&format!("/dashboard?{MARCH}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        BRANCH,
        "Chỉ tiêu Đề án 8",
        "<svg class=\"chart\"",
        "<figcaption>Người tham dự theo địa bàn</figcaption>",
        "<figcaption>Diễn biến theo ngày</figcaption>",
        "Tổng cộng",
        "Mông",
        "Thái",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert_eq!(
        page.body.matches("<circle").count(),
        3 * 31,
        "a month's line has a point a day for each of its three series"
    );
    let year = browser.get("/dashboard?period=year&year=2026").await;
    assert!(
        year.body
            .contains("<figcaption>Diễn biến theo tháng</figcaption>")
    );
    assert_eq!(year.body.matches("<circle").count(), 3 * 12);
    assert!(
        !page.body.contains(OTHER_BRANCH),
        "another commune's branch shows"
    );
    assert!(
        !page.body.contains("hmong"),
        "ethnicities are names, not keys"
    );

    // Every table as CSV: one row per branch of her commune, and the total.
    let range = "period=range&from=2026-03-01&to=2026-03-31";
    let (header, rows) = csv_of(&mut browser, "gatherings", range).await;
    let typed = "period=range&from=01/03/2026&to=31/03/2026";
    assert_eq!(
        csv_of(&mut browser, "gatherings", typed).await,
        (header.clone(), rows.clone()),
        "a range typed day first, as the page's fields take it"
    );
    assert_eq!(header[0], "Địa bàn");
    assert_eq!(
        rows.iter().map(|r| r[0].as_str()).collect::<Vec<_>>(),
        [BRANCH, "Tổng cộng"]
    );
    for kind in [
        GatheringKind::PolicyDialogue,
        GatheringKind::CommunicationSession,
        GatheringKind::Training,
        GatheringKind::ClubMeeting,
    ] {
        let name = gathering_kind_name(kind, vi);
        let n = want.get(&format!("kind:{name}")).copied().unwrap_or(0);
        assert_eq!(cell(&header, &rows, BRANCH, &name), n, "{name}");
        assert_eq!(cell(&header, &rows, "Tổng cộng", &name), n, "{name}");
    }
    assert_eq!(
        cell(&header, &rows, "Tổng cộng", "Tổng cộng"),
        3,
        "three gatherings in March"
    );

    let (header, rows) = csv_of(&mut browser, "attendees", range).await;
    for sex in [Sex::Female, Sex::Male, Sex::Unknown] {
        let name = sex_name(sex, vi);
        let n = want.get(&format!("sex:{name}")).copied().unwrap_or(0);
        assert_eq!(cell(&header, &rows, "Tổng cộng", &name), n, "{name}");
    }
    assert_eq!(
        cell(&header, &rows, BRANCH, "Tổng lượt tham dự"),
        want["attendees"]
    );
    assert_eq!(
        cell(&header, &rows, BRANCH, "Số người được tiếp cận"),
        want["people"]
    );

    let (header, rows) = csv_of(&mut browser, "ages", range).await;
    for age in [Some(AgeGroup::Adult), Some(AgeGroup::Youth), None] {
        let name = age_group_name(age, vi);
        assert_eq!(
            cell(&header, &rows, BRANCH, &name),
            want[&format!("age:{name}")],
            "{name}"
        );
    }

    let (header, rows) = csv_of(&mut browser, "ethnicities", range).await;
    assert_eq!(
        header,
        ["Địa bàn", "Thái", "Mông", "Không rõ"],
        "GSO order, names, unknown last"
    );
    assert_eq!(rows[1][1..], ["1", "2", "1"]);

    let (header, rows) = csv_of(&mut browser, "surveys", range).await;
    assert_eq!(
        cell(&header, &rows, BRANCH, "Số hộ được thăm"),
        want["households"]
    );
    assert_eq!(
        cell(&header, &rows, BRANCH, "Thăm hộ gia đình"),
        want["surveys"]
    );
    assert_eq!(
        (want["surveys"], want["households"]),
        (5, 4),
        "two registry households and two unlinked surveys; the 1 April survey is out"
    );

    let (header, rows) = csv_of(&mut browser, "states", range).await;
    assert_eq!(
        cell(&header, &rows, "Tổng cộng", "Chưa duyệt"),
        want["surveys"]
    );

    // A rejected survey leaves every count but the review states.
    let rejected = &work.submissions[3];
    let (status, _) = server
        .post(
            &format!("/api/v1/office/records/{}/review", rejected.uuid),
            Some(&work.officer),
            &serde_json::json!({"state": "rejected", "comment": "sai"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let (header, rows) = csv_of(&mut browser, "states", range).await;
    assert_eq!(cell(&header, &rows, BRANCH, "Không nhận"), 1);
    assert_eq!(cell(&header, &rows, BRANCH, "Tổng cộng"), want["surveys"]);
    let (header, rows) = csv_of(&mut browser, "surveys", range).await;
    assert_eq!(
        cell(&header, &rows, BRANCH, "Thăm hộ gia đình"),
        want["surveys"] - 1
    );

    // The whole workbook: a sheet per table, numbers as numbers.
    let (status, kind, bytes) = browser
        .download(&format!("/dashboard/indicators.xlsx?{range}"))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(kind.contains("spreadsheetml"), "{kind}");
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names().len(), 6, "{:?}", book.sheet_names());
    let sheet = book
        .worksheet_range("Người tham dự theo giới tính")
        .unwrap();
    let rows: Vec<Vec<Data>> = sheet.rows().map(<[Data]>::to_vec).collect();
    assert_eq!(rows[0][0], Data::String("Địa bàn".into()));
    assert_eq!(rows[1][0], Data::String(BRANCH.into()));
    assert_eq!(rows[2][4], Data::Float(want["attendees"] as f64));
    assert_eq!(rows[2][5], Data::Float(want["people"] as f64));

    // The print view: the same numbers, no navigation, A4 rules in the stylesheet.
    let print = browser.get(&format!("/dashboard/print?{range}")).await;
    assert_eq!(print.status, StatusCode::OK);
    assert!(print.body.contains("class=\"print\"") && !print.body.contains("<nav"));
    assert!(print.body.contains(COMMUNE) && print.body.contains("01/03/2026"));
    assert!(
        !print.body.contains("Xã Xã"),
        "a commune named with its level is not named twice"
    );
    let css = browser.get("/assets/console.css").await.body;
    assert!(css.contains("size: A4"));

    // The JSON API: the same total.
    let (status, json) = server
        .get(&format!("/api/v1/office/dashboard?{range}"), &work.officer)
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["total"]["people"], want["people"]);
    assert_eq!(json["rows"][0]["name"], BRANCH);
    assert_eq!(json["months"][0]["month"], "2026-03");
    assert_eq!(json["months"][0]["attendees"], want["attendees"]);
    let days = json["days"].as_array().unwrap();
    assert_eq!(days.len(), 31);
    assert_eq!(days[0]["day"], "2026-03-01");
    let attendees: i64 = days.iter().map(|d| d["attendees"].as_i64().unwrap()).sum();
    assert_eq!(serde_json::Value::from(attendees), want["attendees"]);
}

async fn the_administrator_sees_provinces_then_communes(server: TestServer) {
    let work = officework(&server).await;
    let all: Vec<&Record> = work
        .submissions
        .iter()
        .chain(&work.gatherings)
        .chain(&work.other)
        .collect();
    let want = expected(&all);
    let (status, json) = server
        .get(&format!("/api/v1/office/dashboard?{MARCH}"), &work.admin)
        .await;
    assert_eq!(status, StatusCode::OK, "{json}");
    assert_eq!(json["rows"].as_array().unwrap().len(), 1, "one province");
    assert_eq!(json["rows"][0]["name"], "Lào Cai");
    assert_eq!(json["total"]["people"], want["people"]);
    assert_eq!(json["total"]["households"], want["households"]);
    let province = json["rows"][0]["area"].as_str().unwrap().to_owned();
    let (_, json) = server
        .get(
            &format!("/api/v1/office/dashboard?{MARCH}&area={province}"),
            &work.admin,
        )
        .await;
    let names: Vec<&str> = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, [COMMUNE, OTHER_COMMUNE]);
    let other = &json["rows"][1]["tally"];
    assert_eq!(other["gatherings"]["policy_dialogue"], 1);
    assert_eq!(other["attendees_by_ethnicity"]["dao"], 1);
    let summed: i64 = json["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["tally"]["people"].as_i64().unwrap())
        .sum();
    assert_eq!(json["total"]["people"], summed);
}

async fn nobody_sees_another_areas_indicators(server: TestServer) {
    let work = officework(&server).await;
    let mut browser = officer(&server).await;
    let other = work.other_commune;
    for path in [
        format!("/dashboard?area={other}"),
        format!("/dashboard/print?area={other}"),
        format!("/dashboard/gatherings.csv?area={other}"),
        format!("/dashboard/indicators.xlsx?area={other}"),
    ] {
        let (status, _, body) = browser.download(&path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}");
        assert!(
            !String::from_utf8_lossy(&body).contains(OTHER_BRANCH),
            "{path}"
        );
    }
    let (status, _) = server
        .get(
            &format!("/api/v1/office/dashboard?area={other}"),
            &work.officer,
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    // A branch head's session is no official's, on the API and in the console.
    let (status, _) = server
        .get("/api/v1/office/dashboard", &work.head_token)
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // A visitor is sent to sign in; nothing is counted for her.
    let mut visitor = Browser::new(&server.base);
    for path in [
        "/dashboard",
        "/dashboard/print",
        "/dashboard/gatherings.csv",
        "/dashboard/indicators.xlsx",
    ] {
        visitor.get(path).await.assert_redirect("/login");
    }
    // Nonsense periods are refused with a message, never counted.
    for query in [
        "period=month&year=2026&month=13",
        "period=range&from=2026-03-09&to=2026-03-01",
        "period=week",
    ] {
        let (status, _, _) = browser.download(&format!("/dashboard?{query}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{query}");
    }
    let (status, _, _) = browser.download("/dashboard/nothing.pdf").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

async fn the_registers_show_names_and_stay_in_her_area(server: TestServer) {
    let work = officework(&server).await;
    let mut browser = officer(&server).await;
    let rows = |body: &str| body.matches("<tr data-id=").count();

    let page = browser.get("/gatherings").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(rows(&page.body), work.gatherings.len());
    assert!(
        page.body.contains("Đối thoại chính sách")
            || page.body.contains(&gathering_kind_name(
                GatheringKind::PolicyDialogue,
                UiLanguage::Vi
            ))
    );
    assert!(!page.body.contains(&work.other[1].uuid.to_string()));
    let page = browser.get("/gatherings?kind=policy_dialogue").await;
    assert_eq!(rows(&page.body), 1);
    let page = browser
        .get("/gatherings?kind=training&from=2026-03-26&to=2026-04-01")
        .await;
    assert_eq!(rows(&page.body), 1, "the training on 26 March");
    assert_eq!(
        browser.get("/gatherings?kind=dance").await.status,
        StatusCode::BAD_REQUEST
    );

    let first = &work.gatherings[0];
    let page = browser.get(&format!("/gatherings/{}", first.uuid)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Thào Thị Dợ",
        "Lò Văn Páo",
        "Giàng Thị Sua",
        "Mông",
        "Thái",
        "Người dự vãng lai",
        "Hội viên trong danh sách",
        "Phòng chống tảo hôn",
        BRANCH,
        COMMUNE,
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    assert_eq!(
        page.body.matches("class=\"walk-in\"").count(),
        2,
        "two walk-ins marked"
    );
    assert!(!page.body.contains("hmong"), "ethnicity names, not keys");
    let totals = page
        .body
        .split("id=\"totals\"")
        .nth(1)
        .unwrap()
        .split("</dl>")
        .next()
        .unwrap();
    assert!(
        totals.contains("<dd>3</dd>")
            && totals.contains("<dd>2</dd>")
            && totals.contains("<dd>1</dd>"),
        "{totals}"
    );

    let page = browser.get("/households").await;
    assert_eq!(rows(&page.body), work.households.len());
    let h0 = &work.households[0];
    let h2 = &work.households[2];
    let page = browser.get(&format!("/households/{}", h2.uuid)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for text in [
        "Giàng Thị Sua 2",
        "Vàng Thị Lan 2.0",
        "Vàng Thị Lan 2.1",
        "Mông",
        "Dao",
        "nhà số 2",
    ] {
        assert!(page.body.contains(text), "{text} missing");
    }
    let visits = |body: &str| body.matches("href=\"/records/").count();
    assert_eq!(visits(&page.body), 0);
    let page = browser.get(&format!("/households/{}", h0.uuid)).await;
    assert_eq!(
        visits(&page.body),
        2,
        "surveys 0 and 2 visited the first household"
    );
    // Each visit is named as the submissions table names it, its day beside it (Vietnam
    // time: survey 0 at 07:00 on 1 March, survey 2 twelve days later), oldest first.
    let table = page.body.split("<table id=\"visits\">").nth(1).unwrap();
    let table = table.split("</table>").next().unwrap();
    let lines: Vec<Vec<String>> = table
        .split("<tr>")
        .skip(1)
        .map(|row| {
            row.split("<td>")
                .skip(1)
                .map(|cell| {
                    let text = cell.split("</td>").next().unwrap();
                    let text = text.rsplit("\">").next().unwrap();
                    text.trim_end_matches("</a>").to_owned()
                })
                .collect()
        })
        .collect();
    assert_eq!(lines.len(), 2, "{table}");
    for (line, (i, day)) in lines
        .iter()
        .zip([(0, "01/03/2026 07:00"), (2, "13/03/2026 07:00")])
    {
        assert_eq!(line[0], instance_name(i), "{table}");
        assert_eq!(line[1], day, "{table}");
    }

    // Outside her area, or the wrong kind: not found. A visitor signs in first.
    let other = work.other[1].uuid;
    for path in [
        format!("/gatherings/{other}"),
        format!("/households/{other}"),
        format!("/households/{}", first.uuid),
        format!("/gatherings/{}", work.submissions[0].uuid),
    ] {
        assert_eq!(
            browser.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let page = browser
        .get(&format!("/gatherings?area={}", work.other_commune))
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let mut visitor = Browser::new(&server.base);
    for path in [
        "/gatherings".to_owned(),
        format!("/gatherings/{}", first.uuid),
        "/households".to_owned(),
        format!("/households/{}", h0.uuid),
    ] {
        visitor.get(&path).await.assert_redirect("/login");
    }
}

on_both_stores!(
    the_registers_show_names_and_stay_in_her_area,
    the_officers_totals_are_what_her_phones_sent,
    the_administrator_sees_provinces_then_communes,
    nobody_sees_another_areas_indicators
);
