//! `geotrace` and `geoshape` questions taken point by point: every point is stored with
//! the draft as ODK's text, the question says what it still needs until complete, and
//! the server re-validates the finished line (closed, for a shape).

use serde_json::json;

use crate::engine::{GeoPoint, QuestionKind, SessionError};

use super::*;

fn at(latitude: f64, longitude: f64) -> GeoPoint {
    GeoPoint {
        latitude,
        longitude,
        altitude: Some(1500.0),
        accuracy: Some(3.0),
    }
}

fn survey() -> Form {
    form(vec![field_list(
        "page",
        vec![
            q("road", FieldKind::Geotrace).required().n(),
            calc("road_m", "round(distance(${road}), 0)").n(),
            q("field", FieldKind::Geoshape).n(),
            calc("field_m2", "round(area(${field}), 0)").n(),
            text("note").n(),
        ],
    )])
}

fn question(s: &FormSession, path: &str) -> crate::engine::Question {
    s.screen()
        .questions
        .into_iter()
        .find(|q| q.path == path)
        .unwrap()
}

#[test]
fn a_line_is_taken_point_by_point_and_complete_with_two() {
    let mut s = session(survey());
    let road = question(&s, "road");
    assert_eq!(road.kind, QuestionKind::Geotrace);
    assert_eq!(road.value, None);

    let update = s.add_line_point("road", at(22.33, 103.84)).unwrap();
    let answer = &update.answers[0];
    assert_eq!(
        answer.value,
        Some(Answer::GeoLine {
            points: vec![at(22.33, 103.84)]
        })
    );
    // One point is kept (a walk in progress) but is not yet an answer.
    assert_eq!(
        answer.error.as_deref(),
        Some("Add 1 more point(s): a line needs at least 2 different points.")
    );
    assert!(matches!(
        s.next(),
        Err(SessionError::PageIncomplete { count: 1 })
    ));

    s.add_line_point("road", at(22.331, 103.84)).unwrap();
    let road = question(&s, "road");
    assert_eq!(road.error, None);
    assert_eq!(
        road.value,
        Some(Answer::GeoLine {
            points: vec![at(22.33, 103.84), at(22.331, 103.84)]
        })
    );
    s.next().unwrap();
}

#[test]
fn the_last_point_is_taken_back_and_all_are_cleared() {
    let mut s = session(survey());
    for p in [at(1.0, 1.0), at(1.001, 1.0), at(1.002, 1.0)] {
        s.add_line_point("road", p).unwrap();
    }
    s.remove_last_line_point("road").unwrap();
    assert_eq!(
        question(&s, "road").value,
        Some(Answer::GeoLine {
            points: vec![at(1.0, 1.0), at(1.001, 1.0)]
        })
    );
    s.remove_last_line_point("road").unwrap();
    s.remove_last_line_point("road").unwrap();
    assert_eq!(question(&s, "road").value, None);
    assert!(matches!(
        s.remove_last_line_point("road"),
        Err(SessionError::InvalidValue { .. })
    ));
    s.add_line_point("road", at(1.0, 1.0)).unwrap();
    s.clear_answer("road").unwrap();
    assert_eq!(question(&s, "road").value, None);
}

#[test]
fn bad_points_and_other_questions_are_refused_and_change_nothing() {
    let mut s = session(survey());
    s.add_line_point("road", at(1.0, 1.0)).unwrap();
    let off = at(95.0, 1.0);
    match s.add_line_point("road", off) {
        Err(SessionError::InvalidValue { reason, .. }) => {
            assert!(reason.contains("point 2"), "{reason}");
            assert!(reason.contains("not a position on Earth"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        question(&s, "road").value,
        Some(Answer::GeoLine {
            points: vec![at(1.0, 1.0)]
        })
    );
    assert!(matches!(
        s.add_line_point("note", at(1.0, 1.0)),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.remove_last_line_point("note"),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.add_line_point("road_m", at(1.0, 1.0)),
        Err(SessionError::NotShown { .. } | SessionError::ReadOnly { .. })
    ));
    // A point is not a line, nor a line a point.
    assert!(matches!(
        s.set_answer(
            "road",
            Answer::Geopoint {
                value: at(1.0, 1.0)
            }
        ),
        Err(SessionError::WrongType { .. })
    ));
}

#[test]
fn a_shape_is_closed_measured_and_revalidated() {
    let mut s = session(survey());
    s.add_line_point("road", at(0.0, 0.0)).unwrap();
    s.add_line_point("road", at(0.0, 0.001)).unwrap();
    for p in [at(0.0, 0.0), at(0.0, 0.001)] {
        s.add_line_point("field", p).unwrap();
    }
    assert_eq!(
        question(&s, "field").error.as_deref(),
        Some("Add 1 more point(s): a shape needs at least 3 different points.")
    );
    s.add_line_point("field", at(0.001, 0.001)).unwrap();
    s.add_line_point("field", at(0.001, 0.0)).unwrap();
    assert_eq!(question(&s, "field").error, None);

    let sub = s.finalize(now()).unwrap();
    let field = sub.data["page"]["field"].as_str().unwrap();
    assert_eq!(
        field,
        "0 0 1500 3;0 0.001 1500 3;0.001 0.001 1500 3;0.001 0 1500 3;0 0 1500 3"
    );
    assert_eq!(sub.data["page"]["road"], json!("0 0 1500 3;0 0.001 1500 3"));
    // distance() and area() read the stored text: ~111 m, ~111 m squared on JavaRosa's sphere.
    assert_eq!(sub.data["page"]["road_m"], json!("111"));
    assert_eq!(sub.data["page"]["field_m2"], json!("12392"));

    let c = s.form().clone();
    assert_eq!(c.validate_data(&sub.data), Ok(()));
    let problem = |data: serde_json::Value| {
        let p = c.validate_data(&data).unwrap_err();
        (p[0].question.clone(), p[0].message.clone())
    };
    let mut open = sub.data.clone();
    open["page"]["field"] = json!("0 0 1500 3;0 0.001 1500 3;0.001 0.001 1500 3");
    let (q, m) = problem(open);
    assert_eq!(q, "field");
    assert!(m.contains("must repeat its first"), "{m}");
    let mut short = sub.data.clone();
    short["page"]["road"] = json!("0 0 1500 3");
    assert!(
        problem(short)
            .1
            .contains("needs at least 2 different points")
    );
    let mut not_text = sub.data.clone();
    not_text["page"]["road"] = json!([[0, 0], [0, 1]]);
    assert!(problem(not_text).1.contains("as text"));
}

#[test]
fn a_walk_in_progress_keeps_the_form_from_finalizing() {
    let mut s = session(survey());
    s.add_line_point("road", at(0.0, 0.0)).unwrap();
    s.add_line_point("field", at(0.0, 0.0)).unwrap();
    let problems = s.finalize(now()).unwrap_err();
    let paths: Vec<&str> = problems.iter().map(|p| p.question.as_str()).collect();
    assert_eq!(paths, ["road", "field"]);
}

#[test]
fn messages_follow_the_form_language() {
    let mut f = survey();
    f.languages = vec![Language {
        name: "Tiếng Việt (vi)".into(),
        code: Some("vi".into()),
    }];
    f.default_language = Some("Tiếng Việt (vi)".into());
    let mut s = session(f);
    s.add_line_point("field", at(0.0, 0.0)).unwrap();
    assert_eq!(
        question(&s, "field").error.as_deref(),
        Some("Cần thêm 2 điểm nữa: một vùng cần ít nhất 3 điểm khác nhau.")
    );
}
