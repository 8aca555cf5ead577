//! A tenant's enterprise SSO (SAML or OIDC): `client.sso()`.

use url::Url;

use super::{answered_url, check_redirect_url, CodeExchange};
use crate::client::Client;
use crate::error::Result;
use crate::operation::Operation;
use crate::request::{check_present, request};
use crate::secret::{OpaqueToken, RefreshJwt};
use crate::setters::setters;
use crate::transport::send;
use crate::wire::LoginOptions;

/// Enterprise SSO ("Sign in with your company's SSO"): the tenant's identity provider, as
/// configured with [`management().sso()`](crate::management::ManagementClient::sso). Get one
/// with [`Client::sso`].
///
/// Works as [`OAuthClient`](super::OAuthClient) does: [`start`](Self::start) gives the URL of
/// the tenant's identity provider, which returns the browser to the redirect URL with a `code`
/// for [`exchange`](Self::exchange). The session's `tenants` claim carries the tenant.
///
/// ```no_run
/// # async fn run(client: descope::Client, code_from_the_callback: String) -> Result<(), descope::Error> {
/// // A tenant ID, or a user's email whose domain is one of the tenant's SSO domains.
/// let url = (client.sso())
///     .start("ada@acme.com", "https://app.example.com/sso/callback")
///     .await?;
/// // ... send the browser to `url`; the callback gets `?code=...`
/// let auth = client.sso().exchange(code_from_the_callback).await?;
/// # let _ = (url, auth); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SsoClient {
    pub(crate) client: Client,
}

impl SsoClient {
    /// Starts SSO for `tenant`: a tenant ID, or an email address whose domain is one of a
    /// tenant's SSO domains. The identity provider returns the browser to `redirect_url` (an
    /// absolute `http(s)` URL, whose own query is kept) with a `code`.
    pub fn start(&self, tenant: impl Into<String>, redirect_url: impl Into<String>) -> SsoStart {
        SsoStart {
            client: self.client.clone(),
            tenant: tenant.into(),
            redirect_url: redirect_url.into(),
            login_hint: None,
            prompt: Vec::new(),
            force_authn: None,
            sso_id: None,
            refresh_jwt: None,
            body: LoginOptions::default(),
        }
    }

    /// Exchanges the `code` the identity provider sent to the callback for the user's session.
    pub fn exchange(&self, code: impl Into<OpaqueToken>) -> CodeExchange {
        CodeExchange::new(&self.client, Operation::SsoExchange, code.into())
    }
}

request! {
    /// An SSO sign-in being started; `.await` it for the URL to send the browser to, or call
    /// [`redirect`](Self::redirect) for that URL bound to the browser.
    pub struct SsoStart {
        client: Client,
        tenant: String,
        redirect_url: String,
        login_hint: Option<String>,
        prompt: Vec<String>,
        force_authn: Option<bool>,
        sso_id: Option<String>,
        refresh_jwt: Option<RefreshJwt>,
        body: LoginOptions,
    } => Result<Url>;
}

impl SsoStart {
    super::start_options!("the identity provider", "`login`, `consent`");

    setters! {
        /// Whether the identity provider must authenticate the user again (SAML
        /// `ForceAuthn`). Defaults to the service's (no).
        force_authn(force: bool) => Some(force_authn);

        /// Which of the tenant's SSO configurations to use. Defaults to its default one.
        sso_id(sso_id: impl Into<String>) => Some(sso_id);
    }

    async fn run(self) -> Result<Url> {
        const OP: Operation = Operation::SsoStart;
        check_present(&self.tenant, "tenant")?;
        check_redirect_url(&self.redirect_url)?;
        let api = self.client.api_for(self.refresh_jwt.as_ref())?;
        let prompt = (!self.prompt.is_empty()).then_some(&self.prompt);
        let answer = send(&self.client.shared, OP, || {
            api.sso_start(
                self.force_authn,
                None,
                self.login_hint.as_deref(),
                prompt,
                Some(&self.redirect_url),
                self.sso_id.as_deref(),
                Some(&self.tenant),
                None,
                &self.body,
            )
        })
        .await?;
        answered_url(OP, answer.into_inner().url)
    }
}
