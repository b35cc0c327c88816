//! The facade as the apps use it, from Rust: the same methods the Kotlin and Swift
//! bindings call (tests/kotlin walks the same paths through the generated bindings).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use branchbook_core::protocol::AppRelease;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::engine::{Answer, Page, PickerFields, QuestionKind};
use branchbook_core::i18n::UiLanguage;
use branchbook_core::store::{
    GatheringDetails, HouseholdInput, InputField, MemberInput, RecordState, RosterChange,
    SubmissionFilter, WalkIn,
};
use branchbook_ffi::{Branchbook, BranchbookError, FinalizeOutcome, FormFileBytes, SurveySession};
use chrono::Utc;
use image::{ImageEncoder, Rgb, RgbImage};
use uuid::Uuid;

fn open(dir: &Path) -> Arc<Branchbook> {
    let app = Branchbook::open(
        dir.to_string_lossy().into_owned(),
        None,
        "test-device".into(),
        AppRelease {
            version: "1.4.2".into(),
            build: "57".into(),
        },
    )
    .unwrap();
    app.set_account("lo.thi.mai".into()).unwrap();
    app
}

fn child_register(app: &Branchbook) {
    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/child_register.json"),
    )
    .unwrap();
    app.import_form_json(json).unwrap();
}

fn text(s: &str) -> Answer {
    Answer::Text { value: s.into() }
}

fn int(n: i64) -> Answer {
    Answer::Integer { value: n }
}

/// A small JPEG as a phone camera would leave it.
fn jpeg(dir: &Path, name: &str) -> PathBuf {
    let img = RgbImage::from_fn(64, 48, |x, y| Rgb([(x * 4) as u8, (y * 5) as u8, 120]));
    let mut bytes = Vec::new();
    image::codecs::jpeg::JpegEncoder::new_with_quality(&mut bytes, 90)
        .write_image(img.as_raw(), 64, 48, image::ExtendedColorType::Rgb8)
        .unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn error_of(session: &SurveySession, path: &str) -> Option<String> {
    session
        .screen()
        .unwrap()
        .questions
        .into_iter()
        .find(|q| q.path == path)
        .and_then(|q| q.error)
}

#[test]
fn a_survey_starts_in_her_preferred_language_when_the_form_has_it_else_its_default() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    assert!(app.form_languages().unwrap().is_empty());
    child_register(&app);
    assert_eq!(
        app.form_languages().unwrap(),
        ["Tiếng Việt (vi)", "English (en)"],
        "the settings offer each language of the phone's forms once"
    );
    let started = |preferred: Option<&str>| {
        let session = app
            .start_survey(
                "child_register".into(),
                None,
                None,
                preferred.map(String::from),
            )
            .unwrap();
        let language = session.language().unwrap();
        app.delete_draft(session.submission_id()).unwrap();
        language
    };
    // By name (as the settings keep it) or by code.
    assert_eq!(started(Some("English (en)")), "English (en)");
    assert_eq!(started(Some("EN")), "English (en)");
    // Hmong is her choice, but this form is not written in it: the form's default.
    assert_eq!(started(Some("Hmoob (hmn)")), "Tiếng Việt (vi)");
    assert_eq!(started(Some("")), "Tiếng Việt (vi)");
    assert_eq!(started(None), "Tiếng Việt (vi)");
}

#[test]
fn a_new_survey_starts_from_the_last_saved_one_where_the_form_asks() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/child_register.json");
    let json = std::fs::read_to_string(path).unwrap();
    // The first field, `mother`, starts as the last saved survey's.
    let (head, rest) = json.split_at(json.find("\"default\": null").unwrap());
    let json = format!(
        "{head}\"default\": \"${{last-saved#mother}}\"{}",
        &rest[15..]
    );
    app.import_form_json(json).unwrap();
    let start = || {
        app.start_survey("child_register".into(), None, None, None)
            .unwrap()
    };
    let mother = |s: &SurveySession| s.screen().unwrap().questions[0].value.clone();
    // The first survey of the form has no last saved one.
    let first = start();
    assert_eq!(mother(&first), None);
    first
        .set_answer("mother".into(), text("Thào Thị Dợ"))
        .unwrap();
    // The next starts with what she saved in it, and she may change it.
    let second = start();
    assert_eq!(mother(&second), Some(text("Thào Thị Dợ")));
    second
        .set_answer("mother".into(), text("Lò Thị Mai"))
        .unwrap();
    assert_eq!(mother(&start()), Some(text("Lò Thị Mai")));
}

