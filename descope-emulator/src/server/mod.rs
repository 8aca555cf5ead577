//! The HTTP side: routes, auth, body parsing and the handlers of every operation.

use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

mod console;
mod console_page;
mod email;
mod email_flow;
mod email_links;
mod idp;
mod issued;
mod lenient;
mod management;
mod management_access;
mod network;
mod password;
mod phone;
mod roles;
mod routes;
mod session;
mod sso_settings;
mod tenants;
mod tokens;
mod totp;
mod user_admin;

pub(crate) use console::import;
pub(crate) use routes::router;

use super::failure::Failure;
use super::keys::KeyRing;
use super::state_file::Persister;
use super::store::{login_key, Store, StoredSession, StoredUser};
use super::{random_id, HashCost, Options};
use descope::wire::{
    EmptyResponse, JwtResponse, PasswordReplaceRequest, PasswordResetRequest,
    PasswordResetResponse, PasswordSignInRequest, PasswordSignUpRequest, PasswordUpdateRequest,
};
use descope::{Password, RefreshJwt, SessionJwt};

/// The largest request body accepted.
pub(crate) const MAX_BODY: usize = 64 * 1024;
/// The largest seed the HTTP import takes, and so the largest the export writes: one limit, so
/// the import takes every export.
pub(crate) const MAX_SEED: usize = 32 * 1024 * 1024;
/// How long a request body may take to arrive.
const BODY_READ_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// The emulator's shared state.
pub(crate) struct App {
    pub(crate) options: Options,
    pub(crate) issuer: String,
    pub(crate) keys: KeyRing,
    pub(crate) store: Mutex<Store>,
    pub(crate) limiter: Option<Mutex<Window>>,
    pub(crate) persister: Option<Persister>,
    pub(crate) outbox: Mutex<crate::outbox::Outbox>,
    /// The emulator's own base URL (`http://127.0.0.1:<port>`).
    pub(crate) base_url: String,
    pub(crate) clock: Arc<dyn descope::session::Clock>,
    /// Password hashing, bounded.
    pub(crate) hashing: Hashing,
}

/// A fixed rate-limit window.
pub(crate) struct Window {
    pub(crate) started: SystemTime,
    pub(crate) count: u32,
}

pub(crate) type Reply = Result<Response, Failure>;

/// A locked part of the emulator's state that marks itself changed when written through
/// (`DerefMut`): the next answer then waits for the state file to cover the change. Reading
/// marks nothing.
pub(crate) struct Tracked<'a, T> {
    guard: std::sync::MutexGuard<'a, T>,
    changes: Option<&'a std::sync::atomic::AtomicU64>,
    written: bool,
}

impl<T> std::ops::Deref for Tracked<'_, T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.guard
    }
}

impl<T> std::ops::DerefMut for Tracked<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        self.written = true;
        &mut self.guard
    }
}

impl<T> Drop for Tracked<'_, T> {
    fn drop(&mut self) {
        if let (true, Some(changes)) = (self.written, self.changes) {
            changes.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }
}

impl crate::persist::Persisted for App {
    fn persister(&self) -> Option<&crate::state_file::Persister> {
        self.persister.as_ref()
    }

    fn snapshot(&self) -> crate::store::StateFile {
        use base64::Engine;
        let store = self.store();
        crate::store::StateFile {
            format: crate::store::STATE_FORMAT,
            project_id: self.options.project_id.clone(),
            keys: self
                .keys
                .all()
                .iter()
                .map(|k| {
                    (
                        k.kid.clone(),
                        base64::engine::general_purpose::STANDARD.encode(k.pkcs8()),
                    )
                })
                .collect(),
            users: store.users_sorted(),
            sessions: store
                .sessions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            verifications: store.verifications.clone(),
            outbox: self.outbox().all(),
            directory: store.directory.clone(),
        }
    }
}

