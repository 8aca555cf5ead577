//! Sending a password reset.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_login_id, request};
use crate::secret::OpaqueToken;
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{PasswordResetRequest, PasswordResetResponse};

request! {
    /// A password reset being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct SendReset { client: Client, body: PasswordResetRequest } => Result<ResetSent>;
}

impl SendReset {
    setters! {
        /// Where the reset link leads. Defaults to the project's setting.
        redirect_url(url: impl Into<String>) => Some(body.redirect_url);
    }

    super::message_setters!();

    setters! {
        /// Send to the recovery email or phone. Defaults to no.
        use_recovery(use_recovery: bool) => Some(body.use_recovery);
    }
}

impl SendReset {
    async fn run(self) -> Result<ResetSent> {
        const OP: Operation = Operation::PasswordSendReset;
        check_login_id(&self.body.login_id)?;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || {
            api.password_send_reset(&self.body)
        })
        .await?;
        ResetSent::from_wire(OP, response.into_inner())
    }
}

/// How a reset completes, as the project is configured (`resetMethod`): the emailed link or
/// code is verified with the matching method, then the new password is set with
/// [`update`](super::PasswordClient::update) under the refresh JWT that verification returns.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResetMethod {
    /// `magiclink`: the emailed link carries `?t=<token>`; verify it with
    /// [`magic_link().verify`](crate::email::MagicLinkClient::verify), or do it all with
    /// [`complete_reset_with_magic_link`](super::PasswordClient::complete_reset_with_magic_link).
    MagicLink,
    /// `enchantedlink`: the user clicks the right link ([`ResetSent::link_id`]); wait for the
    /// session with [`enchanted_link().wait_for_session`](crate::email::EnchantedLinkClient::wait_for_session)
    /// and [`ResetSent::pending_ref`].
    EnchantedLink,
    /// `otp`: the user types the emailed code; verify it with
    /// [`otp().verify`](crate::email::OtpClient::verify).
    Otp,
    /// A method this crate does not know yet: compare with [`as_str`](Self::as_str), never by
    /// matching a string inside.
    Other(crate::Unrecognized),
}

impl ResetMethod {
    /// The method as on the wire (`magiclink`, `enchantedlink`, `otp`, or the unknown text).
    pub fn as_str(&self) -> &str {
        match self {
            ResetMethod::MagicLink => "magiclink",
            ResetMethod::EnchantedLink => "enchantedlink",
            ResetMethod::Otp => "otp",
            ResetMethod::Other(other) => other.as_str(),
        }
    }

    fn from_wire(text: &str) -> Self {
        match text {
            "magiclink" => ResetMethod::MagicLink,
            "enchantedlink" => ResetMethod::EnchantedLink,
            "otp" => ResetMethod::Otp,
            other => ResetMethod::Other(crate::Unrecognized::new(other)),
        }
    }
}

impl std::fmt::Display for ResetMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`SendReset`] returns: how the reset completes, and where it was sent (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetSent {
    /// How the reset completes.
    pub method: ResetMethod,
    /// The address it went to, masked (`a***@example.com`), when the service said.
    pub masked_email: Option<String>,
    /// For an enchanted link: the reference to wait for the session with (a secret: whoever
    /// holds it gets the session once the link is clicked).
    pub pending_ref: Option<OpaqueToken>,
    /// For an enchanted link: the ID of the right link among those emailed (show it).
    pub link_id: Option<String>,
}

impl ResetSent {
    pub(crate) fn from_wire(operation: Operation, wire: PasswordResetResponse) -> Result<Self> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty());
        let method = text(wire.reset_method).ok_or_else(|| Error::Decode {
            operation,
            reason: "the response has no resetMethod".into(),
        })?;
        Ok(Self {
            method: ResetMethod::from_wire(&method),
            masked_email: text(wire.masked_email),
            pending_ref: wire.pending_ref.filter(|p| !p.is_empty()),
            link_id: text(wire.link_id),
        })
    }
}
