//! Finishing photo uploads: once every byte of a branch's upload is on disk, the hash
//! check and the store update run to the end in a task of their own, whether or not the
//! client is still connected. A client that vanished after its last byte (or a server
//! stopped before the check) leaves a full partial file; the next status request for it,
//! or the next start, finishes it, so the photo never waits for the phone to come back.
//! An upload nobody adds to for the stale period (a lost or reset phone) is discarded, so
//! abandoned partial files do not fill the server's disk.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use tokio::sync::OwnedMutexGuard;
use uuid::Uuid;

use super::files::{PhotoError, PhotoFiles};
use super::kind::FileRefusal;
use super::photo_fault;
use crate::error::ApiError;
use crate::store::Gateway;

/// The outcome of checking a fully received upload.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The bytes matched their hash: the photo is stored and its records updated.
    Complete,
    /// The bytes did not match: they were discarded and the upload starts over.
    Discarded,
    /// The bytes are no photo or recording the server takes (or too large for their
    /// kind): they were discarded, and sending them again changes nothing.
    Refused(FileRefusal),
}

/// Checks a branch's fully received upload of `total` bytes (what its first bytes say
/// it is, then its hash) and records the result. The caller holds the upload's lock (`guard`) and saw all `total` bytes on
/// disk; the work runs in a spawned task that keeps the lock, so dropping the request
/// (the client hung up) cannot stop it halfway.
pub async fn verify(
    store: Gateway,
    photos: Arc<PhotoFiles>,
    sha256: String,
    branch: Uuid,
    total: u64,
    guard: OwnedMutexGuard<()>,
) -> Result<Verdict, ApiError> {
    let task = tokio::spawn(async move {
        let _guard = guard;
        // No sweep deletes the photo between its file landing and the store holding it.
        let _photo = photos.photo_lock(&sha256).lock_owned().await;
        let checked = photos
            .check_partial(&sha256, branch, total)
            .await
            .map_err(photo_fault)?;
        if let Some(Err(refusal)) = checked {
            refuse(&store, &photos, &sha256, branch).await?;
            tracing::info!(photo = %sha256, reason = refusal.code(), "uploaded file refused for what it is; discarded");
            return Ok(Verdict::Refused(refusal));
        }
        let matched = photos.finish(&sha256, branch).await.map_err(photo_fault)?;
        let sha = sha256.clone();
        if matched {
            store
                .call(move |s| s.complete_photo(&sha, branch, total))
                .await?;
            tracing::info!(photo = %sha256, bytes = total, "photo complete");
            Ok(Verdict::Complete)
        } else {
            refuse(&store, &photos, &sha, branch).await?;
            tracing::info!(photo = %sha256, "photo bytes did not match their hash; discarded");
            Ok(Verdict::Discarded)
        }
    });
    task.await
        .map_err(|e| ApiError::Internal(format!("photo check task failed: {e}")))?
}

/// Forgets a branch's upload and deletes its partial file (the bytes are not taken).
pub(super) async fn refuse(
    store: &Gateway,
    photos: &PhotoFiles,
    sha256: &str,
    branch: Uuid,
) -> Result<(), ApiError> {
    let sha = sha256.to_owned();
    store
        .call(move |s| s.abandon_photo_upload(&sha, branch))
        .await?;
    photos.discard(sha256, branch).await.map_err(photo_fault)
}

/// Finishes a branch's upload when all its announced bytes are on disk but were never
/// checked (the client hung up, or the server stopped, after the last byte). `None` when
/// the upload is not in that state (not started, incomplete, or already finished).
pub async fn settle(
    store: &Gateway,
    photos: &Arc<PhotoFiles>,
    sha256: &str,
    branch: Uuid,
) -> Result<Option<Verdict>, ApiError> {
    let guard = photos.lock(sha256, branch).lock_owned().await;
    let sha = sha256.to_owned();
    let Some(total) = store
        .call(move |s| s.photo_upload_total(&sha, branch))
        .await?
    else {
        return Ok(None);
    };
    let received = photos.received(sha256, branch).await.map_err(photo_fault)?;
    if total == 0 || received != total {
        return Ok(None);
    }
    let verdict = verify(
        store.clone(),
        Arc::clone(photos),
        sha256.to_owned(),
        branch,
        total,
        guard,
    )
    .await?;
    Ok(Some(verdict))
}

/// What one sweep of the uploads in progress did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Sweep {
    /// Full uploads that were checked (stored, or discarded for a wrong hash).
    pub settled: usize,
    /// Unfinished uploads discarded because nothing was added for the stale period.
    pub discarded: usize,
    /// Photos (or a branch's hold on one) deleted because no record of the branch that
    /// sent them referenced them for the stale period.
    pub orphans: usize,
}

