//! Guessing without a login, on both stores: a flood of wrong logins stays within a
//! bounded password pool (a real server process, its peak memory read from
//! `/proc/PID/status`), failed logins are throttled per address and per account (never
//! locking the administrator out for good), wrong enrollment codes all answer alike and
//! are throttled, and chosen passwords follow NIST 800-63B's rules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::console::Browser;
use common::program::Program;
use common::{Backend, TestServer, error_of};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Peak resident memory allowed while 200 wrong logins arrive at once.
const FLOOD_PEAK_MAX_KB: u64 = 300 * 1024;

/// 200 parallel wrong logins (half for `admin`, half for names that do not exist), with
/// throttling out of the way so that every one reaches the password pool.
async fn a_flood_of_wrong_logins_stays_small(backend: Backend) {
    let Some((_data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    program
        .env
        .push(("BRANCHBOOK_FREE_FAILURES".into(), "1000000".into()));
    // The 200 come from one address: its connection share out of the way too.
    program.env.push((
        "BRANCHBOOK_MAX_CONNECTIONS_PER_ADDRESS".into(),
        "1000".into(),
    ));
    let running = program.start();
    let password = running.one_time_password().unwrap();
    let before = running.memory_kb("VmHWM");
    let flood = (0..200).map(|i| {
        let api = &running.api;
        async move {
            let name = if i % 2 == 0 {
                "admin".to_owned()
            } else {
                format!("nobody{i}")
            };
            api.login(&name, "wrong-password-guess").await
        }
    });
    let answers = futures_util::future::join_all(flood).await;
    let peak = running.memory_kb("VmHWM");
    let refused = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::UNAUTHORIZED)
        .count();
    let busy = answers
        .iter()
        .filter(|(s, _)| *s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    println!(
        "{backend:?}: 200 parallel wrong logins: peak RSS {} MB (before {} MB), {refused} refused, {busy} answered busy",
        peak / 1024,
        before / 1024
    );
    assert_eq!(refused + busy, 200, "{answers:?}");
    assert!(refused > 0, "the pool checks passwords");
    for (status, body) in &answers {
        if *status == StatusCode::SERVICE_UNAVAILABLE {
            assert_eq!(error_of(body).error, "busy");
        }
    }
    assert!(
        peak < FLOOD_PEAK_MAX_KB,
        "peak RSS {} MB during the flood",
        peak / 1024
    );
    let (status, body) = running.api.login("admin", &password).await;
    assert_eq!(status, StatusCode::OK, "the server still serves: {body}");
}

#[tokio::test]
async fn on_sqlite_a_flood_of_wrong_logins_stays_small() {
    a_flood_of_wrong_logins_stays_small(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_a_flood_of_wrong_logins_stays_small() {
    a_flood_of_wrong_logins_stays_small(Backend::Postgres).await;
}

/// A locked account is reported in the log, without the login name tried.
async fn a_lock_is_logged_without_names(backend: Backend) {
    let Some((_data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    program
        .env
        .push(("BRANCHBOOK_FREE_FAILURES".into(), "2".into()));
    let running = program.start();
    for _ in 0..3 {
        let (status, _) = running.api.login("zz-guessed-name", "guess-1234567").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _) = running.api.login("zz-guessed-name", "guess-1234567").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let log = running.terminate();
    assert!(
        log.contains("repeated failed sign-in attempts"),
        "the administrator is told: {log}"
    );
    assert!(!log.contains("zz-guessed-name") && !log.contains("guess-1234567"));
}

#[tokio::test]
async fn on_sqlite_a_lock_is_logged_without_names() {
    a_lock_is_logged_without_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_a_lock_is_logged_without_names() {
    a_lock_is_logged_without_names(Backend::Postgres).await;
}

/// Failures allowed before the delays start, in the tests below.
const FREE: usize = 3;

/// The test servers count clients by `X-Forwarded-For` (as behind a local proxy), so
/// one test can speak from many addresses.
fn from_many_addresses(config: &mut branchbook_server::config::Config) {
    config.behind_proxy = true;
    config.free_failures = FREE as u32;
}

async fn login_from(
    server: &TestServer,
    from: &str,
    username: &str,
    password: &str,
) -> (StatusCode, Option<String>, Value) {
    let response = server
        .client
        .post(server.url("/api/v1/office/login"))
        .header("x-forwarded-for", format!("198.51.100.77, {from}"))
        .json(&json!({"username": username, "password": password}))
        .send()
        .await
        .unwrap();
    let status = response.status();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (status, retry, response.json().await.unwrap())
}

async fn logins_are_throttled_per_account_and_per_address(server: TestServer) {
    // The administrator signs in from her own machine (127.0.0.1, no proxy header).
    let _admin = server.admin().await;
    let password = "admin-chosen-password";

    // Unknown and real login names answer alike.
    let (s1, _, unknown) = login_from(&server, "203.0.113.1", "nobody", "guess-one-two").await;
    let (s2, _, real) = login_from(&server, "203.0.113.2", "admin", "guess-one-two").await;
    assert_eq!((s1, &unknown), (s2, &real));

    // Guesses for `admin` from many addresses: the free ones, then a lock.
    for i in 2..=FREE + 1 {
        let (status, _, _) =
            login_from(&server, &format!("203.0.113.{}", 10 + i), "admin", "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "guess {i}");
    }
    let (status, retry, body) = login_from(&server, "203.0.113.99", "admin", password).await;
    assert_eq!(
        status,
        StatusCode::TOO_MANY_REQUESTS,
        "even the right password waits on a new address: {body}"
    );
    assert_eq!(error_of(&body).error, "throttled");
    assert!(retry.unwrap().parse::<u64>().unwrap() >= 1);
    // Her own machine is not locked out, nor is another account.
    let (status, body) = server.login("admin", password).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let (status, _, _) = login_from(&server, "203.0.113.99", "lan", "guess").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "other accounts are unaffected"
    );

    // One address guessing many names is locked for every name.
    for i in 0..=FREE {
        let (status, _, _) = login_from(&server, "192.0.2.5", &format!("name{i}"), "guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (status, _, _) = login_from(&server, "192.0.2.5", "another", "guess").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    let (status, _, _) = login_from(&server, "192.0.2.6", "another", "guess").await;
    assert_eq!(
        status,
        StatusCode::UNAUTHORIZED,
        "a neighbouring address is not"
    );

    // The first lock is short: once it has passed, the right password gets in.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let (status, _, body) = login_from(&server, "203.0.113.99", "admin", password).await;
    assert_eq!(status, StatusCode::OK, "no lock is permanent: {body}");
}

async fn enroll_from(server: &TestServer, from: &str, code: &str) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/api/v1/enroll"))
        .header("x-forwarded-for", from)
        .json(&json!({"code": code, "device_label": "phone"}))
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

async fn wrong_enrollment_codes_answer_alike_and_are_throttled(server: TestServer) {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Xèo")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Bản Xèo")
        .await;
    let (head, _) = server
        .create_account(&admin, "head", "branch_head", Some(branch))
        .await;
    let (_, created) = server.enrollment_code(&admin, head).await;
    let used = created["code"].as_str().unwrap().to_owned();
    assert_eq!(used.len(), 14, "XXXX-XXXX-XXXX: {used}");
    assert_eq!(
        enroll_from(&server, "10.1.0.1", &used).await.0,
        StatusCode::OK
    );
    let expired = "KMNP-QRTU-VWXY";
    let hash =
        branchbook_server::secret::secret_hash(&branchbook_server::secret::normalize_code(expired));
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

    let answers = [
        enroll_from(&server, "10.1.0.2", &used).await,
        enroll_from(&server, "10.1.0.3", expired).await,
        enroll_from(&server, "10.1.0.4", "ACDE-FGHJ-KMNP").await,
    ];
    assert_eq!(answers[0].0, StatusCode::UNAUTHORIZED);
    assert_eq!(answers[0], answers[1], "used and expired answer alike");
    assert_eq!(answers[0], answers[2], "used and unknown answer alike");

    // Guessing from one address: the free failures, then a lock, even for a right code.
    for i in 0..=FREE {
        let (status, _) = enroll_from(&server, "10.9.9.9", &format!("ACDE-FGHJ-KM{i:02}")).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let (_, fresh) = server.enrollment_code(&admin, head).await;
    let fresh = fresh["code"].as_str().unwrap().to_owned();
    let (status, body) = enroll_from(&server, "10.9.9.9", &fresh).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(
        enroll_from(&server, "10.9.9.10", &fresh).await.0,
        StatusCode::OK,
        "another address enrolls"
    );
}

async fn chosen_passwords_follow_the_rules(server: TestServer) {
    let admin = server.admin().await;
    let (_, one_time) = server
        .create_account(&admin, "lan.nguyen", "admin", None)
        .await;
    let (_, session) = server.login("lan.nguyen", &one_time).await;
    let token = session["token"].as_str().unwrap().to_owned();
    let mut details = Vec::new();
    for weak in [
        "short",
        "aaaaaaaaaa",
        "          ",
        "0123456789",
        "qwertyuiop",
        "Password2024!",
        "lan.nguyen",
        &one_time,
    ] {
        let (status, body) = server
            .post(
                "/api/v1/office/password",
                Some(&token),
                &json!({"current": one_time, "new": weak}),
            )
            .await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{weak:?}: {body}");
        assert_eq!(error_of(&body).error, "weak_password", "{weak:?}");
        details.push(error_of(&body).detail);
    }
    details.dedup();
    assert_eq!(
        details.len(),
        6,
        "each rule says what is wrong: {details:?}"
    );
    let (status, body) = server
        .post(
            "/api/v1/office/password",
            Some(&token),
            &json!({"current": one_time, "new": "con mèo đen ngủ trưa"}),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");

    // The console says it in Vietnamese.
    let (_, one_time) = server
        .create_account(&admin, "mai.tran", "admin", None)
        .await;
    let mut browser = Browser::new(&server.base);
    browser
        .log_in("mai.tran", &one_time)
        .await
        .assert_redirect("/password");
    let csrf = browser.get("/password").await.csrf();
    for (weak, message) in [
        ("0123456789", "Mật khẩu là một dãy liên tiếp"),
        ("aaaaaaaaaa", "Mật khẩu lặp lại vài ký tự giống nhau"),
        (
            one_time.as_str(),
            "Mật khẩu mới phải khác mật khẩu hiện tại",
        ),
    ] {
        let page = browser
            .post(
                "/password",
                &[
                    ("csrf", &csrf),
                    ("current", &one_time),
                    ("new", weak),
                    ("repeat", weak),
                ],
            )
            .await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.body.contains(message), "{weak}: {}", page.body);
    }
}

on_both_stores!(
    tune = crate::from_many_addresses;
    logins_are_throttled_per_account_and_per_address,
    wrong_enrollment_codes_answer_alike_and_are_throttled,
    chosen_passwords_follow_the_rules,
);
