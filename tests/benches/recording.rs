//! Recording benchmark: the memory a big file costs on each side of an upload. A phone
//! with an encrypted store (its files sealed in 64 KiB segments) holding one 20 MB video
//! runs a sync pass in a child process against a real server on loopback that runs in
//! this process. Prints the phone's peak memory (VmHWM of the child) beside the same
//! pass with a 20 KB video, and how much this process's peak memory (the server's)
//! grows during each pass. A phone that decrypted a file whole, or a server that held a
//! whole upload, would show about 20 MB more for the big file. Each pass runs
//! `RECORDING_ROUNDS` times (5 by default): medians with the smallest and largest value.
//!
//! Run: `cargo bench -p branchbook-e2e --bench recording`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::Command;

use branchbook_core::sync::{CancelHandle, Unobserved};
use branchbook_e2e::device::{Device, test_network, video_form_json, write_video};
use branchbook_testing::{Backend, BlockingServer, BranchSetup};

/// The phone's store key (any 32 bytes: the store is encrypted and its files sealed).
const KEY: [u8; 32] = [7; 32];

/// A line of this process's `/proc/self/status` in MB (`VmHWM`: peak, `VmRSS`: now).
fn memory_mb(key: &str) -> f64 {
    branchbook_testing::memory::own_status_mb(key).expect("/proc/self/status (Linux)")
}

/// A fresh phone enrolled with the branch, with the video form and one finalized
/// submission holding a `size`-byte video; its store's path.
fn phone(dir: &Path, server: &BlockingServer, setup: &BranchSetup, size: usize, n: u64) -> PathBuf {
    let path = dir.join(format!("phone-{n}.db"));
    let (timeouts, retry) = test_network();
    let device = Device::open_with(&path, Some(&KEY), timeouts, retry).unwrap();
    device
        .enroll(&server.url(), &server.enrollment(setup).unwrap())
        .unwrap();
    device
        .client
        .run(&Unobserved, &CancelHandle::default())
        .unwrap();
    let video = dir.join(format!("video-{n}.mp4"));
    write_video(&video, size, n).unwrap();
    let stored = device.record_video(&video).unwrap();
    assert_eq!(stored.bytes, size as u64);
    std::fs::remove_file(video).unwrap();
    path
}

/// One sync pass of the phone at `store` in a child process: its report (JSON), and
/// how much this process's (the server's) peak memory grew meanwhile, in MB.
fn pass(store: &Path) -> (serde_json::Value, f64) {
    let before = memory_mb("VmRSS");
    // Writing 5 resets the peak to the current resident memory (Linux 4.0+).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_sync_once"))
        .arg(store)
        .arg(hex::encode(KEY))
        .output()
        .unwrap();
    let server_growth = memory_mb("VmHWM") - before;
    let line = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value =
        serde_json::from_str(line.trim()).unwrap_or_else(|_| panic!("sync_once said: {line}"));
    assert_eq!(report["ok"], true, "{report}");
    assert_eq!(report["photos_stored"], 1, "{report}");
    (report, server_growth)
}

/// `median (min-max)` of `values`.
fn shown(mut values: Vec<f64>) -> String {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let median = (values[(n - 1) / 2] + values[n / 2]) / 2.0;
    format!("{median:.1} ({:.1}-{:.1})", values[0], values[n - 1])
}

fn main() {
    let rounds: usize = std::env::var("RECORDING_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let dir = tempfile::tempdir().unwrap();
    let server = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup = server.branch(&video_form_json()).unwrap();
    let sizes = [("20 MB", 20_000_000), ("20 KB", 20_000)];
    let mut results = vec![(Vec::new(), Vec::new(), Vec::new()); sizes.len()];
    let mut n = 0;
    for _ in 0..rounds {
        for ((_, size), (phones, servers, seconds)) in sizes.iter().zip(&mut results) {
            n += 1;
            let store = phone(dir.path(), &server, &setup, *size, n);
            let (report, server_growth) = pass(&store);
            assert_eq!(report["photo_bytes_sent"], *size, "{report}");
            phones.push(report["vm_hwm_kib"].as_f64().unwrap() / 1024.0);
            servers.push(server_growth);
            seconds.push(report["elapsed_ms"].as_f64().unwrap() / 1000.0);
        }
    }
    println!("recording bench: one sealed video per phone, median (min-max) of {rounds} passes");
    for ((what, _), (phones, servers, seconds)) in sizes.iter().zip(results) {
        println!(
            "  a {what} video: phone's peak memory {} MB; server's peak grew {} MB; pass {} s",
            shown(phones),
            shown(servers),
            shown(seconds)
        );
    }
}
