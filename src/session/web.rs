#![cfg_attr(not(feature = "tower"), allow(dead_code))]
//! The one implementation of "who is this request" for web frameworks: the tower layer, the
//! axum middleware and the axum extractor all call these, over plain `http` types.

use http::{Extensions, HeaderMap};

use super::claims::Session;
use super::cookies::CookieConfig;
use super::results::Refreshed;
use crate::client::Client;
use crate::error::{Error, Result, SessionError};
use crate::secret::{RefreshJwt, SessionJwt};

/// The session of a request, as the layer (or middleware) left it in the request's extensions:
/// after an automatic refresh, the *current* tokens, so a handler that calls `me`, `update` or
/// `logout` uses the refresh JWT that is still valid (not the rotated-away one of the cookie).
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct RequestSession {
    /// The validated session.
    pub session: Session,
    /// The session JWT that is valid now.
    pub session_jwt: SessionJwt,
    /// The refresh JWT in use now: the rotated one after a refresh, else the request's cookie.
    pub refresh_jwt: Option<RefreshJwt>,
    /// The refresh made for this request, when there was one (its cookies go on the response).
    pub refreshed: Option<Refreshed>,
}

/// Finds the session of a request: a valid session JWT (bearer or cookie), else, when
/// `refresh` is on and the refresh cookie holds a valid refresh JWT, a refreshed session.
pub(crate) async fn authenticate(
    client: &Client,
    cookies: &CookieConfig,
    headers: &HeaderMap,
    refresh: bool,
) -> Result<RequestSession> {
    let refresh_cookie = cookies.refresh_token(headers);
    let error = match cookies.session_token(headers) {
        Some(token) => match client.sessions().validate(token).await {
            Ok(session) => {
                return Ok(RequestSession {
                    session,
                    session_jwt: SessionJwt::from(token),
                    refresh_jwt: refresh_cookie,
                    refreshed: None,
                })
            }
            // The keys are unavailable: the session may be fine, do not refresh over it.
            Err(error @ Error::KeyFetch { .. }) => return Err(error),
            Err(error) => error,
        },
        None => Error::Session(SessionError::Missing),
    };
    let (true, Some(refresh_jwt)) = (refresh, refresh_cookie) else {
        return Err(error);
    };
    let refreshed = client.sessions().refresh(&refresh_jwt).await?;
    Ok(RequestSession {
        session: refreshed.session.clone(),
        session_jwt: refreshed.session_jwt.clone(),
        refresh_jwt: Some(refreshed.current_refresh_jwt(&refresh_jwt).clone()),
        refreshed: Some(refreshed),
    })
}

/// Puts the session where extractors find it.
pub(crate) fn remember(extensions: &mut Extensions, found: RequestSession) {
    extensions.insert(found.session.clone());
    extensions.insert(found);
}

/// After the handler: the cookies of a refresh made for this request, unless the handler's
/// response sets or clears the session cookies itself (its word is final: a logout stays a
/// logout).
pub(crate) fn finish(
    cookies: &CookieConfig,
    found: Option<&RequestSession>,
    response: &mut HeaderMap,
) {
    let Some(refreshed) = found.and_then(|f| f.refreshed.as_ref()) else {
        return;
    };
    if cookies.response_sets_session(response) {
        return;
    }
    cookies.set(response, refreshed);
}
