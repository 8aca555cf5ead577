//! Authenticator apps (`/v1/auth/totp/{signup,verify,update}`, `/v1/mgmt/user/totp/delete`):
//! sign-up gives a key and creates the user at its first verified code; update gives a signed-in
//! user a new key, which replaces the old one at its first verified code; verify signs in with
//! the current code (a step either side, each step once). Codes are computed in `totp`.

use super::lenient::{custom_claims, field as text, flag, required_field};
use super::management::{empty_reply, managed_body};
use super::tokens::{check_refresh, grant, Grant};
use super::*;
use crate::store::TotpSignUp;
use crate::totp::{accepts, enrollment, new_key, Seed};

/// `{provisioningURL, image, key}` of a new key for `login_id`.
fn key_reply(key: &str, login_id: &str) -> Reply {
    let (url, image) =
        enrollment(key, login_id).ok_or(Failure::Internal("the TOTP key could not be encoded"))?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "provisioningURL": url, "image": image, "key": key }),
    ))
}

/// `POST /v1/auth/totp/signup` `{loginId, user}`: a key; the user is created at its first
/// verified code (a login ID that exists is refused).
pub(super) async fn sign_up(State(app): AppState, request: Request) -> Reply {
    let Call { body, .. } = call::<Value>(&app, request).await?;
    let login_id = required_field(&body, "loginId")?;
    let user = body.get("user").cloned().unwrap_or(Value::Null);
    let key = new_key()?;
    {
        let mut store = app.store();
        if store.user_by_login(&login_id).is_some() {
            return Err(Failure::UserExists);
        }
        let pending = TotpSignUp {
            login_id: login_id.clone(),
            key: key.clone(),
            name: text(&user, "name").map(str::to_owned),
            email: text(&user, "email").map(str::to_owned),
            phone: text(&user, "phone").map(str::to_owned),
        };
        // Bounded: a sign-up replaces the earlier one of its login ID, and at most 10,000 wait.
        if store.totp_sign_ups.len() >= 10_000 {
            store.totp_sign_ups.clear();
        }
        store.totp_sign_ups.insert(login_key(&login_id), pending);
    }
    key_reply(&key, &login_id)
}

/// `POST /v1/auth/totp/update` `{loginId}` with the owner's refresh JWT: a new key, which
/// replaces the user's (if any) at its first verified code.
pub(super) async fn update(State(app): AppState, request: Request) -> Reply {
    let Call { body, auth, .. } = call::<Value>(&app, request).await?;
    let owner = check_refresh(&app, auth.token.as_deref())?.user;
    let login_id = required_field(&body, "loginId")?;
    if !owner
        .login_ids
        .iter()
        .any(|l| login_key(l) == login_key(&login_id))
    {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    let key = new_key()?;
    if let Some(user) = app.store().users.get_mut(&owner.user_id) {
        user.pending_totp = Some(key.clone());
    }
    key_reply(&key, &login_id)
}

/// `POST /v1/auth/totp/verify` `{loginId, code}`: the JWT response. A code of a pending key
/// (a sign-up or an update) completes it; after an update, the old key is refused.
pub(super) async fn verify(State(app): AppState, request: Request) -> Reply {
    let Call { body, auth, ip } = call::<Value>(&app, request).await?;
    let login_id = required_field(&body, "loginId")?;
    let code = required_field(&body, "code")?;
    let code = code.as_str();
    let options = body.get("loginOptions").unwrap_or(&Value::Null);
    if flag(options, "stepup") || flag(options, "mfa") {
        check_refresh(&app, auth.token.as_deref())?;
    }
    let claims = custom_claims(options);
    let now = app.now();
    let (user, first_seen) = {
        let mut store = app.store();
        match store.user_by_login(&login_id).map(|u| u.user_id.clone()) {
            Some(user_id) => {
                let user = store.users.get_mut(&user_id).ok_or(Failure::UserNotFound)?;
                if user.is_disabled() {
                    return Err(Failure::UserDisabled);
                }
                let pending = (user.pending_totp.clone())
                    .and_then(|key| accepts(&key, code, now, None).map(|step| (key, step)));
                match pending {
                    Some((key, step)) => {
                        user.totp = Some(Seed {
                            key,
                            last_step: Some(step),
                        });
                        user.pending_totp = None;
                    }
                    None => {
                        let seed = user.totp.as_mut().ok_or(Failure::WrongCode)?;
                        let step = accepts(&seed.key, code, now, seed.last_step)
                            .ok_or(Failure::WrongCode)?;
                        seed.last_step = Some(step);
                    }
                }
                (user.clone(), false)
            }
            None => {
                let key = login_key(&login_id);
                let pending = store.totp_sign_ups.get(&key).ok_or(Failure::UserNotFound)?;
                let step = accepts(&pending.key, code, now, None).ok_or(Failure::WrongCode)?;
                let pending = store
                    .totp_sign_ups
                    .remove(&key)
                    .ok_or(Failure::UserNotFound)?;
                let user = StoredUser {
                    user_id: format!("U{}", random_id(27)?),
                    login_ids: vec![pending.login_id],
                    name: pending.name,
                    email: pending.email,
                    phone: pending.phone,
                    totp: Some(Seed {
                        key: pending.key,
                        last_step: Some(step),
                    }),
                    created_time: now,
                    ..StoredUser::default()
                };
                if !store.insert_user(user.clone()) {
                    return Err(Failure::UserExists);
                }
                (user, true)
            }
        }
    };
    grant(&app, Grant::sign_in(&user, first_seen, claims).ip(ip))
}

/// `POST /v1/mgmt/user/totp/delete` `{loginId}`: the user's key (and a pending one) is removed;
/// `{}`.
pub(super) async fn remove(State(app): AppState, request: Request) -> Reply {
    let body: Value = managed_body(&app, request).await?;
    let reference = required_field(&body, "loginId")?;
    let mut store = app.store();
    let user_id = super::management::managed_user_id(&store, &reference)?;
    if let Some(user) = store.users.get_mut(&user_id) {
        user.totp = None;
        user.pending_totp = None;
    }
    drop(store);
    empty_reply()
}
