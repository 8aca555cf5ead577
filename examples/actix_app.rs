//! `examples/web_app.rs` on actix-web: the same routes, forms, element ids, statuses, cookie
//! rules and command line, over `descope::actix` (the same session core as the axum app).
//!
//! ```sh
//! cargo run --example actix_app --features actix              # with an embedded emulator
//! DESCOPE_PROJECT_ID=P2... DESCOPE_BASE_URL=http://127.0.0.1:4000 \
//!   cargo run --example actix_app --features actix            # against that server
//! ```
//!
//! Reset links lead to `WEB_APP_PUBLIC_URL` (default: `http://` and the address it listens
//! on). Listens on `WEB_APP_ADDR` (default `127.0.0.1:0`) and prints
//! `LISTENING=http://127.0.0.1:<port>` as its first stdout line; cookies carry `Secure` unless
//! its own address is loopback; the cookie names are `DS`/`DSR`, or
//! `DESCOPE_SESSION_COOKIE_NAME` / `DESCOPE_REFRESH_COOKIE_NAME`. See `web_app.rs` for the
//! routes.

use std::io::Write;
use std::net::SocketAddr;

use actix_web::http::header::{ContentType, LOCATION, RETRY_AFTER};
use actix_web::http::StatusCode;
use actix_web::middleware::from_fn;
use actix_web::{web, App as ActixApp, HttpRequest, HttpResponse, HttpServer, ResponseError};
use descope::actix::{
    refresh_session, require_same_origin, signed_in_redirect, CallbackRefusal, CallbackSignIn,
    CurrentSession, LoginCallback, LoginRedirect, OptionalSession, Rejection,
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
pub struct AppState {
    client: Client,
    policy: PasswordPolicy,
    /// Where the app is reached: reset links lead here, never to a request's `Host` header.
    public_url: String,
    /// Sign-ins waiting for the authenticator app's code.
    pending: std::sync::Arc<two_factor::PendingLogins>,
}

/// The app's state over `client`, reached at `public_url` (fetches the password policy).
pub async fn state(client: Client, public_url: impl Into<String>) -> Result<AppState, Error> {
    let policy = client.password().policy().await?;
    Ok(AppState {
        client,
        policy,
        public_url: public_url.into().trim_end_matches('/').to_owned(),
        pending: Default::default(),
    })
}

/// The routes and middleware of the app, for `App::new().configure(..)`-style use.
pub fn configure(state: AppState) -> impl Fn(&mut web::ServiceConfig) + Clone {
    move |config: &mut web::ServiceConfig| {
        config
            .app_data(web::Data::new(state.client.clone()))
            .app_data(web::Data::new(state.clone()))
            .service(
                web::scope("")
                    .wrap(from_fn(refresh_session))
                    // Cross-site posts are refused on every form, the sign-in form included.
                    .wrap(from_fn(require_same_origin))
                    .route("/", web::get().to(home))
                    .route("/signup", web::post().to(sign_up))
                    .route("/login", web::post().to(login))
                    .route("/me", web::get().to(me))
                    .route("/password", web::post().to(change_password))
                    .route("/logout", web::post().to(logout))
                    .route("/forgot", web::get().to(forgot_page))
                    .route("/forgot", web::post().to(forgot))
                    .route("/reset", web::get().to(reset_page))
                    .route("/reset", web::post().to(reset))
                    .route("/verify-email", web::post().to(verify_email))
                    .route("/verify-email/code", web::post().to(verify_code))
                    .route("/login/totp", web::post().to(login_totp))
                    .route("/two-factor", web::get().to(two_factor_page))
                    .route("/two-factor", web::post().to(enable_totp))
                    .route("/two-factor/confirm", web::post().to(confirm_totp))
                    .route("/oauth/github", web::get().to(oauth_github))
                    .route("/oauth/callback", web::get().to(oauth_callback))
                    .route("/sso", web::post().to(sso_start))
                    .route("/sso/callback", web::get().to(sso_callback)),
            );
    }
}

fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(ContentType::html())
        .body(body)
}

/// Copies the `Set-Cookie` headers the cookie config wrote.
fn with_cookies(mut response: HttpResponse, cookies: &http::HeaderMap) -> HttpResponse {
    for value in cookies.get_all(http::header::SET_COOKIE) {
        if let Ok(value) = actix_web::http::header::HeaderValue::from_bytes(value.as_bytes()) {
            response
                .headers_mut()
                .append(actix_web::http::header::SET_COOKIE, value);
        }
    }
    response
}

