//! Test harness of the server's tests: the shared test support (`branchbook-testing`: a
//! real server on SQLite or PostgreSQL, its async client, the test data), plus what only
//! these tests need: one test per store, the server started as a program, a private
//! PostgreSQL cluster, a browser for the console, and the whole story of a branch.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    dead_code,
    unused_imports
)]

pub mod cluster;
pub mod console;
pub mod database;
pub mod officework;
pub mod program;
pub mod story;

pub use branchbook_testing::pg::{
    PG_REQUIRED_VAR, PG_URL_VAR, fresh_pg_database, fresh_pg_database_blocking,
    fresh_pg_url_blocking,
};
pub use branchbook_testing::{Api, Backend, TestServer, error_of, fixtures};

/// Generates one `#[tokio::test]` per store for each named async fn taking a `TestServer`;
/// `tune = CLOSURE;` first adjusts every server's configuration.
#[macro_export]
macro_rules! on_both_stores {
    (tune = $tune:expr; $($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Sqlite, $tune).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Postgres, $tune).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Sqlite, |_| {}).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    if let Some(server) = $crate::common::TestServer::start($crate::common::Backend::Postgres, |_| {}).await {
                        super::$name(server).await;
                    }
                }
            )*
        }
    };
}
