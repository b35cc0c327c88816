//! Compatibility with XLSForms written by others: every form in
//! `../shared/peer-forms/pyxform` (read in place, never copied) either reads cleanly or
//! is refused with a clear reason — each problem located at a sheet and row, in words
//! that say what to change. The expected outcome of each file is listed below, so a
//! change in behaviour shows up as a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use branchbook_core::form::{Form, FormError, Problem, read_xlsx_named};

/// What a peer form should do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Reads without a problem.
    Loads,
    /// Is refused, with a problem whose message contains this text.
    Refused(&'static str),
}
use Expect::*;

const EXPECTED: &[(&str, Expect)] = &[
    ("attribute_columns_test.xlsx", Refused("type 'barcode' is not supported")),
    ("bad_calc.xlsx", Loads),
    ("case_insensitivity.xlsx", Refused("select_one_external")),
    ("choice_filter_test.xlsx", Refused("the choice 'king' appears twice in list 'counties'")),
    ("extra_columns.xlsx", Loads),
    ("extra_sheet_names.xlsx", Loads),
    ("field-list.xlsx", Loads),
    ("flat_xlsform_test.xlsx", Refused("type 'audio' is not supported")),
    ("group.xlsx", Refused("type 'phone number' is not supported")),
    ("include.xlsx", Refused("type 'include' is not supported")),
    ("include_json.xlsx", Refused("type 'include' is not supported")),
    ("loop.xlsx", Refused("'begin loop' is not supported")),
    ("or_other.xlsx", Loads),
    ("pull_data.xlsx", Refused("pulldata() is not supported")),
    ("specify_other.xlsx", Loads),
    ("survey_no_name.xlsx", Refused("no 'survey' sheet")),
    ("text_and_integer.xlsx", Loads),
    ("xlsform_spec_test.xlsx", Refused("type 'video' is not supported")),
    ("yes_or_no_question.xlsx", Loads),
];

fn peer_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-forms/pyxform")
}

/// What happened to one file.
enum Outcome {
    Loaded(Form),
    Refused(FormError),
}

fn run(path: &Path) -> Outcome {
    let bytes = std::fs::read(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    match read_xlsx_named(&bytes, Some(&stem)) {
        Ok(read) if read.problems.is_empty() => Outcome::Loaded(read.form),
        Ok(read) => {
            // Even a refused form converts to JSON and back without loss.
            assert_eq!(Form::from_json(&read.form.to_json()).unwrap(), read.form, "{stem}: JSON round trip");
            Outcome::Refused(FormError::Invalid { problems: read.problems })
        }
        Err(e) => Outcome::Refused(e),
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
        eprintln!("SKIPPED: {} is absent (the shared folder is not beside the project)", dir.display());
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
            (Outcome::Loaded(form), Some(Loads)) => {
                assert_eq!(Form::from_json(&form.to_json()).unwrap(), *form, "{file}: JSON round trip");
                report.push(format!("{file:<28} loads"));
            }
            (Outcome::Refused(error), Some(Refused(reason))) => {
                let problems = match error {
                    FormError::Invalid { problems } => problems.clone(),
                    other => {
                        failures.push(format!("{file}: refused as a whole ({other}), expected located problems"));
                        continue;
                    }
                };
                for p in problems.iter().filter(|p| vague(p)) {
                    failures.push(format!("{file}: vague problem: {p}"));
                }
                if !problems.iter().any(|p| p.message.contains(reason)) {
                    failures.push(format!("{file}: refused, but not because of {reason:?}: {problems:#?}"));
                }
                report.push(format!("{file:<28} refused: {}", problems[0]));
                for p in &problems[1..] {
                    report.push(format!("{:<28}          {p}", ""));
                }
            }
            (_, None) => failures.push(format!("{file}: not in the expected table; add it")),
            (Outcome::Loaded(_), Some(expected)) => failures.push(format!("{file}: loads, expected {expected:?}")),
            (Outcome::Refused(e), Some(Loads)) => failures.push(format!("{file}: expected to load, refused: {e}")),
        }
    }
    for (file, _) in EXPECTED {
        if !files.iter().any(|p| p.file_name().is_some_and(|n| n.to_string_lossy() == *file)) {
            failures.push(format!("{file}: in the expected table but missing from {}", dir.display()));
        }
    }
    println!("peer forms ({}):\n{}", files.len(), report.join("\n"));
    assert!(failures.is_empty(), "peer-form failures:\n{}", failures.join("\n"));
}
