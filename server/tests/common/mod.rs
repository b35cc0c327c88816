//! Test harness: a real server on 127.0.0.1 over SQLite (in a temporary folder) or
//! PostgreSQL (a fresh database per test in the cluster that `tests/run.sh` starts), and
//! a real HTTP client with helpers for the officials' API and the sync protocol.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

pub mod cluster;
pub mod console;
pub mod fixtures;
pub mod program;
pub mod story;

use std::io::Write;

use branchbook_core::protocol::{
    EnrollRequest, EnrollResponse, ErrorBody, PhotoStatus, PushRequest, PushResponse, Record,
};
use branchbook_server::config::Config;
use branchbook_server::server::{bind, ensure_admin};
use branchbook_server::store::{Gateway, Store};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// Which store a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Environment variable with the URL of the test PostgreSQL cluster.
pub const PG_URL_VAR: &str = "BRANCHBOOK_TEST_PG_URL";
/// When set to 1 (tests/run.sh does), a missing PostgreSQL fails the tests instead of skipping them.
pub const PG_REQUIRED_VAR: &str = "BRANCHBOOK_REQUIRE_PG";

/// Generates one `#[tokio::test]` per store for each named async fn taking a `TestServer`.
#[macro_export]
macro_rules! on_both_stores {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Sqlite, |_| {}).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Postgres, |_| {}).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}

/// An HTTP client for one server (started in-process or as a program), with helpers for
/// the officials' API and the sync protocol.
pub struct Api {
    pub base: String,
    pub client: reqwest::Client,
}

/// A running server and a client for it.
pub struct TestServer {
    pub api: Api,
    pub admin_password: String,
    pub backend: Backend,
    pub store: Gateway,
    pub dir: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Creates a fresh database in the test cluster and returns its connection config, or
/// `None` (after saying so) when no cluster is configured and none is required.
pub async fn fresh_pg_database() -> Option<postgres::Config> {
    tokio::task::spawn_blocking(fresh_pg_database_blocking)
        .await
        .unwrap()
}

/// [`fresh_pg_database`] for a thread outside the runtime.
pub fn fresh_pg_database_blocking() -> Option<postgres::Config> {
    fresh_pg_url_blocking().map(|url| url.parse().expect("test URL"))
}

/// Creates a fresh database in the test cluster and returns its URL (what
/// `--database-url` takes), or `None` as [`fresh_pg_database`] does.
pub fn fresh_pg_url_blocking() -> Option<String> {
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        if std::env::var(PG_REQUIRED_VAR).as_deref() == Ok("1") {
            panic!("{PG_URL_VAR} is not set but {PG_REQUIRED_VAR}=1: PostgreSQL tests must run");
        }
        eprintln!(
            "SKIPPED: PostgreSQL test ({PG_URL_VAR} not set; tests/run.sh starts a cluster and sets it)"
        );
        return None;
    };
    let name = format!("bb_{}", Uuid::new_v4().simple());
    let mut admin =
        postgres::Client::connect(&url, postgres::NoTls).expect("connect to the test cluster");
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .expect("create test database");
    let (cluster, _) = url
        .rsplit_once('/')
        .expect("the test URL ends in a database name");
    Some(format!("{cluster}/{name}"))
}

impl TestServer {
    /// Starts a server on `backend` with the default configuration adjusted by `tune`;
    /// `None` when PostgreSQL is not available (and not required).
    pub async fn start(backend: Backend, tune: impl FnOnce(&mut Config)) -> Option<TestServer> {
        let dir = tempfile::tempdir().unwrap();
        let mut config = Config::for_dir(dir.path().to_owned());
        tune(&mut config);
        let store = match backend {
            Backend::Sqlite => {
                let path = dir.path().to_owned();
                Gateway::open(move || Store::open_sqlite(&path)).await
            }
            Backend::Postgres => {
                let pg = fresh_pg_database().await?;
                Gateway::open(move || Store::open_postgres(pg, 16)).await
            }
        }
        .unwrap();
        let admin_password = store
            .call(|s| Ok(ensure_admin(s)))
            .await
            .unwrap()
            .unwrap()
            .expect("first start");
        let bound = bind(config, store.clone()).await.unwrap();
        let base = format!("http://{}", bound.addr);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(bound.serve(async move {
            let _ = rx.await;
        }));
        Some(TestServer {
            api: Api::new(base),
            admin_password,
            backend,
            store,
            dir,
            shutdown: Some(tx),
        })
    }

