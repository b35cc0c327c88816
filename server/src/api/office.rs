//! Officials' administration endpoints: login, areas, accounts, enrollment codes,
//! devices, the member roster and forms.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use branchbook_core::protocol::{EnrollmentQr, FormFile, RosterMember};
use branchbook_core::roster_file::clean_member;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::{
    Admin, AppState, Client, JsonIn, Officer, Official, Session, ok_json, parse_json, read_body,
    with_store,
};
use crate::error::ApiError;
use crate::form_catalog::check_upload;
use crate::form_files::FormFiles;
use crate::model::stored_name;
use crate::model::{Account, Area, AreaLevel, Device, FormVersion, Role};
use crate::passwords::rules::{self, check_new_password};
use crate::secret::{new_enrollment_code, new_password, new_token, normalize_code, secret_hash};
use crate::store::areas::ArchivedArea;
use crate::store::forms::FormInsert;
use crate::store::people::{MovedAccount, NewAccount};
use crate::store::refusal::Refusal;

/// Login request.
#[derive(Debug, Deserialize)]
pub struct LoginRequest {
    username: String,
    password: String,
}

/// Login answer: the session token (shown once) and the account.
#[derive(Debug, Serialize)]
pub struct LoginResponse {
    token: String,
    expires_at: DateTime<Utc>,
    account: Account,
}

async fn hash_pooled(state: &AppState, password: String) -> Result<String, ApiError> {
    Ok(state.passwords.hash(password).await?)
}

/// A new session: its token (shown once), when it ends, and the account.
pub struct SignedIn {
    /// The session token.
    pub token: String,
    /// When the session ends.
    pub expires_at: DateTime<Utc>,
    /// The account.
    pub account: Account,
}

/// Checks `password` for `username` on the password pool, counting a failure against
/// the account and the client (a locked one is refused before any check). An unknown
/// login name costs the same check as a known one and answers the same.
async fn check_password(
    state: &AppState,
    client: Client,
    username: &str,
    password: String,
) -> Result<Option<Account>, ApiError> {
    state.throttle.check_login(username, client.0)?;
    let lookup = username.to_owned();
    let found = with_store(state, move |s| s.account_for_login(&lookup)).await?;
    let (account, hash) = found.map_or((None, None), |(a, h)| (Some(a), Some(h)));
    if state.passwords.verify(password, hash).await? {
        state.throttle.login_succeeded(username, client.0);
        Ok(account)
    } else {
        state.throttle.login_failed(username, client.0);
        Ok(None)
    }
}

/// Checks a login name and password and opens a session (what the JSON login and the
/// console's login page both do).
pub async fn sign_in(
    state: &AppState,
    client: Client,
    username: &str,
    password: String,
) -> Result<SignedIn, ApiError> {
    let username = username
        .trim()
        .chars()
        .take(USERNAME_MAX_CHARS + 1)
        .collect::<String>();
    let Some(account) = check_password(state, client, &username, password).await? else {
        tracing::info!("login refused");
        return Err(ApiError::Unauthorized {
            code: "bad_credentials",
            detail: "wrong login name or password".into(),
        });
    };
    let token = new_token();
    let expires_at = Utc::now() + Duration::hours(i64::from(state.config.session_hours));
    let (hash, id) = (secret_hash(&token), account.id);
    with_store(state, move |s| s.create_session(&hash, id, expires_at)).await?;
    tracing::info!(account = %account.id, "logged in");
    Ok(SignedIn {
        token,
        expires_at,
        account,
    })
}

/// `POST /api/v1/office/login`.
pub async fn login(
    State(state): State<AppState>,
    client: Client,
    JsonIn(request): JsonIn<LoginRequest>,
) -> Result<Response, ApiError> {
    let signed = sign_in(&state, client, &request.username, request.password).await?;
    Ok(ok_json(&LoginResponse {
        token: signed.token,
        expires_at: signed.expires_at,
        account: signed.account,
    }))
}

/// Ends a session.
pub async fn sign_out(state: &AppState, session: Session) -> Result<(), ApiError> {
    let hash = session.token_hash;
    with_store(state, move |s| s.delete_session(&hash)).await
}

/// `POST /api/v1/office/logout`.
pub async fn logout(State(state): State<AppState>, session: Session) -> Result<Response, ApiError> {
    sign_out(&state, session).await?;
    Ok(ok_json(&serde_json::json!({"logged_out": true})))
}

/// Password change request.
#[derive(Debug, Deserialize)]
pub struct PasswordChange {
    current: String,
    new: String,
}

