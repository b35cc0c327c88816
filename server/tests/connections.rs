//! Connections are bounded (issue 13, finding 2), against the server started as a program:
//! slow headers, idle kept-alive connections and slow bodies are cut off at their
//! timeouts (a slow body with a 408), one client address cannot hold more than its share
//! of connections nor everyone more than the overall limit (503 with `Retry-After`), and
//! the server keeps serving others throughout and stops cleanly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use common::Backend;
use common::program::{Program, Running};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

/// The program's address (`127.0.0.1:port`).
fn address(running: &Running) -> SocketAddr {
    running
        .api
        .base
        .trim_start_matches("http://")
        .parse()
        .unwrap()
}

/// A connection to the server from the loopback address `from` (127.x.y.z: every one is
/// a distinct client address to the server).
async fn connect_from(from: [u8; 4], server: SocketAddr) -> TcpStream {
    let socket = TcpSocket::new_v4().unwrap();
    socket.bind(SocketAddr::from((from, 0))).unwrap();
    socket.connect(server).await.unwrap()
}

/// A client whose connections come from `from`.
fn client_from(from: [u8; 4]) -> reqwest::Client {
    reqwest::Client::builder()
        .local_address(IpAddr::from(from))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

/// The status of an unauthenticated request from `from` (401: served).
async fn status_from(from: [u8; 4], running: &Running) -> (StatusCode, Option<String>) {
    let response = client_from(from)
        .get(format!("{}/api/v1/office/me", running.api.base))
        .send()
        .await
        .unwrap();
    let retry = response
        .headers()
        .get("retry-after")
        .map(|v| v.to_str().unwrap().to_owned());
    (response.status(), retry)
}

/// Writes `first`, then one `drip` every 300 ms, until the server closes the connection;
/// returns how long it stayed open and what the server answered.
async fn dripping(
    (mut stream, started): (TcpStream, Instant),
    first: &'static [u8],
    drip: &'static [u8],
) -> (Duration, String) {
    let mut answer = Vec::new();
    let mut buf = [0u8; 4096];
    let _ = stream.write_all(first).await;
    loop {
        tokio::select! {
            read = stream.read(&mut buf) => match read {
                Ok(0) | Err(_) => break,
                Ok(n) => answer.extend_from_slice(&buf[..n]),
            },
            () = tokio::time::sleep(Duration::from_millis(300)) => {
                if stream.write_all(drip).await.is_err() {
                    // Closed by the server: read what it answered before.
                    while let Ok(n @ 1..) = stream.read(&mut buf).await {
                        answer.extend_from_slice(&buf[..n]);
                    }
                    break;
                }
            }
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "still open after 60 s"
        );
    }
    (
        started.elapsed(),
        String::from_utf8_lossy(&answer).into_owned(),
    )
}

/// Runs `count` dripping connections at once; returns the longest any stayed open and
/// the answers.
async fn drip_many(
    server: SocketAddr,
    count: usize,
    first: &'static [u8],
    drip: &'static [u8],
) -> (Duration, Vec<String>) {
    let mut connections = Vec::new();
    for i in 0..count {
        // Spread over a few addresses, as many clients would be.
        let from = [127, 0, 1, (i % 8) as u8 + 1];
        connections.push((connect_from(from, server).await, Instant::now()));
    }
    let tasks: Vec<_> = connections
        .into_iter()
        .map(|stream| tokio::spawn(dripping(stream, first, drip)))
        .collect();
    let mut longest = Duration::ZERO;
    let mut answers = Vec::new();
    for task in tasks {
        let (open, answer) = task.await.unwrap();
        longest = longest.max(open);
        answers.push(answer);
    }
    (longest, answers)
}

const HEADER_TIMEOUT: u64 = 2;
const BODY_TIMEOUT: u64 = 3;
/// What the test allows past a timeout: scheduling on a loaded 2-core machine.
const SLACK: Duration = Duration::from_secs(3);
/// What it allows before: the server's clock starts at its accept, before the client's.
const EARLY: Duration = Duration::from_millis(250);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_sqlite_slow_headers_idle_connections_and_slow_bodies_are_cut_off() {
    slow_headers_idle_connections_and_slow_bodies_are_cut_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_slow_headers_idle_connections_and_slow_bodies_are_cut_off() {
    slow_headers_idle_connections_and_slow_bodies_are_cut_off(Backend::Postgres).await;
}

async fn slow_headers_idle_connections_and_slow_bodies_are_cut_off(backend: Backend) {
    let Some((_data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    program.env = vec![
        (
            "BRANCHBOOK_HEADER_TIMEOUT_SECS".into(),
            HEADER_TIMEOUT.to_string(),
        ),
        (
            "BRANCHBOOK_BODY_TIMEOUT_SECS".into(),
            BODY_TIMEOUT.to_string(),
        ),
        ("BRANCHBOOK_MAX_CONNECTIONS".into(), "2000".into()),
        (
            "BRANCHBOOK_MAX_CONNECTIONS_PER_ADDRESS".into(),
            "2000".into(),
        ),
    ];
    let running = program.start();
    let server = address(&running);
    let header_timeout = Duration::from_secs(HEADER_TIMEOUT);
    let body_timeout = Duration::from_secs(BODY_TIMEOUT);

    // 500 clients sending their headers one line every 300 ms, for ever.
    let (longest, _) = drip_many(
        server,
        500,
        b"POST /api/v1/office/login HTTP/1.1\r\nHost: x\r\n",
        b"X-Slow: 1\r\n",
    )
    .await;
    println!("500 slow-header connections: the last closed after {longest:?}");
    assert!(
        longest >= header_timeout - EARLY && longest < header_timeout + SLACK,
        "{longest:?}"
    );

    // A kept-alive connection left idle after its answer is closed at the same timeout.
    let mut kept = connect_from([127, 0, 2, 1], server).await;
    kept.write_all(b"GET /api/v1/office/me HTTP/1.1\r\nHost: x\r\n\r\n")
        .await
        .unwrap();
    let mut buf = vec![0u8; 8192];
    let n = kept.read(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf[..n]).starts_with("HTTP/1.1 401"));
    let idle = Instant::now();
    let closed = tokio::time::timeout(header_timeout + SLACK, kept.read(&mut buf)).await;
    assert!(
        matches!(closed, Ok(Ok(0)) | Ok(Err(_))),
        "idle connection closed: {closed:?}"
    );
    println!(
        "an idle kept-alive connection closed after {:?}",
        idle.elapsed()
    );
    assert!(idle.elapsed() >= header_timeout - EARLY);

    // 200 clients sending a login body one byte every 300 ms: 408, then closed.
    let (longest, answers) = drip_many(
        server,
        200,
        b"POST /api/v1/office/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{",
        b" ",
    )
    .await;
    println!("200 slow-body connections: the last closed after {longest:?}");
    assert!(
        longest >= body_timeout - EARLY && longest < body_timeout + SLACK,
        "{longest:?}"
    );
    for answer in &answers {
        assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
        assert!(answer.contains("\"error\":\"timeout\""), "{answer}");
        assert!(
            answer.contains("x-content-type-options: nosniff"),
            "{answer}"
        );
    }

    // The server is up and answers as before; a whole body sent in time is read.
    let (status, _) = running.api.login("admin", "not-the-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let log = running.terminate();
    assert!(log.contains("stopped"), "{log}");
}

/// Idle connections from one address fill only that address's share; everyone's fill the
/// overall limit, past which a new client is answered 503 with `Retry-After` — and the
/// server never runs out of file descriptors (it runs with 1,024, as in the probe).
async fn idle_connections_shut_out_no_one_else(backend: Backend) {
    let Some((_data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    program.open_files = Some(1024);
    program.env = vec![
        ("BRANCHBOOK_MAX_CONNECTIONS".into(), "300".into()),
        ("BRANCHBOOK_MAX_CONNECTIONS_PER_ADDRESS".into(), "64".into()),
    ];
    let running = program.start();
    let server = address(&running);

    // 1,100 idle connections from one address: 64 are held, the rest closed (at once,
    // or after the 2 s a refusal waits for a request to answer).
    let mut idle = Vec::new();
    for _ in 0..1100 {
        idle.push(connect_from([127, 0, 3, 1], server).await);
    }
    tokio::time::sleep(Duration::from_millis(2500)).await;
    let mut held = 0;
    for stream in &mut idle {
        let mut buf = [0u8; 1024];
        if tokio::time::timeout(Duration::from_millis(5), stream.read(&mut buf))
            .await
            .is_err()
        {
            held += 1;
        }
    }
    println!("1,100 idle connections from one address: {held} held");
    assert_eq!(held, 64, "the address's share");
    let (status, _) = status_from([127, 0, 3, 2], &running).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "another client is served");
    let (status, retry) = status_from([127, 0, 3, 1], &running).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(retry.as_deref(), Some("5"));

    // Many addresses together reach the overall limit: a new client is told to come back.
    for i in 0..4u8 {
        for _ in 0..64 {
            idle.push(connect_from([127, 0, 4, i + 1], server).await);
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await;
    let (status, retry) = status_from([127, 0, 3, 3], &running).await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "300 are open");
    assert_eq!(retry.as_deref(), Some("5"));

    // Once they close, everyone is served again, and the server stops cleanly.
    drop(idle);
    let closed = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(100)).await;
        match client_from([127, 0, 3, 1])
            .get(format!("{}/api/v1/office/me", running.api.base))
            .send()
            .await
        {
            Ok(r) if r.status() == StatusCode::UNAUTHORIZED => break,
            other => {
                println!("{:?}: {other:?}", closed.elapsed());
                assert!(
                    closed.elapsed() < Duration::from_secs(5),
                    "not served again"
                );
            }
        }
    }
    let (status, _) = running.api.login("admin", "not-the-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let log = running.terminate();
    assert!(!log.contains("Too many open files"), "{log}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_sqlite_idle_connections_shut_out_no_one_else() {
    idle_connections_shut_out_no_one_else(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_idle_connections_shut_out_no_one_else() {
    idle_connections_shut_out_no_one_else(Backend::Postgres).await;
}

/// A client that stops reading a download (an 18 MiB photo, more than the kernel's
/// buffers on both ends hold) no longer holds its connection for ever: once the answer
/// has waited `--send-timeout-secs` (2 s here) for the client to take more, the server
/// closes it, and keeps serving.
async fn a_client_that_stops_reading_is_cut_off(backend: Backend) {
    use common::fixtures::{gathering, photo_bytes, photo_ref};
    let Some((_data, mut program)) = Program::fresh(backend).await else {
        return;
    };
    program
        .env
        .push(("BRANCHBOOK_SEND_TIMEOUT_SECS".into(), "2".into()));
    let running = program.start();
    let password = running.one_time_password().unwrap();
    let admin = running.api.login_fresh("admin", &password).await;
    let device = running.api.branch_with_device(&admin).await;
    let photo = photo_bytes(7, 18 * 1024 * 1024);
    let sha = photo_ref(&photo).sha256;
    running
        .api
        .push(&device.token, &[gathering(0, vec![photo_ref(&photo)])])
        .await;
    assert!(
        running
            .api
            .upload_photo(&device.token, &photo, 4 * 1024 * 1024)
            .await
            .complete
    );

    let mut stream = TcpStream::connect(address(&running)).await.unwrap();
    stream
        .write_all(
            format!(
                "GET /api/v1/office/photos/{sha} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {admin}\r\n\r\n"
            )
            .as_bytes(),
        )
        .await
        .unwrap();
    let mut head = [0u8; 1024];
    let n = stream.read(&mut head).await.unwrap();
    assert!(head[..n].starts_with(b"HTTP/1.1 200"), "{:?}", &head[..n]);
    // Stop reading for longer than the send timeout, then take what is left.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let started = Instant::now();
    let mut rest = Vec::new();
    let ended = tokio::time::timeout(Duration::from_secs(20), stream.read_to_end(&mut rest)).await;
    assert!(ended.is_ok(), "the connection was still open");
    let received = n + rest.len();
    assert!(
        received < photo.len(),
        "{received} bytes of {}: the answer was not cut off",
        photo.len()
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    // The server serves on.
    let (status, _) = running.api.get("/api/v1/office/me", &admin).await;
    assert_eq!(status, StatusCode::OK);
    running.terminate();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_sqlite_a_client_that_stops_reading_is_cut_off() {
    a_client_that_stops_reading_is_cut_off(Backend::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_postgres_a_client_that_stops_reading_is_cut_off() {
    a_client_that_stops_reading_is_cut_off(Backend::Postgres).await;
}
