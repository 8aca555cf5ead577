//! The client, its builder and its configuration.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

pub use crate::client_builder::ClientBuilder;

use crate::auth_info::CookieSettings;
use crate::error::{Error, Result};
use crate::password::PasswordClient;
use crate::session::cookies::CookieConfig;
use crate::session::state::SessionState;
use crate::session::{OriginCheck, SessionClient};
use crate::transport::{bearer, RequestContext, Shared};

/// The service's default base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.descope.com";

/// The default time one attempt of a request may take: 60 seconds (as the Go and Python SDKs).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);

/// Environment variable with the project ID.
pub const ENV_PROJECT_ID: &str = "DESCOPE_PROJECT_ID";
/// Environment variable with the base URL (preferred).
pub const ENV_BASE_URL: &str = "DESCOPE_BASE_URL";
/// Environment variable with the base URL, as the Python SDK names it.
pub const ENV_BASE_URI: &str = "DESCOPE_BASE_URI";
/// Environment variable with a management key, for management calls.
pub const ENV_MANAGEMENT_KEY: &str = "DESCOPE_MANAGEMENT_KEY";
/// Environment variable with an auth management key, appended to the `Authorization` header of
/// authentication calls (as the official SDKs do).
pub const ENV_AUTH_MANAGEMENT_KEY: &str = "DESCOPE_AUTH_MANAGEMENT_KEY";
/// Environment variable with the session cookie's name (default `DS`).
pub const ENV_SESSION_COOKIE_NAME: &str = "DESCOPE_SESSION_COOKIE_NAME";
/// Environment variable with the refresh cookie's name (default `DSR`).
pub const ENV_REFRESH_COOKIE_NAME: &str = "DESCOPE_REFRESH_COOKIE_NAME";
/// Environment variable with the project's public key (a JWK, or a JWK set), replacing the fetch.
pub const ENV_PUBLIC_KEY: &str = "DESCOPE_PUBLIC_KEY";

/// Declares the accessors of operation families, one entry each (`/// docs  name -> Family;`),
/// in the `impl` of [`Client`] or of a family that groups others (`client.management()`). Each
/// gives the family (a struct with one field, `client`) a cheap clone of the client.
macro_rules! families {
    ($($(#[$doc:meta])* $name:ident -> $family:path;)*) => {$(
        $(#[$doc])*
        pub fn $name(&self) -> $family {
            $family {
                client: $crate::client::Hub::hub(self).clone(),
            }
        }
    )*};
}
pub(crate) use families;

/// Where a family accessor finds the client to clone: the [`Client`] itself, or the client a
/// family holds.
pub(crate) trait Hub {
    fn hub(&self) -> &Client;
}

impl Hub for Client {
    fn hub(&self) -> &Client {
        self
    }
}

/// A Descope client for one project. Cheap to clone: clones share one connection pool.
///
/// ```no_run
/// # async fn run() -> Result<(), descope::Error> {
/// let client = descope::Client::new("P2abc...")?;
/// let auth = client.password().sign_in("ada@example.com", "correct horse battery").await?;
/// println!("signed in as {}", auth.user.user_id);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) shared: Arc<Shared>,
    /// The session side: validator, cookie and origin settings, shared refreshes.
    pub(crate) session: Arc<SessionState>,
    /// The project's password policy, once fetched (to name the rules of a refusal).
    pub(crate) policy_cache: Arc<crate::policy::PolicyCache>,
    /// The generated client with the project's own authorization, built once.
    pub(crate) project_api: Arc<crate::wire::Api>,
    /// The generated client with `Bearer <projectId>:<managementKey>`, when a management key
    /// is configured (never used for authentication calls).
    pub(crate) management_api: Option<Arc<crate::wire::Api>>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("project_id", &self.shared.project_id)
            .field("base_url", &self.shared.base_url)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .field("management_key", &self.management_api.is_some())
            .field(
                "auth_management_key",
                &self.shared.auth_management_key.is_some(),
            )
            .finish()
    }
}

impl Client {
    /// A client for `project_id` with every default: the base URL from the project's region,
    /// a 60 s timeout and the official SDKs' retry policy.
    pub fn new(project_id: impl Into<String>) -> Result<Self> {
        Self::builder().project_id(project_id).build()
    }

