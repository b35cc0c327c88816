//! How a pass tells the app how far it got: the app implements [`SyncObserver`] (a
//! uniffi callback interface) and shows the [`SyncProgress`] it receives.

/// The stages of a pass, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    /// Fetching the manifest and downloading new form versions.
    PullingForms,
    /// Fetching roster and household changes.
    PullingChanges,
    /// Uploading finalized records.
    PushingRecords,
    /// Uploading photos.
    PushingPhotos,
    /// The pass finished.
    Done,
}

/// One progress report. Totals are what the phase has to do; `bytes_*` are zero in the
/// phases that do not count bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgress {
    /// The current stage.
    pub phase: SyncPhase,
    /// Items finished in this phase.
    pub items_done: u64,
    /// Items this phase has to handle; 0 when it cannot be known ahead (pulling roster
    /// and household changes counts the pages as they arrive), which a UI shows as an
    /// indeterminate bar.
    pub items_total: u64,
    /// Bytes sent or received in this phase.
    pub bytes_done: u64,
    /// Bytes this phase has to move, when known.
    pub bytes_total: u64,
    /// What is being worked on ("submission 0193…", "photo 3fa2…"): kinds and ids only,
    /// never names or answers.
    pub current_item: Option<String>,
}

/// Implemented by the app (Kotlin, Swift) to receive progress; called on the thread
/// that runs the pass, so the app hands it to its UI thread.
#[cfg_attr(feature = "uniffi", uniffi::export(callback_interface))]
pub trait SyncObserver: Send + Sync {
    /// Called after every step of the pass.
    fn on_progress(&self, progress: SyncProgress);
}

/// An observer that ignores everything, for callers with no UI (tests, tools).
#[derive(Debug, Default, Clone, Copy)]
pub struct Unobserved;

impl SyncObserver for Unobserved {
    fn on_progress(&self, _progress: SyncProgress) {}
}
