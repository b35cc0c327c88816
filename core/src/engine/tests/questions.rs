//! Questions on a page: every type, typed errors, choices and filters, calculations,
//! defaults, metadata, languages and what an answer changes on the page.

use crate::engine::{
    AnswerUpdate, CalendarDate, GeoPoint, QuestionKind, ScreenUpdate, SessionError, SessionOptions,
    TimeOfDay,
};
use crate::form::MetaKind;

use super::*;

fn all_types() -> Form {
    let kinds = vec![
        text("t").n(),
        int("i").n(),
        q("d", FieldKind::Decimal).n(),
        one("so", "yn").n(),
        many("sm", "yn").n(),
        q("date", FieldKind::Date).n(),
        q("time", FieldKind::Time).n(),
        q("dt", FieldKind::DateTime).n(),
        q("geo", FieldKind::Geopoint).n(),
        q("photo", FieldKind::Image).param("max-pixels", "1024").n(),
        q("note", FieldKind::Note).n(),
        q("ack", FieldKind::Acknowledge).n(),
    ];
    with_lists(
        form(vec![field_list("all", kinds)]),
        vec![list("yn", &[("yes", "Yes", &[]), ("no", "No", &[])])],
    )
}

#[test]
fn every_question_type_takes_its_answer() {
    let mut s = session(all_types());
    let kinds: Vec<QuestionKind> = s.screen().questions.iter().map(|q| q.kind).collect();
    use QuestionKind::*;
    assert_eq!(
        kinds,
        [
            Text,
            Integer,
            Decimal,
            SelectOne,
            SelectMultiple,
            Date,
            Time,
            DateTime,
            Geopoint,
            Image,
            Note,
            Acknowledge
        ]
    );
    let answers = vec![
        (
            "t",
            Answer::Text {
                value: "Thào Thị Dợ".into(),
            },
        ),
        ("i", Answer::Integer { value: 42 }),
        ("d", Answer::Decimal { value: 1.25 }),
        ("so", Answer::Choice { name: "yes".into() }),
        (
            "sm",
            Answer::Choices {
                names: vec!["yes".into(), "no".into()],
            },
        ),
        (
            "date",
            Answer::Date {
                value: CalendarDate {
                    year: 1990,
                    month: 5,
                    day: 17,
                },
            },
        ),
        (
            "time",
            Answer::Time {
                value: TimeOfDay {
                    hour: 14,
                    minute: 30,
                    second: 0,
                },
            },
        ),
        ("dt", Answer::DateTime { value: now() }),
        (
            "geo",
            Answer::Geopoint {
                value: GeoPoint {
                    latitude: 22.33,
                    longitude: 103.84,
                    altitude: None,
                    accuracy: Some(5.0),
                },
            },
        ),
        (
            "photo",
            Answer::Photo {
                sha256: "0f".repeat(32),
            },
        ),
        ("ack", Answer::Acknowledged),
    ];
    for (path, answer) in &answers {
        s.set_answer(path, answer.clone())
            .unwrap_or_else(|e| panic!("{path}: {e}"));
    }
    let screen = s.screen();
    for (path, answer) in answers {
        let shown = value_on(&screen, path).unwrap();
        match (path, shown) {
            // An absent altitude is stored as 0, as ODK does.
            ("geo", Answer::Geopoint { value }) => {
                assert_eq!(
                    (value.latitude, value.longitude, value.accuracy),
                    (22.33, 103.84, Some(5.0))
                );
            }
            (_, shown) => assert_eq!(shown, answer, "{path}"),
        }
    }
    let photo = screen.questions.iter().find(|q| q.name == "photo").unwrap();
    assert_eq!(
        photo.parameters.get("max-pixels").map(String::as_str),
        Some("1024")
    );
    let note = screen.questions.iter().find(|q| q.name == "note").unwrap();
    assert!(note.read_only && note.value.is_none());
}

