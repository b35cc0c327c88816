//! The edit screens' rules: birth years typed as text, which input a refusal marks, the
//! walk-in's age hint, dates picked on Vietnam's clock, enrollment's refusals, settings.
#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use chrono::{TimeZone, Utc};
use uuid::Uuid;

use super::*;
use crate::domain::{AgeGroup, GatheringKind, Sex};
use crate::engine::PickerFields;
use crate::error::BranchbookError;
use crate::i18n::UiLanguage::{En, Vi};
use crate::protocol::{AppRelease, HouseholdBody, HouseholdMember};
use crate::store::{Household, InputField, RecordState, StoreError};

const CHECK_IT: &str = "Thông tin nhập vào chưa đúng. Chị kiểm tra lại nhé.";

fn member_at(error: StoreError) -> (InputField, Option<u32>) {
    match error {
        StoreError::Invalid { field, member, .. } => (field, member),
        other => panic!("not an input refusal: {other:?}"),
    }
}

fn household_with_members() -> HouseholdDraft {
    let mut form = HouseholdDraft::new();
    for edit in [
        HouseholdEdit::Village {
            text: "Bản Phùng".into(),
        },
        HouseholdEdit::HeadName {
            text: "Giàng A Páo".into(),
        },
        HouseholdEdit::AddMember,
        HouseholdEdit::AddMember,
        HouseholdEdit::MemberName {
            member: 0,
            text: "Thào Thị Dợ".into(),
        },
        HouseholdEdit::MemberBirthYear {
            member: 0,
            text: " 1982 ".into(),
        },
        HouseholdEdit::MemberEthnicity {
            member: 0,
            key: Some("hmong".into()),
        },
        HouseholdEdit::MemberName {
            member: 1,
            text: "Giàng A Sử".into(),
        },
        HouseholdEdit::MemberSex {
            member: 1,
            sex: Sex::Male,
        },
    ] {
        form.apply(edit);
    }
    form
}

#[test]
fn a_typo_in_a_birth_year_is_refused_on_that_member_on_both_apps() {
    let mut form = household_with_members();
    form.apply(HouseholdEdit::MemberBirthYear {
        member: 1,
        text: "20l5".into(),
    });
    let refused = form.input().unwrap_err();
    assert_eq!(member_at(refused), (InputField::BirthYear, Some(1)));

    let error = BranchbookError::from(form.input().unwrap_err());
    form.refused(&error, Vi);
    let screen = form.screen(Vi);
    assert_eq!(
        screen.members[1].invalid,
        Some(InputField::BirthYear),
        "her box is marked"
    );
    assert_eq!(screen.members[0].invalid, None);
    assert_eq!(screen.invalid, None, "no household box is marked");
    assert_eq!(screen.error.as_deref(), Some(CHECK_IT));
    assert_eq!(screen.members[1].birth_year, "20l5", "kept as she typed it");
    assert_eq!(
        screen.error_about.as_deref(),
        Some("Năm sinh (2)"),
        "her place, from 1"
    );

    form.apply(HouseholdEdit::MemberBirthYear {
        member: 1,
        text: "2015".into(),
    });
    let screen = form.screen(Vi);
    assert_eq!(
        (screen.error, screen.members[1].invalid.clone()),
        (None, None),
        "typing clears it"
    );
    let input = form.input().unwrap();
    assert_eq!(
        input
            .members
            .iter()
            .map(|m| m.birth_year)
            .collect::<Vec<_>>(),
        [Some(1982), Some(2015)]
    );
    assert_eq!(input.members[1].sex, Sex::Male);
    assert_eq!(input.members[0].ethnicity.as_deref(), Some("hmong"));

    form.apply(HouseholdEdit::MemberBirthYear {
        member: 1,
        text: "1850".into(),
    });
    assert_eq!(
        member_at(form.input().unwrap_err()),
        (InputField::BirthYear, Some(1)),
        "out of range"
    );
    form.apply(HouseholdEdit::MemberBirthYear {
        member: 1,
        text: "  ".into(),
    });
    assert_eq!(
        form.input().unwrap().members[1].birth_year,
        None,
        "blank: not known"
    );
}

