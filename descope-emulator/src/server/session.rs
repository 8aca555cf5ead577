//! The session operations: refresh, try-refresh, logout, logout-all, me, keys.

use super::tokens::{check_refresh, grant, logged_out, Grant};
use super::*;

pub(crate) async fn refresh(State(app): AppState, request: Request) -> Response {
    reply(refresh_inner(&app, request, false).await)
}

pub(crate) async fn try_refresh(State(app): AppState, request: Request) -> Response {
    reply(refresh_inner(&app, request, true).await)
}

pub(crate) async fn refresh_inner(app: &App, request: Request, lenient: bool) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    let (user, jti) = match check_refresh(app, auth.token.as_deref()) {
        Ok(found) => found,
        Err(_) if lenient => {
            let mut empty = JwtResponse::default();
            empty.session_jwt = Some(SessionJwt::from(""));
            empty.refresh_jwt = Some(RefreshJwt::from(""));
            return Ok(json(StatusCode::OK, &empty));
        }
        Err(failure) => return Err(failure),
    };
    let rotate = app.options.rotate_refresh_tokens;
    if rotate {
        if let Some(session) = app.store().sessions.get_mut(&jti) {
            session.revoked = true;
        }
        app.changed();
    }
    grant(app, Grant::refresh(&user, rotate))
}

pub(crate) async fn logout(State(app): AppState, request: Request) -> Response {
    reply(logout_inner(&app, request, false).await)
}

pub(crate) async fn logout_all(State(app): AppState, request: Request) -> Response {
    reply(logout_inner(&app, request, true).await)
}

pub(crate) async fn logout_inner(app: &App, request: Request, everywhere: bool) -> Reply {
    app.check_rate()?;
    let auth = authorize(app, request.headers())?;
    let _: Map<String, Value> = parse(request.into_body()).await?;
    let (user, jti) = check_refresh(app, auth.token.as_deref())?;
    {
        let mut store = app.store();
        if everywhere {
            store.revoke_user_sessions(&user.user_id, None);
        } else if let Some(session) = store.sessions.get_mut(&jti) {
            session.revoked = true;
        }
    }
    app.changed();
    Ok(logged_out(app))
}

pub(crate) async fn me(State(app): AppState, headers: HeaderMap) -> Response {
    reply((|| {
        app.check_rate()?;
        let auth = authorize(&app, &headers)?;
        let (user, _) = check_refresh(&app, auth.token.as_deref())?;
        Ok(json(StatusCode::OK, &user.response()))
    })())
}

pub(crate) async fn keys(State(app): AppState, Path(project_id): Path<String>) -> Response {
    reply((|| {
        app.check_rate()?;
        if project_id != app.options.project_id {
            return Err(Failure::NotFound);
        }
        Ok(json(StatusCode::OK, &app.keys.jwks()))
    })())
}
