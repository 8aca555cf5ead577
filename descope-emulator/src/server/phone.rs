//! One-time codes by SMS and voice (`/v1/auth/otp/{signup,signin,signup-in,verify}/{sms,voice}`,
//! `/v1/auth/otp/update/phone/{sms,voice}`): the code goes to the outbox with `delivery`
//! `sms` or `voice` and `to` the E.164 number; verifying works as for email codes (single use,
//! `--code-ttl`, a new code replaces the older one, too many wrong attempts spend it) and sets
//! `verifiedPhone`.

use super::email_flow::sign_in_verified;
use super::lenient::{field as text, option_claims, required_field};
use super::tokens::check_refresh;
use super::*;
use crate::outbox::{Delivery, Method, OutboxMessage, Purpose};
use crate::verification::Intent;

/// The routes' channel: SMS, or voice.
pub(super) const SMS: bool = false;
pub(super) const VOICE: bool = true;

fn delivery(voice: bool) -> Delivery {
    if voice {
        Delivery::Voice
    } else {
        Delivery::Sms
    }
}

/// Whether `phone` is an E.164 number: `+` and 4 to 15 digits, not starting with 0.
fn is_e164(phone: &str) -> bool {
    let digits = phone.strip_prefix('+').unwrap_or_default();
    (4..=15).contains(&digits.len())
        && digits.bytes().all(|b| b.is_ascii_digit())
        && !digits.starts_with('0')
}

fn e164(phone: &str) -> Result<String, Failure> {
    let phone = phone.trim();
    if is_e164(phone) {
        Ok(phone.to_owned())
    } else {
        Err(Failure::InvalidArgument(
            "the phone number is not E.164 (+ and 4 to 15 digits)".into(),
        ))
    }
}

/// `+1********00`: the first two characters and the last two digits.
fn mask_phone(phone: &str) -> String {
    let chars: Vec<char> = phone.chars().collect();
    let keep_start = chars.len().min(2);
    let keep_end = chars.len().saturating_sub(keep_start).min(2);
    let hidden = chars.len() - keep_start - keep_end;
    let mut out: String = chars[..keep_start].iter().collect();
    out.push_str(&"*".repeat(hidden));
    out.extend(&chars[chars.len() - keep_end..]);
    out
}

/// Issues the code of `intent` and puts the message in the outbox: `{maskedPhone}`.
fn deliver(app: &App, voice: bool, intent: Intent) -> Reply {
    let phone = intent.phone.clone().unwrap_or_default();
    let message = OutboxMessage {
        to: phone.clone(),
        login_id: intent.login_id.clone(),
        method: Method::Otp,
        purpose: intent.purpose,
        delivery: delivery(voice),
        code: None,
        link: None,
        link_id: None,
        time: app.now(),
    };
    let now = app.now();
    let code = app.store().verifications.issue_code(intent, now)?;
    app.outbox().push(OutboxMessage {
        code: Some(code),
        ..message
    });
    Ok(json(
        StatusCode::OK,
        &serde_json::json!({ "maskedPhone": mask_phone(&phone) }),
    ))
}

fn intent(
    app: &App,
    voice: bool,
    purpose: Purpose,
    login_id: &str,
    user_id: Option<String>,
    phone: String,
) -> Intent {
    Intent {
        purpose,
        user_id,
        login_id: login_id.to_owned(),
        email: String::new(),
        name: None,
        phone: Some(phone),
        add_to_login_ids: false,
        custom_claims: Map::new(),
        expires_at: app.now() + app.options.code_ttl.as_secs() as i64,
        address_unproven: false,
        email_verified: false,
        phone_delivery: Some(delivery(voice)),
    }
}

