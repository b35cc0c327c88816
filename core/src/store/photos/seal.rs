//! Sealing: how photo files go to disk and come back. In an encrypted store each file is
//! sealed with a key derived from the database key, in segments of 64 KiB with the
//! STREAM construction (as age and Tink do): XChaCha20-Poly1305 under a random 19-byte
//! prefix per file, each segment's nonce ending in its index and a last-segment flag, so
//! segments cannot be reordered, dropped or cut off unnoticed, and any byte range is
//! read (to show it, or to upload it from where the server stopped) by opening only the
//! segments it spans. Without a key files are the plain JPEG.
//!
//! Files are written to a temporary name, synced and renamed, so a file is either absent
//! or whole. Files sealed whole by earlier builds (nonce and one AEAD message) are
//! re-sealed in segments once, when the store is opened ([`PhotoDir::reseal_whole_files`]).

use std::fs::{self, File};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use chacha20poly1305::aead::stream::{NewStream, StreamBE32, StreamPrimitive};
use chacha20poly1305::aead::{Aead, KeyInit};
use chacha20poly1305::{Key, XChaCha20Poly1305, XNonce};
use sha2::{Digest, Sha256};

use super::PhotoError;
use crate::store::StoreError;

/// First bytes of a file sealed in segments.
const MAGIC: &[u8; 8] = b"BBSTRM01";
/// Random nonce prefix of a file (XChaCha20's 24 bytes less STREAM's counter and flag).
const PREFIX_LEN: usize = 19;
/// Bytes before the first segment.
const HEADER_LEN: u64 = (MAGIC.len() + PREFIX_LEN) as u64;
/// Plain bytes per segment.
pub(crate) const SEGMENT: usize = 64 * 1024;
/// Poly1305 tag after each segment.
const TAG_LEN: usize = 16;
/// A sealed segment on disk.
const SEALED_SEGMENT: u64 = (SEGMENT + TAG_LEN) as u64;
/// Nonce of a file sealed whole by earlier builds.
const WHOLE_NONCE_LEN: usize = 24;

/// The folder beside the database that holds photo files, and the key that seals them.
pub(crate) struct PhotoDir {
    pub(super) dir: PathBuf,
    key: Option<Key>,
}

impl PhotoDir {
    /// `<database>.photos`, created if missing; sealed when the database has a `key`.
    pub(crate) fn beside(db: &Path, key: Option<&[u8]>) -> Result<PhotoDir, StoreError> {
        let mut name = db.as_os_str().to_owned();
        name.push(".photos");
        let dir = PathBuf::from(name);
        let tmp = dir.join("tmp");
        fs::create_dir_all(&tmp).map_err(|source| StoreError::Io { path: tmp, source })?;
        let key = key.map(|key| {
            Sha256::new()
                .chain_update(b"branchbook photo files\0")
                .chain_update(key)
                .finalize()
        });
        Ok(PhotoDir { dir, key })
    }

    /// True when files are sealed (the store is encrypted).
    pub(crate) fn is_sealed(&self) -> bool {
        self.key.is_some()
    }

    /// The stored JPEG of `sha256`.
    pub(crate) fn file(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.jpg"))
    }

    /// The stored sound or video recording `sha256` (kept as recorded).
    pub(crate) fn recording(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.rec"))
    }

    /// The thumbnail of `sha256`.
    pub(crate) fn thumbnail(&self, sha256: &str) -> PathBuf {
        self.dir.join(format!("{sha256}.thumb.jpg"))
    }

    /// Writes `bytes` to `target` (sealed in an encrypted store) through a synced
    /// temporary file and a rename, so the target is either absent or whole. An existing
    /// target is left as it is (files are named by their content).
    pub(crate) fn put(&self, target: &Path, bytes: &[u8]) -> Result<(), StoreError> {
        if target.exists() {
            return Ok(());
        }
        self.replace(target, bytes)
    }

    /// Writes `bytes` to `target` as [`Self::put`] does, replacing what is there.
    fn replace(&self, target: &Path, mut bytes: &[u8]) -> Result<(), StoreError> {
        self.put_read(&mut bytes, |_| target.to_owned()).map(|_| ())
    }

