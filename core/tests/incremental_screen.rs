//! An answer renders again only the questions it can change (`ScreenUpdate`); this checks
//! that against rendering the whole page before and after, over random use of the example
//! forms, the peer forms that load, and the benchmarks' generated 1,000-field and
//! 600-row forms: applied to the page as it showed, every update gives exactly the page
//! `screen()` shows after it, and it sends exactly the questions that look different
//! (plus, at most, the answered one's answer when its stored value changed but looks
//! the same): whole when more than their answer and message changed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

#[allow(dead_code)] // the constants and answers are the benchmarks'
#[path = "../benches/support/generated_form.rs"]
mod generated_form;
#[allow(dead_code)]
#[path = "../benches/support/large_form.rs"]
mod large_form;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use branchbook_core::engine::{
    Answer, CalendarDate, CompiledForm, FormSession, Page, Question, QuestionKind, ScreenUpdate,
    SessionError,
};
use branchbook_core::form::{Attachments, load_xlsx_with};
use chrono::{TimeZone, Utc};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// One thing a UI does, with numbers that pick the question and the value.
#[derive(Debug, Clone)]
enum Op {
    Answer(u16, u16),
    Toggle(u16, u16),
    Type(u16, u16),
    Clear(u16),
    Next,
    Back,
    Add,
    Jump(u16),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (any::<u16>(), any::<u16>()).prop_map(|(q, v)| Op::Answer(q, v)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(q, v)| Op::Toggle(q, v)),
        1 => (any::<u16>(), any::<u16>()).prop_map(|(q, v)| Op::Type(q, v)),
        1 => any::<u16>().prop_map(Op::Clear),
        3 => Just(Op::Next),
        1 => Just(Op::Back),
        2 => Just(Op::Add),
        1 => any::<u16>().prop_map(Op::Jump),
    ]
}

/// A value of the question's kind: often acceptable, sometimes refused by its constraint.
fn value(q: &Question, v: u16) -> Option<Answer> {
    let pick = |choices: &[branchbook_core::engine::ChoiceOption]| {
        (!choices.is_empty()).then(|| choices[v as usize % choices.len()].name.clone())
    };
    Some(match q.kind {
        QuestionKind::Text => Answer::Text {
            value: ["", "Dợ", "0912345678", "abc"][v as usize % 4].into(),
        },
        QuestionKind::Integer => Answer::Integer {
            value: i64::from(v % 130) - 5,
        },
        QuestionKind::Decimal => Answer::Decimal {
            value: f64::from(v % 200) / 4.0,
        },
        QuestionKind::SelectOne => Answer::Choice {
            name: pick(&q.choices)?,
        },
        QuestionKind::SelectMultiple => Answer::Choices {
            names: vec![pick(&q.choices)?],
        },
        QuestionKind::Date => Answer::Date {
            value: CalendarDate {
                year: 1990 + i32::from(v % 40),
                month: 1 + (v % 12) as u8,
                day: 1 + (v % 28) as u8,
            },
        },
        QuestionKind::Acknowledge => Answer::Acknowledged,
        _ => return None,
    })
}

/// The page as a UI holds it after applying `update` to what it showed.
fn apply(shown: &[Question], update: &ScreenUpdate) -> Vec<Question> {
    let mut by_path: HashMap<&str, Question> =
        shown.iter().map(|q| (q.path.as_str(), q.clone())).collect();
    for a in &update.answers {
        let q = by_path
            .get_mut(a.path.as_str())
            .expect("an answer is set on a question shown");
        q.value = a.value.clone();
        q.error = a.error.clone();
    }
    by_path.extend(update.changed.iter().map(|q| (q.path.as_str(), q.clone())));
    let order = match &update.order {
        Some(order) => order.clone(),
        None => shown.iter().map(|q| q.path.clone()).collect(),
    };
    order
        .iter()
        .map(|p| {
            by_path
                .get(p.as_str())
                .expect("a question in `order` is known")
                .clone()
        })
        .collect()
}

