//! actix-web integration (feature `actix`): the same sessions as the [tower layer](crate::tower)
//! and the [axum middleware](crate::axum), from the same core (`session::web`): this module only
//! moves requests and responses between actix's types and the core's.
//!
//! - [`refresh_session`]: middleware that finds each request's session, refreshes an expired
//!   one (one shared refresh per refresh JWT), answers 503 (cookies kept) when Descope cannot
//!   be asked, clears the cookies after a refused refresh, refuses cross-site unsafe requests
//!   authenticated by cookie (403), and sets the cookies of a refresh unless the handler's
//!   response sets or clears them itself.
//! - Extractors: [`Authenticated`] (the session), [`CurrentSession`] (with the current tokens),
//!   [`OptionalSession`] (none for a visitor).
//! - [`require_same_origin`]: the same-origin check on every unsafe request (a sign-in form).
//! - [`RequireSession`]: a role or permission guard for `wrap`, inside [`refresh_session`]
//!   (401 without a session, 403 without the role), the same rule as the tower layer's.
//! - `ResponseError` for [`Error`](crate::Error) and [`Rejection`]: the mapping of
//!   [`Error::http_response`](crate::Error::http_response), JSON bodies.
//!
//! The [`Client`] goes in the app data (`web::Data<Client>` or `Client`):
//!
//! ```no_run
//! use actix_web::{middleware::from_fn, web, App, HttpServer};
//! use descope::actix::{refresh_session, CurrentSession};
//!
//! async fn me(CurrentSession(current): CurrentSession) -> String {
//!     current.session.user_id().to_owned()
//! }
//!
//! # async fn run(client: descope::Client) -> std::io::Result<()> {
//! HttpServer::new(move || {
//!     App::new()
//!         .app_data(web::Data::new(client.clone()))
//!         .route("/me", web::get().to(me))
//!         .wrap(from_fn(refresh_session))
//! })
//! .bind(("127.0.0.1", 8080))?
//! .run()
//! .await
//! # }
//! ```

mod login;

pub use crate::federated::{CallbackRefusal, CallbackSignIn, LoginCallback, LoginRedirect};
pub use login::signed_in_redirect;

use std::future::{ready, Future};
use std::pin::Pin;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};

use crate::guard::{Decision, RequestParts};
pub use crate::guard::{RequireSession, TenantAccess, TenantFrom};
use crate::session::web::{authenticate, left_by_middleware, optional, Found};
pub use crate::session::Rejection;
use crate::session::{RequestSession, Session};
use crate::Client;

/// The validated session of a request (see [`CurrentSession`]).
#[derive(Clone, Debug)]
pub struct Authenticated(pub Session);

/// The session of a request with its *current* tokens: after an automatic refresh, the rotated
/// refresh JWT. Refuses the request with [`Rejection`] when there is none.
#[derive(Clone, Debug)]
pub struct CurrentSession(pub RequestSession);

/// The session of a request, or `None` for a visitor without one; still a rejection for a
/// cross-site request or an outage (503: the visitor may be signed in).
#[derive(Clone, Debug)]
pub struct OptionalSession(pub Option<RequestSession>);

/// The client of the app data: `web::Data<Client>` or `Client`.
fn client_of(request: &HttpRequest) -> Option<Client> {
    request
        .app_data::<web::Data<Client>>()
        .map(|data| data.get_ref().clone())
        .or_else(|| request.app_data::<Client>().cloned())
}

/// The request's method and headers as the core reads them (`http` 1 types).
fn http_parts(
    method: &actix_web::http::Method,
    headers: &actix_web::http::header::HeaderMap,
) -> (http::Method, http::HeaderMap) {
    let method = http::Method::from_bytes(method.as_str().as_bytes()).unwrap_or(http::Method::GET);
    let mut out = http::HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            http::HeaderName::from_bytes(name.as_str().as_bytes()),
            http::HeaderValue::from_bytes(value.as_bytes()),
        ) {
            out.append(name, value);
        }
    }
    (method, out)
}

/// Headers the core wrote, onto an actix response.
fn append_headers(target: &mut actix_web::http::header::HeaderMap, headers: &http::HeaderMap) {
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_str().as_bytes()),
            HeaderValue::from_bytes(value.as_bytes()),
        ) {
            target.append(name, value);
        }
    }
}

fn status(code: http::StatusCode) -> StatusCode {
    StatusCode::from_u16(code.as_u16()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        status(self.status())
    }

    fn error_response(&self) -> HttpResponse {
        let mut response = HttpResponse::build(self.status_code()).body(self.body().to_json());
        append_headers(response.headers_mut(), &self.headers());
        response
    }
}

/// The response of [`Error::http_response`](crate::Error::http_response), as JSON; a rate
/// limit carries `Retry-After`, and so does a 503 when the service said how long to wait.
impl ResponseError for crate::Error {
    fn status_code(&self) -> StatusCode {
        status(self.http_response().0)
    }

    fn error_response(&self) -> HttpResponse {
        let (code, body) = self.http_response();
        let mut response = HttpResponse::build(status(code))
            .content_type("application/json")
            .body(body.to_json());
        if let Some(seconds) = self.retry_after_seconds(code) {
            response.headers_mut().insert(
                actix_web::http::header::RETRY_AFTER,
                HeaderValue::from(seconds),
            );
        }
        response
    }
}

/// What a missing client answers: a server misconfiguration, never "not signed in".
fn no_client() -> actix_web::Error {
    actix_web::error::ErrorInternalServerError(
        "descope::Client is not in the app data (App::app_data(web::Data::new(client)))",
    )
}

