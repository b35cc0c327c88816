//! End to end: a phone made from the core enrolls with a real server (QR payload),
//! pulls the form and roster, fills 300 household visits, 10 gatherings with 40
//! attendees each and 50 photos, syncs, and the server holds exactly that; on SQLite
//! and on PostgreSQL.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::sync::{CancelHandle, SyncPhase};
use branchbook_e2e::device::{Device, Fill, test_network, video_form_json, write_video};
use branchbook_e2e::scene::{Recorder, Scene};
use branchbook_testing::Backend;

fn full_sync(backend: Backend) {
    let Some(scene) = Scene::new(backend, |_| {}, 30).unwrap() else {
        return;
    };
    // Enroll from the QR payload, as the phone's camera reads it.
    let qr = scene.server.enrollment(&scene.setup).unwrap();
    let enrolled = scene
        .device
        .client
        .enroll_with_qr(
            serde_json::to_string(&qr).unwrap(),
            "Samsung A05".into(),
            CancelHandle::new(),
        )
        .unwrap();
    assert_eq!(enrolled.branch_name, "Chi hội Bản Dền");
    assert_eq!(enrolled.account, "mai.lo");
    assert!(scene.device.client.is_enrolled().unwrap());

    // First pass: the form and the roster come down.
    let first = scene.device.pass().unwrap();
    assert_eq!(first.forms_received, 1);
    assert_eq!(first.members_received, 30);
    assert_eq!(scene.device.store().forms().unwrap().len(), 1);

    let fill = Fill {
        households: 60,
        submissions: 300,
        gatherings: 10,
        attendees: 40,
        photos: 50,
        photo_side: 640,
        seed: 1,
    };
    let filled = scene.device.fill(&fill, scene.dir.path()).unwrap();
    assert_eq!(filled.photos.len(), 50);
    let queued = scene.device.store().outbox_len().unwrap();
    assert!(queued >= 370, "{queued} records queued");

    let recorder = Recorder::default();
    let report = scene
        .device
        .client
        .run(&recorder, &CancelHandle::default())
        .unwrap();
    assert_eq!(report.records_stored, queued);
    assert_eq!(report.records_refused, 0);
    assert_eq!(report.photos_stored, 50);
    assert_eq!(
        report.photo_bytes_sent, filled.photo_bytes,
        "each photo byte sent once on a clean network"
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    assert!(scene.device.store().rejections().unwrap().is_empty());
    assert!(scene.device.store().pending_photos().unwrap().is_empty());

    scene.verify(&filled).unwrap();
    // One gathering in full: its 40 attendees arrived with it.
    let detail = scene
        .server
        .record(&scene.setup, filled.gatherings[0])
        .unwrap();
    let attendees = detail["record"]["body"]["attendees"]
        .as_array()
        .map(Vec::len);
    assert_eq!(attendees, Some(40), "{detail}");

    // What the UI was told: the phases in order, counts that add up, done last.
    let seen = recorder.seen.lock().unwrap();
    let phases: Vec<SyncPhase> = seen.iter().map(|p| p.phase).collect();
    let order = [
        SyncPhase::PullingForms,
        SyncPhase::PullingChanges,
        SyncPhase::PushingRecords,
        SyncPhase::PushingPhotos,
        SyncPhase::Done,
    ];
    let mut rank = phases
        .iter()
        .map(|p| order.iter().position(|o| o == p).unwrap());
    let mut last = 0;
    assert!(
        rank.all(|r| {
            let ok = r >= last;
            last = r;
            ok
        }),
        "phases out of order: {phases:?}"
    );
    assert_eq!(phases.last(), Some(&SyncPhase::Done));
    let records: Vec<_> = seen
        .iter()
        .filter(|p| p.phase == SyncPhase::PushingRecords)
        .collect();
    assert!(
        records
            .windows(2)
            .all(|w| w[0].items_done <= w[1].items_done)
    );
    assert_eq!(
        records.last().map(|p| (p.items_done, p.items_total)),
        Some((queued, queued))
    );
    let photos: Vec<_> = seen
        .iter()
        .filter(|p| p.phase == SyncPhase::PushingPhotos)
        .collect();
    assert!(
        photos
            .iter()
            .all(|p| p.bytes_total == filled.photo_bytes && p.bytes_done <= p.bytes_total)
    );
    assert_eq!(
        photos.last().map(|p| (p.items_done, p.bytes_done)),
        Some((50, filled.photo_bytes))
    );
    assert!(photos.iter().any(|p| {
        p.current_item
            .as_deref()
            .is_some_and(|i| i.starts_with("photo "))
    }));
    drop(seen);

    // A second pass has nothing left to send.
    let again = scene.device.pass().unwrap();
    assert_eq!(
        (
            again.records_stored,
            again.photos_stored,
            again.forms_received
        ),
        (0, 0, 0)
    );
    scene.verify(&filled).unwrap();
}

#[test]
fn a_phone_syncs_everything_it_made_to_a_server_on_sqlite() {
    full_sync(Backend::Sqlite);
}

#[test]
fn a_phone_syncs_everything_it_made_to_a_server_on_postgres() {
    full_sync(Backend::Postgres);
}

/// A phone with an encrypted store (its files sealed), enrolled in the scene's branch,
/// after its first pass (the forms are on it).
fn sealed_phone(scene: &Scene) -> Device {
    let (timeouts, retry) = test_network();
    let phone = Device::open_with(
        &scene.dir.path().join("sealed.db"),
        Some(&[7u8; 32]),
        timeouts,
        retry,
    )
    .unwrap();
    phone
        .enroll(
            &scene.server.url(),
            &scene.server.enrollment(&scene.setup).unwrap(),
        )
        .unwrap();
    phone.pass().unwrap();
    phone
}

#[test]
fn an_encrypted_phone_sends_its_sealed_photos_whole() {
    let Some(scene) = Scene::new(Backend::Sqlite, |_| {}, 4).unwrap() else {
        return;
    };
    let phone = sealed_phone(&scene);
    let fill = Fill {
        households: 3,
        submissions: 6,
        gatherings: 2,
        attendees: 5,
        photos: 6,
        photo_side: 500,
        seed: 9,
    };
    let filled = phone.fill(&fill, scene.dir.path()).unwrap();
    let report = phone.pass().unwrap();
    assert_eq!(report.photos_stored, 6);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    scene.verify(&filled).unwrap();
}

#[test]
fn a_video_recorded_on_an_encrypted_phone_arrives_whole() {
    let Some(scene) = Scene::new(Backend::Sqlite, |_| {}, 2).unwrap() else {
        return;
    };
    scene
        .server
        .publish_form(&scene.setup, &video_form_json())
        .unwrap();
    let phone = sealed_phone(&scene);
    // 3 MB: many of the phone's sealed segments, and more than one upload chunk.
    let video = scene.dir.path().join("clip.mp4");
    write_video(&video, 3_000_000, 5).unwrap();
    let bytes = std::fs::read(&video).unwrap();
    let stored = phone.record_video(&video).unwrap();
    let report = phone.pass().unwrap();
    assert_eq!(
        (
            report.records_refused,
            report.photos_stored,
            report.photo_bytes_sent
        ),
        (0, 1, 3_000_000),
        "{report:?}"
    );
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    let held = scene.server.photo(&scene.setup, &stored.sha256).unwrap();
    assert!(held == bytes, "the video's {} bytes, whole", bytes.len());
}