    /// The administrator's session token.
    pub async fn admin(&self) -> String {
        self.login_fresh("admin", &self.admin_password.clone())
            .await
    }

    /// A province > commune > branch with a branch head, the household form published,
    /// and her phone enrolled: returns the enrollment and the administrator's token.
    pub async fn one_device(&self) -> (EnrollResponse, String) {
        let admin = self.admin().await;
        (self.branch_with_device(&admin).await, admin)
    }
}

impl Api {
    /// A client for the server at `base` (`http://host:port`).
    pub fn new(base: String) -> Api {
        Api {
            base,
            client: reqwest::Client::new(),
        }
    }

    /// A province > commune > branch with a branch head, the household form published,
    /// and her phone enrolled, set up by the administrator `admin`: returns the enrollment.
    pub async fn branch_with_device(&self, admin: &str) -> EnrollResponse {
        let province = self.create_area(admin, None, "province", "Sơn La").await;
        let commune = self
            .create_area(admin, Some(province), "commune", "Xã Chiềng")
            .await;
        let branch = self
            .create_area(admin, Some(commune), "branch", "Chi hội Bản Mòng")
            .await;
        let (head, _) = self
            .create_account(admin, "head", "branch_head", Some(branch))
            .await;
        self.publish_form(admin, fixtures::household_form().upload)
            .await;
        self.enrolled_device(admin, head).await
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// Sends a request with an optional bearer token and JSON body; returns status and JSON.
    pub async fn call(
        &self,
        method: reqwest::Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> (StatusCode, Value) {
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        let value = serde_json::from_str(&text).unwrap_or(Value::String(text));
        (status, value)
    }

    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> (StatusCode, Value) {
        self.call(reqwest::Method::POST, path, token, Some(body))
            .await
    }

    /// Adds or replaces a member of a branch's roster (what the phones pull as changes).
    pub async fn put_member(
        &self,
        token: &str,
        branch: Uuid,
        member: &Value,
    ) -> (StatusCode, Value) {
        let path = format!("/api/v1/office/branches/{branch}/members");
        self.call(reqwest::Method::PUT, &path, Some(token), Some(member))
            .await
    }

    /// Logs in; returns the session token (the caller may still need a password change).
    pub async fn login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.post(
            "/api/v1/office/login",
            None,
            &json!({"username": username, "password": password}),
        )
        .await
    }

    /// Logs in with a one-time password and replaces it; returns a usable session token.
    pub async fn login_fresh(&self, username: &str, one_time: &str) -> String {
        let (status, body) = self.login(username, one_time).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let token = body["token"].as_str().unwrap().to_owned();
        let new_password = format!("{username}-chosen-password");
        let (status, body) = self
            .post(
                "/api/v1/office/password",
                Some(&token),
                &json!({"current": one_time, "new": new_password}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        token
    }

    pub async fn create_area(
        &self,
        admin: &str,
        parent: Option<Uuid>,
        level: &str,
        name: &str,
    ) -> Uuid {
        let (status, body) = self
            .post(
                "/api/v1/office/areas",
                Some(admin),
                &json!({"parent_id": parent, "level": level, "name": name}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        Uuid::parse_str(body["id"].as_str().unwrap()).unwrap()
    }

    /// Creates an account; returns its id and one-time password.
    pub async fn create_account(
        &self,
        token: &str,
        username: &str,
        role: &str,
        area: Option<Uuid>,
    ) -> (Uuid, String) {
        let (status, body) = self
            .post(
                "/api/v1/office/accounts",
                Some(token),
                &json!({"username": username, "display_name": username, "role": role, "area_id": area}),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
        (
            Uuid::parse_str(body["account"]["id"].as_str().unwrap()).unwrap(),
            body["one_time_password"].as_str().unwrap().to_owned(),
        )
    }

    /// Creates an enrollment code for a branch head.
    pub async fn enrollment_code(&self, token: &str, account: Uuid) -> (StatusCode, Value) {
        self.post(
            "/api/v1/office/enrollments",
            Some(token),
            &json!({"account_id": account}),
        )
        .await
    }

    /// Exchanges a code for a device token.
    pub async fn enroll(&self, code: &str) -> (StatusCode, Value) {
        let request = EnrollRequest {
            code: code.to_owned(),
            device_label: "test phone".into(),
        };
        self.post(
            "/api/v1/enroll",
            None,
            &serde_json::to_value(request).unwrap(),
        )
        .await
    }

    /// Enrolls a device for a branch head and returns its token.
    pub async fn enrolled_device(&self, token: &str, account: Uuid) -> EnrollResponse {
        let (status, body) = self.enrollment_code(token, account).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        let (status, body) = self.enroll(body["code"].as_str().unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Uploads a form (JSON or .xlsx bytes) and publishes it.
    pub async fn publish_form(&self, admin: &str, bytes: Vec<u8>) -> Value {
        let response = self
            .client
            .post(self.url("/api/v1/office/forms"))
            .bearer_auth(admin)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap();
        assert_eq!(status, StatusCode::OK, "{body}");
        let path = format!(
            "/api/v1/office/forms/{}/{}/publish",
            body["form_id"].as_str().unwrap(),
            body["version"].as_str().unwrap()
        );
        let (status, body) = self.post(&path, Some(admin), &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// Pushes records (gzip-compressed when asked); returns the status and the raw answer.
    pub async fn push_raw(
        &self,
        device: &str,
        records: &[Record],
        gzip: bool,
    ) -> (StatusCode, Value) {
        self.push_raw_with(&self.client, device, records, gzip)
            .await
    }

    /// Like [`Self::push_raw`], through another HTTP client (another connection).
    pub async fn push_raw_with(
        &self,
        client: &reqwest::Client,
        device: &str,
        records: &[Record],
        gzip: bool,
    ) -> (StatusCode, Value) {
        let body = serde_json::to_vec(&PushRequest {
            records: records.to_vec(),
        })
        .unwrap();
        let mut request = client.post(self.url("/api/v1/records")).bearer_auth(device);
        if gzip {
            let mut encoder =
                flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            encoder.write_all(&body).unwrap();
            request = request
                .header("content-encoding", "gzip")
                .body(encoder.finish().unwrap());
        } else {
            request = request
                .header("content-type", "application/json")
                .body(body);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// Pushes records and returns the per-record results (the push must succeed).
    pub async fn push(&self, device: &str, records: &[Record]) -> PushResponse {
        let (status, body) = self.push_raw(device, records, false).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Sends one photo chunk.
    pub async fn put_chunk(
        &self,
        device: &str,
        sha: &str,
        offset: u64,
        total: u64,
        bytes: Vec<u8>,
    ) -> (StatusCode, Value) {
        let response = self
            .client
            .put(self.url(&format!(
                "/api/v1/photos/{sha}?offset={offset}&total={total}"
            )))
            .bearer_auth(device)
            .body(bytes)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.json().await.unwrap())
    }

    pub async fn photo_status(&self, device: &str, sha: &str) -> PhotoStatus {
        let (status, body) = self.get(&format!("/api/v1/photos/{sha}"), device).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Uploads a whole photo in chunks of `chunk` bytes, resuming from what the server holds.
    pub async fn upload_photo(&self, device: &str, bytes: &[u8], chunk: usize) -> PhotoStatus {
        let sha = branchbook_server::ingest::sha256_hex(bytes);
        let mut status = self.photo_status(device, &sha).await;
        while !status.complete {
            let start = status.received as usize;
            let end = (start + chunk).min(bytes.len());
            let (code, body) = self
                .put_chunk(
                    device,
                    &sha,
                    start as u64,
                    bytes.len() as u64,
                    bytes[start..end].to_vec(),
                )
                .await;
            assert_eq!(code, StatusCode::OK, "{body}");
            status = serde_json::from_value(body).unwrap();
        }
        status
    }

    /// Fetches a CSV export as text.
    pub async fn get_text(&self, path: &str, token: &str) -> (StatusCode, String) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.text().await.unwrap())
    }
}

/// Reads an error body, asserting it has the protocol's shape.
pub fn error_of(body: &Value) -> ErrorBody {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {body}"))
}
