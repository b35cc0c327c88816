//! The XLSForm corpus: XLSForms written by others, as PyPI packages ship them: pyxform's
//! own examples (`tests/example_xls`, `tests/bug_example_xls`) and the Humanitarian
//! OpenStreetMap Team's field-mapping forms (osm-fieldwork). They are listed in
//! `tests/data/xlsform-corpus/corpus.tsv` with their package, path, licence and SHA-256;
//! tests/lib/xlsform-corpus.sh downloads the pinned packages into the test cache and names
//! the folder it took the forms out to in `$BRANCHBOOK_XLSFORM_CORPUS` (without it the
//! test says SKIPPED; with it, a missing form fails). Each form is given to pyxform, ODK's
//! own converter, and to Branchbook. A form pyxform converts must load here and be filled
//! to a finalized submission that the server's re-validation accepts, unless it is listed
//! in [`REFUSED_HERE`] with the reason; a form pyxform refuses must be refused here too.
//! A form listed in [`WARNED_HERE`] must load with that warning. The test prints a
//! table: form, pyxform, ours, fill (and the form's warnings).
//!
//! pyxform runs when `BRANCHBOOK_PYXFORM_PYTHON` names a Python that has it (the same
//! script installs the pinned pyxform and sets it); without it, pyxform's verdicts are
//! taken from [`PYXFORM_REFUSES`] and the table says so.
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

/// The real-world forms the packages of `tests/data/xlsform-corpus/packages.txt` ship.
/// Issue 16 asks for 40: the registries CI reaches (PyPI, npm, Maven Central, crates.io,
/// Debian) hold no more that we found (see the folder's README).
const MIN_REAL_FORMS: usize = 28;

/// Forms pyxform converts that Branchbook refuses, with a text the refusal must contain:
/// what the form uses that cannot run here (yet).
const REFUSED_HERE: &[(&str, &str)] = &[
    // ---- osm-fieldwork: the Humanitarian OpenStreetMap Team's mapping forms ----
    // Reads `instance('buildings')`, a list this form does not have (its extract is
    // thamel.geojson): copied from buildings.xls. ODK Collect fails on it when it opens
    // the form.
    (
        "osm-fieldwork/archived/thamel.xls",
        "instance('buildings') names no choice list of this form",
    ),
    // Entity lists (ODK Central's entities sheet): refused clearly, as issue 16 says.
    (
        "osm-fieldwork/archived/entities_registration.xls",
        "the entities sheet (creating or updating entity lists) is not supported",
    ),
    // ---- pyxform's examples ----
    // pyxform's examples of what ODK Validate (JavaRosa) refuses after pyxform converted
    // it: a calculation that is not an expression, an axis (`label::English`, no XPath
    // axis) in a choice filter.
    (
        "pyxform/example_xls/bad_calc.xlsx",
        "string literal is not closed",
    ),
    (
        "pyxform/bug_example_xls/bad_calc.xlsx",
        "string literal is not closed",
    ),
    (
        "pyxform/bug_example_xls/xl_date_ambiguous.xlsx",
        "predicates and axes in paths are not supported",
    ),
];

