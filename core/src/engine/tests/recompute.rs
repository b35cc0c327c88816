//! The server's recomputation of a submission: calculations and metadata come from the
//! engine and what the server knows, never from the phone, and each difference is listed.

use serde_json::{Value, json};

use crate::engine::{Mismatch, Recomputed, ServerFacts, SessionOptions, TimeDoubt};
use crate::form::MetaKind;

use super::*;

fn survey() -> Form {
    let members = repeat(
        "members",
        vec![
            text("name").n(),
            int("age").n(),
            calc("months", "${age} * 12").n(),
        ],
    );
    form(vec![
        q("start", FieldKind::Meta(MetaKind::Start)).n(),
        q("today", FieldKind::Meta(MetaKind::Today)).n(),
        q("device", FieldKind::Meta(MetaKind::DeviceId)).n(),
        q("user", FieldKind::Meta(MetaKind::Username)).n(),
        q("end", FieldKind::Meta(MetaKind::End)).n(),
        text("village").n(),
        Node::Repeat(members),
        calc("total", "sum(${age})").n(),
        Node::Group(group(
            "home",
            vec![calc("label", "concat('Bản ', ${village})").n()],
        )),
        calc("code", "once(uuid())").n(),
        calc("tag", "concat(${code}, '-', ${total})").n(),
        q("campaign", FieldKind::Hidden)
            .default("dialogue_2026")
            .n(),
        q("note_to_self", FieldKind::Hidden).n(),
        calc("stamp", "now()").n(),
        calc("day", "today()").n(),
    ])
}

fn facts(started: DateTime<Utc>, finalized: DateTime<Utc>) -> ServerFacts {
    ServerFacts {
        device_id: "0190a5b2-0000-7000-8000-000000000001".into(),
        username: "mai".into(),
        started_at: started,
        finalized_at: finalized,
        received_at: finalized + chrono::Duration::hours(2),
    }
}

/// A submission filled on a phone whose device and account are the ones of [`facts`].
fn filled() -> (Arc<CompiledForm>, crate::engine::Submission) {
    let options = SessionOptions {
        device_id: facts(now(), now()).device_id,
        username: "mai".into(),
        ..SessionOptions::new(now())
    };
    let form = compile(survey());
    let mut s = FormSession::open(Arc::clone(&form), &options).unwrap();
    set_text(&mut s, "village", "Sà Phìn");
    for (i, age) in [(1, 34), (2, 9)] {
        s.add_repeat("members").unwrap();
        set_int(&mut s, &format!("members[{i}]/age"), age);
    }
    let sub = s.finalize(now() + chrono::Duration::minutes(7)).unwrap();
    (form, sub)
}

fn recompute(form: &CompiledForm, data: &Value) -> Recomputed {
    let f = facts(now(), now() + chrono::Duration::minutes(7));
    form.recompute_data(data, &f)
        .unwrap_or_else(|p| panic!("{p:#?}"))
}

/// Each mismatch as (question, what the phone sent, what the server computed).
fn listed(out: &Recomputed) -> Vec<(&str, Option<&Value>, Option<&Value>)> {
    out.mismatches
        .iter()
        .map(|m| (m.question.as_str(), m.sent.as_ref(), m.computed.as_ref()))
        .collect()
}

#[test]
fn an_honest_submission_recomputes_to_itself() {
    let (form, sub) = filled();
    let out = recompute(&form, &sub.data);
    assert_eq!(out.mismatches, [], "{:#}", sub.data);
    assert_eq!(out.data, sub.data);
    assert_eq!(out.data["members"][0]["months"], "408");
    assert_eq!(out.data["total"], "43");
    assert_eq!(out.data["end"], "2026-01-01T20:07:00.000Z");
    assert_eq!(out.data["today"], "2026-01-02", "the day in Vietnam");
    let code = out.data["code"].as_str().unwrap();
    assert_eq!(code.len(), 36, "once(uuid()) keeps the phone's value");
    assert_eq!(out.data["tag"], format!("{code}-43"));
    assert_eq!(
        out.data["campaign"], "dialogue_2026",
        "a hidden field's default"
    );
}

#[test]
fn hidden_fields_keep_their_default_whatever_the_phone_sent() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data["campaign"] = json!("=HYPERLINK(\"http://x\")");
    data["note_to_self"] = json!("x".repeat(10_000));
    let out = recompute(&form, &data);
    assert_eq!(out.data, sub.data, "the form's values are kept");
    let listed = listed(&out);
    assert_eq!(
        listed,
        [
            (
                "campaign",
                Some(&data["campaign"]),
                Some(&json!("dialogue_2026"))
            ),
            (
                "note_to_self",
                Some(&data["note_to_self"]),
                sub.data.get("note_to_self")
            ),
        ]
    );
}