/// Replaces a session's account password after checking the current one (throttled
/// like a login) and the rules of [`check_new_password`]; ends the account's other
/// sessions.
pub async fn replace_password(
    state: &AppState,
    client: Client,
    session: &Session,
    current: String,
    new: String,
) -> Result<(), ApiError> {
    let username = session.account.username.clone();
    if new.chars().count() < rules::MIN_CHARS {
        // Refused before the (slow) check of the current password.
        return Err(rules::WeakPassword::TooShort.into());
    }
    let checked = check_password(state, client, &username, current.clone()).await?;
    if checked.is_none() {
        return Err(ApiError::Unauthorized {
            code: "bad_credentials",
            detail: "the current password is wrong".into(),
        });
    }
    check_new_password(&new, &username, &current)?;
    let hash = hash_pooled(state, new).await?;
    let (id, keep) = (session.account.id, session.token_hash.clone());
    with_store(state, move |s| s.set_password(id, &hash, &keep)).await?;
    tracing::info!(account = %id, "password changed");
    if session.account.role == Role::Admin {
        // The first start's password file has done its work.
        if let Err(e) = crate::recovery::forget_first_password(&state.config.data_dir) {
            tracing::warn!(error = %e, "could not remove the first start's password file");
        }
    }
    Ok(())
}

/// `POST /api/v1/office/password`: replaces the password (required after a one-time one).
pub async fn change_password(
    State(state): State<AppState>,
    client: Client,
    session: Session,
    JsonIn(change): JsonIn<PasswordChange>,
) -> Result<Response, ApiError> {
    replace_password(&state, client, &session, change.current, change.new).await?;
    Ok(ok_json(&serde_json::json!({"changed": true})))
}

/// `GET /api/v1/office/me`.
pub async fn me(session: Session) -> Response {
    ok_json(&session.account)
}

/// Most characters of an area's name.
pub const AREA_NAME_MAX_CHARS: usize = 120;
/// Most characters of a login name.
pub const USERNAME_MAX_CHARS: usize = 64;
/// Most characters of a person's displayed name.
pub const DISPLAY_NAME_MAX_CHARS: usize = 120;

/// New area request.
#[derive(Debug, Deserialize)]
pub struct NewArea {
    /// The area above (none for a province).
    pub parent_id: Option<Uuid>,
    /// Its level.
    pub level: AreaLevel,
    /// Its name (unique under its parent).
    pub name: String,
}

/// Adds an area (administrators); a name already used under the same parent is refused.
pub async fn add_area(state: &AppState, admin: &Admin, new: NewArea) -> Result<Area, ApiError> {
    let name = area_name(&new.name)?;
    let actor = admin.0.account().id;
    with_store(state, move |s| {
        s.by(actor).create_area(new.parent_id, new.level, &name)
    })
    .await
}

/// An area's name as typed, trimmed, if it has 1 to [`AREA_NAME_MAX_CHARS`] characters.
fn area_name(typed: &str) -> Result<String, ApiError> {
    let name = typed.trim().to_owned();
    if name.is_empty() || name.chars().count() > AREA_NAME_MAX_CHARS {
        return Err(ApiError::BadRequest(format!(
            "an area needs a name of 1 to {AREA_NAME_MAX_CHARS} characters"
        )));
    }
    Ok(name)
}

/// Renames an area (administrators); its place in the tree, and everyone's scope, stay.
pub async fn rename_area_of(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
    typed: &str,
) -> Result<Area, ApiError> {
    let name = area_name(typed)?;
    let actor = admin.0.account().id;
    let area = with_store(state, move |s| s.by(actor).rename_area(id, &name)).await?;
    tracing::info!(area = %id, by = %admin.0.account().id, "area renamed");
    Ok(area)
}

/// A new name for an area.
#[derive(Debug, Deserialize)]
pub struct AreaRename {
    /// The new name (unique under the same parent).
    pub name: String,
}

/// `POST /api/v1/office/areas/{id}/name` (administrators).
pub async fn rename_area(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
    JsonIn(rename): JsonIn<AreaRename>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &rename_area_of(&state, &admin, id, &rename.name).await?,
    ))
}

/// Moves an area, with everything under it, under another parent (administrators; see
/// `ServerStore::move_area` for what is refused).
pub async fn move_area_of(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
    parent: Uuid,
) -> Result<Area, ApiError> {
    let actor = admin.0.account().id;
    let area = with_store(state, move |s| s.by(actor).move_area(id, parent)).await?;
    tracing::info!(area = %id, parent = %parent, by = %actor, "area moved");
    Ok(area)
}

