//! Sessions the backend issues (`/v1/mgmt/jwt/update`, `/v1/mgmt/auth/*`,
//! `/v1/mgmt/impersonate`, `/v1/mgmt/stop/impersonation`), embedded links and test-user codes
//! and links (`/v1/mgmt/user/*/embeddedlink`, `/v1/mgmt/tests/generate/*`), and impersonation
//! consent: all behind the management key, read leniently (the Python SDK's `null`s, either
//! SDK's spelling), as `shared/wire-issued.md` records them.

use super::email_flow::check_link_url;
use super::lenient::{
    custom_claims as claims_of, field as text, flag, option_claims, required_field,
};
use super::management::{managed_body, user_reply};
use super::tokens::{check_refresh, grant, issue, take_refresh, update_jwt, Grant};
use super::*;
use crate::directory::IMPERSONATE;
use crate::outbox::{Method, Purpose};
use crate::verification::{with_token, Intent};

/// The user a management call names (login ID or user ID), enabled.
fn enabled_user(app: &App, reference: &str) -> Result<StoredUser, Failure> {
    let user = app
        .store()
        .find(reference)
        .cloned()
        .ok_or(Failure::ManagedUserNotFound)?;
    if user.is_disabled() {
        return Err(Failure::UserDisabled);
    }
    Ok(user)
}

/// The tenant a session is signed into: one of the user's.
fn selected_tenant(user: &StoredUser, tenant: Option<&str>) -> Result<Option<String>, Failure> {
    match tenant {
        Some(t) if !user.tenants.iter().any(|m| m.tenant_id == t) => Err(Failure::InvalidArgument(
            "the user is not a member of the selected tenant".into(),
        )),
        t => Ok(t.map(str::to_owned)),
    }
}

/// `POST /v1/mgmt/jwt/update` `{jwt, customClaims}`: `{jwt}`.
pub(super) async fn update(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let token = required_field(&body, "jwt")?;
    let jwt = update_jwt(&app, &token, claims_of(&body))?;
    Ok(json(StatusCode::OK, &serde_json::json!({ "jwt": jwt })))
}

/// `POST /v1/mgmt/auth/signin`: a session of an existing, enabled user, without a credential;
/// `stepup`/`mfa` need the user's refresh JWT as `jwt`.
pub(super) async fn sign_in(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let user = enabled_user(&app, &required_field(&body, "loginId")?)?;
    if flag(&body, "stepup") || flag(&body, "mfa") {
        let session = check_refresh(&app, text(&body, "jwt"))?;
        if session.user.user_id != user.user_id {
            return Err(Failure::InvalidRefresh("session of another user"));
        }
    }
    let tenant = selected_tenant(&user, text(&body, "selectedTenantId"))?;
    grant(
        &app,
        Grant::sign_in(&user, false, claims_of(&body)).tenant(tenant),
    )
}

/// `POST /v1/mgmt/auth/signup` (`SIGN_IN`: `/signup-in`, which signs in a user who exists).
pub(super) async fn sign_up<const OR_IN: bool>(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let login_id = required_field(&body, "loginId")?;
    let existing = app.store().user_by_login(&login_id).cloned();
    if let Some(user) = existing {
        if !OR_IN {
            return Err(Failure::UserExists);
        }
        if user.is_disabled() {
            return Err(Failure::UserDisabled);
        }
        let tenant = selected_tenant(&user, text(&body, "selectedTenantId"))?;
        return grant(
            &app,
            Grant::sign_in(&user, false, claims_of(&body)).tenant(tenant),
        );
    }
    let profile = body.get("user").cloned().unwrap_or(Value::Null);
    // Either SDK's spelling: P nests `emailVerified` in `user` and repeats it at the top; N
    // sends `user.verifiedEmail`.
    let verified =
        |key: &str, alt: &str| flag(&body, key) || flag(&profile, key) || flag(&profile, alt);
    let field = |camel: &str, snake: &str| {
        text(&profile, camel)
            .or_else(|| text(&profile, snake))
            .map(str::to_owned)
    };
    let user = StoredUser {
        user_id: format!("U{}", random_id(27)?),
        login_ids: vec![login_id],
        name: field("name", "name"),
        given_name: field("givenName", "given_name"),
        middle_name: field("middleName", "middle_name"),
        family_name: field("familyName", "family_name"),
        email: field("email", "email"),
        phone: field("phone", "phone"),
        verified_email: verified("emailVerified", "verifiedEmail"),
        verified_phone: verified("phoneVerified", "verifiedPhone"),
        created_time: app.now(),
        ..StoredUser::default()
    };
    if !app.store().insert_user(user.clone()) {
        return Err(Failure::UserExists);
    }
    grant(&app, Grant::sign_in(&user, true, claims_of(&body)))
}

