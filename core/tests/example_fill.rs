//! The example forms filled end to end, as a branch head would: page by page, skip logic
//! showing and hiding questions, constraints refusing a wrong answer until it is fixed,
//! the household members' repeat, a draft saved and restored midway, then finalize.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use branchbook_core::engine::{
    Answer, CompiledForm, FormSession, GeoPoint, Page, QuestionKind, SessionError, Submission,
};
use branchbook_core::form::load_xlsx;
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

fn load(name: &str) -> Arc<CompiledForm> {
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("forms/{name}.xlsx")))
            .unwrap();
    Arc::new(load_xlsx(&bytes).unwrap())
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 6, 12, 2, 0, 0).unwrap()
}

fn text(s: &str) -> Answer {
    Answer::Text { value: s.into() }
}
fn int(n: i64) -> Answer {
    Answer::Integer { value: n }
}
fn choice(s: &str) -> Answer {
    Answer::Choice { name: s.into() }
}
fn choices(s: &[&str]) -> Answer {
    Answer::Choices {
        names: s.iter().map(|c| (*c).to_owned()).collect(),
    }
}

/// The answers to give, by question path. Each entry lists the answers to try in turn:
/// all but the last must be refused by a constraint (the page will not move on), the
/// last must be accepted. An empty list leaves the question blank.
type Script = BTreeMap<String, Vec<Answer>>;

/// What a fill saw: every question and note shown, with its label.
#[derive(Default)]
struct Seen {
    shown: BTreeMap<String, String>,
    refused: Vec<String>,
}

/// Fills from the current page to the end following `script`. A question shown that the
/// script does not mention fails the test (skip logic showed something it should not);
/// `stop_at`, when given, stops on the page showing that question, before answering it.
fn fill(session: &mut FormSession, script: &Script, seen: &mut Seen, stop_at: Option<&str>) {
    for _ in 0..1_000 {
        let screen = session.screen();
        match &screen.page {
            Page::End => return,
            Page::RepeatPrompt { path, .. } => {
                panic!("the member repeat has a count; no prompt expected at {path}")
            }
            Page::Questions => {}
        }
        for q in &screen.questions {
            seen.shown.insert(q.path.clone(), q.label.clone());
        }
        if stop_at.is_some_and(|p| screen.questions.iter().any(|q| q.path == p)) {
            return;
        }
        for q in screen
            .questions
            .iter()
            .filter(|q| q.kind != QuestionKind::Note && !q.read_only)
        {
            if q.value.is_some() {
                continue;
            }
            let tries = script
                .get(&q.path)
                .unwrap_or_else(|| panic!("unexpected question {} ({})", q.path, q.label));
            let Some((last, wrong)) = tries.split_last() else {
                continue;
            };
            for bad in wrong {
                session.set_answer(&q.path, bad.clone()).unwrap();
                let shown = session
                    .screen()
                    .questions
                    .into_iter()
                    .find(|x| x.path == q.path)
                    .unwrap();
                assert!(
                    shown.error.is_some(),
                    "{}: {bad:?} should be refused",
                    q.path
                );
                assert!(matches!(
                    session.next(),
                    Err(SessionError::PageIncomplete { count: 1 })
                ));
                seen.refused
                    .push(format!("{}: {}", q.path, shown.error.unwrap()));
            }
            session
                .set_answer(&q.path, last.clone())
                .unwrap_or_else(|e| panic!("{}: {e}", q.path));
        }
        let errors: Vec<_> = session
            .screen()
            .questions
            .into_iter()
            .filter_map(|q| q.error.map(|e| (q.path, e)))
            .collect();
        assert!(errors.is_empty(), "errors left on the page: {errors:?}");
        session.next().unwrap_or_else(|e| panic!("next: {e}"));
    }
    panic!("the form did not end");
}

fn script(entries: Vec<(&str, Vec<Answer>)>) -> Script {
    entries
        .into_iter()
        .map(|(p, a)| (p.to_owned(), a))
        .collect()
}

