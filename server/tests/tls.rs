//! Finding 11 of issue 13: plain HTTP only, and PostgreSQL over `NoTls`. The program now
//! serves HTTPS itself with `--tls-cert`/`--tls-key` (a certificate made here, signed by
//! an authority made here that the client trusts), marks its cookies `Secure` there,
//! closes a plain-HTTP request to that port without harm, and connects to PostgreSQL as
//! `sslmode` asks: `require` over TLS (the shared test cluster speaks it), `verify-full`
//! against its certificate, and a clear refusal from a server without TLS.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::time::{Duration, Instant};

use common::Backend;
use common::program::{Program, Running};

/// A certificate authority (its certificate as PEM and DER) and, in `dir`, a server
/// certificate it signed for `localhost` and 127.0.0.1 with its key (PEM files).
fn authority_and_server(dir: &Path) -> (String, Vec<u8>) {
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca = rcgen::CertifiedIssuer::self_signed(ca_params, rcgen::KeyPair::generate().unwrap())
        .unwrap();
    let key = rcgen::KeyPair::generate().unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into(), "127.0.0.1".into()])
        .unwrap()
        .signed_by(&key, &ca)
        .unwrap();
    std::fs::write(dir.join("cert.pem"), pem("CERTIFICATE", cert.der())).unwrap();
    std::fs::write(
        dir.join("key.pem"),
        pem("PRIVATE KEY", &key.serialize_der()),
    )
    .unwrap();
    (pem("CERTIFICATE", ca.der()), ca.der().to_vec())
}

/// DER bytes as a PEM block (what openssl and Let's Encrypt's tools write).
fn pem(label: &str, der: &[u8]) -> String {
    use base64::Engine;
    let text = base64::engine::general_purpose::STANDARD.encode(der);
    let lines: Vec<&str> = text
        .as_bytes()
        .chunks(64)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    format!(
        "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
        lines.join("\n")
    )
}

/// A client that trusts only the authority `root` (DER).
fn trusting(root: &[u8]) -> ureq::Agent {
    let roots =
        ureq::tls::RootCerts::new_with_certs(&[ureq::tls::Certificate::from_der(root).to_owned()]);
    ureq::Agent::config_builder()
        .tls_config(ureq::tls::TlsConfig::builder().root_certs(roots).build())
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into()
}

fn port_of(running: &Running) -> u16 {
    let base = running.api.url("");
    base.rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches('/')
        .parse()
        .unwrap()
}

