//! The main job: `branchbook-server` started as a program, on SQLite (its data folder) and
//! on PostgreSQL (`--database-url`): it prints the administrator's one-time password on
//! first start only (on standard output, never in the log on standard error), serves
//! officials and phones, keeps everything across a restart, and stops cleanly on SIGTERM.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use branchbook_core::protocol::RecordStatus;
use common::Backend;
use common::fixtures::household;
use common::program::Program;
use reqwest::StatusCode;
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

/// The data folder holds personal data: a new one is the server's user's alone (0700),
/// the database and its WAL 0600; one found open to others is reported at start-up.
#[tokio::test]
async fn the_data_folder_is_private_and_an_open_one_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("srv").join("branchbook-data");
    let running = Program::new(data.clone(), None).start();
    let admin = running
        .api
        .login_fresh("admin", &running.one_time_password().unwrap())
        .await;
    let (status, _) = running.api.get("/api/v1/office/me", &admin).await;
    assert_eq!(status, StatusCode::OK);
    let mode = |p: std::path::PathBuf| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(data.clone()), 0o700);
    assert_eq!(mode(data.join("server.sqlite3")), 0o600);
    assert_eq!(
        mode(data.join("server.sqlite3-wal")),
        0o600,
        "SQLite's own files follow"
    );
    let log = running.terminate();
    assert!(!log.contains("other users"), "{log}");

    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    let log = Program::new(data.clone(), None).start().terminate();
    assert!(
        log.contains("can be read by other users") && log.contains("chmod 700"),
        "{log}"
    );
}
