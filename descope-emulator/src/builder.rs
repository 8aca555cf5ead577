//! Configuring an [`Emulator`](crate::Emulator) (the settings; starting it is in `startup.rs`).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use descope::session::Clock;

use crate::keys::SigningKey;
use crate::{
    EmulatorError, HashCost, Options, PasswordPolicy, RateLimit, SeedUser, DEFAULT_PROJECT_ID,
};

/// Configures and starts an [`Emulator`](crate::Emulator).
pub struct EmulatorBuilder {
    pub(crate) addr: SocketAddr,
    pub(crate) options: Options,
    pub(crate) state: Option<PathBuf>,
    pub(crate) key_pkcs8: Option<Vec<u8>>,
    pub(crate) fresh_key: bool,
    pub(crate) key_cache: Option<PathBuf>,
    pub(crate) users: Vec<SeedUser>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) hashing_permits: usize,
    pub(crate) header_read_timeout: Duration,
    pub(crate) import: Option<Import>,
}

/// Where the users to start from come from.
#[derive(Clone, Debug)]
pub(crate) enum Import {
    File(PathBuf),
    Seed(crate::SeedFile),
}

impl std::fmt::Debug for EmulatorBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorBuilder")
            .field("addr", &self.addr)
            .field("options", &self.options)
            .field("state", &self.state)
            .field(
                "signing_key",
                &self.key_pkcs8.as_ref().map(|_| "[redacted]"),
            )
            .field("fresh_signing_key", &self.fresh_key)
            .field("signing_key_cache", &self.key_cache)
            .field("users", &self.users)
            .finish()
    }
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            options: Options {
                project_id: DEFAULT_PROJECT_ID.into(),
                policy: PasswordPolicy::default(),
                session_ttl: Duration::from_secs(600),
                refresh_ttl: Duration::from_secs(30 * 24 * 3600),
                rotate_refresh_tokens: false,
                tokens_in_cookies: false,
                cookie_domain: None,
                rate_limit: None,
                hash_cost: HashCost::Production,
                management_key: None,
                access_keys: Vec::new(),
                access_key_tenants: std::collections::HashMap::new(),
                reset_method: crate::outbox::Method::MagicLink,
                redirect_url: None,
                code_ttl: Duration::from_secs(600),
                reset_requires_verified_email: false,
                console_public: false,
                public_hosts: Vec::new(),
                session_prune_interval: Duration::from_secs(60),
                export_on_exit: None,
            },
            state: None,
            key_pkcs8: None,
            fresh_key: false,
            key_cache: None,
            users: Vec::new(),
            clock: Arc::new(descope::session::SystemClock),
            hashing_permits: std::thread::available_parallelism().map_or(2, |n| n.get()),
            header_read_timeout: crate::serve::HEADER_READ_TIMEOUT,
            import: None,
        }
    }
}

impl EmulatorBuilder {
    /// Where "now" comes from: the `iat`/`exp` of the tokens it issues, their expiry checks,
    /// creation times and the rate-limit window. Defaults to the system clock. Give the same
    /// [`OffsetClock`](descope::session::OffsetClock) to the client (which
    /// [`Emulator::client`](crate::Emulator::client) does) and a test sees tokens expire by
    /// moving it, without sleeping.
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// How many passwords may be hashed or checked at once; more wait their turn. Defaults to
    /// the number of cores. Zero is refused at start.
    pub fn max_concurrent_hashes(mut self, permits: usize) -> Self {
        self.hashing_permits = permits;
        self
    }

