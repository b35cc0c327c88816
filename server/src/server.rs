//! Starting the server: opening the store and photo folder, creating the first
//! administrator, binding the listener and serving until shutdown.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use crate::api::{AppState, router};
use crate::config::Config;
use crate::form_catalog::FormCatalog;
use crate::model::Role;
use crate::passwords::PasswordPool;
use crate::secret::{hash_password, new_password};
use crate::store::people::NewAccount;
use crate::store::{Gateway, ServerStore, ServerStoreError};
use crate::throttle::Throttle;
use crate::uploads::Sweep;
use crate::uploads::{PhotoError, PhotoFiles};

/// A failure to start or run the server.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// The store could not be opened.
    #[error("database: {0}")]
    ServerStore(#[from] ServerStoreError),
    /// The photo folder could not be created.
    #[error("photo folder: {0}")]
    Photos(#[from] PhotoError),
    /// The data folder could not be created, or the listener could not bind.
    #[error("{context}: {source}")]
    Io {
        /// What was being done.
        context: String,
        /// The error.
        source: std::io::Error,
    },
    /// TLS could not be set up: the certificate or key files (`--tls-cert`,
    /// `--tls-key`), or what the database URL asks (`sslmode`, `sslrootcert`).
    #[error("{0}")]
    Tls(#[from] crate::tls::TlsError),
    /// Hashing the administrator's password failed.
    #[error("{0}")]
    Hash(#[from] crate::secret::HashError),
    /// A command could not do what it was asked (said why).
    #[error("{0}")]
    Refused(String),
}

/// Opens the store the configuration names: PostgreSQL when a URL is given, SQLite in the
/// data folder otherwise. It blocks: async code opens it through [`Gateway::open`].
pub fn open_store(config: &Config) -> Result<ServerStore, ServerError> {
    crate::data_dir::prepare(&config.data_dir, config.database_url.is_none())?;
    match &config.database_url {
        Some(url) => {
            let (pg, tls) = crate::tls::postgres_config(url)?;
            Ok(ServerStore::open_postgres_with(
                pg,
                tls,
                config.db_connections,
            )?)
        }
        None => Ok(ServerStore::open_sqlite(&config.data_dir)?),
    }
}

/// Creates the administrator account `admin` when no administrator exists, returning its
/// one-time password (to be shown once, never logged).
pub fn ensure_admin(store: &ServerStore) -> Result<Option<String>, ServerError> {
    if store.has_admin()? {
        return Ok(None);
    }
    let password = new_password();
    store.create_account(&NewAccount {
        username: "admin".into(),
        display_name: "Administrator".into(),
        role: Role::Admin,
        area_id: None,
        password_hash: hash_password(&password)?,
        must_change_password: true,
    })?;
    Ok(Some(password))
}

/// A server bound to its address, ready to run.
pub struct Bound {
    /// The address it listens on (the real port when 0 was asked for).
    pub addr: SocketAddr,
    listener: tokio::net::TcpListener,
    app: axum::Router,
    limits: crate::connections::Limits,
    tls: Option<tokio_rustls::TlsAcceptor>,
    sweeps: Option<SweepTask>,
    store: Gateway,
}

impl Bound {
    /// Serves until the future `shutdown` completes.
    pub async fn serve(
        self,
        shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    ) -> Result<(), ServerError> {
        let _sweeping = self.sweeps.map(SweepTask::spawn);
        let _optimizing = optimizing(self.store);
        let (listener, app, limits) = (self.listener, self.app, self.limits);
        match self.tls {
            None => {
                let plain = |stream: tokio::net::TcpStream| async move { Some(stream) };
                crate::connections::serve(listener, app, limits, plain, shutdown).await;
            }
            Some(acceptor) => {
                let handshake = move |stream: tokio::net::TcpStream| {
                    let acceptor = acceptor.clone();
                    async move {
                        acceptor
                            .accept(stream)
                            .await
                            .map_err(|e| tracing::debug!(error = %e, "TLS handshake failed"))
                            .ok()
                    }
                };
                crate::connections::serve(listener, app, limits, handshake, shutdown).await;
            }
        }
        Ok(())
    }
}

/// How often a running server looks for abandoned photo uploads.
const SWEEP_EVERY: Duration = Duration::from_secs(6 * 3600);

/// How often a running server brings the query planner's statistics up to date (SQLite's
/// `PRAGMA optimize`, which SQLite suggests every few hours for a long-lived database).
const OPTIMIZE_EVERY: Duration = Duration::from_secs(3600);

/// Work run every period while the server serves (first after one period: the start has
/// just done it), stopped when this is dropped, however serving ends.
struct Periodic(tokio::task::JoinHandle<()>);

impl Periodic {
    fn spawn<F, Fut>(period: Duration, mut work: F) -> Periodic
    where
        F: FnMut() -> Fut + Send + 'static,
        Fut: std::future::Future<Output = ()> + Send + 'static,
    {
        Periodic(tokio::spawn(async move {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                ticks.tick().await;
                work().await;
            }
        }))
    }
}

impl Drop for Periodic {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Keeps the query planner's statistics current every [`OPTIMIZE_EVERY`].
fn optimizing(store: Gateway) -> Periodic {
    Periodic::spawn(OPTIMIZE_EVERY, move || {
        let store = store.clone();
        async move {
            if let Err(e) = store.call(|s| s.optimize()).await {
                tracing::warn!(error = %e, "could not update the query planner's statistics");
            }
        }
    })
}

/// The periodic sweep of abandoned photo uploads, run while the server serves.
#[derive(Clone)]
struct SweepTask {
    store: Gateway,
    photos: Arc<PhotoFiles>,
    stale_after: Duration,
}

impl SweepTask {
    /// Sweeps every [`SWEEP_EVERY`] (the start has just swept once).
    fn spawn(self) -> Periodic {
        Periodic::spawn(SWEEP_EVERY, move || {
            let task = self.clone();
            async move { task.sweep_once().await }
        })
    }

    async fn sweep_once(&self) {
        match crate::uploads::sweep(&self.store, &self.photos, Some(self.stale_after)).await {
            Ok(swept) if swept.discarded + swept.orphans > 0 => {
                tracing::info!(
                    discarded = swept.discarded,
                    orphans = swept.orphans,
                    "discarded abandoned photo uploads and photos no record uses"
                )
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "could not sweep photo uploads"),
        }
    }
}

/// Builds the application over an open store, finishes photo uploads a stop interrupted
/// after their last byte, discards abandoned ones, and binds the listener.
pub async fn bind(config: Config, store: Gateway) -> Result<Bound, ServerError> {
    let photos = PhotoFiles::open(&config.data_dir.join("photos"), config.max_photo_bytes)?;
    let tls = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => Some(crate::tls::acceptor(cert, key)?),
        _ => None,
    };
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Io {
            context: format!("listening on {}", config.listen),
            source,
        })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Io {
        context: "reading the bound address".into(),
        source,
    })?;
    let mut config = config;
    config.listen = addr;
    let passwords =
        PasswordPool::start(config.password_pool()).map_err(|source| ServerError::Io {
            context: "starting the password threads".into(),
            source,
        })?;
    let state = AppState {
        store,
        passwords: Arc::new(passwords),
        throttle: Arc::new(Throttle::new(config.throttle_policy())),
        config: Arc::new(config),
        photos: Arc::new(photos),
        forms: Arc::new(FormCatalog::default()),
    };
    let stale_after = state.config.stale_upload_after();
    let limits = state.config.connection_limits();
    let swept = crate::uploads::sweep(&state.store, &state.photos, stale_after).await?;
    if swept != Sweep::default() {
        tracing::info!(
            settled = swept.settled,
            discarded = swept.discarded,
            orphans = swept.orphans,
            "finished photo uploads interrupted after their last byte, discarded abandoned ones and photos no record uses"
        );
    }
    let sweeps = stale_after.map(|after| SweepTask {
        store: state.store.clone(),
        photos: Arc::clone(&state.photos),
        stale_after: after,
    });
    Ok(Bound {
        addr,
        listener,
        store: state.store.clone(),
        app: router(state),
        limits,
        tls,
        sweeps,
    })
}
