//! The project's public keys: fetched from `/v2/keys/<projectId>` (or given), cached with a
//! TTL, fetched once for concurrent misses, and refetched for an unknown `kid` at most once per
//! interval, so forged `kid`s cannot turn into a flood of requests.
//!
//! Revocation beats staleness: once the cached set is past its TTL, the next validation waits
//! for one refetch (single flight, in a task of its own that a dropped request does not cancel),
//! bounded by a short deadline, so a key the service no longer lists stops verifying at once,
//! for new and cached tokens alike. The expired set is used only when the key endpoint fails or
//! misses that deadline, and then for a bounded time past its TTL, traced at `warn`. Ahead of
//! the TTL, one refetch runs in the background, so that requests rarely wait at all.
//!
//! An unknown `kid` is refused (the session ends) only when a fetch that completed after it
//! was looked up does not list it: a withdrawn or forged key. While the refetch interval holds
//! a fetch back, an unknown `kid` is "keys unavailable" ([`Error::KeyFetch`]): during a real key
//! rotation nobody is signed out.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, SystemTime};

use super::clock::Clock;

use serde_json::Value;

pub(crate) use super::jwk::{parse_keys, parse_public_keys, VerifyKey};

use super::validate::SessionConfig;
use crate::error::{Error, SessionError};

/// How many withdrawn or never-published `kid`s are remembered as refused until the next fetch.
const ABSENT_KIDS: usize = 32;

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
    /// When the last successful fetch completed.
    fetched_at: Option<SystemTime>,
    last_attempt: Option<SystemTime>,
    last_failed: bool,
    /// `kid`s the last successful fetch showed are not (or no longer) published: looked up for
    /// it, or listed before it and withdrawn by it.
    absent: Vec<String>,
}

impl Cached {
    /// The key for `kid` (a single key without `kid` matches any).
    fn find(&self, kid: &str) -> Option<&Arc<VerifyKey>> {
        self.keys.get(kid).or_else(|| self.keys.get(""))
    }
}

/// How the last fetch ended, for the requests that waited for it.
#[derive(Clone, Default)]
struct Finished {
    /// How many fetches have finished.
    count: u64,
    /// The last one's failure.
    failure: Option<Arc<Error>>,
}

/// The timings of a remote key set (from [`SessionConfig`]).
struct Timing {
    ttl: Duration,
    min_refetch_interval: Duration,
    fetch_timeout: Duration,
    refresh_deadline: Duration,
    max_stale: Duration,
}

/// The key cache.
pub(crate) struct KeyStore {
    source: KeySource,
    /// The validator's clock, so TTLs and intervals can be tested without waiting.
    clock: Arc<dyn Clock>,
    timing: Timing,
    cached: RwLock<Cached>,
    /// Whether a fetch task is running (single flight).
    fetching: AtomicBool,
    /// Signalled by each fetch task when it ends.
    finished: tokio::sync::watch::Sender<Finished>,
    fetches: AtomicU64,
}

/// How old a cached set is.
struct Age {
    /// Within its TTL.
    fresh: bool,
    /// Near the end of its TTL: a background refetch is welcome.
    due: bool,
    /// Within its TTL and the longest time expired keys may serve.
    stale_ok: bool,
    /// A fetch was tried within the refetch interval.
    recently_tried: bool,
    /// And it failed.
    failing: bool,
}

/// What a lookup found.
enum Lookup {
    Found(Arc<VerifyKey>),
    /// Found in a set that is still fresh but near its TTL: refetch in the background.
    FoundDue(Arc<VerifyKey>),
    /// A fetch since the `kid` was seen does not list it: refused.
    Absent,
    /// An unknown `kid`, and a fetch happened too recently to fetch again.
    Throttled,
    /// No usable key, and the last fetch failed too recently to try again.
    Failing,
    /// The set must be fetched first; `stale` may serve if the fetch fails or is late.
    Fetch {
        stale: Option<Arc<VerifyKey>>,
    },
}

impl KeyStore {
    pub(crate) fn remote(config: &SessionConfig) -> Self {
        Self {
            clock: config.clock.clone(),
            source: KeySource::Remote,
            timing: Timing {
                ttl: config.key_cache_ttl,
                min_refetch_interval: config.key_refetch_interval,
                fetch_timeout: config.key_fetch_timeout,
                refresh_deadline: config.key_refresh_deadline,
                max_stale: config.key_max_stale,
            },
            cached: RwLock::new(Cached::default()),
            fetching: AtomicBool::new(false),
            finished: tokio::sync::watch::Sender::new(Finished::default()),
            fetches: AtomicU64::new(0),
        }
    }

