//! Who is asking, in the console: the session cookie (the same server-side sessions as
//! the JSON API's bearer tokens, carried in an HttpOnly, SameSite=Strict cookie, Secure
//! behind https), the CSRF token every form post must carry (derived from the session's
//! secret token, so it lives and dies with the session), the language cookie, and the
//! extractors that turn a request into a signed-in officer or a redirect to the login.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::{CONTENT_TYPE, COOKIE, HOST, ORIGIN, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use super::shell::error_page;
use super::texts::Lang;
use crate::api::{AppState, Officer, Session, read_body, with_store};
use crate::error::ApiError;
use crate::model::Area;
use crate::secret::secret_hash;

/// The cookie that carries the session token.
pub const SESSION_COOKIE: &str = "bb_session";
/// The cookie that keeps the chosen language (`vi` or `en`).
pub const LANG_COOKIE: &str = "bb_lang";
/// Most bytes of a posted (URL-encoded) console form.
const FORM_MAX_BYTES: u64 = 64 * 1024;

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The CSRF token of the session whose secret token is `token`: unguessable without the
/// token (which only the HttpOnly cookie holds), the same for the session's whole life.
pub fn csrf_for(token: &str) -> String {
    secret_hash(&format!("branchbook console csrf\n{token}"))
}

/// Compares two secrets in time independent of where they first differ.
fn same_secret(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// True when the console is reached over https: the server speaks it itself, the public
/// URL says so, or the reverse proxy declared with `--behind-proxy` does
/// (`X-Forwarded-Proto`; a client reaching the server directly cannot claim it).
fn is_secure(state: &AppState, headers: &HeaderMap) -> bool {
    state.config.serves_tls()
        || state
            .config
            .public_url
            .as_deref()
            .is_some_and(|u| u.starts_with("https://"))
        || (state.config.behind_proxy
            && headers
                .get("x-forwarded-proto")
                .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"https")))
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Strict, for the whole site, Secure over https.
fn set_cookie(name: &str, value: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let text = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&text).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// What every console request knows before any login: the language, https or not.
#[derive(Debug, Clone)]
pub struct Visitor {
    /// The language of the pages.
    pub lang: Lang,
    /// True behind https (cookies are then Secure).
    pub secure: bool,
    /// The session token the request carries, live or not.
    pub token: Option<String>,
}

impl Visitor {
    fn of(parts: &Parts, state: &AppState) -> Visitor {
        Visitor {
            lang: Lang::from_code(cookie(&parts.headers, LANG_COOKIE).unwrap_or("vi")),
            secure: is_secure(state, &parts.headers),
            token: cookie(&parts.headers, SESSION_COOKIE)
                .filter(|t| !t.is_empty())
                .map(str::to_owned),
        }
    }

    /// A response that sets the session cookie for `token` (lasting `hours`), then
    /// redirects to `to`.
    pub fn signed_in(&self, token: &str, hours: u32, to: &str) -> Response {
        let cookie = set_cookie(SESSION_COOKIE, token, i64::from(hours) * 3600, self.secure);
        ([(SET_COOKIE, cookie)], Redirect::to(to)).into_response()
    }

    /// A response that clears the session cookie, then redirects to `to`.
    pub fn signed_out(&self, to: &str) -> Response {
        let cookie = set_cookie(SESSION_COOKIE, "", 0, self.secure);
        ([(SET_COOKIE, cookie)], Redirect::to(to)).into_response()
    }

    /// A response that keeps `lang` in its cookie (a year), then redirects to `to`.
    pub fn with_lang(&self, lang: Lang, to: &str) -> Response {
        let cookie = set_cookie(LANG_COOKIE, lang.code(), 365 * 86_400, self.secure);
        ([(SET_COOKIE, cookie)], Redirect::to(to)).into_response()
    }
}

impl FromRequestParts<AppState> for Visitor {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        Ok(Visitor::of(parts, state))
    }
}