/// `POST /v1/mgmt/auth/anonymous`: a session of no user, refreshable; no `user` or `firstSeen`
/// in the answer.
pub(super) async fn anonymous(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let subject = StoredUser {
        user_id: format!("A{}", random_id(27)?),
        ..StoredUser::default()
    };
    let tenant = text(&body, "selectedTenant").map(str::to_owned);
    grant(
        &app,
        Grant::sign_in(&subject, true, claims_of(&body))
            .anonymous()
            .tenant(tenant),
    )
}

/// Whether `user` holds the `Impersonate` permission (through a role, in the project or a
/// tenant, or directly).
fn may_impersonate(store: &Store, user: &StoredUser) -> bool {
    let directory = &store.directory;
    let holds = |permissions: Vec<String>| permissions.iter().any(|p| p == IMPERSONATE);
    holds(directory.permissions_of(&user.roles, &user.permissions, None))
        || user
            .tenants
            .iter()
            .any(|t| holds(directory.permissions_of(&t.roles, &t.permissions, Some(&t.tenant_id))))
}

/// `POST /v1/mgmt/impersonate` `{impersonatorId, loginId, validateConsent}`: `{jwt}`, a refresh
/// JWT of the target whose `act.sub` is the impersonator (kept across refreshes).
pub(super) async fn impersonate(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let impersonator = enabled_user(&app, &required_field(&body, "impersonatorId")?)?;
    let target = enabled_user(&app, &required_field(&body, "loginId")?)?;
    if !may_impersonate(&app.store(), &impersonator) {
        return Err(Failure::Forbidden(
            "the impersonator does not have the Impersonate permission",
        ));
    }
    if impersonator.user_id == target.user_id {
        return Err(Failure::InvalidArgument(
            "a user cannot impersonate themselves".into(),
        ));
    }
    if flag(&body, "validateConsent")
        && target
            .consent_expiration
            .is_none_or(|until| until <= app.now())
    {
        return Err(Failure::Forbidden(
            "the user has not consented to be impersonated",
        ));
    }
    let tenant = selected_tenant(&target, text(&body, "selectedTenant"))?;
    let issued = issue(
        &app,
        &Grant::sign_in(&target, false, claims_of(&body))
            .act(impersonator.user_id)
            .tenant(tenant),
    )?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "jwt": issued.refresh_jwt }),
    ))
}

/// `POST /v1/mgmt/stop/impersonation` `{jwt}`: the impersonation session ends, and `{jwt}` is
/// a refresh JWT of the impersonator's own new session (no `act`).
pub(super) async fn stop_impersonation(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let token = required_field(&body, "jwt")?;
    let token = token.as_str();
    let act = check_refresh(&app, Some(token))?
        .kept
        .act
        .ok_or_else(|| Failure::InvalidArgument("the JWT is not of an impersonation".into()))?;
    take_refresh(&app, Some(token))?;
    let impersonator = enabled_user(&app, &act)?;
    let tenant = text(&body, "selectedTenant").map(str::to_owned);
    let issued = issue(
        &app,
        &Grant::sign_in(&impersonator, false, claims_of(&body)).tenant(tenant),
    )?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "jwt": issued.refresh_jwt }),
    ))
}

/// When a token issued now expires: after `timeout` seconds when given, else `--code-ttl`.
fn expiry(app: &App, body: &Value) -> i64 {
    let timeout = (body.get("timeout").and_then(Value::as_i64)).filter(|t| *t > 0);
    app.now() + timeout.unwrap_or(app.options.code_ttl.as_secs() as i64)
}

/// What verifying a token or code issued for `user` does: sign them in, with `claims`.
fn intent_for(app: &App, user: &StoredUser, body: &Value, claims: Map<String, Value>) -> Intent {
    let login_id = text(body, "loginId").unwrap_or_default().to_owned();
    Intent {
        purpose: Purpose::SignIn,
        user_id: Some(user.user_id.clone()),
        email: user.email.clone().unwrap_or_else(|| login_id.clone()),
        login_id,
        name: None,
        phone: None,
        add_to_login_ids: false,
        custom_claims: claims,
        expires_at: expiry(app, body),
        address_unproven: true,
        email_verified: false,
        phone_delivery: None,
    }
}

fn token_reply(token: String) -> Reply {
    Ok(json(StatusCode::OK, &serde_json::json!({ "token": token })))
}

/// A magic-link token for `intent` (verified at `/v1/auth/magiclink/verify`, once).
fn link_token(app: &App, intent: Intent) -> Result<String, Failure> {
    let now = app.now();
    let (token, _) = (app.store().verifications).issue_token(Method::MagicLink, intent, now)?;
    Ok(token)
}

/// `POST /v1/mgmt/user/signin/embeddedlink` `{loginId, customClaims, timeout}`: `{token}`.
pub(super) async fn embedded_sign_in(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let user = enabled_user(&app, &required_field(&body, "loginId")?)?;
    let intent = intent_for(&app, &user, &body, claims_of(&body));
    token_reply(link_token(&app, intent)?)
}