/// Orphan photos looked at in one sweep (the next sweep takes the rest).
const ORPHANS_PER_SWEEP: u32 = 10_000;

/// Settles every full partial file left on disk and, with `stale_after`, discards the
/// unfinished uploads nothing was added to for that long (run at start-up and then
/// periodically). A failure on one upload is logged and leaves it for the next sweep or
/// its status request; it never stops the start.
pub async fn sweep(
    store: &Gateway,
    photos: &Arc<PhotoFiles>,
    stale_after: Option<Duration>,
) -> Result<Sweep, PhotoError> {
    let mut done = Sweep::default();
    for (sha256, branch) in photos.partials().await? {
        match settle(store, photos, &sha256, branch).await {
            Ok(Some(_)) => {
                // Checked just now: stored or discarded, its partial file is gone.
                done.settled += 1;
                continue;
            }
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(photo = %sha256, error = %e, "could not settle an interrupted photo upload")
            }
        }
        let Some(stale_after) = stale_after else {
            continue;
        };
        match discard_if_stale(store, photos, &sha256, branch, stale_after).await {
            Ok(true) => done.discarded += 1,
            Ok(false) => {}
            Err(e) => {
                tracing::warn!(photo = %sha256, error = %e, "could not discard an abandoned photo upload")
            }
        }
    }
    if let Some(stale_after) = stale_after {
        match sweep_orphans(store, photos, stale_after).await {
            Ok(orphans) => done.orphans = orphans,
            Err(e) => tracing::warn!(error = %e, "could not sweep orphan photos"),
        }
    }
    Ok(done)
}

/// Deletes what no record uses: a branch's hold on a photo none of its records has
/// referenced within `stale_after` of its upload, then the photo itself (row and file)
/// once no branch holds it; and forgets uploads started that long ago whose partial file
/// is gone (so they no longer count against their device's quota). Returns the holds
/// and photos deleted.
async fn sweep_orphans(
    store: &Gateway,
    photos: &Arc<PhotoFiles>,
    stale_after: Duration,
) -> Result<usize, ApiError> {
    let Some(before) = chrono::Duration::from_std(stale_after)
        .ok()
        .and_then(|d| chrono::Utc::now().checked_sub_signed(d))
    else {
        return Ok(0);
    };
    let mut deleted = 0;
    let orphans = store
        .call(move |s| s.orphan_photos(before, ORPHANS_PER_SWEEP))
        .await?;
    for (sha256, branch) in orphans {
        let _photo = photos.photo_lock(&sha256).lock_owned().await;
        let sha = sha256.clone();
        let gone = store
            .call(move |s| s.drop_orphan_photo(&sha, branch, before))
            .await?;
        if gone {
            photos.delete_photo(&sha256).await.map_err(photo_fault)?;
            tracing::info!(photo = %sha256, "deleted a photo no record uses");
        }
        deleted += 1;
    }
    let uploads = store
        .call(move |s| s.uploads_started_before(before, ORPHANS_PER_SWEEP))
        .await?;
    for (sha256, branch) in uploads {
        let _guard = photos.lock(&sha256, branch).lock_owned().await;
        if photos
            .last_write(&sha256, branch)
            .await
            .map_err(photo_fault)?
            .is_none()
        {
            // Forgotten here and in memory alike (see `PhotoFiles::under_way`).
            refuse(store, photos, &sha256, branch).await?;
        }
    }
    Ok(deleted)
}

/// Discards a branch's unfinished upload when its last byte is older than `stale_after`:
/// the upload is forgotten first, then its file deleted, so a crash in between leaves a
/// file the next sweep deletes. A phone that comes back later starts the photo over.
async fn discard_if_stale(
    store: &Gateway,
    photos: &Arc<PhotoFiles>,
    sha256: &str,
    branch: Uuid,
    stale_after: Duration,
) -> Result<bool, ApiError> {
    let _guard = photos.lock(sha256, branch).lock_owned().await;
    let Some(modified) = photos
        .last_write(sha256, branch)
        .await
        .map_err(photo_fault)?
    else {
        return Ok(false);
    };
    let idle = SystemTime::now()
        .duration_since(modified)
        .unwrap_or(Duration::ZERO);
    if idle < stale_after {
        return Ok(false);
    }
    let sha = sha256.to_owned();
    store
        .call(move |s| s.abandon_photo_upload(&sha, branch))
        .await?;
    photos.discard(sha256, branch).await.map_err(photo_fault)?;
    tracing::info!(photo = %sha256, idle_days = idle.as_secs() / 86_400, "discarded an abandoned photo upload");
    Ok(true)
}