#[test]
fn a_household_refusal_marks_the_household_box_and_members_are_listed_by_place() {
    let mut form = household_with_members();
    form.apply(HouseholdEdit::HeadName {
        text: String::new(),
    });
    form.refused(
        &BranchbookError::invalid(InputField::HeadName, "must not be empty"),
        En,
    );
    let screen = form.screen(En);
    assert_eq!(screen.invalid, Some(InputField::HeadName));
    assert_eq!(
        screen.error_about.as_deref(),
        Some("Name of the household head")
    );
    assert!(screen.members.iter().all(|m| m.invalid.is_none()));
    assert_eq!(screen.members_heading, "Members (2)");
    assert_eq!(screen.title, "Household details");

    let keys: Vec<u32> = screen.members.iter().map(|m| m.key).collect();
    form.apply(HouseholdEdit::RemoveMember { member: 7 });
    form.apply(HouseholdEdit::MemberName {
        member: 9,
        text: "nobody".into(),
    });
    assert_eq!(
        form.screen(En).members.len(),
        2,
        "a place that is not there changes nothing"
    );
    form.apply(HouseholdEdit::RemoveMember { member: 0 });
    let screen = form.screen(Vi);
    assert_eq!(screen.members_heading, "Thành viên (1)");
    assert_eq!(screen.members[0].name, "Giàng A Sử");
    assert_eq!(screen.members[0].key, keys[1], "a row keeps its identity");

    let stale = BranchbookError::Stale {
        reason: "revision 2 is current".into(),
    };
    form.refused(&stale, Vi);
    let screen = form.screen(Vi);
    assert_eq!(screen.invalid, None);
    assert_eq!(
        screen.error.as_deref(),
        Some("Mục này vừa được cập nhật. Hãy mở lại để xem bản mới nhất.")
    );
}

#[test]
fn an_edit_starts_from_the_household_as_recorded() {
    let id = Uuid::new_v4();
    let member = Uuid::new_v4();
    let household = Household {
        uuid: id,
        revision: 3,
        state: RecordState::Finalized,
        created_at: Utc::now(),
        body: HouseholdBody {
            village: "Lao Chải".into(),
            address: "số 4".into(),
            head_name: "Lù Thị Sính".into(),
            members: vec![HouseholdMember {
                id: member,
                name: "Lù A Chư".into(),
                sex: Sex::Male,
                birth_year: Some(2010),
                ethnicity: Some("hmong".into()),
                relation: "con".into(),
            }],
            notes: String::new(),
            archived: false,
        },
    };
    let mut form = HouseholdDraft::of(&household);
    assert_eq!(form.edits(), Some((id, 3)));
    let screen = form.screen(Vi);
    assert_eq!(
        (
            screen.head_name.as_str(),
            screen.members[0].birth_year.as_str()
        ),
        ("Lù Thị Sính", "2010")
    );
    assert_eq!(
        form.input().unwrap().members[0].id,
        Some(member),
        "the same person"
    );
    let key = form.screen(Vi).members[0].key;
    form.apply(HouseholdEdit::AddMember);
    form.apply(HouseholdEdit::MemberName {
        member: 1,
        text: "Lù Thị Pà".into(),
    });
    let mut next = household.clone();
    next.revision = 4;
    let added = Uuid::new_v4();
    next.body.members.push(HouseholdMember {
        id: added,
        name: "Lù Thị Pà".into(),
        sex: Sex::Female,
        birth_year: None,
        ethnicity: None,
        relation: String::new(),
    });
    form.saved(&next);
    assert_eq!(
        form.edits(),
        Some((id, 4)),
        "the next save edits the new revision"
    );
    let input = form.input().unwrap();
    assert_eq!(
        input.members[1].id,
        Some(added),
        "the new member keeps the id she was given"
    );
    let screen = form.screen(Vi);
    assert_eq!(screen.members[0].key, key, "rows keep their identity");
    assert_ne!(screen.members[1].key, key);
}

