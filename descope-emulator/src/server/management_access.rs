//! Management of a user's password and sessions: set active or temporary passwords, expire,
//! logout everywhere; and the license call the official SDKs make at start-up.

use super::management::{either, empty_reply, managed, managed_body, update_user};
use super::*;
use descope::wire::{
    ExpirePasswordRequest, SetUserPasswordRequest, SetUserPasswordResponse, UserLogoutRequest,
};

/// `POST /v1/mgmt/user/password/set/active`, and `.../set/temporary` with `TEMPORARY`: the path
/// decides whether the password is temporary, not Python's `setActive`.
pub(crate) async fn set_password<const TEMPORARY: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let app = &*app;
    let body: SetUserPasswordRequest = managed_body(app, request).await?;
    required(&body.login_id, "loginId")?;
    required(body.password.secret(), "password")?;
    if app.store().find(&body.login_id).is_none() {
        return Err(Failure::ManagedUserNotFound);
    }
    if let Err(why) = app.options.policy.check(body.password.secret()) {
        return Err(Failure::PolicyViolation(why));
    }
    let hash = hash_password(app, body.password).await?;
    {
        let mut store = app.store();
        let user = store
            .find_mut(&body.login_id)
            .ok_or(Failure::ManagedUserNotFound)?;
        user.password_hash = hash;
        user.password_version += 1;
        user.password_expired = TEMPORARY;
    }
    Ok(json(StatusCode::OK, &SetUserPasswordResponse::default()))
}

pub(crate) async fn expire_password(State(app): AppState, request: Request) -> Reply {
    let body: ExpirePasswordRequest = managed_body(&app, request).await?;
    update_user(&app, &body.login_id, |user| {
        user.password_expired = true;
        Ok(())
    })?;
    empty_reply()
}

pub(crate) async fn logout_user(State(app): AppState, request: Request) -> Reply {
    let body: UserLogoutRequest = managed_body(&app, request).await?;
    let reference = either(&body.login_id, &body.user_id)?;
    {
        let mut store = app.store();
        let user_id = super::management::managed_user_id(&store, reference)?;
        store.revoke_user_sessions(&user_id, None);
    }
    empty_reply()
}

/// `GET /v1/mgmt/license`: both official SDKs call it when a management key is configured
/// (not in Descope's published document). Its tier is then sent as `x-descope-license`.
pub(crate) async fn license(State(app): AppState, headers: HeaderMap) -> Reply {
    managed(&app, &headers)?;
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({"rateLimitTier": "emulator"}),
    ))
}
