//! How session and refresh JWTs are validated: the settings, and the rules shared by every
//! validation.

use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::clock::{Clock, SystemClock};
use crate::setters::setters;

/// How long a refresh's outcome is handed to requests that carry the same refresh JWT.
pub const DEFAULT_REFRESH_SHARE_WINDOW: Duration = Duration::from_secs(10);

/// How many refresh outcomes are remembered at most.
pub const DEFAULT_REFRESH_SHARE_CAPACITY: usize = 4096;

/// The default leeway on `exp` and `nbf`: 5 seconds.
pub const DEFAULT_LEEWAY: Duration = Duration::from_secs(5);
/// The default longest token accepted: 16 KiB.
pub const DEFAULT_MAX_TOKEN_LEN: usize = 16 * 1024;
/// The default time fetched keys are trusted before a refetch: 10 minutes.
pub const DEFAULT_KEY_CACHE_TTL: Duration = Duration::from_secs(600);
/// The default shortest time between two fetches for an unknown `kid`: 30 seconds.
pub const DEFAULT_KEY_REFETCH_INTERVAL: Duration = Duration::from_secs(30);
/// The default number of verified tokens remembered: 10,000.
pub const DEFAULT_VERIFIED_CACHE_CAPACITY: usize = 10_000;
/// How long one fetch of the project's keys may take: 5 seconds.
pub const DEFAULT_KEY_FETCH_TIMEOUT: Duration = Duration::from_secs(5);
/// The default longest wait of a validation for the refetch of an expired key set: 1 second.
pub const DEFAULT_KEY_REFRESH_DEADLINE: Duration = Duration::from_secs(1);
/// The default longest time an expired key set still verifies while the key endpoint fails:
/// 30 minutes past its TTL.
pub const DEFAULT_KEY_MAX_STALE: Duration = Duration::from_secs(30 * 60);

/// How session and refresh JWTs are validated. Every setting has a documented default.
#[derive(Clone, Debug)]
pub struct SessionConfig {
    pub(crate) leeway: Duration,
    pub(crate) audience: Option<String>,
    pub(crate) max_token_len: usize,
    pub(crate) key_cache_ttl: Duration,
    pub(crate) key_refetch_interval: Duration,
    pub(crate) verified_cache_capacity: usize,
    pub(crate) public_keys: Option<String>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) refresh_share_window: Duration,
    pub(crate) refresh_share_capacity: usize,
    pub(crate) key_fetch_timeout: Duration,
    pub(crate) key_refresh_deadline: Duration,
    pub(crate) key_max_stale: Duration,
}

impl Default for SessionConfig {
    fn default() -> Self {
        Self {
            leeway: DEFAULT_LEEWAY,
            audience: None,
            max_token_len: DEFAULT_MAX_TOKEN_LEN,
            key_cache_ttl: DEFAULT_KEY_CACHE_TTL,
            key_refetch_interval: DEFAULT_KEY_REFETCH_INTERVAL,
            verified_cache_capacity: DEFAULT_VERIFIED_CACHE_CAPACITY,
            public_keys: None,
            clock: Arc::new(SystemClock),
            refresh_share_window: DEFAULT_REFRESH_SHARE_WINDOW,
            refresh_share_capacity: DEFAULT_REFRESH_SHARE_CAPACITY,
            key_fetch_timeout: DEFAULT_KEY_FETCH_TIMEOUT,
            key_refresh_deadline: DEFAULT_KEY_REFRESH_DEADLINE,
            key_max_stale: DEFAULT_KEY_MAX_STALE,
        }
    }
}

impl SessionConfig {
    setters! {
        /// Tolerance on `exp` and `nbf`. Defaults to [`DEFAULT_LEEWAY`] (5 s).
        leeway(leeway: Duration) => leeway;

        /// Require this audience in `aud`. Defaults to none (`aud` is not checked).
        audience(audience: impl Into<String>) => Some(audience);

        /// Refuse tokens longer than this, before any parsing. Defaults to
        /// [`DEFAULT_MAX_TOKEN_LEN`] (16 KiB).
        max_token_len(bytes: usize) => max_token_len;

        /// How long fetched keys are used before they are fetched again. Defaults to
        /// [`DEFAULT_KEY_CACHE_TTL`] (10 minutes).
        ///
        /// Past it, the next validation waits for the refetch (one for all, at most
        /// [`key_refresh_deadline`](Self::key_refresh_deadline)), so a key the service withdrew
        /// stops verifying, for tokens seen before too. Near its end, one refetch runs in the
        /// background so requests rarely wait.
        key_cache_ttl(ttl: Duration) => key_cache_ttl;

        /// The shortest time between two key fetches caused by unknown `kid`s. Defaults to
        /// [`DEFAULT_KEY_REFETCH_INTERVAL`] (30 s).
        key_refetch_interval(interval: Duration) => key_refetch_interval;

        /// How long one fetch of the key set may take (it is never retried: a failed fetch is
        /// tried again after [`key_refetch_interval`](Self::key_refetch_interval)). Defaults to
        /// [`DEFAULT_KEY_FETCH_TIMEOUT`] (5 s).
        key_fetch_timeout(timeout: Duration) => key_fetch_timeout;

        /// How long a validation waits for the refetch of an expired key set before it uses the
        /// expired keys meanwhile (traced at `warn`); the refetch goes on in the background.
        /// Defaults to [`DEFAULT_KEY_REFRESH_DEADLINE`] (1 s).
        key_refresh_deadline(deadline: Duration) => key_refresh_deadline;

        /// How long past [`key_cache_ttl`](Self::key_cache_ttl) an expired key set still verifies
        /// while the key endpoint fails or is late; after that, validations fail with
        /// [`Error::KeyFetch`](crate::Error::KeyFetch) (an outage, not a sign-out) until a fetch
        /// succeeds. Defaults to [`DEFAULT_KEY_MAX_STALE`] (30 minutes).
        key_max_stale(max_stale: Duration) => key_max_stale;

        /// How many verified tokens to remember (until they expire), so validating the same token
        /// again skips the signature check; 0 disables. Defaults to
        /// [`DEFAULT_VERIFIED_CACHE_CAPACITY`] (10,000).
        verified_cache_capacity(capacity: usize) => verified_cache_capacity;

        /// Use these public keys (one JWK or a JWK set, as JSON) instead of fetching them. Defaults
        /// to fetching from `/v2/keys/<projectId>`; `DESCOPE_PUBLIC_KEY` sets it from the environment.
        public_keys(json: impl Into<String>) => Some(public_keys);
    }

