//! Access keys: `client.access_keys()`, machine-to-machine sessions.

use serde_json::Value;

use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_token, request};
use crate::secret::{AccessKey, SessionJwt};
use crate::session::Session;
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{AccessKeyLoginOptions, ExchangeAccessKeyRequest};

/// Access-key operations of a [`Client`]. Get one with [`Client::access_keys`].
#[derive(Clone, Debug)]
pub struct AccessKeyClient {
    pub(crate) client: Client,
}

impl AccessKeyClient {
    /// Exchanges an access key for a session JWT, validated locally as
    /// [`SessionClient::validate`](crate::SessionClient::validate) does; its `sub` is the
    /// key's ID. A service calling your backend sends the session JWT as its bearer token.
    ///
    /// ```no_run
    /// # async fn run(client: descope::Client) -> Result<(), descope::Error> {
    /// let access = client.access_keys().exchange("K2...").await?;
    /// println!("machine {} until {:?}", access.key_id, access.session.expires_at());
    /// # Ok(()) }
    /// ```
    pub fn exchange(&self, access_key: impl Into<AccessKey>) -> ExchangeAccessKey {
        ExchangeAccessKey {
            client: self.client.clone(),
            access_key: access_key.into(),
            body: ExchangeAccessKeyRequest::default(),
        }
    }
}

request! {
    /// An access-key exchange being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct ExchangeAccessKey {
        client: Client,
        access_key: AccessKey,
        body: ExchangeAccessKeyRequest,
    } => Result<AccessKeySession>;
}

impl ExchangeAccessKey {
    fn options(&mut self) -> &mut AccessKeyLoginOptions {
        self.body.login_options.get_or_insert_with(Default::default)
    }

    setters! {
        /// A custom claim for the session JWT. Defaults to none.
        custom_claim(key: impl Into<String>, value: impl Into<Value>)
            => insert(options().custom_claims);

        /// The tenant to select (`dct`). Defaults to none.
        selected_tenant(tenant_id: impl Into<String>) => Some(options().selected_tenant);
    }
}

impl ExchangeAccessKey {
    async fn run(self) -> Result<AccessKeySession> {
        const OP: Operation = Operation::ExchangeAccessKey;
        check_token(self.access_key.secret(), "access key")?;
        let api = self
            .client
            .api_with_token(self.access_key.secret(), "access key")?;
        let body = send(&self.client.shared, OP, || {
            api.exchange_access_key(&self.body)
        })
        .await?
        .into_inner();
        let session_jwt =
            body.session_jwt
                .filter(|t| !t.is_empty())
                .ok_or_else(|| Error::Decode {
                    operation: OP,
                    reason: "the response has no session JWT".into(),
                })?;
        let session = self
            .client
            .sessions()
            .verify(session_jwt.secret(), crate::session::TokenKind::Session)
            .await?;
        Ok(AccessKeySession {
            key_id: session.user_id().to_owned(),
            expiration: body.expiration.map(crate::time::instant),
            session_jwt,
            session,
        })
    }
}

/// The session of an access key.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct AccessKeySession {
    /// The access key's ID: the session JWT's `sub`.
    pub key_id: String,
    /// The session JWT, to send as a bearer token.
    pub session_jwt: SessionJwt,
    /// The session JWT, validated.
    pub session: Session,
    /// When the session JWT expires, when the service said.
    pub expiration: Option<std::time::SystemTime>,
}
