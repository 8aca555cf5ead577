//! axum integration (feature `axum`): extractors for the validated session and its current
//! tokens, a refreshing middleware, and errors as HTTP responses. All of it is thin over the
//! same core as [`crate::tower::SessionLayer`] (which works with axum too).
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
//!     // Optional: refresh expired sessions from the refresh cookie and set the new cookies.
//!     .layer(axum::middleware::from_fn_with_state(client.clone(), refresh_session))
//!     .with_state(client)
//! # }
//! ```

mod errors;

pub use errors::ErrorBody;

use ::axum::extract::{FromRef, FromRequestParts, Request, State};
use ::axum::http::header::{CONTENT_TYPE, WWW_AUTHENTICATE};
use ::axum::http::request::Parts;
use ::axum::http::{HeaderValue, StatusCode};
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};

use crate::error::{Error, SessionError};
use crate::session::{web, RequestSession, Session};
use crate::Client;

/// The validated session of a request: from the middleware or layer when one ran, else from
/// `Authorization: Bearer` or the session cookie. Refuses the request with [`Rejection`]
/// otherwise.
///
/// The router's state must give a [`Client`] (`Client: FromRef<S>`).
#[derive(Clone, Debug)]
pub struct Authenticated(pub Session);

/// The session of a request with its *current* tokens ([`RequestSession`]): after an
/// automatic refresh, the rotated refresh JWT, so `me`, `update` or `logout` in the same
/// request use a token that still works. Refuses the request with [`Rejection`] when there is
/// no valid session.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub RequestSession);

/// Why an extractor refused a request: 401 with `{"error":"unauthorized","reason":...}`, or
/// 503 `{"error":"unavailable",...}` when the project's keys cannot be fetched (the session may
/// be fine: do not sign the user out for that).
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
            Some(SessionError::Missing) => "missing token",
            Some(SessionError::Expired) => "expired",
            Some(SessionError::NotYetValid) => "not yet valid",
            Some(SessionError::WrongTokenKind { .. }) => "not a session token",
            _ => "invalid token",
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

/// The request's session: what a middleware or layer found, else a validation (no refresh).
async fn request_session(parts: &Parts, client: &Client) -> Result<RequestSession, Rejection> {
    if let Some(found) = parts.extensions.get::<RequestSession>() {
        return Ok(found.clone());
    }
    let cookies = client.cookie_config();
    web::authenticate(client, &cookies, &parts.headers, false)
        .await
        .map_err(|error| Rejection::from_error(&error))
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
        let client = Client::from_ref(state);
        Ok(Authenticated(
            request_session(parts, &client).await?.session,
        ))
    }
}

impl<S> FromRequestParts<S> for CurrentSession
where
    Client: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let client = Client::from_ref(state);
        Ok(CurrentSession(request_session(parts, &client).await?))
    }
}

/// Middleware (use with `axum::middleware::from_fn_with_state(client, refresh_session)`): when
/// the request's session JWT is missing or no longer valid but the refresh cookie holds a valid
/// refresh JWT, refreshes the session and hands it, with the current tokens, to the extractors;
/// then sets the new cookies on the response, unless the handler's response sets or clears the
/// session cookies itself (a logout stays a logout). Otherwise the request goes on unchanged.
pub async fn refresh_session(
    State(client): State<Client>,
    mut request: Request,
    next: Next,
) -> Response {
    let cookies = client.cookie_config();
    let found = web::authenticate(&client, &cookies, request.headers(), true)
        .await
        .ok();
    if let Some(found) = &found {
        web::remember(request.extensions_mut(), found.clone());
    }
    let mut response = next.run(request).await;
    web::finish(&cookies, found.as_ref(), response.headers_mut());
    response
}
