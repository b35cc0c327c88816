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
//! Ids cross as strings ([`id`]), instants as `java.time.Instant` / `Date`
//! ([`crate::ffi_time`]), calendar dates as the engine's `CalendarDate` record. The
//! words of the UI are in [`crate::i18n`]. Nothing here panics (no unwrap, no
//! indexing); all methods take `&self`, and every object may be used from any thread.
#![deny(clippy::indexing_slicing)]

mod app;
mod error;
mod forms;
mod gatherings;
mod households;
mod id;
mod outbox;
mod photos;
mod roster;
mod session;
mod submissions;
#[cfg(feature = "sync-client")]
mod sync;

pub use app::{Branchbook, HomeCounts, StorageUsage};
pub use error::BranchbookError;
pub use forms::FormSummary;
pub use gatherings::{CheckIn, CheckInCandidate};
pub use outbox::OutboxStatus;
pub use session::{FinalizeOutcome, PageTurn, SurveySession};

use crate::store::Page;

/// A page of a list from the apps' `offset` and `limit` (the store caps the limit).
fn page(offset: u32, limit: u32) -> Page {
    Page { offset, limit }
}
