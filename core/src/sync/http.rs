//! The phone's HTTP transport: HTTPS over rustls (no OpenSSL, so it builds for Android
//! and iOS), timeouts, gzip request bodies, the bearer token and protocol header, and
//! the classification of every answer into success, retryable or permanent failure.
//! Only the server's own JSON counts as success: a Wi-Fi login page answering 200 is a
//! failure to retry, never an acknowledgement.

use std::io::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use flate2::Compression;
use flate2::write::GzEncoder;
use serde::Serialize;
use serde::de::DeserializeOwned;
use ureq::http::{Response, StatusCode, Uri};

use super::error::{SyncError, SyncStep};
use super::retry::{CancelHandle, RetryPolicy};
use crate::protocol::AppRelease;
use crate::protocol::{
    APP_VERSION_HEADER, CORE_VERSION, CORE_VERSION_HEADER, ErrorBody, PROTOCOL_HEADER,
    PROTOCOL_VERSION, WAITING_HEADER,
};

/// How long the transport waits at each stage of a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timeouts {
    /// To open the TCP (and TLS) connection.
    pub connect: Duration,
    /// Longest silence while reading or writing (a stalled connection).
    pub idle: Duration,
    /// From the end of the request to the response headers (the server's work on a batch).
    pub response: Duration,
}

impl Default for Timeouts {
    /// For 3G in the highlands: 20 s to connect, 30 s of silence, 60 s for a batch.
    fn default() -> Self {
        Self {
            connect: Duration::from_secs(20),
            idle: Duration::from_secs(30),
            response: Duration::from_secs(60),
        }
    }
}

/// Largest response body read into memory (a page of changes or a form).
const MAX_RESPONSE_BYTES: u64 = 32 * 1024 * 1024;

/// A checked server base URL: `https://host[:port][/prefix]` without a trailing slash
/// (`http://` only for the phone itself, 127.0.0.1 / localhost, as tests use).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl(String);

impl ServerUrl {
    /// Checks a typed or scanned address.
    pub fn parse(raw: &str) -> Result<ServerUrl, SyncError> {
        let bad = |reason: &str| SyncError::BadServerUrl {
            url: raw.to_owned(),
            reason: reason.to_owned(),
        };
        let trimmed = raw.trim().trim_end_matches('/');
        let uri: Uri = trimmed.parse().map_err(|_| bad("not a web address"))?;
        let host = uri.host().ok_or_else(|| bad("no host name"))?;
        match uri.scheme_str() {
            Some("https") => {}
            Some("http") if is_loopback(host) => {}
            Some("http") => {
                return Err(bad(
                    "must start with https:// (the token must not travel in clear)",
                ));
            }
            _ => return Err(bad("must start with https://")),
        }
        if uri.query().is_some() {
            return Err(bad("must not carry a query"));
        }
        Ok(ServerUrl(trimmed.to_owned()))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

/// A connection to one server for one device: every call retries what is retryable
/// under the [`RetryPolicy`] and stops when the [`CancelHandle`] is raised.
pub struct Transport {
    agent: ureq::Agent,
    base: ServerUrl,
    token: Option<String>,
    retry: RetryPolicy,
    /// Records in the outbox, as last counted ([`NOT_COUNTED`] before the first count).
    waiting: AtomicU64,
    /// The app's release as sent in [`APP_VERSION_HEADER`] (none when the app gave none).
    app_version: Option<String>,
}

/// [`Transport::waiting`] before the pass counted the outbox: no header is sent.
const NOT_COUNTED: u64 = u64::MAX;

impl std::fmt::Debug for Transport {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never prints the token.
        f.debug_struct("Transport")
            .field("base", &self.base)
            .field("has_token", &self.token.is_some())
            .finish()
    }
}

/// A request body ready to send: gzip-compressed JSON or raw bytes.
enum Body<'a> {
    None,
    GzipJson(Vec<u8>),
    Bytes(&'a [u8]),
}

impl Transport {
    /// A transport to `base`, with the device token once enrolled. Server certificates
    /// are checked against Mozilla's roots (compiled in, as on every phone).
    pub fn new(
        base: ServerUrl,
        token: Option<String>,
        timeouts: Timeouts,
        retry: RetryPolicy,
    ) -> Self {
        Self::with_tls(
            base,
            token,
            timeouts,
            retry,
            ureq::tls::TlsConfig::default(),
        )
    }

