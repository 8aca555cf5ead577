//! Social login: `client.oauth()`.

use url::Url;

use super::{answered_url, check_redirect_url, CodeExchange, Provider};
use crate::client::Client;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::secret::{OpaqueToken, RefreshJwt};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::LoginOptions;

/// Social login ("Continue with GitHub"). Get one with [`Client::oauth`].
///
/// [`start`](Self::start) gives the provider's URL to send the browser to; the provider sends
/// it back to the redirect URL with a one-time `code`, and [`exchange`](Self::exchange) turns
/// the code into a session. In a web app, [`OAuthStart::redirect`] and the callback helpers
/// (`descope::axum::LoginCallback`, `descope::actix::LoginCallback`) also bind the login to
/// the browser that started it.
///
/// ```no_run
/// # async fn run(client: descope::Client, code_from_the_callback: String) -> Result<(), descope::Error> {
/// use descope::Provider;
///
/// let url = (client.oauth())
///     .start(Provider::Github, "https://app.example.com/oauth/callback")
///     .await?;
/// // ... send the browser to `url`; the callback gets `?code=...`
/// let auth = client.oauth().exchange(code_from_the_callback).await?;
/// println!("signed in as {}", auth.user.user_id);
/// # let _ = url; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct OAuthClient {
    pub(crate) client: Client,
}

impl OAuthClient {
    /// Starts a sign-in with `provider` that signs up a user it does not know; the provider
    /// returns the browser to `redirect_url` (an absolute `http(s)` URL, whose own query is
    /// kept) with a `code`.
    pub fn start(
        &self,
        provider: impl Into<Provider>,
        redirect_url: impl Into<String>,
    ) -> OAuthStart {
        self.start_as(Operation::OauthStart, provider.into(), redirect_url.into())
    }

    /// Like [`start`](Self::start), for existing users only: the exchange refuses a user the
    /// project does not have.
    pub fn sign_in(
        &self,
        provider: impl Into<Provider>,
        redirect_url: impl Into<String>,
    ) -> OAuthStart {
        self.start_as(
            Operation::OauthStartSignIn,
            provider.into(),
            redirect_url.into(),
        )
    }

    /// Like [`start`](Self::start), for new users only: the exchange refuses a user the
    /// project already has.
    pub fn sign_up(
        &self,
        provider: impl Into<Provider>,
        redirect_url: impl Into<String>,
    ) -> OAuthStart {
        self.start_as(
            Operation::OauthStartSignUp,
            provider.into(),
            redirect_url.into(),
        )
    }

    /// Adds `provider` to the user signed in with `refresh_jwt`: the exchange gives that
    /// user's session.
    pub fn link(
        &self,
        provider: impl Into<Provider>,
        redirect_url: impl Into<String>,
        refresh_jwt: &RefreshJwt,
    ) -> OAuthStart {
        let mut start = self.start_as(
            Operation::OauthStartUpdateUser,
            provider.into(),
            redirect_url.into(),
        );
        start.refresh_jwt = Some(refresh_jwt.clone());
        start
    }

    /// Exchanges the `code` the provider sent to the callback for the user's session.
    pub fn exchange(&self, code: impl Into<OpaqueToken>) -> CodeExchange {
        CodeExchange::new(&self.client, Operation::OauthExchange, code.into())
    }

    fn start_as(
        &self,
        operation: Operation,
        provider: Provider,
        redirect_url: String,
    ) -> OAuthStart {
        OAuthStart {
            client: self.client.clone(),
            operation,
            provider,
            redirect_url,
            login_hint: None,
            prompt: Vec::new(),
            allow_all_merge: None,
            refresh_jwt: None,
            body: LoginOptions::default(),
        }
    }
}

request! {
    /// A social login being started; `.await` it for the URL to send the browser to, or call
    /// [`redirect`](Self::redirect) for that URL bound to the browser.
    pub struct OAuthStart {
        client: Client,
        operation: Operation,
        provider: Provider,
        redirect_url: String,
        login_hint: Option<String>,
        prompt: Vec<String>,
        allow_all_merge: Option<bool>,
        refresh_jwt: Option<RefreshJwt>,
        body: LoginOptions,
    } => Result<Url>;
}

impl OAuthStart {
    super::start_options!("the provider", "`select_account`, `consent`, `login`");

    setters! {
        /// With [`OAuthClient::link`]: whether the provider's account may be merged into the
        /// user whatever its email. Defaults to the service's (no).
        allow_all_merge(allow: bool) => Some(allow_all_merge);
    }

    async fn run(self) -> Result<Url> {
        let op = self.operation;
        check_present(self.provider.as_str(), "provider")?;
        check_redirect_url(&self.redirect_url)?;
        if op == Operation::OauthStartUpdateUser && self.refresh_jwt.is_none() {
            return Err(Error::invalid("refresh JWT", "is missing"));
        }
        let api = self.client.api_for(self.refresh_jwt.as_ref())?;
        let provider = Some(self.provider.as_str());
        let redirect = Some(self.redirect_url.as_str());
        let hint = self.login_hint.as_deref();
        let prompt = (!self.prompt.is_empty()).then_some(&self.prompt);
        let body = &self.body;
        let shared = &self.client.shared;
        let answer = match op {
            Operation::OauthStartSignIn => send(shared, op, || {
                api.oauth_start_sign_in(None, hint, prompt, provider, None, redirect, None, body)
            })
            .await?
            .into_inner(),
            Operation::OauthStartSignUp => send(shared, op, || {
                api.oauth_start_sign_up(None, hint, prompt, provider, None, redirect, None, body)
            })
            .await?
            .into_inner(),
            Operation::OauthStartUpdateUser => send(shared, op, || {
                let merge = self.allow_all_merge;
                api.oauth_start_update_user(merge, None, hint, prompt, provider, redirect, body)
            })
            .await?
            .into_inner(),
            _ => send(shared, op, || {
                api.oauth_start(None, hint, prompt, provider, None, redirect, None, body)
            })
            .await?
            .into_inner(),
        };
        answered_url(op, answer.url)
    }
}
