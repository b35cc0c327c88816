//! The server's storage: one [`ServerStore`] whose logic is written once over [`crate::db`],
//! running on SQLite (embedded default) or PostgreSQL. Every method is synchronous and
//! runs its writes in one transaction; async code (the HTTP layer, the server's start)
//! reaches it only through the [`Gateway`], which runs the work on blocking threads.
//!
//! Methods are grouped by what they hold: [`areas`] (the tree), [`people`] (accounts, sessions),
//! [`devices`] (enrollment codes, device tokens), [`forms`], [`records`] (the push),
//! [`photos`], [`roster`] (members and changes for devices), [`read`] (lists, detail,
//! reviews, indicators for officials).

pub mod areas;
pub mod audit;
pub mod devices;
pub mod forms;
mod gateway;
mod names;
pub mod people;
pub mod photos;
pub mod read;
pub mod records;
pub mod refusal;
mod review_notices;
pub mod roster;
#[cfg(test)]
mod schema_tests;
pub mod tallies;

use std::path::Path;

pub use gateway::Gateway;

use crate::db::{AsDbError, Conn, Database, DbError, Engine};

/// A failure of the store.
#[derive(Debug, thiserror::Error)]
pub enum ServerStoreError {
    /// The database failed.
    #[error(transparent)]
    Db(#[from] DbError),
    /// Stored JSON could not be read back (a bug or a hand-edited database). Shown by
    /// position only: serde's own message quotes the offending value, and errors are logged.
    #[error("stored JSON is unreadable ({:?} error at line {} column {})", .0.classify(), .0.line(), .0.column())]
    Json(#[from] serde_json::Error),
    /// A referenced row does not exist.
    #[error("not found: {0}")]
    NotFound(String),
    /// A value the store cannot take (a size out of range), or stored data that cannot
    /// be read back as what it should be (a bug or a hand-edited database).
    #[error("{0}")]
    Invalid(String),
    /// A change the stored data refuses (a name taken, a branch under a branch, an
    /// archived area...), typed so that each audience can say why.
    #[error(transparent)]
    Refused(#[from] refusal::Refusal),
    /// The blocking task running the store call was lost.
    #[error("store task failed: {0}")]
    Task(String),
}

impl AsDbError for ServerStoreError {
    fn as_db_error(&self) -> Option<&DbError> {
        match self {
            ServerStoreError::Db(e) => Some(e),
            _ => None,
        }
    }
}

/// Work a migration runs after its scripts, written once in Rust for both engines.
type MigrationStep = fn(&mut dyn Conn) -> Result<(), ServerStoreError>;

/// One numbered migration, in each engine's dialect (`migrations/README.md` says how to
/// add one); applied in order, each once.
struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
    /// Work written once in Rust for both engines, run in the same transaction after the
    /// scripts (filling a new summary table from the stored rows).
    then: Option<MigrationStep>,
}

impl Migration {
    fn script(&self, engine: Engine) -> &'static str {
        match engine {
            Engine::Sqlite => self.sqlite,
            Engine::Postgres => self.postgres,
        }
    }
}

/// A migration from the two files of the same name in `migrations/sqlite` and
/// `migrations/postgres`.
macro_rules! migration {
    ($version:literal, $file:literal) => {
        migration!($version, $file, None)
    };
    ($version:literal, $file:literal, $then:expr) => {
        Migration {
            version: $version,
            sqlite: include_str!(concat!("migrations/sqlite/", $file)),
            postgres: include_str!(concat!("migrations/postgres/", $file)),
            then: $then,
        }
    };
}

const MIGRATIONS: &[Migration] = &[
    migration!(1, "001_initial.sql"),
    migration!(2, "002_photo_owners.sql"),
    migration!(3, "003_account_disabled.sql"),
    migration!(4, "004_indicators.sql"),
    migration!(5, "005_review_notices.sql"),
    migration!(6, "006_record_sender.sql"),
    migration!(7, "007_form_scope.sql"),
    migration!(8, "008_instance_name.sql"),
    // 009 created the summary tables and filled them; 012 remade and refills them (a
    // database migrating from before 009 runs both, so 009 fills nothing any more: its
    // fill would read 012's columns).
    migration!(9, "009_tallies.sql"),
    migration!(10, "010_audit_log.sql"),
    migration!(11, "011_instance_names.sql", Some(names::name_unnamed)),
    migration!(12, "012_walk_ins.sql", Some(tallies::rebuild)),
    migration!(13, "013_device_sync.sql"),
    migration!(14, "014_area_archive.sql"),
    migration!(15, "015_form_attachments.sql"),
    migration!(
        16,
        "016_old_review_notices.sql",
        Some(review_notices::place_old_decisions)
    ),
    migration!(17, "017_device_core_version.sql"),
    migration!(18, "018_records_pages.sql"),
];

/// The server's database.
pub struct ServerStore {
    db: std::sync::Arc<Database>,
    /// Whose administrative writes these are (see [`ServerStore::by`]); `None`: the
    /// server itself.
    actor: Option<uuid::Uuid>,
}

impl ServerStore {
    /// Opens (creating and migrating) the SQLite database `server.sqlite3` in `dir`.
    pub fn open_sqlite(dir: &Path) -> Result<ServerStore, ServerStoreError> {
        let db = Database::open_sqlite(&dir.join(crate::data_dir::SQLITE_FILE), 8)?;
        let store = ServerStore {
            db: std::sync::Arc::new(db),
            actor: None,
        };
        store.migrate()?;
        store.optimize()?;
        Ok(store)
    }