    /// A transport that trusts only `root` (DER): how tests reach an HTTPS server whose
    /// certificate they made, through the same TLS path as [`Transport::new`].
    #[cfg(test)]
    pub(crate) fn trusting(
        base: ServerUrl,
        token: Option<String>,
        timeouts: Timeouts,
        retry: RetryPolicy,
        root: &[u8],
    ) -> Self {
        let roots = ureq::tls::RootCerts::new_with_certs(&[
            ureq::tls::Certificate::from_der(root).to_owned()
        ]);
        let tls = ureq::tls::TlsConfig::builder().root_certs(roots).build();
        Self::with_tls(base, token, timeouts, retry, tls)
    }

    fn with_tls(
        base: ServerUrl,
        token: Option<String>,
        timeouts: Timeouts,
        retry: RetryPolicy,
        tls: ureq::tls::TlsConfig,
    ) -> Self {
        let config = ureq::Agent::config_builder()
            .tls_config(tls)
            .http_status_as_error(false)
            .max_redirects(0)
            .proxy(None)
            .timeout_connect(Some(timeouts.connect))
            .timeout_per_read(Some(timeouts.idle))
            .timeout_per_write(Some(timeouts.idle))
            .timeout_recv_response(Some(timeouts.response))
            .user_agent(concat!("branchbook/", env!("CARGO_PKG_VERSION")))
            .build();
        Self {
            agent: config.into(),
            base,
            token,
            retry,
            waiting: AtomicU64::new(NOT_COUNTED),
            app_version: None,
        }
    }

    /// The same transport, reporting `app` in [`APP_VERSION_HEADER`] with every request.
    pub fn reporting(mut self, app: &AppRelease) -> Self {
        self.app_version = app.label();
        self
    }

    /// Sets how many records the outbox holds: sent with every later request as
    /// [`WAITING_HEADER`], until set again.
    pub fn set_waiting(&self, records: u64) {
        self.waiting
            .store(records.min(NOT_COUNTED - 1), Ordering::Relaxed);
    }

    /// The server this transport talks to.
    pub fn base(&self) -> &ServerUrl {
        &self.base
    }

    /// `GET path` and decode the server's JSON.
    pub fn get_json<T: DeserializeOwned>(
        &self,
        step: SyncStep,
        path: &str,
        cancel: &CancelHandle,
    ) -> Result<T, SyncError> {
        self.retry.run(cancel, || {
            decode(step, self.call(step, "GET", path, &Body::None)?)
        })
    }

    /// `GET path` and return the raw bytes (JSON, or a form file's bytes for
    /// [`SyncStep::FormFile`]) once `verify` accepts them (a form, whose hash the caller
    /// checks); a retryable refusal by `verify` is retried.
    pub fn get_verified(
        &self,
        step: SyncStep,
        path: &str,
        cancel: &CancelHandle,
        verify: impl Fn(&[u8]) -> Result<(), SyncError>,
    ) -> Result<Vec<u8>, SyncError> {
        self.retry.run(cancel, || {
            let body = self.call(step, "GET", path, &Body::None)?;
            verify(&body)?;
            Ok(body)
        })
    }

    /// `POST path` with `body` as gzip-compressed JSON, and decode the JSON answer.
    /// Returns the answer and the compressed size sent.
    pub fn post_json<B: Serialize, T: DeserializeOwned>(
        &self,
        step: SyncStep,
        path: &str,
        body: &B,
        cancel: &CancelHandle,
    ) -> Result<(T, usize), SyncError> {
        let body = Body::GzipJson(gzip_json(body).map_err(|e| SyncError::Protocol {
            step,
            detail: format!("cannot encode the request: {e}"),
        })?);
        let sent = match &body {
            Body::GzipJson(bytes) => bytes.len(),
            _ => 0,
        };
        let answer = self.retry.run(cancel, || {
            decode(step, self.call(step, "POST", path, &body)?)
        })?;
        Ok((answer, sent))
    }

    /// `PUT path` with raw bytes, once (the caller resumes from what the server says it
    /// has, which is better than resending the same bytes).
    pub fn put_bytes_once<T: DeserializeOwned>(
        &self,
        step: SyncStep,
        path: &str,
        bytes: &[u8],
    ) -> Result<T, SyncError> {
        decode(step, self.call(step, "PUT", path, &Body::Bytes(bytes))?)
    }

