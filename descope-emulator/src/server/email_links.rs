//! Magic links and enchanted links: sends, verification, the pending session, and the
//! emulator's own landing page for links sent without a redirect URL.

use axum::extract::Query;
use axum::response::Html;

use super::email_flow::{
    check_redirect, complete, deliver, intent, sent, sign_in_verified, sign_up_profile,
    update_intent, Delivered, Profile,
};
use super::tokens::{grant, Grant};
use super::*;
use crate::outbox::{Method, Purpose};
use descope::wire::{
    EnchantedLinkResponse, LinkSignInRequest, LinkSignUpRequest, LinkUpdateEmailRequest,
    LinkVerifyRequest, PendingSessionRequest,
};
use descope::OpaqueToken;

/// The answer of an enchanted-link send.
fn enchanted(delivered: Delivered) -> Response {
    let mut response = EnchantedLinkResponse::default();
    response.pending_ref = delivered.pending_ref.map(OpaqueToken::from);
    response.link_id = delivered.link_id;
    response.masked_email = Some(delivered.masked_email);
    json(StatusCode::OK, &response)
}

fn answer(method: Method, delivered: Delivered) -> Response {
    match method {
        Method::EnchantedLink => enchanted(delivered),
        _ => sent(delivered),
    }
}

/// The link method a route serves: enchanted links with `ENCHANTED`, else magic links.
fn link_method(enchanted: bool) -> Method {
    if enchanted {
        Method::EnchantedLink
    } else {
        Method::MagicLink
    }
}

/// `POST /v1/auth/{magiclink,enchantedlink}/signup/email`.
pub(super) async fn sign_up<const ENCHANTED: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let (app, method) = (&*app, link_method(ENCHANTED));
    let Call { body, .. } = call::<LinkSignUpRequest>(app, request).await?;
    check_redirect(body.uri.as_deref())?;
    let user = body.user.unwrap_or_default();
    let email = user.email.or(body.email);
    let (profile, claims) = sign_up_profile(email, user.name, user.phone, body.login_options);
    let intent = intent(app, Purpose::SignUp, &body.login_id, profile, claims)?;
    Ok(answer(
        method,
        deliver(app, method, intent, body.uri.as_deref())?,
    ))
}

/// `POST /v1/auth/{magiclink,enchantedlink}/signin/email`, and `signup-in` with `OR_UP`.
pub(super) async fn sign_in<const ENCHANTED: bool, const OR_UP: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let (app, method) = (&*app, link_method(ENCHANTED));
    let purpose = if OR_UP {
        Purpose::SignUpOrIn
    } else {
        Purpose::SignIn
    };
    let Call { body, .. } = call::<LinkSignInRequest>(app, request).await?;
    check_redirect(body.uri.as_deref())?;
    let claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    let intent = intent(app, purpose, &body.login_id, Profile::default(), claims)?;
    Ok(answer(
        method,
        deliver(app, method, intent, body.uri.as_deref())?,
    ))
}

/// `POST /v1/auth/{magiclink,enchantedlink}/update/email`.
pub(super) async fn update_email<const ENCHANTED: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let (app, method) = (&*app, link_method(ENCHANTED));
    app.check_rate()?;
    let headers = request.headers().clone();
    let body: LinkUpdateEmailRequest = parse(request.into_body()).await?;
    check_redirect(body.uri.as_deref())?;
    let add = body.add_to_login_i_ds.unwrap_or(false);
    let intent = update_intent(app, &headers, &body.login_id, &body.email, add)?;
    Ok(answer(
        method,
        deliver(app, method, intent, body.uri.as_deref())?,
    ))
}

/// Spends a link token of `method`.
fn take(
    app: &App,
    method: Method,
    token: &OpaqueToken,
) -> Result<(crate::verification::Intent, Option<String>), Failure> {
    required(token.secret(), "token")?;
    let taken = app
        .store()
        .verifications
        .take_token(method, token.secret(), app.now());
    taken
}

pub(crate) async fn magic_verify(State(app): AppState, request: Request) -> Reply {
    let Call { body, ip, .. } = call::<LinkVerifyRequest>(&app, request).await?;
    let (intent, _) = take(&app, Method::MagicLink, &body.token)?;
    sign_in_verified(&app, ip, &intent)
}

/// The clicked link's effect happens now; the waiting device collects the session.
pub(crate) async fn enchanted_verify(State(app): AppState, request: Request) -> Reply {
    let Call { body, .. } = call::<LinkVerifyRequest>(&app, request).await?;
    let (intent, pending_ref) = take(&app, Method::EnchantedLink, &body.token)?;
    let (user, first_seen) = complete(&app, &intent)?;
    if let Some(pending_ref) = pending_ref {
        app.store()
            .verifications
            .mark_verified(&pending_ref, &user.user_id, first_seen);
    }
    Ok(json(StatusCode::OK, &serde_json::json!({})))
}

pub(crate) async fn enchanted_pending_session(State(app): AppState, request: Request) -> Reply {
    let Call { body, ip, .. } = call::<PendingSessionRequest>(&app, request).await?;
    required(body.pending_ref.secret(), "pendingRef")?;
    let collected = {
        let mut store = app.store();
        let collected = store
            .verifications
            .take_pending(body.pending_ref.secret(), app.now());
        drop(store);
        collected?
    };
    let user = app
        .store()
        .users
        .get(&collected.user_id)
        .cloned()
        .ok_or(Failure::UserNotFound)?;
    if user.is_disabled() {
        return Err(Failure::UserDisabled);
    }
    grant(
        &app,
        Grant::sign_in(&user, collected.first_seen, collected.custom_claims).ip(ip),
    )
}

/// `GET /emulator/v1/link?t=<token>`: where links lead when nobody named a page. Shows the
/// token, for a developer to paste or a script to read.
pub(crate) async fn link_page(
    Query(query): Query<std::collections::HashMap<String, String>>,
) -> Html<String> {
    let token = query.get("t").map(String::as_str).unwrap_or_default();
    let escaped: String = token
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    Html(format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>Descope emulator link</title>\
         </head><body><h1>Emulator link</h1><p>The link's token (verify it with \
         <code>magiclink/verify</code> or <code>enchantedlink/verify</code>):</p>\
         <p><code id=\"token\">{escaped}</code></p></body></html>"
    ))
}
