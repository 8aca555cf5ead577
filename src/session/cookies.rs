//! Session cookies, written and read with the `cookie` crate through one [`CookieConfig`]: the
//! writer, the reader, the axum extractor, the middleware and the tower layer use the same
//! names and attributes.
//!
//! ```
//! use descope::session::cookies::CookieConfig;
//! use http::{header::COOKIE, HeaderMap, HeaderValue};
//!
//! let cookies = CookieConfig::default(); // DS / DSR, HttpOnly, Secure, SameSite=Strict
//! let mut request = HeaderMap::new();
//! request.insert(COOKIE, HeaderValue::from_static("theme=dark; DS=session.jwt.here"));
//! assert_eq!(cookies.session_token(&request), Some("session.jwt.here"));
//! ```

use cookie::{Cookie, CookieBuilder};
use http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

pub use cookie::SameSite;

use crate::auth_info::{AuthInfo, CookieSettings, REFRESH_COOKIE_NAME, SESSION_COOKIE_NAME};
use crate::secret::{RefreshJwt, SessionJwt};
use crate::session::Refreshed;
use crate::setters::setters;

/// A result that carries session tokens to store in cookies: [`AuthInfo`] (sign-up, sign-in,
/// replace) and [`Refreshed`] (refresh).
pub trait IssuedTokens {
    /// The session JWT.
    fn session_jwt(&self) -> &SessionJwt;
    /// The refresh JWT, when the result carries one (a refresh only does when it rotated).
    fn refresh_jwt(&self) -> Option<&RefreshJwt>;
    /// The cookie settings the service sent.
    fn cookie_settings(&self) -> &CookieSettings;
    /// When the session JWT expires, when known.
    fn session_expiration(&self) -> Option<std::time::SystemTime>;
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
    fn session_expiration(&self) -> Option<std::time::SystemTime> {
        self.session_expiration
    }
}

impl IssuedTokens for Refreshed {
    fn session_jwt(&self) -> &SessionJwt {
        &self.session_jwt
    }
    fn refresh_jwt(&self) -> Option<&RefreshJwt> {
        self.rotated.then_some(&self.refresh_jwt)
    }
    fn cookie_settings(&self) -> &CookieSettings {
        &self.cookies
    }
    fn session_expiration(&self) -> Option<std::time::SystemTime> {
        self.session_expiration.or(Some(self.session.expires_at()))
    }
}

/// How session cookies are named and written. One value serves the writer, the reader, the
/// extractor, the middleware and the tower layer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieConfig {
    session_name: Option<String>,
    refresh_name: Option<String>,
    secure: bool,
    same_site: SameSite,
    domain: Option<String>,
    path: Option<String>,
}

impl Default for CookieConfig {
    /// `DS` / `DSR`, `HttpOnly`, `Secure`, `SameSite=Strict`,
    /// `Domain` and `Path` as the service sends them (`Path=/` otherwise).
    fn default() -> Self {
        Self {
            session_name: None,
            refresh_name: None,
            secure: true,
            same_site: SameSite::Strict,
            domain: None,
            path: None,
        }
    }
}

impl CookieConfig {
    /// The cookie names. Defaults to `DS` and `DSR`, or `DESCOPE_SESSION_COOKIE_NAME` and
    /// `DESCOPE_REFRESH_COOKIE_NAME` with [`ClientBuilder::from_env`](crate::ClientBuilder::from_env).
    ///
    /// Names are configuration: a request is read under these names whatever this process saw
    /// before, so every replica and every restart reads the same cookies. When the service
    /// names its cookies otherwise (`sessionCookieName`, `cookieName`: a project with custom
    /// cookie names), the client traces it once at `warn` level; set the same names here.
    pub fn names(mut self, session: impl Into<String>, refresh: impl Into<String>) -> Self {
        self.session_name = Some(session.into());
        self.refresh_name = Some(refresh.into());
        self
    }