/// Forms that load with a warning, and a text the warning contains: what ODK reads
/// differently than it looks, or what stops a fill where a real user would act.
const WARNED_HERE: &[(&str, &str)] = &[
    // `fee`, a select_one yes_no, has the `calculation` `yes`: an XPath path to no
    // question, which ODK computes as empty (the author meant 'yes'); read the same here.
    (
        "osm-fieldwork/archived/wastedisposal.xls",
        "survey row 19, column calculation: 'yes' is not a reference: write ${yes} for the question, or 'yes' in quotes",
    ),
    // `required` = `basic` (row 17): pyxform passes it on as an XPath path, which ODK
    // evaluates to nothing (never required); read the same here. (It uses trigger and
    // instance() too.)
    (
        "osm-fieldwork/archived/waterpoints.xls",
        "survey row 17, column required: 'basic' is neither yes nor no",
    ),
    // Its instance_name is `XLDateAmbiguous-v1`, a path to nothing: ODK names the
    // submission as it would without one.
    (
        "pyxform/bug_example_xls/xl_date_ambiguous_v1.xlsx",
        "column instance_name: 'XLDateAmbiguous-v1' is not a reference",
    ),
    // Its `${last-saved#...}` defaults load (camping.xls and toilets.xls have them too).
    // `heritage` (row 40) filters its list `historic` on `category=${category}`, a column
    // only the lists `amenity` and `tourism` fill: ODK reads the missing column as empty
    // and offers no choice, and so does this (a building of category historic cannot be
    // finished there, `heritage` being required; the filler picks another category).
    (
        "osm-fieldwork/archived/buildings.xls",
        "survey row 40, column choice_filter: the choices sheet has no column 'category' for this list",
    ),
    // `pastel=yes` names a choices column that does not exist: pyxform writes it into the
    // XForm and ODK Collect then offers no choice at all; so does this.
    (
        "pyxform/example_xls/or_other.xlsx",
        "column choice_filter: the choices sheet has no column 'yes' for this list",
    ),
    // Its only sheet is `Sheet1`: pyxform (4.x) reads it as the survey, and so does this.
    (
        "pyxform/example_xls/survey_no_name.xlsx",
        "Sheet1: the workbook's only sheet is read as the survey sheet",
    ),
    // `ward` and `Sub-ward` are selects whose `default` is "Fixme: I need this list", no
    // choice of their lists.
    (
        "osm-fieldwork/archived/waste_collection.xlsx",
        "column default: the default 'Fixme: I need this list' is no choice of list",
    ),
];

/// Forms that load but the filler cannot finalize, with a text its reason contains.
const STUCK_HERE: &[(&str, &str)] = &[
    // (pyxform's widgets.xls was here: its `my_date` defaults to 2010-06-15, which its
    // constraint `. >= today()` refuses; the filler now changes an answer that shows a
    // problem, and the server checks answers as of when she finalized, not when it got
    // them. osm-fieldwork's waste_collection.xlsx too: see WARNED_HERE.)
];

/// Forms pyxform refuses that load here, and why.
const LOADED_HERE: &[(&str, &str)] = &[];

/// The forms pyxform refuses (checked against pyxform itself when it runs).
const PYXFORM_REFUSES: &[&str] = &[
    "osm-fieldwork/archived/hotspring.xls",
    "osm-fieldwork/archived/landuse.xls",
    "osm-fieldwork/archived/places.xls",
    "osm-fieldwork/archived/waterways.xls",
    "osm-fieldwork/buildings.xls",
    "osm-fieldwork/common/digitisation_fields.xls",
    "osm-fieldwork/common/mandatory_fields.xls",
    "osm-fieldwork/health.xls",
    "pyxform/bug_example_xls/group_name_test.xls",
    "pyxform/bug_example_xls/not_closed_group_test.xls",
    "pyxform/example_xls/calculate_without_calculation.xls",
    "pyxform/example_xls/duplicate_columns.xlsx",
    "pyxform/example_xls/include.xls",
    "pyxform/example_xls/include_json.xls",
    "pyxform/example_xls/text_and_integer_xlsx.xlsx",
    "pyxform/example_xls/unknown_question_type.xls",
];

/// Files a form reads that its package does not ship, written by this test: (form, file
/// name, contents).
const ATTACHED: &[(&str, &str, &str)] = &[
    // pyxform's own test writes the same table for it.
    (
        "pyxform/example_xls/pull_data.xlsx",
        "fruits.csv",
        "name\nmango\n",
    ),
];

