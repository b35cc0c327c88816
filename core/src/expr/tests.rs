//! Evaluation tests: every operator and function, with empty values, NaN, text against
//! numbers, and dates, against a small map-backed environment.

use std::borrow::Cow;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, Utc};
use proptest::prelude::*;

use super::*;

/// Answers by name; a name in `nodes` reads as a node-set (a field across repeat instances).
struct TestEnv {
    values: HashMap<String, String>,
    nodes: HashMap<String, Vec<String>>,
    current: String,
    position: f64,
    now: DateTime<Utc>,
    /// Inside an `instance('fruits')` predicate: the item being tested.
    item: Option<usize>,
}

/// The test's one secondary instance, `fruits`: name and colour.
const FRUITS: [(&str, &str); 3] = [("mango", "yellow"), ("lime", "green"), ("kiwi", "green")];

impl TestEnv {
    fn new() -> Self {
        let values = [
            ("empty", ""),
            ("age", "35"),
            ("ten", "10"),
            ("name", "Thào Thị Dợ"),
            ("multi", "a b  c"),
            ("dob", "2000-03-01"),
            ("when", "2024-03-05T16:07:08+07:00"),
            ("yes", "yes"),
            ("dec", "2.5"),
        ];
        let nodes = [
            ("ages", vec!["30", "5", "12"]),
            ("mixed", vec!["1", "", "2"]),
            ("none", vec![]),
        ];
        TestEnv {
            values: values
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            nodes: nodes
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
                .collect(),
            current: "cur".into(),
            position: 2.0,
            item: None,
            // 2026-01-01T20:00Z is already 2026-01-02 in Vietnam (UTC+7).
            now: DateTime::parse_from_rfc3339("2026-01-01T20:00:00Z")
                .unwrap()
                .with_timezone(&Utc),
        }
    }
}

impl Env<String> for TestEnv {
    fn get(&self, r: &String) -> Value<'_> {
        if let Some(i) = self.item {
            match r.as_str() {
                "name" => return Value::String(Cow::Borrowed(FRUITS[i].0)),
                "colour" => return Value::String(Cow::Borrowed(FRUITS[i].1)),
                _ => {}
            }
        }
        if r == "." {
            return self.current();
        }
        if let Some(n) = self.nodes.get(r) {
            return Value::Nodes(n.iter().map(|s| Cow::Borrowed(s.as_str())).collect());
        }
        Value::String(Cow::Borrowed(self.values.get(r).map_or("", String::as_str)))
    }
    fn current(&self) -> Value<'_> {
        Value::String(Cow::Borrowed(&self.current))
    }
    fn position(&self, _repeat: Option<&String>) -> f64 {
        self.position
    }
    fn indexed(&self, field: &String, _repeat: &String, index: f64) -> Value<'_> {
        let n = self.nodes.get(field).map(Vec::as_slice).unwrap_or_default();
        let i = index as usize;
        Value::String(Cow::Borrowed(if index >= 1.0 && i <= n.len() {
            &n[i - 1]
        } else {
            ""
        }))
    }
    fn choice_label(&self, field: &String, choice: &str) -> Option<String> {
        (field == "multi").then(|| format!("Label of {choice}"))
    }
    fn now(&self) -> DateTime<Utc> {
        self.now
    }
    fn utc_offset(&self) -> FixedOffset {
        FixedOffset::east_opt(7 * 3600).unwrap()
    }
    fn lookup(&self, l: &Lookup<String>) -> Value<'_> {
        if l.instance != "fruits" {
            return Value::Nodes(Vec::new());
        }
        let mut out = Vec::new();
        for (i, (name, colour)) in FRUITS.iter().enumerate() {
            let passes = l.filter.as_ref().is_none_or(|f| {
                let item = TestEnv {
                    item: Some(i),
                    ..TestEnv::new()
                };
                eval(f, &item).to_bool()
            });
            if passes {
                let value = match l.column.as_deref() {
                    Some("colour") => *colour,
                    Some("name") | None => *name,
                    Some(_) => "",
                };
                out.push(Cow::Borrowed(value));
            }
        }
        Value::Nodes(out)
    }
    fn pulldata(&self, table: &str, column: &str, key_column: &str, key: &str) -> String {
        // One table, `fruits`: name -> colour.
        let rows = [("mango", "yellow"), ("lime", "green")];
        match (table, column, key_column) {
            ("fruits", "colour", "name") => rows
                .iter()
                .find(|(n, _)| *n == key)
                .map_or(String::new(), |(_, c)| (*c).to_owned()),
            _ => String::new(),
        }
    }
    fn form_version(&self) -> &str {
        "2025061201"
    }
    fn itext(&self, id: &str) -> String {
        match id {
            "fruits-0" => "Mango".into(),
            _ => String::new(),
        }
    }
}