#[test]
fn a_walk_in_gives_a_birth_year_as_typed_or_an_age_group() {
    let mut form = WalkInDraft::new();
    let hint = "Hãy ghi năm sinh hoặc chọn độ tuổi.";
    assert_eq!(form.screen(Vi).age_hint.as_deref(), Some(hint));
    assert_eq!(form.screen(Vi).sex, Sex::Female);
    form.apply(WalkInEdit::Name {
        text: "Lò Thị Mai".into(),
    });
    form.apply(WalkInEdit::BirthYear {
        text: "19 90".into(),
    });
    assert_eq!(form.screen(Vi).age_hint, None, "a year is being typed");
    assert!(matches!(
        form.walk_in().unwrap_err(),
        StoreError::Invalid {
            field: InputField::BirthYear,
            member: None,
            ..
        }
    ));
    form.apply(WalkInEdit::BirthYear {
        text: " 1990".into(),
    });
    assert_eq!(form.walk_in().unwrap().birth_year, Some(1990));

    form.apply(WalkInEdit::BirthYear {
        text: String::new(),
    });
    form.refused(
        &BranchbookError::invalid(InputField::Age, "give a birth year or an age group"),
        Vi,
    );
    let screen = form.screen(Vi);
    assert_eq!(
        screen.error.as_deref(),
        Some(hint),
        "told in the dialog's own words"
    );
    assert_eq!(screen.invalid, Some(InputField::Age));
    form.apply(WalkInEdit::AgeGroup {
        group: Some(AgeGroup::Adult),
    });
    let screen = form.screen(Vi);
    assert_eq!((screen.age_hint, screen.error), (None, None));
    assert_eq!(form.walk_in().unwrap().age_group, Some(AgeGroup::Adult));

    form.refused(
        &BranchbookError::invalid(InputField::Name, "must not be empty"),
        En,
    );
    assert_eq!(
        form.screen(En).error.as_deref(),
        Some("Something entered is not right. Please check it.")
    );
}

#[test]
fn a_gathering_is_picked_on_vietnams_clock() {
    // 08:30:45 in Vietnam.
    let now = Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 45).unwrap();
    let mut form = GatheringDraft::new(now);
    let screen = form.screen(Vi);
    assert_eq!(
        screen.starts_at,
        Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap(),
        "to the minute"
    );
    let picker = screen.picker;
    assert_eq!(
        picker,
        PickerFields {
            year: 2026,
            month: 6,
            day: 12,
            hour: 8,
            minute: 30
        }
    );
    assert_eq!(screen.starts_at_text, "12/06/2026 08:30");
    assert_eq!(screen.kind, GatheringKind::PolicyDialogue);
    assert_eq!(screen.kinds.len(), crate::domain::gathering_kinds().len());
    assert_eq!(screen.kinds[0].kind, crate::domain::gathering_kinds()[0]);

    // A date picked: the time stays (the app starts from the form's fields).
    form.apply(
        GatheringEdit::StartsAt {
            fields: PickerFields { day: 20, ..picker },
        },
        Vi,
    );
    assert_eq!(
        form.details().starts_at,
        Utc.with_ymd_and_hms(2026, 6, 20, 1, 30, 0).unwrap(),
        "the time stays"
    );
    let picker = form.screen(Vi).picker;
    form.apply(
        GatheringEdit::StartsAt {
            fields: PickerFields {
                hour: 23,
                minute: 15,
                ..picker
            },
        },
        Vi,
    );
    let screen = form.screen(En);
    assert_eq!(
        screen.starts_at,
        Utc.with_ymd_and_hms(2026, 6, 20, 16, 15, 0).unwrap(),
        "the day stays"
    );
    assert_eq!((screen.picker.day, screen.picker.hour), (20, 23));
    assert_eq!(screen.starts_at_text, "20 Jun 2026 23:15");

    form.apply(
        GatheringEdit::StartsAt {
            fields: PickerFields {
                month: 2,
                day: 30,
                ..screen.picker
            },
        },
        Vi,
    );
    let screen = form.screen(Vi);
    assert_eq!(screen.invalid, Some(InputField::StartsAt));
    assert_eq!(screen.error_about.as_deref(), Some("Ngày giờ"));
    assert_eq!(
        screen.starts_at,
        Utc.with_ymd_and_hms(2026, 6, 20, 16, 15, 0).unwrap(),
        "unchanged"
    );
    form.apply(
        GatheringEdit::Topic {
            text: "Phòng chống tảo hôn".into(),
        },
        Vi,
    );
    assert_eq!(form.screen(Vi).error, None);
    assert_eq!(form.details().topic, "Phòng chống tảo hôn");
}

