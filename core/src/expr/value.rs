//! The values expressions compute with, and XPath 1.0's conversions between them.
//! Every stored answer is text (an empty answer is ""); numbers, booleans and dates
//! appear as expressions compute.

use std::borrow::Cow;

use super::ast::Cmp;
use super::dates;

/// A value during evaluation. Text borrows from the answers or the expression where it
/// can, so reading a field copies nothing.
#[derive(Debug, Clone, PartialEq)]
pub enum Value<'a> {
    /// A boolean.
    Bool(bool),
    /// A number (NaN for "not a number", as XPath).
    Number(f64),
    /// Text.
    String(Cow<'a, str>),
    /// A date: whole days since 1970-01-01 (what `today()` and `date()` return).
    Date(f64),
    /// An instant: days with a fraction since 1970-01-01T00:00Z (what `now()` returns).
    DateTime(f64),
    /// Several nodes (a field across repeat instances, or the instances themselves): the
    /// text of each, in document order.
    Nodes(Vec<Cow<'a, str>>),
}

impl<'a> Value<'a> {
    /// Text that borrows nothing.
    pub fn owned_string(s: String) -> Value<'static> {
        Value::String(Cow::Owned(s))
    }

    /// XPath `boolean()`: non-empty text, a non-zero number, a non-empty node-set.
    pub fn to_bool(&self) -> bool {
        match self {
            Value::Bool(b) => *b,
            Value::Number(n) | Value::Date(n) | Value::DateTime(n) => *n != 0.0 && !n.is_nan(),
            Value::String(s) => !s.is_empty(),
            Value::Nodes(n) => !n.is_empty(),
        }
    }

    /// XPath `number()`, except that text holding a date or date-time gives its day
    /// number (as JavaRosa), so dates stored as text compare and subtract as dates.
    pub fn to_number(&self) -> f64 {
        match self {
            Value::Bool(b) => f64::from(u8::from(*b)),
            Value::Number(n) | Value::Date(n) | Value::DateTime(n) => *n,
            Value::String(s) => string_to_number(s),
            Value::Nodes(n) => n.first().map_or(f64::NAN, |s| string_to_number(s)),
        }
    }

    /// XPath `string()`; a node-set gives its first node's text.
    pub fn to_str(&self) -> Cow<'_, str> {
        match self {
            Value::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            Value::Number(n) => Cow::Owned(number_to_string(*n)),
            Value::String(s) => Cow::Borrowed(s),
            Value::Date(d) => Cow::Owned(
                dates::days_to_date(*d)
                    .map(dates::format_iso_date)
                    .unwrap_or_default(),
            ),
            Value::DateTime(d) => Cow::Owned(
                dates::days_to_datetime(*d)
                    .map(dates::format_iso_datetime)
                    .unwrap_or_default(),
            ),
            Value::Nodes(n) => n
                .first()
                .map_or(Cow::Borrowed(""), |s| Cow::Borrowed(s.as_ref())),
        }
    }

    /// [`Value::to_str`], owned.
    pub fn into_string(self) -> String {
        match self {
            Value::String(s) => s.into_owned(),
            Value::Nodes(mut n) if !n.is_empty() => n.swap_remove(0).into_owned(),
            other => other.to_str().into_owned(),
        }
    }

    /// The texts of the nodes, or the value's own text as a single item (how `concat`,
    /// `join`, `sum` and `count` see their arguments).
    pub fn items(&self) -> Vec<Cow<'_, str>> {
        match self {
            Value::Nodes(n) => n.iter().map(|s| Cow::Borrowed(s.as_ref())).collect(),
            other => vec![other.to_str()],
        }
    }

    /// True for the kinds that compare as numbers with `=` (numbers and dates).
    fn is_numeric(&self) -> bool {
        matches!(self, Value::Number(_) | Value::Date(_) | Value::DateTime(_))
    }
}

/// XPath number syntax (optional minus, digits, optional fraction; white space around),
/// then a date or date-time; anything else, including "", is NaN.
pub fn string_to_number(s: &str) -> f64 {
    let t = s.trim_matches(|c: char| matches!(c, ' ' | '\t' | '\n' | '\r'));
    let digits = t.strip_prefix('-').unwrap_or(t);
    let mut dot = false;
    let mut any_digit = false;
    let plain = !digits.is_empty()
        && digits.chars().all(|c| match c {
            '0'..='9' => {
                any_digit = true;
                true
            }
            '.' if !dot => {
                dot = true;
                true
            }
            _ => false,
        });
    if plain && any_digit {
        return t.parse().unwrap_or(f64::NAN);
    }
    dates::text_to_days(t).unwrap_or(f64::NAN)
}

