//! The `trigger` column (ODK's `odk:setvalue` on `xforms-value-changed`): a field is set
//! when she changes the question its trigger names, and at no other time.

use crate::engine::{SessionError, SessionState};
use crate::form::{MetaKind, Problem};

use super::*;

/// The value a field holds now, as the draft keeps it ("" when empty).
fn held(s: &FormSession, name: &str) -> String {
    s.state()
        .answers
        .values
        .get(name)
        .cloned()
        .unwrap_or_default()
}

fn triggered(f: F, on: &[&str]) -> F {
    let mut f = f;
    f.0.trigger = on.iter().map(|t| (*t).to_owned()).collect();
    f
}

fn snapshot_form() -> Form {
    form(vec![
        text("a").n(),
        int("b").n(),
        triggered(calc("snap", "${b} * 10"), &["a"]).n(),
        text("late").relevant("${snap} > 35").n(),
    ])
}

#[test]
fn a_triggered_calculation_is_set_only_when_its_question_changes() {
    let mut s = session(snapshot_form());
    assert_eq!(held(&s, "snap"), "", "not set when the form opens");
    set_int(&mut s, "b", 3);
    assert_eq!(
        held(&s, "snap"),
        "",
        "what it reads changing does not set it"
    );
    set_text(&mut s, "a", "x");
    assert_eq!(held(&s, "snap"), "30", "set when the trigger changes");
    set_int(&mut s, "b", 4);
    assert_eq!(held(&s, "snap"), "30", "then kept");
    set_text(&mut s, "a", "y");
    assert_eq!(held(&s, "snap"), "40");
    set_int(&mut s, "b", 5);
    set_text(&mut s, "a", "y");
    assert_eq!(held(&s, "snap"), "40", "the same answer again is no change");
    s.clear_answer("a").unwrap();
    assert_eq!(held(&s, "snap"), "50", "clearing the trigger is a change");
    // What reads the triggered value follows it: `late` applies once snap > 35.
    s.jump("late").unwrap();
    assert_eq!(shown(&s), ["late"]);
}

#[test]
fn a_triggered_value_survives_a_restore_without_being_recomputed() {
    let mut s = session(snapshot_form());
    set_int(&mut s, "b", 3);
    set_text(&mut s, "a", "x");
    set_int(&mut s, "b", 9);
    let json = serde_json::to_string(&s.state()).unwrap();
    let state: SessionState = serde_json::from_str(&json).unwrap();
    let back = FormSession::restore_at(s.form().clone(), state, now()).unwrap();
    assert_eq!(held(&back, "snap"), "30");
    assert_eq!(back.state(), s.state());
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["snap"], "30");
}

#[test]
fn a_triggered_question_is_set_then_stays_editable() {
    let f = form(vec![field_list(
        "page",
        vec![
            int("n").n(),
            triggered(int("count").calculation("${n} + 1"), &["n"]).n(),
            triggered(text("why"), &["n"]).n(),
        ],
    )]);
    let mut s = session(f);
    set_text(&mut s, "why", "old reason");
    let update = s.set_answer("n", Answer::Integer { value: 2 }).unwrap();
    // The page is told of both fields the answer set, as it shows them.
    let now_shown = s.screen();
    for path in ["count", "why"] {
        let sent = update
            .answers
            .iter()
            .map(|a| (&a.path, &a.value))
            .chain(update.changed.iter().map(|q| (&q.path, &q.value)))
            .find(|(p, _)| *p == path)
            .map(|(_, v)| v.clone());
        assert_eq!(sent, Some(value_on(&now_shown, path)), "{path}");
    }
    assert_eq!(
        value_on(&now_shown, "count"),
        Some(Answer::Integer { value: 3 })
    );
    assert_eq!(value_on(&now_shown, "why"), None, "no calculation: emptied");
    let count = now_shown.questions.iter().find(|q| q.path == "count");
    assert_eq!(count.map(|q| q.read_only), Some(false));
    set_int(&mut s, "count", 7);
    assert_eq!(held_in(&s, "count"), "7", "her own answer is kept");
    set_int(&mut s, "n", 5);
    assert_eq!(held_in(&s, "count"), "6", "until the trigger changes");
}

/// A whole-number answer as the page shows it.
fn held_in(s: &FormSession, path: &str) -> String {
    match value_on(&s.screen(), path) {
        Some(Answer::Integer { value }) => value.to_string(),
        other => format!("{other:?}"),
    }
}

#[test]
fn in_a_repeat_the_instance_that_changed_is_set_and_a_root_trigger_sets_every_instance() {
    let members = repeat(
        "members",
        vec![
            text("name").n(),
            triggered(calc("named", "concat(${name}, '@', ${village})"), &["name"]).n(),
            triggered(calc("moved", "${village}"), &["village"]).n(),
        ],
    );
    let f = form(vec![text("village").n(), Node::Repeat(members)]);
    let mut s = session(f);
    set_text(&mut s, "village", "Sà Phìn");
    s.add_repeat("members").unwrap();
    s.add_repeat("members").unwrap();
    set_text(&mut s, "members[2]/name", "Mai");
    let rows = |s: &FormSession| -> Vec<(String, String)> {
        s.state().answers.repeats["members"]
            .iter()
            .map(|m| {
                let get = |k: &str| m.values.get(k).cloned().unwrap_or_default();
                (get("named"), get("moved"))
            })
            .collect()
    };
    assert_eq!(
        rows(&s),
        [
            (String::new(), String::new()),
            ("Mai@Sà Phìn".to_owned(), String::new())
        ],
        "instances added after the village changed were not set"
    );
    set_text(&mut s, "village", "Tả Van");
    assert_eq!(
        rows(&s),
        [
            (String::new(), "Tả Van".to_owned()),
            ("Mai@Sà Phìn".to_owned(), "Tả Van".to_owned())
        ]
    );
}

