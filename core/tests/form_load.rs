//! Loading = reading + compiling, with every problem of both steps reported at once.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::Path;

use branchbook_core::form::grid::{Sheet, Workbook};
use branchbook_core::form::{Form, FormError, Problem, load_json, load_xlsx, read_workbook};

fn example() -> Vec<u8> {
    std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("forms/household_survey.xlsx"))
        .unwrap()
}

fn problems(result: Result<impl Sized, FormError>) -> Vec<Problem> {
    match result {
        Err(FormError::Invalid { problems }) => problems,
        Err(other) => panic!("expected problems, got {other}"),
        Ok(_) => panic!("expected problems, the form loaded"),
    }
}

fn json_of(survey: &[&[&str]], choices: &[&[&str]]) -> String {
    let book = Workbook {
        sheets: vec![
            Sheet::new("survey", survey),
            Sheet::new("choices", choices),
            Sheet::new("settings", &[&["form_id"], &["f"]]),
        ],
    };
    read_workbook(&book, None).form.to_json()
}

#[test]
fn the_example_loads_from_xlsx_and_from_its_json_alike() {
    let from_xlsx = load_xlsx(&example()).unwrap();
    assert_eq!(from_xlsx.form().id, "household_survey");
    let from_json = load_json(&from_xlsx.form().to_json()).unwrap();
    assert_eq!(from_json.form(), from_xlsx.form());
    assert_eq!(
        from_json.form().fingerprint(),
        from_xlsx.form().fingerprint()
    );
}

#[test]
fn structural_and_expression_problems_come_together_in_order() {
    let json = json_of(
        &[
            &["type", "name", "label", "relevant", "calculation"],
            &["integer", "age", "Age", "", ""],
            &["text", "nick", "Nickname", "${agee} > 3", ""],
            &["integer", "age", "Age again", "", ""],
            &["calculate", "twice", "", "", "${age} * * 2"],
            &["calculate", "fruit", "", "", "lookup('f', 'a', 'b', 'c')"],
        ],
        &[&["list_name", "name", "label"], &["yn", "yes", "Yes"]],
    );
    let found = problems(load_json(&json));
    let places: Vec<(u32, &str)> = found.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(
        places,
        [
            (3, "relevant"),
            (4, "name"),
            (5, "calculation"),
            (6, "calculation")
        ],
        "{found:#?}"
    );
    assert!(found[0].message.contains("${agee}"), "{}", found[0].message);
    assert!(found[1].message.contains("already used"));
    assert!(found[3].message.contains("unknown function lookup()"));
}

/// An .xlsx workbook of `sheets` (name, rows); empty cells are left blank.
fn workbook(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate().filter(|(_, c)| !c.is_empty()) {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

#[test]
fn a_cell_the_reader_refused_is_reported_once() {
    let bytes = workbook(&[
        (
            "survey",
            &[
                &["type", "name", "label", "parameters"],
                &[
                    "select_one yn",
                    "fruit",
                    "Fruit",
                    "randomize=true seed=${nobody} colour=red",
                ],
            ],
        ),
        (
            "choices",
            &[&["list_name", "name", "label"], &["yn", "yes", "Yes"]],
        ),
    ]);
    let found = problems(branchbook_core::form::load_xlsx_named(
        &bytes,
        Some("fruit"),
    ));
    // The reader's problem with the cell; the seed's unknown name in it is not added.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        found[0]
            .message
            .starts_with("parameter 'colour' is not supported here"),
        "{found:#?}"
    );
}

#[test]
fn last_saved_is_read_in_defaults_and_calculations_and_refused_in_checks() {
    let bytes = workbook(&[(
        "survey",
        &[
            &[
                "type",
                "name",
                "label",
                "default",
                "calculation",
                "relevant",
            ],
            &["text", "street", "Street", "${last-saved#street}"],
            &[
                "calculate",
                "was",
                "",
                "",
                "concat('on ', ${last-saved#street})",
            ],
            &[
                "note",
                "n",
                "Was on ${last-saved#street}",
                "",
                "",
                "${last-saved#street} != ''",
            ],
        ],
    )]);
    let found = problems(branchbook_core::form::load_xlsx_named(
        &bytes,
        Some("street"),
    ));
    // Only the relevance, which the server checks again without the phone's record.
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!((found[0].row, found[0].column.as_str()), (4, "relevant"));
    assert!(
        found[0].message.contains("read it in a calculate row"),
        "{found:#?}"
    );
}

#[test]
fn json_forms_get_the_structural_checks_too() {
    let mut form = Form::from_json(&json_of(
        &[&["type", "name", "label"], &["select_one yn", "q", "Q"]],
        &[&["list_name", "name", "label"], &["yn", "yes", "Yes"]],
    ))
    .unwrap();
    form.choices.get_mut("yn").unwrap().choices.clear();
    let found = problems(load_json(&form.to_json()));
    assert!(
        found
            .iter()
            .any(|p| p.message.contains("the choice list 'yn' has no choices")),
        "{found:#?}"
    );
}

#[test]
fn files_that_are_not_forms_fail_as_a_whole() {
    assert!(matches!(load_xlsx(b"nope"), Err(FormError::NotXlsx { .. })));
    assert!(matches!(load_json("nope"), Err(FormError::Json { .. })));
}

#[test]
fn an_expression_too_long_for_the_stack_is_a_problem_at_its_cell() {
    // 100,000 `and` terms (600 KB): refused by the parser's size bound with the cell's
    // place, on a phone-sized thread stack, instead of aborting the process.
    let long = vec!["${age} > 1"; 100_000].join(" and ");
    let tall = vec!["${age}"; 300].join(" + ");
    let json = json_of(
        &[
            &["type", "name", "label", "relevant", "calculation"],
            &["integer", "age", "Age", "", ""],
            &["text", "nick", "Nickname", &long, ""],
            &["calculate", "sum", "", "", &tall],
        ],
        &[&["list_name", "name", "label"], &["yn", "yes", "Yes"]],
    );
    let found = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || problems(load_json(&json)))
        .unwrap()
        .join()
        .unwrap();
    let places: Vec<(u32, &str)> = found.iter().map(|p| (p.row, p.column.as_str())).collect();
    assert_eq!(places, [(3, "relevant"), (4, "calculation")], "{found:#?}");
    assert!(
        found[0].message.contains("too long"),
        "{}",
        found[0].message
    );
    assert!(found[0].message.len() < 1000, "{}", found[0].message);
    assert!(found[1].message.contains("operations in a chain"));
}

