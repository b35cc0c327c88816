//! Photo bytes on the filesystem, content-addressed by SHA-256. An upload in progress is
//! a partial file per (photo, branch), so branches never see or disturb each other's
//! uploads; its length is the number of bytes received, which is where the client
//! resumes. Body frames are gathered into batches, each written and hashed at once by two
//! blocking tasks while the next batch is received (see [`super::appender`]). What this
//! process knows of an upload under way (its size, the bytes written, their hash) is
//! carried from chunk to chunk, so a chunk that continues it needs neither the database
//! nor the file's metadata, and when the last byte arrives the file is checked without
//! being read again: a match is synced (once, for the whole photo) and renamed into place
//! atomically, a mismatch is deleted. (After a restart the hash of the bytes already there
//! is computed once from the file.)

use std::collections::HashMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;
use uuid::Uuid;

use super::appender::{Appender, hash_prefix};
use super::kind::{FileRefusal, admit, head_len};

/// Body bytes gathered before they are handed to the blocking tasks that write and hash
/// them (a batch is one or a few of hyper's frames, which grow to about 400 KiB).
const WRITE_BATCH: usize = 256 * 1024;
/// Uploads whose progress is kept between chunks; past this an arbitrary one is
/// forgotten (it then continues as after a restart: store and file are asked, and its
/// hash is computed from its file).
const HASHES_KEPT: usize = 4096;

/// A failure while receiving or reading photo bytes.
#[derive(Debug, thiserror::Error)]
pub enum PhotoError {
    /// The filesystem failed.
    #[error("photo storage: {0}")]
    Io(#[from] std::io::Error),
    /// The chunk would go past the announced size.
    #[error("the chunk goes past the photo's announced size of {total} bytes")]
    PastEnd {
        /// Announced size.
        total: u64,
    },
    /// The body stream broke off (the bytes written so far are kept).
    #[error("the upload broke off: {0}")]
    Body(String),
    /// The partial file does not hold the bytes this process wrote to it (changed behind
    /// the server's back); nothing was written, and the upload continues from its length.
    #[error("the partial file holds {found} bytes, not the {expected} written to it")]
    Moved {
        /// Bytes this process wrote.
        expected: u64,
        /// Bytes the file holds.
        found: u64,
    },
}

/// An upload this process is receiving: the size its store entry announced, and the hash
/// of the first `bytes` of its partial file (the file's length).
struct Running {
    total: u64,
    bytes: u64,
    hash: Sha256,
}

/// What appending a body did.
#[derive(Debug)]
pub struct Appended {
    /// Bytes of the upload on disk now.
    pub held: u64,
    /// Why the body ended before its last byte, when it did (the bytes before are kept).
    pub broke: Option<PhotoError>,
}

/// The photo folder (photos and recordings alike).
pub struct PhotoFiles {
    root: PathBuf,
    max_photo_bytes: u64,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
    running: Mutex<HashMap<String, Running>>,
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, PhotoError> + Send + 'static,
) -> Result<T, PhotoError> {
    joined(tokio::task::spawn_blocking(work)).await
}

/// Waits for a blocking task's result (a task that panicked or was cancelled is an I/O
/// error: its file's state is unknown).
pub(super) async fn joined<T>(task: JoinHandle<Result<T, PhotoError>>) -> Result<T, PhotoError> {
    task.await
        .map_err(|e| PhotoError::Io(std::io::Error::other(e.to_string())))?
}

/// The first `len` bytes of the file at `path` (fewer when it is shorter; none when it
/// is missing).
async fn read_head(path: PathBuf, len: u64) -> Result<Vec<u8>, PhotoError> {
    blocking(move || {
        let mut head = Vec::new();
        match File::open(&path) {
            Ok(file) => {
                file.take(len).read_to_end(&mut head)?;
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e.into()),
        }
        Ok(head)
    })
    .await
}

impl PhotoFiles {
    /// Opens (creating) the photo folder under `root`, taking photos of at most
    /// `max_photo_bytes` (recordings have the core's bounds).
    pub fn open(root: &Path, max_photo_bytes: u64) -> Result<PhotoFiles, PhotoError> {
        std::fs::create_dir_all(root.join("partial"))?;
        Ok(PhotoFiles {
            root: root.to_owned(),
            max_photo_bytes,
            locks: Mutex::new(HashMap::new()),
            running: Mutex::new(HashMap::new()),
        })
    }

