//! A form with a `pulldata()` CSV attached, end to end with the real sync client: the
//! administrator publishes it with its file, the phone pulls the form and the file
//! (through a proxy that breaks the download off in the middle), the form does not open
//! until the file is whole, the download continues where it stopped without fetching a
//! kept chunk again, and the survey filled offline takes its value from the CSV, as the
//! server's own check of the submission does.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::protocol::AppRelease;
use std::collections::VecDeque;
use std::time::Duration;

use branchbook_core::engine::{Answer, SessionOptions};
use branchbook_core::i18n::{FormRow, UiLanguage, form_row};
use branchbook_core::store::StoreError;
use branchbook_core::sync::{CancelHandle, RetryPolicy, SyncObserver, SyncProgress};
use branchbook_e2e::device::{Device, household_form_json, test_network};
use branchbook_e2e::proxy::{Cut, Fault, FaultProxy, Plan};
use branchbook_ffi::{Branchbook, BranchbookError};
use branchbook_testing::fixtures::pulldata_form_json;
use branchbook_testing::{Backend, BlockingServer};
use chrono::Utc;
use sha2::{Digest, Sha256};

/// The server's chunk (of photos uploaded, and of form files served).
const CHUNK: u64 = 16 * 1024;

struct Unobserved;

impl SyncObserver for Unobserved {
    fn on_progress(&self, _: SyncProgress) {}
}

/// A fruit table of some 100 kB: several chunks.
fn fruits_csv() -> String {
    let mut csv = String::from("name,color\napple,đỏ\nbanana,vàng\n");
    for i in 0..5000 {
        csv.push_str(&format!("fruit{i},màu số {i}\n"));
    }
    csv
}

/// The offsets of the form file requests in `log`, in order.
fn file_offsets(log: &[branchbook_e2e::proxy::RequestLog]) -> Vec<u64> {
    log.iter()
        .filter(|r| r.path.starts_with("/api/v1/form-files/"))
        .map(|r| {
            r.path
                .rsplit_once("offset=")
                .and_then(|(_, n)| n.parse().ok())
                .unwrap()
        })
        .collect()
}

