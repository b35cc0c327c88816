//! A chunk's bytes on their way into a partial file. The body's frames are handed over in
//! batches, as they came (no copy); each batch is written to the file by one blocking
//! task while another hashes it, so a batch costs the longer of the two, not their sum,
//! and the next batch is received meanwhile. At most one batch is in flight. When the
//! chunk is in, its bytes are synced to the disk in the background.

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::Arc;

use bytes::Bytes;
use sha2::{Digest, Sha256};
use tokio::task::JoinHandle;

use super::files::{PhotoError, joined};

/// Bytes read at a time when the hash of a partial file's first bytes is computed.
const READ_BUFFER: usize = 256 * 1024;

/// The hash of the first `len` bytes of the file at `path`. For `len` 0 the file is not
/// opened: a new upload's file is created by the task writing it, at the same time.
pub(super) fn hash_prefix(path: &std::path::Path, len: u64) -> Result<Sha256, PhotoError> {
    let mut hash = Sha256::new();
    if len == 0 {
        return Ok(hash);
    }
    let mut file = File::open(path)?.take(len);
    let mut buf = vec![0u8; READ_BUFFER];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(hash);
        }
        hash.update(&buf[..n]);
    }
}

/// The file side: opened by the first batch's task (so a chunk costs no extra trip to the
/// blocking pool), after checking it holds the `len` bytes it is expected to.
struct Sink {
    path: PathBuf,
    file: Option<File>,
    len: u64,
}

impl Sink {
    fn write(&mut self, frames: &[Bytes]) -> Result<(), PhotoError> {
        let file = match &mut self.file {
            Some(file) => file,
            None => {
                let file = OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?;
                let found = file.metadata()?.len();
                if found != self.len {
                    return Err(PhotoError::Moved {
                        expected: self.len,
                        found,
                    });
                }
                self.file.insert(file)
            }
        };
        for frame in frames {
            file.write_all(frame)?;
            self.len += frame.len() as u64;
        }
        Ok(())
    }
}

/// The hash side: the hash of every byte so far. When it was not carried over from the
/// chunk before (a restart), the first batch's task computes it from the `held` bytes the
/// file had before the chunk began (the only ones it reads; the sink appends after them).
struct Hasher {
    path: PathBuf,
    held: u64,
    hash: Option<Sha256>,
}

impl Hasher {
    fn update(&mut self, frames: &[Bytes]) -> Result<(), PhotoError> {
        let hash = match &mut self.hash {
            Some(hash) => hash,
            None => self.hash.insert(hash_prefix(&self.path, self.held)?),
        };
        for frame in frames {
            hash.update(frame);
        }
        Ok(())
    }
}

/// One side, idle or working on a batch in a blocking task.
enum Side<T> {
    Idle(T),
    Busy(JoinHandle<Result<T, PhotoError>>),
}

impl<T: Send + 'static> Side<T> {
    /// The side once its batch is done.
    async fn idle(self) -> Result<T, PhotoError> {
        match self {
            Side::Idle(side) => Ok(side),
            Side::Busy(task) => joined(task).await,
        }
    }

    /// The side doing `work` in a blocking task.
    fn working(
        mut side: T,
        work: impl FnOnce(&mut T) -> Result<(), PhotoError> + Send + 'static,
    ) -> Side<T> {
        Side::Busy(tokio::task::spawn_blocking(move || {
            work(&mut side)?;
            Ok(side)
        }))
    }
}

/// Writes and hashes a body's batches after the `len` bytes a partial file holds.
pub(super) struct Appender {
    sink: Side<Sink>,
    hasher: Side<Hasher>,
}

impl Appender {
    /// Appends to the file at `path`, which holds `len` bytes whose hash is `hash` when this
    /// process knows it.
    pub(super) fn new(path: PathBuf, len: u64, hash: Option<Sha256>) -> Appender {
        Appender {
            sink: Side::Idle(Sink {
                path: path.clone(),
                file: None,
                len,
            }),
            hasher: Side::Idle(Hasher {
                path,
                held: len,
                hash,
            }),
        }
    }

    /// Both sides once their batch is done. Both are waited for before either error is
    /// told: no task is left behind.
    async fn idle(self) -> Result<(Sink, Hasher), PhotoError> {
        let sink = self.sink.idle().await;
        let hasher = self.hasher.idle().await;
        Ok((sink?, hasher?))
    }

    /// Hands a batch over once the one before is written and hashed; it is written and
    /// hashed at once while the caller gathers the next.
    pub(super) async fn push(self, frames: Vec<Bytes>) -> Result<Appender, PhotoError> {
        let (sink, hasher) = self.idle().await?;
        let frames: Arc<[Bytes]> = frames.into();
        let hashed = Arc::clone(&frames);
        Ok(Appender {
            sink: Side::working(sink, move |s| s.write(&frames)),
            hasher: Side::working(hasher, move |h| h.update(&hashed)),
        })
    }

    /// Waits for the last batch: the bytes the file holds now, and their hash (`None` when
    /// it was not known and no batch needed it).
    pub(super) async fn finish(self) -> Result<(u64, Option<Sha256>), PhotoError> {
        let (sink, hasher) = self.idle().await?;
        if let Some(file) = sink.file {
            // The chunk's bytes go to the disk while the next chunk arrives, so that the
            // sync when the last byte is in has little left to write. Its failure changes
            // nothing: that last sync is the one whose success the upload waits for.
            tokio::task::spawn_blocking(move || file.sync_data());
        }
        Ok((sink.len, hasher.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(parts: &[&[u8]]) -> Vec<Bytes> {
        parts.iter().map(|p| Bytes::copy_from_slice(p)).collect()
    }

    #[test]
    fn a_new_file_is_hashed_without_being_opened() {
        // The task writing a new upload creates its file while this runs.
        let missing = std::path::Path::new("/nonexistent/branchbook/partial");
        let hash = hash_prefix(missing, 0).map(|h| h.finalize().to_vec());
        assert_eq!(hash.ok(), Some(Sha256::digest(b"").to_vec()));
        assert!(matches!(hash_prefix(missing, 1), Err(PhotoError::Io(_))));
    }

    #[tokio::test]
    async fn batches_are_written_and_hashed_in_their_order() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("partial");
        std::fs::write(&path, b"held ").unwrap();
        let mut appender = Appender::new(path.clone(), 5, None);
        for batch in [&[&b"one "[..], b"two "][..], &[b"three "], &[b"four"]] {
            appender = appender.push(frames(batch)).await.unwrap();
        }
        let (len, hash) = appender.finish().await.unwrap();
        let whole = b"held one two three four";
        assert_eq!(std::fs::read(&path).unwrap(), whole);
        assert_eq!(len, whole.len() as u64);
        assert_eq!(
            hash.map(|h| h.finalize().to_vec()),
            Some(Sha256::digest(whole).to_vec()),
            "the bytes held before are hashed from the file, the rest as they go"
        );
    }

    #[tokio::test]
    async fn a_failed_write_is_told_once_both_sides_have_stopped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no such folder").join("partial");
        let appender = Appender::new(path, 0, Some(Sha256::new()));
        let appender = appender.push(frames(&[b"bytes"])).await.unwrap();
        assert!(matches!(
            appender.push(frames(&[b"more"])).await,
            Err(PhotoError::Io(_))
        ));
        let appender = Appender::new(dir.path().join("x").join("y"), 0, None);
        let appender = appender.push(frames(&[b"bytes"])).await.unwrap();
        assert!(matches!(appender.finish().await, Err(PhotoError::Io(_))));
    }
}