    /// Writes what `source` holds, a segment at a time (sealed in an encrypted store)
    /// and hashed as it goes, to a synced temporary file renamed to `target(sha256)`:
    /// a file of any size in bounded memory, either absent or whole. A target already
    /// there and named by the content is left as it is. Returns the SHA-256 (hex) and
    /// the size of the plain bytes.
    pub(crate) fn put_read(
        &self,
        source: &mut impl Read,
        target: impl FnOnce(&str) -> PathBuf,
    ) -> Result<(String, u64), StoreError> {
        let tmp = self
            .dir
            .join("tmp")
            .join(format!("{}.part", uuid::Uuid::now_v7()));
        let written = File::create(&tmp).and_then(|f| {
            let mut out = io::BufWriter::with_capacity(SEGMENT + TAG_LEN, f);
            let hashed = write_hashed(self.key.as_ref(), source, &mut out)?;
            out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
            Ok(hashed)
        });
        let (sha256, len) = match written {
            Ok(hashed) => hashed,
            Err(source) => {
                let _ = fs::remove_file(&tmp);
                return Err(StoreError::Io { path: tmp, source });
            }
        };
        let target = target(&sha256);
        fs::rename(&tmp, &target).map_err(|source| {
            let _ = fs::remove_file(&tmp);
            StoreError::Io {
                path: target.clone(),
                source,
            }
        })?;
        if let Ok(dir) = File::open(&self.dir) {
            let _ = dir.sync_all();
        }
        Ok((sha256, len))
    }

    /// Opens the file at `path` for reading the JPEG it holds, a range at a time.
    pub(crate) fn open(&self, sha256: &str, path: &Path) -> Result<PhotoReader, StoreError> {
        let file = File::open(path).map_err(|source| StoreError::Io {
            path: path.to_owned(),
            source,
        })?;
        PhotoReader::new(file, self.key.as_ref()).map_err(|e| read_error(sha256, path, e))
    }

    /// The whole JPEG in the file at `path` (to show it).
    pub(crate) fn read(&self, sha256: &str, path: &Path) -> Result<Vec<u8>, StoreError> {
        let mut reader = self.open(sha256, path)?;
        let mut out = Vec::with_capacity(usize::try_from(reader.len()).unwrap_or(0));
        reader
            .read_to_end(&mut out)
            .map_err(|e| read_error(sha256, path, e))?;
        Ok(out)
    }

    /// Removes the files of `sha256`.
    pub(crate) fn remove(&self, sha256: &str) {
        let _ = fs::remove_file(self.file(sha256));
        let _ = fs::remove_file(self.thumbnail(sha256));
        let _ = fs::remove_file(self.recording(sha256));
    }

    /// Re-seals in segments every file an earlier build sealed whole, each through a
    /// temporary file and a rename (a kill halfway leaves every file readable, and the
    /// next open goes on). Returns how many it re-sealed; a file that cannot be opened
    /// (damaged) is left as it is, to be reported when it is read.
    pub(crate) fn reseal_whole_files(&self) -> Result<usize, StoreError> {
        let Some(key) = &self.key else {
            return Ok(0);
        };
        let entries = fs::read_dir(&self.dir).map_err(|source| StoreError::Io {
            path: self.dir.clone(),
            source,
        })?;
        let mut done = 0;
        for entry in entries.flatten() {
            let path = entry.path();
            if !path.is_file() || path.extension().is_none_or(|e| e != "jpg") {
                continue;
            }
            let bytes = fs::read(&path).map_err(|source| StoreError::Io {
                path: path.clone(),
                source,
            })?;
            if is_segmented(key, &bytes) {
                continue;
            }
            if let Some(jpeg) = open_whole(key, &bytes) {
                self.replace(&path, &jpeg)?;
                done += 1;
            }
        }
        Ok(done)
    }
}

fn read_error(sha256: &str, path: &Path, e: io::Error) -> StoreError {
    if e.kind() == io::ErrorKind::InvalidData {
        StoreError::Photo(PhotoError::Unreadable {
            sha256: sha256.to_owned(),
        })
    } else {
        StoreError::Io {
            path: path.to_owned(),
            source: e,
        }
    }
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_owned())
}

fn stream(key: &Key, prefix: &[u8]) -> StreamBE32<XChaCha20Poly1305> {
    StreamBE32::from_aead(XChaCha20Poly1305::new(key), prefix.into())
}

