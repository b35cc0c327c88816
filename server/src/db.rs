//! The thin SQL layer under the store: one [`Conn`] interface with two implementations,
//! SQLite (rusqlite, the embedded default) and PostgreSQL (production). The store's
//! logic is written once against [`Conn`]; this module owns what differs between the
//! two engines: connecting, pooling, placeholders, value conversion, transactions and
//! the retry of a PostgreSQL transaction that lost a deadlock.
//!
//! Values cross as three kinds only ([`Value`]): integers, text and NULL. Ids are stored
//! as text, times as fixed-width RFC 3339 text (so text order is time order), JSON as
//! text, booleans as 0/1. Both engines then run the same SQL, written with `$1`-style
//! placeholders, which each driver binds by number (see [`SqliteConn::bind`]).

use std::cell::Cell;
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

use chrono::{DateTime, SecondsFormat, Utc};
use postgres_types::{IsNull, ToSql, Type, to_sql_checked};
use uuid::Uuid;

use crate::tls::PgTls;

/// A failure of the database layer.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    /// SQLite refused a statement.
    #[error("sqlite: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL refused a statement or the connection failed. Shown without the
    /// values PostgreSQL quotes back (see [`postgres_summary`]), since errors are logged.
    #[error("postgres: {}", postgres_summary(.0))]
    Postgres(#[from] postgres::Error),
    /// No connection could be taken from the pool in time.
    #[error("connection pool: {0}")]
    Pool(#[from] r2d2::Error),
    /// TLS to PostgreSQL could not be set up as the URL asks.
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    /// The database was closed.
    #[error("the database is closed")]
    Closed,
    /// A connection was about to be opened, used or closed on a thread that drives async
    /// tasks, where blocking stalls every request on that thread (and the synchronous
    /// PostgreSQL client panics): async code must reach the store through
    /// [`crate::store::Gateway`].
    #[error("database work on an async thread: reach the store through its gateway")]
    AsyncThread,
    /// A statement's placeholders do not match its parameters (a bug): the store writes
    /// `$1`, `$2`... and passes one value for each number.
    #[error("placeholders: {0}")]
    Placeholders(String),
    /// A column held something the code did not expect (a bug or a hand-edited database).
    #[error("unexpected value in column {column}: {detail}")]
    Decode {
        /// Column index.
        column: usize,
        /// What was wrong.
        detail: String,
    },
}

/// A PostgreSQL error as it may be logged: the SQLSTATE and the names of the table,
/// column and constraint involved, never the row. PostgreSQL's DETAIL ("Failing row
/// contains (...)", "Key (...)=(...)") and the message of a data or constraint error
/// ("invalid input syntax for type uuid: \"...\"") quote the values, which may be
/// answers, names or token hashes.
pub fn postgres_summary(e: &postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        // Connection and protocol failures carry no row data; their cause says what
        // failed ("server does not support TLS", a certificate refused).
        let mut out = e.to_string();
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            out.push_str(&format!(": {c}"));
            cause = c.source();
        }
        return out;
    };
    let code = db.code().code();
    let mut out = if code.starts_with("22") || code.starts_with("23") {
        format!("SQLSTATE {code}")
    } else {
        format!("{} (SQLSTATE {code})", db.message())
    };
    for (what, name) in [
        ("table", db.table()),
        ("column", db.column()),
        ("constraint", db.constraint()),
    ] {
        if let Some(name) = name {
            out.push_str(&format!(", {what} {name}"));
        }
    }
    out
}

impl DbError {
    /// True when a UNIQUE or PRIMARY KEY constraint refused the statement.
    pub fn is_unique_violation(&self) -> bool {
        match self {
            DbError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || e.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY
            }
            DbError::Postgres(e) => e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION),
            _ => false,
        }
    }

    /// True for a PostgreSQL transaction that lost a deadlock or a serialization race:
    /// running it again is the correct response.
    fn is_retryable(&self) -> bool {
        match self {
            DbError::Postgres(e) => e.code().is_some_and(|c| {
                *c == postgres::error::SqlState::T_R_DEADLOCK_DETECTED
                    || *c == postgres::error::SqlState::T_R_SERIALIZATION_FAILURE
            }),
            _ => false,
        }
    }
}

