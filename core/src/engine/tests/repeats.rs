//! Repeats: adding and removing instances, references within an instance and across
//! all of them, position(), repeat_count, nesting, and moving through instances.

use crate::engine::{Page, SessionError};

use super::*;

fn household() -> Form {
    let mut members = repeat(
        "members",
        vec![
            text("name").n(),
            int("age").n(),
            text("school").relevant("${age} < 18").n(),
            calc("pos", "position(..)").n(),
            calc("is_head", "if(position(..) = 1, 'yes', 'no')").n(),
        ],
    );
    members.label = Texts(BTreeMap::from([(String::new(), "Thành viên".to_string())]));
    form(vec![
        text("village").n(),
        Node::Repeat(members),
        calc("count", "count(${members})").n(),
        calc("total_age", "sum(${age})").n(),
        calc("oldest", "max(${age})").n(),
        calc("names", "join(', ', ${name})").n(),
        calc("first", "indexed-repeat(${name}, ${members}, 1)").n(),
        text("end_note").n(),
    ])
}

fn calc_value(s: &FormSession, name: &str) -> String {
    s.state()
        .answers
        .values
        .get(name)
        .cloned()
        .unwrap_or_default()
}

fn add_member(s: &mut FormSession, name: &str, age: i64) -> usize {
    s.add_repeat("members").unwrap();
    let i = match &s.screen().breadcrumbs[..] {
        [b] => b.instance.unwrap() as usize,
        other => panic!("{other:?}"),
    };
    set_text(s, &format!("members[{i}]/name"), name);
    set_int(s, &format!("members[{i}]/age"), age);
    i
}

#[test]
fn walking_through_a_repeat_with_prompts() {
    let mut s = session(household());
    set_text(&mut s, "village", "Sà Phìn");
    s.next().unwrap();
    match s.screen().page {
        Page::RepeatPrompt { path, label, count } => {
            assert_eq!(
                (path.as_str(), label.as_str(), count),
                ("members", "Thành viên", 0)
            )
        }
        other => panic!("{other:?}"),
    }
    s.add_repeat("members").unwrap();
    assert_eq!(shown(&s), ["members[1]/name"]);
    let crumbs = s.screen().breadcrumbs;
    assert_eq!(crumbs[0].text, "Thành viên 1/1");
    set_int(&mut s, "members[1]/age", 40);
    s.next().unwrap();
    s.next().unwrap();
    // Age 40: no school question; the end of the instance offers another.
    assert!(matches!(
        s.screen().page,
        Page::RepeatPrompt { count: 1, .. }
    ));
    s.add_repeat("members").unwrap();
    assert_eq!(s.screen().breadcrumbs[0].text, "Thành viên 2/2");
    set_int(&mut s, "members[2]/age", 9);
    s.next().unwrap();
    s.next().unwrap();
    assert_eq!(
        shown(&s),
        ["members[2]/school"],
        "the relevance reads the same instance's age"
    );
    s.next().unwrap();
    assert!(matches!(
        s.screen().page,
        Page::RepeatPrompt { count: 2, .. }
    ));
    s.next().unwrap();
    assert_eq!(shown(&s), ["end_note"], "declining the prompt goes on");
    s.back().unwrap();
    assert_eq!(
        shown(&s),
        ["members[2]/school"],
        "going back skips the prompt"
    );
    s.back().unwrap();
    s.back().unwrap();
    s.back().unwrap();
    assert_eq!(
        shown(&s),
        ["members[1]/age"],
        "and walks back into the previous instance"
    );
}

#[test]
fn aggregates_follow_adds_answers_and_removals() {
    let mut s = session(household());
    assert_eq!(calc_value(&s, "count"), "0");
    assert_eq!(calc_value(&s, "total_age"), "0");
    add_member(&mut s, "A", 40);
    add_member(&mut s, "B", 9);
    add_member(&mut s, "C", 12);
    assert_eq!(calc_value(&s, "count"), "3");
    assert_eq!(calc_value(&s, "total_age"), "61");
    assert_eq!(calc_value(&s, "oldest"), "40");
    assert_eq!(calc_value(&s, "names"), "A, B, C");
    assert_eq!(calc_value(&s, "first"), "A");
    set_int(&mut s, "members[3]/age", 50);
    assert_eq!(calc_value(&s, "total_age"), "99");
    assert_eq!(calc_value(&s, "oldest"), "50");
    s.remove_repeat("members[1]").unwrap();
    assert_eq!(calc_value(&s, "count"), "2");
    assert_eq!(calc_value(&s, "names"), "B, C");
    assert_eq!(
        calc_value(&s, "first"),
        "B",
        "indexed-repeat sees the new first instance"
    );
    let members = &s.state().answers.repeats["members"];
    let positions: Vec<&str> = members.iter().map(|m| m.values["pos"].as_str()).collect();
    assert_eq!(positions, ["1", "2"], "position() follows the removal");
    assert_eq!(members[0].values["is_head"], "yes");
}

