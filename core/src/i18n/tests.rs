//! The catalogue is complete and consistent in both languages, and the formatting
//! helpers write what each language expects.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::TimeZone;

use super::*;
use crate::text::nfc;

#[test]
fn every_key_has_both_languages_with_the_same_placeholders() {
    for &key in TextKey::ALL {
        let (vi, en) = key.texts();
        for (lang, t) in [("vi", vi), ("en", en)] {
            assert!(!t.trim().is_empty(), "{} has no {lang} text", key.id());
            assert_eq!(t, t.trim(), "{} ({lang}) has spaces around it", key.id());
            assert_eq!(t, nfc(t), "{} ({lang}) is not NFC", key.id());
            assert_eq!(
                t.matches('{').count(),
                t.matches('}').count(),
                "{} ({lang}) has unbalanced braces",
                key.id()
            );
        }
        let vi_names: BTreeSet<String> = placeholders(vi).into_iter().collect();
        let en_names: BTreeSet<String> = placeholders(en).into_iter().collect();
        assert_eq!(
            vi_names,
            en_names,
            "{} names other placeholders in vi and en",
            key.id()
        );
        assert!(
            vi_names
                .iter()
                .all(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_lowercase() || c == '_')),
            "{}",
            key.id()
        );
    }
}

#[test]
fn ids_are_unique_dotted_and_lowercase() {
    let mut seen = HashSet::new();
    for &key in TextKey::ALL {
        let id = key.id();
        assert!(seen.insert(id), "{id} is used twice");
        assert!(
            id.contains('.')
                && id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '.' || c == '_'),
            "{id}"
        );
    }
    assert_eq!(ui_texts(UiLanguage::Vi).len(), TextKey::ALL.len());
}

#[test]
fn vietnamese_sentences_are_written_with_their_diacritics() {
    // A Vietnamese text of two words or more without a single accented letter is almost
    // certainly typed without its tones (or left in English).
    for &key in TextKey::ALL {
        let (vi, en) = key.texts();
        let words = fill(vi, |_| Some(""))
            .split_whitespace()
            .filter(|w| w.chars().any(char::is_alphabetic))
            .count();
        if words >= 2 {
            assert!(
                vi.chars().any(|c| c.is_alphabetic() && !c.is_ascii()),
                "{}: {vi:?} has no diacritics",
                key.id()
            );
            assert_ne!(vi, en, "{} is not translated", key.id());
        }
    }
}

#[test]
fn every_screen_of_the_apps_has_its_words() {
    let prefixes: BTreeSet<&str> = TextKey::ALL
        .iter()
        .map(|k| k.id().split('.').next().unwrap_or_default())
        .collect();
    for screen in [
        "enroll",
        "home",
        "households",
        "household",
        "form",
        "gathering",
        "walk_in",
        "send",
        "settings",
        "error",
    ] {
        assert!(prefixes.contains(screen), "no texts for {screen}");
    }
}

#[test]
fn placeholders_are_filled_in_the_core() {
    let args = HashMap::from([("count".to_owned(), "3".to_owned())]);
    assert_eq!(
        ui_format(TextKey::HomeDrafts, UiLanguage::Vi, args.clone()),
        "Phiếu đang làm dở: 3"
    );
    assert_eq!(
        ui_format(TextKey::HomeDrafts, UiLanguage::En, args),
        "Unfinished surveys: 3"
    );
    let two = HashMap::from([("label".to_owned(), "Thành viên".to_owned())]);
    assert_eq!(
        ui_format(TextKey::FormRepeatPrompt, UiLanguage::Vi, two),
        "Đã có {count} mục “Thành viên”. Chị có muốn thêm mục nữa không?",
        "a missing value leaves its placeholder"
    );
    assert_eq!(
        text_placeholders(TextKey::SendWaiting),
        vec!["records", "photos", "size"]
    );
    assert_eq!(fill("{a} and {", |_| Some("x")), "x and {");
}

#[test]
fn enum_names_come_in_both_languages() {
    assert_eq!(sex_name(Sex::Female, UiLanguage::Vi), "Nữ");
    assert_eq!(sex_name(Sex::Male, UiLanguage::En), "Male");
    assert_eq!(
        age_group_name(Some(AgeGroup::Child), UiLanguage::Vi),
        "Dưới 16 tuổi"
    );
    assert_eq!(age_group_name(None, UiLanguage::En), "Age not known");
    assert_eq!(
        gathering_kind_name(GatheringKind::PolicyDialogue, UiLanguage::Vi),
        "Đối thoại chính sách"
    );
    assert_eq!(
        record_state_name(RecordState::Finalized, UiLanguage::Vi),
        "Chờ gửi"
    );
    assert_eq!(
        record_kind_name("household".into(), UiLanguage::Vi),
        "Hộ gia đình"
    );
    assert_eq!(record_kind_name("comet".into(), UiLanguage::Vi), "comet");
    assert_eq!(ui_language_for_locale("en_GB".into()), UiLanguage::En);
    assert_eq!(ui_language_for_locale("vi-VN".into()), UiLanguage::Vi);
    assert_eq!(ui_language_for_locale("hmn".into()), UiLanguage::Vi);
}

#[test]
fn times_are_shown_on_vietnams_clock() {
    // 23:30 UTC on 11 June is 06:30 on 12 June in Vietnam.
    let at = chrono::Utc
        .with_ymd_and_hms(2025, 6, 11, 23, 30, 0)
        .unwrap();
    assert_eq!(format_instant(at, UiLanguage::Vi), "12/06/2025 06:30");
    assert_eq!(format_instant(at, UiLanguage::En), "12 Jun 2025 06:30");
    assert_eq!(
        format_date(
            CalendarDate {
                year: 2025,
                month: 13,
                day: 1
            },
            UiLanguage::En
        ),
        "1 ? 2025"
    );
}

#[test]
fn sizes_are_written_with_each_languages_decimal_mark() {
    assert_eq!(format_bytes(850, UiLanguage::Vi), "850 B");
    assert_eq!(format_bytes(12 * 1024, UiLanguage::En), "12 KB");
    assert_eq!(format_bytes(3_565_158, UiLanguage::Vi), "3,4 MB");
    assert_eq!(format_bytes(3_565_158, UiLanguage::En), "3.4 MB");
    assert_eq!(
        format_bytes(5 * 1024 * 1024 * 1024, UiLanguage::En),
        "5.0 GB"
    );
}