    /// Brings the query planner's statistics up to date (SQLite's `PRAGMA optimize`, as
    /// SQLite recommends for a long-lived database: at start, now and then while serving,
    /// and on close, which [`Database`] does itself); nothing on PostgreSQL, whose
    /// autovacuum analyzes its tables.
    pub fn optimize(&self) -> Result<(), ServerStoreError> {
        Ok(self.db.optimize()?)
    }

    /// Connects to PostgreSQL and migrates its schema, with the TLS `config`'s
    /// `sslmode` asks (the certificate unchecked, as libpq does for `require`).
    pub fn open_postgres(
        config: postgres::Config,
        max_connections: u32,
    ) -> Result<ServerStore, ServerStoreError> {
        let tls = crate::tls::PgTls::unverified(&config).map_err(crate::db::DbError::from)?;
        ServerStore::open_postgres_with(config, tls, max_connections)
    }

    /// Connects to PostgreSQL with `tls` (see [`crate::tls::postgres_config`]) and
    /// migrates its schema.
    pub fn open_postgres_with(
        config: postgres::Config,
        tls: crate::tls::PgTls,
        max_connections: u32,
    ) -> Result<ServerStore, ServerStoreError> {
        let db = Database::open_postgres(config, tls, max_connections)?;
        let store = ServerStore {
            db: std::sync::Arc::new(db),
            actor: None,
        };
        store.migrate()?;
        Ok(store)
    }

    /// The engine underneath, for logs and benchmarks.
    pub fn engine(&self) -> Engine {
        self.db.engine()
    }

