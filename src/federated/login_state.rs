//! Login CSRF protection for the browser side of OAuth and SSO: a start binds a random state to
//! the browser (a short-lived cookie) and to the redirect URL (a query parameter); the callback
//! ([`LoginCallback`](super::LoginCallback)) accepts a code only when both are there and equal,
//! so nobody can sign a victim's browser into an account by sending it a callback link.

use std::time::Duration;

use cookie::{Cookie, SameSite};
use http::header::{LOCATION, SET_COOKIE};
use http::{HeaderMap, HeaderValue, StatusCode};
use url::Url;

use super::check_redirect_url;
use crate::client::Client;
use crate::error::{Error, Result};
use crate::session::cookies::CookieConfig;

/// The cookie holding the login state, from the start to the callback. `HttpOnly`,
/// `SameSite=Lax` (the provider's redirect back is a cross-site navigation, which a `Strict`
/// cookie would miss), `Path=/`, `Secure` as the client's [`CookieConfig`] says, for
/// [`LOGIN_STATE_LIFETIME`].
pub const LOGIN_STATE_COOKIE: &str = "DSLS";

/// The redirect URL's query parameter carrying the login state back to the callback.
pub const LOGIN_STATE_PARAM: &str = "login_state";

/// How long a started login may take before its callback is refused: 10 minutes.
pub const LOGIN_STATE_LIFETIME: Duration = Duration::from_secs(LIFETIME_SECONDS as u64);

const LIFETIME_SECONDS: i64 = 600;

/// A login state: 32 random bytes, base64url.
fn random_state() -> Result<String> {
    let mut bytes = [0u8; 32];
    aws_lc_rs::rand::fill(&mut bytes)
        .map_err(|_| Error::Config("the system's random number generator failed".into()))?;
    Ok(base64_simd::URL_SAFE_NO_PAD.encode_to_string(bytes))
}

/// A start bound to a login state, before it is sent.
pub(crate) struct Pending {
    state: String,
    secure: bool,
}

impl Pending {
    /// Draws a state and adds it to `redirect_url` (replacing one already there).
    pub(crate) fn bind(client: &Client, redirect_url: &mut String) -> Result<Self> {
        let mut url = check_redirect_url(redirect_url)?;
        let state = random_state()?;
        let kept: Vec<(String, String)> = url
            .query_pairs()
            .filter(|(key, _)| key != LOGIN_STATE_PARAM)
            .map(|(key, value)| (key.into_owned(), value.into_owned()))
            .collect();
        url.query_pairs_mut()
            .clear()
            .extend_pairs(kept)
            .append_pair(LOGIN_STATE_PARAM, &state);
        *redirect_url = url.into();
        Ok(Pending {
            state,
            secure: client.cookie_config().is_secure(),
        })
    }

    /// The answer to the browser once the start gave the provider's `url`.
    pub(crate) fn redirect(self, url: Url) -> LoginRedirect {
        let cookie = Cookie::build((LOGIN_STATE_COOKIE, self.state))
            .path("/")
            .http_only(true)
            .secure(self.secure)
            .same_site(SameSite::Lax)
            .max_age(cookie::time::Duration::seconds(LIFETIME_SECONDS))
            .build();
        LoginRedirect {
            url,
            state_cookie: cookie.to_string(),
        }
    }
}

/// The `Set-Cookie` value that removes the login state cookie.
pub(crate) fn clear_state_cookie(cookies: &CookieConfig) -> String {
    let mut cookie = Cookie::build((LOGIN_STATE_COOKIE, ""))
        .path("/")
        .http_only(true)
        .secure(cookies.is_secure())
        .same_site(SameSite::Lax)
        .build();
    cookie.make_removal();
    cookie.to_string()
}

/// Where to send the browser to sign in, with the login state cookie to set: the answer of a
/// start route. Its `Debug` does not show the state.
#[derive(Clone)]
pub struct LoginRedirect {
    url: Url,
    state_cookie: String,
}

impl std::fmt::Debug for LoginRedirect {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoginRedirect")
            .field("url", &self.url.origin())
            .finish_non_exhaustive()
    }
}

impl LoginRedirect {
    /// The identity provider's URL (with feature `axum`, the value is also an
    /// `IntoResponse`: [`into_response`](Self::into_response)).
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The response headers: `Location` and the login state's `Set-Cookie`.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        if let Ok(location) = HeaderValue::from_str(self.url.as_str()) {
            headers.insert(LOCATION, location);
        }
        if let Ok(cookie) = HeaderValue::from_str(&self.state_cookie) {
            headers.append(SET_COOKIE, cookie);
        }
        headers
    }

    /// `303 See Other` to the provider, setting the login state cookie.
    pub fn into_response<B: Default>(self) -> http::Response<B> {
        let mut response = http::Response::new(B::default());
        *response.status_mut() = StatusCode::SEE_OTHER;
        *response.headers_mut() = self.headers();
        response
    }
}

/// The state a callback carries: the cookie's value and the query parameter's.
pub(crate) fn states_match(cookie: Option<&str>, param: Option<&str>) -> bool {
    match (cookie, param) {
        (Some(cookie), Some(param)) if !cookie.is_empty() => {
            aws_lc_rs::constant_time::verify_slices_are_equal(cookie.as_bytes(), param.as_bytes())
                .is_ok()
        }
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn states_are_random_and_url_safe() {
        let (a, b) = (random_state().unwrap(), random_state().unwrap());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
    }

    #[test]
    fn only_equal_non_empty_states_match() {
        assert!(states_match(Some("abc"), Some("abc")));
        assert!(!states_match(Some("abc"), Some("abd")));
        assert!(!states_match(Some("abc"), None));
        assert!(!states_match(None, Some("abc")));
        assert!(!states_match(Some(""), Some("")));
    }
}
