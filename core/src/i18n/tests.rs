//! The catalogue is complete and consistent in both languages, and the formatting
//! helpers write what each language expects.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::TimeZone;

use super::*;
use crate::engine::{Answer, ChoiceOption, GeoPoint, Question, QuestionKind, TimeOfDay};
use crate::protocol::ReviewState;
use crate::store::{Rejection, ReturnedSubmission, SubmissionInfo};
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
        record_kind_name(RecordKind::Household, UiLanguage::Vi),
        "Hộ gia đình"
    );
    assert_eq!(
        record_kind_name(RecordKind::Queued, UiLanguage::En),
        "Record waiting to be sent"
    );
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

/// A question of `kind` with choices a/b (labelled "Ạ", "Bê") holding `value`.
fn answered(kind: QuestionKind, value: Option<Answer>) -> Question {
    Question {
        path: "q".into(),
        name: "q".into(),
        kind,
        label: "Q".into(),
        hint: None,
        choices: vec![
            ChoiceOption {
                name: "a".into(),
                label: "Ạ".into(),
                media: None,
            },
            ChoiceOption {
                name: "b".into(),
                label: "Bê".into(),
                media: None,
            },
        ],
        value,
        required: false,
        read_only: false,
        error: None,
        media: None,
        appearance: None,
        parameters: HashMap::new(),
    }
}

#[test]
fn an_answer_reads_the_same_on_both_apps() {
    let vi = UiLanguage::Vi;
    let shown = |kind, value| answer_text(&answered(kind, Some(value)), vi);
    assert_eq!(answer_text(&answered(QuestionKind::Text, None), vi), "");
    assert_eq!(
        shown(QuestionKind::Decimal, Answer::Decimal { value: 1.5 }),
        "1,5"
    );
    assert_eq!(
        answer_text(
            &answered(QuestionKind::Decimal, Some(Answer::Decimal { value: 1.5 })),
            UiLanguage::En
        ),
        "1.5"
    );
    assert_eq!(
        shown(QuestionKind::Decimal, Answer::Decimal { value: 3.0 }),
        "3"
    );
    assert_eq!(
        shown(QuestionKind::Integer, Answer::Integer { value: -12 }),
        "-12"
    );
    assert_eq!(
        shown(
            QuestionKind::SelectMultiple,
            Answer::Choices {
                names: vec!["a".into(), "b".into(), "gone".into()]
            }
        ),
        "Ạ, Bê, gone",
        "labels in the form's language; a name without a choice stays a name"
    );
    assert_eq!(
        shown(QuestionKind::SelectOne, Answer::Choice { name: "b".into() }),
        "Bê"
    );
    assert_eq!(
        shown(
            QuestionKind::Time,
            Answer::Time {
                value: TimeOfDay {
                    hour: 7,
                    minute: 5,
                    second: 9
                }
            }
        ),
        "07:05"
    );
    let point = |accuracy| Answer::Geopoint {
        value: GeoPoint {
            latitude: 22.3,
            longitude: 103.84,
            altitude: None,
            accuracy,
        },
    };
    assert_eq!(
        shown(QuestionKind::Geopoint, point(Some(4.6))),
        "22.300000, 103.840000 · Sai số khoảng 5 m"
    );
    assert_eq!(
        shown(QuestionKind::Geopoint, point(Some(0.0))),
        "22.300000, 103.840000",
        "an unknown accuracy (stored as 0) is not shown"
    );
    assert_eq!(
        shown(QuestionKind::Acknowledge, Answer::Acknowledged),
        text(TextKey::FormAcknowledge, vi)
    );
    assert_eq!(
        shown(
            QuestionKind::Image,
            Answer::Photo {
                sha256: "ab".repeat(32)
            }
        ),
        ""
    );
    let at = Utc.with_ymd_and_hms(2026, 1, 1, 20, 0, 0).unwrap();
    assert_eq!(
        shown(QuestionKind::DateTime, Answer::DateTime { value: at }),
        "02/01/2026 03:00",
        "on Vietnam's clock"
    );
}

