//! A sync pass killed (SIGKILL of the process running it) at random points, again and
//! again, then run to the end: the server holds each record exactly once, every photo
//! whole, and the phone has nothing left to send. After three kills while records were
//! left, the next round aims its kill at the photo phase (announced by the child), so a
//! kill lands there however slow the machine is.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{BufRead, BufReader};
use std::process::{ChildStderr, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::Duration;

use branchbook_e2e::device::Fill;
use branchbook_e2e::scene::Scene;
use branchbook_testing::Backend;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

#[test]
fn a_pass_killed_at_random_points_then_restarted_sends_everything_once() {
    let scene = Scene::new(
        Backend::Sqlite,
        |c| {
            c.photo_chunk_bytes = 16 * 1024;
            c.max_batch_records = 10;
        },
        10,
    )
    .unwrap()
    .unwrap();
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    let fill = Fill {
        households: 30,
        submissions: 400,
        gatherings: 5,
        attendees: 12,
        photos: 20,
        photo_side: 900,
        seed: 7,
    };
    let filled = scene.device.fill(&fill, scene.dir.path()).unwrap();
    let queued = scene.device.store().outbox_len().unwrap();

    let mut rng = StdRng::seed_from_u64(99);
    let mut killed_mid_pass = 0;
    let mut outbox_seen = vec![queued];
    let mut killed_in = [0u32; 2]; // [records left, only photos left]
    // Kills land within this window; it widens after a round that got nowhere (a slow
    // machine may need longer just to start the child).
    let mut window = 400u64;
    let mut photos_seen = usize::MAX;
    for round in 0..40 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_sync_once"))
            .arg(&scene.device.path)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let phases = announced_phases(child.stderr.take().unwrap());
        if killed_in[0] >= 3 && killed_in[1] == 0 {
            // Wait for the photos to start going (the pass may end first: then no kill).
            let photos = phases
                .iter()
                .find(|line| line.as_str() == "phase PushingPhotos");
            if photos.is_some() {
                std::thread::sleep(Duration::from_millis(rng.random_range(5..200)));
            }
        } else {
            std::thread::sleep(Duration::from_millis(rng.random_range(10..window)));
        }
        let finished = child.try_wait().unwrap();
        if finished.is_none() {
            child.kill().unwrap();
            killed_mid_pass += 1;
        }
        let output = child.wait_with_output().unwrap();
        let status = output.status;
        let left = scene.device.store().outbox_len().unwrap();
        let photos_left = scene.device.store().pending_photos().unwrap().len();
        if finished.is_none() {
            killed_in[usize::from(left == 0)] += 1;
        }
        eprintln!(
            "round {round}: {}, {left} records and {photos_left} photos left {}",
            if finished.is_some() {
                format!("finished {status}")
            } else {
                "killed".into()
            },
            String::from_utf8_lossy(&output.stdout).trim()
        );
        assert!(
            left <= *outbox_seen.last().unwrap(),
            "the outbox never grows back"
        );
        if left == *outbox_seen.last().unwrap() && photos_left == photos_seen {
            window = window * 3 / 2;
        }
        outbox_seen.push(left);
        photos_seen = photos_left;
        if finished.is_some() {
            break;
        }
    }
    assert!(
        killed_mid_pass >= 3,
        "only {killed_mid_pass} kills landed mid-pass"
    );
    assert!(
        killed_in[0] >= 1 && killed_in[1] >= 1,
        "kills while records were left and while only photos were: {killed_in:?}"
    );

    let report = scene.device.pass().unwrap();
    assert_eq!(report.records_refused, 0);
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    assert!(scene.device.store().pending_photos().unwrap().is_empty());
    assert!(scene.device.store().rejections().unwrap().is_empty());
    scene.verify(&filled).unwrap();
}

/// The child's stderr lines as they come, read on a thread (so the child never blocks on
/// a full pipe); the channel closes when the child exits.
fn announced_phases(stderr: ChildStderr) -> Receiver<String> {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    rx
}
