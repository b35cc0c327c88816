//! The XLSForm reader, from grids of cells: types, column aliases, languages, settings,
//! and every structural problem with its sheet, row and column.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::form::grid::{Sheet, Workbook};
use branchbook_core::form::{
    Field, FieldKind, Form, MetaKind, Node, Problem, ReadForm, read_workbook,
};

fn book(survey: &[&[&str]], choices: &[&[&str]], settings: &[&[&str]]) -> Workbook {
    let mut sheets = vec![Sheet::new("survey", survey)];
    if !choices.is_empty() {
        sheets.push(Sheet::new("choices", choices));
    }
    if !settings.is_empty() {
        sheets.push(Sheet::new("settings", settings));
    }
    Workbook { sheets }
}

const SETTINGS: &[&[&str]] = &[&["form_id", "version"], &["test_form", "1"]];

fn read(survey: &[&[&str]], choices: &[&[&str]]) -> ReadForm {
    read_workbook(&book(survey, choices, SETTINGS), None)
}

fn read_ok(survey: &[&[&str]], choices: &[&[&str]]) -> Form {
    let read = read(survey, choices);
    assert_eq!(read.problems, vec![], "unexpected problems");
    read.form
}

fn field<'f>(form: &'f Form, name: &str) -> &'f Field {
    form.fields()
        .into_iter()
        .find(|f| f.name == name)
        .unwrap_or_else(|| panic!("no field {name}"))
}

/// The (sheet, row, column) of each problem whose message contains `needle`.
fn located(problems: &[Problem], needle: &str) -> Vec<(String, u32, String)> {
    problems
        .iter()
        .filter(|p| p.message.contains(needle))
        .map(|p| (p.sheet.clone(), p.row, p.column.clone()))
        .collect()
}

fn at(sheet: &str, row: u32, column: &str) -> (String, u32, String) {
    (sheet.to_owned(), row, column.to_owned())
}

const YES_NO: &[&[&str]] = &[
    &["list_name", "name", "label"],
    &["yn", "yes", "Yes"],
    &["yn", "no", "No"],
];

#[test]
fn every_supported_type_is_read() {
    let form = read_ok(
        &[
            &["type", "name", "label", "calculation"],
            &["text", "t", "T", ""],
            &["integer", "i", "I", ""],
            &["int", "i2", "I", ""],
            &["decimal", "d", "D", ""],
            &["select_one yn", "s1", "S", ""],
            &["select one yn", "s1b", "S", ""],
            &["select_one yn or_other", "s1o", "S", ""],
            &["select_multiple yn", "sm", "S", ""],
            &["date", "da", "D", ""],
            &["time", "ti", "T", ""],
            &["dateTime", "dt", "D", ""],
            &["datetime", "dt2", "D", ""],
            &["geopoint", "g", "G", ""],
            &["image", "im", "I", ""],
            &["photo", "ph", "P", ""],
            &["note", "n", "N", ""],
            &["acknowledge", "a", "A", ""],
            &["trigger", "a2", "A", ""],
            &["calculate", "c", "", "1 + 1"],
            &["hidden", "h", "", ""],
            &["start", "st", "", ""],
            &["end", "en", "", ""],
            &["today", "to", "", ""],
            &["deviceid", "dev", "", ""],
            &["username", "u", "", ""],
        ],
        YES_NO,
    );
    let kinds: Vec<(&str, &FieldKind)> = form
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), &f.kind))
        .collect();
    let one = |or_other| FieldKind::SelectOne {
        list: "yn".into(),
        or_other,
    };
    let expected = vec![
        ("t", FieldKind::Text),
        ("i", FieldKind::Integer),
        ("i2", FieldKind::Integer),
        ("d", FieldKind::Decimal),
        ("s1", one(false)),
        ("s1b", one(false)),
        ("s1o", one(true)),
        ("s1o_other", FieldKind::Text),
        (
            "sm",
            FieldKind::SelectMultiple {
                list: "yn".into(),
                or_other: false,
            },
        ),
        ("da", FieldKind::Date),
        ("ti", FieldKind::Time),
        ("dt", FieldKind::DateTime),
        ("dt2", FieldKind::DateTime),
        ("g", FieldKind::Geopoint),
        ("im", FieldKind::Image),
        ("ph", FieldKind::Image),
        ("n", FieldKind::Note),
        ("a", FieldKind::Acknowledge),
        ("a2", FieldKind::Acknowledge),
        ("c", FieldKind::Calculate),
        ("h", FieldKind::Hidden),
        ("st", FieldKind::Meta(MetaKind::Start)),
        ("en", FieldKind::Meta(MetaKind::End)),
        ("to", FieldKind::Meta(MetaKind::Today)),
        ("dev", FieldKind::Meta(MetaKind::DeviceId)),
        ("u", FieldKind::Meta(MetaKind::Username)),
    ];
    let expected: Vec<(&str, &FieldKind)> = expected.iter().map(|(n, k)| (*n, k)).collect();
    assert_eq!(kinds, expected);
}

#[test]
fn groups_and_repeats_nest_with_their_columns() {
    let form = read_ok(
        &[
            &[
                "type",
                "name",
                "label",
                "relevant",
                "appearance",
                "repeat_count",
            ],
            &["integer", "n", "How many?", "", "", ""],
            &[
                "begin group",
                "outer",
                "Outer",
                "${n} > 0",
                "field-list",
                "",
            ],
            &["begin_repeat", "member", "Member", "", "", "${n}"],
            &["text", "member_name", "Name", "", "", ""],
            &["end_repeat", "", "", "", "", ""],
            &["end group", "", "", "", "", ""],
            &["note", "after", "After", "", "", ""],
        ],
        &[],
    );
    assert_eq!(form.body.len(), 3);
    let Node::Group(outer) = &form.body[1] else {
        panic!("not a group: {:?}", form.body[1])
    };
    assert_eq!(outer.name, "outer");
    assert_eq!(outer.relevant.as_deref(), Some("${n} > 0"));
    assert_eq!(outer.appearance.as_deref(), Some("field-list"));
    assert_eq!(outer.source.row, 3);
    let Node::Repeat(member) = &outer.children[0] else {
        panic!("not a repeat")
    };
    assert_eq!(member.repeat_count.as_deref(), Some("${n}"));
    assert_eq!(member.label.0.get(""), Some(&"Member".to_owned()));
    assert_eq!(member.children[0].name(), "member_name");
    assert_eq!(form.body[2].name(), "after");
}

#[test]
fn column_aliases_and_header_case() {
    let form = read_ok(
        &[
            &[
                "Type",
                "NAME",
                "Label",
                "relevance",
                "Calculation",
                "readonly",
                "jr:requiredMsg",
                "Required",
                "constraint",
                "constraint message",
                "bind::jr:constraintMsg::English (en)",
                "control::appearance",
                "Choice Filter",
                "Default",
                "notes for the author",
            ],
            &[
                "integer",
                "a",
                "A",
                "",
                "",
                "yes",
                "Please answer",
                "yes",
                ". > 0",
                "Too small",
                "Positive please",
                "",
                "",
                "3",
                "ignored",
            ],
            &[
                "calculate",
                "b",
                "",
                "${a} > 1",
                "${a} * 2",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            ],
            &[
                "select_one yn",
                "c",
                "C",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
                "minimal",
                "name != 'no'",
                "",
                "",
            ],
        ],
        YES_NO,
    );
    let a = field(&form, "a");
    assert_eq!(a.read_only.as_deref(), Some("true()"));
    assert_eq!(a.required.as_deref(), Some("true()"));
    assert_eq!(
        a.required_message.0.get(""),
        Some(&"Please answer".to_owned())
    );
    assert_eq!(a.constraint.as_deref(), Some(". > 0"));
    assert_eq!(
        a.constraint_message.0.get(""),
        Some(&"Too small".to_owned())
    );
    assert_eq!(
        a.constraint_message.0.get("English (en)"),
        Some(&"Positive please".to_owned())
    );
    assert_eq!(a.default.as_deref(), Some("3"));
    let b = field(&form, "b");
    assert_eq!(b.relevant.as_deref(), Some("${a} > 1"));
    assert_eq!(b.calculation.as_deref(), Some("${a} * 2"));
    let c = field(&form, "c");
    assert_eq!(c.appearance.as_deref(), Some("minimal"));
    assert_eq!(c.choice_filter.as_deref(), Some("name != 'no'"));
}

