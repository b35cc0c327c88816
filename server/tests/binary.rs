//! The main job: `branchbook-server` started as a program, on SQLite (its data folder) and
//! on PostgreSQL (`--database-url`): it prints the administrator's one-time password on
//! first start only (on standard output, never in the log on standard error), serves
//! officials and phones, keeps everything across a restart, and stops cleanly on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use branchbook_core::protocol::{PushRequest, Record, RecordStatus};
use branchbook_server::connections::STOP_GRACE;
use common::fixtures::{gathering, household, photo_bytes, photo_ref};
use common::program::Program;
use common::{Api, Backend};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use uuid::Uuid;

/// A data folder and, on PostgreSQL, a fresh database for the program.
async fn setup(backend: Backend) -> Option<(tempfile::TempDir, Program)> {
    Program::fresh(backend).await
}

async fn the_program_serves_keeps_its_data_across_a_restart_and_stops_on_sigterm(backend: Backend) {
    let Some((data, setup)) = setup(backend).await else {
        return;
    };
    let first = setup.start();
    let password = first.one_time_password().expect("password line");
    assert_eq!(password.len(), 16);
    let (status, login) = first.api.login("admin", &password).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["account"]["must_change_password"], true, "{login}");
    let admin = first.api.login_fresh("admin", &password).await;

    // A phone enrolls and pushes a batch.
    let device = first.api.branch_with_device(&admin).await;
    let records: Vec<_> = (0..5).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    let pushed = first.api.push(&device.token, &records).await;
    assert!(
        pushed
            .results
            .iter()
            .all(|r| r.status == RecordStatus::Accepted),
        "{pushed:?}"
    );

    let log = first.terminate();
    assert!(log.contains("listening"), "{log}");
    assert!(
        log.contains("stopped"),
        "a SIGTERM is an orderly stop: {log}"
    );
    assert!(
        !log.contains(&password),
        "the password must not reach the log"
    );
    assert!(!log.contains(login["token"].as_str().unwrap()));
    assert!(!log.contains(&device.token));
    let sqlite_file = data.path().join("server.sqlite3");
    assert_eq!(sqlite_file.exists(), backend == Backend::Sqlite);
    assert!(data.path().join("photos").is_dir());

    // A second start on the same folder and database keeps the accounts, the device and
    // the records, and prints no password.
    let second = setup.start();
    assert_eq!(second.one_time_password(), None, "{:?}", second.stdout);
    let (status, body) = second.api.login("admin", "admin-chosen-password").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let again = second.api.push(&device.token, &records).await;
    assert!(
        again
            .results
            .iter()
            .all(|r| r.status == RecordStatus::Duplicate),
        "the restarted server still holds every record: {again:?}"
    );
    second.terminate();
}

