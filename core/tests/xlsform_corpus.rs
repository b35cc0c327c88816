//! The XLSForm corpus: XLSForms written by others (pyxform's own examples and real field
//! forms that organisations publish), listed in `tests/data/xlsform-corpus/peer-forms.tsv`
//! with their repository, commit, licence and SHA-256, and read in place from
//! `../shared/peer-forms` beside the checkout (or `$BRANCHBOOK_PEER_FORMS`): the forms are
//! never copied into this repository, and the test says SKIPPED for those absent. Each
//! present form is given to pyxform, ODK's own converter, and to Branchbook. A form
//! pyxform converts must load here and be filled to a finalized submission that the
//! server's re-validation accepts, unless it is listed in [`REFUSED_HERE`] with the
//! reason; a form pyxform refuses must be refused here too. The test prints a table:
//! form, pyxform, ours, fill.
//!
//! pyxform runs when `BRANCHBOOK_PYXFORM_PYTHON` names a Python that has it (tests/run.sh
//! installs the pinned pyxform into the test cache with tests/lib/pyxform.sh and sets
//! it); without it, pyxform's verdicts are taken from [`PYXFORM_REFUSES`] and the table
//! says so.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod support;

use std::collections::HashMap;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use branchbook_core::form::{
    Attachments, Form, FormError, Problem, load_xlsx_with, needed_files, read_xlsx_named,
};
use support::fill;

/// Forms pyxform converts that Branchbook refuses, with a text the refusal must contain:
/// what the form uses that cannot run here (yet).
const REFUSED_HERE: &[(&str, &str)] = &[
    // A cell some 20,000 rows down: calamine would lay out 5 million cells for it.
    (
        "pyxform/bug_example_xls/extra_columns.xls",
        "its sheets span 5119744 cells",
    ),
    (
        "pyxform/case_insensitivity.xls",
        "type 'osm' is not supported",
    ),
    // pyxform's examples of what ODK Validate (JavaRosa) refuses after pyxform converted
    // it: a calculation that is not an expression, an axis in a choice filter, an
    // instance_name that is not an expression over the form's fields.
    ("pyxform/bad_calc.xlsx", "string literal is not closed"),
    // Its choices come from a CSV that pyxform's repository does not hold.
    (
        "pyxform/bug_example_xls/UCL_Biomass_Plot_Form.xlsx",
        "the form needs the file 'UCL_regions.csv'",
    ),
    (
        "pyxform/bug_example_xls/xl_date_ambiguous.xlsx",
        "predicates and axes in paths are not supported",
    ),
    (
        "pyxform/bug_example_xls/xl_date_ambiguous_v1.xlsx",
        "'XLDateAmbiguous-v1' is not a reference",
    ),
    // osm: no OpenStreetMap widget on our phones.
    (
        "pyxform/case_insensitivity.xlsx",
        "type 'osm' is not supported",
    ),
    // `pastel=yes` names a choices column that does not exist: pyxform writes it into the
    // XForm and ODK Collect then offers no choice at all.
    (
        "pyxform/or_other.xlsx",
        "the choices sheet has no column 'yes'",
    ),
    // No sheet named survey: pyxform takes the first sheet as the survey.
    ("pyxform/survey_no_name.xlsx", "no 'survey' sheet"),
    // ---- Real-world forms ----
    // Their choices (or pulldata tables) come from files the repositories do not publish
    // (Field-TM and osm-fieldwork make them per project from OpenStreetMap): ODK Central
    // too refuses to publish a form until they are attached.
    (
        "cht-core/e2e-default-enketo-select_from_file.xlsx",
        "the form needs the file 'colors.xml'",
    ),
    (
        "fmtm/building_natural_risks_survey.xlsx",
        "the form needs the file 'features.csv'",
    ),
    (
        "osm-fieldwork/archived-landusage.xls",
        "the form needs the file 'landusage.geojson'",
    ),
    (
        "osm-fieldwork/archived-solidwaste.xlsx",
        "the form needs the file 'communities.csv'",
    ),
    (
        "osm-fieldwork/archived-toilets.xls",
        "the form needs the file 'toilets.geojson'",
    ),
    (
        "osm-fieldwork/archived-wastedisposal.xls",
        "the form needs the file 'wastedisposal.geojson'",
    ),
    // (Written by a tool that declares 1,048,576 rows in an Excel 97-2003 file, read
    // with that declaration set to the sheet's real span.)
    (
        "osm-fieldwork/archived-cemeteries.xls",
        "the form needs the file 'cemeteries.geojson'",
    ),
    (
        "osm-fieldwork/archived-amenities.xls",
        "the form needs the file 'Amenities.geojson'",
    ),
    (
        "osm-fieldwork/archived-education.xls",
        "the form needs the file 'education.geojson'",
    ),
    (
        "osm-fieldwork/archived-highways.xls",
        "the form needs the file 'highways.geojson'",
    ),
    (
        "osm-fieldwork/archived-historical.xls",
        "the form needs the file 'history.geojson'",
    ),
    (
        "osm-fieldwork/archived-nature.xls",
        "the form needs the file 'nature.geojson'",
    ),
    (
        "osm-fieldwork/archived-religious.xls",
        "the form needs the file 'religious.geojson'",
    ),
    (
        "osm-fieldwork/archived-waterpoints.xls",
        "the form needs the file 'waterpoints.geojson'",
    ),
    // Audio: the phones record photos only.
    (
        "osm-fieldwork/archived-waste_collection.xlsx",
        "type 'audio' is not supported",
    ),
    // Tracked gap: a choice_filter naming choices columns the list does not have
    // (`visible`, `filter_2`; ODK reads them as empty, rows 192 and after).
    (
        "Idem/idem_form.xlsx",
        "the choices sheet has no column 'visible' for this list",
    ),
    // Its notes that are only an image are read; its CHT form id `training:admin_welcome`
    // is not one (it names export files and web addresses).
    (
        "cht-core/default-training-admin_welcome.xlsx",
        "may hold only letters a-z, digits and '_'",
    ),
    // `required` = `T` (rows 314, 315): pyxform passes `T` on as an XPath path, which
    // ODK evaluates to nothing (never required); the author meant yes. Asked to write
    // yes or no.
    (
        "humind/REACH_2024_MSNA-kobo-tool_draft_v11.xlsx",
        "'T' is neither yes nor no",
    ),
];

