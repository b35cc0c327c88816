//! What every console page shares: the [`Shell`] that `console/base.html` draws (title,
//! navigation, who is signed in, the language switch, a notice or an error), rendering
//! a template into a response, the error page, and the embedded stylesheet.

use askama::Template;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use super::texts::{Lang, Texts};
use crate::error::ApiError;
use crate::model::{Account, Role};

/// The console's stylesheet, embedded in the binary.
const STYLESHEET: &str = include_str!("../../assets/console.css");

/// The frame of every page.
pub struct Shell {
    /// The words of the page's language.
    pub t: &'static Texts,
    /// The page's language code (`<html lang>`).
    pub lang: &'static str,
    /// The other language's code (the switch's target).
    pub other_lang: &'static str,
    /// The page's title.
    pub title: String,
    /// Which navigation entry is current (`home`, `areas`, ...; empty for none).
    pub nav: &'static str,
    /// The path of the page, where the language switch comes back to.
    pub here: String,
    /// The signed-in person, when there is one.
    pub user: Option<ShellUser>,
    /// A message saying what just happened.
    pub notice: Option<String>,
    /// A message saying what went wrong.
    pub error: Option<String>,
}

/// The signed-in person as the frame shows her.
pub struct ShellUser {
    /// "Signed in as ..." in the page's language.
    pub signed_in_as: String,
    /// The CSRF token for the logout form (and every form of the page).
    pub csrf: String,
    /// True for an administrator.
    pub admin: bool,
    /// True once she has a password of her own (the navigation is shown).
    pub settled: bool,
}

impl Shell {
    /// The frame for someone not signed in.
    pub fn visitor(lang: Lang, title: &str, here: &str) -> Shell {
        Shell {
            t: lang.texts(),
            lang: lang.code(),
            other_lang: match lang {
                Lang::Vi => "en",
                Lang::En => "vi",
            },
            title: title.to_owned(),
            nav: "",
            here: here.to_owned(),
            user: None,
            notice: None,
            error: None,
        }
    }

    /// The frame for a signed-in account, with navigation entry `nav` current.
    pub fn signed(
        lang: Lang,
        account: &Account,
        csrf: &str,
        nav: &'static str,
        title: &str,
        here: &str,
    ) -> Shell {
        let t = lang.texts();
        Shell {
            nav,
            user: Some(ShellUser {
                signed_in_as: t.fill(t.nav_signed_in_as, "name", &account.display_name),
                csrf: csrf.to_owned(),
                admin: account.role == Role::Admin,
                settled: !account.must_change_password,
            }),
            ..Shell::visitor(lang, title, here)
        }
    }

    /// The same frame with a notice.
    pub fn with_notice(self, notice: impl Into<String>) -> Shell {
        Shell {
            notice: Some(notice.into()),
            ..self
        }
    }

    /// The same frame with what a form post did: a notice (none when empty) or an error.
    pub fn with_note(self, note: Result<String, String>) -> Shell {
        match note {
            Ok(notice) if notice.is_empty() => self,
            Ok(notice) => self.with_notice(notice),
            Err(error) => self.with_error(error),
        }
    }

    /// The same frame with an error message.
    pub fn with_error(self, error: impl Into<String>) -> Shell {
        Shell {
            error: Some(error.into()),
            ..self
        }
    }
}

/// A page rendered with `status`; a template that fails to render is a server fault.
pub fn render_status(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "console page failed to render");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page failed to render",
            )
                .into_response()
        }
    }
}

/// A page rendered with status 200.
pub fn render(page: &impl Template) -> Response {
    render_status(StatusCode::OK, page)
}

