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

mod builder;
mod builder_tools;
mod directory;
mod failure;
mod federation;
#[cfg(fuzzing)]
#[doc(hidden)]
pub mod fuzzing;
mod key_cache;
mod keys;
mod login_id;
mod options;
mod outbox;
mod persist;
mod seed;
mod serve;
mod server;
mod startup;
mod state_file;
mod store;
mod totp;
mod verification;

use std::sync::Arc;

pub use builder::EmulatorBuilder;
pub use descope::PasswordPolicy;
pub use key_cache::default_signing_key_cache;
pub(crate) use options::Options;
pub use options::{EmulatorError, HashCost, RateLimit, SeedUser, DEFAULT_PROJECT_ID};
pub use outbox::{Delivery, Method, OutboxMessage, Purpose, OUTBOX_LEN};
pub use seed::{
    PermissionRecord, RoleRecord, SeedFile, SeedRecord, SeedTenant, SsoRecord, TenantRecord,
};

use keys::SigningKey;

use server::App;

/// A running emulator. Stops when [`stop`](Self::stop)ped or dropped.
pub struct Emulator {
    base_url: String,
    app: Arc<App>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    serve: Option<tokio::task::JoinHandle<()>>,
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
        let builder = descope::Client::builder()
            .project_id(self.project_id())
            .base_url(self.base_url())
            .retry_policy(descope::RetryPolicy::none())
            .session_config(descope::SessionConfig::default().clock(self.app.clock.clone()));
        match &self.app.options.management_key {
            Some(key) => builder.management_key(key.clone()),
            None => builder,
        }
    }

    /// The ID of an access key the emulator accepts: the `sub` of the session JWTs it
    /// exchanges for (`K` and 27 characters derived from the key, the same on every start).
    /// `None` for a key it was not given.
    pub fn access_key_id(&self, key: &str) -> Option<String> {
        self.app
            .options
            .access_keys
            .iter()
            .any(|k| k.secret() == key)
            .then(|| access_key_id(key))
    }

    /// The messages "sent" so far (codes and links; nothing leaves the machine), oldest first
    /// (the last [`OUTBOX_LEN`]). The same as `GET /emulator/v1/outbox`.
    pub fn outbox(&self) -> Vec<OutboxMessage> {
        self.app.outbox().all()
    }

    /// The newest message to `address` (compared without case), if any: what a test reads to
    /// click a link or type a code.
    pub fn last_message_to(&self, address: &str) -> Option<OutboxMessage> {
        let address = address.trim().to_lowercase();
        self.outbox()
            .into_iter()
            .rev()
            .find(|m| m.to.to_lowercase() == address)
    }

    /// The code the user's authenticator app shows now (on the emulator's clock), for the key
    /// they enrolled last: a key waiting for its first code (a TOTP sign-up or update), else
    /// their key. `None` without TOTP. What a test types instead of reading a phone.
    pub fn totp_code(&self, login_id: &str) -> Option<String> {
        let store = self.app.store();
        let key = match store.user_by_login(login_id) {
            Some(user) => user
                .pending_totp
                .clone()
                .or_else(|| user.totp.as_ref().map(|seed| seed.key.clone())),
            None => (store.totp_sign_ups.get(&store::login_key(login_id))).map(|p| p.key.clone()),
        }?;
        drop(store);
        totp::code_at(&key, self.app.now())
    }

    /// The users as a seed file (as `GET /emulator/v1/export`): password hashes, never
    /// passwords.
    pub fn export(&self) -> SeedFile {
        self.app.store().seed()
    }

    /// Replaces every user with those of `seed` (as `POST /emulator/v1/import`); their
    /// sessions and pending codes go too. An invalid user refuses the whole import.
    pub async fn import(&self, seed: SeedFile) -> Result<(), EmulatorError> {
        crate::server::import(&self.app, seed).await
    }

    /// Empties the outbox (as `DELETE /emulator/v1/outbox`).
    pub fn clear_outbox(&self) {
        self.app.outbox().clear();
    }

    /// The most password hashes (or checks) that ever ran at once: at most
    /// [`max_concurrent_hashes`](EmulatorBuilder::max_concurrent_hashes).
    pub fn peak_concurrent_hashes(&self) -> usize {
        self.app.hashing.peak()
    }

    /// How many users exist.
    pub fn user_count(&self) -> usize {
        self.app.store().users.len()
    }

    /// How many refresh sessions the emulator keeps: live, revoked, or expired and not pruned
    /// yet (see [`EmulatorBuilder::session_prune_interval`]).
    pub fn stored_sessions(&self) -> usize {
        self.app.store().sessions.len()
    }

    /// Signs with a new key from now on. The previous keys stay published when
    /// `keep_previous`, so tokens they signed still validate; otherwise they are dropped.
    pub async fn rotate_signing_key(&self, keep_previous: bool) -> Result<(), EmulatorError> {
        let key = tokio::task::spawn_blocking(SigningKey::generate)
            .await
            .map_err(|_| EmulatorError::Key("key generation task failed".into()))??;
        self.app.keys.rotate(key, keep_previous);
        self.app.changed();
        crate::persist::persist(&self.app).await
    }

    /// Stops serving, waits for requests in flight (at most 5 s: then their connections are
    /// closed), and writes the state file one last time.
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
        if let Err(e) = crate::persist::persist_final(&self.app).await {
            eprintln!("descope-emulator: {e}");
        }
        if let Some(path) = &self.app.options.export_on_exit {
            let export = self.app.store().seed().to_json();
            if let Err(e) = crate::state_file::write_atomically(path, export.as_bytes()) {
                eprintln!(
                    "descope-emulator: cannot write the export {}: {e}",
                    path.display()
                );
            }
        }
    }
}

