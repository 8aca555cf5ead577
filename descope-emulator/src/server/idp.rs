//! The emulator as identity provider, for OAuth (`/v1/auth/oauth/*`) and SSO
//! (`/v1/auth/sso/*`, and the same at `/v1/auth/saml/*`, where the Node SDK's `sso` goes):
//! a start answers `{"url"}`, the URL of an IdP page (`/emulator/v1/idp/<page>`) that a browser
//! or a test fills in; posting it sends the browser to the app's redirect URL with a `code`,
//! which the exchange of the same kind turns into a session. The state is in `federation`.

use std::collections::HashMap;

use axum::extract::{Form, Query};
use axum::response::Html;

use super::console_page::escape;
use super::email_flow::check_link_url;
use super::lenient::{custom_claims, flag};
use super::tokens::{check_refresh, grant, Grant};
use super::*;
use crate::federation::{Completed, Flow, Kind, Mode, PageRefusal, Started};

/// The providers a start accepts (the Node SDK's `OAuthProviders`).
const PROVIDERS: [&str; 9] = [
    "google",
    "github",
    "microsoft",
    "apple",
    "facebook",
    "gitlab",
    "discord",
    "slack",
    "linkedin",
];

/// The OAuth start routes' kind: sign up or in, sign in, sign up, add to the signed-in user.
pub(super) const ANY: u8 = 0;
pub(super) const SIGN_IN: u8 = 1;
pub(super) const SIGN_UP: u8 = 2;
pub(super) const LINK: u8 = 3;

/// The exchange routes' kind.
pub(super) const OAUTH: bool = false;
pub(super) const SSO: bool = true;

type StartQuery = Query<HashMap<String, String>>;

/// A start's login options, read leniently (JSON nulls and unknown keys ignored).
struct Options {
    stepup_or_mfa: bool,
    custom_claims: Map<String, Value>,
}

fn login_options(body: &Value) -> Options {
    Options {
        stepup_or_mfa: flag(body, "stepup") || flag(body, "mfa"),
        custom_claims: custom_claims(body),
    }
}

/// A query parameter, when given and not blank.
fn param<'q>(query: &'q HashMap<String, String>, key: &str) -> Option<&'q str> {
    query.get(key).map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// The redirect URL of a start (`redirectURL`, as the SDKs send it, or `redirectUrl`), else
/// `fallback`, else the emulator's `--redirect-url`; an `http(s)` URL.
fn redirect_url(
    app: &App,
    query: &HashMap<String, String>,
    fallback: Option<&str>,
) -> Result<String, Failure> {
    let url = param(query, "redirectURL")
        .or_else(|| param(query, "redirectUrl"))
        .or(fallback)
        .or(app.options.redirect_url.as_deref())
        .ok_or_else(|| Failure::MissingArgument("redirectURL".into()))?;
    check_link_url(url)?;
    Ok(url.to_owned())
}

/// Keeps a started login and answers `{"url"}` with its IdP page.
fn started(
    app: &App,
    flow: Flow,
    redirect_url: String,
    hint: Option<&str>,
    claims: Map<String, Value>,
) -> Reply {
    let page = random_id(32)?;
    let now = app.now();
    let started = Started {
        flow,
        redirect_url,
        login_hint: hint.map(str::to_owned),
        custom_claims: claims,
        expires_at: now + app.options.code_ttl.as_secs() as i64,
    };
    app.store().federation.start(page.clone(), started, now);
    let url = format!("{}/emulator/v1/idp/{page}", app.base_url);
    Ok(json(StatusCode::OK, &serde_json::json!({ "url": url })))
}

/// `POST /v1/auth/oauth/authorize[/signin|/signup|/update]?provider=&redirectURL=[&loginHint=]`.
pub(super) async fn oauth_start<const MODE: u8>(
    State(app): AppState,
    Query(query): StartQuery,
    request: Request,
) -> Reply {
    let Call { body, auth, .. } = call::<Value>(&app, request).await?;
    let provider = param(&query, "provider")
        .ok_or_else(|| Failure::MissingArgument("provider".into()))?
        .to_ascii_lowercase();
    if !PROVIDERS.contains(&provider.as_str()) {
        return Err(Failure::InvalidArgument(format!(
            "unknown OAuth provider {provider:?}"
        )));
    }
    let redirect = redirect_url(&app, &query, None)?;
    let options = login_options(&body);
    let mode = match MODE {
        SIGN_IN => Mode::SignIn,
        SIGN_UP => Mode::SignUp,
        LINK => Mode::Link(check_refresh(&app, auth.token.as_deref())?.user.user_id),
        _ => Mode::SignUpOrIn,
    };
    if options.stepup_or_mfa {
        check_refresh(&app, auth.token.as_deref())?;
    }
    let flow = Flow::OAuth { provider, mode };
    started(
        &app,
        flow,
        redirect,
        param(&query, "loginHint"),
        options.custom_claims,
    )
}