/// A household of four: the head, his wife, a daughter of 16 already married, and a son of ten.
fn household_script() -> Script {
    script(vec![
        ("consent", vec![choice("yes")]),
        ("commune", vec![choice("y_ty")]),
        ("village", vec![choice("mo_phu_chai")]),
        (
            "gps",
            vec![Answer::Geopoint {
                value: GeoPoint {
                    latitude: 22.6213,
                    longitude: 103.6156,
                    altitude: Some(1900.0),
                    accuracy: Some(6.0),
                },
            }],
        ),
        ("head_name", vec![text("G"), text("Giàng A Páo")]),
        ("head_sex", vec![choice("male")]),
        ("head_birth_year", vec![int(1850), int(2030), int(1978)]),
        ("head_ethnicity", vec![choice("hmong")]),
        ("hh_size", vec![int(0), int(4)]),
        (
            "house_photo",
            vec![Answer::Photo {
                sha256: "c0ffee".repeat(10) + "c0ff",
            }],
        ),
        ("member[1]/member_name", vec![text("Thào Thị Dợ")]),
        ("member[1]/member_relation", vec![choice("spouse")]),
        ("member[1]/member_sex", vec![choice("female")]),
        ("member[1]/member_birth_year", vec![int(1982)]),
        ("member[1]/member_ethnicity", vec![choice("hmong")]),
        ("member[1]/member_married", vec![choice("yes")]),
        ("member[1]/marriage_age", vec![int(60), int(19)]),
        ("member[2]/member_name", vec![text("Giàng Thị Mai")]),
        ("member[2]/member_relation", vec![choice("child")]),
        ("member[2]/member_sex", vec![choice("female")]),
        ("member[2]/member_birth_year", vec![int(2009)]),
        ("member[2]/member_ethnicity", vec![choice("hmong")]),
        ("member[2]/member_married", vec![choice("yes")]),
        ("member[2]/marriage_age", vec![int(16)]),
        ("member[2]/in_school", vec![choice("no")]),
        ("member[3]/member_name", vec![text("Giàng A Sử")]),
        ("member[3]/member_relation", vec![choice("child")]),
        ("member[3]/member_sex", vec![choice("male")]),
        ("member[3]/member_birth_year", vec![int(2015)]),
        ("member[3]/member_ethnicity", vec![choice("hmong")]),
        ("member[3]/in_school", vec![choice("yes")]),
        ("has_loan", vec![choice("yes")]),
        (
            "loan_source",
            vec![choices(&["social_policy_bank", "private_lender"])],
        ),
        (
            "loan_amount",
            vec![
                Answer::Decimal { value: 0.0 },
                Answer::Decimal { value: 30.5 },
            ],
        ),
        ("loan_purpose", vec![choice("farming")]),
        ("loan_in_womans_name", vec![choice("yes")]),
        ("legal_age_female", vec![choice("age16")]),
        ("consanguinity_harm", vec![choice("dont_know")]),
        ("birth_2y", vec![choice("yes")]),
        ("antenatal_visits", vec![int(2)]),
        ("birth_place", vec![choice("home_unassisted")]),
        ("violence_private", vec![choice("yes")]),
        ("knows_help", vec![choice("yes")]),
        (
            "help_places",
            vec![
                choices(&["dont_remember", "womens_union"]),
                choices(&["womens_union", "trusted_address"]),
            ],
        ),
        ("violence_attitude", vec![choice("disagree")]),
        ("wants_support", vec![choice("no")]),
        ("remarks", vec![]),
        ("confidentiality", vec![Answer::Acknowledged]),
    ])
}

