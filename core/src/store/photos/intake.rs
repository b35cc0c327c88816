//! Intake: a file the native camera wrote becomes a JPEG ready to store, decoded (JPEG
//! or PNG), turned upright by its EXIF orientation, downsized to at most `max_pixels`
//! on its long side, re-encoded at quality 80 without EXIF (so without GPS position)
//! unless asked, with a 320 px thumbnail for lists, and named by its SHA-256.

use std::fs;
use std::io::Cursor;
use std::path::Path;

use image::codecs::jpeg::JpegEncoder;
use image::imageops::FilterType;
use image::metadata::Orientation;
use image::{DynamicImage, ImageDecoder, ImageFormat, ImageReader};
use sha2::{Digest, Sha256};

use super::{PhotoError, StoredPhoto};
use crate::form::Field;

/// Default longest side of a stored photo, in pixels.
pub const DEFAULT_MAX_PIXELS: u32 = 1600;
/// Longest side of a thumbnail.
const THUMBNAIL_PIXELS: u32 = 320;
/// JPEG quality of stored photos (what ODK Collect uses when it downsizes).
const QUALITY: u8 = 80;
/// JPEG quality of thumbnails.
const THUMBNAIL_QUALITY: u8 = 70;

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
/// A photo decoded, oriented, downsized and encoded, ready to be written.
pub(super) struct Processed {
    pub(super) photo: StoredPhoto,
    pub(super) jpeg: Vec<u8>,
    pub(super) thumbnail: Vec<u8>,
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

pub(super) fn process(path: &Path, options: PhotoOptions) -> Result<Processed, PhotoError> {
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
