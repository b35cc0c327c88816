//! What a file answer may hold. A question answered with a file (a photo, a sound or
//! a video recording) takes the content types of its [`FileKind`], told by the file's
//! first bytes, never by its name or by what a phone says, and files of a bounded
//! size. The phone checks a recording before it keeps it; the server checks every file
//! when its last byte arrives, and serves it with the type it found.

use crate::form::FieldKind;

/// Bytes at the start of a file that [`FileKind::content_type`] and [`sniff`] read.
pub const SNIFF_BYTES: usize = 16;

/// Largest sound recording: some 40 minutes of AMR or AAC speech, as phones record it.
pub const MAX_AUDIO_BYTES: u64 = 20 * 1024 * 1024;
/// Largest video recording: a few minutes at a cheap phone's camera resolution.
pub const MAX_VIDEO_BYTES: u64 = 100 * 1024 * 1024;

/// ISO media brands of still pictures (HEIC, AVIF): an `ftyp` box that is no recording.
const HEIF_BRANDS: [&[u8]; 7] = [
    b"heic", b"heix", b"hevc", b"heim", b"mif1", b"msf1", b"avif",
];

/// The kind of file a question is answered with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// A photo (`image`), stored as a JPEG by the phone.
    Image,
    /// A sound recording (`audio`).
    Audio,
    /// A video recording (`video`).
    Video,
}

impl FileKind {
    /// The kind of file a question of `kind` takes, if it takes one.
    pub fn of(kind: &FieldKind) -> Option<FileKind> {
        match kind {
            FieldKind::Image => Some(FileKind::Image),
            FieldKind::Audio => Some(FileKind::Audio),
            FieldKind::Video => Some(FileKind::Video),
            _ => None,
        }
    }

    /// The largest file of this kind; `None` for photos, which the phone downsizes and
    /// the server bounds by its own setting ([`super::Limits::max_photo_bytes`]).
    pub fn max_bytes(self) -> Option<u64> {
        match self {
            FileKind::Image => None,
            FileKind::Audio => Some(MAX_AUDIO_BYTES),
            FileKind::Video => Some(MAX_VIDEO_BYTES),
        }
    }

    /// The word for it in messages ("a sound recording").
    pub fn describe(self) -> &'static str {
        match self {
            FileKind::Image => "a photo",
            FileKind::Audio => "a sound recording",
            FileKind::Video => "a video recording",
        }
    }

    /// The content type of a file of this kind that starts with `head` (its first
    /// [`SNIFF_BYTES`], or all of it when shorter); `None` when the bytes are not a
    /// format of this kind.
    pub fn content_type(self, head: &[u8]) -> Option<&'static str> {
        let at =
            |offset: usize, magic: &[u8]| head.get(offset..offset + magic.len()) == Some(magic);
        let brand = head.get(8..12).filter(|_| at(4, b"ftyp"));
        let three_gp = brand.is_some_and(|b| b.starts_with(b"3g"));
        let heif = brand.is_some_and(|b| HEIF_BRANDS.contains(&b));
        let matroska = at(0, &[0x1A, 0x45, 0xDF, 0xA3]);
        match self {
            FileKind::Image => at(0, &[0xFF, 0xD8, 0xFF]).then_some("image/jpeg"),
            FileKind::Audio => {
                if at(0, b"#!AMR-WB\n") {
                    Some("audio/amr-wb")
                } else if at(0, b"#!AMR\n") {
                    Some("audio/amr")
                } else if brand.is_some() && !heif {
                    Some(if three_gp { "audio/3gpp" } else { "audio/mp4" })
                } else if matroska {
                    Some("audio/webm")
                } else if at(0, b"OggS") {
                    Some("audio/ogg")
                } else if at(0, b"RIFF") && at(8, b"WAVE") {
                    Some("audio/wav")
                } else if at(0, b"fLaC") {
                    Some("audio/flac")
                } else if at(0, b"ID3") {
                    Some("audio/mpeg")
                } else {
                    match head {
                        // ADTS (raw AAC) frames, then MPEG audio frames.
                        [0xFF, b, ..] if b & 0xF6 == 0xF0 => Some("audio/aac"),
                        [0xFF, b, ..] if b & 0xE0 == 0xE0 => Some("audio/mpeg"),
                        _ => None,
                    }
                }
            }
            FileKind::Video => {
                if brand.is_some() && !heif {
                    Some(match brand {
                        _ if three_gp => "video/3gpp",
                        Some(b"qt  ") => "video/quicktime",
                        _ => "video/mp4",
                    })
                } else if matroska {
                    Some("video/webm")
                } else {
                    None
                }
            }
        }
    }
}

