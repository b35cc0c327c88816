//! A review decision travels back to the phone: an officer rejects a survey with a
//! comment, the phone's next pass pulls the rejection (once, however often it passes),
//! the home screen's list of returned surveys shows it with the comment, the branch head
//! corrects it (a new revision) and sends it, and the officer approves the correction.
//! A colleague's survey in the same branch, reviewed too, never lands on this phone.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::engine::Answer;
use branchbook_core::protocol::ReviewState;
use branchbook_core::store::{RecordState, Window};
use branchbook_e2e::device::{Device, FORM_ID};
use branchbook_e2e::scene::Scene;
use branchbook_testing::Backend;
use chrono::Utc;

fn round_trip(backend: Backend) {
    let Some(scene) = Scene::new(backend, |_| {}, 0).unwrap() else {
        return;
    };
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    let store = scene.device.store();
    let (survey, _) = scene.device.survey(FORM_ID, None, 0, 4, None).unwrap();
    scene.device.pass().unwrap();
    assert_eq!(store.submission(survey).unwrap().state, RecordState::Sent);

    // A colleague of the same branch sends one too; the officer reviews both.
    let colleague = Device::open(&scene.dir.path().join("colleague.db")).unwrap();
    colleague
        .enroll(
            &scene.server.url(),
            &scene.server.enrollment(&scene.setup).unwrap(),
        )
        .unwrap();
    colleague.pass().unwrap();
    let (theirs, _) = colleague.survey(FORM_ID, None, 1, 2, None).unwrap();
    colleague.pass().unwrap();
    let comment = "Số nhân khẩu chưa đúng: hộ có 5 người";
    let server = &scene.server;
    server
        .review(&scene.setup, survey, "rejected", comment)
        .unwrap();
    server
        .review(&scene.setup, theirs, "has_issues", "not for her")
        .unwrap();

    let report = scene.device.pass().unwrap();
    assert_eq!(report.reviews_received, 1, "only her own survey's decision");
    let returned = store.returned_submissions(Window::first(50)).unwrap();
    assert_eq!(returned.len(), 1);
    assert_eq!(returned[0].submission.uuid, survey);
    assert_eq!(returned[0].submission.revision, 1);
    assert_eq!(returned[0].state, ReviewState::Rejected);
    assert_eq!(returned[0].comment, comment);
    assert_eq!(
        scene.device.pass().unwrap().reviews_received,
        0,
        "a decision already pulled is not applied again"
    );
    assert_eq!(
        store.returned_submissions(Window::first(50)).unwrap().len(),
        1
    );

    // She corrects it: a new revision, sent on the next pass.
    let mut session = store.edit_submission(survey).unwrap();
    session
        .set_answer("n_members", Answer::Integer { value: 5 })
        .unwrap();
    store.save_draft(&session).unwrap();
    store
        .finalize(&session.finalize(Utc::now()).unwrap())
        .unwrap();
    assert!(
        store
            .returned_submissions(Window::first(50))
            .unwrap()
            .is_empty(),
        "corrected: no longer returned"
    );
    scene.device.pass().unwrap();
    let sent = store.submission(survey).unwrap();
    assert_eq!((sent.revision, sent.state), (2, RecordState::Sent));
    let detail = server.record(&scene.setup, survey).unwrap();
    assert_eq!(detail["record"]["revision"], 2);
    assert_eq!(detail["record"]["body"]["data"]["n_members"], 5);
    assert_eq!(
        detail["record"]["review_state"], "received",
        "a correction waits for a new review"
    );

    server.review(&scene.setup, survey, "approved", "").unwrap();
    let detail = server.record(&scene.setup, survey).unwrap();
    assert_eq!(detail["record"]["review_state"], "approved");
    let states: Vec<&str> = detail["reviews"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["rejected", "approved"]);
    assert_eq!(scene.device.pass().unwrap().reviews_received, 1);
    assert!(
        store
            .returned_submissions(Window::first(50))
            .unwrap()
            .is_empty()
    );
}

#[test]
fn a_rejection_reaches_the_phone_and_the_correction_is_approved_on_sqlite() {
    round_trip(Backend::Sqlite);
}

#[test]
fn a_rejection_reaches_the_phone_and_the_correction_is_approved_on_postgres() {
    round_trip(Backend::Postgres);
}
