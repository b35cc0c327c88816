//! Ingest benchmark: a real server on loopback, records ingested per second from 1 and
//! from 50 concurrent devices (batches of 200 household-survey submissions, gzip, as the
//! phone sends them) on SQLite and PostgreSQL, the re-send rate (all duplicates), and
//! photo upload in the chunks the server advises phones (4 MiB,
//! `DEFAULT_PHOTO_CHUNK_BYTES`): the throughput and CPU cost of a 20 MB photo and of a
//! 100 MB file against a plain file copy of the same bytes, against writing them from
//! memory into a new file, and against the floor of any upload with a hash check (the
//! bytes through a loopback socket, written, hashed and synced by threads in a pipeline,
//! no HTTP), all made in the same round (in % of each), how much the process's peak
//! memory (`VmHWM`) grows while a 20 MB photo is uploaded (the server and its test client
//! share this process), and how many bytes go twice when the connection is cut halfway
//! through a 20 MB photo and the upload resumes from what the server holds. Each photo
//! measure runs `INGEST_PHOTO_ROUNDS` times (5 by default) and prints the median and the
//! smallest and largest value; `INGEST_PHOTO_CHUNK_KIB` sets another chunk size;
//! `INGEST_PHOTOS_ONLY` skips the records. The last numbers, and why their percentages
//! swing on a busy machine, are in the README.
//!
//! One command prints all of it, on SQLite and on PostgreSQL with durable commits
//! (fsync on, as in production):
//!
//!     BRANCHBOOK_TEST_PG_FSYNC=on bash -c 'source tests/postgres.sh && cargo bench -p branchbook-server --bench ingest'
//!
//! Without `BRANCHBOOK_TEST_PG_URL` (set by `tests/postgres.sh`) PostgreSQL is skipped.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[path = "common/mod.rs"]
mod bench;
#[path = "../tests/common/mod.rs"]
mod common;

use std::time::{Duration, Instant};

use bytes::Bytes;
use tokio::io::AsyncWriteExt;

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
        .create_area(admin, None, "province", &format!("Lai Châu ({name})"))
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

/// The chunk a phone sends: the server's default `photo_chunk_bytes`, or
/// `INGEST_PHOTO_CHUNK_KIB` KiB.
fn chunk() -> usize {
    let default = branchbook_server::config::DEFAULT_PHOTO_CHUNK_BYTES / 1024;
    bench::size("INGEST_PHOTO_CHUNK_KIB", default as usize) * 1024
}
/// What is uploaded: a big camera photo, and a file the size of a long video.
const SIZES: [(&str, usize); 2] = [("20 MB photo", 20_000_000), ("100 MB file", 100_000_000)];
/// The size whose peak memory and resume are measured.
const PHOTO: usize = 20_000_000;

/// The median and the smallest and largest of `values`.
fn spread(mut values: Vec<f64>) -> (f64, f64, f64) {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    (median, values[0], values[n - 1])
}

/// `median (min-max)` of `values`, with `digits` decimals.
fn shown(values: Vec<f64>, digits: usize) -> String {
    let (median, min, max) = spread(values);
    format!("{median:.digits$} ({min:.digits$}-{max:.digits$})")
}

/// A branch with an enrolled phone, for the photo measures; its device token.
async fn photo_device(server: &TestServer, admin: &str) -> String {
    let province = server.create_area(admin, None, "province", "Yên Bái").await;
    let commune = server
        .create_area(admin, Some(province), "commune", "Xã Mù")
        .await;
    let branch = server
        .create_area(admin, Some(commune), "branch", "Chi hội")
        .await;
    let (head, _) = server
        .create_account(admin, "photohead", "branch_head", Some(branch))
        .await;
    server.enrolled_device(admin, head).await.token
}

/// What one timed step cost: MB/s, and CPU milliseconds per MB (all of this process's
/// threads: the server, and for an upload also its test client).
#[derive(Clone, Copy)]
struct Step {
    mb_per_s: f64,
    cpu_ms_per_mb: f64,
}

/// Runs `step` on `bytes.len()` bytes, timed in wall and CPU time.
async fn timed<F: std::future::Future<Output = ()>>(
    bytes: &[u8],
    step: impl FnOnce() -> F,
) -> Step {
    let cpu = cpu_seconds();
    let started = Instant::now();
    step().await;
    let (wall, cpu) = (started.elapsed().as_secs_f64(), cpu_seconds() - cpu);
    let mb = bytes.len() as f64 / 1e6;
    Step {
        mb_per_s: mb / wall,
        cpu_ms_per_mb: cpu * 1000.0 / mb,
    }
}

