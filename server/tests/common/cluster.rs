//! A private PostgreSQL cluster in a folder the test chooses (the power-cut test puts it
//! on a disk that loses unsynced writes), with durable commits (`fsync=on`), unlike the
//! shared test cluster of `tests/postgres.sh`. As root, PostgreSQL runs as the
//! `postgres` system user (initdb refuses root).

use std::path::{Path, PathBuf};
use std::process::Command;

use super::PG_REQUIRED_VAR;

/// A cluster's folder, port and binaries.
pub struct Cluster {
    bin: PathBuf,
    pub data: PathBuf,
    socket_dir: tempfile::TempDir,
    port: u16,
    as_root: bool,
}

fn pg_bin_dir() -> Option<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|e| Some(e.ok()?.path().join("bin")))
        .filter(|bin| bin.join("initdb").exists())
        .collect();
    found.sort();
    found.pop()
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Cluster {
    /// Runs initdb in `data` (which must not exist yet); `None`, after saying so, when
    /// PostgreSQL is not installed and not required.
    pub fn init(data: &Path) -> Option<Cluster> {
        let Some(bin) = pg_bin_dir() else {
            if std::env::var(PG_REQUIRED_VAR).as_deref() == Ok("1") {
                panic!("PostgreSQL is not installed but {PG_REQUIRED_VAR}=1");
            }
            eprintln!("SKIPPED: PostgreSQL test (no /usr/lib/postgresql/*/bin/initdb)");
            return None;
        };
        let as_root = Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.starts_with(b"0\n"));
        let cluster = Cluster {
            bin,
            data: data.to_owned(),
            socket_dir: tempfile::tempdir().unwrap(),
            port: free_port(),
            as_root,
        };
        std::fs::create_dir_all(data).unwrap();
        cluster.give_to_postgres(data);
        cluster.give_to_postgres(cluster.socket_dir.path());
        let data_arg = data.to_str().unwrap().to_owned();
        cluster.run(
            "initdb",
            &[
                "-D",
                &data_arg,
                "-U",
                "branchbook",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-locale",
            ],
            &[],
        );
        Some(cluster)
    }

    /// As root, hands `path` (recursively) to the `postgres` user.
    pub fn give_to_postgres(&self, path: &Path) {
        if self.as_root {
            let status = Command::new("chown")
                .args(["-R", "postgres:postgres", path.to_str().unwrap()])
                .status()
                .unwrap();
            assert!(status.success());
        }
    }

    fn run(&self, tool: &str, args: &[&str], env: &[(String, String)]) {
        let output = self.command(tool, args, env).output().unwrap();
        assert!(
            output.status.success(),
            "{tool} {args:?}: {}\n{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn command(&self, tool: &str, args: &[&str], env: &[(String, String)]) -> Command {
        let program = self.bin.join(tool);
        let mut command = if self.as_root {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--", "env"]);
            c
        } else {
            Command::new("env")
        };
        command.args(env.iter().map(|(k, v)| format!("{k}={v}")));
        command.arg(&program).args(args);
        command
    }

    /// Starts the server process with `env` (commits are synced: `fsync=on`).
    pub fn start(&self, env: &[(String, String)]) {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=on -c synchronous_commit=on -c wal_sync_method=fdatasync -c full_page_writes=on",
            self.port,
            self.socket_dir.path().display()
        );
        let log = self.socket_dir.path().join("postgres.log");
        self.run(
            "pg_ctl",
            &[
                "-D",
                self.data.to_str().unwrap(),
                "-l",
                log.to_str().unwrap(),
                "-w",
                "-t",
                "60",
                "-o",
                &options,
                "start",
            ],
            env,
        );
    }

    /// Stops it at once: no checkpoint, nothing more written (as in a crash).
    pub fn stop_immediately(&self) {
        self.stop("immediate");
    }

    fn stop(&self, mode: &str) {
        self.run("pg_ctl", &self.stop_args(mode), &[]);
    }

    fn stop_args<'a>(&'a self, mode: &'a str) -> [&'a str; 6] {
        ["-D", self.data.to_str().unwrap(), "-m", mode, "-w", "stop"]
    }

    /// Its URL (the `postgres` database, user `branchbook`).
    pub fn url(&self) -> String {
        format!("postgresql://branchbook@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        // Whatever state a failed test left it in; errors are the test's to report.
        let _ = self
            .command("pg_ctl", &self.stop_args("fast"), &[])
            .output();
    }
}
