//! The rosters page: a branch's Union members (searched by name in any accents), adding
//! and editing one, and importing a CSV or .xlsx file by the phone's own rules
//! ([`branchbook_core::roster_file`]): every bad row is named on the page and nothing of
//! a file with one is saved. Members saved here reach the branch's phones at their next
//! sync (the roster changes they pull). An officer reaches only the branches of her area.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use branchbook_core::domain::{ETHNICITIES, Sex};
use branchbook_core::i18n::{ethnicity_name, sex_name};
use branchbook_core::protocol::RosterMember;
use branchbook_core::roster_file::{
    self, MemberFields, MemberKey, RosterFileError, RosterRow, RowProblem,
};
use branchbook_core::text::folded_words;
use serde::Deserialize;
use uuid::Uuid;

use super::forms::{AreaChoice, area_choices};
use super::session::{Posted, Staff, Uploaded};
use super::shell::{Shell, error_page, message, refusal_status, render_status};
use super::texts::{Lang, Texts};
use crate::api::office::branch_in_scope;
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::{Area, AreaLevel};

/// Most members listed at once (a search narrows the list), so the page stays small.
const LISTED_MAX: usize = 300;

/// One member as the table shows her.
pub struct MemberRow {
    /// The member.
    pub member: RosterMember,
    /// Her sex, by name.
    pub sex: String,
    /// Her ethnic group, by name.
    pub ethnicity: String,
}

/// A branch's roster as the page shows it.
struct BranchRoster {
    area: Area,
    label: String,
    query: String,
    rows: Vec<MemberRow>,
    total: usize,
    more: Option<String>,
}

#[derive(Template)]
#[template(path = "console/rosters.html")]
struct RostersPage {
    shell: Shell,
    branches: Vec<AreaChoice>,
    roster: Option<BranchRoster>,
    /// The add form's values (kept when it was refused).
    form: MemberForm,
    ethnicities: Vec<(&'static str, &'static str)>,
    /// The import's problems: line and sentence.
    problems: Vec<(u64, String)>,
}

#[derive(Template)]
#[template(path = "console/member.html")]
struct MemberPage {
    shell: Shell,
    branch: Area,
    member_id: Uuid,
    form: MemberForm,
    ethnicities: Vec<(&'static str, &'static str)>,
}

/// The member form (add and edit), every field as typed.
#[derive(Debug, Default, Clone, Deserialize)]
pub struct MemberForm {
    #[serde(default)]
    full_name: String,
    #[serde(default)]
    member_code: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_year: String,
    #[serde(default)]
    ethnicity: String,
    #[serde(default)]
    village: String,
    #[serde(default)]
    phone: String,
    /// "on" when the member left the branch (edit only).
    #[serde(default)]
    archived: Option<String>,
}

impl MemberForm {
    fn of(m: &RosterMember) -> MemberForm {
        MemberForm {
            full_name: m.full_name.clone(),
            member_code: m.member_code.clone().unwrap_or_default(),
            sex: match m.sex {
                Sex::Female => "female",
                Sex::Male => "male",
                Sex::Unknown => "",
            }
            .to_owned(),
            birth_year: m.birth_year.map(|y| y.to_string()).unwrap_or_default(),
            ethnicity: m.ethnicity.clone().unwrap_or_default(),
            village: m.village.clone(),
            phone: m.phone.clone().unwrap_or_default(),
            archived: m.archived.then(|| "on".to_owned()),
        }
    }

    /// The member the form describes, by the roster file's rules.
    fn member(&self) -> Result<RosterMember, RowProblem> {
        let mut member = roster_file::member_from_fields(&MemberFields {
            id: "",
            member_code: &self.member_code,
            full_name: &self.full_name,
            sex: &self.sex,
            birth_year: &self.birth_year,
            ethnicity: &self.ethnicity,
            village: &self.village,
            phone: &self.phone,
        })?;
        member.archived = self.archived.is_some();
        Ok(member)
    }
}

