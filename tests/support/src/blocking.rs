//! A real server for blocking tests (the cross-component tests, the fixture server the
//! Kotlin tests drive): a [`TestServer`] on a tokio runtime of its own, with blocking
//! calls (ureq) for the officials' API (areas, accounts, enrollment codes, forms, roster,
//! revocation, lists, photos and review decisions) to set a branch up and check what arrived. Calls return
//! a [`HarnessError`] rather than panic, so a long-lived fixture survives a bad command.

use std::net::SocketAddr;

use branchbook_core::protocol::{EnrollmentQr, RosterMember};
use branchbook_server::config::Config;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{Backend, HarnessError, TestServer};

/// What [`BlockingServer::branch`] names the test branch.
pub const BRANCH_NAME: &str = "Chi hội Bản Dền";

/// A running server on a runtime of its own; dropping it stops both.
pub struct BlockingServer {
    /// Where it listens.
    pub addr: SocketAddr,
    /// The administrator's one-time password from the first start.
    pub admin_password: String,
    /// The store it runs on.
    pub backend: Backend,
    server: Option<TestServer>,
    runtime: Option<tokio::runtime::Runtime>,
    agent: ureq::Agent,
}

impl Drop for BlockingServer {
    fn drop(&mut self) {
        if let Some(server) = &mut self.server {
            server.stop();
        }
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_timeout(std::time::Duration::from_secs(5));
        }
        // The server's data folder goes last, when nothing runs on it any more.
        self.server.take();
    }
}

