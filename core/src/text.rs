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
    s.chars().all(is_nfc_starter) || is_nfc_quick(s.chars()) == IsNormalized::Yes
}

/// A character that is NFC whatever surrounds it (it composes with nothing before it and
/// nothing reorders around it): the blocks up to IPA and Latin Extended Additional, which
/// hold Vietnamese letters with their tones. Text made only of these is NFC, checked far
/// faster than by the general quick check (which answers the same, see the tests).
fn is_nfc_starter(c: char) -> bool {
    c < '\u{300}' || ('\u{1E00}'..='\u{1EFF}').contains(&c)
}

/// `s.trim()`, answered at once when `s` starts and ends with a visible ASCII
/// character (a choice name, a number: what answers hold), which `str::trim` decodes
/// from both ends to find out.
pub fn trim(s: &str) -> &str {
    let visible = |b: Option<&u8>| b.is_some_and(u8::is_ascii_graphic);
    if visible(s.as_bytes().first()) && visible(s.as_bytes().last()) {
        s
    } else {
        s.trim()
    }
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
    use unicode_normalization::char::canonical_combining_class;

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

    #[test]
    fn the_fast_nfc_check_agrees_with_the_quick_check() {
        // Every character the fast path accepts is a starter that is NFC on its own, so
        // any text made of them is NFC by the quick check's own rules.
        let fast: Vec<char> = (0..=0x10FFFF)
            .filter_map(char::from_u32)
            .filter(|&c| is_nfc_starter(c))
            .collect();
        assert_eq!(fast.len(), 0x300 + 0x100);
        for c in fast {
            assert_eq!(canonical_combining_class(c), 0, "{c:?}");
            assert_eq!(is_nfc_quick([c].into_iter()), IsNormalized::Yes, "{c:?}");
        }
        // Outside it the quick check decides: a combining mark after a letter is not NFC.
        assert!(is_nfc("Tổ chức buổi riêng cho phụ nữ"));
        assert!(!is_nfc("To\u{302}\u{309}"));
        assert!(is_nfc("ພາສາລາວ ภาษาไทย"));
    }

    #[test]
    fn trim_is_str_trim() {
        for s in [
            "",
            " ",
            "yes",
            " yes",
            "yes ",
            "\tyes\n",
            "a b",
            "\u{a0}yes",
            "yes\u{3000}",
            "Dợ",
            " Dợ ",
            "ợ",
            "\u{85}x",
            "x\u{2028}",
            "-1,5",
            "!",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
