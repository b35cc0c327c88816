//! Photo bytes on the filesystem, content-addressed by SHA-256. An upload in progress is
//! a partial file per (photo, branch), so branches never see or disturb each other's
//! uploads; its length is the number of bytes received, which is where the client
//! resumes. When the last byte arrives the file is hashed: a match is synced and
//! renamed into place atomically, a mismatch is deleted.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use futures_util::{Stream, StreamExt};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use uuid::Uuid;

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
}

/// The photo folder.
pub struct PhotoFiles {
    root: PathBuf,
    locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

impl PhotoFiles {
    /// Opens (creating) the photo folder under `root`.
    pub fn open(root: &Path) -> Result<PhotoFiles, PhotoError> {
        std::fs::create_dir_all(root.join("partial"))?;
        Ok(PhotoFiles {
            root: root.to_owned(),
            locks: Mutex::new(HashMap::new()),
        })
    }

    /// Where a complete photo lives (fanned out by its first two hex digits).
    pub fn path(&self, sha256: &str) -> PathBuf {
        self.root.join(sha256.get(..2).unwrap_or("00")).join(sha256)
    }

    fn partial_path(&self, sha256: &str, branch: Uuid) -> PathBuf {
        self.root.join("partial").join(format!("{sha256}.{branch}"))
    }

    /// True when the complete photo is on disk.
    pub async fn exists(&self, sha256: &str) -> bool {
        tokio::fs::try_exists(self.path(sha256))
            .await
            .unwrap_or(false)
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
        let mut locks = self
            .locks
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        locks.retain(|_, l| Arc::strong_count(l) > 1);
        Arc::clone(locks.entry(format!("{sha256}.{branch}")).or_default())
    }

    /// Appends a body to a branch's partial file, refusing bytes past `total`. Bytes
    /// written before a broken stream are kept (the client resumes after them). Returns
    /// the bytes now received. The caller holds [`Self::lock`] and checked the offset.
    pub async fn append<S, E>(
        &self,
        sha256: &str,
        branch: Uuid,
        total: u64,
        mut body: S,
    ) -> Result<u64, PhotoError>
    where
        S: Stream<Item = Result<Bytes, E>> + Unpin,
        E: std::fmt::Display,
    {
        let path = self.partial_path(sha256, branch);
        let mut file = tokio::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .await?;
        let mut received = file.metadata().await?.len();
        let mut outcome = Ok(());
        while let Some(chunk) = body.next().await {
            let chunk = match chunk {
                Ok(c) => c,
                Err(e) => {
                    outcome = Err(PhotoError::Body(e.to_string()));
                    break;
                }
            };
            if received + chunk.len() as u64 > total {
                outcome = Err(PhotoError::PastEnd { total });
                break;
            }
            file.write_all(&chunk).await?;
            received += chunk.len() as u64;
        }
        file.flush().await?;
        outcome.map(|()| received)
    }

    /// Checks a fully received partial file against its name: on a match it is synced and
    /// renamed into place (true); on a mismatch it is deleted (false).
    pub async fn finish(&self, sha256: &str, branch: Uuid) -> Result<bool, PhotoError> {
        let partial = self.partial_path(sha256, branch);
        let mut file = tokio::fs::File::open(&partial).await?;
        let mut hasher = Sha256::new();
        let mut buf = vec![0u8; 256 * 1024];
        loop {
            let n = file.read(&mut buf).await?;
            if n == 0 {
                break;
            }
            hasher.update(&buf[..n]);
        }
        if hex::encode(hasher.finalize()) != sha256 {
            tokio::fs::remove_file(&partial).await?;
            return Ok(false);
        }
        file.sync_all().await?;
        let target = self.path(sha256);
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        tokio::fs::rename(&partial, &target).await?;
        if let Some(dir) = target.parent() {
            // Make the rename itself durable.
            tokio::fs::File::open(dir).await?.sync_all().await?;
        }
        Ok(true)
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
        match tokio::fs::remove_file(self.partial_path(sha256, branch)).await {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
            _ => Ok(()),
        }
    }
}