/// `POST /v1/auth/sso/authorize?tenant=&redirectURL=` (and `/v1/auth/saml/authorize`):
/// `tenant` is a tenant ID (or name), or an email whose domain is one of a tenant's SSO
/// domains.
pub(super) async fn sso_start(
    State(app): AppState,
    Query(query): StartQuery,
    request: Request,
) -> Reply {
    let Call { body, auth, .. } = call::<Value>(&app, request).await?;
    let tenant =
        param(&query, "tenant").ok_or_else(|| Failure::MissingArgument("tenant".into()))?;
    let (tenant_id, fallback) = {
        let store = app.store();
        let found = sso_tenant(&store.directory, tenant)?;
        let sso = found.sso.as_ref().ok_or_else(|| {
            Failure::InvalidArgument("the tenant has no SSO configuration".into())
        })?;
        (found.id.clone(), sso.redirect_url.clone())
    };
    let redirect = redirect_url(&app, &query, fallback.as_deref())?;
    let options = login_options(&body);
    if options.stepup_or_mfa {
        check_refresh(&app, auth.token.as_deref())?;
    }
    let hint = param(&query, "loginHint").or_else(|| tenant.contains('@').then_some(tenant));
    started(
        &app,
        Flow::Sso { tenant_id },
        redirect,
        hint,
        options.custom_claims,
    )
}

/// The tenant `tenant` names: by ID or name, or by an email's domain among its SSO domains
/// (without case).
fn sso_tenant<'d>(
    directory: &'d crate::directory::Directory,
    tenant: &str,
) -> Result<&'d crate::directory::Tenant, Failure> {
    let by_domain = |domain: &str| {
        directory.tenants.iter().find(|t| {
            t.sso
                .as_ref()
                .is_some_and(|sso| sso.domains.iter().any(|d| d.eq_ignore_ascii_case(domain)))
        })
    };
    let found = match tenant.rsplit_once('@') {
        Some((_, domain)) => by_domain(domain.trim()),
        None => directory
            .tenant(tenant)
            .or_else(|| directory.tenants.iter().find(|t| t.name == tenant)),
    };
    found.ok_or_else(|| {
        Failure::InvalidArgument("unknown tenant, or no tenant has that email domain".into())
    })
}

/// The IdP page's security headers: nothing loaded from elsewhere, no script, never framed.
/// (No `form-action`: the form's answer redirects to the app, which it would block.)
fn page(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn gone_page(why: &str) -> Response {
    page(
        StatusCode::BAD_REQUEST,
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Emulated sign-in</title>\
             </head><body><h1>Sign-in failed</h1><p id=\"idp-error\">{}</p></body></html>",
            escape(why)
        ),
    )
}

/// `GET /emulator/v1/idp/<page>`: the form naming the provider or tenant.
pub(super) async fn idp_page(State(app): AppState, Path(id): Path<String>) -> Response {
    let shown = {
        let store = app.store();
        store.federation.page(&id, app.now()).map(|started| {
            let who = match &started.flow {
                Flow::OAuth { provider, .. } => format!("Sign in with {provider}"),
                Flow::Sso { tenant_id } => {
                    let name = store
                        .directory
                        .tenant(tenant_id)
                        .map_or(tenant_id.as_str(), |t| &t.name);
                    format!("Sign in to {name} with SSO")
                }
            };
            (who, started.login_hint.clone().unwrap_or_default())
        })
    };
    let Some((who, hint)) = shown else {
        return gone_page("This sign-in page is used, expired or unknown.");
    };
    page(
        StatusCode::OK,
        format!(
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>{who} (emulated)</title>\
             </head><body><h1 id=\"idp-title\">{who}</h1><p>The Descope emulator plays the \
             identity provider: any email signs in.</p>\
             <form id=\"idp-form\" method=\"post\">\
             <label>Email <input id=\"idp-email\" name=\"email\" type=\"email\" value=\"{hint}\" \
             required></label> <label>Name <input id=\"idp-name\" name=\"name\"></label> \
             <button id=\"idp-continue\" type=\"submit\">Continue</button></form></body></html>",
            who = escape(&who),
            hint = escape(&hint),
        ),
    )
}

