//! A form version retired on the server, through the apps' facade and the real sync
//! client: the phone stops offering it for new surveys at its next sync, a draft started
//! before goes on and is accepted, publishing it again offers it again, and a form
//! imported from a file on the phone is never retired by a sync.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::engine::Answer;
use branchbook_core::protocol::AppRelease;
use branchbook_core::sync::{CancelHandle, SyncObserver, SyncProgress};
use branchbook_e2e::device::{FORM_ID, FORM_VERSION, household_form_json};
use branchbook_ffi::{Branchbook, BranchbookError, FinalizeOutcome};
use branchbook_testing::blocking::Body;
use branchbook_testing::{Backend, BlockingServer};
use serde_json::json;

struct Quiet;

impl SyncObserver for Quiet {
    fn on_progress(&self, _: SyncProgress) {}
}

fn sync(app: &Branchbook) {
    app.sync(Box::new(Quiet), CancelHandle::new()).unwrap();
}

fn offered(app: &Branchbook) -> Vec<String> {
    app.list_forms(true)
        .unwrap()
        .into_iter()
        .map(|f| f.form_id)
        .collect()
}

#[test]
fn a_retired_version_starts_no_new_survey_but_its_draft_is_still_sent() {
    let server = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup = server.branch(&household_form_json()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = Branchbook::open(
        dir.path().to_string_lossy().into_owned(),
        Some(vec![7; 32]),
        "phone-1".into(),
        AppRelease::default(),
    )
    .unwrap();
    let qr = serde_json::to_string(&server.enrollment(&setup).unwrap()).unwrap();
    app.enroll_with_qr(qr, "Điện thoại của Mai".into(), CancelHandle::new())
        .unwrap();
    // A form imported from a file on the phone, which the server never lists.
    let local = app
        .import_form_json(household_form_json().replace(FORM_ID, "kept_locally"))
        .unwrap();
    sync(&app);
    assert_eq!(
        offered(&app),
        vec![FORM_ID.to_owned(), local.form_id.clone()]
    );

    let draft = app.start_survey(FORM_ID.into(), None, None, None).unwrap();
    draft
        .set_answer(
            "head_name".into(),
            Answer::Text {
                value: "Giàng A Páo".into(),
            },
        )
        .unwrap();

    let path = |action: &str| format!("/api/v1/office/forms/{FORM_ID}/{FORM_VERSION}/{action}");
    let admin = Some(setup.admin.as_str());
    server.call("POST", &path("retire"), admin, None).unwrap();
    sync(&app);
    assert_eq!(
        offered(&app),
        vec![local.form_id.clone()],
        "retired: not offered"
    );
    assert!(matches!(
        app.start_survey(FORM_ID.into(), None, None, None),
        Err(BranchbookError::NotFound { .. })
    ));
    let refused = app
        .start_survey(FORM_ID.into(), Some(FORM_VERSION.into()), None, None)
        .map(|_| ())
        .unwrap_err();
    assert!(
        matches!(&refused, BranchbookError::WrongState { reason } if reason.contains("retired")),
        "{refused:?}"
    );
    // The version itself is still on the phone, for its drafts.
    assert_eq!(app.list_forms(false).unwrap().len(), 2);

    // The draft started before is finished and sent, and the server takes it.
    draft
        .set_answer("n_members".into(), Answer::Integer { value: 4 })
        .unwrap();
    draft
        .set_answer(
            "water".into(),
            Answer::Choice {
                name: "well".into(),
            },
        )
        .unwrap();
    assert!(matches!(
        draft.finalize().unwrap(),
        FinalizeOutcome::Finalized { .. }
    ));
    let report = app.sync(Box::new(Quiet), CancelHandle::new()).unwrap();
    assert_eq!(report.records_refused, 0, "{report:?}");
    assert!(server.holds(&setup, draft.submission_id()).unwrap());

    // Published again (to every phone): offered again at the next sync.
    server
        .call(
            "POST",
            &path("publish"),
            admin,
            Some(Body::Json(&json!({}))),
        )
        .unwrap();
    sync(&app);
    assert_eq!(offered(&app), vec![FORM_ID.to_owned(), local.form_id]);
    app.start_survey(FORM_ID.into(), None, None, None).unwrap();
}