#[test]
fn a_household_survey_is_filled_with_members_skip_logic_and_constraints() {
    let form = load("household_survey");
    let mut session = FormSession::new(form.clone(), None, now());
    let script = household_script();
    let mut seen = Seen::default();

    // Halfway (at the second member's marriage), the draft is saved and reopened.
    fill(
        &mut session,
        &script,
        &mut seen,
        Some("member[2]/marriage_age"),
    );
    let before = session.screen();
    let state = session.state();
    let state: branchbook_core::engine::SessionState =
        serde_json::from_str(&serde_json::to_string(&state).unwrap()).unwrap();
    let mut session = FormSession::restore(form.clone(), state).unwrap();
    assert_eq!(
        session.screen(),
        before,
        "a restored draft opens on the same page"
    );
    fill(&mut session, &script, &mut seen, None);

    // Every scripted question was shown: skip logic opened what it should.
    let missing: Vec<&String> = script
        .keys()
        .filter(|p| !seen.shown.contains_key(*p))
        .collect();
    assert!(missing.is_empty(), "never shown: {missing:?}");
    // ...and closed the rest: the question for a household without a loan, the school
    // question for adults, marriage for a ten-year-old.
    for hidden in [
        "no_loan_reason",
        "no_loan_other",
        "member[1]/in_school",
        "member[3]/member_married",
        "no_consent_note",
    ] {
        assert!(
            !seen.shown.contains_key(hidden),
            "{hidden} should not be shown"
        );
    }
    // Notes triggered by answers.
    for note in [
        "member[2]/child_marriage_note",
        "private_lender_note",
        "legal_age_note",
        "safe_birth_note",
    ] {
        assert!(seen.shown.contains_key(note), "{note} should be shown");
    }
    assert!(
        !seen.shown.contains_key("member[1]/child_marriage_note"),
        "married at 19 is not a child marriage"
    );
    assert!(!seen.shown.contains_key("violence_attitude_note"));
    // The summary note interpolates the calculations, in Vietnamese by default.
    assert_eq!(
        seen.shown["summary_note"],
        "Đã ghi 3 thành viên khác; trong hộ có 2 nữ và 1 trường hợp tảo hôn."
    );
    // Constraints refused wrong answers with the author's Vietnamese messages.
    let refused: Vec<&str> = seen.refused.iter().map(String::as_str).collect();
    for expected in [
        "head_birth_year: Năm sinh phải từ 1900 đến năm nay.",
        "hh_size: Số người trong hộ phải từ 1 đến 30.",
        "head_name: Họ tên cần có ít nhất 2 ký tự.",
        "member[1]/marriage_age: Tuổi kết hôn phải từ 10 đến tuổi hiện nay của người này.",
        "loan_amount: Số tiền phải lớn hơn 0 và không quá 2.000 triệu đồng.",
        "help_places: “Không nhớ rõ” không chọn cùng với nơi khác.",
    ] {
        assert!(
            refused.contains(&expected),
            "missing refusal {expected:?} in {refused:#?}"
        );
    }
    assert_eq!(refused.len(), 7, "{refused:#?}");

    let submission = session.finalize(now()).unwrap();
    check_household_submission(&submission);
    assert_eq!(
        session.instance_name().as_deref(),
        Some("Giàng A Páo – mo_phu_chai")
    );
}

fn check_household_submission(s: &Submission) {
    assert_eq!(s.form_id, "household_survey");
    assert_eq!(s.form_version, "2025061201");
    assert_eq!(s.photos, vec!["c0ffee".repeat(10) + "c0ff"]);
    let d = &s.data;
    assert_eq!(d["consent"], json!("yes"));
    assert_eq!(d["head"]["head_name"], json!("Giàng A Páo"));
    assert_eq!(d["head"]["head_birth_year"], json!(1978));
    assert_eq!(d["head"]["head_ethnicity"], json!("hmong"));
    let members = d["member"].as_array().unwrap();
    assert_eq!(members.len(), 3);
    assert_eq!(members[1]["member_name"], json!("Giàng Thị Mai"));
    assert_eq!(members[1]["marriage_age"], json!(16));
    assert!(
        members[2].get("member_married").is_none(),
        "a question that did not apply keeps no answer"
    );
    // Calculations are untyped in XLSForm: their results are stored as text, as in ODK.
    assert_eq!(d["member_count"], json!("3"));
    assert_eq!(d["women_count"], json!("2"));
    assert_eq!(d["child_marriage_count"], json!("1"));
    assert_eq!(
        d["credit"]["loan_source"],
        json!(["social_policy_bank", "private_lender"])
    );
    assert_eq!(d["credit"]["loan_amount"], json!(30.5));
    assert!(d["credit"].get("no_loan_reason").is_none());
    assert_eq!(
        d["violence"]["help_places"],
        json!(["womens_union", "trusted_address"])
    );
    assert_eq!(d["program"], json!("Đề án 8"));
}

