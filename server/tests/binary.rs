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
    let (_data, setup) = setup(Backend::Sqlite).await.unwrap();
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
    drop(taken);
    let running = setup.start();
    assert!(
        running.one_time_password().is_some(),
        "the first start that serves creates the administrator: {:?}",
        running.stdout
    );
}