/// The sentence an officer reads for an error of the shared office functions: the
/// catalogue's words where there are some, the error's own (English) detail otherwise.
pub fn message(t: &Texts, error: &ApiError) -> String {
    match error {
        ApiError::Forbidden(why) if why == "csrf" => t.error_csrf.to_owned(),
        ApiError::Forbidden(_) => t.error_forbidden.to_owned(),
        ApiError::NotFound(_) => t.error_not_found.to_owned(),
        ApiError::TooLarge(_) => t.error_too_large.to_owned(),
        ApiError::Internal(_) => t.error_internal.to_owned(),
        ApiError::Throttled(locked) => t.fill(
            t.error_throttled,
            "seconds",
            &locked.retry_after.as_secs().max(1).to_string(),
        ),
        ApiError::Busy(_) => t.error_busy.to_owned(),
        ApiError::WeakPassword(weak) => t.weak_password(*weak).to_owned(),
        ApiError::Refused(refusal) => t.refusal(refusal),
        ApiError::UnreadableForm(_) => t.forms_unreadable.to_owned(),
        ApiError::Attachment(refused) => t.attachment_refused(refused),
        ApiError::Unprocessable {
            code: "not_a_media_file",
            ..
        } => t.error_not_media.to_owned(),
        ApiError::Unauthorized { detail, .. }
        | ApiError::Unprocessable { detail, .. }
        | ApiError::BadRequest(detail)
        | ApiError::Conflict(detail) => detail.clone(),
        other => other.to_string(),
    }
}

/// The HTTP status of an error page.
pub fn status_of(error: &ApiError) -> StatusCode {
    match error {
        ApiError::Throttled(_) => StatusCode::TOO_MANY_REQUESTS,
        ApiError::Busy(_) => StatusCode::SERVICE_UNAVAILABLE,
        ApiError::WeakPassword(_)
        | ApiError::Unprocessable { .. }
        | ApiError::Attachment(_)
        | ApiError::UnreadableForm(_) => StatusCode::UNPROCESSABLE_ENTITY,
        ApiError::Refused(refusal) => refusal.status(),
        ApiError::Forbidden(_) | ApiError::PasswordChangeRequired => StatusCode::FORBIDDEN,
        ApiError::NotFound(_) => StatusCode::NOT_FOUND,
        ApiError::TooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
        ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        ApiError::Unauthorized { .. } => StatusCode::UNAUTHORIZED,
        ApiError::Conflict(_) | ApiError::WrongOffset(_) => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    }
}

/// The HTTP status of a refused form post: as [`status_of`], except that input which was
/// read but not accepted is 422 (the page shows the form again with the reason).
pub fn refusal_status(error: &ApiError) -> StatusCode {
    match status_of(error) {
        StatusCode::BAD_REQUEST => StatusCode::UNPROCESSABLE_ENTITY,
        status => status,
    }
}

/// A page that only says what went wrong.
#[derive(Template)]
#[template(path = "console/error.html")]
struct ErrorPage {
    shell: Shell,
}

/// The error page for `error` (its server faults logged by [`ApiError`]'s own rules).
pub fn error_page(lang: Lang, error: &ApiError) -> Response {
    if let ApiError::Internal(detail) = error {
        tracing::error!(error = %detail, "server fault");
    }
    let t = lang.texts();
    let shell = Shell::visitor(lang, t.error_title, "/").with_error(message(t, error));
    render_status(status_of(error), &ErrorPage { shell })
}

/// `GET /assets/console.css`.
pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        STYLESHEET,
    )
        .into_response()
}

/// A required text field, trimmed: its value, or the sentence saying what is wrong
/// (empty, or longer than `max` characters).
pub fn required(t: &Texts, label: &str, value: &str, max: usize) -> Result<String, String> {
    let value = value.trim();
    if value.is_empty() {
        return Err(t.fill(t.field_required, "field", label));
    }
    if value.chars().count() > max {
        let text = t.fill(t.field_too_long, "field", label);
        return Err(t.fill(&text, "max", &max.to_string()));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::console::texts::Lang;

    #[test]
    fn a_file_that_is_no_media_is_explained_in_the_officers_language() {
        let refused = ApiError::Unprocessable {
            code: "not_a_media_file",
            detail: "this file's bytes are neither a JPEG image nor a recording".into(),
        };
        assert_eq!(
            message(Lang::Vi.texts(), &refused),
            "Tệp này không phải ảnh JPEG hay bản ghi âm, ghi hình nên không được hiển thị."
        );
        assert!(message(Lang::En.texts(), &refused).starts_with("This file is neither"));
        // Other refusals still say what the server said.
        let other = ApiError::Unprocessable {
            code: "other",
            detail: "why".into(),
        };
        assert_eq!(message(Lang::Vi.texts(), &other), "why");
    }
}
