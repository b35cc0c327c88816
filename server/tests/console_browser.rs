//! The console in a real browser (headless Chromium over WebDriver), against the server
//! started as a program, on SQLite and on PostgreSQL: an administrator's first day, from
//! the first-start password to a form published to one commune (a phone of the other
//! commune does not get it), and a commune officer who enrolls a branch head's phone by
//! its QR code, read back from the page's picture as a phone's camera would. Screenshots of every step go to `target/browser/<store>/`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::path::Path;

use branchbook_core::engine::{Answer, SessionOptions};
use branchbook_core::protocol::{AppRelease, EnrollmentQr, ReviewState};
use branchbook_core::store::{Store, Window};
use branchbook_core::sync::{
    CancelHandle, RetryPolicy, SyncClient, SyncReport, Timeouts, Unobserved,
};
use branchbook_testing::Chromium;
use branchbook_testing::fixtures::household_form;
use common::officework::{BRANCH, FORM_ID, FORM_VERSION, OFFICER, OFFICER_PASSWORD, officework};
use common::program::Program;
use common::{Backend, TestServer};
use reqwest::StatusCode;

/// The new administrator password typed on the forced change page.
const ADMIN_PASSWORD: &str = "núi-Phìn-cao-7h";
/// The first-day officer's own password after her first sign-in.
const FIRST_OFFICER_PASSWORD: &str = "Lao Chải mùa lúa 9";

fn sign_in(browser: &Chromium, base: &str, username: &str, password: &str) {
    browser.go(&format!("{base}/login"));
    browser.fill("#login input[name=username]", username);
    browser.fill("#login input[name=password]", password);
    browser.click("#login button[type=submit]");
}

/// On the forced change page, replaces the one-time password with `new`.
fn change_password(browser: &Chromium, one_time: &str, new: &str) {
    browser.find("#password");
    assert!(browser.url().ends_with("/password"), "{}", browser.url());
    browser.fill("#password input[name=current]", one_time);
    browser.fill("#password input[name=new]", new);
    browser.fill("#password input[name=repeat]", new);
    browser.click("#password button[type=submit]");
    browser.find("p.notice");
}

fn sign_out(browser: &Chromium) {
    browser.click("#logout");
    browser.find("#login");
}

fn create_area(browser: &Chromium, parent: Option<&str>, level: &str, name: &str) {
    browser.click("a[href='/areas']");
    if let Some(parent) = parent {
        browser.choose("#new-area select[name=parent]", parent);
    }
    browser.choose("#new-area select[name=level]", level);
    browser.fill("#new-area input[name=name]", name);
    browser.click("#new-area button[type=submit]");
    browser.find("#area-tree");
}

/// Creates an account and returns the one-time password the page shows once.
fn create_account(
    browser: &Chromium,
    username: &str,
    name: &str,
    role: &str,
    area: &str,
) -> String {
    browser.click("a[href='/accounts']");
    browser.fill("#new-account input[name=username]", username);
    browser.fill("#new-account input[name=display_name]", name);
    browser.choose("#new-account select[name=role]", role);
    browser.choose("#new-account select[name=area]", area);
    browser.click("#new-account button[type=submit]");
    let password = browser.text("#one-time-password");
    assert!(password.len() >= 10, "{}", browser.text("main"));
    password
}

/// A form with one broken row: row 3 of the survey sheet names a choice list that does
/// not exist.
fn broken_form(dir: &Path) -> std::path::PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let survey = book.add_worksheet().set_name("survey").unwrap();
    for (col, head) in ["type", "name", "label"].iter().enumerate() {
        survey.write(0, col as u16, *head).unwrap();
    }
    for (row, cells) in [
        ["text", "village", "Thôn"],
        ["select_one no_such_list", "sex", "Giới tính"],
    ]
    .iter()
    .enumerate()
    {
        for (col, cell) in cells.iter().enumerate() {
            survey.write(row as u32 + 1, col as u16, *cell).unwrap();
        }
    }
    let settings = book.add_worksheet().set_name("settings").unwrap();
    settings.write(0, 0, "form_id").unwrap();
    settings.write(1, 0, "broken_visit").unwrap();
    let path = dir.join("broken.xlsx");
    book.save(&path).unwrap();
    path
}

