//! The one real server for tests written in other languages (the Kotlin tests of the
//! bindings and of the Android app's presenters, on the JVM: tests/jvm.sh): starts a
//! server over SQLite on 127.0.0.1 with a branch, a form published and a roster, prints
//! the payload of a first enrollment QR code (`{"server": .., "code": ..}`) on one line,
//! then answers commands read from stdin, one line each, until stdin closes (the test ends
//! or dies), and then stops the server and removes its data. Answers are plain text, so a
//! test needs no JSON library to read them.
//!
//! Options:
//! - `--form FILE`: the form (its JSON) to publish; the test household survey when absent;
//! - `--branch NAME`: the branch's name (`Chi hội Bản Dền` when absent);
//! - `--roster N`: roster members the branch starts with (3 when absent).
//!
//! Commands (one a line):
//! - `qr`: the payload of a fresh enrollment QR code;
//! - `list submissions|gatherings`: what the server holds, items separated
//!   by spaces, each `UUID/REVISION/complete` or `UUID/REVISION/incomplete` (photos
//!   missing); an empty line when it holds none;
//! - `holds UUID`: `yes` when the server holds that record (of any kind), else `no`;
//! - `revoke DEVICE_ID`: revokes a device, `ok`;
//! - `review UUID STATE COMMENT...`: an officer's review decision (`approved`,
//!   `has_issues`, `rejected`) on record UUID with the rest of the line as its comment, `ok`;
//! - `state UUID`: the record's latest revision and review state, `REVISION/STATE`;
//! - `stop`: stops the server (a phone then finds no network), `ok`; the commands after
//!   it answer errors.
//!
//! A command that fails answers `error: ...` and the server keeps running.

use std::io::{BufRead, Write};
use std::process::ExitCode;

use branchbook_e2e::device::household_form_json;
use branchbook_e2e::scene::member;
use branchbook_testing::blocking::BRANCH_NAME;
use branchbook_testing::{Backend, BlockingServer, BranchSetup, HarnessError};
use uuid::Uuid;

/// What the branch starts with.
struct Options {
    form_json: String,
    branch: String,
    roster: usize,
}

impl Options {
    /// Reads the command line.
    fn parse(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
        let mut options = Options {
            form_json: household_form_json(),
            branch: BRANCH_NAME.to_owned(),
            roster: 3,
        };
        while let Some(flag) = args.next() {
            let value = args.next().ok_or_else(|| format!("{flag} needs a value"))?;
            match flag.as_str() {
                "--form" => {
                    options.form_json = std::fs::read_to_string(&value)
                        .map_err(|e| format!("--form {value}: {e}"))?;
                }
                "--branch" => options.branch = value,
                "--roster" => {
                    options.roster = value
                        .parse()
                        .map_err(|e| format!("--roster {value}: {e}"))?;
                }
                _ => return Err(format!("unknown option {flag}")),
            }
        }
        Ok(options)
    }
}

/// Starts the server and sets up its branch.
fn start(options: &Options) -> Result<(BlockingServer, BranchSetup), HarnessError> {
    let server = BlockingServer::start(Backend::Sqlite, |_| {})?
        .ok_or_else(|| HarnessError::Start("SQLite is always available".into()))?;
    let setup = server.branch_named(&options.branch, &options.form_json)?;
    for i in 0..options.roster {
        server.put_member(&setup, &member(i))?;
    }
    Ok((server, setup))
}

/// The answer to one command line; `server` is `None` once stopped.
fn answer(
    server: &mut Option<BlockingServer>,
    setup: &BranchSetup,
    line: &str,
) -> Result<String, HarnessError> {
    let words: Vec<&str> = line.split_whitespace().collect();
    if words == ["stop"] {
        *server = None;
        return Ok("ok".into());
    }
    let Some(server) = server else {
        return Ok("error: the server was stopped".into());
    };
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
        ["holds", uuid] => match uuid.parse::<Uuid>() {
            Ok(uuid) => Ok(if server.holds(setup, uuid)? {
                "yes"
            } else {
                "no"
            }
            .into()),
            Err(e) => Ok(format!("error: {uuid}: {e}")),
        },
        ["version", device_id] => {
            let devices = server.devices(setup)?;
            let device = devices
                .as_array()
                .into_iter()
                .flatten()
                .find(|d| d["id"].as_str() == Some(device_id));
            Ok(match device {
                Some(d) => format!(
                    "{}/{}",
                    d["last_sync"]["app_version"].as_str().unwrap_or("-"),
                    d["last_sync"]["core_version"].as_str().unwrap_or("-")
                ),
                None => format!("error: no device {device_id}"),
            })
        }
        ["revoke", device_id] => {
            server.revoke(setup, device_id)?;
            Ok("ok".into())
        }
        ["review", uuid, state, ..] => match uuid.parse::<Uuid>() {
            Ok(id) => {
                let comment = line
                    .trim_start()
                    .splitn(4, char::is_whitespace)
                    .nth(3)
                    .unwrap_or_default();
                server.review(setup, id, state, comment.trim())?;
                Ok("ok".into())
            }
            Err(e) => Ok(format!("error: {uuid}: {e}")),
        },
        ["state", uuid] => match uuid.parse::<Uuid>() {
            Ok(id) => {
                let detail = server.record(setup, id)?;
                Ok(format!(
                    "{}/{}",
                    detail["record"]["revision"],
                    detail["record"]["review_state"]
                        .as_str()
                        .unwrap_or_default()
                ))
            }
            Err(e) => Ok(format!("error: {uuid}: {e}")),
        },
        _ => Ok(format!("error: unknown command {line:?}")),
    }
}

/// The payload of a fresh enrollment QR code, on one line.
fn qr_line(server: &BlockingServer, setup: &BranchSetup) -> Result<String, HarnessError> {
    serde_json::to_string(&server.enrollment(setup)?)
        .map_err(|e| HarnessError::Answer(e.to_string()))
}

fn main() -> ExitCode {
    let options = match Options::parse(std::env::args().skip(1)) {
        Ok(options) => options,
        Err(e) => {
            eprintln!("sync_fixture_server: {e}");
            return ExitCode::from(2);
        }
    };
    let (server, setup) = match start(&options) {
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
    let mut server = Some(server);
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{first}").and_then(|()| out.flush()).is_err() {
        return ExitCode::from(1);
    }
    for line in std::io::stdin().lock().lines() {
        let Ok(line) = line else { break };
        if line.trim().is_empty() {
            continue;
        }
        let reply = answer(&mut server, &setup, &line).unwrap_or_else(|e| format!("error: {e}"));
        if writeln!(out, "{reply}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    ExitCode::SUCCESS
}
