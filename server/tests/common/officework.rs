//! A month of one commune's field work for the officers' tests: two communes with a
//! branch each, an officer of the first, a phone in each branch, a form with every kind
//! of answer an export splits (choices, a GPS position, a date, a repeat whose count
//! would collide with a field's name), and what each phone sent: submissions (one with a
//! formula-like answer), gatherings with roster and walk-in attendees, households.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, dead_code)]

use branchbook_core::domain::{AgeGroup, GatheringKind, Sex};
use branchbook_core::protocol::{
    Attendee, GatheringBody, HouseholdBody, HouseholdMember, Record, RecordBody, RecordStatus,
    SubmissionBody,
};
use serde_json::{Value, json};
use uuid::Uuid;

use super::TestServer;
use super::console::{Browser, Page};
use super::fixtures::at;

/// The form's id and version.
pub const FORM_ID: &str = "tham_ho";
pub const FORM_VERSION: &str = "2026.03";
/// The officer of the first commune, and her password.
pub const OFFICER: &str = "can.bo.xa";
pub const OFFICER_PASSWORD: &str = "can.bo.xa-chosen-password";
/// The branch heads (their display names are their login names).
pub const HEAD: &str = "lo.thi.mai";
pub const OTHER_HEAD: &str = "giang.thi.sua";
/// Areas.
pub const COMMUNE: &str = "Xã Bản Hồ";
pub const BRANCH: &str = "Chi hội Bản Dền";
pub const OTHER_COMMUNE: &str = "Xã Tả Van";
pub const OTHER_BRANCH: &str = "Chi hội Lao Chải";
/// An answer a spreadsheet would run as a formula.
pub const FORMULA: &str = "=HYPERLINK(\"http://x.example\",\"bấm\")";

/// A question of the model JSON, with every column empty but its name, kind and label.
pub fn field(name: &str, kind: Value, label: &str, row: u32) -> Value {
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

/// The choices of `assets` with their labels.
pub const ASSETS: &[(&str, &str)] = &[("tv", "Ti vi"), ("radio", "Đài"), ("motorbike", "Xe máy")];
/// The choices of `water` with their labels.
pub const WATER: &[(&str, &str)] = &[("tap", "Nước máy"), ("well", "Giếng"), ("stream", "Suối")];

/// The form (model JSON): a group `visit` (text, select_one, select_multiple, date, GPS),
/// an integer `members_count` and a repeat `members` (whose count column must not be
/// named like it).
pub fn form_json() -> Value {
    json!({
        "id": FORM_ID, "version": FORM_VERSION, "title": "Thăm hộ gia đình",
        "default_language": "Tiếng Việt (vi)",
        "languages": [{"name": "Tiếng Việt (vi)", "code": "vi"}],
        "instance_name": "concat('Hộ ', ${head_name})",
        "body": [
            {"node": "group", "name": "visit", "label": {"Tiếng Việt (vi)": "Thăm hộ"}, "relevant": null, "appearance": null, "source": {"sheet": "survey", "row": 2},
             "children": [
                field("head_name", json!({"type": "text"}), "Tên chủ hộ", 3),
                field("water", json!({"type": "select_one", "list": "water", "or_other": false}), "Nguồn nước", 4),
                field("assets", json!({"type": "select_multiple", "list": "assets", "or_other": false}), "Tài sản", 5),
                field("visit_day", json!({"type": "date"}), "Ngày thăm", 6),
                field("where", json!({"type": "geopoint"}), "Vị trí", 7),
             ]},
            field("members_count", json!({"type": "integer"}), "Số thành viên", 8),
            {"node": "repeat", "name": "members", "label": {"Tiếng Việt (vi)": "Thành viên"}, "relevant": null, "repeat_count": null, "appearance": null, "source": {"sheet": "survey", "row": 9},
             "children": [
                field("m_name", json!({"type": "text"}), "Tên", 10),
                field("m_sex", json!({"type": "select_one", "list": "sex", "or_other": false}), "Giới tính", 11),
             ]},
        ],
        "choices": {
            "water": choices("water", WATER),
            "assets": choices("assets", ASSETS),
            "sex": choices("sex", &[("female", "Nữ"), ("male", "Nam")]),
        }
    })
}

/// The name the server gives survey `i` (the form's `instance_name`).
pub fn instance_name(i: usize) -> String {
    format!("Hộ {}", survey(i).head_name)
}

/// What the i-th survey answers.
pub struct Survey {
    pub head_name: String,
    pub water: &'static str,
    pub assets: Vec<&'static str>,
    pub day: String,
    pub position: (f64, f64, f64, f64),
    pub members: Vec<(String, &'static str)>,
}

/// The answers of survey `i` (survey 1 answers with a formula).
pub fn survey(i: usize) -> Survey {
    Survey {
        head_name: if i == 1 {
            FORMULA.to_owned()
        } else {
            format!("Thào Thị Dợ {i}")
        },
        water: WATER[i % 3].0,
        assets: ASSETS
            .iter()
            .enumerate()
            .filter(|(j, _)| (i + j).is_multiple_of(2))
            .map(|(_, (n, _))| *n)
            .collect(),
        day: format!("2026-03-{:02}", i % 28 + 1),
        position: ((2230 + i) as f64 / 100.0, 103.9, 1200.0 + i as f64, 4.5),
        members: (0..i % 3 + 1)
            .map(|m| {
                (
                    format!("Lò Văn Páo {i}.{m}"),
                    if m.is_multiple_of(2) {
                        "female"
                    } else {
                        "male"
                    },
                )
            })
            .collect(),
    }
}

fn survey_data(s: &Survey) -> Value {
    json!({
        "visit": {
            "head_name": s.head_name,
            "water": s.water,
            "assets": s.assets,
            "visit_day": s.day,
            "where": {"latitude": s.position.0, "longitude": s.position.1, "altitude": s.position.2, "accuracy": s.position.3},
        },
        "members_count": s.members.len(),
        "members": s.members.iter().map(|(n, sex)| json!({"m_name": n, "m_sex": sex})).collect::<Vec<_>>(),
    })
}

/// A submission of survey `i`, finalized at `at(minutes)`.
pub fn submission(i: usize, minutes: i64, household: Option<Uuid>) -> Record {
    Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(minutes),
        body: RecordBody::Submission(SubmissionBody {
            form_id: FORM_ID.into(),
            form_version: FORM_VERSION.into(),
            household,
            started_at: at(minutes - 10),
            finalized_at: at(minutes),
            language: Some("vi".into()),
            data: survey_data(&survey(i)),
            photos: vec![],
            audit: Vec::new(),
        }),
    }
}

/// A household with `members` people.
pub fn household(i: usize, members: usize) -> Record {
    Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(i as i64),
        body: RecordBody::Household(HouseholdBody {
            village: "Bản Dền".into(),
            address: format!("nhà số {i}"),
            head_name: format!("Giàng Thị Sua {i}"),
            members: (0..members)
                .map(|m| HouseholdMember {
                    id: Uuid::new_v4(),
                    name: format!("Vàng Thị Lan {i}.{m}"),
                    sex: if m == 1 { Sex::Male } else { Sex::Female },
                    birth_year: Some(1980 + m as i32),
                    ethnicity: Some(if m == 0 { "hmong" } else { "dao" }.into()),
                    relation: if m == 0 { "head" } else { "child" }.into(),
                })
                .collect(),
            notes: String::new(),
            archived: false,
        }),
    }
}