fn bind(src: &str) -> Expr<String> {
    parse(src)
        .unwrap_or_else(|e| panic!("{src}: {e}"))
        .try_map_refs(&mut |r: Reference, _| -> Result<String, ()> {
            Ok(match r.target {
                Target::Field(n) => n,
                Target::LastSaved(n) => format!("last-saved#{n}"),
                Target::Path(p) if p.is_current() => ".".into(),
                Target::Path(p) => p.to_string(),
            })
        })
        .unwrap()
}

fn with_env<T>(src: &str, env: &TestEnv, f: impl FnOnce(Value<'_>) -> T) -> T {
    let e = bind(src);
    f(eval(&e, env))
}

fn s(src: &str) -> String {
    with_env(src, &TestEnv::new(), |v| v.into_string())
}

fn n(src: &str) -> f64 {
    with_env(src, &TestEnv::new(), |v| v.to_number())
}

fn b(src: &str) -> bool {
    with_env(src, &TestEnv::new(), |v| v.to_bool())
}

#[test]
fn arithmetic() {
    assert_eq!(n("1 + 2 * 3"), 7.0);
    assert_eq!(n("${age} - 5"), 30.0);
    assert_eq!(n("${dec} * 2"), 5.0);
    assert_eq!(n("7 div 2"), 3.5);
    assert_eq!(n("7 mod 3"), 1.0);
    assert_eq!(n("-7 mod 3"), -1.0);
    assert_eq!(n("-${age}"), -35.0);
    assert_eq!(n("'3' + '4'"), 7.0, "text converts to numbers");
    assert_eq!(n("true() + 1"), 2.0);
    assert_eq!(s("1 div 0"), "Infinity");
    assert_eq!(s("-1 div 0"), "-Infinity");
    assert_eq!(s("0 div 0"), "NaN");
    assert_eq!(s("5 mod 0"), "NaN");
    assert_eq!(
        s("${empty} + 1"),
        "NaN",
        "an empty answer is NaN as a number"
    );
    assert_eq!(s("'abc' * 2"), "NaN");
    assert_eq!(s("0.1 + 0.2"), "0.30000000000000004");
}

#[test]
fn comparisons_and_logic() {
    assert!(b("${age} > 18"));
    assert!(b("${age} >= 35 and ${age} <= 35"));
    assert!(!b("${age} < 18"));
    assert!(b("${age} = 35"));
    assert!(b("${age} = '35'"));
    assert!(b("${age} != 36"));
    assert!(b("${empty} = ''"), "an empty answer equals ''");
    assert!(!b("${empty} != ''"));
    assert!(!b("${empty} = 0"), "NaN never equals");
    assert!(
        !b("${empty} < 1") && !b("${empty} >= 1"),
        "NaN comparisons are false"
    );
    assert!(b("'10' > '9'"), "relational operators compare numbers");
    assert!(b("${yes} = 'yes' or 1 div 0"));
    assert!(!b("${yes} = 'no' and true()"));
    assert!(b("not(${empty})"));
    assert!(b("${ages} = 5"), "a node-set equals if any node does");
    assert!(b("${ages} > 20") && !b("${ages} > 40"));
    assert!(!b("${none} = ''"), "an empty node-set equals nothing");
    assert!(b("${dob} < '2000-03-02'") && b("${dob} = '2000-03-01'"));
}

#[test]
fn conversions() {
    assert_eq!(s("string(${age} + 1)"), "36");
    assert_eq!(s("string(1 = 1)"), "true");
    assert_eq!(s("string()"), "cur", "string() is the current field");
    assert_eq!(s("string(${ages})"), "30", "first node");
    assert!(b("boolean('false')"), "non-empty text is true");
    assert!(!b("boolean(${empty})"));
    assert!(!b("boolean(0)") && b("boolean(-0.5)"));
    assert!(!b("boolean(number('x'))"));
    assert!(b("boolean(${ages})") && !b("boolean(${none})"));
    assert!(b("boolean-from-string('true')") && b("boolean-from-string('1')"));
    assert!(!b("boolean-from-string('yes')") && !b("boolean-from-string('')"));
    assert_eq!(n("number(' 12 ')"), 12.0);
    assert!(n("number('')").is_nan());
    assert!(
        n("number()").is_nan(),
        "the current field 'cur' is not a number"
    );
    assert_eq!(n("number(true())"), 1.0);
    assert_eq!(n("number(${dob})"), 11017.0, "a date is its day number");
}

#[test]
fn rounding() {
    assert_eq!(n("int(3.9)"), 3.0);
    assert_eq!(n("int(-3.9)"), -3.0, "int() truncates");
    assert!(n("int(${empty})").is_nan());
    assert_eq!(n("round(2.5)"), 3.0);
    assert_eq!(n("round(-2.5)"), -2.0, "XPath rounds halves up");
    assert_eq!(n("round(2.71828, 2)"), 2.72);
    assert_eq!(n("round(-1.005 * 1000, 0)"), -1005.0);
    assert_eq!(n("round(1234.5, -2)"), 1200.0);
    assert!(n("round('x')").is_nan());
    assert!(n("round(1.5, 'x')").is_nan());
    assert_eq!(n("floor(-1.5)"), -2.0);
    assert_eq!(n("ceiling(1.2)"), 2.0);
    assert_eq!(n("abs(-4)"), 4.0);
    assert_eq!(n("pow(2, 10)"), 1024.0);
    assert_eq!(n("pow(4, 0.5)"), 2.0);
}

#[test]
fn aggregates() {
    assert_eq!(n("count(${ages})"), 3.0);
    assert_eq!(n("count(${none})"), 0.0);
    assert_eq!(n("count(${age})"), 1.0);
    assert_eq!(n("sum(${ages})"), 47.0);
    assert_eq!(n("sum(${none})"), 0.0);
    assert!(
        n("sum(${mixed})").is_nan(),
        "an empty node makes the sum NaN, as XPath"
    );
    assert_eq!(n("sum(${age})"), 35.0);
    assert_eq!(n("min(${ages})"), 5.0);
    assert_eq!(n("max(${ages}, 100)"), 100.0);
    assert_eq!(n("max(1, 3, 2)"), 3.0);
    assert!(n("max(${none})").is_nan());
    assert!(n("min(1, ${empty})").is_nan());
    assert_eq!(n("position(..)"), 2.0);
    assert_eq!(s("indexed-repeat(${ages}, ${rep}, 2)"), "5");
    assert_eq!(s("indexed-repeat(${ages}, ${rep}, 9)"), "");
}

#[test]
fn selects() {
    assert!(b("selected(${multi}, 'b')"));
    assert!(b("selected(${multi}, ' c ')"));
    assert!(!b("selected(${multi}, 'd')") && !b("selected(${empty}, '')"));
    assert!(b("selected(${yes}, 'yes')"), "works on a select_one too");
    assert_eq!(n("count-selected(${multi})"), 3.0);
    assert_eq!(n("count-selected(${empty})"), 0.0);
    assert_eq!(s("selected-at(${multi}, 0)"), "a");
    assert_eq!(s("selected-at(${multi}, 2)"), "c");
    assert_eq!(s("selected-at(${multi}, 3)"), "");
    assert_eq!(s("selected-at(${multi}, -1)"), "");
    assert_eq!(s("jr:choice-name('b', '${multi}')"), "Label of b");
    assert_eq!(s("jr:choice-name(${yes}, '${age}')"), "", "no label: empty");
}

#[test]
fn text_functions() {
    assert_eq!(n("string-length(${name})"), 11.0, "characters, not bytes");
    assert_eq!(n("string-length(${empty})"), 0.0);
    assert_eq!(n("string-length()"), 3.0, "of the current field");
    assert_eq!(s("concat('a', 1, true(), ${empty}, ${age})"), "a1true35");
    assert_eq!(
        s("concat(${ages})"),
        "30512",
        "node-sets contribute every node"
    );
    assert_eq!(s("concat()"), "");
    assert_eq!(s("join(', ', ${ages}, 'x')"), "30, 5, 12, x");
    assert_eq!(s("join('-')"), "");
    assert_eq!(s("coalesce(${empty}, 'fallback')"), "fallback");
    assert_eq!(s("coalesce(${age}, 'fallback')"), "35");
    assert_eq!(s("substr('Thào Thị', 1, 4)"), "hào");
    assert_eq!(s("substr('abcdef', 2)"), "cdef");
    assert_eq!(s("substr('abc', 5)"), "");
    assert_eq!(s("substr('abc', -2, 99)"), "abc");
    assert_eq!(s("substr('abc', 2, 1)"), "");
    assert!(b("contains(${name}, 'Thị')") && !b("contains(${name}, 'thi')"));
    assert!(b("starts-with(${name}, 'Thào')") && !b("starts-with(${name}, 'Dợ')"));
    assert!(b("ends-with(${name}, 'Dợ')") && !b("ends-with(${name}, 'Thào')"));
    assert!(b("contains('abc', '')"));
    assert_eq!(s("normalize-space('  a \t b\n ')"), "a b");
    assert_eq!(s("normalize-space()"), "cur");
    assert_eq!(s("translate('bar', 'abc', 'ABC')"), "BAr");
    assert_eq!(s("translate('--aaa--', 'a-', 'A')"), "AAA");
}

#[test]
fn regular_expressions() {
    assert!(b("regex('0912345678', '^0[0-9]{9}$')"));
    assert!(!b("regex('091234567', '^0[0-9]{9}$')"));
    assert!(b("regex(${name}, 'Thị')"), "unanchored patterns search");
    assert!(!b("regex(${empty}, '.')"));
    assert!(b("regex(., '^cur$')"));
    assert!(b("regex('abc', concat('^a', 'bc$'))"), "a computed pattern");
    assert!(
        !b("regex('abc', concat('[', 'a'))"),
        "an invalid computed pattern is false, not a panic"
    );
}

#[test]
fn regular_expressions_follow_javarosa_and_enketo() {
    // \d, \w and \s are ASCII, as in Java's java.util.regex (JavaRosa) and JavaScript
    // (Enketo): Arabic-Indic digits are not digits, a Vietnamese letter is not \w.
    assert!(b("regex('0912', '^\\d{4}$')"));
    assert!(!b("regex('٠٩١٢', '^\\d{4}$')"));
    assert!(!b("regex('ị', '^\\w$')"));
    assert!(b("regex('a_1', '^\\w+$')"));
    // Characters are code points: '.' is one Vietnamese letter, and ranges of letters
    // with diacritics work in classes.
    assert!(b("regex('ị', '^.$')"));
    assert!(b("regex(${name}, '^[A-Za-zÀ-ỹĐđ ]+$')"));
    assert!(!b("regex('Thào 3', '^[A-Za-zÀ-ỹĐđ ]+$')"));
    // (?i) folds ASCII letters.
    assert!(b("regex('ABC', '(?i)^abc$')"));
    // Unicode property classes are not supported: a computed one is false, not a panic
    // (a literal one is refused when the form loads, see the parser's tests).
    assert!(!b("regex('a', concat('\\p{', 'L}'))"));
}

#[test]
fn conditionals() {
    assert_eq!(s("if(${age} > 18, 'adult', 'child')"), "adult");
    assert_eq!(s("if(${empty}, 'x', 'y')"), "y");
    assert_eq!(n("if(true(), 1, 1 div 0)"), 1.0);
    assert!(b("true()") && !b("false()"));
    assert_eq!(
        s("once(${age})"),
        "cur",
        "once() keeps a value already there"
    );
    let mut env = TestEnv::new();
    env.current = String::new();
    assert_eq!(with_env("once(${age})", &env, |v| v.into_string()), "35");
    let id = s("uuid()");
    assert_eq!(
        uuid::Uuid::parse_str(&id).map(|u| u.get_version_num()),
        Ok(4)
    );
    assert_ne!(id, s("uuid()"));
}

#[test]
fn dates() {
    // now = 2026-01-01T20:00Z, which is 2026-01-02 in UTC+7.
    assert_eq!(s("today()"), "2026-01-02");
    assert_eq!(s("now()"), "2026-01-01T20:00:00.000Z");
    assert!(b("${dob} < today()"));
    assert!(b("today() > '2025-12-31'"));
    assert_eq!(n("today() - ${dob}"), 9438.0, "days between");
    assert_eq!(n("int((today() - ${dob}) div 365.25)"), 25.0);
    assert_eq!(s("date(${dob} + 1)"), "2000-03-02");
    assert_eq!(s("date('2000-02-28') + 1"), "11016");
    assert_eq!(s("date(date('2000-02-28') + 1)"), "2000-02-29");
    assert_eq!(s("date(0)"), "1970-01-01");
    assert_eq!(s("date('junk')"), "");
    assert_eq!(s("date(${when})"), "2024-03-05");
    assert_eq!(n("decimal-date-time('1970-01-02T06:00:00Z')"), 1.25);
    assert_eq!(n("decimal-date-time(${dob})"), 11017.0);
    assert_eq!(s("format-date(${dob}, '%d/%m/%Y')"), "01/03/2000");
    assert_eq!(
        s("format-date(${when}, '%Y-%m-%d %H:%M')"),
        "2024-03-05 16:07",
        "shown in the user's zone"
    );
    assert_eq!(s("format-date(today(), '%e %b')"), "2 Jan");
    assert_eq!(s("format-date(${empty}, '%Y')"), "");
    assert!(b("${dob} = date('2000-03-01')"));
    assert!(!b("${empty} < today()"), "no date is not before today");
    assert_eq!(
        s("format-date-time(${when}, '%Y-%m-%d %H:%M:%S')"),
        "2024-03-05 16:07:08"
    );
    assert_eq!(s("format-date-time(now(), '%H:%M')"), "03:00", "in UTC+7");
    assert_eq!(s("date-time(1.25)"), "1970-01-02T06:00:00.000Z");
    assert_eq!(
        s("date-time('2024-03-05T09:07:08Z')"),
        "2024-03-05T09:07:08.000Z"
    );
    assert_eq!(n("decimal-time('18:00:00.000+07:00')"), 0.75);
    assert!(n("decimal-time('noon')").is_nan());
}

#[test]
fn version_is_the_forms_version() {
    assert_eq!(s("version()"), "2025061201");
    assert_eq!(s("concat('v', version())"), "v2025061201");
    assert!(parse("version(1)").is_err(), "no arguments");
}

#[test]
fn jr_itext_asks_the_environment() {
    assert_eq!(s("jr:itext('fruits-0')"), "Mango");
    assert_eq!(s("jr:itext(concat('fruits-', 0))"), "Mango");
    assert_eq!(s("jr:itext('unknown')"), "");
}

#[test]
fn pulldata_reads_the_environments_tables() {
    assert_eq!(s("pulldata('fruits', 'colour', 'name', 'lime')"), "green");
    assert_eq!(
        s("pulldata('fruits', 'colour', 'name', concat('man', 'go'))"),
        "yellow"
    );
    assert_eq!(s("pulldata('fruits', 'colour', 'name', 'kiwi')"), "");
    assert_eq!(s("pulldata('veg', 'colour', 'name', 'lime')"), "");
}

#[test]
fn math_functions() {
    assert_eq!(n("sqrt(16)"), 4.0);
    assert!(n("sqrt(-1)").is_nan());
    assert_eq!(n("exp(0)"), 1.0);
    assert_eq!(n("exp10(2)"), 100.0);
    assert_eq!(n("log(exp(2))"), 2.0);
    assert_eq!(n("log10(1000)"), 3.0);
    assert_eq!(n("round(sin(pi() div 2), 6)"), 1.0);
    assert_eq!(n("round(cos(0), 6)"), 1.0);
    assert_eq!(n("round(tan(0), 6)"), 0.0);
    assert_eq!(n("round(asin(1) * 2 - pi(), 9)"), 0.0);
    assert_eq!(n("acos(1)"), 0.0);
    assert_eq!(n("round(atan(1) * 4 - pi(), 9)"), 0.0);
    assert_eq!(n("round(atan2(1, 1) * 4 - pi(), 9)"), 0.0);
    assert!(n("log('x')").is_nan());
}

#[test]
fn random_numbers_are_fractions_and_vary() {
    let draws: Vec<f64> = (0..50).map(|_| n("random()")).collect();
    assert!(draws.iter().all(|d| (0.0..1.0).contains(d)), "{draws:?}");
    assert!(draws.windows(2).any(|w| w[0] != w[1]));
    // once() keeps the field's value when it has one.
    assert_eq!(s("once(random())"), "cur");
}

#[test]
fn more_text_and_list_functions() {
    assert_eq!(s("substring('12345', 2, 3)"), "234");
    assert_eq!(s("substring('12345', 1.5, 2.6)"), "234", "XPath rounds");
    assert_eq!(s("substring('12345', 0, 3)"), "12");
    assert_eq!(s("substring('Thào', 3)"), "ào");
    assert_eq!(s("substring-before('1999/04/01', '/')"), "1999");
    assert_eq!(s("substring-after('1999/04/01', '/')"), "04/01");
    assert_eq!(s("substring-after('abc', 'x')"), "");
    assert!(b("checklist(1, 2, true(), false(), 1 = 1)"));
    assert!(!b("checklist(3, -1, true(), false(), 1 = 1)"));
    assert!(b("checklist(-1, -1)"));
}

#[test]
fn randomize_shuffles_node_sets_as_odk_does() {
    // Seeded: the Park-Miller / inside-out Fisher-Yates order (see shuffle.rs), stable.
    assert_eq!(s("join(' ', randomize(${ages}, 1))"), "5 30 12");
    assert_eq!(
        s("join(' ', randomize(${ages}, 1))"),
        s("join(' ', randomize(${ages}, 1.9))"),
        "a seed is truncated to a whole number"
    );
    assert_eq!(n("count(randomize(${ages}, 7))"), 3.0);
    assert_eq!(n("sum(randomize(${ages}))"), 47.0);
    assert_eq!(n("count(randomize(${none}, 3))"), 0.0);
    assert_eq!(n("count(randomize(${ages}, 'x'))"), 0.0);
}

#[test]
fn count_non_empty_and_weighted_checklist() {
    assert_eq!(n("count-non-empty(${mixed})"), 2.0);
    assert_eq!(n("count-non-empty(${none})"), 0.0);
    assert_eq!(n("count-non-empty(${age})"), 1.0);
    assert_eq!(n("count-non-empty(${empty})"), 0.0);
    // Weights of the true conditions: 2 + 3 = 5.
    let w = "true(), 2, false(), 10, 1 = 1, 3";
    assert!(b(&format!("weighted-checklist(5, 5, {w})")));
    assert!(b(&format!("weighted-checklist(-1, 5, {w})")));
    assert!(!b(&format!("weighted-checklist(6, -1, {w})")));
    assert!(!b(&format!("weighted-checklist(0, 4, {w})")));
    assert!(b("weighted-checklist(-1, -1)"));
    let e = parse("weighted-checklist(1, 2, true())").unwrap_err();
    assert!(e.message.contains("pairs"), "{e}");
}

#[test]
fn digest_base64_and_random_text() {
    assert_eq!(
        s("digest('abc', 'SHA-256', 'hex')"),
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    );
    assert_eq!(s("digest('abc', 'MD5')"), "kAFQmDzST7DWlj99KOF/cg==");
    assert_eq!(s("digest(${age}, 'SHA-1', 'hex')").len(), 40);
    assert_eq!(
        s("digest('abc', ${name})"),
        "",
        "an unknown computed algorithm"
    );
    let e = parse("digest(., 'SHA-3')").unwrap_err();
    assert!(e.message.contains("MD5, SHA-1"), "{e}");
    assert_eq!(s("base64-decode('VGjDoG8=')"), "Thào");
    assert_eq!(s("base64-decode(digest('abc', 'MD5'))"), "", "not UTF-8");
    assert_eq!(s("uuid(8)").len(), 8);
    assert_eq!(s("uuid()").len(), 36);
    assert_eq!(s("string-length(uuid(${ten}))"), "10");
}

#[test]
fn area_and_distance_of_geo_values() {
    let trace = "'0 0 0 0; 0 1 0 0; 1 1 0 0'";
    let d = n(&format!("distance({trace})"));
    assert!((d - 2.0 * 111_318.845).abs() < 1.0, "{d}");
    let a = n("area('0 0 0 0; 0 0.001 0 0; 0.001 0.001 0 0; 0.001 0 0 0; 0 0 0 0')");
    assert!((a - 12_392.0).abs() < 1.0, "{a}");
    assert_eq!(n("area('0 0; 1 1')"), 0.0);
    assert!(n("area('not a point')").is_nan());
    assert!(n("distance(${name})").is_nan());
    assert_eq!(n("distance(${empty})"), 0.0);
}

#[test]
fn instance_lookups_filter_a_lists_items() {
    assert_eq!(
        n("count(instance('fruits')/root/item[colour = 'green'])"),
        2.0
    );
    assert_eq!(
        s("instance('fruits')/root/item[name = 'lime']/colour"),
        "green"
    );
    assert_eq!(
        s("join(',', instance('fruits')/root/item/name)"),
        "mango,lime,kiwi"
    );
    assert_eq!(
        s("join(',', instance('fruits')/root/item[colour != 'green' or name = 'kiwi'])"),
        "mango,kiwi"
    );
    assert_eq!(n("count(instance('other')/root/item)"), 0.0);
    // current()/.. inside a predicate names a field from the current question.
    let e = parse("instance('fruits')/root/item[name = current()/../pick]/colour").unwrap();
    assert_eq!(
        e.to_string(),
        "instance('fruits')/root/item[(name = ./../pick)]/colour"
    );
    for (src, wanted) in [
        ("instance('x')/data/item", "only instance('x')/root/item"),
        (
            "instance('x')/root/item/label/x",
            "only instance('x')/root/item",
        ),
        (
            "instance(${x})/root/item",
            "the name of a choice list in quotes",
        ),
        ("instance('x')/root/item[name = 'a'", "']'"),
    ] {
        let e = parse(src).unwrap_err();
        assert!(e.message.contains(wanted), "{src}: {e}");
    }
}

#[test]
fn current_is_the_field_itself() {
    assert_eq!(s("current()"), "cur");
    assert_eq!(s("concat(current(), '!')"), "cur!");
}

#[test]
fn every_function_parses_at_its_arity_and_evaluates() {
    // Every function in the table evaluates (to something) with arguments of its arity.
    let env = TestEnv::new();
    for &f in Func::ALL {
        let (min, _) = f.arity();
        let args: Vec<&str> = match f {
            Func::IndexedRepeat => vec!["${ages}", "${r}", "1"],
            Func::ChoiceName => vec!["'a'", "'${multi}'"],
            Func::Position if min == 0 => vec![],
            _ => vec!["${age}"; min],
        };
        let src = format!("{}({})", f.name(), args.join(", "));
        let text = with_env(&src, &env, |v| v.into_string());
        // uuid() and random() are the only functions whose result cannot be predicted.
        if f != Func::Uuid && f != Func::Random {
            assert_eq!(
                text,
                with_env(&src, &env, |v| v.into_string()),
                "{src} is deterministic"
            );
        }
    }
}

proptest! {
    #[test]
    fn parsing_arbitrary_text_never_panics(src in "\\PC{0,60}") {
        let _ = parse(&src);
    }

    #[test]
    fn parsing_expression_like_text_never_panics_and_evaluates(
        parts in proptest::collection::vec(prop_oneof![
            Just("${age}"), Just("${ages}"), Just("${empty}"), Just("."), Just(".."), Just("("), Just(")"),
            Just(","), Just(" + "), Just(" - "), Just(" * "), Just(" div "), Just(" mod "), Just(" = "),
            Just(" != "), Just(" < "), Just(" >= "), Just(" and "), Just(" or "), Just("'x'"), Just("\"y\""),
            Just("1"), Just("2.5"), Just("-"), Just("today()"), Just("if("), Just("concat("), Just("sum("),
            Just("selected("), Just("regex("), Just("round("), Just("date("), Just("format-date("),
            Just("substr("), Just("'2000-01-01'"), Just("min("), Just("translate("), Just("'^[a-'"),
        ], 0..24)
    ) {
        let src: String = parts.concat();
        if let Ok(e) = parse(&src) {
            // What parses prints back to an expression that parses to the same tree...
            let printed = e.to_string();
            let again = parse(&printed).map(|a| a.to_string());
            prop_assert_eq!(again, Ok(printed), "from {}", src);
            let e = bind(&src);
            // ...and evaluates without panicking.
            let env = TestEnv::new();
            let _ = eval(&e, &env).into_string();
        }
    }
}

/// Runs `f` on a thread with a stack of `kib` KiB: an expression that overflowed it
/// would abort the whole test binary, not fail an assert.
fn on_stack<T: Send + 'static>(kib: usize, f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new()
        .stack_size(kib * 1024)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap()
}