impl App {
    fn tracked<'a, T>(&'a self, lock: &'a Mutex<T>) -> Tracked<'a, T> {
        Tracked {
            guard: lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner()),
            changes: self.persister.as_ref().map(|p| &p.changes),
            written: false,
        }
    }

    /// Users, sessions and codes; a write marks the state changed.
    pub(crate) fn store(&self) -> Tracked<'_, Store> {
        self.tracked(&self.store)
    }

    /// The outbox; a write marks the state changed.
    pub(crate) fn outbox(&self) -> Tracked<'_, crate::outbox::Outbox> {
        self.tracked(&self.outbox)
    }

    /// Now, in Unix seconds, on the emulator's clock.
    pub(crate) fn now(&self) -> i64 {
        crate::unix_seconds(self.clock.now())
    }

    /// Counts a change outside the store and the outbox (a new signing key), for [`durable`]
    /// to write before the answer goes out.
    pub(crate) fn changed(&self) {
        if let Some(persister) = &self.persister {
            persister
                .changes
                .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
    }

    fn change_count(&self) -> u64 {
        self.persister
            .as_ref()
            .map_or(0, |p| p.changes.load(std::sync::atomic::Ordering::SeqCst))
    }

    fn check_rate(&self) -> Result<(), Failure> {
        let (Some(limiter), Some(limit)) = (&self.limiter, &self.options.rate_limit) else {
            return Ok(());
        };
        let mut window = limiter
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let now = self.clock.now();
        let elapsed = now.duration_since(window.started).unwrap_or_default();
        if elapsed >= limit.window {
            window.started = now;
            window.count = 0;
        }
        if window.count >= limit.requests {
            let elapsed = now.duration_since(window.started).unwrap_or_default();
            let left = limit.window.saturating_sub(elapsed);
            let retry_after_secs = left.as_secs() + u64::from(left.subsec_nanos() > 0);
            return Err(Failure::RateLimited {
                retry_after_secs: retry_after_secs.max(1),
            });
        }
        window.count += 1;
        Ok(())
    }
}

/// With a state file, a request that changed the store is answered only once the change is
/// on disk: an acknowledged sign-up survives a crash right after it.
pub(super) async fn durable(
    State(app): State<Arc<App>>,
    request: Request,
    next: axum::middleware::Next,
) -> Response {
    let before = app.change_count();
    let response = next.run(request).await;
    if app.change_count() == before {
        return response;
    }
    match crate::persist::persist(&app).await {
        Ok(()) => response,
        Err(e) => {
            eprintln!("descope-emulator: {e}");
            Failure::Internal("the state file could not be written").into_response()
        }
    }
}

/// A JSON response.
pub(crate) fn json<T: Serialize>(status: StatusCode, body: &T) -> Response {
    match serde_json::to_vec(body) {
        Ok(bytes) => {
            let mut response = (status, bytes).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            );
            response
        }
        Err(_) => Failure::Internal("response does not serialize").into_response(),
    }
}

/// A failure as the service answers it: its status, `ErrorResponse` JSON, and `Retry-After`
/// when rate limited.
impl IntoResponse for Failure {
    fn into_response(self) -> Response {
        let (status, code, description) = self.parts();
        let mut body = descope::wire::ErrorResponse::default();
        body.error_code = Some(code.to_owned());
        body.error_description = Some(description.clone());
        body.error_message = Some(description);
        let mut response = json(status, &body);
        if let Failure::RateLimited { retry_after_secs } = self {
            response
                .headers_mut()
                .insert("retry-after", HeaderValue::from(retry_after_secs));
        }
        response
    }
}

/// What an authentication call starts with, in this order: the rate limit, the project's
/// `Authorization` (and what it carried beyond the project ID), the caller's address, the body.
pub(crate) struct Call<T> {
    pub(crate) body: T,
    pub(crate) auth: Auth,
    pub(crate) ip: Option<String>,
}

/// Checks and reads an authentication call ([`Call`]).
pub(crate) async fn call<T: DeserializeOwned>(
    app: &App,
    request: Request,
) -> Result<Call<T>, Failure> {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let ip = tokens::peer_ip(&request);
    let body = parse(request.into_body()).await?;
    Ok(Call { body, auth, ip })
}

/// What the `Authorization` header carried beyond the project ID.
pub(crate) struct Auth {
    token: Option<String>,
}

/// Checks `Authorization: Bearer <projectId>[:<token>[:<managementKey>]]`.
pub(crate) fn authorize(app: &App, headers: &HeaderMap) -> Result<Auth, Failure> {
    let value = headers
        .get(header::AUTHORIZATION)
        .ok_or(Failure::Unauthorized("missing Authorization header"))?
        .to_str()
        .map_err(|_| Failure::Unauthorized("malformed Authorization header"))?;
    let rest = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .ok_or(Failure::Unauthorized("Authorization is not a bearer token"))?;
    let mut parts = rest.trim().split(':');
    let project = parts.next().unwrap_or_default();
    if project.is_empty() {
        return Err(Failure::Unauthorized("malformed Authorization header"));
    }
    if project != app.options.project_id {
        return Err(Failure::Unauthorized("the project ID does not match"));
    }
    let token = parts.next().filter(|t| !t.is_empty()).map(str::to_owned);
    Ok(Auth { token })
}

/// Reads and parses a JSON body; an empty body counts as `{}`. Unknown fields are ignored.
pub(crate) async fn parse<T: DeserializeOwned>(body: Body) -> Result<T, Failure> {
    parse_limited(body, MAX_BODY).await
}

