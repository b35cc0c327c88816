//! Sync through a fault-injecting proxy (dropped connections in both directions, resets,
//! stalls, 502 and 503), at random and at every request boundary: the pass eventually
//! completes, the server has each record exactly once, no photo is corrupt, and after a
//! cut no more than one chunk of photo bytes is sent again.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use branchbook_e2e::device::Fill;
use branchbook_e2e::proxy::{FaultProxy, Plan};
use branchbook_e2e::scene::Scene;
use branchbook_testing::Backend;

const CHUNK: u64 = 32 * 1024;

fn through_faults(plan: Plan, seed: u64) {
    let scene = Scene::new(
        Backend::Sqlite,
        |c| {
            c.photo_chunk_bytes = CHUNK;
            c.max_batch_records = 40;
        },
        12,
    )
    .unwrap()
    .unwrap();
    let proxy = FaultProxy::start(scene.server.addr, Plan::Clean).unwrap();
    scene.enroll_via(&proxy.url()).unwrap();
    scene.device.pass().unwrap();
    let fill = Fill {
        households: 20,
        submissions: 120,
        gatherings: 4,
        attendees: 15,
        photos: 12,
        photo_side: 900,
        seed,
    };
    let filled = scene.device.fill(&fill, scene.dir.path()).unwrap();
    assert!(
        filled.photo_bytes > 12 * CHUNK,
        "photos span several chunks"
    );

    let before = proxy.stats();
    proxy.set_plan(plan);
    let mut passes = 0;
    loop {
        passes += 1;
        match scene.device.pass() {
            Ok(_) => break,
            // Retries ran out on a bad stretch: the next pass continues.
            Err(e) if e.is_retryable() && passes < 10 => eprintln!("pass {passes} stopped: {e}"),
            Err(e) => panic!("pass {passes}: {e}"),
        }
    }
    proxy.set_plan(Plan::Clean);
    let stats = proxy.stats().since(&before);
    assert!(
        stats.faults >= 10,
        "the proxy injected only {} faults",
        stats.faults
    );

    scene.verify(&filled).unwrap();
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    assert!(scene.device.store().rejections().unwrap().is_empty());
    assert!(scene.device.store().pending_photos().unwrap().is_empty());

    let puts: Vec<_> = stats
        .log
        .iter()
        .filter(|r| r.method == "PUT" && r.path.starts_with("/api/v1/photos/"))
        .collect();
    let forwarded: u64 = puts.iter().map(|r| r.body_forwarded).sum();
    let cut_puts = puts.iter().filter(|r| r.fault.is_some()).count() as u64;
    let resent = forwarded.saturating_sub(filled.photo_bytes);
    assert!(forwarded >= filled.photo_bytes);
    assert!(
        resent <= cut_puts * CHUNK,
        "{resent} photo bytes sent again after {cut_puts} faulted chunk uploads (chunk {CHUNK})"
    );
    eprintln!(
        "{passes} es.pass().unwrap(), {} requests, {} faults, {cut_puts} faulted chunks, {resent} photo bytes resent",
        stats.requests, stats.faults
    );
}

#[test]
fn random_faults_seed_1() {
    through_faults(
        Plan::Random {
            seed: 1,
            rate: 0.15,
            max_stall: Duration::from_secs(3),
        },
        11,
    );
}

#[test]
fn random_faults_seed_2() {
    through_faults(
        Plan::Random {
            seed: 2,
            rate: 0.25,
            max_stall: Duration::from_secs(3),
        },
        12,
    );
}

#[test]
fn a_fault_at_every_request_boundary() {
    through_faults(Plan::EveryBoundary { clean_between: 2 }, 13);
}
