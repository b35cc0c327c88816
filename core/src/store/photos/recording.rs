//! Recordings: a sound or video file the phone's recorder wrote, checked by its first
//! bytes ([`FileKind::content_type`]) and its size, then kept as it was recorded (never
//! re-encoded): sealed and named by its SHA-256 like a photo, a segment at a time, so a
//! long video never sits in memory.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use super::PhotoError;
use super::seal::PhotoDir;
use crate::protocol::{FileKind, SNIFF_BYTES};
use crate::store::StoreError;

/// A recording held by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRecording {
    /// Hex SHA-256 of the file: its name and its identity.
    pub sha256: String,
    /// Its size.
    pub bytes: u64,
    /// What its first bytes say it is ("audio/amr", "video/mp4").
    pub content_type: &'static str,
}

/// Checks the file at `path` as a recording of `kind` and writes it into `dir`.
pub(super) fn take_in(
    dir: &PhotoDir,
    path: &Path,
    kind: FileKind,
) -> Result<StoredRecording, StoreError> {
    let read = |source: std::io::Error| PhotoError::Read {
        path: path.to_owned(),
        source,
    };
    let mut file = File::open(path).map_err(read)?;
    let size = file.metadata().map_err(read)?.len();
    if let Some(max) = kind.max_bytes().filter(|max| size > *max) {
        return Err(PhotoError::TooLarge {
            path: path.to_owned(),
            kind: kind.describe(),
            bytes: size,
            max,
        }
        .into());
    }
    let mut head = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(read)?;
    let Some(content_type) = kind.content_type(&head) else {
        return Err(PhotoError::NotRecording {
            path: path.to_owned(),
            kind: kind.describe(),
        }
        .into());
    };
    file.seek(SeekFrom::Start(0)).map_err(read)?;
    // Only the bytes measured: a file still growing is cut there, and then refused.
    let (sha256, bytes) = dir.put_read(&mut file.take(size), |sha| dir.recording(sha))?;
    if bytes != size {
        // The file shrank while read: what was written has no row and is swept.
        return Err(PhotoError::Corrupt {
            path: path.to_owned(),
            reason: format!("{bytes} bytes read of {size}"),
        }
        .into());
    }
    Ok(StoredRecording {
        sha256,
        bytes,
        content_type,
    })
}
