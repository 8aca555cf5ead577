//! A small web app with Descope password sign-in, GitHub and SSO: sign-up, login, a profile
//! page, change password, logout. Sessions live in `HttpOnly; SameSite=Lax` cookies (`Lax` so
//! they reach `/me` after the identity provider's cross-site redirect; cross-site posts are
//! refused by the same-origin check) and are refreshed transparently.
//!
//! ```sh
//! cargo run --example web_app --features axum              # with an embedded emulator
//! DESCOPE_PROJECT_ID=P2... DESCOPE_BASE_URL=http://127.0.0.1:4000 \
//!   cargo run --example web_app --features axum            # against that server
//! ```
//!
//! Reset links lead to `WEB_APP_PUBLIC_URL` (default: `http://` and the address it listens
//! on). Listens on `WEB_APP_ADDR` (default `127.0.0.1:0`) and prints
//! `LISTENING=http://127.0.0.1:<port>` as its first stdout line. It serves plain HTTP, so when
//! its own address is loopback the cookies are set without `Secure` (browsers drop `Secure`
//! cookies over plain HTTP); on any other address they keep it (put TLS in front).
//!
//! - `GET /`: the sign-in form (`#login`), the sign-up form (`#signup`), a link to `/forgot`,
//!   the social login link (`#oauth-github`) and the SSO form (`#sso-form`, `email`).
//! - `GET /oauth/github`: `303` to the identity provider, coming back to
//!   `<public url>/oauth/callback`; `POST /sso` (`email`): the same through the SSO of the tenant
//!   of that email's domain, coming back to `/sso/callback` (an unknown domain is a 400 page).
//!   Both bind the login to the browser with a short-lived `SameSite=Lax` state cookie.
//! - `GET /oauth/callback?code=`, `GET /sso/callback?code=`: `303` to `/me` with the session
//!   cookies; a replayed, bogus, missing or wrong-kind code, or a login started in another
//!   browser (the state check), is a 4xx page without session cookies.
//! - `POST /signup`, `POST /login`: `303` to `/me` with the session cookies; failures are an
//!   HTML page: 401 (the same text for an unknown user and a wrong password), 409 (login ID
//!   taken), 400 (password policy, naming the unmet rules), 429 (with `Retry-After`).
//! - `GET /me`: the profile (`#user-id`, `#login-id`, `#email-verified`), a change-password form
//!   (`#password`), a verify-email form (`#verify-email`) and a logout form (`#logout`); 401 with
//!   a link to `/` without a valid session. `Authorization: Bearer <session JWT>` alone works
//!   (the page is then drawn from the session's claims).
//! - `POST /password`: replaces the password (other sessions revoked), `303` to `/me`.
//! - `GET /two-factor` (`#enable-totp`), `POST /two-factor`: a new authenticator-app key as a
//!   QR code (`#totp-qr`) and text (`#totp-key`) with the `#confirm-totp` form (`code`);
//!   `POST /two-factor/confirm`: its first code turns it on, `303` to `/me`
//!   (`#totp-enabled`, `#two-factor-link`).
//! - `POST /login` of a user with an authenticator app: no session yet, the `#totp-login` form
//!   (`code`, a five-minute `DS2FA` cookie); `POST /login/totp`: the app's code signs in, `303`
//!   to `/me`; a wrong code is a 401 page.
//! - `POST /logout`: revokes the refresh JWT if it can, always clears both cookies, `303` to `/`.
//! - `GET /forgot`: the `#forgot` form (`login_id`). `POST /forgot`: sends a reset whose link
//!   leads to this app's `/reset`, and answers the same 200 page whether the account exists or
//!   not.
//! - `GET /reset?t=TOKEN`: verifies the link's token, sets the session cookies and shows the
//!   `#reset` form (`new_password`); a bad, used or expired token is a 401 page linking to
//!   `/forgot`. `POST /reset`: sets the password, `303` to `/me`; a policy failure is a 400 that
//!   names the rules.
//! - `POST /verify-email` (`email`): emails a code to that address and shows the
//!   `#verify-code` form (`email`, `code`). `POST /verify-email/code`: the right code sets the
//!   address, verified, with fresh cookies, `303` to `/me`; a wrong one is a 401 page.
//!
//! Sessions come from the `refresh_session` middleware: a page's parallel requests with an
//! expired session make one refresh; a refused refresh clears the cookies; when Descope cannot
//! be reached the app answers `503` (with `Retry-After` when known) and keeps the cookies. Every
//! form (`/login` and `/signup` included) refuses cross-site posts with `403`. The cookie names
//! are `DS`/`DSR`, or `DESCOPE_SESSION_COOKIE_NAME` / `DESCOPE_REFRESH_COOKIE_NAME`.

