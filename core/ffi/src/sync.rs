//! Sending: enrolling the phone with a server (a scanned QR code or a typed address and
//! code) and running a sync pass (forms and roster down, records and photos up) with
//! progress reported to a callback the app implements and a handle to cancel it. The
//! pass runs on its own connection to the data, so the UI keeps reading and writing
//! while it runs on a background thread.

use std::sync::{Arc, Mutex, PoisonError};

use crate::{Branchbook, BranchbookError};
use branchbook_core::ffi_time::UtcDateTime;
use branchbook_core::i18n::UiLanguage;
use branchbook_core::sync::{
    self as core_sync, CancelHandle, Enrollment, SyncClient, SyncObserver, SyncProgress,
    SyncProgressView, SyncReport,
};

/// How a progress report of the running pass reads on the send screen (the phase's
/// sentence, the bar's fraction from bytes else items, the bytes moved); `None`, before
/// the first report, reads as the pass starting.
#[uniffi::export]
pub fn sync_progress_view(
    progress: Option<SyncProgress>,
    language: UiLanguage,
) -> SyncProgressView {
    core_sync::sync_progress_view(progress.as_ref(), language)
}

/// How a finished pass reads: what the server now holds.
#[uniffi::export]
pub fn sync_report_text(report: SyncReport, language: UiLanguage) -> String {
    core_sync::sync_report_text(&report, language)
}

/// The sync client of a [`Branchbook`], opened on first use, and the lock that keeps
/// two passes from running at once.
#[derive(Default)]
pub(crate) struct Sending {
    client: Mutex<Option<Arc<SyncClient>>>,
    running: Mutex<()>,
}

#[uniffi::export]
impl Branchbook {
    /// Enrolls this phone with the payload of the QR code an officer shows (`{"server":
    /// .., "code": ..}`), naming the phone `device_label` for the administrators. Blocks
    /// until done: call it off the UI thread. Afterwards run [`Branchbook::sync`] to get
    /// the forms and the roster.
    pub fn enroll_with_qr(
        &self,
        qr_payload: String,
        device_label: String,
        cancel: Arc<CancelHandle>,
    ) -> Result<Enrollment, BranchbookError> {
        Ok(self
            .sync_client()?
            .enroll_with_qr(qr_payload, device_label, cancel)?)
    }

    /// Enrolls this phone with a typed server address (`https://...`) and enrollment code.
    pub fn enroll(
        &self,
        server_url: String,
        code: String,
        device_label: String,
        cancel: Arc<CancelHandle>,
    ) -> Result<Enrollment, BranchbookError> {
        Ok(self
            .sync_client()?
            .enroll_with_code(server_url, code, device_label, cancel)?)
    }

    /// The enrollment of this phone (branch, areas, account), or `None` before it is enrolled.
    pub fn enrollment(&self) -> Result<Option<Enrollment>, BranchbookError> {
        let Some(account) = self.store.sync_account()? else {
            return Ok(None);
        };
        Ok(Some(Enrollment {
            device_id: account.device_id.to_string(),
            branch_name: account.branch.name,
            area_path: account.branch.area_path,
            account: self.store.account()?.unwrap_or_default(),
        }))
    }

    /// When a sync pass last ran to its end (everything that waited was sent or
    /// answered), or `None` before the first; the apps show it in the user's zone.
    pub fn last_sync(&self) -> Result<Option<UtcDateTime>, BranchbookError> {
        Ok(self.store.last_sync()?)
    }

    /// Runs one sync pass: new forms and roster and household changes come down,
    /// finalized records and their photos go up, in bulk, resuming where an earlier pass
    /// stopped. Blocks until done (call it from a background thread); `observer` hears
    /// every step, `cancel` stops it at the next safe point with
    /// [`BranchbookError::Cancelled`]. A revoked phone gets [`BranchbookError::DeviceRevoked`];
    /// no network gets [`BranchbookError::Network`] after the retries, with nothing lost.
    /// A second call while a pass runs is refused with [`BranchbookError::WrongState`].
    pub fn sync(
        &self,
        observer: Box<dyn SyncObserver>,
        cancel: Arc<CancelHandle>,
    ) -> Result<SyncReport, BranchbookError> {
        let client = self.sync_client()?;
        let Ok(_running) = self.sending.running.try_lock() else {
            return Err(BranchbookError::wrong_state("a send is already running"));
        };
        Ok(client.run(observer.as_ref(), &cancel)?)
    }
}

impl Branchbook {
    /// The sync client on its own connection to the data, opened once.
    fn sync_client(&self) -> Result<Arc<SyncClient>, BranchbookError> {
        let mut slot = self
            .sending
            .client
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(client) = &*slot {
            return Ok(Arc::clone(client));
        }
        let path = self.store.path().to_string_lossy().into_owned();
        let client = SyncClient::open(path, self.key.clone(), self.app.clone())?;
        *slot = Some(Arc::clone(&client));
        Ok(client)
    }
}
