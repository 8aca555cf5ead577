//! What a sign-in, sign-up or replace returns, with tokens taken from the body or, in "manage
//! tokens in cookies" mode, from the `Set-Cookie` headers.

use crate::operation::Operation;
use reqwest::header::{HeaderMap, SET_COOKIE};
use serde_json::{Map, Value};
use std::borrow::Cow;

use crate::error::{Error, Result};
use crate::secret::{OpaqueToken, RefreshJwt, SessionJwt};
use crate::user::User;
use crate::wire::{JwtResponse, ResponseUser};

/// The default name of the session cookie.
pub const SESSION_COOKIE_NAME: &str = "DS";
/// The default name of the refresh cookie.
pub const REFRESH_COOKIE_NAME: &str = "DSR";

/// A signed-in user's tokens and profile: what sign-up, sign-in and replace return.
///
/// ```no_run
/// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
/// let auth = client.password().sign_in("ada@example.com", "Correct-Horse-1").await?;
/// println!("{} signed in with roles {:?}", auth.user.user_id, auth.user.roles);
/// let refresh_jwt = auth.refresh_jwt; // keep it (a cookie, a secure store)
/// # drop(refresh_jwt); Ok(()) }
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AuthInfo {
    /// The session JWT (from the body, else from the session cookie).
    pub session_jwt: SessionJwt,
    /// The refresh JWT (from the body, else from the refresh cookie).
    pub refresh_jwt: RefreshJwt,
    /// The signed-in user.
    pub user: User,
    /// True the first time this user signs in (sign-up).
    pub first_seen: bool,
    /// When the session JWT expires, when the service said.
    pub session_expiration: Option<std::time::SystemTime>,
    /// The session JWT's claims, as the service sent them (empty when it did not).
    pub claims: Map<String, Value>,
    /// How the service asks the session cookies to be set.
    pub cookies: CookieSettings,
    /// How long until the session should be refreshed, when the service said.
    pub next_refresh: Option<std::time::Duration>,
    /// What an identity provider returned, for SSO sign-ins.
    pub idp_response: Option<IdpResponse>,
    /// A token from an external identity provider, when there is one.
    pub external_token: Option<OpaqueToken>,
    /// The SSO configuration of the tenant signed into, when there is one.
    pub tenant_sso_id: Option<String>,
    /// A trusted-device token, when the project issues them.
    pub trusted_device_jwt: Option<OpaqueToken>,
    /// Whether the SSO configuration of the sign-in is not saved yet.
    pub unsaved_sso: bool,
}

/// What an identity provider returned for an SSO sign-in ([`AuthInfo::idp_response`]).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct IdpResponse {
    /// Groups from the identity provider (empty when it sent none).
    pub groups: Vec<String>,
    /// The OIDC claims from the identity provider (empty when it sent none).
    pub oidc_claims: Map<String, Value>,
    /// The SAML attributes from the identity provider (empty when it sent none).
    pub saml_attributes: Map<String, Value>,
    /// The roles generated from OIDC, when there are some.
    pub oidc_generated_roles: Option<String>,
    /// The user generated from OIDC, when there is one.
    pub oidc_generated_user: Option<String>,
    /// The raw OIDC response: a credential, so redacted in `Debug`.
    pub oidc_response: Option<OpaqueToken>,
    /// The roles generated from SAML, when there are some.
    pub saml_generated_roles: Option<String>,
    /// The user generated from SAML, when there is one.
    pub saml_generated_user: Option<String>,
    /// The raw SAML response (an assertion: a credential, so redacted in `Debug`).
    pub saml_response: Option<OpaqueToken>,
}

impl IdpResponse {
    fn from_wire(wire: crate::wire::IdpResponse) -> Self {
        let text = |value: Option<String>| value.filter(|v| !v.is_empty());
        Self {
            groups: wire.idp_groups.unwrap_or_default(),
            oidc_claims: wire.idp_oidc_claims.unwrap_or_default(),
            saml_attributes: wire.idp_saml_attributes.unwrap_or_default(),
            oidc_generated_roles: text(wire.oidc_generated_roles),
            oidc_generated_user: text(wire.oidc_generated_user),
            oidc_response: text(wire.oidc_response).map(OpaqueToken::from),
            saml_generated_roles: text(wire.saml_generated_roles),
            saml_generated_user: text(wire.saml_generated_user),
            saml_response: text(wire.saml_response).map(OpaqueToken::from),
        }
    }
}

/// Cookie settings from a response (`cookieDomain`, `cookiePath`, `cookieMaxAge`...).
///
/// The cookie names are a `Cow`: the default names are borrowed, so the usual answer, which
/// names no cookie, costs no allocation. Read them as `&str` (`&*settings.session_name`, or
/// compare with `==`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct CookieSettings {
    /// Name of the session cookie. Defaults to `DS`.
    pub session_name: Cow<'static, str>,
    /// Name of the refresh cookie. Defaults to `DSR`.
    pub refresh_name: Cow<'static, str>,
    /// `Domain` of the cookies, when set.
    pub domain: Option<String>,
    /// `Domain` of the session cookie when it differs.
    pub session_domain: Option<String>,
    /// `Path` of the cookies, when set.
    pub path: Option<String>,
    /// `Max-Age` of the refresh cookie, when set.
    pub max_age: Option<std::time::Duration>,
    /// When the refresh cookie expires, when set.
    pub expiration: Option<std::time::SystemTime>,
}

