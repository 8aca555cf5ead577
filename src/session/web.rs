#![cfg_attr(not(any(feature = "tower", feature = "actix")), allow(dead_code))]
//! The one implementation of "who is this request" for web frameworks: the tower layer, the
//! axum middleware and the axum extractors all call these, over plain `http` types. Adapters
//! only move requests and responses; every rule is here:
//!
//! - a valid session JWT (bearer or cookie) is the session;
//! - otherwise, with refresh on and a refresh cookie, one shared refresh
//!   ([`SessionConfig::refresh_share_window`](super::SessionConfig::refresh_share_window));
//! - a refused refresh signs the user out: the response clears both cookies;
//! - no answer, a timeout, a 5xx, a 429 or unavailable keys is an outage: 503 (with
//!   `Retry-After` when known), cookies untouched, traced at `warn`;
//! - an unsafe request authenticated by cookie that the browser marks cross-site is refused
//!   with 403 ([`OriginCheck`](super::OriginCheck)).

use http::header::{CONTENT_TYPE, RETRY_AFTER, WWW_AUTHENTICATE};
use http::{Extensions, HeaderMap, HeaderValue, Method, StatusCode};

use super::cookies::bearer_token;
pub(crate) use super::results::RequestSession;
use super::state::SessionState;
use super::TokenKind;
use crate::client::Client;
use crate::error::ErrorBody;
use crate::error::{Error, SessionError};
use crate::secret::SessionJwt;

/// Why a web integration refused a request, or found no session in it: an HTTP status and the
/// crate's one JSON error shape, `{"error": kind, "message": text}` ([`ErrorBody`]).
///
/// | case | status | `error` |
/// | --- | --- | --- |
/// | no session, an invalid or expired one, a refused refresh | 401 | `unauthorized` |
/// | a cross-site unsafe request authenticated by cookie | 403 | `forbidden` |
/// | the service or its keys unavailable (with `Retry-After` when known) | 503 | `unavailable` |
/// | the server's own credentials refused | 500 | `error` |
#[derive(Clone, Debug)]
pub struct Rejection {
    status: StatusCode,
    body: ErrorBody,
    retry_after: Option<u64>,
}

impl Rejection {
    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A short reason (`missing token`, `expired`, `signed out`...), never containing a token.
    pub fn reason(&self) -> &str {
        &self.body.message
    }

    /// The JSON body.
    pub fn body(&self) -> &ErrorBody {
        &self.body
    }

    /// `Retry-After`, in seconds, when the rejection is an outage and the service said.
    pub fn retry_after(&self) -> Option<u64> {
        self.retry_after
    }

    /// The response headers: `Content-Type: application/json`, `WWW-Authenticate: Bearer` for
    /// a 401, `Retry-After` when known.
    pub fn headers(&self) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        if let Some(seconds) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(seconds));
        }
        headers
    }

    /// A response of any body type that can be made from the JSON text.
    pub fn into_response<B: From<String>>(self) -> http::Response<B> {
        let headers = self.headers();
        let mut response = http::Response::new(B::from(self.body.to_json()));
        *response.status_mut() = self.status;
        *response.headers_mut() = headers;
        response
    }

    fn new(status: StatusCode, error: &'static str, message: &str) -> Self {
        Self {
            status,
            body: ErrorBody {
                error,
                message: message.to_owned(),
                unmet: Vec::new(),
            },
            retry_after: None,
        }
    }

    fn unauthorized(reason: &str) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", reason)
    }

    /// The web integration was set up wrongly (no client where the adapter looks for one).
    #[cfg(feature = "actix")]
    pub(crate) fn misconfigured() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            "the server is misconfigured",
        )
    }

    /// A session without the role or permission a guard requires.
    pub(crate) fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the session lacks a required role or permission",
        )
    }

    /// A tenant guard on a request that names no tenant (no path segment, header or selected
    /// tenant where the app said to look).
    pub(crate) fn no_tenant() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "the request names no tenant",
        )
    }

    /// A tenant extractor on a route without a tenant guard (a mistake in the app's setup).
    #[cfg(any(feature = "axum", feature = "actix"))]
    pub(crate) fn no_tenant_guard() -> Self {
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "error",
            "the route has no tenant guard",
        )
    }

    /// No session at all (no layer or middleware ran, or it found none).
    pub(crate) fn missing() -> Self {
        Self::unauthorized("missing token")
    }

    pub(crate) fn cross_site() -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "cross-site request")
    }

    /// For a token refused by local validation (or none).
    fn invalid_session(error: &Error) -> Self {
        Self::unauthorized(match error.session() {
            Some(SessionError::Missing) => "missing token",
            Some(SessionError::Expired) => "expired",
            Some(SessionError::NotYetValid) => "not yet valid",
            Some(SessionError::WrongTokenKind { .. }) => "not a session token",
            _ => "invalid token",
        })
    }

    /// For a failure that is not the user's: 500 when the service refused the server's own
    /// credentials (a misconfiguration), else 503 (an outage: no answer, a timeout, a 5xx, a
    /// 429, the keys unavailable) with `Retry-After` when the service said.
    fn unavailable(error: &Error) -> Self {
        if error.is_server_credentials_refused() {
            let (status, body) = error.http_response();
            return Self {
                status,
                body,
                retry_after: None,
            };
        }
        let status = StatusCode::SERVICE_UNAVAILABLE;
        Self {
            retry_after: error.retry_after_seconds(status),
            ..Self::new(
                status,
                "unavailable",
                "the authentication service is unavailable",
            )
        }
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.body.message, self.status.as_u16())
    }
}