/// This process's CPU seconds so far.
fn cpu_seconds() -> f64 {
    branchbook_testing::cpu::own_cpu_seconds().expect("/proc/self/stat (Linux)")
}

/// Uploads a photo whose SHA-256 is `sha` in the advised chunks, to the end.
async fn upload_whole(server: &TestServer, device: &str, sha: &str, bytes: &Bytes) {
    let status = server.upload_named(device, sha, bytes, chunk()).await;
    assert!(
        status.complete,
        "the upload stopped at {} bytes",
        status.received
    );
}

/// One round: `bytes` uploaded in phone-sized chunks (hash checked, synced, renamed into
/// place; named by their SHA-256, which a phone computes when the photo is taken, so the
/// client's hash is not timed); the same bytes copied file to file and synced (the source
/// in the page cache: `std::fs::copy`, which the kernel may do without them passing
/// through the process); the same bytes written from memory into a new file and
/// synced (`write(2)`: what the server itself must do with bytes that arrive from a
/// socket); and the same bytes through the [`floor`]. The files are made in `dir` under
/// the round's number and kept there, as the server keeps its photos: a step whose files
/// were deleted before the next round would write into page cache memory just freed,
/// which the upload never can, and on a virtual machine memory the guest has not used for
/// a while costs a fault on the host at its first touch (writes into such memory ran at
/// 300-450 MB/s here, into freed memory at 1.5-5 GB/s).
async fn upload_and_copy(
    server: &TestServer,
    device: &str,
    bytes: &Bytes,
    dir: &std::path::Path,
    round: usize,
) -> [Step; 4] {
    let sha = branchbook_server::ingest::sha256_hex(bytes);
    let upload = timed(bytes, || upload_whole(server, device, &sha, bytes)).await;
    let (source, copy, written) = (
        dir.join(format!("source{round}")),
        dir.join(format!("copy{round}")),
        dir.join(format!("written{round}")),
    );
    std::fs::write(&source, bytes).unwrap();
    let copied = timed(bytes, || async {
        std::fs::copy(&source, &copy).unwrap();
        std::fs::File::open(&copy).unwrap().sync_all().unwrap();
    })
    .await;
    let wrote = timed(bytes, || async {
        std::fs::write(&written, bytes).unwrap();
        std::fs::File::open(&written).unwrap().sync_all().unwrap();
    })
    .await;
    let floored = timed(bytes, || async {
        let hash = floor(bytes, &dir.join(format!("floor{round}")));
        assert_eq!(hex::encode(hash), sha, "the floor's hash");
    })
    .await;
    [upload, copied, wrote, floored]
}

/// Bytes one stage of the floor pipeline handles at a time (of 256 KiB, 512 KiB, 1, 2
/// and 4 MiB, and of one thread receiving, hashing and writing in turn, the fastest
/// here; see the README).
const FLOOR_BUFFER: usize = 1024 * 1024;

