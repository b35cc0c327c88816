//! Finalizing into a submission, and re-validating submission data as the server does.

use serde_json::json;

use crate::engine::{FinalizeProblem, GeoPoint};

use super::*;

fn survey() -> Form {
    let mut members = repeat(
        "members",
        vec![
            text("name").required().n(),
            one("sex", "sex").n(),
            int("age")
                .constraint(". >= 0 and . < 120", "Tuổi từ 0 đến 119")
                .n(),
            text("school").relevant("${age} < 18").n(),
        ],
    );
    members.label = Texts(BTreeMap::from([(String::new(), "Thành viên".to_string())]));
    let f = form(vec![
        text("head").required().n(),
        Node::Group(group(
            "home",
            vec![
                q("where", FieldKind::Geopoint).n(),
                q("photo", FieldKind::Image).n(),
                many("assets", "assets").n(),
            ],
        )),
        Node::Group(Group {
            relevant: Some("${head} = 'skip'".into()),
            ..group("skipped", vec![text("hidden_q").n()])
        }),
        Node::Repeat(members),
        q("visit", FieldKind::Date).n(),
        calc("n", "count(${members})").n(),
        q("bmi", FieldKind::Decimal).n(),
    ]);
    with_lists(
        f,
        vec![
            list("sex", &[("f", "Nữ", &[]), ("m", "Nam", &[])]),
            list(
                "assets",
                &[
                    ("tv", "TV", &[]),
                    ("moto", "Xe máy", &[]),
                    ("phone", "Điện thoại", &[]),
                ],
            ),
        ],
    )
}

fn filled() -> FormSession {
    let mut s = session(survey());
    set_text(&mut s, "head", "Thào Thị Dợ");
    s.set_answer(
        "where",
        Answer::Geopoint {
            value: GeoPoint {
                latitude: 22.3,
                longitude: 103.8,
                altitude: None,
                accuracy: None,
            },
        },
    )
    .unwrap();
    s.set_answer(
        "photo",
        Answer::Photo {
            sha256: "ab".repeat(32),
        },
    )
    .unwrap();
    s.set_answer(
        "assets",
        Answer::Choices {
            names: vec!["moto".into(), "tv".into()],
        },
    )
    .unwrap();
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[1]/name", "Dợ");
    s.set_answer("members[1]/sex", Answer::Choice { name: "f".into() })
        .unwrap();
    set_int(&mut s, "members[1]/age", 35);
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[2]/name", "Mai");
    set_int(&mut s, "members[2]/age", 9);
    set_text(&mut s, "members[2]/school", "Trường Sà Phìn");
    s.set_answer("bmi", Answer::Decimal { value: 21.5 })
        .unwrap();
    s
}

#[test]
fn a_submission_has_a_stable_typed_shape() {
    let mut s = filled();
    let id = s.instance_id();
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.instance_id, id);
    assert_eq!(sub.instance_id.get_version_num(), 7);
    assert_eq!(
        (sub.form_id.as_str(), sub.form_version.as_str()),
        ("test", "1")
    );
    assert_eq!((sub.started_at, sub.finalized_at), (now(), now()));
    assert_eq!(
        sub.data,
        json!({
            "head": "Thào Thị Dợ",
            "home": {
                "where": {"latitude": 22.3, "longitude": 103.8, "altitude": 0.0, "accuracy": 0.0},
                "photo": "ab".repeat(32),
                "assets": ["tv", "moto"], // the form's order, not the order given
            },
            "members": [
                {"name": "Dợ", "sex": "f", "age": 35},
                {"name": "Mai", "age": 9, "school": "Trường Sà Phìn"},
            ],
            "n": "2",
            "bmi": 21.5,
        })
    );
    assert_eq!(sub.photos, ["ab".repeat(32)]);
    // Finalizing again gives the same submission id: a draft cannot become two records.
    assert_eq!(s.finalize(now()).unwrap().instance_id, id);
}

#[test]
fn answers_that_no_longer_apply_are_left_out() {
    let mut s = filled();
    set_int(&mut s, "members[2]/age", 20);
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["members"][1], json!({"name": "Mai", "age": 20}));
}

