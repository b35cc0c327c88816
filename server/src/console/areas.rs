//! The areas page: the tree an officer looks after (province → commune → branch), and
//! for the administrator the forms that add an area, rename one, move one under another
//! parent, archive one (or restore it), and delete one made by mistake: archived areas
//! stay in the tree, marked, and leave every picker, their records, accounts and phones
//! kept; only an area holding nothing at all is deleted, after a confirmation.

use std::collections::HashMap;
use std::future::Future;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::session::{Posted, Staff};
use super::shell::{Shell, error_page, message, refusal_status, render_status, required};
use crate::api::Admin;
use crate::api::AppState;
use crate::api::office::{
    AREA_NAME_MAX_CHARS, NewArea, add_area, archive_area_of, delete_area_of, move_area_of,
    rename_area_of, restore_area_of,
};
use crate::api::with_store;
use crate::error::ApiError;
use crate::model::{Area, AreaLevel, from_stored_name};
use crate::store::ServerStoreError;
use crate::store::refusal::Refusal;

/// One line of the drawn tree.
pub struct AreaRow {
    /// The area.
    pub area: Area,
    /// Its depth under the top of the officer's tree (0 for the top).
    pub depth: usize,
    /// Its level's name.
    pub level: &'static str,
}

/// The areas in tree order: each area followed by its children, by name.
pub fn tree(areas: Vec<Area>, t: &super::texts::Texts) -> Vec<AreaRow> {
    let ids: std::collections::HashSet<Uuid> = areas.iter().map(|a| a.id).collect();
    let mut children: HashMap<Option<Uuid>, Vec<Area>> = HashMap::new();
    for area in areas {
        // An area whose parent is outside the list is a top of the officer's tree.
        let parent = area.parent_id.filter(|p| ids.contains(p));
        children.entry(parent).or_default().push(area);
    }
    for list in children.values_mut() {
        list.sort_by(|a, b| a.name.cmp(&b.name));
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(Area, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|a| (a, 0))
        .collect();
    while let Some((area, depth)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(area.id)) {
            stack.extend(kids.into_iter().rev().map(|a| (a, depth + 1)));
        }
        rows.push(AreaRow {
            level: t.level(area.level),
            depth: depth.min(3),
            area,
        });
    }
    rows
}

#[derive(Template)]
#[template(path = "console/areas.html")]
struct AreasPage {
    shell: Shell,
    rows: Vec<AreaRow>,
    admin: bool,
    levels: Vec<(&'static str, &'static str)>,
    name: String,
    /// An empty area to delete once confirmed: its id and the question.
    confirm: Option<(Uuid, String)>,
}

/// What the areas page shows besides the tree and its forms.
struct View<'a> {
    status: StatusCode,
    /// The notice, or the reason a post was refused.
    note: Result<String, String>,
    /// The new area's name as typed (kept when it was refused).
    name: &'a str,
    /// An area whose deletion is to be confirmed.
    confirm: Option<Area>,
}

impl View<'_> {
    /// The page with a note only.
    fn note(status: StatusCode, note: Result<String, String>) -> View<'static> {
        View {
            status,
            note,
            name: "",
            confirm: None,
        }
    }

    async fn render(self, state: &AppState, staff: &Staff) -> Response {
        let lang = staff.visitor.lang;
        let t = lang.texts();
        let areas = match staff.areas(state).await {
            Ok(areas) => areas,
            Err(page) => return page,
        };
        let shell = Shell::signed(
            lang,
            staff.officer.account(),
            &staff.csrf,
            "areas",
            t.areas_title,
            "/areas",
        )
        .with_note(self.note);
        let levels = [
            AreaLevel::Province,
            AreaLevel::District,
            AreaLevel::Commune,
            AreaLevel::Branch,
        ]
        .into_iter()
        .map(|l| (level_code(l), t.level(l)))
        .collect();
        render_status(
            self.status,
            &AreasPage {
                shell,
                rows: tree(areas, t),
                admin: staff.officer.account().role == crate::model::Role::Admin,
                levels,
                name: self.name.to_owned(),
                confirm: self
                    .confirm
                    .map(|a| (a.id, t.fill(t.areas_delete_confirm, "name", &a.name))),
            },
        )
    }
}

