//! What sending a code or link by email and verifying it do, for OTP, magic links and
//! enchanted links alike: who a send is for, delivery to the outbox, and the sign-in or update
//! a verification completes. The routes are in `email` (OTP) and `email_links`.

use super::tokens::{check_refresh, grant, Grant};
use super::*;
use crate::outbox::{Method, OutboxMessage, Purpose};
use crate::verification::{with_token, Intent};
use descope::wire::EmailOperationResponse;

/// The profile a sign-up names.
#[derive(Default)]
pub(crate) struct Profile {
    pub(crate) email: Option<String>,
    pub(crate) name: Option<String>,
    pub(crate) phone: Option<String>,
}

/// What an email sign-up (OTP or link) names: the profile of its `user` (the address from
/// `user.email`, else the body's `email`) and its login options' custom claims.
pub(crate) fn sign_up_profile(
    email: Option<String>,
    name: Option<String>,
    phone: Option<String>,
    options: Option<descope::wire::SignUpOptions>,
) -> (Profile, Map<String, Value>) {
    let claims = options.and_then(|o| o.custom_claims).unwrap_or_default();
    (Profile { email, name, phone }, claims)
}

/// Who a send is for, checked now: the user of a sign-in (enabled, with an address), or a
/// new login ID for a sign-up. A sign-up-or-in is whichever applies.
pub(crate) fn intent(
    app: &App,
    purpose: Purpose,
    login_id: &str,
    profile: Profile,
    custom_claims: Map<String, Value>,
) -> Result<Intent, Failure> {
    required(login_id, "loginId")?;
    let store = app.store();
    let existing = store.user_by_login(login_id);
    let (user_id, email) = match (purpose, existing) {
        (Purpose::SignUp, Some(_)) => return Err(Failure::UserExists),
        (Purpose::SignIn | Purpose::Reset, None) => return Err(Failure::UserNotFound),
        (_, Some(user)) => {
            if user.is_disabled() {
                return Err(Failure::UserDisabled);
            }
            let email = user
                .email
                .clone()
                .or_else(|| login_id.contains('@').then(|| login_id.trim().to_owned()));
            (Some(user.user_id.clone()), email)
        }
        (_, None) => {
            let email = profile
                .email
                .clone()
                .filter(|e| !e.trim().is_empty())
                .unwrap_or_else(|| login_id.trim().to_owned());
            (None, Some(email))
        }
    };
    let email = email
        .filter(|e| e.contains('@'))
        .ok_or_else(|| Failure::InvalidArgument("no email address to send to".into()))?;
    Ok(Intent {
        purpose,
        user_id,
        login_id: login_id.trim().to_owned(),
        email,
        name: profile.name,
        phone: profile.phone,
        add_to_login_ids: false,
        custom_claims,
        expires_at: app.now() + app.options.code_ttl.as_secs() as i64,
        address_unproven: false,
        email_verified: false,
        phone_delivery: None,
    })
}

/// The intent of an email update by the signed-in owner of the refresh JWT.
pub(crate) fn update_intent(
    app: &App,
    headers: &HeaderMap,
    login_id: &str,
    email: &str,
    add_to_login_ids: bool,
) -> Result<Intent, Failure> {
    let auth = authorize(app, headers)?;
    let owner = check_refresh(app, auth.token.as_deref())?.user;
    required(login_id, "loginId")?;
    required(email, "email")?;
    if !email.contains('@') {
        return Err(Failure::InvalidArgument(
            "email is not an email address".into(),
        ));
    }
    if !owner
        .login_ids
        .iter()
        .any(|l| login_key(l) == login_key(login_id))
    {
        return Err(Failure::InvalidRefresh("session of another user"));
    }
    Ok(Intent {
        purpose: Purpose::UpdateEmail,
        user_id: Some(owner.user_id),
        login_id: login_id.trim().to_owned(),
        email: email.trim().to_owned(),
        name: None,
        phone: None,
        add_to_login_ids,
        custom_claims: Map::new(),
        expires_at: app.now() + app.options.code_ttl.as_secs() as i64,
        address_unproven: false,
        email_verified: false,
        phone_delivery: None,
    })
}

/// What a delivery answers.
pub(crate) struct Delivered {
    pub(crate) masked_email: String,
    pub(crate) pending_ref: Option<String>,
    pub(crate) link_id: Option<String>,
}

