//! The form audit log: which events a session records, when (on its clock), with old
//! and new answers when the form tracks changes, and how it goes on after a restore.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::engine::{
    AuditEvent, AuditEventKind as K, Clock, SessionError, SessionOptions, SessionState,
};
use crate::form::MetaKind;

use super::*;

/// A clock that starts at [`now`] and moves one second each time it is read.
fn ticking() -> (Clock, Arc<AtomicI64>) {
    let ms = Arc::new(AtomicI64::new(now().timestamp_millis()));
    let reads = Arc::clone(&ms);
    let clock = Clock::from_fn(move || {
        let t = reads.fetch_add(1_000, Ordering::SeqCst) + 1_000;
        DateTime::from_timestamp_millis(t).unwrap()
    });
    (clock, ms)
}

fn audited(params: &[(&str, &str)]) -> Arc<CompiledForm> {
    let mut audit = q("audit", FieldKind::Meta(MetaKind::Audit));
    for (k, v) in params {
        audit = audit.param(k, v);
    }
    let mut members = repeat("member", vec![text("name").n()]);
    members.label = texts("Member");
    compile(form(vec![
        audit.n(),
        text("village").n(),
        field_list("house", vec![int("rooms").n(), text("roof").n()]),
        Node::Repeat(members),
    ]))
}

fn started(form: Arc<CompiledForm>) -> (FormSession, Arc<AtomicI64>) {
    let options = SessionOptions {
        username: "mai".into(),
        ..SessionOptions::new(now())
    };
    let mut s = FormSession::open(form, &options).unwrap();
    let (clock, ms) = ticking();
    s.set_clock(clock);
    (s, ms)
}

/// The log as (event, node, start - now in s, end - now in s).
fn lines(log: &[AuditEvent]) -> Vec<(K, String, i64, Option<i64>)> {
    let secs = |t: DateTime<Utc>| (t - now()).num_seconds();
    log.iter()
        .map(|e| {
            (
                e.event,
                e.node.clone().unwrap_or_default(),
                secs(e.start),
                e.end.map(secs),
            )
        })
        .collect()
}

#[test]
fn a_session_logs_each_page_from_when_it_shows_until_it_is_left() {
    let (mut s, _) = started(audited(&[]));
    s.set_answer(
        "village",
        Answer::Text {
            value: "Bản Mù".into(),
        },
    )
    .unwrap();
    s.next().unwrap(); // t+1: house
    s.set_answer("rooms", Answer::Integer { value: 3 }).unwrap();
    s.next().unwrap(); // t+2: the repeat's prompt
    s.add_repeat("member").unwrap(); // t+3
    s.set_answer(
        "member[1]/name",
        Answer::Text {
            value: "Lò".into()
        },
    )
    .unwrap();
    s.remove_repeat("member[1]").unwrap(); // t+4: back at the prompt
    s.jump("village").unwrap(); // t+5
    s.next().unwrap(); // t+6
    s.next().unwrap(); // t+7: prompt
    s.next().unwrap(); // t+8: end
    let submission = s.finalize(now() + chrono::Duration::seconds(30)).unwrap();
    let q = |e, n: &str, a, b| (e, n.to_owned(), a, b);
    let at = |e, a| (e, String::new(), a, None);
    assert_eq!(
        lines(&submission.audit),
        vec![
            at(K::FormStart, 0),
            q(K::Question, "village", 0, Some(1)),
            q(K::GroupQuestions, "house", 1, Some(2)),
            q(K::Question, "rooms", 1, Some(2)),
            q(K::Question, "roof", 1, Some(2)),
            q(K::AddRepeat, "member", 2, Some(3)),
            q(K::Question, "member[1]/name", 3, Some(4)),
            q(K::DeleteRepeat, "member[1]", 4, None),
            q(K::AddRepeat, "member", 4, Some(5)),
            q(K::Jump, "village", 5, None),
            q(K::Question, "village", 5, Some(6)),
            q(K::GroupQuestions, "house", 6, Some(7)),
            q(K::Question, "rooms", 6, Some(7)),
            q(K::Question, "roof", 6, Some(7)),
            q(K::AddRepeat, "member", 7, Some(8)),
            (K::EndScreen, String::new(), 8, Some(30)),
            at(K::FormSave, 30),
            at(K::FormExit, 30),
            at(K::FormFinalize, 30),
        ]
    );
    // Without track-changes or identify-user, no answers and no user.
    assert!(
        submission
            .audit
            .iter()
            .all(|e| e.old_value.is_none() && e.new_value.is_none() && e.user.is_none())
    );
}