#[test]
fn enrollment_refusals_point_at_the_input_in_the_screens_words() {
    let mut form = EnrollDraft::new();
    assert_eq!(form.label("device-1"), "device-1", "unnamed: its id");
    form.apply(EnrollEdit::DeviceLabel {
        text: "  Máy chị Mai ".into(),
    });
    assert_eq!(form.label("device-1"), "Máy chị Mai");

    let screen = form.screen(Vi);
    assert!(!screen.connecting);
    assert_eq!(screen.status, None);
    form.connecting();
    let screen = form.screen(Vi);
    assert!(screen.connecting, "Connect waits while a try is under way");
    assert_eq!(screen.status.as_deref(), Some("Đang kết nối…"));
    form.settled();
    assert!(!form.screen(Vi).connecting);

    let bad_code = BranchbookError::invalid(InputField::EnrollmentCode, "not the expected JSON");
    form.refused(&bad_code, true, Vi);
    let screen = form.screen(Vi);
    assert_eq!(
        screen.error.as_deref(),
        Some("Mã QR này không phải mã đăng ký của Hội.")
    );
    assert_eq!(screen.invalid, Some(InputField::EnrollmentCode));
    form.refused(&bad_code, false, Vi);
    assert_eq!(
        form.screen(Vi).error.as_deref(),
        Some(CHECK_IT),
        "typed: the general words"
    );

    form.refused(
        &BranchbookError::ServerRefused {
            status: 403,
            reason: "used code".into(),
        },
        false,
        En,
    );
    let screen = form.screen(Vi);
    assert_eq!(
        screen.invalid,
        Some(InputField::EnrollmentCode),
        "the server refused the code"
    );
    assert_eq!(
        screen.error.as_deref(),
        Some("The server did not accept this request.")
    );

    form.apply(EnrollEdit::Server {
        text: "https://hoi.example.vn".into(),
    });
    assert_eq!(form.screen(Vi).error, None);
    form.refused(
        &BranchbookError::Cancelled {
            reason: "stopped".into(),
        },
        false,
        Vi,
    );
    assert_eq!(form.screen(Vi).error, None, "her own stop is no refusal");
    form.refused(
        &BranchbookError::invalid(InputField::ServerAddress, "http to another machine"),
        false,
        En,
    );
    assert_eq!(
        form.screen(En).error_about.as_deref(),
        Some("Server address")
    );
    form.connecting();
    assert_eq!(
        form.screen(En).error,
        None,
        "a new try hides the last refusal"
    );
    form.camera_denied(En);
    assert_eq!(
        form.screen(Vi).error.as_deref(),
        Some("Allow the camera to scan the QR code.")
    );
    assert_eq!(form.typed().0, "https://hoi.example.vn");
}