/// The data extracts osm-fieldwork's mapping forms choose the mapped feature from
/// (`select_one_from_file`): Field-TM makes one per project from OpenStreetMap, the
/// package ships none, and ODK Central refuses to publish such a form until it is
/// attached. The test attaches a [`stand_in`]: (form, file).
const STAND_INS: &[(&str, &str)] = &[
    ("osm-fieldwork/archived/amenities.xls", "Amenities.geojson"),
    ("osm-fieldwork/archived/buildings.xls", "buildings.geojson"),
    ("osm-fieldwork/archived/camping.xls", "camping.geojson"),
    (
        "osm-fieldwork/archived/cemeteries.xls",
        "cemeteries.geojson",
    ),
    ("osm-fieldwork/archived/education.xls", "education.geojson"),
    (
        "osm-fieldwork/archived/entities_registration.xls",
        "features.csv",
    ),
    ("osm-fieldwork/archived/health.xls", "health.geojson"),
    ("osm-fieldwork/archived/highways.xls", "highways.geojson"),
    ("osm-fieldwork/archived/historical.xls", "history.geojson"),
    ("osm-fieldwork/archived/landusage.xls", "landusage.geojson"),
    ("osm-fieldwork/archived/nature.xls", "nature.geojson"),
    ("osm-fieldwork/archived/religious.xls", "religious.geojson"),
    ("osm-fieldwork/archived/solidwaste.xlsx", "communities.csv"),
    ("osm-fieldwork/archived/thamel.xls", "thamel.geojson"),
    ("osm-fieldwork/archived/toilets.xls", "toilets.geojson"),
    (
        "osm-fieldwork/archived/wastedisposal.xls",
        "wastedisposal.geojson",
    ),
    (
        "osm-fieldwork/archived/waterpoints.xls",
        "waterpoints.geojson",
    ),
];

/// A small data extract for `file`: two features (GeoJSON points with `id` and `title`,
/// as ODK Collect reads them) or, for a CSV, two rows with `name` and `label`.
fn stand_in(file: &str) -> Vec<u8> {
    let text = if file.to_lowercase().ends_with(".geojson") {
        r#"{"type": "FeatureCollection", "features": [
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.85, 21.03]},
             "properties": {"id": "1", "title": "Feature one"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [105.86, 21.04]},
             "properties": {"id": "2", "title": "Feature two"}}]}"#
    } else {
        "name,label\nf1,Feature one\nf2,Feature two\n"
    };
    text.as_bytes().to_vec()
}

/// Where tests/lib/xlsform-corpus.sh put the forms of [`manifest`], if it ran.
fn corpus_dir() -> Option<PathBuf> {
    std::env::var_os("BRANCHBOOK_XLSFORM_CORPUS").map(PathBuf::from)
}

/// One form of `tests/data/xlsform-corpus/corpus.tsv`: where it is read (relative to
/// [`corpus_dir`]), the package that ships it, and its SHA-256.
struct PeerForm {
    name: String,
    package: String,
    licence: String,
    sha256: String,
}

impl PeerForm {
    /// A form an organisation runs in the field, not one of pyxform's own examples.
    fn is_real(&self) -> bool {
        !self.package.starts_with("pyxform==")
    }
}

/// The forms the manifest lists.
fn manifest() -> Vec<PeerForm> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/xlsform-corpus/corpus.tsv");
    let manifest = std::fs::read_to_string(path).unwrap();
    manifest
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 5, "manifest line {line:?}");
            PeerForm {
                name: f[0].to_owned(),
                package: f[1].to_owned(),
                licence: f[3].to_owned(),
                sha256: f[4].to_owned(),
            }
        })
        .collect()
}

/// The forms of the manifest that are present, as (name, path), sorted.
fn corpus(listed: &[PeerForm]) -> Vec<(String, PathBuf)> {
    let mut out: Vec<(String, PathBuf)> = listed
        .iter()
        .filter_map(|form| Some((form.name.clone(), corpus_dir()?.join(&form.name))))
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
    /// Loaded, filled and finalized: how many answers, the submission's JSON size, and
    /// for a form reading `${last-saved#...}`, how many answers the record after it
    /// needed (filled and finalized too).
    Filled(usize, usize, Option<usize>),
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

/// What Branchbook did with the form at `path`, and the warnings of the loaded form.
fn ours(name: &str, path: &Path) -> (Ours, Vec<String>) {
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
                .map(|(_, _, text)| text.as_bytes().to_vec())
                .or_else(|| {
                    STAND_INS
                        .iter()
                        .any(|(form, f)| *form == name && *f == file)
                        .then(|| stand_in(&file))
                });
            if let Some(b) = std::fs::read(path.with_file_name(&file)).ok().or(attached) {
                files.insert(file, b);
            }
        }
    }
    match load_xlsx_with(&bytes, Some(&stem), &files) {
        Ok(compiled) => {
            let warnings = compiled
                .warnings()
                .iter()
                .map(ToString::to_string)
                .collect();
            (filled(name, compiled), warnings)
        }
        Err(e) => (Ours::Refused(e), Vec::new()),
    }
}

