//! `prepare DIR`: writes the forms both engines fill, as XLSForms that pyxform accepts,
//! into DIR (each checked to read back as the same form):
//! - `generated_1000.xlsx`: the engine benchmark's generated form, with its answer script
//!   `generated_1000.answers.tsv`: the answers the engine benchmark's full fill gives
//!   (integers 10, the first choice of each select, "answer N" texts, member ages spread
//!   over 5..89), for the 30 members of the roster;
//! - `large_600.xlsx`: a form the size of the largest real surveys (about 600 rows,
//!   cascading selects over 2,220 choices, 4 repeats), with its answers
//!   `large_600.answers.tsv` (4 members, 3 births, 2 dialogues, 2 loans);
//! - `household_survey.xlsx` and `dialogue_feedback.xlsx`: the example forms, with a
//!   field that clashes with a name pyxform generates renamed (see [`for_pyxform`]);
//! - `osm_buildings.xls` and `osm_amenities.xls`: the two largest real forms of the
//!   XLSForm corpus that load here ([`CORPUS_FORMS`]), byte for byte as their package
//!   ships them, each with the data extract it chooses the mapped feature from
//!   (`buildings.geojson`, `Amenities.geojson`) and, for JavaRosa, an empty last saved
//!   instance (`last-saved`: the form has never been saved on this phone, as on ours);
//!   their answers are in `answers/`. Written only when `BRANCHBOOK_XLSFORM_CORPUS` names
//!   the corpus folder (`run.sh` sources `tests/lib/xlsform-corpus.sh`, which sets it).

use std::path::Path;

use branchbook_core::form::{FieldKind, Form, Node, Source, read_xlsx};

use crate::generated_form::{MEMBERS, generated_form};
use crate::large_form::{large_answers, large_form};
use crate::xlsform;

/// The corpus forms both engines fill: (name here, path in the corpus folder, the data
/// extract it reads, that extract). Both are the Humanitarian OpenStreetMap Team's
/// mapping forms (osm-fieldwork 0.21.1, GPL-3.0-only), whose extracts Field-TM makes from
/// OpenStreetMap for each project (the package ships none: the first feature of each
/// stand-in is the one the answers choose).
/// - buildings.xls, the largest (79 survey rows, 277 choices): nested field-list pages,
///   `${last-saved#...}` defaults, `trigger`s that reset answers when the building
///   changes, choice filters, and an "extended" page the answers open;
/// - amenities.xls (73 rows, 237 choices): 13 calculations that look the chosen feature
///   up in its extract (`instance('Amenities')/root/item[id=${existing}]/amenity`) and
///   decide what is asked next.
const CORPUS_FORMS: [(&str, &str, &str, &str); 2] = [
    (
        "osm_buildings",
        "osm-fieldwork/archived/buildings.xls",
        "buildings.geojson",
        BUILDINGS,
    ),
    (
        "osm_amenities",
        "osm-fieldwork/archived/amenities.xls",
        "Amenities.geojson",
        AMENITIES,
    ),
];

/// The buildings form's extract: a community house, and a shop.
const BUILDINGS: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "id": "1", "geometry": {"type": "Point", "coordinates": [103.45, 22.40]},
  "properties": {"title": "Nha van hoa ban Den", "building": "yes"}},
 {"type": "Feature", "id": "2", "geometry": {"type": "Point", "coordinates": [103.46, 22.41]},
  "properties": {"title": "Cua hang", "building": "retail"}}]}
"#;

/// The amenities form's extract: a restaurant with an address (the answers' choice, so
/// the fill goes through the form's restaurant branch and its look-ups), and a fuel
/// station.
const AMENITIES: &str = r#"{"type": "FeatureCollection", "features": [
 {"type": "Feature", "id": "1", "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
  "properties": {"title": "Pho Ha Noi", "label": "Pho Ha Noi", "amenity": "restaurant",
   "addr_street": "Hang Bong", "addr_housenumber": "12"}},
 {"type": "Feature", "id": "2", "geometry": {"type": "Point", "coordinates": [105.86, 21.04]},
  "properties": {"title": "Tram xang", "label": "Tram xang", "amenity": "fuel"}}]}
"#;

/// The last saved instance JavaRosa reads for `${last-saved#...}` (jr://instance/
/// last-saved): none saved yet, so every such value is empty, as on our side.
const NO_LAST_SAVED: &str = "<?xml version='1.0' encoding='UTF-8' ?><data/>\n";

/// Writes the forms and the generated form's answers into `dir`.
pub fn prepare(dir: &Path) {
    std::fs::create_dir_all(dir).expect("output folder");
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("forms");
    for name in ["household_survey", "dialogue_feedback"] {
        let path = examples.join(format!("{name}.xlsx"));
        let read = read_xlsx(&std::fs::read(&path).expect("example form"))
            .expect("the example form reads");
        write_form(dir, name, &for_pyxform(read.form));
    }
    let form = generated_form();
    write_form(dir, "generated_1000", &form);
    write_answers(dir, "generated_1000", &answers(&form));
    let form = large_form();
    write_form(dir, "large_600", &form);
    write_answers(dir, "large_600", &large_answers(&form));
    if let Some(corpus) = std::env::var_os("BRANCHBOOK_XLSFORM_CORPUS") {
        for (name, path, extract, features) in CORPUS_FORMS {
            let bytes = std::fs::read(Path::new(&corpus).join(path)).expect("the corpus form");
            std::fs::write(dir.join(format!("{name}.xls")), bytes).expect("write the form");
            std::fs::write(dir.join(extract), features).expect("write its extract");
        }
        std::fs::write(dir.join("last-saved"), NO_LAST_SAVED).expect("write the last saved");
    }
}

