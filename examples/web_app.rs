//! A small web app with Descope password sign-in: sign-up, login, a profile page, change
//! password, logout. Sessions live in `HttpOnly; SameSite=Strict` cookies and are refreshed
//! transparently.
//!
//! ```sh
//! cargo run --example web_app --features axum              # with an embedded emulator
//! DESCOPE_PROJECT_ID=P2... DESCOPE_BASE_URL=http://127.0.0.1:4000 \
//!   cargo run --example web_app --features axum            # against that server
//! ```
//!
//! Listens on `WEB_APP_ADDR` (default `127.0.0.1:0`) and prints
//! `LISTENING=http://127.0.0.1:<port>` as its first stdout line. It serves plain HTTP, so when
//! its own address is loopback the cookies are set without `Secure` (browsers drop `Secure`
//! cookies over plain HTTP); on any other address they keep it (put TLS in front).
//!
//! - `GET /`: the sign-in form (`#login`) and the sign-up form (`#signup`).
//! - `POST /signup`, `POST /login`: `303` to `/me` with the session cookies; failures are an
//!   HTML page: 401 (the same text for an unknown user and a wrong password), 409 (login ID
//!   taken), 400 (password policy, naming the unmet rules), 429 (with `Retry-After`).
//! - `GET /me`: the profile (`#user-id`, `#login-id`), a change-password form (`#password`)
//!   and a logout form (`#logout`); 401 with a link to `/` without a valid session.
//! - `POST /password`: replaces the password (other sessions revoked), `303` to `/me`.
//! - `POST /logout`: revokes the refresh JWT if it can, always clears both cookies, `303` to `/`.
//!
//! Sessions come from the `refresh_session` middleware: a page's parallel requests with an
//! expired session make one refresh; a refused refresh clears the cookies; when Descope cannot
//! be reached the app answers `503` (with `Retry-After` when known) and keeps the cookies. Every
//! form (`/login` and `/signup` included) refuses cross-site posts with `403`. The cookie names
//! are `DS`/`DSR`, or `DESCOPE_SESSION_COOKIE_NAME` / `DESCOPE_REFRESH_COOKIE_NAME`.

use std::io::Write;
use std::net::SocketAddr;

use axum::extract::{Form, State};
use axum::http::header::{LOCATION, RETRY_AFTER};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use descope::axum::{refresh_session, require_same_origin, CurrentSession, Rejection};
use descope::session::cookies::CookieConfig;
use descope::{Client, ClientBuilder, Error, PasswordPolicy};
use serde::Deserialize;

/// What every handler needs.
#[derive(Clone)]
pub struct App {
    client: Client,
    policy: PasswordPolicy,
}

impl axum::extract::FromRef<App> for Client {
    fn from_ref(app: &App) -> Client {
        app.client.clone()
    }
}

/// The app's router over `client` (whose cookie config names and writes the cookies).
pub async fn app(client: Client) -> Result<Router, Error> {
    let policy = client.password().policy().await?;
    let state = App {
        client: client.clone(),
        policy,
    };
    Ok(Router::new()
        .route("/", get(home))
        .route("/signup", post(sign_up))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/password", post(change_password))
        .route("/logout", post(logout))
        .layer(axum::middleware::from_fn_with_state(
            client.clone(),
            refresh_session,
        ))
        // Cross-site posts are refused on every form, the sign-in form included.
        .layer(axum::middleware::from_fn_with_state(
            client,
            require_same_origin,
        ))
        .with_state(state))
}

/// Cookies for an app served at `addr`: `Secure` unless the address is loopback.
pub fn cookie_config(addr: SocketAddr) -> CookieConfig {
    CookieConfig::default().secure(!addr.ip().is_loopback())
}

/// The cookie names from `DESCOPE_SESSION_COOKIE_NAME` and `DESCOPE_REFRESH_COOKIE_NAME` as
/// `lookup` reads them (the environment), when set; nothing else is read from it (the
/// embedded emulator's settings stay).
pub fn cookie_names_from(
    builder: ClientBuilder,
    lookup: impl Fn(&str) -> Option<String>,
) -> ClientBuilder {
    builder.from_lookup(|name| match name {
        descope::ENV_SESSION_COOKIE_NAME | descope::ENV_REFRESH_COOKIE_NAME => lookup(name),
        _ => None,
    })
}

