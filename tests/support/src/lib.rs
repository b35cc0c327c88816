//! Test support for every Branchbook test that needs a server: a real server started in
//! the test's process on 127.0.0.1, over SQLite in a temporary folder or over a fresh
//! database in the PostgreSQL cluster that `tests/postgres.sh` starts, with clients for
//! its API.
//!
//! - [`TestServer`] starts on the caller's tokio runtime and is driven by the async
//!   client [`Api`] (reqwest), whose helpers assert: the server's own tests use them.
//! - [`BlockingServer`] owns its runtime and is driven by blocking calls (ureq) that
//!   return a [`HarnessError`]: the cross-component tests and the fixture server that the
//!   Kotlin tests start (`tests/src/bin/sync_fixture_server.rs`) use it.
//! - [`Chromium`] drives headless Chromium over WebDriver for the console's tests.
//! - [`fixtures`] holds the test data the server's tests push; [`memory`] and [`cpu`]
//!   read this process's memory and CPU time for the benchmarks.

pub mod api;
pub mod blocking;
pub mod chromium;
pub mod cpu;
pub mod fixtures;
pub mod memory;
pub mod pg;
pub mod server;

pub use api::{Api, error_of};
pub use blocking::{BlockingServer, Body, BranchSetup};
pub use chromium::Chromium;
pub use pg::{PG_REQUIRED_VAR, PG_URL_VAR};
pub use server::{Backend, TestServer};

/// What went wrong starting or talking to a test server.
#[derive(Debug, thiserror::Error)]
pub enum HarnessError {
    /// The server (or its database) could not start.
    #[error("server start: {0}")]
    Start(String),
    /// An officials' API call failed.
    #[error("{call}: HTTP {status}: {body}")]
    Api {
        /// Method and path.
        call: String,
        /// Status.
        status: u16,
        /// Body text.
        body: String,
    },
    /// The network failed.
    #[error("{call}: {source}")]
    Http {
        /// Method and path.
        call: String,
        /// The error.
        source: ureq::Error,
    },
    /// An answer was not what the call expects.
    #[error("{0}")]
    Answer(String),
}
