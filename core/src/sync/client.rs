//! A [`SyncClient`] over the phone's store that enrolls the device and runs sync passes.
//! The apps reach it through the facade ([`crate::api::Branchbook`]'s `enroll_with_qr`,
//! `enroll` and `sync`, which map its errors to the facade's kinds); Rust callers (the
//! cross-component tests, the benchmark) use it directly. Every call blocks until done,
//! failed or cancelled.

use std::path::Path;
use std::sync::Arc;

use super::error::{SyncError, SyncStep};
use super::http::{ServerUrl, Timeouts, Transport};
use super::pass::{self, SyncReport};
use super::progress::SyncObserver;
use super::retry::{CancelHandle, RetryPolicy};
use crate::protocol::AppRelease;
use crate::protocol::{EnrollRequest, EnrollResponse, EnrollmentQr};
use crate::store::Store;

/// What the phone learned by enrolling, for the app to show.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Enrollment {
    /// The server's id for this device.
    pub device_id: String,
    /// The branch the device works for.
    pub branch_name: String,
    /// The areas above the branch, from the province down.
    pub area_path: Vec<String>,
    /// The branch head's account name.
    pub account: String,
}

/// Enrolls the phone and runs sync passes against the store it holds.
pub struct SyncClient {
    store: Store,
    timeouts: Timeouts,
    retry: RetryPolicy,
    app: AppRelease,
}

impl std::fmt::Debug for SyncClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SyncClient")
            .field("store", &self.store)
            .finish_non_exhaustive()
    }
}

impl SyncClient {
    /// Opens the store file at `db_path` (with its 32-byte key when encrypted) on its own
    /// connection, so a background sync does not hold up the UI's; every request
    /// reports `app`, the app's release.
    pub fn open(
        db_path: String,
        key: Option<Vec<u8>>,
        app: AppRelease,
    ) -> Result<Arc<Self>, SyncError> {
        let store = Store::open(Path::new(&db_path), key.as_deref())?;
        Ok(Arc::new(
            SyncClient::new(store, Timeouts::default(), RetryPolicy::default()).reporting(app),
        ))
    }

    /// The same client, reporting `app` (the app's release) with every request.
    pub fn reporting(mut self, app: AppRelease) -> Self {
        self.app = app;
        self
    }

    /// Enrolls with the payload of a scanned QR code (`{"server": .., "code": ..}`).
    pub fn enroll_with_qr(
        &self,
        qr: String,
        device_label: String,
        cancel: Arc<CancelHandle>,
    ) -> Result<Enrollment, SyncError> {
        let payload: EnrollmentQr =
            serde_json::from_str(&qr).map_err(|e| SyncError::BadEnrollmentQr {
                reason: format!("not the expected JSON ({:?} error)", e.classify()),
            })?;
        self.enroll_with_code(payload.server, payload.code, device_label, cancel)
    }

    /// Enrolls with a typed server address and code: exchanges the code for a device
    /// token and keeps token, branch and limits in the store.
    pub fn enroll_with_code(
        &self,
        server_url: String,
        code: String,
        device_label: String,
        cancel: Arc<CancelHandle>,
    ) -> Result<Enrollment, SyncError> {
        let server = ServerUrl::parse(&server_url)?;
        let code = code.trim().to_owned();
        if code.is_empty() {
            return Err(SyncError::BadEnrollmentQr {
                reason: "the code is empty".into(),
            });
        }
        let transport =
            Transport::new(server.clone(), None, self.timeouts, self.retry).reporting(&self.app);
        let request = EnrollRequest {
            code,
            device_label: crate::text::nfc(device_label.trim()),
        };
        let (response, _sent): (EnrollResponse, usize) =
            transport.post_json(SyncStep::Enroll, "/api/v1/enroll", &request, &cancel)?;
        self.store.save_enrollment(server.as_str(), &response)?;
        Ok(Enrollment {
            device_id: response.device_id.to_string(),
            branch_name: response.branch.name,
            area_path: response.branch.area_path,
            account: response.account,
        })
    }

    /// True once the phone holds a device token.
    pub fn is_enrolled(&self) -> Result<bool, SyncError> {
        Ok(self.store.sync_account()?.is_some())
    }

    /// A client over an open store with the given network settings (tests and tools
    /// shorten the waits).
    pub fn new(store: Store, timeouts: Timeouts, retry: RetryPolicy) -> Self {
        SyncClient {
            store,
            timeouts,
            retry,
            app: AppRelease::default(),
        }
    }

    /// The store the client syncs.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Runs one sync pass: forms, roster and household changes, records, photos. Blocks
    /// until done; progress goes to `observer`; `cancel` stops it at the next safe point.
    /// A pass that fails or is killed continues where it stopped the next time.
    pub fn run(
        &self,
        observer: &dyn SyncObserver,
        cancel: &CancelHandle,
    ) -> Result<SyncReport, SyncError> {
        let account = self.store.sync_account()?.ok_or(SyncError::NotEnrolled)?;
        let server = ServerUrl::parse(&account.server)?;
        let transport = Transport::new(
            server,
            Some(account.token.clone()),
            self.timeouts,
            self.retry,
        )
        .reporting(&self.app);
        pass::run(&self.store, &transport, account.limits, observer, cancel)
    }
}