#[test]
fn choices_sheet_aliases_and_extra_columns() {
    let form = read_ok(
        &[
            &["type", "name", "label", "choice_filter"],
            &["select_one village", "v", "Village", "commune = 'y_ty'"],
        ],
        &[
            &["List Name", "value", "label", "commune", "image"],
            &["village", "lao_chai", "Lao Chải", "y_ty", "a.jpg"],
            &["village", "phin_ho", "Phìn Hồ", "a_lu", ""],
        ],
    );
    let list = &form.choices["village"];
    assert_eq!(list.name, "village");
    let names: Vec<&str> = list.choices.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["lao_chai", "phin_ho"]);
    assert_eq!(
        list.choices[0].extra.get("commune").map(String::as_str),
        Some("y_ty")
    );
    assert_eq!(
        list.choices[0].extra.len(),
        1,
        "media columns are not extra data"
    );
    assert_eq!(list.choices[0].media.image.0[""], "a.jpg");
    assert!(list.choices[1].media.is_empty());
    assert_eq!(list.choices[1].source.row, 3);
}

#[test]
fn required_and_read_only_values() {
    let form = read_ok(
        &[
            &["type", "name", "label", "required", "read_only"],
            &["text", "a", "A", "TRUE", "1"],
            &["text", "b", "B", "no", "false"],
            &["text", "c", "C", "${a} = 'x'", ""],
            &["text", "d", "D", "True", "No"],
        ],
        &[],
    );
    assert_eq!(field(&form, "a").required.as_deref(), Some("true()"));
    assert_eq!(field(&form, "a").read_only.as_deref(), Some("true()"));
    assert_eq!(field(&form, "b").required, None);
    assert_eq!(field(&form, "b").read_only, None);
    assert_eq!(field(&form, "c").required.as_deref(), Some("${a} = 'x'"));
    assert_eq!(field(&form, "d").required.as_deref(), Some("true()"));
    assert_eq!(field(&form, "d").read_only, None);
}

#[test]
fn languages_from_headers_with_codes_in_column_order() {
    let read = read_workbook(
        &book(
            &[
                &[
                    "type",
                    "name",
                    "label::Tiếng Việt (vi)",
                    "label::English (en)",
                    "hint::Hmoob (hmn)",
                    "constraint_message::Tiếng Việt (vi)",
                    "required_message::English (en)",
                ],
                &[
                    "text",
                    "ten",
                    "Họ và tên",
                    "Full name",
                    "Lub npe",
                    "Quá ngắn",
                    "Required",
                ],
            ],
            &[
                &[
                    "list_name",
                    "name",
                    "label::English (en)",
                    "label::Thái (tai)",
                ],
                &["yn", "yes", "Yes", "Ơ"],
            ],
            &[&["form_id", "default_language"], &["f", "Tiếng Việt (vi)"]],
        ),
        None,
    );
    assert_eq!(read.problems, vec![]);
    let form = read.form;
    let names: Vec<&str> = form.languages.iter().map(|l| l.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Tiếng Việt (vi)",
            "English (en)",
            "Hmoob (hmn)",
            "Thái (tai)"
        ]
    );
    let codes: Vec<Option<&str>> = form.languages.iter().map(|l| l.code.as_deref()).collect();
    assert_eq!(codes, [Some("vi"), Some("en"), Some("hmn"), Some("tai")]);
    assert_eq!(form.default_language.as_deref(), Some("Tiếng Việt (vi)"));
    let ten = field(&form, "ten");
    assert_eq!(
        ten.label.0.get("Tiếng Việt (vi)").map(String::as_str),
        Some("Họ và tên")
    );
    assert_eq!(
        ten.label.0.get("English (en)").map(String::as_str),
        Some("Full name")
    );
    assert_eq!(
        ten.hint.0.get("Hmoob (hmn)").map(String::as_str),
        Some("Lub npe")
    );
    assert_eq!(
        ten.constraint_message
            .0
            .get("Tiếng Việt (vi)")
            .map(String::as_str),
        Some("Quá ngắn")
    );
    assert_eq!(
        ten.required_message
            .0
            .get("English (en)")
            .map(String::as_str),
        Some("Required")
    );
}

#[test]
fn default_language_by_code_and_old_single_colon_headers() {
    let read = read_workbook(
        &book(
            &[
                &["type", "name", "label:English (en)", "label:Français (fr)"],
                &["text", "a", "Name", "Nom"],
            ],
            &[],
            &[&["form_id", "default_language"], &["f", "fr"]],
        ),
        None,
    );
    assert_eq!(read.problems, vec![]);
    assert_eq!(read.form.default_language.as_deref(), Some("Français (fr)"));
    assert_eq!(
        field(&read.form, "a")
            .label
            .0
            .get("English (en)")
            .map(String::as_str),
        Some("Name")
    );
}

#[test]
fn plain_columns_are_in_the_default_language_when_no_header_names_it() {
    let read = read_workbook(
        &book(
            &[
                &["type", "name", "label", "label::English (en)"],
                &["text", "a", "Tên", "Name"],
            ],
            &[&["list_name", "name", "label"], &["yn", "yes", "Có"]],
            &[&["form_id", "default_language"], &["f", "Tiếng Việt (vi)"]],
        ),
        None,
    );
    assert_eq!(read.problems, vec![]);
    let form = read.form;
    assert_eq!(form.languages[0].name, "Tiếng Việt (vi)");
    assert_eq!(form.languages[0].code.as_deref(), Some("vi"));
    let a = field(&form, "a");
    assert_eq!(
        a.label.0.get("Tiếng Việt (vi)").map(String::as_str),
        Some("Tên")
    );
    assert!(!a.label.0.contains_key(""));
    assert_eq!(
        form.choices["yn"].choices[0]
            .label
            .0
            .get("Tiếng Việt (vi)")
            .map(String::as_str),
        Some("Có")
    );
}

#[test]
fn an_unknown_default_language_is_a_problem_in_the_settings() {
    let read = read_workbook(
        &book(
            &[
                &["type", "name", "label::English (en)"],
                &["text", "a", "Name"],
            ],
            &[],
            &[&["form_id", "default_language"], &["f", "Klingon"]],
        ),
        None,
    );
    assert_eq!(
        located(&read.problems, "default_language 'Klingon'"),
        [at("settings", 2, "default_language")]
    );
}

#[test]
fn settings_are_read_and_the_title_falls_back_to_the_id() {
    let read = read_workbook(
        &book(
            &[&["type", "name", "label"], &["text", "a", "A"]],
            &[],
            &[
                &[
                    "Form_ID",
                    "Version",
                    "form_title",
                    "instance_name",
                    "public_key",
                ],
                &[
                    "hh",
                    "2025010101",
                    "Khảo sát hộ",
                    "concat(${a}, '-')",
                    "ignored",
                ],
            ],
        ),
        None,
    );
    assert_eq!(read.problems, vec![]);
    assert_eq!(read.form.id, "hh");
    assert_eq!(read.form.version, "2025010101");
    assert_eq!(read.form.title, "Khảo sát hộ");
    assert_eq!(
        read.form.instance_name.as_deref(),
        Some("concat(${a}, '-')")
    );

    let untitled = read_workbook(
        &book(
            &[&["type", "name", "label"], &["text", "a", "A"]],
            &[],
            &[&["form_id"], &["x"]],
        ),
        None,
    );
    assert_eq!(untitled.form.title, "x");
    assert_eq!(untitled.form.version, "");
}