impl std::error::Error for Rejection {}

/// What the web integrations found for a request.
pub(crate) enum Found {
    /// A valid session, refreshed when it had expired.
    Session(Box<RequestSession>),
    /// No valid session and nothing to undo: none sent, or an invalid one with no refresh.
    Anonymous(Rejection),
    /// The refresh was refused: the user is signed out, the response clears both cookies.
    SignedOut(Rejection),
    /// Answer with this at once, without the handler: an outage, or a cross-site request.
    Refuse(Rejection),
}

impl Found {
    /// What a request's extensions get: the session (and its [`Session`](super::Session)), or
    /// why there is none; nothing for a refusal, which is answered at once.
    pub(crate) fn left(&self) -> Option<Result<RequestSession, Rejection>> {
        match self {
            Found::Session(found) => Some(Ok(RequestSession::clone(found))),
            Found::Anonymous(rejection) | Found::SignedOut(rejection) => {
                Some(Err(rejection.clone()))
            }
            Found::Refuse(_) => None,
        }
    }

    /// Puts [`left`](Self::left) in `http` extensions.
    #[cfg_attr(not(feature = "tower"), allow(dead_code))] // actix has extensions of its own
    pub(crate) fn remember(&self, extensions: &mut Extensions) {
        match self.left() {
            Some(Ok(found)) => {
                extensions.insert(found.session.clone());
                extensions.insert(found);
            }
            Some(Err(rejection)) => {
                extensions.insert(rejection);
            }
            None => {}
        }
    }

    /// As an extractor sees it: the session, or the rejection.
    #[cfg(any(feature = "axum", feature = "actix"))]
    pub(crate) fn into_result(self) -> Result<RequestSession, Rejection> {
        match self {
            Found::Session(found) => Ok(*found),
            Found::Anonymous(rejection)
            | Found::SignedOut(rejection)
            | Found::Refuse(rejection) => Err(rejection),
        }
    }

    /// After the handler: the cookies of a refresh made for this request, or the clearing
    /// ones of a refused refresh, unless the handler's response sets or clears the session
    /// cookies itself (its word is final: a logout stays a logout, a sign-in stays one).
    #[cfg_attr(not(feature = "tower"), allow(dead_code))] // actix has headers of its own
    pub(crate) fn finish(&self, session: &SessionState, response: &mut HeaderMap) {
        for (name, value) in &self.cookies_for(session, response) {
            response.append(name, value.clone());
        }
    }

    /// The `Set-Cookie` headers [`finish`](Self::finish) adds to a response whose headers are
    /// `response` (for adapters whose header type is not `http`'s).
    pub(crate) fn cookies_for(&self, session: &SessionState, response: &HeaderMap) -> HeaderMap {
        let cookies = &session.cookies;
        let mut added = HeaderMap::new();
        if cookies.response_sets_session(response) {
            return added;
        }
        match self {
            Found::Session(found) => {
                if let Some(refreshed) = &found.refreshed {
                    cookies.set(&mut added, refreshed);
                }
            }
            Found::SignedOut(_) => session.clear_cookies(&mut added, None),
            _ => {}
        }
        added
    }
}