/// Forms pyxform refuses that load here, and why.
const LOADED_HERE: &[(&str, &str)] = &[
    // `Select one from source`: types are read in any case here; pyxform 4.5 knows only
    // `select one from` in lower case.
    ("formhub/MCH_v1.xls", "a type in capitals"),
];

/// The forms pyxform refuses (checked against pyxform itself when it runs).
const PYXFORM_REFUSES: &[&str] = &[
    "pyxform/bug_example_xls/calculate_without_calculation.xls",
    "pyxform/bug_example_xls/duplicate_columns.xlsx",
    "pyxform/bug_example_xls/group_name_test.xls",
    "pyxform/include.xls",
    "pyxform/include.xlsx",
    "pyxform/include_json.xls",
    "pyxform/include_json.xlsx",
    "pyxform/unknown_question_type.xls",
    // CHT's forms are written for its own pyxform fork: a group named `meta`, `db:person`
    // types, attributes pyxform 4.5 does not take.
    "cht-core/covid-19-app-covid19_rdt_capture.xlsx",
    "cht-core/covid-19-app-covid19_rdt_provision.xlsx",
    "cht-core/covid-19-contact-PLACE_TYPE-create.xlsx",
    "cht-core/covid-19-contact-person-create.xlsx",
    "cht-core/default-app-child_assessment.xlsx",
    "cht-core/default-app-child_development_follow_up.xlsx",
    "cht-core/default-app-child_referral_follow_up.xlsx",
    "cht-core/default-app-child_treatment_follow_up.xlsx",
    "cht-core/default-app-death_report.xlsx",
    "cht-core/default-app-delivery.xlsx",
    "cht-core/default-app-immunization_and_growth.xlsx",
    "cht-core/default-app-immunization_growth_follow_up.xlsx",
    "cht-core/default-app-malnutrition_follow_up.xlsx",
    "cht-core/default-app-pnc_danger_sign_follow_up_baby.xlsx",
    "cht-core/default-app-pnc_danger_sign_follow_up_mother.xlsx",
    "cht-core/default-app-pregnancy.xlsx",
    "cht-core/default-app-pregnancy_danger_sign.xlsx",
    "cht-core/default-app-pregnancy_danger_sign_follow_up.xlsx",
    "cht-core/default-app-pregnancy_facility_visit_reminder.xlsx",
    "cht-core/default-app-pregnancy_home_visit.xlsx",
    "cht-core/default-app-replace_user.xlsx",
    "cht-core/default-app-undo_death_report.xlsx",
    "cht-core/default-contact-PLACE_TYPE-create.xlsx",
    "cht-core/default-contact-PLACE_TYPE-edit.xlsx",
    "cht-core/default-contact-person-create.xlsx",
    "cht-core/default-contact-person-edit.xlsx",
    "cht-core/e2e-default-contacts-ngo-create.xlsx",
    "fmtm/simple_building_survey_wildfires.xlsx",
    "formhub/Agriculture.xls",
    "formhub/MCH_v1.xls",
    "formhub/childrens_survey.xls",
    "formhub/enumerator_weekly.xls",
    "formhub/frp_original.xls",
    "formhub/new_cascading_select.xls",
    "osm-fieldwork/archived-places.xls",
    "osm-fieldwork/buildings.xls",
    "osm-fieldwork/health.xls",
];

