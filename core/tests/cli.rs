//! The `branchbook` command-line tool, run as a user runs it.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use branchbook_core::form::{Form, read_xlsx};

fn branchbook(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_branchbook"))
        .args(args)
        .output()
        .unwrap()
}

fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn example() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("forms/household_survey.xlsx")
}

/// Writes a small XLSForm with the given survey rows (and a settings sheet).
fn write_form(dir: &Path, name: &str, survey: &[&[&str]]) -> PathBuf {
    let mut book = rust_xlsxwriter::Workbook::new();
    let ws = book.add_worksheet();
    ws.set_name("survey").unwrap();
    for (r, row) in survey.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            ws.write_string(r as u32, c as u16, *cell).unwrap();
        }
    }
    let path = dir.join(name);
    book.save(&path).unwrap();
    path
}

#[test]
fn check_prints_a_summary_of_a_sound_form() {
    let out = branchbook(&["form", "check", example().to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        "form ok",
        "id: household_survey",
        "version: 2025061201",
        "title: Khảo sát hộ gia đình – Đề án 8",
        "languages: Tiếng Việt (vi) [default], English (en), Hmoob (hmn)",
        "groups: 7",
        "repeats: 1",
        "choice lists: 14",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    let form = read_xlsx(&std::fs::read(example()).unwrap()).unwrap().form;
    assert!(text.contains(&format!("sha256: {}", form.fingerprint())));
}

#[test]
fn check_refuses_an_expression_of_100000_terms_without_aborting() {
    let dir = tempfile::tempdir().unwrap();
    // A spreadsheet cell holds at most 32,767 characters: 2,500 terms fill one.
    let long = vec!["${a} = 1"; 2_500].join(" and ");
    let path = write_form(
        dir.path(),
        "long.xlsx",
        &[
            &["type", "name", "label", "relevant"],
            &["integer", "a", "A", ""],
            &["text", "b", "B", &long],
        ],
    );
    let out = branchbook(&["form", "check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("survey row 3, column relevant: the expression is too long"),
        "{text}"
    );
    // Canonical JSON has no cell limit: 100,000 terms (900 KB) in one expression.
    let short = write_form(
        dir.path(),
        "short.xlsx",
        &[
            &["type", "name", "label", "relevant"],
            &["integer", "a", "A", ""],
            &["text", "b", "B", "${a} = 1"],
        ],
    );
    let json = stdout(&branchbook(&["form", "convert", short.to_str().unwrap()]));
    let huge = vec!["${a} = 1"; 100_000].join(" and ");
    let json = json.replace("\"${a} = 1\"", &format!("\"{huge}\""));
    let path = dir.path().join("long.json");
    std::fs::write(&path, json).unwrap();
    let out = branchbook(&["form", "check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("the expression is too long"), "{text}");
}

#[test]
fn check_lists_every_problem_with_its_place_and_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_form(
        dir.path(),
        "broken.xlsx",
        &[
            &["type", "name", "label"],
            &["text", "a", "A"],
            &["txt", "b", "B"],
            &["integer", "a", "A again"],
            &["begin group", "g", "G"],
            &["select_one nowhere", "c", "C"],
        ],
    );
    let out = branchbook(&["form", "check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("4 problem(s)"), "{text}");
    assert!(
        text.contains("survey row 3, column type: unknown type 'txt'"),
        "{text}"
    );
    assert!(
        text.contains("survey row 4, column name: the name 'a' is already used at survey row 2"),
        "{text}"
    );
    assert!(
        text.contains(
            "survey row 5, column type: 'begin group' of 'g' has no matching 'end group'"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "survey row 6, column type: the choice list 'nowhere' is not on the choices sheet"
        ),
        "{text}"
    );
}

#[test]
fn the_file_name_is_the_form_id_when_settings_have_none() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_form(
        dir.path(),
        "quick_poll.xlsx",
        &[&["type", "name", "label"], &["text", "a", "A"]],
    );
    let out = branchbook(&["form", "check", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("id: quick_poll"));
}

#[test]
fn check_prints_warnings_with_their_place_and_still_passes() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_form(
        dir.path(),
        "warned.xlsx",
        &[
            &["type", "name", "label", "calculation", "required"],
            &["text", "a", "A", "", "basic"],
            &["calculate", "fee", "", "yes", ""],
            &["note", "stop", "Stop here", "", "yes"],
        ],
    );
    let out = branchbook(&["form", "check", path.to_str().unwrap()]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    for line in [
        "warning: survey row 2, column required: 'basic' is neither yes nor no",
        "warning: survey row 3, column calculation: 'yes' is not a reference",
        "warning: survey row 4, column required: the note 'stop' is required and always shown",
        "form ok",
    ] {
        assert!(text.contains(line), "missing {line:?} in\n{text}");
    }
    // `convert` says them on standard error: its output is the JSON.
    let out = branchbook(&["form", "convert", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let errors = String::from_utf8(out.stderr.clone()).unwrap();
    assert_eq!(errors.matches("warning: ").count(), 3, "{errors}");
    Form::from_json(&stdout(&out)).unwrap();
}

#[test]
fn convert_prints_canonical_json_that_checks_the_same() {
    let out = branchbook(&["form", "convert", example().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let json = stdout(&out);
    let form = Form::from_json(&json).unwrap();
    assert_eq!(
        form,
        read_xlsx(&std::fs::read(example()).unwrap()).unwrap().form
    );
    assert_eq!(json.trim_end(), form.to_json());

    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("form.json");
    std::fs::write(&json_path, &json).unwrap();
    let from_json = branchbook(&["form", "check", json_path.to_str().unwrap()]);
    let from_xlsx = branchbook(&["form", "check", example().to_str().unwrap()]);
    assert_eq!(from_json.status.code(), Some(0));
    assert_eq!(stdout(&from_json), stdout(&from_xlsx));
}

#[test]
fn convert_refuses_a_form_with_problems() {
    let dir = tempfile::tempdir().unwrap();
    let path = write_form(
        dir.path(),
        "bad.xlsx",
        &[&["type", "name", "label"], &["txt", "a", "A"]],
    );
    let out = branchbook(&["form", "convert", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown type 'txt'"));
}

#[test]
fn files_that_are_not_forms_and_bad_usage() {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("notes.xlsx");
    std::fs::write(&fake, "just text").unwrap();
    let out = branchbook(&["form", "check", fake.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout(&out).contains("not a readable .xlsx workbook"),
        "{}",
        stdout(&out)
    );

    let bad_json = dir.path().join("form.json");
    std::fs::write(&bad_json, "{\"id\": ").unwrap();
    let out = branchbook(&["form", "check", bad_json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("not a form in Branchbook's JSON format"));

    let missing = branchbook(&[
        "form",
        "check",
        dir.path().join("nope.xlsx").to_str().unwrap(),
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read"));

    for args in [&[][..], &["form"], &["form", "check"], &["frob", "x"]] {
        let out = branchbook(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).contains("usage:"));
    }
}

#[test]
fn check_reads_the_files_a_form_names_from_its_folder() {
    let dir = tempfile::tempdir().unwrap();
    let form = write_form(
        dir.path(),
        "villages.xlsx",
        &[
            &["type", "name", "label", "calculation"],
            &[
                "select_one_from_file villages.csv",
                "village",
                "Village",
                "",
            ],
            &[
                "calculate",
                "head",
                "",
                "pulldata('heads', 'head', 'name', ${village})",
            ],
            &["note", "n", "Head: ${head}", ""],
        ],
    );
    let out = branchbook(&["form", "check", form.to_str().unwrap()]);
    let text = String::from_utf8(out.stderr.clone()).unwrap() + &stdout(&out);
    assert_eq!(out.status.code(), Some(1));
    for missing in [
        "'villages.csv' (its choices)",
        "'heads.csv' (the table pulldata() reads)",
    ] {
        assert!(text.contains(missing), "{missing} in\n{text}");
    }
    std::fs::write(dir.path().join("villages.csv"), "name,label\nv1,Bản Một\n").unwrap();
    std::fs::write(dir.path().join("heads.csv"), "name,head\nv1,Thào Thị Dợ\n").unwrap();
    let out = branchbook(&["form", "convert", form.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let form = Form::from_json(&stdout(&out)).unwrap();
    assert_eq!(form.choices["villages.csv"].choices[0].name, "v1");
    assert_eq!(
        form.data["heads"].lookup("head", "name", "v1"),
        "Thào Thị Dợ"
    );
}
