//! What comes down: each pass pulls only what changed since the phone's cursor: a new
//! version of a form an officer published, a member added to the roster, and households
//! another phone of the same branch registered; a pass with nothing new pulls nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::HashSet;

use branchbook_core::store::Window;
use branchbook_core::sync::SyncReport;
use branchbook_e2e::device::{Device, FORM_ID, FORM_VERSION, Fill, household_form_json};
use branchbook_e2e::scene::{Scene, member};
use branchbook_testing::Backend;

fn pulled(report: &SyncReport) -> (u32, u32, u32) {
    (
        report.forms_received,
        report.members_received,
        report.households_received,
    )
}

#[test]
fn a_pass_pulls_only_what_changed_since_the_last_one() {
    let scene = Scene::new(Backend::Sqlite, |_| {}, 3).unwrap().unwrap();
    scene.enroll_via(&scene.server.url()).unwrap();
    assert_eq!(pulled(&scene.device.pass().unwrap()), (1, 3, 0));
    assert_eq!(
        pulled(&scene.device.pass().unwrap()),
        (0, 0, 0),
        "nothing changed, nothing comes down"
    );

    // Her colleague's phone registers two households; an officer adds a member and
    // publishes a new version of the survey.
    let colleague = Device::open(&scene.dir.path().join("colleague.db")).unwrap();
    colleague
        .enroll(
            &scene.server.url(),
            &scene.server.enrollment(&scene.setup).unwrap(),
        )
        .unwrap();
    colleague.pass().unwrap();
    let none = Fill {
        households: 2,
        submissions: 0,
        gatherings: 0,
        attendees: 0,
        photos: 0,
        photo_side: 0,
        seed: 3,
    };
    let registered = colleague.fill(&none, scene.dir.path()).unwrap().households;
    let queued = colleague.store().outbox_len().unwrap();
    assert_eq!(colleague.pass().unwrap().records_stored, queued);
    scene.server.put_member(&scene.setup, &member(3)).unwrap();
    let next_version = household_form_json().replace(FORM_VERSION, "2026.2");
    scene
        .server
        .publish_form(&scene.setup, &next_version)
        .unwrap();

    let report = scene.device.pass().unwrap();
    assert_eq!(pulled(&report), (1, 1, 2), "{report:?}");
    let versions: Vec<String> = scene
        .device
        .store()
        .forms()
        .unwrap()
        .into_iter()
        .filter(|f| f.form_id == FORM_ID)
        .map(|f| f.version)
        .collect();
    assert_eq!(versions.len(), 2, "both versions kept: {versions:?}");
    assert!(versions.iter().any(|v| v == "2026.2"), "{versions:?}");
    let on_phone: HashSet<_> = scene
        .device
        .store()
        .list_households(None, false, Window::first(50))
        .unwrap()
        .into_iter()
        .map(|h| h.uuid)
        .collect();
    assert_eq!(on_phone, registered.into_iter().collect::<HashSet<_>>());
    assert_eq!(
        scene.device.store().outbox_len().unwrap(),
        0,
        "pulled households are not sent back"
    );
    assert_eq!(pulled(&scene.device.pass().unwrap()), (0, 0, 0));
}