#[test]
fn numbers_never_show_an_exponent() {
    assert_eq!(format_number(1e20, UiLanguage::En), "100000000000000000000");
    assert_eq!(format_number(0.000_5, UiLanguage::Vi), "0,0005");
}

fn draft(title: Option<&str>, form_id: &str, state: RecordState) -> SubmissionInfo {
    let at = Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap();
    SubmissionInfo {
        uuid: uuid::Uuid::nil(),
        revision: 1,
        form_id: form_id.into(),
        form_version: "1".into(),
        household: None,
        state,
        language: None,
        started_at: at,
        finalized_at: None,
        updated_at: at,
        title: title.map(str::to_owned),
    }
}

#[test]
fn the_home_screen_says_the_same_on_both_apps() {
    let facts = HomeFacts {
        branch: Some("Sà Phìn".into()),
        account: Some("mai".into()),
        last_sync: Some(Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap()),
        unfinished: 3,
        ready: 2,
        sent: 7,
        needs_attention: 0,
        drafts: vec![
            draft(Some("Hộ Giàng A Páo"), "hh", RecordState::Draft),
            draft(Some("  "), "hh", RecordState::Draft),
            draft(None, "gone", RecordState::Draft),
        ],
        form_titles: HashMap::from([("hh".to_string(), "Khảo sát hộ".to_string())]),
        open_gatherings: Vec::new(),
        returned: Vec::new(),
    };
    let home = home_screen(&facts, UiLanguage::Vi);
    assert_eq!(home.heading.as_deref(), Some("Chi hội Sà Phìn"));
    assert_eq!(
        home.last_sent.as_deref(),
        Some("Lần gửi gần nhất: 12/06/2026 08:30")
    );
    assert_eq!(home.not_enrolled, None);
    assert_eq!(
        home.counts,
        ["Phiếu đang làm dở: 3", "Chờ gửi: 2", "Đã gửi: 7"]
    );
    assert_eq!(home.attention, None, "nothing refused: no attention line");
    let titles: Vec<&str> = home.drafts.iter().map(|r| r.title.as_str()).collect();
    assert_eq!(
        titles,
        ["Hộ Giàng A Páo", "Khảo sát hộ", "gone"],
        "instance name, else the form's title, else its id"
    );
    assert_eq!(home.drafts[0].detail, "Đang làm dở · 12/06/2026 08:30");

    let alone = HomeFacts {
        account: Some("mai".into()),
        needs_attention: 2,
        ..HomeFacts::default()
    };
    let home = home_screen(&alone, UiLanguage::En);
    assert_eq!(home.heading.as_deref(), Some("Account: mai"));
    assert!(home.not_enrolled.is_some());
    assert_eq!(home.last_sent, None);
    assert_eq!(home.attention.as_deref(), Some("Need attention: 2"));
}

#[test]
fn the_send_screen_says_what_waits_and_what_was_refused_and_which_can_be_corrected() {
    let at = Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap();
    let refusal = |kind: RecordKind, correctable: bool| Rejection {
        uuid: uuid::Uuid::now_v7(),
        revision: 1,
        kind,
        correctable,
        reason: "unknown form version".into(),
        at,
    };
    let facts = SendFacts {
        enrolled: true,
        last_sync: Some(at),
        records_waiting: 3,
        photos_waiting: 2,
        photo_bytes_waiting: 1_258_291,
        refused: vec![
            refusal(RecordKind::Submission, true),
            refusal(RecordKind::Household, false),
        ],
    };
    let screen = send_screen(&facts, UiLanguage::Vi);
    assert_eq!(screen.not_enrolled, None);
    assert_eq!(
        screen.last_sent.as_deref(),
        Some("Lần gửi gần nhất: 12/06/2026 08:30")
    );
    assert_eq!(screen.waiting, "Đang chờ gửi: 3 bản ghi, 2 ảnh (1,2 MB)");
    assert_eq!(screen.refused_title.as_deref(), Some("Máy chủ chưa nhận"));
    let rows: Vec<(&str, &str, RecordKind, bool)> = screen
        .refused
        .iter()
        .map(|r| (r.text.as_str(), r.at.as_str(), r.kind, r.correctable))
        .collect();
    assert_eq!(
        rows,
        vec![
            (
                "Phiếu khảo sát: unknown form version",
                "12/06/2026 08:30",
                RecordKind::Submission,
                true
            ),
            (
                "Hộ gia đình: unknown form version",
                "12/06/2026 08:30",
                RecordKind::Household,
                false
            ),
        ]
    );
    assert_eq!(screen.refused[0].id, facts.refused[0].uuid.to_string());

    let new_phone = send_screen(&SendFacts::default(), UiLanguage::En);
    assert_eq!(
        new_phone.not_enrolled.as_deref(),
        Some(text(TextKey::ErrorNotEnrolled, UiLanguage::En))
    );
    assert_eq!(new_phone.waiting, "Nothing left to send.");
    assert_eq!((new_phone.last_sent, new_phone.refused_title), (None, None));
    assert!(new_phone.refused.is_empty());
}

