//! The officer console over HTTP, on both stores: the login page, the session cookie
//! and its flags, the forced first password change, CSRF and Origin checks on posts,
//! logout and expiry, the language switch, page sizes; the JSON API keeps its bearer
//! tokens beside it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::TestServer;
use common::console::Browser;
use reqwest::StatusCode;

/// A console page stays small for a commune office's weak connection.
const PAGE_MAX_BYTES: usize = 100 * 1024;

async fn first_start_goes_through_the_password_page(server: TestServer) {
    let mut browser = Browser::new(&server.base);
    browser.get("/").await.assert_redirect("/login");
    let login = browser.get("/login").await;
    assert_eq!(login.status, StatusCode::OK);
    assert!(
        login.body.contains("<html lang=\"vi\">"),
        "Vietnamese by default"
    );
    assert!(login.body.contains("Đăng nhập"));
    assert!(
        login.body.len() < PAGE_MAX_BYTES,
        "{} bytes",
        login.body.len()
    );

    let refused = browser.log_in("admin", "not-the-password").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert!(refused.body.contains("Sai tên đăng nhập hoặc mật khẩu."));
    assert!(!browser.cookies.contains_key("bb_session"));

    let signed = browser.log_in("admin", &server.admin_password).await;
    signed.assert_redirect("/password");
    let cookie = signed
        .set_cookies
        .iter()
        .find(|c| c.starts_with("bb_session="))
        .unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    assert!(!cookie.contains("Secure"), "plain http: {cookie}");

    // Every page but the password page waits for the new password.
    browser.get("/").await.assert_redirect("/password");
    let page = browser.get("/password").await;
    assert!(page.body.contains("mật khẩu một lần"), "{}", page.body);
    let csrf = page.csrf();

    let mismatch = browser
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current", &server.admin_password),
                ("new", "a-long-new-password"),
                ("repeat", "another-new-password"),
            ],
        )
        .await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(mismatch.body.contains("Hai mật khẩu mới không giống nhau."));
    let short = browser
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current", &server.admin_password),
                ("new", "short"),
                ("repeat", "short"),
            ],
        )
        .await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    let wrong = browser
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current", "not-it"),
                ("new", "a-long-new-password"),
                ("repeat", "a-long-new-password"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(wrong.body.contains("Mật khẩu hiện tại không đúng."));

    browser
        .post(
            "/password",
            &[
                ("csrf", &csrf),
                ("current", &server.admin_password),
                ("new", "a-long-new-password"),
                ("repeat", "a-long-new-password"),
            ],
        )
        .await
        .assert_redirect("/?changed=1");
    let home = browser.get("/?changed=1").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("Đã đổi mật khẩu."));
    assert!(home.body.contains("Chị quản trị toàn bộ máy chủ."));
    assert!(home.body.len() < PAGE_MAX_BYTES);

    // The one-time password is spent; the new one works, in the console and the API.
    let again = Browser::new(&server.base)
        .log_in("admin", &server.admin_password)
        .await;
    assert_eq!(again.status, StatusCode::UNAUTHORIZED);
    let (status, body) = server.login("admin", "a-long-new-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap();
    let (status, _) = server.get("/api/v1/office/areas", token).await;
    assert_eq!(status, StatusCode::OK);
    // The cookie is not a bearer token's substitute for the API (no header, no access).
    let (status, _) = server
        .call(reqwest::Method::GET, "/api/v1/office/areas", None, None)
        .await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

async fn posts_need_the_sessions_csrf_token_and_this_origin(server: TestServer) {
    let mut browser = Browser::new(&server.base);
    browser
        .log_in_fresh("admin", &server.admin_password, "admin-new-password")
        .await;
    let csrf = browser.csrf().await;
    let mut other = Browser::new(&server.base);
    other
        .log_in("admin", "admin-new-password")
        .await
        .assert_redirect("/");
    let other_csrf = other.csrf().await;
    assert_ne!(csrf, other_csrf, "each session has its own token");

    for token in ["", "0000", other_csrf.as_str()] {
        let page = browser.post("/logout", &[("csrf", token)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "token {token:?}");
        assert!(page.body.contains("Biểu mẫu đã cũ"), "{}", page.body);
    }
    // Still signed in after the refused posts.
    assert_eq!(browser.get("/").await.status, StatusCode::OK);

    // A post from another site is refused even with the right token.
    let response = reqwest::Client::new()
        .post(format!("{}/logout", server.base))
        .header(
            "cookie",
            format!("bb_session={}", browser.cookies["bb_session"]),
        )
        .header("origin", "http://evil.example")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("csrf={csrf}"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(browser.get("/").await.status, StatusCode::OK);

    // Logout ends the session on the server: the old cookie no longer works.
    let old_cookie = browser.cookies["bb_session"].clone();
    let out = browser.post("/logout", &[("csrf", &csrf)]).await;
    out.assert_redirect("/login?bye=1");
    assert!(
        !browser.cookies.contains_key("bb_session"),
        "cookie cleared"
    );
    let mut replay = Browser::new(&server.base);
    replay.cookies.insert("bb_session".into(), old_cookie);
    replay.get("/").await.assert_redirect("/login?expired=1");
    // The other session lives on.
    assert_eq!(other.get("/").await.status, StatusCode::OK);
}

async fn branch_heads_are_sent_to_the_phone_app(server: TestServer) {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lào Cai")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Bản Lầu")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội Na Lốc")
        .await;
    let (_, password) = server
        .create_account(&admin, "head1", "branch_head", Some(branch))
        .await;
    let mut browser = Browser::new(&server.base);
    let page = browser.log_in("head1", &password).await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.body
            .contains("Chi hội trưởng dùng ứng dụng trên điện thoại.")
    );
    assert!(!browser.cookies.contains_key("bb_session"));
}

async fn the_language_switch_keeps_english_and_returns_to_the_page(server: TestServer) {
    let mut browser = Browser::new(&server.base);
    let switched = browser.get("/lang/en?back=/login").await;
    switched.assert_redirect("/login");
    assert!(switched.set_cookies[0].starts_with("bb_lang=en;"));
    let page = browser.get("/login").await;
    assert!(page.body.contains("<html lang=\"en\">"));
    assert!(page.body.contains("Login name"));
    assert!(page.body.contains("Tiếng Việt"), "the switch back");
    // Only paths of this site are followed back.
    for foreign in ["//evil.example/", "http://evil.example/", "/\\evil.example"] {
        let path = format!("/lang/vi?back={}", foreign.replace('/', "%2F"));
        browser.get(&path).await.assert_redirect("/");
    }
}

async fn pages_carry_a_strict_content_policy(server: TestServer) {
    let response = reqwest::get(format!("{}/login", server.base))
        .await
        .unwrap();
    let csp = response.headers()["content-security-policy"]
        .to_str()
        .unwrap();
    assert!(csp.contains("default-src 'none'") && csp.contains("frame-ancestors 'none'"));
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    let css = reqwest::get(format!("{}/assets/console.css", server.base))
        .await
        .unwrap();
    assert_eq!(css.status(), StatusCode::OK);
    assert!(
        css.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/css")
    );
    // The API's unknown paths still answer JSON.
    let missing = reqwest::get(format!("{}/api/v1/nothing", server.base))
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(missing.text().await.unwrap().contains("not_found"));
}

on_both_stores!(
    first_start_goes_through_the_password_page,
    posts_need_the_sessions_csrf_token_and_this_origin,
    branch_heads_are_sent_to_the_phone_app,
    the_language_switch_keeps_english_and_returns_to_the_page,
    pages_carry_a_strict_content_policy,
);

/// A session past its end sends the officer back to the login page, saying why.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_expired_session_leads_back_to_the_login() {
    let server = TestServer::start(common::Backend::Sqlite, |c| c.session_hours = 0)
        .await
        .unwrap();
    let mut browser = Browser::new(&server.base);
    let signed = browser.log_in("admin", &server.admin_password).await;
    signed.assert_redirect("/password");
    // The browser drops a cookie whose Max-Age has passed; one that kept it anyway (a
    // clock behind, a copied cookie) finds the session ended on the server too.
    let token = signed.set_cookies[0]
        .strip_prefix("bb_session=")
        .and_then(|rest| rest.split(';').next())
        .unwrap();
    browser
        .cookies
        .insert("bb_session".into(), token.to_owned());
    browser
        .get("/password")
        .await
        .assert_redirect("/login?expired=1");
    let page = browser.get("/login?expired=1").await;
    assert!(page.body.contains("Phiên làm việc đã hết hạn."));
}