/// Archives an area (administrators; see `ServerStore::archive_area`): its data stays,
/// its people stop signing in, its phones may still send what they hold.
pub async fn archive_area_of(
    state: &AppState,
    admin: &Admin,
    id: Uuid,
) -> Result<ArchivedArea, ApiError> {
    let actor = admin.0.account().id;
    let archived = with_store(state, move |s| s.by(actor).archive_area(id)).await?;
    tracing::info!(area = %id, by = %actor, "area archived");
    Ok(archived)
}

/// Restores an archived area (administrators).
pub async fn restore_area_of(state: &AppState, admin: &Admin, id: Uuid) -> Result<Area, ApiError> {
    let actor = admin.0.account().id;
    let area = with_store(state, move |s| s.by(actor).restore_area(id)).await?;
    tracing::info!(area = %id, by = %actor, "area restored");
    Ok(area)
}

/// Deletes an area that holds nothing (administrators; see `ServerStore::delete_area`):
/// anything else is refused with what it holds.
pub async fn delete_area_of(state: &AppState, admin: &Admin, id: Uuid) -> Result<Area, ApiError> {
    let actor = admin.0.account().id;
    let area = with_store(state, move |s| s.by(actor).delete_area(id)).await?;
    tracing::info!(area = %id, by = %actor, "area deleted");
    Ok(area)
}

/// Where an area moves.
#[derive(Debug, Deserialize)]
pub struct AreaMove {
    /// Its new parent.
    pub parent_id: Uuid,
}

/// `POST /api/v1/office/areas/{id}/parent` (administrators).
pub async fn move_area(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
    JsonIn(to): JsonIn<AreaMove>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &move_area_of(&state, &admin, id, to.parent_id).await?,
    ))
}

/// `POST /api/v1/office/areas/{id}/archive` (administrators).
pub async fn archive_area(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&archive_area_of(&state, &admin, id).await?))
}

/// `POST /api/v1/office/areas/{id}/restore` (administrators).
pub async fn restore_area(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&restore_area_of(&state, &admin, id).await?))
}

/// `DELETE /api/v1/office/areas/{id}` (administrators): only an area that holds nothing
/// (409 `area_in_use` naming what it holds otherwise).
pub async fn delete_area(
    State(state): State<AppState>,
    admin: Admin,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&delete_area_of(&state, &admin, id).await?))
}

/// `POST /api/v1/office/areas` (administrators).
pub async fn create_area(
    State(state): State<AppState>,
    admin: Admin,
    JsonIn(new): JsonIn<NewArea>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&add_area(&state, &admin, new).await?))
}

/// `GET /api/v1/office/areas`: the areas the caller may see.
pub async fn list_areas(
    State(state): State<AppState>,
    official: Official,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    Ok(ok_json(
        &with_store(&state, move |s| s.areas(&scope)).await?,
    ))
}

/// New account request.
#[derive(Debug, Deserialize)]
pub struct NewAccountRequest {
    /// Login name (letters a-z, digits, '.', '_', '-').
    pub username: String,
    /// Name shown to others.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// Area (required for officers and branch heads).
    pub area_id: Option<Uuid>,
}

/// A login name as typed, trimmed and in lower case, if it has 1 to
/// [`USERNAME_MAX_CHARS`] letters a-z, digits, '.', '_' or '-'.
pub fn login_name(typed: &str) -> Option<String> {
    let name = typed.trim().to_lowercase();
    let usable = !name.is_empty()
        && name.chars().count() <= USERNAME_MAX_CHARS
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c));
    usable.then_some(name)
}

/// A created account with its one-time password (shown once).
#[derive(Debug, Serialize)]
pub struct CreatedAccount {
    /// The account.
    pub account: Account,
    /// Its one-time password.
    pub one_time_password: String,
}

