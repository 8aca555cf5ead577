//! axum integration (feature `axum`): an extractor for the validated session, and an opt-in
//! middleware that refreshes an expired session from the `DSR` cookie.
//!
//! ```no_run
//! use axum::{routing::get, Router};
//! use descope::axum::{refresh_session, Authenticated};
//!
//! async fn whoami(Authenticated(session): Authenticated) -> String {
//!     format!("{} has roles {:?}", session.user_id(), session.roles())
//! }

//!
//! # fn app(client: descope::Client) -> Router {
//! Router::new()
//!     .route("/whoami", get(whoami))
//!     // Optional: refresh expired sessions from the DSR cookie and set the new cookies.
//!     .layer(axum::middleware::from_fn_with_state(client.clone(), refresh_session))
//!     .with_state(client)
//! # }
//! ```

use ::axum::extract::{FromRef, FromRequestParts, Request, State};
use ::axum::http::header::{CONTENT_TYPE, SET_COOKIE, WWW_AUTHENTICATE};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};

use crate::error::{Error, SessionError};
use crate::secret::RefreshJwt;
use crate::session::cookies::{cookie_value, session_token, set_cookies};
use crate::session::Session;
use crate::{Client, REFRESH_COOKIE_NAME};

/// The validated session of a request, from `Authorization: Bearer` or the `DS` cookie (or
/// from [`refresh_session`] when it ran). Refuses the request with [`Rejection`] otherwise.
///
/// The router's state must give a [`Client`] (`Client: FromRef<S>`).
#[derive(Clone, Debug)]
pub struct Authenticated(pub Session);

/// Why [`Authenticated`] refused a request: 401 with `{"error":"unauthorized","reason":...}`,
/// or 503 `{"error":"unavailable",...}` when the project's keys cannot be fetched (the
/// session may be fine: do not sign the user out for that).
#[derive(Debug)]
pub struct Rejection {
    status: StatusCode,
    reason: &'static str,
}

impl Rejection {
    /// The HTTP status it answers with.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// A short reason (`missing token`, `expired`...), never containing the token.
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    fn from_error(error: &Error) -> Self {
        if let Error::KeyFetch { .. } = error {
            return Rejection {
                status: StatusCode::SERVICE_UNAVAILABLE,
                reason: "keys unavailable",
            };
        }
        let reason = match error.session() {
            Some(SessionError::Expired) => "expired",
            Some(SessionError::NotYetValid) => "not yet valid",
            Some(SessionError::WrongTokenKind { .. }) => "not a session token",
            Some(_) => "invalid token",
            None => "invalid token",
        };
        Rejection {
            status: StatusCode::UNAUTHORIZED,
            reason,
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        let error = if self.status == StatusCode::UNAUTHORIZED {
            "unauthorized"
        } else {
            "unavailable"
        };
        let body = serde_json::json!({ "error": error, "reason": self.reason }).to_string();
        let mut response = (self.status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

impl<S> FromRequestParts<S> for Authenticated
where
    Client: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        if let Some(session) = parts.extensions.get::<Session>() {
            return Ok(Authenticated(session.clone()));
        }
        let token = session_token(&parts.headers).ok_or(Rejection {
            status: StatusCode::UNAUTHORIZED,
            reason: "missing token",
        })?;
        let client = Client::from_ref(state);
        match client.sessions().validate(token).await {
            Ok(session) => Ok(Authenticated(session)),
            Err(error) => Err(Rejection::from_error(&error)),
        }
    }
}

/// Middleware (use with `axum::middleware::from_fn_with_state(client, refresh_session)`): when
/// the request's session JWT is missing or no longer valid but a `DSR` cookie holds a valid
/// refresh JWT, refreshes the session, hands it to [`Authenticated`], and adds `Set-Cookie`
/// headers with the new session (and rotated refresh) JWT to the response. Otherwise the
/// request goes on unchanged.
pub async fn refresh_session(
    State(client): State<Client>,
    mut request: Request,
    next: Next,
) -> Response {
    let headers = request.headers();
    if let Some(token) = session_token(headers) {
        if let Ok(session) = client.sessions().validate(token).await {
            request.extensions_mut().insert(session);
            return next.run(request).await;
        }
    }
    let Some(refresh) = cookie_value(request.headers(), REFRESH_COOKIE_NAME).map(RefreshJwt::from)
    else {
        return next.run(request).await;
    };
    let Ok(refreshed) = client.sessions().refresh(&refresh).await else {
        return next.run(request).await;
    };
    request.extensions_mut().insert(refreshed.session.clone());
    let mut response = next.run(request).await;
    for cookie in set_cookies(&refreshed) {
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(SET_COOKIE, value);
        }
    }
    response
}
