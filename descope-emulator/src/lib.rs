//! A local Descope emulator that speaks the same wire as the service.
//!
//! It serves every operation in `openapi.yaml` with the `descope` crate's wire types, stores
//! users with argon2 password hashes, signs RS256 session and refresh JWTs and publishes its
//! keys, so clients (this crate's and the official SDKs) run their real flows offline.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use descope_emulator::{Emulator, HashCost};
//!
//! let emulator = Emulator::builder().project_id("P2local").hash_cost(HashCost::Fast).start().await?;
//! let client = emulator.client()?;
//! client.password().sign_up("ada@example.com", "Correct-Horse-1").await?;
//! emulator.stop().await;
//! # Ok(()) }
//! ```
//!
//! Error codes the real service does not document are the emulator's choice; they are all in
//! one table, in the source of `failure.rs` and in the README.

mod failure;
mod keys;
mod server;
mod store;

use std::collections::{BTreeMap, VecDeque};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use descope::session::Clock;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

pub use descope::PasswordPolicy;

use keys::{KeyRing, SigningKey};
use server::App;
use store::{Persister, StateFile, Store, StoredTenant, StoredUser, STATE_FORMAT};

/// The project ID the emulator uses when none is given.
pub const DEFAULT_PROJECT_ID: &str = "P2emulator";

/// Why the emulator could not start or load its state.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EmulatorError {
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A signing key could not be made or loaded.
    #[error("signing key: {0}")]
    Key(String),
    /// The state file could not be read, parsed or written.
    #[error("state file: {0}")]
    State(String),
    /// An option is unusable.
    #[error("invalid emulator option: {0}")]
    Option(String),
}

/// How expensive password hashing is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum HashCost {
    /// Argon2id with OWASP's parameters (19 MiB, 2 passes): what a real service would use.
    /// The default.
    #[default]
    Production,
    /// Argon2id with minimal parameters, for tests: still a real hash, 1000× cheaper.
    Fast,
}

impl HashCost {
    fn params(self) -> argon2::Params {
        let (m, t) = match self {
            HashCost::Production => (
                argon2::Params::DEFAULT_M_COST,
                argon2::Params::DEFAULT_T_COST,
            ),
            HashCost::Fast => (
                argon2::Params::MIN_M_COST.max(64),
                argon2::Params::MIN_T_COST,
            ),
        };
        argon2::Params::new(m, t, 1, None).unwrap_or(argon2::Params::DEFAULT)
    }

    pub(crate) fn hash(self, password: &str) -> Result<String, EmulatorError> {
        use argon2::PasswordHasher;
        argon2::Argon2::from(self.params())
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| EmulatorError::Key(format!("password hashing failed: {e}")))
    }

    /// Checks `password` against a PHC string (its own parameters apply, whatever the cost).
    pub(crate) fn verify(hash: &str, password: &str) -> bool {
        use argon2::PasswordVerifier;
        argon2::Argon2::default()
            .verify_password(password.as_bytes(), hash)
            .is_ok()
    }
}

impl std::str::FromStr for HashCost {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "production" => Ok(HashCost::Production),
            "fast" => Ok(HashCost::Fast),
            other => Err(format!("unknown hash cost `{other}` (fast or production)")),
        }
    }
}

/// A rate limit: at most `requests` per `window`, then 429 with `Retry-After` and `E130429`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests allowed per window.
    pub requests: u32,
    /// The window.
    pub window: Duration,
}

/// A user created when the emulator starts (with roles and tenants, which sign-up cannot set).
#[derive(Clone)]
pub struct SeedUser {
    login_id: String,
    password: descope::Password,
    name: Option<String>,
    roles: Vec<String>,
    permissions: Vec<String>,
    tenants: Vec<StoredTenant>,
}

impl std::fmt::Debug for SeedUser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SeedUser")
            .field("login_id", &self.login_id)
            .field("password", &self.password)
            .field("roles", &self.roles)
            .finish_non_exhaustive()
    }
}

impl SeedUser {
    /// A user with a login ID and a password (not checked against the policy).
    pub fn new(login_id: impl Into<String>, password: impl Into<descope::Password>) -> Self {
        Self {
            login_id: login_id.into(),
            password: password.into(),
            name: None,
            roles: Vec::new(),
            permissions: Vec::new(),
            tenants: Vec::new(),
        }
    }

    /// The user's name. Defaults to none.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Project-level roles. Defaults to none.
    pub fn roles<I: IntoIterator<Item = S>, S: Into<String>>(mut self, roles: I) -> Self {
        self.roles = roles.into_iter().map(Into::into).collect();
        self
    }