#[test]
fn a_pulldata_form_arrives_with_its_file_resumes_and_fills_offline() {
    let server = BlockingServer::start(Backend::Sqlite, |c| c.photo_chunk_bytes = CHUNK)
        .unwrap()
        .unwrap();
    let setup = server.branch(&household_form_json()).unwrap();
    let csv = fruits_csv();
    let form = serde_json::to_string(&pulldata_form_json("1")).unwrap();
    server
        .publish_form_with(&setup, &form, &[("fruits.csv", csv.as_bytes())])
        .unwrap();

    let proxy = FaultProxy::start(server.addr, Plan::Clean).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (timeouts, _) = test_network();
    let retry = RetryPolicy {
        first_delay: Duration::from_millis(10),
        max_delay: Duration::from_millis(20),
        max_attempts: 3,
        deadline: Duration::from_secs(20),
    };
    let phone = Device::open_with(
        &dir.path().join("phone.db"),
        Some(&[9; 32]),
        timeouts,
        retry,
    )
    .unwrap();
    phone
        .enroll(&proxy.url(), &server.enrollment(&setup).unwrap())
        .unwrap();

    // The first pass: two chunks arrive, the third is cut in the middle of its answer,
    // and the network is then gone for the rest of the pass.
    let before = proxy.stats();
    let mut script: VecDeque<Option<Fault>> = VecDeque::new();
    script.extend([None; 5]); // manifest, two forms, two chunks
    script.push_back(Some(Fault::CutResponse {
        at: Cut::Fraction(0.6),
        reset: false,
    }));
    script.extend([Some(Fault::Refuse); 10]);
    proxy.set_plan(Plan::Script(script));
    let stopped = phone.pass();
    assert!(stopped.is_err(), "the pass stops when the network is gone");
    let first = proxy.stats().since(&before);
    assert_eq!(
        file_offsets(&first.log)[..3],
        [0, CHUNK, 2 * CHUNK],
        "{:#?}",
        first.log
    );
    let store = phone.store();
    let wanted = store.wanted_form_files().unwrap();
    assert_eq!(wanted.len(), 1);
    assert_eq!(
        wanted[0].sha256,
        hex::encode(Sha256::digest(csv.as_bytes()))
    );
    assert_eq!(wanted[0].received, 2 * CHUNK, "two whole chunks kept");
    let options = SessionOptions::new(Utc::now());
    assert!(
        matches!(
            store.start_submission("fruit_survey", "1", None, &options),
            Err(StoreError::FormFilesMissing { ref missing, .. }) if missing == &["fruits.csv"]
        ),
        "the form does not open before its file is whole"
    );
    // The form list shows it all the same, waiting for its file, not to be started.
    let rows: Vec<FormRow> = store
        .forms()
        .unwrap()
        .iter()
        .filter(|f| f.form_id == "fruit_survey")
        .map(|f| {
            form_row(
                &f.form_id,
                &f.version,
                &f.title,
                f.files_missing,
                UiLanguage::Vi,
            )
        })
        .collect();
    assert!(!rows[0].ready);
    assert_eq!(
        rows[0].row.detail,
        "Còn chờ 1 tệp của biểu mẫu (ảnh, bảng). Lần gửi dữ liệu tới sẽ tải về."
    );

    // The next pass continues from the third chunk: no kept byte is fetched again.
    proxy.set_plan(Plan::Clean);
    let before = proxy.stats();
    phone.pass().unwrap();
    let second = proxy.stats().since(&before);
    let offsets = file_offsets(&second.log);
    let size = csv.len() as u64;
    let expected: Vec<u64> = (2..size.div_ceil(CHUNK)).map(|i| i * CHUNK).collect();
    assert_eq!(offsets, expected, "only the missing chunks, once each");
    assert!(store.wanted_form_files().unwrap().is_empty());
    assert_eq!(
        store.form_file("fruit_survey", "1", "fruits.csv").unwrap(),
        csv.as_bytes()
    );
    let listed = store.forms().unwrap();
    assert!(listed.iter().all(|f| f.files_missing == 0), "{listed:?}");

    // Offline, the survey takes the colour from the CSV.
    let (draft, mut session) = store
        .start_submission("fruit_survey", "1", None, &options)
        .unwrap();
    session
        .set_answer(
            "fruit",
            Answer::Choice {
                name: "banana".into(),
            },
        )
        .unwrap();
    store.save_draft(&session).unwrap();
    let submission = session.finalize(Utc::now()).unwrap();
    assert_eq!(submission.data["color"], "vàng");
    store.finalize(&submission).unwrap();

    // The server checks and keeps it with the same value.
    phone.pass().unwrap();
    assert_eq!(store.outbox_len().unwrap(), 0);
    assert!(store.rejections().unwrap().is_empty());
    let record = server.record(&setup, draft.uuid).unwrap();
    let text = record.to_string();
    assert!(text.contains("vàng"), "{record}");
}

/// Through the apps' facade: the form list says no file is missing, the app reads the
/// file by the name the form uses, and a name the form does not use is not found.
#[test]
fn the_apps_read_a_forms_file_by_its_name() {
    let server = BlockingServer::start(Backend::Sqlite, |_| {})
        .unwrap()
        .unwrap();
    let setup = server.branch(&household_form_json()).unwrap();
    let form = serde_json::to_string(&pulldata_form_json("1")).unwrap();
    let csv = fruits_csv();
    server
        .publish_form_with(&setup, &form, &[("fruits.csv", csv.as_bytes())])
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let app = Branchbook::open(
        dir.path().to_string_lossy().into_owned(),
        Some(vec![7; 32]),
        "phone-1".into(),
        AppRelease::default(),
    )
    .unwrap();
    let qr = serde_json::to_string(&server.enrollment(&setup).unwrap()).unwrap();
    app.enroll_with_qr(qr, "Điện thoại của Xuân".into(), CancelHandle::new())
        .unwrap();
    app.sync(Box::new(Unobserved), CancelHandle::new()).unwrap();
    let summary = app.form("fruit_survey".into(), None).unwrap();
    assert_eq!(summary.files_missing, 0);
    let rows = app.form_rows(UiLanguage::En).unwrap();
    let row = rows.iter().find(|r| r.row.id == "fruit_survey").unwrap();
    assert!(row.ready, "every file is whole: she can start it");
    assert_eq!(row.row.detail, "fruit_survey · 1");
    assert_eq!(
        app.form_file("fruit_survey".into(), "1".into(), "fruits.csv".into())
            .unwrap(),
        csv.as_bytes()
    );
    assert!(matches!(
        app.form_file("fruit_survey".into(), "1".into(), "other.csv".into()),
        Err(BranchbookError::NotFound { .. })
    ));
    app.start_survey("fruit_survey".into(), None, None, None)
        .unwrap();
}
