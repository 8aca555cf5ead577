//! Configuring and starting an [`Emulator`].

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use descope::session::Clock;

use crate::keys::{KeyRing, SigningKey};
use crate::persist::save;
use crate::server::{self, App};
use crate::state_file::{self, Persister};
use crate::store::{Store, StoredUser};
use crate::{
    random_id, unix_seconds, Emulator, EmulatorError, HashCost, Options, PasswordPolicy, RateLimit,
    SeedUser, DEFAULT_PROJECT_ID,
};

/// Configures and starts an [`Emulator`].
pub struct EmulatorBuilder {
    addr: SocketAddr,
    pub(crate) options: Options,
    state: Option<PathBuf>,
    key_pkcs8: Option<Vec<u8>>,
    pub(crate) fresh_key: bool,
    pub(crate) key_cache: Option<PathBuf>,
    users: Vec<SeedUser>,
    clock: Arc<dyn Clock>,
    hashing_permits: usize,
    header_read_timeout: Duration,
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
    /// [`Emulator::client`] does) and a test sees tokens expire by moving it, without sleeping.
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
    /// [`Emulator::client`] configures its client with it.
    pub fn management_key(mut self, key: impl Into<descope::ManagementKey>) -> Self {
        self.options.management_key = Some(key.into());
        self
    }

    /// An access key that `POST /v1/auth/accesskey/exchange` accepts
    /// (`Authorization: Bearer <projectId>:<key>`), for a session JWT whose `sub` is the key's
    /// ID ([`Emulator::access_key_id`]). Call again for more keys. Defaults to none.
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

    /// Binds, then serves in the background until [`Emulator::stop`] (or drop).
    pub async fn start(self) -> Result<Emulator, EmulatorError> {
        let options = self.options;
        if options.project_id.trim().is_empty()
            || !options
                .project_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric())
        {
            return Err(EmulatorError::Option(
                "the project ID must be non-empty and alphanumeric".into(),
            ));
        }
        let keys = options
            .management_key
            .iter()
            .map(|k| ("management key", k.secret()))
            .chain(
                options
                    .access_keys
                    .iter()
                    .map(|k| ("access key", k.secret())),
            );
        for (what, key) in keys {
            if key.is_empty() || !key.bytes().all(|b| b.is_ascii_graphic()) || key.contains(':') {
                return Err(EmulatorError::Option(format!(
                    "a {what} must be non-empty visible ASCII without `:`"
                )));
            }
        }
        if let Some(url) = &options.redirect_url {
            if !crate::is_web_url(url) {
                return Err(EmulatorError::Option(
                    "the redirect URL must be an absolute http or https URL".into(),
                ));
            }
        }
        if self.header_read_timeout.is_zero() {
            return Err(EmulatorError::Option(
                "the header read timeout must be more than zero".into(),
            ));
        }
        if self.hashing_permits == 0 {
            return Err(EmulatorError::Option(
                "at least one password hash must be allowed at a time".into(),
            ));
        }
        if options.session_ttl.is_zero() || options.refresh_ttl.is_zero() {
            return Err(EmulatorError::Option(
                "token lifetimes must be more than zero".into(),
            ));
        }
        if options
            .rate_limit
            .is_some_and(|r| r.requests == 0 || r.window.is_zero())
        {
            return Err(EmulatorError::Option(
                "a rate limit needs requests and a window above zero".into(),
            ));
        }
        let saved = match &self.state {
            Some(path) => state_file::read_state(path)?,
            None => None,
        };
        let outbox = saved
            .as_ref()
            .map(|state| state.outbox.clone())
            .unwrap_or_default();
        let (keys, mut store) = match &saved {
            Some(state) => {
                if state.project_id != options.project_id {
                    return Err(EmulatorError::State(format!(
                        "the state file is for project {}, not {}",
                        state.project_id, options.project_id
                    )));
                }
                let mut keys = Vec::new();
                for (kid, der) in &state.keys {
                    let der = STANDARD
                        .decode(der)
                        .map_err(|_| EmulatorError::State("a key is not base64".into()))?;
                    keys.push(SigningKey::from_pkcs8(Some(kid.clone()), &der)?);
                }
                let ring = KeyRing::from_keys(keys)
                    .ok_or_else(|| EmulatorError::State("no signing key".into()))?;
                (ring, Store::from_state(state)?)
            }
            None => {
                let key = match &self.key_pkcs8 {
                    Some(der) => SigningKey::from_pkcs8(None, der)?,
                    None => {
                        let cache = self.key_cache.clone();
                        let fresh = self.fresh_key;
                        let generate = move || match (cache, fresh) {
                            (Some(path), _) => crate::key_cache::load_or_create(&path),
                            (None, true) => SigningKey::generate(),
                            (None, false) => SigningKey::process_shared(),
                        };
                        tokio::task::spawn_blocking(generate).await.map_err(|_| {
                            EmulatorError::Key("key generation task failed".into())
                        })??
                    }
                };
                (KeyRing::new(key), Store::default())
            }
        };
        if let Some(import) = self.import {
            let seed = match import {
                Import::File(path) => crate::SeedFile::read(&path)?,
                Import::Seed(seed) => seed,
            };
            let cost = options.hash_cost;
            let now = unix_seconds(self.clock.now());
            let users = tokio::task::spawn_blocking(move || seed.users(cost, now))
                .await
                .map_err(|_| EmulatorError::Seed("the import task failed".into()))??;
            store.replace_users(users);
        }
        for seed in self.users {
            if store.has_login(&seed.login_id) {
                continue;
            }
            let cost = options.hash_cost;
            let password = seed.password.clone();
            let hash = tokio::task::spawn_blocking(move || cost.hash(password.secret()))
                .await
                .map_err(|_| EmulatorError::Key("hashing task failed".into()))??;
            store.insert_user(StoredUser {
                user_id: format!("U{}", random_id(27)?),
                login_ids: vec![seed.login_id.clone()],
                name: seed.name,
                email: seed.login_id.contains('@').then(|| seed.login_id.clone()),
                password_hash: hash,
                roles: seed.roles,
                permissions: seed.permissions,
                tenants: seed.tenants,
                created_time: unix_seconds(self.clock.now()),
                ..StoredUser::default()
            });
        }