/// An attendee: from the roster (`member`) or a walk-in.
pub fn attendee(
    name: &str,
    sex: Sex,
    age: Option<AgeGroup>,
    ethnicity: Option<&str>,
    member: bool,
) -> Attendee {
    Attendee {
        id: Uuid::new_v4(),
        member_id: member.then(Uuid::new_v4),
        name: name.into(),
        sex,
        birth_year: None,
        age_group: age,
        ethnicity: ethnicity.map(str::to_owned),
        checked_in_at: at(0),
    }
}

/// A gathering of `kind` at `at(minutes)` with `attendees`.
pub fn gathering(kind: GatheringKind, minutes: i64, attendees: Vec<Attendee>) -> Record {
    Record {
        uuid: Uuid::now_v7(),
        revision: 1,
        created_at: at(minutes),
        body: RecordBody::Gathering(GatheringBody {
            kind,
            topic: "Phòng chống tảo hôn".into(),
            village: "Bản Dền".into(),
            starts_at: at(minutes),
            closed_at: at(minutes + 90),
            facilitator: "Lò Thị Mai".into(),
            notes: String::new(),
            attendees,
            photos: vec![],
        }),
    }
}

/// The set-up and what was sent.
pub struct Officework {
    pub admin: String,
    pub officer: String,
    pub head_token: String,
    /// The first branch's head (her account).
    pub head: Uuid,
    /// The first branch's phone.
    pub device: String,
    /// The other branch's phone.
    pub other_device: String,
    pub commune: Uuid,
    pub branch: Uuid,
    pub other_commune: Uuid,
    /// What the first branch's phone sent, by kind.
    pub submissions: Vec<Record>,
    pub gatherings: Vec<Record>,
    pub households: Vec<Record>,
    /// What the other branch's phone sent (never visible to the officer).
    pub other: Vec<Record>,
}

pub async fn push_all(server: &TestServer, device: &str, records: &[Record]) {
    let answer = server.push(device, records).await;
    for result in &answer.results {
        assert_eq!(result.status, RecordStatus::Accepted, "{result:?}");
    }
}

