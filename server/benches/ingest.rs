//! Ingest benchmark: a real server on loopback, records ingested per second from 1 and
//! from 50 concurrent devices (batches of 200 household-survey submissions, gzip, as the
//! phone sends them) on SQLite and PostgreSQL, the re-send rate (all duplicates), and
//! photo upload throughput against a plain file copy of the same bytes.
//!
//! Run: `cargo bench -p branchbook-server --bench ingest`. PostgreSQL is measured when
//! `BRANCHBOOK_TEST_PG_URL` is set, e.g. `bash -c 'source tests/postgres.sh && cargo
//! bench -p branchbook-server --bench ingest'` (add `BRANCHBOOK_TEST_PG_FSYNC=on` to
//! measure PostgreSQL with durable commits, as in production).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod bench;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

use bench::PG_URL_VAR;
use branchbook_core::protocol::{Record, RecordStatus};
use common::fixtures::*;
use common::{Backend, TestServer};
use uuid::Uuid;

const BATCH: usize = 200;
const SINGLE_DEVICE_BATCHES: usize = 10;
const DEVICES: usize = 50;
const BATCHES_PER_DEVICE: usize = 2;

struct Device {
    token: String,
    batches: Vec<Vec<Record>>,
}

/// 50 branches with a device each; each device has pushed 20 households and prepared its batches.
async fn devices(
    server: &TestServer,
    admin: &str,
    name: &str,
    batches_each: usize,
    count: usize,
) -> Vec<Device> {
    let province = server
        .create_area(admin, None, "province", "Lai Châu")
        .await;
    let commune = server
        .create_area(admin, Some(province), "commune", "Xã Pa Tần")
        .await;
    let form = household_form();
    let mut out = Vec::new();
    for d in 0..count {
        let branch = server
            .create_area(admin, Some(commune), "branch", &format!("Chi hội {d}"))
            .await;
        let (head, _) = server
            .create_account(admin, &format!("{name}{d}"), "branch_head", Some(branch))
            .await;
        let token = server.enrolled_device(admin, head).await.token;
        let households: Vec<Record> = (0..20).map(|i| household(Uuid::now_v7(), 1, i)).collect();
        server.push(&token, &households).await;
        let batches = (0..batches_each)
            .map(|b| {
                (0..BATCH)
                    .map(|i| submission(&form, b * BATCH + i, Some(households[i % 20].uuid), None))
                    .collect()
            })
            .collect();
        out.push(Device { token, batches });
    }
    out
}

/// Pushes every device's batches (devices concurrently, each one batch after another);
/// returns records per second and checks every record got `expected`.
async fn ingest(server: &TestServer, devices: &[Device], expected: RecordStatus) -> f64 {
    let total: usize = devices
        .iter()
        .map(|d| d.batches.iter().map(Vec::len).sum::<usize>())
        .sum();
    let started = Instant::now();
    let tasks = devices.iter().map(|device| async move {
        let client = reqwest::Client::new();
        for batch in &device.batches {
            let (status, body) = server
                .push_raw_with(&client, &device.token, batch, true)
                .await;
            assert!(status.is_success(), "{body}");
            let response: branchbook_core::protocol::PushResponse =
                serde_json::from_value(body).unwrap();
            assert!(
                response.results.iter().all(|r| r.status == expected),
                "{:?}",
                response.results.first()
            );
        }
    });
    futures_util::future::join_all(tasks).await;
    total as f64 / started.elapsed().as_secs_f64()
}

async fn photos(server: &TestServer, admin: &str) -> (f64, f64) {
    let admin = admin.to_owned();
    let province = server
        .create_area(&admin, None, "province", "Yên Bái")
        .await;
    let commune = server
        .create_area(&admin, Some(province), "commune", "Xã Mù")
        .await;
    let branch = server
        .create_area(&admin, Some(commune), "branch", "Chi hội")
        .await;
    let (head, _) = server
        .create_account(&admin, "photohead", "branch_head", Some(branch))
        .await;
    let token = server.enrolled_device(&admin, head).await.token;
    let size = 16 * 1024 * 1024;
    let photos: Vec<Vec<u8>> = (0..4).map(|i| photo_bytes(1000 + i, size)).collect();
    let started = Instant::now();
    for bytes in &photos {
        assert!(
            server
                .upload_photo(&token, bytes, 1024 * 1024)
                .await
                .complete
        );
    }
    let upload = (photos.len() * size) as f64 / 1e6 / started.elapsed().as_secs_f64();
    let dir = tempfile::tempdir().unwrap();
    for (i, bytes) in photos.iter().enumerate() {
        std::fs::write(dir.path().join(format!("source{i}")), bytes).unwrap();
    }
    // The copy: read each source (in the page cache, as the upload's bytes are in the
    // client's memory), write it and sync it, as the server writes and syncs a photo.
    let started = Instant::now();
    for i in 0..photos.len() {
        let source = dir.path().join(format!("source{i}"));
        std::fs::copy(&source, dir.path().join(format!("copy{i}"))).unwrap();
        std::fs::File::open(dir.path().join(format!("copy{i}")))
            .unwrap()
            .sync_all()
            .unwrap();
    }
    let copy = (photos.len() * size) as f64 / 1e6 / started.elapsed().as_secs_f64();
    (upload, copy)
}

async fn run(backend: Backend) {
    let name = format!("{backend:?}");
    let Some(server) = TestServer::start(backend, |c| c.max_photo_bytes = 32 * 1024 * 1024).await
    else {
        println!("{name}: skipped ({PG_URL_VAR} not set)");
        return;
    };
    let admin = server.admin().await;
    server.publish_form(&admin, household_form().upload).await;
    let one = devices(&server, &admin, "single", SINGLE_DEVICE_BATCHES, 1).await;
    let rate = ingest(&server, &one, RecordStatus::Accepted).await;
    println!(
        "{name}: 1 device, {} batches of {BATCH}: {rate:.0} records/s",
        SINGLE_DEVICE_BATCHES
    );
    let many = devices(&server, &admin, "many", BATCHES_PER_DEVICE, DEVICES).await;
    let rate = ingest(&server, &many, RecordStatus::Accepted).await;
    println!(
        "{name}: {DEVICES} concurrent devices, {BATCHES_PER_DEVICE} batches of {BATCH} each: {rate:.0} records/s"
    );
    let rate = ingest(&server, &many, RecordStatus::Duplicate).await;
    println!(
        "{name}: {DEVICES} devices re-sending everything (all duplicates): {rate:.0} records/s"
    );
    let (upload, copy) = photos(&server, &admin).await;
    println!(
        "{name}: photo upload on loopback (4 x 16 MiB, 1 MiB chunks, hash checked): {upload:.0} MB/s; plain file copy: {copy:.0} MB/s"
    );
}

fn main() {
    bench::on_runtime(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
