//! Photo intake: a file the native camera wrote becomes a stored JPEG, decoded (JPEG or
//! PNG), turned upright by its EXIF orientation, downsized to at most `max_pixels` on
//! its long side, re-encoded at quality 80 without EXIF (so without GPS position) unless
//! asked, named by its SHA-256 and written beside the database once per content, with a
//! 320 px thumbnail for lists. Photo bytes never go into the SQLite file.
//!
//! Files are written to a temporary name, synced and renamed, before the database row
//! that references them commits; a file whose row never committed (a kill in between)
//! is swept at the next open.

use std::fs::{self, File};
use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use rusqlite::{OptionalExtension, Transaction};
use sha2::{Digest, Sha256};

use super::columns::{self, Millis};
use super::{RecordKind, Store, StoreError};
use crate::form::Field;

/// Default longest side of a stored photo, in pixels.
pub const DEFAULT_MAX_PIXELS: u32 = 1600;
/// Longest side of a thumbnail.
const THUMBNAIL_PIXELS: u32 = 320;
/// JPEG quality of stored photos (what ODK Collect uses when it downsizes).
const QUALITY: u8 = 80;
/// JPEG quality of thumbnails.
const THUMBNAIL_QUALITY: u8 = 70;
/// A file with no database row is only swept once it is this old, so a sweep never
/// races an intake that has written its file but not yet committed its row.
const SWEEP_GRACE: Duration = Duration::from_secs(600);

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

/// How a photo is stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhotoOptions {
    /// Longest side in pixels (XLSForm `max-pixels` parameter of an image question).
    pub max_pixels: u32,
    /// Keep the camera's EXIF, GPS position included (off by default: a photo of a
    /// household must not reveal where it is unless the form asks for it).
    pub keep_location: bool,
}

impl Default for PhotoOptions {
    fn default() -> Self {
        PhotoOptions {
            max_pixels: DEFAULT_MAX_PIXELS,
            keep_location: false,
        }
    }
}

impl PhotoOptions {
    /// The options an image question asks for through its `max-pixels` parameter.
    pub fn for_field(field: &Field) -> PhotoOptions {
        let max_pixels = field
            .parameters
            .get("max-pixels")
            .and_then(|v| v.trim().parse().ok())
            .unwrap_or(DEFAULT_MAX_PIXELS);
        PhotoOptions {
            max_pixels,
            ..PhotoOptions::default()
        }
    }
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

/// The folder beside the database that holds photo files. In an encrypted store the
/// files are sealed (XChaCha20-Poly1305, a random nonce per file) with a key derived
/// from the database key, so a photo of a household is as private as its answers.
pub(crate) struct PhotoDir {
    dir: PathBuf,
    cipher: Option<XChaCha20Poly1305>,
}

/// Length of the nonce written before each sealed file.
const NONCE_LEN: usize = 24;

impl PhotoDir {
    /// `<database>.photos`, created if missing; sealed when the database has a `key`.
    pub(crate) fn beside(db: &Path, key: Option<&[u8]>) -> Result<PhotoDir, StoreError> {
        let mut name = db.as_os_str().to_owned();
        name.push(".photos");
        let dir = PathBuf::from(name);
        let tmp = dir.join("tmp");
        fs::create_dir_all(&tmp).map_err(|source| StoreError::Io { path: tmp, source })?;
        let cipher = key.map(|key| {
            let derived = Sha256::new()
                .chain_update(b"branchbook photo files\0")
                .chain_update(key)
                .finalize();
            XChaCha20Poly1305::new(&derived)
        });
        Ok(PhotoDir { dir, cipher })
    }

    /// The stored JPEG of `sha256`.
    pub(crate) fn file(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.jpg"))
    }

    fn thumbnail(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.thumb.jpg"))
    }