#[test]
fn a_returned_survey_shows_the_decision_its_time_and_the_comment() {
    let decided_at = Utc.with_ymd_and_hms(2026, 6, 13, 2, 0, 0).unwrap();
    let returned = |state, comment: &str| ReturnedSubmission {
        submission: draft(Some("Hộ Giàng A Páo"), "hh", RecordState::Sent),
        state,
        comment: comment.into(),
        decided_at,
    };
    let facts = HomeFacts {
        returned: vec![
            returned(ReviewState::Rejected, "Thiếu năm sinh của chủ hộ"),
            returned(ReviewState::HasIssues, "  "),
        ],
        ..HomeFacts::default()
    };
    let home = home_screen(&facts, UiLanguage::Vi);
    assert_eq!(home.returned_heading, "Cán bộ Hội trả lại để sửa");
    assert_eq!(home.correct_action, "Sửa và gửi lại");
    assert_eq!(home.returned[0].title, "Hộ Giàng A Páo");
    assert_eq!(home.returned[0].detail, "Bị từ chối · 13/06/2026 09:00");
    assert_eq!(
        home.returned[0].comment.as_deref(),
        Some("Ý kiến của cán bộ: Thiếu năm sinh của chủ hộ")
    );
    assert_eq!(home.returned[1].detail, "Cần sửa · 13/06/2026 09:00");
    assert_eq!(
        home.returned[1].comment, None,
        "a blank comment shows no line"
    );
    let home = home_screen(&facts, UiLanguage::En);
    assert_eq!(home.returned[0].detail, "Rejected · 13 Jun 2026 09:00");
    assert_eq!(home.returned_heading, "Returned by the officer");
}

