//! `audio` and `video` questions: answered with a recording the store holds, named by
//! its SHA-256, listed with the photos among the files a submission needs, and checked
//! again on the server.

use serde_json::json;

use crate::engine::{QuestionKind, SessionError};

use super::*;

fn recorded() -> Form {
    form(vec![field_list(
        "page",
        vec![
            q("voice", FieldKind::Audio).required().n(),
            q("clip", FieldKind::Video).n(),
            q("photo", FieldKind::Image).n(),
        ],
    )])
}

fn recording(hex: &str) -> Answer {
    Answer::Recording {
        sha256: hex.repeat(32),
    }
}

#[test]
fn recordings_answer_sound_and_video_questions_and_travel_as_files() {
    let mut s = session(recorded());
    let kinds: Vec<QuestionKind> = s.screen().questions.iter().map(|q| q.kind).collect();
    assert_eq!(
        kinds,
        [
            QuestionKind::Audio,
            QuestionKind::Video,
            QuestionKind::Image
        ]
    );
    assert!(matches!(
        s.set_answer(
            "voice",
            Answer::Photo {
                sha256: "ab".repeat(32)
            }
        ),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.set_answer("photo", recording("ab")),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.set_answer(
            "voice",
            Answer::Recording {
                sha256: "not a hash".into()
            }
        ),
        Err(SessionError::InvalidValue { .. })
    ));
    assert!(
        s.finalize(now()).is_err(),
        "the sound recording is required"
    );
    s.set_answer("voice", recording("AB")).unwrap();
    assert_eq!(value_on(&s.screen(), "voice"), Some(recording("ab")));
    s.set_answer("clip", recording("cd")).unwrap();
    s.set_answer(
        "photo",
        Answer::Photo {
            sha256: "ef".repeat(32),
        },
    )
    .unwrap();
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["page"]["voice"], json!("ab".repeat(32)));
    assert_eq!(sub.data["page"]["clip"], json!("cd".repeat(32)));
    assert_eq!(
        sub.photos,
        ["ab", "cd", "ef"].map(|h| h.repeat(32)),
        "every file the answers name travels beside the record"
    );
    let c = compile(recorded());
    assert_eq!(c.validate_data(&sub.data), Ok(()));
    assert!(c.validate_data(&json!({"page": {"voice": "abc"}})).is_err());
    assert!(c.validate_data(&json!({"page": {"voice": 12}})).is_err());
    assert!(
        c.validate_data(&json!({"page": {"clip": "cd".repeat(32)}}))
            .is_err(),
        "required"
    );
}