#[test]
fn sent_calculations_and_metadata_are_replaced_and_listed() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data["total"] = json!("=1+1");
    data["home"]["label"] = json!({"nested": {"object": [1, 2]}});
    data["members"][1]["months"] = json!("x".repeat(100 * 1024));
    data["user"] = json!("lan");
    data["device"] = json!("someone-else");
    data["start"] = json!("2020-01-01T00:00:00.000Z");
    let out = recompute(&form, &data);
    assert_eq!(out.data, sub.data, "the server's values are kept");
    let listed = listed(&out);
    assert_eq!(
        listed,
        [
            ("start", Some(&data["start"]), Some(&sub.data["start"])),
            (
                "device",
                Some(&json!("someone-else")),
                Some(&sub.data["device"])
            ),
            ("user", Some(&json!("lan")), Some(&json!("mai"))),
            (
                "members[2]/months",
                Some(&data["members"][1]["months"]),
                Some(&json!("108"))
            ),
            ("total", Some(&json!("=1+1")), Some(&json!("43"))),
            (
                "label",
                Some(&data["home"]["label"]),
                Some(&json!("Bản Sà Phìn"))
            ),
        ]
    );
}

#[test]
fn a_left_out_value_and_one_for_nothing_are_listed() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data.as_object_mut().unwrap().remove("total");
    data["members"][0].as_object_mut().unwrap().remove("months");
    let out = recompute(&form, &data);
    assert_eq!(out.data, sub.data);
    assert_eq!(
        out.mismatches,
        [
            Mismatch {
                question: "members[1]/months".into(),
                sent: None,
                computed: Some(json!("408")),
                doubt: None,
            },
            Mismatch {
                question: "total".into(),
                sent: None,
                computed: Some(json!("43")),
                doubt: None,
            },
        ]
    );
}

#[test]
fn a_kept_calculation_is_checked_like_an_answer_and_its_readers_recomputed() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data["code"] = json!("my-own-code");
    data["tag"] = json!("forged");
    let out = recompute(&form, &data);
    assert_eq!(out.data["code"], "my-own-code");
    assert_eq!(out.data["tag"], "my-own-code-43");
    assert_eq!(
        out.mismatches,
        [Mismatch {
            question: "tag".into(),
            sent: Some(json!("forged")),
            computed: Some(json!("my-own-code-43")),
            doubt: None,
        }]
    );
    data["code"] = json!({"an": "object"});
    let problems = form
        .recompute_data(&data, &facts(now(), now()))
        .unwrap_err();
    assert_eq!(problems[0].question, "code");
    assert!(
        problems[0].message.contains("expected text"),
        "{problems:?}"
    );
}

#[test]
fn answers_are_still_checked_when_recomputing() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data["members"][0]["age"] = json!("thirty");
    let problems = form
        .recompute_data(&data, &facts(now(), now()))
        .unwrap_err();
    assert_eq!(problems[0].question, "members[1]/age");
}

#[test]
fn validation_alone_still_reads_the_phones_metadata() {
    let (form, sub) = filled();
    let mut data = sub.data.clone();
    data["start"] = json!({"not": "a time"});
    assert!(form.validate_data(&data).is_err());
    let out = recompute(&form, &data);
    assert_eq!(out.data, sub.data, "the server does not read it at all");
}

#[test]
fn the_instance_name_is_the_servers_own() {
    let mut named = survey();
    named.instance_name = Some("concat('Hộ ', ${village}, ' · ', ${total})".into());
    let form = compile(named);
    let (_, sub) = filled();
    let mut data = sub.data.clone();
    data["total"] = json!("999");
    let out = recompute(&form, &data);
    assert_eq!(
        out.instance_name.as_deref(),
        Some("Hộ Sà Phìn · 43"),
        "evaluated on the recomputed data, not the phone's total"
    );
    let mut blank = survey();
    blank.instance_name = Some("concat(${village}, '')".into());
    data.as_object_mut().unwrap().remove("village");
    let out = recompute(&compile(blank), &data);
    assert_eq!(out.instance_name, None, "an empty name is no name");
    assert_eq!(recompute(&compile(survey()), &sub.data).instance_name, None);
}

#[test]
fn version_is_the_forms_version_on_the_phone_and_on_the_server() {
    let mut f = form(vec![
        text("village").n(),
        calc("release", "concat('v', version(), '-', ${village})").n(),
    ]);
    f.version = "2025061201".into();
    let form = compile(f);
    let mut s = FormSession::new(Arc::clone(&form), None, now());
    set_text(&mut s, "village", "Sà Phìn");
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["release"], "v2025061201-Sà Phìn");
    // A phone that claims another version gets the form's.
    let mut data = sub.data.clone();
    data["release"] = json!("v1-Sà Phìn");
    let out = recompute(&form, &data);
    assert_eq!(out.data, sub.data);
    assert_eq!(
        listed(&out),
        [(
            "release",
            Some(&json!("v1-Sà Phìn")),
            Some(&json!("v2025061201-Sà Phìn"))
        )]
    );
}