/// [`parse`] with another size limit.
pub(crate) async fn parse_limited<T: DeserializeOwned>(
    body: Body,
    limit: usize,
) -> Result<T, Failure> {
    // A client that stops sending its body is not waited for past the deadline.
    let bytes = tokio::time::timeout(BODY_READ_TIMEOUT, to_bytes(body, limit))
        .await
        .map_err(|_| Failure::BadJson("the body did not arrive in time".into()))?
        .map_err(|_| Failure::BadJson(format!("body missing or larger than {limit} bytes")))?;
    let bytes: &[u8] = if bytes.iter().all(u8::is_ascii_whitespace) {
        b"{}"
    } else {
        &bytes
    };
    serde_json::from_slice(bytes).map_err(|e| {
        let text = e.to_string();
        match text
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next())
        {
            Some(field) => Failure::MissingArgument(field.to_owned()),
            None => Failure::BadJson(descope::wire::json_reason(&e)),
        }
    })
}

pub(crate) fn required(value: &str, field: &str) -> Result<(), Failure> {
    if value.trim().is_empty() {
        return Err(Failure::MissingArgument(field.to_owned()));
    }
    Ok(())
}

/// Password hashing on the blocking pool, bounded: argon2 at production cost takes 19 MiB a
/// hash, so an unbounded burst of sign-ups would take the memory of the whole burst.
pub(crate) struct Hashing {
    permits: tokio::sync::Semaphore,
    /// argon2's memory, one buffer per permit at most, reused from hash to hash.
    buffers: Mutex<Vec<Vec<argon2::Block>>>,
    running: std::sync::atomic::AtomicUsize,
    peak: std::sync::atomic::AtomicUsize,
}

impl Hashing {
    pub(crate) fn new(permits: usize) -> Self {
        Self {
            permits: tokio::sync::Semaphore::new(permits),
            buffers: Mutex::new(Vec::new()),
            running: std::sync::atomic::AtomicUsize::new(0),
            peak: std::sync::atomic::AtomicUsize::new(0),
        }
    }

    /// The most hashes that ever ran at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Runs `work` once a permit is free, with a reused memory buffer.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Vec<argon2::Block>) -> T + Send + 'static,
    ) -> Result<T, Failure> {
        use std::sync::atomic::Ordering::SeqCst;
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| Failure::Internal("hashing is closed"))?;
        let now = self.running.fetch_add(1, SeqCst) + 1;
        self.peak.fetch_max(now, SeqCst);
        let mut memory = self
            .buffers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .pop()
            .unwrap_or_default();
        let result = tokio::task::spawn_blocking(move || {
            let value = work(&mut memory);
            (value, memory)
        })
        .await;
        self.running.fetch_sub(1, SeqCst);
        let (value, memory) = result.map_err(|_| Failure::Internal("hashing task failed"))?;
        self.buffers
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(memory);
        Ok(value)
    }
}

/// Hashes a new password (bounded, see [`Hashing`]).
pub(crate) async fn hash_password(app: &App, password: Password) -> Result<String, Failure> {
    let cost = app.options.hash_cost;
    app.hashing
        .run(move |memory| cost.hash_with(password.secret(), memory))
        .await?
        .map_err(|_| Failure::Internal("hashing failed"))
}

/// Checks a password against its hash (bounded, see [`Hashing`]).
pub(crate) async fn verify_password(
    app: &App,
    hash: String,
    password: Password,
) -> Result<bool, Failure> {
    app.hashing
        .run(move |memory| HashCost::verify_with(&hash, password.secret(), memory))
        .await
}

/// Claims of the emulator's JWTs.
pub(crate) type AppState = State<Arc<App>>;

#[cfg(test)]
mod tests {
    use super::Tracked;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Mutex;

    fn tracked<'a>(lock: &'a Mutex<Vec<u8>>, changes: &'a AtomicU64) -> Tracked<'a, Vec<u8>> {
        Tracked {
            guard: lock.lock().unwrap_or_else(|p| p.into_inner()),
            changes: Some(changes),
            written: false,
        }
    }

    #[test]
    fn a_write_through_the_guard_marks_one_change_and_a_read_none() {
        let (lock, changes) = (Mutex::new(vec![1]), AtomicU64::new(0));
        assert_eq!(tracked(&lock, &changes).len(), 1);
        assert_eq!(changes.load(Ordering::SeqCst), 0, "reading changes nothing");
        {
            let mut guard = tracked(&lock, &changes);
            guard.push(2);
            guard.push(3);
        }
        assert_eq!(
            changes.load(Ordering::SeqCst),
            1,
            "one change per written guard"
        );
        assert_eq!(*tracked(&lock, &changes), vec![1, 2, 3]);
    }
}
