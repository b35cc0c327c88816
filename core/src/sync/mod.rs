//! The phone's sync client: enrollment and the sync pass that pulls forms and roster
//! changes, pushes the outbox in batches and photos resumably, survives bad networks
//! and a killed app, and reports progress to the UI. Behind the `sync-client` feature.

pub mod client;
pub mod error;
pub mod http;
mod pass;
pub mod progress;
pub mod retry;
#[cfg(test)]
mod test_server;

pub use client::{Enrollment, SyncClient};
pub use error::{SyncError, SyncStep};
pub use http::{ServerUrl, Timeouts, Transport};
pub use pass::SyncReport;
pub use progress::{
    SyncObserver, SyncPhase, SyncProgress, SyncProgressView, Unobserved, sync_progress_view,
    sync_report_text,
};

pub use retry::{CancelHandle, RetryPolicy};