#[test]
fn without_consent_the_survey_ends_after_a_thank_you() {
    let mut session = FormSession::new(load("household_survey"), None, now());
    let mut seen = Seen::default();
    fill(
        &mut session,
        &script(vec![("consent", vec![choice("no")])]),
        &mut seen,
        None,
    );
    assert!(seen.shown.contains_key("no_consent_note"));
    let questions: Vec<&String> = seen.shown.keys().collect();
    assert_eq!(
        questions,
        ["consent", "intro", "no_consent_note", "program"]
    );
    let submission = session.finalize(now()).unwrap();
    assert_eq!(submission.data["consent"], json!("no"));
    assert!(submission.data.get("head").is_none() && submission.data.get("member").is_none());
}

#[test]
fn the_village_list_follows_the_commune() {
    let mut session = FormSession::new(load("household_survey"), None, now());
    session.set_answer("consent", choice("yes")).unwrap();
    let village = |s: &FormSession| -> Vec<String> {
        s.screen()
            .questions
            .into_iter()
            .find(|q| q.name == "village")
            .unwrap()
            .choices
            .into_iter()
            .map(|c| c.name)
            .collect()
    };
    session.jump("commune").unwrap();
    session.set_answer("commune", choice("y_ty")).unwrap();
    assert_eq!(village(&session), ["lao_chai", "mo_phu_chai", "choan_then"]);
    session.set_answer("commune", choice("a_lu")).unwrap();
    assert_eq!(village(&session), ["phin_ho", "sang_lung"]);
    assert!(matches!(
        session.set_answer("village", choice("lao_chai")),
        Err(SessionError::UnknownChoice { .. })
    ));
    session.set_answer("village", choice("phin_ho")).unwrap();
}

#[test]
fn labels_follow_the_chosen_language_with_hmong_where_given() {
    let form = load("household_survey");
    let label = |lang: &str, name: &str| -> String {
        let mut s = FormSession::new(form.clone(), Some(lang.to_owned()), now());
        s.set_answer("consent", choice("yes")).unwrap();
        s.jump(name).unwrap();
        s.screen()
            .questions
            .into_iter()
            .find(|q| q.name == name)
            .unwrap()
            .label
    };
    assert_eq!(
        label("vi", "consent"),
        "Hộ gia đình có đồng ý tham gia khảo sát không?"
    );
    assert_eq!(
        label("en", "consent"),
        "Does the household agree to take part in the survey?"
    );
    assert_eq!(label("hmn", "consent"), "Tsev neeg puas pom zoo koom nrog?");
    // No Hmong label for the household size: the default language stands in.
    assert_eq!(
        label("hmn", "hh_size"),
        "Tổng số người đang sống trong hộ (kể cả chủ hộ)"
    );
}

#[test]
fn dialogue_feedback_is_filled_and_a_contradictory_choice_is_refused() {
    let mut session = FormSession::new(load("dialogue_feedback"), Some("en".into()), now());
    let mut seen = Seen::default();
    let script = script(vec![
        ("dialogue_topic", vec![choice("child_marriage")]),
        ("respondent_sex", vec![choice("female")]),
        ("respondent_age_group", vec![choice("youth")]),
        ("respondent_ethnicity", vec![choice("dao")]),
        ("usefulness", vec![choice("very_useful")]),
        ("understood", vec![choice("yes")]),
        ("spoke_up", vec![choice("no")]),
        (
            "barriers",
            vec![choices(&["nothing", "shy"]), choices(&["shy", "language"])],
        ),
        ("wants_next", vec![choice("yes")]),
        (
            "suggestion",
            vec![text("Họp vào buổi tối, sau giờ làm nương.")],
        ),
    ]);
    fill(&mut session, &script, &mut seen, None);
    assert!(!seen.shown.contains_key("topic_other"));
    assert_eq!(
        seen.shown["thanks"],
        "Thank you for taking part and sharing your views."
    );
    assert_eq!(
        seen.refused.iter().collect::<Vec<_>>(),
        ["barriers: “Nothing in particular” cannot be chosen together with a reason."]
    );
    let submission = session.finalize(now()).unwrap();
    assert_eq!(submission.language, "English (en)");
    assert_eq!(
        submission.data["respondent"]["respondent_ethnicity"],
        json!("dao")
    );
    assert_eq!(submission.data["barriers"], json!(["shy", "language"]));
    assert_eq!(submission.data["satisfied"], json!("1"));
    assert_eq!(submission.data["today"], json!("2025-06-12"));
}