    pub(crate) fn fixed(clock: Arc<dyn Clock>, keys: HashMap<String, Arc<VerifyKey>>) -> Self {
        Self {
            clock: clock.clone(),
            source: KeySource::Static,
            timing: Timing {
                ttl: Duration::MAX,
                min_refetch_interval: Duration::MAX,
                fetch_timeout: Duration::MAX,
                refresh_deadline: Duration::ZERO,
                max_stale: Duration::ZERO,
            },
            cached: RwLock::new(Cached {
                keys,
                fetched_at: Some(clock.now()),
                ..Cached::default()
            }),
            fetching: AtomicBool::new(false),
            finished: tokio::sync::watch::Sender::new(Finished::default()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Whether `key` is still the usable key for `kid` (no fetch: an expired set answers no).
    /// The hot path of a verified-cache hit: one read lock, no clone.
    pub(crate) fn is_current(&self, kid: &str, key: &Arc<VerifyKey>) -> bool {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        match cached.find(kid) {
            Some(found) if Arc::ptr_eq(found, key) => match self.source {
                KeySource::Static => true,
                KeySource::Remote => {
                    let age = self.age(&cached);
                    age.fresh || (age.failing && age.stale_ok)
                }
            },
            _ => false,
        }
    }

    /// How old the cached set is, against the timings.
    fn age(&self, cached: &Cached) -> Age {
        let timing = &self.timing;
        let now = self.clock.now();
        // A clock that went backwards counts as no time passed.
        let since = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let fetched = cached.fetched_at.map(since);
        let recently_tried = cached
            .last_attempt
            .is_some_and(|at| since(at) < timing.min_refetch_interval);
        // Refetch ahead of the TTL (the last tenth, at most a minute), in the background.
        let ahead = timing.ttl.div_f64(10.0).min(Duration::from_secs(60));
        Age {
            fresh: fetched.is_some_and(|a| a < timing.ttl),
            due: fetched.is_some_and(|a| a.saturating_add(ahead) >= timing.ttl),
            stale_ok: fetched.is_some_and(|a| a < timing.ttl.saturating_add(timing.max_stale)),
            recently_tried,
            failing: recently_tried && cached.last_failed,
        }
    }

    /// How many fetches were sent.
    pub(crate) fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    fn lookup(&self, kid: &str) -> Lookup {
        let cached = self.cached.read().unwrap_or_else(|p| p.into_inner());
        self.lookup_in(&cached, kid)
    }

    fn lookup_in(&self, cached: &Cached, kid: &str) -> Lookup {
        let found = cached.find(kid).cloned();
        if let KeySource::Static = self.source {
            return found.map_or(Lookup::Absent, Lookup::Found);
        }
        let Age {
            fresh,
            due,
            stale_ok,
            recently_tried,
            failing,
        } = self.age(cached);
        match found {
            Some(key) if fresh && due && !recently_tried => Lookup::FoundDue(key),
            Some(key) if fresh => Lookup::Found(key),
            // Expired, and the service failed a moment ago: keep using it, for a bounded time.
            Some(key) if failing && stale_ok => Lookup::Found(key),
            Some(_) if failing => Lookup::Failing,
            Some(key) => Lookup::Fetch {
                stale: stale_ok.then_some(key),
            },
            None if fresh && cached.absent.iter().any(|a| a == kid) => Lookup::Absent,
            None if failing => Lookup::Failing,
            None if recently_tried => Lookup::Throttled,
            None => Lookup::Fetch { stale: None },
        }
    }

    /// The key for `kid` without waiting, or the error that ends the validation; `None` when
    /// the set must be fetched first.
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
            Lookup::FoundDue(key) => {
                // Without a runtime the fetch comes back unrun: the set is fetched on the request
                // path once it expires.
                drop(self.spawn_fetch(fetch(), kid));
                Some(Ok(key))
            }
            Lookup::Absent => Some(Err(SessionError::UnknownKey.into())),
            Lookup::Throttled | Lookup::Failing => Some(Err(Error::KeyFetch { source: None })),
            Lookup::Fetch { .. } => None,
        }
    }

    /// The key for `kid`: a cached one, else after a fetch when one is allowed. `fetch` makes
    /// the fetch's future, which owns what it needs (the fetch outlives a dropped request).
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

    /// [`get`](Self::get) once a fetch is due: joins the fetch in flight or starts one, waits
    /// for it (up to the refresh deadline when an expired key could serve, else up to the fetch
    /// timeout), then looks again.
    async fn fetch_then_get<Fut>(
        self: &Arc<Self>,
        kid: &str,
        fetch: Fut,
    ) -> Result<Arc<VerifyKey>, Error>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        let mut finished = self.finished.subscribe();
        let seen = finished.borrow_and_update().count;
        // Someone else may have fetched since the lookup.
        let stale = match self.lookup(kid) {
            Lookup::Fetch { stale } => stale,
            other => return self.settle(other, None),
        };
        let deadline = match stale {
            Some(_) => self.timing.refresh_deadline,
            None => self.timing.fetch_timeout,
        };
        let failure = match self.spawn_fetch(fetch, kid) {
            // No runtime to run the fetch on: fetch here, bounded by the same wait.
            Some(fetch) => {
                let result = match tokio::time::timeout(deadline, self.fetch_bounded(fetch)).await {
                    Ok(result) => result,
                    Err(_) => Err(timed_out()),
                };
                Ok(self.record(result, kid))
            }
            None => {
                let waited = finished.wait_for(|f| f.count > seen);
                match tokio::time::timeout(deadline, waited).await {
                    Ok(Ok(done)) => Ok(done.failure.clone()),
                    Ok(Err(_)) | Err(_) => Err(()),
                }
            }
        };
        match failure {
            Ok(failure) => self.settle(self.lookup(kid), failure),
            // The fetch missed the deadline: an expired key serves meanwhile.
            Err(()) => match stale {
                Some(key) => {
                    tracing::warn!(
                        "descope: the key set expired and its refetch is late; using the \
                         expired keys meanwhile"
                    );
                    Ok(key)
                }
                None => Err(Error::KeyFetch {
                    source: Some(Box::new(timed_out())),
                }),
            },
        }
    }

