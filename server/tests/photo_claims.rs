//! A photo belongs to the branch whose device sent its bytes: a record that names another
//! branch's SHA-256 (hashes appear in exports and record details) gives that branch
//! nothing, the push and the photo status say nothing about photos the branch has not
//! sent, a device may have only so many uploads in progress, and the sweep deletes
//! photos no record of their branch uses. What is served is served as what its bytes
//! are, in the parts a player asks for.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use branchbook_core::protocol::{Record, RecordStatus};
use branchbook_server::config::Config;
use branchbook_server::uploads::PhotoFiles;
use common::fixtures::*;
use common::{TestServer, error_of};
use reqwest::StatusCode;

/// A branch with its head (and her one-time password) and an enrolled phone.
struct Branch {
    username: String,
    password: String,
    device: String,
}

/// Two communes of one province, one branch in each, and an officer for each commune.
struct World {
    admin: String,
    a: Branch,
    b: Branch,
    /// The officer of branch B's commune, logged in.
    officer_b: String,
}

async fn world(server: &TestServer) -> World {
    let admin = server.admin().await;
    let province = server
        .create_area(&admin, None, "province", "Lai Châu")
        .await;
    server.publish_form(&admin, household_form().upload).await;
    let mut branches = Vec::new();
    let mut communes = Vec::new();
    for name in ["a", "b"] {
        let commune = server
            .create_area(&admin, Some(province), "commune", &format!("Xã {name}"))
            .await;
        let branch = server
            .create_area(&admin, Some(commune), "branch", &format!("Chi hội {name}"))
            .await;
        let username = format!("head_{name}");
        let (head, password) = server
            .create_account(&admin, &username, "branch_head", Some(branch))
            .await;
        let device = server.enrolled_device(&admin, head).await.token;
        branches.push(Branch {
            username,
            password,
            device,
        });
        communes.push(commune);
    }
    let (_, officer_pw) = server
        .create_account(&admin, "officer_b", "officer", Some(communes[1]))
        .await;
    let officer_b = server.login_fresh("officer_b", &officer_pw).await;
    let b = branches.pop().unwrap();
    let a = branches.pop().unwrap();
    World {
        admin,
        a,
        b,
        officer_b,
    }
}

/// Pushes one submission referencing `photo` (accepted), returning it and what the
/// server said is missing.
async fn push_with_photo(
    server: &TestServer,
    device: &str,
    seed: usize,
    photo: &[u8],
) -> (Record, Vec<String>) {
    let record = submission(&household_form(), seed, None, Some(&photo_ref(photo)));
    let results = server
        .push(device, std::slice::from_ref(&record))
        .await
        .results;
    assert_eq!(results[0].status, RecordStatus::Accepted, "{results:?}");
    (record, results[0].missing_photos.clone())
}

async fn photo_code(server: &TestServer, token: &str, sha: &str) -> StatusCode {
    server
        .get_text(&format!("/api/v1/office/photos/{sha}"), token)
        .await
        .0
}

