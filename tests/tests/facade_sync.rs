//! The apps' facade enrolling and sending against a real server: a QR code from an
//! officer, the forms and roster coming down, a survey, a household and a gathering with
//! a photo going up with progress reported, and a revoked phone told so in its own error
//! kind. (tests/kotlin does the same through the generated Kotlin bindings.)
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::protocol::AppRelease;
use std::sync::{Arc, Mutex};

use branchbook_core::domain::GatheringKind;
use branchbook_core::engine::Answer;
use branchbook_core::store::{GatheringDetails, HouseholdInput, InputField};
use branchbook_core::sync::{CancelHandle, SyncObserver, SyncPhase, SyncProgress};
use branchbook_e2e::device::{FORM_ID, household_form_json};
use branchbook_e2e::scene::member;
use branchbook_ffi::{Branchbook, BranchbookError, FinalizeOutcome};
use branchbook_testing::{Backend, BlockingServer};
use image::{ImageEncoder, Rgb, RgbImage};

/// Progress reports as the app's callback receives them.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<SyncProgress>>>);

impl SyncObserver for Recorder {
    fn on_progress(&self, progress: SyncProgress) {
        self.0.lock().unwrap().push(progress);
    }
}

impl Recorder {
    fn phases(&self) -> Vec<SyncPhase> {
        let mut phases: Vec<SyncPhase> = self.0.lock().unwrap().iter().map(|p| p.phase).collect();
        phases.dedup();
        phases
    }
}