    /// The result of a lookup made after a fetch ended (`failure`: how it failed).
    fn settle(&self, lookup: Lookup, failure: Option<Arc<Error>>) -> Result<Arc<VerifyKey>, Error> {
        match lookup {
            Lookup::Found(key) | Lookup::FoundDue(key) => Ok(key),
            Lookup::Absent => Err(SessionError::UnknownKey.into()),
            Lookup::Throttled | Lookup::Failing | Lookup::Fetch { .. } => Err(Error::KeyFetch {
                source: failure.map(|f| Box::new(f.duplicate())),
            }),
        }
    }

    /// Starts one fetch task unless one is running; gives the fetch back when there is no
    /// runtime to run it on.
    fn spawn_fetch<Fut>(self: &Arc<Self>, fetch: Fut, kid: &str) -> Option<Fut>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>> + Send + 'static,
    {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Some(fetch);
        };
        if self.fetching.swap(true, Ordering::AcqRel) {
            return None;
        }
        let store = Arc::clone(self);
        let kid = kid.to_owned();
        runtime.spawn(async move {
            let result = store.fetch_bounded(fetch).await;
            let failure = store.record(result, &kid);
            store.fetching.store(false, Ordering::Release);
            store.finished.send_modify(|finished| {
                finished.count += 1;
                finished.failure = failure;
            });
        });
        None
    }

    /// One fetch, within the fetch timeout, no retries.
    async fn fetch_bounded<Fut>(&self, fetch: Fut) -> Result<Vec<Value>, Error>
    where
        Fut: std::future::Future<Output = Result<Vec<Value>, Error>>,
    {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        match tokio::time::timeout(self.timing.fetch_timeout, fetch).await {
            Ok(result) => result,
            Err(_) => Err(timed_out()),
        }
    }

    /// Records a fetch's outcome (made for `kid`); the failure, if it failed. A failed fetch
    /// keeps the keys we had (usable for a bounded time); a successful one names the `kid`s it
    /// shows are not published: `kid`, and those it withdrew.
    fn record(&self, result: Result<Vec<Value>, Error>, kid: &str) -> Option<Arc<Error>> {
        let mut cached = self.cached.write().unwrap_or_else(|p| p.into_inner());
        let now = self.clock.now();
        cached.last_attempt = Some(now);
        cached.last_failed = result.is_err();
        match result {
            Ok(set) => {
                let keys = parse_keys(set);
                let any_kid = keys.contains_key("");
                let mut absent: Vec<String> = cached
                    .keys
                    .keys()
                    .filter(|old| !any_kid && !keys.contains_key(*old))
                    .cloned()
                    .collect();
                if !any_kid && !keys.contains_key(kid) && !absent.iter().any(|a| a == kid) {
                    absent.push(kid.to_owned());
                }
                absent.truncate(ABSENT_KIDS);
                if !absent.is_empty() {
                    tracing::debug!(
                        count = absent.len(),
                        "descope: key IDs not published by the service"
                    );
                }
                cached.keys = keys;
                cached.absent = absent;
                cached.fetched_at = Some(now);
                None
            }
            Err(error) => {
                if !cached.keys.is_empty() {
                    tracing::warn!(%error, "descope: key refresh failed, using cached keys");
                }
                Some(Arc::new(error))
            }
        }
    }
}

fn timed_out() -> Error {
    Error::Timeout {
        operation: crate::operation::Operation::GetKeys,
    }
}
