//! Why the store refuses a change that contradicts what it holds (a name already taken,
//! a branch under a branch, an archived area...). Each refusal is typed, so the JSON API
//! answers it with its own code and status, and the console says it in the officer's
//! language (`console::texts::Texts::refusal`) rather than in the English of its
//! `Display`, which the API sends as the detail.

use axum::http::StatusCode;

use super::areas::AreaHoldings;
use crate::model::{AreaLevel, Role, stored_name};

/// A change refused because of what is stored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Another area under the same parent (or another province) has this name: names
    /// are how officers tell areas apart.
    #[error("an area named {0} already exists in the same place")]
    AreaNameTaken(String),
    /// An area of `level` placed under an area of a level that is not higher (a branch
    /// under a branch), or with no parent when only a province has none (`parent: None`).
    #[error("{}", misplaced(*.level, *.parent))]
    Misplaced {
        /// The level of the area placed.
        level: AreaLevel,
        /// The level of the area it was placed under, if any.
        parent: Option<AreaLevel>,
    },
    /// An area moved under itself or under an area inside it.
    #[error("{0} cannot be moved under itself or an area inside it")]
    UnderItself(String),
    /// An area archived while areas right below it are still open.
    #[error("{name} still holds {first} ({open} in use): archive those first")]
    OpenBelow {
        /// The area to archive.
        name: String,
        /// The first open area below it, by name.
        first: String,
        /// How many areas below it are open.
        open: u64,
    },
    /// Something new put in an archived area: restore it first.
    #[error("{0} is archived: restore it first")]
    Archived(String),
    /// An area that still holds something is not deleted (it can be archived).
    #[error("{0}")]
    AreaInUse(AreaHoldings),
    /// The login name is already someone's.
    #[error("the login name {0} is already in use")]
    LoginTaken(String),
    /// An account's area does not suit its role: a branch head's must be a branch,
    /// officers and branch heads need one, and an administrator has none.
    #[error("{}", area_for(*.0))]
    AreaForRole(Role),
    /// A roster member saved under a branch while it belongs to another one.
    #[error("this member belongs to another branch")]
    MemberOfAnotherBranch,
    /// A form version uploaded again with other content: versions never change.
    #[error(
        "version {version} of form {form_id} already exists with different content: give the new form a new version"
    )]
    FormVersionTaken {
        /// The form.
        form_id: String,
        /// Its version.
        version: String,
    },
}

fn misplaced(level: AreaLevel, parent: Option<AreaLevel>) -> String {
    match parent {
        Some(parent) => format!(
            "a {} cannot be placed under a {}",
            stored_name(&level),
            stored_name(&parent)
        ),
        None => format!("a {} needs a parent area", stored_name(&level)),
    }
}

fn area_for(role: Role) -> &'static str {
    match role {
        Role::BranchHead => "a branch head's area must be a branch",
        Role::Officer => "officers and branch heads need an area",
        Role::Admin => "an administrator has no area: administrators see everything",
    }
}

impl Refusal {
    /// The machine-readable code the JSON API answers with.
    pub fn code(&self) -> &'static str {
        match self {
            Refusal::AreaNameTaken(_) => "area_name_taken",
            Refusal::Misplaced { .. } => "area_misplaced",
            Refusal::UnderItself(_) => "area_under_itself",
            Refusal::OpenBelow { .. } => "areas_open_below",
            Refusal::Archived(_) => "area_archived",
            Refusal::AreaInUse(_) => "area_in_use",
            Refusal::LoginTaken(_) => "login_taken",
            Refusal::AreaForRole(_) => "area_for_role",
            Refusal::MemberOfAnotherBranch => "member_of_another_branch",
            Refusal::FormVersionTaken { .. } => "form_version_taken",
        }
    }

    /// The HTTP status: 409 for a conflict with something stored under the same name
    /// or held by the area, 422 when the change cannot be done as asked.
    pub fn status(&self) -> StatusCode {
        match self {
            Refusal::AreaNameTaken(_)
            | Refusal::AreaInUse(_)
            | Refusal::LoginTaken(_)
            | Refusal::FormVersionTaken { .. } => StatusCode::CONFLICT,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        }
    }
}
