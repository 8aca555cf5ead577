//! What the session operations return: a refreshed session, a validated one, a logout.

use crate::operation::Operation;
use reqwest::header::HeaderMap;

use super::claims::Session;
use crate::auth_info::{CookieSettings, Issued};
use crate::error::{Error, Result};
use crate::secret::{RefreshJwt, SessionJwt};
use crate::user::User;
use crate::wire::JwtResponse;

/// A new session from a refresh: the session JWT, the session it was validated as, and the
/// refresh JWT to use from now on.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Refreshed {
    /// The new session JWT.
    pub session_jwt: SessionJwt,
    /// The new session JWT, validated.
    pub session: Session,
    /// The refresh JWT to use from now on: the rotated one when one came back (body or
    /// refresh cookie; the old one may no longer work), else the one the refresh was made with.
    pub refresh_jwt: RefreshJwt,
    /// Whether [`refresh_jwt`](Self::refresh_jwt) is new (the project rotates refresh JWTs):
    /// store it.
    pub rotated: bool,
    /// The user, when the service included it.
    pub user: Option<User>,
    /// When the session JWT expires, when the service said.
    pub session_expiration: Option<std::time::SystemTime>,
    /// How long until the session should be refreshed again, when the service said.
    pub next_refresh: Option<std::time::Duration>,
    /// How the service asks the session cookies to be set.
    pub cookies: CookieSettings,
}

impl Refreshed {
    /// The tokens of a refresh answer (`None` without a session JWT: try-refresh refused it).
    pub(crate) fn parse(body: JwtResponse, headers: &HeaderMap) -> Option<(SessionJwt, Issued)> {
        let mut issued = Issued::from_response(body, headers);
        let session_jwt = issued.session_jwt.take()?;
        Some((session_jwt, issued))
    }

    pub(crate) fn new(
        operation: Operation,
        session_jwt: SessionJwt,
        session: Session,
        issued: Issued,
        previous: &RefreshJwt,
    ) -> Result<Self> {
        let rotated = issued.refresh_jwt.is_some();
        Ok(Self {
            session_jwt,
            session,
            refresh_jwt: issued.refresh_jwt.unwrap_or_else(|| previous.clone()),
            rotated,
            user: issued
                .user
                .map(|user| User::from_wire(operation, user))
                .transpose()?,
            session_expiration: issued.session_expiration,
            next_refresh: issued.next_refresh,
            cookies: issued.cookies,
        })
    }
}

/// The session of a request, with its *current* tokens: what
/// [`SessionClient::validate_and_refresh`](super::SessionClient::validate_and_refresh) returns,
/// and what the web integrations (tower layer, axum and actix middleware) hand to handlers.
/// After a refresh, the tokens are the new ones, so `me`, `update` or `logout` made with them
/// work (not the rotated-away refresh JWT of a cookie).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestSession {
    /// The validated session.
    pub session: Session,
    /// The session JWT that is valid now: the one given, or the new one after a refresh.
    pub session_jwt: SessionJwt,
    /// The refresh JWT in use now: the rotated one after a refresh, else the one given (the
    /// request's cookie; `None` for a request that carried only a session JWT).
    pub refresh_jwt: Option<RefreshJwt>,
    /// The refresh made, when the session JWT was not valid (its cookies go on the response).
    pub refreshed: Option<Refreshed>,
}

/// What a logout returns: the cookie settings to clear the session cookies with.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedOut {
    /// Names, domain and path of the cookies to clear.
    pub cookies: CookieSettings,
}

/// What [`SessionClient::logout_and_clear`](super::SessionClient::logout_and_clear) did. The
/// cookies are cleared in every case: put [`set_cookies`](Self::set_cookies) on the response.
#[derive(Debug)]
#[non_exhaustive]
pub struct Logout {
    /// The `Set-Cookie` headers that clear both session cookies (a response part).
    ///
    /// # Security Warning
    ///
    /// Headers for the browser: send them, never log them.
    pub set_cookies: http::HeaderMap,
    /// Whether the refresh JWT was revoked now (false when there was none, or it was already
    /// revoked, expired or invalid).
    pub revoked: bool,
    /// A failure other than an invalid token (the service unreachable...), for the app to log.
    pub failure: Option<Error>,
}

/// One sign-in of a user, from [`SessionClient::history`](super::SessionClient::history).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AuthHistory {
    /// The user ID.
    pub user_id: String,
    /// When.
    pub login_time: std::time::SystemTime,
    /// The city the sign-in came from, when known.
    pub city: Option<String>,
    /// The country the sign-in came from, when known.
    pub country: Option<String>,
    /// The IP address the sign-in came from, when known.
    pub ip: Option<String>,
    /// The tenant selected, when there was one.
    pub selected_tenant: Option<String>,
}

impl AuthHistory {
    /// `None` for an entry without a user ID or time (nothing to show).
    pub(crate) fn from_wire(entry: crate::wire::AuthHistoryEntry) -> Option<Self> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty());
        Some(Self {
            user_id: text(entry.user_id)?,
            login_time: crate::time::instant(entry.login_time?),
            city: text(entry.city),
            country: text(entry.country),
            ip: text(entry.ip),
            selected_tenant: text(entry.selected_tenant),
        })
    }
}

/// One of the project's public keys, as [`SessionClient::keys`](super::SessionClient::keys)
/// returns it. Serializes as the JWK the service published (`use` for
/// [`usage`](Self::usage); fields it did not send are left out).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct PublicKey {
    /// The key ID, matched against a JWT header's `kid`.
    pub kid: String,
    /// The key type: `RSA` or `EC`.
    pub kty: String,
    /// The algorithm the key is for (`RS256`...), when published.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alg: Option<String>,
    /// What the key is for (`sig`), when published.
    #[serde(rename = "use", skip_serializing_if = "Option::is_none")]
    pub usage: Option<String>,
    /// RSA modulus (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n: Option<String>,
    /// RSA exponent (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub e: Option<String>,
    /// EC curve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub crv: Option<String>,
    /// EC x coordinate (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub x: Option<String>,
    /// EC y coordinate (base64url).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub y: Option<String>,
}

impl PublicKey {
    /// The key of a key-set answer; a key without `kid` or `kty` is a decode error.
    pub(crate) fn from_wire(operation: Operation, key: crate::wire::Jwk) -> Result<Self> {
        let missing = |field: &str| Error::Decode {
            operation,
            reason: format!("a key has no `{field}`"),
        };
        Ok(Self {
            kid: key.kid.ok_or_else(|| missing("kid"))?,
            kty: key.kty.ok_or_else(|| missing("kty"))?,
            alg: key.alg,
            usage: key.use_,
            n: key.n,
            e: key.e,
            crv: key.crv,
            x: key.x,
            y: key.y,
        })
    }
}
