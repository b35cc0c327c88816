//! `rank` questions and `start-geopoint` metadata: the order she gives is the answer, the
//! core moves items and checks the ranking holds every offered choice once; the location
//! taken at the start is recorded once and kept by the server.

use chrono::Duration;
use serde_json::json;

use crate::engine::{GeoPoint, QuestionKind, ServerFacts, SessionError, SessionState};
use crate::form::MetaKind;

use super::*;

fn rank(name: &str, list: &str) -> F {
    q(name, FieldKind::Rank { list: list.into() })
}

fn needs() -> (String, ChoiceList) {
    list(
        "needs",
        &[
            ("water", "Nước sạch", &[("kind", "home")]),
            ("school", "Trường học", &[("kind", "village")]),
            ("road", "Đường", &[("kind", "village")]),
            ("health", "Trạm y tế", &[("kind", "village")]),
        ],
    )
}

fn rank_form(rank_field: F) -> Form {
    with_lists(
        form(vec![one("scope", "scopes").n(), rank_field.n()]),
        vec![
            needs(),
            list(
                "scopes",
                &[("home", "Gia đình", &[]), ("village", "Thôn", &[])],
            ),
        ],
    )
}

fn order(s: &FormSession, path: &str) -> Vec<String> {
    let screen = s.screen();
    let q = screen.questions.iter().find(|q| q.path == path).unwrap();
    assert_eq!(q.kind, QuestionKind::Rank);
    q.choices.iter().map(|c| c.name.clone()).collect()
}

fn names(list: &[&str]) -> Answer {
    Answer::Choices {
        names: list.iter().map(|n| (*n).to_owned()).collect(),
    }
}

