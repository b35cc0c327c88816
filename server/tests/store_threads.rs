//! The store's connections are opened, used and closed on blocking threads only: on a
//! thread that drives async tasks a connection stalls every request on it, and the
//! synchronous PostgreSQL client panics there ("Cannot start a runtime from within a
//! runtime"), which took the whole server down at start (issue 19). These tests use the
//! store the ways async code could, on both engines, and require a refusal (not a
//! panic, not a silent block) everywhere but through the gateway.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use branchbook_server::db::DbError;
use branchbook_server::store::{Gateway, ServerStore, ServerStoreError};
use common::{Backend, fresh_pg_database_blocking};

/// A store opened by synchronous code (outside any runtime), with its PostgreSQL config.
fn open(
    backend: Backend,
    dir: &std::path::Path,
) -> Option<(ServerStore, Option<postgres::Config>)> {
    match backend {
        Backend::Sqlite => Some((ServerStore::open_sqlite(dir).unwrap(), None)),
        Backend::Postgres => {
            let pg = fresh_pg_database_blocking()?;
            Some((ServerStore::open_postgres(pg.clone(), 4).unwrap(), Some(pg)))
        }
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn is_refused<T: std::fmt::Debug>(result: &Result<T, ServerStoreError>) -> bool {
    matches!(result, Err(ServerStoreError::Db(DbError::AsyncThread)))
}

fn only_the_gateway_reaches_the_store(backend: Backend) {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, _)) = open(backend, dir.path()) else {
        return;
    };
    let store = std::sync::Arc::new(store);
    runtime().block_on(async move {
        // On an async worker: refused before a connection is touched.
        let on_worker = std::sync::Arc::clone(&store);
        let used = tokio::spawn(async move { on_worker.has_admin() })
            .await
            .expect("no panic on the async worker");
        assert!(is_refused(&used), "{used:?}");
        // On a blocking thread the gateway did not start: refused too.
        let aside = std::sync::Arc::clone(&store);
        let used = tokio::task::spawn_blocking(move || aside.has_admin())
            .await
            .unwrap();
        assert!(is_refused(&used), "{used:?}");
        // Opening a store on an async worker is refused the same way.
        let path = dir.path().to_owned();
        let opened = tokio::spawn(async move { ServerStore::open_sqlite(&path).map(drop) })
            .await
            .unwrap();
        assert!(is_refused(&opened), "{opened:?}");
        // Through the gateway it works.
        let store = std::sync::Arc::into_inner(store).unwrap();
        let gateway = Gateway::new(store);
        assert!(!gateway.call(|s| s.has_admin()).await.unwrap());
        gateway.close().await;
    });
}

#[test]
fn only_the_gateway_reaches_the_store_on_sqlite() {
    only_the_gateway_reaches_the_store(Backend::Sqlite);
}

#[test]
fn only_the_gateway_reaches_the_store_on_postgres() {
    only_the_gateway_reaches_the_store(Backend::Postgres);
}

/// Connections of the test database still open, as PostgreSQL counts them.
fn backends_of(pg: &postgres::Config) -> i64 {
    let mut admin = pg.clone();
    admin.dbname("postgres");
    let mut client = admin.connect(postgres::NoTls).unwrap();
    let name = pg.get_dbname().unwrap();
    client
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = $1",
            &[&name],
        )
        .unwrap()
        .get(0)
}

#[test]
fn a_postgres_store_dropped_on_an_async_worker_closes_its_connections_without_a_panic() {
    let dir = tempfile::tempdir().unwrap();
    let Some((store, Some(pg))) = open(Backend::Postgres, dir.path()) else {
        return;
    };
    assert!(!store.has_admin().unwrap());
    assert!(backends_of(&pg) > 0, "the pool holds connections");
    let gateway = Gateway::new(store);
    runtime().block_on(async move {
        // The last handle dropped on an async worker, as when a server's state goes away.
        tokio::spawn(async move { drop(gateway) })
            .await
            .expect("dropping the store on an async worker must not panic");
    });
    let deadline = Instant::now() + Duration::from_secs(10);
    while backends_of(&pg) > 0 {
        assert!(
            Instant::now() < deadline,
            "the dropped store's connections were never closed"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
}
