//! The password operations: sign-up, sign-in, replace, update, reset, policy.

use super::tokens::{check_refresh, grant, Grant};
use super::*;

pub(crate) async fn sign_up(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let Call { body, ip, .. } = call::<PasswordSignUpRequest>(app, request).await?;
    required(&body.login_id, "loginId")?;
    required(body.password.secret(), "password")?;
    if let Err(why) = app.options.policy.check(body.password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let login_id = body.login_id.trim().to_owned();
    if app.store().has_login(&login_id) {
        return Err(Failure::UserExists);
    }
    let hash = hash_password(app, body.password).await?;
    let profile = body.user.unwrap_or_default();
    let mut login_ids = vec![login_id.clone()];
    if let Some(extra) = profile.login_id.filter(|l| {
        !l.trim().is_empty() && crate::store::login_key(l) != crate::store::login_key(&login_id)
    }) {
        login_ids.push(extra);
    }
    let email = profile
        .email
        .or_else(|| login_id.contains('@').then(|| login_id.clone()));
    let user = StoredUser {
        user_id: format!("U{}", random_id(27)?),
        login_ids,
        name: profile.name,
        given_name: profile.given_name,
        middle_name: profile.middle_name,
        family_name: profile.family_name,
        email,
        phone: profile.phone,
        recovery_email: profile.recovery_email,
        recovery_phone: profile.recovery_phone,
        password_hash: hash,
        created_time: app.now(),
        ..StoredUser::default()
    };
    if !app.store().insert_user(user.clone()) {
        return Err(Failure::UserExists);
    }
    let custom_claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    grant(app, Grant::sign_in(&user, true, custom_claims).ip(ip))
}

pub(crate) async fn sign_in(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let Call { body, auth, ip } = call::<PasswordSignInRequest>(app, request).await?;
    required(&body.login_id, "loginId")?;
    required(body.password.secret(), "password")?;
    let user = enabled_user(app, &body.login_id)?;
    if !verify_password(app, user.password_hash.clone(), body.password).await? {
        return Err(Failure::WrongPassword);
    }
    // Checked after the password, so it tells nothing to someone who does not know it.
    if user.password_expired {
        return Err(Failure::PasswordExpired);
    }
    let options = body.login_options.unwrap_or_default();
    if options.stepup == Some(true) || options.mfa == Some(true) {
        let owner = check_refresh(app, auth.token.as_deref())?.user;
        if owner.user_id != user.user_id {
            return Err(Failure::InvalidRefresh("session of another user"));
        }
    }
    if options.revoke_other_sessions == Some(true) {
        app.store().revoke_user_sessions(&user.user_id, None);
    }
    let custom_claims = options.custom_claims.unwrap_or_default();
    grant(app, Grant::sign_in(&user, false, custom_claims).ip(ip))
}

pub(crate) async fn replace(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let Call { body, ip, .. } = call::<PasswordReplaceRequest>(app, request).await?;
    required(&body.login_id, "loginId")?;
    required(body.old_password.secret(), "oldPassword")?;
    required(body.new_password.secret(), "newPassword")?;
    let user = enabled_user(app, &body.login_id)?;
    // An expired or temporary password is what replace is for: it is accepted here.
    if !verify_password(app, user.password_hash.clone(), body.old_password).await? {
        return Err(Failure::WrongPassword);
    }
    if let Err(why) = app.options.policy.check(body.new_password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let hash = hash_password(app, body.new_password).await?;
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
        stored.password_expired = false;
        let updated = stored.clone();
        if body.revoke_other_sessions == Some(true) {
            store.revoke_user_sessions(&updated.user_id, None);
        }
        updated
    };
    grant(app, Grant::sign_in(&updated, false, Map::new()).ip(ip))
}

pub(crate) async fn update(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    let Call { body, auth, .. } = call::<PasswordUpdateRequest>(app, request).await?;
    let owner = check_refresh(app, auth.token.as_deref())?.user;
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
    let hash = hash_password(app, body.new_password).await?;
    {
        let mut store = app.store();
        let stored = store
            .users
            .get_mut(&user.user_id)
            .ok_or(Failure::UserNotFound)?;
        stored.password_hash = hash;
        stored.password_version += 1;
        stored.password_expired = false;
    }
    Ok(json(StatusCode::OK, &EmptyResponse(Map::new())))
}

pub(crate) async fn send_reset(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    use super::email_flow::{deliver, intent, Profile};
    use crate::outbox::{Method, Purpose};
    let Call { body, .. } = call::<PasswordResetRequest>(app, request).await?;
    super::email_flow::check_redirect(body.redirect_url.as_deref())?;
    required(&body.login_id, "loginId")?;
    let user = app
        .store()
        .user_by_login(&body.login_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    if app.options.reset_requires_verified_email && !user.verified_email {
        return Err(Failure::InvalidArgument(
            "the user's email is not verified".into(),
        ));
    }
    let mut intent = intent(
        app,
        Purpose::Reset,
        &body.login_id,
        Profile::default(),
        Map::new(),
    )?;
    if body.use_recovery == Some(true) {
        intent.email = user.recovery_email.clone().ok_or_else(|| {
            Failure::InvalidArgument("the user has no recovery email to send a reset to".into())
        })?;
    }
    let method = app.options.reset_method;
    let delivered = deliver(app, method, intent, body.redirect_url.as_deref())?;
    let mut response = PasswordResetResponse::default();
    response.reset_method = Some(method.as_str().into());
    response.masked_email = Some(delivered.masked_email);
    if method == Method::EnchantedLink {
        response.pending_ref = delivered.pending_ref.map(descope::OpaqueToken::from);
        response.link_id = delivered.link_id;
    }
    Ok(json(StatusCode::OK, &response))
}

pub(crate) async fn policy(State(app): AppState, headers: HeaderMap) -> Reply {
    app.check_rate()?;
    authorize(&app, &headers)?;
    Ok(json(
        StatusCode::OK,
        &descope::wire::PasswordPolicyResponse::from(&app.options.policy),
    ))
}

/// The user who signs in with `login_id`, refused when there is none or they are disabled.
fn enabled_user(app: &App, login_id: &str) -> Result<StoredUser, Failure> {
    let user = app.store().user_by_login(login_id).cloned();
    let user = user.ok_or(Failure::UserNotFound)?;
    if user.is_disabled() {
        return Err(Failure::UserDisabled);
    }
    Ok(user)
}
