//! The client's builder and the checks of its settings.

use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;

use crate::client::{
    generated_client, Client, DEFAULT_BASE_URL, DEFAULT_TIMEOUT, ENV_AUTH_MANAGEMENT_KEY,
    ENV_BASE_URI, ENV_BASE_URL, ENV_MANAGEMENT_KEY, ENV_PROJECT_ID, ENV_PUBLIC_KEY,
    ENV_REFRESH_COOKIE_NAME, ENV_SESSION_COOKIE_NAME,
};
use crate::error::{Error, Result};
use crate::retry::RetryPolicy;
use crate::secret::ManagementKey;
use crate::session::cookies::CookieConfig;
use crate::session::state::SessionState;
use crate::session::{OriginCheck, SessionConfig};
use crate::setters::setters;
use crate::transport::{bearer, Shared};

/// Builds a [`Client`]. Every setting has a default; only the project ID is required.
#[derive(Debug, Default)]
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
    cookie_names_env: (Option<String>, Option<String>),
    origin: Option<OriginCheck>,
}

impl ClientBuilder {
    setters! {
        /// The project ID (`P2...`). Required.
        project_id(project_id: impl Into<String>) => Some(project_id);

        /// Where requests go. Defaults to [`DEFAULT_BASE_URL`], or the regional host
        /// `https://api.<projectId[1..5]>.descope.com` for project IDs of 32 or more characters.
        /// A trailing `/` makes no difference.
        base_url(base_url: impl Into<String>) => Some(base_url);

        /// The most one attempt of a request may take, connection and body included (a retried
        /// request gets it for each attempt). Defaults to [`DEFAULT_TIMEOUT`] (60 s); it applies to
        /// clients given with [`http_client`](Self::http_client) too.
        timeout(timeout: Duration) => Some(timeout);

        /// The HTTP client to send requests with (to share a pool, set proxies...). Defaults to a
        /// new rustls-based client that does not follow redirects. A given client may follow them:
        /// request bodies are sent in a form it cannot replay to a 307/308 target, and an answer
        /// from anywhere but the request's URL is refused with [`Error::Redirected`].
        http_client(http: reqwest::Client) => Some(http);

        /// The largest response body read, in bytes, enforced while it streams (a larger one is
        /// [`Error::ResponseTooLarge`]). Defaults to
        /// [`DEFAULT_MAX_RESPONSE_BYTES`](crate::DEFAULT_MAX_RESPONSE_BYTES) (1 MiB); error bodies
        /// are read up to 64 KiB whatever this says.
        max_response_bytes(bytes: usize) => Some(max_response_bytes);

        /// Which answers are retried and when. Defaults to [`RetryPolicy::default`] (the official
        /// SDKs' policy); [`RetryPolicy::none`] disables retries.
        retry_policy(retry: RetryPolicy) => Some(retry);

        /// How session cookies are named and written, for the cookie helpers, the axum extractor
        /// and middleware and the tower layer ([`Client::cookie_config`]). Defaults to
        /// [`CookieConfig::default`]: `DS`/`DSR` (or `DESCOPE_SESSION_COOKIE_NAME` /
        /// `DESCOPE_REFRESH_COOKIE_NAME` with [`from_env`](Self::from_env), when the config names
        /// none), `HttpOnly`, `Secure`, `SameSite=Strict`.
        cookie_config(cookies: CookieConfig) => Some(cookies);

        /// The same-origin check of the tower layer and the axum middleware: unsafe requests
        /// authenticated by cookie that a browser marks as cross-site are refused with 403.
        /// Defaults to [`OriginCheck::default`] (on, the request's own origin only).
        origin_check(check: OriginCheck) => Some(origin);
    }

    /// What waits between retries. Defaults to [`TokioSleeper`](crate::TokioSleeper); a test can
    /// observe the waits of the real policy without waiting.
    pub fn retry_sleeper(mut self, sleeper: impl crate::retry::Sleeper) -> Self {
        self.sleeper = Some(Arc::new(sleeper));
        self
    }