    setters! {
        /// Whether cookies carry `Secure` (sent over HTTPS only). Defaults to true; turn it off
        /// only for plain-HTTP development on `localhost`/`127.0.0.1`, where browsers would
        /// otherwise drop them.
        secure(secure: bool) => secure;

        /// The `SameSite` attribute. Defaults to `Strict`, which keeps cross-site form posts from
        /// carrying the session (CSRF).
        same_site(same_site: SameSite) => same_site;

        /// The `Domain` attribute. Defaults to the service's `cookieDomain`, else none (host-only).
        domain(domain: impl Into<String>) => Some(domain);

        /// The `Path` attribute. Defaults to the service's `cookiePath`, else `/`.
        path(path: impl Into<String>) => Some(path);
    }

    /// Whether cookies carry `Secure`.
    pub(crate) fn is_secure(&self) -> bool {
        self.secure
    }

    /// Whether names were configured (rather than left to the defaults).
    pub fn has_names(&self) -> bool {
        self.session_name.is_some() || self.refresh_name.is_some()
    }

    /// Fills the names not configured (from the environment).
    pub(crate) fn fill_names(&mut self, session: Option<String>, refresh: Option<String>) {
        if self.session_name.is_none() {
            self.session_name = session;
        }
        if self.refresh_name.is_none() {
            self.refresh_name = refresh;
        }
    }

    /// The session cookie's name: the configured one, else `DS`.
    pub fn session_name(&self) -> &str {
        self.session_name.as_deref().unwrap_or(SESSION_COOKIE_NAME)
    }

    /// The refresh cookie's name: the configured one, else `DSR`.
    pub fn refresh_name(&self) -> &str {
        self.refresh_name.as_deref().unwrap_or(REFRESH_COOKIE_NAME)
    }

    /// Whether the service names its cookies as configured here (a custom name it sends that
    /// differs is worth a warning: cookies it sets itself would not be read).
    pub(crate) fn matches_service(&self, service: &CookieSettings) -> bool {
        service.session_name == self.session_name() && service.refresh_name == self.refresh_name()
    }

