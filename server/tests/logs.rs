//! Nothing sensitive in the logs: the full story runs with every log line of the server
//! captured (all levels), and no name, token, password or enrollment code may appear;
//! and a database fault, logged as a server fault, never quotes the row it refused.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Write;
use std::sync::{Arc, Mutex};

use common::fixtures::SENSITIVE_NAMES;
use common::{Backend, TestServer};

/// A log sink shared with the test.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

async fn story_logs_nothing_sensitive(backend: Backend, captured: &Captured) {
    let Some(server) = TestServer::start(backend, |_| {}).await else {
        return;
    };
    let start = captured.0.lock().unwrap().len();
    let story = futures_util::FutureExt::catch_unwind(std::panic::AssertUnwindSafe(
        common::story::full_story(&server),
    ))
    .await;
    let secrets = match story {
        Ok(secrets) => secrets,
        Err(panic) => {
            // Say why the server refused: its faults and warnings, as it logged them
            // (which the rest of this test shows never quote a row).
            let logs = String::from_utf8_lossy(&captured.0.lock().unwrap()[start..]).into_owned();
            for line in logs
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("WARN"))
            {
                eprintln!("server log: {line}");
            }
            std::panic::resume_unwind(panic);
        }
    };
    drop(server);
    let logs = String::from_utf8(captured.0.lock().unwrap()[start..].to_vec()).unwrap();
    // The logs say what happened...
    assert!(logs.contains("push"), "pushes are logged");
    assert!(logs.contains("device enrolled"));
    assert!(logs.contains("/api/v1/records"));
    assert!(logs.lines().count() > 100, "one line per request at least");
    // ...but never who, nor any secret.
    let mut forbidden: Vec<String> = SENSITIVE_NAMES.iter().map(|s| (*s).to_owned()).collect();
    forbidden.extend(["Thào", "Dợ", "Páo", "Sua", "Bản Phìn", "thiếu năm sinh"].map(str::to_owned));
    forbidden.extend(secrets.tokens);
    forbidden.extend(secrets.passwords);
    for code in secrets.codes {
        forbidden.push(code.replace('-', ""));
        forbidden.push(code);
    }
    for needle in &forbidden {
        assert!(
            !logs.contains(needle.as_str()),
            "the logs contain {needle:?}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_full_story_logs_no_names_tokens_or_passwords() {
    let captured = Captured::default();
    let sink = captured.clone();
    // Everything the server logs, at every level, and the libraries at the server's default.
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "info,branchbook_server=trace",
        ))
        .with_ansi(false)
        .with_writer(move || sink.clone())
        .init();
    story_logs_nothing_sensitive(Backend::Sqlite, &captured).await;
    story_logs_nothing_sensitive(Backend::Postgres, &captured).await;
}

/// The text a refused write leaves in the log (`ApiError::Internal` logs the store
/// error's text): the value in the refused row must not be in it.
fn refused_write_text(db: &branchbook_server::db::Database) -> String {
    use branchbook_server::db::DbError;
    let secret = SENSITIVE_NAMES[0];
    let error = db
        .write(|conn| {
            conn.exec(
                "CREATE TABLE IF NOT EXISTS guarded (name TEXT NOT NULL UNIQUE CHECK (length(name) < 3))",
                &[],
            )?;
            conn.exec("INSERT INTO guarded (name) VALUES ($1)", &[secret.into()])?;
            Ok::<_, DbError>(())
        })
        .unwrap_err();
    let text = branchbook_server::store::ServerStoreError::from(error).to_string();
    assert!(
        !text.contains(secret),
        "a refused row reaches the log: {text}"
    );
    text
}

/// Plain threads, outside any runtime: the only place besides the store's gateway where
/// a database may be opened and used.
#[test]
fn database_faults_never_quote_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let sqlite =
        branchbook_server::db::Database::open_sqlite(&dir.path().join("t.sqlite3"), 1).unwrap();
    assert!(refused_write_text(&sqlite).contains("CHECK constraint failed"));
    if let Some(config) = common::fresh_pg_database_blocking() {
        let pg = branchbook_server::db::Database::open_postgres(
            config.clone(),
            branchbook_server::tls::PgTls::unverified(&config).unwrap(),
            1,
        )
        .unwrap();
        let text = refused_write_text(&pg);
        assert!(text.contains("SQLSTATE 23514"), "{text}");
        assert!(text.contains("table guarded"), "{text}");
    }
    // Stored JSON that cannot be read back is reported by position, not by content.
    let bad = serde_json::from_str::<u32>(&format!("\"{}\"", SENSITIVE_NAMES[1])).unwrap_err();
    let text = branchbook_server::store::ServerStoreError::from(bad).to_string();
    assert!(!text.contains(SENSITIVE_NAMES[1]), "{text}");
    assert!(text.contains("line 1"), "{text}");
}