impl Drop for Emulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The ID of an access key: `K` and 27 characters of its SHA-256, stable across starts.
pub(crate) fn access_key_id(key: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, key.as_bytes());
    let id: String = digest
        .as_ref()
        .iter()
        .take(27)
        .map(|b| ALPHABET[usize::from(*b) % ALPHABET.len()] as char)
        .collect();
    format!("K{id}")
}

/// Whether `url` is an absolute `http` or `https` URL with a host, and nothing a browser would
/// run (the only links the emulator writes into its outbox and console).
pub(crate) fn is_web_url(url: &str) -> bool {
    let url = url.trim();
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let rest = if lower.starts_with("https://") {
        &url[8..]
    } else if lower.starts_with("http://") {
        &url[7..]
    } else {
        return false;
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    !host.is_empty()
        && !url
            .chars()
            .any(|c| c.is_control() || c == ' ' || c == '"' || c == '<' || c == '>')
}

/// The OS's random generator failed: no ID, token or code is made without it (a predictable
/// one would be worse than none).
#[derive(Debug)]
pub(crate) struct NoRandomness;

impl From<NoRandomness> for failure::Failure {
    fn from(_: NoRandomness) -> Self {
        failure::Failure::Internal("the random generator failed")
    }
}

impl From<NoRandomness> for EmulatorError {
    fn from(_: NoRandomness) -> Self {
        EmulatorError::Key("the random generator failed".into())
    }
}

/// `len` characters drawn uniformly from `alphabet` (at most 256 long), from the OS generator.
pub(crate) fn random_from(alphabet: &[u8], len: usize) -> Result<String, NoRandomness> {
    // Bytes at or past the largest multiple of the alphabet's size are drawn again, so that
    // every character is equally likely.
    let size = alphabet.len().clamp(1, 256);
    let limit = 256 - 256 % size;
    let mut out = String::with_capacity(len);
    let mut bytes = [0u8; 64];
    // Each byte is kept with probability limit/256 >= 1/2: 64 rounds fail to fill 64
    // characters only with a broken generator, which is then an error too.
    for _ in 0..64 + len {
        if out.len() >= len {
            break;
        }
        getrandom::fill(&mut bytes).map_err(|_| NoRandomness)?;
        for byte in bytes.iter().map(|b| usize::from(*b)).filter(|b| *b < limit) {
            if out.len() >= len {
                break;
            }
            out.push(char::from(alphabet[byte % size]));
        }
    }
    if out.len() < len {
        return Err(NoRandomness);
    }
    Ok(out)
}

/// `len` random alphanumeric characters.
pub(crate) fn random_id(len: usize) -> Result<String, NoRandomness> {
    random_from(
        b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
        len,
    )
}

/// Seconds since the Unix epoch (negative before it).
pub(crate) fn unix_seconds(time: std::time::SystemTime) -> i64 {
    match time.duration_since(std::time::UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}
