//! The emulator's settings and the values its API takes and gives: errors, hashing cost, rate
//! limit, seed users.

use std::net::SocketAddr;
use std::time::Duration;

use crate::store::StoredTenant;
use crate::PasswordPolicy;

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
    /// A seed file could not be read, or a user in it is invalid (named with its index, login
    /// ID and field).
    #[error("seed file: {0}")]
    Seed(String),
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
        self.hash_with(password, &mut Vec::new())
    }

    /// [`hash`](Self::hash) in `memory`, a buffer reused from hash to hash (argon2's 19 MiB at
    /// production cost are then allocated once per permit, not once per hash, which the
    /// allocator would keep per thread).
    pub(crate) fn hash_with(
        self,
        password: &str,
        memory: &mut Vec<argon2::Block>,
    ) -> Result<String, EmulatorError> {
        use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
        let failed = |what: &str| EmulatorError::Key(format!("password hashing failed: {what}"));
        let params = self.params();
        let mut salt = [0u8; 16];
        getrandom::fill(&mut salt).map_err(|_| failed("no randomness"))?;
        let mut out = [0u8; 32];
        memory.resize(params.block_count(), argon2::Block::default());
        argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            params.clone(),
        )
        .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, &mut memory[..])
        .map_err(|e| failed(&e.to_string()))?;
        let hash = PasswordHash {
            algorithm: argon2::ARGON2ID_IDENT,
            version: Some(argon2::Version::V0x13.into()),
            params: ParamsString::try_from(&params).map_err(|e| failed(&e.to_string()))?,
            salt: Some(Salt::new(&salt).map_err(|e| failed(&e.to_string()))?),
            hash: Some(Output::new(&out).map_err(|e| failed(&e.to_string()))?),
        };
        Ok(hash.to_string())
    }

    /// Why an argon2 hash from elsewhere (a seed file, a state file) costs more than the
    /// emulator checks: memory over 4× OWASP's 19 MiB, over 10 passes, or over 8 lanes. `None`
    /// when it is within bounds. A sign-in against such a hash would take a core and its memory
    /// for as long as its author chose.
    pub(crate) fn excessive(params: &argon2::Params) -> Option<&'static str> {
        if params.m_cost() > argon2::Params::DEFAULT_M_COST * 4 {
            return Some("asks for more than 76 MiB of memory");
        }
        if params.t_cost() > 10 {
            return Some("asks for more than 10 passes");
        }
        if params.p_cost() > 8 {
            return Some("asks for more than 8 lanes");
        }
        None
    }

    /// Checks `password` against a PHC string (its own parameters apply, whatever the cost), in
    /// `memory`, a reused buffer (see [`hash_with`](Self::hash_with)).
    pub(crate) fn verify_with(hash: &str, password: &str, memory: &mut Vec<argon2::Block>) -> bool {
        use argon2::password_hash::phc::PasswordHash;
        let Ok(parsed) = PasswordHash::new(hash) else {
            return false;
        };
        let (Ok(params), Ok(algorithm)) = (
            argon2::Params::try_from(&parsed),
            argon2::Algorithm::try_from(parsed.algorithm.as_str()),
        ) else {
            return false;
        };
        let version = match parsed.version.map(argon2::Version::try_from) {
            None => argon2::Version::V0x13,
            Some(Ok(version)) => version,
            Some(Err(_)) => return false,
        };
        let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
            return false;
        };
        // A hash from elsewhere may ask for any cost: refuse what no emulator would write.
        if Self::excessive(&params).is_some() {
            return false;
        }
        let mut out = vec![0u8; expected.len()];
        memory.resize(params.block_count(), argon2::Block::default());
        argon2::Argon2::new(algorithm, version, params)
            .hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, &mut memory[..])
            .is_ok()
            && aws_lc_rs::constant_time::verify_slices_are_equal(&out, expected.as_bytes()).is_ok()
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
/// `Debug` shows no password (it is a [`descope::Password`]).
#[derive(Clone, Debug)]
pub struct SeedUser {
    pub(crate) login_id: String,
    pub(crate) password: descope::Password,
    pub(crate) name: Option<String>,
    pub(crate) roles: Vec<String>,
    pub(crate) permissions: Vec<String>,
    pub(crate) tenants: Vec<StoredTenant>,
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
    /// The key management calls must carry; none refuses every management call.
    pub(crate) management_key: Option<descope::ManagementKey>,
    /// Access keys that exchange for session JWTs.
    pub(crate) access_keys: Vec<descope::AccessKey>,
    /// The tenants of access keys, by key ID (a key not here has none).
    pub(crate) access_key_tenants: std::collections::HashMap<String, Vec<String>>,
    /// How a password reset completes.
    pub(crate) reset_method: crate::outbox::Method,
    /// Where links lead when a request names no redirect URL (none: the emulator's own page).
    pub(crate) redirect_url: Option<String>,
    /// How long emailed codes and links stay valid.
    pub(crate) code_ttl: Duration,
    /// Whether a reset is refused for a user whose email is not verified.
    pub(crate) reset_requires_verified_email: bool,
    /// Whether the console page (`GET /`) is served, read-only, to peers other than loopback.
    pub(crate) console_public: bool,
    /// DNS names the console and `/emulator/v1/*` may be reached by besides `localhost`.
    pub(crate) public_hosts: Vec<String>,
    /// How often expired sessions are forgotten.
    pub(crate) session_prune_interval: Duration,
    /// Where the seed export goes on a clean stop.
    pub(crate) export_on_exit: Option<std::path::PathBuf>,
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn hashes_round_trip_reuse_their_buffer_and_read_argon2s_own() {
        let mut memory = Vec::new();
        let hash = HashCost::Fast.hash_with("Passw0rd-1", &mut memory).unwrap();
        assert!(hash.starts_with("$argon2id$v=19$m="), "{hash}");
        let capacity = memory.capacity();
        assert!(HashCost::verify_with(&hash, "Passw0rd-1", &mut memory));
        assert!(!HashCost::verify_with(&hash, "Passw0rd-2", &mut memory));
        assert_eq!(memory.capacity(), capacity, "the buffer is reused");
        // A hash made by argon2's own PasswordHasher (older state files) verifies too.
        use argon2::PasswordHasher;
        let theirs = argon2::Argon2::from(HashCost::Fast.params())
            .hash_password(b"Passw0rd-1")
            .unwrap()
            .to_string();
        assert!(HashCost::verify_with(&theirs, "Passw0rd-1", &mut memory));
        assert!(!HashCost::verify_with(
            "not a hash",
            "Passw0rd-1",
            &mut memory
        ));
    }
}