#[test]
fn wrong_answers_are_typed_errors() {
    let mut s = session(all_types());
    assert_eq!(
        s.set_answer("i", Answer::Text { value: "12".into() }),
        Err(SessionError::WrongType {
            question: "i".into(),
            expected: "an integer".into(),
            given: "text".into()
        })
    );
    assert!(matches!(
        s.set_answer(
            "date",
            Answer::Date {
                value: CalendarDate {
                    year: 2001,
                    month: 2,
                    day: 29
                }
            }
        ),
        Err(SessionError::InvalidValue { .. })
    ));
    assert_eq!(
        s.set_answer(
            "so",
            Answer::Choice {
                name: "maybe".into()
            }
        ),
        Err(SessionError::UnknownChoice {
            question: "so".into(),
            choice: "maybe".into()
        })
    );
    assert_eq!(
        s.set_answer(
            "sm",
            Answer::Choices {
                names: vec!["yes".into(), "maybe".into()]
            }
        ),
        Err(SessionError::UnknownChoice {
            question: "sm".into(),
            choice: "maybe".into()
        })
    );
    assert_eq!(
        s.set_answer("note", Answer::Acknowledged),
        Err(SessionError::ReadOnly {
            question: "note".into()
        })
    );
    assert_eq!(
        s.set_answer("nope", Answer::Acknowledged),
        Err(SessionError::UnknownQuestion {
            question: "nope".into()
        })
    );
    assert_eq!(
        s.set_answer("all", Answer::Acknowledged),
        Err(SessionError::UnknownQuestion {
            question: "all".into()
        })
    );
    // Nothing was stored by the failed attempts.
    assert!(s.screen().questions.iter().all(|q| q.value.is_none()));
}

#[test]
fn computed_and_read_only_questions_cannot_be_answered() {
    let f = form(vec![
        int("a").n(),
        int("double").calculation("${a} * 2").n(),
        text("locked").read_only("${a} > 5").n(),
        text("hidden").relevant("${a} = 1").n(),
    ]);
    let mut s = session(f);
    set_int(&mut s, "a", 4);
    assert_eq!(
        s.set_answer("double", Answer::Integer { value: 1 }),
        Err(SessionError::ReadOnly {
            question: "double".into()
        })
    );
    set_text(&mut s, "locked", "fine while a <= 5");
    set_int(&mut s, "a", 6);
    assert_eq!(
        s.set_answer("locked", Answer::Text { value: "x".into() }),
        Err(SessionError::ReadOnly {
            question: "locked".into()
        })
    );
    assert_eq!(
        s.set_answer("hidden", Answer::Text { value: "x".into() }),
        Err(SessionError::NotShown {
            question: "hidden".into()
        })
    );
    s.jump("double").unwrap();
    let screen = s.screen();
    assert_eq!(
        value_on(&screen, "double"),
        Some(Answer::Integer { value: 12 })
    );
    assert!(screen.questions[0].read_only);
}

#[test]
fn calculation_chains_follow_every_change() {
    let f = form(vec![
        int("a").n(),
        int("b").n(),
        calc("sum", "${a} + ${b}").n(),
        calc("double", "${sum} * 2").n(),
        calc("label", "if(${double} > 10, 'big', 'small')").n(),
        q("show", FieldKind::Note)
            .label("", "Total ${sum}, ${label}")
            .n(),
    ]);
    let mut s = session(f);
    set_int(&mut s, "a", 2);
    set_int(&mut s, "b", 1);
    s.jump("show").unwrap();
    assert_eq!(s.screen().questions[0].label, "Total 3, small");
    set_int(&mut s, "b", 4);
    assert_eq!(s.screen().questions[0].label, "Total 6, big");
    s.clear_answer("a").unwrap();
    assert_eq!(
        s.screen().questions[0].label,
        "Total NaN, small",
        "an empty answer is NaN in arithmetic, as XPath"
    );
}

#[test]
fn relevance_hides_without_losing_the_answer() {
    let f = form(vec![
        one("married", "yn").n(),
        int("spouse_age").relevant("${married} = 'yes'").n(),
        calc("uses_it", "${spouse_age} + 0").n(),
    ]);
    let mut s = session(with_lists(
        f,
        vec![list("yn", &[("yes", "Yes", &[]), ("no", "No", &[])])],
    ));
    s.set_answer("married", Answer::Choice { name: "yes".into() })
        .unwrap();
    set_int(&mut s, "spouse_age", 30);
    assert_eq!(
        s.state().answers.values.get("uses_it").map(String::as_str),
        Some("30")
    );
    s.set_answer("married", Answer::Choice { name: "no".into() })
        .unwrap();
    assert_eq!(
        s.state().answers.values.get("uses_it").map(String::as_str),
        Some("NaN"),
        "a hidden answer reads as empty"
    );
    s.set_answer("married", Answer::Choice { name: "yes".into() })
        .unwrap();
    s.jump("spouse_age").unwrap();
    assert_eq!(
        value_on(&s.screen(), "spouse_age"),
        Some(Answer::Integer { value: 30 }),
        "and comes back"
    );
}