fn level_code(level: AreaLevel) -> &'static str {
    match level {
        AreaLevel::Province => "province",
        AreaLevel::District => "district",
        AreaLevel::Commune => "commune",
        AreaLevel::Branch => "branch",
    }
}

/// `GET /areas`.
pub async fn areas_page(State(state): State<AppState>, staff: Staff) -> Response {
    View::note(StatusCode::OK, Ok(String::new()))
        .render(&state, &staff)
        .await
}

/// The add-an-area form.
#[derive(Debug, Deserialize)]
pub struct NewAreaForm {
    #[serde(default)]
    parent: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    name: String,
}

/// `POST /areas`: adds an area with the JSON API's own function (administrators only;
/// a name already used under the same parent is refused).
pub async fn create_area(
    State(state): State<AppState>,
    posted: Posted<Staff, NewAreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let refuse = |status, text: String| {
        let name = form.name.clone();
        let (state, staff) = (&state, &staff);
        async move {
            let view = View {
                name: &name,
                ..View::note(status, Err(text))
            };
            view.render(state, staff).await
        }
    };
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => return refuse(StatusCode::FORBIDDEN, t.areas_admin_only.to_owned()).await,
    };
    let name = match required(t, t.areas_name, &form.name, AREA_NAME_MAX_CHARS) {
        Ok(name) => name,
        Err(why) => return refuse(StatusCode::UNPROCESSABLE_ENTITY, why).await,
    };
    let Some(level) = from_stored_name::<AreaLevel>(&form.level) else {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            t.fill(t.field_required, "field", t.areas_level),
        )
        .await;
    };
    let parent_id = match form.parent.as_str() {
        "" => None,
        id => match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => return error_page(staff.visitor.lang, &ApiError::NotFound("area".into())),
        },
    };
    let new = NewArea {
        parent_id,
        level,
        name,
    };
    match add_area(&state, &admin, new).await {
        Ok(area) => {
            let notice = t.fill(t.areas_created, "name", &area.name);
            View::note(StatusCode::OK, Ok(notice))
                .render(&state, &staff)
                .await
        }
        Err(e) => refuse(refusal_status(&e), message(t, &e)).await,
    }
}

/// The rename-an-area form.
#[derive(Debug, Deserialize)]
pub struct RenameAreaForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    name: String,
}

/// Where an administrator's change to an area leaves the page.
enum Step {
    /// Done: what the page says.
    Done(String),
    /// A deletion to confirm first: the area.
    Confirm(Area),
}

/// An administrator's change to an existing area, from a form post: refused for anyone
/// else, or for an id that is no area; otherwise `change` runs (through the JSON API's
/// own functions) and the page comes back with what it did, or why not.
async fn change_area<F, Fut>(state: &AppState, staff: &Staff, area: &str, change: F) -> Response
where
    F: FnOnce(AppState, Admin, Uuid) -> Fut,
    Fut: Future<Output = Result<Step, ApiError>>,
{
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.areas_admin_only.to_owned());
            return View::note(StatusCode::FORBIDDEN, why)
                .render(state, staff)
                .await;
        }
    };
    let Ok(id) = Uuid::parse_str(area.trim()) else {
        return error_page(staff.visitor.lang, &ApiError::NotFound("area".into()));
    };
    let (status, note, confirm) = match change(state.clone(), admin, id).await {
        Ok(Step::Done(notice)) => (StatusCode::OK, Ok(notice), None),
        Ok(Step::Confirm(area)) => (StatusCode::OK, Ok(String::new()), Some(area)),
        Err(e) => (refusal_status(&e), Err(message(t, &e)), None),
    };
    View {
        confirm,
        ..View::note(status, note)
    }
    .render(state, staff)
    .await
}

/// A sentence the page shows for a form's field it refused (a name left empty...), as
/// the shared functions' refusals are.
fn refused(why: String) -> ApiError {
    ApiError::Unprocessable {
        code: "invalid",
        detail: why,
    }
}

