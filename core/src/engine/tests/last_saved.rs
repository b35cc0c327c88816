//! `${last-saved#name}`: a new record reads the values of the last saved record it is
//! opened after (empty without one), keeps them with its draft, and the server keeps
//! what the phone computed from them.

use serde_json::json;

use crate::engine::{SavedScope, ServerFacts, SessionOptions, SessionState};

use super::*;

fn survey() -> Form {
    let members = repeat(
        "members",
        vec![text("name").default("${last-saved#name}").n()],
    );
    form(vec![
        field_list(
            "visit",
            vec![
                text("street").default("${last-saved#street}").n(),
                int("patients")
                    .default("if(${last-saved#patients} = '', 1, ${last-saved#patients} + 1)")
                    .n(),
                q("same", FieldKind::Note)
                    .label("", "Still on ${last-saved#street}?")
                    .n(),
                text("remark").n(),
            ],
        ),
        calc("previous", "concat('after ', ${last-saved#street})").n(),
        calc("shout", "concat(${previous}, '!')").n(),
        Node::Repeat(members),
    ])
}

fn options() -> SessionOptions {
    SessionOptions {
        device_id: "phone-1".into(),
        username: "mai".into(),
        ..SessionOptions::new(now())
    }
}

/// The first record of the street: two members, then its answers as saved.
fn first_record(form: &Arc<CompiledForm>) -> SavedScope {
    let mut s = FormSession::open(Arc::clone(form), &options()).unwrap();
    set_text(&mut s, "street", "Bản Phùng");
    set_int(&mut s, "patients", 4);
    set_text(&mut s, "remark", "mưa");
    for (i, name) in [(1, "Thào Thị Dợ"), (2, "Lý A Sử")] {
        s.add_repeat("members").unwrap();
        set_text(&mut s, &format!("members[{i}]/name"), name);
    }
    s.state().answers
}

fn value(s: &FormSession, name: &str) -> Option<String> {
    s.state().answers.values.get(name).cloned()
}

#[test]
fn without_a_last_saved_record_every_reference_is_empty() {
    let s = FormSession::open(compile(survey()), &options()).unwrap();
    let screen = s.screen();
    assert_eq!(value_on(&screen, "street"), None);
    assert_eq!(
        value_on(&screen, "patients"),
        Some(Answer::Integer { value: 1 })
    );
    let note = screen.questions.iter().find(|q| q.name == "same").unwrap();
    assert_eq!(note.label, "Still on ?");
    assert_eq!(value(&s, "previous").as_deref(), Some("after "));
    assert!(s.state().last_saved.is_empty());
}

#[test]
fn a_new_record_starts_from_the_last_saved_records_values() {
    let form = compile(survey());
    let last = first_record(&form);
    let mut s = FormSession::open_after(Arc::clone(&form), &options(), &last).unwrap();
    let screen = s.screen();
    // Defaults she can keep or change, computed from the last record's values.
    assert_eq!(
        value_on(&screen, "street"),
        Some(Answer::Text {
            value: "Bản Phùng".into()
        })
    );
    assert_eq!(
        value_on(&screen, "patients"),
        Some(Answer::Integer { value: 5 })
    );
    // Only what the form reads that way: `remark` is not carried over.
    assert_eq!(value_on(&screen, "remark"), None);
    let note = screen.questions.iter().find(|q| q.name == "same").unwrap();
    assert_eq!(note.label, "Still on Bản Phùng?");
    assert_eq!(value(&s, "previous").as_deref(), Some("after Bản Phùng"));
    assert_eq!(value(&s, "shout").as_deref(), Some("after Bản Phùng!"));
    // Changing the street does not change what the last record said.
    set_text(&mut s, "street", "Bản Mồ");
    assert_eq!(value(&s, "previous").as_deref(), Some("after Bản Phùng"));
    // In a repeat: the first instance's value of the last record, in every instance.
    s.add_repeat("members").unwrap();
    s.add_repeat("members").unwrap();
    let members = &s.state().answers.repeats["members"];
    let names: Vec<&str> = members.iter().map(|m| m.values["name"].as_str()).collect();
    assert_eq!(names, ["Thào Thị Dợ", "Thào Thị Dợ"]);
}