use std::io::Write;
use std::net::SocketAddr;

use axum::extract::{Form, Query, State};
use axum::http::header::{LOCATION, RETRY_AFTER, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use descope::axum::{
    refresh_session, require_same_origin, CallbackRefusal, CurrentSession, LoginCallback,
    LoginRedirect, Rejection,
};
use descope::{Client, Error, PasswordPolicy, Provider, RefreshJwt, ResetMethod};

#[path = "support/forms.rs"]
mod forms;
#[path = "support/pages.rs"]
mod pages;
#[path = "support/two_factor.rs"]
mod two_factor;

pub use forms::{cookie_config, cookie_names_from};
use forms::{CodeForm, Credentials, EmailForm, ForgotForm, NewPassword, ResetForm, ResetLink};

/// What every handler needs.
#[derive(Clone)]
pub struct App {
    client: Client,
    policy: PasswordPolicy,
    /// Where the app is reached (`http://127.0.0.1:8080`): reset links lead here, never to
    /// a request's `Host` header (which anyone can set).
    public_url: String,
    /// Sign-ins waiting for the authenticator app's code.
    pending: std::sync::Arc<two_factor::PendingLogins>,
}

impl axum::extract::FromRef<App> for Client {
    fn from_ref(app: &App) -> Client {
        app.client.clone()
    }
}

/// The app's router over `client` (whose cookie config names and writes the cookies), reached
/// at `public_url`.
pub async fn app(client: Client, public_url: impl Into<String>) -> Result<Router, Error> {
    let policy = client.password().policy().await?;
    let state = App {
        client: client.clone(),
        policy,
        public_url: public_url.into().trim_end_matches('/').to_owned(),
        pending: Default::default(),
    };
    Ok(Router::new()
        .route("/", get(home))
        .route("/signup", post(sign_up))
        .route("/login", post(login))
        .route("/me", get(me))
        .route("/password", post(change_password))
        .route("/logout", post(logout))
        .route("/forgot", get(forgot_page).post(forgot))
        .route("/reset", get(reset_page).post(reset))
        .route("/verify-email", post(verify_email))
        .route("/verify-email/code", post(verify_code))
        .route("/login/totp", post(login_totp))
        .route("/two-factor", get(two_factor_page).post(enable_totp))
        .route("/two-factor/confirm", post(confirm_totp))
        .route("/oauth/github", get(oauth_github))
        .route("/oauth/callback", get(oauth_callback))
        .route("/sso", post(sso_start))
        .route("/sso/callback", get(sso_callback))
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

async fn home() -> Html<String> {
    Html(pages::home())
}

/// A failure as an HTML page with the status of [`Error::http_response`].
fn failure(error: &Error) -> Response {
    let (status, body) = error.http_response();
    let mut response = (status, Html(pages::failure(&body.message, &body.unmet))).into_response();
    if let Some(seconds) = error
        .retry_after()
        .map(|d| d.as_secs().max(1))
        .or((status == StatusCode::TOO_MANY_REQUESTS).then_some(1))
    {
        response
            .headers_mut()
            .insert(RETRY_AFTER, HeaderValue::from(seconds));
    }
    response
}

/// Where a start sends the browser: the identity provider's page, with the login state
/// cookie; or the failure page (a tenant unknown for that email is a 400).
fn redirect_or_failure(started: Result<LoginRedirect, Error>) -> Response {
    match started {
        Ok(redirect) => redirect.into_response(),
        Err(error) => failure(&error),
    }
}

/// `GET /oauth/github`: GitHub, coming back to `/oauth/callback`.
async fn oauth_github(State(app): State<App>) -> Response {
    let callback = format!("{}/oauth/callback", app.public_url);
    let start = app.client.oauth().start(Provider::Github, callback);
    redirect_or_failure(start.redirect().await)
}

/// `POST /sso` (`email`): the SSO of the tenant of that email's domain, coming back to
/// `/sso/callback`.
async fn sso_start(State(app): State<App>, Form(form): Form<EmailForm>) -> Response {
    let callback = format!("{}/sso/callback", app.public_url);
    let email = form.email.trim();
    let start = app.client.sso().start(email, callback).login_hint(email);
    redirect_or_failure(start.redirect().await)
}

/// `GET /oauth/callback` and `/sso/callback`: the session cookies and `303` to `/me`, or a 4xx
/// page without cookies (a replayed, unknown or wrong-kind code, or a login started in
/// another browser).
async fn oauth_callback(State(app): State<App>, callback: LoginCallback) -> Response {
    signed_in_or_refused(callback.oauth(&app.client).await)
}

async fn sso_callback(State(app): State<App>, callback: LoginCallback) -> Response {
    signed_in_or_refused(callback.sso(&app.client).await)
}

fn signed_in_or_refused(
    outcome: Result<descope::axum::CallbackSignIn, CallbackRefusal>,
) -> Response {
    match outcome {
        Ok(signed_in) => signed_in.redirect_to("/me"),
        Err(refusal) => {
            let page = Html(pages::failure(refusal.reason(), &[]));
            (refusal.status(), refusal.headers(), page).into_response()
        }
    }
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
        Ok(auth) => see_other("/me", app.client.cookie_config().set_headers(&auth)),
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
        // With an authenticator app, the password is the first step: its session is ended
        // at once, and the app's code (`#totp-login`) completes the sign-in.
        Ok(auth) if auth.user.methods.totp => {
            let _ = app.client.sessions().logout(&auth.refresh_jwt).await;
            let secure = app.public_url.starts_with("https://");
            match app.pending.start(form.login_id.trim(), secure) {
                Some(cookie) => {
                    let mut response = Html(pages::totp_login()).into_response();
                    if let Ok(cookie) = HeaderValue::from_str(&cookie) {
                        response.headers_mut().insert(SET_COOKIE, cookie);
                    }
                    response
                }
                None => {
                    (StatusCode::SERVICE_UNAVAILABLE, Html(pages::signed_out())).into_response()
                }
            }
        }
        Ok(auth) => see_other("/me", app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

fn signed_out() -> Response {
    (StatusCode::UNAUTHORIZED, Html(pages::signed_out())).into_response()
}

/// A request the session layer turned away: 401 is the sign-in page's link; a cross-site
/// post (403) or an outage (503, the session may be fine) says so.
fn rejected(rejection: Rejection) -> Response {
    if rejection.status() == StatusCode::UNAUTHORIZED {
        return signed_out();
    }
    let status = rejection.status();
    let headers = rejection.headers();
    let text = pages::failure(&rejection.body().message, &[]);
    let mut response = (status, Html(text)).into_response();
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
    // A bearer session JWT alone (an API client): the page comes from its claims.
    let Some(refresh_jwt) = &current.refresh_jwt else {
        let session = &current.session;
        let claim_text = |name: &str| session.claim(name).and_then(|v| v.as_str()).unwrap_or("");
        let verified = session
            .claim("verifiedEmail")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        return Html(pages::me(&pages::Profile {
            user_id: session.user_id(),
            login_id: claim_text("email"),
            name: None,
            email_verified: verified,
            totp: None,
        }))
        .into_response();
    };
    let user = match app.client.sessions().me(refresh_jwt).await {
        Ok(user) => user,
        Err(error) if error.ends_session() => return signed_out(),
        Err(error) => return failure(&error),
    };
    Html(pages::me(&pages::Profile {
        user_id: &user.user_id,
        login_id: user.login_ids.first().map(String::as_str).unwrap_or(""),
        name: user.name.as_deref(),
        email_verified: user.verified_email,
        totp: Some(user.methods.totp),
    }))
    .into_response()
}

/// The signed-in user's login ID and current refresh JWT, or the page to answer instead.
async fn signed_in_user(
    app: &App,
    current: Result<CurrentSession, Rejection>,
) -> Result<(String, RefreshJwt), Response> {
    let (user, refresh_jwt) = signed_in_account(app, current).await?;
    match user.login_ids.into_iter().next() {
        Some(login_id) => Ok((login_id, refresh_jwt)),
        None => Err(signed_out()),
    }
}

/// The signed-in user as `me` reads them, and their current refresh JWT.
async fn signed_in_account(
    app: &App,
    current: Result<CurrentSession, Rejection>,
) -> Result<(descope::User, RefreshJwt), Response> {
    let current = match current {
        Ok(CurrentSession(current)) => current,
        Err(rejection) => return Err(rejected(rejection)),
    };
    let Some(refresh_jwt) = current.refresh_jwt else {
        return Err(signed_out());
    };
    match app.client.sessions().me(&refresh_jwt).await {
        Ok(user) if !user.login_ids.is_empty() => Ok((user, refresh_jwt)),
        Ok(_) => Err(signed_out()),
        Err(error) if error.ends_session() => Err(signed_out()),
        Err(error) => Err(failure(&error)),
    }
}

/// `GET /two-factor`: whether the user has an authenticator app, and the `#enable-totp` form.
async fn two_factor_page(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
) -> Response {
    match signed_in_account(&app, current).await {
        Ok((user, _)) => Html(pages::two_factor(user.methods.totp)).into_response(),
        Err(page) => page,
    }
}

/// `POST /two-factor`: a new key, shown as a QR code and as text, with the `#confirm-totp` form.
async fn enable_totp(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
) -> Response {
    let (login_id, refresh_jwt) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app.client.totp().update(login_id, &refresh_jwt).await {
        Ok(enrollment) => {
            use base64::Engine as _;
            let qr = base64::engine::general_purpose::STANDARD.encode(&enrollment.qr_png);
            Html(pages::totp_enroll(&qr, enrollment.key.secret())).into_response()
        }
        Err(error) => failure(&error),
    }
}

/// `POST /two-factor/confirm` (`code`): the first code of the new key turns it on; fresh
/// cookies, `303` to `/me`.
async fn confirm_totp(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<CodeForm>,
) -> Response {
    let (login_id, _) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app
        .client
        .totp()
        .sign_in_code(login_id, form.code.trim())
        .await
    {
        Ok(auth) => see_other("/me", app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

/// `POST /login/totp` (`code`): the second step of a sign-in with an authenticator app; the
/// session cookies and `303` to `/me`, or a 401 page.
async fn login_totp(
    State(app): State<App>,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Response {
    let id = descope::session::cookies::cookie_value(&headers, two_factor::PENDING_COOKIE)
        .unwrap_or_default()
        .to_owned();
    let Some(login_id) = app.pending.login_id(&id) else {
        return (StatusCode::UNAUTHORIZED, Html(pages::signed_out())).into_response();
    };
    match app
        .client
        .totp()
        .sign_in_code(login_id, form.code.trim())
        .await
    {
        Ok(auth) => {
            app.pending.finish(&id);
            let mut cookies = app.client.cookie_config().set_headers(&auth);
            if let Ok(clear) = HeaderValue::from_str(&two_factor::clear_cookie()) {
                cookies.append(SET_COOKIE, clear);
            }
            see_other("/me", cookies)
        }
        Err(error) => failure(&error),
    }
}

async fn change_password(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<NewPassword>,
) -> Response {
    let (login_id, _) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app
        .client
        .password()
        .replace(login_id, form.old_password, form.new_password)
        .revoke_other_sessions(true)
        .check_policy(&app.policy)
        .await
    {
        Ok(auth) => see_other("/me", app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

async fn forgot_page() -> Html<String> {
    Html(pages::forgot())
}

/// Sends the reset; the same page for every login ID, known or not (no account enumeration).
async fn forgot(State(app): State<App>, Form(form): Form<ForgotForm>) -> Response {
    let sent = app
        .client
        .password()
        .send_reset(form.login_id.trim())
        .redirect_url(format!("{}/reset", app.public_url))
        .await;
    match sent {
        Ok(sent) if sent.method != ResetMethod::MagicLink => {
            eprintln!(
                "web_app: the project resets by {}; this app completes magic links",
                sent.method
            );
        }
        Ok(_) => {}
        // Unknown login ID, no address, bad input: the visitor sees the same page.
        Err(error)
            if error
                .status()
                .is_some_and(|s| (400..500).contains(&s) && s != 429) => {}
        Err(Error::InvalidInput { .. }) => {}
        Err(error) => return failure(&error),
    }
    Html(pages::forgot_sent()).into_response()
}

/// The emailed link: verifies its token (a fresh session, in cookies) and asks for the new
/// password.
async fn reset_page(State(app): State<App>, Query(link): Query<ResetLink>) -> Response {
    match app.client.magic_link().verify(link.t).await {
        Ok(auth) => {
            let cookies = app.client.cookie_config().set_headers(&auth);
            (cookies, Html(pages::reset_form())).into_response()
        }
        Err(error)
            if error
                .status()
                .is_some_and(|s| (400..500).contains(&s) && s != 429) =>
        {
            (StatusCode::UNAUTHORIZED, Html(pages::reset_link_refused())).into_response()
        }
        Err(Error::InvalidInput { .. } | Error::Session(_)) => {
            (StatusCode::UNAUTHORIZED, Html(pages::reset_link_refused())).into_response()
        }
        Err(error) => failure(&error),
    }
}

/// Sets the new password under the session the link gave.
async fn reset(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<ResetForm>,
) -> Response {
    let (login_id, refresh_jwt) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app
        .client
        .password()
        .update(login_id, form.new_password, &refresh_jwt)
        .check_policy(&app.policy)
        .await
    {
        Ok(()) => see_other("/me", HeaderMap::new()),
        Err(error) => failure(&error),
    }
}

/// Emails a code to the address to verify.
async fn verify_email(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<EmailForm>,
) -> Response {
    let (login_id, refresh_jwt) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let email = form.email.trim().to_owned();
    match app
        .client
        .otp()
        .update_email(login_id, email.as_str(), &refresh_jwt)
        .await
    {
        Ok(_) => Html(pages::verify_code(&email)).into_response(),
        Err(error) => failure(&error),
    }
}

/// Checks the code: the address is set, verified, and the session renewed.
async fn verify_code(
    State(app): State<App>,
    current: Result<CurrentSession, Rejection>,
    Form(form): Form<CodeForm>,
) -> Response {
    let (login_id, _) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app.client.otp().verify(login_id, form.code.trim()).await {
        Ok(auth) => see_other("/me", app.client.cookie_config().set_headers(&auth)),
        Err(error)
            if error.is_wrong_code() || error.is_code_expired() || error.is_too_many_attempts() =>
        {
            let message = if error.is_wrong_code() {
                "That code is not right."
            } else {
                "That code has expired or was used up: ask for a new one."
            };
            (StatusCode::UNAUTHORIZED, Html(pages::code_refused(message))).into_response()
        }
        Err(Error::InvalidInput { .. }) => (
            StatusCode::UNAUTHORIZED,
            Html(pages::code_refused("Enter the code.")),
        )
            .into_response(),
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
    let outcome = app
        .client
        .sessions()
        .logout_and_clear(refresh_jwt.as_ref())
        .await;
    let headers = outcome.set_cookies;
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
    let public_url =
        std::env::var("WEB_APP_PUBLIC_URL").unwrap_or_else(|_| format!("http://{local}"));
    let router = app(client, public_url).await?;
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