fn first_day(browser: &Chromium, backend: &str, database_url: Option<String>) {
    let shot = |step: &str| browser.shot(&format!("{backend}/{step}"));
    let dir = tempfile::tempdir().unwrap();
    let server = Program::new(dir.path().join("data"), database_url).start();
    let base = server.api.base.clone();
    let one_time = server.one_time_password().unwrap();

    // The first thing a new administrator sees is the sign-in page, in Vietnamese.
    browser.go(&base);
    browser.find("#login");
    assert!(browser.url().ends_with("/login"), "{}", browser.url());
    assert!(browser.source().contains("lang=\"vi\""));
    shot("01-sign-in");
    sign_in(browser, &base, "admin", "wrong password!!");
    assert!(
        !browser.text("p.error").is_empty(),
        "a wrong password is said so"
    );
    sign_in(browser, &base, "admin", &one_time);
    shot("02-forced-password-change");
    change_password(browser, &one_time, ADMIN_PASSWORD);
    shot("03-home");

    // The area tree: a province, two communes, a branch in each.
    create_area(browser, None, "Tỉnh", "Lào Cai");
    create_area(browser, Some("Lào Cai"), "Xã", "Bản Phìn");
    create_area(browser, Some("Lào Cai"), "Xã", "Y Tý");
    create_area(browser, Some("Bản Phìn"), "Chi hội", "Thôn Lao Chải");
    create_area(browser, Some("Y Tý"), "Chi hội", "Thôn Sín Chải");
    let tree = browser.text("#area-tree");
    for name in [
        "Lào Cai",
        "Bản Phìn",
        "Y Tý",
        "Thôn Lao Chải",
        "Thôn Sín Chải",
    ] {
        assert!(tree.contains(name), "{tree}");
    }
    // A second "Bản Phìn" under the same province is refused, with a message.
    create_area(browser, Some("Lào Cai"), "Xã", "Bản Phìn");
    assert!(!browser.text("p.error").is_empty());
    assert_eq!(browser.text("#area-tree").matches("Bản Phìn").count(), 1);
    shot("04-areas");
    // A branch filed under the wrong commune is moved, then closed (archived).
    create_area(browser, Some("Y Tý"), "Chi hội", "Thôn Tả Phìn");
    browser.choose("#move-area select[name=area]", "Thôn Tả Phìn");
    browser.choose("#move-area select[name=parent]", "Bản Phìn");
    browser.click("#move-area button[type=submit]");
    assert!(browser.text("p.notice").contains("Thôn Tả Phìn"));
    let tree = browser.text("#area-tree");
    let at = |name: &str| tree.find(name).unwrap();
    assert!(
        at("Bản Phìn") < at("Thôn Tả Phìn") && at("Thôn Tả Phìn") < at("Y Tý"),
        "now under Bản Phìn: {tree}"
    );
    browser.choose("#archive-area select[name=area]", "Thôn Tả Phìn");
    browser.click("#archive-area button[type=submit]");
    assert!(
        browser
            .text("#area-tree li.archived")
            .contains("Thôn Tả Phìn")
    );
    assert!(
        !browser
            .text("#new-area select[name=parent]")
            .contains("Thôn Tả Phìn")
            && !browser
                .text("#move-area select[name=parent]")
                .contains("Thôn Tả Phìn"),
        "left the pickers"
    );
    shot("04b-area-moved-and-archived");
    // The closed branch was never used: it is deleted after a confirmation. A commune
    // with branches is not, and the page says what it holds.
    browser.choose("#delete-area select[name=area]", "Bản Phìn");
    browser.click("#delete-area button[type=submit]");
    assert!(
        browser.text("p.error").contains("2 địa bàn con"),
        "{}",
        browser.text("p.error")
    );
    browser.choose("#delete-area select[name=area]", "Thôn Tả Phìn");
    browser.click("#delete-area button[type=submit]");
    assert!(browser.text("#confirm-delete").contains("Thôn Tả Phìn"));
    shot("04c-area-delete-confirm");
    browser.click("#confirm-delete button[type=submit]");
    assert!(browser.text("p.notice").contains("Thôn Tả Phìn"));
    assert!(!browser.text("#area-tree").contains("Thôn Tả Phìn"));

    // Accounts: the commune officer, her branch head, and a name that is markup.
    let officer_once = create_account(
        browser,
        "canbo.banphin",
        "Vàng Thị Mai",
        "Cán bộ",
        "Bản Phìn",
    );
    create_account(
        browser,
        "chihoi.laochai",
        "Thào Thị Dợ",
        "Chi hội trưởng",
        "Thôn Lao Chải",
    );
    create_account(
        browser,
        "chihoi.sinchai",
        "Lý Thị Sử",
        "Chi hội trưởng",
        "Thôn Sín Chải",
    );
    create_account(
        browser,
        "canbo.ytu",
        "<script>window.pwned=1</script><b>Y Tý</b>",
        "Cán bộ",
        "Y Tý",
    );
    let accounts = browser.text("#accounts");
    assert!(
        accounts.contains("<script>window.pwned=1</script>"),
        "shown as text: {accounts}"
    );
    assert_eq!(browser.script("return window.pwned === undefined"), true);
    assert!(
        browser.all("#accounts b").is_empty(),
        "markup in a name is never markup"
    );
    shot("05-accounts");

    // A broken form is refused with the row that is wrong; the real form is published.
    browser.click("a[href='/forms']");
    browser.attach("#upload-form input[type=file]", &broken_form(dir.path()));
    browser.click("#upload-form button[type=submit]");
    let problems = browser.text("#problems");
    assert!(problems.contains("no_such_list"), "{problems}");
    assert!(
        problems
            .lines()
            .any(|l| l.contains("survey") && l.contains(" 3 ")),
        "the row is named: {problems}"
    );
    shot("06-form-problems");
    let form = household_form();
    let xlsx = dir.path().join("household.xlsx");
    std::fs::write(&xlsx, &form.upload).unwrap();
    browser.attach("#upload-form input[type=file]", &xlsx);
    browser.click("#upload-form button[type=submit]");
    // Read before publishing: questions by page, choices, every language.
    let row = format!("#forms tr[data-form='{}']", form.form_id);
    browser.click(&format!("{row} a.preview"));
    let preview = browser.text("#preview");
    for label in &form.multi_labels {
        assert!(preview.contains(label.as_str()), "{label}: {preview}");
    }
    assert!(preview.contains("select_multiple loan_source"));
    assert!(
        browser.all("#preview thead th").len() >= 5,
        "a column per language"
    );
    assert!(!browser.overflows(), "the preview fits the laptop's width");
    shot("07a-form-preview");
    browser.click("a[href='/forms']");
    // Published to Bản Phìn only.
    browser.choose(
        &format!("{row} form.publish select[name=area]"),
        "Lào Cai › Bản Phìn",
    );
    browser.click(&format!("{row} form.publish button[type=submit]"));
    let published = browser.text(&row);
    assert!(
        published.contains("Đã phát hành") && published.contains("Lào Cai › Bản Phìn"),
        "{published}"
    );
    shot("07-form-published");
    // Sử's phone, in Y Tý, is enrolled by the administrator.
    let runtime = tokio::runtime::Runtime::new().unwrap();
    browser.click("a[href='/phones']");
    browser.choose("#issue-code select[name=account]", "Lý Thị Sử");
    browser.click("#issue-code button[type=submit]");
    let (status, body) = runtime.block_on(server.api.enroll(&browser.text("#code")));
    assert_eq!(status, StatusCode::OK, "{body}");
    let other_commune = body["token"].as_str().unwrap().to_owned();
    sign_out(browser);

    // The officer signs in, changes her password and sees only her commune.
    sign_in(browser, &base, "canbo.banphin", &officer_once);
    change_password(browser, &officer_once, FIRST_OFFICER_PASSWORD);
    browser.click("a[href='/areas']");
    let tree = browser.text("#area-tree");
    assert!(tree.contains("Thôn Lao Chải"), "{tree}");
    assert!(
        !tree.contains("Y Tý"),
        "another commune is not hers: {tree}"
    );
    browser.click("a[href='/accounts']");
    assert!(!browser.text("#accounts").contains("canbo.ytu"));

    // Her branch's roster from a CSV with two bad rows: each is listed, nothing saved.
    let csv = dir.path().join("hoi-vien.csv");
    std::fs::write(
        &csv,
        "Họ tên,Giới tính,Năm sinh,Dân tộc,Thôn\n\
         Thào Thị Dợ,Nữ,1990,Mông,Lao Chải\n\
         Vàng Thị Sua,alien,1985,Mông,Lao Chải\n\
         Giàng Thị Mỷ,nữ,mười chín,Dao,Lao Chải\n",
    )
    .unwrap();
    browser.click("a[href='/rosters']");
    browser.attach("#import-roster input[type=file]", &csv);
    browser.click("#import-roster button[type=submit]");
    let problems = browser.text("#import-problems");
    assert_eq!(
        browser.all("#import-problems tbody tr").len(),
        2,
        "{problems}"
    );
    assert!(
        problems.contains("alien") && problems.contains("mười chín"),
        "{problems}"
    );
    assert!(browser.all("#members").is_empty(), "nothing saved");
    shot("07b-roster-bad-rows");

    // She enrolls Dợ's phone: the phone reads the QR code on the printed sheet.
    browser.click("a[href='/phones']");
    browser.choose("#issue-code select[name=account]", "Thào Thị Dợ");
    browser.click("#issue-code button[type=submit]");
    let code = browser.text("#code");
    let qr_png = browser.element_png("#qr");
    shot("08-enrollment-sheet");
    let picture = image::load_from_memory(&qr_png).unwrap().to_luma8();
    let mut prepared = rqrr::PreparedImage::prepare(picture);
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code on the sheet");
    let (_, payload) = grids[0].decode().unwrap();
    let qr: EnrollmentQr = serde_json::from_str(&payload).unwrap();
    assert_eq!(qr.code, code);
    assert_eq!(qr.server, base);
    let (status, body) = runtime.block_on(server.api.enroll(&qr.code));
    assert_eq!(status, StatusCode::OK, "{body}");
    browser.click("a[href='/phones']");
    let devices = browser.text("#devices");
    assert!(
        devices.contains("Thào Thị Dợ") && devices.contains("Thôn Lao Chải"),
        "{devices}"
    );
    shot("09-phones");

    // A branch head who forgot her password gets a new one-time password, shown once.
    browser.click("a[href='/accounts']");
    browser.click("#accounts tr[data-username='chihoi.laochai'] button[name=reset]");
    assert!(browser.text("#one-time-password").len() >= 10);
    browser.click("a[href='/accounts']");
    assert!(browser.all("#one-time-password").is_empty(), "shown once");
    shot("10-password-reset");

    // The form reaches Dợ's phone in Bản Phìn, not Sử's in Y Tý.
    let phone = body["token"].as_str().unwrap().to_owned();
    let manifest = |token: &str| runtime.block_on(server.api.get("/api/v1/manifest", token));
    let forms_of = |token: &str| {
        let (status, body) = manifest(token);
        assert_eq!(status, StatusCode::OK, "{body}");
        body["forms"].as_array().unwrap().len()
    };
    assert_eq!((forms_of(&phone), forms_of(&other_commune)), (1, 0));

    // Dợ's phone is lost: her officer disables her account, and the phone is refused.
    browser.click("#accounts tr[data-username='chihoi.laochai'] button[name=disable]");
    let row = browser.text("#accounts tr[data-username='chihoi.laochai']");
    assert!(row.contains("Đã khóa"), "{row}");
    assert_eq!(manifest(&phone).0, StatusCode::UNAUTHORIZED);
    shot("11-account-disabled");

    // Every page reads without sideways scrolling on the office laptop and on a phone.
    for (width, height) in [(1366, 768), (390, 844)] {
        browser.resize(width, height);
        for page in ["/", "/areas", "/accounts", "/phones", "/forms"] {
            browser.go(&format!("{base}{page}"));
            browser.find("main h1");
            assert!(!browser.overflows(), "{page} is wider than {width} px");
        }
    }
    shot("12-forms-on-a-phone");
    browser.resize(1366, 768);
    sign_out(browser);
}

