//! `Set-Cookie` values for the session cookies, and reading the session token from a request.

use http::header::{AUTHORIZATION, COOKIE};
use http::HeaderMap;

use crate::auth_info::{AuthInfo, CookieSettings};
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::Refreshed;

/// A result that carries session tokens to store in cookies: [`AuthInfo`] (sign-up, sign-in,
/// replace) and [`Refreshed`] (refresh).
pub trait IssuedTokens {
    /// The session JWT.
    fn session_jwt(&self) -> &SessionJwt;
    /// The refresh JWT, when the result carries one (a refresh only does when it rotated).
    fn refresh_jwt(&self) -> Option<&RefreshJwt>;
    /// The cookie settings the service sent.
    fn cookie_settings(&self) -> &CookieSettings;
    /// Expiry of the session JWT, in Unix seconds, when the service said.
    fn session_expiration(&self) -> Option<i64>;
}

impl IssuedTokens for AuthInfo {
    fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }
    fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        Some(&self.refresh_jwt)
    }
    fn cookie_settings(&self) -> &CookieSettings {
        &self.cookies
    }
    fn session_expiration(&self) -> Option<i64> {
        self.session_expiration
    }
}

impl IssuedTokens for Refreshed {
    fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }
    fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        self.refresh_jwt.as_ref()
    }
    fn cookie_settings(&self) -> &CookieSettings {
        &self.cookies
    }
    fn session_expiration(&self) -> Option<i64> {
        self.session_expiration
            .or(Some(self.session.inner.expires_at))
    }
}

fn cookie(
    name: &str,
    value: &str,
    domain: Option<&str>,
    path: Option<&str>,
    max_age: Option<i64>,
) -> String {
    let mut cookie = format!("{name}={value}; Path={}", path.unwrap_or("/"));
    if let Some(domain) = domain.filter(|d| !d.is_empty()) {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if let Some(max_age) = max_age {
        cookie.push_str(&format!("; Max-Age={}", max_age.max(0)));
    }
    cookie.push_str("; HttpOnly; Secure; SameSite=Strict");
    cookie
}

/// The `Set-Cookie` values that store a signed-in session in the browser: the session cookie
/// (`DS`, or the name the service gave) and, when a refresh JWT came back, the refresh cookie
/// (`DSR`). Both are `HttpOnly`, `Secure`, `SameSite=Strict`, with `Path` and `Domain` from the
/// response; the session cookie lives until the session JWT expires (when the response says),
/// the refresh cookie for `cookieMaxAge`.
///
/// # Security Warning
///
/// The values contain the tokens: send them as headers, never log them.
pub fn set_cookies<T: IssuedTokens + ?Sized>(auth: &T) -> Vec<String> {
    set_cookies_at(
        auth,
        super::validate::unix_seconds(std::time::SystemTime::now()),
    )
}

/// [`set_cookies`] as of `now_unix` (Unix seconds), for tests and custom clocks.
///
/// # Security Warning
///
/// The values contain the tokens: send them as headers, never log them.
pub fn set_cookies_at<T: IssuedTokens + ?Sized>(auth: &T, now_unix: i64) -> Vec<String> {
    let settings = auth.cookie_settings();
    let session_domain = settings
        .session_domain
        .as_deref()
        .or(settings.domain.as_deref());
    let session_age = auth.session_expiration().map(|exp| exp - now_unix);
    let mut cookies = vec![cookie(
        &settings.session_name,
        auth.session_jwt().secret(),
        session_domain,
        settings.path.as_deref(),
        session_age,
    )];
    if let Some(refresh) = auth.refresh_jwt() {
        cookies.push(cookie(
            &settings.refresh_name,
            refresh.secret(),
            settings.domain.as_deref(),
            settings.path.as_deref(),
            settings.max_age,
        ));
    }
    cookies
}

/// The `Set-Cookie` values that clear both session cookies (after a logout).
pub fn clear_cookies(settings: &CookieSettings) -> [String; 2] {
    let session_domain = settings
        .session_domain
        .as_deref()
        .or(settings.domain.as_deref());
    [
        cookie(
            &settings.session_name,
            "",
            session_domain,
            settings.path.as_deref(),
            Some(0),
        ),
        cookie(
            &settings.refresh_name,
            "",
            settings.domain.as_deref(),
            settings.path.as_deref(),
            Some(0),
        ),
    ]
}

/// The session token of a request: `Authorization: Bearer <token>`, else the `DS` cookie.
pub fn session_token(headers: &HeaderMap) -> Option<&str> {
    bearer_token(headers).or_else(|| cookie_value(headers, crate::SESSION_COOKIE_NAME))
}

/// The token of `Authorization: Bearer <token>`, when present and non-empty.
pub fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    let token = token.trim();
    (scheme.eq_ignore_ascii_case("bearer") && !token.is_empty()).then_some(token)
}

/// The value of cookie `name` in the request's `Cookie` headers, when present and non-empty.
pub fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, value)| *key == name && !value.is_empty())
        .map(|(_, value)| value.trim_matches('"'))
}
