//! The console (`GET /`): the emulator's users, sessions, outbox and settings in a browser,
//! with one-click actions that do what the matching management call does; and the seed
//! export and import endpoints.
//!
//! Who may reach it is [`super::network`]'s rule (loopback peers, or the management key; the
//! page alone, read-only, to others with `--console-public`). Its posts, like the import,
//! refuse cross-site requests (`Sec-Fetch-Site`, else `Origin`), and its pages carry a
//! Content-Security-Policy that runs no script and loads nothing from elsewhere.

use axum::extract::{Form, FromRequest};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::Method;
use axum::response::Html;
use serde::Deserialize;

use super::console_page;
use super::management::authorize_management;
use super::*;
use crate::seed::SeedFile;

/// The policy of every console page: no script, no plugin, nothing loaded from elsewhere,
/// forms post to the emulator only, never framed.
const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// A console page, with its security headers.
fn html(status: StatusCode, page: String) -> Response {
    let mut response = (status, Html(page)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// Why the console refused a request, as a small page.
pub(crate) fn refused(status: StatusCode, why: &str) -> Response {
    html(status, console_page::message("Refused", why))
}

/// Whether the console serves a post: no cross-site requests.
pub(crate) fn console_allows(method: &Method, headers: &HeaderMap) -> Result<(), &'static str> {
    if !descope::session::OriginCheck::default().allows(method, headers) {
        return Err("cross-site request refused");
    }
    Ok(())
}

/// The refusal page when the console does not serve `request`: a cross-site post, or a viewer
/// the network rules let see the page only.
fn console_guard(_app: &App, request: &Request) -> Option<Response> {
    if viewer(request) != console_page::Viewer::Local {
        return Some(refused(
            StatusCode::FORBIDDEN,
            "served to loopback peers, or with the management key in Authorization",
        ));
    }
    console_allows(request.method(), request.headers())
        .err()
        .map(|why| refused(StatusCode::FORBIDDEN, why))
}

/// Who the network rules let in (a request they did not see is nobody's: read-only).
fn viewer(request: &Request) -> console_page::Viewer {
    request
        .extensions()
        .get::<console_page::Viewer>()
        .copied()
        .unwrap_or(console_page::Viewer::Remote)
}

fn back_to_console() -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, "/")]).into_response()
}

pub(super) async fn page(State(app): AppState, request: Request) -> Response {
    html(StatusCode::OK, console_page::render(&app, viewer(&request)))
}

#[derive(Deserialize)]
struct NewUser {
    login_id: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    roles: String,
}

pub(super) async fn create_user(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    let Ok(Form(form)) = Form::<NewUser>::from_request(request, &app).await else {
        return refused(StatusCode::BAD_REQUEST, "the form is incomplete");
    };
    let login_id = form.login_id.trim().to_owned();
    if login_id.is_empty() {
        return refused(StatusCode::BAD_REQUEST, "a login ID is required");
    }
    let email = Some(form.email.trim().to_owned())
        .filter(|e| !e.is_empty())
        .or_else(|| login_id.contains('@').then(|| login_id.clone()));
    if email.as_ref().is_some_and(|e| !e.contains('@')) {
        return refused(StatusCode::BAD_REQUEST, "the email is not an email address");
    }
    let password_hash = if form.password.is_empty() {
        String::new()
    } else {
        match hash_password(&app, descope::Password::from(form.password)).await {
            Ok(hash) => hash,
            Err(_) => return refused(StatusCode::INTERNAL_SERVER_ERROR, "hashing failed"),
        }
    };
    let roles = form
        .roles
        .split(',')
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned)
        .collect();
    let Ok(user_id) = random_id(27) else {
        return refused(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the random generator failed",
        );
    };
    let user = StoredUser {
        user_id: format!("U{user_id}"),
        login_ids: vec![login_id],
        email,
        password_hash,
        roles,
        created_time: app.now(),
        ..StoredUser::default()
    };
    if !app.store().insert_user(user) {
        return refused(
            StatusCode::CONFLICT,
            "a user with this login ID already exists",
        );
    }
    back_to_console()
}

