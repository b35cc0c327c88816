//! The accounts page: the people of an officer's area (administrators see everyone),
//! creating an account (officers create branch heads of their own branches only),
//! resetting a password (a new one-time password is shown once, on the answer's page),
//! disabling and enabling an account, and renaming it on its own page.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use uuid::Uuid;

use super::areas::{AreaRow, tree};
use super::session::{Posted, Staff};
use super::shell::{Shell, error_page, message, refusal_status, render_status, required};
use super::sign_in::NoFields;
use crate::api::office::{
    DISPLAY_NAME_MAX_CHARS, NewAccountRequest, USERNAME_MAX_CHARS, add_account, login_name,
    manageable_account, move_account_of, rename_account_of, reset_password_of, set_disabled_of,
};
use crate::api::{AppState, with_store};
use crate::error::ApiError;
use crate::model::{Account, Area, AreaLevel, Role, from_stored_name};

/// One line of the accounts table.
pub struct AccountRow {
    /// The account.
    pub account: Account,
    /// Its role's name.
    pub role: &'static str,
    /// Its area's name (or "everywhere").
    pub area: String,
    /// True when the viewer may manage it (reset its password, disable, rename).
    pub manageable: bool,
    /// True when its area is archived: it cannot sign in until the area is restored.
    pub area_archived: bool,
}

/// A one-time password to show once.
pub struct OneTime {
    /// The sentence before it.
    pub intro: String,
    /// The password.
    pub password: String,
}

#[derive(Template)]
#[template(path = "console/accounts.html")]
struct AccountsPage {
    shell: Shell,
    rows: Vec<AccountRow>,
    areas: Vec<AreaRow>,
    roles: Vec<(&'static str, &'static str)>,
    one_time: Option<OneTime>,
}

/// What a page about accounts says after an action.
#[derive(Default)]
struct Outcome {
    status: Option<StatusCode>,
    notice: Option<String>,
    error: Option<String>,
    one_time: Option<OneTime>,
}

/// True when `viewer` may manage `account`: an administrator anyone else, an officer
/// the branch heads of her area (the accounts she may create). The page shows the
/// actions by this; the shared functions check it again.
fn may_manage(viewer: &Account, account: &Account) -> bool {
    viewer.id != account.id && (viewer.role == Role::Admin || account.role == Role::BranchHead)
}

async fn accounts_view(state: &AppState, staff: &Staff, outcome: Outcome) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let scope = staff.officer.scope().clone();
    let found = with_store(state, move |s| Ok((s.accounts(&scope)?, s.areas(&scope)?))).await;
    let (accounts, areas) = match found {
        Ok(found) => found,
        Err(e) => return error_page(lang, &e),
    };
    let by_id: HashMap<Uuid, &Area> = areas.iter().map(|a| (a.id, a)).collect();
    let viewer = staff.officer.account();
    let rows = accounts
        .into_iter()
        .map(|account| {
            let area = account.area_id.and_then(|id| by_id.get(&id));
            AccountRow {
                role: t.role(account.role),
                area: area.map_or_else(|| t.accounts_everywhere.to_owned(), |a| a.name.clone()),
                manageable: may_manage(viewer, &account),
                area_archived: area.is_some_and(|a| a.archived),
                account,
            }
        })
        .collect();
    let roles = if viewer.role == Role::Admin {
        vec![Role::BranchHead, Role::Officer, Role::Admin]
    } else {
        vec![Role::BranchHead]
    }
    .into_iter()
    .map(|r| (role_code(r), t.role(r)))
    .collect();
    let mut shell = Shell::signed(
        lang,
        viewer,
        &staff.csrf,
        "accounts",
        t.accounts_title,
        "/accounts",
    );
    if let Some(notice) = outcome.notice {
        shell = shell.with_notice(notice);
    }
    if let Some(error) = outcome.error {
        shell = shell.with_error(error);
    }
    render_status(
        outcome.status.unwrap_or(StatusCode::OK),
        &AccountsPage {
            shell,
            rows,
            areas: tree(areas, t),
            roles,
            one_time: outcome.one_time,
        },
    )
}

fn role_code(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Officer => "officer",
        Role::BranchHead => "branch_head",
    }
}

/// `GET /accounts`.
pub async fn accounts_page(State(state): State<AppState>, staff: Staff) -> Response {
    accounts_view(&state, &staff, Outcome::default()).await
}

/// The create-an-account form.
#[derive(Debug, Deserialize)]
pub struct NewAccountForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    area: String,
}