#[test]
fn choice_filters_cascade() {
    let places = list(
        "communes",
        &[
            ("c1", "Commune 1", &[("district", "d1")]),
            ("c2", "Commune 2", &[("district", "d1")]),
            ("c3", "Commune 3", &[("district", "d2")]),
        ],
    );
    let districts = list(
        "districts",
        &[("d1", "District 1", &[]), ("d2", "District 2", &[])],
    );
    let f = form(vec![field_list(
        "where",
        vec![
            one("district", "districts").n(),
            one("commune", "communes")
                .choice_filter("district = ${district}")
                .n(),
        ],
    )]);
    let mut s = session(with_lists(f, vec![places, districts]));
    let names = |s: &FormSession| -> Vec<String> {
        s.screen().questions[1]
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert!(
        names(&s).is_empty(),
        "no district chosen: no commune matches"
    );
    let update = s
        .set_answer("district", Answer::Choice { name: "d1".into() })
        .unwrap();
    assert_eq!(names(&s), ["c1", "c2"]);
    assert!(
        update
            .changed
            .iter()
            .any(|q| q.path == "commune" && q.choices.len() == 2),
        "the update carries the new choices"
    );
    s.set_answer("commune", Answer::Choice { name: "c2".into() })
        .unwrap();
    assert_eq!(
        s.set_answer("commune", Answer::Choice { name: "c3".into() }),
        Err(SessionError::UnknownChoice {
            question: "commune".into(),
            choice: "c3".into()
        }),
        "a filtered-out choice cannot be chosen"
    );
    s.set_answer("district", Answer::Choice { name: "d2".into() })
        .unwrap();
    assert_eq!(names(&s), ["c3"]);
    assert_eq!(
        error_on(&s.screen(), "commune").as_deref(),
        Some("This choice is no longer offered.")
    );
    assert!(s.finalize(now()).is_err());
}

#[test]
fn or_other_offers_other() {
    let f = form(vec![
        q(
            "eth",
            FieldKind::SelectOne {
                list: "e".into(),
                or_other: true,
            },
        )
        .n(),
    ]);
    let mut s = session(with_lists(f, vec![list("e", &[("kinh", "Kinh", &[])])]));
    let choices: Vec<String> = s.screen().questions[0]
        .choices
        .iter()
        .map(|c| c.label.clone())
        .collect();
    assert_eq!(choices, ["Kinh", "Other"]);
    s.set_answer(
        "eth",
        Answer::Choice {
            name: "other".into(),
        },
    )
    .unwrap();
}

#[test]
fn defaults_and_metadata() {
    let f = form(vec![
        int("n").default("3").n(),
        q("visit", FieldKind::Date).default("today()").n(),
        text("copy").default("concat('n=', ${n})").n(),
        q("start", FieldKind::Meta(MetaKind::Start)).n(),
        q("today", FieldKind::Meta(MetaKind::Today)).n(),
        q("device", FieldKind::Meta(MetaKind::DeviceId)).n(),
        q("user", FieldKind::Meta(MetaKind::Username)).n(),
        q("end", FieldKind::Meta(MetaKind::End)).n(),
    ]);
    let options = SessionOptions {
        device_id: "android-123".into(),
        username: "chi.hoi.truong".into(),
        ..SessionOptions::new(now())
    };
    let mut s = FormSession::open(compile(f), &options).unwrap();
    assert_eq!(
        value_on(&s.screen(), "n"),
        Some(Answer::Integer { value: 3 })
    );
    let finalized = now() + chrono::Duration::minutes(5);
    let sub = s.finalize(finalized).unwrap();
    assert_eq!(
        sub.data["visit"], "2026-01-02",
        "today() is the date in Vietnam"
    );
    assert_eq!(sub.data["copy"], "n=3");
    assert_eq!(sub.data["start"], "2026-01-01T20:00:00.000Z");
    assert_eq!(sub.data["end"], "2026-01-01T20:05:00.000Z");
    assert_eq!(sub.data["today"], "2026-01-02");
    assert_eq!(sub.data["device"], "android-123");
    assert_eq!(sub.data["user"], "chi.hoi.truong");
}

#[test]
fn labels_follow_the_language_with_fallbacks() {
    let mut f = form(vec![
        text("name")
            .only_label("Tiếng Việt (vi)", "Họ tên")
            .label("English (en)", "Name")
            .n(),
        text("only_en")
            .only_label("English (en)", "English only")
            .n(),
        text("plain").only_label("", "Plain").n(),
        text("none").only_label("English (en)", "").n(),
        int("age")
            .constraint(". < 120", "")
            .constraint_message("Tiếng Việt (vi)", "Tuổi không hợp lệ")
            .n(),
        int("height").constraint(". < 250", "").n(),
    ]);
    f.languages = vec![
        lang("Tiếng Việt (vi)", Some("vi")),
        lang("English (en)", Some("en")),
        lang("Hmoob (hmn)", Some("hmn")),
    ];
    f.default_language = Some("English (en)".into());
    let c = compile(f);
    let labels = |s: &FormSession| -> Vec<String> {
        let mut s2 = FormSession::restore_at(s.form().clone(), s.state(), now()).unwrap();
        let mut out = Vec::new();
        for path in ["name", "only_en", "plain", "none"] {
            s2.jump(path).unwrap();
            out.push(s2.screen().questions[0].label.clone());
        }
        out
    };
    let vi = FormSession::new(c.clone(), Some("vi".into()), now());
    assert_eq!(vi.language(), "Tiếng Việt (vi)");
    assert_eq!(labels(&vi), ["Họ tên", "English only", "Plain", "none"]);
    let hmn = FormSession::new(c.clone(), Some("Hmoob".into()), now());
    assert_eq!(
        labels(&hmn),
        ["Name", "English only", "Plain", "none"],
        "no Hmong text: the default language"
    );
    let default = FormSession::new(c.clone(), None, now());
    assert_eq!(default.language(), "English (en)");
    let unknown = FormSession::new(c.clone(), Some("fr".into()), now());
    assert_eq!(unknown.language(), "English (en)", "new() falls back");
    let options = SessionOptions {
        language: Some("fr".into()),
        ..SessionOptions::new(now())
    };
    assert_eq!(
        FormSession::open(c.clone(), &options).err(),
        Some(SessionError::UnknownLanguage {
            language: "fr".into()
        })
    );
    let mut vi = vi;
    set_int(&mut vi, "age", 200);
    vi.jump("age").unwrap();
    assert_eq!(
        error_on(&vi.screen(), "age").as_deref(),
        Some("Tuổi không hợp lệ")
    );
    vi.set_language("en").unwrap();
    assert_eq!(
        error_on(&vi.screen(), "age").as_deref(),
        Some("Tuổi không hợp lệ"),
        "the only message there is"
    );
    set_int(&mut vi, "height", 300);
    vi.jump("height").unwrap();
    assert_eq!(
        error_on(&vi.screen(), "height").as_deref(),
        Some("This answer is not allowed.")
    );
    vi.set_language("Tiếng Việt").unwrap();
    assert_eq!(
        error_on(&vi.screen(), "height").as_deref(),
        Some("Câu trả lời này không hợp lệ.")
    );
    assert!(vi.set_language("xx").is_err());
}

#[test]
fn an_answer_reports_only_what_changed_on_the_page() {
    let f = form(vec![field_list(
        "p",
        vec![
            int("age").n(),
            text("school").relevant("${age} < 18").n(),
            text("job").relevant("${age} >= 18").n(),
            q("summary", FieldKind::Note).label("", "Age ${age}").n(),
            text("other").n(),
        ],
    )]);
    let mut s = session(f);
    assert_eq!(shown(&s), ["age", "summary", "other"]);
    let u = s.set_answer("age", Answer::Integer { value: 10 }).unwrap();
    assert_eq!(paths(&u), (vec!["school", "summary"], vec!["age"]));
    assert_eq!(u.answers[0].value, Some(Answer::Integer { value: 10 }));
    assert!(u.hidden.is_empty());
    assert_eq!(
        u.order.as_deref(),
        Some(&["age", "school", "summary", "other"].map(String::from)[..])
    );
    assert_eq!(u.changed[1].label, "Age 10");
    let u = s.set_answer("age", Answer::Integer { value: 30 }).unwrap();
    assert_eq!(paths(&u), (vec!["job", "summary"], vec!["age"]));
    assert_eq!(u.hidden, ["school"]);
    let u = s
        .set_answer("other", Answer::Text { value: "x".into() })
        .unwrap();
    assert_eq!(paths(&u), (vec![], vec!["other"]));
    assert_eq!(u.order, None, "the same questions are shown");
}

/// The paths an update draws whole, and those whose answer and message it sets.
fn paths(u: &ScreenUpdate) -> (Vec<&str>, Vec<&str>) {
    (
        u.changed.iter().map(|q| q.path.as_str()).collect(),
        u.answers.iter().map(|a| a.path.as_str()).collect(),
    )
}

#[test]
fn an_answer_sends_whole_only_the_questions_whose_look_it_can_change() {
    // `color`'s choices and label do not depend on its answer: only the answer goes,
    // without the choices. `size` quotes itself in its hint and is drawn whole; `total`
    // is computed from `n` and only its value goes; `n`'s constraint sets its message.
    let f = with_lists(
        form(vec![field_list(
            "p",
            vec![
                one("color", "colors").n(),
                int("size").hint("Now ${size}").n(),
                int("n").constraint(". < 10", "Too many").n(),
                int("total").calculation("${n} * 2").n(),
            ],
        )]),
        vec![list(
            "colors",
            &[("red", "Red", &[]), ("blue", "Blue", &[])],
        )],
    );
    let mut s = session(f);
    let u = s
        .set_answer("color", Answer::Choice { name: "red".into() })
        .unwrap();
    assert_eq!(
        u.answers,
        [AnswerUpdate {
            path: "color".into(),
            value: Some(Answer::Choice { name: "red".into() }),
            error: None,
        }]
    );
    assert!(u.changed.is_empty() && u.hidden.is_empty() && u.order.is_none());
    let u = s.set_answer("size", Answer::Integer { value: 3 }).unwrap();
    assert_eq!(paths(&u), (vec!["size"], vec![]));
    assert_eq!(u.changed[0].hint.as_deref(), Some("Now 3"));
    let u = s.set_answer("n", Answer::Integer { value: 12 }).unwrap();
    assert_eq!(paths(&u), (vec![], vec!["n", "total"]));
    assert_eq!(u.answers[0].error.as_deref(), Some("Too many"));
    assert_eq!(u.answers[1].value, Some(Answer::Integer { value: 24 }));
    let u = s.set_answer("n", Answer::Integer { value: 4 }).unwrap();
    assert_eq!(u.answers[0].error, None, "the message goes away");
}

#[test]
fn an_update_compares_with_the_page_as_it_shows_now() {
    // Between two answers the page can change without an answer: another language,
    // required answers marked by a refused `next`. The next update is relative to that.
    let mut f = form(vec![field_list(
        "p",
        vec![
            int("age")
                .label("English (en)", "Age")
                .label("Tiếng Việt (vi)", "Tuổi")
                .n(),
            text("name")
                .label("English (en)", "Name")
                .label("Tiếng Việt (vi)", "Tên")
                .required()
                .n(),
            text("other")
                .label("English (en)", "Other")
                .label("Tiếng Việt (vi)", "Khác")
                .n(),
        ],
    )]);
    f.languages = vec![
        lang("Tiếng Việt (vi)", Some("vi")),
        lang("English (en)", Some("en")),
    ];
    f.default_language = Some("English (en)".into());
    let mut s = FormSession::new(compile(f), None, now());
    s.set_answer("age", Answer::Integer { value: 10 }).unwrap();
    s.set_language("vi").unwrap();
    let u = s.set_answer("age", Answer::Integer { value: 11 }).unwrap();
    assert_eq!(
        paths(&u),
        (vec![], vec!["age"]),
        "the labels were already in Vietnamese"
    );
    assert!(s.next().is_err());
    let u = s
        .set_answer("other", Answer::Text { value: "x".into() })
        .unwrap();
    assert_eq!(
        paths(&u),
        (vec![], vec!["other"]),
        "the missing name was already shown as an error"
    );
}

#[test]
fn hints_render_with_answers() {
    let mut s = session(form(vec![
        text("name").n(),
        text("q").hint("Ask ${name} directly").n(),
    ]));
    set_text(&mut s, "name", "Dợ");
    s.jump("q").unwrap();
    assert_eq!(
        s.screen().questions[0].hint.as_deref(),
        Some("Ask Dợ directly")
    );
}

#[test]
fn text_answers_are_stored_in_nfc() {
    let mut s = session(form(vec![text("name").n()]));
    // "ợ" typed as o + combining horn + combining dot below.
    set_text(&mut s, "name", "D\u{6f}\u{31b}\u{323}");
    assert_eq!(
        value_on(&s.screen(), "name"),
        Some(Answer::Text {
            value: "Dợ".into()
        })
    );
}

#[test]
fn an_answer_evaluates_only_what_depends_on_it() {
    let mut body = vec![
        int("a").n(),
        calc("a2", "${a} * 2").n(),
        text("b").relevant("${a2} > 4").n(),
    ];
    // 500 computed items that do not read `a`.
    for i in 0..250 {
        body.push(int(&format!("x{i}")).n());
        body.push(calc(&format!("y{i}"), &format!("${{x{i}}} + 1")).n());
        body.push(
            text(&format!("z{i}"))
                .relevant(&format!("${{y{i}}} > 3"))
                .n(),
        );
    }
    let mut s = session(form(body));
    let before = s.evaluations();
    set_int(&mut s, "a", 3);
    assert_eq!(
        s.evaluations() - before,
        2,
        "a2's calculation, then b's relevance"
    );
    let before = s.evaluations();
    set_int(&mut s, "a", 3);
    assert_eq!(
        s.evaluations() - before,
        0,
        "the same answer again changes nothing"
    );
    let before = s.evaluations();
    set_int(&mut s, "x7", 5);
    assert_eq!(s.evaluations() - before, 2);
}

#[test]
fn jr_choice_name_shows_the_label_in_the_language() {
    let mut l = list("sex", &[("f", "Nữ", &[]), ("m", "Nam", &[])]);
    l.1.choices[0]
        .label
        .0
        .insert("English (en)".into(), "Female".into());
    let mut f = with_lists(
        form(vec![
            one("sex", "sex").n(),
            calc("sex_label", "jr:choice-name(${sex}, '${sex}')").n(),
        ]),
        vec![l],
    );
    f.languages = vec![lang("English (en)", Some("en"))];
    let mut s = FormSession::new(compile(f), Some("en".into()), now());
    s.set_answer("sex", Answer::Choice { name: "f".into() })
        .unwrap();
    assert_eq!(s.state().answers.values["sex_label"], "Female");
    s.set_answer("sex", Answer::Choice { name: "m".into() })
        .unwrap();
    assert_eq!(
        s.state().answers.values["sex_label"],
        "Nam",
        "no English label: the unsuffixed one"
    );
}

#[test]
fn choices_show_their_labels_in_the_session_language_and_follow_a_switch() {
    // Lists are compiled in name order ("aa" before "zz"), not in the order written.
    let mut sex = list(
        "zz_sex",
        &[("f", "Nữ", &[]), ("m", "Nam", &[]), ("x", "", &[])],
    );
    sex.1.choices[0]
        .label
        .0
        .insert("English (en)".into(), "Female".into());
    let mut color = list("aa_color", &[("red", "Đỏ", &[])]);
    color.1.choices[0]
        .label
        .0
        .insert("English (en)".into(), "Red".into());
    let mut f = with_lists(
        form(vec![one("sex", "zz_sex").n(), one("color", "aa_color").n()]),
        vec![sex, color],
    );
    f.languages = vec![lang("English (en)", Some("en"))];
    let labels = |s: &FormSession| -> Vec<String> {
        s.screen().questions[0]
            .choices
            .iter()
            .map(|c| c.label.clone())
            .collect()
    };
    let mut s = FormSession::new(compile(f), Some("en".into()), now());
    assert_eq!(
        labels(&s),
        ["Female", "Nam", "x"],
        "English, else unsuffixed, else the name"
    );
    s.set_language("").unwrap();
    assert_eq!(labels(&s), ["Nữ", "Nam", "x"]);
    s.set_answer("sex", Answer::Choice { name: "f".into() })
        .unwrap();
    s.next().unwrap();
    assert_eq!(labels(&s), ["Đỏ"]);
    s.set_language("en").unwrap();
    assert_eq!(labels(&s), ["Red"]);
}

#[test]
fn an_update_follows_what_an_answer_changes_through_relevance_and_counts() {
    // `a` hides the inner group, so `x` reads as empty in the note's label; `n` counts the
    // plots, which the other note shows through a calculation. Neither note reads the
    // answered question itself.
    let mut inner = group("inner", vec![text("x").n()]);
    inner.relevant = Some("${a} > 1".into());
    let mut plots = repeat("plots", vec![text("crop").n()]);
    plots.repeat_count = Some("${n}".into());
    let f = form(vec![
        field_list(
            "p",
            vec![
                int("a").n(),
                Node::Group(inner),
                q("saw", FieldKind::Note).label("", "Saw ${x}").n(),
                int("n").n(),
                q("plots_note", FieldKind::Note)
                    .label("", "Plots ${n_plots}")
                    .n(),
                text("other").n(),
            ],
        ),
        Node::Repeat(plots),
        calc("n_plots", "count(${plots})").n(),
    ]);
    let mut s = session(f);
    set_int(&mut s, "a", 5);
    set_text(&mut s, "x", "hi");
    let u = s.set_answer("a", Answer::Integer { value: 0 }).unwrap();
    assert_eq!(paths(&u), (vec!["saw"], vec!["a"]));
    assert_eq!(u.changed[0].label, "Saw ");
    assert_eq!(u.hidden, ["x"]);
    let u = s.set_answer("n", Answer::Integer { value: 3 }).unwrap();
    assert_eq!(paths(&u), (vec!["plots_note"], vec!["n"]));
    assert_eq!(u.changed[0].label, "Plots 3");
}

#[test]
fn randomize_orders_choices_by_seed_and_keeps_an_unseeded_order_in_a_session() {
    let names: Vec<String> = (1..=6).map(|i| format!("c{i}")).collect();
    let rows: Vec<super::ChoiceRow<'_>> = names
        .iter()
        .map(|n| (n.as_str(), n.as_str(), &[][..]))
        .collect();
    let choices_of = |s: &FormSession, q: usize| -> Vec<String> {
        s.screen().questions[q]
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    let f = with_lists(
        form(vec![field_list(
            "page",
            vec![
                int("seed").n(),
                one("seeded", "l")
                    .param("randomize", "true")
                    .param("seed", "${seed}")
                    .n(),
                one("unseeded", "l").param("randomize", "true").n(),
                one("plain", "l").n(),
            ],
        )]),
        vec![list("l", &rows)],
    );
    let mut s = session(f);
    // The seeded order is randomize()'s for that seed; without a number it is as written.
    assert_eq!(choices_of(&s, 1), names);
    s.set_answer("seed", Answer::Integer { value: 1 }).unwrap();
    let ids: Vec<u32> = (1..=6).collect();
    let expected: Vec<String> = crate::expr::shuffle::shuffle_seeded(&ids, 1)
        .iter()
        .map(|i| format!("c{i}"))
        .collect();
    assert_eq!(choices_of(&s, 1), expected);
    assert_ne!(expected, names);
    // Unseeded: every choice once, the same order on every screen of the session.
    let first = choices_of(&s, 2);
    let mut sorted = first.clone();
    sorted.sort();
    assert_eq!(sorted, names);
    s.set_answer("seed", Answer::Integer { value: 2 }).unwrap();
    assert_eq!(choices_of(&s, 2), first);
    assert_eq!(choices_of(&s, 3), names, "no randomize: as written");
}

#[test]
fn instance_lookups_read_choice_lists_and_follow_their_inputs() {
    let villages = list(
        "villages",
        &[
            (
                "v1",
                "Bản Phùng",
                &[("district", "d1"), ("households", "40")],
            ),
            ("v2", "Bản Lả", &[("district", "d1"), ("households", "25")]),
            (
                "v3",
                "Bản Khoang",
                &[("district", "d2"), ("households", "60")],
            ),
        ],
    );
    let f = with_lists(
        form(vec![
            text("d").n(),
            calc(
                "count_in_d",
                "count(instance('villages')/root/item[district = ${d}])",
            )
            .n(),
            calc(
                "households",
                "sum(instance('villages')/root/item[district = current()/../d]/households)",
            )
            .n(),
            calc(
                "first_label",
                "instance('villages')/root/item[district = ${d}]/label",
            )
            .n(),
        ]),
        vec![villages],
    );
    let mut s = session(f);
    s.set_answer("d", Answer::Text { value: "d1".into() })
        .unwrap();
    let values = &s.state().answers.values;
    assert_eq!(values["count_in_d"], "2");
    assert_eq!(values["households"], "65");
    assert_eq!(values["first_label"], "Bản Phùng");
    // A change of the input recalculates every lookup that reads it.
    s.set_answer("d", Answer::Text { value: "d2".into() })
        .unwrap();
    let values = &s.state().answers.values;
    assert_eq!(values["count_in_d"], "1");
    assert_eq!(values["households"], "60");
    assert_eq!(values["first_label"], "Bản Khoang");
}

#[test]
fn instance_lookups_naming_unknown_lists_or_columns_are_refused_at_their_cell() {
    let f = with_lists(
        form(vec![
            calc("a", "count(instance('nowhere')/root/item)").row(2).n(),
            calc("b", "instance('l')/root/item/colour").row(3).n(),
            calc("c", "count(instance('l')/root/item[colour = 'x'])")
                .row(4)
                .n(),
        ]),
        vec![list("l", &[("x", "X", &[])])],
    );
    let problems = CompiledForm::compile(f).unwrap_err();
    let found: Vec<(u32, &str)> = problems
        .iter()
        .map(|p| (p.row, p.message.as_str()))
        .collect();
    assert!(
        found
            .iter()
            .any(|(r, m)| *r == 2 && m.contains("instance('nowhere') names no choice list")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, m)| *r == 3 && m.contains("no column 'colour'")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|(r, m)| *r == 4 && m.contains("no column 'colour'")),
        "{found:?}"
    );
}

/// The answered question's update: its choices, just accepted, are not looked up again
/// when no filter narrows the list, and its constraint is still checked; a list its own
/// answer filters still shows "choice gone".
#[test]
fn the_answered_select_shows_its_message() {
    let abc = || list("abc", &[("a", "A", &[]), ("b", "B", &[]), ("c", "C", &[])]);
    let f = form(vec![
        one("plain", "abc").constraint(". != 'b'", "not b").n(),
        many("several", "abc")
            .constraint("not(selected(., 'c'))", "not c")
            .n(),
        one("picky", "abc").choice_filter("name != ${picky}").n(),
    ]);
    let mut s = session(with_lists(f, vec![abc()]));
    let pick = |s: &mut FormSession, q: &str, names: &[&str]| -> AnswerUpdate {
        let answer = match names {
            [one] if q != "several" => Answer::Choice {
                name: (*one).into(),
            },
            _ => Answer::Choices {
                names: names.iter().map(|n| (*n).to_string()).collect(),
            },
        };
        let update = s.set_answer(q, answer).unwrap();
        assert!(update.changed.is_empty(), "{update:?}");
        let [answer] = &update.answers[..] else {
            panic!("{update:?}")
        };
        assert_eq!(
            answer.error,
            error_on(&s.screen(), q),
            "the update says what the page shows"
        );
        answer.clone()
    };
    assert_eq!(pick(&mut s, "plain", &["a"]).error, None);
    assert_eq!(
        pick(&mut s, "plain", &["b"]).error.as_deref(),
        Some("not b")
    );
    assert_eq!(pick(&mut s, "plain", &["c"]).error, None);
    s.next().unwrap();
    let update = pick(&mut s, "several", &["c", "a"]);
    assert_eq!(update.error.as_deref(), Some("not c"));
    assert_eq!(
        update.value,
        Some(Answer::Choices {
            names: vec!["a".into(), "c".into()]
        }),
        "in the list's order"
    );
    assert_eq!(pick(&mut s, "several", &["b", "a"]).error, None);
    s.next().unwrap();
    // Its own answer takes the choice off its list: the page shows it is gone.
    let update = s
        .set_answer("picky", Answer::Choice { name: "a".into() })
        .unwrap();
    let gone = Some("This choice is no longer offered.");
    assert_eq!(error_on(&s.screen(), "picky").as_deref(), gone);
    let sent = update
        .changed
        .iter()
        .find(|q| q.path == "picky")
        .map(|q| q.error.as_deref())
        .or_else(|| {
            update
                .answers
                .iter()
                .find(|a| a.path == "picky")
                .map(|a| a.error.as_deref())
        });
    assert_eq!(sent, Some(gone), "{update:?}");
}

/// A question's path is found with slashes and spaces around it and inside repeats
/// (the common case, a bare name outside repeats, is looked up at once).
#[test]
fn paths_resolve_however_written() {
    let f = form(vec![
        text("name").n(),
        text("name-").n(),
        Node::Repeat(repeat("members", vec![text("who").n()])),
    ]);
    let mut s = session(f);
    for path in ["name", "/name", "name/", " name ", "/name/", "\tname\n"] {
        set_text(&mut s, path, path);
        assert_eq!(s.state().answers.values["name"], path, "{path:?}");
    }
    set_text(&mut s, "name-", "trailing dash");
    assert_eq!(s.state().answers.values["name-"], "trailing dash");
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[1]/who", "Dợ");
    assert_eq!(
        s.set_answer("members[2]/who", Answer::Text { value: "x".into() }),
        Err(SessionError::UnknownQuestion {
            question: "members[2]/who".into()
        })
    );
    assert!(matches!(
        s.set_answer("who", Answer::Text { value: "x".into() }),
        Err(SessionError::UnknownQuestion { .. })
    ));
    assert!(matches!(
        s.set_answer("nobody", Answer::Text { value: "x".into() }),
        Err(SessionError::UnknownQuestion { .. })
    ));
}