/// A signed-in person whose one-time password may still need replacing (the password
/// page and the logout accept her; every other page wants [`Staff`]).
pub struct Signed {
    /// Language, https, token.
    pub visitor: Visitor,
    /// The session.
    pub session: Session,
    /// The session's CSRF token, put in every form the page shows.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Signed {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let visitor = Visitor::of(parts, state);
        let Some(token) = visitor.token.clone() else {
            return Err(Redirect::to("/login").into_response());
        };
        match Session::for_token(state, &token).await {
            Ok(Some(session)) => Ok(Signed {
                csrf: csrf_for(&token),
                visitor,
                session,
            }),
            Ok(None) => Err(visitor.signed_out("/login?expired=1")),
            Err(e) => Err(error_page(visitor.lang, &e)),
        }
    }
}

/// A signed-in officer or administrator with a password of her own: what every console
/// page but the login and the password change requires. Someone with a one-time
/// password is sent to the password page; a branch head is refused.
pub struct Staff {
    /// Language, https, token.
    pub visitor: Visitor,
    /// The officer (her account and scope), as the JSON API's handlers take her.
    pub officer: Officer,
    /// The session's CSRF token.
    pub csrf: String,
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let signed = Signed::from_request_parts(parts, state).await?;
        let lang = signed.visitor.lang;
        let officer = match signed.session.official().and_then(|o| o.officer()) {
            Ok(officer) => officer,
            Err(ApiError::PasswordChangeRequired) => {
                return Err(Redirect::to("/password").into_response());
            }
            Err(e) => return Err(error_page(lang, &e)),
        };
        Ok(Staff {
            visitor: signed.visitor,
            officer,
            csrf: signed.csrf,
        })
    }
}

impl Staff {
    /// Every area inside the officer's scope, from the top down (archived ones included:
    /// each page decides whether to offer them), or the error page to answer with.
    pub async fn areas(&self, state: &AppState) -> Result<Vec<Area>, Response> {
        let scope = self.officer.scope().clone();
        with_store(state, move |s| s.areas(&scope))
            .await
            .map_err(|e| error_page(self.visitor.lang, &e))
    }
}

/// Who may post a console form: someone whose session gives a CSRF token.
pub trait Poster: FromRequestParts<AppState, Rejection = Response> + Send {
    /// The CSRF token the post must carry.
    fn csrf(&self) -> &str;
    /// The language of the answer.
    fn lang(&self) -> Lang;
}

impl Poster for Signed {
    fn csrf(&self) -> &str {
        &self.csrf
    }
    fn lang(&self) -> Lang {
        self.visitor.lang
    }
}

impl Poster for Staff {
    fn csrf(&self) -> &str {
        &self.csrf
    }
    fn lang(&self) -> Lang {
        self.visitor.lang
    }
}

/// The refusal of a post whose `Origin` names another site than the one it was sent to
/// (browsers send it on every form post; tools that omit it still need the CSRF token).
pub fn foreign_origin(parts: &Parts, lang: Lang) -> Option<Response> {
    let origin = parts.headers.get(ORIGIN)?.to_str().unwrap_or_default();
    let host = parts.headers.get(HOST).and_then(|v| v.to_str().ok());
    let origin_host = origin.split_once("://").map(|(_, rest)| rest);
    (host.is_none() || origin_host != host).then(|| refused(lang))
}

fn refused(lang: Lang) -> Response {
    error_page(lang, &ApiError::Forbidden("csrf".into()))
}

#[derive(Deserialize)]
struct CsrfField {
    #[serde(default)]
    csrf: String,
}

/// A console form post: who sent it (`S`, [`Signed`] or [`Staff`]) and its fields
/// (`T`), read under a small size limit, accepted only with the session's CSRF token
/// and from this site.
pub struct Posted<S, T> {
    /// Who posted.
    pub who: S,
    /// The form's fields.
    pub form: T,
}

impl<S: Poster, T: DeserializeOwned> FromRequest<AppState> for Posted<S, T> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let who = S::from_request_parts(&mut parts, state).await?;
        let lang = who.lang();
        if let Some(refusal) = foreign_origin(&parts, lang) {
            return Err(refusal);
        }
        let bytes = read_body(&parts.headers, body, FORM_MAX_BYTES)
            .await
            .map_err(|e| error_page(lang, &e))?;
        let sent: CsrfField = serde_urlencoded::from_bytes(&bytes).map_err(|_| refused(lang))?;
        if !same_secret(&sent.csrf, who.csrf()) {
            return Err(refused(lang));
        }
        let form = serde_urlencoded::from_bytes(&bytes).map_err(|e| {
            error_page(
                lang,
                &ApiError::BadRequest(format!("the form's fields are not as expected: {e}")),
            )
        })?;
        Ok(Posted { who, form })
    }
}