/// Files a form reads that its repository holds beside it, written by this test (the
/// forms' folders under `shared/` hold workbooks only): (form, file name, contents).
const ATTACHED: &[(&str, &str, &str)] = &[
    // pyxform's own test writes the same table for it.
    ("pyxform/pull_data.xlsx", "fruits.csv", "name\nmango\n"),
];

/// Where the forms of [`manifest`] are read: `BRANCHBOOK_PEER_FORMS`, else
/// `../shared/peer-forms` beside the checkout.
fn peer_forms_dir() -> PathBuf {
    std::env::var_os("BRANCHBOOK_PEER_FORMS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/peer-forms"),
        PathBuf::from,
    )
}

/// One form of `tests/data/xlsform-corpus/peer-forms.tsv`: where it is read (relative to
/// [`peer_forms_dir`]), where it comes from, and its SHA-256.
struct PeerForm {
    name: String,
    repo: String,
    licence: String,
    sha256: String,
}

impl PeerForm {
    /// A form an organisation runs in the field, not one of pyxform's own examples.
    fn is_real(&self) -> bool {
        self.repo != "XLSForm/pyxform"
    }
}

/// The forms the manifest lists.
fn manifest() -> Vec<PeerForm> {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xlsform-corpus/peer-forms.tsv");
    let manifest = std::fs::read_to_string(path).unwrap();
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 6, "manifest line {line:?}");
            PeerForm {
                name: f[0].to_owned(),
                repo: f[1].to_owned(),
                licence: f[4].to_owned(),
                sha256: f[5].to_owned(),
            }
        })
        .collect()
}

/// The forms of the manifest that are present, as (name, path), sorted.
fn corpus(listed: &[PeerForm]) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = listed
        .iter()
        .map(|form| (form.name.clone(), peer_forms_dir().join(&form.name)))
        .filter(|(_, path)| path.is_file())
        .collect();
    out.sort();
    out
}

/// pyxform's verdict on one form.
#[derive(Debug, Clone, PartialEq)]
enum Pyxform {
    Converts,
    Refuses(String),
}

/// pyxform's verdicts, by path, from the Python it is installed in; `None` when no
/// Python with pyxform is named.
fn pyxform_verdicts(forms: &[(String, PathBuf)]) -> Option<HashMap<PathBuf, Pyxform>> {
    let python = std::env::var_os("BRANCHBOOK_PYXFORM_PYTHON")?;
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/pyxform_verdicts.py");
    let output = Command::new(python)
        .arg(script)
        .args(forms.iter().map(|(_, p)| p))
        .output()
        .expect("run pyxform");
    assert!(
        output.status.success(),
        "pyxform_verdicts.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut verdicts = HashMap::new();
    for line in String::from_utf8(output.stdout).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let path = PathBuf::from(v["form"].as_str().unwrap());
        let verdict = if v["ok"].as_bool().unwrap() {
            Pyxform::Converts
        } else {
            Pyxform::Refuses(v["message"].as_str().unwrap().to_owned())
        };
        verdicts.insert(path, verdict);
    }
    Some(verdicts)
}

/// What Branchbook did with one form.
enum Ours {
    /// Loaded, filled and finalized: how many answers, and the submission's JSON size.
    Filled(usize, usize),
    /// Loaded, but the filler could not finalize it.
    Stuck(String),
    /// Refused: every problem located in the workbook, or the workbook as a whole.
    Refused(FormError),
}

impl Ours {
    /// The refusal's messages, each with its place.
    fn messages(&self) -> Vec<String> {
        match self {
            Ours::Refused(FormError::Invalid { problems }) => {
                problems.iter().map(ToString::to_string).collect()
            }
            Ours::Refused(other) => vec![other.to_string()],
            _ => Vec::new(),
        }
    }
}