    fn migrate(&self) -> Result<(), ServerStoreError> {
        let engine = self.db.engine();
        self.db.write(|conn| {
            if engine == Engine::Postgres {
                // Two servers starting at once must not both migrate.
                conn.exec("SELECT pg_advisory_xact_lock(7262)", &[])?;
            }
            conn.exec(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
                &[],
            )?;
            let applied = conn.query("SELECT version FROM schema_migrations", &[])?;
            let applied: Vec<i64> = applied.iter().map(|r| r.int(0)).collect::<Result<_, _>>()?;
            for migration in MIGRATIONS {
                let version = migration.version;
                if applied.contains(&version) {
                    continue;
                }
                conn.run_script(migration.script(engine))?;
                if let Some(then) = migration.then {
                    then(conn)?;
                }
                conn.exec(
                    "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                    &[version.into(), chrono::Utc::now().into()],
                )?;
                tracing::info!(version, "applied migration");
            }
            Ok::<_, ServerStoreError>(())
        })
    }
}

/// Reads a stored enum name (see [`crate::model::stored_name`]), refusing one the code
/// does not know.
fn named<T: serde::de::DeserializeOwned>(name: &str) -> Result<T, ServerStoreError> {
    crate::model::from_stored_name(name)
        .ok_or_else(|| ServerStoreError::Invalid(format!("unknown stored value {name:?}")))
}

/// Takes the next value of the global change counter, which orders roster and household
/// changes for devices' cursors. The counter row is locked until the transaction ends,
/// so cursors are handed out in commit order and a device never skips a change.
fn next_change_seq(conn: &mut dyn Conn) -> Result<i64, ServerStoreError> {
    let row = conn
        .query_opt(
            "UPDATE counters SET value = value + 1 WHERE name = 'changes' RETURNING value",
            &[],
        )?
        .ok_or_else(|| ServerStoreError::NotFound("change counter".into()))?;
    Ok(row.int(0)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_store_opens_twice_without_migrating_again() {
        let dir = tempfile::tempdir().unwrap();
        let store = ServerStore::open_sqlite(dir.path()).unwrap();
        assert!(!store.has_admin().unwrap());
        drop(store);
        let store = ServerStore::open_sqlite(dir.path()).unwrap();
        let versions = store
            .db
            .read(|c| c.query("SELECT version FROM schema_migrations", &[]))
            .unwrap();
        assert_eq!(versions.len(), MIGRATIONS.len());
    }

    /// Adds `count` communes under one province, in one transaction.
    fn add_communes(store: &ServerStore, count: usize) {
        store
            .db
            .write(|c| {
                let province = uuid::Uuid::now_v7();
                let now = chrono::Utc::now();
                c.exec(
                    "INSERT INTO areas (id, parent_id, level, name, path, created_at) VALUES ($1, NULL, 'province', $2, $3, $4)",
                    &[province.into(), province.to_string().into(), format!("/{province}/").into(), now.into()],
                )?;
                for i in 0..count {
                    let id = uuid::Uuid::now_v7();
                    c.exec(
                        "INSERT INTO areas (id, parent_id, level, name, path, created_at) VALUES ($1, $2, 'commune', $3, $4, $5)",
                        &[id.into(), province.into(), format!("Xã {i}").into(), format!("/{province}/{id}/").into(), now.into()],
                    )?;
                }
                Ok::<_, ServerStoreError>(())
            })
            .unwrap();
    }

    /// The rows the planner counted in `areas`, by SQLite's statistics (none before any).
    fn counted_areas(conn: &rusqlite::Connection) -> Option<i64> {
        let stat: Option<String> = conn
            .query_row(
                "SELECT stat FROM sqlite_stat1 WHERE tbl = 'areas' AND stat IS NOT NULL ORDER BY idx LIMIT 1",
                [],
                |row| row.get(0),
            )
            .ok();
        stat.and_then(|s| s.split(' ').next().and_then(|n| n.parse().ok()))
    }

    #[test]
    fn sqlite_keeps_the_planners_statistics_while_serving_and_on_close() {
        let path = |dir: &tempfile::TempDir| dir.path().join(crate::data_dir::SQLITE_FILE);
        // While serving: what the periodic task runs.
        let serving = tempfile::tempdir().unwrap();
        let store = ServerStore::open_sqlite(serving.path()).unwrap();
        add_communes(&store, 600);
        store.optimize().unwrap();
        let conn = rusqlite::Connection::open(path(&serving)).unwrap();
        assert_eq!(counted_areas(&conn), Some(601));
        drop((conn, store));
        // On close: the statistics are written before the connections go.
        let closing = tempfile::tempdir().unwrap();
        let store = ServerStore::open_sqlite(closing.path()).unwrap();
        add_communes(&store, 600);
        drop(store);
        let conn = rusqlite::Connection::open(path(&closing)).unwrap();
        assert_eq!(counted_areas(&conn), Some(601));
    }
}
