//! The branch's member roster: search as she types (no diacritics needed), list by
//! village, and import a roster CSV file an officer prepared.

use std::path::Path;

use uuid::Uuid;

use crate::{Branchbook, BranchbookError, window};
use branchbook_core::protocol::RosterMember;
use branchbook_core::store::{RosterChange, RosterImport};

#[uniffi::export]
impl Branchbook {
    /// Active members whose name matches `query` (any accents, any case, word
    /// beginnings), best matches first.
    pub fn search_members(
        &self,
        query: String,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<RosterMember>, BranchbookError> {
        Ok(self.store.search_members(&query, window(offset, limit))?)
    }

    /// Members of `village` (or all), by name.
    pub fn list_members(
        &self,
        village: Option<String>,
        include_archived: bool,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<RosterMember>, BranchbookError> {
        Ok(self
            .store
            .list_members(village.as_deref(), include_archived, window(offset, limit))?)
    }

    /// Member `member_id`.
    pub fn member(&self, member_id: Uuid) -> Result<RosterMember, BranchbookError> {
        Ok(self.store.member(member_id)?)
    }

    /// Applies the roster CSV file at `file_path` (columns `full_name` or `ho_ten`,
    /// `sex`, `birth_year`, `ethnicity`, `village`, `phone`, `member_code`, optional
    /// `id`): all of it, or nothing with [`BranchbookError::InvalidInput`] naming the
    /// first bad line. `change` says whether the file is the whole roster or an addition.
    pub fn import_roster_csv(
        &self,
        file_path: String,
        change: RosterChange,
    ) -> Result<RosterImport, BranchbookError> {
        Ok(self
            .store
            .import_roster_csv(Path::new(&file_path), change)?)
    }
}
