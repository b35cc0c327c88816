//! Compatibility with XLSForms written by others: every form in
//! `../shared/peer-forms/pyxform` (read in place, never copied) either loads and is filled
//! to a finalized submission, or is refused with a clear reason — each problem located at
//! a sheet and row, in words that say what to change. The expected outcome of each file
//! is listed below, so a change in behaviour shows up as a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use branchbook_core::engine::{
    Answer, CalendarDate, CompiledForm, FormSession, GeoPoint, Page, Question, QuestionKind,
    TimeOfDay,
};
use branchbook_core::form::{Form, FormError, Problem, load_xlsx_named, read_xlsx_named};
use chrono::{TimeZone, Utc};

/// What a peer form should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Loads, and a session answering every question it is shown finalizes it.
    Loads,
    /// Is refused, with a problem whose message contains this text.
    Refused(&'static str),
}
use Expect::*;

const EXPECTED: &[(&str, Expect)] = &[
    (
        "attribute_columns_test.xlsx",
        Refused("type 'barcode' is not supported"),
    ),
    ("bad_calc.xlsx", Refused("string literal is not closed")),
    ("case_insensitivity.xlsx", Refused("select_one_external")),
    // Its settings allow the county 'king' in two states (allow_choice_duplicates).
    ("choice_filter_test.xlsx", Loads),
    ("extra_columns.xlsx", Loads),
    ("extra_sheet_names.xlsx", Loads),
    ("field-list.xlsx", Loads),
    (
        "flat_xlsform_test.xlsx",
        Refused("type 'audio' is not supported"),
    ),
    // `phone number`: text with pyxform's digits-only constraint.
    ("group.xlsx", Loads),
    ("include.xlsx", Refused("type 'include' is not supported")),
    (
        "include_json.xlsx",
        Refused("type 'include' is not supported"),
    ),
    ("loop.xlsx", Refused("'begin loop' is not supported")),
    // `pastel=yes` compares with a choices column `yes`, which does not exist (ODK
    // would silently offer no choice at all).
    (
        "or_other.xlsx",
        Refused("the choices sheet has no column 'yes'"),
    ),
    ("pull_data.xlsx", Refused("pulldata() is not supported")),
    ("specify_other.xlsx", Loads),
    ("survey_no_name.xlsx", Refused("no 'survey' sheet")),
    ("text_and_integer.xlsx", Loads),
    (
        "xlsform_spec_test.xlsx",
        Refused("type 'video' is not supported"),
    ),
    ("yes_or_no_question.xlsx", Loads),
];

fn peer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-forms/pyxform")
}

/// What happened to one file.
enum Outcome {
    /// Loaded and filled: how many questions were answered.
    Filled(usize),
    /// Loaded, but filling it failed.
    Stuck(String),
    Refused(FormError),
}