#[derive(Deserialize)]
struct Credentials {
    login_id: String,
    password: String,
    #[serde(default)]
    name: Option<String>,
}

#[derive(Deserialize)]
struct NewPassword {
    old_password: String,
    new_password: String,
}

/// Escapes text for HTML (login IDs and names are user input).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn page(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{title}</title></head>\
         <body><h1>{title}</h1>{body}</body></html>"
    )
}

async fn home() -> Html<String> {
    Html(page(
        "Welcome",
        "<h2>Sign in</h2>\
         <form id=\"login\" method=\"post\" action=\"/login\">\
         <input name=\"login_id\" placeholder=\"email\" autocomplete=\"username\">\
         <input name=\"password\" type=\"password\" autocomplete=\"current-password\">\
         <button type=\"submit\">Sign in</button></form>\
         <h2>Sign up</h2>\
         <form id=\"signup\" method=\"post\" action=\"/signup\">\
         <input name=\"name\" placeholder=\"name\">\
         <input name=\"login_id\" placeholder=\"email\" autocomplete=\"username\">\
         <input name=\"password\" type=\"password\" autocomplete=\"new-password\">\
         <button type=\"submit\">Sign up</button></form>",
    ))
}

/// A failure as an HTML page with the status of [`Error::http_response`].
fn failure(error: &Error) -> Response {
    let (status, body) = error.http_response();
    let mut text = format!("<p id=\"error\">{}</p>", escape(&body.message));
    if !body.unmet.is_empty() {
        text.push_str("<ul id=\"unmet\">");
        for rule in &body.unmet {
            text.push_str(&format!("<li>{}</li>", escape(rule)));
        }
        text.push_str("</ul>");
    }
    text.push_str("<p><a href=\"/\">Back</a></p>");
    let mut response = (status, Html(page("Sorry", &text))).into_response();
    if status == StatusCode::TOO_MANY_REQUESTS {
        let seconds = error.retry_after().map_or(1, |d| d.as_secs().max(1));
        if let Ok(value) = HeaderValue::from_str(&seconds.to_string()) {
            response.headers_mut().insert(RETRY_AFTER, value);
        }
    }
    response
}

/// `303 See Other` to `to`, with `headers` (the session cookies).
fn see_other(to: &'static str, mut headers: HeaderMap) -> Response {
    headers.insert(LOCATION, HeaderValue::from_static(to));
    (StatusCode::SEE_OTHER, headers).into_response()
}

async fn sign_up(State(app): State<App>, Form(form): Form<Credentials>) -> Response {
    let mut request = app
        .client
        .password()
        .sign_up(form.login_id.trim(), form.password)
        .check_policy(&app.policy);
    if let Some(name) = form.name.filter(|n| !n.trim().is_empty()) {
        request = request.name(name);
    }
    if form.login_id.contains('@') {
        request = request.email(form.login_id.trim());
    }
    match request.await {
        Ok(auth) => {
            let mut headers = HeaderMap::new();
            app.client.cookie_config().set(&mut headers, &auth);
            see_other("/me", headers)
        }
        Err(error) => failure(&error),
    }
}

async fn login(State(app): State<App>, Form(form): Form<Credentials>) -> Response {
    match app
        .client
        .password()
        .sign_in(form.login_id.trim(), form.password)
        .await
    {
        Ok(auth) => {
            let mut headers = HeaderMap::new();
            app.client.cookie_config().set(&mut headers, &auth);
            see_other("/me", headers)
        }
        Err(error) => failure(&error),
    }
}

fn signed_out() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Html(page(
            "Not signed in",
            "<p id=\"error\">Your session has ended.</p><p><a href=\"/\">Sign in</a></p>",
        )),
    )
        .into_response()
}

/// A request the session layer turned away: 401 is the sign-in page's link; a cross-site
/// post (403) or an outage (503, the session may be fine) says so.
fn rejected(rejection: Rejection) -> Response {
    if rejection.status() == StatusCode::UNAUTHORIZED {
        return signed_out();
    }
    let status = rejection.status();
    let headers = rejection.headers();
    let text = format!(
        "<p id=\"error\">{}</p><p><a href=\"/\">Back</a></p>",
        escape(&rejection.body().message)
    );
    let mut response = (status, Html(page("Sorry", &text))).into_response();
    if let Some(after) = headers.get(RETRY_AFTER) {
        response.headers_mut().insert(RETRY_AFTER, after.clone());
    }
    response
}

