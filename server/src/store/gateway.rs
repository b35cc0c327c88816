//! The one way async code reaches the store. The store is synchronous (rusqlite, and the
//! blocking `postgres` client, which runs a small runtime of its own and panics inside
//! another); a connection opened, used or closed on a thread that drives async tasks
//! would stall every request on that thread or abort the server. So the HTTP layer holds
//! a [`Gateway`], never a [`ServerStore`]: each call runs on tokio's blocking pool, on a thread
//! marked as store work, and [`crate::db`] refuses connections on every other thread of
//! the runtime ([`crate::db::DbError::AsyncThread`]) before touching one.

use std::sync::Arc;

use super::{ServerStore, ServerStoreError};
use crate::db::{Engine, on_store_thread};

/// A shared handle on the store for async code: opening, calls and the last drop run on
/// blocking threads.
#[derive(Clone)]
pub struct Gateway {
    store: Arc<ServerStore>,
    engine: Engine,
}

impl Gateway {
    /// Opens a store with `open` (which connects and migrates) on a blocking thread.
    pub async fn open<E>(
        open: impl FnOnce() -> Result<ServerStore, E> + Send + 'static,
    ) -> Result<Gateway, E>
    where
        E: From<ServerStoreError> + Send + 'static,
    {
        let store = blocking(move || open().map(Arc::new)).await??;
        Ok(Gateway {
            engine: store.engine(),
            store,
        })
    }

    /// Wraps a store that synchronous code opened (outside the runtime).
    pub fn new(store: ServerStore) -> Gateway {
        Gateway {
            engine: store.engine(),
            store: Arc::new(store),
        }
    }

    /// The engine underneath, for logs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Runs `f` on the store, on the blocking pool, so database work never stalls the
    /// async threads that serve other requests.
    pub async fn call<T, F>(&self, f: F) -> Result<T, ServerStoreError>
    where
        T: Send + 'static,
        F: FnOnce(&ServerStore) -> Result<T, ServerStoreError> + Send + 'static,
    {
        let store = Arc::clone(&self.store);
        blocking(move || f(&store)).await?
    }

    /// Lets go of this handle on a blocking thread, so that the last handle's drop closes
    /// the connections there (a server's orderly stop).
    pub async fn close(self) {
        if let Err(e) = blocking(move || drop(self)).await {
            tracing::warn!(error = %e, "closing the store failed");
        }
    }
}

/// Runs `f` (and drops what it captured) as store work on the blocking pool.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, ServerStoreError> {
    tokio::task::spawn_blocking(move || on_store_thread(f))
        .await
        .map_err(|e| ServerStoreError::Task(e.to_string()))
}