    fn build<'c>(
        &self,
        name: &str,
        value: &str,
        domain: Option<&str>,
        settings: &CookieSettings,
    ) -> CookieBuilder<'c> {
        let domain = self.domain.as_deref().or(domain);
        let path = self
            .path
            .as_deref()
            .or(settings.path.as_deref())
            .unwrap_or("/");
        let mut builder = Cookie::build((name.to_owned(), value.to_owned()))
            .path(path.to_owned())
            .http_only(true)
            .secure(self.secure)
            .same_site(self.same_site);
        if let Some(domain) = domain.filter(|d| !d.is_empty()) {
            builder = builder.domain(domain.to_owned());
        }
        builder
    }

    /// Appends the `Set-Cookie` headers that store a signed-in session: the session cookie
    /// (living until the session JWT expires, when known) and, when the result carries one, the
    /// refresh cookie (for the service's `cookieMaxAge`).
    ///
    /// # Security Warning
    ///
    /// The headers contain the tokens: send them, never log them.
    pub fn set<T: IssuedTokens + ?Sized>(&self, headers: &mut HeaderMap, tokens: &T) {
        let now = super::validate::unix_seconds(std::time::SystemTime::now());
        self.set_at(headers, tokens, now);
    }

    /// The `Set-Cookie` headers of [`set`](Self::set) as a response part (a `HeaderMap` is
    /// one in axum: `(StatusCode::SEE_OTHER, [(LOCATION, "/")], cookies.set_headers(&auth))`).
    ///
    /// # Security Warning
    ///
    /// The headers contain the tokens: send them, never log them.
    pub fn set_headers<T: IssuedTokens + ?Sized>(&self, tokens: &T) -> HeaderMap {
        let mut headers = HeaderMap::new();
        self.set(&mut headers, tokens);
        headers
    }

    /// The `Set-Cookie` headers of [`clear`](Self::clear) as a response part.
    pub fn clear_headers(&self, service: Option<&CookieSettings>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        self.clear(&mut headers, service);
        headers
    }

    /// [`set`](Self::set) as of `now_unix` (Unix seconds), for tests and custom clocks.
    ///
    /// # Security Warning
    ///
    /// The headers contain the tokens: send them, never log them.
    pub fn set_at<T: IssuedTokens + ?Sized>(
        &self,
        headers: &mut HeaderMap,
        tokens: &T,
        now_unix: i64,
    ) {
        let settings = tokens.cookie_settings();
        let session_domain = settings
            .session_domain
            .as_deref()
            .or(settings.domain.as_deref());
        let mut session = self.build(
            self.session_name(),
            tokens.session_jwt().secret(),
            session_domain,
            settings,
        );
        if let Some(expiration) = tokens.session_expiration() {
            let expiration = super::validate::unix_seconds(expiration);
            session = session.max_age(cookie::time::Duration::seconds(
                expiration.saturating_sub(now_unix).max(0),
            ));
        }
        append(headers, session.build());
        if let Some(refresh) = tokens.refresh_jwt() {
            let mut cookie = self.build(
                self.refresh_name(),
                refresh.secret(),
                settings.domain.as_deref(),
                settings,
            );
            if let Some(max_age) = settings.max_age {
                let seconds = i64::try_from(max_age.as_secs()).unwrap_or(i64::MAX);
                cookie = cookie.max_age(cookie::time::Duration::seconds(seconds));
            }
            append(headers, cookie.build());
        }
    }

    /// Appends the `Set-Cookie` headers that clear both cookies (logout), with the configured
    /// names and the domain and path they were set with (`service`: the settings of the logout
    /// answer or of the sign-in, when at hand). A browser removes a cookie only for the same
    /// `Domain` and `Path`: with `None` and no configured [`domain`](Self::domain), the removal
    /// is host-only. The web integrations and `logout_and_clear` fill in where the service last
    /// asked the cookies to be set; a process that has not heard from the service yet knows
    /// only this configuration, so configure the domain when the project sets one.
    pub fn clear(&self, headers: &mut HeaderMap, service: Option<&CookieSettings>) {
        let defaults = CookieSettings::default();
        let settings = service.unwrap_or(&defaults);
        let session_domain = settings
            .session_domain
            .as_deref()
            .or(settings.domain.as_deref());
        for (name, domain) in [
            (self.session_name(), session_domain),
            (self.refresh_name(), settings.domain.as_deref()),
        ] {
            let mut cookie = self.build(name, "", domain, settings).build();
            cookie.make_removal();
            append(headers, cookie);
        }
    }

    /// The session token of a request: `Authorization: Bearer <token>`, else the session
    /// cookie.
    pub fn session_token<'a>(&self, headers: &'a HeaderMap) -> Option<&'a str> {
        bearer_token(headers).or_else(|| cookie_value(headers, self.session_name()))
    }

    /// The refresh token of a request: the refresh cookie.
    pub fn refresh_token(&self, headers: &HeaderMap) -> Option<RefreshJwt> {
        cookie_value(headers, self.refresh_name()).map(RefreshJwt::from)
    }

    /// Whether a response already sets or clears one of the session cookies (then nothing must
    /// be added to it: the handler's word on its session is final).
    pub fn response_sets_session(&self, headers: &HeaderMap) -> bool {
        let names = [self.session_name(), self.refresh_name()];
        headers
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|value| value.to_str().ok())
            .filter_map(|value| Cookie::parse(value).ok())
            .any(|cookie| names.contains(&cookie.name()))
    }
}

fn append(headers: &mut HeaderMap, cookie: Cookie<'_>) {
    if let Ok(value) = HeaderValue::from_str(&cookie.to_string()) {
        headers.append(SET_COOKIE, value);
    }
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
        .filter_map(|value| value.to_str().ok())
        .flat_map(Cookie::split_parse)
        .filter_map(Result::ok)
        .filter(|cookie| cookie.name() == name)
        .filter_map(|cookie| cookie.value_raw())
        .map(|value| {
            value
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .unwrap_or(value)
        })
        .find(|value| !value.is_empty())
}
