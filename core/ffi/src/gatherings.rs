//! Gatherings (policy dialogues, communication sessions, trainings, club meetings) and
//! their attendance: one call checks a roster member in and returns the new totals, a
//! walk-in is added from a short dialog, photos are attached as evidence, and closing
//! queues the gathering for sending.

use std::collections::HashSet;
use std::path::Path;

use uuid::Uuid;

use crate::{Branchbook, BranchbookError, window};
use branchbook_core::protocol::{Attendee, RosterMember};
use branchbook_core::store::{
    CheckIn, Gathering, GatheringDetails, PhotoOptions, RecordState, StoredPhoto, Totals, WalkIn,
};

/// A roster member found by the check-in search, with whether she is already checked in.
#[derive(Debug, Clone, PartialEq, uniffi::Record)]
pub struct CheckInCandidate {
    /// The member.
    pub member: RosterMember,
    /// True when she is already on the attendee list.
    pub checked_in: bool,
}

#[uniffi::export]
impl Branchbook {
    /// Opens a new gathering (topic and village are required); it stays open, and its
    /// attendance can change, until it is closed.
    pub fn create_gathering(
        &self,
        details: GatheringDetails,
    ) -> Result<Gathering, BranchbookError> {
        Ok(self.store.create_gathering(&details)?)
    }

    /// Changes an open gathering's kind, topic, village, time, facilitator or notes.
    pub fn update_gathering(
        &self,
        gathering_id: Uuid,
        details: GatheringDetails,
    ) -> Result<Gathering, BranchbookError> {
        Ok(self.store.update_gathering(gathering_id, &details)?)
    }

    /// Gathering `gathering_id`.
    pub fn gathering(&self, gathering_id: Uuid) -> Result<Gathering, BranchbookError> {
        Ok(self.store.gathering(gathering_id)?)
    }

    /// Gatherings in `state` (open ones are drafts; `None` for all), latest first.
    pub fn list_gatherings(
        &self,
        state: Option<RecordState>,
        offset: u32,
        limit: u32,
    ) -> Result<Vec<Gathering>, BranchbookError> {
        Ok(self.store.list_gatherings(state, window(offset, limit))?)
    }

    /// Roster members matching `query` as she types (no diacritics needed), each with
    /// whether she is already checked in to gathering `gathering_id`.
    pub fn check_in_candidates(
        &self,
        gathering_id: Uuid,
        query: String,
        limit: u32,
    ) -> Result<Vec<CheckInCandidate>, BranchbookError> {
        let present: HashSet<Uuid> = self
            .store
            .attendees(gathering_id)?
            .into_iter()
            .filter_map(|a| a.member_id)
            .collect();
        let members = self.store.search_members(&query, window(0, limit))?;
        Ok(members
            .into_iter()
            .map(|member| CheckInCandidate {
                checked_in: present.contains(&member.id),
                member,
            })
            .collect())
    }

    /// Checks roster member `member_id` in to open gathering `gathering_id`: one tap.
    /// Checking her in again changes nothing.
    pub fn check_in(
        &self,
        gathering_id: Uuid,
        member_id: Uuid,
    ) -> Result<CheckIn, BranchbookError> {
        Ok(self.store.check_in(gathering_id, member_id)?)
    }

    /// Adds a person who is not on the roster (name, sex, and a birth year or an age
    /// group; ethnicity as a key from `ethnic_groups()` or a Vietnamese name).
    pub fn add_walk_in(
        &self,
        gathering_id: Uuid,
        walk_in: WalkIn,
    ) -> Result<CheckIn, BranchbookError> {
        Ok(self.store.add_walk_in(gathering_id, &walk_in)?)
    }

    /// Takes attendee `attendee_id` off open gathering `gathering_id`'s list; returns the
    /// totals after.
    pub fn remove_attendee(
        &self,
        gathering_id: Uuid,
        attendee_id: Uuid,
    ) -> Result<Totals, BranchbookError> {
        Ok(self.store.remove_attendee(gathering_id, attendee_id)?)
    }

    /// Everyone checked in to gathering `gathering_id`, in check-in order.
    pub fn attendees(&self, gathering_id: Uuid) -> Result<Vec<Attendee>, BranchbookError> {
        Ok(self.store.attendees(gathering_id)?)
    }

    /// Head counts of gathering `gathering_id`: total, by sex, ethnicity and age group.
    pub fn gathering_totals(&self, gathering_id: Uuid) -> Result<Totals, BranchbookError> {
        Ok(self.store.gathering_totals(gathering_id)?)
    }

    /// Adds walk-in `attendee_id` to the branch's roster (living in `village`), so she
    /// can be checked in with one tap next time.
    pub fn make_member(
        &self,
        gathering_id: Uuid,
        attendee_id: Uuid,
        village: String,
    ) -> Result<RosterMember, BranchbookError> {
        Ok(self
            .store
            .make_member(gathering_id, attendee_id, &village)?)
    }

    /// Takes in the photo the camera wrote at `file_path` (JPEG or PNG; downsized,
    /// location data removed) and attaches it to open gathering `gathering_id`. The file
    /// can be deleted afterwards.
    pub fn attach_gathering_photo(
        &self,
        gathering_id: Uuid,
        file_path: String,
    ) -> Result<StoredPhoto, BranchbookError> {
        Ok(self.store.attach_gathering_photo(
            gathering_id,
            Path::new(&file_path),
            PhotoOptions::default(),
        )?)
    }

    /// Detaches photo `sha256` from open gathering `gathering_id`.
    pub fn detach_gathering_photo(
        &self,
        gathering_id: Uuid,
        sha256: String,
    ) -> Result<(), BranchbookError> {
        Ok(self.store.detach_gathering_photo(gathering_id, &sha256)?)
    }

    /// The photos of gathering `gathering_id`, in the order they were taken.
    pub fn gathering_photos(
        &self,
        gathering_id: Uuid,
    ) -> Result<Vec<StoredPhoto>, BranchbookError> {
        Ok(self.store.gathering_photos(gathering_id)?)
    }

    /// Closes gathering `gathering_id` (at least one attendee is needed): it is queued
    /// for sending and can no longer change.
    pub fn close_gathering(&self, gathering_id: Uuid) -> Result<Gathering, BranchbookError> {
        Ok(self.store.close_gathering(gathering_id)?)
    }

    /// Deletes open gathering `gathering_id` with its attendance and photos.
    pub fn delete_gathering(&self, gathering_id: Uuid) -> Result<(), BranchbookError> {
        Ok(self.store.delete_gathering(gathering_id)?)
    }
}