#[test]
fn settings_name_each_language_in_itself_and_mark_the_chosen_ones() {
    let facts = SettingsFacts {
        form_languages: vec!["Tiếng Việt (vi)".into(), "Hmoob (hmn)".into()],
        form_language: Some("Hmoob (hmn)".into()),
        database_bytes: 1_258_291,
        photo_bytes: 900,
        account: Some("mai.lo".into()),
        branch_path: vec!["Lào Cai".into(), "Chi hội Sà Phìn".into()],
        app: AppRelease {
            version: "1.4.2".into(),
            build: "57".into(),
        },
    };
    let screen = settings_page(&facts, En);
    let names: Vec<(&str, bool)> = screen
        .app_languages
        .iter()
        .map(|l| (l.name.as_str(), l.chosen))
        .collect();
    assert_eq!(names, [("Tiếng Việt", false), ("English", true)]);
    let forms: Vec<(Option<&str>, bool)> = screen
        .form_languages
        .iter()
        .map(|l| (l.language.as_deref(), l.chosen))
        .collect();
    assert_eq!(
        forms,
        [
            (None, false),
            (Some("Tiếng Việt (vi)"), false),
            (Some("Hmoob (hmn)"), true)
        ]
    );
    assert_eq!(screen.form_languages[0].name, "As the form says");
    assert_eq!(screen.storage, "Data 1.2 MB, photos 900 B");
    assert_eq!(
        screen.account,
        ["Account: mai.lo", "Lào Cai › Chi hội Sà Phìn"]
    );
    assert_eq!(screen.version, "Version 1.4.2 (57)");

    let vi = settings_page(&SettingsFacts::default(), Vi);
    assert!(vi.account.is_empty(), "nothing before enrollment");
    assert!(vi.form_languages[0].chosen);
    assert_eq!(vi.storage, "Dữ liệu 0 B, ảnh 0 B");
    let plain = AppRelease {
        version: " 0.1.0 ".into(),
        build: String::new(),
    };
    let plain = SettingsFacts {
        app: plain,
        ..SettingsFacts::default()
    };
    assert_eq!(settings_page(&plain, Vi).version, "Phiên bản 0.1.0");
}

fn open_gathering() -> crate::store::Gathering {
    let at = Utc.with_ymd_and_hms(2026, 6, 12, 1, 30, 0).unwrap();
    crate::store::Gathering {
        uuid: Uuid::now_v7(),
        state: RecordState::Draft,
        details: crate::store::GatheringDetails {
            kind: GatheringKind::PolicyDialogue,
            topic: "Nuôi con khỏe".into(),
            village: "Bản Phùng".into(),
            starts_at: at,
            facilitator: String::new(),
            notes: String::new(),
        },
        created_at: at,
        closed_at: None,
        attendee_count: 0,
        photo_count: 0,
    }
}

fn roster_member(name: &str) -> crate::protocol::RosterMember {
    crate::protocol::RosterMember {
        id: Uuid::now_v7(),
        member_code: None,
        full_name: name.into(),
        sex: Sex::Female,
        birth_year: Some(1990),
        ethnicity: Some("hmong".into()),
        village: "Bản Phùng".into(),
        phone: None,
        archived: false,
    }
}

fn attended(member: Option<&crate::protocol::RosterMember>, name: &str) -> crate::store::CheckIn {
    crate::store::CheckIn {
        attendee: crate::protocol::Attendee {
            id: Uuid::now_v7(),
            member_id: member.map(|m| m.id),
            name: name.into(),
            sex: Sex::Female,
            birth_year: Some(1990),
            age_group: None,
            ethnicity: None,
            checked_in_at: Utc::now(),
        },
        totals: crate::store::Totals {
            total: 0,
            by_sex: Vec::new(),
            by_ethnicity: Vec::new(),
            by_age_group: Vec::new(),
        },
    }
}