async fn me(State(app): State<App>, current: Result<CurrentSession, Rejection>) -> Response {
    let current = match current {
        Ok(CurrentSession(current)) => current,
        Err(rejection) => return rejected(rejection),
    };
    let Some(refresh_jwt) = &current.refresh_jwt else {
        return signed_out();
    };
    let user = match app.client.sessions().me(refresh_jwt).await {
        Ok(user) => user,
        Err(error) if error.ends_session() => return signed_out(),
        Err(error) => return failure(&error),
    };
    let login_id = user.login_ids.first().map(String::as_str).unwrap_or("");
    Html(page(
        "Your account",
        &format!(
            "<p>User <span id=\"user-id\">{}</span>, signed in as \
             <span id=\"login-id\">{}</span>{}</p>\
             <h2>Change password</h2>\
             <form id=\"password\" method=\"post\" action=\"/password\">\
             <input name=\"old_password\" type=\"password\" autocomplete=\"current-password\">\
             <input name=\"new_password\" type=\"password\" autocomplete=\"new-password\">\
             <button type=\"submit\">Change</button></form>\
             <form id=\"logout\" method=\"post\" action=\"/logout\">\
             <button type=\"submit\">Log out</button></form>",
            escape(&user.user_id),
            escape(login_id),
            user.name
                .as_deref()
                .map(|n| format!(" (<span id=\"name\">{}</span>)", escape(n)))
                .unwrap_or_default(),
        ),
    ))
    .into_response()
}

async fn change_password(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<NewPassword>,
) -> Response {
    let current = match current {
        Ok(CurrentSession(current)) => current,
        Err(rejection) => return rejected(rejection),
    };
    let Some(refresh_jwt) = &current.refresh_jwt else {
        return signed_out();
    };
    let user = match app.client.sessions().me(refresh_jwt).await {
        Ok(user) => user,
        Err(error) if error.ends_session() => return signed_out(),
        Err(error) => return failure(&error),
    };
    let Some(login_id) = user.login_ids.first() else {
        return signed_out();
    };
    match app
        .client
        .password()
        .replace(login_id.as_str(), form.old_password, form.new_password)
        .revoke_other_sessions(true)
        .check_policy(&app.policy)
        .await
    {
        Ok(auth) => {
            let mut headers = HeaderMap::new();
            app.client.cookie_config().set(&mut headers, &auth);
            see_other("/me", headers)
        }
        Err(error) => failure(&error),
    }
}

async fn logout(
    State(app): State<App>,
    current: Option<CurrentSession>,
    request_headers: HeaderMap,
) -> Response {
    // The current refresh JWT (rotated by the middleware when it refreshed), else the cookie's.
    let refresh_jwt = match current {
        Some(CurrentSession(current)) => current.refresh_jwt,
        None => app.client.cookie_config().refresh_token(&request_headers),
    };
    let mut headers = HeaderMap::new();
    let outcome = app
        .client
        .sessions()
        .logout_and_clear(refresh_jwt.as_ref(), &mut headers)
        .await;
    if let Some(failure) = outcome.failure {
        eprintln!("web_app: logout could not revoke the session: {failure}");
    }
    see_other("/", headers)
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("WEB_APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:0".into())
        .parse()?;
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let local = listener.local_addr()?;
    let cookies = cookie_config(local);
    let external =
        std::env::var("DESCOPE_BASE_URL").is_ok() && std::env::var("DESCOPE_PROJECT_ID").is_ok();
    let mut emulator = None;
    let client = if external {
        Client::builder()
            .cookie_config(cookies)
            .from_env()
            .build()?
    } else {
        let started = descope_emulator::Emulator::builder()
            .project_id("P2webapp")
            .hash_cost(descope_emulator::HashCost::Fast)
            .rotate_refresh_tokens(true)
            .start()
            .await?;
        eprintln!("web_app: embedded emulator at {}", started.base_url());
        let builder = started.client_builder().cookie_config(cookies);
        let client = cookie_names_from(builder, |name| std::env::var(name).ok()).build()?;
        emulator = Some(started);
        client
    };
    let router = app(client).await?;
    let mut stdout = std::io::stdout();
    writeln!(stdout, "LISTENING=http://{local}")?;
    stdout.flush()?;
    axum::serve(listener, router)
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await?;
    if let Some(emulator) = emulator {
        emulator.stop().await;
    }
    Ok(())
}