#[test]
fn a_survey_is_filled_with_a_repeat_saved_after_every_answer_and_finalized() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    child_register(&app);
    let forms = app.list_forms(true).unwrap();
    assert_eq!(forms.len(), 1);
    assert_eq!(
        forms[0]
            .languages
            .iter()
            .map(|l| l.code.as_deref())
            .collect::<Vec<_>>(),
        [Some("vi"), Some("en")]
    );

    let session = app
        .start_survey("child_register".into(), None, None, Some("vi".into()))
        .unwrap();
    let id = session.submission_id();
    assert_eq!(
        session.screen().unwrap().questions[0].label,
        "Họ tên người mẹ"
    );
    // A required question blocks the page; the error is the engine's Vietnamese message.
    let turn = session.next().unwrap();
    assert!(!turn.moved);
    assert_eq!(
        turn.screen.questions[0].error.as_deref(),
        Some("Câu hỏi này bắt buộc phải trả lời.")
    );
    session
        .set_answer("mother".into(), text("Thào Thị Dợ"))
        .unwrap();
    assert!(session.next().unwrap().moved);

    // The repeat: add two children, the second with an age the constraint refuses.
    let prompt = session.screen().unwrap();
    assert!(
        matches!(prompt.page, Page::RepeatPrompt { ref path, count: 0, .. } if path == "child")
    );
    session.add_repeat("child".into()).unwrap();
    session
        .set_answer("child[1]/child_name".into(), text("Giàng A Sử"))
        .unwrap();
    session
        .set_answer("child[1]/child_age".into(), int(7))
        .unwrap();
    assert!(session.next().unwrap().moved);
    session.add_repeat("child".into()).unwrap();
    session
        .set_answer("child[2]/child_name".into(), text("Giàng Thị Mai"))
        .unwrap();
    let update = session
        .set_answer("child[2]/child_age".into(), int(19))
        .unwrap();
    assert_eq!(
        update.answers[0].error.as_deref(),
        Some("Tuổi phải từ 0 đến 17.")
    );
    assert!(!session.next().unwrap().moved);

    // The phone dies here: the draft reopens on the same page with every answer.
    let before = session.screen().unwrap();
    drop(session);
    let session = app.resume_survey(id).unwrap();
    assert_eq!(session.screen().unwrap(), before);
    assert_eq!(
        error_of(&session, "child[2]/child_age").as_deref(),
        Some("Tuổi phải từ 0 đến 17.")
    );

    // Switching the label language changes the constraint message too.
    session.set_language("en".into()).unwrap();
    assert_eq!(
        error_of(&session, "child[2]/child_age").as_deref(),
        Some("The age must be between 0 and 17.")
    );
    session.set_language("vi".into()).unwrap();

    // Finalizing now lists the problem, with where to jump.
    match session.finalize().unwrap() {
        FinalizeOutcome::NeedsAttention { problems } => {
            assert_eq!(problems.len(), 1);
            assert_eq!(problems[0].question, "child[2]/child_age");
        }
        other => panic!("expected problems, got {other:?}"),
    }
    session
        .set_answer("child[2]/child_age".into(), int(15))
        .unwrap();
    // Remove the first child again: the second moves up.
    session.remove_repeat("child[1]".into()).unwrap();
    let targets = session.jump_targets().unwrap();
    assert!(
        targets
            .iter()
            .any(|t| t.path == "child[1]/child_name" && t.answered)
    );
    assert!(!targets.iter().any(|t| t.path.starts_with("child[2]")));

    // A photo from the camera answers the image question.
    session.jump("photo".into()).unwrap();
    let photo = jpeg(dir.path(), "camera.jpg");
    let update = session
        .attach_photo("photo".into(), photo.to_string_lossy().into_owned())
        .unwrap();
    let Some(Answer::Photo { sha256 }) = update.answers[0].value.clone() else {
        panic!("no photo answer")
    };
    assert!(!app.photo_thumbnail(sha256.clone()).unwrap().is_empty());

    let FinalizeOutcome::Finalized { submission } = session.finalize().unwrap() else {
        panic!("not finalized")
    };
    assert_eq!(
        (
            submission.uuid,
            submission.state,
            submission.title.as_deref()
        ),
        (id, RecordState::Finalized, Some("Thào Thị Dợ"))
    );
    // The session is finished; the submission is listed and counted, and waits to be sent.
    assert!(matches!(
        session.screen(),
        Err(BranchbookError::WrongState { .. })
    ));
    let listed = app
        .list_submissions(
            SubmissionFilter {
                state: Some(RecordState::Finalized),
                ..Default::default()
            },
            0,
            20,
        )
        .unwrap();
    assert_eq!(listed.iter().map(|s| s.uuid).collect::<Vec<_>>(), [id]);
    let home = app.home_counts().unwrap();
    assert_eq!((home.survey_drafts, home.surveys_ready), (0, 1));
    let outbox = app.outbox_status().unwrap();
    assert!(
        outbox.records_waiting >= 2,
        "the submission and its audit entries"
    );
    assert_eq!(outbox.photos_waiting, 1);
    assert!(outbox.photo_bytes_waiting > 0);

    // Editing makes a new revision; abandoning the edit keeps the finalized one.
    let edit = app.edit_submission(id).unwrap();
    assert_eq!(edit.submission().unwrap().revision, 2);
    drop(edit);
    app.delete_draft(id).unwrap();
    assert_eq!(app.submission(id).unwrap().revision, 1);
}