#[test]
fn people_and_head_counts_read_the_same_on_both_apps() {
    use crate::domain::{AgeGroup, Sex};
    use crate::protocol::{Attendee, HouseholdMember, RosterMember};
    use crate::store::{AgeGroupCount, EthnicityCount, SexCount, Totals};
    use uuid::Uuid;

    let member = HouseholdMember {
        id: Uuid::now_v7(),
        name: "Thào Thị Dợ".into(),
        sex: Sex::Female,
        birth_year: Some(1982),
        ethnicity: Some("hmong".into()),
        relation: "vợ".into(),
    };
    let row = member_row(&member, UiLanguage::Vi);
    assert_eq!(
        (row.id, row.title.as_str(), row.detail.as_str()),
        (
            member.id.to_string(),
            "Thào Thị Dợ",
            "Nữ · 1982 · Mông · vợ"
        )
    );
    let unknown = HouseholdMember {
        birth_year: None,
        ethnicity: Some("martian".into()),
        relation: " ".into(),
        ..member
    };
    assert_eq!(
        member_row(&unknown, UiLanguage::En).detail,
        "Female · martian",
        "an unknown group shows its key; nothing blank is joined"
    );

    let walk_in = Attendee {
        id: Uuid::now_v7(),
        member_id: None,
        name: "Vàng Thị Mỷ".into(),
        sex: Sex::Female,
        birth_year: None,
        age_group: Some(AgeGroup::Elder),
        ethnicity: None,
        checked_in_at: Utc::now(),
    };
    assert_eq!(
        attendee_row(&walk_in, UiLanguage::Vi).detail,
        format!(
            "Nữ · {}",
            age_group_name(Some(AgeGroup::Elder), UiLanguage::Vi)
        )
    );
    let born = Attendee {
        birth_year: Some(2001),
        ethnicity: Some("dao".into()),
        ..walk_in
    };
    assert_eq!(
        attendee_row(&born, UiLanguage::Vi).detail,
        "Nữ · 2001 · Dao"
    );

    let roster = RosterMember {
        id: Uuid::now_v7(),
        member_code: None,
        full_name: "Sùng Thị Chơ".into(),
        sex: Sex::Female,
        birth_year: Some(1990),
        ethnicity: Some("hmong".into()),
        village: "Bản Phùng".into(),
        phone: None,
        archived: false,
    };
    assert_eq!(roster_row(&roster).detail, "Bản Phùng · 1990 · Mông");

    let totals = Totals {
        total: 5,
        by_sex: vec![
            SexCount {
                sex: Sex::Female,
                count: 4,
            },
            SexCount {
                sex: Sex::Male,
                count: 1,
            },
            SexCount {
                sex: Sex::Unknown,
                count: 0,
            },
        ],
        by_ethnicity: vec![
            EthnicityCount {
                ethnicity: Some("hmong".into()),
                count: 4,
            },
            EthnicityCount {
                ethnicity: None,
                count: 1,
            },
        ],
        by_age_group: vec![
            AgeGroupCount {
                age_group: Some(AgeGroup::Child),
                count: 0,
            },
            AgeGroupCount {
                age_group: Some(AgeGroup::Elder),
                count: 2,
            },
            AgeGroupCount {
                age_group: None,
                count: 3,
            },
        ],
    };
    let lines = totals_lines(&totals, UiLanguage::Vi);
    assert_eq!(lines.total, "Tổng số: 5 người");
    assert_eq!(
        lines.by_sex,
        ["Nữ: 4", "Nam: 1"],
        "no 'not recorded' line at zero"
    );
    assert_eq!(lines.by_ethnicity, ["Mông: 4", "Chưa ghi: 1"]);
    assert_eq!(
        lines.by_age_group,
        [
            format!(
                "{}: 2",
                age_group_name(Some(AgeGroup::Elder), UiLanguage::Vi)
            ),
            format!("{}: 3", age_group_name(None, UiLanguage::Vi)),
        ],
        "empty groups are left out"
    );
    let unrecorded = Totals {
        by_sex: vec![SexCount {
            sex: Sex::Unknown,
            count: 2,
        }],
        ..totals
    };
    assert_eq!(
        totals_lines(&unrecorded, UiLanguage::En).by_sex,
        ["Women: 0", "Men: 0", "Sex not recorded: 2"]
    );
}

