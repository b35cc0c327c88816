//! Forms shaped like the field forms other organisations run in KoboToolbox and ODK
//! (needs assessments, an empowerment survey, a nutrition coverage survey, a mapping
//! form), written here with the XLSForm features those forms rely on: device metadata and
//! `audit`, `once(random())`, date functions, `range`, choices from the external_choices
//! sheet and from attached CSV and GeoJSON files, `pulldata()`. Each is built as an .xlsx,
//! loaded with its attachments, filled to finalize by the automatic filler and
//! re-validated as the server does; then what it computed is checked.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::sync::Arc;

use branchbook_core::engine::{Answer, FormSession};
use branchbook_core::form::{Attachments, FormError, load_xlsx_with};
use chrono::{TimeZone, Utc};
use support::{Filled, fill};

/// An .xlsx with the given sheets (rows of text cells).
fn xlsx(sheets: &[(&str, &[&[&str]])]) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let ws = book.add_worksheet();
        ws.set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                ws.write_string(r as u32, c as u16, *cell).unwrap();
            }
        }
    }
    book.save_to_buffer().unwrap()
}

fn files(list: &[(&str, &str)]) -> Attachments {
    list.iter()
        .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
        .collect()
}

fn load_and_fill(bytes: &[u8], attached: &Attachments) -> Filled {
    let compiled = load_xlsx_with(bytes, Some("field_form"), attached)
        .unwrap_or_else(|e| panic!("refused: {e:#?}"));
    fill(compiled).unwrap_or_else(|why| panic!("not filled: {why}"))
}

const YES_NO: &[&str] = &["yn", "yes", "Yes"];
const YES_NO_2: &[&str] = &["yn", "no", "No"];

fn needs_assessment() -> Vec<u8> {
    xlsx(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "calculation",
                    "choice_filter",
                    "repeat_count",
                ],
                &["start", "start", "", "", "", ""],
                &["end", "end", "", "", "", ""],
                &["today", "today", "", "", "", ""],
                &["deviceid", "deviceid", "", "", "", ""],
                &["phonenumber", "phonenumber", "", "", "", ""],
                &["simserial", "simserial", "", "", "", ""],
                &["subscriberid", "subscriberid", "", "", "", ""],
                &["audit", "audit", "", "", "", ""],
                &[
                    "calculate",
                    "started",
                    "",
                    "format-date-time(${start}, '%Y-%m-%d %H:%M')",
                    "",
                    "",
                ],
                &[
                    "calculate",
                    "stamp",
                    "",
                    "date-time(decimal-date-time(${start}))",
                    "",
                    "",
                ],
                &[
                    "select_one_external province",
                    "province",
                    "Province",
                    "",
                    "",
                    "",
                ],
                &[
                    "select_one_external commune",
                    "commune",
                    "Commune",
                    "",
                    "province=${province}",
                    "",
                ],
                &[
                    "integer",
                    "members",
                    "How many people live here?",
                    "",
                    "",
                    "",
                ],
                &["begin repeat", "member", "Member", "", "", "${members}"],
                &["text", "member_name", "Name", "", "", ""],
                &["select_one yn", "pregnant", "Pregnant?", "", "", ""],
                &["end repeat", "", "", "", "", ""],
                &["note", "thanks", "Started ${started}", "", "", ""],
            ],
        ),
        (
            "choices",
            &[&["list_name", "name", "label"], YES_NO, YES_NO_2],
        ),
        (
            "external_choices",
            &[
                &["list_name", "name", "label", "province"],
                &["province", "lc", "Lào Cai", ""],
                &["province", "hg", "Hà Giang", ""],
                &["commune", "bh", "Bắc Hà", "lc"],
                &["commune", "dv", "Đồng Văn", "hg"],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["needs", "1"]]),
    ])
}

#[test]
fn a_needs_assessment_with_metadata_audit_and_external_choices() {
    let filled = load_and_fill(&needs_assessment(), &Attachments::new());
    let d = &filled.data;
    assert_eq!(d["commune"], "bh", "filtered by the province chosen: {d}");
    assert_eq!(d["member"].as_array().unwrap().len(), 3, "{d}");
    // Kept in the form, left empty (left out of the data), as ODK Collect on Android 10+.
    for empty in ["phonenumber", "simserial", "subscriberid", "audit"] {
        assert!(d.get(empty).is_none(), "{empty}: {d}");
    }
    let started = d["started"].as_str().unwrap();
    assert_eq!(started.len(), "2025-06-12 10:00".len(), "{started}");
    assert!(d["stamp"].as_str().unwrap().ends_with('Z'), "{d}");
    assert_eq!(filled.answered, 1 + 1 + 1 + 3 * 2, "{d}");
}

