//! Magic links and enchanted links by email: `client.magic_link()`, `client.enchanted_link()`.
//! The two share their requests; they differ in what a send answers and in how the session
//! arrives (the magic link's token is verified by the app; the enchanted link is verified by
//! the click, and the waiting device polls for the session).

pub use super::link_kind::{EnchantedLink, LinkKind, MagicLink};
use super::{
    check_email, check_secret, sign_up_address, signed_in, update_email_setters, WaitForSession,
};
use crate::auth_info::AuthInfo;
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::password::{email_sign_in_setters, sign_up_setters};
use crate::request::{check_login_id, check_token, request};
use crate::secret::{OpaqueToken, RefreshJwt};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::{
    LinkSignInRequest, LinkSignUpRequest, LinkUpdateEmailRequest, LinkVerifyRequest, LoginOptions,
    PendingSessionRequest, SignUpOptions, SignUpUser,
};

/// The requests both link kinds share.
macro_rules! link_requests {
    ($kind:ty) => {
        /// Creates a user and emails them a link to `redirect_url` (the service adds
        /// `t=<token>` to its query).
        pub fn sign_up(
            &self,
            login_id: impl Into<String>,
            redirect_url: impl Into<String>,
        ) -> LinkSignUp<$kind> {
            let body = LinkSignUpRequest {
                login_id: login_id.into(),
                uri: Some(redirect_url.into()),
                email: None,
                user: None,
                provider_id: None,
                login_options: None,
            };
            LinkSignUp {
                client: self.client.clone(),
                body,
                kind: std::marker::PhantomData,
            }
        }

        /// Emails an existing user a link to `redirect_url`.
        pub fn sign_in(
            &self,
            login_id: impl Into<String>,
            redirect_url: impl Into<String>,
        ) -> LinkSignIn<$kind> {
            LinkSignIn::new(&self.client, login_id.into(), redirect_url.into(), false)
        }

        /// Emails a link to `redirect_url`, creating the user when the login ID is new.
        pub fn sign_up_or_in(
            &self,
            login_id: impl Into<String>,
            redirect_url: impl Into<String>,
        ) -> LinkSignIn<$kind> {
            LinkSignIn::new(&self.client, login_id.into(), redirect_url.into(), true)
        }

        /// Emails a link to `email`, a new address for the signed-in user `login_id` (whose
        /// refresh JWT this is); verifying it sets the address, verified. The link leads to
        /// the builder's [`redirect_url`](LinkUpdateEmail::redirect_url), else the project's.
        pub fn update_email(
            &self,
            login_id: impl Into<String>,
            email: impl Into<String>,
            refresh_jwt: &RefreshJwt,
        ) -> LinkUpdateEmail<$kind> {
            let body = LinkUpdateEmailRequest {
                login_id: login_id.into(),
                email: email.into(),
                uri: None,
                add_to_login_i_ds: None,
                on_merge_use_existing: None,
                fail_on_conflict: None,
                provider_id: None,
                template_options: None,
                template_id: None,
                locale: None,
            };
            LinkUpdateEmail {
                client: self.client.clone(),
                refresh_jwt: refresh_jwt.clone(),
                body,
                kind: std::marker::PhantomData,
            }
        }
    };
}

/// Magic links by email. Get one with [`Client::magic_link`].
#[derive(Clone, Debug)]
pub struct MagicLinkClient {
    pub(crate) client: Client,
}

impl MagicLinkClient {
    link_requests!(MagicLink);

    /// Verifies the token of a clicked link (its `t` query parameter) and signs the user in.
    pub fn verify(&self, token: impl Into<OpaqueToken>) -> MagicLinkVerify {
        let body = LinkVerifyRequest {
            token: token.into(),
        };
        MagicLinkVerify {
            client: self.client.clone(),
            body,
        }
    }
}

/// Enchanted links by email. Get one with [`Client::enchanted_link`].
#[derive(Clone, Debug)]
pub struct EnchantedLinkClient {
    pub(crate) client: Client,
}

impl EnchantedLinkClient {
    link_requests!(EnchantedLink);

    /// Verifies the token of a clicked link (its `t` query parameter): the device that waits
    /// for the session gets it. Returns nothing: the session is not for the clicking device.
    pub fn verify(&self, token: impl Into<OpaqueToken>) -> EnchantedLinkVerify {
        let body = LinkVerifyRequest {
            token: token.into(),
        };
        EnchantedLinkVerify {
            client: self.client.clone(),
            body,
        }
    }

    /// Asks once for the session of `pending_ref`: the signed-in user once the link is
    /// verified (once; later asks are refused), else an error for which
    /// [`Error::is_pending`](crate::Error::is_pending) is true.
    pub fn pending_session(&self, pending_ref: impl Into<OpaqueToken>) -> PendingSession {
        let body = PendingSessionRequest {
            pending_ref: pending_ref.into(),
        };
        PendingSession {
            client: self.client.clone(),
            body,
        }
    }