#[test]
fn households_and_gatherings_list_the_same_on_both_apps() {
    use crate::domain::GatheringKind;
    use crate::store::{Gathering, GatheringDetails, HouseholdSummary, RecordState};
    use uuid::Uuid;

    let at = Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap();
    let household = HouseholdSummary {
        uuid: Uuid::now_v7(),
        revision: 2,
        village: "Bản Phùng".into(),
        head_name: "Giàng A Páo".into(),
        archived: true,
        updated_at: at,
    };
    let row = household_row(&household, UiLanguage::Vi);
    assert_eq!(
        (row.title.as_str(), row.detail.as_str()),
        ("Giàng A Páo", "Bản Phùng · Đã lưu trữ")
    );
    let gathering = Gathering {
        uuid: Uuid::now_v7(),
        state: RecordState::Draft,
        details: GatheringDetails {
            kind: GatheringKind::PolicyDialogue,
            topic: "Nuôi con khỏe".into(),
            village: "Bản Phùng".into(),
            starts_at: at,
            facilitator: String::new(),
            notes: String::new(),
        },
        created_at: at,
        closed_at: None,
        attendee_count: 12,
        photo_count: 0,
    };
    let row = gathering_list_row(&gathering, UiLanguage::Vi);
    assert_eq!(row.title, "Nuôi con khỏe");
    assert_eq!(
        row.detail,
        "Đối thoại chính sách · Bản Phùng · 12/06/2026 08:30 · Người tham dự (12)"
    );

    let heading = gathering_heading(&gathering, UiLanguage::Vi);
    assert_eq!(heading.title, "Nuôi con khỏe");
    assert_eq!(
        heading.details,
        ["Đối thoại chính sách", "Bản Phùng", "12/06/2026 08:30"],
        "no facilitator named: no line"
    );
    assert_eq!(
        (heading.is_open, heading.status.as_str()),
        (true, "Đang diễn ra")
    );
    let mut closed = gathering.clone();
    closed.details.facilitator = "Lò Thị Mai".into();
    let heading = gathering_heading(&closed, UiLanguage::En);
    assert_eq!(
        heading.details.last().map(String::as_str),
        Some("Lò Thị Mai")
    );
    closed.state = RecordState::Finalized;
    let heading = gathering_heading(&closed, UiLanguage::En);
    assert_eq!(
        (heading.is_open, heading.status.as_str()),
        (false, "Closed")
    );
}

#[test]
fn a_rank_question_reads_numbered_with_its_moves() {
    let ranking = Answer::Choices {
        names: vec!["b".into(), "a".into()],
    };
    let mut ranked = answered(QuestionKind::Rank, Some(ranking));
    ranked.choices.reverse(); // the engine lists a rank question's choices in her order
    assert_eq!(answer_text(&ranked, UiLanguage::Vi), "1. Bê, 2. Ạ");
    let view = rank_view(&ranked, UiLanguage::Vi);
    assert!(view.ranked);
    assert_eq!(view.status, None);
    assert_eq!(view.keep_order, None);
    let rows: Vec<_> = view
        .items
        .iter()
        .map(|i| {
            (
                i.name.as_str(),
                i.text.as_str(),
                i.can_move_up,
                i.can_move_down,
            )
        })
        .collect();
    assert_eq!(
        rows,
        [("b", "1. Bê", false, true), ("a", "2. Ạ", true, false)]
    );
    assert_eq!(view.move_up, "Đưa lên");

    let fresh = rank_view(&answered(QuestionKind::Rank, None), UiLanguage::En);
    assert!(!fresh.ranked);
    assert_eq!(fresh.keep_order.as_deref(), Some("Keep this order"));
    assert!(
        fresh
            .status
            .is_some_and(|s| s.starts_with("Not ranked yet"))
    );
    assert_eq!(fresh.items[0].text, "1. Ạ");

    let locked = rank_view(
        &Question {
            read_only: true,
            ..answered(QuestionKind::Rank, None)
        },
        UiLanguage::Vi,
    );
    assert!(locked.keep_order.is_none());
    assert!(
        locked
            .items
            .iter()
            .all(|i| !i.can_move_up && !i.can_move_down)
    );
    assert!(
        rank_view(&answered(QuestionKind::Text, None), UiLanguage::Vi)
            .items
            .is_empty()
    );
}

