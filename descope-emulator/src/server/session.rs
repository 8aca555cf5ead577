//! The session operations: refresh, try-refresh, logout, logout-all, me, keys, tenant
//! selection, history, and the access-key exchange.

use super::tokens::{access_key_session, check_refresh, grant, logged_out, take_refresh, Grant};
use super::*;
use descope::wire::{
    AuthHistoryEntry, ExchangeAccessKeyRequest, ExchangeAccessKeyResponse, SelectTenantRequest,
};

/// `POST /v1/auth/refresh`, and `/v1/auth/try-refresh` with `LENIENT` (a refused refresh JWT
/// is an empty answer, not an error).
pub(crate) async fn refresh<const LENIENT: bool>(State(app): AppState, request: Request) -> Reply {
    let app = &*app;
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    let rotate = app.options.rotate_refresh_tokens;
    // With rotation the token is spent in the same step as it is checked.
    let checked = if rotate {
        take_refresh(app, auth.token.as_deref())
    } else {
        check_refresh(app, auth.token.as_deref())
    };
    let found = match checked {
        Ok(found) => found,
        Err(_) if LENIENT => {
            let mut empty = JwtResponse::default();
            empty.session_jwt = Some(SessionJwt::from(""));
            empty.refresh_jwt = Some(RefreshJwt::from(""));
            return Ok(json(StatusCode::OK, &empty));
        }
        Err(failure) => return Err(failure),
    };
    grant(
        app,
        Grant::refresh(&found.user, rotate, found.tenant).kept(found.kept),
    )
}

/// `POST /v1/auth/logout`, and `/v1/auth/logoutall` with `EVERYWHERE` (every session of the
/// user).
pub(crate) async fn logout<const EVERYWHERE: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let app = &*app;
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    if EVERYWHERE {
        let found = check_refresh(app, auth.token.as_deref())?;
        app.store().revoke_user_sessions(&found.user.user_id, None);
    } else {
        take_refresh(app, auth.token.as_deref())?;
    }
    Ok(logged_out(app))
}

pub(crate) async fn me(State(app): AppState, headers: HeaderMap) -> Reply {
    app.check_rate()?;
    let auth = authorize(&app, &headers)?;
    let found = check_refresh(&app, auth.token.as_deref())?;
    let view = app.store().user_view(&found.user);
    Ok(json(StatusCode::OK, &view))
}

pub(crate) async fn keys(State(app): AppState, Path(project_id): Path<String>) -> Reply {
    app.check_rate()?;
    if project_id != app.options.project_id {
        return Err(Failure::NotFound);
    }
    Ok(json(StatusCode::OK, &app.keys.jwks()))
}

pub(crate) async fn select_tenant(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    let auth = authorize(&app, request.headers())?;
    let body: SelectTenantRequest = parse(request.into_body()).await?;
    let found = check_refresh(&app, auth.token.as_deref())?;
    required(&body.tenant, "tenant")?;
    if !found
        .user
        .tenants
        .iter()
        .any(|t| t.tenant_id == body.tenant)
    {
        return Err(Failure::InvalidArgument(
            "the user is not a member of the tenant".into(),
        ));
    }
    grant(
        &app,
        Grant::select_tenant(&found.user, body.tenant).kept(found.kept),
    )
}

/// The user's sign-ins as a bare JSON array, as the official SDKs read it.
pub(crate) async fn history(State(app): AppState, headers: HeaderMap) -> Reply {
    app.check_rate()?;
    let auth = authorize(&app, &headers)?;
    let found = check_refresh(&app, auth.token.as_deref())?;
    let entries: Vec<AuthHistoryEntry> = found
        .user
        .history
        .iter()
        .map(|event| {
            let mut entry = AuthHistoryEntry::default();
            entry.user_id = Some(found.user.user_id.clone());
            entry.login_time = Some(event.login_time);
            entry.ip = event.ip.clone();
            entry.city = Some(String::new());
            entry.country = Some(String::new());
            entry.selected_tenant = event.tenant.clone();
            entry
        })
        .collect();
    Ok(json(StatusCode::OK, &entries))
}

/// `Authorization: Bearer <projectId>:<accessKey>` for a session JWT whose `sub` is the key ID.
pub(crate) async fn exchange_access_key(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    let auth = authorize(&app, request.headers())?;
    let body: ExchangeAccessKeyRequest = parse(request.into_body()).await?;
    let given = auth
        .token
        .ok_or(Failure::Unauthorized("no access key in Authorization"))?;
    let known = app.options.access_keys.iter().any(|key| {
        aws_lc_rs::constant_time::verify_slices_are_equal(key.secret().as_bytes(), given.as_bytes())
            .is_ok()
    });
    if !known {
        return Err(Failure::Unauthorized("the access key is not valid"));
    }
    let key_id = crate::access_key_id(&given);
    let options = body.login_options.unwrap_or_default();
    let tenants = app
        .options
        .access_key_tenants
        .get(&key_id)
        .cloned()
        .unwrap_or_default();
    let tenant = options.selected_tenant.filter(|t| !t.trim().is_empty());
    if tenant.as_ref().is_some_and(|t| !tenants.contains(t)) {
        return Err(Failure::InvalidArgument(
            "selectedTenant is not one of the access key's tenants".into(),
        ));
    }
    let custom = options.custom_claims.unwrap_or_default();
    if let Some(name) = custom.keys().find(|name| super::tokens::is_reserved(name)) {
        return Err(Failure::InvalidArgument(format!(
            "customClaims may not set the reserved claim {name:?}"
        )));
    }
    let (jwt, expiration) = access_key_session(&app, &key_id, custom, tenant, &tenants)?;
    let mut response = ExchangeAccessKeyResponse::default();
    response.key_id = Some(key_id);
    response.session_jwt = Some(SessionJwt::from(jwt));
    response.expiration = Some(expiration);
    Ok(json(StatusCode::OK, &response))
}