/// Sets everything up and sends the month's records.
pub async fn officework(server: &TestServer) -> Officework {
    let admin = server.admin().await;
    let HomeAreas {
        province,
        commune,
        branch,
    } = home_areas(server, &admin).await;
    let other_commune = server
        .create_area(&admin, Some(province), "commune", OTHER_COMMUNE)
        .await;
    let other_branch = server
        .create_area(&admin, Some(other_commune), "branch", OTHER_BRANCH)
        .await;
    let (_, officer_pw) = server
        .create_account(&admin, OFFICER, "officer", Some(commune))
        .await;
    let officer = server.login_fresh(OFFICER, &officer_pw).await;
    let (head, head_pw) = server
        .create_account(&admin, HEAD, "branch_head", Some(branch))
        .await;
    let head_token = server.login_fresh(HEAD, &head_pw).await;
    let (other_head, _) = server
        .create_account(&admin, OTHER_HEAD, "branch_head", Some(other_branch))
        .await;
    server
        .publish_form(&admin, serde_json::to_vec(&form_json()).unwrap())
        .await;
    let device = server.enrolled_device(&admin, head).await.token;
    let other_device = server.enrolled_device(&admin, other_head).await.token;

    let households: Vec<Record> = (0..3).map(|i| household(i, i)).collect();
    push_all(server, &device, &households).await;
    // Surveys across March (Vietnam time): the last one late on 31 March UTC, which is
    // already 1 April in Vietnam.
    let mut submissions: Vec<Record> = (0..5)
        .map(|i| {
            submission(
                i,
                i as i64 * 24 * 60 * 6,
                (i < 3).then(|| households[i % 2].uuid),
            )
        })
        .collect();
    submissions.push(submission(5, 30 * 24 * 60 + 18 * 60, None));
    push_all(server, &device, &submissions).await;
    let gatherings = vec![
        gathering(
            GatheringKind::PolicyDialogue,
            60,
            vec![
                attendee(
                    "Thào Thị Dợ",
                    Sex::Female,
                    Some(AgeGroup::Adult),
                    Some("hmong"),
                    true,
                ),
                attendee(
                    "Lò Văn Páo",
                    Sex::Male,
                    Some(AgeGroup::Youth),
                    Some("thai"),
                    false,
                ),
                attendee("Giàng Thị Sua", Sex::Female, None, None, false),
            ],
        ),
        gathering(
            GatheringKind::CommunicationSession,
            20 * 24 * 60,
            vec![attendee(
                "Thào Thị Dợ",
                Sex::Female,
                Some(AgeGroup::Adult),
                Some("hmong"),
                true,
            )],
        ),
        gathering(GatheringKind::Training, 25 * 24 * 60, vec![]),
    ];
    push_all(server, &device, &gatherings).await;
    let other = vec![
        submission(7, 120, None),
        gathering(
            GatheringKind::PolicyDialogue,
            120,
            vec![attendee(
                "Người xã khác",
                Sex::Female,
                None,
                Some("dao"),
                false,
            )],
        ),
    ];
    push_all(server, &other_device, &other).await;
    Officework {
        admin,
        officer,
        head_token,
        head,
        device,
        other_device,
        commune,
        branch,
        other_commune,
        submissions,
        gatherings,
        households,
        other,
    }
}

/// A browser signed in as the commune's officer.
pub async fn officer_browser(server: &TestServer) -> Browser {
    let mut browser = Browser::new(&server.base);
    browser
        .log_in(OFFICER, OFFICER_PASSWORD)
        .await
        .assert_redirect("/");
    browser
}

/// Posts the submissions table's review form.
pub async fn post_fields(officer: &mut Browser, fields: &[(String, String)]) -> Page {
    let refs: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    officer.post("/submissions/review", &refs).await
}

/// A record's review state as `token`'s holder reads it through the API.
pub async fn review_state(server: &TestServer, token: &str, record: Uuid) -> String {
    let (_, detail) = server
        .get(&format!("/api/v1/office/records/{record}"), token)
        .await;
    detail["record"]["review_state"]
        .as_str()
        .unwrap_or_else(|| panic!("no review state in {detail}"))
        .to_owned()
}

/// Each survey's review state, read back through the API.
pub async fn review_states(server: &TestServer, work: &Officework) -> Vec<String> {
    let mut out = Vec::new();
    for record in &work.submissions {
        out.push(review_state(server, &work.officer, record.uuid).await);
    }
    out
}

/// The review confirmation page's hidden `selection`.
pub fn selection(page: &Page) -> String {
    let rest = page
        .body
        .split(r#"name="selection" value=""#)
        .nth(1)
        .unwrap_or_else(|| panic!("no selection in {}", page.body));
    rest.split('"').next().unwrap().to_owned()
}

/// Asserts that the other commune's records (out of the officer's reach) are still
/// waiting for review, read back as the administrator.
pub async fn assert_other_commune_unreviewed(server: &TestServer, work: &Officework) {
    for record in &work.other {
        assert_eq!(
            review_state(server, &work.admin, record.uuid).await,
            "received"
        );
    }
}

/// The areas the officers' tests work in: the province Lào Cai and its commune
/// [`COMMUNE`] with the branch [`BRANCH`] (created in that order by the administrator).
pub struct HomeAreas {
    pub province: Uuid,
    pub commune: Uuid,
    pub branch: Uuid,
}

/// Creates [`HomeAreas`] with the administrator's token.
pub async fn home_areas(server: &TestServer, admin: &str) -> HomeAreas {
    let province = server.create_area(admin, None, "province", "Lào Cai").await;
    let commune = server
        .create_area(admin, Some(province), "commune", COMMUNE)
        .await;
    let branch = server
        .create_area(admin, Some(commune), "branch", BRANCH)
        .await;
    HomeAreas {
        province,
        commune,
        branch,
    }
}