#[test]
fn the_form_id_falls_back_to_the_callers_name_or_is_a_problem() {
    let survey: &[&[&str]] = &[&["type", "name", "label"], &["text", "a", "A"]];
    let named = read_workbook(&book(survey, &[], &[]), Some("from_file"));
    assert_eq!(named.problems, vec![]);
    assert_eq!(named.form.id, "from_file");
    assert_eq!(named.form.title, "from_file");
    let anonymous = read_workbook(&book(survey, &[], &[]), None);
    assert_eq!(
        located(&anonymous.problems, "no form_id"),
        [at("settings", 0, "form_id")]
    );
}

/// Form ids and versions name export files and web addresses (issue 13, finding 9): what
/// pyxform accepts and maps safely is stored mapped, with a note; quotes, line breaks,
/// other punctuation and over-long ids are problems at the settings cell.
#[test]
fn form_ids_are_mapped_to_lower_case_or_refused_at_their_cell() {
    let survey: &[&[&str]] = &[&["type", "name", "label"], &["text", "a", "A"]];
    let mapped = read_workbook(
        &book(
            survey,
            &[],
            &[
                &["form_id", "version"],
                &["UCL_Biomass-Plot.Form", "2024 01"],
            ],
        ),
        None,
    );
    assert_eq!(mapped.problems, vec![]);
    assert_eq!(mapped.form.id, "ucl_biomass_plot_form");
    assert_eq!(mapped.form.version, "2024_01");
    assert_eq!(mapped.form.title, "UCL_Biomass-Plot.Form");
    assert_eq!(
        located(&mapped.warnings, "stored as 'ucl_biomass_plot_form'"),
        [at("settings", 2, "form_id")]
    );
    assert_eq!(
        located(&mapped.warnings, "stored as '2024_01'"),
        [at("settings", 2, "version")]
    );
    let from_file = read_workbook(&book(survey, &[], &[]), Some("field-list"));
    assert_eq!(from_file.problems, vec![]);
    assert_eq!(from_file.form.id, "field_list");
    assert_eq!(from_file.warnings.len(), 1);
    let clean = read_workbook(&book(survey, &[], SETTINGS), None);
    assert_eq!(clean.warnings, vec![]);

    let long = "a".repeat(65);
    for (id, version, column, needle) in [
        ("hh\"; filename=evil.sh", "1", "form_id", "may hold only"),
        ("hh\nx", "1", "form_id", "may hold only"),
        ("hộ_gia_đình", "1", "form_id", "for example 'ho_gia_dinh'"),
        (long.as_str(), "1", "form_id", "65 characters"),
        ("hh", "1\"/../x", "version", "may hold only"),
    ] {
        let refused = read_workbook(
            &book(survey, &[], &[&["form_id", "version"], &[id, version]]),
            None,
        );
        assert_eq!(
            located(&refused.problems, needle),
            [at("settings", 2, column)],
            "{id:?} {version:?}: {:?}",
            refused.problems
        );
    }
}

#[test]
fn parameters_are_key_value_pairs_accepted_per_type() {
    let read = read(
        &[
            &["type", "name", "label", "parameters"],
            &["image", "photo", "Photo", "max-pixels = 1600"],
            &["image", "bad_px", "Photo", "max-pixels=big"],
            &["text", "t", "T", "randomize=true"],
            &["image", "lonely", "Photo", "max-pixels"],
            &["geotrace", "road", "Road", "allow-mock-accuracy=true"],
            &["geoshape", "field", "Field", "max-pixels=10"],
        ],
        &[],
    );
    // A line and a shape take pyxform's allow-mock-accuracy, and nothing of a photo's.
    assert_eq!(field(&read.form, "road").kind, FieldKind::Geotrace);
    assert_eq!(
        field(&read.form, "road")
            .parameters
            .get("allow-mock-accuracy")
            .map(String::as_str),
        Some("true")
    );
    assert_eq!(
        located(
            &read.problems,
            "parameter 'max-pixels' is not supported here: this type takes allow-mock-accuracy"
        ),
        [at("survey", 7, "parameters")]
    );
    assert_eq!(
        field(&read.form, "photo")
            .parameters
            .get("max-pixels")
            .map(String::as_str),
        Some("1600")
    );
    assert_eq!(
        located(&read.problems, "max-pixels must be a whole number"),
        [at("survey", 3, "parameters")]
    );
    assert_eq!(
        located(
            &read.problems,
            "parameter 'randomize' is not supported: this type takes no parameters"
        ),
        [at("survey", 4, "parameters")]
    );
    assert_eq!(
        located(&read.problems, "not a key=value pair"),
        [at("survey", 5, "parameters")]
    );
}

#[test]
fn text_is_stored_in_nfc() {
    let decomposed = "Tha\u{0300}o Thi\u{0323} D\u{01A1}\u{0323}";
    let form = read_ok(
        &[
            &[
                "type",
                "name",
                "label::Tie\u{0302}\u{0301}ng Vie\u{0323}\u{0302}t (vi)",
            ],
            &["note", "n", decomposed],
        ],
        &[],
    );
    assert_eq!(form.languages[0].name, "Tiếng Việt (vi)");
    assert_eq!(
        field(&form, "n")
            .label
            .0
            .get("Tiếng Việt (vi)")
            .map(String::as_str),
        Some("Thào Thị Dợ")
    );
}

#[test]
fn blank_rows_and_header_below_blank_rows_are_handled() {
    let form = read_ok(
        &[
            &[],
            &["type", "name", "label"],
            &["", "", ""],
            &["text", "a", "A"],
            &[],
            &["text", "b", "B"],
        ],
        &[],
    );
    let a = field(&form, "a");
    assert_eq!(a.source.row, 4);
    assert_eq!(field(&form, "b").source.row, 6);
}

// ---- structural problems, each with its location ----