async fn a_record_naming_another_branchs_photo_claims_nothing(server: TestServer) {
    let w = world(&server).await;
    let photo = photo_bytes(7, 25_000);
    let sha = photo_ref(&photo).sha256;
    push_with_photo(&server, &w.a.device, 1, &photo).await;
    assert!(
        server
            .upload_photo(&w.a.device, &photo, 10_000)
            .await
            .complete
    );
    let head_a = server.login_fresh(&w.a.username, &w.a.password).await;
    assert_eq!(photo_code(&server, &head_a, &sha).await, StatusCode::OK);

    // Branch B names A's photo, and a hash nobody has: the push tells the two apart in
    // nothing (no existence oracle), and neither the status nor the office shows A's photo.
    let unknown = "0f".repeat(32);
    let mut claim = submission(&household_form(), 2, None, Some(&photo_ref(&photo)));
    if let branchbook_core::protocol::RecordBody::Submission(s) = &mut claim.body {
        let mut other = photo_ref(&photo);
        other.sha256 = unknown.clone();
        s.photos.push(other);
    }
    let results = server
        .push(&w.b.device, std::slice::from_ref(&claim))
        .await
        .results;
    assert_eq!(results[0].status, RecordStatus::Accepted, "{results:?}");
    let mut missing = results[0].missing_photos.clone();
    missing.sort();
    let mut expected = vec![sha.clone(), unknown.clone()];
    expected.sort();
    assert_eq!(missing, expected, "both look missing to branch B");
    // Sending the same record again answers the same.
    let again = server
        .push(&w.b.device, std::slice::from_ref(&claim))
        .await
        .results;
    assert_eq!(again[0].status, RecordStatus::Duplicate);
    assert_eq!(again[0].missing_photos.len(), 2);
    for hash in [&sha, &unknown] {
        let status = server.photo_status(&w.b.device, hash).await;
        assert_eq!((status.received, status.complete), (0, false), "{hash}");
    }
    let head_b = server.login_fresh(&w.b.username, &w.b.password).await;
    assert_eq!(
        photo_code(&server, &head_b, &sha).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        photo_code(&server, &w.officer_b, &sha).await,
        StatusCode::NOT_FOUND
    );
    let (code, detail) = server
        .get(
            &format!("/api/v1/office/records/{}", claim.uuid),
            &w.officer_b,
        )
        .await;
    assert_eq!(code, StatusCode::OK);
    assert!(
        detail["photos"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["complete"] == false),
        "{detail}"
    );
    assert_eq!(detail["record"]["complete"], false, "{detail}");
    // The administrator sees A's photo through A's record, as before.
    assert_eq!(photo_code(&server, &w.admin, &sha).await, StatusCode::OK);

    // Branch B proves it has the bytes by sending them all: from then on its record shows it.
    assert!(
        server
            .upload_photo(&w.b.device, &photo, 10_000)
            .await
            .complete
    );
    assert_eq!(photo_code(&server, &head_b, &sha).await, StatusCode::OK);
    assert_eq!(
        photo_code(&server, &w.officer_b, &sha).await,
        StatusCode::OK
    );
}

async fn a_device_has_only_so_many_uploads_in_progress(server: TestServer) {
    let w = world(&server).await;
    let quota = Config::for_dir(server.dir.path().to_owned()).max_uploads_per_device;
    let photos: Vec<Vec<u8>> = (0..=u64::from(quota))
        .map(|seed| photo_bytes(100 + seed, 4_000))
        .collect();
    for photo in &photos[..quota as usize] {
        let sha = photo_ref(photo).sha256;
        let (code, body) = server
            .put_chunk(&w.a.device, &sha, 0, 4_000, photo[..1_000].to_vec())
            .await;
        assert_eq!(code, StatusCode::OK, "{body}");
    }
    let last = &photos[quota as usize];
    let last_sha = photo_ref(last).sha256;
    let (code, body) = server
        .put_chunk(&w.a.device, &last_sha, 0, 4_000, last[..1_000].to_vec())
        .await;
    assert_eq!(code, StatusCode::TOO_MANY_REQUESTS, "{body}");
    assert_eq!(error_of(&body).error, "upload_quota");
    // Another phone is not held back by this one's uploads.
    let (code, _) = server
        .put_chunk(&w.b.device, &last_sha, 0, 4_000, last[..1_000].to_vec())
        .await;
    assert_eq!(code, StatusCode::OK);
    // Finishing an upload frees its place.
    let first = &photos[0];
    let first_sha = photo_ref(first).sha256;
    let (code, body) = server
        .put_chunk(
            &w.a.device,
            &first_sha,
            1_000,
            4_000,
            first[1_000..].to_vec(),
        )
        .await;
    assert_eq!(code, StatusCode::OK, "{body}");
    assert!(server.photo_status(&w.a.device, &first_sha).await.complete);
    assert!(server.upload_photo(&w.a.device, last, 4_000).await.complete);
}