/// Finds the session of a request (see the [module](self) docs); `refresh` turns on the
/// refresh from the refresh cookie.
pub(crate) async fn authenticate(
    client: &Client,
    method: &Method,
    headers: &HeaderMap,
    refresh: bool,
) -> Found {
    let cookies = &client.session.cookies;
    let by_cookie = bearer_token(headers).is_none()
        && (cookies.session_token(headers).is_some() || cookies.refresh_token(headers).is_some());
    if by_cookie && !client.origin_check().allows(method, headers) {
        tracing::debug!(%method, "descope session: cross-site request refused");
        return Found::Refuse(Rejection::cross_site());
    }
    let refresh_cookie = cookies.refresh_token(headers);
    let invalid = match cookies.session_token(headers) {
        Some(token) => match client.sessions().verify(token, TokenKind::Session).await {
            Ok(session) => {
                return Found::Session(Box::new(RequestSession {
                    session,
                    session_jwt: SessionJwt::from(token),
                    refresh_jwt: refresh_cookie,
                    refreshed: None,
                }))
            }
            // The keys are unavailable: the session may be fine, do not refresh over it.
            Err(error @ Error::KeyFetch { .. }) => return outage(&error),
            Err(error) => error,
        },
        None => Error::Session(SessionError::Missing),
    };
    let (true, Some(refresh_jwt)) = (refresh, refresh_cookie) else {
        return Found::Anonymous(Rejection::invalid_session(&invalid));
    };
    match client.sessions().refresh_shared(&refresh_jwt).await {
        Ok(refreshed) => Found::Session(Box::new(RequestSession {
            session: refreshed.session.clone(),
            session_jwt: refreshed.session_jwt.clone(),
            refresh_jwt: Some(refreshed.refresh_jwt.clone()),
            refreshed: Some(refreshed),
        })),
        Err(error) if error.ends_session() => {
            tracing::debug!(%error, "descope session: refresh refused, signing out");
            Found::SignedOut(Rejection::unauthorized("signed out"))
        }
        Err(error) => outage(&error),
    }
}

/// What a session middleware left in a request's extensions (its session, else its rejection);
/// `None` when none ran. Extractors take this before validating the request themselves.
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) fn left_by_middleware(
    session: Option<&RequestSession>,
    rejection: Option<&Rejection>,
) -> Option<Result<RequestSession, Rejection>> {
    match (session, rejection) {
        (Some(found), _) => Some(Ok(found.clone())),
        (None, Some(rejection)) => Some(Err(rejection.clone())),
        (None, None) => None,
    }
}

/// An optional-session extractor's answer: `None` for a visitor without a valid session (401);
/// still the rejection for a cross-site request or an outage (503: the visitor may be signed
/// in, do not show them as signed out).
#[cfg(any(feature = "axum", feature = "actix"))]
pub(crate) fn optional(
    found: Result<RequestSession, Rejection>,
) -> Result<Option<RequestSession>, Rejection> {
    match found {
        Ok(found) => Ok(Some(found)),
        Err(rejection) if rejection.status() == StatusCode::UNAUTHORIZED => Ok(None),
        Err(rejection) => Err(rejection),
    }
}

/// The request flow of the integrations whose requests are `http` types (the tower layer and
/// the axum middleware): find the session (`refresh`: from the refresh cookie too), answer a
/// refusal at once, give the handler the session in the request's extensions, and put the
/// cookies of a refresh (or the clearing ones of a refused refresh) on its response.
#[cfg(feature = "tower")]
pub(crate) async fn serve<B, R, E, F, Fut>(
    client: &Client,
    refresh: bool,
    mut request: http::Request<B>,
    handler: F,
) -> Result<http::Response<R>, E>
where
    F: FnOnce(http::Request<B>) -> Fut,
    Fut: std::future::Future<Output = Result<http::Response<R>, E>>,
    R: From<String>,
{
    let found = authenticate(client, request.method(), request.headers(), refresh).await;
    if let Found::Refuse(rejection) = found {
        return Ok(rejection.into_response());
    }
    found.remember(request.extensions_mut());
    let mut response = handler(request).await?;
    found.finish(&client.session, response.headers_mut());
    Ok(response)
}

fn outage(error: &Error) -> Found {
    tracing::warn!(%error, "descope session: cannot check the session now; cookies kept");
    Found::Refuse(Rejection::unavailable(error))
}