#[test]
fn the_household_survey_is_imported_from_xlsx_and_speaks_vietnamese() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let bytes =
        std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("../forms/household_survey.xlsx"))
            .unwrap();
    let form = app.import_form_xlsx(bytes.clone()).unwrap();
    assert_eq!(form.default_language.as_deref(), Some("Tiếng Việt (vi)"));
    assert_eq!(
        app.import_form_xlsx(bytes).unwrap(),
        form,
        "importing the same version again is a no-op"
    );
    let household = app
        .create_household(HouseholdInput {
            village: "Mò Phu Chải".into(),
            head_name: "Giàng A Páo".into(),
            ..Default::default()
        })
        .unwrap();

    let session = app
        .start_survey(
            form.form_id.clone(),
            None,
            Some(household.uuid),
            Some("vi".into()),
        )
        .unwrap();
    let mut answered_birth_year = false;
    for _ in 0..20 {
        let screen = session.screen().unwrap();
        let Some(q) = screen
            .questions
            .iter()
            .find(|q| q.kind != QuestionKind::Note && !q.read_only && q.value.is_none())
        else {
            assert!(session.next().unwrap().moved);
            continue;
        };
        match q.name.as_str() {
            "head_birth_year" => {
                let update = session.set_answer(q.path.clone(), int(1850)).unwrap();
                assert_eq!(
                    update.answers[0].error.as_deref(),
                    Some("Năm sinh phải từ 1900 đến năm nay.")
                );
                session.set_answer(q.path.clone(), int(1978)).unwrap();
                answered_birth_year = true;
                break;
            }
            "consent" => drop(
                session
                    .set_answer(q.path.clone(), Answer::Choice { name: "yes".into() })
                    .unwrap(),
            ),
            "commune" => drop(
                session
                    .set_answer(
                        q.path.clone(),
                        Answer::Choice {
                            name: "y_ty".into(),
                        },
                    )
                    .unwrap(),
            ),
            "village" => drop(
                session
                    .set_answer(
                        q.path.clone(),
                        Answer::Choice {
                            name: "mo_phu_chai".into(),
                        },
                    )
                    .unwrap(),
            ),
            "head_name" => drop(
                session
                    .set_answer(q.path.clone(), text("Giàng A Páo"))
                    .unwrap(),
            ),
            "head_sex" => drop(
                session
                    .set_answer(
                        q.path.clone(),
                        Answer::Choice {
                            name: "male".into(),
                        },
                    )
                    .unwrap(),
            ),
            _ => assert!(session.next().unwrap().moved, "stuck at {}", q.path),
        }
    }
    assert!(answered_birth_year);
    // A wrong choice name is a typed error naming the question.
    let e = session
        .set_answer(
            "head_sex".into(),
            Answer::Choice {
                name: "martian".into(),
            },
        )
        .unwrap_err();
    assert!(
        matches!(e, BranchbookError::InvalidInput { field: InputField::Question { ref path }, .. } if path == "head_sex"),
        "{e:?}"
    );
    // The visit is in the household's history.
    let visits = app.household_visits(household.uuid, 0, 10).unwrap();
    assert_eq!(
        visits.iter().map(|v| (v.uuid, v.state)).collect::<Vec<_>>(),
        [(session.submission_id(), RecordState::Draft)]
    );
    // The household screen lists it as the core's row: a draft continues on a tap.
    let rows = app
        .household_visit_rows(household.uuid, 0, 10, UiLanguage::Vi)
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].draft);
    assert_eq!(rows[0].row.id, session.submission_id().to_string());
    assert!(
        rows[0].row.detail.starts_with("Đang làm dở · "),
        "{}",
        rows[0].row.detail
    );
    assert!(!rows[0].row.title.is_empty());
    assert_eq!(app.home_counts().unwrap().survey_drafts, 1);
}