    /// The retry policy, for callers that run their own retry loop.
    pub fn retry(&self) -> &RetryPolicy {
        &self.retry
    }

    /// One request; `Ok` carries the body of a 2xx JSON answer, every other outcome is
    /// classified into a [`SyncError`].
    fn call(
        &self,
        step: SyncStep,
        method: &str,
        path: &str,
        body: &Body<'_>,
    ) -> Result<Vec<u8>, SyncError> {
        let url = format!("{}{}", self.base.as_str(), path);
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header(PROTOCOL_HEADER, PROTOCOL_VERSION.to_string())
            .header(CORE_VERSION_HEADER, CORE_VERSION)
            .header("Accept", "application/json");
        if let Some(app) = &self.app_version {
            builder = builder.header(APP_VERSION_HEADER, app);
        }
        let waiting = self.waiting.load(Ordering::Relaxed);
        if waiting != NOT_COUNTED {
            builder = builder.header(WAITING_HEADER, waiting.to_string());
        }
        if let Some(token) = &self.token {
            builder = builder.header("Authorization", format!("Bearer {token}"));
        }
        let request_error = |e: ureq::http::Error| SyncError::Protocol {
            step,
            detail: format!("cannot build the request: {e}"),
        };
        let result = match body {
            Body::None => builder
                .body(())
                .map_err(request_error)
                .map(|r| self.agent.run(r))?,
            Body::GzipJson(bytes) => builder
                .header("Content-Type", "application/json")
                .header("Content-Encoding", "gzip")
                .body(bytes.as_slice())
                .map_err(request_error)
                .map(|r| self.agent.run(r))?,
            Body::Bytes(bytes) => builder
                .header("Content-Type", "application/octet-stream")
                .body(*bytes)
                .map_err(request_error)
                .map(|r| self.agent.run(r))?,
        };
        let response = result.map_err(|e| network_error(step, &e))?;
        classify(step, response)
    }
}

fn gzip_json<B: Serialize>(body: &B) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::fast());
    serde_json::to_writer(&mut encoder, body)?;
    encoder.flush()?;
    encoder.finish()
}

/// A failure below HTTP: everything here is retryable except TLS and URL problems,
/// which will not improve by waiting.
fn network_error(step: SyncStep, error: &ureq::Error) -> SyncError {
    match error {
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => SyncError::Protocol {
            step,
            detail: "invalid request address".into(),
        },
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) | ureq::Error::Pem(_) => SyncError::Insecure {
            step,
            detail: error.to_string(),
        },
        // A failed certificate check arrives from rustls inside an I/O error.
        ureq::Error::Io(io)
            if io
                .get_ref()
                .is_some_and(|inner| inner.is::<rustls::Error>()) =>
        {
            SyncError::Insecure {
                step,
                detail: error.to_string(),
            }
        }
        _ => SyncError::Unreachable {
            step,
            detail: error.to_string(),
        },
    }
}

/// Reads the answer and sorts it: 2xx with JSON is success; 401 revoked; 413 too large;
/// 408, 429 and 5xx server faults; other 4xx with our error body refused; anything
/// else (a redirect, an HTML page, a 4xx that is not ours) is not our server.
fn classify(step: SyncStep, mut response: Response<ureq::Body>) -> Result<Vec<u8>, SyncError> {
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim_start().to_owned())
        .unwrap_or_default();
    let is_json = content_type.starts_with("application/json");
    // A form file is the one answer that is raw bytes; anything else (a Wi-Fi login
    // page's HTML) is not our server.
    let expected = if step == SyncStep::FormFile {
        content_type.starts_with("application/octet-stream")
    } else {
        is_json
    };
    let body = response
        .body_mut()
        .with_config()
        .limit(MAX_RESPONSE_BYTES)
        .read_to_vec()
        .map_err(|e| network_error(step, &e))?;
    let code = status.as_u16();
    let error_body = || {
        if is_json {
            serde_json::from_slice::<ErrorBody>(&body).ok()
        } else {
            None
        }
    };
    if status.is_success() {
        return if expected {
            Ok(body)
        } else {
            Err(SyncError::NotOurServer { step, status: code })
        };
    }
    match status {
        StatusCode::UNAUTHORIZED if step != SyncStep::Enroll => Err(SyncError::Revoked { step }),
        StatusCode::PAYLOAD_TOO_LARGE => Err(SyncError::TooLarge {
            step,
            detail: error_body().map(|e| e.detail).unwrap_or_default(),
        }),
        StatusCode::REQUEST_TIMEOUT | StatusCode::TOO_MANY_REQUESTS => {
            Err(SyncError::ServerFault { step, status: code })
        }
        _ if status.is_server_error() => Err(SyncError::ServerFault { step, status: code }),
        _ if status.is_client_error() => match error_body() {
            Some(e) => Err(SyncError::Refused {
                step,
                status: code,
                code: e.error,
                detail: e.detail,
            }),
            None => Err(SyncError::NotOurServer { step, status: code }),
        },
        _ => Err(SyncError::NotOurServer { step, status: code }),
    }
}

