//! The console (`GET /`): the emulator's users, sessions, outbox and settings in a browser,
//! with one-click actions that do what the matching management call does; and the seed
//! export and import endpoints.
//!
//! The console is served to loopback peers only (unless `--console-public`), and its posts,
//! like the import, refuse cross-site requests (`Sec-Fetch-Site`, else `Origin`).

use axum::extract::{Form, FromRequest};
use axum::http::header::{CONTENT_TYPE, LOCATION};
use axum::http::Method;
use axum::response::Html;
use serde::Deserialize;

use super::console_page;
use super::management::authorize_management;
use super::*;
use crate::seed::SeedFile;

/// The console's routes and the seed endpoints.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/", get(page))
        .route("/emulator/v1/console/users", post(create_user))
        .route("/emulator/v1/console/users/{user_id}", post(user_action))
        .route("/emulator/v1/console/outbox/clear", post(clear_outbox))
        .route("/emulator/v1/console/reset", post(reset_all))
        .route("/emulator/v1/export", get(export))
        .route("/emulator/v1/import", post(import_route))
}

/// Why the console refused a request, as a small page.
fn refused(status: StatusCode, why: &str) -> Response {
    (status, Html(console_page::message("Refused", why))).into_response()
}

/// Whether the console serves a request: loopback peers only (unless public), and no
/// cross-site posts.
pub(crate) fn console_allows(
    peer: Option<std::net::SocketAddr>,
    public: bool,
    method: &Method,
    headers: &HeaderMap,
) -> Result<(), &'static str> {
    let loopback = peer.is_some_and(|peer| peer.ip().is_loopback());
    if !loopback && !public {
        return Err("the console is served to loopback peers only (start with --console-public)");
    }
    if !descope::session::OriginCheck::default().allows(method, headers) {
        return Err("cross-site request refused");
    }
    Ok(())
}

/// The refusal page when the console does not serve `request`.
fn console_guard(app: &App, request: &Request) -> Option<Response> {
    console_allows(
        peer(request),
        app.options.console_public,
        request.method(),
        request.headers(),
    )
    .err()
    .map(|why| refused(StatusCode::FORBIDDEN, why))
}

fn peer(request: &Request) -> Option<std::net::SocketAddr> {
    request
        .extensions()
        .get::<crate::serve::Peer>()
        .map(|peer| peer.0)
}

fn back_to_console() -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, "/")]).into_response()
}

async fn page(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    Html(console_page::render(&app)).into_response()
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

async fn create_user(State(app): AppState, request: Request) -> Response {
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
    let user = StoredUser {
        user_id: format!("U{}", random_id(27)),
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
async fn user_action(
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

async fn clear_outbox(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    app.outbox().clear();
    back_to_console()
}

/// Forgets every user, session, code and message (the keys stay).
async fn reset_all(State(app): AppState, request: Request) -> Response {
    if let Some(refusal) = console_guard(&app, &request) {
        return refusal;
    }
    app.store().replace_users(Vec::new());
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

async fn export(State(app): AppState, headers: HeaderMap) -> Reply {
    app.check_rate()?;
    authorize_seed(&app, &headers)?;
    Ok(json(
        StatusCode::OK,
        &SeedFile::export(&app.store().users_sorted()),
    ))
}

async fn import_route(State(app): AppState, request: Request) -> Reply {
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
    let seed: SeedFile = parse(request.into_body()).await?;
    import(&app, seed)
        .await
        .map_err(|e| Failure::InvalidArgument(e.to_string()))?;
    Ok(json(StatusCode::OK, &serde_json::json!({})))
}

/// Replaces every user with those of `seed` (their sessions and pending codes go too).
pub(crate) async fn import(app: &Arc<App>, seed: SeedFile) -> Result<(), crate::EmulatorError> {
    let cost = app.options.hash_cost;
    let now = app.now();
    let users = tokio::task::spawn_blocking(move || seed.users(cost, now))
        .await
        .map_err(|_| crate::EmulatorError::Seed("the import task failed".into()))??;
    app.store().replace_users(users);
    crate::persist::persist(app).await
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_console_is_for_loopback_peers_and_same_origin_posts() {
        let local = Some("127.0.0.1:5000".parse().unwrap());
        let remote = Some("192.0.2.7:5000".parse().unwrap());
        let none = HeaderMap::new();
        assert!(console_allows(local, false, &Method::GET, &none).is_ok());
        assert!(console_allows(
            Some("[::1]:5000".parse().unwrap()),
            false,
            &Method::GET,
            &none
        )
        .is_ok());
        assert!(console_allows(remote, false, &Method::GET, &none).is_err());
        assert!(console_allows(None, false, &Method::GET, &none).is_err());
        assert!(console_allows(remote, true, &Method::GET, &none).is_ok());
        let mut cross = HeaderMap::new();
        cross.insert("sec-fetch-site", HeaderValue::from_static("cross-site"));
        assert!(console_allows(local, false, &Method::POST, &cross).is_err());
        assert!(console_allows(local, true, &Method::POST, &cross).is_err());
        let mut same = HeaderMap::new();
        same.insert("sec-fetch-site", HeaderValue::from_static("same-origin"));
        assert!(console_allows(local, false, &Method::POST, &same).is_ok());
    }
}