    /// Project-level permissions. Defaults to none.
    pub fn permissions<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        permissions: I,
    ) -> Self {
        self.permissions = permissions.into_iter().map(Into::into).collect();
        self
    }

    /// Membership of a tenant with roles and permissions there. Defaults to no tenants.
    pub fn tenant<R, P, S, T>(
        mut self,
        tenant_id: impl Into<String>,
        roles: R,
        permissions: P,
    ) -> Self
    where
        R: IntoIterator<Item = S>,
        P: IntoIterator<Item = T>,
        S: Into<String>,
        T: Into<String>,
    {
        self.tenants.push(StoredTenant {
            tenant_id: tenant_id.into(),
            tenant_name: None,
            roles: roles.into_iter().map(Into::into).collect(),
            permissions: permissions.into_iter().map(Into::into).collect(),
        });
        self
    }
}

/// A password reset the emulator "sent" (no mail leaves the machine).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentReset {
    /// The login ID the reset was asked for.
    pub login_id: String,
    /// Where it would have gone.
    pub email: String,
    /// The redirect URL asked for.
    pub redirect_url: Option<String>,
    /// The link ID returned.
    pub link_id: String,
    /// The template options given.
    pub template_options: BTreeMap<String, String>,
}

/// The emulator's settings.
#[derive(Clone, Debug)]
pub(crate) struct Options {
    pub(crate) project_id: String,
    pub(crate) policy: PasswordPolicy,
    pub(crate) session_ttl: Duration,
    pub(crate) refresh_ttl: Duration,
    pub(crate) rotate_refresh_tokens: bool,
    pub(crate) tokens_in_cookies: bool,
    pub(crate) cookie_domain: Option<String>,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) hash_cost: HashCost,
}

/// Configures and starts an [`Emulator`].
pub struct EmulatorBuilder {
    addr: SocketAddr,
    options: Options,
    state: Option<PathBuf>,
    key_pkcs8: Option<Vec<u8>>,
    users: Vec<SeedUser>,
    clock: Arc<dyn Clock>,
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
            },
            state: None,
            key_pkcs8: None,
            users: Vec::new(),
            clock: Arc::new(descope::session::SystemClock),
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

    /// Sign with this RSA key (PKCS#8 DER) instead of a new one. Defaults to a new 2048-bit key.
    /// A state file's keys take precedence once it exists.
    pub fn signing_key_pkcs8(mut self, der: Vec<u8>) -> Self {
        self.key_pkcs8 = Some(der);
        self
    }

    /// Sign with the RSA key in this file: PKCS#8, PEM (`-----BEGIN PRIVATE KEY-----`) or DER.
    /// Defaults to a new 2048-bit key.
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
            Some(path) => store::read_state(path)?,
            None => None,
        };
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
                    None => tokio::task::spawn_blocking(SigningKey::generate)
                        .await
                        .map_err(|_| EmulatorError::Key("key generation task failed".into()))??,
                };
                (KeyRing::new(key), Store::default())
            }
        };
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
                user_id: format!("U{}", random_id(27)),
                login_ids: vec![seed.login_id.clone()],
                name: seed.name,
                given_name: None,
                middle_name: None,
                family_name: None,
                email: seed.login_id.contains('@').then(|| seed.login_id.clone()),
                phone: None,
                recovery_email: None,
                password_hash: hash,
                password_version: 0,
                roles: seed.roles,
                permissions: seed.permissions,
                tenants: seed.tenants,
                created_time: unix_seconds(self.clock.now()),
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
        let persister = self.state.map(|path| Persister {
            path,
            dirty: Arc::new(tokio::sync::Notify::new()),
        });
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
            outbox: Mutex::new(VecDeque::new()),
            clock: self.clock,
        });
        // Write the state once at start, so the file exists with its keys from now on.
        let writer = match &app.persister {
            Some(persister) => {
                save(&app)?;
                Some(tokio::spawn(write_loop(
                    app.clone(),
                    persister.dirty.clone(),
                )))
            }
            None => None,
        };
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let router = server::router(app.clone());
        let serve = tokio::spawn(async move {
            let shutdown = async {
                let _ = stopped.await;
            };
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(shutdown)
                .await;
        });
        Ok(Emulator {
            base_url,
            app,
            stop: Some(stop),
            serve: Some(serve),
            writer,
        })
    }
}