fn xlsx(survey: &[&[&str]]) -> Vec<u8> {
    workbook(&[("survey", survey)])
}

#[test]
fn a_refused_row_is_reported_once_not_at_every_reference() {
    let bytes = xlsx(&[
        &["type", "name", "label", "relevant", "calculation"],
        &["osm", "building", "Building", "", ""],
        &["begin loop over yn", "each", "Each", "", ""],
        &["text", "inside", "Inside", "", ""],
        &["end loop", "", "", "", ""],
        &["text", "a", "A ${building}", "${building} != ''", ""],
        &[
            "calculate",
            "b",
            "",
            "",
            "concat(${building}, ${inside}, ${agee})",
        ],
        &["calculate", "c", "", "", "sqrtx(1) + cosx(2) + atanx(3)"],
    ]);
    let found = problems(branchbook_core::form::load_xlsx_named(&bytes, Some("f")));
    let lines: Vec<(u32, &str)> = found.iter().map(|p| (p.row, p.message.as_str())).collect();
    assert_eq!(found.len(), 6, "{lines:#?}");
    assert!(found[0].message.contains("'osm' is not supported"));
    assert!(
        found[1]
            .message
            .contains("the loop goes over 'yn', which is not a list of the choices sheet")
    );
    assert!(
        found[2].message.contains("unknown question ${agee}"),
        "{lines:#?}"
    );
    for (p, f) in found[3..].iter().zip(["sqrtx", "cosx", "atanx"]) {
        assert_eq!(p.row, 8);
        assert!(
            p.message.contains(&format!("unknown function {f}()")),
            "{lines:#?}"
        );
    }
}

/// A form's JSON may come from anywhere (an API upload, a phone's import): its id is not
/// mapped as a spreadsheet's is, only checked, so a quote or a capital is refused at the
/// settings cell (issue 13, finding 9).
#[test]
fn json_forms_with_ids_that_could_break_a_header_are_refused() {
    let json = json_of(&[&["type", "name", "label"], &["text", "a", "A"]], &[]);
    for id in ["a\"b", "Field-List", "x\ny", ""] {
        let mut form: Form = serde_json::from_str(&json).unwrap();
        form.id = id.into();
        let found = problems(load_json(&serde_json::to_string(&form).unwrap()));
        assert!(
            found
                .iter()
                .any(|p| p.sheet == "settings" && p.column == "form_id"),
            "{id:?}: {found:?}"
        );
    }
    let mut form: Form = serde_json::from_str(&json).unwrap();
    form.version = "1\r\nX-Evil: yes".into();
    let found = problems(load_json(&serde_json::to_string(&form).unwrap()));
    assert!(found.iter().any(|p| p.column == "version"), "{found:?}");
}