/// The filler's outcome on a loaded form.
fn filled(name: &str, compiled: branchbook_core::engine::CompiledForm) -> Ours {
    match fill(compiled) {
        // The pulled value reached the submission.
        Ok(filled)
            if name == "pyxform/example_xls/pull_data.xlsx" && filled.data["fruit"] != "mango" =>
        {
            Ours::Stuck(format!("fruit not pulled from fruits.csv: {}", filled.data))
        }
        Ok(filled) => Ours::Filled(filled.answered, filled.data.to_string().len(), filled.again),
        Err(why) => Ours::Stuck(why),
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
        let bytes = std::fs::read(corpus_dir().unwrap().join(&form.name)).unwrap();
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
        (form.package.as_str(), form.licence.as_str(), form.is_real())
    };
    let mut table = vec![format!(
        "{:<52} {:<22} {:<13} {:<10} {:<9} {}",
        "form", "package", "licence", "pyxform", "ours", "fill / reason"
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
        let (outcome, warnings) = match catch_unwind(AssertUnwindSafe(|| ours(name, path))) {
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
        for (_, text) in WARNED_HERE.iter().filter(|(f, _)| f == name) {
            if !warnings.iter().any(|w| w.contains(text)) {
                failures.push(format!("{name}: no warning {text:?}: {warnings:#?}"));
            }
        }
        let warned = match warnings.len() {
            0 => String::new(),
            n => format!(" [{n} warning(s): {}]", warnings[0]),
        };
        let (ours_word, detail) = match &outcome {
            Ours::Filled(n, bytes, again) => (
                "loads",
                format!(
                    "filled, {n} answers, finalized ({bytes} bytes of JSON){}",
                    again.map_or(String::new(), |m| format!(
                        "; the next record, after it: {m} answers, finalized"
                    ))
                ),
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
        let (package, licence, real) = source(name);
        table.push(format!(
            "{name:<52} {package:<22} {licence:<13} {pyxform_word:<10} {ours_word:<9} {}",
            format!("{detail}{warned}")
                .chars()
                .take(200)
                .collect::<String>()
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
            (_, _, Ours::Stuck(why)) => {
                if !STUCK_HERE.iter().any(|(f, w)| f == name && why.contains(w)) {
                    failures.push(format!("{name}: loads but stuck: {why}"));
                }
            }
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
        .chain(WARNED_HERE)
        .chain(STUCK_HERE)
        .map(|(f, _)| *f)
        .chain(PYXFORM_REFUSES.iter().copied())
        .chain(ATTACHED.iter().map(|(f, _, _)| *f))
    {
        if !listed.iter().any(|f| f.name == named) {
            failures.push(format!("{named}: named by the test but not in corpus.tsv"));
        }
    }
    let real_listed = listed.iter().filter(|f| f.is_real()).count();
    let real_present = present.iter().filter(|f| f.is_real()).count();
    match corpus_dir() {
        None => table.push(format!(
            "SKIPPED: the {} forms of corpus.tsv ({real_listed} real-world): BRANCHBOOK_XLSFORM_CORPUS is not set (source tests/lib/xlsform-corpus.sh first)",
            listed.len(),
        )),
        Some(dir) => {
            for form in listed.iter().filter(|f| !present.iter().any(|p| p.name == f.name)) {
                failures.push(format!("{}: absent from {}", form.name, dir.display()));
            }
            if real_present < MIN_REAL_FORMS {
                failures.push(format!(
                    "only {real_present} real-world forms (at least {MIN_REAL_FORMS})"
                ));
            }
        }
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
