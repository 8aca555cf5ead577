//! tower integration (feature `tower`): session validation, and optionally refresh, as a
//! [`Layer`](tower_layer::Layer) for any tower-based server (axum, tonic, hyper...).
//!
//! For each request the layer finds the session (a valid session JWT from
//! `Authorization: Bearer` or the session cookie; with [`refresh`](SessionLayer::refresh), a
//! refresh from the refresh cookie when it is missing or expired) and puts it in the request's
//! extensions: a [`Session`](crate::Session) and a [`RequestSession`] with the *current* tokens.
//! After a refresh, the new cookies go on the response, unless the handler's response sets or
//! clears the session cookies itself. Requests without a valid session pass through unchanged:
//! the handler (or the axum extractor) decides.
//!
//! ```no_run
//! # fn app(client: descope::Client) {
//! use descope::tower::SessionLayer;
//!
//! let layer = SessionLayer::new(client).refresh(true);
//! // e.g. axum::Router::new().route(..).layer(layer)
//! # let _ = layer;
//! # }
//! ```

use std::task::{Context, Poll};

use crate::client::Client;
use crate::request::BoxFuture;
use crate::session::web;
use crate::session::RequestSession;

/// Finds each request's session (see the [module](self) docs).
#[derive(Clone, Debug)]
pub struct SessionLayer {
    client: Client,
    refresh: bool,
}

impl SessionLayer {
    /// A layer that validates sessions with `client` (its [`cookie_config`](Client::cookie_config)
    /// names the cookies). Refresh is off.
    pub fn new(client: Client) -> Self {
        Self {
            client,
            refresh: false,
        }
    }

    /// Refresh a missing or expired session from the refresh cookie, and set the new cookies on
    /// the response. Defaults to off.
    pub fn refresh(mut self, refresh: bool) -> Self {
        self.refresh = refresh;
        self
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
    R: 'static,
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
    mut request: http::Request<B>,
    mut inner: S,
) -> Result<http::Response<R>, S::Error>
where
    S: tower_service::Service<http::Request<B>, Response = http::Response<R>>,
{
    let cookies = client.cookie_config();
    let found: Option<RequestSession> =
        web::authenticate(&client, &cookies, request.headers(), refresh)
            .await
            .ok();
    if let Some(found) = &found {
        web::remember(request.extensions_mut(), found.clone());
    }
    let mut response = inner.call(request).await?;
    web::finish(&cookies, found.as_ref(), response.headers_mut());
    Ok(response)
}
