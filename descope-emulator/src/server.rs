//! The HTTP side: routes, auth, body parsing and the handlers of every operation.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use axum::body::{to_bytes, Body};
use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::failure::Failure;
use super::keys::KeyRing;
use super::store::{Persister, Store, StoredSession, StoredUser};
use super::{random_id, HashCost, Options, SentReset};
use descope::wire::{
    EmptyResponse, JwtResponse, PasswordReplaceRequest, PasswordResetRequest,
    PasswordResetResponse, PasswordSignInRequest, PasswordSignUpRequest, PasswordUpdateRequest,
};
use descope::{Password, RefreshJwt, SessionJwt};

/// The largest request body accepted.
const MAX_BODY: usize = 64 * 1024;
/// How many sent resets the outbox keeps.
const OUTBOX_LEN: usize = 1000;

/// The emulator's shared state.
pub(crate) struct App {
    pub(crate) options: Options,
    pub(crate) issuer: String,
    pub(crate) keys: KeyRing,
    pub(crate) store: Mutex<Store>,
    pub(crate) limiter: Option<Mutex<Window>>,
    pub(crate) persister: Option<Persister>,
    pub(crate) outbox: Mutex<VecDeque<SentReset>>,
    pub(crate) clock: Arc<dyn descope::session::Clock>,
}

/// A fixed rate-limit window.
pub(crate) struct Window {
    pub(crate) started: SystemTime,
    pub(crate) count: u32,
}

type Reply = Result<Response, Failure>;

impl App {
    pub(crate) fn store(&self) -> std::sync::MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Now, in Unix seconds, on the emulator's clock.
    pub(crate) fn now(&self) -> i64 {
        crate::unix_seconds(self.clock.now())
    }