fn problems(f: Form) -> Vec<Problem> {
    CompiledForm::compile(f).expect_err("the form should be refused")
}

#[test]
fn a_trigger_must_name_a_question_and_every_problem_is_reported() {
    let f = form(vec![
        text("a").row(2).n(),
        calc("c", "1").row(3).n(),
        Node::Group(group("g", vec![text("x").row(5).n()])),
        triggered(calc("t1", "now()"), &["nobody"]).row(9).n(),
        triggered(calc("t2", "now()"), &["c"]).row(10).n(),
        triggered(calc("t3", "now()"), &["a", "g"]).row(11).n(),
        // A calculated question without label is not shown either (pyxform's rule).
        triggered(calc("t5", "1"), &["t1"]).row(14).n(),
    ]);
    let p = problems(f);
    let found: Vec<(u32, &str, &str)> = p
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.message.as_str()))
        .collect();
    let expect = [
        (
            9,
            "the trigger names ${nobody}, which is no question of this form",
        ),
        (
            10,
            "${c} is computed and not shown to the user, so it cannot trigger ${t2}",
        ),
        (
            11,
            "${g} is a group or repeat: only a question can trigger ${t3}",
        ),
        (14, "${t1} is computed and not shown"),
    ];
    assert_eq!(found.len(), expect.len(), "{p:#?}");
    for ((row, column, message), (want_row, want)) in found.iter().zip(expect) {
        assert_eq!((*row, *column), (want_row, "trigger"), "{message}");
        assert!(message.contains(want), "{message} should say {want}");
    }
}

/// What pyxform 4.5 converts loads here: a name two questions share triggers from both
/// (pyxform sets the field from each); a hidden or metadata field, which she never
/// answers, and a metadata field set by a trigger are accepted.
#[test]
fn what_pyxform_accepts_in_the_trigger_column_loads() {
    let f = form(vec![
        Node::Group(group("g", vec![text("dup").n()])),
        Node::Group(group("h", vec![text("dup").n()])),
        q("secret", FieldKind::Hidden).n(),
        triggered(calc("t", "'x'"), &["dup", "secret"]).n(),
        triggered(q("end", FieldKind::Meta(MetaKind::End)), &["secret"]).n(),
    ]);
    let mut s = session(f);
    set_text(&mut s, "h/dup", "b");
    assert_eq!(
        held(&s, "t"),
        "x",
        "the second question of the name triggers too"
    );
}

#[test]
fn only_her_answers_trigger_not_a_value_a_trigger_set() {
    // A labelled triggered question is shown, so it may trigger another one (as in
    // pyxform); its own change by a trigger does not chain on.
    let f = form(vec![
        int("a").n(),
        triggered(int("b").calculation("${a} * 2"), &["a"]).n(),
        triggered(int("c").calculation("${b} + 1"), &["b"]).n(),
    ]);
    let mut s = session(f);
    set_int(&mut s, "a", 2);
    assert_eq!(held(&s, "b"), "4");
    assert_eq!(held(&s, "c"), "", "a value a trigger set triggers nothing");
    set_int(&mut s, "b", 10);
    assert_eq!(held(&s, "c"), "11", "her answer to b does");
    assert!(!matches!(
        s.set_answer("b", Answer::Integer { value: 1 }),
        Err(SessionError::ReadOnly { .. })
    ));
}

/// The server keeps what a trigger set as the phone sent it (only the phone knows when
/// she changed the question), checks it like an answer, and lists a clock value outside
/// the record's times with its doubt.
#[test]
fn the_server_keeps_a_triggered_value_as_the_phone_sent_it() {
    use crate::engine::{ServerFacts, TimeDoubt};
    use serde_json::json;
    let f = form(vec![
        text("a").n(),
        int("b").n(),
        triggered(calc("snap", "${b} * 10"), &["a"]).n(),
        triggered(calc("at", "now()"), &["a"]).n(),
        calc("plain", "${b} * 10").n(),
    ]);
    let mut s = session(f);
    set_int(&mut s, "b", 3);
    set_text(&mut s, "a", "x");
    set_int(&mut s, "b", 9);
    let sub = s.finalize(now()).unwrap();
    assert_eq!(
        (&sub.data["snap"], &sub.data["plain"]),
        (&json!("30"), &json!("90"))
    );
    let facts = ServerFacts {
        device_id: "d".into(),
        username: "mai".into(),
        started_at: now(),
        finalized_at: now() + chrono::Duration::minutes(7),
        received_at: now() + chrono::Duration::hours(2),
    };
    let form = s.form().clone();
    let out = form.recompute_data(&sub.data, &facts).unwrap();
    assert_eq!(out.data, sub.data);
    assert_eq!(out.mismatches, []);
    let mut late = sub.data.clone();
    late["at"] = json!("2099-01-01T00:00:00.000Z");
    let out = form.recompute_data(&late, &facts).unwrap();
    assert_eq!(out.data["at"], late["at"], "kept as sent");
    let listed: Vec<_> = out
        .mismatches
        .iter()
        .map(|m| (m.question.as_str(), m.sent == m.computed, m.doubt))
        .collect();
    assert_eq!(listed, [("at", true, Some(TimeDoubt::AfterReceipt))]);
}