    /// The bytes as they go to disk: sealed in an encrypted store.
    fn seal(&self, bytes: &[u8]) -> Result<Vec<u8>, StoreError> {
        let Some(cipher) = &self.cipher else {
            return Ok(bytes.to_vec());
        };
        let mut nonce = [0u8; NONCE_LEN];
        nonce[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
        nonce[16..].copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..NONCE_LEN - 16]);
        let sealed = cipher
            .encrypt(XNonce::from_slice(&nonce), bytes)
            .map_err(|_| StoreError::invalid("photo", "cannot encrypt"))?;
        Ok([&nonce[..], &sealed].concat())
    }

    /// Reads the file at `path` back to the JPEG it holds.
    fn read(&self, sha256: &str, path: &Path) -> Result<Vec<u8>, StoreError> {
        let bytes = fs::read(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        let Some(cipher) = &self.cipher else {
            return Ok(bytes);
        };
        let unreadable = || {
            StoreError::Photo(PhotoError::Unreadable {
                sha256: sha256.to_owned(),
            })
        };
        if bytes.len() < NONCE_LEN {
            return Err(unreadable());
        }
        let (nonce, sealed) = bytes.split_at(NONCE_LEN);
        cipher
            .decrypt(XNonce::from_slice(nonce), sealed)
            .map_err(|_| unreadable())
    }

    /// Writes `bytes` to `target` through a synced temporary file and a rename, so the
    /// target is either absent or whole. An existing target is left as it is.
    fn put(&self, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        if target.exists() {
            return Ok(());
        }
        let bytes = self.seal(bytes)?;
        let tmp = self
            .dir
            .join("tmp")
            .join(format!("{}.part", uuid::Uuid::now_v7()));
        let io = |path: &Path| {
            let path = path.to_owned();
            move |source| StoreError::Io { path, source }
        };
        let written = File::create(&tmp).and_then(|mut f| {
            f.write_all(&bytes)?;
            f.sync_all()
        });
        if let Err(e) = written {
            let _ = fs::remove_file(&tmp);
            return Err(io(&tmp)(e));
        }
        fs::rename(&tmp, target).map_err(io(target))?;
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok(())
    }

    fn remove(&self, sha256: &str) {
        let _ = fs::remove_file(self.file(sha256));
        let _ = fs::remove_file(self.thumbnail(sha256));
    }
}

/// A photo decoded, oriented, downsized and encoded, ready to be written.
struct Processed {
    photo: StoredPhoto,
    jpeg: Vec<u8>,
    thumbnail: Vec<u8>,
}

fn detect(path: &Path, bytes: &[u8]) -> Result<ImageFormat, PhotoError> {
    let unsupported = |format: &str| PhotoError::Unsupported {
        path: path.to_owned(),
        format: format.to_owned(),
    };
    if bytes.len() >= 12 && &bytes[4..8] == b"ftyp" {
        let brand = &bytes[8..12];
        let heif: [&[u8]; 6] = [b"heic", b"heix", b"hevc", b"heim", b"mif1", b"msf1"];
        return Err(unsupported(if heif.contains(&brand) {
            "HEIC"
        } else {
            "an ISO media file"
        }));
    }
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png)) => Ok(f),
        Ok(other) => Err(unsupported(
            other.extensions_str().first().copied().unwrap_or("unknown"),
        )),
        Err(_) => Err(unsupported("unknown")),
    }
}

fn encode(
    img: &DynamicImage,
    quality: u8,
    exif: Option<Vec<u8>>,
) -> Result<Vec<u8>, image::ImageError> {
    let mut out = Vec::new();
    let mut encoder = JpegEncoder::new_with_quality(&mut out, quality);
    if let Some(exif) = exif {
        // JPEG always carries EXIF, so this cannot be refused.
        let _ = image::ImageEncoder::set_exif_metadata(&mut encoder, exif);
    }
    encoder.encode_image(&DynamicImage::ImageRgb8(img.to_rgb8()))?;
    Ok(out)
}