/// `POST /areas/rename`: renames an area with the JSON API's own function
/// (administrators only; a name its siblings use is refused).
pub async fn rename_area(
    State(state): State<AppState>,
    posted: Posted<Staff, RenameAreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let name = required(t, t.areas_new_name, &form.name, AREA_NAME_MAX_CHARS);
    change_area(&state, &staff, &form.area, |state, admin, id| async move {
        let area = rename_area_of(&state, &admin, id, &name.map_err(refused)?).await?;
        Ok(Step::Done(t.fill(t.areas_renamed, "name", &area.name)))
    })
    .await
}

/// The move-an-area form.
#[derive(Debug, Deserialize)]
pub struct MoveAreaForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    parent: String,
}

/// `POST /areas/move`: moves an area, with everything under it, under another parent
/// (administrators only; not under itself or its own subtree, only under a higher
/// level, and not where a sibling has its name).
pub async fn move_area(
    State(state): State<AppState>,
    posted: Posted<Staff, MoveAreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let Ok(parent) = Uuid::parse_str(form.parent.trim()) else {
        return error_page(staff.visitor.lang, &ApiError::NotFound("area".into()));
    };
    change_area(&state, &staff, &form.area, |state, admin, id| async move {
        let area = move_area_of(&state, &admin, id, parent).await?;
        Ok(Step::Done(t.fill(t.areas_moved, "name", &area.name)))
    })
    .await
}

/// The archive-or-restore form: which area.
#[derive(Debug, Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    area: String,
}

/// `POST /areas/archive`: archives an area (administrators only; its areas below must
/// be archived first). Its data stays and it leaves the pickers; the page says whose
/// sign-in stopped and which phones may still send what they hold.
pub async fn archive_area(
    State(state): State<AppState>,
    posted: Posted<Staff, AreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    change_area(&state, &staff, &form.area, |state, admin, id| async move {
        let done = archive_area_of(&state, &admin, id).await?;
        let mut notice = t.fill(t.areas_archived, "name", &done.area.name);
        for (count, text) in [
            (done.accounts_stopped, t.areas_archived_accounts),
            (done.phones_still_sending, t.areas_archived_phones),
        ] {
            if count > 0 {
                notice = format!("{notice} {}", t.fill(text, "count", &count.to_string()));
            }
        }
        Ok(Step::Done(notice))
    })
    .await
}

/// `POST /areas/restore`: brings an archived area back (administrators only).
pub async fn restore_area(
    State(state): State<AppState>,
    posted: Posted<Staff, AreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    change_area(&state, &staff, &form.area, |state, admin, id| async move {
        let area = restore_area_of(&state, &admin, id).await?;
        Ok(Step::Done(t.fill(t.areas_restored, "name", &area.name)))
    })
    .await
}

/// The delete-an-area form: which area, and `confirm=yes` once the officer confirmed.
#[derive(Debug, Deserialize)]
pub struct DeleteAreaForm {
    #[serde(default)]
    area: String,
    #[serde(default)]
    confirm: String,
}

/// `POST /areas/delete` (administrators only): an area that holds anything is refused
/// at once, naming what it holds; an empty one is shown to confirm first, and deleted
/// when the confirmation (`confirm=yes`, with the page's CSRF token) comes back.
pub async fn delete_area(
    State(state): State<AppState>,
    posted: Posted<Staff, DeleteAreaForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let confirmed = form.confirm == "yes";
    change_area(&state, &staff, &form.area, |state, admin, id| async move {
        if confirmed {
            let area = delete_area_of(&state, &admin, id).await?;
            return Ok(Step::Done(t.fill(t.areas_deleted, "name", &area.name)));
        }
        let (area, held) = with_store(&state, move |s| {
            let area = s
                .area(id)?
                .ok_or_else(|| ServerStoreError::NotFound("area".into()))?;
            Ok((area, s.area_holdings(id)?))
        })
        .await?;
        if held.counts().is_empty() {
            Ok(Step::Confirm(area))
        } else {
            Err(Refusal::AreaInUse(held).into())
        }
    })
    .await
}