#[test]
fn households_are_edited_searched_without_diacritics_and_protected_from_stale_edits() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let member = |name: &str, sex| MemberInput {
        id: None,
        name: name.into(),
        sex,
        birth_year: Some(1982),
        ethnicity: Some("Mông".into()),
        relation: "vợ".into(),
    };
    let h = app
        .create_household(HouseholdInput {
            village: "Bản Phùng".into(),
            head_name: "Vàng A Dình".into(),
            members: vec![member("Thào Thị Dợ", Sex::Female)],
            ..Default::default()
        })
        .unwrap();
    assert_eq!(h.body.members[0].ethnicity.as_deref(), Some("hmong"));
    let found = app.search_households("thao thi do".into(), 0, 10).unwrap();
    assert_eq!(found.iter().map(|f| f.uuid).collect::<Vec<_>>(), [h.uuid]);

    let mut input = HouseholdInput {
        village: h.body.village.clone(),
        head_name: "Vàng A Dình".into(),
        ..Default::default()
    };
    input.members = h
        .body
        .members
        .iter()
        .map(|m| MemberInput {
            id: Some(m.id),
            ..member(&m.name, m.sex)
        })
        .collect();
    input.members.push(member("Vàng Thị Mỷ", Sex::Female));
    let h2 = app
        .edit_household(h.uuid, h.revision, input.clone())
        .unwrap();
    assert_eq!((h2.revision, h2.body.members.len()), (2, 2));
    assert!(matches!(
        app.edit_household(h.uuid, 1, input),
        Err(BranchbookError::Stale { .. })
    ));
    assert_eq!(app.household_revisions(h.uuid).unwrap().len(), 2);

    app.set_household_archived(h.uuid, 2, true).unwrap();
    assert!(
        app.search_households("thao".into(), 0, 10)
            .unwrap()
            .is_empty()
    );
    assert!(app.list_households(None, false, 0, 10).unwrap().is_empty());
    assert_eq!(app.list_households(None, true, 0, 10).unwrap().len(), 1);

    let empty = HouseholdInput {
        village: " ".into(),
        head_name: "X".into(),
        ..Default::default()
    };
    assert!(matches!(
        app.create_household(empty),
        Err(BranchbookError::InvalidInput {
            field: InputField::Village,
            member: None,
            ..
        })
    ));
    assert!(
        matches!(app.household(Uuid::now_v7()), Err(BranchbookError::NotFound { what, .. }) if what == "household")
    );
}

#[test]
fn a_gathering_checks_in_members_and_walk_ins_with_photos_and_live_totals() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let csv = dir.path().join("roster.csv");
    std::fs::write(&csv, "ho_ten,sex,birth_year,ethnicity,village\nThào Thị Dợ,female,1982,Mông,Bản Phùng\nLò Thị Mai,female,1990,Thái,Bản Phùng\nGiàng A Páo,male,1978,hmong,Bản Phùng\n")
        .unwrap();
    let imported = app
        .import_roster_csv(csv.to_string_lossy().into_owned(), RosterChange::Replace)
        .unwrap();
    assert_eq!(imported.added, 3);

    let g = app
        .create_gathering(GatheringDetails {
            kind: GatheringKind::PolicyDialogue,
            topic: "Phòng chống tảo hôn".into(),
            village: "Bản Phùng".into(),
            starts_at: Utc::now(),
            facilitator: "Lò Thị Mai".into(),
            notes: String::new(),
        })
        .unwrap();
    let candidates = app.check_in_candidates(g.uuid, "thao".into(), 10).unwrap();
    assert_eq!(candidates.len(), 1);
    assert!(!candidates[0].checked_in);
    let dợ = candidates[0].member.id;
    let first = app.check_in(g.uuid, dợ).unwrap();
    assert_eq!(first.totals.total, 1);
    assert_eq!(
        app.check_in(g.uuid, dợ).unwrap().attendee,
        first.attendee,
        "a second tap changes nothing"
    );
    assert!(app.check_in_candidates(g.uuid, "thao".into(), 10).unwrap()[0].checked_in);
    let páo = app.search_members("giang a pao".into(), 0, 5).unwrap()[0].id;
    app.check_in(g.uuid, páo).unwrap();

    let walk_in = WalkIn {
        name: "Sùng Thị Chở".into(),
        sex: Sex::Female,
        birth_year: None,
        age_group: Some(AgeGroup::Youth),
        ethnicity: Some("dao".into()),
    };
    let after = app.add_walk_in(g.uuid, walk_in.clone()).unwrap();
    assert_eq!(after.totals.total, 3);
    let women = after
        .totals
        .by_sex
        .iter()
        .find(|c| c.sex == Sex::Female)
        .map(|c| c.count);
    assert_eq!(women, Some(2));
    let hmong = after
        .totals
        .by_ethnicity
        .iter()
        .find(|c| c.ethnicity.as_deref() == Some("hmong"))
        .map(|c| c.count);
    assert_eq!(hmong, Some(2));
    let no_age = WalkIn {
        age_group: None,
        ..walk_in
    };
    assert!(matches!(
        app.add_walk_in(g.uuid, no_age),
        Err(BranchbookError::InvalidInput {
            field: InputField::Age,
            ..
        })
    ));
    assert_eq!(
        app.remove_attendee(g.uuid, after.attendee.id)
            .unwrap()
            .total,
        2
    );

    let photo = app
        .attach_gathering_photo(
            g.uuid,
            jpeg(dir.path(), "g.jpg").to_string_lossy().into_owned(),
        )
        .unwrap();
    assert_eq!(
        app.gathering_photos(g.uuid).unwrap(),
        std::slice::from_ref(&photo)
    );
    assert!(
        app.photo_jpeg(photo.sha256.clone())
            .unwrap()
            .starts_with(&[0xFF, 0xD8])
    );
    let not_a_photo = dir.path().join("notes.txt");
    std::fs::write(&not_a_photo, "not an image").unwrap();
    assert!(matches!(
        app.attach_gathering_photo(g.uuid, not_a_photo.to_string_lossy().into_owned()),
        Err(BranchbookError::PhotoUnreadable { .. })
    ));
    assert_eq!(app.home_counts().unwrap().open_gatherings, 1);

    let closed = app.close_gathering(g.uuid).unwrap();
    assert_eq!(
        (closed.state, closed.attendee_count, closed.photo_count),
        (RecordState::Finalized, 2, 1)
    );
    assert!(matches!(
        app.check_in(g.uuid, dợ),
        Err(BranchbookError::WrongState { .. })
    ));
    let home = app.home_counts().unwrap();
    assert_eq!((home.open_gatherings, home.gatherings_ready), (0, 1));
    assert_eq!(app.outbox_status().unwrap().photos_waiting, 1);
}