/// Creates an account: administrators any; officers branch heads of branches inside
/// their area only.
pub async fn add_account(
    state: &AppState,
    official: &Officer,
    request: NewAccountRequest,
) -> Result<CreatedAccount, ApiError> {
    let Some(username) = login_name(&request.username) else {
        return Err(ApiError::BadRequest(format!(
            "a login name uses 1 to {USERNAME_MAX_CHARS} letters a-z, digits, '.', '_' or '-'"
        )));
    };
    let display_name = request.display_name.trim().to_owned();
    if display_name.is_empty() || display_name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(ApiError::BadRequest(format!(
            "a name has 1 to {DISPLAY_NAME_MAX_CHARS} characters"
        )));
    }
    if official.account().role != Role::Admin {
        if request.role != Role::BranchHead {
            return Err(ApiError::Forbidden(
                "officers may create branch heads only".into(),
            ));
        }
        official.scope_for(state, request.area_id).await?;
    }
    let password = new_password();
    let new = NewAccount {
        username,
        display_name,
        role: request.role,
        area_id: request.area_id,
        password_hash: hash_pooled(state, password.clone()).await?,
        must_change_password: true,
    };
    let actor = official.account().id;
    let account = with_store(state, move |s| s.by(actor).create_account(&new)).await?;
    tracing::info!(account = %account.id, role = stored_name(&account.role), "account created");
    Ok(CreatedAccount {
        account,
        one_time_password: password,
    })
}

/// `POST /api/v1/office/accounts`: administrators create any account; officers create
/// branch heads for branches inside their area.
pub async fn create_account(
    State(state): State<AppState>,
    official: Officer,
    JsonIn(request): JsonIn<NewAccountRequest>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&add_account(&state, &official, request).await?))
}

/// The account `account_id` if `official` may manage it (reset its password, rename,
/// disable it): administrators any account but their own; officers the branch heads of
/// their area. Anything else is "not found", so ids outside one's area tell nothing.
pub async fn manageable_account(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
) -> Result<Account, ApiError> {
    let found = with_store(state, move |s| s.account(account_id)).await?;
    let not_found = || ApiError::NotFound("no such account in your scope".into());
    let account = found.ok_or_else(not_found)?;
    if account.id == official.account().id {
        return Err(ApiError::Forbidden(
            "change your own account on the password page".into(),
        ));
    }
    if official.account().role != Role::Admin {
        if account.role != Role::BranchHead {
            return Err(not_found());
        }
        official
            .scope_for(state, account.area_id)
            .await
            .map_err(|_| not_found())?;
    }
    Ok(account)
}

/// Gives an account a new one-time password and ends its sessions (see
/// [`manageable_account`] for who may). Returns the account and the password (to be
/// shown once).
pub async fn reset_password_of(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
) -> Result<(Account, String), ApiError> {
    let account = manageable_account(state, official, account_id).await?;
    let password = new_password();
    let hash = hash_pooled(state, password.clone()).await?;
    let actor = official.account().id;
    with_store(state, move |s| {
        s.by(actor).reset_password(account_id, &hash)
    })
    .await?;
    tracing::info!(account = %account_id, by = %official.account().id, "password reset");
    Ok((account, password))
}

/// Disables an account (its sessions end, its phones are refused from their next
/// request, it cannot sign in) or enables it again; see [`manageable_account`] for who
/// may. Returns the account as it is now.
pub async fn set_disabled_of(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
    disabled: bool,
) -> Result<Account, ApiError> {
    let account = manageable_account(state, official, account_id).await?;
    let actor = official.account().id;
    with_store(state, move |s| {
        s.by(actor).set_account_disabled(account_id, disabled)
    })
    .await?;
    tracing::info!(account = %account_id, by = %official.account().id, disabled, "account access changed");
    Ok(Account {
        disabled,
        ..account
    })
}

/// Renames an account (the name others see); see [`manageable_account`] for who may.
pub async fn rename_account_of(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
    display_name: &str,
) -> Result<Account, ApiError> {
    let name = display_name.trim().to_owned();
    if name.is_empty() || name.chars().count() > DISPLAY_NAME_MAX_CHARS {
        return Err(ApiError::BadRequest(format!(
            "a name has 1 to {DISPLAY_NAME_MAX_CHARS} characters"
        )));
    }
    let account = manageable_account(state, official, account_id).await?;
    let stored = name.clone();
    let actor = official.account().id;
    with_store(state, move |s| {
        s.by(actor).set_display_name(account_id, &stored)
    })
    .await?;
    Ok(Account {
        display_name: branchbook_core::text::nfc(&name),
        ..account
    })
}

/// `POST /api/v1/office/accounts/{id}/disable`.
pub async fn disable_account(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &set_disabled_of(&state, &official, id, true).await?,
    ))
}

/// `POST /api/v1/office/accounts/{id}/enable`.
pub async fn enable_account(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &set_disabled_of(&state, &official, id, false).await?,
    ))
}