fn ours(name: &str, path: &Path) -> Ours {
    let bytes = std::fs::read(path).unwrap();
    let stem = path.file_stem().unwrap().to_string_lossy().into_owned();
    // The files the form names: from its folder (as the CLI and ODK Central take them),
    // else from the test's own table.
    let mut files = Attachments::new();
    if let Ok(read) = read_xlsx_named(&bytes, Some(&stem)) {
        // Every form read, even one that is refused, converts to JSON and back unchanged.
        assert_eq!(
            Form::from_json(&read.form.to_json()).unwrap(),
            read.form,
            "{name}: JSON round trip"
        );
        for file in needed_files(&read.form) {
            let attached = ATTACHED
                .iter()
                .find(|(form, f, _)| *form == name && *f == file)
                .map(|(_, _, text)| text.as_bytes().to_vec());
            if let Some(b) = std::fs::read(path.with_file_name(&file)).ok().or(attached) {
                files.insert(file, b);
            }
        }
    }
    match load_xlsx_with(&bytes, Some(&stem), &files) {
        Ok(compiled) => match fill(compiled) {
            // The pulled value reached the submission.
            Ok(filled) if name == "pyxform/pull_data.xlsx" && filled.data["fruit"] != "mango" => {
                Ours::Stuck(format!("fruit not pulled from fruits.csv: {}", filled.data))
            }
            Ok(filled) => Ours::Filled(filled.answered, filled.data.to_string().len()),
            Err(why) => Ours::Stuck(why),
        },
        Err(e) => Ours::Refused(e),
    }
}

/// A problem is clear when it says where (a sheet, and a row unless it is about a whole
/// sheet, the workbook, or a column of the settings sheet, which has one row of values)
/// and what, in more than a few words.
fn vague(p: &Problem) -> bool {
    let words = p.message.split_whitespace().count();
    let placed = p.row > 0
        || (p.sheet == "settings" && !p.column.is_empty())
        || p.message.contains("sheet")
        || p.message.contains("form_id");
    words < 5 || !placed || p.message.trim().eq_ignore_ascii_case("invalid")
}