#[test]
fn a_form_with_mistakes_is_refused_with_every_problem() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/child_register.json"),
    )
    .unwrap()
    .replace(". >= 0 and . < 18", ". >= ${nowhere}")
    .replace(
        "\"instance_name\": \"${mother}\"",
        "\"instance_name\": \"${nobody}\"",
    );
    match app.import_form_json(json) {
        Err(BranchbookError::FormInvalid { problems }) => {
            assert!(problems.len() >= 2, "{problems:?}")
        }
        other => panic!("expected FormInvalid, got {other:?}"),
    }
    assert!(matches!(
        app.import_form_json("{}".into()),
        Err(BranchbookError::InvalidInput {
            field: InputField::Form,
            ..
        })
    ));
    assert!(matches!(
        app.import_form_xlsx(b"PK not really".to_vec()),
        Err(BranchbookError::InvalidInput { .. })
    ));
    assert!(app.list_forms(false).unwrap().is_empty());
    assert!(matches!(
        app.start_survey("child_register".into(), None, None, None),
        Err(BranchbookError::NotFound { .. })
    ));
}

/// A form copied onto the phone with its media folder: refused without a file it
/// names, then imported with them; the survey's question names its picture, its
/// choices theirs, a note its sound, in the label language, and the bytes come back
/// for the app to draw.
#[test]
fn a_form_is_imported_with_its_pictures_and_its_questions_name_them() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data");
    let json = std::fs::read_to_string(data.join("water_source.json")).unwrap();
    let file = |name: &str| FormFileBytes {
        name: name.into(),
        bytes: std::fs::read(data.join("water_source").join(name)).unwrap(),
    };
    let names = [
        "water.png",
        "question.wav",
        "tap.png",
        "well.png",
        "stream.png",
    ];
    match app
        .import_form_json_with_files(json.clone(), names[..4].iter().map(|n| file(n)).collect())
    {
        Err(BranchbookError::FormFilesMissing { missing, .. }) => {
            assert_eq!(missing, ["stream.png"], "a choice's picture is needed too")
        }
        other => panic!("expected FormFilesMissing, got {other:?}"),
    }
    assert!(app.list_forms(false).unwrap().is_empty());
    let form = app
        .import_form_json_with_files(json, names.iter().map(|n| file(n)).collect())
        .unwrap();
    assert_eq!(form.files_missing, 0);
    let session = app
        .start_survey(form.form_id.clone(), None, None, Some("hmn".into()))
        .unwrap();
    let question = &session.screen().unwrap().questions[0];
    assert_eq!(question.label, "Koj tsev neeg nqa dej haus qhov twg?");
    let media = question.media.clone().unwrap();
    assert_eq!(media.image.as_deref(), Some("water.png"));
    assert_eq!(media.big_image.as_deref(), Some("water.png"));
    let pictures: Vec<Option<String>> = question
        .choices
        .iter()
        .map(|c| c.media.clone().and_then(|m| m.image))
        .collect();
    assert_eq!(
        pictures,
        [
            Some("tap.png".into()),
            Some("well.png".into()),
            Some("stream.png".into())
        ]
    );
    let png = app
        .form_file(
            form.form_id.clone(),
            form.version.clone(),
            "water.png".into(),
        )
        .unwrap();
    assert_eq!(png, file("water.png").bytes);
    assert_eq!(session.form_file("water.png".into()).unwrap(), png);
    assert!(matches!(
        session.form_file("other.png".into()),
        Err(BranchbookError::NotFound { .. })
    ));
    assert!(png.starts_with(b"\x89PNG"));
    session
        .set_answer(
            question.path.clone(),
            Answer::Choice {
                name: "well".into(),
            },
        )
        .unwrap();
    let turn = session.next().unwrap();
    assert!(turn.moved);
    let sound = turn.screen.questions[0].media.clone().unwrap();
    assert_eq!(sound.audio.as_deref(), Some("question.wav"));
    assert_eq!(sound.image, None);
}

