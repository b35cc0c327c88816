//! Stored photos read back for display: the full JPEG and the small thumbnail lists
//! use. (Photos come in through a survey's image question or a gathering.) In an
//! encrypted store the files on disk are sealed, so the apps get bytes, never paths.

use crate::{Branchbook, BranchbookError};

#[uniffi::export]
impl Branchbook {
    /// The stored JPEG of photo `sha256` (at most the size its question allows).
    pub fn photo_jpeg(&self, sha256: String) -> Result<Vec<u8>, BranchbookError> {
        Ok(self.store.photo_bytes(&sha256)?)
    }

    /// The 320-pixel JPEG thumbnail of photo `sha256`, for lists and answer previews.
    pub fn photo_thumbnail(&self, sha256: String) -> Result<Vec<u8>, BranchbookError> {
        Ok(self.store.thumbnail_bytes(&sha256)?)
    }
}