#[test]
fn finalize_lists_every_problem_with_where_to_jump() {
    let mut s = filled();
    s.clear_answer("head").unwrap();
    s.clear_answer("members[2]/name").unwrap();
    set_int(&mut s, "members[1]/age", 130);
    let problems = s.finalize(now()).unwrap_err();
    assert_eq!(
        problems,
        vec![
            FinalizeProblem {
                question: "head".into(),
                label: "HEAD".into(),
                message: "This question requires an answer.".into()
            },
            FinalizeProblem {
                question: "members[1]/age".into(),
                label: "AGE".into(),
                message: "Tuổi từ 0 đến 119".into()
            },
            FinalizeProblem {
                question: "members[2]/name".into(),
                label: "NAME".into(),
                message: "This question requires an answer.".into()
            },
        ]
    );
    s.jump(&problems[1].question).unwrap();
    assert_eq!(shown(&s), ["members[1]/age"]);
}

#[test]
fn finalized_data_validates_on_the_server() {
    let mut s = filled();
    let sub = s.finalize(now()).unwrap();
    let c = s.form().clone();
    assert_eq!(c.validate_data(&sub.data), Ok(()));
}

fn problems_of(data: serde_json::Value) -> Vec<(String, String)> {
    let c = compile(survey());
    c.validate_data(&data)
        .unwrap_err()
        .into_iter()
        .map(|p| (p.question, p.message))
        .collect()
}

#[test]
fn tampered_data_is_refused_with_reasons() {
    let base = || json!({"head": "H", "members": [{"name": "A", "age": 30}]});
    compile(survey()).validate_data(&base()).unwrap();

    let mut d = base();
    d["members"][0]["age"] = json!("thirty");
    let p = problems_of(d);
    assert_eq!(p[0].0, "members[1]/age");
    assert!(p[0].1.contains("expected an integer"), "{p:?}");

    let mut d = base();
    d["members"][0]["age"] = json!(150);
    assert_eq!(
        problems_of(d),
        [(
            "members[1]/age".to_string(),
            "Tuổi từ 0 đến 119".to_string()
        )]
    );

    let mut d = base();
    d["extra"] = json!(1);
    assert_eq!(problems_of(d)[0].0, "extra");

    let mut d = base();
    d["members"][0]["school"] = json!("X");
    assert_eq!(
        problems_of(d)[0],
        (
            "members[1]/school".into(),
            "answered although the question does not apply".into()
        )
    );

    let mut d = base();
    d["members"][0]["sex"] = json!("x");
    assert_eq!(
        problems_of(d)[0],
        (
            "members[1]/sex".into(),
            "This choice is no longer offered.".into()
        )
    );

    let mut d = base();
    d["members"][0].as_object_mut().unwrap().remove("name");
    assert_eq!(
        problems_of(d)[0],
        (
            "members[1]/name".into(),
            "This question requires an answer.".into()
        )
    );

    let mut d = base();
    d["skipped"] = json!({"hidden_q": "x"});
    assert_eq!(problems_of(d)[0].0, "hidden_q");

    let mut d = base();
    d["members"] = json!({"name": "A"});
    assert!(problems_of(d)[0].1.contains("must be an array"));

    assert!(
        problems_of(json!([1, 2]))[0]
            .1
            .contains("not a JSON object")
    );
}

#[test]
fn repeat_counts_are_checked_on_the_server() {
    let mut r = repeat("members", vec![text("name").n()]);
    r.repeat_count = Some("${n}".into());
    let c = compile(form(vec![int("n").n(), Node::Repeat(r)]));
    c.validate_data(&json!({"n": 2, "members": [{"name": "a"}, {"name": "b"}]}))
        .unwrap();
    let p = c
        .validate_data(&json!({"n": 3, "members": [{"name": "a"}, {"name": "b"}]}))
        .unwrap_err();
    assert_eq!(p[0].question, "members");
    assert!(
        p[0].message
            .contains("has 2 instance(s), but repeat_count says 3"),
        "{p:?}"
    );
}