/// Writes the state file now.
fn save(app: &App) -> Result<(), EmulatorError> {
    let Some(persister) = &app.persister else {
        return Ok(());
    };
    let state = {
        let store = app.store();
        StateFile {
            format: STATE_FORMAT,
            project_id: app.options.project_id.clone(),
            keys: app
                .keys
                .all()
                .iter()
                .map(|k| (k.kid.clone(), STANDARD.encode(k.pkcs8())))
                .collect(),
            users: store.users_sorted(),
            sessions: store
                .sessions
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    };
    let bytes =
        serde_json::to_vec_pretty(&state).map_err(|e| EmulatorError::State(e.to_string()))?;
    store::write_atomically(&persister.path, &bytes).map_err(|e| {
        EmulatorError::State(format!("cannot write {}: {e}", persister.path.display()))
    })
}

async fn write_loop(app: Arc<App>, dirty: Arc<tokio::sync::Notify>) {
    loop {
        dirty.notified().await;
        let app = app.clone();
        let result = tokio::task::spawn_blocking(move || save(&app)).await;
        if let Ok(Err(e)) = result {
            eprintln!("descope-emulator: {e}");
        }
    }
}

/// A running emulator. Stops when [`stop`](Self::stop)ped or dropped.
pub struct Emulator {
    base_url: String,
    app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serve: Option<tokio::task::JoinHandle<()>>,
    writer: Option<tokio::task::JoinHandle<()>>,
}

impl std::fmt::Debug for Emulator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Emulator")
            .field("base_url", &self.base_url)
            .field("project_id", &self.app.options.project_id)
            .finish_non_exhaustive()
    }
}

impl Emulator {
    /// A builder with every default.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts one with every default but fast hashing, on a free loopback port.
    pub async fn start() -> Result<Self, EmulatorError> {
        Self::builder().hash_cost(HashCost::Fast).start().await
    }

    /// `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// The project ID it answers for.
    pub fn project_id(&self) -> &str {
        &self.app.options.project_id
    }

    /// The `iss` claim of its JWTs: `<base URL>/<project ID>`.
    pub fn issuer(&self) -> &str {
        &self.app.issuer
    }

    /// A [`Client`](descope::Client) for this emulator: retries off (it never answers 503),
    /// validating tokens on the emulator's clock.
    pub fn client(&self) -> descope::Result<descope::Client> {
        self.client_builder().build()
    }

    /// A [`ClientBuilder`](descope::ClientBuilder) set up as [`client`](Self::client) is, for
    /// more settings.
    pub fn client_builder(&self) -> descope::ClientBuilder {
        descope::Client::builder()
            .project_id(self.project_id())
            .base_url(self.base_url())
            .retry_policy(descope::RetryPolicy::none())
            .session_config(descope::SessionConfig::default().clock(self.app.clock.clone()))
    }

    /// Password resets "sent" so far, oldest first (the last 1000).
    pub fn sent_resets(&self) -> Vec<SentReset> {
        self.app
            .outbox
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .cloned()
            .collect()
    }

    /// How many users exist.
    pub fn user_count(&self) -> usize {
        self.app.store().users.len()
    }

    /// Signs with a new key from now on. The previous keys stay published when
    /// `keep_previous`, so tokens they signed still validate; otherwise they are dropped.
    pub async fn rotate_signing_key(&self, keep_previous: bool) -> Result<(), EmulatorError> {
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(|_| EmulatorError::Key("key generation task failed".into()))??;
        self.app.keys.rotate(key, keep_previous);
        if let Some(persister) = &self.app.persister {
            persister.mark_dirty();
        }
        Ok(())
    }

    /// Stops serving, waits for requests in flight, and writes the state file one last time.
    pub async fn stop(mut self) {
        self.shutdown().await;
    }

    async fn shutdown(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(serve) = self.serve.take() {
            let _ = serve.await;
        }
        if let Some(writer) = self.writer.take() {
            writer.abort();
            let _ = writer.await;
        }
        let app = self.app.clone();
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || save(&app)).await {
            eprintln!("descope-emulator: {e}");
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(writer) = self.writer.take() {
            writer.abort();
        }
    }
}

/// `len` random alphanumeric characters.
pub(crate) fn random_id(len: usize) -> String {
    use aws_lc_rs::rand::SecureRandom;
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut bytes = vec![0u8; len];
    // The system RNG does not fail on supported platforms; zeros would still be an ID.
    let _ = aws_lc_rs::rand::SystemRandom::new().fill(&mut bytes);
    bytes
        .iter()
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect()
}

/// Seconds since the Unix epoch (negative before it).
pub(crate) fn unix_seconds(time: std::time::SystemTime) -> i64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// What went wrong in a JSON document, without quoting any of it.
pub(crate) fn json_reason(e: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let what = match e.classify() {
        Category::Io => "read error",
        Category::Syntax => "not valid JSON",
        Category::Data => "a field has the wrong type or is missing",
        Category::Eof => "truncated JSON",
    };
    format!("{what} at line {} column {}", e.line(), e.column())
}
