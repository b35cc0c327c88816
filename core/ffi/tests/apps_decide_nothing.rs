//! The apps decide nothing: no app file (Android's Kotlin, iOS's Swift; the generated
//! bindings aside) holds its own copy of a closed list (sexes, age groups, kinds of
//! gathering, ethnic groups) or of Vietnam's UTC+7 clock. They take these from the core
//! (`sexes()`, `ageGroups()`, `gatheringKinds()`, `ethnicGroups()`), so both apps offer
//! the same lists in the same order. Nor does an app put a date and time together on a
//! clock of its own: it hands the picker's fields to the core as shown
//! (`SurveySession.pick`, `GatheringEdit.StartsAt`), which reads them on Vietnam's clock.
//! Nor does an app read numbers out of what she typed (a birth year, an answer): it hands
//! the text to the core as typed (`HouseholdEdit.MemberBirthYear`, `type_answer`), which
//! parses it once for both.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::path::{Path, PathBuf};

use branchbook_core::domain::{self, ethnic_groups};

/// The app source folders, from the repository root (generated bindings are elsewhere).
const APP_SOURCES: [&str; 3] = [
    "android/app/src/main/kotlin/org",
    "ios/BranchbookApp/Sources",
    "ios/Branchbook",
];

/// Ways of writing UTC+7 in code.
const CLOCK_LITERALS: [&str; 7] = [
    "ofHours(7)",
    "7 * 3600",
    "7*3600",
    "25200",
    "Asia/Ho_Chi_Minh",
    "\"+07:00\"",
    "GMT+7",
];

/// Ways of turning picked fields into an instant (or an instant into fields) on a
/// clock of the app's own.
const CLOCK_ARITHMETIC: [&str; 6] = [
    "ZoneOffset",
    "toInstant(",
    "atZone(",
    "TimeZone(",
    "\\.timeZone",
    "UtcOffset",
];

/// Ways of reading a number out of typed text, in Kotlin and Swift.
const NUMBER_PARSERS: [&str; 13] = [
    "toIntOrNull(",
    "toLongOrNull(",
    "toUIntOrNull(",
    "toDoubleOrNull(",
    "toFloatOrNull(",
    "toBigDecimalOrNull(",
    "parseInt(",
    "parseDouble(",
    "NumberFormatter",
    "isNumber",
    "isWholeNumber",
    "Int32(text",
    "Double(text",
];

/// A closed enum's case names as Swift (`.policyDialogue`) and Kotlin
/// (`GatheringKind.POLICY_DIALOGUE`) spell them.
struct Closed {
    name: &'static str,
    swift: Vec<String>,
    kotlin: Vec<String>,
}

fn closed<T: std::fmt::Debug>(name: &'static str, cases: Vec<T>) -> Closed {
    let rust: Vec<String> = cases.iter().map(|c| format!("{c:?}")).collect();
    Closed {
        name,
        swift: rust
            .iter()
            .map(|c| {
                let mut chars = c.chars();
                let first = chars.next().map(|f| f.to_ascii_lowercase());
                format!(".{}{}", first.unwrap_or_default(), chars.as_str())
            })
            .collect(),
        kotlin: rust
            .iter()
            .map(|c| {
                let mut snake = String::new();
                for (i, ch) in c.chars().enumerate() {
                    if ch.is_ascii_uppercase() && i > 0 {
                        snake.push('_');
                    }
                    snake.push(ch.to_ascii_uppercase());
                }
                format!("{name}.{snake}")
            })
            .collect(),
    }
}

fn closed_lists() -> Vec<Closed> {
    vec![
        closed("Sex", domain::sexes()),
        closed("AgeGroup", domain::age_groups()),
        closed("GatheringKind", domain::gathering_kinds()),
    ]
}