/// A commune officer's month-end report: the indicators dashboard with its charts, its
/// print view, a gathering and a household, read without sideways scrolling on the
/// office laptop and on a phone (and the print view on an A4 page's width).
fn month_end(browser: &Chromium, backend: Backend, name: &str) {
    let shot = |step: &str| browser.shot(&format!("{name}/{step}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(server) = runtime.block_on(TestServer::start(backend, |_| {})) else {
        return;
    };
    let work = runtime.block_on(officework(&server));
    let base = server.base.clone();
    browser.resize(1366, 768);
    sign_in(browser, &base, OFFICER, OFFICER_PASSWORD);
    browser.find("main h1");
    browser.click("a[href='/dashboard']");
    browser.choose("#dashboard-filters select[name=period]", "Theo tháng");
    browser.fill("#dashboard-filters input[name=year]", "2026");
    browser.choose("#dashboard-filters select[name=month]", "03");
    browser.click("#dashboard-filters button[type=submit]");
    let total = browser.text("#table-attendees tfoot");
    assert!(total.contains("Tổng cộng"), "{total}");
    assert!(browser.text("#table-gatherings").contains(BRANCH));
    assert_eq!(
        browser.all("svg.chart").len(),
        3,
        "two bar charts and a line"
    );
    assert!(browser.text("#table-ethnicities").contains("Mông"));
    // Every text of every chart (legends, names, values) lies inside its drawing, as
    // the browser lays it out; a month's line has a point a day.
    let cut = browser.script(
        "return [...document.querySelectorAll('svg.chart')].flatMap(svg => {
            const width = svg.viewBox.baseVal.width;
            return [...svg.querySelectorAll('text')]
                .filter(t => { const b = t.getBBox(); return b.x < 0 || b.x + b.width > width; })
                .map(t => t.textContent);
        })",
    );
    assert_eq!(cut, serde_json::Value::Array(Vec::new()), "cut at an edge");
    assert!(browser.text("main").contains("Diễn biến theo ngày"));
    assert_eq!(browser.all("svg.chart circle").len(), 3 * 31);
    shot("20-dashboard");
    browser.script("document.querySelectorAll('svg.chart')[2].scrollIntoView(); return null");
    shot("20b-dashboard-line-by-day");
    let dashboard = browser.url();
    browser.click("#print-link");
    browser.find("body.print");
    assert!(
        browser.all("nav").is_empty(),
        "the print view has no navigation"
    );
    shot("21-dashboard-print");
    let print = browser.url();
    browser.resize(794, 1123);
    browser.go(&print);
    browser.find("body.print");
    assert!(
        !browser.overflows(),
        "the print view is wider than an A4 page"
    );
    let gathering = format!("{base}/gatherings/{}", work.gatherings[0].uuid);
    let household = format!("{base}/households/{}", work.households[2].uuid);
    for (width, height) in [(1366, 768), (390, 844)] {
        browser.resize(width, height);
        for page in [
            dashboard.clone(),
            print.clone(),
            format!("{base}/gatherings"),
            gathering.clone(),
            format!("{base}/households"),
            household.clone(),
        ] {
            browser.go(&page);
            browser.find("main h1");
            assert!(!browser.overflows(), "{page} is wider than {width} px");
        }
    }
    browser.go(&dashboard);
    browser.find("#table-gatherings");
    shot("22-dashboard-on-a-phone");
    browser.resize(1366, 768);
    browser.go(&gathering);
    assert_eq!(browser.all("#attendees tr.walk-in").len(), 2);
    shot("23-gathering");
    browser.go(&household);
    browser.find("#members");
    shot("24-household");
    sign_out(browser);
}

