//! OTP by email, and the outbox routes. What sending a code or link and verifying it do is in
//! `email_flow`, shared with the link routes (`email_links`).

use super::email_flow::{deliver, intent, sent, sign_in_verified, update_intent, Profile};
use super::tokens::peer_ip;
use super::*;
use crate::outbox::{Method, Purpose};
use descope::wire::{OtpSignInRequest, OtpSignUpRequest, OtpUpdateEmailRequest, OtpVerifyRequest};

/// The OTP routes and the outbox.
pub(crate) fn routes() -> Router<Arc<App>> {
    Router::new()
        .route("/v1/auth/otp/signup/email", post(otp_sign_up))
        .route("/v1/auth/otp/signin/email", post(otp_sign_in))
        .route("/v1/auth/otp/signup-in/email", post(otp_sign_up_or_in))
        .route("/v1/auth/otp/verify/email", post(otp_verify))
        .route("/v1/auth/otp/update/email", post(otp_update_email))
        .route("/emulator/v1/outbox", get(outbox).delete(clear_outbox))
}

async fn otp_sign_up(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    authorize(&app, request.headers())?;
    let body: OtpSignUpRequest = parse(request.into_body()).await?;
    let user = body.user.unwrap_or_default();
    let profile = Profile {
        email: user.email.or(body.email),
        name: user.name,
        phone: user.phone,
    };
    let claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    let intent = intent(&app, Purpose::SignUp, &body.login_id, profile, claims)?;
    Ok(sent(deliver(&app, Method::Otp, intent, None)?))
}

async fn otp_sign_in(State(app): AppState, request: Request) -> Reply {
    otp_send(&app, request, Purpose::SignIn).await
}

async fn otp_sign_up_or_in(State(app): AppState, request: Request) -> Reply {
    otp_send(&app, request, Purpose::SignUpOrIn).await
}

async fn otp_send(app: &App, request: Request, purpose: Purpose) -> Reply {
    app.check_rate()?;
    authorize(app, request.headers())?;
    let body: OtpSignInRequest = parse(request.into_body()).await?;
    let claims = body
        .login_options
        .and_then(|o| o.custom_claims)
        .unwrap_or_default();
    let intent = intent(app, purpose, &body.login_id, Profile::default(), claims)?;
    Ok(sent(deliver(app, Method::Otp, intent, None)?))
}

async fn otp_verify(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    authorize(&app, request.headers())?;
    let ip = peer_ip(&request);
    let body: OtpVerifyRequest = parse(request.into_body()).await?;
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

async fn otp_update_email(State(app): AppState, request: Request) -> Reply {
    app.check_rate()?;
    let headers = request.headers().clone();
    let body: OtpUpdateEmailRequest = parse(request.into_body()).await?;
    let add = body.add_to_login_i_ds.unwrap_or(false);
    let intent = update_intent(&app, &headers, &body.login_id, &body.email, add)?;
    Ok(sent(deliver(&app, Method::Otp, intent, None)?))
}

async fn outbox(State(app): AppState) -> Response {
    let messages = app.outbox().all();
    json(StatusCode::OK, &serde_json::json!({ "messages": messages }))
}

async fn clear_outbox(State(app): AppState) -> Response {
    app.outbox().clear();
    json(StatusCode::OK, &serde_json::json!({}))
}
