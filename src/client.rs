//! The client, its builder and its configuration.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::auth_info::CookieSettings;
use crate::error::{Error, Result};
use crate::password::PasswordClient;
use crate::retry::RetryPolicy;
use crate::secret::ManagementKey;
use crate::session::cookies::CookieConfig;
use crate::session::{SessionClient, SessionConfig};
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
/// Environment variable with the project's public key (a JWK, or a JWK set), replacing the fetch.
pub const ENV_PUBLIC_KEY: &str = "DESCOPE_PUBLIC_KEY";

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
    /// The generated client with the project's own authorization, built once.
    project_api: Arc<crate::generated::Client>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("project_id", &self.shared.project_id)
            .field("base_url", &self.shared.base_url)
            .field("timeout", &self.shared.timeout)
            .field("retry", &self.shared.retry)
            .field("management_key", &self.shared.management_key.is_some())
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
        self.shared.management_key.is_some()
    }

    /// The cookie settings in force: those given to
    /// [`ClientBuilder::cookie_config`], with the names the service sent (`sessionCookieName`,
    /// `cookieName`) when none were configured and the service named them.
    pub fn cookie_config(&self) -> CookieConfig {
        let learned = self
            .shared
            .learned_cookies
            .read()
            .unwrap_or_else(|p| p.into_inner());
        let config = self.shared.cookies.clone();
        match &*learned {
            Some(settings) if !config.has_names() => {
                config.names(settings.session_name.clone(), settings.refresh_name.clone())
            }
            _ => config,
        }
    }

    /// Remembers cookie names the service sent, when they are not the defaults.
    pub(crate) fn learn_cookies(&self, settings: &CookieSettings) {
        let default = settings.session_name == crate::SESSION_COOKIE_NAME
            && settings.refresh_name == crate::REFRESH_COOKIE_NAME;
        if default || self.shared.cookies.has_names() {
            return;
        }
        let mut learned = self
            .shared
            .learned_cookies
            .write()
            .unwrap_or_else(|p| p.into_inner());
        if learned.as_ref() != Some(settings) {
            *learned = Some(settings.clone());
        }
    }

    /// Password authentication: sign-up, sign-in, replace, update, reset, policy.
    pub fn password(&self) -> PasswordClient {
        PasswordClient {
            client: self.clone(),
        }
    }

    /// User management with the management key: create, load, delete, enable/disable, roles,
    /// tenants, passwords, logout everywhere.
    pub fn management(&self) -> crate::management::ManagementClient {
        crate::management::ManagementClient {
            client: self.clone(),
        }
    }

    /// Access keys: machine-to-machine sessions.
    pub fn access_keys(&self) -> crate::access_key::AccessKeyClient {
        crate::access_key::AccessKeyClient {
            client: self.clone(),
        }
    }

    /// The session side: refresh, try-refresh, logout, logout-all, me, keys.
    pub fn sessions(&self) -> SessionClient {
        SessionClient {
            client: self.clone(),
        }
    }

    /// The generated client with `Authorization: Bearer <projectId>[:<authManagementKey>]`.
    pub(crate) fn api(&self) -> &crate::generated::Client {
        &self.project_api
    }

    /// The generated client with the refresh JWT in the `Authorization` header.
    pub(crate) fn api_with_token(
        &self,
        token: &str,
        field: &'static str,
    ) -> Result<crate::generated::Client> {
        let value = bearer(
            &self.shared.project_id,
            Some(token),
            self.shared.auth_management_key.as_ref(),
        )
        .ok_or_else(|| Error::invalid(field, "contains characters that cannot go in a header"))?;
        Ok(self.api_with(value))
    }

    pub(crate) fn api_with(&self, authorization: HeaderValue) -> crate::generated::Client {
        generated_client(&self.shared, authorization)
    }
}