/// Writes `DIR/NAME.answers.tsv`.
fn write_answers(dir: &Path, name: &str, answers: &[(String, String)]) {
    let mut tsv = format!("# Answers to the {name} form (written by `javarosa prepare`).\n");
    for (path, value) in answers {
        tsv.push_str(&format!("{path}\t{value}\n"));
    }
    std::fs::write(dir.join(format!("{name}.answers.tsv")), tsv).expect("write the answers");
}

/// Writes `DIR/NAME.xlsx`, checking that it reads back as `form`.
fn write_form(dir: &Path, name: &str, form: &Form) {
    let bytes = xlsform::to_xlsx(form).expect("the form writes as xlsx");
    let read = read_xlsx(&bytes).expect("the written xlsx reads back");
    assert!(
        read.problems.is_empty(),
        "{name}: problems reading the written form back: {:?}",
        read.problems
    );
    assert_eq!(
        without_sources(read.form),
        without_sources(form.clone()),
        "{name}: the xlsx holds another form"
    );
    std::fs::write(dir.join(format!("{name}.xlsx")), bytes).expect("write the xlsx");
}

/// pyxform turns a `repeat_count` expression into a calculate named `<repeat>_count`
/// and refuses a form that already has a field of that name (the household survey
/// counts its `member` repeat in `member_count`): such a field becomes `<repeat>_total`,
/// references included. Branchbook does not reserve the name; renaming a calculation
/// changes nothing in either engine's work.
fn for_pyxform(form: Form) -> Form {
    let mut json = form.to_json();
    for repeat in counted_repeats(&form.body) {
        let (clash, new) = (format!("{repeat}_count"), format!("{repeat}_total"));
        json = json
            .replace(
                &format!("\"name\":\"{clash}\""),
                &format!("\"name\":\"{new}\""),
            )
            .replace(&format!("${{{clash}}}"), &format!("${{{new}}}"));
    }
    Form::from_json(&json).expect("the renamed form reads")
}

/// Names of the repeats that have a `repeat_count`, at any depth.
fn counted_repeats(nodes: &[Node]) -> Vec<String> {
    nodes
        .iter()
        .flat_map(|n| match n {
            Node::Field(_) => Vec::new(),
            Node::Group(g) => counted_repeats(&g.children),
            Node::Repeat(r) => {
                let mut names = counted_repeats(&r.children);
                if r.repeat_count.is_some() {
                    names.push(r.name.clone());
                }
                names
            }
        })
        .collect()
}

/// Every question's answer, by path: top-level questions once, roster questions for
/// each of the members.
fn answers(form: &Form) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let first_choice = |list: &str| form.choices[list].choices[0].name.clone();
    let visit = |nodes: &[Node], member: usize, prefix: &str, out: &mut Vec<(String, String)>| {
        for f in fields(nodes) {
            let value = match &f.kind {
                FieldKind::Integer => match f.name.as_str() {
                    "m_age" => ((5 + member * 7) % 90).to_string(),
                    "m_spouse_age" => "30".into(),
                    "hh_check" => MEMBERS.to_string(),
                    _ => "10".into(),
                },
                FieldKind::Decimal => "50".into(),
                FieldKind::Text => format!("answer {member}"),
                FieldKind::SelectOne { list, .. } => first_choice(list),
                FieldKind::Note | FieldKind::Calculate => continue,
                other => panic!("the generated form has no {other:?} questions"),
            };
            out.push((format!("{prefix}{}", f.name), value));
        }
    };
    visit(&form.body, 0, "", &mut out);
    for node in &form.body {
        if let Node::Repeat(r) = node {
            for member in 1..=MEMBERS {
                visit(
                    &r.children,
                    member,
                    &format!("{}[{member}]/", r.name),
                    &mut out,
                );
            }
        }
    }
    out
}

/// The fields of `nodes` and of the groups among them (not of repeats).
fn fields(nodes: &[Node]) -> Vec<&branchbook_core::form::Field> {
    nodes
        .iter()
        .flat_map(|n| match n {
            Node::Field(f) => vec![f.as_ref()],
            Node::Group(g) => fields(&g.children),
            Node::Repeat(_) => Vec::new(),
        })
        .collect()
}

/// The form with every source position cleared (a form built in code has none).
fn without_sources(mut form: Form) -> Form {
    fn clear(nodes: &mut [Node]) {
        for n in nodes {
            match n {
                Node::Field(f) => f.source = Source::default(),
                Node::Group(g) => {
                    g.source = Source::default();
                    clear(&mut g.children);
                }
                Node::Repeat(r) => {
                    r.source = Source::default();
                    clear(&mut r.children);
                }
            }
        }
    }
    clear(&mut form.body);
    for list in form.choices.values_mut() {
        for c in &mut list.choices {
            c.source = Source::default();
        }
    }
    form
}
