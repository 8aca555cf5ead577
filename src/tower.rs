//! tower integration (feature `tower`): session validation and refresh as a
//! [`Layer`](tower_layer::Layer) for any tower-based server (axum, tonic, hyper...).
//!
//! For each request the layer finds the session (a valid session JWT from
//! `Authorization: Bearer` or the session cookie; else a refresh from the refresh cookie, as the
//! axum and actix middleware do: on by default, off with
//! [`refresh(false)`](SessionLayer::refresh)) and puts it in the request's
//! extensions: a [`Session`] and a [`RequestSession`](crate::session::RequestSession) with the *current* tokens.
//! Requests without a valid session pass through with the [`Rejection`] that says why: the
//! handler (or the axum extractor) decides.
//!
//! - **One refresh per refresh JWT**: a page's parallel requests with the same expired session
//!   share one refresh and all set the same new cookies
//!   ([`SessionConfig::refresh_share_window`](crate::SessionConfig::refresh_share_window)).
//!   Sharing is per process: behind several replicas, send a user's requests to one replica
//!   (sticky sessions), or a replica that refreshes a token another one rotated away signs
//!   that request out.
//! - **A refused refresh is a sign-out**: the request goes on without a session and the
//!   response clears both cookies.
//! - **An outage is not a sign-out**: when the service cannot be asked (no answer, timeout,
//!   5xx, 429, keys unavailable), the layer answers 503 itself (with `Retry-After` when known),
//!   leaves the cookies alone and traces the error at `warn`.
//! - **Same origin**: an unsafe request (`POST`, `PUT`, `PATCH`, `DELETE`...) authenticated by
//!   cookie that the browser marks as cross-site is answered 403
//!   ([`OriginCheck`](crate::session::OriginCheck), set with
//!   [`ClientBuilder::origin_check`](crate::ClientBuilder::origin_check)).
//! - After a refresh, the new cookies go on the response, unless the handler's response sets
//!   or clears the session cookies itself.
//!
//! The layer's own answers (403, 503) are JSON ([`Rejection`]), so the response body type must
//! be buildable from a `String` (axum's `Body`, `Full<Bytes>`, `String`...).
//!
//! ```no_run
//! # fn app(client: descope::Client) {
//! use descope::tower::SessionLayer;
//!
//! let layer = SessionLayer::new(client); // refresh on, as every web integration
//! // e.g. axum::Router::new().route(..).layer(layer)
//! # let _ = layer;
//! # }
//! ```

use crate::guard::{Decision, RequestParts};
pub use crate::guard::{RequireSession, TenantAccess, TenantFrom};

use std::task::{Context, Poll};

use crate::client::Client;
use crate::request::BoxFuture;
use crate::session::web;
use crate::session::{Rejection, Session};
use crate::setters::setters;

/// Finds each request's session (see the [module](self) docs).
#[derive(Clone, Debug)]
pub struct SessionLayer {
    client: Client,
    refresh: bool,
}

impl SessionLayer {
    /// A layer that validates sessions with `client` (its [`cookie_config`](Client::cookie_config)
    /// names the cookies) and refreshes them ([`refresh`](Self::refresh)).
    pub fn new(client: Client) -> Self {
        Self {
            client,
            refresh: true,
        }
    }

    setters! {
        /// Refresh a missing or expired session from the refresh cookie, and set the new cookies on
        /// the response. Defaults to on, as in the axum and actix middleware; off, a request with an
        /// expired session goes on without one (for an API that sees bearer tokens only).
        refresh(refresh: bool) => refresh;
    }
}

impl<S> tower_layer::Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionService {
            inner,
            client: self.client.clone(),
            refresh: self.refresh,
        }
    }
}

/// The service of a [`SessionLayer`].
#[derive(Clone, Debug)]
pub struct SessionService<S> {
    inner: S,
    client: Client,
    refresh: bool,
}

impl<S, B, R> tower_service::Service<http::Request<B>> for SessionService<S>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<R>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    R: From<String> + 'static,
{
    type Response = http::Response<R>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: http::Request<B>) -> Self::Future {
        // The clone that was polled ready serves this request; a fresh clone waits for the next.
        let clone = self.inner.clone();
        let inner = std::mem::replace(&mut self.inner, clone);
        let client = self.client.clone();
        let refresh = self.refresh;
        Box::pin(around(client, refresh, request, inner))
    }
}

async fn around<S, B, R>(
    client: Client,
    refresh: bool,
    request: http::Request<B>,
    mut inner: S,
) -> Result<http::Response<R>, S::Error>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<R>>,
    R: From<String>,
{
    web::serve(&client, refresh, request, |request| inner.call(request)).await
}

impl<S> tower_layer::Layer<S> for RequireSession {
    type Service = RequireSessionService<S>;

    fn layer(&self, inner: S) -> Self::Service {
        RequireSessionService {
            inner,
            guard: self.clone(),
        }
    }
}

/// The service of a [`RequireSession`] layer. Its `Service` impl has the bounds of
/// [`SessionService`]'s on purpose: both wrap any tower service of `http` requests, and answer
/// refusals with the same JSON bodies.
#[derive(Clone, Debug)]
pub struct RequireSessionService<S> {
    inner: S,
    guard: RequireSession,
}

impl<S, B, R> tower_service::Service<http::Request<B>> for RequireSessionService<S>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<R>>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    B: Send + 'static,
    R: From<String> + 'static,
{
    type Response = http::Response<R>;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Self::Response, Self::Error>>;

    fn poll_ready(
        &mut self,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: http::Request<B>) -> Self::Future {
        let decision = {
            let extensions = request.extensions();
            let headers = request.headers();
            let path = request.uri().path();
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            let param = |name: &str| path_param(extensions, path, name);
            let parts = RequestParts {
                path,
                header: &header,
                param: &param,
            };
            self.guard.decide(
                extensions.get::<Session>(),
                extensions.get::<Rejection>(),
                &parts,
            )
        };
        match decision {
            Decision::Refuse(rejection) => {
                return Box::pin(async move { Ok(rejection.into_response()) });
            }
            Decision::Allow(Some(access)) => {
                request.extensions_mut().insert(access);
            }
            Decision::Allow(None) => {}
        }
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        Box::pin(inner.call(request))
    }
}

/// The path parameter `name` of an axum route: the segment of `path` where the matched route
/// (`MatchedPath`, `/tenants/{tenant}/users`) has `{name}`. Without axum there is no router
/// to ask.
fn path_param<'a>(extensions: &'a http::Extensions, path: &'a str, name: &str) -> Option<&'a str> {
    #[cfg(feature = "axum")]
    {
        let template = extensions.get::<::axum::extract::MatchedPath>()?.as_str();
        let wanted = format!("{{{name}}}");
        let at = template.split('/').position(|segment| segment == wanted)?;
        path.split('/').nth(at)
    }
    #[cfg(not(feature = "axum"))]
    {
        let _ = (extensions, path, name);
        None
    }
}
