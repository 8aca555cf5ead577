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
mod login;

pub use crate::error::ErrorBody;

use ::axum::body::Body;
use ::axum::extract::{FromRef, FromRequestParts, OptionalFromRequestParts, Request, State};
use ::axum::http::request::Parts;
use ::axum::middleware::Next;
use ::axum::response::{IntoResponse, Response};

use crate::session::web;
use crate::session::{RequestSession, Session};
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

pub use crate::federated::{CallbackRefusal, CallbackSignIn, LoginCallback, LoginRedirect};
pub use crate::guard::{TenantAccess, TenantFrom};
pub use crate::session::Rejection;

/// The rejection as a response: its status, JSON body and headers.
impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        Rejection::into_response::<Body>(self)
    }
}

/// The request's session: what a middleware or layer found (or why it found none), else a
/// validation (no refresh).
async fn request_session(parts: &Parts, client: &Client) -> Result<RequestSession, Rejection> {
    let extensions = &parts.extensions;
    let left = web::left_by_middleware(extensions.get(), extensions.get());
    match left {
        Some(found) => found,
        None => web::authenticate(client, &parts.method, &parts.headers, false)
            .await
            .into_result(),
    }
}

// The three extractor impls below share axum's bounds and the lookup in `request_session`;
// what is left alike (`duplicates` lists it) is the impl shape axum asks for.
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

/// `Option<CurrentSession>`: `None` when the request has no valid session (a page that shows
/// something else to visitors); still a rejection for a cross-site request or an outage (503:
/// the visitor may be signed in, do not show them as signed out).
impl<S> OptionalFromRequestParts<S> for CurrentSession
where
    Client: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        let client = Client::from_ref(state);
        let found = web::optional(request_session(parts, &client).await)?;
        Ok(found.map(CurrentSession))
    }
}

/// Middleware (use with `axum::middleware::from_fn_with_state(client, refresh_session)`): finds
/// the request's session as the [tower layer](crate::tower) does, with refresh on, and with the
/// same rules: one shared refresh per refresh JWT, a refused refresh clears the cookies, an
/// outage answers 503 and keeps them, a cross-site unsafe request authenticated by cookie is
/// refused with 403. The new cookies of a refresh go on the response unless the handler's
/// response sets or clears the session cookies itself (a logout stays a logout).
pub async fn refresh_session(
    State(client): State<Client>,
    request: Request,
    next: Next,
) -> Response {
    let served = web::serve(&client, true, request, |request| async move {
        Ok::<_, std::convert::Infallible>(next.run(request).await)
    });
    match served.await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

/// Middleware (use with `axum::middleware::from_fn_with_state(client, require_same_origin)`):
/// refuses with 403 every unsafe request (`POST`, `PUT`, `PATCH`, `DELETE`...) that the browser
/// marks as cross-site, cookies or not, with the client's
/// [`origin_check`](Client::origin_check). For forms that must not be posted from elsewhere
/// although they carry no session, such as a sign-in form (login CSRF).
pub async fn require_same_origin(
    State(client): State<Client>,
    request: Request,
    next: Next,
) -> Response {
    if !client
        .origin_check()
        .allows(request.method(), request.headers())
    {
        tracing::debug!(method = %request.method(), "descope: cross-site request refused");
        return Rejection::cross_site().into_response();
    }
    next.run(request).await
}

/// The session's roles and permissions in the tenant the request names, as a tenant guard
/// ([`RequireSession::role_in`](crate::tower::RequireSession::role_in) and the like, in a
/// `route_layer`) let it through; 500 on a route without a tenant guard (a setup mistake).
impl<S> FromRequestParts<S> for TenantAccess
where
    S: Send + Sync,
{
    type Rejection = Rejection;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<TenantAccess>()
            .cloned()
            .ok_or_else(Rejection::no_tenant_guard)
    }
}
