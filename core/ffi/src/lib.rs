//! Branchbook's facade for the phone apps, and the only crate built for them: the
//! cdylib Android and the JVM tests load, the staticlib of iOS's XCFramework, and the
//! library `core/bindgen/generate.sh` generates the Kotlin and Swift bindings from.
//!
//! The surface the phone apps see through uniffi: a few objects, records and enums,
//! and one error type. Kotlin and Swift documentation is generated from these doc
//! comments.
//!
//! - [`Branchbook`]: the app's data, opened once on a folder (and an optional key);
//!   forms, survey sessions, submissions, households, roster, gatherings, photos and
//!   the outbox are its methods, grouped in this module's files by area.
//! - [`SurveySession`]: one survey being filled, saved after every change.
//! - [`BranchbookError`]: every failure, one variant per kind the UI can act on.
//!
//! Sending (with the `sync-client` feature, which phones build with) is part of
//! [`Branchbook`] too: `enroll_with_qr`, `enroll`, `enrollment` and `sync(observer,
//! cancel)`, with the sync client's `SyncObserver` callback, `CancelHandle`,
//! `SyncProgress` and `SyncReport`.
//!
//! Ids cross as strings ([`branchbook_core::ffi_id`]), instants as `java.time.Instant` / `Date`
//! ([`branchbook_core::ffi_time`]), calendar dates as the engine's `CalendarDate` record. The
//! words of the UI are in [`branchbook_core::i18n`]. Nothing here panics (no unwrap, no
//! indexing); all methods take `&self`, and every object may be used from any thread.
#![deny(clippy::indexing_slicing)]

uniffi::setup_scaffolding!("branchbook");

// The core's custom types (ids as strings, instants), converted as the core declares them.
use branchbook_core::ffi_time::UtcDateTime;
use uuid::Uuid;
uniffi::use_remote_type!(branchbook_core::Uuid);
uniffi::use_remote_type!(branchbook_core::UtcDateTime);

mod app;
mod editors;
mod forms;
mod gatherings;
mod households;
mod outbox;
mod photos;
mod roster;
mod session;
mod submissions;
#[cfg(feature = "sync-client")]
mod sync;
mod text;

pub use app::{Branchbook, HomeCounts, StorageUsage};
pub use branchbook_core::error::BranchbookError;
#[cfg(feature = "sync-client")]
pub use editors::EnrollEditor;
pub use editors::{AttendanceEditor, GatheringEditor, HouseholdEditor, WalkInEditor};
pub use forms::{FormFileBytes, FormSummary};
pub use gatherings::CheckInCandidate;
pub use outbox::OutboxStatus;
pub use session::{FinalizeOutcome, PageTurn, SurveySession};

use branchbook_core::store::Window;

/// A window of a list from the apps' `offset` and `limit` (the store caps the limit).
fn window(offset: u32, limit: u32) -> Window {
    Window { offset, limit }
}