/// Behind https the session cookie is Secure.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_https_the_cookie_is_secure() {
    let server = TestServer::start(common::Backend::Sqlite, |c| {
        c.public_url = Some("https://hoi.example.vn".into())
    })
    .await
    .unwrap();
    let page = Browser::new(&server.base)
        .log_in("admin", &server.admin_password)
        .await;
    let cookie = page
        .set_cookies
        .iter()
        .find(|c| c.starts_with("bb_session="))
        .unwrap();
    assert!(cookie.ends_with("; Secure"), "{cookie}");
}

/// `X-Forwarded-Proto: https` marks the cookie Secure only when a proxy is declared
/// (`--behind-proxy`): a client talking to the server directly cannot claim it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forwarded_https_counts_only_behind_a_proxy() {
    for behind_proxy in [false, true] {
        let server = TestServer::start(common::Backend::Sqlite, |c| c.behind_proxy = behind_proxy)
            .await
            .unwrap();
        let mut headers = reqwest::header::HeaderMap::new();
        headers.insert("x-forwarded-proto", "https".parse().unwrap());
        headers.insert("x-forwarded-for", "203.0.113.7".parse().unwrap());
        let page = Browser::with_headers(&server.base, headers)
            .log_in("admin", &server.admin_password)
            .await;
        let cookie = page
            .set_cookies
            .iter()
            .find(|c| c.starts_with("bb_session="))
            .unwrap();
        assert_eq!(cookie.ends_with("; Secure"), behind_proxy, "{cookie}");
    }
}