/// Writes what `source` holds to `out` a segment at a time: sealed in segments under
/// `key` (the header, then each segment and its tag), else plain. Returns the SHA-256
/// (hex) and the size of the plain bytes.
fn write_hashed(
    key: Option<&Key>,
    source: &mut impl Read,
    out: &mut impl Write,
) -> io::Result<(String, u64)> {
    let mut hasher = Sha256::new();
    let mut len = 0u64;
    let mut segment = Vec::with_capacity(SEGMENT + TAG_LEN);
    read_segment(source, &mut segment)?;
    let Some(key) = key else {
        while !segment.is_empty() {
            hasher.update(&segment);
            len += segment.len() as u64;
            out.write_all(&segment)?;
            read_segment(source, &mut segment)?;
        }
        return Ok((hex::encode(hasher.finalize()), len));
    };
    let mut prefix = [0u8; PREFIX_LEN];
    prefix[..16].copy_from_slice(uuid::Uuid::new_v4().as_bytes());
    prefix[16..].copy_from_slice(&uuid::Uuid::new_v4().as_bytes()[..PREFIX_LEN - 16]);
    out.write_all(MAGIC)?;
    out.write_all(&prefix)?;
    let stream = stream(key, &prefix);
    let mut next = Vec::with_capacity(SEGMENT + TAG_LEN);
    for position in 0u32.. {
        // The segment after this one tells whether this one is the last.
        read_segment(source, &mut next)?;
        let last = next.is_empty();
        hasher.update(&segment);
        len += segment.len() as u64;
        stream
            .encrypt_in_place(position, last, &[], &mut segment)
            .map_err(|_| invalid("cannot seal"))?;
        out.write_all(&segment)?;
        if last {
            return Ok((hex::encode(hasher.finalize()), len));
        }
        std::mem::swap(&mut segment, &mut next);
    }
    Err(invalid("a file too large to seal"))
}

/// Reads the next [`SEGMENT`] bytes of `source` into `buf` (fewer only at its end,
/// none past it).
fn read_segment(source: &mut impl Read, buf: &mut Vec<u8>) -> io::Result<()> {
    buf.clear();
    source.by_ref().take(SEGMENT as u64).read_to_end(buf)?;
    Ok(())
}

/// True when `bytes` is a file sealed in segments under `key` (its first segment opens).
fn is_segmented(key: &Key, bytes: &[u8]) -> bool {
    let Ok(mut reader) = PhotoReader::new(io::Cursor::new(bytes), Some(key)) else {
        return false;
    };
    let mut first = [0u8; 1];
    reader.is_empty() || reader.read_exact(&mut first).is_ok()
}

/// The JPEG in a file an earlier build sealed whole, if it opens under `key`.
fn open_whole(key: &Key, bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.len() < WHOLE_NONCE_LEN {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(WHOLE_NONCE_LEN);
    XChaCha20Poly1305::new(key)
        .decrypt(XNonce::from_slice(nonce), sealed)
        .ok()
}

/// Reads a stored photo's JPEG from any offset, holding one segment at most: what the
/// sync pass uploads from, where the server stopped. Damaged or foreign bytes are an
/// `InvalidData` error before any of them is returned.
pub struct PhotoReader<F = File> {
    file: F,
    /// Bytes of the JPEG.
    len: u64,
    /// The file's STREAM, when it is sealed.
    stream: Option<StreamBE32<XChaCha20Poly1305>>,
    /// Segments in the file.
    segments: u64,
    /// The opened segment (index and plain bytes).
    open: Option<(u64, Vec<u8>)>,
    /// Where the next read starts, in JPEG bytes.
    pos: u64,
}

impl<F: Read + Seek> PhotoReader<F> {
    fn new(mut file: F, key: Option<&Key>) -> io::Result<PhotoReader<F>> {
        let size = file.seek(SeekFrom::End(0))?;
        let Some(key) = key else {
            return Ok(PhotoReader {
                file,
                len: size,
                stream: None,
                segments: 0,
                open: None,
                pos: 0,
            });
        };
        let mut header = [0u8; HEADER_LEN as usize];
        file.seek(SeekFrom::Start(0))?;
        file.read_exact(&mut header)
            .map_err(|_| invalid("not a sealed photo"))?;
        let (magic, prefix) = header.split_at(MAGIC.len());
        if magic != MAGIC {
            return Err(invalid("not a sealed photo"));
        }
        let body = size - HEADER_LEN;
        let segments = body.div_ceil(SEALED_SEGMENT);
        let tail = body - segments.saturating_sub(1) * SEALED_SEGMENT;
        if segments == 0 || tail < TAG_LEN as u64 {
            return Err(invalid("a sealed photo cut short"));
        }
        Ok(PhotoReader {
            len: body - segments * TAG_LEN as u64,
            stream: Some(stream(key, prefix)),
            segments,
            open: None,
            pos: 0,
            file,
        })
    }

    /// Bytes of the JPEG.
    pub fn len(&self) -> u64 {
        self.len
    }

    /// True for an empty file (never a stored photo).
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Opens segment `index`, unless it is the one open.
    fn open_segment(&mut self, index: u64) -> io::Result<()> {
        if self.open.as_ref().is_some_and(|(i, _)| *i == index) {
            return Ok(());
        }
        let Some(stream) = &self.stream else {
            return Ok(());
        };
        let last = index + 1 == self.segments;
        let sealed_len = if last {
            self.len - index * SEGMENT as u64 + TAG_LEN as u64
        } else {
            SEALED_SEGMENT
        };
        let mut buf = match self.open.take() {
            Some((_, mut buf)) => {
                buf.clear();
                buf
            }
            None => Vec::with_capacity(SEGMENT + TAG_LEN),
        };
        buf.resize(
            usize::try_from(sealed_len).map_err(|_| invalid("segment"))?,
            0,
        );
        self.file
            .seek(SeekFrom::Start(HEADER_LEN + index * SEALED_SEGMENT))?;
        self.file.read_exact(&mut buf)?;
        let position = u32::try_from(index).map_err(|_| invalid("too many segments"))?;
        stream
            .decrypt_in_place(position, last, &[], &mut buf)
            .map_err(|_| invalid("a sealed photo that does not open (damaged, or another key)"))?;
        self.open = Some((index, buf));
        Ok(())
    }
}

impl<F: Read + Seek> Read for PhotoReader<F> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos >= self.len || out.is_empty() {
            return Ok(0);
        }
        if self.stream.is_none() {
            self.file.seek(SeekFrom::Start(self.pos))?;
            let want = usize::try_from(self.len - self.pos)
                .unwrap_or(usize::MAX)
                .min(out.len());
            let n = self.file.read(&mut out[..want])?;
            self.pos += n as u64;
            return Ok(n);
        }
        let index = self.pos / SEGMENT as u64;
        self.open_segment(index)?;
        let Some((_, plain)) = &self.open else {
            return Ok(0);
        };
        let start = usize::try_from(self.pos - index * SEGMENT as u64).unwrap_or(usize::MAX);
        let n = plain.len().saturating_sub(start).min(out.len());
        out[..n].copy_from_slice(&plain[start..start + n]);
        self.pos += n as u64;
        Ok(n)
    }
}