/// A branch head's survey on her phone (the core's store, as the app fills it): the
/// head of household's name, finalized and queued; or, with `correct`, her returned
/// survey corrected as a new revision.
fn survey_on_phone(store: &Store, head_name: &str, correct: Option<uuid::Uuid>) -> uuid::Uuid {
    let (uuid, mut session) = match correct {
        Some(uuid) => (uuid, store.edit_submission(uuid).unwrap()),
        None => {
            let (draft, session) = store
                .start_submission(
                    FORM_ID,
                    FORM_VERSION,
                    None,
                    &SessionOptions::new(chrono::Utc::now()),
                )
                .unwrap();
            (draft.uuid, session)
        }
    };
    session
        .set_answer(
            "head_name",
            Answer::Text {
                value: head_name.into(),
            },
        )
        .unwrap();
    store.save_draft(&session).unwrap();
    store
        .finalize(&session.finalize(chrono::Utc::now()).unwrap())
        .unwrap();
    uuid
}

/// An officer reviews a phone's surveys in the browser, and the phone (the core's real
/// sync client) gets each decision: she finds the surveys by their instance names,
/// rejects one with a comment on its page; the phone's next sync shows the rejection and
/// the comment; the corrected revision arrives and she approves it; then she approves
/// every survey still waiting, ticked at once in the table.
fn review_round(browser: &Chromium, backend: Backend, name: &str) {
    let shot = |step: &str| browser.shot(&format!("{name}/{step}"));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let Some(server) = runtime.block_on(TestServer::start(backend, |_| {})) else {
        return;
    };
    let work = runtime.block_on(officework(&server));
    let base = server.base.clone();
    let dir = tempfile::tempdir().unwrap();
    let phone = SyncClient::new(
        Store::open(&dir.path().join("phone.db"), None).unwrap(),
        Timeouts::default(),
        RetryPolicy::default(),
    )
    .reporting(AppRelease {
        version: "1.4.2".into(),
        build: "57".into(),
    });
    let (status, code) = runtime.block_on(server.enrollment_code(&work.admin, work.head));
    assert_eq!(status, StatusCode::OK, "{code}");
    phone
        .enroll_with_code(
            base.clone(),
            code["code"].as_str().unwrap().to_owned(),
            "máy của Mai".into(),
            CancelHandle::new(),
        )
        .unwrap();
    let sync = || -> SyncReport { phone.run(&Unobserved, &CancelHandle::default()).unwrap() };
    sync();
    let heads = ["Vàng Thị Mỷ", "Sùng Thị Sua", "Giàng Thị Pà"];
    let sent: Vec<uuid::Uuid> = heads
        .iter()
        .map(|h| survey_on_phone(phone.store(), h, None))
        .collect();
    sync();

    // The officer finds them in the table by the names the server gave them.
    browser.resize(1366, 768);
    sign_in(browser, &base, OFFICER, OFFICER_PASSWORD);
    browser.find("main h1");
    // Her phone list tells when Mai's phone last synced, its app and that nothing waits.
    browser.click("a[href='/phones']");
    let phones = browser.text("#devices");
    let line = phones
        .lines()
        .find(|l| l.contains("máy của Mai"))
        .unwrap_or_else(|| panic!("{phones}"));
    let today = (chrono::Utc::now() + chrono::Duration::hours(7))
        .format("%d/%m/%Y")
        .to_string();
    assert!(line.contains(&today), "{line}");
    let cells: Vec<&str> = line.split_whitespace().collect();
    // The app's build as its package names it, then the core inside it.
    let at = cells.iter().position(|c| *c == "1.4.2+57");
    let core = format!("{})", branchbook_core::protocol::CORE_VERSION);
    assert_eq!(
        at.map(|i| &cells[i + 1..i + 4]),
        Some(&["(lõi", core.as_str(), "0"][..]),
        "its build, its core, 0 waiting: {line}"
    );
    shot("29-phones-synced");
    browser.click("a[href='/submissions']");
    let table = browser.text("#submissions");
    for head in heads {
        assert!(table.contains(&format!("Hộ {head}")), "{table}");
    }
    assert!(table.contains("máy của Mai"), "{table}");
    browser.script("document.querySelector('#submissions tbody tr:last-child').scrollIntoView()");
    shot("30-submissions-named");

    // She opens the first and rejects it with a comment.
    let comment = "Tên chủ hộ chưa đủ: ghi cả tên đệm";
    browser.click(&format!("#submissions a[href='/records/{}']", sent[0]));
    assert!(browser.text("main h1").contains("Hộ Vàng Thị Mỷ"));
    browser.choose("#review select[name=state]", "Không nhận");
    browser.fill("#review textarea[name=comment]", comment);
    browser.click("#review button[type=submit]");
    browser.find("p.notice");
    assert!(browser.text("#reviews").contains(comment));
    shot("31-record-rejected");

    // The phone's next sync shows the rejection and the comment.
    assert_eq!(sync().reviews_received, 1);
    let returned = phone
        .store()
        .returned_submissions(Window::first(10))
        .unwrap();
    assert_eq!(returned.len(), 1);
    assert_eq!(
        (
            returned[0].submission.uuid,
            returned[0].state,
            returned[0].comment.as_str()
        ),
        (sent[0], ReviewState::Rejected, comment)
    );
    // She corrects it: revision 2 arrives, waiting for a new review, and is approved.
    survey_on_phone(phone.store(), "Vàng Thị Mỷ Dung", Some(sent[0]));
    sync();
    browser.go(&format!("{base}/records/{}", sent[0]));
    assert!(browser.text("main h1").contains("Hộ Vàng Thị Mỷ Dung"));
    assert_eq!(browser.all("#revisions li").len(), 2);
    assert!(browser.text("main dl.facts").contains("Chưa duyệt"));
    browser.choose("#review select[name=state]", "Đã duyệt");
    browser.click("#review button[type=submit]");
    browser.find("p.notice");
    shot("32-correction-approved");
    assert_eq!(sync().reviews_received, 1);
    assert!(
        phone
            .store()
            .returned_submissions(Window::first(10))
            .unwrap()
            .is_empty()
    );

    // Every survey still waiting, approved at once from the table.
    browser.go(&format!("{base}/submissions?state=received"));
    browser.click("#select-all");
    let waiting = browser.all("#submissions input[name=record]:checked").len();
    assert_eq!(waiting, work.submissions.len() + 2);
    shot("33-all-selected");
    browser.choose("#bulk-review select[name=state]", "Đã duyệt");
    browser.fill(
        "#bulk-review textarea[name=comment]",
        "Đủ thông tin, cảm ơn chị",
    );
    browser.click("#bulk-review button[type=submit]");
    let notice = browser.text("p.notice");
    assert!(notice.contains(&format!("cho {waiting} phiếu")), "{notice}");
    assert!(
        browser.all("#submissions").is_empty(),
        "nothing waits any more"
    );
    shot("34-bulk-approved");
    assert_eq!(
        sync().reviews_received,
        2,
        "each decision reaches the phone"
    );
    for uuid in &sent {
        let (_, detail) =
            runtime.block_on(server.get(&format!("/api/v1/office/records/{uuid}"), &work.officer));
        assert_eq!(detail["record"]["review_state"], "approved");
    }

    // One decision on every record matching the filters, on every page: the page counts
    // them and asks to confirm first.
    browser.go(&format!(
        "{base}/submissions?state=approved&from=10%2F03%2F2026&to=20%2F03%2F2026"
    ));
    assert_eq!(browser.all("#submissions input[name=record]").len(), 2);
    browser.choose("#bulk-review select[name=state]", "Cần sửa");
    browser.fill("#bulk-review textarea[name=comment]", "Xem lại ngày thăm");
    browser.click("#review-filtered");
    let asked = browser.text("#confirm-text");
    assert!(asked.contains("cho 2 phiếu khớp bộ lọc"), "{asked}");
    shot("35-confirm-filtered");
    browser.click("#confirm");
    let notice = browser.text("p.notice");
    assert!(notice.contains("cho 2 phiếu"), "{notice}");
    assert!(browser.all("#submissions").is_empty(), "none approved left");
    shot("36-filtered-reviewed");
    let (_, list) =
        runtime.block_on(server.get("/api/v1/office/submissions?state=has_issues", &work.officer));
    assert_eq!(list["items"].as_array().unwrap().len(), 2);
    sign_out(browser);
}

/// One browser for both stores (a browser start is the slow part).
#[test]
fn an_administrators_first_day_in_the_browser() {
    let Some(browser) = Chromium::start("console") else {
        return;
    };
    first_day(&browser, "sqlite", None);
    month_end(&browser, Backend::Sqlite, "sqlite");
    review_round(&browser, Backend::Sqlite, "sqlite");
    if let Some(url) = common::fresh_pg_url_blocking() {
        first_day(&browser, "postgres", Some(url));
        month_end(&browser, Backend::Postgres, "postgres");
        review_round(&browser, Backend::Postgres, "postgres");
    }
}
