//! Drafts: a saved state restores exactly, and a state that does not fit is refused.

use crate::engine::{SavedPosition, SessionError, SessionState};

use super::*;

fn survey() -> Form {
    let members = repeat(
        "members",
        vec![
            text("name").required().n(),
            int("age").n(),
            calc("key", "once(concat(${name}, '-', uuid()))").n(),
        ],
    );
    let mut f = form(vec![
        text("village").label("Tiếng Việt (vi)", "Thôn").n(),
        int("n").default("5").n(),
        Node::Repeat(members),
        text("late").relevant("${n} > 3").n(),
        calc("total", "sum(${age})").n(),
    ]);
    f.languages = vec![lang("Tiếng Việt (vi)", Some("vi"))];
    f
}

fn restored(s: &FormSession) -> FormSession {
    let json = serde_json::to_string(&s.state()).unwrap();
    let state: SessionState = serde_json::from_str(&json).unwrap();
    FormSession::restore_at(s.form().clone(), state, now()).unwrap()
}

#[test]
fn a_draft_restores_exactly() {
    let mut s = FormSession::new(compile(survey()), Some("vi".into()), now());
    set_text(&mut s, "village", "Sà Phìn");
    s.clear_answer("n").unwrap();
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[1]/name", "A");
    set_int(&mut s, "members[1]/age", 30);
    s.add_repeat("members").unwrap();
    set_int(&mut s, "members[2]/age", 4);
    // Trying to move on without the required name shows the error; that is kept too.
    assert!(s.next().is_err());
    let back = restored(&s);
    assert_eq!(back.state(), s.state());
    assert_eq!(back.screen(), s.screen());
    assert_eq!(back.language(), "Tiếng Việt (vi)");
    assert_eq!(back.instance_id(), s.instance_id());
    assert_eq!(back.screen().breadcrumbs[0].text, "MEMBERS 2/2");
    assert!(back.screen().questions[0].error.is_some());
    assert_eq!(
        back.state().answers.values.get("n"),
        None,
        "a cleared default stays cleared"
    );
    assert_eq!(
        back.state().answers.repeats["members"][0].values["key"],
        s.state().answers.repeats["members"][0].values["key"],
        "once() keeps its value across a restore"
    );
    // Both go on the same way.
    let mut a = s;
    let mut b = back;
    for x in [&mut a, &mut b] {
        set_text(x, "members[2]/name", "B");
        x.next().unwrap();
        x.next().unwrap();
    }
    assert_eq!(a.screen(), b.screen());
    let (sa, sb) = (a.finalize(now()).unwrap(), b.finalize(now()).unwrap());
    assert_eq!(sa, sb);
    assert_eq!(sa.data["total"], "34");
}

#[test]
fn positions_at_prompts_and_end_restore() {
    let mut s = session(survey());
    s.next().unwrap();
    s.next().unwrap();
    assert_eq!(
        s.state().position,
        SavedPosition::RepeatPrompt {
            path: "members".into()
        }
    );
    assert_eq!(restored(&s).screen(), s.screen());
    s.next().unwrap();
    s.next().unwrap();
    assert_eq!(s.state().position, SavedPosition::End);
    assert_eq!(restored(&s).screen(), s.screen());
}

#[test]
fn a_state_that_does_not_fit_is_refused() {
    let s = session(survey());
    let c = s.form().clone();
    let mut other = s.state();
    other.form_version = "2".into();
    assert!(matches!(
        FormSession::restore(c.clone(), other),
        Err(SessionError::FormMismatch { .. })
    ));
    let mut bad = s.state();
    bad.answers.values.insert("nope".into(), "x".into());
    assert!(matches!(
        FormSession::restore(c.clone(), bad),
        Err(SessionError::BadState { .. })
    ));
    let mut bad = s.state();
    bad.answers
        .repeats
        .insert("village".into(), vec![Default::default()]);
    assert!(matches!(
        FormSession::restore(c.clone(), bad),
        Err(SessionError::BadState { .. })
    ));
    let mut bad = s.state();
    bad.position = SavedPosition::Page {
        path: "members[7]/name".into(),
    };
    assert!(matches!(
        FormSession::restore(c, bad),
        Err(SessionError::BadState { .. })
    ));
}

#[test]
fn a_name_in_two_groups_has_a_path_per_group_in_the_screen_the_draft_and_the_data() {
    let f = form(vec![
        Node::Group(group("mother", vec![text("name").n()])),
        Node::Group(group("father", vec![text("name").n()])),
        Node::Repeat(repeat(
            "child",
            vec![
                text("name").n(),
                Node::Group(group("school", vec![text("name").n()])),
            ],
        )),
    ]);
    let mut s = session(f);
    assert_eq!(shown(&s), ["mother/name"]);
    set_text(&mut s, "mother/name", "Thào Thị Dợ");
    set_text(&mut s, "father/name", "Giàng A Páo");
    s.add_repeat("child").unwrap();
    set_text(&mut s, "child[1]/name", "Mai");
    set_text(&mut s, "child[1]/school/name", "Bản Hồ");
    // A name alone no longer says which question it is.
    assert!(
        s.set_answer("name", Answer::Text { value: "?".into() })
            .is_err()
    );
    let back = restored(&s);
    assert_eq!(back.state(), s.state());
    assert_eq!(back.state().answers.values["father/name"], "Giàng A Páo");
    let mut s = back;
    while s.next().is_ok() {}
    let data = s.finalize(now()).unwrap().data;
    assert_eq!(data["mother"]["name"], "Thào Thị Dợ");
    assert_eq!(data["father"]["name"], "Giàng A Páo");
    assert_eq!(data["child"][0]["name"], "Mai");
    assert_eq!(data["child"][0]["school"]["name"], "Bản Hồ");
}