/// The page's query: which branch, and the name searched.
#[derive(Debug, Default, Deserialize)]
pub struct RosterQuery {
    #[serde(default)]
    branch: String,
    #[serde(default)]
    q: String,
}

/// The sentence for a row's problem.
fn problem_text(t: &Texts, problem: &RowProblem) -> String {
    let value = |text: &str, v: &str| t.fill(text, "value", v);
    match problem {
        RowProblem::NameMissing => t.rosters_problem_name.to_owned(),
        RowProblem::UnknownSex(v) => value(t.rosters_problem_sex, v),
        RowProblem::BirthYearNotNumber(v) => value(t.rosters_problem_year, v),
        RowProblem::BirthYearImplausible(y) => value(t.rosters_problem_year, &y.to_string()),
        RowProblem::UnknownEthnicity(v) => value(t.rosters_problem_ethnicity, v),
        RowProblem::BadId(v) => value(t.rosters_problem_id, v),
        RowProblem::ListedTwice(line) => t.fill(t.rosters_problem_twice, "line", &line.to_string()),
        RowProblem::Unreadable(_) => t.rosters_problem_unreadable.to_owned(),
    }
}

/// The sentence for a file that cannot be read at all.
fn file_error_text(t: &Texts, error: &RosterFileError) -> String {
    match error {
        RosterFileError::Unreadable { .. } => t.rosters_file_unreadable.to_owned(),
        RosterFileError::NoNameColumn => t.rosters_no_name_column.to_owned(),
        RosterFileError::TooManyRows { max } => t.fill(t.rosters_too_many, "max", &max.to_string()),
    }
}

/// True when every searched word begins a word of the name (any accents, any case:
/// "thao thi do" finds "Thào Thị Dợ", "d" finds "Đặng").
fn name_matches(query: &[String], name: &str) -> bool {
    let words = folded_words(name);
    query
        .iter()
        .all(|q| words.iter().any(|w| w.starts_with(q.as_str())))
}

fn ethnicity_choices() -> Vec<(&'static str, &'static str)> {
    ETHNICITIES.iter().map(|e| (e.key, e.name_vi)).collect()
}

/// What a roster page shows besides the branch's list.
struct Outcome {
    status: StatusCode,
    note: Result<String, String>,
    form: MemberForm,
    problems: Vec<(u64, String)>,
}

impl Outcome {
    fn shown() -> Outcome {
        Outcome::done(String::new())
    }

    fn done(notice: String) -> Outcome {
        Outcome {
            status: StatusCode::OK,
            note: Ok(notice),
            form: MemberForm::default(),
            problems: Vec::new(),
        }
    }

    fn refused(status: StatusCode, why: String) -> Outcome {
        Outcome {
            status,
            note: Err(why),
            form: MemberForm::default(),
            problems: Vec::new(),
        }
    }
}

async fn rosters_view(
    state: &AppState,
    staff: &Staff,
    query: RosterQuery,
    outcome: Outcome,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let areas = match staff.areas(state).await {
        Ok(areas) => areas,
        Err(page) => return page,
    };
    let mut branches: Vec<AreaChoice> = area_choices(&areas)
        .into_iter()
        .zip(&areas)
        .filter(|(_, area)| area.level == AreaLevel::Branch)
        .map(|(choice, _)| choice)
        .collect();
    let chosen = match query.branch.trim() {
        "" => {
            let mut open = branches.iter().filter(|b| !b.archived);
            match (open.next(), open.next()) {
                (Some(only), None) => Some(only.id),
                _ => None,
            }
        }
        id => match Uuid::parse_str(id)
            .ok()
            .filter(|id| branches.iter().any(|b| b.id == *id))
        {
            Some(id) => Some(id),
            None => return error_page(lang, &ApiError::NotFound("branch".into())),
        },
    };
    // An archived branch is offered only while it is the one shown (reached by its link).
    for branch in &mut branches {
        branch.archived &= Some(branch.id) != chosen;
    }
    let roster = match chosen {
        Some(id) => match branch_roster(state, lang, &areas, &branches, id, query.q).await {
            Ok(roster) => roster,
            Err(e) => return error_page(lang, &e),
        },
        None => None,
    };
    let here = match &roster {
        Some(r) => format!("/rosters?branch={}", r.area.id),
        None => "/rosters".to_owned(),
    };
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "rosters",
        t.rosters_title,
        &here,
    );
    shell = shell.with_note(outcome.note);
    render_status(
        outcome.status,
        &RostersPage {
            shell,
            branches,
            roster,
            form: outcome.form,
            ethnicities: ethnicity_choices(),
            problems: outcome.problems,
        },
    )
}