/// Finding 4 of issue 13 through the facade: a form whose relevance is a flat chain of
/// 100,000 terms (once a stack overflow that aborts the whole app) is refused with a
/// typed error naming its cell, on a thread with a phone's 1 MiB stack, and the app goes
/// on working.
#[test]
fn an_expression_of_100000_terms_is_a_typed_refusal_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let chain = vec!["1 = 1"; 100_000].join(" and ");
    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/child_register.json"),
    )
    .unwrap()
    .replacen(
        "\"relevant\": null",
        &format!("\"relevant\": \"{chain}\""),
        1,
    );
    assert!(json.len() > 600_000, "the chain is in the form");
    let phone = Arc::clone(&app);
    let refused = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(move || phone.import_form_json(json))
        .unwrap()
        .join()
        .expect("no stack overflow, no panic");
    match refused {
        Err(BranchbookError::FormInvalid { problems }) => {
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].column, "relevant");
            assert!(problems[0].message.contains("too long"), "{problems:?}");
            assert!(problems[0].message.len() < 1000, "{problems:?}");
        }
        other => panic!("expected FormInvalid, got {other:?}"),
    }
    assert!(app.list_forms(false).unwrap().is_empty(), "nothing stored");
    child_register(&app);
    assert_eq!(app.list_forms(false).unwrap().len(), 1, "the app goes on");
}

#[test]
fn an_encrypted_data_folder_needs_its_key() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_string_lossy().into_owned();
    let app = Branchbook::open(
        path.clone(),
        Some(vec![7; 32]),
        "d".into(),
        AppRelease::default(),
    )
    .unwrap();
    child_register(&app);
    drop(app);
    assert!(matches!(
        Branchbook::open(
            path.clone(),
            Some(vec![8; 32]),
            "d".into(),
            AppRelease::default()
        ),
        Err(BranchbookError::WrongKey { .. })
    ));
    assert!(matches!(
        Branchbook::open(path.clone(), None, "d".into(), AppRelease::default()),
        Err(BranchbookError::WrongKey { .. })
    ));
    assert!(matches!(
        Branchbook::open(
            path.clone(),
            Some(vec![7; 16]),
            "d".into(),
            AppRelease::default()
        ),
        Err(BranchbookError::InvalidInput {
            field: InputField::Key,
            ..
        })
    ));
    let app = Branchbook::open(path, Some(vec![7; 32]), "d".into(), AppRelease::default()).unwrap();
    assert_eq!(app.list_forms(false).unwrap().len(), 1);
    let usage = app.storage_usage().unwrap();
    assert!(usage.database_bytes > 0);
}

#[test]
fn one_app_object_serves_a_survey_and_readers_on_other_threads() {
    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    child_register(&app);
    let session = app
        .start_survey("child_register".into(), None, None, None)
        .unwrap();
    session
        .set_answer("mother".into(), text("Lò Thị Mai"))
        .unwrap();
    session.next().unwrap();
    std::thread::scope(|s| {
        let writer = s.spawn(|| {
            for i in 0..30 {
                session.add_repeat("child".into()).unwrap();
                session
                    .set_answer(format!("child[{}]/child_name", i + 1), text("Con"))
                    .unwrap();
                session
                    .set_answer(format!("child[{}]/child_age", i + 1), int(i % 18))
                    .unwrap();
                assert!(session.next().unwrap().moved);
            }
        });
        let readers: Vec<_> = (0..3)
            .map(|_| {
                s.spawn(|| {
                    for _ in 0..30 {
                        assert_eq!(app.submission_counts(None).unwrap().drafts, 1);
                        app.list_submissions(SubmissionFilter::default(), 0, 10)
                            .unwrap();
                        session.jump_targets().unwrap();
                    }
                })
            })
            .collect();
        writer.join().unwrap();
        for r in readers {
            r.join().unwrap();
        }
    });
    drop(session);
    let id = app
        .list_submissions(SubmissionFilter::default(), 0, 1)
        .unwrap()[0]
        .uuid;
    let reopened = app.resume_survey(id).unwrap();
    assert_eq!(
        reopened
            .jump_targets()
            .unwrap()
            .iter()
            .filter(|t| t.path.ends_with("/child_age"))
            .count(),
        30
    );
}

