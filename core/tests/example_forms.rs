//! The example forms in core/forms: their committed .xlsx files match their text
//! sources, they read without a problem, convert to JSON and back, and hold what the
//! brief asks of them (Vietnamese, English and some Hmong; the 54 ethnic groups; skip
//! logic, constraints, a repeat, a cascade...).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use branchbook_core::domain::ETHNICITIES;
use branchbook_core::form::{FieldKind, Form, Node, read_xlsx, workbook_from_xlsx};

const FORMS: [&str; 2] = ["household_survey", "dialogue_feedback"];
const VI: &str = "Tiếng Việt (vi)";
const EN: &str = "English (en)";
const HMN: &str = "Hmoob (hmn)";

fn forms_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("forms")
}

fn xlsx(name: &str) -> Vec<u8> {
    std::fs::read(forms_dir().join(format!("{name}.xlsx"))).unwrap()
}

fn read(name: &str) -> Form {
    let read = read_xlsx(&xlsx(name)).unwrap();
    assert_eq!(read.problems, vec![], "{name} has problems");
    read.form
}

/// Rows of cells with trailing blanks dropped, so a grid compares by content.
fn trimmed(rows: Vec<Vec<String>>) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|mut r| {
            while r.last().is_some_and(String::is_empty) {
                r.pop();
            }
            r
        })
        .collect();
    while rows.last().is_some_and(Vec::is_empty) {
        rows.pop();
    }
    rows
}

#[test]
fn committed_xlsx_files_match_their_sources() {
    for name in FORMS {
        let book = workbook_from_xlsx(&xlsx(name)).unwrap();
        let names: Vec<&str> = book.sheets.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["survey", "choices", "settings"], "{name}");
        for sheet in &book.sheets {
            let source = forms_dir()
                .join("src")
                .join(name)
                .join(format!("{}.tsv", sheet.name));
            let text = std::fs::read_to_string(&source).unwrap();
            let expected: Vec<Vec<String>> = text
                .lines()
                .map(|l| l.split('\t').map(str::to_owned).collect())
                .collect();
            assert_eq!(
                trimmed(sheet.rows.clone()),
                trimmed(expected),
                "{name}.xlsx sheet {} differs from {}: run `cargo run -p branchbook-core --example build_example_forms`",
                sheet.name,
                source.display()
            );
        }
    }
}

#[test]
fn example_forms_read_cleanly_and_round_trip_through_json() {
    for name in FORMS {
        let form = read(name);
        assert_eq!(form.id, name);
        assert_eq!(form.default_language.as_deref(), Some(VI));
        let languages: Vec<&str> = form.languages.iter().map(|l| l.name.as_str()).collect();
        assert_eq!(languages, [VI, EN, HMN]);
        let json = form.to_json();
        let back = Form::from_json(&json).unwrap();
        assert_eq!(back, form);
        assert_eq!(back.to_json(), json);
        assert_eq!(back.fingerprint(), form.fingerprint());
    }
}

#[test]
fn every_label_is_in_vietnamese_and_english_and_some_in_hmong() {
    for name in FORMS {
        let form = read(name);
        let mut hmong = 0;
        for f in form.fields() {
            if !f.label.is_empty() {
                assert!(
                    f.label.0.contains_key(VI) && f.label.0.contains_key(EN),
                    "{name}: {} lacks vi or en",
                    f.name
                );
            }
            for messages in [&f.constraint_message, &f.required_message] {
                if !messages.is_empty() {
                    assert!(
                        messages.0.contains_key(VI) && messages.0.contains_key(EN),
                        "{name}: {}",
                        f.name
                    );
                }
            }
            hmong += usize::from(f.label.0.contains_key(HMN));
        }
        assert!(hmong >= 3, "{name}: only {hmong} Hmong labels");
        for list in form.choices.values() {
            for c in &list.choices {
                assert!(
                    c.label.0.contains_key(VI) && c.label.0.contains_key(EN),
                    "{name}: {}/{}",
                    list.name,
                    c.name
                );
            }
        }
    }
}

#[test]
fn the_ethnicity_list_is_vietnams_54_groups() {
    for name in FORMS {
        let form = read(name);
        let list = &form.choices["ethnicity"];
        let names: Vec<&str> = list.choices.iter().map(|c| c.name.as_str()).collect();
        let keys: Vec<&str> = ETHNICITIES.iter().map(|e| e.key).collect();
        assert_eq!(names, keys, "{name}");
        for (choice, group) in list.choices.iter().zip(ETHNICITIES) {
            assert_eq!(
                choice.label.0.get(VI).map(String::as_str),
                Some(group.name_vi),
                "{name}"
            );
        }
    }
}

#[test]
fn the_household_survey_has_what_the_brief_asks() {
    let form = read("household_survey");
    let all = form.fields();
    let field = |n: &str| {
        *all.iter()
            .find(|f| f.name == n)
            .unwrap_or_else(|| panic!("no {n}"))
    };
    let member = form
        .body
        .iter()
        .find_map(|n| match n {
            Node::Repeat(r) if r.name == "member" => Some(r),
            _ => None,
        })
        .expect("a member repeat");
    let in_member: Vec<&str> = member.children.iter().map(Node::name).collect();
    for n in [
        "member_name",
        "member_sex",
        "member_birth_year",
        "member_relation",
        "member_ethnicity",
    ] {
        assert!(in_member.contains(&n), "{n} not in the member repeat");
    }
    assert!(
        matches!(&field("member_ethnicity").kind, FieldKind::SelectOne { list, .. } if list == "ethnicity")
    );
    assert!(
        field("village")
            .choice_filter
            .as_deref()
            .is_some_and(|f| f.contains("${commune}"))
    );
    assert!(
        form.choices["village"]
            .choices
            .iter()
            .all(|c| c.extra.contains_key("commune"))
    );
    assert_eq!(field("house_photo").kind, FieldKind::Image);
    assert_eq!(
        field("house_photo")
            .parameters
            .get("max-pixels")
            .map(String::as_str),
        Some("1600")
    );
    assert_eq!(field("gps").kind, FieldKind::Geopoint);
    assert_eq!(field("intro").kind, FieldKind::Note);
    assert!(field("loan_amount").relevant.is_some() && field("loan_amount").constraint.is_some());
    assert!(field("marriage_age").constraint_message.0.contains_key(VI));
    assert_eq!(field("head_name").required.as_deref(), Some("true()"));
    assert_eq!(field("program").read_only.as_deref(), Some("true()"));
    assert_eq!(field("program").default.as_deref(), Some("Đề án 8"));
    let calculations = all
        .iter()
        .filter(|f| f.kind == FieldKind::Calculate)
        .count();
    assert!(calculations >= 2);
    for topic in ["has_loan", "legal_age_female", "birth_2y", "knows_help"] {
        field(topic);
    }
}