/// A phone background thread's small stack (iOS gives secondary threads 512 KiB).
const SMALL_STACK_KIB: usize = 256;

/// Android's default thread stack. Trees as tall as allowed are walked on it: unoptimised
/// test builds spend about 1 KiB of stack per operator and 5 KiB per nested call when
/// evaluating (measured), several times what a release build spends.
const THREAD_STACK_KIB: usize = 1024;

fn chain(terms: usize, op: &str) -> String {
    vec!["${age} > 1"; terms].join(&format!(" {op} "))
}

#[test]
fn long_flat_chains_are_refused_without_exhausting_the_stack() {
    for (terms, op) in [
        (10_000, "and"),
        (50_000, "or"),
        (100_000, "and"),
        (10_000, "+"),
    ] {
        let src = chain(terms, op);
        let e = on_stack(SMALL_STACK_KIB, move || parse(&src).unwrap_err());
        assert!(e.message.contains("too long"), "{terms} {op}: {e}");
    }
    // Under the token limit but taller than the tree may grow: refused at the operator.
    let src = vec!["1"; super::parser::MAX_HEIGHT + 1].join(" + ");
    let e = on_stack(THREAD_STACK_KIB, move || parse(&src).unwrap_err());
    assert!(e.message.contains("operations in a chain"), "{e}");
    assert_eq!(
        e.offset,
        src_offset_of_last_plus(super::parser::MAX_HEIGHT + 1)
    );
    // Chains inside nested brackets and calls add up.
    let inner = vec!["1"; 100].join(" + ");
    let src = format!("(({inner}) + {inner}) + {inner}");
    let e = on_stack(THREAD_STACK_KIB, move || parse(&src).unwrap_err());
    assert!(e.message.contains("operations in a chain"), "{e}");
    let src = format!("concat(1, if(true(), (({inner}) + {inner}) + {inner}, 1))");
    assert!(on_stack(THREAD_STACK_KIB, move || parse(&src)).is_err());
    let src = format!("{}1", "-".repeat(super::parser::MAX_HEIGHT + 1));
    assert!(on_stack(THREAD_STACK_KIB, move || parse(&src)).is_err());
}

