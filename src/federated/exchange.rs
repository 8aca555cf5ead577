//! The exchange of a provider's one-time code for a session, shared by OAuth and SSO.

use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::email::{check_secret, signed_in};
use crate::error::Result;
use crate::operation::Operation;
use crate::request::request;
use crate::secret::OpaqueToken;
use crate::transport::send;
use crate::wire::ExchangeTokenRequest;

request! {
    /// The exchange of the `code` a provider sent back to the callback, for the user's
    /// session; `.await` it. The session JWT is validated locally, as after a sign-in.
    pub struct CodeExchange {
        client: Client,
        operation: Operation,
        code: OpaqueToken,
    } => Result<AuthInfo>;
}

impl CodeExchange {
    /// `operation` is [`Operation::OauthExchange`] or [`Operation::SsoExchange`].
    pub(crate) fn new(client: &Client, operation: Operation, code: OpaqueToken) -> Self {
        CodeExchange {
            client: client.clone(),
            operation,
            code,
        }
    }

    async fn run(self) -> Result<AuthInfo> {
        let op = self.operation;
        check_secret(&self.code, "code")?;
        let body = ExchangeTokenRequest {
            code: Some(self.code),
        };
        let api = self.client.api();
        let response = match op {
            Operation::SsoExchange => {
                send(&self.client.shared, op, || api.sso_exchange(&body)).await?
            }
            _ => send(&self.client.shared, op, || api.oauth_exchange(&body)).await?,
        };
        signed_in(&self.client, op, response).await
    }
}
