//! OTP by email, and the outbox routes. What sending a code or link and verifying it do is in
//! `email_flow`, shared with the link routes (`email_links`).

use super::email_flow::{
    deliver, intent, sent, sign_in_verified, sign_up_profile, update_intent, Profile,
};
use super::*;
use crate::outbox::{Method, Purpose};
use descope::wire::{OtpSignInRequest, OtpSignUpRequest, OtpUpdateEmailRequest, OtpVerifyRequest};

pub(super) async fn otp_sign_up(State(app): AppState, request: Request) -> Reply {
    let Call { body, .. } = call::<OtpSignUpRequest>(&app, request).await?;
    let user = body.user.unwrap_or_default();
    let email = user.email.or(body.email);
    let (profile, claims) = sign_up_profile(email, user.name, user.phone, body.login_options);
    let intent = intent(&app, Purpose::SignUp, &body.login_id, profile, claims)?;
    Ok(sent(deliver(&app, Method::Otp, intent, None)?))
}

pub(super) async fn otp_sign_in(State(app): AppState, request: Request) -> Reply {
    otp_send(&app, request, Purpose::SignIn).await
}

pub(super) async fn otp_sign_up_or_in(State(app): AppState, request: Request) -> Reply {
    otp_send(&app, request, Purpose::SignUpOrIn).await
}

async fn otp_send(app: &App, request: Request, purpose: Purpose) -> Reply {
    let Call { body, .. } = call::<OtpSignInRequest>(app, request).await?;
    let claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    let intent = intent(app, purpose, &body.login_id, Profile::default(), claims)?;
    Ok(sent(deliver(app, Method::Otp, intent, None)?))
}

pub(super) async fn otp_verify(State(app): AppState, request: Request) -> Reply {
    let Call { body, ip, .. } = call::<OtpVerifyRequest>(&app, request).await?;
    required(&body.login_id, "loginId")?;
    required(body.code.secret(), "code")?;
    let intent = {
        let mut store = app.store();
        let checked = store
            .verifications
            .check_code(&body.login_id, body.code.secret(), app.now());
        drop(store);
        checked?
    };
    sign_in_verified(&app, ip, &intent)
}

pub(super) async fn otp_update_email(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    let headers = request.headers().clone();
    let body: OtpUpdateEmailRequest = parse(request.into_body()).await?;
    let add = body.add_to_login_i_ds.unwrap_or(false);
    let intent = update_intent(&app, &headers, &body.login_id, &body.email, add)?;
    Ok(sent(deliver(&app, Method::Otp, intent, None)?))
}

pub(super) async fn outbox(State(app): AppState) -> Response {
    let messages = app.outbox().all();
    json(StatusCode::OK, &serde_json::json!({ "messages": messages }))
}

pub(super) async fn clear_outbox(State(app): AppState) -> Response {
    app.outbox().clear();
    json(StatusCode::OK, &serde_json::json!({}))
}