/// One SQL value as the store binds and reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// SQL NULL.
    Null,
    /// An integer (also booleans as 0/1).
    Int(i64),
    /// Text (also ids, times and JSON).
    Text(String),
}

impl From<i64> for Value {
    fn from(v: i64) -> Self {
        Value::Int(v)
    }
}
impl From<u32> for Value {
    fn from(v: u32) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<bool> for Value {
    fn from(v: bool) -> Self {
        Value::Int(i64::from(v))
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Self {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Self {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Self {
        Value::Text(v.clone())
    }
}
impl From<Uuid> for Value {
    fn from(v: Uuid) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<&Uuid> for Value {
    fn from(v: &Uuid) -> Self {
        Value::Text(v.to_string())
    }
}
impl From<DateTime<Utc>> for Value {
    fn from(v: DateTime<Utc>) -> Self {
        Value::Text(time_text(v))
    }
}
impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// The stored text of a time: UTC, microseconds, fixed width, so text order is time order.
pub fn time_text(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl ToSql for Value {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut bytes::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(i) if *ty == Type::INT4 => i32::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) if *ty == Type::INT2 => i16::try_from(*i)?.to_sql(ty, out),
            Value::Int(i) => i.to_sql(ty, out),
            Value::Text(s) => s.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

/// What kind of value a column held, for an error that must not quote the value itself.
fn kind_of(value: Option<&Value>) -> &'static str {
    match value {
        None => "no such column",
        Some(Value::Null) => "NULL",
        Some(Value::Int(_)) => "a number",
        Some(Value::Text(_)) => "text",
    }
}

/// One result row.
#[derive(Debug, Clone)]
pub struct Row(Vec<Value>);

impl Row {
    fn decode_error(column: usize, detail: impl Into<String>) -> DbError {
        DbError::Decode {
            column,
            detail: detail.into(),
        }
    }

    /// The integer in column `i`.
    pub fn int(&self, i: usize) -> Result<i64, DbError> {
        self.opt_int(i)?
            .ok_or_else(|| Self::decode_error(i, "NULL where a number was expected"))
    }

    /// The integer in column `i`, or `None` for NULL.
    pub fn opt_int(&self, i: usize) -> Result<Option<i64>, DbError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(Some(*v)),
            Some(Value::Null) => Ok(None),
            other => Err(Self::decode_error(
                i,
                format!("expected a number, found {}", kind_of(other)),
            )),
        }
    }

    /// The 0/1 flag in column `i`.
    pub fn flag(&self, i: usize) -> Result<bool, DbError> {
        Ok(self.int(i)? != 0)
    }

    /// The text in column `i`.
    pub fn text(&self, i: usize) -> Result<String, DbError> {
        self.opt_text(i)?
            .ok_or_else(|| Self::decode_error(i, "NULL where text was expected"))
    }

    /// The text in column `i`, or `None` for NULL.
    pub fn opt_text(&self, i: usize) -> Result<Option<String>, DbError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(Some(v.clone())),
            Some(Value::Null) => Ok(None),
            other => Err(Self::decode_error(
                i,
                format!("expected text, found {}", kind_of(other)),
            )),
        }
    }

    /// The id in column `i`.
    pub fn uuid(&self, i: usize) -> Result<Uuid, DbError> {
        let text = self.text(i)?;
        Uuid::parse_str(&text).map_err(|e| Self::decode_error(i, e.to_string()))
    }

    /// The id in column `i`, or `None` for NULL.
    pub fn opt_uuid(&self, i: usize) -> Result<Option<Uuid>, DbError> {
        match self.opt_text(i)? {
            Some(t) => Uuid::parse_str(&t)
                .map(Some)
                .map_err(|e| Self::decode_error(i, e.to_string())),
            None => Ok(None),
        }
    }

    /// The time in column `i`.
    pub fn time(&self, i: usize) -> Result<DateTime<Utc>, DbError> {
        self.opt_time(i)?
            .ok_or_else(|| Self::decode_error(i, "NULL where a time was expected"))
    }

    /// The time in column `i`, or `None` for NULL.
    pub fn opt_time(&self, i: usize) -> Result<Option<DateTime<Utc>>, DbError> {
        match self.opt_text(i)? {
            Some(t) => DateTime::parse_from_rfc3339(&t)
                .map(|d| Some(d.with_timezone(&Utc)))
                .map_err(|e| Self::decode_error(i, e.to_string())),
            None => Ok(None),
        }
    }
}

/// A connection (or an open transaction on one) that runs SQL.
pub trait Conn {
    /// Runs a statement, returning the number of rows it changed.
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError>;
    /// Runs a query, returning every row.
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError>;

