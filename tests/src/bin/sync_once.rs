//! Runs one sync pass for the phone whose store file is given, then prints one JSON line
//! with the report, the time it took and the process's peak memory (VmHWM). Each phase
//! is announced on stderr as it starts (`phase PushingPhotos`), so the kill test can aim
//! its kills at a phase; the benchmark measures it.
//!
//! Usage: `sync_once STORE_PATH` (the server address is the one the phone enrolled with).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use std::sync::Mutex;

use branchbook_core::sync::{CancelHandle, SyncObserver, SyncPhase, SyncProgress};
use branchbook_e2e::device::Device;

/// Peak resident memory of this process in KiB, from /proc/self/status.
fn vm_hwm_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|n| n.parse().ok())
        })
        .unwrap_or(0)
}

/// Notes when each phase starts, to say where the time went.
struct PhaseClock {
    started: Instant,
    marks: Mutex<Vec<(SyncPhase, u128)>>,
}

impl SyncObserver for PhaseClock {
    fn on_progress(&self, progress: SyncProgress) {
        if let Ok(mut marks) = self.marks.lock()
            && marks
                .last()
                .is_none_or(|(phase, _)| *phase != progress.phase)
        {
            marks.push((progress.phase, self.started.elapsed().as_millis()));
            eprintln!("phase {:?}", progress.phase);
        }
    }
}

impl PhaseClock {
    /// Milliseconds spent in each phase, as JSON.
    fn durations(&self) -> serde_json::Value {
        let marks = self.marks.lock().map(|m| m.clone()).unwrap_or_default();
        let mut out = serde_json::Map::new();
        for pair in marks.windows(2) {
            out.insert(
                format!("{:?}", pair[0].0),
                serde_json::json!(pair[1].1 - pair[0].1),
            );
        }
        serde_json::Value::Object(out)
    }
}

fn main() -> ExitCode {
    let Some(path) = std::env::args_os().nth(1).map(PathBuf::from) else {
        eprintln!("usage: sync_once STORE_PATH");
        return ExitCode::from(2);
    };
    let device = match Device::open(&path) {
        Ok(device) => device,
        Err(e) => {
            eprintln!("sync_once: {e}");
            return ExitCode::from(2);
        }
    };
    let started = Instant::now();
    let clock = PhaseClock {
        started,
        marks: Mutex::new(Vec::new()),
    };
    let result = device.client.run(&clock, &CancelHandle::default());
    let elapsed_ms = started.elapsed().as_millis();
    match result {
        Ok(report) => {
            println!(
                "{}",
                serde_json::json!({
                    "ok": true,
                    "elapsed_ms": elapsed_ms,
                    "vm_hwm_kib": vm_hwm_kib(),
                    "records_stored": report.records_stored,
                    "records_refused": report.records_refused,
                    "record_bytes_sent": report.record_bytes_sent,
                    "photos_stored": report.photos_stored,
                    "photo_bytes_sent": report.photo_bytes_sent,
                    "phase_ms": clock.durations(),
                })
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!(
                "{}",
                serde_json::json!({"ok": false, "error": e.to_string(), "elapsed_ms": elapsed_ms})
            );
            ExitCode::from(1)
        }
    }
}