#[tokio::test]
async fn on_sqlite_the_program_serves_keeps_its_data_and_stops_on_sigterm() {
    the_program_serves_keeps_its_data_across_a_restart_and_stops_on_sigterm(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_the_program_serves_keeps_its_data_and_stops_on_sigterm() {
    the_program_serves_keeps_its_data_across_a_restart_and_stops_on_sigterm(Backend::Postgres)
        .await;
}

/// A request whose head and the first `sent` bytes of its `body` are on the wire: an
/// upload in flight on a slow network.
async fn begin_upload(api: &Api, head: &str, token: &str, body: &[u8], sent: usize) -> TcpStream {
    let host = api.base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(host).await.unwrap();
    let head = format!(
        "{head} HTTP/1.1\r\nhost: {host}\r\nauthorization: Bearer {token}\r\n\
         content-type: application/json\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..sent]).await.unwrap();
    stream
}

/// What comes back on `stream` until the server closes it (empty: no answer).
async fn answer(mut stream: TcpStream) -> String {
    let mut bytes = Vec::new();
    let _ = stream.read_to_end(&mut bytes).await;
    String::from_utf8_lossy(&bytes).into_owned()
}

fn push_body(records: &[Record]) -> Vec<u8> {
    serde_json::to_vec(&PushRequest {
        records: records.to_vec(),
    })
    .unwrap()
}

/// Finding 12 of issue 13 with uploads in flight: SIGTERM arrives while one push is half
/// sent (it then finishes), another push and a photo chunk are half sent and abandoned.
/// The server takes no new connection, answers the push that finishes, exits cleanly
/// within its grace period, and stores nothing of the abandoned push; after a restart the
/// finished push is a duplicate, the abandoned one is stored once when sent again, and
/// the photo resumes from what was kept and arrives byte for byte.
async fn a_sigterm_during_uploads_stores_nothing_half_and_a_retry_stores_one_copy(
    backend: Backend,
) {
    let Some((_data, setup)) = setup(backend).await else {
        return;
    };
    let first = setup.start();
    let password = first.one_time_password().unwrap();
    let admin = first.api.login_fresh("admin", &password).await;
    let device = first.api.branch_with_device(&admin).await;
    let finished: Vec<Record> = (0..20).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    let abandoned: Vec<Record> = (20..40).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    let photo = photo_bytes(13, 3 * 1024 * 1024);
    let sha = photo_ref(&photo).sha256;
    let (finished_body, abandoned_body) = (push_body(&finished), push_body(&abandoned));
    let half = |body: &[u8]| body.len() / 2;

    let api = &first.api;
    let token = &device.token;
    let mut finishing = begin_upload(
        api,
        "POST /api/v1/records",
        token,
        &finished_body,
        half(&finished_body),
    )
    .await;
    let left = begin_upload(
        api,
        "POST /api/v1/records",
        token,
        &abandoned_body,
        half(&abandoned_body),
    )
    .await;
    let chunk_head = format!("PUT /api/v1/photos/{sha}?offset=0&total={}", photo.len());
    let chunk = begin_upload(api, &chunk_head, token, &photo, 1024 * 1024).await;
    // The server has the heads and the first bytes: the requests are in its handlers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let stop = Instant::now();
    first.send_sigterm();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        TcpStream::connect(api.base.trim_start_matches("http://"))
            .await
            .is_err(),
        "a stopping server takes no new connection"
    );
    finishing
        .write_all(&finished_body[half(&finished_body)..])
        .await
        .unwrap();
    let finished_answer = answer(finishing).await;
    assert!(
        finished_answer.starts_with("HTTP/1.1 200"),
        "a request in flight is finished: {finished_answer}"
    );
    assert_eq!(
        finished_answer.matches("\"accepted\"").count(),
        finished.len(),
        "{finished_answer}"
    );
    let (left_answer, chunk_answer) = (answer(left).await, answer(chunk).await);
    assert!(!left_answer.contains(" 200 "), "{left_answer}");
    assert!(!chunk_answer.contains(" 200 "), "{chunk_answer}");
    let log = first.exit(STOP_GRACE + Duration::from_secs(10));
    let stopped_in = stop.elapsed();
    eprintln!("stopped {stopped_in:?} after SIGTERM with two uploads abandoned");
    assert!(
        stopped_in < STOP_GRACE + Duration::from_secs(5),
        "{stopped_in:?}"
    );
    assert!(log.contains("stopped"), "an orderly stop: {log}");

    let second = setup.start();
    let api = &second.api;
    let (status, login) = api.login("admin", "admin-chosen-password").await;
    assert_eq!(status, StatusCode::OK, "{login}");
    let admin = login["token"].as_str().unwrap().to_owned();
    // The push answered before the stop is stored once; nothing of the abandoned one was.
    api.push_expecting(token, &finished, RecordStatus::Duplicate)
        .await;
    api.push_expecting(token, &abandoned, RecordStatus::Accepted)
        .await;
    api.push_expecting(token, &abandoned, RecordStatus::Duplicate)
        .await;
    let kept = api.photo_status(token, &sha).await;
    assert!(!kept.complete, "{kept:?}");
    assert!(kept.received <= 1024 * 1024, "{kept:?}");
    let done = api.upload_photo(token, &photo, 1024 * 1024).await;
    assert!(
        done.complete && done.received == photo.len() as u64,
        "{done:?}"
    );
    let record = gathering(1, vec![photo_ref(&photo)]);
    let pushed = api.push(token, std::slice::from_ref(&record)).await;
    assert_eq!(
        pushed.results[0].status,
        RecordStatus::Accepted,
        "{pushed:?}"
    );
    assert!(pushed.results[0].missing_photos.is_empty(), "{pushed:?}");
    let (status, bytes) = api.office_photo(&admin, &sha).await;
    assert_eq!(status, StatusCode::OK);
    assert!(bytes == photo, "the resumed photo arrives byte for byte");
    second.terminate();
}

#[tokio::test]
async fn on_sqlite_a_sigterm_during_uploads_stores_nothing_half() {
    a_sigterm_during_uploads_stores_nothing_half_and_a_retry_stores_one_copy(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_a_sigterm_during_uploads_stores_nothing_half() {
    a_sigterm_during_uploads_stores_nothing_half_and_a_retry_stores_one_copy(Backend::Postgres)
        .await;
}

#[tokio::test]
async fn a_failed_first_start_does_not_spend_the_password() {
    let (data, setup) = setup(Backend::Sqlite).await.unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let output = setup
        .command(&taken.local_addr().unwrap().to_string())
        .output()
        .unwrap();
    assert!(!output.status.success(), "the port is taken");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("password"),
        "nothing was created, so no password was shown"
    );
    assert!(
        !data
            .path()
            .join(branchbook_server::recovery::FIRST_PASSWORD_FILE)
            .exists(),
        "nor kept"
    );
    drop(taken);
    let running = setup.start();
    assert!(
        running.one_time_password().is_some(),
        "the first start that serves creates the administrator: {:?}",
        running.stdout
    );
}

/// The administrator is never locked out: the first password is kept in a file only the
/// server's user can read until it is changed, and `reset-password` gives a new one-time
/// password from the server's machine, while the server runs.
async fn an_administrator_can_always_get_back_in(backend: Backend) {
    use std::os::unix::fs::PermissionsExt;
    let Some((data, setup)) = setup(backend).await else {
        return;
    };
    let running = setup.start();
    let password = running.one_time_password().unwrap();
    let file = data
        .path()
        .join(branchbook_server::recovery::FIRST_PASSWORD_FILE);
    assert_eq!(std::fs::read_to_string(&file).unwrap().trim(), password);
    let mode = std::fs::metadata(&file).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "readable by the server's user only");
    running.api.login_fresh("admin", &password).await;
    assert!(
        !file.exists(),
        "removed once the administrator chose a password"
    );

    // Forgotten: the operator resets it on the server's machine, the server still running.
    let reset = setup.run(&["reset-password", "admin"]);
    assert!(reset.status.success(), "{reset:?}");
    let stdout = String::from_utf8(reset.stdout).unwrap();
    let new = stdout.trim().rsplit(' ').next().unwrap().to_owned();
    assert_eq!(new.len(), 16, "{stdout}");
    let (status, _) = running.api.login("admin", "admin-chosen-password").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "the old password is gone");
    let (status, login) = running.api.login("admin", &new).await;
    assert_eq!(status, StatusCode::OK, "{login}");
    assert_eq!(login["account"]["must_change_password"], true);

    // An unknown name is said so, with a failing exit.
    let unknown = setup.run(&["reset-password", "nobody"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no account is named \"nobody\""));
    let log = running.terminate();
    assert!(!log.contains(&new), "the new password is not logged");
}

#[tokio::test]
async fn on_sqlite_an_administrator_can_always_get_back_in() {
    an_administrator_can_always_get_back_in(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_an_administrator_can_always_get_back_in() {
    an_administrator_can_always_get_back_in(Backend::Postgres).await;
}

/// The data folder holds personal data (on PostgreSQL, the photos): a new one is the
/// server's user's alone (0700), SQLite's database and its WAL 0600; one found open to
/// others is reported at start-up.
#[tokio::test]
async fn on_sqlite_the_data_folder_is_private_and_an_open_one_is_reported() {
    the_data_folder_is_private_and_an_open_one_is_reported(Backend::Sqlite).await;
}

#[tokio::test]
async fn on_postgres_the_data_folder_is_private_and_an_open_one_is_reported() {
    the_data_folder_is_private_and_an_open_one_is_reported(Backend::Postgres).await;
}

async fn the_data_folder_is_private_and_an_open_one_is_reported(backend: Backend) {
    use std::os::unix::fs::PermissionsExt;
    let Some((root, fresh)) = setup(backend).await else {
        return;
    };
    let data = root.path().join("srv").join("branchbook-data");
    let program = Program::new(data.clone(), fresh.database_url);
    let running = program.start();
    let admin = running
        .api
        .login_fresh("admin", &running.one_time_password().unwrap())
        .await;
    let (status, _) = running.api.get("/api/v1/office/me", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let mode = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(data.clone()), 0o700);
    if backend == Backend::Sqlite {
        assert_eq!(mode(data.join("server.sqlite3")), 0o600);
        assert_eq!(
            mode(data.join("server.sqlite3-wal")),
            0o600,
            "SQLite's own files follow"
        );
    } else {
        assert!(!data.join("server.sqlite3").exists());
    }
    let log = running.terminate();
    assert!(!log.contains("other users"), "{log}");

    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = program.start().terminate();
    assert!(
        log.contains("can be read by other users") && log.contains("chmod 700"),
        "{log}"
    );
}
