//! The test PostgreSQL cluster: a fresh database for each test server, or a clear skip
//! (or failure, when PostgreSQL is required) when there is none.

use uuid::Uuid;

use crate::HarnessError;

/// Environment variable with the URL of the test PostgreSQL cluster.
pub const PG_URL_VAR: &str = "BRANCHBOOK_TEST_PG_URL";
/// When set to 1 (tests/run.sh does), a missing PostgreSQL fails the tests instead of
/// skipping them.
pub const PG_REQUIRED_VAR: &str = "BRANCHBOOK_REQUIRE_PG";

/// Creates a fresh database in the test cluster and returns its URL (what
/// `--database-url` takes); `Ok(None)`, after saying so on stderr, when no cluster is
/// configured and none is required.
pub fn fresh_pg_url() -> Result<Option<String>, HarnessError> {
    let Ok(url) = std::env::var(PG_URL_VAR) else {
        if std::env::var(PG_REQUIRED_VAR).as_deref() == Ok("1") {
            return Err(HarnessError::Start(format!(
                "{PG_URL_VAR} is not set but {PG_REQUIRED_VAR}=1: PostgreSQL tests must run"
            )));
        }
        eprintln!(
            "SKIPPED: PostgreSQL test ({PG_URL_VAR} not set; tests/run.sh starts a cluster and sets it)"
        );
        return Ok(None);
    };
    let start = |e: postgres::Error| HarnessError::Start(e.to_string());
    let name = format!("bb_{}", Uuid::new_v4().simple());
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).map_err(start)?;
    admin
        .batch_execute(&format!("CREATE DATABASE {name}"))
        .map_err(start)?;
    let Some((cluster, _)) = url.rsplit_once('/') else {
        return Err(HarnessError::Start(format!(
            "{PG_URL_VAR} does not end in a database name"
        )));
    };
    Ok(Some(format!("{cluster}/{name}")))
}

/// [`fresh_pg_url`] as a connection configuration.
pub fn fresh_pg_config() -> Result<Option<postgres::Config>, HarnessError> {
    fresh_pg_url()?
        .map(|url| {
            url.parse()
                .map_err(|e: postgres::Error| HarnessError::Start(e.to_string()))
        })
        .transpose()
}

/// [`fresh_pg_url`] for a test: panics on an error.
#[allow(clippy::panic)] // a test that cannot have its database fails
pub fn fresh_pg_url_blocking() -> Option<String> {
    fresh_pg_url().unwrap_or_else(|e| panic!("{e}"))
}

/// [`fresh_pg_config`] for a test on a thread outside the runtime: panics on an error.
#[allow(clippy::panic)] // a test that cannot have its database fails
pub fn fresh_pg_database_blocking() -> Option<postgres::Config> {
    fresh_pg_config().unwrap_or_else(|e| panic!("{e}"))
}

/// [`fresh_pg_database_blocking`] from async code (on tokio's blocking pool).
#[allow(clippy::panic)] // a test that cannot have its database fails
pub async fn fresh_pg_database() -> Option<postgres::Config> {
    tokio::task::spawn_blocking(fresh_pg_database_blocking)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}