    fn changed(&self) {
        if let Some(persister) = &self.persister {
            persister.mark_dirty();
        }
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

/// The router of every operation in `openapi.yaml`.
pub(crate) fn router(app: Arc<App>) -> Router {
    Router::new()
        .route("/v1/auth/password/signup", post(sign_up))
        .route("/v1/auth/password/signin", post(sign_in))
        .route("/v1/auth/password/replace", post(replace))
        .route("/v1/auth/password/update", post(update))
        .route("/v1/auth/password/reset", post(send_reset))
        .route("/v1/auth/password/policy", get(policy))
        .route("/v1/auth/refresh", post(refresh))
        .route("/v1/auth/try-refresh", post(try_refresh))
        .route("/v1/auth/logout", post(logout))
        .route("/v1/auth/logoutall", post(logout_all))
        .route("/v1/auth/me", get(me))
        .route("/v2/keys/{project_id}", get(keys))
        .fallback(|| async { Failure::NotFound })
        .method_not_allowed_fallback(|| async { Failure::MethodNotAllowed })
        .with_state(app)
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

fn reply(result: Reply) -> Response {
    result.unwrap_or_else(IntoResponse::into_response)
}

/// What the `Authorization` header carried beyond the project ID.
struct Auth {
    token: Option<String>,
}

/// Checks `Authorization: Bearer <projectId>[:<token>[:<managementKey>]]`.
fn authorize(app: &App, headers: &HeaderMap) -> Result<Auth, Failure> {
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
async fn parse<T: DeserializeOwned>(body: Body) -> Result<T, Failure> {
    let bytes = to_bytes(body, MAX_BODY)
        .await
        .map_err(|_| Failure::BadJson(format!("body missing or larger than {MAX_BODY} bytes")))?;
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
            None => Failure::BadJson(crate::json_reason(&e)),
        }
    })
}

fn required(value: &str, field: &str) -> Result<(), Failure> {
    if value.trim().is_empty() {
        return Err(Failure::MissingArgument(field.to_owned()));
    }
    Ok(())
}

async fn hash_password(cost: HashCost, password: Password) -> Result<String, Failure> {
    tokio::task::spawn_blocking(move || cost.hash(password.secret()))
        .await
        .map_err(|_| Failure::Internal("hashing task failed"))?
        .map_err(|_| Failure::Internal("hashing failed"))
}

async fn verify_password(hash: String, password: Password) -> Result<bool, Failure> {
    tokio::task::spawn_blocking(move || HashCost::verify(&hash, password.secret()))
        .await
        .map_err(|_| Failure::Internal("hashing task failed"))
}

/// Claims of the emulator's JWTs.
#[derive(Serialize, Deserialize)]
struct Claims {
    iss: String,
    sub: String,
    iat: i64,
    exp: i64,
    drn: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    jti: Option<String>,
    amr: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    roles: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    permissions: Vec<String>,
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    tenants: Map<String, Value>,
    #[serde(flatten)]
    custom: Map<String, Value>,
}

/// The user and session of a valid, unrevoked refresh JWT.
fn check_refresh(app: &App, token: Option<&str>) -> Result<(StoredUser, String), Failure> {
    let token = token.ok_or(Failure::InvalidRefresh("no refresh token in Authorization"))?;
    let claims: Claims = app
        .keys
        .verify(token)
        .ok_or(Failure::InvalidRefresh("bad signature or malformed"))?;
    if claims.drn != "DSR" {
        return Err(Failure::InvalidRefresh("not a refresh token"));
    }
    // The issuer URL carries the port, which changes across restarts: match on the project ID,
    // as clients do.
    if !descope::session::issuer_matches(&claims.iss, &app.options.project_id) {
        return Err(Failure::InvalidRefresh("issued for another project"));
    }
    if claims.exp <= app.now() {
        return Err(Failure::InvalidRefresh("expired"));
    }
    let jti = claims.jti.ok_or(Failure::InvalidRefresh("no session ID"))?;
    let store = app.store();
    let session = store
        .sessions
        .get(&jti)
        .ok_or(Failure::InvalidRefresh("unknown session"))?;
    if session.revoked {
        return Err(Failure::RevokedRefresh);
    }
    if session.user_id != claims.sub {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    let user = store
        .users
        .get(&claims.sub)
        .ok_or(Failure::InvalidRefresh("the user no longer exists"))?;
    Ok((user.clone(), jti))
}

/// What a successful sign-in (or refresh) should put in the response.
struct Grant<'a> {
    user: &'a StoredUser,
    first_seen: bool,
    custom_claims: Map<String, Value>,
    /// Whether the response carries a new refresh JWT (with a new session); not on a refresh
    /// without rotation.
    with_refresh: bool,
}

impl<'a> Grant<'a> {
    /// A sign-in: new session, new refresh JWT.
    fn sign_in(user: &'a StoredUser, first_seen: bool, custom_claims: Map<String, Value>) -> Self {
        Self {
            user,
            first_seen,
            custom_claims,
            with_refresh: true,
        }
    }