/// The kind and content type of a file that starts with `head`, whatever question it
/// answers: what the server reads from an uploaded file. A container that holds sound
/// or video alike (MP4, 3GP, WebM) is told as video, the larger bound; `None` for
/// anything that is no photo, sound or video a phone records (a page, a program).
pub fn sniff(head: &[u8]) -> Option<(FileKind, &'static str)> {
    [FileKind::Image, FileKind::Video, FileKind::Audio]
        .into_iter()
        .find_map(|kind| Some((kind, kind.content_type(head)?)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(brand: &[u8; 4]) -> Vec<u8> {
        let mut head = vec![0, 0, 0, 0x18];
        head.extend_from_slice(b"ftyp");
        head.extend_from_slice(brand);
        head.extend_from_slice(&[0, 0, 0, 0]);
        head
    }

    #[test]
    fn each_kind_takes_the_formats_phones_record_and_nothing_else() {
        let audio: &[(&[u8], &str)] = &[
            (b"#!AMR\n\x3c\x91", "audio/amr"),
            (b"#!AMR-WB\n\x04", "audio/amr-wb"),
            (&ftyp(b"M4A "), "audio/mp4"),
            (&ftyp(b"3gp4"), "audio/3gpp"),
            (b"OggS\0\x02", "audio/ogg"),
            (b"RIFF\x24\x08\0\0WAVEfmt ", "audio/wav"),
            (b"ID3\x04\0", "audio/mpeg"),
            (&[0xFF, 0xFB, 0x90, 0x64], "audio/mpeg"),
            (&[0xFF, 0xF1, 0x50, 0x80], "audio/aac"),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x9F], "audio/webm"),
        ];
        for (head, ty) in audio {
            assert_eq!(FileKind::Audio.content_type(head), Some(*ty), "{ty}");
        }
        let video: &[(&[u8], &str)] = &[
            (&ftyp(b"isom"), "video/mp4"),
            (&ftyp(b"mp42"), "video/mp4"),
            (&ftyp(b"3gp5"), "video/3gpp"),
            (&ftyp(b"qt  "), "video/quicktime"),
            (&[0x1A, 0x45, 0xDF, 0xA3, 0x9F], "video/webm"),
        ];
        for (head, ty) in video {
            assert_eq!(FileKind::Video.content_type(head), Some(*ty), "{ty}");
        }
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10];
        assert_eq!(FileKind::Image.content_type(&jpeg), Some("image/jpeg"));
        assert_eq!(
            FileKind::Audio.content_type(&jpeg),
            None,
            "a photo is no sound"
        );
        assert_eq!(
            FileKind::Video.content_type(b"#!AMR\n"),
            None,
            "nor a sound a video"
        );
        let refused: &[&[u8]] = &[
            b"<!DOCTYPE html><script>",
            b"%PDF-1.7",
            b"PK\x03\x04",
            b"\x7fELF\x02\x01",
            &ftyp(b"heic"),
            &[0x89, b'P', b'N', b'G'],
            b"",
            b"\0\0\0\x18ftyp",
        ];
        for head in refused {
            assert_eq!(sniff(head), None, "{head:?}");
        }
    }

    #[test]
    fn the_server_tells_the_kind_from_the_bytes_alone() {
        assert_eq!(
            sniff(&[0xFF, 0xD8, 0xFF, 0xDB]),
            Some((FileKind::Image, "image/jpeg"))
        );
        assert_eq!(sniff(b"#!AMR\n"), Some((FileKind::Audio, "audio/amr")));
        assert_eq!(
            sniff(&ftyp(b"isom")),
            Some((FileKind::Video, "video/mp4")),
            "MP4 may hold sound or video: the larger bound"
        );
        assert_eq!(FileKind::of(&FieldKind::Audio), Some(FileKind::Audio));
        assert_eq!(FileKind::of(&FieldKind::Text), None);
        assert_eq!(FileKind::Audio.max_bytes(), Some(20 * 1024 * 1024));
        assert_eq!(FileKind::Video.max_bytes(), Some(100 * 1024 * 1024));
    }
}