#[test]
fn missing_invalid_and_duplicate_names() {
    let read = read(
        &[
            &["type", "name", "label"],
            &["text", "", "No name"],
            &["text", "1st", "Bad"],
            &["text", "has space", "Bad"],
            &["begin group", "g", "G"],
            &["text", "age", "Age"],
            &["end group", "", ""],
            &["begin repeat", "r", "R"],
            &["integer", "age", "Age again"],
            &["end repeat", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(&read.problems, "has no name"),
        [at("survey", 2, "name")]
    );
    // A note needs no name: it gets pyxform's generated one, from its row.
    let notes = read_ok(
        &[&["type", "name", "label"], &["note", "", "Thank you"]],
        &[],
    );
    assert_eq!(notes.body[0].name(), "generated_note_name_2");
    assert_eq!(
        located(&read.problems, "not a valid name"),
        [at("survey", 3, "name"), at("survey", 4, "name")]
    );
    // 'age' in group g and in repeat r have different paths: accepted, as in pyxform
    // (a name repeated among siblings is refused: see the test below).
    assert_eq!(located(&read.problems, "already used"), []);
}

#[test]
fn unbalanced_groups_name_the_row_of_the_unmatched_one() {
    let unclosed = read(
        &[
            &["type", "name", "label"],
            &["begin group", "g1", "G1"],
            &["text", "a", "A"],
            &["begin repeat", "r1", "R1"],
            &["text", "b", "B"],
            &["end repeat", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(&unclosed.problems, "no matching 'end group'"),
        [at("survey", 2, "type")]
    );
    assert_eq!(unclosed.problems.len(), 1, "{:?}", unclosed.problems);
    // What was inside the unclosed group is still read.
    assert_eq!(unclosed.form.fields().len(), 2);

    let stray = read(
        &[
            &["type", "name", "label"],
            &["text", "a", "A"],
            &["end group", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(
            &stray.problems,
            "'end group' without a matching 'begin group'"
        ),
        [at("survey", 3, "type")]
    );

    let crossed = read(
        &[
            &["type", "name", "label"],
            &["begin repeat", "r", "R"],
            &["text", "a", "A"],
            &["end group", "", ""],
        ],
        &[],
    );
    let p = crossed
        .problems
        .iter()
        .find(|p| p.message.contains("'end group' closes 'r'"))
        .unwrap();
    assert_eq!((p.row, p.column.as_str()), (4, "type"));
    assert!(p.message.contains("begun at row 2"), "{}", p.message);
}

#[test]
fn select_problems_list_missing_unknown_empty_and_duplicate_choices() {
    let read = read(
        &[
            &["type", "name", "label"],
            &["select_one", "s0", "S"],
            &["select_one nowhere", "s1", "S"],
            &["select_multiple empty", "s2", "S"],
            &["select_one yn", "s3", "S"],
            &["select_one yn maybe", "s4", "S"],
            &["select_multiple spaced", "s5", "S"],
        ],
        &[
            &["list_name", "name", "label"],
            &["yn", "yes", "Yes"],
            &["yn", "no", "No"],
            &["yn", "yes", "Yes again"],
            &["empty", "", "Nameless"],
            &["", "orphan", "Orphan"],
            &["yn", "maybe", ""],
            &["yn", "a b", "Spaced"],
            &["spaced", "c d", "Spaced"],
            // A stray label beside the lists, as pyxform ignores it.
            &["", "", "Only a label"],
        ],
    );
    assert_eq!(
        located(&read.problems, "needs the name of a choice list"),
        [at("survey", 2, "type")]
    );
    assert_eq!(
        located(&read.problems, "'nowhere' is not on the choices sheet"),
        [at("survey", 3, "type")]
    );
    assert_eq!(
        located(
            &read.problems,
            "unexpected 'maybe' after the choice list name"
        ),
        [at("survey", 6, "type")]
    );
    assert_eq!(
        located(&read.problems, "appears twice in list 'yn' (also at row 2)"),
        [at("choices", 4, "name")]
    );
    assert_eq!(
        located(&read.problems, "this choice of list 'empty' has no name"),
        [at("choices", 5, "name")]
    );
    assert_eq!(
        located(&read.problems, "the choice list 'empty' has no choices"),
        [at("choices", 0, "list_name")]
    );
    assert_eq!(
        located(&read.problems, "has no list_name"),
        [at("choices", 6, "list_name")]
    );
    // A choice without a label shows its name, as pyxform allows (with a warning).
    assert_eq!(located(&read.problems, "has no label"), []);
    // A space is refused only in a list a select_multiple offers (its answer is the
    // names joined by spaces); a select_one's answer is the whole name, as in ODK.
    assert_eq!(
        located(&read.problems, "contains a space"),
        [at("choices", 9, "name")]
    );
}

#[test]
fn unknown_and_unsupported_types_and_features() {
    let read = read(
        &[
            &["type", "name", "label", "calculation", "trigger"],
            &["txt", "a", "A", "", ""],
            &["file", "b", "B", "", ""],
            &["select_one_from_file villages.csv", "c", "C", "", ""],
            &["calculate", "d", "", "pulldata('f', 'a', 'b', 'c')", ""],
            &["text", "e", "E", "", "6"],
            &["begin loop over nowhere", "l", "L", "", ""],
            &["text", "inside", "Inside", "", ""],
            &["end loop", "", "", "", ""],
            &["", "f", "F", "", ""],
            &["osm things", "g", "G", "", ""],
            &["background-geopoint", "h", "H", "", ""],
        ],
        YES_NO,
    );
    assert_eq!(
        located(&read.problems, "unknown type 'txt'"),
        [at("survey", 2, "type")]
    );
    assert_eq!(
        located(&read.problems, "type 'file' is not supported"),
        [at("survey", 3, "type")]
    );
    assert_eq!(
        located(
            &read.problems,
            "needs the file 'villages.csv' (its choices)"
        ),
        [at("survey", 4, "type")]
    );
    assert_eq!(
        located(
            &read.problems,
            "needs the file 'f.csv' (the table pulldata() reads)"
        ),
        [at("survey", 5, "calculation")]
    );
    assert_eq!(
        located(&read.problems, "'6' is not a reference"),
        [at("survey", 6, "trigger")]
    );
    assert_eq!(
        located(
            &read.problems,
            "the loop goes over 'nowhere', which is not a list of the choices sheet"
        ),
        [at("survey", 7, "type")]
    );
    assert_eq!(
        located(&read.problems, "this row has no type"),
        [at("survey", 10, "type")]
    );
    assert_eq!(
        located(&read.problems, "type 'osm' is not supported"),
        [at("survey", 11, "type")]
    );
    assert_eq!(
        located(
            &read.problems,
            "type 'background-geopoint' is not supported"
        ),
        [at("survey", 12, "type")]
    );
    assert_eq!(read.problems.len(), 9, "{:#?}", read.problems);
    // Rows that were refused are not in the form; a refused loop takes its rows with it.
    let names: Vec<&str> = read.form.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(names, ["c", "d", "e"]);
}

#[test]
fn questions_need_labels_and_calculations_need_a_calculation() {
    let read = read(
        &[
            &["type", "name", "label", "hint", "calculation"],
            &["text", "a", "", "", ""],
            &["text", "b", "", "Only a hint", ""],
            &["calculate", "c", "", "", ""],
            &["hidden", "d", "", "", ""],
            &["note", "e", "", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(&read.problems, "has no label"),
        [at("survey", 2, "label"), at("survey", 6, "label")]
    );
    assert_eq!(
        located(&read.problems, "has no calculation"),
        [at("survey", 4, "calculation")]
    );
    assert_eq!(read.problems.len(), 3);
}

#[test]
fn empty_groups_choice_filters_outside_selects_and_repeated_columns() {
    let read = read(
        &[
            &[
                "type",
                "name",
                "label",
                "choice_filter",
                "relevance",
                "relevant",
            ],
            &["begin group", "g", "G", "", "", ""],
            &["end group", "", "", "", "", ""],
            &["text", "t", "T", "x = 1", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(&read.problems, "group 'g' has no questions"),
        [at("survey", 2, "type")]
    );
    assert_eq!(
        located(&read.problems, "only applies to select"),
        [at("survey", 4, "choice_filter")]
    );
    assert_eq!(
        located(&read.problems, "means the same as column 'relevance'"),
        [at("survey", 1, "relevant")]
    );
}

#[test]
fn a_workbook_without_a_survey_sheet_or_columns() {
    // Two sheets, neither named survey: no survey.
    let none = read_workbook(
        &Workbook {
            sheets: vec![
                Sheet::new("Sheet1", &[&["type", "name", "label"], &["text", "a", "A"]]),
                Sheet::new("Sheet2", &[]),
            ],
        },
        Some("x"),
    );
    assert_eq!(none.problems.len(), 1);
    assert!(
        none.problems[0]
            .message
            .contains("no 'survey' sheet (its sheets: Sheet1, Sheet2)")
    );
    assert_eq!(none.problems[0].sheet, "");
    // The only sheet, whatever its name, is the survey (as in pyxform 4), with a warning.
    let only = read_workbook(
        &Workbook {
            sheets: vec![Sheet::new(
                "Sheet1",
                &[&["type", "name", "label"], &["text", "state", "The State"]],
            )],
        },
        Some("x"),
    );
    assert_eq!(only.problems, vec![]);
    assert_eq!(only.form.fields()[0].name, "state");
    assert_eq!(only.form.fields()[0].source.sheet, "Sheet1");
    assert_eq!(
        located(
            &only.warnings,
            "the workbook's only sheet is read as the survey sheet"
        ),
        [at("Sheet1", 0, "")]
    );
    // An only sheet named choices is no survey.
    let choices = read_workbook(
        &Workbook {
            sheets: vec![Sheet::new("choices", &[&["list_name", "name", "label"]])],
        },
        Some("x"),
    );
    assert!(
        choices.problems[0].message.contains("no 'survey' sheet"),
        "{:?}",
        choices.problems
    );

    let bare = read_workbook(&book(&[&["label"], &["Hello"]], &[], &[]), Some("x"));
    assert_eq!(
        located(&bare.problems, "no 'type' column"),
        [at("survey", 1, "type")]
    );
    assert_eq!(
        located(&bare.problems, "no 'name' column"),
        [at("survey", 1, "name")]
    );
}

#[test]
fn sheets_are_found_in_any_case_and_others_ignored_or_refused() {
    let wb = Workbook {
        sheets: vec![
            Sheet::new(
                "SURVEY",
                &[&["TYPE", "NAME", "LABEL"], &["select_one yn", "q", "Q"]],
            ),
            Sheet::new(
                "Choices",
                &[&["LIST_NAME", "NAME", "LABEL"], &["yn", "yes", "Yes"]],
            ),
            Sheet::new("Settings", &[&["FORM_ID"], &["caps"]]),
            Sheet::new("notes", &[&["anything"]]),
            Sheet::new("entities", &[&["dataset", "label"], &["households", "x"]]),
        ],
    };
    let read = read_workbook(&wb, None);
    assert_eq!(read.form.id, "caps");
    assert_eq!(read.form.choices["yn"].choices.len(), 1);
    assert_eq!(
        located(&read.problems, "entities sheet"),
        [at("entities", 0, "")]
    );
    assert_eq!(read.problems.len(), 1);
}

#[test]
fn problems_come_sorted_by_sheet_then_row() {
    let read = read(
        &[
            &["type", "name", "label"],
            &["select_one nowhere", "b", "B"],
            &["txt", "a", "A"],
            &["text", "", "C"],
        ],
        &[&["list_name", "name", "label"], &["yn", "", "Y"]],
    );
    let order: Vec<(String, u32)> = read
        .problems
        .iter()
        .map(|p| (p.sheet.clone(), p.row))
        .collect();
    let mut sorted = order.clone();
    sorted.sort_by_key(|(s, r)| (s != "survey", *r));
    assert_eq!(order, sorted);
    assert_eq!(order.first().map(|(_, r)| *r), Some(2));
}

#[test]
fn or_other_adds_a_specify_other_question_in_each_language() {
    let form = read_ok(
        &[
            &[
                "type",
                "name",
                "label::Tiếng Việt (vi)",
                "label::English (en)",
                "label::Hmoob (hmn)",
            ],
            &[
                "select_one yn or_other",
                "water",
                "Nguồn nước",
                "Water source",
                "Dej",
            ],
            &["begin repeat", "member", "Thành viên", "Member", ""],
            &[
                "select all that apply from yn or specify other",
                "help",
                "Hỗ trợ",
                "Help",
                "",
            ],
            &["end repeat", "", "", "", ""],
            &["select_one yn", "plain", "Thường", "Plain", ""],
        ],
        &[
            &[
                "list_name",
                "name",
                "label::Tiếng Việt (vi)",
                "label::English (en)",
            ],
            &["yn", "yes", "Có", "Yes"],
        ],
    );
    let names: Vec<&str> = form.fields().iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["water", "water_other", "help", "help_other", "plain"],
        "each right after its select"
    );
    let other = field(&form, "water_other");
    assert_eq!(other.kind, FieldKind::Text);
    assert_eq!(
        other.relevant.as_deref(),
        Some("selected(${water}, 'other')")
    );
    assert_eq!(other.label.0["Tiếng Việt (vi)"], "Ghi rõ lựa chọn khác");
    assert_eq!(other.label.0["English (en)"], "Specify other");
    assert!(
        !other.label.0.contains_key("Hmoob (hmn)"),
        "Hmong falls back to the default language, not English"
    );
    assert_eq!(other.source.row, 2, "problems about it point at its select");
    assert_eq!(
        field(&form, "help_other").relevant.as_deref(),
        Some("selected(${help}, 'other')")
    );

    // Plain label columns in a Vietnamese default language get the Vietnamese label.
    let vi = read_workbook(
        &book(
            &[
                &["type", "name", "label"],
                &["select_one yn or_other", "water", "Nguồn nước"],
            ],
            YES_NO,
            &[&["form_id", "default_language"], &["f", "Tiếng Việt (vi)"]],
        ),
        None,
    );
    assert_eq!(vi.problems, vec![]);
    assert_eq!(
        field(&vi.form, "water_other").label.0["Tiếng Việt (vi)"],
        "Ghi rõ lựa chọn khác"
    );
    // A select labelled only in a language the engine has no words for: English.
    let hmn = read_ok(
        &[
            &["type", "name", "label::Hmoob (hmn)"],
            &["select_one yn or_other", "dej", "Dej"],
        ],
        YES_NO,
    );
    assert_eq!(
        field(&hmn, "dej_other").label.0,
        [(String::new(), "Specify other".to_owned())].into()
    );

    // An author's own question of that name clashes, as in pyxform.
    let clash = read(
        &[
            &["type", "name", "label"],
            &["select_one yn or_other", "water", "W"],
            &["text", "water_other", "Other?"],
        ],
        YES_NO,
    );
    assert_eq!(
        located(&clash.problems, "already used"),
        [at("survey", 3, "name")]
    );
}

#[test]
fn the_specify_other_question_shows_only_for_other_and_is_submitted() {
    use branchbook_core::engine::{Answer, CompiledForm, FormSession};
    use std::sync::Arc;

    let form = read_ok(
        &[
            &["type", "name", "label"],
            &["select_one yn or_other", "water", "Water"],
            &["text", "notes", "Notes"],
        ],
        YES_NO,
    );
    let now = chrono::Utc::now();
    let mut s = FormSession::new(Arc::new(CompiledForm::compile(form).unwrap()), None, now);
    let shown = |s: &FormSession| {
        s.screen()
            .questions
            .iter()
            .map(|q| q.path.clone())
            .collect::<Vec<_>>()
    };
    s.set_answer("water", Answer::Choice { name: "yes".into() })
        .unwrap();
    s.next().unwrap();
    assert_eq!(shown(&s), ["notes"], "no follow-up for an offered choice");
    s.back().unwrap();
    s.set_answer(
        "water",
        Answer::Choice {
            name: "other".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    assert_eq!(shown(&s), ["water_other"]);
    assert_eq!(s.screen().questions[0].label, "Specify other");
    s.set_answer(
        "water_other",
        Answer::Text {
            value: "Suối".into(),
        },
    )
    .unwrap();
    let sub = s.finalize(now).unwrap();
    assert_eq!(sub.data["water"], "other");
    assert_eq!(sub.data["water_other"], "Suối");

    // Choosing an offered choice again drops the follow-up's answer from the result.
    s.jump("water").unwrap();
    s.set_answer("water", Answer::Choice { name: "yes".into() })
        .unwrap();
    let sub = s.finalize(now).unwrap();
    assert!(sub.data.get("water_other").is_none(), "{}", sub.data);
}

#[test]
fn allow_choice_duplicates_lets_a_cascade_repeat_a_name_under_two_parents() {
    use branchbook_core::engine::{Answer, CompiledForm, FormSession};
    use std::sync::Arc;

    let survey: &[&[&str]] = &[
        &["type", "name", "label", "choice_filter"],
        &["select_one district", "district", "Huyện", ""],
        &[
            "select_one commune",
            "commune",
            "Xã",
            "district = ${district}",
        ],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label", "district"],
        &["district", "bac_ha", "Bắc Hà", ""],
        &["district", "si_ma_cai", "Si Ma Cai", ""],
        &["commune", "ta_chai", "Tả Chải", "bac_ha"],
        &["commune", "nan_sin", "Nàn Sín", "si_ma_cai"],
        &["commune", "thanh_binh", "Thanh Bình", "bac_ha"],
        &["commune", "thanh_binh", "Thanh Bình", "si_ma_cai"],
    ];
    // Without the setting a repeated name is a problem, as in pyxform.
    let refused = read_workbook(&book(survey, choices, SETTINGS), None);
    assert_eq!(
        located(&refused.problems, "appears twice"),
        [at("choices", 7, "name")]
    );

    let settings: &[&[&str]] = &[
        &["form_id", "version", "allow_choice_duplicates"],
        &["test_form", "1", "yes"],
    ];
    let read = read_workbook(&book(survey, choices, settings), None);
    assert_eq!(read.problems, vec![]);
    assert!(read.form.allow_choice_duplicates);
    let json = read.form.to_json();
    assert_eq!(
        Form::from_json(&json).unwrap(),
        read.form,
        "the setting survives the canonical JSON"
    );
    assert!(
        !Form::from_json(&json.replace(",\"allow_choice_duplicates\":true", ""))
            .unwrap()
            .allow_choice_duplicates
    );

    let mut s = FormSession::new(
        Arc::new(CompiledForm::compile(read.form).unwrap()),
        None,
        chrono::Utc::now(),
    );
    let offered = |s: &FormSession| {
        s.screen().questions[0]
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
    };
    s.set_answer(
        "district",
        Answer::Choice {
            name: "si_ma_cai".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    assert_eq!(
        offered(&s),
        ["nan_sin", "thanh_binh"],
        "one Thanh Bình per district"
    );
    s.set_answer(
        "commune",
        Answer::Choice {
            name: "thanh_binh".into(),
        },
    )
    .unwrap();
    let sub = s.finalize(chrono::Utc::now()).unwrap();
    assert_eq!(
        (sub.data["district"].as_str(), sub.data["commune"].as_str()),
        (Some("si_ma_cai"), Some("thanh_binh"))
    );
}

#[test]
fn device_metadata_is_kept_and_phone_number_is_digits() {
    let form = read_ok(
        &[
            &["type", "name", "label"],
            &["phonenumber", "pn", ""],
            &["simserial", "sim", ""],
            &["subscriberid", "sub", ""],
            &["email", "mail", ""],
            &["audit", "audit", ""],
            &["phone number", "contact", "Contact number"],
        ],
        &[],
    );
    let kinds: Vec<(&str, FieldKind)> = form
        .fields()
        .iter()
        .map(|f| (f.name.as_str(), f.kind.clone()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("pn", FieldKind::Meta(MetaKind::PhoneNumber)),
            ("sim", FieldKind::Meta(MetaKind::SimSerial)),
            ("sub", FieldKind::Meta(MetaKind::SubscriberId)),
            ("mail", FieldKind::Meta(MetaKind::Email)),
            ("audit", FieldKind::Meta(MetaKind::Audit)),
            ("contact", FieldKind::Text),
        ]
    );
    assert_eq!(
        field(&form, "contact").constraint.as_deref(),
        Some(r"regex(., '^\d*$')")
    );
}

#[test]
fn range_is_a_number_kept_to_start_end_and_step() {
    let read = read(
        &[
            &["type", "name", "label", "parameters", "constraint"],
            &["range", "plain", "P", "", ""],
            &["range", "half", "H", "start=0 end=5 step=0.5", ""],
            &["range", "down", "D", "start=10;end=0;step=2", ". != 4"],
            &["range", "zero_step", "Z", "step=0", ""],
            &["range", "wide_step", "W", "start=0 end=3 step=5", ""],
            &["range", "words", "X", "start=low", ""],
            &["range", "odd", "O", "colour=red", ""],
        ],
        &[],
    );
    let plain = field(&read.form, "plain");
    assert_eq!(plain.kind, FieldKind::Integer);
    let params: Vec<(&str, &str)> = plain
        .parameters
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(params, [("end", "10"), ("start", "1"), ("step", "1")]);
    assert!(
        plain
            .constraint
            .as_deref()
            .unwrap()
            .contains(". >= 1 and . <= 10")
    );
    assert_eq!(field(&read.form, "half").kind, FieldKind::Decimal);
    let down = field(&read.form, "down").constraint.as_deref().unwrap();
    assert!(
        down.starts_with("(. != 4) and . >= 0 and . <= 10"),
        "{down}"
    );
    assert_eq!(
        located(&read.problems, "step must be more than 0"),
        [at("survey", 5, "parameters"), at("survey", 6, "parameters")]
    );
    assert_eq!(
        located(&read.problems, "start must be a number, not 'low'"),
        [at("survey", 7, "parameters")]
    );
    assert_eq!(
        located(&read.problems, "this type takes start, end, step"),
        [at("survey", 8, "parameters")]
    );
    assert_eq!(read.problems.len(), 4, "{:#?}", read.problems);
}

#[test]
fn a_choice_list_pasted_twice_is_reported_in_a_few_lines() {
    let mut choices: Vec<Vec<String>> =
        vec![vec!["list_name".into(), "name".into(), "label".into()]];
    for _ in 0..2 {
        for i in 0..200 {
            choices.push(vec![
                "village".into(),
                format!("v{i}"),
                format!("Village {i}"),
            ]);
        }
    }
    let choices: Vec<Vec<&str>> = choices
        .iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect();
    let choices: Vec<&[&str]> = choices.iter().map(Vec::as_slice).collect();
    let read = read(
        &[
            &["type", "name", "label"],
            &["select_one village", "v", "Village"],
        ],
        &choices,
    );
    let twice = located(&read.problems, "appears twice in list 'village'");
    assert_eq!(twice.len(), 5, "{:#?}", read.problems);
    assert_eq!(twice[0], at("choices", 202, "name"));
    assert_eq!(
        located(
            &read.problems,
            "195 more choices of list 'village' repeat a name"
        ),
        [at("choices", 207, "name")]
    );
    assert_eq!(read.problems.len(), 6);
}

#[test]
fn external_choices_and_choices_from_attached_files() {
    use branchbook_core::form::{Attachments, read_workbook_with};
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "choice_filter"],
        &["select_one_external commune", "commune", "Commune", ""],
        &[
            "select_one_from_file villages.csv",
            "village",
            "Village",
            "commune=${commune}",
        ],
        &[
            "select_multiple_from_file wells.geojson",
            "wells",
            "Wells",
            "",
        ],
    ];
    let external: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["commune", "c1", "Xã Một"],
        &["commune", "c2", "Xã Hai"],
    ];
    let book = Workbook {
        sheets: vec![
            Sheet::new("survey", survey),
            Sheet::new("external_choices", external),
            Sheet::new("settings", SETTINGS),
        ],
    };
    let mut files = Attachments::new();
    files.insert(
        "villages.csv".into(),
        "name,label,commune\nv1,Bản Một,c1\nv2,Bản Hai,c2\n".into(),
    );
    files.insert(
        "wells.geojson".into(),
        r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"w1","title":"Giếng 1"},"geometry":{"type":"Point","coordinates":[103.6,22.6]}}]}"#.as_bytes().to_vec(),
    );
    let read = read_workbook_with(&book, None, &files);
    assert_eq!(read.problems, vec![]);
    let names = |list: &str| -> Vec<String> {
        read.form.choices[list]
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(names("commune"), ["c1", "c2"]);
    assert_eq!(names("villages.csv"), ["v1", "v2"]);
    assert_eq!(names("wells.geojson"), ["w1"]);
    assert_eq!(
        read.form.choices["villages.csv"].choices[1].extra["commune"],
        "c2"
    );
    // The lists travel inside the form: its JSON holds them.
    assert_eq!(Form::from_json(&read.form.to_json()).unwrap(), read.form);
    // Without the files, each select names the file it needs, once.
    let bare = read_workbook_with(&book, None, &Attachments::new());
    assert_eq!(
        located(&bare.problems, "needs the file"),
        [at("survey", 3, "type"), at("survey", 4, "type")]
    );
    assert_eq!(bare.problems.len(), 2, "{:#?}", bare.problems);
}

#[test]
fn an_external_list_may_repeat_a_name_that_its_filter_tells_apart() {
    // pyxform's select_one_external.xlsx: the county `king` of two states.
    let survey: &[&[&str]] = &[
        &["type", "name", "label", "choice_filter"],
        &["select_one states", "state", "State", ""],
        &[
            "select_one_external counties",
            "county",
            "County",
            "state=${state}",
        ],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["states", "texas", "Texas"],
        &["states", "washington", "Washington"],
    ];
    let external: &[&[&str]] = &[
        &["list_name", "name", "label", "state"],
        &["counties", "king", "King", "texas"],
        &["counties", "king", "King", "washington"],
    ];
    let book = Workbook {
        sheets: vec![
            Sheet::new("survey", survey),
            Sheet::new("choices", choices),
            Sheet::new("external_choices", external),
            Sheet::new("settings", SETTINGS),
        ],
    };
    let read = branchbook_core::form::read_workbook(&book, None);
    assert_eq!(read.problems, vec![]);
    assert_eq!(read.form.choices["counties"].choices.len(), 2);
    // On the choices sheet, the same list is refused (without allow_choice_duplicates).
    let twice: Vec<&[&str]> = choices.iter().chain(&external[1..]).copied().collect();
    let book = Workbook {
        sheets: vec![
            Sheet::new(
                "survey",
                &[
                    &["type", "name", "label"],
                    &["select_one counties", "c", "C"],
                ],
            ),
            Sheet::new("choices", &twice),
            Sheet::new("settings", SETTINGS),
        ],
    };
    let refused = branchbook_core::form::read_workbook(&book, None);
    assert_eq!(
        located(
            &refused.problems,
            "the choice 'king' appears twice in list 'counties'"
        ),
        [at("choices", 5, "name")]
    );
}

#[test]
fn a_list_name_on_both_choice_sheets_names_two_lists() {
    // pyxform's choice_name_as_type: `select_one zone` reads the choices sheet's list,
    // `select_one_external zone` the external_choices sheet's (ODK's itemsets.csv).
    let survey: &[&[&str]] = &[
        &["type", "name", "label"],
        &["select_one zone", "zone", "Zone"],
        &["select_multiple_external zone", "zones", "Zones"],
    ];
    let choices: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["zone", "north", "Bắc"],
        &["zone", "south", "Nam"],
    ];
    let external: &[&[&str]] = &[
        &["list_name", "name", "label"],
        &["zone", "highland", "Vùng cao"],
    ];
    let book = Workbook {
        sheets: vec![
            Sheet::new("survey", survey),
            Sheet::new("choices", choices),
            Sheet::new("external_choices", external),
            Sheet::new("settings", SETTINGS),
        ],
    };
    let read = branchbook_core::form::read_workbook(&book, None);
    assert_eq!(read.problems, vec![]);
    let offered = |field: &str| -> Vec<String> {
        let list = read
            .form
            .fields()
            .iter()
            .find(|f| f.name == field)
            .map(|f| match &f.kind {
                FieldKind::SelectOne { list, .. } | FieldKind::SelectMultiple { list, .. } => {
                    list.clone()
                }
                other => panic!("{other:?}"),
            })
            .unwrap();
        read.form.choices[&list]
            .choices
            .iter()
            .map(|c| c.name.clone())
            .collect()
    };
    assert_eq!(offered("zone"), ["north", "south"]);
    assert_eq!(offered("zones"), ["highland"]);
    assert_eq!(Form::from_json(&read.form.to_json()).unwrap(), read.form);
    // A session offers each field its own list, and checks answers against it.
    let compiled = branchbook_core::engine::CompiledForm::compile(read.form).unwrap();
    let data = serde_json::json!({"zone": "north", "zones": ["highland"]});
    assert_eq!(compiled.validate_data(&data), Ok(()));
    let wrong = serde_json::json!({"zone": "highland", "zones": ["north"]});
    assert_eq!(compiled.validate_data(&wrong).unwrap_err().len(), 2);
}

#[test]
fn a_name_may_repeat_in_another_group_but_not_among_siblings() {
    // pyxform accepts `name` in two groups (their paths differ); answers are stored
    // nested by group, so both are kept apart.
    let form = read_ok(
        &[
            &["type", "name", "label"],
            &["begin group", "mother", "Mother"],
            &["text", "name", "Name"],
            &["end group", "", ""],
            &["begin repeat", "child", "Child"],
            &["text", "name", "Name"],
            &["begin group", "details", "Details"],
            &["integer", "age", "Age"],
            &["end group", "", ""],
            &["integer", "age", "Age again"],
            &["end repeat", "", ""],
        ],
        &[],
    );
    assert_eq!(form.fields().iter().filter(|f| f.name == "name").count(), 2);
    let siblings = read(
        &[
            &["type", "name", "label"],
            &["begin group", "g", "G"],
            &["text", "name", "Name"],
            &["integer", "name", "Name again"],
            &["end group", "", ""],
        ],
        &[],
    );
    assert_eq!(
        located(
            &siblings.problems,
            "is already used at survey row 3 in the same group"
        ),
        [at("survey", 4, "name")]
    );
}

#[test]
fn smart_quotes_in_expressions_are_read_as_plain_quotes_as_pyxform_does() {
    let form = read_ok(
        &[
            &["type", "name", "label", "relevant"],
            &["text", "a", "A", ""],
            &["text", "b", "It’s “B”", "${a} = ‘yes’ or ${a} = “no”"],
        ],
        &[],
    );
    let b = field(&form, "b");
    assert_eq!(b.relevant.as_deref(), Some("${a} = 'yes' or ${a} = \"no\""));
    // A label keeps its typography.
    assert_eq!(b.label.0, [(String::new(), "It’s “B”".to_owned())].into());
}

#[test]
fn audit_takes_collects_parameters_and_checks_them() {
    let form = read_ok(
        &[
            &["type", "name", "parameters"],
            &[
                "audit",
                "audit",
                "location-priority=balanced location-min-interval=10 location-max-age=60 track-changes=true identify-user=false track-changes-reasons=on-form-edit",
            ],
        ],
        &[],
    );
    let audit = field(&form, "audit");
    assert_eq!(audit.parameters["location-priority"], "balanced");
    assert_eq!(audit.parameters["track-changes"], "true");
    let bad = read(
        &[
            &["type", "name", "parameters"],
            &[
                "audit",
                "audit",
                "location-priority=fast location-max-age=5 track-changes=maybe zoom=2",
            ],
        ],
        &[],
    );
    let messages: Vec<&str> = bad.problems.iter().map(|p| p.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "location-priority must be no-power, low-power, balanced or high-accuracy, not 'fast'",
            "track-changes must be true or false, not 'maybe'",
            "parameter 'zoom' is not supported here: this type takes location-priority, location-min-interval, location-max-age, track-changes, track-changes-reasons, identify-user",
            "an audit with location needs all of location-priority, location-min-interval and location-max-age",
        ],
        "{:#?}",
        bad.problems
    );
}

#[test]
fn a_loop_asks_its_questions_once_per_choice_of_its_list() {
    let form = read_ok(
        &[
            &["type", "name", "label"],
            &["begin loop over yn", "ask", "Ask each"],
            &["integer", "%(name)s_count", "How many %(label)s?"],
            &["end loop", "", ""],
        ],
        YES_NO,
    )
    .body;
    let Node::Group(ask) = &form[0] else {
        panic!("the loop is a group")
    };
    let per_choice: Vec<(&str, String)> = ask
        .children
        .iter()
        .map(|n| match n {
            Node::Group(g) => match &g.children[..] {
                [Node::Field(f)] => (g.name.as_str(), format!("{} {}", f.name, f.label.0[""])),
                _ => panic!("one question"),
            },
            _ => panic!("a group per choice"),
        })
        .collect();
    assert_eq!(
        per_choice,
        [
            ("yes", "yes_count How many Yes?".to_owned()),
            ("no", "no_count How many No?".to_owned())
        ]
    );
}

#[test]
fn choice_pictures_are_carried_per_language_listed_as_needed_files_and_shown() {
    use branchbook_core::engine::{CompiledForm, FormSession, LabelMedia};
    use std::sync::Arc;
    // pyxform's choices sheet takes the same media columns as the survey sheet.
    let form = read_ok(
        &[
            &[
                "type",
                "name",
                "label::Tiếng Việt (vi)",
                "label::Hmoob (hmn)",
            ],
            &["select_one water", "source", "Nguồn nước", "Dej"],
            &["select_multiple water", "also", "Nguồn khác", "Dej ntxiv"],
        ],
        &[
            &[
                "list_name",
                "name",
                "label::Tiếng Việt (vi)",
                "label::Hmoob (hmn)",
                "media::image::Tiếng Việt (vi)",
                "image::Hmoob (hmn)",
                "audio",
            ],
            &[
                "water",
                "well",
                "Giếng",
                "Qhov dej",
                "well.png",
                "well_hmn.png",
                "",
            ],
            &[
                "water",
                "tap",
                "Nước máy",
                "Dej kais",
                "tap.png",
                "tap.png",
                "tap.mp3",
            ],
            &["water", "rain", "Nước mưa", "Dej nag", "", "", ""],
        ],
    );
    let list = &form.choices["water"];
    assert_eq!(list.choices[0].media.image.0["Hmoob (hmn)"], "well_hmn.png");
    assert!(
        list.choices[0].extra.is_empty(),
        "media columns are not extra data"
    );
    assert_eq!(
        branchbook_core::form::needed_files(&form),
        ["well_hmn.png", "well.png", "tap.png", "tap.mp3"],
        "each file once (languages in name order), the server's upload check asks for them all"
    );
    let back = Form::from_json(&form.to_json()).unwrap();
    assert_eq!(back, form, "the JSON keeps them");

    let compiled = Arc::new(CompiledForm::compile(form).unwrap());
    let now = chrono::Utc::now();
    for (language, well) in [("vi", "well.png"), ("hmn", "well_hmn.png")] {
        let mut s = FormSession::new(Arc::clone(&compiled), Some(language.into()), now);
        for _ in 0..2 {
            let choices = &s.screen().questions[0].choices;
            let images: Vec<Option<&str>> = choices
                .iter()
                .map(|c| c.media.as_ref().and_then(|m| m.image.as_deref()))
                .collect();
            assert_eq!(images, [Some(well), Some("tap.png"), None], "{language}");
            assert_eq!(
                choices[1].media,
                Some(LabelMedia {
                    image: Some("tap.png".into()),
                    audio: Some("tap.mp3".into()),
                    ..LabelMedia::default()
                })
            );
            s.next().unwrap();
        }
    }
}

#[test]
fn media_labels_are_carried_per_language_and_listed_as_needed_files() {
    use branchbook_core::engine::{CompiledForm, FormSession, LabelMedia};
    use std::sync::Arc;
    // pyxform's attribute_columns / xlsform_spec: a note with only an image is a
    // question with a label; `media::image`, `image::Language` and `audio` all count.
    let survey: &[&[&str]] = &[
        &[
            "type",
            "name",
            "label::English (en)",
            "label::Tiếng Việt (vi)",
            "media::image::English (en)",
            "image::Tiếng Việt (vi)",
            "audio",
            "big-image",
        ],
        &[
            "note",
            "picture_only",
            "",
            "",
            "map_en.png",
            "map_vi.png",
            "",
            "",
        ],
        &[
            "text", "spoken", "Name", "Tên", "", "", "ask.mp3", "zoom.jpg",
        ],
        &["integer", "plain", "Age", "Tuổi", "", "", "", ""],
    ];
    let form = read_ok(survey, &[]);
    let note = field(&form, "picture_only");
    assert!(note.label.is_empty());
    assert_eq!(note.media.image.0["English (en)"], "map_en.png");
    assert_eq!(note.media.image.0["Tiếng Việt (vi)"], "map_vi.png");
    assert!(field(&form, "plain").media.is_empty());
    assert_eq!(
        branchbook_core::form::needed_files(&form),
        ["map_en.png", "map_vi.png", "zoom.jpg", "ask.mp3"]
    );
    // The JSON keeps them (and a field without media has no key for them).
    let json = form.to_json();
    assert!(json.contains("map_vi.png"));
    let back = Form::from_json(&json).unwrap();
    assert_eq!(back, form);

    // The screen carries the file names in the chosen language.
    let compiled = Arc::new(CompiledForm::compile(form).unwrap());
    let now = chrono::Utc::now();
    let s = FormSession::new(Arc::clone(&compiled), Some("vi".into()), now);
    let q = &s.screen().questions[0];
    assert_eq!(q.label, "");
    assert_eq!(
        q.media,
        Some(LabelMedia {
            image: Some("map_vi.png".into()),
            ..LabelMedia::default()
        })
    );
    let mut s = FormSession::new(compiled, Some("en".into()), now);
    assert_eq!(
        s.screen().questions[0]
            .media
            .as_ref()
            .unwrap()
            .image
            .as_deref(),
        Some("map_en.png")
    );
    s.next().unwrap();
    assert_eq!(
        s.screen().questions[0].media,
        Some(LabelMedia {
            audio: Some("ask.mp3".into()),
            big_image: Some("zoom.jpg".into()),
            ..LabelMedia::default()
        })
    );
    s.next().unwrap();
    assert_eq!(s.screen().questions[0].media, None);

    // Without a label or media, the note is still refused.
    let bare: &[&[&str]] = &[&["type", "name", "label", "image"], &["note", "n", "", ""]];
    assert_eq!(
        located(&read(bare, &[]).problems, "has no label"),
        [at("survey", 2, "label")]
    );
}

#[test]
fn trigger_names_one_question_or_several_separated_by_commas() {
    let read = read(
        &[
            &["type", "name", "label", "calculation", "trigger"],
            &["text", "a", "A", "", ""],
            &["text", "b", "B", "", ""],
            &["dateTime", "one", "One", "now()", "${a}"],
            &["calculate", "two", "", "now()", " ${a} , ${ b },"],
            &["calculate", "bad", "", "now()", "6"],
            &["calculate", "glued", "", "now()", "${a} ${b}"],
            &["begin group", "g", "G", "", "${a}"],
            &["text", "c", "C", "", ""],
            &["end group", "", "", "", ""],
        ],
        &[],
    );
    assert_eq!(field(&read.form, "one").trigger, ["a"]);
    assert_eq!(field(&read.form, "two").trigger, ["a", "b"]);
    assert_eq!(field(&read.form, "a").trigger, Vec::<String>::new());
    assert_eq!(
        located(&read.problems, "'6' is not a reference"),
        [at("survey", 6, "trigger")]
    );
    assert_eq!(
        located(&read.problems, "separate them with commas"),
        [at("survey", 7, "trigger")]
    );
    // A trigger on a group row means nothing (pyxform ignores it too).
    assert_eq!(read.problems.len(), 2, "{:#?}", read.problems);
    let json = serde_json::to_string(&read.form).unwrap();
    assert!(json.contains(r#""trigger":["a","b"]"#), "{json}");
    assert!(!json.contains(r#""trigger":[]"#), "left out when empty");
}
