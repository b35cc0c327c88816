//! Test data: the household survey form, and builders for households, submissions,
//! gatherings with attendees, and photos.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)] // test data: a bad fixture is a broken test

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::protocol::{
    Attendee, GatheringBody, HouseholdBody, HouseholdMember, PhotoRef, Record, RecordBody,
    SubmissionBody,
};
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::{Value, json};
use uuid::Uuid;

/// Names that appear in the test data and must never appear in logs.
pub const SENSITIVE_NAMES: &[&str] = &["Thào Thị Dợ", "Lò Văn Páo", "Giàng Thị Sua"];

/// The example household survey (core/forms/household_survey.xlsx), with what a valid
/// submission of it looks like.
pub struct FormFixture {
    /// What is uploaded to publish it (the .xlsx).
    pub upload: Vec<u8>,
    /// Its id.
    pub form_id: String,
    /// Its version.
    pub version: String,
    /// The repeat whose instances go to the second CSV.
    pub repeat: String,
    /// The select_multiple question (its CSV path), its choices and their labels.
    pub multi_path: String,
    /// The names of that question's choices.
    pub multi_choices: Vec<String>,
    /// Their labels in the form's default language.
    pub multi_labels: Vec<String>,
}

impl FormFixture {
    /// Answers of the i-th test submission that the form accepts: a consenting household
    /// of `members_of(i) + 1` people, a loan from the choices at `i % n` (and the next
    /// when i is even), and the house photo.
    pub fn data(&self, i: usize, photo: Option<&str>) -> Value {
        let n = self.multi_choices.len();
        let mut chosen = vec![self.multi_choices[i % n].clone()];
        if i.is_multiple_of(2) {
            chosen.push(self.multi_choices[(i + 1) % n].clone());
        }
        let members: Vec<Value> = (0..self.members_of(i))
            .map(|m| {
                json!({
                    "member_name": format!("{} {m}", SENSITIVE_NAMES[m % 3]),
                    "member_relation": if m == 0 { "spouse" } else { "child" },
                    "member_sex": if m.is_multiple_of(2) { "female" } else { "male" },
                    "member_birth_year": 1980 + ((i + m) % 15) as i64,
                    "member_ethnicity": "hmong",
                    "member_married": "no",
                })
            })
            .collect();
        let mut head = json!({
            "head_name": format!("{} {i}", SENSITIVE_NAMES[i % 3]),
            "head_sex": if i.is_multiple_of(2) { "female" } else { "male" },
            "head_birth_year": 1960 + (i % 30) as i64,
            "head_ethnicity": "hmong",
            "hh_size": self.members_of(i) + 1,
        });
        if let Some(sha) = photo {
            head["house_photo"] = json!(sha);
        }
        json!({
            "consent": "yes",
            "location": {"commune": "y_ty", "village": "lao_chai"},
            "head": head,
            "member": members,
            "credit": {
                "has_loan": "yes",
                "loan_source": chosen,
                "loan_amount": 10.5 + (i % 100) as f64,
                "loan_purpose": "farming",
                "loan_in_womans_name": "yes",
            },
            "marriage": {"legal_age_female": "age18", "consanguinity_harm": "yes"},
            "motherhood": {"birth_2y": "no"},
            "violence": {"violence_private": "no"},
            "closing": {"confidentiality": true},
        })
    }

    /// Members (besides the head) in the i-th submission.
    pub fn members_of(&self, i: usize) -> usize {
        i % 3 + 1
    }

    /// True when the i-th submission chose `choice`.
    pub fn chose(&self, i: usize, choice: &str) -> bool {
        let n = self.multi_choices.len();
        self.multi_choices[i % n] == choice
            || (i.is_multiple_of(2) && self.multi_choices[(i + 1) % n] == choice)
    }
}

/// The example household survey, read with the core to learn its id, version and choices.
pub fn household_form() -> FormFixture {
    let upload = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../core/forms/household_survey.xlsx"
    ))
    .unwrap();
    let compiled = branchbook_core::form::load_xlsx(&upload).unwrap();
    let form = compiled.form();
    let list = &form.choices["loan_source"];
    let language = form.default_language.clone().unwrap_or_default();
    FormFixture {
        form_id: form.id.clone(),
        version: form.version.clone(),
        repeat: "member".into(),
        multi_path: "credit/loan_source".into(),
        multi_choices: list.choices.iter().map(|c| c.name.clone()).collect(),
        multi_labels: list
            .choices
            .iter()
            .map(|c| c.label.0[&language].clone())
            .collect(),
        upload,
    }
}