#[test]
fn a_reopened_draft_reads_the_values_it_was_started_with() {
    let form = compile(survey());
    let last = first_record(&form);
    let s = FormSession::open_after(Arc::clone(&form), &options(), &last).unwrap();
    let state = s.state();
    // Only the values the form reads are kept with the draft.
    assert_eq!(
        state.last_saved.keys().collect::<Vec<_>>(),
        ["name", "patients", "street"]
    );
    let json = serde_json::to_string(&state).unwrap();
    let back: SessionState = serde_json::from_str(&json).unwrap();
    let mut again = FormSession::restore_at(Arc::clone(&form), back, now()).unwrap();
    assert_eq!(
        value(&again, "previous").as_deref(),
        Some("after Bản Phùng")
    );
    again.add_repeat("members").unwrap();
    assert_eq!(
        again.state().answers.repeats["members"][0].values["name"],
        "Thào Thị Dợ"
    );
    // A draft saved before last-saved existed has none.
    let mut old: serde_json::Value = serde_json::from_str(&json).unwrap();
    old.as_object_mut().unwrap().remove("last_saved");
    let old: SessionState = serde_json::from_value(old).unwrap();
    assert!(old.last_saved.is_empty());
}

#[test]
fn a_record_of_another_version_gives_what_it_has() {
    // An older version had `street` in a group and no `patients`.
    let last = SavedScope {
        values: [("street".to_string(), "Bản Phùng".to_string())].into(),
        repeats: [(
            "members".to_string(),
            vec![SavedScope {
                values: [("name".to_string(), "Lý A Sử".to_string())].into(),
                ..SavedScope::default()
            }],
        )]
        .into(),
    };
    let s = FormSession::open_after(compile(survey()), &options(), &last).unwrap();
    assert_eq!(
        value_on(&s.screen(), "patients"),
        Some(Answer::Integer { value: 1 })
    );
    assert_eq!(value(&s, "street").as_deref(), Some("Bản Phùng"));
}

#[test]
fn the_server_keeps_what_the_phone_computed_from_the_last_record() {
    let form = compile(survey());
    let last = first_record(&form);
    let mut s = FormSession::open_after(Arc::clone(&form), &options(), &last).unwrap();
    let sub = s.finalize(now() + chrono::Duration::minutes(5)).unwrap();
    assert_eq!(sub.data["previous"], json!("after Bản Phùng"));
    let facts = ServerFacts {
        device_id: "phone-1".into(),
        username: "mai".into(),
        started_at: sub.started_at,
        finalized_at: sub.finalized_at,
        received_at: sub.finalized_at + chrono::Duration::minutes(1),
    };
    // Its last record is the phone's to know: no mismatch, and what reads the kept
    // value is computed from it.
    let kept = form.recompute_data(&sub.data, &facts).unwrap();
    assert_eq!(kept.mismatches, Vec::new());
    assert_eq!(kept.data["previous"], json!("after Bản Phùng"));
    assert_eq!(kept.data["shout"], json!("after Bản Phùng!"));
    // The phone's value is taken as an answer would be: whatever reads it follows it,
    // and the value it sent for a reader is recomputed, not trusted.
    let mut sent = sub.data.clone();
    sent["previous"] = json!("after Bản Mồ");
    sent["shout"] = json!("anything");
    let kept = form.recompute_data(&sent, &facts).unwrap();
    assert_eq!(kept.data["shout"], json!("after Bản Mồ!"));
    assert_eq!(
        kept.mismatches
            .iter()
            .map(|m| m.question.as_str())
            .collect::<Vec<_>>(),
        ["shout"]
    );
}

#[test]
fn it_is_refused_where_the_server_checks_and_for_what_is_no_question() {
    let refused = |f: F, column: &str| {
        let problems = CompiledForm::compile(form(vec![text("x").n(), f.n()])).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].column, column);
        problems[0].message.clone()
    };
    for (f, column) in [
        (text("a").relevant("${last-saved#x} = 'b'"), "relevant"),
        (
            text("a").constraint(". != ${last-saved#x}", ""),
            "constraint",
        ),
        (text("a").required_if("${last-saved#x} = ''"), "required"),
    ] {
        let message = refused(f, column);
        assert!(
            message.starts_with(
                "${last-saved#x} can be read in default, calculation, label and hint only"
            ) && message.contains("read it in a calculate row"),
            "{message}"
        );
    }
    assert_eq!(
        refused(text("a").default("${last-saved#nobody}"), "default"),
        "unknown question ${nobody} (at character 0)"
    );
    let problems = CompiledForm::compile(form(vec![
        Node::Group(group("g", vec![text("x").n()])),
        calc("c", "${last-saved#g}").n(),
    ]))
    .unwrap_err();
    assert!(
        problems[0].message.contains("is a group or repeat"),
        "{problems:#?}"
    );
}