#[test]
fn the_attendance_list_keeps_check_in_order_counts_and_marks_who_is_in() {
    let mut a = Attendance::new(
        open_gathering(),
        Vec::new(),
        attended(None, "").totals,
        Vec::new(),
    );
    let screen = a.screen(Vi);
    assert!(screen.can_change);
    assert_eq!(screen.attendees_heading, "Người tham dự (0)");
    assert_eq!(
        screen.no_attendees.as_deref(),
        Some("Chưa có ai điểm danh.")
    );
    assert!(screen.needs_attendee.is_some(), "cannot be closed empty");
    assert_eq!(screen.photos_heading, "Ảnh (0)");

    // A blank search finds no one, whatever the roster gave.
    let cho = roster_member("Sùng Thị Chơ");
    let mai = roster_member("Lò Thị Mai");
    assert!(!a.searches("  "));
    a.found("  ".into(), vec![cho.clone()]);
    assert!(a.screen(Vi).candidates.is_empty());
    assert!(a.searches("th"));
    a.found("th".into(), vec![cho.clone(), mai.clone()]);
    let screen = a.screen(Vi);
    assert_eq!(screen.candidates.len(), 2);
    assert!(
        screen
            .candidates
            .iter()
            .all(|c| !c.checked_in && c.action == "Điểm danh")
    );

    // Mai, then a walk-in, then Chơ; a second tap on Mai changes nothing.
    let first = attended(Some(&mai), "Lò Thị Mai");
    a.checked_in(first.clone());
    a.checked_in(attended(None, "Vàng Thị Mỷ"));
    a.checked_in(attended(Some(&cho), "Sùng Thị Chơ"));
    a.checked_in(first);
    let screen = a.screen(Vi);
    let names: Vec<&str> = screen
        .attendees
        .iter()
        .map(|l| l.row.title.as_str())
        .collect();
    assert_eq!(
        names,
        ["Lò Thị Mai", "Vàng Thị Mỷ", "Sùng Thị Chơ"],
        "check-in order, once"
    );
    assert_eq!(screen.attendees_heading, "Người tham dự (3)");
    assert_eq!(screen.no_attendees, None);
    assert_eq!(screen.needs_attendee, None);
    let walk_ins: Vec<bool> = screen.attendees.iter().map(|l| l.can_make_member).collect();
    assert_eq!(
        walk_ins,
        [false, true, false],
        "only a walk-in can join the roster"
    );
    assert!(screen.attendees.iter().all(|l| l.can_remove));
    assert!(
        screen
            .candidates
            .iter()
            .all(|c| c.checked_in && c.action == "Đã điểm danh")
    );

    // Chơ taken off: she can be checked in again.
    let rest = vec![attended(Some(&mai), "Lò Thị Mai").attendee];
    a.listed(rest, kept_totals());
    let screen = a.screen(En);
    assert_eq!(screen.attendees_heading, "Attendees (1)");
    let cho_row = screen
        .candidates
        .iter()
        .find(|c| c.row.id == cho.id.to_string())
        .unwrap();
    assert!(!cho_row.checked_in);
    assert_eq!(cho_row.action, "Check in");
}

fn kept_totals() -> crate::store::Totals {
    attended(None, "").totals
}

#[test]
fn photos_and_closing_decide_what_she_can_still_do() {
    let mut a = Attendance::new(open_gathering(), Vec::new(), kept_totals(), Vec::new());
    a.checked_in(attended(None, "Vàng Thị Mỷ"));
    a.taking_photo(true);
    let screen = a.screen(Vi);
    assert!(
        !screen.can_take_photo,
        "no second photo while one is taken in"
    );
    assert_eq!(screen.take_photo, "Đang tải…");
    a.taking_photo(false);
    a.photos(vec!["ab".repeat(32), "cd".repeat(32)]);
    let screen = a.screen(Vi);
    assert!(screen.can_take_photo);
    assert_eq!(screen.take_photo, "Chụp ảnh buổi sinh hoạt");
    assert_eq!(screen.photos_heading, "Ảnh (2)");
    assert_eq!(
        screen.photos[0].sha256,
        "ab".repeat(32),
        "in the order taken"
    );
    assert!(screen.photos.iter().all(|p| p.can_remove));

    a.found("vàng".into(), vec![roster_member("Vàng Thị Mỷ")]);
    let mut closed = a.gathering().clone();
    closed.state = RecordState::Finalized;
    a.changed(closed);
    let screen = a.screen(Vi);
    assert!(!screen.can_change);
    assert!(!screen.heading.is_open);
    assert!(!screen.can_take_photo);
    assert_eq!(
        (screen.query.as_str(), screen.candidates.len()),
        ("", 0),
        "no search once closed"
    );
    assert!(!a.searches("vàng"));
    assert!(
        screen
            .attendees
            .iter()
            .all(|l| !l.can_remove && !l.can_make_member)
    );
    assert!(screen.photos.iter().all(|p| !p.can_remove));
    assert_eq!(screen.needs_attendee, None);
}
