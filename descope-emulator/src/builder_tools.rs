//! The builder's settings for the email flows, the console, seed files and the signing key's
//! reuse.

use std::path::PathBuf;
use std::time::Duration;

use crate::builder::Import;
use crate::EmulatorBuilder;

impl EmulatorBuilder {
    /// How a password reset completes (`resetMethod`): a magic link, an enchanted link or an
    /// OTP code, delivered to the outbox. Defaults to [`Method::MagicLink`](crate::Method).
    pub fn reset_method(mut self, method: crate::outbox::Method) -> Self {
        self.options.reset_method = method;
        self
    }

    /// Where emailed links lead when a request names no redirect URL (the Python SDK's email
    /// updates send none). Defaults to the emulator's own page that shows the token
    /// (`/emulator/v1/link`).
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.options.redirect_url = Some(url.into());
        self
    }

    /// How long emailed codes and links stay valid, on the emulator's clock. Defaults to 10
    /// minutes.
    pub fn code_ttl(mut self, ttl: Duration) -> Self {
        self.options.code_ttl = ttl;
        self
    }

    /// Refuse a password reset for a user whose email is not verified. Defaults to off.
    pub fn reset_requires_verified_email(mut self, on: bool) -> Self {
        self.options.reset_requires_verified_email = on;
        self
    }

    /// Start from the users of this seed file, replacing any in the state file
    /// ([`state_file`](Self::state_file)). A bad file (unreadable, unknown fields, an invalid
    /// user, named by index, login ID and field) makes [`start`](Self::start) fail: nothing is
    /// served. Defaults to none.
    pub fn import_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.import = Some(Import::File(path.into()));
        self
    }

    /// Start from the users of `seed`, as [`import_file`](Self::import_file). Defaults to
    /// none.
    pub fn import(mut self, seed: crate::SeedFile) -> Self {
        self.import = Some(Import::Seed(seed));
        self
    }

    /// Write the users as a seed file to `path` on a clean stop
    /// ([`Emulator::stop`](crate::Emulator::stop), SIGINT, SIGTERM). Defaults to none.
    pub fn export_on_exit(mut self, path: impl Into<PathBuf>) -> Self {
        self.options.export_on_exit = Some(path.into());
        self
    }

    /// Serve the console page (`GET /`) to every peer, read-only and without codes or links,
    /// not only to loopback ones. The outbox, export, import and the console's actions stay
    /// for loopback peers or the management key whatever this says. Defaults to off.
    pub fn console_public(mut self, public: bool) -> Self {
        self.options.console_public = public;
        self
    }

    /// How often sessions past their expiry are forgotten (on the emulator's clock), so a
    /// long-running emulator's memory and state file stay bounded; each user also keeps at most
    /// 100 sessions (a sign-in beyond that ends their oldest). Defaults to 60 s.
    pub fn session_prune_interval(mut self, interval: std::time::Duration) -> Self {
        self.options.session_prune_interval = interval;
        self
    }

    /// A DNS name the console and `/emulator/v1/*` may be reached by, besides `localhost` and
    /// IP addresses; requests whose `Host` names another are refused (DNS rebinding). Defaults
    /// to none.
    pub fn public_host(mut self, name: impl Into<String>) -> Self {
        self.options.public_hosts.push(name.into());
        self
    }

    /// Generate a new RSA 2048 key pair for this emulator (~50–90 ms) instead of reusing the
    /// process's development key pair. Defaults to false: the first emulator of a process
    /// generates the pair and later ones reuse it, each under a `kid` of its own, so starting
    /// another emulator in a test suite costs milliseconds. Either way the wire is the same
    /// (RS256, the same JWKS shape). A given key ([`signing_key_pkcs8`](Self::signing_key_pkcs8))
    /// or a state file's keys take precedence.
    pub fn fresh_signing_key(mut self, fresh: bool) -> Self {
        self.fresh_key = fresh;
        self
    }

    /// Sign with the development key kept in this file (PKCS#8 DER), generating it and writing
    /// it there (mode `0600`, atomically) when it is missing or unreadable: starts after the
    /// first need no RSA generation, which is how the binary reaches its `DESCOPE_BASE_URL=`
    /// line in milliseconds. Each start still publishes a `kid` of its own. Defaults to none.
    /// A given key ([`signing_key_pkcs8`](Self::signing_key_pkcs8)) or a state file's keys take
    /// precedence; it takes precedence over [`fresh_signing_key`](Self::fresh_signing_key).
    pub fn signing_key_cache(mut self, path: impl Into<std::path::PathBuf>) -> Self {
        self.key_cache = Some(path.into());
        self
    }
}
