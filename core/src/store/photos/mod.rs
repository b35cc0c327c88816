//! Photos and recordings in the store: which files the database holds and what
//! references them (storage, here), how a camera's file becomes a stored JPEG
//! ([`intake`]), how a sound or video recording is checked and kept as recorded
//! ([`recording`]), and how the files beside the database are written, sealed and read
//! back ([`seal`]). Their bytes never go into the SQLite file; a recording is a row of
//! `photos` with its content type, uploaded as photos are.
//!
//! A photo's files are written (synced, renamed) before the database row that references
//! them commits; a file whose row never committed (a kill in between) is swept at the
//! next open.

mod intake;
mod recording;
mod seal;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use rusqlite::{OptionalExtension, Transaction};

use super::columns::{self, Millis};
use super::{RecordKind, Store, StoreError};
use crate::protocol::FileKind;

pub use intake::PhotoOptions;
pub use recording::StoredRecording;
pub(crate) use seal::PhotoDir;
pub use seal::PhotoReader;

/// A file with no database row is only swept once it is this old, so a sweep never
/// races an intake that has written its file but not yet committed its row.
const SWEEP_GRACE: Duration = Duration::from_secs(600);

/// `meta` key noting that every photo file is sealed in segments.
const PHOTOS_IN_SEGMENTS: &str = "photo_files_in_segments";

/// Why a photo could not be taken in. Nothing is stored when any of these happens.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The camera's file could not be read.
    #[error("cannot read photo {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// The system's reason.
        source: std::io::Error,
    },
    /// Not a JPEG or PNG (HEIC included: set the camera to JPEG).
    #[error("photo {path} is {format}, which is not supported: photos must be JPEG or PNG")]
    Unsupported {
        /// The file.
        path: PathBuf,
        /// What it looks like ("HEIC", "GIF", "unknown").
        format: String,
    },
    /// A damaged or incomplete image.
    #[error("photo {path} is damaged or incomplete: {reason}")]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// The decoder's reason.
        reason: String,
    },
    /// A stored photo that cannot be read back (damaged, or sealed with another key).
    #[error("stored photo {sha256} cannot be read back")]
    Unreadable {
        /// The photo.
        sha256: String,
    },
    /// A recording larger than its kind allows.
    #[error("{path} has {bytes} bytes: {kind} may have at most {max}")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// What it was taken for ("a sound recording").
        kind: &'static str,
        /// Its size.
        bytes: u64,
        /// The largest allowed.
        max: u64,
    },
    /// A file whose first bytes are no format of the recording it was taken for.
    #[error(
        "{path} is not {kind} the phone can keep (sound: AMR, AAC/MP4, 3GP, Ogg, WAV, MP3, WebM; video: MP4, 3GP, WebM)"
    )]
    NotRecording {
        /// The file.
        path: PathBuf,
        /// What it was taken for ("a video recording").
        kind: &'static str,
    },
    /// A bad option.
    #[error("max pixels must be between {min} and {max}, got {given}")]
    MaxPixels {
        /// Value given.
        given: u32,
        /// Smallest allowed.
        min: u32,
        /// Largest allowed.
        max: u32,
    },
}
/// A photo held by the store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct StoredPhoto {
    /// Hex SHA-256 of the stored JPEG: its name and its identity.
    pub sha256: String,
    /// Size of the stored JPEG.
    pub bytes: u64,
    /// Width after orientation and downsizing.
    pub width: u32,
    /// Height after orientation and downsizing.
    pub height: u32,
}
/// Records `photo` in the database (once per content).
pub(crate) fn register(tx: &Transaction<'_>, photo: &StoredPhoto) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO photos (sha256, bytes, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((&photo.sha256, photo.bytes as i64, photo.width, photo.height, Millis(columns::now())))?;
    Ok(())
}

/// Records `recording` in the database (once per content), with its content type.
pub(crate) fn register_recording(
    tx: &Transaction<'_>,
    recording: &StoredRecording,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO photos (sha256, bytes, width, height, created_at, content_type) VALUES (?1, ?2, 0, 0, ?3, ?4)",
    )?
    .execute((&recording.sha256, recording.bytes as i64, Millis(columns::now()), recording.content_type))?;
    Ok(())
}

