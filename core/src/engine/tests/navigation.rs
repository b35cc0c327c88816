//! Moving through pages: skipping what does not apply, field-list pages, required and
//! constraint checks on next, back, jumps and progress.

use super::*;
use crate::engine::{Page, SessionError};

fn survey() -> Form {
    form(vec![
        int("age").required().n(),
        calc("adult", "${age} >= 18").n(),
        text("job").relevant("${adult} = 'true'").n(),
        field_list(
            "contact",
            vec![
                text("phone").n(),
                text("email").relevant("${phone} = ''").n(),
            ],
        ),
        Node::Group(Group {
            relevant: Some("${age} > 60".into()),
            ..group("elder", vec![text("pension").n()])
        }),
        text("notes").n(),
    ])
}

#[test]
fn pages_skip_what_does_not_apply() {
    let mut s = session(survey());
    assert_eq!(shown(&s), ["age"]);
    let screen = s.screen();
    assert!(!screen.can_go_back && screen.can_go_next);
    assert_eq!(screen.progress_percent, 0);
    set_int(&mut s, "age", 12);
    s.next().unwrap();
    // `job` does not apply to a child: straight to the field-list page.
    assert_eq!(shown(&s), ["phone", "email"]);
    assert_eq!(s.screen().title.as_deref(), Some("CONTACT"));
    set_text(&mut s, "phone", "0912");
    assert_eq!(shown(&s), ["phone"], "email no longer applies");
    s.next().unwrap();
    assert_eq!(shown(&s), ["notes"], "the elder group is skipped");
    s.next().unwrap();
    let end = s.screen();
    assert_eq!(end.page, Page::End);
    assert!(!end.can_go_next && end.can_go_back);
    assert_eq!(end.progress_percent, 100);
    assert_eq!(s.next(), Err(SessionError::AtEnd));
    s.back().unwrap();
    assert_eq!(shown(&s), ["notes"]);
    s.back().unwrap();
    s.back().unwrap();
    assert_eq!(shown(&s), ["age"]);
    assert_eq!(s.back(), Err(SessionError::AtStart));
}

#[test]
fn answers_change_the_way_through() {
    let mut s = session(survey());
    set_int(&mut s, "age", 70);
    s.next().unwrap();
    assert_eq!(shown(&s), ["job"]);
    s.next().unwrap();
    s.next().unwrap();
    assert_eq!(shown(&s), ["pension"]);
    let crumbs = s.screen().breadcrumbs;
    assert_eq!(crumbs.len(), 1);
    assert_eq!(crumbs[0].text, "ELDER");
}

#[test]
fn next_checks_required_and_constraints_of_the_page() {
    let f = form(vec![
        field_list(
            "p",
            vec![
                int("a").required().n(),
                int("b").constraint(". < 10", "Below 10, please").n(),
            ],
        ),
        text("after").n(),
    ]);
    let mut s = session(f);
    assert_eq!(
        error_on(&s.screen(), "a"),
        None,
        "no error before trying to move on"
    );
    assert_eq!(s.next(), Err(SessionError::PageIncomplete { count: 1 }));
    assert_eq!(
        error_on(&s.screen(), "a").as_deref(),
        Some("This question requires an answer.")
    );
    set_int(&mut s, "b", 12);
    assert_eq!(
        error_on(&s.screen(), "b").as_deref(),
        Some("Below 10, please"),
        "constraints show at once"
    );
    assert_eq!(s.next(), Err(SessionError::PageIncomplete { count: 2 }));
    set_int(&mut s, "a", 1);
    set_int(&mut s, "b", 3);
    let screen = s.screen();
    assert_eq!(
        (error_on(&screen, "a"), error_on(&screen, "b")),
        (None, None)
    );
    s.next().unwrap();
    assert_eq!(shown(&s), ["after"]);
}

#[test]
fn jump_and_jump_targets() {
    let mut s = session(survey());
    set_int(&mut s, "age", 70);
    let targets = s.jump_targets();
    let paths: Vec<&str> = targets.iter().map(|t| t.path.as_str()).collect();
    assert_eq!(paths, ["age", "job", "phone", "email", "pension", "notes"]);
    assert!(targets[0].answered && targets[0].current);
    assert!(!targets[1].answered && !targets[1].current);
    assert_eq!(targets[4].section, "ELDER");
    s.jump("email").unwrap();
    assert_eq!(
        shown(&s),
        ["phone", "email"],
        "a question on a field-list page jumps to the page"
    );
    s.jump("pension").unwrap();
    assert_eq!(shown(&s), ["pension"]);
    assert_eq!(
        s.jump("nope"),
        Err(SessionError::UnknownQuestion {
            question: "nope".into()
        })
    );
    set_int(&mut s, "age", 20);
    assert_eq!(
        s.jump("pension"),
        Err(SessionError::NotShown {
            question: "pension".into()
        })
    );
}

#[test]
fn progress_grows_through_the_form() {
    let mut s = session(form((0..10).map(|i| text(&format!("q{i}")).n()).collect()));
    let mut seen = Vec::new();
    while s.screen().page != Page::End {
        seen.push(s.screen().progress_percent);
        s.next().unwrap();
    }
    assert_eq!(seen, [0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
}

#[test]
fn an_empty_form_is_at_its_end() {
    let s = session(form(vec![calc("c", "1").n()]));
    let screen = s.screen();
    assert_eq!(screen.page, Page::End);
    assert!(!screen.can_go_back);
}

#[test]
fn a_table_list_group_is_one_page_like_a_field_list() {
    // pyxform turns `table-list` into `field-list` and ODK Collect shows the whole grid of
    // selects on one screen; other appearances leave a group question by question.
    let grid = |appearance: &str| {
        Node::Group(Group {
            appearance: Some(appearance.into()),
            ..group(
                "grid",
                vec![one("water", "yn").n(), one("toilet", "yn").n()],
            )
        })
    };
    let yn = || list("yn", &[("yes", "Yes", &[]), ("no", "No", &[])]);
    for appearance in ["table-list", "compact table-list"] {
        let mut s = session(with_lists(
            form(vec![grid(appearance), text("notes").n()]),
            vec![yn()],
        ));
        assert_eq!(shown(&s), ["water", "toilet"], "{appearance}");
        let screen = s.screen();
        assert_eq!(screen.title.as_deref(), Some("GRID"));
        assert_eq!(
            screen.appearance.as_deref(),
            Some(appearance),
            "the UI draws the grid"
        );
        s.next().unwrap();
        assert_eq!(shown(&s), ["notes"], "{appearance}");
        assert_eq!(
            s.screen().appearance,
            None,
            "a single question's page has none of its own"
        );
    }
    let s = session(with_lists(
        form(vec![grid("minimal"), text("notes").n()]),
        vec![yn()],
    ));
    assert_eq!(shown(&s), ["water"]);
}
