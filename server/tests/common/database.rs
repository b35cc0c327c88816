//! The test server's database by hand, as an operator would reach it: SQL run straight on
//! it (to put it back as an older server left it) and the store opened again beside the
//! running server, so the migrations not yet recorded run.
#![allow(clippy::unwrap_used, clippy::expect_used, dead_code)]

use super::TestServer;

/// Runs `sql` straight on the test server's database.
pub async fn run_sql(server: &TestServer, sql: &'static str) {
    let (dir, pg) = (server.dir.path().to_owned(), server.pg_config.clone());
    tokio::task::spawn_blocking(move || match pg {
        Some(config) => config
            .connect(::postgres::NoTls)
            .unwrap()
            .batch_execute(sql)
            .unwrap(),
        None => rusqlite::Connection::open(dir.join(branchbook_server::data_dir::SQLITE_FILE))
            .unwrap()
            .execute_batch(sql)
            .unwrap(),
    })
    .await
    .unwrap();
}

/// Opens the test server's database again, which runs every migration not recorded in
/// `schema_migrations` (as a newer server starting on it would), then closes it.
pub async fn migrate_again(server: &TestServer) {
    let (dir, pg) = (server.dir.path().to_owned(), server.pg_config.clone());
    let reopened = branchbook_server::store::Gateway::open(move || match pg {
        Some(config) => branchbook_server::store::ServerStore::open_postgres(config, 2),
        None => branchbook_server::store::ServerStore::open_sqlite(&dir),
    })
    .await
    .unwrap();
    drop(reopened);
}
