//! Dates and times as she picks them: the apps hand the core the picker's fields as
//! shown, and the core reads them on Vietnam's clock, stores the answer (an instant in
//! UTC for a date and time) and says what the picker starts on.

use chrono::{DateTime, TimeZone, Utc};

use crate::engine::{CalendarDate, PickerFields, SessionError, TimeOfDay, picker_start};

use super::*;

fn picking_form() -> Form {
    form(vec![field_list(
        "page",
        vec![
            q("day", FieldKind::Date).n(),
            q("hour", FieldKind::Time).n(),
            q("at", FieldKind::DateTime).n(),
            text("t").n(),
        ],
    )])
}

fn value(s: &FormSession, path: &str) -> Option<Answer> {
    value_on(&s.screen(), path)
}

fn start(s: &FormSession, path: &str, now: DateTime<Utc>) -> PickerFields {
    let screen = s.screen();
    let question = screen.questions.iter().find(|q| q.path == path).unwrap();
    picker_start(question, now)
}

fn fields(year: i32, month: u8, day: u8, hour: u8, minute: u8) -> PickerFields {
    PickerFields {
        year,
        month,
        day,
        hour,
        minute,
    }
}

#[test]
fn a_picked_date_and_time_is_read_on_vietnams_clock_and_stored_in_utc() {
    let mut s = session(picking_form());
    s.pick("at", fields(2025, 6, 14, 6, 30)).unwrap();
    let at = Utc.with_ymd_and_hms(2025, 6, 13, 23, 30, 0).unwrap();
    assert_eq!(value(&s, "at"), Some(Answer::DateTime { value: at }));
    assert_eq!(s.state().answers.values["at"], "2025-06-13T23:30:00.000Z");
    // The picker reopens on what she picked, on Vietnam's clock.
    let later = Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap();
    assert_eq!(start(&s, "at", later), fields(2025, 6, 14, 6, 30));
}

#[test]
fn a_picked_date_keeps_the_day_and_a_picked_time_the_hour_and_minute() {
    let mut s = session(picking_form());
    s.pick("day", fields(2024, 2, 29, 23, 59)).unwrap();
    let day = CalendarDate {
        year: 2024,
        month: 2,
        day: 29,
    };
    assert_eq!(value(&s, "day"), Some(Answer::Date { value: day }));
    s.pick("hour", fields(1999, 1, 1, 7, 5)).unwrap();
    let time = TimeOfDay {
        hour: 7,
        minute: 5,
        second: 0,
    };
    assert_eq!(value(&s, "hour"), Some(Answer::Time { value: time }));
    assert_eq!(s.state().answers.values["hour"], "07:05:00");
    // 17:10 UTC is already the next day, 00:10, in Vietnam: a date's picker opens on
    // its day with now's time, a time's on now's day with its time.
    let now = Utc.with_ymd_and_hms(2026, 3, 1, 17, 10, 0).unwrap();
    assert_eq!(start(&s, "day", now), fields(2024, 2, 29, 0, 10));
    assert_eq!(start(&s, "hour", now), fields(2026, 3, 2, 7, 5));
    // Unanswered: now, on Vietnam's clock.
    assert_eq!(start(&s, "at", now), fields(2026, 3, 2, 0, 10));
}

#[test]
fn an_impossible_day_or_time_is_refused_and_changes_nothing() {
    let mut s = session(picking_form());
    s.pick("at", fields(2025, 6, 14, 6, 30)).unwrap();
    let before = value(&s, "at");
    for bad in [fields(2025, 2, 30, 6, 30), fields(2025, 6, 14, 24, 0)] {
        assert!(matches!(
            s.pick("at", bad),
            Err(SessionError::InvalidValue { .. })
        ));
        assert_eq!(value(&s, "at"), before);
    }
    assert!(matches!(
        s.pick("day", fields(2025, 13, 1, 0, 0)),
        Err(SessionError::InvalidValue { .. })
    ));
    assert!(matches!(
        s.pick("hour", fields(2025, 1, 1, 7, 60)),
        Err(SessionError::InvalidValue { .. })
    ));
    assert_eq!(value(&s, "day"), None);
    assert_eq!(value(&s, "hour"), None);
    // A text question is not picked.
    assert!(matches!(
        s.pick("t", fields(2025, 6, 14, 6, 30)),
        Err(SessionError::WrongType { .. })
    ));
}