fn run(path: &Path) -> Outcome {
    let bytes = std::fs::read(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    // Every form read, even one that is refused, converts to JSON and back without loss.
    if let Ok(read) = read_xlsx_named(&bytes, Some(&stem)) {
        assert_eq!(
            Form::from_json(&read.form.to_json()).unwrap(),
            read.form,
            "{stem}: JSON round trip"
        );
    }
    match load_xlsx_named(&bytes, Some(&stem)) {
        Ok(compiled) => match fill(compiled) {
            Ok(answered) => Outcome::Filled(answered),
            Err(why) => Outcome::Stuck(why),
        },
        Err(e) => Outcome::Refused(e),
    }
}

/// Answers every question shown with the first of its plausible values that the form
/// accepts (its type, constraint and choices), page by page, adds one instance to each
/// repeat, and finalizes. Returns how many answers were given.
fn fill(compiled: CompiledForm) -> Result<usize, String> {
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let mut session = FormSession::new(Arc::new(compiled), None, now);
    let mut answered = 0;
    // Questions given up on (no candidate accepted), so the walk moves on to `next`.
    let mut tried: Vec<String> = Vec::new();
    for _ in 0..10_000 {
        let screen = session.screen();
        match screen.page {
            Page::End => {
                let submission = session
                    .finalize(now)
                    .map_err(|p| format!("finalize refused: {p:?}"))?;
                assert!(submission.data.is_object());
                return Ok(answered);
            }
            Page::RepeatPrompt { path, count: 0, .. } => {
                session
                    .add_repeat(&path)
                    .map_err(|e| format!("add_repeat {path}: {e}"))?;
            }
            Page::RepeatPrompt { .. } => session.next().map_err(|e| format!("next: {e}"))?,
            Page::Questions => {
                let todo = screen
                    .questions
                    .iter()
                    .find(|q| q.value.is_none() && !q.read_only && !tried.contains(&q.path));
                match todo {
                    Some(q) => {
                        tried.push(q.path.clone());
                        if answer(&mut session, q)? {
                            answered += 1;
                        }
                    }
                    None => session.next().map_err(|e| {
                        let stuck: Vec<String> = session
                            .screen()
                            .questions
                            .iter()
                            .filter_map(|q| q.error.as_ref().map(|e| format!("{}: {e}", q.path)))
                            .collect();
                        format!("next: {e} ({})", stuck.join("; "))
                    })?,
                }
            }
        }
    }
    Err("did not reach the end in 10,000 steps".into())
}

/// Gives `q` the first candidate answer the form accepts without an error; false when it
/// takes none (a note) or none was accepted (the question is left blank).
fn answer(session: &mut FormSession, q: &Question) -> Result<bool, String> {
    for value in candidates(q) {
        match session.set_answer(&q.path, value) {
            Ok(_) => {}
            Err(e) => return Err(format!("set {}: {e}", q.path)),
        }
        let shown = session.screen();
        let error = shown
            .questions
            .iter()
            .find(|s| s.path == q.path)
            .and_then(|s| s.error.clone());
        if error.is_none() {
            return Ok(true);
        }
    }
    if q.kind != QuestionKind::Note {
        session
            .clear_answer(&q.path)
            .map_err(|e| format!("clear {}: {e}", q.path))?;
    }
    Ok(false)
}

/// Plausible answers to a question, most ordinary first.
fn candidates(q: &Question) -> Vec<Answer> {
    let date = |year, month, day| Answer::Date {
        value: CalendarDate { year, month, day },
    };
    match q.kind {
        QuestionKind::Text => ["Thào Thị Dợ", "0912345678", "1", "abc"]
            .iter()
            .map(|v| Answer::Text { value: (*v).into() })
            .collect(),
        QuestionKind::Integer => [3, 1, 0, 2, 5, 10, 18, 30, 100, 2025]
            .iter()
            .map(|&value| Answer::Integer { value })
            .collect(),
        QuestionKind::Decimal => [2.5, 1.0, 0.0, 0.5, 5.0, 10.0, 50.0]
            .iter()
            .map(|&value| Answer::Decimal { value })
            .collect(),
        QuestionKind::SelectOne => q
            .choices
            .iter()
            .map(|c| Answer::Choice {
                name: c.name.clone(),
            })
            .collect(),
        QuestionKind::SelectMultiple => q
            .choices
            .iter()
            .map(|c| Answer::Choices {
                names: vec![c.name.clone()],
            })
            .collect(),
        QuestionKind::Date => vec![date(2025, 6, 1), date(2000, 1, 1), date(2025, 6, 12)],
        QuestionKind::Time => vec![Answer::Time {
            value: TimeOfDay {
                hour: 9,
                minute: 30,
                second: 0,
            },
        }],
        QuestionKind::DateTime => vec![Answer::DateTime {
            value: Utc.with_ymd_and_hms(2025, 6, 1, 2, 30, 0).unwrap(),
        }],
        QuestionKind::Geopoint => vec![Answer::Geopoint {
            value: GeoPoint {
                latitude: 22.63,
                longitude: 103.62,
                altitude: None,
                accuracy: Some(5.0),
            },
        }],
        QuestionKind::Image => vec![Answer::Photo {
            sha256: "ab".repeat(32),
        }],
        QuestionKind::Acknowledge => vec![Answer::Acknowledged],
        QuestionKind::Note => Vec::new(),
    }
}

/// A problem is clear when it says where (a sheet, and a row unless it is about a whole
/// sheet or the workbook) and what, in more than a word or two.
fn vague(p: &Problem) -> bool {
    let words = p.message.split_whitespace().count();
    let placed = p.row > 0 || p.message.contains("sheet") || p.message.contains("form_id");
    words < 4 || !placed || p.message.trim().eq_ignore_ascii_case("invalid")
}

#[test]
fn peer_forms_load_or_are_refused_with_a_clear_reason() {
    let dir = peer_dir();
    if !dir.is_dir() {
        eprintln!(
            "SKIPPED: {} is absent (the shared folder is not beside the project)",
            dir.display()
        );
        return;
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "xlsx"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    let mut report = Vec::new();
    for path in &files {
        let file = path.file_name().unwrap().to_string_lossy().into_owned();
        let expected = EXPECTED.iter().find(|(f, _)| *f == file).map(|(_, e)| *e);
        let outcome = match catch_unwind(AssertUnwindSafe(|| run(path))) {
            Ok(outcome) => outcome,
            Err(_) => {
                failures.push(format!("{file}: PANICKED"));
                continue;
            }
        };
        match (&outcome, expected) {
            (Outcome::Filled(answered), Some(Loads)) => {
                report.push(format!(
                    "{file:<28} loads, filled ({answered} answers) and finalized"
                ));
            }
            (Outcome::Stuck(why), _) => {
                failures.push(format!("{file}: loads but cannot be filled: {why}"))
            }
            (Outcome::Refused(error), Some(Refused(reason))) => {
                let problems = match error {
                    FormError::Invalid { problems } => problems.clone(),
                    other => {
                        failures.push(format!(
                            "{file}: refused as a whole ({other}), expected located problems"
                        ));
                        continue;
                    }
                };
                for p in problems.iter().filter(|p| vague(p)) {
                    failures.push(format!("{file}: vague problem: {p}"));
                }
                if !problems.iter().any(|p| p.message.contains(reason)) {
                    failures.push(format!(
                        "{file}: refused, but not because of {reason:?}: {problems:#?}"
                    ));
                }
                report.push(format!("{file:<28} refused: {}", problems[0]));
                for p in &problems[1..] {
                    report.push(format!("{:<28}          {p}", ""));
                }
            }
            (_, None) => failures.push(format!("{file}: not in the expected table; add it")),
            (Outcome::Filled(_), Some(expected)) => {
                failures.push(format!("{file}: loads, expected {expected:?}"))
            }
            (Outcome::Refused(e), Some(Loads)) => {
                failures.push(format!("{file}: expected to load, refused: {e}"))
            }
        }
    }
    for (file, _) in EXPECTED {
        if !files
            .iter()
            .any(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == *file))
        {
            failures.push(format!(
                "{file}: in the expected table but missing from {}",
                dir.display()
            ));
        }
    }
    println!("peer forms ({}):\n{}", files.len(), report.join("\n"));
    assert!(
        failures.is_empty(),
        "peer-form failures:\n{}",
        failures.join("\n")
    );
}