impl Default for CookieSettings {
    /// `DS` and `DSR`, no domain, path, or lifetime.
    fn default() -> Self {
        Self {
            session_name: Cow::Borrowed(SESSION_COOKIE_NAME),
            refresh_name: Cow::Borrowed(REFRESH_COOKIE_NAME),
            domain: None,
            session_domain: None,
            path: None,
            max_age: None,
            expiration: None,
        }
    }
}

impl CookieSettings {
    /// The cookie settings of a response, moved out of it.
    pub(crate) fn take(body: &mut JwtResponse) -> Self {
        let name = |n: Option<String>, default: &'static str| match n {
            Some(n) if !n.is_empty() => Cow::Owned(n),
            _ => Cow::Borrowed(default),
        };
        let text = |s: Option<String>| s.filter(|s| !s.is_empty());
        Self {
            session_name: name(body.session_cookie_name.take(), SESSION_COOKIE_NAME),
            refresh_name: name(body.cookie_name.take(), REFRESH_COOKIE_NAME),
            domain: text(body.cookie_domain.take()),
            session_domain: text(body.session_cookie_domain.take()),
            path: text(body.cookie_path.take()),
            max_age: body.cookie_max_age.map(crate::time::seconds),
            expiration: body.cookie_expiration.map(crate::time::instant),
        }
    }
}

/// A refresh-like answer taken apart: tokens from the body or the cookies, the rest as sent.
pub(crate) struct Issued {
    pub(crate) session_jwt: Option<SessionJwt>,
    pub(crate) refresh_jwt: Option<RefreshJwt>,
    pub(crate) user: Option<ResponseUser>,
    pub(crate) session_expiration: Option<std::time::SystemTime>,
    pub(crate) cookies: CookieSettings,
    pub(crate) next_refresh: Option<std::time::Duration>,
}

impl Issued {
    pub(crate) fn from_response(mut body: JwtResponse, headers: &HeaderMap) -> Self {
        let cookies = CookieSettings::take(&mut body);
        let session_jwt = body
            .session_jwt
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.session_name).map(SessionJwt::from));
        let refresh_jwt = body
            .refresh_jwt
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.refresh_name).map(RefreshJwt::from));
        Self {
            session_jwt,
            refresh_jwt,
            user: body.user,
            session_expiration: body.session_expiration.map(crate::time::instant),
            cookies,
            next_refresh: body.next_refresh_seconds.map(crate::time::seconds),
        }
    }
}

fn missing(operation: Operation, what: &str) -> Error {
    Error::Decode {
        operation,
        reason: format!("the response has no {what}"),
    }
}

impl AuthInfo {
    /// The result of an operation that signs the user in: both tokens and the user are required.
    /// Built straight from the body, moving its fields (no intermediate copy).
    pub(crate) fn from_response(
        operation: Operation,
        mut body: JwtResponse,
        headers: &HeaderMap,
    ) -> Result<Self> {
        let cookies = CookieSettings::take(&mut body);
        let session_jwt = body
            .session_jwt
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.session_name).map(SessionJwt::from))
            .ok_or_else(|| missing(operation, "session JWT, in the body or a cookie"))?;
        let refresh_jwt = body
            .refresh_jwt
            .filter(|t| !t.is_empty())
            .or_else(|| cookie(headers, &cookies.refresh_name).map(RefreshJwt::from))
            .ok_or_else(|| missing(operation, "refresh JWT, in the body or a cookie"))?;
        let user = body.user.ok_or_else(|| missing(operation, "user"))?;
        Ok(Self {
            session_jwt,
            refresh_jwt,
            user: User::from_wire(operation, user)?,
            first_seen: body.first_seen.unwrap_or(false),
            session_expiration: body.session_expiration.map(crate::time::instant),
            claims: body.claims.unwrap_or_default(),
            cookies,
            next_refresh: body.next_refresh_seconds.map(crate::time::seconds),
            idp_response: body.idp_response.map(IdpResponse::from_wire),
            external_token: body.external_token.filter(|t| !t.is_empty()),
            tenant_sso_id: body.tenant_ssoid.filter(|t| !t.is_empty()),
            trusted_device_jwt: body.trusted_device_jwt.filter(|t| !t.is_empty()),
            unsaved_sso: body.unsaved_sso.unwrap_or(false),
        })
    }
}

/// The `Set-Cookie` headers of a response, the only ones a JWT response is read from (no
/// allocation when there are none, the usual case).
pub(crate) fn set_cookie_headers(headers: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    for value in headers.get_all(SET_COOKIE) {
        out.append(SET_COOKIE, value.clone());
    }
    out
}

/// The value of the cookie `name` in the `Set-Cookie` headers, when present and non-empty.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .filter_map(|value| cookie::Cookie::parse(value).ok())
        .rfind(|cookie| cookie.name() == name && !cookie.value_trimmed().is_empty())
        .map(|cookie| cookie.value_trimmed().to_owned())
}