    /// Where a complete photo lives (fanned out by its first two hex digits).
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(sha256.get(..2).unwrap_or("00")).join(sha256)
    }

    fn partial_path(&self, sha256: &str, branch: Uuid) -> PathBuf {
        self.root.join("partial").join(upload_key(sha256, branch))
    }

    fn running(&self) -> MutexGuard<'_, HashMap<String, Running>> {
        self.running.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The running hash of an upload when it covers exactly its first `bytes`.
    fn take_hash(&self, key: &str, bytes: u64) -> Option<Sha256> {
        self.running()
            .remove(key)
            .filter(|r| r.bytes == bytes)
            .map(|r| r.hash)
    }

    fn keep_hash(&self, key: String, total: u64, bytes: u64, hash: Sha256) {
        let mut running = self.running();
        if running.len() >= HASHES_KEPT
            && !running.contains_key(&key)
            && let Some(other) = running.keys().next().cloned()
        {
            running.remove(&other);
        }
        running.insert(key, Running { total, bytes, hash });
    }

    /// The bytes a branch's upload of `total` bytes holds when this process has been
    /// receiving it: then its store entry exists with that size (the chunk that started
    /// it, or the first after a restart, found or made it; whatever forgets the entry
    /// forgets this too, see [`Self::discard`] and [`Self::finish`]), and the count is
    /// the partial file's length. `None` for an upload not seen since the start, or
    /// announced with another size: the caller asks the store and the file, as it does
    /// for a chunk at another offset (the files may have changed behind this process).
    pub fn under_way(&self, sha256: &str, branch: Uuid, total: u64) -> Option<u64> {
        self.running()
            .get(&upload_key(sha256, branch))
            .filter(|r| r.total == total)
            .map(|r| r.bytes)
    }

    /// True when the complete photo is on disk.
    pub async fn exists(&self, sha256: &str) -> bool {
        tokio::fs::try_exists(self.path(sha256))
            .await
            .unwrap_or(false)
    }