async fn https_round_trip(backend: Backend) {
    let Some((data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    if let Some(url) = &mut program.database_url {
        url.push_str("?sslmode=require");
    }
    let certs = tempfile::tempdir().unwrap();
    let (_, root) = authority_and_server(certs.path());
    program.env.extend([
        (
            "BRANCHBOOK_TLS_CERT".to_owned(),
            certs.path().join("cert.pem").display().to_string(),
        ),
        (
            "BRANCHBOOK_TLS_KEY".to_owned(),
            certs.path().join("key.pem").display().to_string(),
        ),
    ]);
    let running = tokio::task::spawn_blocking(move || program.start())
        .await
        .unwrap();
    let base = running.api.url("");
    assert!(base.starts_with("https://"), "{base}");
    let port = port_of(&running);
    let password = running.one_time_password().unwrap();
    let result = tokio::task::spawn_blocking(move || {
        let agent = trusting(&root);
        // A JSON answer through TLS: the login refuses a wrong password.
        let mut refused = agent
            .post(format!("https://localhost:{port}/api/v1/office/login"))
            .content_type("application/json")
            .send(r#"{"username":"admin","password":"wrong password here"}"#)
            .unwrap();
        assert_eq!(refused.status(), 401);
        assert!(
            refused
                .body_mut()
                .read_to_string()
                .unwrap()
                .contains("error")
        );
        // The console's sign-in sets its session cookie Secure over TLS.
        let signed = agent
            .post(format!("https://localhost:{port}/login"))
            .header("origin", format!("https://localhost:{port}"))
            .content_type("application/x-www-form-urlencoded")
            .send(format!("username=admin&password={password}"))
            .unwrap();
        let cookies: Vec<String> = signed
            .headers()
            .get_all("set-cookie")
            .iter()
            .map(|v| v.to_str().unwrap().to_owned())
            .collect();
        assert!(!cookies.is_empty(), "{:?}", signed.status());
        assert!(
            cookies.iter().all(|c| c.ends_with("; Secure")),
            "{cookies:?}"
        );

        // Plain HTTP to the TLS port: no HTTP answer, the connection closed, nothing held.
        let started = Instant::now();
        let mut plain = TcpStream::connect(("127.0.0.1", port)).unwrap();
        plain
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        plain
            .write_all(b"GET /api/v1/office/me HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut answer = Vec::new();
        let _ = plain.read_to_end(&mut answer);
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "closed at once, not held"
        );
        assert!(!answer.starts_with(b"HTTP/"), "{answer:?}");

        // A client that does not trust the certificate is refused by its own TLS.
        let untrusting: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .into();
        let err = untrusting
            .get(format!("https://localhost:{port}/login"))
            .call()
            .err()
            .unwrap()
            .to_string();
        assert!(err.to_lowercase().contains("certificate"), "{err}");

        // The server stays up and serves again.
        let again = agent
            .get(format!("https://127.0.0.1:{port}/login"))
            .call()
            .unwrap();
        assert_eq!(again.status(), 200);
    })
    .await;
    let log = running.terminate();
    result.unwrap();
    assert!(!log.contains("panicked"), "{log}");
    drop(data);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_round_trip_on_sqlite() {
    https_round_trip(Backend::Sqlite).await;
}

/// The same on PostgreSQL, reached with `sslmode=require` (that its connections are
/// encrypted is checked in [`postgres_sslmode_is_honoured`]).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_round_trip_on_postgres_with_sslmode_require() {
    https_round_trip(Backend::Postgres).await;
}

/// The PostgreSQL sessions of database `name`, and how many of them use TLS.
fn sessions_of(admin_url: &str, name: &str) -> (i64, i64) {
    let mut admin = postgres::Client::connect(admin_url, postgres::NoTls).unwrap();
    let row = admin
        .query_one(
            "SELECT count(*), count(*) FILTER (WHERE s.ssl) FROM pg_stat_activity a \
             JOIN pg_stat_ssl s USING (pid) WHERE a.datname = $1",
            &[&name],
        )
        .unwrap();
    (row.get(0), row.get(1))
}

/// `sslmode` as libpq reads it: `require` and `verify-full` (against the cluster's own
/// certificate) encrypt every connection, `disable` none; `verify-full` against another
/// authority, and `require` against a server without TLS, stop the start with a reason.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_sslmode_is_honoured() {
    let Some((_data, program)) = Program::fresh(Backend::Postgres).await else {
        return;
    };
    let url = program.database_url.clone().unwrap();
    let name = url.rsplit('/').next().unwrap().to_owned();
    let admin_url = std::env::var(common::PG_URL_VAR).unwrap();
    let ca = std::env::var("BRANCHBOOK_TEST_PG_CA")
        .expect("tests/postgres.sh names the cluster's certificate");
    let other = tempfile::tempdir().unwrap();
    let (other_ca, _) = authority_and_server(other.path());
    std::fs::write(other.path().join("other-ca.pem"), other_ca).unwrap();
    let other_ca = other.path().join("other-ca.pem").display().to_string();
    tokio::task::spawn_blocking(move || {
        for (mode, encrypted) in [
            ("sslmode=require".to_owned(), true),
            (format!("sslmode=verify-full&sslrootcert={ca}"), true),
            ("sslmode=disable".to_owned(), false),
        ] {
            let mut run = Program::new(program.data.clone(), Some(format!("{url}?{mode}")));
            run.env.clone_from(&program.env);
            let running = run.start();
            let (sessions, with_tls) = sessions_of(&admin_url, &name);
            assert!(sessions > 0, "{mode}");
            assert_eq!(with_tls, if encrypted { sessions } else { 0 }, "{mode}");
            running.terminate();
        }
        let wrong = Program::new(
            program.data.clone(),
            Some(format!("{url}?sslmode=verify-full&sslrootcert={other_ca}")),
        )
        .run(&[]);
        assert!(!wrong.status.success());
        let said = String::from_utf8_lossy(&wrong.stderr);
        assert!(said.contains("certificate"), "{said}");
        eprintln!(
            "verify-full against another authority: {}",
            said.lines().last().unwrap_or("")
        );
    })
    .await
    .unwrap();
}

/// A server that answers PostgreSQL's TLS request as one without TLS does ('N').
fn server_without_tls() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut request = [0u8; 8];
            if stream.read_exact(&mut request).is_ok() {
                // Length 8, code 80877103: SSLRequest.
                assert_eq!(request, [0, 0, 0, 8, 4, 210, 22, 47]);
                let _ = stream.write_all(b"N");
                let mut rest = Vec::new();
                let _ = stream.read_to_end(&mut rest);
            }
        }
    });
    port
}

#[test]
fn sslmode_require_against_a_server_without_tls_is_refused_with_a_reason() {
    let port = server_without_tls();
    let data = tempfile::tempdir().unwrap();
    let started = Instant::now();
    let refused = Program::new(
        data.path().to_owned(),
        Some(format!(
            "postgresql://branchbook@127.0.0.1:{port}/postgres?sslmode=require"
        )),
    )
    .run(&[]);
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("server does not support TLS"), "{said}");
    assert!(started.elapsed() < Duration::from_secs(20), "said at once");
}