    /// The clock for `exp`, `nbf`, the key cache and the refresh share window. Defaults to
    /// [`SystemClock`].
    pub fn clock(mut self, clock: impl Clock) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    setters! {
        /// How long the outcome of an automatic refresh (by the tower layer, the axum middleware
        /// and [`validate_and_refresh`](crate::SessionClient::validate_and_refresh)) is handed to
        /// other requests that carry the same refresh JWT, so a page's parallel requests make one
        /// refresh, and all get the same new session and rotated refresh JWT. Concurrent refreshes
        /// are always shared; zero shares nothing more. A refusal is shared too; an outage only with
        /// the requests that waited for it. Defaults to
        /// [`DEFAULT_REFRESH_SHARE_WINDOW`](super::DEFAULT_REFRESH_SHARE_WINDOW) (10 s).
        ///
        /// Within the window, the refresh JWT that was rotated away still yields the new session
        /// in this process (keep it short), until a logout in this process ends that session.
        /// Nothing is shared across processes.
        refresh_share_window(window: Duration) => refresh_share_window;

        /// How many refresh outcomes are remembered at most (beyond it, the oldest are dropped;
        /// only refresh JWTs that pass local validation take a place). Defaults to
        /// [`DEFAULT_REFRESH_SHARE_CAPACITY`](super::DEFAULT_REFRESH_SHARE_CAPACITY) (4096).
        refresh_share_capacity(capacity: usize) => refresh_share_capacity;
    }
}

pub(crate) fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(after) => i64::try_from(after.as_secs()).unwrap_or(i64::MAX),
        Err(before) => -i64::try_from(before.duration().as_secs()).unwrap_or(i64::MAX),
    }
}

/// Whether `iss` names `project_id`: the ID itself, or an `http(s)` URL (as the `url` crate
/// parses it: a valid host, IDNA included) whose last path segment is it
/// (`https://api.descope.com/<projectId>`). Nothing else: not the ID as the host
/// (`https://<projectId>`), not with a trailing slash, an empty or invalid host, user info, a
/// query or a fragment. The rule every validation here applies.
pub fn issuer_matches(iss: &str, project_id: &str) -> bool {
    if iss == project_id {
        return true;
    }
    if !(iss.starts_with("https://") || iss.starts_with("http://")) || iss.contains('@') {
        return false;
    }
    let Ok(url) = url::Url::parse(iss) else {
        return false;
    };
    // The host and path as written (the parser would skip extra slashes, resolve `..` and
    // decode escapes).
    let mut written = iss.splitn(4, '/').skip(2);
    let host = written.next().unwrap_or_default();
    let path = written.next().unwrap_or_default();
    !host.is_empty()
        && url.host_str().is_some_and(|host| !host.is_empty())
        && url.query().is_none()
        && url.fragment().is_none()
        && !path.contains(['?', '#', '\\'])
        && path.rsplit('/').next() == Some(project_id)
}

#[cfg(test)]
mod tests {
    use super::issuer_matches;

    #[test]
    fn the_issuer_is_the_project_or_a_url_ending_in_it() {
        let project = "P2abc";
        for good in [
            "P2abc",
            "https://api.descope.com/P2abc",
            "http://127.0.0.1:8080/P2abc",
            "https://api.descope.com/v1/P2abc",
        ] {
            assert!(issuer_matches(good, project), "{good}");
        }
        for bad in [
            "P2other",
            "https://P2abc",
            "https://api.descope.com/P2abc/",
            "https:///P2abc",
            "https://user@api.descope.com/P2abc",
            "https://api.descope.com/P2abc?x=1",
            "https://api.descope.com/P2abc#x",
            "ftp://api.descope.com/P2abc",
            // An invalid host (found by the differential fuzzer: U+FFFD is no host character).
            "https://api.desc\u{fffd}pe.com/P2abc",
            "https://api descope.com/P2abc",
        ] {
            assert!(!issuer_matches(bad, project), "{bad}");
        }
    }
}