/// Issues the code or token of `intent` and puts the message in the outbox.
pub(crate) fn deliver(
    app: &App,
    method: Method,
    intent: Intent,
    redirect_url: Option<&str>,
) -> Result<Delivered, Failure> {
    let redirect_url = redirect_url.filter(|u| !u.trim().is_empty());
    if let Some(url) = redirect_url {
        check_link_url(url)?;
    }
    let now = app.now();
    let (to, login_id, purpose) = (
        intent.email.clone(),
        intent.login_id.clone(),
        intent.purpose,
    );
    let mut message = OutboxMessage {
        to: to.clone(),
        login_id,
        method,
        purpose,
        delivery: crate::outbox::Delivery::Email,
        code: None,
        link: None,
        link_id: None,
        time: now,
    };
    let mut pending_ref = None;
    {
        let mut store = app.store();
        match method {
            Method::Otp => message.code = Some(store.verifications.issue_code(intent, now)?),
            Method::MagicLink | Method::EnchantedLink => {
                let (token, pending) = store.verifications.issue_token(method, intent, now)?;
                let default = format!("{}/emulator/v1/link", app.base_url);
                let base = redirect_url
                    .or(app.options.redirect_url.as_deref())
                    .unwrap_or(&default);
                message.link = Some(with_token(base, &token));
                if method == Method::EnchantedLink {
                    // The right one of the links the user sees.
                    message.link_id = Some(format!(
                        "{}",
                        token.bytes().map(u32::from).sum::<u32>() % 100
                    ));
                }
                pending_ref = pending;
            }
        }
    }
    let link_id = message.link_id.clone();
    app.outbox().push(message);
    Ok(Delivered {
        masked_email: mask_email(&to),
        pending_ref,
        link_id,
    })
}

/// [`check_link_url`] for a request's optional redirect URL (empty means none), before anything
/// else about the request is looked at.
pub(crate) fn check_redirect(url: Option<&str>) -> Result<(), Failure> {
    match url.filter(|u| !u.trim().is_empty()) {
        Some(url) => check_link_url(url),
        None => Ok(()),
    }
}

/// Refuses a redirect URL or link URI that is not an absolute `http` or `https` URL: it
/// becomes a link in the outbox and the console, where `javascript:` or `data:` would run.
pub(crate) fn check_link_url(url: &str) -> Result<(), Failure> {
    if crate::is_web_url(url) {
        return Ok(());
    }
    Err(Failure::InvalidArgument(
        "the redirect URL must be an absolute http or https URL".into(),
    ))
}

/// Carries out a verified intent: the user it signs in, and whether it created them.
pub(crate) fn complete(app: &App, intent: &Intent) -> Result<(StoredUser, bool), Failure> {
    let mut store = app.store();
    let result = match &intent.user_id {
        None => {
            let by_phone = intent.phone_delivery.is_some();
            let user = StoredUser {
                user_id: format!("U{}", random_id(27)?),
                login_ids: vec![intent.login_id.clone()],
                name: intent.name.clone(),
                email: Some(intent.email.clone()).filter(|e| !e.is_empty()),
                phone: intent.phone.clone(),
                verified_email: !by_phone && (!intent.address_unproven || intent.email_verified),
                verified_phone: by_phone,
                created_time: app.now(),
                ..StoredUser::default()
            };
            if !store.insert_user(user.clone()) {
                return Err(Failure::UserExists);
            }
            (user, true)
        }
        Some(user_id) => {
            let new_login = match intent.purpose {
                Purpose::UpdateEmail => Some(intent.email.as_str()),
                Purpose::UpdatePhone => intent.phone.as_deref(),
                _ => None,
            };
            if let Some(login) = new_login.filter(|_| intent.add_to_login_ids) {
                if !store.add_login(user_id, login) {
                    return Err(Failure::UserExists);
                }
            }
            let user = store.users.get_mut(user_id).ok_or(Failure::UserNotFound)?;
            if user.is_disabled() {
                return Err(Failure::UserDisabled);
            }
            if intent.phone_delivery.is_some() {
                // The number was proven: it is the user's, verified.
                user.phone = intent.phone.clone().or(user.phone.take());
                user.verified_phone = true;
                return Ok((user.clone(), false));
            }
            let same = |e: &String| e.eq_ignore_ascii_case(&intent.email);
            let proven = !intent.address_unproven;
            if proven
                && (intent.purpose == Purpose::UpdateEmail || user.email.as_ref().is_none_or(same))
            {
                // The address was proven: it is the user's, verified.
                user.email = Some(intent.email.clone());
                user.verified_email = true;
            }
            (user.clone(), false)
        }
    };
    drop(store);
    Ok(result)
}

/// Signs in the user of a verified intent (a JWT response).
pub(crate) fn sign_in_verified(app: &App, request_ip: Option<String>, intent: &Intent) -> Reply {
    let (user, first_seen) = complete(app, intent)?;
    grant(
        app,
        Grant::sign_in(&user, first_seen, intent.custom_claims.clone()).ip(request_ip),
    )
}

pub(crate) fn sent(delivered: Delivered) -> Response {
    let mut response = EmailOperationResponse::default();
    response.masked_email = Some(delivered.masked_email);
    json(StatusCode::OK, &response)
}

/// `a***@example.com`
pub(crate) fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}
