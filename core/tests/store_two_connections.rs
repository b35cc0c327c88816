//! Two connections on one file, as when the UI reads while a background sync writes:
//! the reader never sees half of a change and never fails because of the writer.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::atomic::{AtomicBool, Ordering};

use branchbook_core::domain::Sex;
use branchbook_core::protocol::{RecordBody, RosterMember};
use branchbook_core::store::{HouseholdInput, RosterChange, Store, Window};
use uuid::Uuid;

const BATCH: usize = 25;
const BATCHES: usize = 18; // 450 members: one page holds them all

fn batch(b: usize) -> Vec<RosterMember> {
    (0..BATCH)
        .map(|i| RosterMember {
            id: Uuid::now_v7(),
            member_code: Some(format!("{b}-{i}")),
            full_name: format!("Lò Thị Mai {b} {i}"),
            sex: Sex::Female,
            birth_year: Some(1990),
            ethnicity: Some("thai".into()),
            village: "Bản Phùng".into(),
            phone: None,
            archived: false,
        })
        .collect()
}

#[test]
fn a_reader_on_a_second_connection_sees_whole_changes_only() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("shared.db");
    let writer = Store::open(&db, None).unwrap();
    let reader = Store::open(&db, None).unwrap();
    let done = AtomicBool::new(false);
    let reads = std::thread::scope(|s| {
        let reading = s.spawn(|| {
            let mut reads = 0;
            while !done.load(Ordering::Acquire) {
                // A roster patch is one transaction: the reader sees whole batches.
                let members = reader
                    .list_members(None, true, Window::first(Window::MAX_LIMIT))
                    .unwrap();
                assert_eq!(members.len() % BATCH, 0, "saw {} members", members.len());
                // A household change and its audit entry are one transaction.
                let outbox = reader.outbox(10_000).unwrap();
                let households = outbox
                    .iter()
                    .filter(|i| matches!(i.record.body, RecordBody::Household(_)))
                    .count();
                let audits = outbox
                    .iter()
                    .filter(|i| matches!(i.record.body, RecordBody::Audit(_)))
                    .count();
                assert_eq!(households, audits);
                reads += 1;
            }
            reads
        });
        for b in 0..BATCHES {
            writer
                .import_roster(&batch(b), RosterChange::Patch)
                .unwrap();
            writer
                .create_household(&HouseholdInput {
                    village: "Bản Phùng".into(),
                    head_name: format!("Vàng A Dình {b}"),
                    ..HouseholdInput::default()
                })
                .unwrap();
        }
        done.store(true, Ordering::Release);
        reading.join().unwrap()
    });
    assert!(reads > 0);
    assert_eq!(
        reader
            .list_members(None, true, Window::first(Window::MAX_LIMIT))
            .unwrap()
            .len(),
        BATCH * BATCHES
    );
}
