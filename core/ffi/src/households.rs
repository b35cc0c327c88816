//! The branch's household registry: create, edit and archive households with their
//! members (each change a new revision, queued for sending), list and search them by
//! name without diacritics, and see a household's visits and earlier revisions.

use uuid::Uuid;

use crate::{Branchbook, BranchbookError, window};
use branchbook_core::i18n::{self, UiLanguage, VisitRow};
use branchbook_core::store::{Household, HouseholdInput, HouseholdSummary, SubmissionInfo};

#[uniffi::export]
impl Branchbook {
    /// Registers a new household (village and head's name are required).
    pub fn create_household(&self, input: HouseholdInput) -> Result<Household, BranchbookError> {
        Ok(self.store.create_household(&input)?)
    }

    /// Saves an edit of household `household_id` made from revision `base_revision` (the
    /// one the screen showed). Members keep their ids (give `id` for someone already
    /// recorded). [`BranchbookError::Stale`] when it changed since; nothing is written
    /// when nothing changed.
    pub fn edit_household(
        &self,
        household_id: Uuid,
        base_revision: u32,
        input: HouseholdInput,
    ) -> Result<Household, BranchbookError> {
        Ok(self
            .store
            .edit_household(household_id, base_revision, &input)?)
    }

    /// Archives household `household_id` (moved away, merged), or brings it back: it
    /// leaves (or rejoins) lists and search, and its history stays.
    pub fn set_household_archived(
        &self,
        household_id: Uuid,
        base_revision: u32,
        archived: bool,
    ) -> Result<Household, BranchbookError> {
        Ok(self
            .store
            .set_household_archived(household_id, base_revision, archived)?)
    }

    /// Household `household_id` as it is now, with its members.
    pub fn household(&self, household_id: Uuid) -> Result<Household, BranchbookError> {
        Ok(self.store.household(household_id)?)
    }

    /// Households of `village` (or all), by village then head's name, a page at a time.
    pub fn list_households(
        &self,
        village: Option<String>,
        include_archived: bool,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<HouseholdSummary>, BranchbookError> {
        Ok(self.store.list_households(
            village.as_deref(),
            include_archived,
            window(offset, limit),
        )?)
    }

    /// Households whose head or a member has a name matching `query` as she types it:
    /// no diacritics or case needed, word beginnings match ("thao thi do" finds "Thào
    /// Thị Dợ"), best matches first. Archived households are left out.
    pub fn search_households(
        &self,
        query: String,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<HouseholdSummary>, BranchbookError> {
        Ok(self
            .store
            .search_households(&query, window(offset, limit))?)
    }

    /// The surveys filled as visits to household `household_id`, newest first.
    pub fn household_visits(
        &self,
        household_id: Uuid,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<SubmissionInfo>, BranchbookError> {
        Ok(self
            .store
            .household_visits(household_id, window(offset, limit))?)
    }

    /// The surveys filled as visits to household `household_id`, newest first, as the
    /// household screen lists them in `language`.
    pub fn household_visit_rows(
        &self,
        household_id: Uuid,
        offset: u32,
        limit: u32,
        language: UiLanguage,
    ) -> Result<Vec<VisitRow>, BranchbookError> {
        let titles = self.form_titles()?;
        Ok(self
            .household_visits(household_id, offset, limit)?
            .iter()
            .map(|v| i18n::visit_row(v, titles.get(&v.form_id).map(String::as_str), language))
            .collect())
    }

    /// Every revision of household `household_id`, newest first: how it changed.
    pub fn household_revisions(
        &self,
        household_id: Uuid,
    ) -> Result<Vec<Household>, BranchbookError> {
        Ok(self.store.household_revisions(household_id)?)
    }
}
