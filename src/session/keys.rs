//! The project's public keys: fetched from `/v2/keys/<projectId>` (or given), cached with a
//! TTL, fetched once for concurrent misses, and refetched for an unknown `kid` at most once per
//! interval, so forged `kid`s cannot turn into a flood of requests.
//!
//! Keys stay off the request path: when the cached set goes stale, it keeps being served while
//! one background refresh runs (stale-while-revalidate). A request waits for a fetch only when
//! no usable key is cached (the first request, an unknown `kid`), and then behind one fetch at
//! most. Every fetch has its own short timeout and no retries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::clock::Clock;

use serde_json::Value;

pub(crate) use super::jwk::{parse_keys, parse_public_keys, VerifyKey};

use crate::error::{Error, SessionError};

/// Where keys come from.
pub(crate) enum KeySource {
    /// Fetched from the service.
    Remote,
    /// Given by the user: never fetched.
    Static,
}

#[derive(Default)]
struct Cached {
    keys: HashMap<String, Arc<VerifyKey>>,
    fetched_at: Option<SystemTime>,
    last_attempt: Option<SystemTime>,
    last_failed: bool,
}

/// The key cache.
pub(crate) struct KeyStore {
    source: KeySource,
    /// The validator's clock, so TTLs and intervals can be tested without waiting.
    clock: Arc<dyn Clock>,
    ttl: Duration,
    min_refetch_interval: Duration,
    cached: RwLock<Cached>,
    /// Held while fetching: concurrent misses wait for one fetch instead of each sending one.
    fetching: tokio::sync::Mutex<()>,
    fetches: AtomicU64,
    /// Whether a background refresh is running.
    refreshing: std::sync::atomic::AtomicBool,
    /// How long one fetch may take.
    fetch_timeout: Duration,
}

/// What a lookup found.
enum Lookup {
    Found(Arc<VerifyKey>),
    /// Known keys are fresh, and a refetch for an unknown `kid` happened too recently.
    Unknown,
    /// The key, from a set due for a refresh: serve it, refresh in the background.
    Stale(Arc<VerifyKey>),
    /// No key, and the last fetch failed too recently to try again.
    Failing,
    /// Nothing usable: fetch.
    Fetch,
}

impl KeyStore {
    pub(crate) fn remote(
        clock: Arc<dyn Clock>,
        ttl: Duration,
        min_refetch_interval: Duration,
        fetch_timeout: Duration,
    ) -> Self {
        Self {
            clock,
            source: KeySource::Remote,
            ttl,
            min_refetch_interval,
            cached: RwLock::new(Cached::default()),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            fetch_timeout,
        }
    }

    pub(crate) fn fixed(clock: Arc<dyn Clock>, keys: HashMap<String, Arc<VerifyKey>>) -> Self {
        Self {
            clock: clock.clone(),
            source: KeySource::Static,
            ttl: Duration::MAX,
            min_refetch_interval: Duration::MAX,
            cached: RwLock::new(Cached {
                keys,
                fetched_at: Some(clock.now()),
                last_attempt: None,
                last_failed: false,
            }),
            fetching: tokio::sync::Mutex::new(()),
            fetches: AtomicU64::new(0),
            refreshing: std::sync::atomic::AtomicBool::new(false),
            fetch_timeout: Duration::MAX,
        }
    }

    /// How many fetches were sent.
    /// Whether `key` is still the usable key for `kid` (no fetch: a stale set answers no). The
    /// hot path of a verified-cache hit: one read lock, no clone.
    pub(crate) fn is_current(&self, kid: &str, key: &Arc<VerifyKey>) -> bool {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        let found = cached.keys.get(kid).or_else(|| cached.keys.get(""));
        match found {
            Some(found) if Arc::ptr_eq(found, key) => self.usable(&cached),
            _ => false,
        }
    }

    /// Whether the cached set may be used as it is: given keys always; fetched ones while fresh,
    /// or while the service fails and the refetch interval has not passed.
    fn usable(&self, cached: &Cached) -> bool {
        if let KeySource::Static = self.source {
            return true;
        }
        let now = self.clock.now();
        // A clock that went backwards counts as no time passed.
        let elapsed = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let fresh = cached.fetched_at.is_some_and(|at| elapsed(at) < self.ttl);
        let recently_tried = cached
            .last_attempt
            .is_some_and(|at| elapsed(at) < self.min_refetch_interval);
        fresh || (recently_tried && cached.last_failed)
    }