    /// A client configured from the environment: `DESCOPE_PROJECT_ID` (required),
    /// `DESCOPE_BASE_URL` (or `DESCOPE_BASE_URI`), `DESCOPE_MANAGEMENT_KEY`,
    /// `DESCOPE_AUTH_MANAGEMENT_KEY` and `DESCOPE_PUBLIC_KEY` (optional).
    pub fn from_env() -> Result<Self> {
        Self::builder().from_env().build()
    }

    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The project ID.
    pub fn project_id(&self) -> &str {
        &self.shared.project_id
    }

    /// The base URL requests go to (no trailing `/`).
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// Whether a management key is configured, so [`management`](Self::management) calls can
    /// be made.
    pub fn has_management_key(&self) -> bool {
        self.management_api.is_some()
    }

    /// The cookie settings: those given to [`ClientBuilder::cookie_config`], with the names
    /// from the environment when none were given ([`ClientBuilder::from_env`]).
    pub fn cookie_config(&self) -> CookieConfig {
        self.session.cookies.clone()
    }

    /// The same-origin check of the web integrations, given to
    /// [`ClientBuilder::origin_check`].
    pub fn origin_check(&self) -> &OriginCheck {
        &self.session.origin
    }

    /// Takes note of the cookie settings of an answer that issued a session (where to set
    /// cookies; names that differ from the configuration are reported once).
    pub(crate) fn check_cookie_names(&self, settings: &CookieSettings) {
        self.session.observe_cookies(settings);
    }

    families! {
        /// Password authentication: sign-up, sign-in, replace, update, reset, policy.
        password -> PasswordClient;

        /// User management with the management key: create, load, delete, enable/disable,
        /// roles, tenants, passwords, logout everywhere.
        management -> crate::management::ManagementClient;

        /// One-time codes by email: sign-up, sign-in, email update and verification.
        otp -> crate::email::OtpClient;

        /// Magic links by email: sign-up, sign-in, email update and verification.
        magic_link -> crate::email::MagicLinkClient;

        /// Enchanted links by email: sign-up, sign-in, email update, verification and waiting
        /// for the session.
        enchanted_link -> crate::email::EnchantedLinkClient;

        /// Authenticator apps (TOTP): sign-up, sign-in with a code, key update.
        totp -> crate::totp::TotpClient;

        /// Social login: start with a provider, exchange the code for a session.
        oauth -> crate::federated::OAuthClient;

        /// A tenant's enterprise SSO: start by tenant or email, exchange the code for a
        /// session.
        sso -> crate::federated::SsoClient;

        /// Access keys: machine-to-machine sessions.
        access_keys -> crate::access_key::AccessKeyClient;

        /// The session side: refresh, try-refresh, logout, logout-all, me, keys.
        sessions -> SessionClient;
    }

    /// The generated client with `Authorization: Bearer <projectId>[:<authManagementKey>]`.
    pub(crate) fn api(&self) -> &crate::wire::Api {
        &self.project_api
    }

    /// The generated client with the refresh JWT in the `Authorization` header.
    pub(crate) fn api_with_token(
        &self,
        token: &str,
        field: &'static str,
    ) -> Result<crate::wire::Api> {
        let value = bearer(
            &self.shared.project_id,
            Some(token),
            self.shared.auth_management_key.as_ref(),
        )
        .ok_or_else(|| Error::invalid(field, "contains characters that cannot go in a header"))?;
        Ok(self.api_with(value))
    }

    /// The generated client for a call a signed-in user may make for a step-up or second
    /// factor: with `refresh_jwt` (checked) in the `Authorization` header when given, else the
    /// project's.
    pub(crate) fn api_for(
        &self,
        refresh_jwt: Option<&crate::secret::RefreshJwt>,
    ) -> Result<std::borrow::Cow<'_, crate::wire::Api>> {
        Ok(match refresh_jwt {
            Some(token) => {
                crate::request::check_token(token.secret(), "refresh JWT")?;
                std::borrow::Cow::Owned(self.api_with_token(token.secret(), "refresh JWT")?)
            }
            None => std::borrow::Cow::Borrowed(self.api()),
        })
    }

    /// The generated client sending `authorization` instead of the project's.
    pub(crate) fn api_with(&self, authorization: HeaderValue) -> crate::wire::Api {
        generated_client(&self.shared, Some(authorization))
    }
}

/// The generated client over `shared`, sending `authorization` (`None`: the project's).
pub(crate) fn generated_client(
    shared: &Arc<Shared>,
    authorization: Option<HeaderValue>,
) -> crate::wire::Api {
    crate::wire::Api::new_with_client(
        &shared.base_url,
        shared.http.clone(),
        RequestContext {
            shared: shared.clone(),
            authorization,
        },
    )
}
