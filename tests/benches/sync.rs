//! Sync benchmark: one pass uploading 5,000 submissions (plus their households, 20
//! gatherings and the audit trail) and 200 photos of about 300 KB to a real server on
//! loopback, then the same phone data to a fresh server through a proxy that cuts 1% of
//! the connections. Prints the pass's time and peak memory (VmHWM of the child process
//! that runs it) and the bytes on the wire against the bytes of the records and photos.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use branchbook_core::sync::{CancelHandle, Unobserved};
use branchbook_e2e::device::{Device, Fill, household_form_json};
use branchbook_e2e::proxy::{FaultProxy, Plan, Stats};
use branchbook_testing::{Backend, BlockingServer};

const MB: f64 = 1024.0 * 1024.0;

/// Copies the phone's store (database, WAL and photo folder) to `to`.
fn copy_phone(from: &Path, to: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let source = PathBuf::from(format!("{}{suffix}", from.display()));
        if source.exists() {
            std::fs::copy(&source, format!("{}{suffix}", to.display())).unwrap();
        }
    }
    let photos_from = PathBuf::from(format!("{}.photos", from.display()));
    let photos_to = PathBuf::from(format!("{}.photos", to.display()));
    copy_dir(&photos_from, &photos_to);
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs one pass in a child process; returns its JSON report.
fn pass_in_child(store: &Path) -> serde_json::Value {
    let output = Command::new(env!("CARGO_BIN_EXE_sync_once"))
        .arg(store)
        .stderr(Stdio::null())
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("sync_once said: {line}"));
    assert_eq!(report["ok"], true, "{report}");
    report
}

fn body_bytes(stats: &Stats, method: &str, prefix: &str) -> u64 {
    stats
        .log
        .iter()
        .filter(|r| r.method == method && r.path.starts_with(prefix))
        .map(|r| r.body_forwarded)
        .sum()
}