    /// Runs a script of statements without parameters (a migration) through the driver's
    /// batch interface, which parses the statements itself (a `;` inside a literal is
    /// text, not a separator).
    fn run_script(&mut self, script: &str) -> Result<(), DbError>;

    /// Runs a query expected to return at most one row.
    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, DbError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

thread_local! {
    /// Set while this thread runs store work for async code (see [`on_store_thread`]).
    static STORE_THREAD: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f` as store work on behalf of async code: the one place (called by
/// [`crate::store::Gateway`] on tokio's blocking pool) where a thread inside the runtime
/// may open, use and close connections.
pub(crate) fn on_store_thread<T>(f: impl FnOnce() -> T) -> T {
    struct Restore(bool);
    impl Drop for Restore {
        fn drop(&mut self) {
            STORE_THREAD.set(self.0);
        }
    }
    let _restore = Restore(STORE_THREAD.replace(true));
    f()
}

/// True where connections may block: a thread outside any tokio runtime (a test, a
/// benchmark, r2d2's own threads) or one running [`on_store_thread`]. Everywhere else in
/// a runtime (its async workers, and blocking threads not started by the gateway) a
/// connection is refused with [`DbError::AsyncThread`] before it is touched.
fn may_block() -> bool {
    STORE_THREAD.get() || tokio::runtime::Handle::try_current().is_err()
}

fn check_thread() -> Result<(), DbError> {
    if may_block() {
        Ok(())
    } else {
        Err(DbError::AsyncThread)
    }
}

/// Which engine a database runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A pooled database of either engine.
pub struct Database {
    /// Always `Some` until the database is dropped.
    pool: Option<Pool>,
    /// SQLite allows one writer: writers queue here rather than spin on SQLite's lock.
    write_lock: Mutex<()>,
}

enum Pool {
    Sqlite(r2d2::Pool<SqliteManager>),
    Postgres(r2d2::Pool<PostgresManager>),
}

impl Database {
    /// Opens (creating if needed) the SQLite database file at `path`.
    pub fn open_sqlite(path: &Path, max_connections: u32) -> Result<Database, DbError> {
        check_thread()?;
        let manager = SqliteManager {
            path: path.to_owned(),
        };
        let pool = r2d2::Pool::builder()
            .max_size(max_connections.max(1))
            .connection_timeout(Duration::from_secs(30))
            .build(manager)?;
        Ok(Database {
            pool: Some(Pool::Sqlite(pool)),
            write_lock: Mutex::new(()),
        })
    }

    /// Connects to the PostgreSQL database that `config` names, with `tls`. One
    /// connection is made first, so that a database that cannot be reached, or refuses
    /// the TLS asked (`sslmode=require` against a server without TLS), is said at once.
    pub fn open_postgres(
        config: postgres::Config,
        tls: PgTls,
        max_connections: u32,
    ) -> Result<Database, DbError> {
        check_thread()?;
        let manager = PostgresManager { config, tls };
        drop(r2d2::ManageConnection::connect(&manager)?);
        let pool = r2d2::Pool::builder()
            .max_size(max_connections.max(1))
            .connection_timeout(Duration::from_secs(30))
            .build(manager)?;
        Ok(Database {
            pool: Some(Pool::Postgres(pool)),
            write_lock: Mutex::new(()),
        })
    }

    /// The engine underneath.
    pub fn engine(&self) -> Engine {
        match self.pool {
            Some(Pool::Postgres(_)) => Engine::Postgres,
            _ => Engine::Sqlite,
        }
    }

    /// The pool, once this thread is known to be one where connections may block.
    fn pool(&self) -> Result<&Pool, DbError> {
        check_thread()?;
        self.pool.as_ref().ok_or(DbError::Closed)
    }

    /// Runs `f` on a connection outside any explicit transaction (single reads).
    pub fn read<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, E>,
    ) -> Result<T, E> {
        match self.pool()? {
            Pool::Sqlite(pool) => {
                let conn = pool.get().map_err(DbError::from)?;
                f(&mut SqliteConn(&conn))
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.get().map_err(DbError::from)?;
                f(&mut *conn)
            }
        }
    }

    /// Runs `f`'s reads inside one read-only transaction, so that they all see the same
    /// moment however many writes commit meanwhile: REPEATABLE READ on PostgreSQL, one
    /// read transaction (a WAL snapshot) on SQLite. For answers made of several queries
    /// that must agree (the dashboard's tables and their totals).
    pub fn snapshot<T, E: From<DbError>>(
        &self,
        f: impl FnOnce(&mut dyn Conn) -> Result<T, E>,
    ) -> Result<T, E> {
        match self.pool()? {
            Pool::Sqlite(pool) => {
                let conn = pool.get().map_err(DbError::from)?;
                conn.execute_batch("BEGIN DEFERRED")
                    .map_err(DbError::from)?;
                let result = f(&mut SqliteConn(&conn));
                finish(result, |sql| conn.execute_batch(sql).map_err(DbError::from))
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.get().map_err(DbError::from)?;
                conn.client
                    .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .map_err(DbError::from)?;
                let result = f(&mut *conn);
                finish(result, |sql| {
                    conn.client.batch_execute(sql).map_err(DbError::from)
                })
            }
        }
    }

    /// Runs `f` inside one transaction: committed when `f` returns `Ok`, rolled back
    /// otherwise. A PostgreSQL transaction that lost a deadlock is run again from the start
    /// (so `f` must not have effects outside the database).
    pub fn write<T, E>(&self, mut f: impl FnMut(&mut dyn Conn) -> Result<T, E>) -> Result<T, E>
    where
        E: From<DbError> + AsDbError,
    {
        match self.pool()? {
            Pool::Sqlite(pool) => {
                let conn = pool.get().map_err(DbError::from)?;
                let _writer = self
                    .write_lock
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                conn.execute_batch("BEGIN IMMEDIATE")
                    .map_err(DbError::from)?;
                let result = f(&mut SqliteConn(&conn));
                finish(result, |sql| conn.execute_batch(sql).map_err(DbError::from))
            }
            Pool::Postgres(pool) => {
                let mut conn = pool.get().map_err(DbError::from)?;
                let mut attempt = 0;
                loop {
                    attempt += 1;
                    conn.client.batch_execute("BEGIN").map_err(DbError::from)?;
                    let result = f(&mut *conn);
                    let retry = matches!(&result, Err(e) if e.as_db_error().is_some_and(DbError::is_retryable));
                    let done = finish(result, |sql| {
                        conn.client.batch_execute(sql).map_err(DbError::from)
                    });
                    if retry && attempt < 10 {
                        tracing::debug!(attempt, "transaction lost a deadlock; running it again");
                        std::thread::sleep(Duration::from_millis(5 * attempt));
                        continue;
                    }
                    return done;
                }
            }
        }
    }
}

/// SQLite's own upkeep of the query planner's statistics: `ANALYZE` of each table that
/// has none yet or has changed much since (bit 0x02), looking at every table rather than
/// only those this connection used (0x10000), each with a bounded sample so it stays
/// quick on 100k+ records. The form SQLite recommends for long-lived connections, run at
/// start, now and then, and before closing.
const SQLITE_OPTIMIZE: &str = "PRAGMA optimize = 0x10002";

impl Pool {
    /// Keeps the planner's statistics current (SQLite); PostgreSQL's autovacuum analyzes
    /// its tables itself, so nothing is done there.
    fn optimize(&self) -> Result<(), DbError> {
        match self {
            Pool::Sqlite(pool) => {
                let conn = pool.get().map_err(DbError::from)?;
                conn.execute_batch(SQLITE_OPTIMIZE).map_err(DbError::from)
            }
            Pool::Postgres(_) => Ok(()),
        }
    }

    /// Optimizes (see [`Pool::optimize`]), then closes every connection.
    fn close(self) {
        if let Err(e) = self.optimize() {
            tracing::warn!(error = %e, "could not update the query planner's statistics");
        }
    }
}

impl Database {
    /// Brings the query planner's statistics up to date, so it keeps choosing the right
    /// indexes as the tables grow (SQLite's `PRAGMA optimize`; nothing on PostgreSQL).
    pub fn optimize(&self) -> Result<(), DbError> {
        self.pool()?.optimize()
    }
}

impl Drop for Database {
    fn drop(&mut self) {
        // Closing connections blocks (SQLite optimizes and checkpoints; the synchronous
        // PostgreSQL client runs a runtime of its own, which panics inside another): where
        // that may not happen, close them on a plain thread of their own.
        if let Some(pool) = self.pool.take() {
            if may_block() {
                pool.close();
            } else {
                std::thread::spawn(move || pool.close());
            }
        }
    }
}

/// Errors that may wrap a [`DbError`], so [`Database::write`] can tell a lost deadlock.
pub trait AsDbError {
    /// The database error inside, if this is one.
    fn as_db_error(&self) -> Option<&DbError>;
}

impl AsDbError for DbError {
    fn as_db_error(&self) -> Option<&DbError> {
        Some(self)
    }
}

fn finish<T, E: From<DbError>>(
    result: Result<T, E>,
    run: impl FnOnce(&str) -> Result<(), DbError>,
) -> Result<T, E> {
    match result {
        Ok(v) => {
            run("COMMIT")?;
            Ok(v)
        }
        Err(e) => {
            if let Err(rollback) = run("ROLLBACK") {
                tracing::warn!(error = %rollback, "rollback failed");
            }
            Err(e)
        }
    }
}

struct SqliteManager {
    path: std::path::PathBuf,
}

impl r2d2::ManageConnection for SqliteManager {
    type Connection = rusqlite::Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<rusqlite::Connection, rusqlite::Error> {
        let conn = rusqlite::Connection::open(&self.path)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        // synchronous = FULL: every commit syncs the WAL before it returns, so what the
        // server acknowledges (an accepted record, a finished photo) survives a power
        // cut. NORMAL syncs only at checkpoints: a crash could take back an answer the
        // phone already counted as sent.
        conn.execute_batch(
            "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;",
        )?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(conn)
    }

    fn is_valid(&self, conn: &mut rusqlite::Connection) -> Result<(), rusqlite::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _: &mut rusqlite::Connection) -> bool {
        false
    }
}

struct SqliteConn<'a>(&'a rusqlite::Connection);

impl SqliteConn<'_> {
    /// Binds `params` by the number in each placeholder's name (`$1` is `params[0]`), as
    /// PostgreSQL reads them. SQLite takes `$1` as a named parameter and numbers named
    /// parameters by first appearance, so binding by position would swap the values of
    /// `$2 ... $1`.
    fn bind(stmt: &mut rusqlite::Statement<'_>, params: &[Value]) -> Result<(), DbError> {
        let numbers = (1..=stmt.parameter_count())
            .map(|index| {
                let name = stmt.parameter_name(index);
                name.and_then(|n| n.strip_prefix('$'))
                    .and_then(|n| n.parse::<usize>().ok())
                    .filter(|n| (1..=params.len()).contains(n))
                    .ok_or_else(|| {
                        DbError::Placeholders(format!(
                            "{} with {} parameters (write $1 to ${})",
                            name.unwrap_or("?"),
                            params.len(),
                            params.len()
                        ))
                    })
            })
            .collect::<Result<Vec<usize>, DbError>>()?;
        if numbers.len() < params.len() {
            return Err(DbError::Placeholders(format!(
                "{} parameters for {} placeholders",
                params.len(),
                numbers.len()
            )));
        }
        for (index, number) in numbers.into_iter().enumerate() {
            stmt.raw_bind_parameter(index + 1, &params[number - 1])?;
        }
        Ok(())
    }
}

impl rusqlite::ToSql for Value {
    fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
        use rusqlite::types::{ToSqlOutput, ValueRef};
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Value::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl Conn for SqliteConn<'_> {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let mut stmt = self.0.prepare_cached(sql)?;
        Self::bind(&mut stmt, params)?;
        Ok(stmt.raw_execute()? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        use rusqlite::types::ValueRef;
        let mut stmt = self.0.prepare_cached(sql)?;
        Self::bind(&mut stmt, params)?;
        let columns = stmt.column_count();
        let mut rows = stmt.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut values = Vec::with_capacity(columns);
            for i in 0..columns {
                values.push(match row.get_ref(i)? {
                    ValueRef::Null => Value::Null,
                    ValueRef::Integer(v) => Value::Int(v),
                    // The store keeps integers and text only; a real number would have
                    // to be rounded to cross, so it is refused instead.
                    ValueRef::Real(_) => {
                        return Err(DbError::Decode {
                            column: i,
                            detail: "a real number, which the store does not read".into(),
                        });
                    }
                    ValueRef::Text(t) | ValueRef::Blob(t) => {
                        Value::Text(String::from_utf8_lossy(t).into_owned())
                    }
                });
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn run_script(&mut self, script: &str) -> Result<(), DbError> {
        Ok(self.0.execute_batch(script)?)
    }
}

struct PostgresManager {
    config: postgres::Config,
    tls: PgTls,
}

/// A PostgreSQL connection with its cache of prepared statements.
pub struct PgConn {
    client: postgres::Client,
    statements: HashMap<String, postgres::Statement>,
}

impl r2d2::ManageConnection for PostgresManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<PgConn, postgres::Error> {
        let client = match &self.tls {
            PgTls::Off => self.config.connect(postgres::NoTls)?,
            PgTls::On(tls) => self.config.connect(tls.clone())?,
        };
        Ok(PgConn {
            client,
            statements: HashMap::new(),
        })
    }

    fn is_valid(&self, conn: &mut PgConn) -> Result<(), postgres::Error> {
        conn.client.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut PgConn) -> bool {
        conn.client.is_closed()
    }
}

impl PgConn {
    fn statement(&mut self, sql: &str) -> Result<postgres::Statement, DbError> {
        if let Some(s) = self.statements.get(sql) {
            return Ok(s.clone());
        }
        let s = self.client.prepare(sql)?;
        self.statements.insert(sql.to_owned(), s.clone());
        Ok(s)
    }

    fn params(params: &[Value]) -> Vec<&(dyn ToSql + Sync)> {
        params.iter().map(|p| p as &(dyn ToSql + Sync)).collect()
    }
}

impl Conn for PgConn {
    fn exec(&mut self, sql: &str, params: &[Value]) -> Result<u64, DbError> {
        let stmt = self.statement(sql)?;
        Ok(self.client.execute(&stmt, &Self::params(params))?)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, DbError> {
        let stmt = self.statement(sql)?;
        let rows = self.client.query(&stmt, &Self::params(params))?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let mut values = Vec::with_capacity(row.len());
            for (i, column) in row.columns().iter().enumerate() {
                let ty = column.type_();
                let value = if *ty == Type::INT8 {
                    row.try_get::<_, Option<i64>>(i)?.map(Value::Int)
                } else if *ty == Type::INT4 {
                    row.try_get::<_, Option<i32>>(i)?
                        .map(|v| Value::Int(i64::from(v)))
                } else if *ty == Type::INT2 {
                    row.try_get::<_, Option<i16>>(i)?
                        .map(|v| Value::Int(i64::from(v)))
                } else if *ty == Type::BOOL {
                    row.try_get::<_, Option<bool>>(i)?.map(Value::from)
                } else if *ty == Type::TEXT || *ty == Type::VARCHAR || *ty == Type::NAME {
                    row.try_get::<_, Option<String>>(i)?.map(Value::Text)
                } else {
                    return Err(DbError::Decode {
                        column: i,
                        detail: format!("unsupported column type {ty}"),
                    });
                };
                values.push(value.unwrap_or(Value::Null));
            }
            out.push(Row(values));
        }
        Ok(out)
    }

    fn run_script(&mut self, script: &str) -> Result<(), DbError> {
        Ok(self.client.batch_execute(script)?)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A fresh database in the test cluster of `tests/postgres.sh`, or `None` (after
    /// saying so) when there is none and none is required.
    pub(crate) fn fresh_postgres() -> Option<postgres::Config> {
        let Ok(url) = std::env::var("BRANCHBOOK_TEST_PG_URL") else {
            assert_ne!(
                std::env::var("BRANCHBOOK_REQUIRE_PG").as_deref(),
                Ok("1"),
                "PostgreSQL is required but BRANCHBOOK_TEST_PG_URL is not set"
            );
            eprintln!("SKIPPED: PostgreSQL half (BRANCHBOOK_TEST_PG_URL not set)");
            return None;
        };
        let name = format!("bb_db_{}", Uuid::new_v4().simple());
        let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        admin
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let mut config: postgres::Config = url.parse().unwrap();
        config.dbname(&name);
        Some(config)
    }

    /// Runs `check` on a fresh SQLite database, then on a fresh PostgreSQL one.
    fn on_both(check: impl Fn(&Database)) {
        let dir = tempfile::tempdir().unwrap();
        check(&Database::open_sqlite(&dir.path().join("t.sqlite3"), 1).unwrap());
        if let Some(config) = fresh_postgres() {
            let tls = PgTls::unverified(&config).unwrap();
            check(&Database::open_postgres(config, tls, 1).unwrap());
        }
    }

    #[test]
    fn placeholders_bind_by_their_number_and_a_dollar_in_text_is_text() {
        on_both(|db| {
            let row = db
                .read(|c| {
                    c.query_opt(
                        "SELECT CAST($2 AS TEXT) || CAST($1 AS TEXT), '$1 costs $2', $1",
                        &["a".into(), "b".into()],
                    )
                })
                .unwrap()
                .unwrap();
            assert_eq!(row.text(0).unwrap(), "ba", "{:?}", db.engine());
            assert_eq!(row.text(1).unwrap(), "$1 costs $2");
            assert_eq!(row.text(2).unwrap(), "a");
        });
    }

    #[test]
    fn a_placeholder_without_its_value_is_refused() {
        on_both(|db| {
            let missing = db.read(|c| c.query("SELECT CAST($2 AS TEXT)", &["a".into()]));
            assert!(missing.is_err(), "{:?}", db.engine());
            let unused = db.read(|c| c.query("SELECT CAST($1 AS TEXT)", &["a".into(), "b".into()]));
            assert!(unused.is_err(), "{:?}", db.engine());
        });
    }

    #[test]
    fn a_real_number_is_refused_not_rounded() {
        on_both(|db| {
            let read = db.read(|c| c.query("SELECT 2.5", &[]));
            assert!(
                matches!(read, Err(DbError::Decode { column: 0, .. })),
                "{:?}: {read:?}",
                db.engine()
            );
        });
    }

    #[test]
    fn a_script_runs_through_the_driver_so_a_semicolon_in_text_is_text() {
        on_both(|db| {
            db.write(|c| {
                c.run_script(
                    "CREATE TABLE notes (body TEXT NOT NULL); INSERT INTO notes VALUES ('a; b');",
                )
            })
            .unwrap();
            let row = db
                .read(|c| c.query_opt("SELECT body FROM notes", &[]))
                .unwrap()
                .unwrap();
            assert_eq!(row.text(0).unwrap(), "a; b", "{:?}", db.engine());
        });
    }
}
