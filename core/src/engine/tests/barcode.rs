//! `barcode` questions: the code's text, scanned by the camera or typed by hand, kept
//! without the control characters scanners add, and checked (required, constraint) as
//! text is, on the phone and again on the server.

use serde_json::json;

use crate::engine::{QuestionKind, SessionError};

use super::*;

fn labelled() -> Form {
    form(vec![
        q("code", FieldKind::Barcode)
            .required()
            .constraint("string-length(.) = 13", "13 chữ số")
            .n(),
        calc("prefix", "substr(${code}, 0, 3)").n(),
    ])
}

#[test]
fn a_scanned_code_is_kept_without_control_characters_and_shown_as_a_barcode() {
    let mut s = session(labelled());
    let q = s.screen().questions[0].clone();
    assert_eq!(q.kind, QuestionKind::Barcode);
    // What a GS1 scan gives: a group separator first, a line end after.
    s.type_answer("code", "\u{1d}8934563138165\r\n").unwrap();
    assert_eq!(s.state().answers.values["code"], "8934563138165");
    assert_eq!(
        value_on(&s.screen(), "code"),
        Some(Answer::Text {
            value: "8934563138165".into()
        })
    );
    assert_eq!(s.state().answers.values["prefix"], "893");
    // Set as a typed answer, the same rule holds.
    s.set_answer(
        "code",
        Answer::Text {
            value: " 8934563138172\n".into(),
        },
    )
    .unwrap();
    assert_eq!(s.state().answers.values["code"], "8934563138172");
    // A scan that held only control characters clears the answer, as an emptied box does.
    s.type_answer("code", "\r\n").unwrap();
    assert_eq!(value_on(&s.screen(), "code"), None);
    assert!(matches!(
        s.set_answer(
            "code",
            Answer::Text {
                value: "\u{1d}".into()
            }
        ),
        Err(SessionError::InvalidValue { .. })
    ));
    assert!(matches!(
        s.set_answer("code", Answer::Integer { value: 8 }),
        Err(SessionError::WrongType { .. })
    ));
}

#[test]
fn a_barcode_is_required_and_constrained_as_text_on_the_phone_and_the_server() {
    let mut s = session(labelled());
    assert!(s.finalize(now()).is_err(), "required");
    s.type_answer("code", "12345").unwrap();
    assert!(s.screen().questions[0].error.is_some(), "13 digits");
    s.type_answer("code", "8934563138165").unwrap();
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["code"], json!("8934563138165"));
    let c = compile(labelled());
    assert_eq!(c.validate_data(&sub.data), Ok(()));
    let problems = c
        .validate_data(&json!({"code": "12345", "prefix": "123"}))
        .unwrap_err();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert_eq!(problems[0].question, "code");
    assert!(c.validate_data(&json!({"code": 8934563138165u64})).is_err());
    assert!(c.validate_data(&json!({})).is_err(), "required");
}