/// `POST /v1/mgmt/user/signup/embeddedlink` `{loginId, user, emailVerified, loginOptions}`:
/// `{token}`; the user is created (or signed in, when they exist) when it is verified.
pub(super) async fn embedded_sign_up(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let login_id = required_field(&body, "loginId")?;
    let claims = option_claims(&body);
    let existing = app.store().user_by_login(&login_id).cloned();
    let intent = match existing {
        Some(user) if user.is_disabled() => return Err(Failure::UserDisabled),
        Some(user) => intent_for(&app, &user, &body, claims),
        None => {
            let profile = body.get("user").cloned().unwrap_or(Value::Null);
            Intent {
                purpose: Purpose::SignUp,
                user_id: None,
                email: text(&profile, "email").unwrap_or_default().to_owned(),
                login_id,
                name: text(&profile, "name").map(str::to_owned),
                phone: text(&profile, "phone").map(str::to_owned),
                add_to_login_ids: false,
                custom_claims: claims,
                expires_at: expiry(&app, &body),
                address_unproven: true,
                email_verified: flag(&body, "emailVerified"),
                phone_delivery: None,
            }
        }
    };
    token_reply(link_token(&app, intent)?)
}

/// A test user (`test: true`), enabled, for the generate routes.
fn test_user(app: &App, body: &Value) -> Result<StoredUser, Failure> {
    let user = enabled_user(app, &required_field(body, "loginId")?)?;
    if !user.test {
        return Err(Failure::InvalidArgument(
            "codes and links are generated for test users only".into(),
        ));
    }
    Ok(user)
}

/// Email delivery only (SMS and voice are not emulated yet).
fn email_delivery(body: &Value) -> Result<(), Failure> {
    match text(body, "deliveryMethod") {
        None | Some("email") => Ok(()),
        Some(other) => Err(Failure::InvalidArgument(format!(
            "delivery method {other:?} is not emulated (email only)"
        ))),
    }
}

/// The link's redirect URL: `URI` as the SDKs send it, or `redirectUrl`, else
/// `--redirect-url`, else the emulator's link page.
fn link_base(app: &App, body: &Value) -> Result<String, Failure> {
    let url = text(body, "URI").or_else(|| text(body, "redirectUrl"));
    if let Some(url) = url {
        check_link_url(url)?;
    }
    let default = format!("{}/emulator/v1/link", app.base_url);
    Ok(url
        .or(app.options.redirect_url.as_deref())
        .unwrap_or(&default)
        .to_owned())
}

/// `POST /v1/mgmt/tests/generate/otp`: `{loginId, code}`, nothing sent.
pub(super) async fn test_otp(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    email_delivery(&body)?;
    let user = test_user(&app, &body)?;
    let mut intent = intent_for(&app, &user, &body, option_claims(&body));
    intent.expires_at = app.now() + app.options.code_ttl.as_secs() as i64;
    let login_id = intent.login_id.clone();
    let now = app.now();
    let code = app.store().verifications.issue_code(intent, now)?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "loginId": login_id, "code": code }),
    ))
}

/// `POST /v1/mgmt/tests/generate/magiclink` (`ENCHANTED`: `/enchantedlink`, with its
/// `pendingRef`): the link as it would be sent, nothing sent.
pub(super) async fn test_link<const ENCHANTED: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    email_delivery(&body)?;
    let user = test_user(&app, &body)?;
    let base = link_base(&app, &body)?;
    let mut intent = intent_for(&app, &user, &body, option_claims(&body));
    intent.expires_at = app.now() + app.options.code_ttl.as_secs() as i64;
    let login_id = intent.login_id.clone();
    let method = if ENCHANTED {
        Method::EnchantedLink
    } else {
        Method::MagicLink
    };
    let now = app.now();
    let (token, pending_ref) = app.store().verifications.issue_token(method, intent, now)?;
    let mut answer = serde_json::json!({ "loginId": login_id, "link": with_token(&base, &token) });
    if let Some(pending_ref) = pending_ref {
        answer["pendingRef"] = Value::from(pending_ref);
    }
    Ok(json(StatusCode::OK, &answer))
}

/// `POST /v1/mgmt/user/update/impersonationConsent` `{loginId, impersonationConsent}`: the
/// user consents for that many seconds (0 withdraws it); `{user}`.
pub(super) async fn consent(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let reference = required_field(&body, "loginId")?;
    let seconds = body
        .get("impersonationConsent")
        .and_then(Value::as_i64)
        .unwrap_or(0);
    let now = app.now();
    let user = {
        let mut store = app.store();
        let user_id = super::management::managed_user_id(&store, &reference)?;
        let user = store
            .users
            .get_mut(&user_id)
            .ok_or(Failure::ManagedUserNotFound)?;
        user.consent_expiration = (seconds > 0).then(|| now + seconds);
        user.clone()
    };
    user_reply(&app, &user, None)
}