/// A new display name.
#[derive(Debug, Deserialize)]
pub struct DisplayNameChange {
    /// The name others will see.
    pub display_name: String,
}

/// `POST /api/v1/office/accounts/{id}/display-name`.
pub async fn rename_account(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
    JsonIn(change): JsonIn<DisplayNameChange>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &rename_account_of(&state, &official, id, &change.display_name).await?,
    ))
}

/// Moves an account to another area (a commune merger): see [`manageable_account`] for
/// whose, and an officer moves them only to an area of her own (the rule of creating
/// one); the store checks that the area is open and suits the role.
pub async fn move_account_of(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
    area_id: Uuid,
) -> Result<MovedAccount, ApiError> {
    manageable_account(state, official, account_id).await?;
    if official.account().role != Role::Admin {
        official.scope_for(state, Some(area_id)).await?;
    }
    let actor = official.account().id;
    let moved = with_store(state, move |s| {
        s.by(actor).move_account(account_id, area_id)
    })
    .await?;
    tracing::info!(account = %account_id, by = %actor, "account moved");
    Ok(moved)
}

/// Where an account moves.
#[derive(Debug, Deserialize)]
pub struct AreaChange {
    /// The area it belongs to from now on.
    pub area_id: Uuid,
}

/// `POST /api/v1/office/accounts/{id}/area`: the moved account, its new area, and how
/// many of its phones stay with the branch they were enrolled for.
pub async fn move_account(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
    JsonIn(change): JsonIn<AreaChange>,
) -> Result<Response, ApiError> {
    Ok(ok_json(
        &move_account_of(&state, &official, id, change.area_id).await?,
    ))
}

/// `POST /api/v1/office/accounts/{id}/reset-password`.
pub async fn reset_account_password(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    let (account, one_time_password) = reset_password_of(&state, &official, id).await?;
    Ok(ok_json(&CreatedAccount {
        account: Account {
            must_change_password: true,
            ..account
        },
        one_time_password,
    }))
}

/// `GET /api/v1/office/accounts`: accounts inside the caller's scope.
pub async fn list_accounts(
    State(state): State<AppState>,
    official: Officer,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    Ok(ok_json(
        &with_store(&state, move |s| s.accounts(&scope)).await?,
    ))
}

/// New enrollment request: for which branch head.
#[derive(Debug, Deserialize)]
pub struct NewEnrollment {
    account_id: Uuid,
}

/// A created enrollment: the code to type, the QR payload and the QR code as SVG.
#[derive(Debug, Serialize)]
pub struct CreatedEnrollment {
    /// The one-time code (`XXXX-XXXX-XXXX`).
    pub code: String,
    /// When it stops working.
    pub expires_at: DateTime<Utc>,
    /// What the QR code carries.
    pub qr: EnrollmentQr,
    /// The QR code as an SVG picture.
    pub qr_svg: String,
}

/// Creates a one-time enrollment code for a branch head's phone: an administrator for
/// any, an officer for the branch heads of her area.
pub async fn issue_enrollment(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
) -> Result<(Account, CreatedEnrollment), ApiError> {
    let account = with_store(state, move |s| s.account(account_id)).await?;
    let Some(
        account @ Account {
            role: Role::BranchHead,
            area_id: Some(branch_id),
            ..
        },
    ) = account
    else {
        return Err(ApiError::NotFound("no such branch head".into()));
    };
    official.scope_for(state, Some(branch_id)).await?;
    let code = new_enrollment_code();
    let expires_at = Utc::now() + Duration::hours(i64::from(state.config.enrollment_hours));
    let (hash, by) = (secret_hash(&normalize_code(&code)), official.account().id);
    with_store(state, move |s| {
        s.by(by)
            .create_enrollment(&hash, account_id, branch_id, by, expires_at)
    })
    .await?;
    let qr = EnrollmentQr {
        server: enrollment_server(&state.config),
        code: code.clone(),
    };
    let payload = serde_json::to_string(&qr).map_err(|e| ApiError::Internal(e.to_string()))?;
    let qr_svg = qrcode::QrCode::new(payload.as_bytes())
        .map(|q| {
            q.render::<qrcode::render::svg::Color<'_>>()
                .min_dimensions(240, 240)
                .build()
        })
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    tracing::info!(branch = %branch_id, "enrollment code created");
    Ok((
        account,
        CreatedEnrollment {
            code,
            expires_at,
            qr,
            qr_svg,
        },
    ))
}