        let listener = tokio::net::TcpListener::bind(self.addr)
            .await
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;
        let local = listener
            .local_addr()
            .map_err(|source| EmulatorError::Bind {
                addr: self.addr,
                source,
            })?;
        let base_url = format!("http://{local}");
        let persister = self.state.map(Persister::new);
        let app = Arc::new(App {
            issuer: format!("{base_url}/{}", options.project_id),
            limiter: options.rate_limit.map(|_| {
                Mutex::new(server::Window {
                    started: self.clock.now(),
                    count: 0,
                })
            }),
            options,
            keys,
            store: Mutex::new(store),
            persister,
            outbox: Mutex::new(crate::outbox::Outbox::from_saved(outbox)),
            base_url: base_url.clone(),
            clock: self.clock,
            hashing: server::Hashing::new(self.hashing_permits),
        });
        // Write the state once at start, so the file exists with its keys from now on.
        if app.persister.is_some() {
            save(app.as_ref())?;
        }
        tokio::spawn(prune_sessions(Arc::downgrade(&app)));
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(app.clone());
        let serve = tokio::spawn(crate::serve::serve(
            listener,
            router,
            self.header_read_timeout,
            stopped,
        ));
        Ok(Emulator {
            base_url,
            app,
            stop: Some(stop),
            serve: Some(serve),
        })
    }
}

/// Forgets expired sessions every `session_prune_interval`, for as long as the emulator lives.
async fn prune_sessions(app: std::sync::Weak<App>) {
    let Some(every) = app.upgrade().map(|app| app.options.session_prune_interval) else {
        return;
    };
    let mut ticks = tokio::time::interval(every.max(Duration::from_millis(1)));
    ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    ticks.tick().await;
    loop {
        ticks.tick().await;
        let Some(app) = app.upgrade() else {
            return;
        };
        let now = app.now();
        // A write marks the state changed: take the lock for writing only when there is work.
        let expired = app
            .store
            .lock()
            .map(|s| s.has_expired_sessions(now))
            .unwrap_or(false);
        if expired {
            app.store().prune_sessions(now);
        }
    }
}