/// `POST /emulator/v1/idp/<page>` (`email`, `name`): 302 to the redirect URL with `code`.
pub(super) async fn idp_submit(
    State(app): AppState,
    Path(id): Path<String>,
    form: Result<Form<HashMap<String, String>>, axum::extract::rejection::FormRejection>,
) -> Response {
    let Ok(Form(form)) = form else {
        return gone_page("The form could not be read.");
    };
    let email = form.get("email").map(String::as_str).unwrap_or_default();
    let name = form.get("name").cloned();
    let Ok(code) = random_id(32) else {
        return gone_page("The emulator could not draw a code.");
    };
    let now = app.now();
    let expires_at = now + app.options.code_ttl.as_secs() as i64;
    let done = app
        .store()
        .federation
        .complete(&id, email, name, code, expires_at, now);
    match done {
        Ok(location) => match HeaderValue::from_str(&location) {
            Ok(location) => {
                let mut response = StatusCode::FOUND.into_response();
                response.headers_mut().insert(header::LOCATION, location);
                response
                    .headers_mut()
                    .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
                response
            }
            Err(_) => gone_page("The redirect URL cannot be sent."),
        },
        Err(PageRefusal::NoEmail) => gone_page("Enter an email address."),
        Err(PageRefusal::Gone) => gone_page("This sign-in page is used, expired or unknown."),
    }
}

/// `POST /v1/auth/{oauth,sso,saml}/exchange` `{code}`: the JWT response, the refresh JWT in
/// the body.
pub(super) async fn exchange<const IS_SSO: bool>(State(app): AppState, request: Request) -> Reply {
    let Call { body, ip, .. } = call::<Value>(&app, request).await?;
    let code = body.get("code").and_then(Value::as_str).unwrap_or_default();
    required(code, "code")?;
    let kind = if IS_SSO { Kind::Sso } else { Kind::OAuth };
    let completed = app.store().federation.exchange(code, kind, app.now())?;
    let (user, first_seen) = federated_user(&app, &completed)?;
    grant(
        &app,
        Grant::sign_in(&user, first_seen, completed.custom_claims).ip(ip),
    )
}

/// The user a completed login signs in, matched by email across providers and SSO: made for
/// a new email (unless the login was sign-in only), refused for a known one when sign-up only;
/// an SSO login makes them a member of the tenant.
fn federated_user(app: &App, completed: &Completed) -> Result<(StoredUser, bool), Failure> {
    let email = completed.email.as_str();
    let mut store = app.store();
    let existing = match &completed.flow {
        Flow::OAuth {
            mode: Mode::Link(user_id),
            ..
        } => Some(user_id.clone()),
        _ => store
            .user_by_login(email)
            .or_else(|| {
                store.users.values().find(|u| {
                    u.email
                        .as_deref()
                        .is_some_and(|e| e.eq_ignore_ascii_case(email))
                })
            })
            .map(|u| u.user_id.clone()),
    };
    let mode = match &completed.flow {
        Flow::OAuth { mode, .. } => Some(mode),
        Flow::Sso { .. } => None,
    };
    let (user_id, created) = match existing {
        Some(_) if mode == Some(&Mode::SignUp) => return Err(Failure::UserExists),
        Some(user_id) => (user_id, false),
        None if mode == Some(&Mode::SignIn) => return Err(Failure::UserNotFound),
        None => {
            let user = StoredUser {
                user_id: format!("U{}", random_id(27)?),
                login_ids: vec![email.to_owned()],
                name: completed.name.clone(),
                email: Some(email.to_owned()),
                verified_email: true,
                created_time: app.now(),
                ..StoredUser::default()
            };
            let user_id = user.user_id.clone();
            if !store.insert_user(user) {
                return Err(Failure::UserExists);
            }
            (user_id, true)
        }
    };
    let default_roles = match &completed.flow {
        Flow::Sso { tenant_id } => Some((
            tenant_id.clone(),
            store
                .directory
                .tenant(tenant_id)
                .and_then(|t| t.sso.as_ref())
                .and_then(|sso| sso.settings.get("defaultSSORoles"))
                .and_then(|roles| serde_json::from_value::<Vec<String>>(roles.clone()).ok())
                .unwrap_or_default(),
        )),
        Flow::OAuth { .. } => None,
    };
    let user = store.users.get_mut(&user_id).ok_or(Failure::UserNotFound)?;
    if user.is_disabled() {
        return Err(Failure::UserDisabled);
    }
    if user
        .email
        .as_deref()
        .is_none_or(|e| e.eq_ignore_ascii_case(email))
    {
        user.email = Some(email.to_owned());
        user.verified_email = true;
    }
    if user.name.is_none() {
        user.name = completed.name.clone();
    }
    if let Some((tenant_id, roles)) = default_roles {
        let member = user.tenants.iter().any(|t| t.tenant_id == tenant_id);
        let entry = user.tenant_mut(&tenant_id);
        if !member {
            entry.roles = roles;
        }
    }
    Ok((user.clone(), created))
}