#[test]
fn the_edit_screens_keep_her_draft_and_save_through_the_store() {
    use branchbook_core::editing::{GatheringEdit, HouseholdEdit, WalkInEdit};

    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());

    // A household: the birth year she typed is read by the core, refused on her row.
    let form = app.household_editor(None, UiLanguage::Vi).unwrap();
    for edit in [
        HouseholdEdit::Village {
            text: "Bản Phùng".into(),
        },
        HouseholdEdit::HeadName {
            text: "Giàng A Páo".into(),
        },
        HouseholdEdit::AddMember,
        HouseholdEdit::MemberName {
            member: 0,
            text: "Giàng A Sử".into(),
        },
        HouseholdEdit::MemberBirthYear {
            member: 0,
            text: "20l5".into(),
        },
    ] {
        form.edit(edit);
    }
    assert!(matches!(
        form.save(),
        Err(BranchbookError::InvalidInput {
            field: InputField::BirthYear,
            member: Some(0),
            ..
        })
    ));
    assert_eq!(
        form.screen().members[0].invalid,
        Some(InputField::BirthYear)
    );
    assert!(
        app.list_households(None, false, 0, 10).unwrap().is_empty(),
        "nothing saved"
    );
    let shown = form.edit(HouseholdEdit::MemberBirthYear {
        member: 0,
        text: " 2015 ".into(),
    });
    assert_eq!(shown.error, None);
    let saved = form.save().unwrap();
    assert_eq!(saved.body.members[0].birth_year, Some(2015));
    form.edit(HouseholdEdit::Notes {
        text: "gần trường".into(),
    });
    assert_eq!(
        form.save().unwrap().revision,
        2,
        "the next save is the next revision"
    );

    // Opened on the household: its values as text, the member's id kept.
    let again = app
        .household_editor(Some(saved.uuid), UiLanguage::Vi)
        .unwrap();
    assert_eq!(again.screen().members[0].birth_year, "2015");
    assert_eq!(again.screen().members[0].id, Some(saved.body.members[0].id));

    // A gathering, then a walk-in with her birth year as typed.
    let details = app.gathering_editor(None, UiLanguage::Vi).unwrap();
    details.edit(GatheringEdit::Topic {
        text: "Nuôi con khỏe".into(),
    });
    assert!(details.save().is_err(), "a village is needed");
    assert_eq!(details.screen().invalid, Some(InputField::Village));
    details.edit(GatheringEdit::Village {
        text: "Bản Phùng".into(),
    });
    let picked = details.screen().picker;
    details.edit(GatheringEdit::StartsAt {
        fields: PickerFields {
            hour: 8,
            minute: 30,
            ..picked
        },
    });
    let gathering = details.save().unwrap();
    assert_eq!(
        i18n_time(gathering.details.starts_at),
        "08:30",
        "picked on Vietnam's clock"
    );
    let walk_in = app.walk_in_editor(gathering.uuid, UiLanguage::Vi);
    walk_in.edit(WalkInEdit::Name {
        text: "Sùng Thị Chở".into(),
    });
    assert!(walk_in.add().is_err());
    assert_eq!(
        walk_in.screen().error.as_deref(),
        Some("Hãy ghi năm sinh hoặc chọn độ tuổi.")
    );
    walk_in.edit(WalkInEdit::BirthYear {
        text: "1990".into(),
    });
    assert_eq!(walk_in.add().unwrap().totals.total, 1);

    let page = app.settings_page(UiLanguage::Vi, None).unwrap();
    assert_eq!(
        page.version, "Phiên bản 1.4.2 (57)",
        "the release the app opened the core with"
    );
    assert_eq!(
        page.account,
        ["Tài khoản: lo.thi.mai"],
        "not enrolled: no branch yet"
    );
    assert!(page.form_languages[0].chosen);
}

/// The hour and minute of `at` on Vietnam's clock.
fn i18n_time(at: chrono::DateTime<Utc>) -> String {
    let text = branchbook_core::i18n::format_instant(at, UiLanguage::Vi);
    text.rsplit(' ').next().unwrap_or_default().to_owned()
}