fn refused(status: StatusCode, error: String) -> Outcome {
    Outcome {
        status: Some(status),
        error: Some(error),
        ..Outcome::default()
    }
}

/// `POST /accounts`: creates an account with the JSON API's own function and rules.
pub async fn create_account(
    State(state): State<AppState>,
    posted: Posted<Staff, NewAccountForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let checked = required(t, t.accounts_username, &form.username, USERNAME_MAX_CHARS)
        .and_then(|typed| {
            login_name(&typed)
                .ok_or_else(|| t.fill(t.accounts_bad_login, "max", &USERNAME_MAX_CHARS.to_string()))
        })
        .and_then(|username| {
            required(
                t,
                t.accounts_display_name,
                &form.display_name,
                DISPLAY_NAME_MAX_CHARS,
            )
            .map(|name| (username, name))
        })
        .and_then(|(username, name)| {
            from_stored_name::<Role>(&form.role)
                .map(|role| (username, name, role))
                .ok_or_else(|| t.fill(t.field_required, "field", t.accounts_role))
        });
    let (username, display_name, role) = match checked {
        Ok(fields) => fields,
        Err(why) => {
            return accounts_view(
                &state,
                &staff,
                refused(StatusCode::UNPROCESSABLE_ENTITY, why),
            )
            .await;
        }
    };
    let area_id = match form.area.as_str() {
        "" => None,
        id => match Uuid::parse_str(id) {
            Ok(id) => Some(id),
            Err(_) => return error_page(staff.visitor.lang, &ApiError::NotFound("area".into())),
        },
    };
    let request = NewAccountRequest {
        username,
        display_name,
        role,
        area_id,
    };
    let outcome = match add_account(&state, &staff.officer, request).await {
        Ok(created) => Outcome {
            notice: Some(t.fill(t.accounts_created, "name", &created.account.username)),
            one_time: Some(OneTime {
                intro: t.fill(t.accounts_one_time, "name", &created.account.display_name),
                password: created.one_time_password,
            }),
            ..Outcome::default()
        },
        Err(e) => refused(refusal_status(&e), message(t, &e)),
    };
    accounts_view(&state, &staff, outcome).await
}

/// `POST /accounts/{id}/reset`: a new one-time password for an account of the
/// officer's area (her other sessions end; she must choose a new one at her next login).
pub async fn reset_password(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    let staff = posted.who;
    let t = staff.visitor.lang.texts();
    let outcome = match reset_password_of(&state, &staff.officer, id).await {
        Ok((account, password)) => Outcome {
            notice: Some(t.fill(t.accounts_reset_done, "name", &account.username)),
            one_time: Some(OneTime {
                intro: t.fill(t.accounts_one_time, "name", &account.display_name),
                password,
            }),
            ..Outcome::default()
        },
        Err(e) => refused(refusal_status(&e), message(t, &e)),
    };
    accounts_view(&state, &staff, outcome).await
}

/// `POST /accounts/{id}/disable` and `/enable`: the account's sessions and phones stop at
/// their next request; enabling lets it sign in again (its phones too, unless revoked).
async fn set_disabled(state: AppState, id: Uuid, staff: Staff, disabled: bool) -> Response {
    let t = staff.visitor.lang.texts();
    let outcome = match set_disabled_of(&state, &staff.officer, id, disabled).await {
        Ok(account) => Outcome {
            notice: Some(t.fill(
                if disabled {
                    t.accounts_disabled_done
                } else {
                    t.accounts_enabled_done
                },
                "name",
                &account.username,
            )),
            ..Outcome::default()
        },
        Err(e) => refused(refusal_status(&e), message(t, &e)),
    };
    accounts_view(&state, &staff, outcome).await
}

/// `POST /accounts/{id}/disable`.
pub async fn disable(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    set_disabled(state, id, posted.who, true).await
}

/// `POST /accounts/{id}/enable`.
pub async fn enable(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, NoFields>,
) -> Response {
    set_disabled(state, id, posted.who, false).await
}

#[derive(Template)]
#[template(path = "console/account.html")]
struct AccountPage {
    shell: Shell,
    account: Account,
    display_name: String,
    /// Where it can move: the open areas of the viewer's tree that suit its role, but
    /// the one it is in.
    areas: Vec<AreaRow>,
}