/// Builds a [`Client`]. Every setting has a default; only the project ID is required.
#[derive(Default)]
pub struct ClientBuilder {
    project_id: Option<String>,
    base_url: Option<String>,
    timeout: Option<Duration>,
    http: Option<reqwest::Client>,
    retry: Option<RetryPolicy>,
    management_key: Option<ManagementKey>,
    auth_management_key: Option<ManagementKey>,
    sessions: Option<SessionConfig>,
    public_key_env: Option<String>,
    max_response_bytes: Option<usize>,
    sleeper: Option<Arc<dyn crate::retry::Sleeper>>,
    cookies: Option<CookieConfig>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("project_id", &self.project_id)
            .field("base_url", &self.base_url)
            .field("timeout", &self.timeout)
            .field("retry", &self.retry)
            .field("management_key", &self.management_key)
            .field("auth_management_key", &self.auth_management_key)
            .field("sessions", &self.sessions)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The project ID (`P2...`). Required.
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.project_id = Some(project_id.into());
        self
    }

    /// Where requests go. Defaults to [`DEFAULT_BASE_URL`], or the regional host
    /// `https://api.<projectId[1..5]>.descope.com` for project IDs of 32 or more characters.
    /// A trailing `/` makes no difference.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// The most one attempt of a request may take, connection and body included (a retried
    /// request gets it for each attempt). Defaults to [`DEFAULT_TIMEOUT`] (60 s); it applies to
    /// clients given with [`http_client`](Self::http_client) too.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The HTTP client to send requests with (to share a pool, set proxies...). Defaults to a
    /// new rustls-based client that does not follow redirects. A given client may follow them:
    /// request bodies are sent in a form it cannot replay to a 307/308 target, and an answer
    /// from anywhere but the request's URL is refused with [`Error::Redirected`].
    pub fn http_client(mut self, http: reqwest::Client) -> Self {
        self.http = Some(http);
        self
    }

    /// The largest response body read, in bytes, enforced while it streams (a larger one is
    /// [`Error::ResponseTooLarge`]). Defaults to
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES) (1 MiB); error bodies
    /// are read up to 64 KiB whatever this says.
    pub fn max_response_bytes(mut self, bytes: usize) -> Self {
        self.max_response_bytes = Some(bytes);
        self
    }

    /// Which answers are retried and when. Defaults to [`RetryPolicy::default`] (the official
    /// SDKs' policy); [`RetryPolicy::none`] disables retries.
    pub fn retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = Some(retry);
        self
    }

    /// How session cookies are named and written, for the cookie helpers, the axum extractor
    /// and middleware and the tower layer ([`Client::cookie_config`]). Defaults to
    /// [`CookieConfig::default`]: `DS`/`DSR` or the names the service sends, `HttpOnly`,
    /// `Secure`, `SameSite=Strict`.
    pub fn cookie_config(mut self, cookies: CookieConfig) -> Self {
        self.cookies = Some(cookies);
        self
    }

    /// What waits between retries. Defaults to [`TokioSleeper`](crate::TokioSleeper); a test can
    /// observe the waits of the real policy without waiting.
    pub fn retry_sleeper(mut self, sleeper: impl crate::retry::Sleeper) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
        self
    }

    /// A management key, for management calls only (never sent with authentication calls).
    /// Defaults to none, or `DESCOPE_MANAGEMENT_KEY` with [`from_env`](Self::from_env).
    pub fn management_key(mut self, key: impl Into<ManagementKey>) -> Self {
        self.management_key = Some(key.into());
        self
    }

    /// An auth management key, appended to the `Authorization` header of authentication calls
    /// (`Bearer <projectId>[:<token>]:<key>`), for projects that require one. Defaults to none,
    /// or `DESCOPE_AUTH_MANAGEMENT_KEY` with [`from_env`](Self::from_env).
    pub fn auth_management_key(mut self, key: impl Into<ManagementKey>) -> Self {
        self.auth_management_key = Some(key.into());
        self
    }

    /// How session JWTs are validated locally. Defaults to [`SessionConfig::default`].
    pub fn session_config(mut self, config: SessionConfig) -> Self {
        self.sessions = Some(config);
        self
    }

    /// Fills every setting not already given from the environment: `DESCOPE_PROJECT_ID`,
    /// `DESCOPE_BASE_URL` (else `DESCOPE_BASE_URI`), `DESCOPE_MANAGEMENT_KEY`,
    /// `DESCOPE_AUTH_MANAGEMENT_KEY` and `DESCOPE_PUBLIC_KEY`. Empty variables count as unset.
    pub fn from_env(self) -> Self {
        self.from_lookup(|name| std::env::var(name).ok())
    }

    /// [`from_env`](Self::from_env) with the variables read through `lookup` instead of the
    /// process environment: for tests, or configuration kept elsewhere.
    ///
    /// ```
    /// let client = descope::Client::builder()
    ///     .from_lookup(|name| (name == "DESCOPE_PROJECT_ID").then(|| "P2fromLookup".to_owned()))
    ///     .build()?;
    /// assert_eq!(client.project_id(), "P2fromLookup");
    /// # Ok::<(), descope::Error>(())
    /// ```
    pub fn from_lookup<F>(mut self, lookup: F) -> Self
    where
        F: Fn(&str) -> Option<String>,
    {
        let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        if self.project_id.is_none() {
            self.project_id = var(ENV_PROJECT_ID);
        }
        if self.base_url.is_none() {
            self.base_url = var(ENV_BASE_URL).or_else(|| var(ENV_BASE_URI));
        }
        if self.management_key.is_none() {
            self.management_key = var(ENV_MANAGEMENT_KEY).map(ManagementKey::from);
        }
        if self.auth_management_key.is_none() {
            self.auth_management_key = var(ENV_AUTH_MANAGEMENT_KEY).map(ManagementKey::from);
        }
        if self.public_key_env.is_none() {
            self.public_key_env = var(ENV_PUBLIC_KEY);
        }
        self
    }

    /// Checks the settings and builds the client. Sends nothing.
    pub fn build(self) -> Result<Client> {
        let project_id = self.project_id.ok_or_else(|| {
            Error::Config(format!(
                "no project ID (set it on the builder or in {ENV_PROJECT_ID})"
            ))
        })?;
        if project_id.trim().is_empty() {
            return Err(Error::invalid("project ID", "is empty"));
        }
        if !project_id.bytes().all(|b| b.is_ascii_graphic()) || project_id.contains(':') {
            return Err(Error::invalid(
                "project ID",
                "contains characters that cannot go in a header",
            ));
        }
        check_key(self.management_key.as_ref(), "management key")?;
        check_key(self.auth_management_key.as_ref(), "auth management key")?;
        let base_url = match self.base_url {
            Some(url) => normalize_base_url(&url)?,
            None => region_base_url(&project_id)?,
        };
        let timeout = self.timeout.unwrap_or(DEFAULT_TIMEOUT);
        if timeout.is_zero() {
            return Err(Error::Config("the timeout must be more than zero".into()));
        }
        let max_response_bytes = self
            .max_response_bytes
            .unwrap_or(crate::limits::DEFAULT_MAX_RESPONSE_BYTES);
        if max_response_bytes == 0 {
            return Err(Error::Config(
                "the response size limit must be more than zero".into(),
            ));
        }
        let caller_http = self.http.is_some();
        let http = match self.http {
            Some(http) => http,
            // No redirects: a password body must never be re-sent to wherever a 3xx points.
            None => reqwest::Client::builder()
                .timeout(timeout)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let project_auth = bearer(&project_id, None, self.auth_management_key.as_ref())
            .ok_or_else(|| {
                Error::invalid(
                    "auth management key",
                    "contains characters that cannot go in a header",
                )
            })?;
        let project_header = HeaderValue::from_str(&project_id).map_err(|_| {
            Error::invalid(
                "project ID",
                "contains characters that cannot go in a header",
            )
        })?;
        let mut sessions = self.sessions.unwrap_or_default();
        if sessions.public_keys.is_none() {
            sessions.public_keys = self.public_key_env;
        }
        let validator = crate::session::Validator::new(sessions)?;
        let shared = Arc::new(Shared {
            validator,
            project_id,
            project_header,
            project_auth,
            base_url,
            timeout,
            retry: self.retry.unwrap_or_default(),
            sleeper: self
                .sleeper
                .unwrap_or_else(|| Arc::new(crate::retry::TokioSleeper)),
            management_key: self.management_key,
            auth_management_key: self.auth_management_key,
            http,
            cookies: self.cookies.unwrap_or_default(),
            learned_cookies: std::sync::RwLock::new(None),
            caller_http,
            max_response_bytes,
        });
        let project_api = Arc::new(generated_client(&shared, shared.project_auth.clone()));
        Ok(Client {
            shared,
            project_api,
        })
    }
}

