//! The dashboard's summary tables stay exact under concurrent writes, on both stores:
//! four pushes at once (new records, re-sends, and revisions that move a record to
//! another month, unlink its household or drop an attendee) race two officers' review
//! decisions on the same records. Afterwards the dashboard read from the summary tables
//! equals the one recounted from the records alone, for periods made of a whole year,
//! a whole month, and whole months with parts of months around them; and each record is
//! counted once, at its latest revision.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use branchbook_core::protocol::{Record, RecordBody};
use branchbook_server::indicators::{Period, dashboard, recount};
use branchbook_server::model::Scope;
use chrono::{Duration, NaiveDate};
use common::TestServer;
use common::fixtures::*;
use futures_util::future::join_all;
use serde_json::json;
use uuid::Uuid;

const STATES: [&str; 4] = ["rejected", "approved", "has_issues", "rejected"];

/// Revision 2 of `record`, a little over a month later: a survey loses its household,
/// a gathering its first attendee.
fn revised(record: &Record) -> Record {
    let mut next = record.clone();
    next.revision = 2;
    let later = Duration::days(40);
    match &mut next.body {
        RecordBody::Submission(s) => {
            s.started_at += later;
            s.finalized_at += later;
            s.household = None;
        }
        RecordBody::Gathering(g) => {
            g.starts_at += later;
            g.closed_at += later;
            g.attendees.remove(0);
        }
        _ => {}
    }
    next
}

fn day(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
}

async fn summaries_stay_exact_under_concurrent_writes(server: TestServer) {
    let form = household_form();
    let (enrolled, admin) = server.one_device().await;
    let device = enrolled.token;
    let households: Vec<Record> = (0..20).map(|i| household(Uuid::now_v7(), 1, i)).collect();
    server.push(&device, &households).await;
    // Surveys every 400 minutes and gatherings every 20 hours from 1 March 2026: about
    // five weeks, so March and April both have records.
    let surveys: Vec<Record> = (0..120)
        .map(|i| {
            submission(
                &form,
                i * 400,
                (i % 3 > 0).then(|| households[i % 20].uuid),
                None,
            )
        })
        .collect();
    let gatherings: Vec<Record> = (0..40).map(|i| gathering(i * 20, Vec::new())).collect();
    let all: Vec<Record> = surveys.iter().chain(&gatherings).cloned().collect();
    let revisions: Vec<Record> = all.iter().step_by(3).map(revised).collect();

    let pushes = (0..4).map(|p| {
        let (server, device) = (&server, &device);
        let mine: Vec<Record> = all.iter().skip(p).step_by(4).cloned().collect();
        let my_revisions: Vec<Record> = revisions.iter().skip(p).step_by(4).cloned().collect();
        async move {
            for batch in mine.chunks(10) {
                server.push(device, batch).await;
            }
            // A re-send changes nothing; then the revisions.
            server.push(device, &mine).await;
            for batch in my_revisions.chunks(5) {
                server.push(device, batch).await;
            }
        }
    });
    let reviews = (0..2).map(|r| {
        let (server, admin, all) = (&server, &admin, &all);
        async move {
            for pass in 0..3 {
                for (i, record) in all.iter().enumerate().skip(r).step_by(2) {
                    let state = STATES[(i + pass + r) % STATES.len()];
                    // A record not pushed yet is not found: that is part of the race.
                    server
                        .post(
                            &format!("/api/v1/office/records/{}/review", record.uuid),
                            Some(admin),
                            &json!({"state": state, "comment": "kiểm tra lại"}),
                        )
                        .await;
                }
            }
        }
    });
    tokio::join!(join_all(pushes), join_all(reviews));
    // Two decisions after the race, so the totals below have a rejected survey and a
    // rejected gathering whatever order the race took.
    for record in [&surveys[1], &gatherings[1]] {
        let (status, _) = server
            .post(
                &format!("/api/v1/office/records/{}/review", record.uuid),
                Some(&admin),
                &json!({"state": "rejected", "comment": "sai"}),
            )
            .await;
        assert!(status.is_success());
    }
    // Every record has arrived, with its revision.
    let answers = server.push(&device, &all).await;
    assert!(
        answers
            .results
            .iter()
            .all(|r| r.status == branchbook_core::protocol::RecordStatus::Duplicate)
    );

    for period in [
        Period::year(2026),
        Period::month(2026, 3),
        Period::range(day("2026-03-10"), day("2026-05-20")),
        // The year less January, February and 1 to 4 March; March's days inside from
        // the records and April less its last five days.
        Period::range(day("2026-03-05"), day("2026-12-31")),
        Period::range(day("2026-03-20"), day("2026-04-25")),
    ] {
        let period = period.unwrap();
        let (summed, recounted) = server
            .store
            .call(move |s| {
                Ok((
                    dashboard(s, &Scope::All, None, &period)?,
                    recount(s, &Scope::All, None, &period)?,
                ))
            })
            .await
            .unwrap();
        assert_eq!(summed, recounted, "{period:?}");
    }
    let period = Period::year(2026).unwrap();
    let year = server
        .store
        .call(move |s| dashboard(s, &Scope::All, None, &period))
        .await
        .unwrap();
    let total = &year.total;
    assert_eq!(
        total.surveys_by_state.values().sum::<i64>(),
        120,
        "each survey once, at its latest revision"
    );
    assert!(
        total
            .surveys_by_state
            .get("rejected")
            .is_some_and(|n| *n > 0)
    );
    let held: i64 = total.gatherings.values().sum();
    assert!(held > 0 && held < 40, "rejected gatherings are left out");
    assert!(
        year.months.iter().filter(|m| m.surveys > 0).count() >= 2,
        "revisions moved surveys into a later month: {:?}",
        year.months
    );
}

on_both_stores!(summaries_stay_exact_under_concurrent_writes);