fn process(path: &Path, options: PhotoOptions) -> Result<Processed, PhotoError> {
    const MIN: u32 = THUMBNAIL_PIXELS;
    const MAX: u32 = 8192;
    if !(MIN..=MAX).contains(&options.max_pixels) {
        return Err(PhotoError::MaxPixels {
            given: options.max_pixels,
            min: MIN,
            max: MAX,
        });
    }
    let bytes = fs::read(path).map_err(|source| PhotoError::Read {
        path: path.to_owned(),
        source,
    })?;
    let format = detect(path, &bytes)?;
    let corrupt = |reason: String| PhotoError::Corrupt {
        path: path.to_owned(),
        reason,
    };
    if format == ImageFormat::Jpeg && !bytes.ends_with(&[0xFF, 0xD9]) && !has_end_marker(&bytes) {
        return Err(corrupt(
            "the JPEG is cut short (no end-of-image marker)".into(),
        ));
    }
    let mut decoder = ImageReader::with_format(Cursor::new(&bytes), format)
        .into_decoder()
        .map_err(|e| corrupt(e.to_string()))?;
    let mut exif = if options.keep_location {
        decoder
            .exif_metadata()
            .map_err(|e| corrupt(e.to_string()))?
    } else {
        None
    };
    let orientation = decoder.orientation().map_err(|e| corrupt(e.to_string()))?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| corrupt(e.to_string()))?;
    img.apply_orientation(orientation);
    if let Some(exif) = exif.as_mut() {
        // The pixels are upright now: the kept EXIF must not rotate them again.
        let _ = Orientation::remove_from_exif_chunk(exif);
    }
    if img.width().max(img.height()) > options.max_pixels {
        img = img.resize(options.max_pixels, options.max_pixels, FilterType::Triangle);
    }
    let thumb = img.thumbnail(THUMBNAIL_PIXELS, THUMBNAIL_PIXELS);
    let failed = |e: image::ImageError| corrupt(format!("cannot encode: {e}"));
    let jpeg = encode(&img, QUALITY, exif).map_err(failed)?;
    let thumbnail = encode(&thumb, THUMBNAIL_QUALITY, None).map_err(failed)?;
    let photo = StoredPhoto {
        sha256: hex::encode(Sha256::digest(&jpeg)),
        bytes: jpeg.len() as u64,
        width: img.width(),
        height: img.height(),
    };
    Ok(Processed {
        photo,
        jpeg,
        thumbnail,
    })
}

/// Some cameras append data after the end-of-image marker; a file cut short has none
/// in its last kilobytes.
fn has_end_marker(bytes: &[u8]) -> bool {
    let tail = &bytes[bytes.len().saturating_sub(64 * 1024)..];
    tail.windows(2).any(|w| w == [0xFF, 0xD9])
}

/// Records `photo` in the database (once per content).
pub(crate) fn register(tx: &Transaction<'_>, photo: &StoredPhoto) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT OR IGNORE INTO photos (sha256, bytes, width, height, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute((&photo.sha256, photo.bytes as i64, photo.width, photo.height, Millis(columns::now())))?;
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
    Ok(tx
        .prepare_cached("SELECT 1 FROM photos WHERE sha256 = ?1")?
        .query_row([sha256], |_| Ok(()))
        .optional()?
        .is_some())
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
        let p = process(path, options)?;
        self.photos
            .put(&self.photos.thumbnail(&p.photo.sha256), &p.thumbnail)?;
        self.photos
            .put(&self.photos.file(&p.photo.sha256), &p.jpeg)?;
        Ok(p.photo)
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

    /// The stored JPEG of photo `sha256` (to show it, or to upload it).
    pub fn photo_bytes(&self, sha256: &str) -> Result<Vec<u8>, StoreError> {
        self.ensure_photo(sha256)?;
        self.photos.read(sha256, &self.photos.file(sha256))
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
                    .or_else(|| name.strip_suffix(".jpg"))?
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
    use super::*;
    use crate::store::testing::store;
    use image::{ImageEncoder, Rgb, RgbImage};

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