async fn branch_roster(
    state: &AppState,
    lang: Lang,
    areas: &[Area],
    branches: &[AreaChoice],
    id: Uuid,
    query: String,
) -> Result<Option<BranchRoster>, ApiError> {
    let (Some(area), Some(choice)) = (
        areas.iter().find(|a| a.id == id),
        branches.iter().find(|b| b.id == id),
    ) else {
        return Ok(None);
    };
    let members = with_store(state, move |s| s.members(id)).await?;
    let words = folded_words(&query);
    let matching: Vec<RosterMember> = members
        .into_iter()
        .filter(|m| name_matches(&words, &m.full_name))
        .collect();
    let total = matching.len();
    let t = lang.texts();
    let rows = matching
        .into_iter()
        .take(LISTED_MAX)
        .map(|member| MemberRow {
            sex: sex_name(member.sex, lang.ui()),
            ethnicity: member
                .ethnicity
                .as_deref()
                .map(ethnicity_name)
                .unwrap_or_default(),
            member,
        })
        .collect();
    Ok(Some(BranchRoster {
        area: area.clone(),
        label: choice.label.clone(),
        query,
        rows,
        total,
        more: (total > LISTED_MAX).then(|| {
            let text = t.fill(t.rosters_more, "shown", &LISTED_MAX.to_string());
            t.fill(&text, "total", &total.to_string())
        }),
    }))
}

fn for_branch(branch: Uuid) -> RosterQuery {
    RosterQuery {
        branch: branch.to_string(),
        q: String::new(),
    }
}

/// `GET /rosters?branch=&q=`.
pub async fn rosters_page(
    State(state): State<AppState>,
    Query(query): Query<RosterQuery>,
    staff: Staff,
) -> Response {
    rosters_view(&state, &staff, query, Outcome::shown()).await
}

/// `POST /rosters/{branch}/members`: adds a member typed in the form.
pub async fn add_member(
    State(state): State<AppState>,
    Path(branch): Path<Uuid>,
    posted: Posted<Staff, MemberForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    if let Err(e) = branch_in_scope(&state, &staff.officer, branch).await {
        return error_page(lang, &e);
    }
    let mut member = match form.member() {
        Ok(member) => member,
        Err(problem) => {
            let outcome = Outcome {
                form,
                ..Outcome::refused(StatusCode::UNPROCESSABLE_ENTITY, problem_text(t, &problem))
            };
            return rosters_view(&state, &staff, for_branch(branch), outcome).await;
        }
    };
    member.id = Uuid::now_v7();
    let (name, stored) = (member.full_name.clone(), member);
    let actor = staff.officer.account().id;
    let outcome =
        match with_store(&state, move |s| s.by(actor).upsert_member(branch, &stored)).await {
            Ok(()) => Outcome::done(t.fill(t.rosters_added, "name", &name)),
            Err(e) => Outcome::refused(refusal_status(&e), message(t, &e)),
        };
    rosters_view(&state, &staff, for_branch(branch), outcome).await
}