#[test]
fn every_form_pyxform_converts_loads_and_fills_or_is_refused_for_a_listed_reason() {
    let listed = manifest();
    let forms = corpus(&listed);
    let verdicts = pyxform_verdicts(&forms);
    let mut failures = Vec::new();
    // The forms are read in place, each checked against the manifest's hash.
    let present: Vec<&PeerForm> = listed
        .iter()
        .filter(|f| forms.iter().any(|(n, _)| *n == f.name))
        .collect();
    for form in &present {
        let bytes = std::fs::read(peer_forms_dir().join(&form.name)).unwrap();
        let sha = hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes));
        if sha != form.sha256 {
            failures.push(format!(
                "{}: its SHA-256 is {sha}, the manifest says {}",
                form.name, form.sha256
            ));
        }
    }
    let source = |name: &str| {
        let form = listed.iter().find(|f| f.name == name).unwrap();
        (form.repo.as_str(), form.licence.as_str(), form.is_real())
    };
    let mut table = vec![format!(
        "{:<58} {:<32} {:<13} {:<10} {:<9} {}",
        "form", "source", "licence", "pyxform", "ours", "fill / reason"
    )];
    let (mut converted, mut filled_of_converted) = (0, 0);
    let (mut real_converted, mut real_filled) = (0, 0);
    for (name, path) in &forms {
        let listed_refusal = PYXFORM_REFUSES.contains(&name.as_str());
        let pyxform = match verdicts.as_ref().map(|v| v.get(path)) {
            Some(Some(v)) => v.clone(),
            Some(None) => panic!("pyxform gave no verdict on {name}"),
            // Not run: the table of its known refusals stands in.
            None if listed_refusal => Pyxform::Refuses("(listed)".into()),
            None => Pyxform::Converts,
        };
        if verdicts.is_some() && listed_refusal != matches!(pyxform, Pyxform::Refuses(_)) {
            failures.push(format!(
                "{name}: pyxform now says {pyxform:?}; update PYXFORM_REFUSES"
            ));
        }
        let outcome = match catch_unwind(AssertUnwindSafe(|| ours(name, path))) {
            Ok(o) => o,
            Err(_) => {
                failures.push(format!("{name}: PANICKED"));
                continue;
            }
        };
        let expected_refusal = REFUSED_HERE
            .iter()
            .find(|(f, _)| f == name)
            .map(|(_, why)| *why);
        let (ours_word, detail) = match &outcome {
            Ours::Filled(n, bytes) => (
                "loads",
                format!("filled, {n} answers, finalized ({bytes} bytes of JSON)"),
            ),
            Ours::Stuck(why) => ("loads", format!("STUCK: {why}")),
            Ours::Refused(_) => {
                let messages = outcome.messages();
                (
                    "refused",
                    format!(
                        "{}{}",
                        messages[0],
                        match messages.len() {
                            1 => String::new(),
                            n => format!(" (+{} more)", n - 1),
                        }
                    ),
                )
            }
        };
        // Every located problem says where and what.
        if let Ours::Refused(FormError::Invalid { problems }) = &outcome {
            for p in problems.iter().filter(|p| vague(p)) {
                failures.push(format!("{name}: vague problem: {p}"));
            }
        }
        let pyxform_word = match (&pyxform, verdicts.is_some()) {
            (Pyxform::Converts, true) => "converts",
            (Pyxform::Refuses(_), true) => "refuses",
            (Pyxform::Converts, false) => "(converts)",
            (Pyxform::Refuses(_), false) => "(refuses)",
        };
        let (repo, licence, real) = source(name);
        table.push(format!(
            "{name:<58} {repo:<32} {licence:<13} {pyxform_word:<10} {ours_word:<9} {}",
            detail.chars().take(150).collect::<String>()
        ));
        if pyxform == Pyxform::Converts {
            let filled = matches!(outcome, Ours::Filled(..));
            converted += 1;
            filled_of_converted += usize::from(filled);
            if real {
                real_converted += 1;
                real_filled += usize::from(filled);
            }
        }
        match (&pyxform, expected_refusal, &outcome) {
            (_, _, Ours::Stuck(why)) => failures.push(format!("{name}: loads but stuck: {why}")),
            (Pyxform::Converts, None, Ours::Filled(..)) => {}
            (Pyxform::Converts, None, Ours::Refused(_)) => {
                let p = outcome.messages();
                failures.push(format!("{name}: pyxform converts it, refused here: {p:#?}"));
            }
            (Pyxform::Converts, Some(why), Ours::Refused(_)) => {
                let p = outcome.messages();
                if !p.iter().any(|m| m.contains(why)) {
                    failures.push(format!("{name}: refused, but not for {why:?}: {p:#?}"));
                }
            }
            (Pyxform::Converts, Some(why), Ours::Filled(..)) => failures.push(format!(
                "{name}: now loads; remove it from the refusals ({why:?})"
            )),
            (Pyxform::Refuses(_), _, Ours::Refused(_)) => {
                if LOADED_HERE.iter().any(|(f, _)| f == name) {
                    failures.push(format!("{name}: refused now; remove it from LOADED_HERE"));
                }
            }
            (Pyxform::Refuses(m), _, Ours::Filled(..)) => {
                if !LOADED_HERE.iter().any(|(f, _)| f == name) {
                    failures.push(format!("{name}: pyxform refuses it ({m}), loaded here"))
                }
            }
        }
    }
    // Every form an expectation names is in the manifest (present or not).
    for named in REFUSED_HERE
        .iter()
        .chain(LOADED_HERE)
        .map(|(f, _)| *f)
        .chain(PYXFORM_REFUSES.iter().copied())
        .chain(ATTACHED.iter().map(|(f, _, _)| *f))
    {
        if !listed.iter().any(|f| f.name == named) {
            failures.push(format!(
                "{named}: named by the test but not in peer-forms.tsv"
            ));
        }
    }
    let real_listed = listed.iter().filter(|f| f.is_real()).count();
    let real_present = present.iter().filter(|f| f.is_real()).count();
    if present.len() < listed.len() {
        table.push(format!(
            "SKIPPED: {} of the {} forms of peer-forms.tsv are absent from {} ({} of its {real_listed} real-world forms, {} of pyxform's {})",
            listed.len() - present.len(),
            listed.len(),
            peer_forms_dir().display(),
            real_listed - real_present,
            listed.len() - real_listed - (present.len() - real_present),
            listed.len() - real_listed,
        ));
    } else {
        assert!(real_listed >= 40, "only {real_listed} real-world forms");
    }
    table.push(format!(
        "real-world forms: {real_present} present; pyxform converts {real_converted}; {real_filled} of those load and are filled here",
    ));
    table.push(format!(
        "{} forms present ({real_present} real-world); pyxform converts {converted} ({}); {filled_of_converted} of those load and are filled here, the others are refused for the reasons listed in the test",
        forms.len(),
        if verdicts.is_some() {
            "pyxform was run"
        } else {
            "pyxform was not run: its verdicts are the test's table"
        },
    ));
    println!("{}", table.join("\n"));
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