    setters! {
        /// A management key, for management calls only (never sent with authentication calls).
        /// Defaults to none, or `DESCOPE_MANAGEMENT_KEY` with [`from_env`](Self::from_env).
        management_key(key: impl Into<ManagementKey>) => Some(management_key);

        /// An auth management key, appended to the `Authorization` header of authentication calls
        /// (`Bearer <projectId>[:<token>]:<key>`), for projects that require one. Defaults to none,
        /// or `DESCOPE_AUTH_MANAGEMENT_KEY` with [`from_env`](Self::from_env).
        auth_management_key(key: impl Into<ManagementKey>) => Some(auth_management_key);

        /// How session JWTs are validated locally. Defaults to [`SessionConfig::default`].
        session_config(config: SessionConfig) => Some(sessions);
    }

    /// Fills every setting not already given from the environment: `DESCOPE_PROJECT_ID`,
    /// `DESCOPE_BASE_URL` (else `DESCOPE_BASE_URI`), `DESCOPE_MANAGEMENT_KEY`,
    /// `DESCOPE_AUTH_MANAGEMENT_KEY`, `DESCOPE_PUBLIC_KEY`, and the cookie names
    /// `DESCOPE_SESSION_COOKIE_NAME` and `DESCOPE_REFRESH_COOKIE_NAME`. Empty variables count
    /// as unset.
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
        let (session, refresh) = &mut self.cookie_names_env;
        if session.is_none() {
            *session = var(ENV_SESSION_COOKIE_NAME);
        }
        if refresh.is_none() {
            *refresh = var(ENV_REFRESH_COOKIE_NAME);
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
        let common_headers = crate::transport::common_headers(&project_header, &project_auth);
        let caller_http = self.http.is_some();
        let http = match self.http {
            Some(http) => http,
            // No redirects: a password body must never be re-sent to wherever a 3xx points.
            // The timeout is the crate's own, around each attempt (`transport::send`).
            None => reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .default_headers(common_headers.clone())
                .build()
                .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?,
        };
        let mut sessions = self.sessions.unwrap_or_default();
        if sessions.public_keys.is_none() {
            sessions.public_keys = self.public_key_env;
        }
        let mut cookies = self.cookies.unwrap_or_default();
        let (session_name, refresh_name) = self.cookie_names_env;
        cookies.fill_names(session_name, refresh_name);
        for name in [cookies.session_name(), cookies.refresh_name()] {
            check_cookie_name(name)?;
        }
        let session = Arc::new(SessionState::new(
            &project_id,
            sessions,
            cookies,
            self.origin.unwrap_or_default(),
        )?);
        let management_auth = match &self.management_key {
            Some(key) => Some(
                bearer(&project_id, Some(key.secret()), None).ok_or_else(|| {
                    Error::invalid(
                        "management key",
                        "contains characters that cannot go in a header",
                    )
                })?,
            ),
            None => None,
        };
        let shared = Arc::new(Shared {
            project_id,
            common_headers,
            base_url,
            timeout,
            retry: self.retry.unwrap_or_default(),
            sleeper: self
                .sleeper
                .unwrap_or_else(|| Arc::new(crate::retry::TokioSleeper)),
            auth_management_key: self.auth_management_key,
            http,
            caller_http,
            max_response_bytes,
        });
        // Built once: every call with the project's (or the management) authorization uses them.
        // The project's authorization is among the common headers: no per-call header.
        let project_api = Arc::new(generated_client(&shared, None));
        let management_api =
            management_auth.map(|auth| Arc::new(generated_client(&shared, Some(auth))));
        Ok(Client {
            shared,
            session,
            policy_cache: Arc::default(),
            project_api,
            management_api,
        })
    }
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

/// Refuses a cookie name that is empty or not an HTTP token (RFC 6265: no separators, no
/// spaces, no control characters): such a cookie could never be set or read.
fn check_cookie_name(name: &str) -> Result<()> {
    let token = |b: u8| b.is_ascii_graphic() && !b"()<>@,;:\\\"/[]?={}".contains(&b);
    if name.is_empty() || !name.bytes().all(token) {
        return Err(Error::invalid(
            "cookie name",
            "is empty or not a valid cookie name",
        ));
    }
    Ok(())
}