/// `303 See Other` to `to`, with the cookies of `tokens` when given.
fn see_other(to: &str, cookies: &http::HeaderMap) -> HttpResponse {
    let response = HttpResponse::SeeOther()
        .insert_header((LOCATION, to.to_owned()))
        .finish();
    with_cookies(response, cookies)
}

/// A failure as an HTML page with the status of [`Error::http_response`].
fn failure(error: &Error) -> HttpResponse {
    let (status, body) = error.http_response();
    let status = StatusCode::from_u16(status.as_u16()).unwrap_or(StatusCode::BAD_GATEWAY);
    let mut response = html(status, pages::failure(&body.message, &body.unmet));
    if let Some(seconds) = error
        .retry_after()
        .map(|d| d.as_secs().max(1))
        .or((status == StatusCode::TOO_MANY_REQUESTS).then_some(1))
    {
        response.headers_mut().insert(
            RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(seconds),
        );
    }
    response
}

fn signed_out() -> HttpResponse {
    html(StatusCode::UNAUTHORIZED, pages::signed_out())
}

/// A request the session layer turned away: 401 is the sign-in page's link; a cross-site
/// post (403) or an outage (503, the session may be fine) says so.
fn rejected(rejection: Rejection) -> HttpResponse {
    if rejection.status() == http::StatusCode::UNAUTHORIZED {
        return signed_out();
    }
    let mut response = html(
        rejection.status_code(),
        pages::failure(&rejection.body().message, &[]),
    );
    if let Some(seconds) = rejection.retry_after() {
        response.headers_mut().insert(
            RETRY_AFTER,
            actix_web::http::header::HeaderValue::from(seconds),
        );
    }
    response
}

fn is_refusal(error: &Error) -> bool {
    error
        .status()
        .is_some_and(|s| (400..500).contains(&s) && s != 429)
        || matches!(error, Error::InvalidInput { .. } | Error::Session(_))
}

/// Where a start sends the browser: the identity provider's page, with the login state
/// cookie; or the failure page (a tenant unknown for that email is a 400).
fn redirect_or_failure(
    request: &HttpRequest,
    started: Result<LoginRedirect, Error>,
) -> HttpResponse {
    match started {
        Ok(redirect) => actix_web::Responder::respond_to(redirect, request),
        Err(error) => failure(&error),
    }
}

async fn oauth_github(app: web::Data<AppState>, request: HttpRequest) -> HttpResponse {
    let callback = format!("{}/oauth/callback", app.public_url);
    let start = app.client.oauth().start(Provider::Github, callback);
    redirect_or_failure(&request, start.redirect().await)
}

async fn sso_start(
    app: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<EmailForm>,
) -> HttpResponse {
    let callback = format!("{}/sso/callback", app.public_url);
    let email = form.email.trim();
    let start = app.client.sso().start(email, callback).login_hint(email);
    redirect_or_failure(&request, start.redirect().await)
}

async fn oauth_callback(app: web::Data<AppState>, callback: LoginCallback) -> HttpResponse {
    signed_in_or_refused(callback.oauth(&app.client).await)
}

async fn sso_callback(app: web::Data<AppState>, callback: LoginCallback) -> HttpResponse {
    signed_in_or_refused(callback.sso(&app.client).await)
}

/// `303` to `/me` with the session cookies, or a 4xx page without them.
fn signed_in_or_refused(outcome: Result<CallbackSignIn, CallbackRefusal>) -> HttpResponse {
    match outcome {
        Ok(signed_in) => signed_in_redirect(signed_in, "/me"),
        Err(refusal) => with_cookies(
            html(refusal.status_code(), pages::failure(refusal.reason(), &[])),
            &refusal.headers(),
        ),
    }
}

async fn home() -> HttpResponse {
    html(StatusCode::OK, pages::home())
}