/// Decodes a success body; JSON of the wrong shape is not our server either.
fn decode<T: DeserializeOwned>(step: SyncStep, body: Vec<u8>) -> Result<T, SyncError> {
    serde_json::from_slice(&body).map_err(|_| SyncError::NotOurServer { step, status: 200 })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sync::test_server::{Answer, Identity, TinyServer, json, quick_retry, transport};
    use std::io::Read;
    use std::net::TcpListener;

    const STATUS: &str = r#"{"sha256":"ab","received":7,"complete":false}"#;

    fn photo_status(t: &Transport) -> Result<crate::protocol::PhotoStatus, SyncError> {
        t.get_json(
            SyncStep::PhotoStatus,
            "/api/v1/photos/ab",
            &CancelHandle::default(),
        )
    }

    /// A certificate authority (its certificate, DER) and a server identity it signed for
    /// `names`, as a province's IT would issue for its sync server.
    fn authority_and_server(names: &[&str]) -> (Vec<u8>, Identity) {
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let ca =
            rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
                .unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let names: Vec<String> = names.iter().map(|n| (*n).to_owned()).collect();
        let cert = rcgen::CertificateParams::new(names)
            .unwrap()
            .signed_by(&key, &ca)
            .unwrap();
        let identity = Identity {
            chain: vec![cert.der().clone()],
            key: rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
        };
        (ca.der().to_vec(), identity)
    }

    fn trusting(server: &TinyServer, root: &[u8]) -> Transport {
        let timeouts = Timeouts {
            connect: Duration::from_secs(2),
            idle: Duration::from_secs(2),
            response: Duration::from_secs(5),
        };
        Transport::trusting(
            server.url.clone(),
            Some("s3cret-token".into()),
            timeouts,
            quick_retry(),
            root,
        )
    }

    #[test]
    fn https_carries_the_call_when_the_certificate_is_trusted_and_for_this_host() {
        let (root, identity) = authority_and_server(&["localhost"]);
        let server = TinyServer::start_tls(vec![json(200, STATUS)], identity);
        assert!(server.url.as_str().starts_with("https://localhost:"));
        let status = photo_status(&trusting(&server, &root)).unwrap();
        assert_eq!(status.received, 7);
        let seen = server.seen();
        assert_eq!(seen.len(), 1, "one request, decrypted by the server");
        assert_eq!(seen[0].header("authorization"), Some("Bearer s3cret-token"));
    }

    #[test]
    fn an_untrusted_or_misnamed_certificate_is_insecure_at_once_and_sends_nothing() {
        // Signed by an authority the phone does not know (Mozilla's roots only, as shipped).
        let (_, identity) = authority_and_server(&["localhost"]);
        let stranger = TinyServer::start_tls(vec![json(200, STATUS); 4], identity);
        let untrusted = photo_status(&transport(&stranger)).unwrap_err();
        // Trusted authority, but the certificate names another host.
        let (root, identity) = authority_and_server(&["sync.other-province.vn"]);
        let misnamed = TinyServer::start_tls(vec![json(200, STATUS); 4], identity);
        let wrong_host = photo_status(&trusting(&misnamed, &root)).unwrap_err();
        for (server, error) in [(&stranger, untrusted), (&misnamed, wrong_host)] {
            assert!(
                matches!(
                    &error,
                    SyncError::Insecure {
                        step: SyncStep::PhotoStatus,
                        ..
                    }
                ),
                "{error:?}"
            );
            assert!(server.seen().is_empty(), "the token never left the phone");
            assert_eq!(
                server.connections(),
                1,
                "a certificate problem is not retried"
            );
        }
    }

    #[test]
    fn a_call_carries_token_and_protocol_header_and_decodes_the_answer() {
        let server = TinyServer::start(vec![json(200, STATUS)]);
        let status = photo_status(&transport(&server)).unwrap();
        assert_eq!(status.received, 7);
        let seen = server.seen();
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].method, "GET");
        assert_eq!(seen[0].path, "/api/v1/photos/ab");
        assert_eq!(seen[0].header("authorization"), Some("Bearer s3cret-token"));
        assert_eq!(
            seen[0].header(PROTOCOL_HEADER),
            Some(PROTOCOL_VERSION.to_string().as_str())
        );
        assert_eq!(seen[0].header(CORE_VERSION_HEADER), Some(CORE_VERSION));
        assert_eq!(
            seen[0].header(APP_VERSION_HEADER),
            None,
            "the app gave none"
        );
        assert_eq!(seen[0].header(WAITING_HEADER), None, "not counted yet");
    }

    #[test]
    fn the_apps_release_goes_with_every_call() {
        let server = TinyServer::start(vec![json(200, STATUS), json(200, STATUS)]);
        let transport = transport(&server).reporting(&AppRelease {
            version: "1.4.2".into(),
            build: "57".into(),
        });
        photo_status(&transport).unwrap();
        photo_status(&transport).unwrap();
        for seen in server.seen() {
            assert_eq!(seen.header(APP_VERSION_HEADER), Some("1.4.2+57"));
            assert_eq!(seen.header(CORE_VERSION_HEADER), Some(CORE_VERSION));
        }
    }

    #[test]
    fn once_counted_the_outbox_size_goes_with_every_call() {
        let server = TinyServer::start(vec![json(200, STATUS), json(200, STATUS)]);
        let transport = transport(&server);
        transport.set_waiting(12);
        photo_status(&transport).unwrap();
        transport.set_waiting(0);
        photo_status(&transport).unwrap();
        let seen = server.seen();
        assert_eq!(seen[0].header(WAITING_HEADER), Some("12"));
        assert_eq!(seen[1].header(WAITING_HEADER), Some("0"));
    }

    #[test]
    fn post_bodies_are_gzip_json() {
        let server = TinyServer::start(vec![json(200, STATUS)]);
        let body = serde_json::json!({"records": vec!["a repeated line"; 200]});
        let (_status, sent): (crate::protocol::PhotoStatus, usize) = transport(&server)
            .post_json(
                SyncStep::PushRecords,
                "/api/v1/records",
                &body,
                &CancelHandle::default(),
            )
            .unwrap();
        let seen = server.seen();
        assert_eq!(seen[0].header("content-encoding"), Some("gzip"));
        assert_eq!(seen[0].body.len(), sent);
        let mut text = String::new();
        flate2::read::GzDecoder::new(seen[0].body.as_slice())
            .read_to_string(&mut text)
            .unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            body
        );
        assert!(sent < text.len() / 4, "compressed {sent} of {}", text.len());
    }

    #[test]
    fn a_wifi_login_page_is_not_success_and_is_retried() {
        let portal = Answer::Reply(200, "text/html", "<html>Log in to Cafe Wi-Fi</html>".into());
        let server = TinyServer::start(vec![
            portal.clone(),
            json(200, "<not json"),
            json(200, STATUS),
        ]);
        assert_eq!(photo_status(&transport(&server)).unwrap().received, 7);
        assert_eq!(server.seen().len(), 3);

        let server = TinyServer::start(vec![portal; 4]);
        let error = photo_status(&transport(&server)).unwrap_err();
        assert!(
            matches!(error, SyncError::NotOurServer { status: 200, .. }),
            "{error:?}"
        );
        assert_eq!(server.seen().len(), 4, "retried up to max_attempts");
    }

    #[test]
    fn gateway_errors_are_retried_until_the_server_answers() {
        let server = TinyServer::start(vec![
            Answer::Reply(502, "text/html", "bad gateway".into()),
            json(503, r#"{"error":"busy","detail":"try later"}"#),
            json(200, STATUS),
        ]);
        assert_eq!(photo_status(&transport(&server)).unwrap().received, 7);
        assert_eq!(server.seen().len(), 3);
    }

    #[test]
    fn a_401_says_revoked_and_is_not_retried() {
        let server = TinyServer::start(vec![json(
            401,
            r#"{"error":"revoked","detail":"device revoked"}"#,
        )]);
        let error = photo_status(&transport(&server)).unwrap_err();
        assert!(
            matches!(
                error,
                SyncError::Revoked {
                    step: SyncStep::PhotoStatus
                }
            ),
            "{error:?}"
        );
        assert_eq!(server.seen().len(), 1);
    }

    #[test]
    fn a_4xx_with_a_reason_is_refused_at_once_with_that_reason() {
        let server = TinyServer::start(vec![json(
            422,
            r#"{"error":"bad_request","detail":"offset beyond size"}"#,
        )]);
        let error = photo_status(&transport(&server)).unwrap_err();
        match &error {
            SyncError::Refused {
                status,
                code,
                detail,
                ..
            } => {
                assert_eq!(
                    (*status, code.as_str(), detail.as_str()),
                    (422, "bad_request", "offset beyond size")
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(server.seen().len(), 1);
    }

    #[test]
    fn a_413_is_too_large_and_permanent() {
        let server = TinyServer::start(vec![json(
            413,
            r#"{"error":"too_large","detail":"over 8 MB"}"#,
        )]);
        let error = photo_status(&transport(&server)).unwrap_err();
        assert!(
            matches!(&error, SyncError::TooLarge { detail, .. } if detail == "over 8 MB"),
            "{error:?}"
        );
        assert_eq!(server.seen().len(), 1);
    }

    #[test]
    fn redirects_are_not_followed_and_not_success() {
        let server = TinyServer::start(vec![Answer::Reply(302, "text/html", String::new()); 4]);
        let error = photo_status(&transport(&server)).unwrap_err();
        assert!(
            matches!(error, SyncError::NotOurServer { status: 302, .. }),
            "{error:?}"
        );
    }

    #[test]
    fn a_silent_server_times_out_as_unreachable_and_is_retried() {
        let server = TinyServer::start(vec![Answer::Silence, json(200, STATUS)]);
        let started = std::time::Instant::now();
        assert_eq!(photo_status(&transport(&server)).unwrap().received, 7);
        assert!(started.elapsed() < Duration::from_secs(3));
        assert_eq!(server.seen().len(), 2);
    }

    #[test]
    fn a_closed_port_is_unreachable_after_the_retries() {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let url = ServerUrl::parse(&format!("http://127.0.0.1:{port}")).unwrap();
        let t = Transport::new(
            url,
            Some("s3cret-token".into()),
            Timeouts::default(),
            quick_retry(),
        );
        let error = photo_status(&t).unwrap_err();
        assert!(
            matches!(
                error,
                SyncError::Unreachable {
                    step: SyncStep::PhotoStatus,
                    ..
                }
            ),
            "{error:?}"
        );
        assert!(!error.to_string().contains("s3cret"));
        assert!(!format!("{t:?}").contains("s3cret"));
    }

    #[test]
    fn a_cancelled_call_sends_nothing() {
        let server = TinyServer::start(vec![json(200, STATUS)]);
        let cancel = CancelHandle::default();
        cancel.cancel();
        let error = transport(&server)
            .get_json::<crate::protocol::PhotoStatus>(SyncStep::PhotoStatus, "/x", &cancel)
            .unwrap_err();
        assert!(matches!(error, SyncError::Cancelled));
        assert!(server.seen().is_empty());
    }

    #[test]
    fn server_urls_must_be_https_except_on_this_phone() {
        assert_eq!(
            ServerUrl::parse(" https://sync.example.vn/ ")
                .unwrap()
                .as_str(),
            "https://sync.example.vn"
        );
        assert_eq!(
            ServerUrl::parse("https://h.vn:8443/bb").unwrap().as_str(),
            "https://h.vn:8443/bb"
        );
        assert!(ServerUrl::parse("http://127.0.0.1:3000").is_ok());
        assert!(ServerUrl::parse("http://localhost:3000").is_ok());
        for bad in [
            "http://sync.example.vn",
            "ftp://x.vn",
            "sync.example.vn",
            "",
            "https://",
            "https://h.vn/?a=b",
        ] {
            assert!(
                matches!(ServerUrl::parse(bad), Err(SyncError::BadServerUrl { .. })),
                "{bad:?}"
            );
        }
    }
}