/// The server address put in enrollment QR codes: the public URL, else the listen address.
pub fn enrollment_server(config: &crate::config::Config) -> String {
    config
        .public_url
        .clone()
        .unwrap_or_else(|| format!("{}://{}", config.scheme(), config.listen))
}

/// `POST /api/v1/office/enrollments`: an administrator, or an officer whose area holds
/// the branch, creates a one-time code for a branch head's phone.
pub async fn create_enrollment(
    State(state): State<AppState>,
    official: Officer,
    JsonIn(request): JsonIn<NewEnrollment>,
) -> Result<Response, ApiError> {
    let (_, created) = issue_enrollment(&state, &official, request.account_id).await?;
    Ok(ok_json(&created))
}

/// Ends the open enrollment codes of a branch head of the officer's area (an
/// administrator's: any); returns how many were open.
pub async fn cancel_enrollments_of(
    state: &AppState,
    official: &Officer,
    account_id: Uuid,
) -> Result<(Account, u64), ApiError> {
    let found = with_store(state, move |s| s.account(account_id)).await?;
    let not_found = || ApiError::NotFound("no such branch head".into());
    let account = found.ok_or_else(not_found)?;
    if account.role != Role::BranchHead {
        return Err(not_found());
    }
    official
        .scope_for(state, account.area_id)
        .await
        .map_err(|_| not_found())?;
    let actor = official.account().id;
    let cancelled = with_store(state, move |s| {
        s.by(actor).cancel_enrollments(account_id, Utc::now())
    })
    .await?;
    tracing::info!(account = %account_id, by = %official.account().id, cancelled, "enrollment codes cancelled");
    Ok((account, cancelled))
}

/// `GET /api/v1/office/enrollments`: the open codes of the caller's branches (who and
/// until when; the codes themselves are never stored).
pub async fn list_enrollments(
    State(state): State<AppState>,
    official: Officer,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    Ok(ok_json(
        &with_store(&state, move |s| s.open_enrollments(&scope, Utc::now())).await?,
    ))
}

/// `POST /api/v1/office/enrollments/cancel` with `{"account_id"}`.
pub async fn cancel_enrollments(
    State(state): State<AppState>,
    official: Officer,
    JsonIn(request): JsonIn<NewEnrollment>,
) -> Result<Response, ApiError> {
    let (_, cancelled) = cancel_enrollments_of(&state, &official, request.account_id).await?;
    Ok(ok_json(&serde_json::json!({ "cancelled": cancelled })))
}

/// `GET /api/v1/office/devices`: devices of the caller's branches.
pub async fn list_devices(
    State(state): State<AppState>,
    official: Official,
) -> Result<Response, ApiError> {
    let scope = official.scope().clone();
    Ok(ok_json(
        &with_store(&state, move |s| s.devices(&scope)).await?,
    ))
}

/// Revokes a device of the official's area (a lost or replaced phone): its token is
/// refused from the next request on.
pub async fn revoke(state: &AppState, official: &Officer, id: Uuid) -> Result<Device, ApiError> {
    let actor = official.account().id;
    let device = with_store(state, move |s| {
        let Some(device) = s.device(id)? else {
            return Ok(None);
        };
        let branch = s.area(device.branch_id)?;
        Ok(branch.map(|b| (device, b.path)))
    })
    .await?;
    match device {
        Some((_, path)) if official.scope().contains(&path) => {}
        _ => return Err(ApiError::NotFound("no such device in your scope".into())),
    }
    let device = with_store(state, move |s| {
        s.by(actor).revoke_device(id, Utc::now())?;
        s.device(id)
    })
    .await?;
    tracing::info!(device = %id, "device revoked");
    device.ok_or_else(|| ApiError::NotFound("no such device in your scope".into()))
}

/// `POST /api/v1/office/devices/{id}/revoke`: stops a lost or replaced phone.
pub async fn revoke_device(
    State(state): State<AppState>,
    official: Officer,
    Path(id): Path<Uuid>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&revoke(&state, &official, id).await?))
}

/// Branch `id`, which must be a branch inside the officer's area (anything else is
/// answered as if it did not exist).
pub async fn branch_in_scope(
    state: &AppState,
    official: &Officer,
    id: Uuid,
) -> Result<Area, ApiError> {
    let area = with_store(state, move |s| s.area(id)).await?;
    match area {
        Some(a) if a.level == AreaLevel::Branch && official.scope().contains(&a.path) => Ok(a),
        _ => Err(ApiError::NotFound("no such branch in your scope".into())),
    }
}