/// A form whose `audit` asks for locations tells the app how to ask for them and keeps
/// the fixes the phone hands in; the log saved with the draft carries them on the events
/// that start after a fix, and a fix off Earth is a typed refusal. Other forms ask for none.
#[test]
fn an_audited_form_asks_for_locations_and_its_log_carries_them() {
    use branchbook_core::engine::{AuditLocationRequest, EventLocation, LocationPriority};
    use branchbook_core::store::Store;

    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    child_register(&app);
    let plain = app
        .start_survey("child_register".into(), None, None, None)
        .unwrap();
    assert_eq!(plain.audit_location_request().unwrap(), None);
    drop(plain);

    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/located_visit.json"),
    )
    .unwrap();
    app.import_form_json(json).unwrap();
    let session = app
        .start_survey("located_visit".into(), None, None, None)
        .unwrap();
    assert_eq!(
        session.audit_location_request().unwrap(),
        Some(AuditLocationRequest {
            priority: LocationPriority::Balanced,
            min_interval_seconds: 30.0,
            max_age_seconds: 60.0,
        })
    );
    assert!(matches!(
        session.note_audit_location(91.0, 105.0, 5.0, Utc::now()),
        Err(BranchbookError::InvalidInput { .. })
    ));
    assert!(matches!(
        session.note_audit_location(22.3, 103.8, f64::NAN, Utc::now()),
        Err(BranchbookError::InvalidInput { .. })
    ));
    session
        .note_audit_location(22.34, 103.84, 8.0, Utc::now())
        .unwrap();
    session
        .set_answer("head".into(), text("Thào Thị Dợ"))
        .unwrap();
    assert!(session.next().unwrap().moved);
    let id = session.submission_id();
    drop(session);
    drop(app);

    let store = Store::open(&dir.path().join("branchbook.db"), None).unwrap();
    let log = store.resume(id).unwrap().audit_log().to_vec();
    let here = EventLocation {
        latitude: 22.34,
        longitude: 103.84,
        accuracy: 8.0,
    };
    let located: Vec<_> = log
        .iter()
        .filter(|e| e.location == Some(here))
        .map(|e| e.node.clone())
        .collect();
    assert!(
        located.contains(&Some("village".into())),
        "the page shown after the fix carries it: {log:?}"
    );
    assert!(
        log.iter()
            .filter(|e| e.location.is_some())
            .all(|e| e.location == Some(here)),
        "refused fixes are not kept"
    );
}

#[test]
fn a_road_and_a_field_are_walked_point_by_point_and_finalized_as_odk_text() {
    use branchbook_core::engine::GeoPoint;
    use branchbook_core::i18n::geo_line_view;
    use branchbook_core::store::Store;

    let dir = tempfile::tempdir().unwrap();
    let app = open(dir.path());
    let json = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/data/village_paths.json"),
    )
    .unwrap();
    app.import_form_json(json).unwrap();
    let session = app
        .start_survey("village_paths".into(), None, None, None)
        .unwrap();
    let at = |latitude, longitude| GeoPoint {
        latitude,
        longitude,
        altitude: Some(1450.0),
        accuracy: Some(4.0),
    };
    let road = || session.screen().unwrap().questions[0].clone();
    assert_eq!(road().kind, QuestionKind::Geotrace);
    let view = geo_line_view(&road(), UiLanguage::Vi);
    assert_eq!(view.summary, "Chưa có điểm nào.");
    assert!(view.can_add_point && !view.can_remove_last);

    session
        .add_line_point("road".into(), at(22.63, 103.62))
        .unwrap();
    assert_eq!(
        error_of(&session, "road").as_deref(),
        Some("Cần thêm 1 điểm nữa: một đường đi cần ít nhất 2 điểm khác nhau.")
    );
    assert!(!session.next().unwrap().moved);
    assert!(matches!(
        session.add_line_point("road".into(), at(22.63, 200.0)),
        Err(BranchbookError::InvalidInput { .. })
    ));

    // The walk in progress is in the draft: a phone that dies keeps it.
    let id = session.submission_id();
    drop(session);
    let session = app.resume_survey(id).unwrap();
    let road = || session.screen().unwrap().questions[0].clone();
    assert_eq!(
        road().value,
        Some(Answer::GeoLine {
            points: vec![at(22.63, 103.62)]
        })
    );
    session
        .add_line_point("road".into(), at(22.631, 103.62))
        .unwrap();
    session
        .add_line_point("road".into(), at(22.632, 103.62))
        .unwrap();
    session.remove_last_line_point("road".into()).unwrap();
    assert_eq!(
        geo_line_view(&road(), UiLanguage::En).summary,
        "2 points · 111 m long"
    );
    assert!(session.next().unwrap().moved);

    for p in [at(0.0, 0.0), at(0.0, 0.001), at(0.001, 0.001)] {
        session.add_line_point("field".into(), p).unwrap();
    }
    let FinalizeOutcome::Finalized { submission } = session.finalize().unwrap() else {
        panic!("not finalized");
    };
    drop(session);
    drop(app);
    let store = Store::open(&dir.path().join("branchbook.db"), None).unwrap();
    let data = store
        .submission_data(submission.uuid, submission.revision)
        .unwrap();
    assert_eq!(
        data["road"], "22.63 103.62 1450 4;22.631 103.62 1450 4",
        "{data}"
    );
    assert_eq!(
        data["field"],
        "0 0 1450 4;0 0.001 1450 4;0.001 0.001 1450 4;0 0 1450 4"
    );
    assert_eq!(data["road_m"], "111");
}