    /// What a branch's upload of `total` bytes is, told by the first bytes of its partial
    /// file: its content type, or why it is refused. `None` while too few bytes are
    /// there to tell.
    pub async fn check_partial(
        &self,
        sha256: &str,
        branch: Uuid,
        total: u64,
    ) -> Result<Option<Result<&'static str, FileRefusal>>, PhotoError> {
        let head = read_head(self.partial_path(sha256, branch), head_len(total)).await?;
        Ok((head.len() as u64 == head_len(total))
            .then(|| admit(&head, total, self.max_photo_bytes)))
    }

    /// Bytes of a branch's upload received so far.
    pub async fn received(&self, sha256: &str, branch: Uuid) -> Result<u64, PhotoError> {
        match tokio::fs::metadata(self.partial_path(sha256, branch)).await {
            Ok(m) => Ok(m.len()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
            Err(e) => Err(e.into()),
        }
    }

    /// When a byte was last added to a branch's upload (`None` when it has no partial file).
    pub async fn last_write(
        &self,
        sha256: &str,
        branch: Uuid,
    ) -> Result<Option<std::time::SystemTime>, PhotoError> {
        match tokio::fs::metadata(self.partial_path(sha256, branch)).await {
            Ok(m) => Ok(Some(m.modified()?)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    /// Serialises writers of one partial file (two phones of a branch uploading one photo).
    pub fn lock(&self, sha256: &str, branch: Uuid) -> Arc<tokio::sync::Mutex<()>> {
        self.keyed_lock(upload_key(sha256, branch))
    }

    /// Serialises what changes a complete photo itself, whatever the branch: storing a
    /// verified upload, and deleting a photo nobody uses any more.
    pub fn photo_lock(&self, sha256: &str) -> Arc<tokio::sync::Mutex<()>> {
        self.keyed_lock(sha256.to_owned())
    }

    /// The lock of one key (an upload's, or a photo's: the two never collide, an
    /// upload's key has its branch after a dot), dropping the ones nobody holds.
    fn keyed_lock(&self, key: String) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self.locks.lock().unwrap_or_else(PoisonError::into_inner);
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        Arc::clone(locks.entry(key).or_default())
    }

    /// Deletes a complete photo's file (nothing happens when there is none). The caller
    /// holds [`Self::photo_lock`] and has removed the photo from the store.
    pub async fn delete_photo(&self, sha256: &str) -> Result<(), PhotoError> {
        match tokio::fs::remove_file(self.path(sha256)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }

    /// Appends a body to a branch's partial file, which holds `start` bytes, refusing
    /// bytes past `total`, and carries the upload's hash over them. Frames are gathered
    /// into batches; each batch is written and hashed at once, by two blocking tasks,
    /// while the next one is received. Bytes written before a broken stream are kept (the
    /// client resumes after them). An error means a write failed (the file's end is then
    /// unknown). The caller holds [`Self::lock`], registered the upload in the store with
    /// `total` bytes and checked the offset.
    pub async fn append<S, E>(
        &self,
        sha256: &str,
        branch: Uuid,
        total: u64,
        start: u64,
        mut body: S,
    ) -> Result<Appended, PhotoError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let key = upload_key(sha256, branch);
        let path = self.partial_path(sha256, branch);
        let mut appender = Appender::new(path, start, self.take_hash(&key, start));
        let mut accepted = start;
        let mut batch: Vec<Bytes> = Vec::new();
        let mut gathered = 0;
        let mut broke = None;
        loop {
            let end = match body.next().await {
                None => true,
                Some(Err(e)) => {
                    broke = Some(PhotoError::Body(e.to_string()));
                    true
                }
                Some(Ok(bytes)) if accepted + bytes.len() as u64 > total => {
                    broke = Some(PhotoError::PastEnd { total });
                    true
                }
                Some(Ok(bytes)) => {
                    accepted += bytes.len() as u64;
                    gathered += bytes.len();
                    batch.push(bytes);
                    false
                }
            };
            if gathered >= WRITE_BATCH || (end && gathered > 0) {
                appender = appender.push(std::mem::take(&mut batch)).await?;
                gathered = 0;
            }
            if end {
                break;
            }
        }
        // A failed write leaves the file's end unknown: the upload's progress is dropped
        // and read from the store and the file when it continues.
        let (held, hash) = appender.finish().await?;
        if let Some(hash) = hash {
            self.keep_hash(key, total, held, hash);
        }
        Ok(Appended { held, broke })
    }

    /// Checks a fully received partial file against its name: on a match it is synced and
    /// renamed into place (true); on a mismatch it is deleted (false).
    pub async fn finish(&self, sha256: &str, branch: Uuid) -> Result<bool, PhotoError> {
        let key = upload_key(sha256, branch);
        let partial = self.partial_path(sha256, branch);
        let received = self.received(sha256, branch).await?;
        let hash = match self.take_hash(&key, received) {
            Some(hash) => hash,
            None => {
                let path = partial.clone();
                blocking(move || hash_prefix(&path, received)).await?
            }
        };
        let matched = hex::encode(hash.finalize()) == sha256;
        let target = self.path(sha256);
        blocking(move || {
            if !matched {
                std::fs::remove_file(&partial)?;
                return Ok(false);
            }
            File::open(&partial)?.sync_all()?;
            let dir = target.parent().map(Path::to_owned);
            if let Some(dir) = &dir {
                std::fs::create_dir_all(dir)?;
            }
            std::fs::rename(&partial, &target)?;
            if let Some(dir) = &dir {
                // Make the rename itself durable.
                File::open(dir)?.sync_all()?;
            }
            Ok(true)
        })
        .await
    }

    /// Every upload in progress on disk, as (photo, branch): what a restart looks at to
    /// finish uploads whose last byte arrived just before the server stopped, and to
    /// discard the ones nobody came back to.
    pub async fn partials(&self) -> Result<Vec<(String, Uuid)>, PhotoError> {
        let mut found = Vec::new();
        let mut dir = tokio::fs::read_dir(self.root.join("partial")).await?;
        while let Some(entry) = dir.next_entry().await? {
            let name = entry.file_name();
            let parsed = name
                .to_str()
                .and_then(|n| n.split_once('.'))
                .and_then(|(sha, branch)| Some((sha.to_owned(), Uuid::parse_str(branch).ok()?)));
            found.extend(parsed);
        }
        Ok(found)
    }

    /// Deletes a branch's partial file (nothing happens when there is none).
    pub async fn discard(&self, sha256: &str, branch: Uuid) -> Result<(), PhotoError> {
        self.running().remove(&upload_key(sha256, branch));
        match tokio::fs::remove_file(self.partial_path(sha256, branch)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}

/// The name of a branch's upload of a photo (its partial file's name).
fn upload_key(sha256: &str, branch: Uuid) -> String {
    format!("{sha256}.{branch}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body(parts: &[&[u8]]) -> impl Stream<Item = Result<Bytes, std::io::Error>> + Unpin {
        futures_util::stream::iter(
            parts
                .iter()
                .map(|p| Ok(Bytes::copy_from_slice(p)))
                .collect::<Vec<_>>(),
        )
    }

    fn photo(len: usize) -> (Vec<u8>, String) {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 13 % 241) as u8).collect();
        let sha = hex::encode(Sha256::digest(&bytes));
        (bytes, sha)
    }

    /// A fresh photo folder (kept while the test runs) and a branch uploading to it.
    fn folder() -> (tempfile::TempDir, PhotoFiles, Uuid) {
        let dir = tempfile::tempdir().unwrap();
        let files = PhotoFiles::open(dir.path(), 1 << 20).unwrap();
        (dir, files, Uuid::now_v7())
    }

    /// Appends `parts` to the upload after the bytes it holds (as the endpoint does,
    /// which checked the offset); the bytes held after.
    async fn append(
        files: &PhotoFiles,
        sha: &str,
        branch: Uuid,
        total: u64,
        parts: &[&[u8]],
    ) -> Appended {
        let start = match files.under_way(sha, branch, total) {
            Some(held) => held,
            None => files.received(sha, branch).await.unwrap(),
        };
        files
            .append(sha, branch, total, start, body(parts))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn chunks_carry_the_hash_so_the_last_one_checks_the_photo_without_reading_it() {
        let (_dir, files, branch) = folder();
        let (bytes, sha) = photo(3 * WRITE_BATCH + 100);
        let total = bytes.len() as u64;
        let (a, rest) = bytes.split_at(WRITE_BATCH + 7);
        let (b, c) = rest.split_at(WRITE_BATCH);
        assert_eq!(files.under_way(&sha, branch, total), None);
        let held = append(&files, &sha, branch, total, &[a]).await.held;
        assert_eq!(held, a.len() as u64);
        assert_eq!(
            files.under_way(&sha, branch, total),
            Some(held),
            "the next chunk is placed without asking the store or the file"
        );
        assert_eq!(
            files.under_way(&sha, branch, total + 1),
            None,
            "another size is not this upload"
        );
        // Many small frames in one chunk are written in batches.
        let frames: Vec<&[u8]> = b.chunks(1000).collect();
        append(&files, &sha, branch, total, &frames).await;
        let last = append(&files, &sha, branch, total, &[c]).await;
        assert_eq!((last.held, last.broke.is_none()), (total, true));
        assert_eq!(files.received(&sha, branch).await.unwrap(), total);
        assert_eq!(
            files
                .running()
                .get(&upload_key(&sha, branch))
                .map(|r| r.bytes),
            Some(total),
            "the running hash covers every byte"
        );
        assert!(files.finish(&sha, branch).await.unwrap());
        assert_eq!(std::fs::read(files.path(&sha)).unwrap(), bytes);
        assert!(files.running().is_empty());
        assert_eq!(files.under_way(&sha, branch, total), None);
        assert_eq!(files.partials().await.unwrap(), vec![]);
    }

    #[tokio::test]
    async fn after_a_restart_the_bytes_already_there_are_hashed_from_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let branch = Uuid::now_v7();
        let (bytes, sha) = photo(100_000);
        let total = bytes.len() as u64;
        {
            let files = PhotoFiles::open(dir.path(), 1 << 20).unwrap();
            append(&files, &sha, branch, total, &[&bytes[..40_000]]).await;
        }
        let files = PhotoFiles::open(dir.path(), 1 << 20).unwrap();
        assert_eq!(files.under_way(&sha, branch, total), None);
        append(&files, &sha, branch, total, &[&bytes[40_000..]]).await;
        assert!(files.finish(&sha, branch).await.unwrap());
        assert!(files.exists(&sha).await);
    }

    #[tokio::test]
    async fn a_partial_file_changed_behind_the_servers_back_takes_no_bytes() {
        let (_dir, files, branch) = folder();
        let (bytes, sha) = photo(10_000);
        append(&files, &sha, branch, 10_000, &[&bytes[..4000]]).await;
        let partial = files.partial_path(&sha, branch);
        std::fs::write(&partial, &bytes[..1000]).unwrap();
        let outcome = files
            .append(&sha, branch, 10_000, 4000, body(&[&bytes[4000..]]))
            .await;
        assert!(matches!(
            outcome,
            Err(PhotoError::Moved {
                expected: 4000,
                found: 1000
            })
        ));
        assert_eq!(std::fs::metadata(&partial).unwrap().len(), 1000);
        assert_eq!(
            files.under_way(&sha, branch, 10_000),
            None,
            "the upload continues from the file's length"
        );
        append(&files, &sha, branch, 10_000, &[&bytes[1000..]]).await;
        assert!(files.finish(&sha, branch).await.unwrap());
    }

    #[tokio::test]
    async fn bytes_that_do_not_match_their_name_are_deleted() {
        let (_dir, files, branch) = folder();
        let (mut bytes, sha) = photo(5000);
        bytes[4999] ^= 1;
        append(&files, &sha, branch, 5000, &[&bytes]).await;
        assert!(!files.finish(&sha, branch).await.unwrap());
        assert_eq!(files.received(&sha, branch).await.unwrap(), 0);
        assert!(!files.exists(&sha).await);
        assert!(files.running().is_empty());
    }

    #[tokio::test]
    async fn bytes_past_the_announced_size_are_refused_and_those_before_them_kept() {
        let (_dir, files, branch) = folder();
        let (bytes, sha) = photo(5000);
        let outcome = append(
            &files,
            &sha,
            branch,
            5000,
            &[&bytes[..3000], &bytes[..3000]],
        )
        .await;
        assert_eq!(outcome.held, 3000);
        assert!(matches!(
            outcome.broke,
            Some(PhotoError::PastEnd { total: 5000 })
        ));
        assert_eq!(files.received(&sha, branch).await.unwrap(), 3000);
        append(&files, &sha, branch, 5000, &[&bytes[3000..]]).await;
        assert!(files.finish(&sha, branch).await.unwrap());
    }

    #[tokio::test]
    async fn a_discarded_upload_is_no_longer_under_way() {
        let (_dir, files, branch) = folder();
        let (bytes, sha) = photo(5000);
        append(&files, &sha, branch, 5000, &[&bytes[..2000]]).await;
        files.discard(&sha, branch).await.unwrap();
        assert_eq!(files.under_way(&sha, branch, 5000), None);
        assert_eq!(files.received(&sha, branch).await.unwrap(), 0);
    }
}