fn empowerment_survey() -> Vec<u8> {
    xlsx(&[
        (
            "survey",
            &[
                &[
                    "type",
                    "name",
                    "label",
                    "calculation",
                    "parameters",
                    "relevant",
                ],
                &["calculate", "draw", "", "once(random())", "", ""],
                &[
                    "calculate",
                    "arm",
                    "",
                    "if(${draw} < 0.5, 'a', 'b')",
                    "",
                    "",
                ],
                &[
                    "range",
                    "say",
                    "How much say do you have? (0-10)",
                    "",
                    "start=0 end=10 step=1",
                    "",
                ],
                &[
                    "range",
                    "hours",
                    "Hours of unpaid work",
                    "",
                    "start=0 end=12 step=0.5",
                    "",
                ],
                &["phone number", "phone", "Phone", "", "", ""],
                &[
                    "select_one yn",
                    "group_member",
                    "Member of a savings group?",
                    "",
                    "",
                    "${arm} = 'a' or ${arm} = 'b'",
                ],
                &[
                    "calculate",
                    "root",
                    "",
                    "round(sqrt(${say} * ${say}) + pow(2, 3) - exp(0) + log10(10), 2)",
                    "",
                    "",
                ],
            ],
        ),
        (
            "choices",
            &[&["list_name", "name", "label"], YES_NO, YES_NO_2],
        ),
    ])
}

#[test]
fn an_empowerment_survey_with_random_assignment_and_ranges() {
    let filled = load_and_fill(&empowerment_survey(), &Attachments::new());
    let d = &filled.data;
    let draw: f64 = d["draw"]
        .as_str()
        .map_or_else(|| d["draw"].as_f64().unwrap(), |s| s.parse().unwrap());
    assert!((0.0..1.0).contains(&draw), "{d}");
    assert_eq!(d["arm"], if draw < 0.5 { "a" } else { "b" });
    assert_eq!(d["say"], 3, "{d}");
    assert_eq!(d["hours"], 2.5, "{d}");
    assert_eq!(
        d["phone"], "0912345678",
        "digits only: the name was refused"
    );
    assert_eq!(d["group_member"], "yes");
}

#[test]
fn a_range_refuses_values_off_its_scale() {
    let compiled = load_xlsx_with(&empowerment_survey(), Some("e"), &Attachments::new()).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let mut session = FormSession::new(Arc::new(compiled), None, now);
    let error_of = |session: &mut FormSession, name: &str, answer: Answer| {
        let path = session
            .screen()
            .questions
            .iter()
            .find(|q| q.name == name)
            .map(|q| q.path.clone())
            .unwrap_or_else(|| panic!("{name} is not on this page"));
        session.set_answer(&path, answer).unwrap();
        let screen = session.screen();
        let q = screen.questions.iter().find(|q| q.path == path).unwrap();
        q.error.clone()
    };
    assert!(error_of(&mut session, "say", Answer::Integer { value: 11 }).is_some());
    assert!(error_of(&mut session, "say", Answer::Integer { value: 10 }).is_none());
    session.next().unwrap();
    assert!(error_of(&mut session, "hours", Answer::Decimal { value: 0.25 }).is_some());
    let message = error_of(&mut session, "hours", Answer::Decimal { value: 12.5 }).unwrap();
    assert!(
        message.contains("from 0 to 12, in steps of 0.5"),
        "{message}"
    );
    assert!(error_of(&mut session, "hours", Answer::Decimal { value: 11.5 }).is_none());
}