/// Runs the sweep with a stale period of zero (everything unused is stale).
async fn sweep_now(server: &TestServer) -> branchbook_server::uploads::Sweep {
    let photos =
        std::sync::Arc::new(PhotoFiles::open(&server.dir.path().join("photos"), 20 << 20).unwrap());
    branchbook_server::uploads::sweep(&server.store, &photos, Some(Duration::ZERO))
        .await
        .unwrap()
}

async fn photos_no_record_uses_are_swept(server: TestServer) {
    let w = world(&server).await;
    let used = photo_bytes(21, 9_000);
    let unused = photo_bytes(22, 9_000);
    let used_sha = photo_ref(&used).sha256;
    let unused_sha = photo_ref(&unused).sha256;
    push_with_photo(&server, &w.a.device, 1, &used).await;
    assert!(
        server
            .upload_photo(&w.a.device, &used, 9_000)
            .await
            .complete
    );
    assert!(
        server
            .upload_photo(&w.a.device, &unused, 9_000)
            .await
            .complete
    );
    // A record of another branch naming the unused photo does not keep it alive.
    push_with_photo(&server, &w.b.device, 2, &unused).await;
    let file = |sha: &str| server.dir.path().join("photos").join(&sha[..2]).join(sha);
    assert!(file(&unused_sha).exists());

    let swept = sweep_now(&server).await;
    assert_eq!(swept.orphans, 1, "{swept:?}");
    assert!(
        !file(&unused_sha).exists(),
        "the unused photo's file is gone"
    );
    assert!(file(&used_sha).exists());
    let sha = unused_sha.clone();
    assert!(
        !server
            .store
            .call(move |s| s.photo_is_complete(&sha))
            .await
            .unwrap()
    );
    let status = server.photo_status(&w.a.device, &unused_sha).await;
    assert_eq!((status.received, status.complete), (0, false));
    let status = server.photo_status(&w.a.device, &used_sha).await;
    assert!(status.complete);
    let head_a = server.login_fresh(&w.a.username, &w.a.password).await;
    assert_eq!(
        photo_code(&server, &head_a, &used_sha).await,
        StatusCode::OK
    );
    // The branch that does use it later sends it again, and it stays.
    let (_, missing) = push_with_photo(&server, &w.a.device, 3, &unused).await;
    assert_eq!(missing, vec![unused_sha.clone()]);
    assert!(
        server
            .upload_photo(&w.a.device, &unused, 9_000)
            .await
            .complete
    );
    assert_eq!(sweep_now(&server).await.orphans, 0);
    assert_eq!(
        photo_code(&server, &head_a, &unused_sha).await,
        StatusCode::OK
    );
}

/// The office download of a photo: its status, its type and its bytes.
async fn download(server: &TestServer, token: &str, sha: &str) -> (StatusCode, String, Vec<u8>) {
    let response = server
        .client
        .get(server.url(&format!("/api/v1/office/photos/{sha}")))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let kind = response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    (status, kind, response.bytes().await.unwrap().to_vec())
}