/// The member `id` of `branch`, which must lie in the officer's area.
async fn member_in_branch(
    state: &AppState,
    staff: &Staff,
    branch: Uuid,
    id: Uuid,
) -> Result<(Area, RosterMember), ApiError> {
    let area = branch_in_scope(state, &staff.officer, branch).await?;
    match with_store(state, move |s| s.member(id)).await? {
        Some((b, member)) if b == branch => Ok((area, member)),
        _ => Err(ApiError::NotFound("no such member in this branch".into())),
    }
}

fn member_view(
    staff: &Staff,
    status: StatusCode,
    branch: Area,
    member_id: Uuid,
    form: MemberForm,
    error: Option<String>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "rosters",
        t.rosters_edit_title,
        &format!("/rosters/{}/members/{member_id}", branch.id),
    );
    if let Some(error) = error {
        shell = shell.with_error(error);
    }
    render_status(
        status,
        &MemberPage {
            shell,
            branch,
            member_id,
            form,
            ethnicities: ethnicity_choices(),
        },
    )
}

/// `GET /rosters/{branch}/members/{id}`: the edit form.
pub async fn member_page(
    State(state): State<AppState>,
    Path((branch, id)): Path<(Uuid, Uuid)>,
    staff: Staff,
) -> Response {
    match member_in_branch(&state, &staff, branch, id).await {
        Ok((area, member)) => member_view(
            &staff,
            StatusCode::OK,
            area,
            id,
            MemberForm::of(&member),
            None,
        ),
        Err(e) => error_page(staff.visitor.lang, &e),
    }
}

/// `POST /rosters/{branch}/members/{id}`: saves an edited member.
pub async fn edit_member(
    State(state): State<AppState>,
    Path((branch, id)): Path<(Uuid, Uuid)>,
    posted: Posted<Staff, MemberForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let area = match member_in_branch(&state, &staff, branch, id).await {
        Ok((area, _)) => area,
        Err(e) => return error_page(lang, &e),
    };
    let mut member = match form.member() {
        Ok(member) => member,
        Err(problem) => {
            let why = Some(problem_text(t, &problem));
            return member_view(
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                area,
                id,
                form,
                why,
            );
        }
    };
    member.id = id;
    let (name, stored) = (member.full_name.clone(), member);
    let actor = staff.officer.account().id;
    let outcome =
        match with_store(&state, move |s| s.by(actor).upsert_member(branch, &stored)).await {
            Ok(()) => Outcome::done(t.fill(t.rosters_saved, "name", &name)),
            Err(e) => Outcome::refused(refusal_status(&e), message(t, &e)),
        };
    rosters_view(&state, &staff, for_branch(branch), outcome).await
}

/// The rows of an uploaded roster, read as CSV or .xlsx by its name or its first bytes.
fn read_file(name: &str, bytes: &[u8]) -> Option<Result<Vec<RosterRow>, RosterFileError>> {
    let lower = name.to_lowercase();
    if lower.ends_with(".xlsx") || bytes.starts_with(b"PK\x03\x04") {
        Some(roster_file::read_xlsx(bytes))
    } else if lower.ends_with(".csv") || lower.ends_with(".txt") {
        Some(roster_file::read_csv(bytes))
    } else {
        None
    }
}

