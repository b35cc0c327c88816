//! Lists of surveys for the home screen and a household's history: filtered by form,
//! state and household, newest first, a page at a time, with counts per state.

use uuid::Uuid;

use crate::{Branchbook, BranchbookError, window};
use branchbook_core::store::{StateCounts, SubmissionFilter, SubmissionInfo};

#[uniffi::export]
impl Branchbook {
    /// Surveys matching `filter` (their newest revision), most recently changed first:
    /// `limit` of them (at most 500) after skipping `offset`.
    pub fn list_submissions(
        &self,
        filter: SubmissionFilter,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<SubmissionInfo>, BranchbookError> {
        Ok(self
            .store
            .list_submissions(&filter, window(offset, limit))?)
    }

    /// Survey `submission_id` (its newest revision).
    pub fn submission(&self, submission_id: Uuid) -> Result<SubmissionInfo, BranchbookError> {
        Ok(self.store.submission(submission_id)?)
    }

    /// How many surveys (of `form_id`, or all) are drafts, finalized and sent.
    pub fn submission_counts(
        &self,
        form_id: Option<String>,
    ) -> Result<StateCounts, BranchbookError> {
        Ok(self.store.submission_counts(form_id.as_deref())?)
    }

    /// Deletes draft `submission_id` with its photos. For the draft of an edit, the
    /// finalized revision it would have replaced stays as it was.
    pub fn delete_draft(&self, submission_id: Uuid) -> Result<(), BranchbookError> {
        Ok(self.store.delete_draft(submission_id)?)
    }
}
