//! What every request shares: headers and auth (progenitor's `pre` hook), redirects, size
//! limits and error-body normalisation (its `exec` hook), decoding (`decode`, which the
//! generated code calls), and retries and the timeout of each attempt (`send`, around each
//! generated call). `error/convert.rs` converts the result into [`crate::Error`].

use crate::operation::Operation;
use std::time::{Duration, Instant};

use tracing::Instrument;

use progenitor_client::{ClientHooks, OperationInfo, ResponseValue};
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, RETRY_AFTER, SET_COOKIE};

use crate::error::Error;
use crate::limits::{limit_body, make_body_unreplayable, normalize_error_body};
use crate::retry::RetryPolicy;
use crate::secret::ManagementKey;
use crate::wire::ErrorResponse;

/// Settings shared by every request of a [`crate::Client`].
pub(crate) struct Shared {
    pub(crate) project_id: String,
    pub(crate) base_url: String,
    pub(crate) timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleeper: std::sync::Arc<dyn crate::retry::Sleeper>,
    /// Appended to the `Authorization` header of authentication calls.
    pub(crate) auth_management_key: Option<ManagementKey>,
    pub(crate) http: reqwest::Client,
    /// Whether `http` is the caller's own client (which may follow redirects, and has none of
    /// the headers below as defaults).
    pub(crate) caller_http: bool,
    /// The largest response body read.
    pub(crate) max_response_bytes: usize,
    /// [`common_headers`]: the crate's own client sends them by default.
    pub(crate) common_headers: HeaderMap,
}

/// The generated client's inner value: what the hooks need for one call.
pub struct RequestContext {
    pub(crate) shared: std::sync::Arc<Shared>,
    /// The `Authorization` header of this call, marked sensitive; `None` when it is the one the
    /// crate's own HTTP client sends by default (the project's).
    pub(crate) authorization: Option<HeaderValue>,
}

impl std::fmt::Debug for RequestContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestContext").finish_non_exhaustive()
    }
}

impl Clone for RequestContext {
    fn clone(&self) -> Self {
        Self {
            shared: self.shared.clone(),
            authorization: self.authorization.clone(),
        }
    }
}

const SDK_NAME: HeaderName = HeaderName::from_static("x-descope-sdk-name");
const SDK_VERSION: HeaderName = HeaderName::from_static("x-descope-sdk-version");
const PROJECT_ID: HeaderName = HeaderName::from_static("x-descope-project-id");

/// The headers every request carries: the SDK's name and version, the project ID, the
/// project's `Authorization`. The crate's own HTTP client sends
/// them as default headers (built once); with a caller's client the `pre` hook inserts them
/// into each request.
pub(crate) fn common_headers(
    project_header: &HeaderValue,
    project_auth: &HeaderValue,
) -> HeaderMap {
    let mut headers = HeaderMap::with_capacity(4);
    headers.insert(AUTHORIZATION, project_auth.clone());
    headers.insert(SDK_NAME, HeaderValue::from_static("rust"));
    headers.insert(
        SDK_VERSION,
        HeaderValue::from_static(env!("CARGO_PKG_VERSION")),
    );
    headers.insert(PROJECT_ID, project_header.clone());
    headers
}

/// `Bearer ` + the non-empty parts joined by `:` (project ID, per-call token, auth management key),
/// as a sensitive header value; `None` when a part cannot go in a header.
pub(crate) fn bearer(
    project_id: &str,
    token: Option<&str>,
    management_key: Option<&ManagementKey>,
) -> Option<HeaderValue> {
    let parts = [
        Some(project_id),
        token,
        management_key.map(ManagementKey::secret),
    ];
    let mut value = String::from("Bearer ");
    let mut first = true;
    for part in parts.into_iter().flatten().filter(|p| !p.is_empty()) {
        if !first {
            value.push(':');
        }
        value.push_str(part);
        first = false;
    }
    let mut header = HeaderValue::from_str(&value).ok()?;
    header.set_sensitive(true);
    Some(header)
}

