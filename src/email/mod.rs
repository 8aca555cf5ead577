//! Email verification and passwordless completion: one-time codes ([`OtpClient`]), magic links
//! ([`MagicLinkClient`]) and enchanted links ([`EnchantedLinkClient`]), by email. A password app
//! uses them to finish a password reset ([`ResetSent::method`](crate::ResetSent::method) says
//! which) and to verify a user's email address.
//!
//! Every operation is a builder that owns a cheap clone of the client: `.await` it (or
//! [`send`](OtpVerify::send) it); its future is `'static + Send`. Every verification returns
//! an [`AuthInfo`] whose session JWT was validated locally; [`AuthInfo::first_seen`] tells a
//! sign-up from a sign-in. A wrong code or token, an expired or used one, and too many attempts
//! are told apart by [`Error::is_wrong_code`](crate::Error::is_wrong_code),
//! [`Error::is_code_expired`](crate::Error::is_code_expired) and
//! [`Error::is_too_many_attempts`](crate::Error::is_too_many_attempts).

mod link_kind;
mod links;
mod otp;
mod wait;

pub use links::{
    EnchantedLink, EnchantedLinkClient, EnchantedLinkVerify, LinkKind, LinkSignIn, LinkSignUp,
    LinkUpdateEmail, MagicLink, MagicLinkClient, MagicLinkVerify, PendingSession,
};
pub use otp::{OtpClient, OtpSignIn, OtpSignUp, OtpUpdateEmail, OtpVerify};
pub use wait::{WaitForSession, DEFAULT_POLL_INTERVAL};

pub use crate::unrecognized::Unrecognized;

use crate::auth_info::{set_cookie_headers, AuthInfo};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::secret::OpaqueToken;
use crate::wire::{EmailOperationResponse, EnchantedLinkResponse, JwtResponse};

/// Where an emailed code or magic link went.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EmailSent {
    /// The address, masked (`a***@example.com`), when the service said.
    pub masked_email: Option<String>,
}

impl EmailSent {
    pub(crate) fn from_wire(wire: EmailOperationResponse) -> Self {
        Self {
            masked_email: wire.masked_email.filter(|m| !m.is_empty()),
        }
    }
}

/// Where enchanted links went, and how to wait for the session.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct EnchantedLinkSent {
    /// The reference to wait for the session with
    /// ([`EnchantedLinkClient::wait_for_session`]). A secret: whoever holds it gets the session
    /// once the link is clicked.
    pub pending_ref: OpaqueToken,
    /// The ID of the right link among those emailed: show it to the user.
    pub link_id: String,
    /// The address, masked, when the service said.
    pub masked_email: Option<String>,
}

impl EnchantedLinkSent {
    pub(crate) fn from_wire(operation: Operation, wire: EnchantedLinkResponse) -> Result<Self> {
        let missing = |what: &str| Error::Decode {
            operation,
            reason: format!("the response has no {what}"),
        };
        Ok(Self {
            pending_ref: wire
                .pending_ref
                .filter(|p| !p.is_empty())
                .ok_or_else(|| missing("pendingRef"))?,
            link_id: wire
                .link_id
                .filter(|l| !l.is_empty())
                .ok_or_else(|| missing("linkId"))?,
            masked_email: wire.masked_email.filter(|m| !m.is_empty()),
        })
    }
}

/// The signed-in user of a verification: the JWT response as an [`AuthInfo`], its session JWT
/// validated locally.
pub(crate) async fn signed_in(
    client: &Client,
    operation: Operation,
    response: progenitor_client::ResponseValue<JwtResponse>,
) -> Result<AuthInfo> {
    let headers = set_cookie_headers(response.headers());
    let auth = AuthInfo::from_response(operation, response.into_inner(), &headers)?;
    let token = auth.session_jwt.secret();
    (client.sessions())
        .verify(token, crate::session::TokenKind::Session)
        .await?;
    client.check_cookie_names(&auth.cookies);
    Ok(auth)
}

/// Refuses an empty email address, or one without `@`.
pub(crate) fn check_email(email: &str) -> Result<()> {
    let email = email.trim();
    if email.is_empty() {
        return Err(Error::invalid("email", "is empty"));
    }
    if !email.contains('@') {
        return Err(Error::invalid("email", "is not an email address"));
    }
    Ok(())
}

/// The address an emailed sign-up goes to: the profile's `email` (`user_email`), else the login
/// ID, checked, and set as the profile's email too (the service reads either field).
pub(crate) fn sign_up_address(login_id: &str, user_email: &mut Option<String>) -> Result<String> {
    let address = user_email
        .get_or_insert_with(|| login_id.to_owned())
        .clone();
    check_email(&address)?;
    Ok(address)
}

/// Refuses an empty code or token.
pub(crate) fn check_secret(secret: &OpaqueToken, field: &'static str) -> Result<()> {
    if secret.secret().trim().is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    Ok(())
}

/// The setters of the email-update builders (the same options for every method).
macro_rules! update_email_setters {
    () => {
        $crate::setters::setters! {
            /// Also make the new address a login ID of the user (`addToLoginIDs`). Defaults to no
            /// (not sent).
            add_to_login_ids(add: bool) => Some(body.add_to_login_i_ds);

            /// When the new address is another user's login ID, merge into that user
            /// (`onMergeUseExisting`). Defaults to no (not sent).
            on_merge_use_existing(merge: bool) => Some(body.on_merge_use_existing);

            /// Fail when the new address is already another user's login ID (`failOnConflict`).
            /// Defaults to the service's behaviour (not sent).
            fail_on_conflict(fail: bool) => Some(body.fail_on_conflict);
        }

        $crate::password::message_setters!();
    };
}
pub(crate) use update_email_setters;