/// The least any upload with a hash check must do with `bytes`, without HTTP or a
/// store: sent through a loopback socket by one thread, received by another, written to
/// `path` by a third and hashed by a fourth (each stage on its own buffer, the buffers
/// going round, so every stage runs at once), then synced. Returns the hash, which the
/// caller checks.
fn floor(bytes: &[u8], path: &std::path::Path) -> Vec<u8> {
    use sha2::Digest;
    use std::io::{Read, Write};
    use std::sync::mpsc::sync_channel;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = listener.local_addr().unwrap();
    let (free_tx, free) = sync_channel::<Vec<u8>>(4);
    let (received_tx, received) = sync_channel::<Vec<u8>>(4);
    let (written_tx, written) = sync_channel::<Vec<u8>>(4);
    for _ in 0..4 {
        free_tx.send(vec![0; FLOOR_BUFFER]).unwrap();
    }
    std::thread::scope(|scope| {
        // Named, so that a profile tells the stages apart.
        let stage = |name: &str| std::thread::Builder::new().name(format!("floor-{name}"));
        let spawned = stage("send").spawn_scoped(scope, || {
            let mut socket = std::net::TcpStream::connect(address).unwrap();
            for part in bytes.chunks(FLOOR_BUFFER) {
                socket.write_all(part).unwrap();
            }
        });
        spawned.unwrap();
        let spawned = stage("receive").spawn_scoped(scope, move || {
            let (mut socket, _) = listener.accept().unwrap();
            for mut buffer in free.iter() {
                buffer.resize(FLOOR_BUFFER, 0);
                let mut filled = 0;
                while filled < FLOOR_BUFFER {
                    match socket.read(&mut buffer[filled..]).unwrap() {
                        0 => break,
                        n => filled += n,
                    }
                }
                buffer.truncate(filled);
                if filled == 0 || received_tx.send(buffer).is_err() {
                    return;
                }
            }
        });
        spawned.unwrap();
        let spawned = stage("write").spawn_scoped(scope, move || {
            let mut file = std::fs::File::create(path).unwrap();
            for buffer in received.iter() {
                file.write_all(&buffer).unwrap();
                if written_tx.send(buffer).is_err() {
                    break;
                }
            }
            file.sync_all().unwrap();
        });
        spawned.unwrap();
        let hashed = stage("hash").spawn_scoped(scope, move || {
            let mut hash = sha2::Sha256::new();
            for buffer in written.iter() {
                hash.update(&buffer);
                // The receiver stops at the end: a buffer it will not take is dropped.
                let _ = free_tx.send(buffer);
            }
            hash.finalize().to_vec()
        });
        hashed.unwrap().join().unwrap()
    })
}

/// A line of this process's `/proc/self/status` in MB (`VmHWM`: peak, `VmRSS`: now).
fn memory_mb(key: &str) -> f64 {
    branchbook_testing::memory::own_status_mb(key).expect("/proc/self/status (Linux)")
}

/// How much this process's peak memory grows while a photo already in memory is
/// uploaded (the server and its test client share the process).
async fn peak_growth(server: &TestServer, device: &str, bytes: &Bytes) -> f64 {
    let sha = branchbook_server::ingest::sha256_hex(bytes);
    let before = memory_mb("VmRSS");
    // Writing 5 resets the peak to the current resident memory (Linux 4.0+).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    upload_whole(server, device, &sha, bytes).await;
    memory_mb("VmHWM") - before
}