/// `PUT /api/v1/office/branches/{id}/members`: adds or updates a roster member, checked
/// and cleaned by the same rules as a roster file's row (`roster_file::clean_member`).
pub async fn put_member(
    State(state): State<AppState>,
    official: Officer,
    Path(branch_id): Path<Uuid>,
    JsonIn(member): JsonIn<RosterMember>,
) -> Result<Response, ApiError> {
    let member = clean_member(&member).map_err(|problem| ApiError::Unprocessable {
        code: "invalid",
        detail: problem.to_string(),
    })?;
    branch_in_scope(&state, &official, branch_id).await?;
    let stored = member.clone();
    let actor = official.account().id;
    with_store(&state, move |s| {
        s.by(actor).upsert_member(branch_id, &stored)
    })
    .await?;
    Ok(ok_json(&member))
}

/// `GET /api/v1/office/forms`: every stored version, drafts included.
pub async fn list_forms(
    State(state): State<AppState>,
    _official: Official,
) -> Result<Response, ApiError> {
    Ok(ok_json(&with_store(&state, |s| s.forms(false)).await?))
}

/// A stored upload, as the API answers it: the version (its fields at the top level, as
/// before warnings were added) and what the checker warns about in it.
#[derive(Debug, Serialize)]
pub struct UploadedForm {
    /// The stored version.
    #[serde(flatten)]
    pub version: FormVersion,
    /// Problems that do not stop the form, by sheet, row and column (empty when none).
    pub warnings: Vec<branchbook_core::form::Problem>,
}

/// Stores an uploaded form (.xlsx, or its JSON) with the files it uses (`files`: name as
/// sent, bytes) as a draft version after the core's checker read it (administrators);
/// refused with every problem found, naming a file it uses that is missing, or when the
/// version exists with other content. The files' bytes are kept (by hash, once) before
/// the version that names them is stored. Answers the version and the form's warnings.
pub async fn add_form_version(
    state: &AppState,
    admin: &Admin,
    bytes: bytes::Bytes,
    files: Vec<(String, bytes::Bytes)>,
) -> Result<UploadedForm, ApiError> {
    let actor = admin.0.account().id;
    let kept = FormFiles::under(&state.config.data_dir);
    let checked = tokio::task::spawn_blocking(move || {
        let checked = check_upload(&bytes, files)?;
        for file in &checked.files {
            kept.keep(&file.file.sha256, &file.bytes)
                .map_err(|e| ApiError::Internal(format!("keeping a form's file: {e}")))?;
        }
        Ok::<_, ApiError>(checked)
    })
    .await
    .map_err(|e| ApiError::Internal(e.to_string()))??;
    let named: Vec<FormFile> = checked.files.iter().map(|f| f.file.clone()).collect();
    let version = FormVersion {
        form_id: checked.form.id.clone(),
        version: checked.form.version.clone(),
        title: checked.form.title.clone(),
        sha256: checked.sha256.clone(),
        published: false,
        area_id: None,
        retired: false,
        created_at: Utc::now(),
    };
    let stored = version.clone();
    let warnings = checked.warnings.clone();
    let outcome = with_store(state, move |s| {
        s.by(actor)
            .insert_form_version(&stored, &checked.json, &named)
    })
    .await?;
    if outcome == FormInsert::Conflict {
        return Err(Refusal::FormVersionTaken {
            form_id: version.form_id,
            version: version.version,
        }
        .into());
    }
    let (form_id, v) = (version.form_id.clone(), version.version.clone());
    let current = with_store(state, move |s| s.form_version(&form_id, &v)).await?;
    tracing::info!(form = %version.form_id, version = %version.version, "form uploaded");
    Ok(UploadedForm {
        version: current.map(|(meta, _)| meta).unwrap_or(version),
        warnings,
    })
}

/// `POST /api/v1/office/forms`: uploads a form (.xlsx, or its JSON) as a draft version:
/// the file as the whole body, or a `multipart/form-data` body with the form in a field
/// `form` and each file it uses in a field `attachment` (named by its file name).
pub async fn upload_form(
    State(state): State<AppState>,
    admin: Admin,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(&headers, body, state.config.max_body_bytes).await?;
    let boundary = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .filter(|v| v.starts_with("multipart/"))
        .map(|v| {
            multer::parse_boundary(v)
                .map_err(|e| ApiError::BadRequest(format!("an unreadable multipart body: {e}")))
        })
        .transpose()?;
    let (form, files) = match boundary {
        Some(boundary) => form_parts(bytes, boundary).await?,
        None => (bytes, Vec::new()),
    };
    Ok(ok_json(
        &add_form_version(&state, &admin, form, files).await?,
    ))
}

