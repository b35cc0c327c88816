//! A photo whose bytes have all arrived is checked and stored by the server itself, even
//! when the phone hangs up before hearing the answer (or the server stops before the
//! check): no request from the phone is needed to finish it. An upload nobody adds to
//! for the stale period is discarded, so abandoned partial files do not pile up.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant, SystemTime};

use branchbook_core::protocol::{Record, RecordStatus};
use branchbook_server::config::Config;
use common::TestServer;
use common::fixtures::*;
use reqwest::StatusCode;
use tokio::io::AsyncWriteExt;

/// An enrolled phone that pushed a submission needing one photo of `size` bytes.
struct Pending {
    device: String,
    admin: String,
    branch: uuid::Uuid,
    photo: Vec<u8>,
    sha: String,
}

async fn pending_photo(server: &TestServer, size: usize) -> Pending {
    let (enrolled, admin) = server.one_device().await;
    let photo = photo_bytes(11, size);
    let reference = photo_ref(&photo);
    let record: Record = submission(&household_form(), 3, None, Some(&reference));
    let results = server.push(&enrolled.token, &[record]).await.results;
    assert_eq!(results[0].status, RecordStatus::Accepted);
    assert_eq!(results[0].missing_photos, vec![reference.sha256.clone()]);
    Pending {
        device: enrolled.token,
        admin,
        branch: enrolled.branch.id,
        photo,
        sha: reference.sha256,
    }
}

