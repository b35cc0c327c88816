//! The failures a branch head meets: her phone was revoked, the server rejects one of
//! her records, the server is down or its gateway answers 503. Each gives the right
//! error or per-record result; nothing is lost and nothing is marked sent that the
//! server did not acknowledge.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::time::Duration;

use branchbook_core::store::RecordState;
use branchbook_core::sync::{CancelHandle, RetryPolicy, SyncError, SyncStep};
use branchbook_e2e::device::{Device, FORM_ID, Fill, household_form_json, test_network};
use branchbook_e2e::proxy::{Fault, FaultProxy, Plan};
use branchbook_e2e::scene::Scene;
use branchbook_testing::{Backend, Body};
use serde_json::json;

fn small() -> Fill {
    Fill {
        households: 5,
        submissions: 20,
        gatherings: 2,
        attendees: 6,
        photos: 4,
        photo_side: 400,
        seed: 5,
    }
}

fn ready_scene() -> Scene {
    Scene::new(Backend::Sqlite, |c| c.max_batch_records = 20, 6)
        .unwrap()
        .unwrap()
}

#[test]
fn a_revoked_phone_is_told_so_and_keeps_everything() {
    let scene = ready_scene();
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    scene.device.fill(&small(), scene.dir.path()).unwrap();
    let queued = scene.device.store().outbox_len().unwrap();
    let device_id = scene
        .device
        .store()
        .sync_account()
        .unwrap()
        .unwrap()
        .device_id;

    scene
        .server
        .revoke(&scene.setup, &device_id.to_string())
        .unwrap();
    let error = scene.device.pass().unwrap_err();
    assert!(
        matches!(
            error,
            SyncError::Revoked {
                step: SyncStep::Manifest
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("revoked"));
    assert_eq!(
        scene.device.store().outbox_len().unwrap(),
        queued,
        "nothing marked sent"
    );
    assert_eq!(scene.device.store().pending_photos().unwrap().len(), 4);
    assert!(
        scene
            .server
            .list(&scene.setup, "submissions")
            .unwrap()
            .is_empty()
    );

    // Enrolled again with a new code, the same phone sends everything it kept.
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    assert_eq!(
        scene
            .server
            .list(&scene.setup, "submissions")
            .unwrap()
            .len(),
        20
    );
}

#[test]
fn a_rejected_record_is_kept_with_its_reason_blocks_nothing_and_can_be_sent_later() {
    let scene = ready_scene();
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    // A survey of a form the server has not published yet, made before the others.
    let store = scene.device.store();
    let unpublished = household_form_json().replace(FORM_ID, "water_survey");
    store.add_form(&unpublished, None).unwrap();
    let (early, _) = scene
        .device
        .survey("water_survey", None, 0, 3, None)
        .unwrap();
    let filled = scene.device.fill(&small(), scene.dir.path()).unwrap();

    let report = scene.device.pass().unwrap();
    assert_eq!(report.records_refused, 1);
    let issues = scene.device.store().rejections().unwrap();
    assert_eq!(issues.len(), 1);
    assert_eq!(
        (issues[0].uuid, issues[0].kind.as_str()),
        (early, "submission")
    );
    assert!(!issues[0].reason.is_empty());
    assert_eq!(
        scene.device.store().submission(early).unwrap().state,
        RecordState::Finalized,
        "not marked sent"
    );
    // Everything after it went through.
    scene.verify(&filled).unwrap();
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);

    // The next pass does not send it again on its own...
    let again = scene.device.pass().unwrap();
    assert_eq!((again.records_stored, again.records_refused), (0, 0));
    // ...and once the officer publishes the form, the branch head sends it again.
    let uploaded = scene
        .server
        .call(
            "POST",
            "/api/v1/office/forms",
            Some(&scene.setup.admin),
            Some(Body::Raw(unpublished.as_bytes())),
        )
        .unwrap();
    let publish = format!(
        "/api/v1/office/forms/water_survey/{}/publish",
        uploaded["version"].as_str().unwrap()
    );
    scene
        .server
        .call(
            "POST",
            &publish,
            Some(&scene.setup.admin),
            Some(Body::Json(&json!({}))),
        )
        .unwrap();
    store.requeue(early, 1).unwrap();
    let last = scene.device.pass().unwrap();
    assert_eq!((last.records_stored, last.records_refused), (1, 0));
    assert!(scene.device.store().rejections().unwrap().is_empty());
    assert_eq!(
        scene.device.store().submission(early).unwrap().state,
        RecordState::Sent
    );
    assert_eq!(
        scene
            .server
            .list(&scene.setup, "submissions")
            .unwrap()
            .len(),
        21
    );
}

#[test]
fn a_server_that_is_down_or_overloaded_fails_the_pass_and_loses_nothing() {
    let scene = ready_scene();
    let proxy = FaultProxy::start(scene.server.addr, Plan::Clean).unwrap();
    scene.enroll_via(&proxy.url()).unwrap();
    scene.device.pass().unwrap();
    let filled = scene.device.fill(&small(), scene.dir.path()).unwrap();
    let queued = scene.device.store().outbox_len().unwrap();

    // A second client on the same phone that gives up quickly.
    let (timeouts, _) = test_network();
    let quick = RetryPolicy {
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(50),
        max_attempts: 3,
        deadline: Duration::from_secs(10),
    };
    let impatient = Device::open_with(&scene.device.path, None, timeouts, quick).unwrap();

    proxy.set_plan(Plan::Always(Fault::Refuse));
    let error = impatient.pass().unwrap_err();
    assert!(
        matches!(
            error,
            SyncError::Unreachable {
                step: SyncStep::Manifest,
                ..
            }
        ),
        "{error:?}"
    );
    proxy.set_plan(Plan::Always(Fault::Status(503)));
    let error = impatient.pass().unwrap_err();
    assert!(
        matches!(error, SyncError::ServerFault { status: 503, .. }),
        "{error:?}"
    );
    assert_eq!(
        proxy
            .stats()
            .log
            .iter()
            .filter(|r| r.fault.is_some())
            .count(),
        6,
        "3 attempts each"
    );

    // Down in the middle of pushing: the first batch of 20 is stored and acknowledged,
    // the second is stored but its answer lost, then nothing answers.
    proxy.set_plan(Plan::Script(
        [
            None,
            None,
            None,
            Some(Fault::CutResponse {
                at: branchbook_e2e::proxy::Cut::Bytes(0),
                reset: true,
            }),
        ]
        .into_iter()
        .chain(std::iter::repeat_n(Some(Fault::Refuse), 10))
        .collect(),
    ));
    assert!(impatient.pass().is_err());
    let left = scene.device.store().outbox_len().unwrap();
    assert_eq!(
        left,
        queued - 20,
        "only the acknowledged batch is marked sent"
    );
    assert!(scene.device.store().rejections().unwrap().is_empty());

    proxy.set_plan(Plan::Clean);
    let report = scene.device.pass().unwrap();
    assert_eq!(
        report.records_stored, left,
        "the unheard batch comes back as duplicates, counted once"
    );
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    scene.verify(&filled).unwrap();
}

/// Cancels the pass from the "UI" as soon as some records went up.
struct CancelAfterFirstBatch(std::sync::Arc<CancelHandle>);

impl branchbook_core::sync::SyncObserver for CancelAfterFirstBatch {
    fn on_progress(&self, progress: branchbook_core::sync::SyncProgress) {
        if progress.phase == branchbook_core::sync::SyncPhase::PushingRecords
            && progress.items_done > 0
        {
            self.0.cancel();
        }
    }
}

#[test]
fn a_cancelled_pass_keeps_exactly_what_the_server_acknowledged() {
    let scene = ready_scene();
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    let filled = scene.device.fill(&small(), scene.dir.path()).unwrap();
    let queued = scene.device.store().outbox_len().unwrap();

    let cancel = CancelHandle::new();
    let error = scene
        .device
        .client
        .run(&CancelAfterFirstBatch(cancel.clone()), &cancel)
        .unwrap_err();
    assert!(matches!(error, SyncError::Cancelled), "{error:?}");
    assert_eq!(
        scene.device.store().outbox_len().unwrap(),
        queued - 20,
        "the one acknowledged batch"
    );
    let sent_here = scene.device.store().submission_counts(None).unwrap().sent;
    assert_eq!(
        scene
            .server
            .list(&scene.setup, "submissions")
            .unwrap()
            .len() as u64,
        sent_here
    );
    assert_eq!(
        scene.device.store().pending_photos().unwrap().len(),
        4,
        "no photo was started"
    );

    scene.device.pass().unwrap();
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    scene.verify(&filled).unwrap();
}

#[test]
fn a_form_the_phone_cannot_take_is_reported_and_blocks_nothing() {
    let scene = ready_scene();
    scene.enroll_via(&scene.server.url()).unwrap();
    // The phone already holds this id and version with other content (a published
    // version never changes, so the store refuses the server's copy).
    let other = household_form_json().replace("Thăm hộ gia đình", "Bản khác");
    scene.device.store().add_form(&other, None).unwrap();
    let report = scene.device.pass().unwrap();
    assert_eq!(report.forms_received, 0);
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert!(report.problems[0].contains(FORM_ID));
    assert_eq!(report.members_received, 6, "the pass went on");
}

#[test]
fn a_photo_the_server_refuses_stays_on_the_phone_and_blocks_no_other_file() {
    // The server takes photos up to 300 KB (an officer set it low); the phone holds small
    // photos and, made first, large ones.
    const LIMIT: u64 = 300_000;
    let scene = Scene::new(Backend::Sqlite, |c| c.max_photo_bytes = LIMIT, 6)
        .unwrap()
        .unwrap();
    scene.enroll_via(&scene.server.url()).unwrap();
    // The first pass brings the form.
    scene.device.pass().unwrap();
    let large = Fill {
        photos: 2,
        photo_side: 1600,
        seed: 9,
        ..small()
    };
    let filled_large = scene.device.fill(&large, scene.dir.path()).unwrap();
    let filled_small = scene.device.fill(&small(), scene.dir.path()).unwrap();
    let pending = scene.device.store().pending_photos().unwrap();
    let sizes: Vec<u64> = pending.iter().map(|p| p.bytes).collect();
    assert_eq!(
        (
            sizes.iter().filter(|b| **b > LIMIT).count(),
            sizes.iter().filter(|b| **b <= LIMIT).count()
        ),
        (2, 4),
        "the test's photos: {sizes:?}"
    );

    let report = scene.device.pass().unwrap();
    assert_eq!(
        (report.photos_stored, report.photos_refused),
        (4, 2),
        "{report:?}"
    );
    // The refused ones cost a chunk each, counted in what was sent.
    let small_bytes: u64 = sizes.iter().filter(|b| **b <= LIMIT).sum();
    assert!(
        report.photo_bytes_sent > small_bytes,
        "{} bytes sent, {small_bytes} of them the photos taken",
        report.photo_bytes_sent
    );
    assert_eq!(report.problems.len(), 2, "{:?}", report.problems);
    assert!(
        report.problems[0].contains("file_too_large"),
        "{:?}",
        report.problems
    );
    // Every record arrived; the refused photos wait on the phone, the others do not.
    assert_eq!(scene.device.store().outbox_len().unwrap(), 0);
    let left: Vec<u64> = scene
        .device
        .store()
        .pending_photos()
        .unwrap()
        .iter()
        .map(|p| p.bytes)
        .collect();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left.iter().all(|b| *b > LIMIT), "{left:?}");
    for filled in [&filled_large, &filled_small] {
        for id in &filled.submissions {
            assert!(scene.server.holds(&scene.setup, *id).unwrap(), "{id}");
        }
    }
    // The next pass, under the same limits, sends none of their bytes again (on 3G
    // every try cost her a chunk), and still says they wait.
    let again = scene.device.pass().unwrap();
    assert_eq!(
        (
            again.photos_stored,
            again.photos_refused,
            again.photo_bytes_sent
        ),
        (0, 2, 0),
        "{again:?}"
    );
    assert!(
        again
            .problems
            .iter()
            .all(|p| p.contains("not sent again until the server's limits change")),
        "{:?}",
        again.problems
    );
    assert_eq!(scene.device.store().pending_photos().unwrap().len(), 2);
}