/// Sends a chunk's request line, headers (the whole chunk's length) and the first `sent`
/// of its `body` bytes on a connection of its own, then drops it: a connection cut in
/// the middle of a chunk.
async fn cut_chunk(server: &TestServer, device: &str, path: &str, body: &[u8], sent: usize) {
    let host = server.base.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(host).await.unwrap();
    let head = format!(
        "PUT {path} HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {device}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    stream.write_all(&body[..sent]).await.unwrap();
    stream.flush().await.unwrap();
    drop(stream);
}

/// What the server holds of a photo once a cut chunk's bytes have been written (its
/// count stops moving).
async fn settled_received(server: &TestServer, device: &str, sha: &str) -> u64 {
    let mut last = u64::MAX;
    loop {
        tokio::time::sleep(Duration::from_millis(20)).await;
        let now = server.photo_status(device, sha).await.received;
        if now == last {
            return now;
        }
        last = now;
    }
}

/// Uploads `bytes` as a phone does, but cuts the connection when half of them are
/// sent (in the middle of a chunk), then resumes from what the server says it holds.
/// Returns what the server held after the cut and the bytes sent twice.
async fn cut_at_half(server: &TestServer, device: &str, bytes: &[u8]) -> (u64, u64) {
    let size = bytes.len();
    let sha = branchbook_server::ingest::sha256_hex(bytes);
    let mut sent = 0u64;
    let mut cut = false;
    let mut held_after_cut = 0;
    let mut received = server.photo_status(device, &sha).await.received as usize;
    while received < size {
        let end = (received + chunk()).min(size);
        if !cut && end > size / 2 {
            let path = format!("/api/v1/photos/{sha}?offset={received}&total={size}");
            let half = size / 2 - received;
            cut_chunk(server, device, &path, &bytes[received..end], half).await;
            sent += half as u64;
            cut = true;
            held_after_cut = settled_received(server, device, &sha).await;
            received = held_after_cut as usize;
            continue;
        }
        let (code, body) = server
            .put_chunk(
                device,
                &sha,
                received as u64,
                size as u64,
                bytes[received..end].to_vec(),
            )
            .await;
        assert!(code.is_success(), "{body}");
        sent += (end - received) as u64;
        received = server.photo_status(device, &sha).await.received as usize;
    }
    assert!(server.photo_status(device, &sha).await.complete);
    (held_after_cut, sent - size as u64)
}

/// Every photo measure, `rounds` times each, printed as medians with their spread.
async fn photos(server: &TestServer, admin: &str, name: &str, rounds: usize) {
    let device = photo_device(server, admin).await;
    let mut seed = 1000;
    let mut fresh = |size: usize| {
        seed += 1;
        Bytes::from(photo_bytes(seed, size))
    };
    for (what, size) in SIZES {
        let kept = tempfile::tempdir().unwrap();
        let steps: Vec<[Step; 4]> = {
            let mut all = Vec::new();
            for round in 0..rounds {
                let bytes = fresh(size);
                all.push(upload_and_copy(server, &device, &bytes, kept.path(), round).await);
            }
            all
        };
        let rate = |i: usize| shown(steps.iter().map(|r| r[i].mb_per_s).collect(), 0);
        let cpu = |i: usize| shown(steps.iter().map(|r| r[i].cpu_ms_per_mb).collect(), 2);
        // Step `a`'s rate in % of step `b`'s, round by round.
        let share = |a: usize, b: usize| {
            let of = steps.iter().map(|r| r[a].mb_per_s / r[b].mb_per_s * 100.0);
            shown(of.collect(), 0)
        };
        // The most the upload's CPU cost allows on this machine's cores.
        let cores = std::thread::available_parallelism().map_or(1, usize::from) as f64;
        let bound = steps.iter().map(|r| cores * 1000.0 / r[0].cpu_ms_per_mb);
        println!(
            "{name}: {what} on loopback, {} KiB chunks, hash checked, median (min-max) of {rounds}: upload {} MB/s, {} CPU-ms/MB for server and client (at most {} MB/s on {cores} cores); plain copy {} MB/s, {} CPU-ms/MB (upload = {}% of it); plain write from memory {} MB/s, {} CPU-ms/MB (upload = {}% of it); floor (socket, write, hash, sync; no HTTP) {} MB/s, {} CPU-ms/MB (upload = {}% of it; it = {}% of the copy), each of the same round",
            chunk() / 1024,
            rate(0),
            cpu(0),
            shown(bound.collect(), 0),
            rate(1),
            cpu(1),
            share(0, 1),
            rate(2),
            cpu(2),
            share(0, 2),
            rate(3),
            cpu(3),
            share(0, 3),
            share(3, 1),
        );
    }
    let mut growths = Vec::new();
    for _ in 0..rounds {
        let bytes = fresh(PHOTO);
        growths.push(peak_growth(server, &device, &bytes).await);
    }
    println!(
        "{name}: a {} MB photo in {} KiB chunks: peak memory of the server and its test client grew {} MB while it uploaded",
        PHOTO / 1_000_000,
        chunk() / 1024,
        shown(growths, 1)
    );
    let (mut held, mut twice) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let bytes = fresh(PHOTO);
        let (h, t) = cut_at_half(server, &device, &bytes).await;
        held.push(h as f64);
        twice.push(t as f64);
    }
    println!(
        "{name}: a {} MB photo whose connection is cut at {} bytes (mid-chunk), then resumed from what the server holds: it held {} bytes after the cut; bytes sent twice {}",
        PHOTO / 1_000_000,
        PHOTO / 2,
        shown(held, 0),
        shown(twice, 0)
    );
}

async fn run(backend: Backend) {
    let name = format!("{backend:?}");
    let Some(server) = TestServer::start(backend, |c| c.max_photo_bytes = 128 * 1024 * 1024).await
    else {
        println!("{name}: skipped ({PG_URL_VAR} not set)");
        return;
    };
    let admin = server.admin().await;
    let rounds = bench::size("INGEST_PHOTO_ROUNDS", 5);
    if std::env::var_os("INGEST_PHOTOS_ONLY").is_some() {
        photos(&server, &admin, &name, rounds).await;
        return;
    }
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
    photos(&server, &admin, &name, rounds).await;
}

fn main() {
    bench::on_runtime(async {
        run(Backend::Sqlite).await;
        run(Backend::Postgres).await;
    });
}