/// Checks one answer's update against the whole page rendered before and after: applied,
/// it gives the page as it shows now, and it sends exactly what changed.
fn check(
    s: &FormSession,
    before: &[Question],
    answered: &str,
    result: Result<ScreenUpdate, SessionError>,
) -> Result<(), TestCaseError> {
    let after = s.screen().questions;
    let Ok(update) = result else {
        prop_assert_eq!(&after[..], before, "a refused answer changed the page");
        return Ok(());
    };
    if update.moved {
        return Ok(());
    }
    prop_assert_eq!(&apply(before, &update), &after);
    let paths = |qs: &[Question]| qs.iter().map(|q| q.path.clone()).collect::<Vec<_>>();
    let same_questions = paths(&after) == paths(before);
    prop_assert_eq!(
        update.order.clone(),
        (!same_questions).then(|| paths(&after))
    );
    let hidden: Vec<String> = paths(before)
        .into_iter()
        .filter(|p| !after.iter().any(|q| &q.path == p))
        .collect();
    prop_assert_eq!(&update.hidden, &hidden);
    let was = |path: &str| before.iter().find(|q| q.path == path);
    for q in &update.changed {
        prop_assert!(was(&q.path) != Some(q), "{} sent whole, unchanged", q.path);
    }
    for a in &update.answers {
        let old = was(&a.path).expect("an answer is set on a question shown");
        prop_assert!(
            (&old.value, &old.error) != (&a.value, &a.error) || a.path == answered,
            "{}'s answer sent, unchanged",
            a.path
        );
    }
    let reported = |path: &str| {
        update.changed.iter().any(|q| q.path == path)
            || update.answers.iter().any(|a| a.path == path)
    };
    for q in after.iter().filter(|q| was(&q.path) != Some(*q)) {
        prop_assert!(reported(&q.path), "{} changed but was not sent", q.path);
    }
    Ok(())
}

/// Random use of a session on `form`, every answer checked.
fn random_use(form: &Arc<CompiledForm>, ops: &[Op]) -> Result<(), TestCaseError> {
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let mut s = FormSession::new(Arc::clone(form), None, now);
    for op in ops {
        let screen = s.screen();
        let writable: Vec<&Question> = screen
            .questions
            .iter()
            .filter(|q| !q.read_only && q.kind != QuestionKind::Note)
            .collect();
        let target = |i: &u16| writable.get(*i as usize % writable.len().max(1)).copied();
        match op {
            Op::Answer(i, v) | Op::Toggle(i, v) | Op::Type(i, v) => {
                let Some(q) = target(i) else { continue };
                let Some(answer) = value(q, *v) else { continue };
                let result = match (op, &answer) {
                    (Op::Toggle(..), Answer::Choices { names }) => {
                        s.toggle_choice(&q.path, &names[0])
                    }
                    (Op::Type(..), Answer::Integer { value }) => {
                        s.type_answer(&q.path, &value.to_string())
                    }
                    (Op::Type(..), Answer::Text { value }) => s.type_answer(&q.path, value),
                    _ => s.set_answer(&q.path, answer),
                };
                check(&s, &screen.questions, &q.path, result)?;
            }
            Op::Clear(i) => {
                let Some(q) = target(i) else { continue };
                let result = s.clear_answer(&q.path);
                check(&s, &screen.questions, &q.path, result)?;
            }
            Op::Next => drop(s.next()),
            Op::Back => drop(s.back()),
            Op::Add => {
                if let Page::RepeatPrompt { path, .. } = &screen.page {
                    drop(s.add_repeat(path));
                }
            }
            Op::Jump(i) => {
                let targets = s.jump_targets();
                if !targets.is_empty() {
                    let path = targets[*i as usize % targets.len()].path.clone();
                    drop(s.jump(&path));
                }
            }
        }
    }
    Ok(())
}

fn run(name: &str, form: CompiledForm, cases: u32) {
    let form = Arc::new(form);
    let mut runner = TestRunner::new(Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    });
    let ops = proptest::collection::vec(op(), 1..120);
    if let Err(e) = runner.run(&ops, |ops| random_use(&form, &ops)) {
        panic!("{name}: {e}");
    }
}

fn compile(form: branchbook_core::form::Form) -> CompiledForm {
    CompiledForm::compile(form).expect("the form compiles")
}

#[test]
fn updates_equal_a_full_render_on_the_benchmark_forms() {
    run(
        "generated_1000",
        compile(generated_form::generated_form()),
        24,
    );
    run("large_600", compile(large_form::large_form()), 24);
}

#[test]
fn updates_equal_a_full_render_on_the_example_forms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    for name in ["household_survey", "dialogue_feedback"] {
        let bytes = std::fs::read(dir.join(format!("{name}.xlsx"))).unwrap();
        let form = load_xlsx_with(&bytes, None, &Attachments::new()).unwrap();
        run(name, form, 48);
    }
}

#[test]
fn updates_equal_a_full_render_on_the_peer_forms() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-forms/pyxform");
    let Ok(entries) = std::fs::read_dir(&dir) else {
        eprintln!(
            "SKIPPED: {} is absent (the shared folder is not beside the project)",
            dir.display()
        );
        return;
    };
    let mut loaded = 0;
    for entry in entries {
        let path = entry.unwrap().path();
        let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
        let bytes = std::fs::read(&path).unwrap();
        // Forms Branchbook refuses are covered by the xlsform_corpus test.
        if let Ok(form) = load_xlsx_with(&bytes, Some(&stem), &Attachments::new()) {
            run(&stem, form, 24);
            loaded += 1;
        }
    }
    assert!(loaded >= 8, "only {loaded} peer forms loaded");
}