/// Whether `line` holds `word` not followed by more of an identifier.
fn has_word(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(at, _)| {
        !line[at + word.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// What `text` (the file `path`) decides that the core should: one finding per line.
fn findings(path: &str, text: &str) -> Vec<String> {
    let lists = closed_lists();
    let keys: Vec<String> = ethnic_groups()
        .iter()
        .flat_map(|g| [format!("\"{}\"", g.key), format!("\"{}\"", g.name_vi)])
        .collect();
    let mut out = Vec::new();
    let mut ethnic_literals = 0;
    for (n, line) in text.lines().enumerate() {
        let code = line.trim_start();
        if code.starts_with("//") || code.starts_with('*') || code.starts_with("/*") {
            continue;
        }
        let code = code.split(" //").next().unwrap_or(code);
        let at = format!("{path}:{}", n + 1);
        for clock in CLOCK_LITERALS {
            if code.contains(clock) {
                out.push(format!("{at}: Vietnam's clock written out ({clock})"));
            }
        }
        for clock in CLOCK_ARITHMETIC {
            if code.contains(clock) {
                out.push(format!(
                    "{at}: a date and time composed in the app ({clock})"
                ));
            }
        }
        for parser in NUMBER_PARSERS {
            if code.contains(parser) {
                out.push(format!("{at}: a number read from typed text ({parser})"));
            }
        }
        for list in &lists {
            let swift = list.swift.iter().filter(|c| has_word(code, c)).count();
            let kotlin = list.kotlin.iter().filter(|c| has_word(code, c)).count();
            if swift.max(kotlin) >= 2 {
                out.push(format!("{at}: a list of {} written out", list.name));
            }
            if code.contains(&format!("{}.entries", list.name)) {
                out.push(format!(
                    "{at}: {}.entries instead of the core's list",
                    list.name
                ));
            }
        }
        ethnic_literals += keys.iter().filter(|k| code.contains(k.as_str())).count();
    }
    if ethnic_literals >= 3 {
        out.push(format!(
            "{path}: ethnic groups written out ({ethnic_literals})"
        ));
    }
    out
}

fn app_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            app_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "kt" || e == "swift") {
            out.push(path);
        }
    }
}

#[test]
fn the_checker_catches_each_kind_of_copy() {
    let copies = [
        (
            "Choices.swift",
            "static let sexes: [Sex] = [.female, .male, .unknown]",
        ),
        ("Kinds.swift", "let all = [.policyDialogue, .training]"),
        (
            "Ages.kt",
            "val ages = listOf(AgeGroup.CHILD, AgeGroup.YOUTH)",
        ),
        ("Kinds.kt", "GatheringKind.entries.map { it }"),
        ("Clock.kt", "val VN = ZoneOffset.ofHours(7)"),
        ("Clock.swift", "TimeZone(identifier: \"Asia/Ho_Chi_Minh\")"),
        (
            "Picked.kt",
            "LocalDateTime.of(y, m, d, h, min).toInstant(VIETNAM_CLOCK)",
        ),
        (
            "Zone.kt",
            "ZoneOffset.ofTotalSeconds(vietnamUtcOffsetMinutes() * 60)",
        ),
        ("Zone.swift", ".environment(\\.timeZone, VietnamClock.zone)"),
        ("Year.kt", "val year = typed.trim().toIntOrNull() ?: return"),
        (
            "Year.swift",
            "set: { text in year = Int32(text.filter { c in c.isNumber }) }",
        ),
        (
            "Ethnic.kt",
            "val e = listOf(\"kinh\",\n \"tay\",\n \"thai\")",
        ),
    ];
    for (path, text) in copies {
        assert!(
            !findings(path, text).is_empty(),
            "{path} not caught: {text}"
        );
    }
    let fine = [
        ("Ok.kt", "val sex: Sex = Sex.FEMALE // a default"),
        ("Ok.swift", "if case .female = sex { return }"),
        ("Doc.swift", "/// Vietnam's zone (UTC+7), ofHours(7)"),
        (
            "Ok2.kt",
            "p.pick(path, day.copy(hour = h.toUByte(), minute = m.toUByte()))",
        ),
        (
            "Ok3.kt",
            "val elderly = AgeGroup.ELDER; val femaleCount = 2",
        ),
        ("Ok4.kt", "p.edit(HouseholdEdit.MemberBirthYear(at, it))"),
        (
            "Ok5.kt",
            "host.pickTime(form.hour.toInt(), form.minute.toInt(), p::time)",
        ),
    ];
    for (path, text) in fine {
        assert_eq!(findings(path, text), Vec::<String>::new(), "{path}");
    }
}

#[test]
fn no_app_file_keeps_its_own_closed_list_clock_or_number_parsing() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in APP_SOURCES {
        app_files(&root.join(dir), &mut files);
    }
    assert!(
        files.len() > 40,
        "the app sources were not found: {files:?}"
    );
    let mut all = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        let name = file
            .strip_prefix(&root)
            .unwrap_or(file)
            .display()
            .to_string();
        all.extend(findings(&name, &text));
    }
    assert!(
        all.is_empty(),
        "the apps decide what the core should:\n{}",
        all.join("\n")
    );
}
