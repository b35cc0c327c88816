//! A real server started on the caller's tokio runtime, on either store.

use branchbook_core::protocol::EnrollResponse;
use branchbook_server::config::Config;
use branchbook_server::server::{bind, ensure_admin};
use branchbook_server::store::{Gateway, ServerStore};

use crate::{Api, HarnessError, fixtures, pg};

/// Which store a test server runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// SQLite in the server's data folder (the embedded default).
    Sqlite,
    /// A fresh database in the test PostgreSQL cluster.
    Postgres,
}

/// Connections a test server keeps to its PostgreSQL database.
const PG_CONNECTIONS: u32 = 16;

/// A running server and an async client for it; dropping it stops the server.
pub struct TestServer {
    /// The client (the server's address is `api.base`).
    pub api: Api,
    /// The administrator's one-time password from the first start.
    pub admin_password: String,
    /// The store it runs on.
    pub backend: Backend,
    /// The store, to look behind the API.
    pub store: Gateway,
    /// Its data folder (photos, and the SQLite file).
    pub dir: tempfile::TempDir,
    /// The PostgreSQL database it runs on (`None` on SQLite), for tests that open it
    /// again (a migration run on data written by the server).
    pub pg_config: Option<postgres::Config>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl std::ops::Deref for TestServer {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

impl TestServer {
    /// Starts a server on `backend` with the default configuration adjusted by `tune`;
    /// `None` when PostgreSQL is not available (and not required). Panics when the server
    /// cannot start.
    #[allow(clippy::panic)] // a test whose server cannot start fails
    pub async fn start(backend: Backend, tune: impl FnOnce(&mut Config)) -> Option<TestServer> {
        TestServer::try_start(backend, tune)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`TestServer::start`], with the reason it could not start as an error.
    pub async fn try_start(
        backend: Backend,
        tune: impl FnOnce(&mut Config),
    ) -> Result<Option<TestServer>, HarnessError> {
        let failed = |e: &dyn std::fmt::Display| HarnessError::Start(e.to_string());
        let dir = tempfile::tempdir().map_err(|e| failed(&e))?;
        let mut config = Config::for_dir(dir.path().to_owned());
        tune(&mut config);
        let mut pg_config = None;
        let store = match backend {
            Backend::Sqlite => {
                let path = dir.path().to_owned();
                Gateway::open(move || ServerStore::open_sqlite(&path)).await
            }
            Backend::Postgres => {
                let pg = tokio::task::spawn_blocking(pg::fresh_pg_config)
                    .await
                    .map_err(|e| failed(&e))??;
                let Some(pg) = pg else { return Ok(None) };
                pg_config = Some(pg.clone());
                Gateway::open(move || ServerStore::open_postgres(pg, PG_CONNECTIONS)).await
            }
        }
        .map_err(|e| failed(&e))?;
        let admin_password = store
            .call(|s| Ok(ensure_admin(s)))
            .await
            .map_err(|e| failed(&e))?
            .map_err(|e| failed(&e))?
            .ok_or_else(|| HarnessError::Start("no first-start password".into()))?;
        let bound = bind(config, store.clone()).await.map_err(|e| failed(&e))?;
        let base = format!("http://{}", bound.addr);
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(bound.serve(async move {
            let _ = rx.await;
        }));
        Ok(Some(TestServer {
            api: Api::new(base),
            admin_password,
            backend,
            store,
            dir,
            pg_config,
            shutdown: Some(tx),
        }))
    }

    /// Tells the server to stop (it finishes on its runtime); dropping does it too.
    pub fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }

    /// The administrator's session token.
    pub async fn admin(&self) -> String {
        self.login_fresh("admin", &self.admin_password.clone())
            .await
    }

    /// A province > commune > branch with a branch head, the household form published,
    /// and her phone enrolled: returns the enrollment and the administrator's token.
    pub async fn one_device(&self) -> (EnrollResponse, String) {
        let admin = self.admin().await;
        (self.branch_with_device(&admin).await, admin)
    }
}

impl Api {
    /// A province > commune > branch with a branch head, the household form published,
    /// and her phone enrolled, set up by the administrator `admin`: returns the enrollment.
    pub async fn branch_with_device(&self, admin: &str) -> EnrollResponse {
        let province = self.create_area(admin, None, "province", "Sơn La").await;
        let commune = self
            .create_area(admin, Some(province), "commune", "Xã Chiềng")
            .await;
        let branch = self
            .create_area(admin, Some(commune), "branch", "Chi hội Bản Mòng")
            .await;
        let (head, _) = self
            .create_account(admin, "head", "branch_head", Some(branch))
            .await;
        self.publish_form(admin, fixtures::household_form().upload)
            .await;
        self.enrolled_device(admin, head).await
    }
}