    /// A refresh: a new session JWT, and a new refresh JWT only when rotating.
    fn refresh(user: &'a StoredUser, rotate: bool) -> Self {
        Self {
            user,
            first_seen: false,
            custom_claims: Map::new(),
            with_refresh: rotate,
        }
    }
}

fn session_claims(app: &App, user: &StoredUser, now: i64, custom: Map<String, Value>) -> Claims {
    let tenants = user
        .tenants
        .iter()
        .map(|t| {
            let entry = serde_json::json!({"roles": t.roles, "permissions": t.permissions});
            (t.tenant_id.clone(), entry)
        })
        .collect();
    let reserved = [
        "iss",
        "sub",
        "iat",
        "exp",
        "drn",
        "jti",
        "amr",
        "roles",
        "permissions",
        "tenants",
    ];
    let custom = custom
        .into_iter()
        .filter(|(k, _)| !reserved.contains(&k.as_str()))
        .collect();
    Claims {
        iss: app.issuer.clone(),
        sub: user.user_id.clone(),
        iat: now,
        exp: now + app.options.session_ttl.as_secs() as i64,
        drn: "DS".into(),
        jti: None,
        amr: vec!["pwd".into()],
        roles: user.roles.clone(),
        permissions: user.permissions.clone(),
        tenants,
        custom,
    }
}

fn grant(app: &App, grant: Grant<'_>) -> Reply {
    let now = app.now();
    let refresh_exp = now + app.options.refresh_ttl.as_secs() as i64;
    let session_claims = session_claims(app, grant.user, now, grant.custom_claims);
    let session_exp = session_claims.exp;
    let session_jwt = app
        .keys
        .sign(&session_claims)
        .map_err(|_| Failure::Internal("signing failed"))?;
    let refresh_jwt = if grant.with_refresh {
        let jti = random_id(24);
        let session = StoredSession {
            user_id: grant.user.user_id.clone(),
            expires_at: refresh_exp,
            revoked: false,
        };
        app.store().add_session(jti.clone(), session, now);
        app.changed();
        let claims = Claims {
            iss: app.issuer.clone(),
            sub: grant.user.user_id.clone(),
            iat: now,
            exp: refresh_exp,
            drn: "DSR".into(),
            jti: Some(jti),
            amr: vec!["pwd".into()],
            roles: Vec::new(),
            permissions: Vec::new(),
            tenants: Map::new(),
            custom: Map::new(),
        };
        Some(
            app.keys
                .sign(&claims)
                .map_err(|_| Failure::Internal("signing failed"))?,
        )
    } else {
        None
    };
    let cookies = app.options.tokens_in_cookies;
    let mut body = JwtResponse::default();
    body.session_jwt = Some(SessionJwt::from(if cookies {
        ""
    } else {
        session_jwt.as_str()
    }));
    body.refresh_jwt = refresh_jwt
        .as_deref()
        .map(|t| RefreshJwt::from(if cookies { "" } else { t }));
    body.cookie_domain = app.options.cookie_domain.clone();
    body.cookie_path = Some("/".into());
    body.cookie_max_age = Some(app.options.refresh_ttl.as_secs() as i64);
    body.cookie_expiration = Some(refresh_exp);
    body.user = Some(grant.user.response());
    body.first_seen = Some(grant.first_seen);
    body.session_expiration = Some(session_exp);
    let mut response = json(StatusCode::OK, &body);
    if cookies {
        let session_age = app.options.session_ttl.as_secs();
        let refresh_age = app.options.refresh_ttl.as_secs();
        add_cookie(app, &mut response, "DS", &session_jwt, session_age);
        if let Some(refresh) = &refresh_jwt {
            add_cookie(app, &mut response, "DSR", refresh, refresh_age);
        }
    }
    Ok(response)
}

fn add_cookie(app: &App, response: &mut Response, name: &str, value: &str, max_age: u64) {
    let mut cookie =
        format!("{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; Secure; SameSite=Strict");
    if let Some(domain) = &app.options.cookie_domain {
        cookie.push_str("; Domain=");
        cookie.push_str(domain);
    }
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// The logged-out answer: empty token fields (and clearing cookies in cookie mode).
fn logged_out(app: &App) -> Response {
    let mut body = JwtResponse::default();
    body.session_jwt = Some(SessionJwt::from(""));
    body.refresh_jwt = Some(RefreshJwt::from(""));
    body.cookie_domain = app.options.cookie_domain.clone();
    body.cookie_path = Some("/".into());
    let mut response = json(StatusCode::OK, &body);
    if app.options.tokens_in_cookies {
        add_cookie(app, &mut response, "DS", "", 0);
        add_cookie(app, &mut response, "DSR", "", 0);
    }
    response
}

type AppState = State<Arc<App>>;

async fn sign_up(State(app): AppState, request: Request) -> Response {
    reply(sign_up_inner(&app, request).await)
}

async fn sign_up_inner(app: &App, request: Request) -> Reply {
    app.check_rate()?;
    authorize(app, request.headers())?;
    let body: PasswordSignUpRequest = parse(request.into_body()).await?;
    required(&body.login_id, "loginId")?;
    required(body.password.secret(), "password")?;
    if let Err(why) = app.options.policy.check(body.password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let login_id = body.login_id.trim().to_owned();
    if app.store().has_login(&login_id) {
        return Err(Failure::UserExists);
    }
    let hash = hash_password(app.options.hash_cost, body.password).await?;
    let profile = body.user.unwrap_or_default();
    let mut login_ids = vec![login_id.clone()];
    if let Some(extra) = profile.login_id.filter(|l| {
        !l.trim().is_empty() && super::store::login_key(l) != super::store::login_key(&login_id)
    }) {
        login_ids.push(extra);
    }
    let email = profile
        .email
        .or_else(|| login_id.contains('@').then(|| login_id.clone()));
    let user = StoredUser {
        user_id: format!("U{}", random_id(27)),
        login_ids,
        name: profile.name,
        given_name: profile.given_name,
        middle_name: profile.middle_name,
        family_name: profile.family_name,
        email,
        phone: profile.phone,
        recovery_email: profile.recovery_email,
        password_hash: hash,
        password_version: 0,
        roles: Vec::new(),
        permissions: Vec::new(),
        tenants: Vec::new(),
        created_time: app.now(),
    };
    if !app.store().insert_user(user.clone()) {
        return Err(Failure::UserExists);
    }
    app.changed();
    let custom_claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    grant(app, Grant::sign_in(&user, true, custom_claims))
}

async fn sign_in(State(app): AppState, request: Request) -> Response {
    reply(sign_in_inner(&app, request).await)
}

async fn sign_in_inner(app: &App, request: Request) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let body: PasswordSignInRequest = parse(request.into_body()).await?;
    required(&body.login_id, "loginId")?;
    required(body.password.secret(), "password")?;
    let user = app
        .store()
        .user_by_login(&body.login_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    if !verify_password(user.password_hash.clone(), body.password).await? {
        return Err(Failure::WrongPassword);
    }
    let options = body.login_options.unwrap_or_default();
    if options.stepup == Some(true) || options.mfa == Some(true) {
        let (owner, _) = check_refresh(app, auth.token.as_deref())?;
        if owner.user_id != user.user_id {
            return Err(Failure::InvalidRefresh("session of another user"));
        }
    }
    if options.revoke_other_sessions == Some(true) {
        app.store().revoke_user_sessions(&user.user_id, None);
        app.changed();
    }
    let custom_claims = options.custom_claims.unwrap_or_default();
    grant(app, Grant::sign_in(&user, false, custom_claims))
}

async fn replace(State(app): AppState, request: Request) -> Response {
    reply(replace_inner(&app, request).await)
}

async fn replace_inner(app: &App, request: Request) -> Reply {
    app.check_rate()?;
    authorize(app, request.headers())?;
    let body: PasswordReplaceRequest = parse(request.into_body()).await?;
    required(&body.login_id, "loginId")?;
    required(body.old_password.secret(), "oldPassword")?;
    required(body.new_password.secret(), "newPassword")?;
    let user = app
        .store()
        .user_by_login(&body.login_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    if !verify_password(user.password_hash.clone(), body.old_password).await? {
        return Err(Failure::WrongPassword);
    }
    if let Err(why) = app.options.policy.check(body.new_password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let hash = hash_password(app.options.hash_cost, body.new_password).await?;
    let updated = {
        let mut store = app.store();
        let stored = store
            .user_by_login_mut(&body.login_id)
            .ok_or(Failure::UserNotFound)?;
        // Another change landed since the old password was checked: it no longer holds.
        if stored.password_version != user.password_version {
            return Err(Failure::WrongPassword);
        }
        stored.password_hash = hash;
        stored.password_version += 1;
        let updated = stored.clone();
        if body.revoke_other_sessions == Some(true) {
            store.revoke_user_sessions(&updated.user_id, None);
        }
        updated
    };
    app.changed();
    grant(app, Grant::sign_in(&updated, false, Map::new()))
}

async fn update(State(app): AppState, request: Request) -> Response {
    reply(update_inner(&app, request).await)
}

async fn update_inner(app: &App, request: Request) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let body: PasswordUpdateRequest = parse(request.into_body()).await?;
    let (owner, _) = check_refresh(app, auth.token.as_deref())?;
    required(&body.login_id, "loginId")?;
    required(body.new_password.secret(), "newPassword")?;
    let user = app
        .store()
        .user_by_login(&body.login_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    if user.user_id != owner.user_id {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    if let Err(why) = app.options.policy.check(body.new_password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let hash = hash_password(app.options.hash_cost, body.new_password).await?;
    {
        let mut store = app.store();
        let stored = store
            .users
            .get_mut(&user.user_id)
            .ok_or(Failure::UserNotFound)?;
        stored.password_hash = hash;
        stored.password_version += 1;
    }
    app.changed();
    Ok(json(StatusCode::OK, &EmptyResponse(Map::new())))
}

async fn send_reset(State(app): AppState, request: Request) -> Response {
    reply(send_reset_inner(&app, request).await)
}

/// `a***@example.com`
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

async fn send_reset_inner(app: &App, request: Request) -> Reply {
    app.check_rate()?;
    authorize(app, request.headers())?;
    let body: PasswordResetRequest = parse(request.into_body()).await?;
    required(&body.login_id, "loginId")?;
    let user = app
        .store()
        .user_by_login(&body.login_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    let email = if body.use_recovery == Some(true) {
        user.recovery_email.clone()
    } else {
        user.email.clone()
    };
    let email = email.ok_or_else(|| {
        Failure::InvalidArgument("the user has no email address to send a reset to".into())
    })?;
    let link_id = random_id(8);
    let sent = SentReset {
        login_id: body.login_id.clone(),
        email: email.clone(),
        redirect_url: body.redirect_url.clone(),
        link_id: link_id.clone(),
        template_options: body.template_options.unwrap_or_default(),
    };
    {
        let mut outbox = app.outbox.lock().unwrap_or_else(|p| p.into_inner());
        if outbox.len() >= OUTBOX_LEN {
            outbox.pop_front();
        }
        outbox.push_back(sent);
    }
    let mut response = PasswordResetResponse::default();
    response.reset_method = Some("email".into());
    response.link_id = Some(link_id);
    response.masked_email = Some(mask_email(&email));
    Ok(json(StatusCode::OK, &response))
}

async fn policy(State(app): AppState, headers: HeaderMap) -> Response {
    reply((|| {
        app.check_rate()?;
        authorize(&app, &headers)?;
        Ok(json(
            StatusCode::OK,
            &descope::wire::PasswordPolicyResponse::from(&app.options.policy),
        ))
    })())
}

async fn refresh(State(app): AppState, request: Request) -> Response {
    reply(refresh_inner(&app, request, false).await)
}

async fn try_refresh(State(app): AppState, request: Request) -> Response {
    reply(refresh_inner(&app, request, true).await)
}

async fn refresh_inner(app: &App, request: Request, lenient: bool) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    let (user, jti) = match check_refresh(app, auth.token.as_deref()) {
        Ok(found) => found,
        Err(_) if lenient => {
            let mut empty = JwtResponse::default();
            empty.session_jwt = Some(SessionJwt::from(""));
            empty.refresh_jwt = Some(RefreshJwt::from(""));
            return Ok(json(StatusCode::OK, &empty));
        }
        Err(failure) => return Err(failure),
    };
    let rotate = app.options.rotate_refresh_tokens;
    if rotate {
        if let Some(session) = app.store().sessions.get_mut(&jti) {
            session.revoked = true;
        }
        app.changed();
    }
    grant(app, Grant::refresh(&user, rotate))
}

async fn logout(State(app): AppState, request: Request) -> Response {
    reply(logout_inner(&app, request, false).await)
}

async fn logout_all(State(app): AppState, request: Request) -> Response {
    reply(logout_inner(&app, request, true).await)
}

async fn logout_inner(app: &App, request: Request, everywhere: bool) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    let (user, jti) = check_refresh(app, auth.token.as_deref())?;
    {
        let mut store = app.store();
        if everywhere {
            store.revoke_user_sessions(&user.user_id, None);
        } else if let Some(session) = store.sessions.get_mut(&jti) {
            session.revoked = true;
        }
    }
    app.changed();
    Ok(logged_out(app))
}

async fn me(State(app): AppState, headers: HeaderMap) -> Response {
    reply((|| {
        app.check_rate()?;
        let auth = authorize(&app, &headers)?;
        let (user, _) = check_refresh(&app, auth.token.as_deref())?;
        Ok(json(StatusCode::OK, &user.response()))
    })())
}

async fn keys(State(app): AppState, Path(project_id): Path<String>) -> Response {
    reply((|| {
        app.check_rate()?;
        if project_id != app.options.project_id {
            return Err(Failure::NotFound);
        }
        Ok(json(StatusCode::OK, &app.keys.jwks()))
    })())
}
