//! The functions an expression may call: the XPath 1.0 core ones and the ODK extensions
//! that XLSForm authors use, each with the number of arguments it accepts. A name not in
//! this table is refused when the form is checked, not when a user meets it.

/// Declares [`Func`] and its table of names and arities in one place.
macro_rules! functions {
    ($( $(#[$doc:meta])* $variant:ident = $name:literal, $min:literal, $max:expr; )*) => {
        /// A function known to the engine.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum Func {
            $( $(#[$doc])* $variant, )*
        }

        impl Func {
            /// Every known function, in the order of the table.
            pub const ALL: &'static [Func] = &[$(Func::$variant),*];

            /// The function's name and its accepted number of arguments (`None` = any).
            fn spec(self) -> (&'static str, usize, Option<usize>) {
                match self {
                    $( Func::$variant => ($name, $min, $max), )*
                }
            }
        }
    };
}

functions! {
    /// `if(cond, then, else)`.
    If = "if", 3, Some(3);
    /// `selected(list, value)`: is `value` one of the space-separated `list`?
    Selected = "selected", 2, Some(2);
    /// `count-selected(list)`.
    CountSelected = "count-selected", 1, Some(1);
    /// `selected-at(list, n)`: the n-th (from 0) choice of a select_multiple.
    SelectedAt = "selected-at", 2, Some(2);
    /// `jr:choice-name(value, '${field}')`: the label of a choice in the current language.
    ChoiceName = "jr:choice-name", 2, Some(2);
    /// `string-length(s?)`.
    StringLength = "string-length", 0, Some(1);
    /// `regex(s, pattern)`.
    Regex = "regex", 2, Some(2);
    /// `concat(...)`.
    Concat = "concat", 0, None;
    /// `join(separator, ...)`.
    Join = "join", 1, None;
    /// `coalesce(a, b)`: `a` unless it is empty.
    Coalesce = "coalesce", 2, Some(2);
    /// `substr(s, start, end?)`: from 0, end exclusive.
    Substr = "substr", 2, Some(3);
    /// `contains(s, t)`.
    Contains = "contains", 2, Some(2);
    /// `starts-with(s, t)`.
    StartsWith = "starts-with", 2, Some(2);
    /// `ends-with(s, t)`.
    EndsWith = "ends-with", 2, Some(2);
    /// `normalize-space(s?)`.
    NormalizeSpace = "normalize-space", 0, Some(1);
    /// `translate(s, from, to)`.
    Translate = "translate", 3, Some(3);
    /// `string(x?)`.
    String = "string", 0, Some(1);
    /// `boolean(x)`.
    Boolean = "boolean", 1, Some(1);
    /// `boolean-from-string(s)`: true for "true" and "1".
    BooleanFromString = "boolean-from-string", 1, Some(1);
    /// `number(x?)`.
    Number = "number", 0, Some(1);
    /// `int(x)`: truncates towards zero.
    Int = "int", 1, Some(1);
    /// `round(x, digits?)`.
    Round = "round", 1, Some(2);
    /// `floor(x)`.
    Floor = "floor", 1, Some(1);
    /// `ceiling(x)`.
    Ceiling = "ceiling", 1, Some(1);
    /// `abs(x)`.
    Abs = "abs", 1, Some(1);
    /// `pow(x, y)`.
    Pow = "pow", 2, Some(2);
    /// `min(...)` over numbers and node-sets.
    Min = "min", 1, None;
    /// `max(...)` over numbers and node-sets.
    Max = "max", 1, None;
    /// `count(nodes)`.
    Count = "count", 1, Some(1);
    /// `sum(nodes)`.
    Sum = "sum", 1, Some(1);
    /// `position(..)`: the 1-based number of the current repeat instance.
    Position = "position", 0, Some(1);
    /// `indexed-repeat(${field}, ${repeat}, n)`: a field of the n-th repeat instance.
    IndexedRepeat = "indexed-repeat", 3, Some(3);
    /// `not(x)`.
    Not = "not", 1, Some(1);
    /// `true()`.
    True = "true", 0, Some(0);
    /// `false()`.
    False = "false", 0, Some(0);
    /// `today()`.
    Today = "today", 0, Some(0);
    /// `now()`.
    Now = "now", 0, Some(0);
    /// `date(x)`: a date from days since 1970-01-01 or from text.
    Date = "date", 1, Some(1);
    /// `decimal-date-time(x)`: days since 1970-01-01 (with a fraction) of a date or time.
    DecimalDateTime = "decimal-date-time", 1, Some(1);
    /// `format-date(date, format)`.
    FormatDate = "format-date", 2, Some(2);
    /// `once(x)`: keeps the field's value once it has one.
    Once = "once", 1, Some(1);
    /// `uuid()`: a new random identifier; `uuid(n)`: `n` random letters and digits.
    Uuid = "uuid", 0, Some(1);
    /// `random()`: a number from 0 (included) to 1 (excluded); `once(random())` keeps one.
    Random = "random", 0, Some(0);
    /// `format-date-time(instant, format)`: as `format-date`, with the time codes.
    FormatDateTime = "format-date-time", 2, Some(2);
    /// `date-time(x)`: a date-time from days since 1970-01-01 or from text.
    DateTime = "date-time", 1, Some(1);
    /// `decimal-time(time)`: the fraction of a day a time of day stands for.
    DecimalTime = "decimal-time", 1, Some(1);
    /// `substring(s, start, length?)`: XPath's, from 1.
    Substring = "substring", 2, Some(3);
    /// `substring-before(s, t)`.
    SubstringBefore = "substring-before", 2, Some(2);
    /// `substring-after(s, t)`.
    SubstringAfter = "substring-after", 2, Some(2);
    /// `sqrt(x)`.
    Sqrt = "sqrt", 1, Some(1);
    /// `exp(x)`: e to the power x.
    Exp = "exp", 1, Some(1);
    /// `exp10(x)`: 10 to the power x.
    Exp10 = "exp10", 1, Some(1);
    /// `log(x)`: the natural logarithm.
    Log = "log", 1, Some(1);
    /// `log10(x)`.
    Log10 = "log10", 1, Some(1);
    /// `sin(x)` (radians).
    Sin = "sin", 1, Some(1);
    /// `cos(x)` (radians).
    Cos = "cos", 1, Some(1);
    /// `tan(x)` (radians).
    Tan = "tan", 1, Some(1);
    /// `asin(x)`.
    Asin = "asin", 1, Some(1);
    /// `acos(x)`.
    Acos = "acos", 1, Some(1);
    /// `atan(x)`.
    Atan = "atan", 1, Some(1);
    /// `atan2(y, x)`.
    Atan2 = "atan2", 2, Some(2);
    /// `pi()`.
    Pi = "pi", 0, Some(0);
    /// `pulldata(table, column, key_column, key)`: a value from a CSV file attached to
    /// the form (read into it when it was loaded).
    Pulldata = "pulldata", 4, Some(4);
    /// `randomize(nodes, seed?)`: the nodes in a random order, the same for the same seed
    /// (as ODK Collect and Enketo).
    Randomize = "randomize", 1, Some(2);
    /// `count-non-empty(nodes)`: how many of the nodes have a value.
    CountNonEmpty = "count-non-empty", 1, Some(1);
    /// `weighted-checklist(min, max, v1, w1, v2, w2...)`: whether the weights of the true
    /// `v`s add up to between min and max (-1 means no bound).
    WeightedChecklist = "weighted-checklist", 2, None;
    /// `digest(text, algorithm, encoding?)`: MD5, SHA-1, SHA-256, SHA-384 or SHA-512 of the
    /// text, in base64 (default) or hex.
    Digest = "digest", 2, Some(3);
    /// `base64-decode(text)`: the UTF-8 text a base64 value stands for.
    Base64Decode = "base64-decode", 1, Some(1);
    /// `area(geoshape | geopoints)`: the enclosed area in square metres.
    Area = "area", 1, Some(1);
    /// `distance(geotrace | geoshape | geopoints)`: the length in metres of the path.
    Distance = "distance", 1, Some(1);
    /// `current()`: the field the expression belongs to (as `.`).
    Current = "current", 0, Some(0);
    /// `checklist(min, max, ...)`: whether the number of true arguments is within
    /// min..max (-1 means no bound).
    Checklist = "checklist", 2, None;
    /// `version()`: the form's version (the settings sheet's `version`).
    Version = "version", 0, Some(0);
    /// `jr:itext(id)`: a text of the form in the session's language, by the id pyxform
    /// gives it in the XForm: `/form/.../name:label` or `:hint` for a question's,
    /// `list-N` for choice N (from 0) of a list's.
    Itext = "jr:itext", 1, Some(1);
}

impl Func {
    /// Looks a function up by the name an author writes.
    pub fn from_name(name: &str) -> Option<Func> {
        Func::ALL.iter().copied().find(|f| f.name() == name)
    }

    /// The name an author writes.
    pub fn name(self) -> &'static str {
        self.spec().0
    }

    /// The accepted number of arguments: at least `.0`, at most `.1` (`None` = unbounded).
    pub fn arity(self) -> (usize, Option<usize>) {
        let (_, min, max) = self.spec();
        (min, max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for &f in Func::ALL {
            assert_eq!(Func::from_name(f.name()), Some(f));
            assert!(seen.insert(f.name()));
        }
        assert_eq!(Func::from_name("no-such-function"), None);
        assert_eq!(Func::If.arity(), (3, Some(3)));
        assert_eq!(Func::Concat.arity(), (0, None));
    }
}