/// The form and its files from a multipart upload (already read under the body limit).
async fn form_parts(
    body: bytes::Bytes,
    boundary: String,
) -> Result<(bytes::Bytes, Vec<(String, bytes::Bytes)>), ApiError> {
    let unreadable =
        |e: multer::Error| ApiError::BadRequest(format!("an unreadable multipart body: {e}"));
    let stream = futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(body) });
    let mut multipart = multer::Multipart::new(stream, boundary);
    let mut form = None;
    let mut files = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("form") if form.is_none() => form = Some(field.bytes().await.map_err(unreadable)?),
            Some("attachment") => {
                if files.len() == crate::form_files::MAX_FORM_FILES {
                    return Err(crate::form_files::AttachmentError::TooMany {
                        count: files.len() + 1,
                        max: crate::form_files::MAX_FORM_FILES,
                    }
                    .into());
                }
                let name = field.file_name().unwrap_or_default().to_owned();
                files.push((name, field.bytes().await.map_err(unreadable)?));
            }
            other => {
                return Err(ApiError::BadRequest(format!(
                    "unexpected multipart field {:?}: send one 'form' and any number of 'attachment'",
                    other.unwrap_or_default()
                )));
            }
        }
    }
    let form =
        form.ok_or_else(|| ApiError::BadRequest("the multipart body has no 'form' field".into()))?;
    Ok((form, files))
}

/// Where a version is published: an area's subtree, or every phone.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct PublishRequest {
    /// The area whose branches' phones receive it; absent: every phone.
    #[serde(default)]
    pub area: Option<Uuid>,
}

/// Publishes a stored form version (administrators) to the phones of an area's subtree
/// (or to every phone): they receive it from their next sync, and no other phone does.
pub async fn publish(
    state: &AppState,
    admin: &Admin,
    form_id: String,
    version: String,
    to: PublishRequest,
) -> Result<FormVersion, ApiError> {
    let actor = admin.0.account().id;
    let found = with_store(state, move |s| {
        if let Some(area) = to.area
            && s.area(area)?.is_none()
        {
            return Ok(Err(ApiError::NotFound("no such area".into())));
        }
        Ok(if s.by(actor).publish_form(&form_id, &version, to.area)? {
            s.form_version(&form_id, &version)?
                .ok_or_else(form_not_found)
        } else {
            Err(form_not_found())
        })
    })
    .await??;
    let (meta, _) = found;
    tracing::info!(form = %meta.form_id, version = %meta.version, area = ?meta.area_id, "form published");
    Ok(meta)
}

/// Retires a published version (administrators): phones stop offering it for new
/// surveys at their next sync; drafts started with it are still accepted.
pub async fn retire(
    state: &AppState,
    admin: &Admin,
    form_id: String,
    version: String,
) -> Result<FormVersion, ApiError> {
    let actor = admin.0.account().id;
    let (meta, _) = with_store(state, move |s| {
        Ok(if s.by(actor).retire_form(&form_id, &version)? {
            s.form_version(&form_id, &version)?
                .ok_or_else(form_not_found)
        } else {
            Err(form_not_found())
        })
    })
    .await??;
    tracing::info!(form = %meta.form_id, version = %meta.version, "form retired");
    Ok(meta)
}

fn form_not_found() -> ApiError {
    ApiError::NotFound("no such published form version".into())
}

/// `POST /api/v1/office/forms/{form_id}/{version}/publish`, optionally with
/// `{"area": id}`: the phones of that area's subtree (or every phone) receive it from
/// their next sync.
pub async fn publish_form(
    State(state): State<AppState>,
    admin: Admin,
    Path((form_id, version)): Path<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let bytes = read_body(&headers, body, state.config.max_body_bytes).await?;
    let to = if bytes.iter().all(u8::is_ascii_whitespace) {
        PublishRequest::default()
    } else {
        parse_json(&bytes)?
    };
    Ok(ok_json(
        &publish(&state, &admin, form_id, version, to).await?,
    ))
}

/// `POST /api/v1/office/forms/{form_id}/{version}/retire`: phones stop offering it for
/// new surveys.
pub async fn retire_form(
    State(state): State<AppState>,
    admin: Admin,
    Path((form_id, version)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    Ok(ok_json(&retire(&state, &admin, form_id, version).await?))
}