impl BlockingServer {
    /// Starts a server on `backend` with the default configuration changed by `tune`;
    /// `Ok(None)` when PostgreSQL is asked for but not available (and not required).
    pub fn start(
        backend: Backend,
        tune: impl FnOnce(&mut Config),
    ) -> Result<Option<BlockingServer>, HarnessError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .map_err(|e| HarnessError::Start(e.to_string()))?;
        let Some(server) = runtime.block_on(TestServer::try_start(backend, tune))? else {
            return Ok(None);
        };
        let addr = server
            .api
            .base
            .trim_start_matches("http://")
            .parse()
            .map_err(|e: std::net::AddrParseError| HarnessError::Start(e.to_string()))?;
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .proxy(None)
            .build()
            .into();
        Ok(Some(BlockingServer {
            addr,
            admin_password: server.admin_password.clone(),
            backend,
            server: Some(server),
            runtime: Some(runtime),
            agent,
        }))
    }

    /// `http://127.0.0.1:port`.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// One officials' API call with a JSON (or raw) body; the answer as JSON or text.
    pub fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<Body<'_>>,
    ) -> Result<Value, HarnessError> {
        let call = format!("{method} {path}");
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(format!("{}{path}", self.url()));
        if let Some(token) = token {
            request = request.header("Authorization", format!("Bearer {token}"));
        }
        let bytes = match body {
            Some(Body::Json(value)) => {
                request = request.header("Content-Type", "application/json");
                value.to_string().into_bytes()
            }
            Some(Body::Raw(raw)) => raw.to_vec(),
            Some(Body::Typed(content_type, raw)) => {
                request = request.header("Content-Type", content_type);
                raw.to_vec()
            }
            None => Vec::new(),
        };
        let request = request
            .body(bytes)
            .map_err(|e| HarnessError::Answer(e.to_string()))?;
        let mut response = self
            .agent
            .run(request)
            .map_err(|source| HarnessError::Http {
                call: call.clone(),
                source,
            })?;
        let status = response.status().as_u16();
        let raw = response
            .body_mut()
            .with_config()
            .limit(64 << 20)
            .read_to_vec()
            .map_err(|source| HarnessError::Http {
                call: call.clone(),
                source,
            })?;
        if !(200..300).contains(&status) {
            return Err(HarnessError::Api {
                call,
                status,
                body: String::from_utf8_lossy(&raw).into_owned(),
            });
        }
        Ok(serde_json::from_slice(&raw).unwrap_or_else(|_| Value::String(hex::encode(&raw))))
    }

    /// Logs in with a one-time password, replaces it, and returns the session token.
    pub fn login_fresh(&self, username: &str, one_time: &str) -> Result<String, HarnessError> {
        let body = self.call(
            "POST",
            "/api/v1/office/login",
            None,
            Some(Body::Json(
                &json!({"username": username, "password": one_time}),
            )),
        )?;
        let token = body["token"].as_str().unwrap_or_default().to_owned();
        let new = format!("{username}-chosen-password");
        self.call(
            "POST",
            "/api/v1/office/password",
            Some(&token),
            Some(Body::Json(&json!({"current": one_time, "new": new}))),
        )?;
        Ok(token)
    }

    /// Sets up an administrator session, a province > commune > branch named
    /// [`BRANCH_NAME`], a branch head account, and the given form published.
    pub fn branch(&self, form_json: &str) -> Result<BranchSetup, HarnessError> {
        self.branch_named(BRANCH_NAME, form_json)
    }

    /// [`BlockingServer::branch`] with the branch called `name`.
    pub fn branch_named(&self, name: &str, form_json: &str) -> Result<BranchSetup, HarnessError> {
        let admin = self.login_fresh("admin", &self.admin_password)?;
        let area = |parent: Option<Uuid>, level: &str, name: &str| -> Result<Uuid, HarnessError> {
            let body = self.call(
                "POST",
                "/api/v1/office/areas",
                Some(&admin),
                Some(Body::Json(
                    &json!({"parent_id": parent, "level": level, "name": name}),
                )),
            )?;
            Ok(uuid_of(&body["id"]))
        };
        let province = area(None, "province", "Lào Cai")?;
        let commune = area(Some(province), "commune", "Xã Bản Hồ")?;
        let branch = area(Some(commune), "branch", name)?;
        let account = self.call(
            "POST",
            "/api/v1/office/accounts",
            Some(&admin),
            Some(Body::Json(&json!({"username": "mai.lo", "display_name": "Lò Thị Mai", "role": "branch_head", "area_id": branch}))),
        )?;
        let head = uuid_of(&account["account"]["id"]);
        let setup = BranchSetup {
            admin,
            branch,
            head,
        };
        self.publish_form(&setup, form_json)?;
        Ok(setup)
    }

    /// Uploads a form version (its JSON) and publishes it, as an administrator.
    pub fn publish_form(&self, setup: &BranchSetup, form_json: &str) -> Result<(), HarnessError> {
        self.publish_form_with(setup, form_json, &[])
    }

    /// Uploads a form version (its JSON) with the files it uses (name, bytes) and
    /// publishes it, as an administrator.
    pub fn publish_form_with(
        &self,
        setup: &BranchSetup,
        form_json: &str,
        files: &[(&str, &[u8])],
    ) -> Result<(), HarnessError> {
        let admin = Some(setup.admin.as_str());
        let (content_type, body) = crate::api::form_upload_body(form_json.as_bytes(), files);
        let uploaded = self.call(
            "POST",
            "/api/v1/office/forms",
            admin,
            Some(Body::Typed(&content_type, &body)),
        )?;
        let publish = format!(
            "/api/v1/office/forms/{}/{}/publish",
            uploaded["form_id"].as_str().unwrap_or_default(),
            uploaded["version"].as_str().unwrap_or_default()
        );
        self.call("POST", &publish, admin, Some(Body::Json(&json!({}))))?;
        Ok(())
    }

    /// A fresh enrollment code for the branch head, as its QR payload.
    pub fn enrollment(&self, setup: &BranchSetup) -> Result<EnrollmentQr, HarnessError> {
        let body = self.call(
            "POST",
            "/api/v1/office/enrollments",
            Some(&setup.admin),
            Some(Body::Json(&json!({"account_id": setup.head}))),
        )?;
        serde_json::from_value(body["qr"].clone()).map_err(|e| HarnessError::Answer(e.to_string()))
    }

    /// Adds or updates a roster member of the branch.
    pub fn put_member(
        &self,
        setup: &BranchSetup,
        member: &RosterMember,
    ) -> Result<(), HarnessError> {
        let value =
            serde_json::to_value(member).map_err(|e| HarnessError::Answer(e.to_string()))?;
        self.call(
            "PUT",
            &format!("/api/v1/office/branches/{}/members", setup.branch),
            Some(&setup.admin),
            Some(Body::Json(&value)),
        )?;
        Ok(())
    }

    /// The devices of the server, as the administrators' API lists them (each with what
    /// its last sync reported: app build, core version, records waiting).
    pub fn devices(&self, setup: &BranchSetup) -> Result<Value, HarnessError> {
        self.call("GET", "/api/v1/office/devices", Some(&setup.admin), None)
    }

    /// Revokes a device.
    pub fn revoke(&self, setup: &BranchSetup, device_id: &str) -> Result<(), HarnessError> {
        self.call(
            "POST",
            &format!("/api/v1/office/devices/{device_id}/revoke"),
            Some(&setup.admin),
            Some(Body::Json(&json!({}))),
        )?;
        Ok(())
    }

    /// Every record of a list (`submissions` or `gatherings`) as `(uuid, revision,
    /// complete)`, all pages.
    pub fn list(
        &self,
        setup: &BranchSetup,
        which: &str,
    ) -> Result<Vec<(Uuid, u32, bool)>, HarnessError> {
        let mut out = Vec::new();
        let mut after: Option<i64> = None;
        loop {
            let path = match after {
                Some(a) => format!("/api/v1/office/{which}?limit=1000&after={a}"),
                None => format!("/api/v1/office/{which}?limit=1000"),
            };
            let page = self.call("GET", &path, Some(&setup.admin), None)?;
            for item in page["items"].as_array().into_iter().flatten() {
                let revision = u32::try_from(item["revision"].as_u64().unwrap_or(0)).unwrap_or(0);
                out.push((
                    uuid_of(&item["uuid"]),
                    revision,
                    item["complete"].as_bool().unwrap_or(false),
                ));
            }
            match page["next_after"].as_i64() {
                Some(next) => after = Some(next),
                None => return Ok(out),
            }
        }
    }

    /// One record in full (record, revisions, photos).
    pub fn record(&self, setup: &BranchSetup, uuid: Uuid) -> Result<Value, HarnessError> {
        self.call(
            "GET",
            &format!("/api/v1/office/records/{uuid}"),
            Some(&setup.admin),
            None,
        )
    }

    /// An officer's review decision (`approved`, `has_issues`, `rejected`, `received`)
    /// with a comment on record `uuid`, taken by the administrator.
    pub fn review(
        &self,
        setup: &BranchSetup,
        uuid: Uuid,
        state: &str,
        comment: &str,
    ) -> Result<(), HarnessError> {
        self.call(
            "POST",
            &format!("/api/v1/office/records/{uuid}/review"),
            Some(&setup.admin),
            Some(Body::Json(&json!({"state": state, "comment": comment}))),
        )?;
        Ok(())
    }

    /// Whether the server holds record `uuid` (of any kind): its detail answers.
    pub fn holds(&self, setup: &BranchSetup, uuid: Uuid) -> Result<bool, HarnessError> {
        match self.record(setup, uuid) {
            Ok(_) => Ok(true),
            Err(HarnessError::Api { status: 404, .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The bytes of a complete photo, as an official downloads them.
    pub fn photo(&self, setup: &BranchSetup, sha256: &str) -> Result<Vec<u8>, HarnessError> {
        let value = self.call(
            "GET",
            &format!("/api/v1/office/photos/{sha256}"),
            Some(&setup.admin),
            None,
        )?;
        hex::decode(value.as_str().unwrap_or_default())
            .map_err(|e| HarnessError::Answer(e.to_string()))
    }
}

/// A request body for [`BlockingServer::call`].
pub enum Body<'a> {
    /// JSON.
    Json(&'a Value),
    /// Raw bytes (a form upload).
    Raw(&'a [u8]),
    /// Bytes of the given content type (a form upload with its files).
    Typed(&'a str, &'a [u8]),
}

/// What [`BlockingServer::branch`] created.
#[derive(Debug, Clone)]
pub struct BranchSetup {
    /// The administrator's session token.
    pub admin: String,
    /// The branch's id.
    pub branch: Uuid,
    /// The branch head's account id.
    pub head: Uuid,
}

fn uuid_of(value: &Value) -> Uuid {
    value
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or_default()
}