fn field(name: &str, kind: Value, label: &str, row: u32) -> Value {
    json!({
        "node": "field", "name": name, "kind": kind, "label": {"Tiếng Việt (vi)": label}, "hint": {},
        "required": null, "required_message": {}, "relevant": null, "constraint": null, "constraint_message": {},
        "calculation": null, "default": null, "read_only": null, "choice_filter": null, "appearance": null,
        "parameters": {}, "source": {"sheet": "survey", "row": row}
    })
}

fn choices(name: &str, items: &[(&str, &str)]) -> Value {
    let list: Vec<Value> = items
        .iter()
        .enumerate()
        .map(|(i, (n, l))| json!({"name": n, "label": {"Tiếng Việt (vi)": l}, "extra": {}, "source": {"sheet": "choices", "row": i + 2}}))
        .collect();
    json!({"name": name, "choices": list})
}

/// A small household survey as the form model's JSON (for the tests of form upload).
pub fn model_form_json(version: &str) -> Value {
    json!({
        "id": "household_survey", "version": version, "title": "Khảo sát hộ gia đình",
        "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}],
        "instance_name": null,
        "body": [
            {"node": "group", "name": "visit", "label": {"Tiếng Việt (vi)": "Thăm hộ"}, "relevant": null, "appearance": null, "source": {"sheet": "survey", "row": 2},
             "children": [
                field("head_name", json!({"type": "text"}), "Tên chủ hộ", 3),
                field("water", json!({"type": "select_one", "list": "water", "or_other": false}), "Nguồn nước", 4),
                field("assets", json!({"type": "select_multiple", "list": "assets", "or_other": false}), "Tài sản", 5),
                field("n_members", json!({"type": "integer"}), "Số thành viên", 6),
             ]},
            {"node": "repeat", "name": "members", "label": {"Tiếng Việt (vi)": "Thành viên"}, "relevant": null, "repeat_count": null, "appearance": null, "source": {"sheet": "survey", "row": 8},
             "children": [
                field("m_name", json!({"type": "text"}), "Tên", 9),
                field("m_sex", json!({"type": "select_one", "list": "sex", "or_other": false}), "Giới tính", 10),
                field("m_birth", json!({"type": "integer"}), "Năm sinh", 11),
             ]},
            field("photo", json!({"type": "image"}), "Ảnh", 13),
        ],
        "choices": {
            "water": choices("water", &[("tap", "Nước máy"), ("well", "Giếng"), ("stream", "Suối")]),
            "assets": choices("assets", &[("tv", "Ti vi"), ("radio", "Đài"), ("motorbike", "Xe máy"), ("phone", "Điện thoại")]),
            "sex": choices("sex", &[("female", "Nữ"), ("male", "Nam")]),
        }
    })
}

/// The table a [`pulldata_form_json`] form reads: each fruit's colour.
pub const FRUITS_CSV: &str = "name,color\napple,đỏ\nbanana,vàng\n";

/// A form whose `color` is `pulldata('fruits', 'color', 'name', ${fruit})`: it needs the
/// attached file `fruits.csv` ([`FRUITS_CSV`]) and carries no table of its own.
pub fn pulldata_form_json(version: &str) -> Value {
    let mut color = field("color", json!({"type": "calculate"}), "Màu", 3);
    color["calculation"] = json!("pulldata('fruits', 'color', 'name', ${fruit})");
    color["label"] = json!({});
    json!({
        "id": "fruit_survey", "version": version, "title": "Khảo sát trái cây",
        "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}],
        "instance_name": null,
        "body": [
            field("fruit", json!({"type": "select_one", "list": "fruit", "or_other": false}), "Quả", 2),
            color,
        ],
        "choices": {
            "fruit": choices("fruit", &[("apple", "Táo"), ("banana", "Chuối")]),
        }
    })
}