#[derive(Deserialize)]
struct UserAction {
    action: String,
}

/// `disable`, `enable`, `expire-password`, `logout` (every session) or `delete`: what the
/// matching management call does.
pub(super) async fn user_action(
    State(app): AppState,
    Path(user_id): Path<String>,
    request: Request,
) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    let Ok(Form(form)) = Form::<UserAction>::from_request(request, &app).await else {
        return refused(StatusCode::BAD_REQUEST, "no action");
    };
    {
        let mut store = app.store();
        if !store.users.contains_key(&user_id) {
            return refused(StatusCode::NOT_FOUND, "no such user");
        }
        match form.action.as_str() {
            "disable" | "enable" | "expire-password" => {
                if let Some(user) = store.users.get_mut(&user_id) {
                    match form.action.as_str() {
                        "disable" => user.status = "disabled".into(),
                        "enable" => user.status = String::new(),
                        _ => user.password_expired = true,
                    }
                }
            }
            "logout" => store.revoke_user_sessions(&user_id, None),
            "delete" => {
                store.remove_user(&user_id);
            }
            _ => return refused(StatusCode::BAD_REQUEST, "unknown action"),
        }
    }
    back_to_console()
}

pub(super) async fn clear_outbox(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    app.outbox().clear();
    back_to_console()
}

/// Forgets every user, session, code and message (the keys stay).
pub(super) async fn reset_all(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    app.store()
        .replace_all(Vec::new(), crate::directory::Directory::default());
    app.outbox().clear();
    back_to_console()
}

/// The management key, when one is configured.
fn authorize_seed(app: &App, headers: &HeaderMap) -> Result<(), Failure> {
    if app.options.management_key.is_some() {
        authorize_management(app, headers)?;
    }
    Ok(())
}

pub(super) async fn export(State(app): AppState, headers: HeaderMap) -> Reply {
    app.check_rate()?;
    authorize_seed(&app, &headers)?;
    let seed = app.store().seed();
    let bytes = serde_json::to_vec(&seed)
        .map_err(|_| Failure::Internal("the export does not serialize"))?;
    if bytes.len() > MAX_SEED {
        // The import would refuse it: say so now rather than hand out a dead end.
        return Err(Failure::Internal(
            "the export is larger than the import takes (32 MiB): keep the users with --state",
        ));
    }
    let mut response = (StatusCode::OK, bytes).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok(response)
}

pub(super) async fn import_route(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    authorize_seed(&app, request.headers())?;
    let json_body = request
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().starts_with("application/json"));
    if !json_body {
        return Err(Failure::InvalidArgument(
            "the import takes Content-Type: application/json".into(),
        ));
    }
    if !descope::session::OriginCheck::default().allows(request.method(), request.headers()) {
        return Err(Failure::Forbidden("cross-site request refused"));
    }
    let seed: SeedFile = parse_limited(request.into_body(), MAX_SEED).await?;
    import(&app, seed)
        .await
        .map_err(|e| Failure::InvalidArgument(e.to_string()))?;
    Ok(json(StatusCode::OK, &serde_json::json!({})))
}

/// Replaces every user with those of `seed` (their sessions and pending codes go too).
pub(crate) async fn import(app: &Arc<App>, seed: SeedFile) -> Result<(), crate::EmulatorError> {
    let cost = app.options.hash_cost;
    let now = app.now();
    let directory = seed.directory(now)?;
    let users = tokio::task::spawn_blocking(move || seed.users(cost, now))
        .await
        .map_err(|_| crate::EmulatorError::Seed("the import task failed".into()))??;
    app.store().replace_all(users, directory);
    crate::persist::persist(app).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn console_posts_must_be_same_origin() {
        let none = HeaderMap::new();
        assert!(console_allows(&Method::GET, &none).is_ok());
        let mut cross = HeaderMap::new();
        cross.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(console_allows(&Method::POST, &cross).is_err());
        let mut same = HeaderMap::new();
        same.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(console_allows(&Method::POST, &same).is_ok());
    }
}