/// XPath's number-to-string: integers without a fraction, no exponent, `NaN`,
/// `Infinity`, `-Infinity`.
pub fn number_to_string(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        }
    } else if n == 0.0 {
        "0".into()
    } else if n.fract() == 0.0 && n.abs() < 9.0e15 {
        // A whole number (counts, flags of calculations): written as an integer, the
        // same digits as `{n}` gives, without the float formatting.
        (n as i64).to_string()
    } else {
        format!("{n}")
    }
}

/// XPath 1.0 comparison: node-sets compare existentially; for `=`/`!=` a boolean side
/// makes both booleans, else a number (or date) side makes both numbers, else text;
/// `<`, `>`... always compare numbers. Any comparison with NaN is false (except `!=`).
pub fn compare(op: Cmp, a: &Value<'_>, b: &Value<'_>) -> bool {
    match (a, b) {
        (Value::Nodes(x), Value::Nodes(y)) => x.iter().any(|s| {
            let s = Value::String(Cow::Borrowed(s.as_ref()));
            y.iter()
                .any(|t| compare(op, &s, &Value::String(Cow::Borrowed(t.as_ref()))))
        }),
        (Value::Nodes(_), Value::Bool(_)) | (Value::Bool(_), Value::Nodes(_)) => {
            compare(op, &Value::Bool(a.to_bool()), &Value::Bool(b.to_bool()))
        }
        (Value::Nodes(x), other) => x
            .iter()
            .any(|s| compare(op, &Value::String(Cow::Borrowed(s.as_ref())), other)),
        (other, Value::Nodes(y)) => y
            .iter()
            .any(|t| compare(op, other, &Value::String(Cow::Borrowed(t.as_ref())))),
        _ => compare_scalars(op, a, b),
    }
}

