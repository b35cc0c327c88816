//! The rosters page over HTTP, on both stores: a commune officer imports her branch's
//! members from CSV and .xlsx (a file with a bad row is refused whole, its row named on
//! the page), finds them by name in any accents, adds and edits one; the branch's phone
//! pulls them; another commune's branch stays out of her reach (list, direct URLs,
//! posts with foreign ids).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::{Browser, Page};
use common::officework::{HomeAreas, home_areas};
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

const OFFICER_PASSWORD: &str = "can.bo.xa-chosen-password";

fn ok(page: &Page) -> &Page {
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.len() < 100 * 1024, "{} bytes", page.body.len());
    page
}

/// Names in the members table, in order.
fn listed(page: &Page) -> Vec<String> {
    let Some(start) = page.body.find("<table id=\"members\">") else {
        return Vec::new();
    };
    let table = &page.body[start..start + page.body[start..].find("</table>").unwrap()];
    table
        .split("<tr")
        .skip(2)
        .map(|row| {
            let cell = &row[row.find("<td>").unwrap() + 4..];
            cell[..cell.find("</td>").unwrap()].to_owned()
        })
        .collect()
}

async fn members_pulled(server: &TestServer, device: &str) -> Vec<String> {
    let (status, changes) = server.get("/api/v1/changes?since=0", device).await;
    assert_eq!(status, StatusCode::OK);
    let mut names: Vec<String> = changes["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["full_name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

async fn an_officer_keeps_her_branch_roster(server: TestServer) {
    let admin = server.admin().await;
    let HomeAreas {
        province,
        commune,
        branch,
    } = home_areas(&server, &admin).await;
    let other_commune = server
        .create_area(&admin, Some(province), "commune", "Xã Tả Van")
        .await;
    let other_branch = server
        .create_area(&admin, Some(other_commune), "branch", "Chi hội Lao Chải")
        .await;
    let (_, one_time) = server
        .create_account(&admin, "can.bo.xa", "officer", Some(commune))
        .await;
    let (head, _) = server
        .create_account(&admin, "lo.thi.mai", "branch_head", Some(branch))
        .await;
    let device = server.enrolled_device(&admin, head).await.token;
    let foreign_member = Uuid::now_v7();
    let (status, body) = server
        .put_member(
            &admin,
            other_branch,
            &json!({"id": foreign_member, "member_code": null, "full_name": "Giàng Thị Sua", "sex": "female",
                    "birth_year": null, "ethnicity": null, "village": "Lao Chải", "phone": null, "archived": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    // The JSON API applies the file's rules: each bad member refused with the reason,
    // a Vietnamese ethnic group name stored as its key.
    for (field, value, reason) in [
        ("full_name", json!("  "), "the name is empty"),
        (
            "birth_year",
            json!(1850),
            "1850 is not a plausible birth year",
        ),
        (
            "ethnicity",
            json!("martian"),
            "unknown ethnic group \"martian\"",
        ),
    ] {
        let mut member = json!({"id": Uuid::now_v7(), "member_code": null, "full_name": "Vàng Thị Mỷ", "sex": "female",
                    "birth_year": null, "ethnicity": null, "village": "Lao Chải", "phone": null, "archived": false});
        member[field] = value;
        let (status, body) = server.put_member(&admin, other_branch, &member).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{field}: {body}");
        assert_eq!(body["error"], "invalid");
        assert_eq!(body["detail"], reason, "{body}");
    }
    let (status, body) = server
        .put_member(
            &admin,
            other_branch,
            &json!({"id": Uuid::now_v7(), "member_code": " ", "full_name": " Vàng Thị Mỷ ", "sex": "female",
                    "birth_year": 1991, "ethnicity": "Mông", "village": "Lao Chải", "phone": null, "archived": false}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["ethnicity"], "hmong");
    assert_eq!(body["full_name"], "Vàng Thị Mỷ");
    assert_eq!(body["member_code"], serde_json::Value::Null);

    let mut officer = Browser::new(&server.base);
    officer
        .log_in_fresh("can.bo.xa", &one_time, OFFICER_PASSWORD)
        .await;
    let csrf = officer.csrf().await;

    // Her only branch is shown at once; the other commune's is not offered.
    let page = officer.get("/rosters").await;
    assert!(ok(&page).body.contains("Chi hội Bản Dền"));
    assert!(page.body.contains("Chưa có hội viên nào."));
    assert!(!page.body.contains("Lao Chải"));
    let foreign = officer
        .get(&format!("/rosters?branch={other_branch}"))
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert!(!foreign.body.contains("Giàng Thị Sua"));

    // A file with bad rows: every one named, nothing saved.
    let import = format!("/rosters/{branch}/import");
    let bad = "Họ tên,Giới tính,Năm sinh,Dân tộc,Thôn\n\
               Thào Thị Dợ,Nữ,1990,Mông,Bản Dền\n\
               Lò Thị Mai,alien,1985,Thái,Bản Dền\n\
               Vàng Thị Sua,nữ,mười chín,,Bản Dền\n";
    let page = officer
        .post_file(
            &import,
            &[("csrf", &csrf)],
            "file",
            "hoi-vien.csv",
            bad.into(),
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("Chưa nhập gì: tệp có 2 dòng cần sửa"));
    assert!(
        page.body
            .contains("<td>3</td><td>Giới tính &#34;alien&#34; không rõ")
    );
    assert!(
        page.body
            .contains("<td>4</td><td>Năm sinh &#34;mười chín&#34;")
    );
    assert!(listed(&page).is_empty());
    assert!(members_pulled(&server, &device).await.is_empty());

    // The same file fixed: saved in one go; importing it again adds no one twice.
    let good = "\u{feff}Họ tên,Giới tính,Năm sinh,Dân tộc,Thôn,Mã hội viên\n\
                Thào Thị Dợ,Nữ,1990,Mông,Bản Dền,\n\
                Lò Thị Mai,nữ,1985,Thái,Bản Dền,HV-02\n\
                Đặng Thị Mai,nữ,,Dao,Bản Dền,\n";
    for expected in [
        "Đã nhập: 3 hội viên mới, 0 hội viên được cập nhật.",
        "Đã nhập: 0 hội viên mới, 0 hội viên được cập nhật.",
    ] {
        let page = officer
            .post_file(
                &import,
                &[("csrf", &csrf)],
                "file",
                "hoi-vien.csv",
                good.into(),
            )
            .await;
        assert!(ok(&page).body.contains(expected), "{}", page.body);
    }
    assert_eq!(
        listed(&page_of(&mut officer, branch, "").await),
        ["Đặng Thị Mai", "Lò Thị Mai", "Thào Thị Dợ"]
    );
    assert_eq!(
        members_pulled(&server, &device).await,
        ["Lò Thị Mai", "Thào Thị Dợ", "Đặng Thị Mai"]
    );

    // An .xlsx by the same rules: a changed phone number updates the member with code HV-02.
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    for (col, text) in ["Mã hội viên", "Họ và tên", "Giới tính", "Điện thoại"]
        .iter()
        .enumerate()
    {
        sheet.write_string(0, col as u16, *text).unwrap();
    }
    for (col, text) in ["HV-02", "Lò Thị Mai", "Nữ", "0912000111"]
        .iter()
        .enumerate()
    {
        sheet.write_string(1, col as u16, *text).unwrap();
    }
    let xlsx = book.save_to_buffer().unwrap();
    let page = officer
        .post_file(&import, &[("csrf", &csrf)], "file", "hoi-vien.xlsx", xlsx)
        .await;
    assert!(
        ok(&page)
            .body
            .contains("Đã nhập: 0 hội viên mới, 1 hội viên được cập nhật."),
        "{}",
        page.body
    );
    assert!(page.body.contains("<td>0912000111</td>"));
    // Not a roster file at all.
    let page = officer
        .post_file(
            &import,
            &[("csrf", &csrf)],
            "file",
            "a.pdf",
            b"%PDF-1.4".to_vec(),
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Chỉ nhận tệp CSV hoặc Excel (.xlsx)."));

    // Search ignores accents and case.
    assert_eq!(
        listed(&page_of(&mut officer, branch, "thao thi do").await),
        ["Thào Thị Dợ"]
    );
    assert_eq!(
        listed(&page_of(&mut officer, branch, "d").await),
        ["Đặng Thị Mai", "Thào Thị Dợ"]
    );

    // Add one by hand (a name with markup is shown as text); an empty name is refused.
    let add = format!("/rosters/{branch}/members");
    let fields = |name: &'static str| {
        vec![
            ("full_name", name),
            ("sex", "female"),
            ("birth_year", "1992"),
            ("ethnicity", "hmong"),
            ("village", "Bản Dền"),
        ]
    };
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields("<b>Sùng</b> Thị Pà"));
    let page = officer.post(&add, &form).await;
    assert!(
        ok(&page)
            .body
            .contains("&#60;b&#62;Sùng&#60;/b&#62; Thị Pà"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("<b>Sùng</b>"));
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields("   "));
    let page = officer.post(&add, &form).await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("Thiếu họ tên."));
    assert_eq!(members_pulled(&server, &device).await.len(), 4);

    // Edit: she left the branch (kept, marked, and the phone is told).
    let page = page_of(&mut officer, branch, "dang").await;
    let marker = format!("/rosters/{branch}/members/");
    let at = page.body.find(&marker).unwrap() + marker.len();
    let id = &page.body[at..at + 36];
    let edit = format!("/rosters/{branch}/members/{id}");
    let page = officer.get(&edit).await;
    assert!(ok(&page).body.contains("value=\"Đặng Thị Mai\""));
    let page = officer
        .post(
            &edit,
            &[
                ("csrf", &csrf),
                ("full_name", "Đặng Thị Mai"),
                ("sex", "female"),
                ("ethnicity", "dao"),
                ("village", "Bản Dền"),
                ("archived", "on"),
            ],
        )
        .await;
    assert!(ok(&page).body.contains("Đặng Thị Mai (Đã rời chi hội)"));
    let (_, changes) = server.get("/api/v1/changes?since=0", &device).await;
    let archived: Vec<&str> = changes["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["archived"] == true)
        .map(|m| m["full_name"].as_str().unwrap())
        .collect();
    assert_eq!(archived, ["Đặng Thị Mai"]);

    // The other commune's branch and member: never reached, whatever the URL or the ids.
    let mut form = vec![("csrf", csrf.as_str())];
    form.extend(fields("Người Lạ"));
    for path in [
        format!("/rosters/{other_branch}/members"),
        format!("/rosters/{other_branch}/members/{foreign_member}"),
        format!("/rosters/{branch}/members/{foreign_member}"),
    ] {
        let page = officer.post(&path, &form).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
    }
    for path in [
        format!("/rosters/{other_branch}/members/{foreign_member}"),
        format!("/rosters/{branch}/members/{foreign_member}"),
    ] {
        let page = officer.get(&path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!page.body.contains("Giàng Thị Sua"));
    }
    let page = officer
        .post_file(
            &format!("/rosters/{other_branch}/import"),
            &[("csrf", &csrf)],
            "file",
            "x.csv",
            good.into(),
        )
        .await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    let (_, changes) = server.get("/api/v1/changes?since=0", &device).await;
    assert_eq!(changes["members"].as_array().unwrap().len(), 4);
    // A forged CSRF token changes nothing.
    let mut form = vec![("csrf", "forged")];
    form.extend(fields("Giả Mạo"));
    let page = officer.post(&add, &form).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert_eq!(members_pulled(&server, &device).await.len(), 4);
}

async fn page_of(browser: &mut Browser, branch: Uuid, query: &str) -> Page {
    let q: String = url_query(query);
    let page = browser
        .get(&format!("/rosters?branch={branch}&q={q}"))
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

fn url_query(text: &str) -> String {
    text.replace(' ', "+")
}

on_both_stores!(an_officer_keeps_her_branch_roster);
