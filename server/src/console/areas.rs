//! The areas page: the tree an officer looks after (province → commune → branch), and
//! for the administrator the forms that add an area, rename one, move one under another
//! parent, and archive one (or restore it): archived areas stay in the tree, marked, and
//! leave every picker; their records, accounts and phones stay.

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
    AREA_NAME_MAX_CHARS, NewArea, add_area, archive_area_of, move_area_of, rename_area_of,
};
use crate::error::ApiError;
use crate::model::{Area, AreaLevel, from_stored_name};

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
}

async fn areas_view(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    note: Result<String, String>,
    name: &str,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let areas = match staff.areas(state).await {
        Ok(areas) => areas,
        Err(page) => return page,
    };
    let mut shell = Shell::signed(
        lang,
        staff.officer.account(),
        &staff.csrf,
        "areas",
        t.areas_title,
        "/areas",
    );
    shell = shell.with_note(note);
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
        status,
        &AreasPage {
            shell,
            rows: tree(areas, t),
            admin: staff.officer.account().role == crate::model::Role::Admin,
            levels,
            name: name.to_owned(),
        },
    )
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
    areas_view(&state, &staff, StatusCode::OK, Ok(String::new()), "").await
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
        async move { areas_view(state, staff, status, Err(text), &name).await }
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
            areas_view(&state, &staff, StatusCode::OK, Ok(notice), "").await
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

/// An administrator's change to an existing area, from a form post: refused for anyone
/// else, or for an id that is no area; otherwise `change` runs (the JSON API's own
/// function) and the page comes back with `done` (its `{name}` filled) or the reason.
async fn change_area<F, Fut>(
    state: &AppState,
    staff: &Staff,
    area: &str,
    done: &str,
    change: F,
) -> Response
where
    F: FnOnce(AppState, Admin, Uuid) -> Fut,
    Fut: Future<Output = Result<Result<Area, ApiError>, String>>,
{
    let t = staff.visitor.lang.texts();
    let admin = match staff.officer.clone().0.admin() {
        Ok(admin) => admin,
        Err(_) => {
            let why = Err(t.areas_admin_only.to_owned());
            return areas_view(state, staff, StatusCode::FORBIDDEN, why, "").await;
        }
    };
    let Ok(id) = Uuid::parse_str(area.trim()) else {
        return error_page(staff.visitor.lang, &ApiError::NotFound("area".into()));
    };
    let (status, note) = match change(state.clone(), admin, id).await {
        Ok(Ok(area)) => (StatusCode::OK, Ok(t.fill(done, "name", &area.name))),
        Ok(Err(e)) => (refusal_status(&e), Err(message(t, &e))),
        Err(why) => (StatusCode::UNPROCESSABLE_ENTITY, Err(why)),
    };
    areas_view(state, staff, status, note, "").await
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
    change_area(
        &state,
        &staff,
        &form.area,
        t.areas_renamed,
        |state, admin, id| async move {
            match name {
                Ok(name) => Ok(rename_area_of(&state, &admin, id, &name).await),
                Err(why) => Err(why),
            }
        },
    )
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
    change_area(
        &state,
        &staff,
        &form.area,
        t.areas_moved,
        |state, admin, id| async move { Ok(move_area_of(&state, &admin, id, parent).await) },
    )
    .await
}

/// The archive-or-restore form: which area.
#[derive(Debug, Deserialize)]
pub struct AreaForm {
    #[serde(default)]
    area: String,
}

/// `POST /areas/archive`: archives an area (administrators only; its areas below must
/// be archived first). Its data stays, and it leaves the pickers.
pub async fn archive_area(
    State(state): State<AppState>,
    posted: Posted<Staff, AreaForm>,
) -> Response {
    set_archived(state, posted, true).await
}

/// `POST /areas/restore`: brings an archived area back (administrators only).
pub async fn restore_area(
    State(state): State<AppState>,
    posted: Posted<Staff, AreaForm>,
) -> Response {
    set_archived(state, posted, false).await
}

async fn set_archived(
    state: AppState,
    posted: Posted<Staff, AreaForm>,
    archived: bool,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let done = if archived {
        t.areas_archived
    } else {
        t.areas_restored
    };
    change_area(
        &state,
        &staff,
        &form.area,
        done,
        |state, admin, id| async move { Ok(archive_area_of(&state, &admin, id, archived).await) },
    )
    .await
}