fn compare_scalars(op: Cmp, a: &Value<'_>, b: &Value<'_>) -> bool {
    match op {
        Cmp::Eq | Cmp::Neq => {
            let equal = if matches!(a, Value::Bool(_)) || matches!(b, Value::Bool(_)) {
                a.to_bool() == b.to_bool()
            } else if a.is_numeric() || b.is_numeric() {
                a.to_number() == b.to_number()
            } else {
                a.to_str() == b.to_str()
            };
            equal == (op == Cmp::Eq)
        }
        Cmp::Lt => a.to_number() < b.to_number(),
        Cmp::Le => a.to_number() <= b.to_number(),
        Cmp::Gt => a.to_number() > b.to_number(),
        Cmp::Ge => a.to_number() >= b.to_number(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Value<'_> {
        Value::String(Cow::Borrowed(x))
    }

    #[test]
    fn numbers_from_text() {
        assert_eq!(string_to_number("12"), 12.0);
        assert_eq!(string_to_number(" -3.5 "), -3.5);
        assert_eq!(string_to_number(".5"), 0.5);
        assert_eq!(string_to_number("5."), 5.0);
        assert!(string_to_number("").is_nan());
        assert!(string_to_number("-").is_nan());
        assert!(string_to_number(".").is_nan());
        assert!(string_to_number("1e3").is_nan());
        assert!(string_to_number("+1").is_nan());
        assert!(string_to_number("abc").is_nan());
        assert!(string_to_number("1.2.3").is_nan());
        assert_eq!(string_to_number("1970-01-03"), 2.0);
    }

    #[test]
    fn numbers_to_text() {
        assert_eq!(number_to_string(3.0), "3");
        assert_eq!(number_to_string(-0.0), "0");
        assert_eq!(number_to_string(0.5), "0.5");
        assert_eq!(number_to_string(-2.25), "-2.25");
        assert_eq!(number_to_string(1e21), "1000000000000000000000");
        assert_eq!(number_to_string(f64::NAN), "NaN");
        assert_eq!(number_to_string(f64::INFINITY), "Infinity");
        assert_eq!(number_to_string(f64::NEG_INFINITY), "-Infinity");
        // Whole numbers take the integer path: the same text as the float formatting.
        for n in [
            1.0,
            -7.0,
            42.0,
            1e15,
            -8.999_999_999_999_998e15,
            9e15,
            2f64.powi(53),
        ] {
            assert_eq!(number_to_string(n), format!("{n}"), "{n}");
        }
    }

    #[test]
    fn booleans() {
        assert!(!s("").to_bool());
        assert!(
            s("false").to_bool(),
            "non-empty text is true, whatever it says"
        );
        assert!(!Value::Number(0.0).to_bool());
        assert!(!Value::Number(f64::NAN).to_bool());
        assert!(Value::Number(-1.0).to_bool());
        assert!(!Value::Nodes(vec![]).to_bool());
        assert!(Value::Nodes(vec![Cow::Borrowed("")]).to_bool());
        assert_eq!(Value::Bool(true).to_number(), 1.0);
        assert_eq!(Value::Bool(false).to_str(), "false");
    }

    #[test]
    fn dates_to_text() {
        assert_eq!(Value::Date(10.9).to_str(), "1970-01-11");
        assert_eq!(Value::DateTime(1.25).to_str(), "1970-01-02T06:00:00.000Z");
        assert_eq!(Value::Date(f64::NAN).to_str(), "");
    }

    #[test]
    fn node_sets() {
        let n = Value::Nodes(vec![Cow::Borrowed("3"), Cow::Borrowed("x")]);
        assert_eq!(n.to_str(), "3");
        assert_eq!(n.to_number(), 3.0);
        assert_eq!(n.items().len(), 2);
        assert_eq!(n.clone().into_string(), "3");
        assert_eq!(Value::Nodes(vec![]).into_string(), "");
        assert!(compare(Cmp::Eq, &n, &s("x")));
        assert!(compare(Cmp::Eq, &n, &Value::Number(3.0)));
        assert!(
            compare(Cmp::Neq, &n, &Value::Number(3.0)),
            "existential: 'x' != 3"
        );
        assert!(compare(Cmp::Gt, &n, &Value::Number(2.0)));
        assert!(!compare(Cmp::Eq, &Value::Nodes(vec![]), &s("")));
        assert!(compare(Cmp::Eq, &Value::Nodes(vec![]), &Value::Bool(false)));
        assert!(compare(
            Cmp::Eq,
            &n,
            &Value::Nodes(vec![Cow::Borrowed("x")])
        ));
        assert!(compare(Cmp::Lt, &Value::Number(1.0), &n));
    }

    #[test]
    fn scalar_comparisons() {
        assert!(compare(Cmp::Eq, &s(""), &s("")));
        assert!(
            !compare(Cmp::Eq, &s(""), &Value::Number(0.0)),
            "'' is NaN as a number"
        );
        assert!(compare(Cmp::Neq, &s(""), &Value::Number(0.0)));
        assert!(compare(Cmp::Eq, &s("1.0"), &Value::Number(1.0)));
        assert!(
            !compare(Cmp::Eq, &s("1.0"), &s("1")),
            "text compares as text"
        );
        assert!(compare(Cmp::Lt, &s("9"), &s("10")), "< compares numbers");
        assert!(!compare(Cmp::Lt, &s("a"), &s("b")));
        assert!(!compare(Cmp::Ge, &s("a"), &s("a")));
        assert!(compare(Cmp::Eq, &s("yes"), &Value::Bool(true)));
        assert!(compare(Cmp::Eq, &s(""), &Value::Bool(false)));
        let nan = Value::Number(f64::NAN);
        for op in [Cmp::Eq, Cmp::Lt, Cmp::Le, Cmp::Gt, Cmp::Ge] {
            assert!(!compare(op, &nan, &nan), "{op:?}");
        }
        assert!(compare(Cmp::Neq, &nan, &nan));
    }

    #[test]
    fn dates_compare_as_days() {
        let d = Value::Date(10.0);
        assert!(compare(Cmp::Eq, &d, &s("1970-01-11")));
        assert!(compare(Cmp::Lt, &s("1970-01-10"), &d));
        assert!(compare(Cmp::Gt, &s("1970-01-12"), &s("1970-01-11")));
        assert!(compare(Cmp::Eq, &d, &Value::Number(10.0)));
        assert!(!compare(Cmp::Eq, &d, &s("")));
    }
}
