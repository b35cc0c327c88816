//! The dashboard counts what a real phone sent: a branch head's phone (the core's store
//! and its real sync client) registers households, makes surveys (visits to registry
//! households, and one to a household outside it) and gatherings with roster check-ins
//! and walk-ins, and sends them. The officials' dashboard (the JSON API the console's page
//! reads) for the days they were made then shows exactly what this test counts itself
//! from the phone's own records: every total, the area's row, and the line day by day.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::{BTreeMap, HashSet};

use branchbook_core::domain::AgeGroup;
use branchbook_e2e::device::{Device, FORM_ID, Fill};
use branchbook_e2e::scene::Scene;
use branchbook_server::model::stored_name;
use branchbook_testing::Backend;
use chrono::{Datelike, Duration, FixedOffset, Utc};
use serde_json::{Value, json};

type Counts = BTreeMap<String, i64>;

fn add(counts: &mut Counts, key: String) {
    *counts.entry(key).or_default() += 1;
}

/// The dashboard's total as this test counts it from the phone's store.
fn counted_on_the_phone(
    device: &Device,
    surveys: &[uuid::Uuid],
    gatherings: &[uuid::Uuid],
) -> Value {
    let store = device.store();
    let vietnam = FixedOffset::east_opt(7 * 3600).unwrap();
    let (mut forms, mut visited, mut unlinked) = (Counts::new(), HashSet::new(), 0);
    for uuid in surveys {
        let survey = store.submission(*uuid).unwrap();
        add(&mut forms, survey.form_id.clone());
        match survey.household {
            Some(h) => {
                visited.insert(h);
            }
            None => unlinked += 1,
        }
    }
    let (mut kinds, mut sexes, mut ethnicities, mut ages) =
        (Counts::new(), Counts::new(), Counts::new(), Counts::new());
    let (mut members, mut walk_ins) = (HashSet::new(), 0);
    for uuid in gatherings {
        let gathering = store.gathering(*uuid).unwrap();
        add(&mut kinds, stored_name(&gathering.details.kind));
        let year = gathering.details.starts_at.with_timezone(&vietnam).year();
        for a in store.attendees(*uuid).unwrap() {
            add(&mut sexes, stored_name(&a.sex));
            add(&mut ethnicities, a.ethnicity.clone().unwrap_or_default());
            let age = a.age_group.or_else(|| {
                a.birth_year
                    .and_then(|b| AgeGroup::from_birth_year(b, year))
            });
            add(&mut ages, age.as_ref().map(stored_name).unwrap_or_default());
            match a.member_id {
                Some(member) => {
                    members.insert(member);
                }
                None => walk_ins += 1,
            }
        }
    }
    json!({
        "gatherings": kinds,
        "attendees_by_sex": sexes,
        "attendees_by_ethnicity": ethnicities,
        "attendees_by_age": ages,
        "people": members.len() + walk_ins,
        "households": visited.len() + unlinked,
        "surveys_by_form": forms,
        "surveys_by_state": {"received": surveys.len()},
    })
}

fn totals(backend: Backend) {
    let Some(scene) = Scene::new(backend, |_| {}, 6).unwrap() else {
        return;
    };
    scene.enroll_via(&scene.server.url()).unwrap();
    scene.device.pass().unwrap();
    let mut filled = scene
        .device
        .fill(
            &Fill {
                households: 2,
                submissions: 5,
                gatherings: 3,
                // The 6 roster members, then 3 walk-ins, at each gathering.
                attendees: 9,
                photos: 0,
                photo_side: 64,
                seed: 12,
            },
            scene.dir.path(),
        )
        .unwrap();
    let (outside, _) = scene.device.survey(FORM_ID, None, 7, 3, None).unwrap();
    filled.submissions.push(outside);
    let report = scene.device.pass().unwrap();
    assert_eq!(report.records_refused, 0, "{report:?}");
    assert!(report.problems.is_empty(), "{report:?}");
    scene.verify(&filled).unwrap();

    let want = counted_on_the_phone(&scene.device, &filled.submissions, &filled.gatherings);
    assert_eq!(
        want["people"],
        6 + 3 * 3,
        "the phone made what the test meant"
    );
    assert_eq!(want["households"], 2 + 1);
    // The days around today on Vietnam's clock: everything was made just now.
    let today = Utc::now()
        .with_timezone(&FixedOffset::east_opt(7 * 3600).unwrap())
        .date_naive();
    let (from, to) = (today - Duration::days(1), today + Duration::days(1));
    let dashboard = scene
        .server
        .call(
            "GET",
            &format!("/api/v1/office/dashboard?period=range&from={from}&to={to}"),
            Some(&scene.setup.admin),
            None,
        )
        .unwrap();
    assert_eq!(dashboard["total"], want, "{dashboard:#}");
    let rows = dashboard["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "one province");
    assert_eq!(rows[0]["tally"], want);
    // The line has a point a day, and its points add up to the totals.
    let days = dashboard["days"].as_array().unwrap();
    assert_eq!(days.len(), 3);
    assert_eq!(days[0]["day"], from.to_string());
    let summed = |what: &str| days.iter().map(|d| d[what].as_i64().unwrap()).sum::<i64>();
    let all = |v: &Value| {
        v.as_object()
            .unwrap()
            .values()
            .map(|n| n.as_i64().unwrap())
            .sum::<i64>()
    };
    assert_eq!(summed("gatherings"), all(&want["gatherings"]));
    assert_eq!(summed("attendees"), all(&want["attendees_by_sex"]));
    assert_eq!(summed("surveys"), all(&want["surveys_by_form"]));
}

#[test]
fn the_dashboard_counts_what_a_phone_sent_on_sqlite() {
    totals(Backend::Sqlite);
}

#[test]
fn the_dashboard_counts_what_a_phone_sent_on_postgres() {
    totals(Backend::Postgres);
}