#[test]
fn a_line_or_shape_reads_its_points_and_measure_with_its_buttons() {
    let at = |latitude, longitude| GeoPoint {
        latitude,
        longitude,
        altitude: None,
        accuracy: Some(3.0),
    };
    let line = |points: Vec<GeoPoint>| Some(Answer::GeoLine { points });
    // 0.001 degree on JavaRosa's sphere is 111.3 m.
    let road = answered(
        QuestionKind::Geotrace,
        line(vec![at(0.0, 0.0), at(0.0, 0.001), at(0.0, 0.002)]),
    );
    let view = geo_line_view(&road, UiLanguage::Vi);
    assert_eq!(view.summary, "3 điểm · dài 223 m");
    assert_eq!(answer_text(&road, UiLanguage::Vi), "3 điểm · dài 223 m");
    assert_eq!(view.add_point, "Thêm vị trí đang đứng");
    assert!(view.help.starts_with("Chị đi dọc đường"));
    assert!(view.can_add_point && view.can_remove_last && view.can_clear);
    assert_eq!(view.clear_confirm, "Xóa hết các điểm chị đã lấy?");

    let long = answered(
        QuestionKind::Geotrace,
        line(vec![at(0.0, 0.0), at(0.0, 0.02)]),
    );
    assert_eq!(
        geo_line_view(&long, UiLanguage::En).summary,
        "2 points · 2.2 km long"
    );
    assert_eq!(
        geo_line_view(&long, UiLanguage::Vi).summary,
        "2 điểm · dài 2,2 km"
    );

    let s = 0.0005;
    let square = vec![at(0.0, 0.0), at(0.0, s), at(s, s), at(s, 0.0)];
    let field = answered(QuestionKind::Geoshape, line(square));
    assert_eq!(
        geo_line_view(&field, UiLanguage::En).summary,
        "4 points · 223 m around · area 3098 m²"
    );
    let big = vec![at(0.0, 0.0), at(0.0, 0.01), at(0.01, 0.01)];
    assert_eq!(
        geo_line_view(&answered(QuestionKind::Geoshape, line(big)), UiLanguage::Vi).summary,
        "3 điểm · chu vi dài 3,8 km · diện tích 62 ha"
    );
    let started = answered(QuestionKind::Geoshape, line(vec![at(0.0, 0.0)]));
    assert_eq!(geo_line_view(&started, UiLanguage::En).summary, "1 point");
    assert!(
        geo_line_view(&started, UiLanguage::En)
            .help
            .contains("joins the first")
    );

    let empty = geo_line_view(&answered(QuestionKind::Geotrace, None), UiLanguage::En);
    assert_eq!(empty.summary, "No point yet.");
    assert!(empty.can_add_point);
    assert!(!empty.can_remove_last && !empty.can_clear);

    let locked = geo_line_view(
        &Question {
            read_only: true,
            ..road.clone()
        },
        UiLanguage::Vi,
    );
    assert!(!locked.can_add_point && !locked.can_remove_last && !locked.can_clear);
    // The console reads the submitted text the same way.
    assert_eq!(
        line_answer_text(
            &crate::form::FieldKind::Geoshape,
            "0 0 0 0;0 0.0005 0 0;0.0005 0.0005 0 0;0.0005 0 0 0;0 0 0 0",
            UiLanguage::En
        )
        .as_deref(),
        Some("4 points · 223 m around · area 3098 m²")
    );
    assert_eq!(
        line_answer_text(&crate::form::FieldKind::Text, "0 0;1 1", UiLanguage::En),
        None
    );
    let other = geo_line_view(&answered(QuestionKind::Text, None), UiLanguage::Vi);
    assert!(!other.can_add_point && other.summary.is_empty());
}

#[test]
fn a_form_waiting_for_its_files_is_listed_saying_so_and_cannot_be_started() {
    let ready = form_row(
        "water_source",
        "2026-12",
        "Nguồn nước của hộ",
        0,
        UiLanguage::Vi,
    );
    assert!(ready.ready);
    assert_eq!(
        ready.row,
        ListRow {
            id: "water_source".into(),
            title: "Nguồn nước của hộ".into(),
            detail: "water_source · 2026-12".into(),
        }
    );
    let waiting = form_row(
        "water_source",
        "2026-12",
        "Nguồn nước của hộ",
        3,
        UiLanguage::Vi,
    );
    assert!(!waiting.ready);
    assert_eq!(waiting.row.title, "Nguồn nước của hộ");
    assert_eq!(
        waiting.row.detail,
        "Còn chờ 3 tệp của biểu mẫu (ảnh, bảng). Lần gửi dữ liệu tới sẽ tải về."
    );
    assert_eq!(
        form_row("water_source", "2026-12", "Water", 1, UiLanguage::En)
            .row
            .detail,
        "Still waiting for 1 of its files (pictures, tables). The next send brings them."
    );
}
