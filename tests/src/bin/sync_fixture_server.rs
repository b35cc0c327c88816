//! A real server for tests written in other languages (the Kotlin tests on the JVM,
//! tests/jvm.sh): starts a server over SQLite on 127.0.0.1 with a branch, the test
//! household survey published and a roster of three members, prints the payload of a
//! first enrollment QR code (`{"server": .., "code": ..}`) on one line, then answers
//! commands read from stdin, one line each, until stdin closes (the test ends or dies),
//! and then stops the server and removes its data. Answers are plain text, so a test
//! needs no JSON library to read them.
//!
//! Commands (one a line):
//! - `qr`: the payload of a fresh enrollment QR code;
//! - `list submissions|gatherings`: what the server holds, items separated
//!   by spaces, each `UUID/REVISION/complete` or `UUID/REVISION/incomplete` (photos
//!   missing); an empty line when it holds none;
//! - `revoke DEVICE_ID`: revokes a device, `ok`.
//!
//! A command that fails answers `error: ...` and the server keeps running.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use branchbook_e2e::device::household_form_json;
use branchbook_e2e::scene::member;
use branchbook_e2e::server::{Backend, BranchSetup, HarnessError, TestServer};

/// Roster members the branch starts with.
const ROSTER: usize = 3;

/// Starts the server and sets up its branch.
fn start() -> Result<(TestServer, BranchSetup), HarnessError> {
    let server = TestServer::start(Backend::Sqlite, |_| {})?
        .ok_or_else(|| HarnessError::Start("SQLite is always available".into()))?;
    let setup = server.branch(&household_form_json())?;
    for i in 0..ROSTER {
        server.put_member(&setup, &member(i))?;
    }
    Ok((server, setup))
}

/// The answer to one command line.
fn answer(server: &TestServer, setup: &BranchSetup, line: &str) -> Result<String, HarnessError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    match words.as_slice() {
        ["qr"] => qr_line(server, setup),
        ["list", which @ ("submissions" | "gatherings")] => {
            let items: Vec<String> = server
                .list(setup, which)?
                .into_iter()
                .map(|(uuid, revision, complete)| {
                    format!(
                        "{uuid}/{revision}/{}",
                        if complete { "complete" } else { "incomplete" }
                    )
                })
                .collect();
            Ok(items.join(" "))
        }
        ["revoke", device_id] => {
            server.revoke(setup, device_id)?;
            Ok("ok".into())
        }
        _ => Ok(format!("error: unknown command {line:?}")),
    }
}

/// The payload of a fresh enrollment QR code, on one line.
fn qr_line(server: &TestServer, setup: &BranchSetup) -> Result<String, HarnessError> {
    serde_json::to_string(&server.enrollment(setup)?)
        .map_err(|e| HarnessError::Start(e.to_string()))
}

fn main() -> ExitCode {
    let (server, setup) = match start() {
        Ok(started) => started,
        Err(e) => {
            eprintln!("sync_fixture_server: {e}");
            return ExitCode::from(2);
        }
    };
    let first = match qr_line(&server, &setup) {
        Ok(qr) => qr,
        Err(e) => {
            eprintln!("sync_fixture_server: {e}");
            return ExitCode::from(2);
        }
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{first}").and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let reply = answer(&server, &setup, &line).unwrap_or_else(|e| format!("error: {e}"));
        if writeln!(out, "{reply}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