fn on_rank_page(f: Form) -> FormSession {
    let mut s = session(f);
    s.set_answer(
        "scope",
        Answer::Choice {
            name: "village".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    s
}

#[test]
fn moving_items_stores_her_whole_order_and_the_submission_keeps_it() {
    let mut s = on_rank_page(rank_form(rank("priority", "needs").required()));
    assert_eq!(order(&s, "priority"), ["water", "school", "road", "health"]);
    assert_eq!(
        value_on(&s.screen(), "priority"),
        None,
        "not ranked until she does"
    );
    assert!(s.next().is_err(), "a required ranking must be given");

    let update = s.move_rank_item("priority", 3, 0).unwrap(); // health first
    // The question is drawn again whole: its items changed places.
    let redrawn: Vec<&str> = update.changed[0]
        .choices
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(redrawn, ["health", "water", "school", "road"]);
    s.move_rank_item("priority", 1, 2).unwrap(); // water below school
    assert_eq!(order(&s, "priority"), ["health", "school", "water", "road"]);
    assert_eq!(
        value_on(&s.screen(), "priority"),
        Some(names(&["health", "school", "water", "road"]))
    );
    assert_eq!(
        s.state().answers.values["priority"],
        "health school water road"
    );

    // A move off the list changes nothing.
    for (from, to) in [(4, 0), (0, 4), (u32::MAX, 0)] {
        assert!(matches!(
            s.move_rank_item("priority", from, to),
            Err(SessionError::InvalidValue { .. })
        ));
    }
    assert_eq!(order(&s, "priority"), ["health", "school", "water", "road"]);

    let sub = s.finalize(now()).unwrap();
    assert_eq!(
        sub.data["priority"],
        json!(["health", "school", "water", "road"])
    );
    // What the server reads back is the same order.
    assert!(s.form().validate_data(&sub.data).is_ok());
}

#[test]
fn keeping_the_order_shown_answers_it() {
    let mut s = on_rank_page(rank_form(rank("priority", "needs").required()));
    s.move_rank_item("priority", 2, 2).unwrap();
    assert_eq!(
        value_on(&s.screen(), "priority"),
        Some(names(&["water", "school", "road", "health"]))
    );
    s.next().unwrap();
}

#[test]
fn a_ranking_must_hold_every_offered_choice_once() {
    let mut s = on_rank_page(rank_form(rank("priority", "needs")));
    for bad in [
        names(&["water", "school"]),
        names(&["water", "water", "school", "road", "health"]),
        names(&["water", "school", "road", "health", "park"]),
    ] {
        assert!(s.set_answer("priority", bad.clone()).is_err(), "{bad:?}");
    }
    assert_eq!(value_on(&s.screen(), "priority"), None);
    s.set_answer("priority", names(&["road", "health", "water", "school"]))
        .unwrap();
    assert_eq!(order(&s, "priority"), ["road", "health", "water", "school"]);
    assert!(matches!(
        s.toggle_choice("priority", "road"),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.move_rank_item("scope", 0, 1),
        Err(SessionError::WrongType { .. })
    ));
    // The server refuses a partial ranking.
    let mut data = s.finalize(now()).unwrap().data;
    data["priority"] = json!(["road", "health"]);
    assert!(s.form().validate_data(&data).is_err());
}

#[test]
fn the_choice_filter_decides_what_is_ranked_and_a_change_asks_for_a_new_ranking() {
    let mut s = on_rank_page(rank_form(
        rank("priority", "needs").choice_filter("kind = ${scope}"),
    ));
    assert_eq!(order(&s, "priority"), ["school", "road", "health"]);
    s.move_rank_item("priority", 2, 0).unwrap();
    assert_eq!(order(&s, "priority"), ["health", "school", "road"]);

    // She goes back and changes the scope: the ranking no longer fits.
    s.back().unwrap();
    s.set_answer(
        "scope",
        Answer::Choice {
            name: "home".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    assert_eq!(order(&s, "priority"), ["water"]);
    let error = error_on(&s.screen(), "priority").unwrap_or_default();
    assert!(error.contains("order again"), "{error}");
    assert!(s.finalize(now()).is_err());
    s.move_rank_item("priority", 0, 0).unwrap();
    assert_eq!(error_on(&s.screen(), "priority"), None);
    assert_eq!(
        s.finalize(now()).unwrap().data["priority"],
        json!(["water"])
    );
}

#[test]
fn randomize_shuffles_the_first_order_and_her_ranking_stays() {
    let f = rank_form(
        rank("priority", "needs")
            .param("randomize", "true")
            .param("seed", "7"),
    );
    let mut s = session(f.clone());
    s.set_answer(
        "scope",
        Answer::Choice {
            name: "village".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    let first = order(&s, "priority");
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(sorted, ["health", "road", "school", "water"]);
    assert_eq!(
        first,
        order(&on_rank_page(f), "priority"),
        "the seed fixes it"
    );
    s.move_rank_item("priority", 0, 3).unwrap();
    let mut expected = first[1..].to_vec();
    expected.push(first[0].clone());
    assert_eq!(order(&s, "priority"), expected);

    // A draft brought back shows her ranking.
    let state: SessionState = s.state();
    let back = FormSession::restore(s.form().clone(), state).unwrap();
    assert_eq!(order(&back, "priority"), expected);
}

fn located_form() -> Form {
    form(vec![
        q("where", FieldKind::Meta(MetaKind::StartGeopoint)).n(),
        text("name").n(),
    ])
}

fn here() -> GeoPoint {
    GeoPoint {
        latitude: 22.336,
        longitude: 103.844,
        altitude: Some(1_560.0),
        accuracy: Some(8.0),
    }
}

#[test]
fn the_start_location_is_taken_once_when_the_form_opens() {
    let mut s = session(located_form());
    assert!(s.wants_start_location());
    assert!(matches!(
        s.set_start_location(GeoPoint {
            latitude: 95.0,
            ..here()
        }),
        Err(SessionError::InvalidValue { .. })
    ));
    assert!(
        s.wants_start_location(),
        "a refused position records nothing"
    );
    s.set_start_location(here()).unwrap();
    assert!(!s.wants_start_location());
    s.set_start_location(GeoPoint {
        latitude: 10.0,
        ..here()
    })
    .unwrap();
    // No question shows it.
    assert!(s.screen().questions.iter().all(|q| q.name != "where"));
    set_text(&mut s, "name", "Lò Thị Mai");
    let sub = s.finalize(now()).unwrap();
    assert_eq!(
        sub.data["where"],
        json!({"latitude": 22.336, "longitude": 103.844, "altitude": 1560.0, "accuracy": 8.0}),
        "the first location stays"
    );

    // The server keeps the phone's location (only the phone knows it).
    let facts = ServerFacts {
        device_id: "0190a5b2-0000-7000-8000-000000000001".into(),
        username: "mai".into(),
        started_at: now(),
        finalized_at: now(),
        received_at: now() + Duration::hours(1),
    };
    let kept = s.form().recompute_data(&sub.data, &facts).unwrap();
    assert_eq!(kept.data["where"], sub.data["where"]);
    assert!(
        kept.mismatches.iter().all(|m| m.question != "where"),
        "{:?}",
        kept.mismatches
    );
}

#[test]
fn without_a_location_nothing_is_blocked_and_a_draft_brought_back_asks_no_more() {
    let mut s = session(located_form());
    // The screen reopens the new draft at once: it still wants the location.
    let opened = FormSession::restore(s.form().clone(), s.state()).unwrap();
    assert!(opened.wants_start_location());
    set_text(&mut s, "name", "Mai");
    let back = FormSession::restore(s.form().clone(), s.state()).unwrap();
    assert!(
        !back.wants_start_location(),
        "a later place is not where it started"
    );
    let sub = s.finalize(now()).unwrap();
    assert!(sub.data.get("where").is_none(), "{}", sub.data);
    assert!(!session(form(vec![text("name").n()])).wants_start_location());
}