    pub(crate) fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        let found = cached
            .keys
            .get(kid)
            .or_else(|| cached.keys.get(""))
            .cloned();
        if let KeySource::Static = self.source {
            return found.map_or(Lookup::Unknown, Lookup::Found);
        }
        let now = self.clock.now();
        // A clock that went backwards counts as no time passed.
        let elapsed = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let fresh = cached.fetched_at.is_some_and(|at| elapsed(at) < self.ttl);
        let recently_tried = cached
            .last_attempt
            .is_some_and(|at| elapsed(at) < self.min_refetch_interval);
        match found {
            Some(key) if fresh => Lookup::Found(key),
            // Stale, but the service failed a moment ago: keep using what we have.
            Some(key) if recently_tried && cached.last_failed => Lookup::Found(key),
            Some(key) => Lookup::Stale(key),
            None if recently_tried && cached.last_failed => Lookup::Failing,
            None if recently_tried => Lookup::Unknown,
            None => Lookup::Fetch,
        }
    }

    /// The key for `kid` without waiting: a cached one (a stale set is served while one
    /// background refresh runs), or the error that ends the validation; `None` when the set must
    /// be fetched first.
    pub(crate) fn cached<F, Fut>(
        self: &Arc<Self>,
        kid: &str,
        fetch: &F,
    ) -> Option<Result<Arc<VerifyKey>, Error>>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        match self.lookup(kid) {
            Lookup::Found(key) => Some(Ok(key)),
            Lookup::Stale(key) => {
                self.refresh_in_background(fetch());
                Some(Ok(key))
            }
            Lookup::Unknown => Some(Err(SessionError::UnknownKey.into())),
            // The last fetch failed: the next try waits for the refetch interval.
            Lookup::Failing => Some(Err(Error::KeyFetch { source: None })),
            Lookup::Fetch => None,
        }
    }

    /// The key for `kid`: a cached one (a stale set is served while one background refresh
    /// runs), else after a fetch when one is allowed. `fetch` makes the fetch's future, which
    /// owns what it needs (a background refresh outlives the request).
    pub(crate) async fn get<F, Fut>(
        self: &Arc<Self>,
        kid: &str,
        fetch: F,
    ) -> Result<Arc<VerifyKey>, Error>
    where
        F: Fn() -> Fut,
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        if let Some(settled) = self.cached(kid, &fetch) {
            return settled;
        }
        // The rare path, boxed: the future of every validation stays small (it would otherwise
        // carry the HTTP request's state inline, and be moved with it on each call).
        Box::pin(self.fetch_then_get(kid, fetch())).await
    }

    /// [`get`](Self::get) once a fetch is due: one fetch at a time, then the key.
    async fn fetch_then_get<Fut>(
        self: &Arc<Self>,
        kid: &str,
        fetch: Fut,
    ) -> Result<Arc<VerifyKey>, Error>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        let failing = || Error::KeyFetch { source: None };
        let _single_flight = self.fetching.lock().await;
        // Someone else may have fetched while this task waited.
        match self.lookup(kid) {
            Lookup::Found(key) | Lookup::Stale(key) => return Ok(key),
            Lookup::Unknown => return Err(SessionError::UnknownKey.into()),
            Lookup::Failing => return Err(failing()),
            Lookup::Fetch => {}
        }
        let result = self.fetch_bounded(fetch).await;
        let cached = self.record(result, kid)?;
        cached.ok_or(SessionError::UnknownKey.into())
    }

    /// Starts one background refresh unless one is running (or there is no runtime to run it
    /// on: the stale set is then served until a request may fetch).
    fn refresh_in_background<Fut>(self: &Arc<Self>, fetch: Fut)
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.refreshing.swap(true, Ordering::AcqRel) {
            return;
        }
        let store = Arc::clone(self);
        runtime.spawn(async move {
            let single_flight = store.fetching.lock().await;
            let result = store.fetch_bounded(fetch).await;
            if let Err(error) = store.record(result, "") {
                tracing::warn!(%error, "descope: background key refresh failed, using cached keys");
            }
            drop(single_flight);
            store.refreshing.store(false, Ordering::Release);
        });
    }

    /// One fetch, within the fetch timeout, no retries.
    async fn fetch_bounded<Fut>(&self, fetch: Fut) -> Result<Vec<Value>, Error>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>>,
    {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(self.fetch_timeout, fetch).await {
            Ok(result) => result,
            Err(_) => Err(Error::Timeout {
                operation: crate::operation::Operation::GetKeys,
            }),
        }
    }

    /// Records a fetch's outcome; the key for `kid` after it (`Ok(None)`: no such key). A
    /// failed fetch keeps the keys we had: the key for `kid` among them, else the error.
    fn record(
        &self,
        result: Result<Vec<Value>, Error>,
        kid: &str,
    ) -> Result<Option<Arc<VerifyKey>>, Error> {
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        cached.last_attempt = Some(now);
        cached.last_failed = result.is_err();
        match result {
            Ok(set) => {
                cached.keys = parse_keys(set);
                cached.fetched_at = Some(now);
            }
            Err(error) => {
                if let Some(key) = cached.keys.get(kid).or_else(|| cached.keys.get("")) {
                    tracing::warn!("descope: key refresh failed, using cached keys");
                    return Ok(Some(key.clone()));
                }
                return Err(Error::KeyFetch {
                    source: Some(Box::new(error)),
                });
            }
        }
        Ok(cached
            .keys
            .get(kid)
            .or_else(|| cached.keys.get(""))
            .cloned())
    }
}
