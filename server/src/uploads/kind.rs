//! What an uploaded file is, told by its first bytes and never by the phone: a photo
//! (JPEG) or a recording of the formats phones record (the core's
//! [`branchbook_core::protocol::sniff`]), each within its kind's size bound. Anything
//! else (a page with a script, a program, a picture of another format) is refused, so
//! the console only ever hands a browser bytes of the type it names.

use branchbook_core::protocol::{FileKind, SNIFF_BYTES, sniff};

use crate::error::ApiError;

/// Why the server refuses an upload for what its bytes are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FileRefusal {
    /// The first bytes are no photo or recording a phone makes.
    #[error(
        "the file is neither a JPEG photo nor a sound or video recording a phone makes (AMR, MP4/M4A, 3GP, QuickTime, WebM, Ogg, WAV, FLAC, MP3, AAC); it was discarded"
    )]
    NotMedia,
    /// The file is larger than its kind allows.
    #[error("{} of {total} bytes is larger than the server takes ({max} bytes); it was discarded", .kind.describe())]
    TooLarge {
        /// What the bytes are.
        kind: FileKind,
        /// The upload's announced size.
        total: u64,
        /// The bound of that kind.
        max: u64,
    },
}

impl FileRefusal {
    /// The machine-readable code the phone is answered with.
    pub fn code(self) -> &'static str {
        match self {
            FileRefusal::NotMedia => "not_a_media_file",
            FileRefusal::TooLarge { .. } => "file_too_large",
        }
    }
}

impl From<FileRefusal> for ApiError {
    fn from(refusal: FileRefusal) -> Self {
        ApiError::Unprocessable {
            code: refusal.code(),
            detail: refusal.to_string(),
        }
    }
}

/// The largest file of `kind`: photos by the server's setting, recordings by the core's
/// bounds.
pub fn max_bytes(kind: FileKind, max_photo_bytes: u64) -> u64 {
    kind.max_bytes().unwrap_or(max_photo_bytes)
}

/// The largest upload the server starts before it has seen a byte: the bound of the
/// largest kind.
pub fn max_upload_bytes(max_photo_bytes: u64) -> u64 {
    [FileKind::Image, FileKind::Audio, FileKind::Video]
        .into_iter()
        .map(|kind| max_bytes(kind, max_photo_bytes))
        .max()
        .unwrap_or(max_photo_bytes)
}

/// The content type of a file of `total` bytes starting with `head` (its first
/// [`SNIFF_BYTES`], or all of it when shorter), when the server takes it.
pub fn admit(head: &[u8], total: u64, max_photo_bytes: u64) -> Result<&'static str, FileRefusal> {
    let (kind, content_type) = sniff(head).ok_or(FileRefusal::NotMedia)?;
    let max = max_bytes(kind, max_photo_bytes);
    if total > max {
        return Err(FileRefusal::TooLarge { kind, total, max });
    }
    Ok(content_type)
}

/// The content type of a stored file starting with `head`, whatever its size: what it
/// is served as. `None` for bytes the server would not take now (kept from before it
/// checked them), which are never served.
pub fn served_as(head: &[u8]) -> Option<&'static str> {
    sniff(head).map(|(_, content_type)| content_type)
}

/// Bytes a file must hold before its kind can be told (all of it when shorter).
pub fn head_len(total: u64) -> u64 {
    total.min(SNIFF_BYTES as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    #[test]
    fn each_kind_is_bounded_by_its_own_limit() {
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0];
        let mp4 = *b"\0\0\0\x18ftypisom\0\0\0\0";
        let amr = *b"#!AMR\n\x3c";
        assert_eq!(admit(&jpeg, 4 * MIB, 4 * MIB), Ok("image/jpeg"));
        assert_eq!(
            admit(&jpeg, 4 * MIB + 1, 4 * MIB),
            Err(FileRefusal::TooLarge {
                kind: FileKind::Image,
                total: 4 * MIB + 1,
                max: 4 * MIB
            })
        );
        assert_eq!(admit(&mp4, 100 * MIB, 4 * MIB), Ok("video/mp4"));
        assert!(admit(&mp4, 100 * MIB + 1, 4 * MIB).is_err());
        assert_eq!(admit(&amr, 20 * MIB, 4 * MIB), Ok("audio/amr"));
        let too_big = admit(&amr, 20 * MIB + 1, 4 * MIB).unwrap_err();
        assert_eq!(too_big.code(), "file_too_large");
        assert!(too_big.to_string().starts_with("a sound recording of"));
        assert_eq!(max_upload_bytes(4 * MIB), 100 * MIB);
        assert_eq!(max_upload_bytes(200 * MIB), 200 * MIB);
    }

    #[test]
    fn anything_but_a_photo_or_a_recording_is_refused() {
        for head in [
            &b"<html><script>alert(1)"[..],
            b"%PDF-1.7",
            b"\x7fELF\x02\x01\x01",
            b"\x89PNG\r\n\x1a\n",
            b"",
        ] {
            assert_eq!(admit(head, 10, MIB), Err(FileRefusal::NotMedia), "{head:?}");
            assert_eq!(served_as(head), None);
        }
        assert_eq!(head_len(3), 3);
        assert_eq!(head_len(MIB), SNIFF_BYTES as u64);
    }
}