#[test]
fn tracked_changes_carry_old_and_new_answers_and_the_user() {
    let (mut s, _) = started(audited(&[
        ("track-changes", "true"),
        ("identify-user", "true"),
    ]));
    s.set_answer("village", Answer::Text { value: "A".into() })
        .unwrap();
    s.next().unwrap();
    s.back().unwrap();
    // Shown again, left unchanged: no values.
    s.next().unwrap();
    s.back().unwrap();
    s.set_answer(
        "village",
        Answer::Text {
            value: "B, C".into(),
        },
    )
    .unwrap();
    s.next().unwrap();
    let village: Vec<(Option<&str>, Option<&str>)> = s
        .audit_log()
        .iter()
        .filter(|e| e.node.as_deref() == Some("village"))
        .map(|e| (e.old_value.as_deref(), e.new_value.as_deref()))
        .collect();
    assert_eq!(
        village,
        vec![
            (Some(""), Some("A")),
            (None, None),
            (Some("A"), Some("B, C"))
        ]
    );
    assert!(
        s.audit_log()
            .iter()
            .all(|e| e.user.as_deref() == Some("mai"))
    );
}

#[test]
fn a_refused_finalize_is_a_constraint_error() {
    let audit = q("audit", FieldKind::Meta(MetaKind::Audit));
    let f = compile(form(vec![audit.n(), text("name").required().n()]));
    let (mut s, _) = started(f);
    assert!(s.finalize(now()).is_err());
    let kinds: Vec<K> = s.audit_log().iter().map(|e| e.event).collect();
    assert_eq!(kinds, vec![K::FormStart, K::ConstraintError]);
}

#[test]
fn the_log_goes_on_after_a_restore_with_a_resume() {
    let form = audited(&[]);
    let (mut s, _) = started(Arc::clone(&form));
    s.next().unwrap();
    s.exit();
    let saved = s.audit_log().to_vec();
    assert_eq!(
        saved.iter().map(|e| e.event).collect::<Vec<_>>(),
        vec![
            K::FormStart,
            K::Question,
            K::GroupQuestions,
            K::Question,
            K::Question,
            K::FormSave,
            K::FormExit
        ]
    );
    let state: SessionState =
        serde_json::from_str(&serde_json::to_string(&s.state()).unwrap()).unwrap();
    let (clock, ms) = ticking();
    ms.store(
        (now() + chrono::Duration::hours(2)).timestamp_millis(),
        Ordering::SeqCst,
    );
    let mut back = FormSession::restore_logged(form, state, saved.clone(), clock).unwrap();
    back.next().unwrap();
    let log = back.audit_log();
    assert_eq!(&log[..saved.len()], &saved[..]);
    let after: Vec<(K, String, i64, Option<i64>)> = lines(&log[saved.len()..]);
    assert_eq!(
        after,
        vec![
            (K::FormResume, String::new(), 7201, None),
            (K::GroupQuestions, "house".into(), 7201, Some(7202)),
            (K::Question, "rooms".into(), 7201, Some(7202)),
            (K::Question, "roof".into(), 7201, Some(7202)),
        ]
    );
}

