//! What is waiting to be sent and what the server refused, for the send screen and
//! the home screen's "needs attention".

use uuid::Uuid;

use crate::{Branchbook, BranchbookError};
use branchbook_core::i18n::{self, SendFacts, SendScreen, UiLanguage};
use branchbook_core::store::Rejection;

/// The state of sending, read in one go.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct OutboxStatus {
    /// Records (surveys, households, gatherings, history entries) waiting to be sent.
    pub records_waiting: u64,
    /// Photos the server does not have yet.
    pub photos_waiting: u64,
    /// Their size in bytes.
    pub photo_bytes_waiting: u64,
    /// Records the server refused, most recent first, with its reason: she may edit
    /// the record (making a new revision) or send it again.
    pub refused: Vec<Rejection>,
}

#[uniffi::export]
impl Branchbook {
    /// What waits to be sent and what was refused.
    pub fn outbox_status(&self) -> Result<OutboxStatus, BranchbookError> {
        let photos = self.store.pending_photos()?;
        Ok(OutboxStatus {
            records_waiting: self.store.outbox_len()?,
            photos_waiting: photos.len() as u64,
            photo_bytes_waiting: photos.iter().map(|p| p.bytes).sum(),
            refused: self.store.rejections()?,
        })
    }

    /// Everything the send screen shows between passes, in `language`: whether the
    /// phone is enrolled, when she last sent, what waits, and what the server refused
    /// (each with whether it can be corrected).
    pub fn send_screen(&self, language: UiLanguage) -> Result<SendScreen, BranchbookError> {
        let status = self.outbox_status()?;
        let facts = SendFacts {
            enrolled: self.store.sync_account()?.is_some(),
            last_sync: self.store.last_sync()?,
            records_waiting: status.records_waiting,
            photos_waiting: status.photos_waiting,
            photo_bytes_waiting: status.photo_bytes_waiting,
            refused: status.refused,
        };
        Ok(i18n::send_screen(&facts, language))
    }

    /// Reopens refused record `record_id` at `revision` for her to correct: a survey
    /// becomes a draft again (`resume_survey`), a gathering open again (its details and
    /// attendance can change, then `close_gathering`); finishing it sends the corrected
    /// record in place of the refused one. A refused household cannot be reopened
    /// ([`BranchbookError::WrongState`]): it can only be sent again.
    pub fn reopen_refused(&self, record_id: Uuid, revision: u32) -> Result<(), BranchbookError> {
        Ok(self.store.reopen_refused(record_id, revision)?)
    }

    /// Queues refused record `record_id` at `revision` again (after the server's
    /// problem was fixed); it goes with the next send.
    pub fn send_again(&self, record_id: Uuid, revision: u32) -> Result<(), BranchbookError> {
        Ok(self.store.requeue(record_id, revision)?)
    }
}
