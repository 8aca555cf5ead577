//! What a sign-in, sign-up, replace or refresh returns, with tokens taken from the body or, in
//! "manage tokens in cookies" mode, from the `Set-Cookie` headers.

use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{Map, Value};

use crate::error::{Error, Result};
use crate::generated::types::{JwtResponse, ResponseUser};
use crate::secret::{RefreshJwt, SessionJwt};

/// The default name of the session cookie.
pub const SESSION_COOKIE_NAME: &str = "DS";
/// The default name of the refresh cookie.
pub const REFRESH_COOKIE_NAME: &str = "DSR";

/// A signed-in user's tokens and profile.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthInfo {
    /// The session JWT (from the body, else from the session cookie).
    pub session_jwt: SessionJwt,
    /// The refresh JWT, when one came back (body or refresh cookie). After a refresh this is
    /// the rotated token: store it, the old one may no longer work.
    pub refresh_jwt: Option<RefreshJwt>,
    /// The user, when the service included it.
    pub user: Option<ResponseUser>,
    /// True the first time this user signs in (sign-up).
    pub first_seen: bool,
    /// Expiry of the session JWT, in Unix seconds, when the service said.
    pub session_expiration: Option<i64>,
    /// The session JWT's claims, when the service included them.
    pub claims: Option<Map<String, Value>>,
    /// How the service asks the session cookies to be set.
    pub cookies: CookieSettings,
}

/// Cookie settings from a response (`cookieDomain`, `cookiePath`, `cookieMaxAge`...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieSettings {
    /// Name of the session cookie. Defaults to `DS`.
    pub session_name: String,
    /// Name of the refresh cookie. Defaults to `DSR`.
    pub refresh_name: String,
    /// `Domain` of the cookies, when set.
    pub domain: Option<String>,
    /// `Domain` of the session cookie when it differs.
    pub session_domain: Option<String>,
    /// `Path` of the cookies, when set.
    pub path: Option<String>,
    /// `Max-Age` of the refresh cookie, in seconds, when set.
    pub max_age: Option<i64>,
    /// Expiry of the refresh cookie, in Unix seconds, when set.
    pub expiration: Option<i64>,
}

impl CookieSettings {
    pub(crate) fn from_response(body: &JwtResponse) -> Self {
        let name = |n: &Option<String>, default: &str| {
            n.as_deref()
                .filter(|n| !n.is_empty())
                .unwrap_or(default)
                .to_owned()
        };
        let text = |s: &Option<String>| s.clone().filter(|s| !s.is_empty());
        Self {
            session_name: name(&body.session_cookie_name, SESSION_COOKIE_NAME),
            refresh_name: name(&body.cookie_name, REFRESH_COOKIE_NAME),
            domain: text(&body.cookie_domain),
            session_domain: text(&body.session_cookie_domain),
            path: text(&body.cookie_path),
            max_age: body.cookie_max_age,
            expiration: body.cookie_expiration,
        }
    }
}

/// The session and refresh tokens of a response, from the body or the cookies.
pub(crate) struct Tokens {
    pub(crate) session: Option<SessionJwt>,
    pub(crate) refresh: Option<RefreshJwt>,
}

impl Tokens {
    pub(crate) fn from_response(
        body: &JwtResponse,
        headers: &HeaderMap,
        cookies: &CookieSettings,
    ) -> Self {
        let session = body
            .session_jwt
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.session_name).map(SessionJwt::from));
        let refresh = body
            .refresh_jwt
            .clone()
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.refresh_name).map(RefreshJwt::from));
        Self { session, refresh }
    }
}

impl AuthInfo {
    /// Builds the result of an operation that must sign the user in.
    pub(crate) fn from_response(
        operation: &'static str,
        body: JwtResponse,
        headers: &HeaderMap,
    ) -> Result<Self> {
        Self::maybe_from_response(body, headers).ok_or_else(|| Error::Decode {
            operation,
            reason: "the response has no session JWT, in the body or a cookie".into(),
        })
    }

    /// `None` when the response carries no session JWT (try-refresh without a valid token).
    pub(crate) fn maybe_from_response(body: JwtResponse, headers: &HeaderMap) -> Option<Self> {
        let cookies = CookieSettings::from_response(&body);
        let tokens = Tokens::from_response(&body, headers, &cookies);
        Some(Self {
            session_jwt: tokens.session?,
            refresh_jwt: tokens.refresh,
            user: body.user,
            first_seen: body.first_seen.unwrap_or(false),
            session_expiration: body.session_expiration,
            claims: body.claims,
            cookies,
        })
    }
}

/// The value of the cookie `name` in the `Set-Cookie` headers, when present and non-empty.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| {
            let pair = value.split(';').next()?;
            let (key, value) = pair.split_once('=')?;
            (key.trim() == name).then(|| value.trim().trim_matches('"').to_owned())
        })
        .rfind(|value| !value.is_empty())
}