impl<F: Read + Seek> Seek for PhotoReader<F> {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let pos = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        }
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "before the start"))?;
        self.pos = pos;
        Ok(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed_dir() -> (tempfile::TempDir, PhotoDir) {
        let tmp = tempfile::tempdir().unwrap();
        let dir = PhotoDir::beside(&tmp.path().join("s.db"), Some(&[7; 32])).unwrap();
        (tmp, dir)
    }

    fn bytes(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 31 % 253) as u8).collect()
    }

    fn read_range(reader: &mut PhotoReader, start: u64, len: usize) -> io::Result<Vec<u8>> {
        reader.seek(SeekFrom::Start(start))?;
        let mut out = vec![0; len];
        reader.read_exact(&mut out)?;
        Ok(out)
    }

    #[test]
    fn any_range_of_a_file_sealed_in_segments_reads_back_holding_one_segment() {
        let (_tmp, dir) = sealed_dir();
        for len in [1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT + 5] {
            let plain = bytes(len);
            let path = dir.file(&format!("p{len}"));
            dir.put(&path, &plain).unwrap();
            let on_disk = fs::read(&path).unwrap();
            assert!(on_disk.starts_with(MAGIC));
            assert_eq!(
                on_disk.len(),
                HEADER_LEN as usize + len + len.div_ceil(SEGMENT) * TAG_LEN
            );
            assert!(
                !on_disk.windows(64).any(|w| w == &plain[..64.min(len)]) || len < 64,
                "the bytes are not there in the clear"
            );
            assert_eq!(dir.read("p", &path).unwrap(), plain, "{len} bytes whole");
            let mut reader = dir.open("p", &path).unwrap();
            assert_eq!(reader.len(), len as u64);
            for start in [0, len / 3, len.saturating_sub(SEGMENT / 2), len - 1] {
                let want = &plain[start..(start + 1000).min(len)];
                assert_eq!(
                    read_range(&mut reader, start as u64, want.len()).unwrap(),
                    want,
                    "{len} bytes from {start}"
                );
            }
            let held = reader.open.as_ref().map_or(0, |(_, b)| b.capacity());
            assert!(held <= SEGMENT + TAG_LEN, "{held} bytes held");
        }
    }

    #[test]
    fn a_changed_cut_or_reordered_segment_does_not_open_and_the_others_still_do() {
        let (_tmp, dir) = sealed_dir();
        let plain = bytes(3 * SEGMENT + 5);
        let path = dir.file("p");
        dir.put(&path, &plain).unwrap();
        let good = fs::read(&path).unwrap();
        let damaged = |bytes: Vec<u8>| {
            fs::write(&path, bytes).unwrap();
            dir.open("p", &path)
                .and_then(|mut r| {
                    let mut all = vec![];
                    r.read_to_end(&mut all)
                        .map_err(|e| read_error("p", &path, e))
                        .map(|_| all)
                })
                .unwrap_err()
        };
        let unreadable =
            |e: StoreError| matches!(e, StoreError::Photo(PhotoError::Unreadable { .. }));

        let mut flipped = good.clone();
        flipped[HEADER_LEN as usize + SEALED_SEGMENT as usize + 10] ^= 1;
        assert!(unreadable(damaged(flipped.clone())));
        // The segment before the damage still reads: a range opens only its segments.
        let mut reader = dir.open("p", &path).unwrap();
        assert_eq!(read_range(&mut reader, 5, 100).unwrap(), &plain[5..105]);
        assert!(read_range(&mut reader, SEGMENT as u64 + 5, 100).is_err());

        // Cut at a segment's end: the new last segment was not sealed as the last.
        let cut = good[..HEADER_LEN as usize + 3 * SEALED_SEGMENT as usize].to_vec();
        assert!(unreadable(damaged(cut)));
        // Two segments swapped.
        let mut swapped = good.clone();
        let (a, b) = (HEADER_LEN as usize, (HEADER_LEN + SEALED_SEGMENT) as usize);
        let first = swapped[a..b].to_vec();
        let second = swapped[b..b + SEALED_SEGMENT as usize].to_vec();
        swapped[a..b].copy_from_slice(&second);
        swapped[b..b + SEALED_SEGMENT as usize].copy_from_slice(&first);
        assert!(unreadable(damaged(swapped)));
        // Another store's key.
        fs::write(&path, &good).unwrap();
        let other = PhotoDir::beside(&_tmp.path().join("o.db"), Some(&[8; 32])).unwrap();
        assert!(unreadable(
            other
                .open("p", &path)
                .and_then(|mut r| {
                    let mut all = vec![];
                    r.read_to_end(&mut all)
                        .map_err(|e| read_error("p", &path, e))
                        .map(|_| all)
                })
                .unwrap_err()
        ));
    }

    #[test]
    fn files_an_earlier_build_sealed_whole_are_resealed_in_segments_once() {
        let (tmp, dir) = sealed_dir();
        let Some(key) = dir.key else { panic!("sealed") };
        let plain = bytes(2 * SEGMENT + 9);
        let nonce = [9u8; WHOLE_NONCE_LEN];
        let whole = XChaCha20Poly1305::new(&key)
            .encrypt(XNonce::from_slice(&nonce), plain.as_slice())
            .unwrap();
        let path = dir.file("old");
        fs::write(&path, [&nonce[..], &whole].concat()).unwrap();
        let damaged = dir.file("damaged");
        fs::write(&damaged, b"not a photo at all, and too short").unwrap();
        let plain_store = PhotoDir::beside(&tmp.path().join("plain.db"), None).unwrap();
        assert_eq!(plain_store.reseal_whole_files().unwrap(), 0);

        assert_eq!(dir.reseal_whole_files().unwrap(), 1);
        assert!(fs::read(&path).unwrap().starts_with(MAGIC));
        assert_eq!(dir.read("old", &path).unwrap(), plain);
        assert_eq!(
            fs::read(&damaged).unwrap(),
            b"not a photo at all, and too short",
            "a file that does not open is left for its reader to report"
        );
        assert_eq!(dir.reseal_whole_files().unwrap(), 0, "nothing left to do");
        assert_eq!(
            fs::read_dir(tmp.path().join("s.db.photos/tmp"))
                .unwrap()
                .count(),
            0
        );
    }

    #[test]
    fn without_a_key_files_are_the_plain_jpeg_read_from_any_offset() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = PhotoDir::beside(&tmp.path().join("p.db"), None).unwrap();
        let plain = bytes(SEGMENT + 77);
        let path = dir.file("p");
        dir.put(&path, &plain).unwrap();
        assert_eq!(fs::read(&path).unwrap(), plain);
        let mut reader = dir.open("p", &path).unwrap();
        assert_eq!(
            read_range(&mut reader, 60_000, 100).unwrap(),
            &plain[60_000..60_100]
        );
        assert_eq!(dir.read("p", &path).unwrap(), plain);
    }
}