/// Deletes the rows of photos nothing references any more; returns their hashes so the
/// files can go once the transaction has committed.
pub(crate) fn forget_unreferenced(tx: &Transaction<'_>) -> Result<Vec<String>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "DELETE FROM photos WHERE NOT EXISTS (SELECT 1 FROM submission_photos s WHERE s.sha256 = photos.sha256)
                             AND NOT EXISTS (SELECT 1 FROM gathering_photos g WHERE g.sha256 = photos.sha256)
         RETURNING sha256",
    )?;
    let gone = stmt
        .query_map([], |r| r.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(gone)
}

fn is_stored(tx: &Transaction<'_>, sha256: &str) -> Result<bool, StoreError> {
    Ok(content_type(tx, sha256)?.is_some())
}

/// The content type of stored file `sha256` ("image/jpeg" for a photo), if stored.
fn content_type(tx: &Transaction<'_>, sha256: &str) -> Result<Option<String>, StoreError> {
    Ok(tx
        .prepare_cached("SELECT content_type FROM photos WHERE sha256 = ?1")?
        .query_row([sha256], |r| r.get(0))
        .optional()?)
}

impl Store {
    /// Takes in the photo at `path` and writes its files; the caller then links it to
    /// a record with [`register`] in its own transaction, and calls
    /// [`Store::discard_photo_files`] if that fails.
    pub(crate) fn take_in_photo(
        &self,
        path: &Path,
        options: PhotoOptions,
    ) -> Result<StoredPhoto, StoreError> {
        let p = intake::process(path, options)?;
        self.photos
            .put(&self.photos.thumbnail(&p.photo.sha256), &p.thumbnail)?;
        self.photos
            .put(&self.photos.file(&p.photo.sha256), &p.jpeg)?;
        Ok(p.photo)
    }

    /// Checks the recording at `path` as `kind` takes it (its first bytes and its size)
    /// and writes its file as recorded; the caller then links it to a record with
    /// [`register_recording`] in its own transaction, and calls
    /// [`Store::discard_photo_files`] if that fails.
    pub(crate) fn take_in_recording(
        &self,
        path: &Path,
        kind: FileKind,
    ) -> Result<StoredRecording, StoreError> {
        recording::take_in(&self.photos, path, kind)
    }

    /// Removes the files of photos whose rows are gone (after a delete committed, or an
    /// intake whose transaction failed).
    pub(crate) fn discard_photo_files(&self, shas: &[String]) -> Result<(), StoreError> {
        let still: Vec<bool> = self.read(|tx| shas.iter().map(|s| is_stored(tx, s)).collect())?;
        for (sha, kept) in shas.iter().zip(still) {
            if !kept {
                self.photos.remove(sha);
            }
        }
        Ok(())
    }

    /// The stored JPEG of photo `sha256` (or a recording's file), whole (to show it).
    pub fn photo_bytes(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        let path = self.stored_file(sha256)?;
        self.photos.read(sha256, &path)
    }

    /// The stored JPEG of photo `sha256` (or a recording's file), to read from any
    /// offset a segment at a time (to upload it from where the server stopped, or to
    /// play it, in bounded memory).
    pub fn photo_reader(&self, sha256: &str) -> Result<PhotoReader, StoreError> {
        let path = self.stored_file(sha256)?;
        self.photos.open(sha256, &path)
    }

    /// The content type of stored file `sha256`: "image/jpeg" for a photo, what its
    /// first bytes said for a recording ("audio/amr", "video/mp4").
    pub fn photo_content_type(&self, sha256: &str) -> Result<String, StoreError> {
        self.read(|tx| {
            content_type(tx, sha256)?
                .ok_or_else(|| StoreError::not_found(RecordKind::Photo, sha256))
        })
    }

    /// Where the file of stored photo or recording `sha256` is.
    fn stored_file(&self, sha256: &str) -> Result<PathBuf, StoreError> {
        Ok(match self.photo_content_type(sha256)?.as_str() {
            "image/jpeg" => self.photos.file(sha256),
            _ => self.photos.recording(sha256),
        })
    }

    /// The 320 px thumbnail of photo `sha256`, for lists.
    pub fn thumbnail_bytes(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        self.ensure_photo(sha256)?;
        self.photos.read(sha256, &self.photos.thumbnail(sha256))
    }

    fn ensure_photo(&self, sha256: &str) -> Result<(), StoreError> {
        self.read(|tx| {
            if is_stored(tx, sha256)? {
                Ok(())
            } else {
                Err(StoreError::not_found(RecordKind::Photo, sha256))
            }
        })
    }