fn photo(dir: &std::path::Path) -> String {
    let img = RgbImage::from_fn(120, 90, |x, y| Rgb([x as u8, y as u8, 90]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .write_image(img.as_raw(), 120, 90, image::ExtendedColorType::Rgb8)
        .unwrap();
    let path = dir.join("gathering.jpg");
    std::fs::write(&path, bytes).unwrap();
    path.to_string_lossy().into_owned()
}

#[test]
fn the_app_object_enrolls_syncs_with_progress_and_learns_it_was_revoked() {
    let server = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup = server.branch(&household_form_json()).unwrap();
    for i in 0..3 {
        server.put_member(&setup, &member(i)).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let app = Branchbook::open(
        dir.path().to_string_lossy().into_owned(),
        Some(vec![3; 32]),
        "phone-1".into(),
        AppRelease::default(),
    )
    .unwrap();

    assert_eq!(app.enrollment().unwrap(), None);
    assert!(matches!(
        app.sync(Box::new(Recorder::default()), CancelHandle::new()),
        Err(BranchbookError::NotEnrolled { .. })
    ));
    let bad = app
        .enroll_with_qr(
            "not a QR payload".into(),
            "phone".into(),
            CancelHandle::new(),
        )
        .unwrap_err();
    assert!(
        matches!(
            bad,
            BranchbookError::InvalidInput {
                field: InputField::EnrollmentCode,
                ..
            }
        ),
        "{bad:?}"
    );

    let qr = serde_json::to_string(&server.enrollment(&setup).unwrap()).unwrap();
    let enrolled = app
        .enroll_with_qr(qr, "Điện thoại của Mai".into(), CancelHandle::new())
        .unwrap();
    assert_eq!(enrolled.branch_name, "Chi hội Bản Dền");
    assert_eq!(app.enrollment().unwrap(), Some(enrolled.clone()));
    assert_eq!(
        app.account().unwrap().as_deref(),
        Some(enrolled.account.as_str())
    );

    // The first pass brings the form and the roster, and is remembered as the last send.
    assert_eq!(app.last_sync().unwrap(), None);
    let before = chrono::Utc::now();
    let first = Recorder::default();
    let report = app
        .sync(Box::new(first.clone()), CancelHandle::new())
        .unwrap();
    let first_end = app
        .last_sync()
        .unwrap()
        .expect("a finished pass is remembered");
    assert!(
        first_end >= before - chrono::Duration::milliseconds(1) && first_end <= chrono::Utc::now(),
        "{first_end}"
    );
    assert_eq!((report.forms_received, report.members_received), (1, 3));
    assert_eq!(first.phases().first(), Some(&SyncPhase::PullingForms));
    assert_eq!(first.phases().last(), Some(&SyncPhase::Done));
    assert_eq!(app.list_forms(true).unwrap()[0].form_id, FORM_ID);

    // A survey, a household and a gathering with a photo.
    let survey = app.start_survey(FORM_ID.into(), None, None, None).unwrap();
    survey
        .set_answer(
            "head_name".into(),
            Answer::Text {
                value: "Giàng A Páo".into(),
            },
        )
        .unwrap();
    survey
        .set_answer("n_members".into(), Answer::Integer { value: 5 })
        .unwrap();
    survey
        .set_answer(
            "water".into(),
            Answer::Choice {
                name: "well".into(),
            },
        )
        .unwrap();
    assert!(matches!(
        survey.finalize().unwrap(),
        FinalizeOutcome::Finalized { .. }
    ));
    app.create_household(HouseholdInput {
        village: "Bản Dền".into(),
        head_name: "Giàng A Páo".into(),
        ..Default::default()
    })
    .unwrap();
    let g = app
        .create_gathering(GatheringDetails {
            kind: GatheringKind::CommunicationSession,
            topic: "Làm mẹ an toàn".into(),
            village: "Bản Dền".into(),
            starts_at: chrono::Utc::now(),
            facilitator: "Lò Thị Mai".into(),
            notes: String::new(),
        })
        .unwrap();
    let someone = app.search_members("thao thi do".into(), 0, 5).unwrap()[0].id;
    app.check_in(g.uuid, someone).unwrap();
    app.attach_gathering_photo(g.uuid, photo(dir.path()))
        .unwrap();
    app.close_gathering(g.uuid).unwrap();
    let waiting = app.outbox_status().unwrap();
    assert!(
        waiting.records_waiting >= 3 && waiting.photos_waiting == 1,
        "{waiting:?}"
    );

    // A pass cancelled before it starts sends nothing and loses nothing.
    let cancelled = CancelHandle::new();
    cancelled.cancel();
    assert!(matches!(
        app.sync(Box::new(Recorder::default()), cancelled),
        Err(BranchbookError::Cancelled { .. })
    ));
    assert_eq!(
        app.outbox_status().unwrap().records_waiting,
        waiting.records_waiting
    );
    assert_eq!(
        app.last_sync().unwrap(),
        Some(first_end),
        "a stopped pass is not a send"
    );

    let second = Recorder::default();
    let report = app
        .sync(Box::new(second.clone()), CancelHandle::new())
        .unwrap();
    assert_eq!(report.photos_stored, 1);
    assert_eq!(report.records_stored, waiting.records_waiting);
    assert!(
        second.phases().contains(&SyncPhase::PushingRecords)
            && second.phases().contains(&SyncPhase::PushingPhotos)
    );
    let second_end = app.last_sync().unwrap().unwrap();
    assert!(second_end >= first_end);
    let sent = app.outbox_status().unwrap();
    assert_eq!((sent.records_waiting, sent.photos_waiting), (0, 0));
    let home = app.home_counts().unwrap();
    assert_eq!(
        (home.surveys_ready, home.surveys_sent, home.gatherings_ready),
        (0, 1, 0)
    );
    assert_eq!(server.list(&setup, "gatherings").unwrap().len(), 1);

    server.revoke(&setup, &enrolled.device_id).unwrap();
    let revoked = app
        .sync(Box::new(Recorder::default()), CancelHandle::new())
        .unwrap_err();
    assert!(
        matches!(revoked, BranchbookError::DeviceRevoked { .. }),
        "{revoked:?}"
    );
    assert_eq!(
        app.last_sync().unwrap(),
        Some(second_end),
        "a refused pass is not a send"
    );
    assert!(
        revoked
            .user_message(branchbook_core::i18n::UiLanguage::Vi)
            .contains("thu hồi")
    );
}