#[test]
fn a_form_without_audit_logs_nothing() {
    let f = compile(form(vec![text("a").n(), text("b").n()]));
    let (mut s, _) = started(f);
    s.next().unwrap();
    s.exit();
    assert!(s.audit_log().is_empty());
    assert!(s.finalize(now()).unwrap().audit.is_empty());
}

/// With the location parameters, the session tells the app how to ask for locations,
/// `location tracking enabled` opens the log, and each event carries the most accurate
/// fix taken before it started and no older than `location-max-age`.
#[test]
fn audited_locations_follow_collects_parameters() {
    use crate::engine::{AuditLocationRequest, EventLocation, LocationPriority, audit_csv};
    let located = [
        ("location-priority", "balanced"),
        ("location-min-interval", "60"),
        ("location-max-age", "120"),
    ];
    let (mut s, _) = started(audited(&located));
    assert_eq!(
        s.audit_location_request(),
        Some(AuditLocationRequest {
            priority: LocationPriority::Balanced,
            min_interval_seconds: 60.0,
            max_age_seconds: 120.0,
        })
    );
    let secs = |n: i64| now() + chrono::Duration::seconds(n);
    // Too old for anything the log records from now on.
    s.note_audit_location(21.0, 104.0, 1.0, secs(-200)).unwrap();
    s.note_audit_location(22.33, 103.84, 30.0, secs(0)).unwrap();
    s.note_audit_location(22.34, 103.85, 8.5, secs(0)).unwrap();
    // Taken after the village question showed: only for later events.
    s.note_audit_location(22.35, 103.86, 2.0, secs(1)).unwrap();
    assert!(matches!(
        s.note_audit_location(91.0, 0.0, 1.0, secs(1)),
        Err(SessionError::InvalidValue { .. })
    ));
    assert!(s.note_audit_location(0.0, 0.0, f64::NAN, secs(1)).is_err());
    s.next().unwrap(); // t+1: house
    let log = s.audit_log().to_vec();
    let events: Vec<(K, Option<EventLocation>)> =
        log.iter().map(|e| (e.event, e.location)).collect();
    let at = |latitude, longitude, accuracy| {
        Some(EventLocation {
            latitude,
            longitude,
            accuracy,
        })
    };
    assert_eq!(
        events,
        [
            (K::FormStart, None),
            (K::LocationTrackingEnabled, None),
            (K::Question, at(22.34, 103.85, 8.5)),
        ],
        "{log:#?}"
    );
    let csv = audit_csv(&log);
    let mut rows = csv.lines();
    assert_eq!(
        rows.next(),
        Some("event,node,start,end,latitude,longitude,accuracy,old-value,new-value,user")
    );
    assert_eq!(
        rows.nth(1),
        Some(
            format!(
                "location tracking enabled,,{},,,,,,,",
                now().timestamp_millis()
            )
            .as_str()
        )
    );
    assert_eq!(
        rows.next(),
        Some(
            format!(
                "question,village,{},{},22.34,103.85,8.5,,,",
                now().timestamp_millis(),
                secs(1).timestamp_millis()
            )
            .as_str()
        )
    );
    // The log goes on with the newest fix once it is the best: house shows at t+1.
    s.next().unwrap();
    let house = s.audit_log().iter().find(|e| e.event == K::GroupQuestions);
    assert_eq!(house.and_then(|e| e.location), at(22.35, 103.86, 2.0));
    // A form whose audit asks for no location: nothing to do, fixes change nothing.
    let (mut plain, _) = started(audited(&[]));
    assert_eq!(plain.audit_location_request(), None);
    plain
        .note_audit_location(22.0, 103.0, 5.0, secs(0))
        .unwrap();
    plain.next().unwrap();
    assert!(
        plain
            .audit_log()
            .iter()
            .all(|e| e.location.is_none() && e.event != K::LocationTrackingEnabled)
    );
    assert!(audit_csv(plain.audit_log()).starts_with("event,node,start,end,old-value,"));
}
