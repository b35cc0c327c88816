//! Compatibility with XLSForms written by others: every form in
//! `../shared/peer-forms/pyxform` (read in place, never copied) either loads and is filled
//! to a finalized submission, or is refused with a clear reason — each problem located at
//! a sheet and row, in words that say what to change. The expected outcome of each file
//! is listed below, so a change in behaviour shows up as a failure.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};

use branchbook_core::form::{
    Attachments, Form, FormError, Problem, load_xlsx_with, read_xlsx_named,
};
use support::fill;

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
    // osm has no widget here; entities are not supported yet.
    (
        "case_insensitivity.xlsx",
        Refused("type 'osm' is not supported"),
    ),
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
    ("loop.xlsx", Loads),
    // `pastel=yes` compares with a choices column `yes`, which does not exist (ODK
    // would silently offer no choice at all).
    (
        "or_other.xlsx",
        Refused("the choices sheet has no column 'yes'"),
    ),
    // With its fruits.csv attached (pyxform's test writes the same table).
    ("pull_data.xlsx", Loads),
    ("specify_other.xlsx", Loads),
    ("survey_no_name.xlsx", Refused("no 'survey' sheet")),
    ("text_and_integer.xlsx", Loads),
    (
        "xlsform_spec_test.xlsx",
        Refused("type 'video' is not supported"),
    ),
    ("yes_or_no_question.xlsx", Loads),
];

/// Files attached to a peer form: (form, file name, contents).
const ATTACHED: &[(&str, &str, &str)] = &[("pull_data.xlsx", "fruits.csv", "name\nmango\n")];

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
    let file = path.file_name().unwrap().to_string_lossy().into_owned();
    let files: Attachments = ATTACHED
        .iter()
        .filter(|(form, _, _)| *form == file)
        .map(|(_, name, text)| (name.to_string(), text.as_bytes().to_vec()))
        .collect();
    match load_xlsx_with(&bytes, Some(&stem), &files) {
        Ok(compiled) => match fill(compiled) {
            // The pulled value reached the submission.
            Ok(filled) if file == "pull_data.xlsx" && filled.data["fruit"] != "mango" => {
                Outcome::Stuck(format!("fruit not pulled from fruits.csv: {}", filled.data))
            }
            Ok(filled) => Outcome::Filled(filled.answered),
            Err(why) => Outcome::Stuck(why),
        },
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