    /// Re-seals in segments, once, the photo files an earlier build sealed whole (see
    /// [`seal`]), so every photo is read a segment at a time; then notes it in `meta`
    /// so later opens skip the look. A kill halfway leaves every file readable.
    pub(crate) fn reseal_photo_files(&self) -> Result<(), StoreError> {
        if !self.photos.is_sealed() {
            return Ok(());
        }
        let done = self.read(|tx| {
            Ok(tx
                .prepare_cached("SELECT 1 FROM meta WHERE key = ?1")?
                .query_row([PHOTOS_IN_SEGMENTS], |_| Ok(()))
                .optional()?
                .is_some())
        })?;
        if done {
            return Ok(());
        }
        self.photos.reseal_whole_files()?;
        self.write(|tx| {
            tx.execute(
                "INSERT INTO meta (key, value) VALUES (?1, '1') ON CONFLICT (key) DO NOTHING",
                [PHOTOS_IN_SEGMENTS],
            )?;
            Ok(())
        })
    }

    /// Removes photo files that no database row names (left by a kill between writing
    /// a file and committing its row) once they are older than a grace period, and
    /// stale temporary files.
    pub(crate) fn sweep_photos(&self) -> Result<(), StoreError> {
        let entries = |dir: &Path| -> Vec<(PathBuf, SystemTime)> {
            fs::read_dir(dir)
                .into_iter()
                .flatten()
                .flatten()
                .filter_map(|e| Some((e.path(), e.metadata().ok()?.modified().ok()?)))
                .filter(|(p, _)| p.is_file())
                .collect()
        };
        let old = |t: &SystemTime| t.elapsed().is_ok_and(|age| age > SWEEP_GRACE);
        for (path, modified) in entries(&self.photos.dir.join("tmp")) {
            if old(&modified) {
                let _ = fs::remove_file(path);
            }
        }
        let candidates: Vec<(PathBuf, String)> = entries(&self.photos.dir)
            .into_iter()
            .filter(|(_, m)| old(m))
            .filter_map(|(p, _)| {
                let name = p.file_name()?.to_str()?;
                let sha = name
                    .strip_suffix(".thumb.jpg")
                    .or_else(|| name.strip_suffix(".jpg"))
                    .or_else(|| name.strip_suffix(".rec"))?
                    .to_owned();
                Some((p, sha))
            })
            .collect();
        let orphans: Vec<PathBuf> = self.read(|tx| {
            let mut out = vec![];
            for (path, sha) in candidates {
                if !is_stored(tx, &sha)? {
                    out.push(path);
                }
            }
            Ok(out)
        })?;
        for path in orphans {
            let _ = fs::remove_file(path);
        }
        Ok(())
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::intake::DEFAULT_MAX_PIXELS;
    use super::*;
    use crate::form::Field;
    use crate::store::testing::store;
    use image::codecs::jpeg::JpegEncoder;
    use image::metadata::Orientation;
    use image::{
        DynamicImage, ImageDecoder, ImageEncoder, ImageFormat, ImageReader, Rgb, RgbImage,
    };
    use sha2::{Digest, Sha256};
    use std::fs::File;
    use std::io::{Cursor, Read, Seek};

    /// A little-endian TIFF (EXIF) chunk with an orientation and a GPS latitude reference.
    fn exif(orientation: u16) -> Vec<u8> {
        let mut t = b"II\x2a\x00\x08\x00\x00\x00".to_vec();
        t.extend_from_slice(&2u16.to_le_bytes());
        t.extend_from_slice(&[0x12, 0x01, 3, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&orientation.to_le_bytes());
        t.extend_from_slice(&[0, 0]);
        t.extend_from_slice(&[0x25, 0x88, 4, 0, 1, 0, 0, 0]);
        t.extend_from_slice(&38u32.to_le_bytes());
        t.extend_from_slice(&0u32.to_le_bytes());
        t.extend_from_slice(&1u16.to_le_bytes());
        t.extend_from_slice(&[0x01, 0x00, 2, 0, 2, 0, 0, 0, b'N', 0, 0, 0]);
        t.extend_from_slice(&0u32.to_le_bytes());
        t
    }

    /// A `w` x `h` JPEG, red on the left half and blue on the right, with EXIF.
    pub(crate) fn jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
        let img = RgbImage::from_fn(w, h, |x, _| {
            if x < w / 2 {
                Rgb([250, 0, 0])
            } else {
                Rgb([0, 0, 250])
            }
        });
        let mut out = vec![];
        let mut enc = JpegEncoder::new_with_quality(&mut out, 90);
        enc.set_exif_metadata(exif(orientation)).unwrap();
        enc.write_image(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap();
        out
    }

    pub(crate) fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        fs::write(&p, bytes).unwrap();
        p
    }

    fn files(store: &Store) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(&store.photos.dir)
            .unwrap()
            .flatten()
            .filter(|e| e.path().is_file())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn decoded(path: &Path) -> (DynamicImage, Option<Vec<u8>>) {
        let bytes = fs::read(path).unwrap();
        let mut d = ImageReader::with_format(Cursor::new(&bytes), ImageFormat::Jpeg)
            .into_decoder()
            .unwrap();
        let exif = d.exif_metadata().unwrap();
        (DynamicImage::from_decoder(d).unwrap(), exif)
    }

    #[test]
    fn a_big_rotated_photo_is_turned_upright_downsized_stripped_and_hashed() {
        let (dir, store) = store();
        // Stored 2000x1000 with orientation 6 (rotate 90 clockwise): upright it is 1000x2000.
        let src = write(dir.path(), "cam.jpg", &jpeg(2000, 1000, 6));
        let p = store.take_in_photo(&src, PhotoOptions::default()).unwrap();
        assert_eq!((p.width, p.height), (800, 1600));
        let stored = store.photos.file(&p.sha256);
        let bytes = fs::read(&stored).unwrap();
        assert_eq!(hex::encode(Sha256::digest(&bytes)), p.sha256);
        assert_eq!(bytes.len() as u64, p.bytes);
        let (img, exif) = decoded(&stored);
        assert_eq!((img.width(), img.height()), (800, 1600));
        assert!(exif.is_none(), "no EXIF, so no location");
        // The left half (red) was rotated to the top.
        let top = img.to_rgb8().get_pixel(400, 100).0;
        let bottom = img.to_rgb8().get_pixel(400, 1500).0;
        assert!(top[0] > 200 && top[2] < 60, "top is red: {top:?}");
        assert!(
            bottom[2] > 200 && bottom[0] < 60,
            "bottom is blue: {bottom:?}"
        );
        let (thumb, _) = decoded(&store.photos.thumbnail(&p.sha256));
        assert_eq!((thumb.width(), thumb.height()), (160, 320));
    }

    #[test]
    fn location_is_kept_only_when_asked_and_orientation_is_reset() {
        let (dir, store) = store();
        let src = write(dir.path(), "cam.jpg", &jpeg(400, 200, 6));
        let p = store
            .take_in_photo(
                &src,
                PhotoOptions {
                    keep_location: true,
                    ..PhotoOptions::default()
                },
            )
            .unwrap();
        let (img, exif) = decoded(&store.photos.file(&p.sha256));
        assert_eq!(
            (img.width(), img.height()),
            (200, 400),
            "small photos are not resized"
        );
        let exif = exif.expect("EXIF kept");
        assert!(
            exif.windows(2).any(|w| w == [0x25, 0x88]),
            "the GPS pointer is there"
        );
        assert_eq!(
            Orientation::from_exif_chunk(&exif),
            Some(Orientation::NoTransforms)
        );
    }

    #[test]
    fn max_pixels_comes_from_the_image_question() {
        let (dir, store) = store();
        let mut field: Field = serde_json::from_value(serde_json::json!({
            "name": "photo", "kind": {"type": "image"}, "label": {}, "hint": {}, "required": null,
            "required_message": {}, "relevant": null, "constraint": null, "constraint_message": {},
            "calculation": null, "default": null, "read_only": null, "choice_filter": null,
            "appearance": null, "parameters": {"max-pixels": "640"}, "source": {"sheet": "survey", "row": 2}
        }))
        .unwrap();
        let options = PhotoOptions::for_field(&field);
        assert_eq!(options.max_pixels, 640);
        let p = store
            .take_in_photo(&write(dir.path(), "a.jpg", &jpeg(1280, 960, 1)), options)
            .unwrap();
        assert_eq!((p.width, p.height), (640, 480));
        field.parameters.clear();
        assert_eq!(
            PhotoOptions::for_field(&field).max_pixels,
            DEFAULT_MAX_PIXELS
        );
        assert!(matches!(
            store.take_in_photo(
                &write(dir.path(), "b.jpg", &jpeg(10, 10, 1)),
                PhotoOptions {
                    max_pixels: 5,
                    keep_location: false
                }
            ),
            Err(StoreError::Photo(PhotoError::MaxPixels { given: 5, .. }))
        ));
    }

    #[test]
    fn png_is_taken_in_as_jpeg_and_the_same_photo_is_stored_once() {
        let (dir, store) = store();
        let img = RgbImage::from_fn(64, 48, |x, y| Rgb([x as u8 * 4, y as u8 * 5, 90]));
        let src = dir.path().join("a.png");
        img.save(&src).unwrap();
        let a = store.take_in_photo(&src, PhotoOptions::default()).unwrap();
        let b = store.take_in_photo(&src, PhotoOptions::default()).unwrap();
        assert_eq!(a, b);
        assert_eq!(
            files(&store),
            vec![
                format!("{}.jpg", a.sha256),
                format!("{}.thumb.jpg", a.sha256)
            ]
        );
        assert!(
            fs::read(store.photos.file(&a.sha256))
                .unwrap()
                .starts_with(&[0xFF, 0xD8])
        );
    }

    #[test]
    fn corrupt_truncated_heic_and_missing_files_are_clear_errors_leaving_nothing() {
        let (dir, store) = store();
        let good = jpeg(800, 600, 1);
        let cut = write(dir.path(), "cut.jpg", &good[..good.len() / 2]);
        assert!(matches!(
            store.take_in_photo(&cut, PhotoOptions::default()),
            Err(StoreError::Photo(PhotoError::Corrupt { .. }))
        ));
        let mut garbled = good.clone();
        for b in garbled.iter_mut().skip(200).take(4000) {
            *b = 0xFF;
        }
        let garbled = write(dir.path(), "garbled.jpg", &garbled);
        assert!(matches!(
            store.take_in_photo(&garbled, PhotoOptions::default()),
            Err(StoreError::Photo(PhotoError::Corrupt { .. }))
        ));
        let heic = write(dir.path(), "x.heic", b"\0\0\0\x18ftypheic\0\0\0\0mif1heic");
        match store.take_in_photo(&heic, PhotoOptions::default()) {
            Err(StoreError::Photo(PhotoError::Unsupported { format, .. })) => {
                assert_eq!(format, "HEIC")
            }
            other => panic!("expected HEIC to be refused, got {other:?}"),
        }
        let text = write(dir.path(), "x.txt", b"hello, not an image");
        assert!(matches!(
            store.take_in_photo(&text, PhotoOptions::default()),
            Err(StoreError::Photo(PhotoError::Unsupported { .. }))
        ));
        let cut_png = {
            let src = dir.path().join("p.png");
            RgbImage::from_pixel(300, 300, Rgb([1, 2, 3]))
                .save(&src)
                .unwrap();
            let b = fs::read(&src).unwrap();
            write(dir.path(), "cut.png", &b[..b.len() - 40])
        };
        assert!(matches!(
            store.take_in_photo(&cut_png, PhotoOptions::default()),
            Err(StoreError::Photo(PhotoError::Corrupt { .. }))
        ));
        assert!(matches!(
            store.take_in_photo(&dir.path().join("nope.jpg"), PhotoOptions::default()),
            Err(StoreError::Photo(PhotoError::Read { .. }))
        ));
        assert!(files(&store).is_empty());
        assert_eq!(
            fs::read_dir(store.photos.dir.join("tmp")).unwrap().count(),
            0
        );
    }

    /// `len` bytes of an AMR recording: its header, then varied frames.
    pub(crate) fn amr(len: usize) -> Vec<u8> {
        let mut bytes = b"#!AMR\n".to_vec();
        bytes.extend((0..len - 6).map(|i| (i * 7 % 251) as u8));
        bytes
    }

    #[test]
    fn a_recording_is_kept_as_recorded_sealed_a_segment_at_a_time_and_read_back_from_any_offset() {
        let dir = tempfile::tempdir().unwrap();
        let sealed = Store::open(&dir.path().join("sealed.db"), Some(&[9; 32])).unwrap();
        // Three segments and a bit: the last segment is told from the others.
        let sound = amr(3 * seal::SEGMENT + 1000);
        let src = write(dir.path(), "rec.amr", &sound);
        let r = sealed.take_in_recording(&src, FileKind::Audio).unwrap();
        assert_eq!(r.sha256, hex::encode(Sha256::digest(&sound)));
        assert_eq!((r.bytes, r.content_type), (sound.len() as u64, "audio/amr"));
        sealed.write(|tx| register_recording(tx, &r)).unwrap();
        assert_eq!(sealed.photo_content_type(&r.sha256).unwrap(), "audio/amr");
        let on_disk = fs::read(sealed.photos.recording(&r.sha256)).unwrap();
        assert!(
            !on_disk.windows(64).any(|w| w == &sound[1000..1064]),
            "sealed on disk"
        );
        assert_eq!(sealed.photo_bytes(&r.sha256).unwrap(), sound);
        let mut reader = sealed.photo_reader(&r.sha256).unwrap();
        assert_eq!(reader.len(), sound.len() as u64);
        let from = 2 * seal::SEGMENT as u64 + 17;
        reader.seek(std::io::SeekFrom::Start(from)).unwrap();
        let mut rest = Vec::new();
        reader.read_to_end(&mut rest).unwrap();
        assert_eq!(rest, &sound[from as usize..]);
        // The same recording again is the same file; an unsealed store keeps it plain.
        assert_eq!(sealed.take_in_recording(&src, FileKind::Audio).unwrap(), r);
        let (_plain_dir, plain) = store();
        let p = plain.take_in_recording(&src, FileKind::Audio).unwrap();
        assert_eq!(p.sha256, r.sha256);
        assert_eq!(fs::read(plain.photos.recording(&p.sha256)).unwrap(), sound);
    }

    #[test]
    fn a_recording_that_is_not_its_kind_or_too_large_is_refused_leaving_nothing() {
        let (dir, store) = store();
        let photo = write(dir.path(), "a.jpg", &jpeg(40, 30, 1));
        for (path, kind) in [(&photo, FileKind::Audio), (&photo, FileKind::Video)] {
            assert!(
                matches!(
                    store.take_in_recording(path, kind),
                    Err(StoreError::Photo(PhotoError::NotRecording { .. }))
                ),
                "{kind:?}"
            );
        }
        let page = write(dir.path(), "x.mp4", b"<html><script>alert(1)</script>");
        assert!(matches!(
            store.take_in_recording(&page, FileKind::Video),
            Err(StoreError::Photo(PhotoError::NotRecording { .. }))
        ));
        let sound = write(dir.path(), "s.amr", &amr(2000));
        assert!(matches!(
            store.take_in_recording(&sound, FileKind::Video),
            Err(StoreError::Photo(PhotoError::NotRecording {
                kind: "a video recording",
                ..
            }))
        ));
        // Longer than 20 MB of sound: refused from its size, before a byte is read.
        let long = dir.path().join("long.amr");
        let f = File::create(&long).unwrap();
        f.set_len(crate::protocol::MAX_AUDIO_BYTES + 1).unwrap();
        assert!(matches!(
            store.take_in_recording(&long, FileKind::Audio),
            Err(StoreError::Photo(PhotoError::TooLarge { max, .. })) if max == 20 * 1024 * 1024
        ));
        assert!(matches!(
            store.take_in_recording(&dir.path().join("none.amr"), FileKind::Audio),
            Err(StoreError::Photo(PhotoError::Read { .. }))
        ));
        assert!(files(&store).is_empty());
        assert_eq!(
            fs::read_dir(store.photos.dir.join("tmp")).unwrap().count(),
            0
        );
    }

    #[test]
    fn old_files_without_a_row_are_swept_and_fresh_or_registered_ones_kept() {
        let (dir, store) = store();
        let kept = store
            .take_in_photo(
                &write(dir.path(), "a.jpg", &jpeg(50, 40, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        store.write(|tx| register(tx, &kept)).unwrap();
        let orphan = store
            .take_in_photo(
                &write(dir.path(), "b.jpg", &jpeg(60, 40, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        let fresh = store
            .take_in_photo(
                &write(dir.path(), "c.jpg", &jpeg(70, 40, 1)),
                PhotoOptions::default(),
            )
            .unwrap();
        let long_ago = SystemTime::now() - 2 * SWEEP_GRACE;
        for sha in [&kept.sha256, &orphan.sha256] {
            for p in [store.photos.file(sha), store.photos.thumbnail(sha)] {
                File::options()
                    .write(true)
                    .open(&p)
                    .unwrap()
                    .set_modified(long_ago)
                    .unwrap();
            }
        }
        store.sweep_photos().unwrap();
        let left = files(&store);
        assert!(left.contains(&format!("{}.jpg", kept.sha256)));
        assert!(left.contains(&format!("{}.jpg", fresh.sha256)));
        assert!(!left.iter().any(|f| f.starts_with(&orphan.sha256)));
        assert_eq!(
            store.photo_bytes(&kept.sha256).unwrap().len() as u64,
            kept.bytes
        );
        assert!(matches!(
            store.photo_bytes(&orphan.sha256),
            Err(StoreError::NotFound {
                kind: RecordKind::Photo,
                ..
            })
        ));
    }
}
