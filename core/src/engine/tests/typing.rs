//! Answers as she gives them on a screen: text and numbers as typed, ticks of a
//! select_multiple in any order, and the repeat entry a page offers to remove. Both apps
//! hand these intents to the core unchanged, so these are the rules of both.

use crate::engine::{QuestionKind, SessionError};

use super::*;

fn typing_form() -> Form {
    let mut members = repeat("members", vec![text("name").n()]);
    members.label = Texts(BTreeMap::from([(String::new(), "Thành viên".to_string())]));
    let mut counted = repeat("visits", vec![text("note").n()]);
    counted.repeat_count = Some("2".into());
    with_lists(
        form(vec![
            field_list(
                "page",
                vec![
                    text("t").n(),
                    int("i").n(),
                    q("d", FieldKind::Decimal).n(),
                    many("sm", "abc").n(),
                    one("so", "abc").n(),
                ],
            ),
            Node::Repeat(members),
            Node::Repeat(counted),
        ]),
        vec![list(
            "abc",
            &[("a", "Ạ", &[]), ("b", "Bê", &[]), ("c", "Xê", &[])],
        )],
    )
}

fn value(s: &FormSession, path: &str) -> Option<Answer> {
    value_on(&s.screen(), path)
}

#[test]
fn the_same_ticks_store_the_same_answer_whatever_their_order() {
    let orders = [["c", "a", "b"], ["a", "b", "c"], ["b", "c", "a"]];
    let mut stored = Vec::new();
    for order in orders {
        let mut s = session(typing_form());
        for choice in order {
            s.toggle_choice("sm", choice).unwrap();
        }
        stored.push((value(&s, "sm"), s.state().answers.values["sm"].clone()));
    }
    let expected = Answer::Choices {
        names: vec!["a".into(), "b".into(), "c".into()],
    };
    for (shown, saved) in &stored {
        assert_eq!(shown.as_ref(), Some(&expected));
        assert_eq!(saved, "a b c");
    }
}

#[test]
fn choices_set_at_once_are_kept_in_the_forms_order_too() {
    let mut s = session(typing_form());
    s.set_answer(
        "sm",
        Answer::Choices {
            names: vec!["c".into(), "a".into()],
        },
    )
    .unwrap();
    assert_eq!(
        value(&s, "sm"),
        Some(Answer::Choices {
            names: vec!["a".into(), "c".into()]
        })
    );
}

#[test]
fn a_second_tick_unticks_and_the_last_untick_clears() {
    let mut s = session(typing_form());
    s.toggle_choice("sm", "b").unwrap();
    s.toggle_choice("sm", "a").unwrap();
    s.toggle_choice("sm", "b").unwrap();
    assert_eq!(
        value(&s, "sm"),
        Some(Answer::Choices {
            names: vec!["a".into()]
        })
    );
    s.toggle_choice("sm", "a").unwrap();
    assert_eq!(value(&s, "sm"), None);
    assert!(matches!(
        s.toggle_choice("sm", "zz"),
        Err(SessionError::UnknownChoice { .. })
    ));
    assert!(matches!(
        s.toggle_choice("so", "a"),
        Err(SessionError::WrongType { .. })
    ));
}

#[test]
fn numbers_are_read_as_typed_with_a_decimal_comma() {
    let mut s = session(typing_form());
    s.type_answer("d", "1,5").unwrap();
    assert_eq!(value(&s, "d"), Some(Answer::Decimal { value: 1.5 }));
    s.type_answer("d", " -2.25 ").unwrap();
    assert_eq!(value(&s, "d"), Some(Answer::Decimal { value: -2.25 }));
    s.type_answer("i", " 42").unwrap();
    assert_eq!(value(&s, "i"), Some(Answer::Integer { value: 42 }));
    s.type_answer("t", " Lò Thị Mai ").unwrap();
    assert_eq!(
        value(&s, "t"),
        Some(Answer::Text {
            value: " Lò Thị Mai ".into()
        })
    );
    // An emptied box clears the answer.
    s.type_answer("i", "  ").unwrap();
    assert_eq!(value(&s, "i"), None);
    s.type_answer("t", "").unwrap();
    assert_eq!(value(&s, "t"), None);
}

#[test]
fn what_is_not_a_number_is_a_typed_error_and_changes_nothing() {
    let mut s = session(typing_form());
    s.type_answer("d", "2,5").unwrap();
    for bad in ["1e999", "1e5", "inf", "NaN", "1,2,3", "abc", "-"] {
        assert_eq!(
            s.type_answer("d", bad),
            Err(SessionError::NotANumber {
                question: "d".into(),
                expected: "a number".into()
            }),
            "{bad}"
        );
    }
    assert_eq!(value(&s, "d"), Some(Answer::Decimal { value: 2.5 }));
    for bad in ["1,5", "99999999999999999999", "12a"] {
        assert!(
            matches!(
                s.type_answer("i", bad),
                Err(SessionError::NotANumber { .. })
            ),
            "{bad}"
        );
    }
    assert!(matches!(
        s.type_answer("sm", "a"),
        Err(SessionError::WrongType { .. })
    ));
    assert!(matches!(
        s.type_answer("nothing", "1"),
        Err(SessionError::UnknownQuestion { .. })
    ));
}

#[test]
fn typed_answers_follow_the_question_kind() {
    use QuestionKind::*;
    assert_eq!(
        Answer::typed(Decimal, "0,125"),
        Ok(Some(Answer::Decimal { value: 0.125 }))
    );
    assert_eq!(
        Answer::typed(Integer, "+7"),
        Ok(Some(Answer::Integer { value: 7 }))
    );
    assert_eq!(Answer::typed(Date, "2026-01-01").ok(), None);
}

#[test]
fn a_page_of_a_repeat_entry_offers_that_entry_for_removal() {
    let mut s = session(typing_form());
    assert_eq!(s.screen().removable_entry, None, "not in an entry");
    s.next().unwrap();
    s.add_repeat("members").unwrap();
    s.add_repeat("members").unwrap();
    let screen = s.screen();
    assert_eq!(screen.removable_entry.as_deref(), Some("members[2]"));
    s.remove_repeat("members[2]").unwrap();
    s.jump("members[1]/name").unwrap();
    assert_eq!(s.screen().removable_entry.as_deref(), Some("members[1]"));
    s.jump("visits[1]/note").unwrap();
    assert_eq!(
        s.screen().removable_entry,
        None,
        "the form sets how many visits there are"
    );
}