/// A fixed day in the test period (2026-03-01 UTC) plus `minutes`.
pub fn at(minutes: i64) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).single().unwrap() + Duration::minutes(minutes)
}

/// A household record.
pub fn household(uuid: Uuid, revision: u32, i: usize) -> Record {
    Record {
        uuid,
        revision,
        created_at: at(i as i64),
        body: RecordBody::Household(HouseholdBody {
            village: "Bản Phìn Hồ".into(),
            address: format!("nhà số {i}"),
            head_name: format!("{} {i}", SENSITIVE_NAMES[i % 3]),
            members: vec![HouseholdMember {
                id: Uuid::new_v4(),
                name: format!("{} {i}", SENSITIVE_NAMES[(i + 1) % 3]),
                sex: Sex::Female,
                birth_year: Some(1985),
                ethnicity: Some("hmong".into()),
                relation: "head".into(),
            }],
            notes: format!("revision {revision}"),
            archived: false,
        }),
    }
}

/// A submission of the fixture's form.
pub fn submission(
    form: &FormFixture,
    i: usize,
    household: Option<Uuid>,
    photo: Option<&PhotoRef>,
) -> Record {
    Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(i as i64),
        body: RecordBody::Submission(SubmissionBody {
            form_id: form.form_id.clone(),
            form_version: form.version.clone(),
            household,
            started_at: at(i as i64),
            finalized_at: at(i as i64 + 5),
            language: Some("vi".into()),
            data: form.data(i, photo.map(|p| p.sha256.as_str())),
            photos: photo.into_iter().cloned().collect(),
            audit: Vec::new(),
        }),
    }
}

/// The kinds gatherings cycle through.
pub const GATHERING_KINDS: &[GatheringKind] = &[
    GatheringKind::PolicyDialogue,
    GatheringKind::CommunicationSession,
    GatheringKind::Training,
    GatheringKind::ClubMeeting,
];

/// Ethnicities attendees cycle through (`None`: not recorded).
pub const ATTENDEE_ETHNICITIES: &[Option<&str>] = &[Some("hmong"), Some("thai"), Some("dao"), None];

/// Attendees of the i-th gathering.
pub fn attendees_of(i: usize) -> usize {
    5 + i % 7
}

/// The sex of attendee j (every third is a man).
pub fn attendee_sex(j: usize) -> Sex {
    if j % 3 == 2 { Sex::Male } else { Sex::Female }
}

/// A gathering with attendees and photos.
pub fn gathering(i: usize, photos: Vec<PhotoRef>) -> Record {
    let attendees = (0..attendees_of(i))
        .map(|j| Attendee {
            id: Uuid::new_v4(),
            member_id: None,
            name: format!("{} {i}-{j}", SENSITIVE_NAMES[j % 3]),
            sex: attendee_sex(j),
            birth_year: None,
            age_group: Some(AgeGroup::Adult),
            ethnicity: ATTENDEE_ETHNICITIES[j % ATTENDEE_ETHNICITIES.len()].map(str::to_owned),
            checked_in_at: at(i as i64 * 60),
        })
        .collect();
    Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(i as i64 * 60),
        body: RecordBody::Gathering(GatheringBody {
            kind: GATHERING_KINDS[i % GATHERING_KINDS.len()],
            topic: "Bình đẳng giới".into(),
            village: "Bản Phìn Hồ".into(),
            starts_at: at(i as i64 * 60),
            closed_at: at(i as i64 * 60 + 90),
            facilitator: SENSITIVE_NAMES[0].into(),
            notes: String::new(),
            attendees,
            photos,
        }),
    }
}

/// A pseudo-photo: a JPEG header and `size` deterministic bytes from `seed`.
pub fn photo_bytes(seed: u64, size: usize) -> Vec<u8> {
    let mut out = vec![0xFF, 0xD8, 0xFF, 0xE0];
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    while out.len() < size {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        out.extend_from_slice(&x.to_le_bytes());
    }
    out.truncate(size);
    out
}

/// The reference a record makes to some photo bytes.
pub fn photo_ref(bytes: &[u8]) -> PhotoRef {
    PhotoRef {
        sha256: branchbook_server::ingest::sha256_hex(bytes),
        bytes: bytes.len() as u64,
    }
}
