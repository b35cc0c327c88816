//! The main job: `branchbook-server` started as a program keeps everything in its data
//! folder, prints the administrator's one-time password on first start only (on
//! standard output, never in the log on standard error), and serves the API.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use serde_json::{Value, json};

struct Running {
    child: Child,
    stdout: Vec<String>,
    addr: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts the binary on a free port and reads its standard output up to the line that
/// says where it listens.
fn start(data: &std::path::Path) -> Running {
    let mut child = Command::new(env!("CARGO_BIN_EXE_branchbook-server"))
        .args([
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ])
        .env("RUST_LOG", "debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut stdout = Vec::new();
    let addr = loop {
        let line = lines
            .next()
            .expect("the server printed where it listens")
            .unwrap();
        stdout.push(line.clone());
        if let Some(rest) = line.strip_prefix("Listening on http://") {
            break rest.trim().to_owned();
        }
    };
    Running {
        child,
        stdout,
        addr,
    }
}

fn stderr_of(mut running: Running) -> String {
    let _ = running.child.kill();
    let mut err = String::new();
    std::io::Read::read_to_string(running.child.stderr.as_mut().unwrap(), &mut err).unwrap();
    err
}

#[tokio::test]
async fn first_start_prints_a_one_time_password_and_serves() {
    let data = tempfile::tempdir().unwrap();
    let first = start(data.path());
    let line = first
        .stdout
        .iter()
        .find(|l| l.contains("one-time password"))
        .expect("password line");
    let password = line.rsplit(' ').next().unwrap().to_owned();
    assert_eq!(password.len(), 16);
    let client = reqwest::Client::new();
    let login: Value = client
        .post(format!("http://{}/api/v1/office/login", first.addr))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(login["account"]["must_change_password"], true, "{login}");
    let log = stderr_of(first);
    assert!(log.contains("listening"), "{log}");
    assert!(
        !log.contains(&password),
        "the password must not reach the log"
    );
    assert!(!log.contains(login["token"].as_str().unwrap()));
    assert!(data.path().join("server.sqlite3").exists());
    assert!(data.path().join("photos").is_dir());

    // A second start on the same folder keeps the account and prints no password.
    let second = start(data.path());
    assert!(
        second.stdout.iter().all(|l| !l.contains("password")),
        "{:?}",
        second.stdout
    );
    let status = client
        .post(format!("http://{}/api/v1/office/login", second.addr))
        .json(&json!({"username": "admin", "password": password}))
        .send()
        .await
        .unwrap()
        .status();
    assert_eq!(status, reqwest::StatusCode::OK);
}
