//! The form audit log: which events a session records, when (on its clock), with old
//! and new answers when the form tracks changes, and how it goes on after a restore.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::engine::{AuditEvent, AuditEventKind as K, Clock, SessionOptions, SessionState};
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