#[test]
fn removing_the_current_instance_moves_to_the_next_one() {
    let mut s = session(household());
    add_member(&mut s, "A", 40);
    add_member(&mut s, "B", 30);
    s.jump("members[1]/age").unwrap();
    s.remove_repeat("members[1]").unwrap();
    assert_eq!(shown(&s), ["members[1]/name"]);
    assert_eq!(
        value_on(&s.screen(), "members[1]/name"),
        Some(Answer::Text { value: "B".into() })
    );
    s.remove_repeat("members[1]").unwrap();
    assert!(matches!(
        s.screen().page,
        Page::RepeatPrompt { count: 0, .. }
    ));
    assert_eq!(
        s.remove_repeat("members[1]"),
        Err(SessionError::NotARepeat {
            path: "members[1]".into()
        })
    );
    assert_eq!(
        s.remove_repeat("members"),
        Err(SessionError::NotARepeat {
            path: "members".into()
        })
    );
    assert_eq!(
        s.add_repeat("village"),
        Err(SessionError::NotARepeat {
            path: "village".into()
        })
    );
}

#[test]
fn repeat_count_sets_the_number_of_instances() {
    let mut members = repeat(
        "members",
        vec![text("name").n(), calc("n_here", "${n}").n()],
    );
    members.repeat_count = Some("${n}".into());
    let mut s = session(form(vec![
        int("n").n(),
        Node::Repeat(members),
        calc("count", "count(${members})").n(),
    ]));
    set_int(&mut s, "n", 3);
    assert_eq!(calc_value(&s, "count"), "3");
    set_text(&mut s, "members[3]/name", "C");
    assert_eq!(
        s.state().answers.repeats["members"][2].values["n_here"],
        "3",
        "the outer value is visible inside"
    );
    set_int(&mut s, "n", 2);
    assert_eq!(calc_value(&s, "count"), "2");
    assert_eq!(
        s.add_repeat("members"),
        Err(SessionError::CountedRepeat {
            repeat: "members".into()
        })
    );
    assert_eq!(
        s.remove_repeat("members[1]"),
        Err(SessionError::CountedRepeat {
            repeat: "members".into()
        })
    );
    // Walking through: n, then exactly two instances, no prompt.
    s.jump("n").unwrap();
    let mut pages = Vec::new();
    while s.screen().page != Page::End {
        pages.push(shown(&s).join(","));
        s.next().unwrap();
    }
    assert_eq!(pages, ["n", "members[1]/name", "members[2]/name"]);
    set_int(&mut s, "n", -4);
    assert_eq!(calc_value(&s, "count"), "0", "a negative count is none");
    s.clear_answer("n").unwrap();
    assert_eq!(calc_value(&s, "count"), "0", "an empty count is none");
}

#[test]
fn nested_repeats_see_their_own_and_outer_instances() {
    let kids = repeat(
        "kids",
        vec![
            text("kid").n(),
            calc("parent_of", "${name}").n(),
            calc("kid_pos", "position(..)").n(),
        ],
    );
    let members = repeat(
        "members",
        vec![
            text("name").n(),
            Node::Repeat(kids),
            calc("n_kids", "count(${kids})").n(),
        ],
    );
    let mut s = session(form(vec![
        Node::Repeat(members),
        calc("all_kids", "count(${kid})").n(),
    ]));
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[1]/name", "Mẹ");
    s.add_repeat("members[1]/kids").unwrap();
    assert_eq!(shown(&s), ["members[1]/kids[1]/kid"]);
    let crumbs: Vec<String> = s.screen().breadcrumbs.into_iter().map(|b| b.text).collect();
    assert_eq!(crumbs, ["MEMBERS 1/1", "KIDS 1/1"]);
    s.add_repeat("members[1]/kids").unwrap();
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[2]/name", "Bố");
    s.add_repeat("members[2]/kids").unwrap();
    let state = s.state();
    let m = &state.answers.repeats["members"];
    assert_eq!(m[0].values["n_kids"], "2");
    assert_eq!(m[1].values["n_kids"], "1");
    assert_eq!(m[0].repeats["kids"][1].values["parent_of"], "Mẹ");
    assert_eq!(m[0].repeats["kids"][1].values["kid_pos"], "2");
    assert_eq!(m[1].repeats["kids"][0].values["parent_of"], "Bố");
    assert_eq!(state.answers.values["all_kids"], "3");
    set_text(&mut s, "members[1]/name", "Mẹ Dợ");
    assert_eq!(
        s.state().answers.repeats["members"][0].repeats["kids"][0].values["parent_of"],
        "Mẹ Dợ"
    );
    assert_eq!(
        s.state().answers.repeats["members"][1].repeats["kids"][0].values["parent_of"],
        "Bố"
    );
}