fn nutrition_coverage() -> Vec<u8> {
    xlsx(&[
        (
            "survey",
            &[
                &["type", "name", "label", "calculation", "constraint"],
                &[
                    "select_one_from_file villages.csv",
                    "village",
                    "Village",
                    "",
                    "",
                ],
                &[
                    "calculate",
                    "population",
                    "",
                    "pulldata('village_data', 'population', 'name', ${village})",
                    "",
                ],
                &[
                    "calculate",
                    "health_post",
                    "",
                    "pulldata('village_data', 'post', 'name', ${village})",
                    "",
                ],
                &[
                    "note",
                    "about",
                    "${village}: ${population} people, post ${health_post}",
                    "",
                    "",
                ],
                &["date", "visit", "Visit date", "", ". <= today()"],
                &[
                    "calculate",
                    "visit_text",
                    "",
                    "format-date(${visit}, '%d/%m/%Y')",
                    "",
                ],
                &["decimal", "muac", "MUAC (cm)", "", ". >= 1 and . <= 30"],
                &[
                    "select_one_from_file wells.geojson",
                    "well",
                    "Nearest well",
                    "",
                    "",
                ],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["nutrition", "3"]]),
    ])
}

#[test]
fn a_nutrition_coverage_survey_with_choices_and_data_from_attached_files() {
    let attached = files(&[
        (
            "villages.csv",
            "name,label::English (en),label::Tiếng Việt (vi)\nta_van,Ta Van,Tả Van\nlao_chai,Lao Chai,Lao Chải\n",
        ),
        (
            "village_data.csv",
            "name,population,post\nta_van,2310,TV-1\nlao_chai,1875,LC-2\n",
        ),
        (
            "wells.geojson",
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[103.8,22.3]},"properties":{"id":"w7","title":"Well 7"}}]}"#,
        ),
    ]);
    let filled = load_and_fill(&nutrition_coverage(), &attached);
    let d = &filled.data;
    assert_eq!(d["village"], "ta_van");
    assert_eq!(d["population"], "2310", "{d}");
    assert_eq!(d["health_post"], "TV-1");
    assert_eq!(d["visit_text"], "01/06/2025");
    assert_eq!(d["muac"], 2.5);
    assert_eq!(d["well"], "w7");
    // Without its attachments the form is refused, naming each file once.
    let refused = load_xlsx_with(&nutrition_coverage(), None, &Attachments::new()).unwrap_err();
    let text = refused.to_string();
    assert!(text.contains("3 problem(s)"), "{text}");
}

/// A mapping form as osm-fieldwork writes them, with the look-ups ODK forms make in
/// secondary instances: columns of the chosen feature of a GeoJSON extract and of a row
/// of a CSV list, counts, sums and maxima over filtered items, positions, and a choice
/// list of the choices sheet read with `current()` inside a repeat.
fn mapping_form() -> Vec<u8> {
    let calc = |name: &'static str, expr: &'static str| -> [&'static str; 4] {
        ["calculate", name, "", expr]
    };
    let rows: Vec<[&str; 4]> = vec![
        ["type", "name", "label", "calculation"],
        ["select_one_from_file wells.geojson", "well", "Well", ""],
        calc("place", "instance('wells')/root/item[id=${well}]/geometry"),
        calc("title", "instance(“wells”)/root/item[id = ${well}]/title"),
        calc("depth", "instance('wells')/root/item[id=${well}]/depth"),
        calc(
            "operator",
            "instance('wells')/root/item[id=${well}]/operator",
        ),
        [
            "select_one_from_file villages.csv",
            "village",
            "Village",
            "",
        ],
        calc(
            "district",
            "instance('villages')/root/item[name = ${village}]/district",
        ),
        calc(
            "in_district",
            "count(instance('villages')/root/item[district = ${district}])",
        ),
        calc(
            "others_pop",
            "sum(instance('villages')/root/item[district = ${district} and name != ${village}]/pop)",
        ),
        calc(
            "biggest",
            "max(instance('villages')/root/item[pop > 100 or name = 'c']/pop)",
        ),
        calc("first", "instance('villages')/root/item[1]/label"),
        calc(
            "second",
            "instance('villages')/root/item[position() = 2]/name",
        ),
        calc("none", "instance('villages')/root/item[pop < 0]/label"),
        ["begin_repeat", "visits", "Visits", ""],
        ["select_one colours", "colour", "Colour", ""],
        calc(
            "colour_label",
            "instance('colours')/root/item[name = current()/../colour]/label",
        ),
        ["end_repeat", "", "", ""],
    ];
    let rows: Vec<Vec<&str>> = rows.iter().map(|r| r.to_vec()).collect();
    let survey: Vec<&[&str]> = rows.iter().map(Vec::as_slice).collect();
    xlsx(&[
        ("survey", &survey),
        (
            "choices",
            &[
                &["list_name", "name", "label"],
                &["colours", "g", "Green"],
                &["colours", "r", "Red"],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["mapping", "1"]]),
    ])
}