/// The page of one account the viewer manages (not found otherwise), with `display_name`
/// in its field and an optional error.
async fn account_view(
    state: &AppState,
    staff: &Staff,
    id: Uuid,
    display_name: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let viewer = staff.officer.account();
    // The shared rule (and its scope check) decides; anything else is "not found".
    let account = match manageable_account(state, &staff.officer, id).await {
        Ok(account) => account,
        Err(e @ ApiError::Internal(_)) => return error_page(lang, &e),
        Err(_) => return error_page(lang, &ApiError::NotFound("account".into())),
    };
    let areas = match staff.areas(state).await {
        Ok(areas) => areas,
        Err(page) => return page,
    };
    let suits = |area: &Area| {
        !area.archived
            && Some(area.id) != account.area_id
            && (account.role != Role::BranchHead || area.level == AreaLevel::Branch)
    };
    let mut areas = tree(areas, t);
    areas.retain(|row| account.role != Role::Admin && suits(&row.area));
    let here = format!("/accounts/{id}");
    let mut shell = Shell::signed(
        lang,
        viewer,
        &staff.csrf,
        "accounts",
        t.accounts_edit,
        &here,
    );
    let status = match error {
        Some((status, why)) => {
            shell = shell.with_error(why);
            status
        }
        None => StatusCode::OK,
    };
    render_status(
        status,
        &AccountPage {
            shell,
            display_name: display_name.unwrap_or_else(|| account.display_name.clone()),
            account,
            areas,
        },
    )
}

/// `GET /accounts/{id}`.
pub async fn account_page(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    staff: Staff,
) -> Response {
    account_view(&state, &staff, id, None, None).await
}

/// The rename form.
#[derive(Debug, Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    display_name: String,
}

/// `POST /accounts/{id}`: renames the account, then back to the accounts list.
pub async fn rename(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, RenameForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let t = staff.visitor.lang.texts();
    let checked = required(
        t,
        t.accounts_display_name,
        &form.display_name,
        DISPLAY_NAME_MAX_CHARS,
    );
    let name = match checked {
        Ok(name) => name,
        Err(why) => {
            let status = (StatusCode::UNPROCESSABLE_ENTITY, why);
            return account_view(&state, &staff, id, Some(form.display_name), Some(status)).await;
        }
    };
    match rename_account_of(&state, &staff.officer, id, &name).await {
        Ok(account) => {
            let outcome = Outcome {
                notice: Some(t.fill(t.accounts_saved, "name", &account.username)),
                ..Outcome::default()
            };
            accounts_view(&state, &staff, outcome).await
        }
        Err(e) => {
            let status = (refusal_status(&e), message(t, &e));
            account_view(&state, &staff, id, Some(form.display_name), Some(status)).await
        }
    }
}

/// The move-to-another-area form.
#[derive(Debug, Deserialize)]
pub struct MoveForm {
    #[serde(default)]
    area: String,
}

/// `POST /accounts/{id}/area`: moves the account to another area with the JSON API's own
/// function and rules (an officer only branch heads of her area, to a branch of it),
/// then back to the accounts list, which says which phones stayed with the old branch.
pub async fn move_to_area(
    State(state): State<AppState>,
    Path(id): Path<Uuid>,
    posted: Posted<Staff, MoveForm>,
) -> Response {
    let Posted { who: staff, form } = posted;
    let lang = staff.visitor.lang;
    let t = lang.texts();
    let Ok(area) = Uuid::parse_str(form.area.trim()) else {
        let why = (
            StatusCode::UNPROCESSABLE_ENTITY,
            t.fill(t.field_required, "field", t.accounts_area),
        );
        return account_view(&state, &staff, id, None, Some(why)).await;
    };
    match move_account_of(&state, &staff.officer, id, area).await {
        Ok(moved) => {
            let mut notice = t.fill(t.accounts_moved, "name", &moved.account.username);
            notice = t.fill(&notice, "area", &moved.area.name);
            if moved.phones_elsewhere > 0 {
                let count = moved.phones_elsewhere.to_string();
                notice = format!(
                    "{notice} {}",
                    t.fill(t.accounts_moved_phones, "count", &count)
                );
            }
            let outcome = Outcome {
                notice: Some(notice),
                ..Outcome::default()
            };
            accounts_view(&state, &staff, outcome).await
        }
        Err(e @ ApiError::NotFound(_)) => error_page(lang, &e),
        Err(e) => {
            let why = (refusal_status(&e), message(t, &e));
            account_view(&state, &staff, id, None, Some(why)).await
        }
    }
}