impl ClientHooks<RequestContext> for crate::wire::Api {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), progenitor_client::Error<E>> {
        let ctx = &self.inner;
        let shared = &ctx.shared;
        // progenitor's `api-version` header is dropped at generation (codegen/generate.rs).
        if shared.caller_http {
            // The caller's client has none of the common headers.
            let headers = request.headers_mut();
            for (name, value) in &shared.common_headers {
                headers.insert(name, value.clone());
            }
        }
        if let Some(authorization) = &ctx.authorization {
            request
                .headers_mut()
                .insert(AUTHORIZATION, authorization.clone());
        }
        Ok(())
    }

    /// Not an `async fn`: the request is handed to the HTTP client before the future starts,
    /// so the future holds what is in flight, not the request too (twice, as an `async fn`
    /// would keep its argument and a copy of it).
    fn exec(
        &self,
        mut request: reqwest::Request,
        info: &OperationInfo,
    ) -> impl std::future::Future<Output = reqwest::Result<reqwest::Response>> {
        let shared = &self.inner.shared;
        let started = Instant::now();
        // A caller's own client may follow redirects: keep it from re-sending the body, and
        // notice when it went elsewhere. The client built here never follows them.
        let target = shared.caller_http.then(|| request.url().clone());
        if shared.caller_http {
            make_body_unreplayable(&mut request);
        }
        let in_flight = shared.http.execute(request);
        let operation = info.operation_id;
        async move {
            let response = match in_flight.await {
                Ok(response) => response,
                Err(error) => {
                    tracing::debug!(
                        operation,
                        elapsed_ms = started.elapsed().as_millis() as u64,
                        timeout = error.is_timeout(),
                        "descope request failed"
                    );
                    return Err(error);
                }
            };
            tracing::debug!(
                operation,
                status = response.status().as_u16(),
                elapsed_ms = started.elapsed().as_millis() as u64,
                "descope request"
            );
            if let Some(target) = &target {
                if response.url() != target {
                    return Ok(redirected());
                }
            }
            let response = limit_body(response, shared.max_response_bytes);
            if response.status().is_success() {
                return Ok(response);
            }
            // Boxed: the rare error path keeps the request's future small.
            Box::pin(normalize_error_body(response)).await
        }
    }
}

/// The generated operations whose progenitor signatures take positional `Option`s, with names
/// that say what they do: the façade never passes `Some(..)`/`None` around.
impl crate::wire::Api {
    /// `GET /v1/mgmt/user?loginId=..`.
    pub(crate) async fn load_user_by_login_id(
        &self,
        login_id: &str,
    ) -> Result<ResponseValue<crate::wire::UserResponse>, progenitor_client::Error<ErrorResponse>>
    {
        self.load_user(Some(login_id), None).await
    }

    /// `GET /v1/mgmt/user?userId=..`.
    pub(crate) async fn load_user_by_user_id(
        &self,
        user_id: &str,
    ) -> Result<ResponseValue<crate::wire::UserResponse>, progenitor_client::Error<ErrorResponse>>
    {
        self.load_user(None, Some(user_id)).await
    }

    /// `GET /v2/keys/{projectId}`.
    pub(crate) async fn project_keys(
        &self,
        project_id: &str,
    ) -> Result<ResponseValue<crate::wire::KeysResponse>, progenitor_client::Error<ErrorResponse>>
    {
        self.get_keys(project_id, None).await
    }
}

/// What progenitor's `ResponseValue::from_response` does (the generated code calls this instead,
/// see `codegen/generate.rs`), keeping only the response headers the façade reads
/// (`Set-Cookie`; `Retry-After` of an error) instead of a copy of them all: usually none, and no
/// allocation.
///
/// Not an `async fn`: one of those would hold the response twice (its argument and a copy), and
/// reading the body with `Response::bytes` holds it a third time. The future here holds it
/// once, so the operation's whole future stays small enough to box cheaply.
pub(crate) fn decode<T, E>(
    mut response: reqwest::Response,
) -> impl std::future::Future<Output = Result<ResponseValue<T>, progenitor_client::Error<E>>>
where
    T: serde::de::DeserializeOwned,
{
    let status = response.status();
    let mut headers = HeaderMap::new();
    // Only an error's `Retry-After` is read (by the retry policy).
    let names: &[HeaderName] = if status.is_success() {
        &[SET_COOKIE]
    } else {
        &[SET_COOKIE, RETRY_AFTER]
    };
    for name in names {
        for value in response.headers().get_all(name) {
            headers.append(name.clone(), value.clone());
        }
    }
    async move {
        let full = whole_body(&mut response)
            .await
            .map_err(progenitor_client::Error::ResponseBodyError)?;
        drop(response);
        let inner = serde_json::from_slice(&full)
            .map_err(|e| progenitor_client::Error::InvalidResponsePayload(full, e))?;
        Ok(ResponseValue::new(inner, status, headers))
    }
}