async fn sign_up(app: web::Data<AppState>, form: web::Form<Credentials>) -> HttpResponse {
    let form = form.into_inner();
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
        Ok(auth) => see_other("/me", &app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

async fn login(app: web::Data<AppState>, form: web::Form<Credentials>) -> HttpResponse {
    let form = form.into_inner();
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
                Some(cookie) => HttpResponse::Ok()
                    .content_type(ContentType::html())
                    .insert_header((actix_web::http::header::SET_COOKIE, cookie))
                    .body(pages::totp_login()),
                None => html(StatusCode::SERVICE_UNAVAILABLE, pages::signed_out()),
            }
        }
        Ok(auth) => see_other("/me", &app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

async fn me(app: web::Data<AppState>, current: Result<CurrentSession, Rejection>) -> HttpResponse {
    let current = match current {
        Ok(CurrentSession(current)) => current,
        Err(rejection) => return rejected(rejection),
    };
    // A bearer session JWT alone (an API client): the page comes from its claims.
    let Some(refresh_jwt) = &current.refresh_jwt else {
        let session = &current.session;
        let text = |name: &str| session.claim(name).and_then(|v| v.as_str()).unwrap_or("");
        let verified = session
            .claim("verifiedEmail")
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        return html(
            StatusCode::OK,
            pages::me(&pages::Profile {
                user_id: session.user_id(),
                login_id: text("email"),
                name: None,
                email_verified: verified,
                totp: None,
            }),
        );
    };
    let user = match app.client.sessions().me(refresh_jwt).await {
        Ok(user) => user,
        Err(error) if error.ends_session() => return signed_out(),
        Err(error) => return failure(&error),
    };
    html(
        StatusCode::OK,
        pages::me(&pages::Profile {
            user_id: &user.user_id,
            login_id: user.login_ids.first().map(String::as_str).unwrap_or(""),
            name: user.name.as_deref(),
            email_verified: user.verified_email,
            totp: Some(user.methods.totp),
        }),
    )
}

/// The signed-in user's login ID and current refresh JWT, or the page to answer instead.
async fn signed_in_user(
    app: &AppState,
    current: Result<CurrentSession, Rejection>,
) -> Result<(String, RefreshJwt), HttpResponse> {
    let (user, refresh_jwt) = signed_in_account(app, current).await?;
    match user.login_ids.into_iter().next() {
        Some(login_id) => Ok((login_id, refresh_jwt)),
        None => Err(signed_out()),
    }
}

/// The signed-in user as `me` reads them, and their current refresh JWT.
async fn signed_in_account(
    app: &AppState,
    current: Result<CurrentSession, Rejection>,
) -> Result<(descope::User, RefreshJwt), HttpResponse> {
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

async fn two_factor_page(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
) -> HttpResponse {
    match signed_in_account(&app, current).await {
        Ok((user, _)) => html(StatusCode::OK, pages::two_factor(user.methods.totp)),
        Err(page) => page,
    }
}

async fn enable_totp(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
) -> HttpResponse {
    let (login_id, refresh_jwt) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app.client.totp().update(login_id, &refresh_jwt).await {
        Ok(enrollment) => {
            use base64::Engine as _;
            let qr = base64::engine::general_purpose::STANDARD.encode(&enrollment.qr_png);
            html(
                StatusCode::OK,
                pages::totp_enroll(&qr, enrollment.key.secret()),
            )
        }
        Err(error) => failure(&error),
    }
}

async fn confirm_totp(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
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
        Ok(auth) => see_other("/me", &app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

async fn login_totp(
    app: web::Data<AppState>,
    request: HttpRequest,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let id = (request.headers().get_all(actix_web::http::header::COOKIE))
        .filter_map(|value| value.to_str().ok())
        .flat_map(cookie::Cookie::split_parse)
        .filter_map(Result::ok)
        .find(|c| c.name() == two_factor::PENDING_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_default();
    let Some(login_id) = app.pending.login_id(&id) else {
        return signed_out();
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
            if let Ok(clear) = http::HeaderValue::from_str(&two_factor::clear_cookie()) {
                cookies.append(http::header::SET_COOKIE, clear);
            }
            see_other("/me", &cookies)
        }
        Err(error) => failure(&error),
    }
}

async fn change_password(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
    form: web::Form<NewPassword>,
) -> HttpResponse {
    let (login_id, _) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    let form = form.into_inner();
    match app
        .client
        .password()
        .replace(login_id, form.old_password, form.new_password)
        .revoke_other_sessions(true)
        .check_policy(&app.policy)
        .await
    {
        Ok(auth) => see_other("/me", &app.client.cookie_config().set_headers(&auth)),
        Err(error) => failure(&error),
    }
}

async fn logout(
    app: web::Data<AppState>,
    current: OptionalSession,
    request: HttpRequest,
) -> HttpResponse {
    // The current refresh JWT (rotated by the middleware when it refreshed), else the cookie's.
    let refresh_jwt = match current.0 {
        Some(current) => current.refresh_jwt,
        None => {
            let mut headers = http::HeaderMap::new();
            for value in request.headers().get_all(actix_web::http::header::COOKIE) {
                if let Ok(value) = http::HeaderValue::from_bytes(value.as_bytes()) {
                    headers.append(http::header::COOKIE, value);
                }
            }
            app.client.cookie_config().refresh_token(&headers)
        }
    };
    let outcome = app
        .client
        .sessions()
        .logout_and_clear(refresh_jwt.as_ref())
        .await;
    let cookies = outcome.set_cookies;
    if let Some(failure) = outcome.failure {
        eprintln!("actix_app: logout could not revoke the session: {failure}");
    }
    see_other("/", &cookies)
}

async fn forgot_page() -> HttpResponse {
    html(StatusCode::OK, pages::forgot())
}

/// Sends the reset; the same page for every login ID, known or not (no account enumeration).
async fn forgot(app: web::Data<AppState>, form: web::Form<ForgotForm>) -> HttpResponse {
    let sent = app
        .client
        .password()
        .send_reset(form.login_id.trim())
        .redirect_url(format!("{}/reset", app.public_url))
        .await;
    match sent {
        Ok(sent) if sent.method != ResetMethod::MagicLink => {
            eprintln!(
                "actix_app: the project resets by {}; this app completes magic links",
                sent.method
            );
        }
        Ok(_) => {}
        Err(error) if is_refusal(&error) => {}
        Err(error) => return failure(&error),
    }
    html(StatusCode::OK, pages::forgot_sent())
}

/// The emailed link: verifies its token (a fresh session, in cookies) and asks for the new
/// password.
async fn reset_page(app: web::Data<AppState>, link: web::Query<ResetLink>) -> HttpResponse {
    match app.client.magic_link().verify(link.into_inner().t).await {
        Ok(auth) => {
            let cookies = app.client.cookie_config().set_headers(&auth);
            with_cookies(html(StatusCode::OK, pages::reset_form()), &cookies)
        }
        Err(error) if is_refusal(&error) => {
            html(StatusCode::UNAUTHORIZED, pages::reset_link_refused())
        }
        Err(error) => failure(&error),
    }
}

/// Sets the new password under the session the link gave.
async fn reset(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
    form: web::Form<ResetForm>,
) -> HttpResponse {
    let (login_id, refresh_jwt) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app
        .client
        .password()
        .update(login_id, form.into_inner().new_password, &refresh_jwt)
        .check_policy(&app.policy)
        .await
    {
        Ok(()) => see_other("/me", &http::HeaderMap::new()),
        Err(error) => failure(&error),
    }
}

/// Emails a code to the address to verify.
async fn verify_email(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
    form: web::Form<EmailForm>,
) -> HttpResponse {
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
        Ok(_) => html(StatusCode::OK, pages::verify_code(&email)),
        Err(error) => failure(&error),
    }
}

/// Checks the code: the address is set, verified, and the session renewed.
async fn verify_code(
    app: web::Data<AppState>,
    current: Result<CurrentSession, Rejection>,
    form: web::Form<CodeForm>,
) -> HttpResponse {
    let (login_id, _) = match signed_in_user(&app, current).await {
        Ok(found) => found,
        Err(page) => return page,
    };
    match app.client.otp().verify(login_id, form.code.trim()).await {
        Ok(auth) => see_other("/me", &app.client.cookie_config().set_headers(&auth)),
        Err(error) if error.is_wrong_code() => html(
            StatusCode::UNAUTHORIZED,
            pages::code_refused("That code is not right."),
        ),
        Err(error) if error.is_code_expired() || error.is_too_many_attempts() => html(
            StatusCode::UNAUTHORIZED,
            pages::code_refused("That code has expired or was used up: ask for a new one."),
        ),
        Err(Error::InvalidInput { .. }) => html(
            StatusCode::UNAUTHORIZED,
            pages::code_refused("Enter the code."),
        ),
        Err(error) => failure(&error),
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let addr: SocketAddr = std::env::var("WEB_APP_ADDR")
        .unwrap_or_else(|_| "127.0.0.1:0".into())
        .parse()?;
    let listener = std::net::TcpListener::bind(addr)?;
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
        eprintln!("actix_app: embedded emulator at {}", started.base_url());
        let builder = started.client_builder().cookie_config(cookies);
        let client = cookie_names_from(builder, |name| std::env::var(name).ok()).build()?;
        emulator = Some(started);
        client
    };
    let public_url =
        std::env::var("WEB_APP_PUBLIC_URL").unwrap_or_else(|_| format!("http://{local}"));
    let routes = configure(state(client, public_url).await?);
    let server = HttpServer::new(move || ActixApp::new().configure(routes.clone()))
        .workers(2)
        .listen(listener)?
        .run();
    let mut stdout = std::io::stdout();
    writeln!(stdout, "LISTENING=http://{local}")?;
    stdout.flush()?;
    server.await?;
    if let Some(emulator) = emulator {
        emulator.stop().await;
    }
    Ok(())
}
