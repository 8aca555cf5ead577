//! The two kinds of emailed link: what each sends and answers.

use std::future::Future;

use super::{EmailSent, EnchantedLinkSent};
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::secret::RefreshJwt;
use crate::transport::send;
use crate::wire::{LinkSignInRequest, LinkSignUpRequest, LinkUpdateEmailRequest};

mod sealed {
    pub trait Sealed {}
}

/// A kind of emailed link: [`MagicLink`] or [`EnchantedLink`]. Sealed.
pub trait LinkKind: sealed::Sealed + Send + Sync + 'static {
    /// What a send answers.
    type Sent: Send + 'static;
    #[doc(hidden)]
    fn sign_up(
        client: &Client,
        body: &LinkSignUpRequest,
    ) -> impl Future<Output = Result<Self::Sent>> + Send;
    #[doc(hidden)]
    fn sign_in(
        client: &Client,
        body: &LinkSignInRequest,
        or_up: bool,
    ) -> impl Future<Output = Result<Self::Sent>> + Send;
    #[doc(hidden)]
    fn update_email(
        client: &Client,
        refresh_jwt: &RefreshJwt,
        body: &LinkUpdateEmailRequest,
    ) -> impl Future<Output = Result<Self::Sent>> + Send;
}

/// Magic links: the emailed link carries `?t=<token>`, which the app verifies.
#[derive(Clone, Copy, Debug)]
pub struct MagicLink;

/// Enchanted links: the user clicks the right one of the emailed links (its `linkId` is shown),
/// and the device that asked gets the session by polling.
#[derive(Clone, Copy, Debug)]
pub struct EnchantedLink;

impl sealed::Sealed for MagicLink {}
impl sealed::Sealed for EnchantedLink {}

impl LinkKind for MagicLink {
    type Sent = EmailSent;

    async fn sign_up(client: &Client, body: &LinkSignUpRequest) -> Result<EmailSent> {
        let api = client.api();
        let op = Operation::MagicLinkSignUpEmail;
        let response = send(&client.shared, op, || api.magic_link_sign_up_email(body)).await?;
        Ok(EmailSent::from_wire(response.into_inner()))
    }

    async fn sign_in(client: &Client, body: &LinkSignInRequest, or_up: bool) -> Result<EmailSent> {
        let api = client.api();
        let response = if or_up {
            let op = Operation::MagicLinkSignUpOrInEmail;
            send(&client.shared, op, || {
                api.magic_link_sign_up_or_in_email(body)
            })
            .await?
        } else {
            let op = Operation::MagicLinkSignInEmail;
            send(&client.shared, op, || api.magic_link_sign_in_email(body)).await?
        };
        Ok(EmailSent::from_wire(response.into_inner()))
    }

    async fn update_email(
        client: &Client,
        refresh_jwt: &RefreshJwt,
        body: &LinkUpdateEmailRequest,
    ) -> Result<EmailSent> {
        let api = client.api_with_token(refresh_jwt.secret(), "refresh JWT")?;
        let op = Operation::MagicLinkUpdateEmail;
        let response = send(&client.shared, op, || api.magic_link_update_email(body)).await?;
        Ok(EmailSent::from_wire(response.into_inner()))
    }
}

impl LinkKind for EnchantedLink {
    type Sent = EnchantedLinkSent;

    async fn sign_up(client: &Client, body: &LinkSignUpRequest) -> Result<EnchantedLinkSent> {
        let api = client.api();
        let op = Operation::EnchantedLinkSignUpEmail;
        let response = send(&client.shared, op, || {
            api.enchanted_link_sign_up_email(body)
        })
        .await?;
        EnchantedLinkSent::from_wire(op, response.into_inner())
    }

    async fn sign_in(
        client: &Client,
        body: &LinkSignInRequest,
        or_up: bool,
    ) -> Result<EnchantedLinkSent> {
        let api = client.api();
        let (op, response) = if or_up {
            let op = Operation::EnchantedLinkSignUpOrInEmail;
            let call = || api.enchanted_link_sign_up_or_in_email(body);
            (op, send(&client.shared, op, call).await?)
        } else {
            let op = Operation::EnchantedLinkSignInEmail;
            let call = || api.enchanted_link_sign_in_email(body);
            (op, send(&client.shared, op, call).await?)
        };
        EnchantedLinkSent::from_wire(op, response.into_inner())
    }

    async fn update_email(
        client: &Client,
        refresh_jwt: &RefreshJwt,
        body: &LinkUpdateEmailRequest,
    ) -> Result<EnchantedLinkSent> {
        let api = client.api_with_token(refresh_jwt.secret(), "refresh JWT")?;
        let op = Operation::EnchantedLinkUpdateEmail;
        let response = send(&client.shared, op, || api.enchanted_link_update_email(body)).await?;
        EnchantedLinkSent::from_wire(op, response.into_inner())
    }
}