fn mapping_files() -> Attachments {
    files(&[
        (
            "villages.csv",
            "name,label,district,pop\na,Bản A,d1,120\nb,Bản B,d1,80\nc,Bản C,d2,95\n",
        ),
        (
            "wells.geojson",
            r#"{"type":"FeatureCollection","features":[
              {"type":"Feature","geometry":{"type":"Point","coordinates":[103.8,22.3]},"properties":{"id":"w7","title":"Well 7","depth":12}},
              {"type":"Feature","geometry":{"type":"Point","coordinates":[103.9,22.4]},"properties":{"id":"w8","title":"Well 8"}}]}"#,
        ),
    ])
}

#[test]
fn a_mapping_form_reads_columns_of_the_chosen_items_of_its_secondary_instances() {
    let filled = load_and_fill(&mapping_form(), &mapping_files());
    let d = &filled.data;
    assert_eq!(d["well"], "w7", "{d}");
    // A GeoJSON point reads as an ODK place (latitude first); a property the extract
    // does not have reads as empty.
    assert_eq!(d["place"], "22.3 103.8 0 0");
    assert_eq!(d["title"], "Well 7");
    assert_eq!(d["depth"], "12");
    assert!(d["operator"].is_null(), "{d}");
    assert_eq!(d["village"], "a");
    assert_eq!(d["district"], "d1");
    assert_eq!(d["in_district"], "2");
    assert_eq!(d["others_pop"], "80");
    assert_eq!(d["biggest"], "120");
    assert_eq!(d["first"], "Bản A");
    assert_eq!(d["second"], "b");
    assert!(d["none"].is_null(), "{d}");
    let visits = d["visits"].as_array().unwrap();
    assert!(!visits.is_empty(), "{d}");
    for visit in visits {
        let label = if visit["colour"] == "g" {
            "Green"
        } else {
            "Red"
        };
        assert_eq!(visit["colour_label"], label, "{visit}");
    }
}

#[test]
fn secondary_instance_lookups_follow_answers_and_positions() {
    let compiled = load_xlsx_with(&mapping_form(), Some("m"), &mapping_files()).unwrap();
    let now = Utc.with_ymd_and_hms(2025, 6, 12, 3, 0, 0).unwrap();
    let mut session = FormSession::new(Arc::new(compiled), None, now);
    let choose = |session: &mut FormSession, name: &str, value: &str| {
        let path = session
            .screen()
            .questions
            .iter()
            .find(|q| q.name == name)
            .map(|q| q.path.clone())
            .unwrap_or_else(|| panic!("{name} is not on this page"));
        session
            .set_answer(&path, Answer::Choice { name: value.into() })
            .unwrap();
    };
    choose(&mut session, "well", "w8");
    session.next().unwrap();
    choose(&mut session, "village", "c");
    let values = session.state().answers.values;
    assert_eq!(values["place"], "22.4 103.9 0 0");
    assert_eq!(values["title"], "Well 8");
    assert!(!values.contains_key("depth"), "{values:?}");
    assert_eq!(values["district"], "d2");
    assert_eq!(values["in_district"], "1");
    assert_eq!(values["others_pop"], "0");
    // `name = 'c'` lets c (95) in beside a (120).
    assert_eq!(values["biggest"], "120");
}

#[test]
fn secondary_instance_paths_beyond_item_and_column_are_refused_at_their_cell() {
    let book = xlsx(&[
        (
            "survey",
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
                    "up",
                    "",
                    "instance('villages')/root/item[name = ${village}]/../item/label",
                ],
                &[
                    "calculate",
                    "axis",
                    "",
                    "instance('villages')/root/descendant::item/label",
                ],
                &[
                    "calculate",
                    "ok",
                    "",
                    "instance('villages')/root/item[1]/label",
                ],
            ],
        ),
        ("settings", &[&["form_id", "version"], &["m", "1"]]),
    ]);
    let Err(FormError::Invalid { problems }) = load_xlsx_with(&book, Some("m"), &mapping_files())
    else {
        panic!("loaded");
    };
    let rows: Vec<u32> = problems.iter().map(|p| p.row).collect();
    assert_eq!(rows, [3, 4], "{problems:?}");
    for p in &problems {
        assert_eq!(p.column, "calculation");
        assert!(
            p.message
                .contains("only instance('villages')/root/item[...]/column is supported"),
            "{p}"
        );
    }
}