/// Offset of the `+` before the last term of `"1 + 1 + ... + 1"` with `terms` terms.
fn src_offset_of_last_plus(terms: usize) -> usize {
    (terms - 1) * 4 - 2
}

#[test]
fn the_tallest_accepted_expression_runs_on_a_small_stack() {
    let height = super::parser::MAX_HEIGHT;
    // A left-leaning chain and a right-leaning nest of calls, each as tall as allowed.
    let flat = vec!["${age}"; height].join(" + ");
    // Calls nested as deeply as allowed around a chain: a tree nearly as tall.
    let nested = format!(
        "{}{}{}",
        "number(".repeat(60),
        vec!["${age}"; height - 61].join(" + "),
        ")".repeat(60)
    );
    let longest = chain(1000, "and");
    let results = on_stack(THREAD_STACK_KIB, move || {
        let mut out = Vec::new();
        for src in [&flat, &nested, &longest] {
            let parsed = parse(src).map_err(|e| e.to_string());
            let Ok(parsed) = parsed else {
                out.push(Err(parsed.unwrap_err()));
                continue;
            };
            let printed = parsed.to_string();
            let copy = parsed.clone();
            assert!(copy == parsed);
            let mut refs = 0;
            parsed.visit_refs(&mut |_, _| refs += 1);
            let bound = bind(src);
            let value = eval(&bound, &TestEnv::new()).into_string();
            drop((copy, parsed, bound));
            out.push(Ok((refs, value, printed.len())));
        }
        out
    });
    assert_eq!(
        results[0].as_ref().map(|r| (r.0, r.1.as_str())),
        Ok((height, &*format!("{}", 35 * height)))
    );
    let nested_sum = format!("{}", 35 * (height - 61));
    assert_eq!(
        results[1].as_ref().map(|r| r.1.as_str()),
        Ok(nested_sum.as_str())
    );
    // 1,000 terms make a tree taller than allowed: refused, cleanly.
    assert!(
        results[2].as_ref().is_err_and(|e| e.contains("too long")),
        "{:?}",
        results[2]
    );
}