#[test]
fn field_list_repeats_show_an_instance_per_page() {
    let mut members = repeat("members", vec![text("name").n(), int("age").n()]);
    members.appearance = Some("field-list".into());
    let mut s = session(form(vec![Node::Repeat(members), text("after").n()]));
    s.add_repeat("members").unwrap();
    assert_eq!(shown(&s), ["members[1]/name", "members[1]/age"]);
    assert_eq!(s.screen().title.as_deref(), Some("MEMBERS"));
    s.next().unwrap();
    assert!(matches!(
        s.screen().page,
        Page::RepeatPrompt { count: 1, .. }
    ));
    s.add_repeat("members").unwrap();
    s.back().unwrap();
    assert_eq!(shown(&s), ["members[1]/name", "members[1]/age"]);
    s.jump("members[2]").unwrap();
    assert_eq!(shown(&s), ["members[2]/name", "members[2]/age"]);
    s.jump("members[1]/age").unwrap();
    assert_eq!(shown(&s), ["members[1]/name", "members[1]/age"]);
}

#[test]
fn a_default_can_copy_the_previous_instance() {
    let members = repeat(
        "members",
        vec![
            text("village")
                .default("indexed-repeat(${village}, ${members}, position(..) - 1)")
                .n(),
        ],
    );
    let mut s = session(form(vec![Node::Repeat(members)]));
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[1]/village", "Lao Chải");
    s.add_repeat("members").unwrap();
    assert_eq!(
        value_on(&s.screen(), "members[2]/village"),
        Some(Answer::Text {
            value: "Lao Chải".into()
        })
    );
}

#[test]
fn a_hidden_repeat_is_skipped_and_cannot_grow() {
    let members = Repeat {
        relevant: Some("${has} = 'yes'".into()),
        ..repeat("members", vec![text("name").n()])
    };
    let mut s = session(form(vec![
        text("has").n(),
        Node::Repeat(members),
        text("after").n(),
    ]));
    s.next().unwrap();
    assert_eq!(shown(&s), ["after"]);
    assert_eq!(
        s.add_repeat("members"),
        Err(SessionError::NotShown {
            question: "members".into()
        })
    );
    set_text(&mut s, "has", "yes");
    s.back().unwrap();
    assert_eq!(shown(&s), ["has"]);
    s.next().unwrap();
    assert!(matches!(s.screen().page, Page::RepeatPrompt { .. }));
}

#[test]
fn a_shrinking_repeat_count_moves_off_a_removed_instance() {
    let mut plots = repeat("plots", vec![q("size", FieldKind::Decimal).n()]);
    plots.repeat_count = Some("${n}".into());
    let mut s = session(form(vec![
        int("n").n(),
        Node::Repeat(plots),
        text("after").n(),
    ]));
    set_int(&mut s, "n", 3);
    s.jump("plots[3]/size").unwrap();
    let update = s.set_answer("n", Answer::Integer { value: 3 }).unwrap();
    assert!(!update.moved);
    let update = s.set_answer("n", Answer::Integer { value: 1 }).unwrap();
    assert!(update.moved, "the page went away with its instance");
    assert_eq!(
        shown(&s),
        ["after"],
        "a counted repeat has no prompt: what follows it"
    );
    s.jump("plots[1]/size").unwrap();
    s.clear_answer("n").unwrap();
    assert_eq!(shown(&s), ["after"]);
}

#[test]
fn adding_an_instance_costs_the_same_however_many_exist() {
    let cost_of_adding = |existing: usize| -> u64 {
        let mut s = session(household());
        for _ in 0..existing {
            s.add_repeat("members").unwrap();
        }
        let before = s.evaluations();
        s.add_repeat("members").unwrap();
        s.evaluations() - before
    };
    let tenth = cost_of_adding(9);
    assert_eq!(
        cost_of_adding(99),
        tenth,
        "the 100th instance evaluates as much as the 10th"
    );
    // The new instance's own items (school's relevance, pos, is_head) and the five
    // aggregates over all instances (count, total_age, oldest, names, first): nothing else.
    assert_eq!(tenth, 8);
}