/// `POST /v1/auth/otp/signup/{sms,voice}`: a new login ID; the number is the body's `phone`
/// (the Python SDK's `voice` for a call), else `user.phone`, else the login ID.
pub(super) async fn sign_up<const IS_VOICE: bool>(State(app): AppState, request: Request) -> Reply {
    let Call { body, .. } = call::<Value>(&app, request).await?;
    let login_id =
        text(&body, "loginId").ok_or_else(|| Failure::MissingArgument("loginId".into()))?;
    let user = body.get("user").cloned().unwrap_or(Value::Null);
    let phone = text(&body, "phone")
        .or_else(|| text(&body, "voice"))
        .or_else(|| text(&user, "phone"))
        .unwrap_or(login_id);
    let phone = e164(phone)?;
    if app.store().user_by_login(login_id).is_some() {
        return Err(Failure::UserExists);
    }
    let mut intent = intent(&app, IS_VOICE, Purpose::SignUp, login_id, None, phone);
    intent.name = text(&user, "name").map(str::to_owned);
    intent.email = text(&user, "email").unwrap_or_default().to_owned();
    intent.custom_claims = option_claims(&body);
    deliver(&app, IS_VOICE, intent)
}

/// `POST /v1/auth/otp/signin/{sms,voice}` (`OR_UP`: `/signup-in`, where a new login ID that is
/// a number signs up).
pub(super) async fn sign_in<const IS_VOICE: bool, const OR_UP: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let Call { body, .. } = call::<Value>(&app, request).await?;
    let login_id =
        text(&body, "loginId").ok_or_else(|| Failure::MissingArgument("loginId".into()))?;
    let existing = app.store().user_by_login(login_id).cloned();
    let (purpose, user_id, phone) = match existing {
        Some(user) => {
            if user.is_disabled() {
                return Err(Failure::UserDisabled);
            }
            let phone = user
                .phone
                .clone()
                .or_else(|| is_e164(login_id).then(|| login_id.to_owned()))
                .ok_or_else(|| Failure::InvalidArgument("the user has no phone number".into()))?;
            let purpose = if OR_UP {
                Purpose::SignUpOrIn
            } else {
                Purpose::SignIn
            };
            (purpose, Some(user.user_id), phone)
        }
        None if OR_UP => (Purpose::SignUpOrIn, None, e164(login_id)?),
        None => return Err(Failure::UserNotFound),
    };
    let mut intent = intent(&app, IS_VOICE, purpose, login_id, user_id, phone);
    intent.custom_claims = option_claims(&body);
    deliver(&app, IS_VOICE, intent)
}

/// `POST /v1/auth/otp/verify/{sms,voice}` `{loginId, code}`.
pub(super) async fn verify(State(app): AppState, request: Request) -> Reply {
    let Call { body, ip, .. } = call::<Value>(&app, request).await?;
    let login_id =
        text(&body, "loginId").ok_or_else(|| Failure::MissingArgument("loginId".into()))?;
    let code = required_field(&body, "code")?;
    let intent = {
        let mut store = app.store();
        let checked = store.verifications.check_code(login_id, &code, app.now());
        drop(store);
        checked?
    };
    sign_in_verified(&app, ip, &intent)
}

/// `POST /v1/auth/otp/update/phone/{sms,voice}` `{loginId, phone, addToLoginIDs}` with the
/// owner's refresh JWT: a code to the new number; verifying with the login ID sets it.
pub(super) async fn update_phone<const IS_VOICE: bool>(
    State(app): AppState,
    request: Request,
) -> Reply {
    let Call { body, auth, .. } = call::<Value>(&app, request).await?;
    let owner = check_refresh(&app, auth.token.as_deref())?.user;
    let login_id =
        text(&body, "loginId").ok_or_else(|| Failure::MissingArgument("loginId".into()))?;
    if !owner
        .login_ids
        .iter()
        .any(|l| login_key(l) == login_key(login_id))
    {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    let phone =
        e164(text(&body, "phone").ok_or_else(|| Failure::MissingArgument("phone".into()))?)?;
    let mut intent = intent(
        &app,
        IS_VOICE,
        Purpose::UpdatePhone,
        login_id,
        Some(owner.user_id),
        phone,
    );
    intent.add_to_login_ids = body
        .get("addToLoginIDs")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    deliver(&app, IS_VOICE, intent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_masked_and_checked() {
        assert_eq!(mask_phone("+14155550100"), "+1********00");
        assert!(is_e164("+14155550100"));
        for bad in ["14155550100", "+0415", "+1 415", "+123", ""] {
            assert!(!is_e164(bad), "{bad}");
        }
    }
}