/// Middleware (use with `actix_web::middleware::from_fn(refresh_session)`): see the
/// [module](self) docs. The [`Client`] must be in the app data.
pub async fn refresh_session(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let client = client_of(request.request()).ok_or_else(no_client)?;
    let (method, headers) = http_parts(request.method(), request.headers());
    let found = authenticate(&client, &method, &headers, true).await;
    if let Found::Refuse(rejection) = &found {
        let response = rejection.error_response();
        return Ok(request.into_response(response));
    }
    match found.left() {
        Some(Ok(current)) => {
            request.extensions_mut().insert(current.session.clone());
            request.extensions_mut().insert(current);
        }
        Some(Err(rejection)) => {
            request.extensions_mut().insert(rejection);
        }
        None => {}
    }
    let mut response = next.call(request).await?.map_into_boxed_body();
    let (_, written) = http_parts(&actix_web::http::Method::GET, response.headers());
    let added = found.cookies_for(&client.session, &written);
    append_headers(response.headers_mut(), &added);
    Ok(response)
}

/// [`RequireSession`] as actix middleware: `wrap` it on a scope or route inside
/// [`refresh_session`] (actix runs the last `wrap` first, so the app's session middleware is
/// wrapped after, or outside, the guard).
impl<S, B> actix_web::dev::Transform<S, ServiceRequest> for RequireSession
where
    S: actix_web::dev::Service<
            ServiceRequest,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
        > + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = RequireSessionMiddleware<S>;
    type InitError = ();
    type Future = std::future::Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(RequireSessionMiddleware {
            service,
            guard: self.clone(),
        }))
    }
}

/// The service of a [`RequireSession`] wrapped around actix routes. Its `Service` impl repeats
/// the bounds of the `Transform` above on purpose: actix requires them on both.
#[derive(Debug)]
pub struct RequireSessionMiddleware<S> {
    service: S,
    guard: RequireSession,
}

impl<S, B> actix_web::dev::Service<ServiceRequest> for RequireSessionMiddleware<S>
where
    S: actix_web::dev::Service<
            ServiceRequest,
            Response = ServiceResponse<B>,
            Error = actix_web::Error,
        > + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<actix_web::body::EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Self::Error>>>>;

    actix_web::dev::forward_ready!(service);

    fn call(&self, request: ServiceRequest) -> Self::Future {
        let decision = {
            let extensions = request.extensions();
            let headers = request.headers();
            let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
            let param = |name: &str| request.match_info().get(name);
            let parts = RequestParts {
                path: request.path(),
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
                let response = request
                    .into_response(rejection.error_response())
                    .map_into_right_body();
                return Box::pin(ready(Ok(response)));
            }
            Decision::Allow(Some(access)) => {
                request.extensions_mut().insert(access);
            }
            Decision::Allow(None) => {}
        }
        let answer = self.service.call(request);
        Box::pin(async move { Ok(answer.await?.map_into_left_body()) })
    }
}

/// Middleware (use with `actix_web::middleware::from_fn(require_same_origin)`): refuses with
/// 403 every unsafe request that the browser marks as cross-site, cookies or not, with the
/// client's [`origin_check`](Client::origin_check).
pub async fn require_same_origin(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let client = client_of(request.request()).ok_or_else(no_client)?;
    let (method, headers) = http_parts(request.method(), request.headers());
    if !client.origin_check().allows(&method, &headers) {
        tracing::debug!(%method, "descope: cross-site request refused");
        let response = Rejection::cross_site().error_response();
        return Ok(request.into_response(response));
    }
    Ok(next.call(request).await?.map_into_boxed_body())
}

type Extracted<T> = Pin<Box<dyn Future<Output = Result<T, Rejection>>>>;

/// What the middleware left, else a validation of the request (no refresh).
fn request_session(request: &HttpRequest) -> Extracted<RequestSession> {
    let left = {
        let extensions = request.extensions();
        left_by_middleware(extensions.get(), extensions.get())
    };
    if let Some(found) = left {
        return Box::pin(ready(found));
    }
    let Some(client) = client_of(request) else {
        return Box::pin(ready(Err(Rejection::misconfigured())));
    };
    let (method, headers) = http_parts(request.method(), request.headers());
    Box::pin(async move {
        authenticate(&client, &method, &headers, false)
            .await
            .into_result()
    })
}

impl FromRequest for CurrentSession {
    type Error = Rejection;
    type Future = Extracted<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = request_session(request);
        Box::pin(async move { found.await.map(CurrentSession) })
    }
}

impl FromRequest for Authenticated {
    type Error = Rejection;
    type Future = Extracted<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        if let Some(session) = request.extensions().get::<Session>() {
            return Box::pin(ready(Ok(Authenticated(session.clone()))));
        }
        let found = request_session(request);
        Box::pin(async move { found.await.map(|found| Authenticated(found.session)) })
    }
}

/// The session's roles and permissions in the tenant the request names, as a tenant guard
/// ([`RequireSession::role_in`] and the like, wrapped around the route) let it through; 500
/// on a route without a tenant guard (a setup mistake).
impl FromRequest for TenantAccess {
    type Error = Rejection;
    type Future = std::future::Ready<Result<Self, Rejection>>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            request
                .extensions()
                .get::<TenantAccess>()
                .cloned()
                .ok_or_else(Rejection::no_tenant_guard),
        )
    }
}

impl FromRequest for OptionalSession {
    type Error = Rejection;
    type Future = Extracted<Self>;

    fn from_request(request: &HttpRequest, _: &mut Payload) -> Self::Future {
        let found = request_session(request);
        Box::pin(async move { optional(found.await).map(OptionalSession) })
    }
}
