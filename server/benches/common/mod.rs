//! What the server's benchmarks share: their sizes from the environment, a store opened
//! straight on either engine with a raw connection beside it for generated rows, and
//! (for the benches that go through the API) a test server on a runtime of their own.
#![allow(
    dead_code,
    unused_imports,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

pub use branchbook_server::db::Engine;
use branchbook_server::store::ServerStore;
pub use branchbook_testing::PG_URL_VAR;

/// A size read from the environment variable `var`, `default` when unset or unreadable.
pub fn size(var: &str, default: usize) -> usize {
    std::env::var(var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A raw connection next to a store, to fill its tables with generated rows.
enum Raw {
    Sqlite(rusqlite::Connection),
    Postgres(Box<postgres::Client>),
}

/// A fresh, migrated store (a temporary SQLite file, or a new database in the test
/// PostgreSQL cluster) and a raw connection to the same database.
pub struct Db {
    /// The store, as the server opens it.
    pub store: ServerStore,
    raw: Raw,
    _dir: tempfile::TempDir,
}

impl Db {
    /// A fresh store on `engine`; `None` for PostgreSQL when no cluster is configured.
    pub fn fresh(engine: Engine) -> Option<Db> {
        let dir = tempfile::tempdir().unwrap();
        let (store, raw) = match engine {
            Engine::Sqlite => {
                let store = ServerStore::open_sqlite(dir.path()).unwrap();
                let path = dir.path().join(branchbook_server::data_dir::SQLITE_FILE);
                (
                    store,
                    Raw::Sqlite(rusqlite::Connection::open(path).unwrap()),
                )
            }
            Engine::Postgres => {
                let url = branchbook_testing::pg::fresh_pg_url().unwrap()?;
                let store = ServerStore::open_postgres(url.parse().unwrap(), 8).unwrap();
                let client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
                (store, Raw::Postgres(Box::new(client)))
            }
        };
        Some(Db {
            store,
            raw,
            _dir: dir,
        })
    }

    /// Runs a script of statements on the raw connection, in one transaction, then
    /// refreshes the planner's statistics.
    pub fn run(&mut self, script: &str) {
        match &mut self.raw {
            Raw::Sqlite(conn) => conn
                .execute_batch(&format!("BEGIN; {script} COMMIT; ANALYZE;"))
                .unwrap(),
            Raw::Postgres(client) => {
                client
                    .batch_execute(&format!("BEGIN; {script} COMMIT;"))
                    .unwrap();
                // VACUUM refuses to run inside the transaction a multi-statement batch is.
                client.batch_execute("VACUUM ANALYZE").unwrap();
            }
        }
    }
}

/// Runs `work` on a multi-threaded tokio runtime of its own (the API benches' servers
/// live on it).
pub fn on_runtime<F: std::future::Future<Output = ()>>(work: F) {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(work);
}

/// A server with one branch, its phone and 100 households, holding `count` household-survey
/// submissions stored through the API `batch` per push (the API benches' world).
pub struct Stored {
    /// The running server.
    pub server: branchbook_testing::TestServer,
    /// The administrator's session token.
    pub admin: String,
    /// The form the submissions answer.
    pub form: branchbook_testing::fixtures::FormFixture,
    /// The last submission stored.
    pub last: uuid::Uuid,
}

/// Starts a server on `backend` and stores `count` submissions in it, each accepted and
/// linked to one of the households in turn, printing how long that took; `None` when
/// PostgreSQL is not configured.
pub async fn stored(
    backend: branchbook_testing::Backend,
    count: usize,
    batch: usize,
) -> Option<Stored> {
    use branchbook_core::protocol::{PushResponse, Record, RecordStatus};
    use branchbook_testing::fixtures::{household, household_form, submission};
    let name = format!("{backend:?}");
    let Some(server) = branchbook_testing::TestServer::start(backend, |c| {
        c.max_batch_records = u32::try_from(batch).unwrap();
    })
    .await
    else {
        println!("{name}: skipped ({PG_URL_VAR} not set)");
        return None;
    };
    let form = household_form();
    let (enrolled, admin) = server.one_device().await;
    let device = enrolled.token;
    let households: Vec<Record> = (0..100)
        .map(|i| household(uuid::Uuid::now_v7(), 1, i))
        .collect();
    server.push(&device, &households).await;
    let started = std::time::Instant::now();
    let mut last = uuid::Uuid::nil();
    for start in (0..count).step_by(batch) {
        let records: Vec<_> = (start..(start + batch).min(count))
            .map(|i| submission(&form, i, Some(households[i % households.len()].uuid), None))
            .collect();
        last = records.last().map_or(last, |r| r.uuid);
        let (status, body) = server.push_raw(&device, &records, true).await;
        assert!(status.is_success(), "{body}");
        let response: PushResponse = serde_json::from_value(body).unwrap();
        assert!(
            response
                .results
                .iter()
                .all(|r| r.status == RecordStatus::Accepted)
        );
    }
    println!(
        "{name}: stored {count} submissions in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    Some(Stored {
        server,
        admin,
        form,
        last,
    })
}
