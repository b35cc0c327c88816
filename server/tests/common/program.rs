//! `branchbook-server` started as a program (the main job, as an operator runs it), with
//! its standard output read up to the line that says where it listens and its log kept.

use std::io::{BufRead, BufReader, Read};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Api;

/// How to start the program: its data folder, the PostgreSQL URL (SQLite when `None`)
/// and extra environment.
pub struct Program {
    pub data: PathBuf,
    pub database_url: Option<String>,
    pub env: Vec<(String, String)>,
    /// The open-file limit it runs with (`prlimit --nofile`), when not the inherited one.
    pub open_files: Option<u64>,
}

impl Program {
    /// The program on SQLite in `data`.
    pub fn new(data: PathBuf, database_url: Option<String>) -> Program {
        Program {
            data,
            database_url,
            env: Vec::new(),
            open_files: None,
        }
    }

    /// A fresh data folder and, on PostgreSQL, a fresh database (`None` when PostgreSQL
    /// is not available and not required).
    pub async fn fresh(backend: super::Backend) -> Option<(tempfile::TempDir, Program)> {
        let database_url = match backend {
            super::Backend::Sqlite => None,
            super::Backend::Postgres => Some(
                tokio::task::spawn_blocking(super::fresh_pg_url_blocking)
                    .await
                    .unwrap()?,
            ),
        };
        let data = tempfile::tempdir().unwrap();
        let program = Program::new(data.path().to_owned(), database_url);
        Some((data, program))
    }

    /// The command that starts it on `listen`, debug logging on.
    pub fn command(&self, listen: &str) -> Command {
        let program = env!("CARGO_BIN_EXE_branchbook-server");
        let mut command = match self.open_files {
            Some(n) => {
                let mut limited = Command::new("prlimit");
                limited.args([format!("--nofile={n}:{n}").as_str(), "--", program]);
                limited
            }
            None => Command::new(program),
        };
        command.args([
            "--data-dir",
            self.data.to_str().unwrap(),
            "--listen",
            listen,
        ]);
        if let Some(url) = &self.database_url {
            command.args(["--database-url", url]);
        }
        command.env("RUST_LOG", "debug");
        command.envs(self.env.iter().map(|(k, v)| (k, v)));
        command
    }

    /// Runs one of its commands (e.g. `reset-password admin`) on the same data to the end.
    pub fn run(&self, args: &[&str]) -> std::process::Output {
        let mut command = self.command("127.0.0.1:0");
        command.args(args);
        command.output().unwrap()
    }

    /// Starts it on a free port and reads its standard output up to the line that says
    /// where it listens.
    pub fn start(&self) -> Running {
        let mut child = self
            .command("127.0.0.1:0")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // The log is read as it comes, so a full pipe never stalls the server.
        let log = Arc::new(Mutex::new(String::new()));
        let mut stderr = child.stderr.take().unwrap();
        let reading = Arc::clone(&log);
        std::thread::spawn(move || {
            let mut buf = [0u8; 8192];
            while let Ok(n @ 1..) = stderr.read(&mut buf) {
                reading
                    .lock()
                    .unwrap()
                    .push_str(&String::from_utf8_lossy(&buf[..n]));
            }
        });
        let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
        let mut stdout = Vec::new();
        let addr = loop {
            let Some(line) = lines.next() else {
                let _ = child.wait();
                panic!(
                    "the server stopped before it listened: {stdout:?}\n{}",
                    log.lock().unwrap()
                );
            };
            let line = line.unwrap();
            stdout.push(line.clone());
            if let Some(rest) = line.strip_prefix("Listening on ") {
                break rest.trim().to_owned();
            }
        };
        Running {
            child,
            stdout,
            log,
            api: Api::new(addr),
        }
    }
}

/// A started program; killed if still running when dropped.
pub struct Running {
    child: Child,
    /// What it printed on standard output up to where it listens.
    pub stdout: Vec<String>,
    log: Arc<Mutex<String>>,
    /// A client for it.
    pub api: Api,
}

impl Running {
    /// The one-time password the first start printed, if this start printed one.
    pub fn one_time_password(&self) -> Option<String> {
        let line = self
            .stdout
            .iter()
            .find(|l| l.contains("one-time password"))?;
        Some(line.rsplit(' ').next().unwrap().to_owned())
    }

    /// A line of its `/proc/PID/status` in kB (`VmHWM`: peak resident memory, `VmRSS`).
    pub fn memory_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap();
        let line = status
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{field}:")))
            .unwrap_or_else(|| panic!("no {field} in {status}"));
        line.trim().trim_end_matches("kB").trim().parse().unwrap()
    }

    /// Its log so far (standard error).
    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Sends SIGTERM and waits (up to 30 s) for a clean exit; returns the whole log.
    pub fn terminate(self) -> String {
        self.send_sigterm();
        self.exit(Duration::from_secs(30))
    }

    /// Sends SIGTERM and returns at once (requests may still be in flight).
    pub fn send_sigterm(&self) {
        self.signal("-TERM");
    }

    /// Waits up to `within` for a clean exit (after [`Running::send_sigterm`]); returns
    /// the whole log.
    pub fn exit(mut self, within: Duration) -> String {
        let deadline = Instant::now() + within;
        let status = loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                Instant::now() < deadline,
                "no exit {within:?} after SIGTERM"
            );
            std::thread::sleep(Duration::from_millis(20));
        };
        // Standard error closes with the exit: let the reader take the last lines.
        std::thread::sleep(Duration::from_millis(100));
        let log = self.log.lock().unwrap().clone();
        assert!(status.success(), "exit after SIGTERM: {status}\n{log}");
        log
    }

    /// Its process id (to read its memory in `/proc`).
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Kills it at once (SIGKILL), as a power cut does.
    pub fn kill(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }

    fn signal(&self, signal: &str) {
        let pid = self.child.id().to_string();
        let sent = Command::new("kill").args([signal, &pid]).status().unwrap();
        assert!(sent.success());
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