/// The whole body of `response` (bounded by `limits::limit_body`): its one chunk as is when it
/// comes in one, the usual case, else the chunks joined.
async fn whole_body(response: &mut reqwest::Response) -> reqwest::Result<bytes::Bytes> {
    let mut first = None;
    let mut joined = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if first.is_none() && joined.is_empty() {
            first = Some(chunk);
            continue;
        }
        if let Some(first) = first.take() {
            joined.extend_from_slice(&first);
        }
        joined.extend_from_slice(&chunk);
    }
    Ok(first.unwrap_or_else(|| joined.into()))
}

/// Sends the request `call` makes, and makes it again after the retry policy's wait while the
/// answer's status is one the policy retries; then converts the result, once. A request is
/// built again only for a retry (none is copied in case one is needed).
pub(crate) async fn send<T, F, Fut>(
    shared: &Shared,
    operation: Operation,
    mut call: F,
) -> Result<ResponseValue<T>, Error>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<
        Output = Result<ResponseValue<T>, progenitor_client::Error<ErrorResponse>>,
    >,
{
    // One span per operation: its name, outcome, attempts and duration; never a body.
    let span = tracing::debug_span!(
        "descope",
        operation = operation.as_str(),
        status = tracing::field::Empty,
        attempts = tracing::field::Empty,
        duration_ms = tracing::field::Empty,
    );
    // Timed only when something listens: no clock reads otherwise.
    let started = (!span.is_disabled()).then(Instant::now);
    let mut attempt = 0;
    loop {
        // Boxed once, so the layers around it move a pointer, not the request's state. The
        // timeout bounds one attempt, from sending the request to decoding the whole answer,
        // with the crate's HTTP client or a caller's.
        let request = Box::pin(call()).instrument(span.clone());
        let result = match tokio::time::timeout(shared.timeout, request).await {
            Ok(result) => result,
            Err(_) => {
                tracing::debug!(parent: &span, attempt, "descope request timed out");
                span.record("attempts", attempt + 1);
                if let Some(started) = started {
                    span.record("duration_ms", started.elapsed().as_millis() as u64);
                }
                return Err(Error::Timeout { operation });
            }
        };
        let status = match &result {
            Ok(value) => Some(value.status()),
            Err(error) => error.status(),
        };
        let retry = result
            .as_ref()
            .err()
            .and_then(|e| e.status())
            .and_then(|s| shared.retry.delay(s.as_u16(), attempt));
        match retry {
            Some(delay) => {
                drop(result);
                tracing::debug!(parent: &span, attempt, ?delay, "descope request retried");
                shared.sleeper.sleep(delay).await;
                attempt += 1;
            }
            None => {
                if let Some(status) = status {
                    span.record("status", status.as_u16());
                }
                span.record("attempts", attempt + 1);
                if let Some(started) = started {
                    span.record("duration_ms", started.elapsed().as_millis() as u64);
                }
                return crate::error::convert::convert(operation, result);
            }
        }
    }
}

/// The answer that stands for "a redirect was followed": the caller's client went to another
/// URL. Reported as [`Error::Redirected`], never decoded.
fn redirected() -> reqwest::Response {
    let mut response = http::Response::new(bytes::Bytes::new());
    *response.status_mut() = http::StatusCode::MULTIPLE_CHOICES;
    reqwest::Response::from(response)
}