/// Waits (up to ten seconds) until the store says the photo is complete, asking the store
/// directly so that no request can be what finished it.
async fn completes_without_a_request(server: &TestServer, sha: &str) -> bool {
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        let sha = sha.to_owned();
        let done = server
            .store
            .call(move |s| s.photo_is_complete(&sha))
            .await
            .unwrap();
        if done {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    false
}

async fn record_is_complete(server: &TestServer, admin: &str) -> bool {
    let (status, page) = server.get("/api/v1/office/submissions", admin).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page["items"][0]["complete"] == true
}

/// Sends the whole photo as one chunk in a chunked-encoded PUT, then hangs up before the
/// terminating empty chunk: the server has every byte, the request never ends.
async fn send_all_then_hang_up(server: &TestServer, pending: &Pending) {
    let addr = server.base.trim_start_matches("http://");
    let mut socket = tokio::net::TcpStream::connect(addr).await.unwrap();
    let head = format!(
        "PUT /api/v1/photos/{sha}?offset=0&total={total} HTTP/1.1\r\nHost: {addr}\r\nAuthorization: Bearer {token}\r\nTransfer-Encoding: chunked\r\n\r\n{total:x}\r\n",
        sha = pending.sha,
        total = pending.photo.len(),
        token = pending.device,
    );
    socket.write_all(head.as_bytes()).await.unwrap();
    socket.write_all(&pending.photo).await.unwrap();
    socket.write_all(b"\r\n").await.unwrap();
    socket.flush().await.unwrap();
    // Let the bytes reach the server's file before the hang-up.
    tokio::time::sleep(Duration::from_millis(300)).await;
    drop(socket);
}

/// Where the server keeps the branch's upload of the photo while it is in progress.
fn partial_file(server: &TestServer, pending: &Pending) -> std::path::PathBuf {
    server
        .dir
        .path()
        .join("photos")
        .join("partial")
        .join(format!("{}.{}", pending.sha, pending.branch))
}

async fn hang_up_after_the_last_byte(server: TestServer) {
    let pending = pending_photo(&server, 300_000).await;
    send_all_then_hang_up(&server, &pending).await;
    assert!(
        completes_without_a_request(&server, &pending.sha).await,
        "the server checks the bytes it has without waiting for the phone"
    );
    assert!(record_is_complete(&server, &pending.admin).await);
    let status = server.photo_status(&pending.device, &pending.sha).await;
    assert!(status.complete);
    assert_eq!(status.received, pending.photo.len() as u64);
    let stored = std::fs::read(
        server
            .dir
            .path()
            .join("photos")
            .join(&pending.sha[..2])
            .join(&pending.sha),
    )
    .unwrap();
    assert_eq!(stored, pending.photo);
}

async fn hang_up_after_wrong_last_bytes(server: TestServer) {
    let mut pending = pending_photo(&server, 50_000).await;
    let good = pending.photo.clone();
    pending.photo[49_999] ^= 0x55;
    send_all_then_hang_up(&server, &pending).await;
    // The bad bytes are discarded by the server itself: the phone starts over from 0.
    // The upload (registered with the request's headers) is forgotten once they are; the
    // store is asked directly, so that no request can be what discarded them.
    let deadline = Instant::now() + Duration::from_secs(10);
    let partial = partial_file(&server, &pending);
    let under_way = || {
        let (sha, branch) = (pending.sha.clone(), pending.branch);
        server
            .store
            .call(move |s| s.photo_upload_total(&sha, branch))
    };
    while under_way().await.unwrap().is_some() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(under_way().await.unwrap(), None, "the upload was forgotten");
    assert!(!partial.exists(), "the mismatching bytes were discarded");
    let status = server.photo_status(&pending.device, &pending.sha).await;
    assert_eq!((status.received, status.complete), (0, false));
    assert!(!record_is_complete(&server, &pending.admin).await);
    assert!(
        server
            .upload_photo(&pending.device, &good, 20_000)
            .await
            .complete
    );
    assert!(record_is_complete(&server, &pending.admin).await);
}

/// Leaves the state a stop between the last byte and the check leaves: every byte in the
/// partial file, the photo not stored. Sends all but the last byte, then adds it on disk.
async fn unchecked_full_upload(server: &TestServer, pending: &Pending) {
    let total = pending.photo.len();
    let (status, body) = server
        .put_chunk(
            &pending.device,
            &pending.sha,
            0,
            total as u64,
            pending.photo[..total - 1].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["received"], total - 1);
    let partial = partial_file(server, pending);
    let mut file = std::fs::OpenOptions::new()
        .append(true)
        .open(&partial)
        .unwrap();
    std::io::Write::write_all(&mut file, &pending.photo[total - 1..]).unwrap();
}

async fn a_status_request_finishes_an_unchecked_upload(server: TestServer) {
    let pending = pending_photo(&server, 40_000).await;
    unchecked_full_upload(&server, &pending).await;
    assert!(!record_is_complete(&server, &pending.admin).await);
    let status = server.photo_status(&pending.device, &pending.sha).await;
    assert!(status.complete, "{status:?}");
    assert_eq!(status.received, 40_000);
    assert!(record_is_complete(&server, &pending.admin).await);
}

async fn a_restart_finishes_an_unchecked_upload(server: TestServer) {
    let pending = pending_photo(&server, 40_000).await;
    unchecked_full_upload(&server, &pending).await;
    // A second server over the same store and folder, as after a restart.
    let restarted = branchbook_server::server::bind(
        Config::for_dir(server.dir.path().to_owned()),
        server.store.clone(),
    )
    .await
    .unwrap();
    drop(restarted);
    assert!(
        completes_without_a_request(&server, &pending.sha).await,
        "the start checked the upload"
    );
    assert!(record_is_complete(&server, &pending.admin).await);
}

/// Sends the first `bytes` of the photo, as a phone that was lost (or reset) mid-upload.
async fn send_first(server: &TestServer, pending: &Pending, bytes: usize) {
    let (status, body) = server
        .put_chunk(
            &pending.device,
            &pending.sha,
            0,
            pending.photo.len() as u64,
            pending.photo[..bytes].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{body}");
}

/// Makes the upload's partial file look untouched for `idle_days`.
fn left_for(server: &TestServer, pending: &Pending, idle_days: u64) {
    std::fs::OpenOptions::new()
        .write(true)
        .open(partial_file(server, pending))
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(idle_days * 86_400))
        .unwrap();
}

/// Bytes of the photo the server says it holds.
async fn received(server: &TestServer, pending: &Pending) -> u64 {
    server
        .photo_status(&pending.device, &pending.sha)
        .await
        .received
}

/// A restart of the server over the same store and folder with `config` (its start sweeps).
async fn restart(server: &TestServer, config: impl FnOnce(&mut Config)) {
    let mut c = Config::for_dir(server.dir.path().to_owned());
    config(&mut c);
    let restarted = branchbook_server::server::bind(c, server.store.clone())
        .await
        .unwrap();
    drop(restarted);
}

async fn an_upload_nobody_continues_for_the_stale_period_is_discarded(server: TestServer) {
    let pending = pending_photo(&server, 40_000).await;
    send_first(&server, &pending, 10_000).await;
    left_for(&server, &pending, 31);
    restart(&server, |_| {}).await; // the default stale period: 30 days
    assert!(
        !partial_file(&server, &pending).exists(),
        "the abandoned bytes are gone"
    );
    let status = server.photo_status(&pending.device, &pending.sha).await;
    assert_eq!(
        (status.received, status.complete),
        (0, false),
        "the phone starts over"
    );
    assert!(!record_is_complete(&server, &pending.admin).await);
    // The phone comes back after all: the photo goes in whole and completes its record.
    let status = server
        .upload_photo(&pending.device, &pending.photo, 16_000)
        .await;
    assert!(status.complete);
    assert!(record_is_complete(&server, &pending.admin).await);
}

async fn an_upload_within_the_stale_period_or_with_sweeping_off_is_kept(server: TestServer) {
    let pending = pending_photo(&server, 40_000).await;
    send_first(&server, &pending, 10_000).await;
    left_for(&server, &pending, 29);
    restart(&server, |_| {}).await;
    assert_eq!(received(&server, &pending).await, 10_000);

    left_for(&server, &pending, 400);
    restart(&server, |c| c.stale_upload_days = 0).await;
    assert_eq!(
        received(&server, &pending).await,
        10_000,
        "0 keeps uploads forever"
    );
    restart(&server, |c| c.stale_upload_days = 365).await;
    assert_eq!(received(&server, &pending).await, 0);
}

on_both_stores!(
    an_upload_nobody_continues_for_the_stale_period_is_discarded,
    an_upload_within_the_stale_period_or_with_sweeping_off_is_kept,
    hang_up_after_the_last_byte,
    hang_up_after_wrong_last_bytes,
    a_status_request_finishes_an_unchecked_upload,
    a_restart_finishes_an_unchecked_upload,
);