    /// Waits for the session of `pending_ref`, polling politely (see [`WaitForSession`])
    /// until the link is verified or the deadline passes.
    pub fn wait_for_session(&self, pending_ref: impl Into<OpaqueToken>) -> WaitForSession {
        WaitForSession::new(self.pending_session(pending_ref))
    }
}

/// A link sign-up being prepared; `.await` it (or call [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LinkSignUp<K> {
    client: Client,
    body: LinkSignUpRequest,
    kind: std::marker::PhantomData<K>,
}

impl<K: LinkKind> LinkSignUp<K> {
    setters! {
        /// The provider that sends the message. Defaults to the project's.
        provider_id(provider_id: impl Into<String>) => Some(body.provider_id);
    }

    sign_up_setters!(
        SignUpUser,
        "The address to send the link to, when the login ID is not one. Defaults to the login ID."
    );
}

impl<K: LinkKind> LinkSignUp<K> {
    async fn run(mut self) -> Result<K::Sent> {
        check_login_id(&self.body.login_id)?;
        let user = self.body.user.get_or_insert_with(Default::default);
        self.body.email = Some(sign_up_address(&self.body.login_id, &mut user.email)?);
        K::sign_up(&self.client, &self.body).await
    }
}
request!(impl<K: LinkKind> LinkSignUp<K> => Result<K::Sent>);

/// A link sign-in (or sign-up-or-in) being prepared; `.await` it (or call
/// [`send`](Self::send)).
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LinkSignIn<K> {
    client: Client,
    body: LinkSignInRequest,
    or_up: bool,
    kind: std::marker::PhantomData<K>,
}

impl<K: LinkKind> LinkSignIn<K> {
    fn new(client: &Client, login_id: String, redirect_url: String, or_up: bool) -> Self {
        let body = LinkSignInRequest {
            login_id,
            uri: Some(redirect_url),
            login_options: Some(LoginOptions::default()),
            provider_id: None,
            sso_app_id: None,
            use_recovery: None,
        };
        Self {
            client: client.clone(),
            body,
            or_up,
            kind: std::marker::PhantomData,
        }
    }

    email_sign_in_setters!();
}

impl<K: LinkKind> LinkSignIn<K> {
    async fn run(self) -> Result<K::Sent> {
        check_login_id(&self.body.login_id)?;
        K::sign_in(&self.client, &self.body, self.or_up).await
    }
}
request!(impl<K: LinkKind> LinkSignIn<K> => Result<K::Sent>);

/// A link email update being prepared; `.await` it (or call [`send`](Self::send)). Options are
/// sent only when set.
#[derive(Debug)]
#[must_use = "a request does nothing until awaited"]
pub struct LinkUpdateEmail<K> {
    client: Client,
    refresh_jwt: RefreshJwt,
    body: LinkUpdateEmailRequest,
    kind: std::marker::PhantomData<K>,
}

impl<K: LinkKind> LinkUpdateEmail<K> {
    setters! {
        /// Where the emailed link leads (`URI`). Defaults to the project's setting (not sent).
        redirect_url(url: impl Into<String>) => Some(body.uri);
    }

    update_email_setters!();
}

impl<K: LinkKind> LinkUpdateEmail<K> {
    async fn run(self) -> Result<K::Sent> {
        check_login_id(&self.body.login_id)?;
        check_email(&self.body.email)?;
        check_token(self.refresh_jwt.secret(), "refresh JWT")?;
        K::update_email(&self.client, &self.refresh_jwt, &self.body).await
    }
}
request!(impl<K: LinkKind> LinkUpdateEmail<K> => Result<K::Sent>);

request! {
    /// A magic-link verification being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct MagicLinkVerify { client: Client, body: LinkVerifyRequest } => Result<AuthInfo>;
}

impl MagicLinkVerify {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::MagicLinkVerify;
        check_secret(&self.body.token, "token")?;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || {
            api.magic_link_verify(&self.body)
        })
        .await?;
        signed_in(&self.client, OP, response).await
    }
}

request! {
    /// An enchanted-link verification being prepared; `.await` it (or call [`send`](Self::send)).
    pub struct EnchantedLinkVerify { client: Client, body: LinkVerifyRequest } => Result<()>;
}

impl EnchantedLinkVerify {
    async fn run(self) -> Result<()> {
        const OP: Operation = Operation::EnchantedLinkVerify;
        check_secret(&self.body.token, "token")?;
        let api = self.client.api();
        send(&self.client.shared, OP, || {
            api.enchanted_link_verify(&self.body)
        })
        .await?;
        Ok(())
    }
}

request! {
    /// One poll for an enchanted link's session; `.await` it (or call [`send`](Self::send)).
    #[derive(Clone)]
    pub struct PendingSession { client: Client, body: PendingSessionRequest } => Result<AuthInfo>;
}

impl PendingSession {
    pub(super) fn client(&self) -> &Client {
        &self.client
    }
}

impl PendingSession {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::EnchantedLinkPendingSession;
        check_secret(&self.body.pending_ref, "pending reference")?;
        let api = self.client.api();
        let response = send(&self.client.shared, OP, || {
            api.enchanted_link_pending_session(&self.body)
        })
        .await?;
        signed_in(&self.client, OP, response).await
    }
}