/// The generated client over `shared`, sending `authorization`.
fn generated_client(shared: &Arc<Shared>, authorization: HeaderValue) -> crate::generated::Client {
    crate::generated::Client::new_with_client(
        &shared.base_url,
        shared.http.clone(),
        RequestContext {
            shared: shared.clone(),
            authorization,
        },
    )
}

/// Refuses an empty key, or one with anything but visible ASCII (what a header can carry).
fn check_key(key: Option<&ManagementKey>, field: &'static str) -> Result<()> {
    let Some(key) = key else {
        return Ok(());
    };
    if key.secret().trim().is_empty() {
        return Err(Error::invalid(field, "is empty"));
    }
    if !key.secret().bytes().all(|b| b.is_ascii_graphic()) {
        return Err(Error::invalid(
            field,
            "contains characters that cannot go in a header",
        ));
    }
    Ok(())
}

/// The base URL for a project: regional for IDs of 32 or more characters, whose characters 1
/// to 4 name the region (and must be letters or digits: they become part of a host name).
pub(crate) fn region_base_url(project_id: &str) -> Result<String> {
    if project_id.len() < 32 {
        return Ok(DEFAULT_BASE_URL.to_owned());
    }
    match project_id.get(1..5) {
        Some(region) if region.bytes().all(|b| b.is_ascii_alphanumeric()) => {
            Ok(format!("https://api.{region}.descope.com"))
        }
        _ => Err(Error::invalid(
            "project ID",
            "has a region part (characters 2 to 5) that is not letters and digits",
        )),
    }
}

fn normalize_base_url(url: &str) -> Result<String> {
    let trimmed = url.trim();
    let parsed = reqwest::Url::parse(trimmed)
        .map_err(|e| Error::Config(format!("the base URL does not parse: {e}")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::Config(format!(
            "the base URL must be http or https, not {}",
            parsed.scheme()
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::Config("the base URL has no host".into()));
    }
    if !parsed.username().is_empty() || parsed.password().is_some() {
        // Never echoed: the error would carry the credentials.
        return Err(Error::Config(
            "the base URL must not contain credentials (user:password@)".into(),
        ));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::Config(
            "the base URL must not have a query or fragment".into(),
        ));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_owned())
}
