//! Text rules shared by every part of the core: stored text is Unicode NFC, and search
//! compares "folded" text so that "thao thi do" finds "Thào Thị Dợ" and "d" finds "đ".

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Normalises text to NFC, the one form in which the core stores and compares text
/// (a keyboard may send "ợ" as one code point or as "o" plus two combining marks).
pub fn nfc(s: &str) -> String {
    if is_nfc(s) {
        return s.to_owned();
    }
    s.nfc().collect()
}

/// Whether text is certainly NFC already (a quick check: no copy is needed).
pub fn is_nfc(s: &str) -> bool {
    is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// [`nfc`] of text the caller owns, kept as it is (no copy) when already NFC, as
/// typed text almost always is.
pub fn into_nfc(s: String) -> String {
    if is_nfc(&s) {
        return s;
    }
    s.nfc().collect()
}

/// Folds text for accent- and case-insensitive matching: decomposes, drops combining
/// marks, maps đ/Đ to d, lowercases and collapses runs of white space to one space.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut pending_space = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        match c {
            'đ' | 'Đ' => out.push('d'),
            _ => out.extend(c.to_lowercase()),
        }
    }
    out
}

/// The folded words of a text, in order: the units that prefix search matches against.
pub fn folded_words(s: &str) -> Vec<String> {
    fold(s)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nfc_composes_decomposed_vietnamese() {
        let decomposed = "Tha\u{0300}o Thi\u{0323} D\u{01A1}\u{0323}";
        assert_eq!(nfc(decomposed), "Thào Thị Dợ");
        assert_ne!(decomposed, "Thào Thị Dợ");
    }

    #[test]
    fn fold_strips_tones_marks_and_case() {
        assert_eq!(fold("Thào Thị Dợ"), "thao thi do");
        assert_eq!(fold("ĐẶNG  Thị\tƯớc"), "dang thi uoc");
        assert_eq!(fold("  Hờ   Thị Mỷ "), "ho thi my");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn fold_is_the_same_for_composed_and_decomposed_input() {
        assert_eq!(fold("Nguyễn"), fold(&"Nguyễn".nfd().collect::<String>()));
    }

    #[test]
    fn folded_words_split_on_punctuation() {
        assert_eq!(
            folded_words("Giàng A Páo (Pó)"),
            vec!["giang", "a", "pao", "po"]
        );
        assert!(folded_words(" -- ").is_empty());
    }
}