/// A console file upload (a multipart form post): who sent it and the file, if one was
/// chosen. The body is read under the server's body limit, and the session's CSRF token
/// must be the form's first field (checked before the file is looked at).
pub struct Uploaded<S> {
    /// Who posted.
    pub who: S,
    /// The file's name as the browser gave it, and its bytes (`None`: no file chosen).
    pub file: Option<(String, Bytes)>,
    /// Further files chosen in the form's `attachments` field (a form's CSV tables and
    /// images), name and bytes, at most [`crate::form_files::MAX_FORM_FILES`] + 1 kept
    /// (one more than allowed, so the refusal can say so).
    pub attachments: Vec<(String, Bytes)>,
}

impl<S: Poster> FromRequest<AppState> for Uploaded<S> {
    type Rejection = Response;

    async fn from_request(request: Request, state: &AppState) -> Result<Self, Response> {
        let (mut parts, body) = request.into_parts();
        let who = S::from_request_parts(&mut parts, state).await?;
        let lang = who.lang();
        if let Some(refusal) = foreign_origin(&parts, lang) {
            return Err(refusal);
        }
        let unreadable = |_: multer::Error| {
            error_page(
                lang,
                &ApiError::BadRequest("the upload is not a readable multipart form".into()),
            )
        };
        let boundary = parts
            .headers
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .ok_or(multer::Error::NoMultipart)
            .and_then(multer::parse_boundary)
            .map_err(unreadable)?;
        let bytes = read_body(&parts.headers, body, state.config.max_body_bytes)
            .await
            .map_err(|e| error_page(lang, &e))?;
        let stream =
            futures_util::stream::once(async move { Ok::<_, std::convert::Infallible>(bytes) });
        let mut multipart = multer::Multipart::new(stream, boundary);
        let csrf = match multipart.next_field().await.map_err(unreadable)? {
            Some(field) if field.name() == Some("csrf") => {
                field.text().await.map_err(unreadable)?
            }
            _ => return Err(refused(lang)),
        };
        if !same_secret(&csrf, who.csrf()) {
            return Err(refused(lang));
        }
        let mut file = None;
        let mut attachments = Vec::new();
        while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
            let is_file = field.name() == Some("file");
            if !is_file && field.name() != Some("attachments") {
                continue;
            }
            let name = field.file_name().unwrap_or_default().to_owned();
            let bytes = field.bytes().await.map_err(unreadable)?;
            if name.is_empty() && bytes.is_empty() {
                continue;
            }
            if is_file {
                file = Some((name, bytes));
            } else if attachments.len() <= crate::form_files::MAX_FORM_FILES {
                attachments.push((name, bytes));
            }
        }
        Ok(Uploaded {
            who,
            file,
            attachments,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookies_are_found_by_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("xbb_session=no; bb_session=yes; bb_lang=en"),
        );
        assert_eq!(cookie(&headers, SESSION_COOKIE), Some("yes"));
        assert_eq!(cookie(&headers, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&headers, "other"), None);
    }

    #[test]
    fn csrf_tokens_differ_by_session_and_compare_exactly() {
        let a = csrf_for("token-a");
        assert_eq!(a, csrf_for("token-a"));
        assert_ne!(a, csrf_for("token-b"));
        assert!(same_secret(&a, &csrf_for("token-a")));
        assert!(!same_secret(&a, &csrf_for("token-b")));
        assert!(!same_secret(&a, ""));
    }

    #[test]
    fn cookies_are_http_only_strict_and_secure_only_over_https() {
        let plain = set_cookie(SESSION_COOKIE, "t", 60, false);
        let plain = plain.to_str().unwrap_or_default();
        assert!(plain.contains("HttpOnly") && plain.contains("SameSite=Strict"));
        assert!(!plain.contains("Secure"));
        let secure = set_cookie(SESSION_COOKIE, "t", 60, true);
        assert!(secure.to_str().unwrap_or_default().ends_with("; Secure"));
    }
}