    /// How long a client may take to send its request headers before it is disconnected
    /// (slow or stalled clients never hold a connection, nor a stop). Defaults to 10 s.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = timeout;
        self
    }

    /// Where to listen. Defaults to `127.0.0.1:0` (a free loopback port).
    pub fn addr(mut self, addr: SocketAddr) -> Self {
        self.addr = addr;
        self
    }

    /// The project ID it answers for. Defaults to [`DEFAULT_PROJECT_ID`].
    pub fn project_id(mut self, project_id: impl Into<String>) -> Self {
        self.options.project_id = project_id.into();
        self
    }

    /// The password policy enforced on sign-up, replace and update. Defaults to
    /// [`PasswordPolicy::default`].
    pub fn password_policy(mut self, policy: PasswordPolicy) -> Self {
        self.options.policy = policy;
        self
    }

    /// Lifetime of session JWTs. Defaults to 10 minutes.
    pub fn session_ttl(mut self, ttl: Duration) -> Self {
        self.options.session_ttl = ttl;
        self
    }

    /// Lifetime of refresh JWTs. Defaults to 30 days.
    pub fn refresh_ttl(mut self, ttl: Duration) -> Self {
        self.options.refresh_ttl = ttl;
        self
    }

    /// Rotate refresh JWTs on every refresh (the old one stops working). Defaults to off.
    pub fn rotate_refresh_tokens(mut self, on: bool) -> Self {
        self.options.rotate_refresh_tokens = on;
        self
    }

    /// "Manage tokens in cookies" mode: empty token fields in bodies, tokens in
    /// `Set-Cookie: DS`/`DSR`. Defaults to off.
    pub fn tokens_in_cookies(mut self, on: bool) -> Self {
        self.options.tokens_in_cookies = on;
        self
    }

    /// The cookie domain reported in responses. Defaults to none.
    pub fn cookie_domain(mut self, domain: impl Into<String>) -> Self {
        self.options.cookie_domain = Some(domain.into());
        self
    }

    /// Answer 429 beyond `requests` per `window`. Defaults to no limit.
    pub fn rate_limit(mut self, requests: u32, window: Duration) -> Self {
        self.options.rate_limit = Some(RateLimit { requests, window });
        self
    }

    /// The management key that management calls (`/v1/mgmt/...`, `/v2/mgmt/...`) must carry
    /// (`Authorization: Bearer <projectId>:<key>`); a wrong or missing key is refused with 401,
    /// before any effect. Defaults to none: every management call is refused with 403.
    /// [`Emulator::client`](crate::Emulator::client) configures its client with it.
    pub fn management_key(mut self, key: impl Into<descope::ManagementKey>) -> Self {
        self.options.management_key = Some(key.into());
        self
    }

    /// An access key that `POST /v1/auth/accesskey/exchange` accepts
    /// (`Authorization: Bearer <projectId>:<key>`), for a session JWT whose `sub` is the key's
    /// ID ([`Emulator::access_key_id`](crate::Emulator::access_key_id)). Call again for more
    /// keys. Defaults to none.
    pub fn access_key(mut self, key: impl Into<descope::AccessKey>) -> Self {
        self.options.access_keys.push(key.into());
        self
    }

    /// An access key ([`access_key`](Self::access_key)) that belongs to these tenants: its
    /// session JWTs list them in `tenants`, and an exchange may select one of them
    /// (`loginOptions.selectedTenant`); any other is refused. Defaults to none: a key of no
    /// tenant selects none.
    pub fn access_key_with_tenants<I, S>(
        mut self,
        key: impl Into<descope::AccessKey>,
        tenants: I,
    ) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let key = key.into();
        let id = crate::access_key_id(key.secret());
        self.options
            .access_key_tenants
            .insert(id, tenants.into_iter().map(Into::into).collect());
        self.options.access_keys.push(key);
        self
    }

    /// Password hashing cost. Defaults to [`HashCost::Production`]; use [`HashCost::Fast`] in tests.
    pub fn hash_cost(mut self, cost: HashCost) -> Self {
        self.options.hash_cost = cost;
        self
    }

    /// Persist users, sessions and keys in this file (written atomically on every change) and
    /// load them from it at start. Defaults to memory only.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state = Some(path.into());
        self
    }

    /// Sign with this RSA key (PKCS#8 DER). Defaults to the process's development key (see
    /// [`fresh_signing_key`](Self::fresh_signing_key)). A state file's keys take precedence once
    /// it exists.
    pub fn signing_key_pkcs8(mut self, der: Vec<u8>) -> Self {
        self.key_pkcs8 = Some(der);
        self
    }

    /// Sign with the RSA key in this file: PKCS#8, PEM (`-----BEGIN PRIVATE KEY-----`) or DER.
    /// Defaults to the process's development key (see
    /// [`fresh_signing_key`](Self::fresh_signing_key)).
    pub fn signing_key_file(
        self,
        path: impl AsRef<std::path::Path>,
    ) -> Result<Self, EmulatorError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path)
            .map_err(|e| EmulatorError::Key(format!("cannot read {}: {e}", path.display())))?;
        let der = match std::str::from_utf8(&bytes) {
            Ok(text) if text.contains("-----BEGIN") => {
                let body: String = text
                    .lines()
                    .filter(|line| !line.starts_with("-----"))
                    .flat_map(|line| line.trim().chars())
                    .collect();
                STANDARD.decode(body).map_err(|_| {
                    EmulatorError::Key(format!("{} is not valid PEM", path.display()))
                })?
            }
            _ => bytes,
        };
        SigningKey::from_pkcs8(None, &der)?;
        Ok(self.signing_key_pkcs8(der))
    }

    /// A user to create at start, unless its login ID already exists. Defaults to none.
    pub fn user(mut self, user: SeedUser) -> Self {
        self.users.push(user);
        self
    }
}