fn print_run(
    name: &str,
    passes: &[serde_json::Value],
    wall_s: f64,
    stats: &Stats,
    json_bytes: u64,
    photo_bytes: u64,
) {
    let ms: u64 = passes
        .iter()
        .map(|p| p["elapsed_ms"].as_u64().unwrap_or(0))
        .sum();
    let hwm = passes
        .iter()
        .map(|p| p["vm_hwm_kib"].as_u64().unwrap_or(0))
        .max()
        .unwrap_or(0);
    let records_wire = body_bytes(stats, "POST", "/api/v1/records");
    let photos_wire = body_bytes(stats, "PUT", "/api/v1/photos/");
    println!("{name}:");
    println!(
        "  pass time {:.1} s in {} pass(es) (wall {wall_s:.1} s), peak memory of the syncing process {:.1} MB",
        ms as f64 / 1000.0,
        passes.len(),
        hwm as f64 / 1024.0
    );
    for (i, pass) in passes.iter().enumerate() {
        println!("  pass {} phases (ms): {}", i + 1, pass["phase_ms"]);
    }
    println!(
        "  requests {} on {} connections, {} cut",
        stats.requests, stats.connections, stats.faults
    );
    println!(
        "  records: {:.2} MB gzip on the wire for {:.2} MB of record JSON ({:.1}x smaller)",
        records_wire as f64 / MB,
        json_bytes as f64 / MB,
        json_bytes as f64 / records_wire.max(1) as f64
    );
    println!(
        "  photos: {:.2} MB on the wire for {:.2} MB of photos ({} bytes sent again)",
        photos_wire as f64 / MB,
        photo_bytes as f64 / MB,
        photos_wire.saturating_sub(photo_bytes)
    );
    let phases = |name: &str| {
        passes
            .iter()
            .map(|p| p["phase_ms"][name].as_u64().unwrap_or(0))
            .sum::<u64>()
    };
    println!(
        "  throughput: {:.0} records/s, {:.1} MB/s of photos",
        passes
            .iter()
            .map(|p| p["records_stored"].as_u64().unwrap_or(0))
            .sum::<u64>() as f64
            * 1000.0
            / phases("PushingRecords").max(1) as f64,
        photo_bytes as f64 / MB * 1000.0 / phases("PushingPhotos").max(1) as f64
    );
    println!(
        "  all bytes up {:.2} MB, down {:.2} MB; up / (records JSON + photos) = {:.3}",
        stats.bytes_up as f64 / MB,
        stats.bytes_down as f64 / MB,
        stats.bytes_up as f64 / (json_bytes + photo_bytes) as f64
    );
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let form = household_form_json();
    let server = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup = server.branch(&form).unwrap();
    let phone_a = dir.path().join("phone-a.db");
    let fill = Fill {
        households: 500,
        submissions: 5000,
        gatherings: 20,
        attendees: 30,
        photos: 200,
        photo_side: 800,
        seed: 2026,
    };
    let filled = {
        let device = Device::open(&phone_a).unwrap();
        let proxy_url = server.url();
        device
            .enroll(&proxy_url, &server.enrollment(&setup).unwrap())
            .unwrap();
        device
            .client
            .run(&Unobserved, &CancelHandle::default())
            .unwrap();
        let started = Instant::now();
        let filled = device.fill(&fill, dir.path()).unwrap();
        eprintln!(
            "filled the phone in {:.1} s",
            started.elapsed().as_secs_f64()
        );
        filled
    };
    // What the records weigh as JSON (the bench process reads them all; the measured
    // pass runs in its own process).
    let (json_bytes, records) = {
        let device = Device::open(&phone_a).unwrap();
        let all = device.store().outbox(u32::MAX).unwrap();
        (all.iter().map(|i| i.bytes).sum::<u64>(), all.len() as u64)
    };
    let phone_b = dir.path().join("phone-b.db");
    copy_phone(&phone_a, &phone_b);
    println!(
        "sync bench: {records} records ({} submissions, {} households, {} gatherings of {} attendees, audit entries), {:.2} MB of JSON; {} photos, {:.2} MB (avg {:.0} KB)",
        fill.submissions,
        fill.households,
        fill.gatherings,
        fill.attendees,
        json_bytes as f64 / MB,
        filled.photos.len(),
        filled.photo_bytes as f64 / MB,
        filled.photo_bytes as f64 / filled.photos.len() as f64 / 1024.0
    );

    // 1. Loopback, through a proxy that only counts.
    let counter = FaultProxy::start(server.addr, Plan::Clean).unwrap();
    {
        let device = Device::open(&phone_a).unwrap();
        device
            .enroll(&counter.url(), &server.enrollment(&setup).unwrap())
            .unwrap();
    }
    let before = counter.stats();
    let started = Instant::now();
    let report = pass_in_child(&phone_a);
    let wall = started.elapsed().as_secs_f64();
    let stats = counter.stats().since(&before);
    assert_eq!(report["records_stored"].as_u64(), Some(records));
    print_run(
        "loopback (no faults)",
        &[report],
        wall,
        &stats,
        json_bytes,
        filled.photo_bytes,
    );

    // 2. The same phone data to a fresh server, 1% of connections cut.
    let server_b = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup_b = server_b.branch(&form).unwrap();
    let cutter = FaultProxy::start(server_b.addr, Plan::Clean).unwrap();
    {
        let device = Device::open(&phone_b).unwrap();
        device
            .enroll(&cutter.url(), &server_b.enrollment(&setup_b).unwrap())
            .unwrap();
    }
    let base = cutter.stats();
    cutter.set_plan(Plan::RandomCuts {
        seed: 1,
        rate: 0.01,
    });
    let started = Instant::now();
    let mut passes = Vec::new();
    let mut stored = 0;
    while stored < records && passes.len() < 5 {
        let report = pass_in_child(&phone_b);
        stored += report["records_stored"].as_u64().unwrap_or(0);
        passes.push(report);
    }
    let wall = started.elapsed().as_secs_f64();
    let stats = cutter.stats().since(&base);
    assert_eq!(stored, records);
    print_run(
        "through a proxy cutting 1% of connections",
        &passes,
        wall,
        &stats,
        json_bytes,
        filled.photo_bytes,
    );
}