#[test]
fn jr_itext_reads_labels_and_choice_labels_by_pyxforms_ids() {
    let f = with_lists(
        form(vec![
            text("village").n(),
            one("water", "yn").n(),
            calc("first", "jr:itext('yn-1')").n(),
            calc("label", "jr:itext('/test/village:label')").n(),
            calc(
                "picked",
                "jr:itext(concat('yn-', if(${water} = 'yes', 0, 1)))",
            )
            .n(),
            calc("none", "concat(jr:itext('yn-9'), jr:itext('nothing'))").n(),
        ]),
        vec![
            list("zz", &[("z", "Zed", &[])]),
            list("yn", &[("yes", "Có", &[]), ("no", "Không", &[])]),
        ],
    );
    let form = compile(f);
    let mut s = FormSession::new(Arc::clone(&form), None, now());
    set_text(&mut s, "village", "Sà Phìn");
    s.set_answer("water", Answer::Choice { name: "yes".into() })
        .unwrap();
    let sub = s.finalize(now()).unwrap();
    assert_eq!(sub.data["first"], "Không");
    assert_eq!(sub.data["label"], "VILLAGE");
    assert_eq!(sub.data["picked"], "Có");
    assert!(sub.data.get("none").is_none(), "unknown ids give nothing");
    assert_eq!(recompute(&form, &sub.data).mismatches, []);
}

/// The phone's `now()` and `today()` values are kept (the server cannot compute them) and
/// checked against the record's own times: one outside them is kept as sent and listed
/// with why it is doubtful, never silently, and the record is not refused for it.
#[test]
fn a_kept_clock_value_outside_the_records_times_is_kept_and_listed() {
    let (form, sub) = filled();
    assert_eq!(
        sub.data["stamp"], "2026-01-01T20:00:00.000Z",
        "{:#}",
        sub.data
    );
    assert_eq!(sub.data["day"], "2026-01-02", "the day in Vietnam");
    let doubted = |stamp: &str, day: &str| {
        let mut data = sub.data.clone();
        data["stamp"] = json!(stamp);
        data["day"] = json!(day);
        let out = recompute(&form, &data);
        assert_eq!(
            (&out.data["stamp"], &out.data["day"]),
            (&data["stamp"], &data["day"]),
            "kept as sent"
        );
        out.mismatches
            .iter()
            .map(|m| {
                assert_eq!(m.sent, m.computed, "{m:?}");
                (m.question.clone(), m.doubt)
            })
            .collect::<Vec<_>>()
    };
    let listed = |stamp: Option<TimeDoubt>, day: Option<TimeDoubt>| {
        [("stamp", stamp), ("day", day)]
            .into_iter()
            .filter(|(_, d)| d.is_some())
            .map(|(q, d)| (q.to_owned(), d))
            .collect::<Vec<_>>()
    };
    // Finalized at 20:07 UTC (03:07 on 2 January in Vietnam), received at 22:07.
    assert_eq!(
        doubted("2026-01-01T20:05:00.000Z", "2026-01-02"),
        listed(None, None)
    );
    assert_eq!(
        doubted("2099-01-01T00:00:00.000Z", "2025-12-31"),
        listed(Some(TimeDoubt::AfterReceipt), Some(TimeDoubt::BeforeStart))
    );
    assert_eq!(
        doubted("2026-01-01T21:00:00.000Z", "2026-01-03"),
        listed(Some(TimeDoubt::AfterEnd), Some(TimeDoubt::AfterReceipt))
    );
    assert_eq!(
        doubted("2025-06-01T08:00:00+07:00", "2026-01-02"),
        listed(Some(TimeDoubt::BeforeStart), None)
    );
}

#[test]
fn answers_are_checked_as_of_when_she_finalized_not_when_the_server_got_them() {
    // `visit` must not be before the day she fills the record; it reaches the server a
    // month later (offline in the highlands).
    let f = form(vec![
        q("visit", FieldKind::Date)
            .constraint(". >= today()", "")
            .n(),
    ]);
    let form = compile(f);
    let options = SessionOptions::new(now());
    let mut s = FormSession::open(Arc::clone(&form), &options).unwrap();
    // now() is 2026-01-02 in Vietnam.
    s.set_answer(
        "visit",
        Answer::Date {
            value: crate::engine::CalendarDate {
                year: 2026,
                month: 1,
                day: 2,
            },
        },
    )
    .unwrap();
    let sub = s.finalize(now()).unwrap();
    let late = ServerFacts {
        received_at: now() + chrono::Duration::days(30),
        ..facts(now(), now())
    };
    form.recompute_data(&sub.data, &late)
        .unwrap_or_else(|p| panic!("{p:#?}"));
    // A day before her finalizing is still refused.
    let mut early = sub.data.clone();
    early["visit"] = json!("2026-01-01");
    let problems = form.recompute_data(&early, &late).unwrap_err();
    assert_eq!(problems[0].question, "visit");
}