/// `POST /rosters/{branch}/import`: a CSV or .xlsx roster file. Every row's problem is
/// listed on the page and then nothing is saved; otherwise every member is saved in one
/// transaction (a person already there, by id, code or name/birth year/village, is
/// updated, not added twice).
pub async fn import(
    State(state): State<AppState>,
    Path(branch): Path<Uuid>,
    uploaded: Uploaded<Staff>,
) -> Response {
    let Uploaded {
        who: staff, file, ..
    } = uploaded;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    if let Err(e) = branch_in_scope(&state, &staff.officer, branch).await {
        return error_page(lang, &e);
    }
    let refuse = |why: String| Outcome::refused(StatusCode::UNPROCESSABLE_ENTITY, why);
    let Some((name, bytes)) = file else {
        let outcome = refuse(t.rosters_no_file.to_owned());
        return rosters_view(&state, &staff, for_branch(branch), outcome).await;
    };
    let read = tokio::task::spawn_blocking(move || read_file(&name, &bytes)).await;
    let mut rows = match read {
        Ok(Some(Ok(rows))) => rows,
        Ok(Some(Err(e))) => {
            let outcome = refuse(file_error_text(t, &e));
            return rosters_view(&state, &staff, for_branch(branch), outcome).await;
        }
        Ok(None) => {
            let outcome = refuse(t.rosters_wrong_type.to_owned());
            return rosters_view(&state, &staff, for_branch(branch), outcome).await;
        }
        Err(e) => return error_page(lang, &ApiError::Internal(e.to_string())),
    };
    let existing = match with_store(&state, move |s| s.members(branch)).await {
        Ok(members) => members,
        Err(e) => return error_page(lang, &e),
    };
    let mut known = std::collections::HashMap::new();
    for m in &existing {
        known.insert(MemberKey::person(m), m.id);
        known.insert(MemberKey::of(m), m.id);
    }
    let Ok(()) = roster_file::assign_ids(&mut rows, |key| {
        Ok::<_, std::convert::Infallible>(known.get(key).copied())
    });
    let problems: Vec<(u64, String)> = rows
        .iter()
        .filter_map(|r| {
            r.member
                .as_ref()
                .err()
                .map(|p| (r.line, problem_text(t, p)))
        })
        .collect();
    if !problems.is_empty() {
        let why = t.fill(
            t.rosters_import_refused,
            "count",
            &problems.len().to_string(),
        );
        let outcome = Outcome {
            problems,
            ..refuse(why)
        };
        return rosters_view(&state, &staff, for_branch(branch), outcome).await;
    }
    let members: Vec<RosterMember> = rows.into_iter().filter_map(|r| r.member.ok()).collect();
    let actor = staff.officer.account().id;
    let outcome = match with_store(&state, move |s| {
        s.by(actor).import_members(branch, &members)
    })
    .await
    {
        Ok(saved) => {
            let text = t.fill(t.rosters_imported, "added", &saved.added.to_string());
            Outcome::done(t.fill(&text, "updated", &saved.updated.to_string()))
        }
        Err(e) => Outcome::refused(refusal_status(&e), message(t, &e)),
    };
    rosters_view(&state, &staff, for_branch(branch), outcome).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_by_word_prefixes_in_any_accents() {
        let q = |s: &str| folded_words(s);
        assert!(name_matches(&q("thao thi do"), "Thào Thị Dợ"));
        assert!(name_matches(&q("d"), "Đặng Thị Mai"));
        assert!(name_matches(&q(""), "Lò Thị Mai"));
        assert!(!name_matches(&q("hao"), "Thào Thị Dợ"));
        assert!(!name_matches(&q("mai x"), "Lò Thị Mai"));
    }

    #[test]
    fn every_row_problem_has_a_sentence_in_both_languages() {
        let problems = [
            RowProblem::NameMissing,
            RowProblem::UnknownSex("x".into()),
            RowProblem::BirthYearNotNumber("x".into()),
            RowProblem::BirthYearImplausible(1800),
            RowProblem::UnknownEthnicity("x".into()),
            RowProblem::BadId("x".into()),
            RowProblem::ListedTwice(4),
            RowProblem::Unreadable("x".into()),
        ];
        for lang in [Lang::Vi, Lang::En] {
            for p in &problems {
                let text = problem_text(lang.texts(), p);
                assert!(!text.is_empty() && !text.contains('{'), "{text}");
            }
        }
        assert_eq!(
            problem_text(Lang::Vi.texts(), &RowProblem::ListedTwice(4)),
            "Trùng với hội viên ở dòng 4."
        );
    }
}