async fn bytes_that_are_no_photo_are_refused_and_never_served(server: TestServer) {
    let w = world(&server).await;
    // A page with a script, sent under its own hash as a record's "photo": refused at
    // its first chunk, so nothing of it is ever kept or served.
    let page = b"<html><script>alert(document.cookie)</script></html>".repeat(100);
    push_with_photo(&server, &w.a.device, 1, &page).await;
    let sha = photo_ref(&page).sha256;
    let (status, body) = server
        .put_chunk(
            &w.a.device,
            &sha,
            0,
            page.len() as u64,
            page[..1_000].to_vec(),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(error_of(&body).error, "not_a_media_file");
    assert_eq!(server.photo_status(&w.a.device, &sha).await.received, 0);
    let (status, _, _) = download(&server, &w.admin, &sha).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A JPEG larger than one block of the stream arrives whole, as image/jpeg.
    let photo = photo_bytes(11, 300_000);
    push_with_photo(&server, &w.a.device, 2, &photo).await;
    assert!(
        server
            .upload_photo(&w.a.device, &photo, 100_000)
            .await
            .complete
    );
    let (status, kind, body) = download(&server, &w.admin, &photo_ref(&photo).sha256).await;
    assert_eq!((status, kind.as_str()), (StatusCode::OK, "image/jpeg"));
    assert!(
        body == photo,
        "the photo's bytes, all {} of them",
        photo.len()
    );
}

/// The office download of bytes `range` (a `Range` header's value) of a photo: status,
/// `Content-Range`, `Accept-Ranges` and the body.
async fn download_range(
    server: &TestServer,
    token: &str,
    sha: &str,
    range: &str,
) -> (StatusCode, String, String, Vec<u8>) {
    let response = server
        .client
        .get(server.url(&format!("/api/v1/office/photos/{sha}")))
        .bearer_auth(token)
        .header(reqwest::header::RANGE, range)
        .send()
        .await
        .unwrap();
    let header = |name| {
        response
            .headers()
            .get(name)
            .map(|v: &reqwest::header::HeaderValue| v.to_str().unwrap().to_owned())
            .unwrap_or_default()
    };
    let (status, content_range) = (response.status(), header(reqwest::header::CONTENT_RANGE));
    let accept = header(reqwest::header::ACCEPT_RANGES);
    (
        status,
        content_range,
        accept,
        response.bytes().await.unwrap().to_vec(),
    )
}

async fn a_file_is_served_in_the_parts_a_player_asks_for(server: TestServer) {
    let w = world(&server).await;
    let photo = photo_bytes(12, 300_000);
    push_with_photo(&server, &w.a.device, 1, &photo).await;
    assert!(
        server
            .upload_photo(&w.a.device, &photo, 100_000)
            .await
            .complete
    );
    let sha = photo_ref(&photo).sha256;
    let len = photo.len();
    let part = |first: usize, last: usize| {
        (
            StatusCode::PARTIAL_CONTENT,
            format!("bytes {first}-{last}/{len}"),
            "bytes".to_owned(),
            photo[first..=last].to_vec(),
        )
    };
    // The first bytes, a middle stretch across stream blocks, the tail, the last bytes.
    assert!(download_range(&server, &w.admin, &sha, "bytes=0-9").await == part(0, 9));
    assert!(
        download_range(&server, &w.admin, &sha, "bytes=65000-200000").await
            == part(65_000, 200_000)
    );
    assert!(
        download_range(&server, &w.admin, &sha, "bytes=299990-").await == part(299_990, len - 1)
    );
    assert!(
        download_range(&server, &w.admin, &sha, "bytes=-100").await == part(len - 100, len - 1)
    );
    // Past the end: 416, saying how long the file is.
    let (status, content_range, _, body) =
        download_range(&server, &w.admin, &sha, &format!("bytes={len}-")).await;
    assert_eq!(
        (
            status,
            content_range,
            error_of(&serde_json::from_slice(&body).unwrap()).error
        ),
        (
            StatusCode::RANGE_NOT_SATISFIABLE,
            format!("bytes */{len}"),
            "range_not_satisfiable".to_owned()
        )
    );
    // Several ranges: the whole file, saying ranges are served.
    let (status, content_range, accept, body) =
        download_range(&server, &w.admin, &sha, "bytes=0-1,5-6").await;
    assert_eq!(
        (status, content_range.as_str(), accept.as_str()),
        (StatusCode::OK, "", "bytes")
    );
    assert!(body == photo);
    // A part of another branch's photo is as hidden as the whole.
    let (status, _, _, body) = download_range(&server, &w.officer_b, &sha, "bytes=0-9").await;
    assert_eq!((status, body.len() < 100), (StatusCode::NOT_FOUND, true));
}

on_both_stores!(
    a_file_is_served_in_the_parts_a_player_asks_for,
    a_record_naming_another_branchs_photo_claims_nothing,
    a_device_has_only_so_many_uploads_in_progress,
    photos_no_record_uses_are_swept,
    bytes_that_are_no_photo_are_refused_and_never_served,
);
