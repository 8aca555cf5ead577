//! Sending a password reset.

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{awaitable, check_login_id};
use crate::transport::send;
use crate::wire::{PasswordResetRequest, PasswordResetResponse};

/// A password reset being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct SendReset {
    pub(super) client: Client,
    pub(super) body: PasswordResetRequest,
}

impl SendReset {
    /// Where the reset link leads. Defaults to the project's setting.
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.body.redirect_url = Some(url.into());
        self
    }

    /// A value for the message template. Defaults to none.
    pub fn template_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.body
            .template_options
            .get_or_insert_with(Default::default)
            .insert(key.into(), value.into());
        self
    }

    /// The message template. Defaults to the project's.
    pub fn template_id(mut self, template_id: impl Into<String>) -> Self {
        self.body.template_id = Some(template_id.into());
        self
    }

    /// The provider that sends the reset. Defaults to the project's.
    pub fn provider_id(mut self, provider_id: impl Into<String>) -> Self {
        self.body.provider_id = Some(provider_id.into());
        self
    }

    /// The locale of the message. Defaults to the project's.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.body.locale = Some(locale.into());
        self
    }

    /// Send to the recovery email or phone. Defaults to no.
    pub fn use_recovery(mut self, use_recovery: bool) -> Self {
        self.body.use_recovery = Some(use_recovery);
        self
    }

    /// Sends the reset request.
    pub async fn send(self) -> Result<ResetSent> {
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
awaitable!(SendReset => ResetSent);

/// What [`SendReset`] returns: how the reset was sent, and where to (masked).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetSent {
    /// How the reset was sent (`email`...).
    pub method: String,
    /// The address it went to, masked (`a***@example.com`), when the service said.
    pub masked_email: Option<String>,
    /// A reference to poll for completion, for methods that have one.
    pub pending_ref: Option<String>,
    /// The ID of the link sent, for methods that have one.
    pub link_id: Option<String>,
}

impl ResetSent {
    pub(crate) fn from_wire(operation: Operation, wire: PasswordResetResponse) -> Result<Self> {
        let text = |v: Option<String>| v.filter(|v| !v.is_empty());
        Ok(Self {
            method: text(wire.reset_method).ok_or_else(|| Error::Decode {
                operation,
                reason: "the response has no resetMethod".into(),
            })?,
            masked_email: text(wire.masked_email),
            pending_ref: text(wire.pending_ref),
            link_id: text(wire.link_id),
        })
    }
}
