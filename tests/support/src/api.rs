//! The async client of a test server (reqwest), with helpers for the officials' API and
//! the sync protocol. Its helpers assert: a call that fails fails the test.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test helpers: a failed call is a failed test

use std::io::Write;

use branchbook_core::protocol::{
    EnrollRequest, EnrollResponse, ErrorBody, PhotoStatus, PushRequest, PushResponse, Record,
    RecordStatus,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use uuid::Uuid;

/// An HTTP client for one server (started in-process or as a program), with helpers for
/// the officials' API and the sync protocol.
pub struct Api {
    /// `http://host:port`.
    pub base: String,
    /// The HTTP client (one connection pool).
    pub client: reqwest::Client,
}

impl Api {
    /// A client for the server at `base` (`http://host:port`).
    pub fn new(base: String) -> Api {
        Api {
            base,
            client: reqwest::Client::new(),
        }
    }

    /// The URL of `path` on this server.
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

    /// A GET with a bearer token; returns status and JSON.
    pub async fn get(&self, path: &str, token: &str) -> (StatusCode, Value) {
        self.call(reqwest::Method::GET, path, Some(token), None)
            .await
    }

    /// A POST of a JSON body, with a bearer token when given; returns status and JSON.
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

    /// Creates an area (`province`, `commune` or `branch`) under `parent`; returns its id.
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

    /// Pushes records and asserts that every one got `status` (e.g. all `duplicate` when
    /// the server already holds them).
    pub async fn push_expecting(
        &self,
        device: &str,
        records: &[Record],
        status: RecordStatus,
    ) -> PushResponse {
        let answer = self.push(device, records).await;
        assert!(
            answer.results.iter().all(|r| r.status == status),
            "expected every record {status:?}: {answer:?}"
        );
        answer
    }

    /// Sends one photo chunk.
    pub async fn put_chunk(
        &self,
        device: &str,
        sha: &str,
        offset: u64,
        total: u64,
        bytes: impl Into<reqwest::Body>,
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

    /// What the server holds of a photo (the upload must be allowed).
    pub async fn photo_status(&self, device: &str, sha: &str) -> PhotoStatus {
        let (status, body) = self.get(&format!("/api/v1/photos/{sha}"), device).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).unwrap()
    }

    /// Uploads a whole photo in chunks of `chunk` bytes, resuming from what the server holds.
    pub async fn upload_photo(&self, device: &str, bytes: &[u8], chunk: usize) -> PhotoStatus {
        let sha = branchbook_server::ingest::sha256_hex(bytes);
        self.upload_named(device, &sha, &bytes::Bytes::copy_from_slice(bytes), chunk)
            .await
    }

    /// Uploads a whole photo named by its SHA-256 (which a phone computes when the photo is
    /// taken, not when it is sent) in chunks of `chunk` bytes that share its buffer,
    /// resuming from what the server holds.
    pub async fn upload_named(
        &self,
        device: &str,
        sha: &str,
        bytes: &bytes::Bytes,
        chunk: usize,
    ) -> PhotoStatus {
        let mut status = self.photo_status(device, sha).await;
        while !status.complete {
            let start = status.received as usize;
            let end = (start + chunk).min(bytes.len());
            let (code, body) = self
                .put_chunk(
                    device,
                    sha,
                    start as u64,
                    bytes.len() as u64,
                    bytes.slice(start..end),
                )
                .await;
            assert_eq!(code, StatusCode::OK, "{body}");
            status = serde_json::from_value(body).unwrap();
        }
        status
    }

    /// Downloads a photo as an officer: the status and the bytes.
    pub async fn office_photo(&self, token: &str, sha: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .client
            .get(self.url(&format!("/api/v1/office/photos/{sha}")))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.bytes().await.unwrap().to_vec())
    }

    /// Uploads a form (JSON or .xlsx bytes) with its files as a multipart body (`form`,
    /// then one `attachment` per file); returns status and JSON.
    pub async fn upload_form_with(
        &self,
        admin: &str,
        form: &[u8],
        files: &[(&str, &[u8])],
    ) -> (StatusCode, Value) {
        let (content_type, body) = form_upload_body(form, files);
        let response = self
            .client
            .post(self.url("/api/v1/office/forms"))
            .bearer_auth(admin)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status();
        let text = response.text().await.unwrap();
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A GET with a bearer token; returns status and the raw bytes.
    pub async fn get_bytes(&self, path: &str, token: &str) -> (StatusCode, Vec<u8>) {
        let response = self
            .client
            .get(self.url(path))
            .bearer_auth(token)
            .send()
            .await
            .unwrap();
        let status = response.status();
        (status, response.bytes().await.unwrap().to_vec())
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

/// A form upload with its files as a multipart body (`form`, then one `attachment` per
/// file): its content type and bytes.
pub fn form_upload_body(form: &[u8], files: &[(&str, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----branchbook-form-files-5d1c";
    let mut body = Vec::new();
    let mut part = |head: String, bytes: &[u8]| {
        body.extend_from_slice(format!("--{boundary}\r\n{head}\r\n\r\n").as_bytes());
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    };
    part(
        "Content-Disposition: form-data; name=\"form\"; filename=\"form\"".into(),
        form,
    );
    for (name, bytes) in files {
        part(
            format!("Content-Disposition: form-data; name=\"attachment\"; filename=\"{name}\""),
            bytes,
        );
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// Reads an error body, asserting it has the protocol's shape.
pub fn error_of(body: &Value) -> ErrorBody {
    serde_json::from_value(body.clone())
        .unwrap_or_else(|e| panic!("not an ErrorBody ({e}): {body}"))
}
