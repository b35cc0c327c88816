//! `Range: bytes=...` on file downloads (RFC 9110 §14): a browser's video player asks for
//! the part it plays next, so an officer on a weak connection can start and seek in a
//! long recording without downloading it whole first. One range is served; a list of
//! ranges, another unit or a header that does not parse gets the whole file, as the RFC
//! allows.

/// What part of a file of a known length a request asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wanted {
    /// All of it.
    Whole,
    /// Bytes `first..=last` (both inside the file).
    Part {
        /// The first byte's offset.
        first: u64,
        /// The last byte's offset.
        last: u64,
    },
    /// A range that starts past the end (or an empty suffix): answered 416.
    Unsatisfiable,
}

/// What the `Range` header `range` asks of a file of `length` bytes.
pub fn wanted(range: Option<&str>, length: u64) -> Wanted {
    let Some(spec) = range.map(str::trim).and_then(|r| {
        r.get(..6)
            .filter(|unit| unit.eq_ignore_ascii_case("bytes="))
            .map(|_| r[6..].trim())
    }) else {
        return Wanted::Whole;
    };
    if spec.contains(',') {
        return Wanted::Whole;
    }
    let Some((from, to)) = spec.split_once('-') else {
        return Wanted::Whole;
    };
    let number = |s: &str| -> Option<u64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse().ok())
            .flatten()
    };
    match (from.trim(), to.trim()) {
        ("", suffix) => match number(suffix) {
            Some(0) => Wanted::Unsatisfiable,
            Some(_) if length == 0 => Wanted::Unsatisfiable,
            Some(n) => Wanted::Part {
                first: length.saturating_sub(n),
                last: length - 1,
            },
            None => Wanted::Whole,
        },
        (first, "") => match number(first) {
            Some(first) if first >= length => Wanted::Unsatisfiable,
            Some(first) => Wanted::Part {
                first,
                last: length - 1,
            },
            None => Wanted::Whole,
        },
        (first, last) => match (number(first), number(last)) {
            (Some(first), Some(last)) if last < first => Wanted::Whole,
            (Some(first), Some(_)) if first >= length => Wanted::Unsatisfiable,
            (Some(first), Some(last)) => Wanted::Part {
                first,
                last: last.min(length - 1),
            },
            _ => Wanted::Whole,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_range_is_read_in_each_of_its_forms() {
        let part = |first, last| Wanted::Part { first, last };
        assert_eq!(wanted(Some("bytes=0-9"), 100), part(0, 9));
        assert_eq!(wanted(Some("bytes=90-"), 100), part(90, 99));
        assert_eq!(wanted(Some("bytes=-10"), 100), part(90, 99));
        assert_eq!(wanted(Some("bytes=-500"), 100), part(0, 99));
        assert_eq!(wanted(Some("bytes=50-500"), 100), part(50, 99));
        assert_eq!(wanted(Some("Bytes= 5 - 6 "), 100), part(5, 6));
    }

    #[test]
    fn past_the_end_is_unsatisfiable_and_anything_else_gets_the_whole_file() {
        assert_eq!(wanted(Some("bytes=100-"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=100-200"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-0"), 100), Wanted::Unsatisfiable);
        assert_eq!(wanted(Some("bytes=-5"), 0), Wanted::Unsatisfiable);
        for whole in [
            None,
            Some("bytes=0-1,5-6"),
            Some("items=0-9"),
            Some("bytes=9-0"),
            Some("bytes=x-9"),
            Some("bytes=+1-9"),
            Some("bytes=99999999999999999999999-"),
            Some("bytes="),
            Some("bytes"),
            Some(""),
        ] {
            assert_eq!(wanted(whole, 100), Wanted::Whole, "{whole:?}");
        }
    }
}
