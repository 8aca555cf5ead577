//! One refresh per refresh JWT. A browser loads a page, its scripts and images at once, every
//! request with the same expired session and the same refresh cookie: with rotation, a refresh
//! per request would revoke the token the others still carry and sign the user out at random.
//!
//! So concurrent requests with the same refresh JWT share one refresh (single flight), and
//! requests that follow within a short window get its result again (a memo), as does a refusal.
//! What nothing outside can break:
//!
//! - The refresh runs in a task of its own, not in the request that started it: a request
//!   dropped mid-refresh (the browser navigated away, a `TimeoutLayer`, a disconnect) neither
//!   repeats the refresh nor loses its result for the others. A refresh in flight longer than
//!   [`IN_FLIGHT_LIMIT`] is abandoned to a new one.
//! - Only a refresh JWT that passed local validation takes a slot (the caller checks), and a
//!   full memo evicts its oldest entries: junk cookies cannot switch sharing off, and no request
//!   sweeps the whole map.
//! - A logout in this process ([`SharedRefreshes::end`]) ends the shared entries of the token it
//!   ends, of the tokens that token was rotated from and to: a remembered session is never
//!   handed out once its session has ended here.
//! - An outage (no answer, 5xx, 429, keys unavailable) is shared only by the requests that
//!   waited for it: the next request asks again.
//!
//! Across replicas nothing is shared: each process makes its own refresh, and with rotation
//! the service refuses the second one, as it would without this crate. Route a browser's
//! requests to one replica (sticky sessions), or leave rotation off, when that matters.
//!
//! Entries are keyed by the SHA-256 of the token (no token is kept as a key), and bounded in
//! number and time.

use std::collections::{HashMap, VecDeque};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, SystemTime};

use super::clock::Clock;
use super::results::Refreshed;
use super::validate::unix_seconds;
use crate::error::{Error, Result, SessionError};
use crate::operation::Operation;

/// How long a refresh may be in flight: its task is stopped then (an outage for its waiters),
/// and later requests start a new one.
pub(crate) const IN_FLIGHT_LIMIT: Duration = Duration::from_secs(60);

/// How many rotations back and forth a logout follows.
const LINEAGE_STEPS: usize = 8;

type Key = [u8; 32];
type Outcome = (Result<Refreshed, Arc<Error>>, SystemTime);

/// One shared refresh: its outcome once the task has one, and what a logout needs.
struct Slot {
    outcome: tokio::sync::watch::Receiver<Option<Outcome>>,
    /// The hash of the refresh JWT the refresh issued, and the user it belongs to.
    issued: OnceLock<(Key, String)>,
    /// Set by a logout of this session: the outcome is not handed out any more.
    ended: AtomicBool,
}

#[derive(Clone)]
struct Entry {
    id: u64,
    started: SystemTime,
    slot: Arc<Slot>,
}

#[derive(Default)]
struct Memo {
    entries: HashMap<Key, Entry>,
    /// Keys in the order they were inserted, with the entry's id (older ids are gone).
    order: VecDeque<(Key, u64)>,
    next_id: u64,
}

/// The refreshes in flight and the recent outcomes, by token hash.
pub(crate) struct SharedRefreshes {
    memo: Mutex<Memo>,
    window: Duration,
    capacity: usize,
    clock: Arc<dyn Clock>,
}

impl SharedRefreshes {
    pub(crate) fn new(window: Duration, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        Self {
            memo: Mutex::new(Memo::default()),
            window,
            capacity: capacity.max(1),
            clock,
        }
    }

    fn memo(&self) -> std::sync::MutexGuard<'_, Memo> {
        self.memo.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The outcome of refreshing with `token` (which passed local validation): `refresh`'s, run
    /// in a task of its own, or that of a refresh with the same token in flight or finished
    /// within the window.
    pub(crate) async fn run<Fut>(&self, token: &str, refresh: Fut) -> Result<Refreshed>
    where
        Fut: Future<Output = Result<Refreshed>> + Send + 'static,
    {
        let key = hash(token);
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            // No runtime to run a shared task on: refresh unshared.
            return refresh.await;
        };
        let entry = self.entry(key, refresh, &runtime);
        let mut outcome = entry.slot.outcome.clone();
        let finished = match outcome.wait_for(Option::is_some).await {
            Ok(done) => done.clone(),
            Err(_) => None,
        };
        let Some((result, _)) = finished else {
            // The task ended without an outcome (its runtime is shutting down).
            self.forget(key, entry.id);
            return Err(interrupted());
        };
        if entry.slot.ended.load(Ordering::Acquire) {
            return Err(SessionError::LoggedOut.into());
        }
        if !self.keeps(&result) {
            self.forget(key, entry.id);
        }
        result.map_err(|error| error.duplicate())
    }

    /// The entry for `key`: the one in flight or still usable, else a new one whose task runs
    /// `refresh`.
    fn entry<Fut>(&self, key: Key, refresh: Fut, runtime: &tokio::runtime::Handle) -> Entry
    where
        Fut: Future<Output = Result<Refreshed>> + Send + 'static,
    {
        let now = self.clock.now();
        let mut memo = self.memo();
        if let Some(entry) = memo.entries.get(&key) {
            if self.usable(entry, now) {
                return entry.clone();
            }
        }
        let (sender, receiver) = tokio::sync::watch::channel(None);
        let slot = Arc::new(Slot {
            outcome: receiver,
            issued: OnceLock::new(),
            ended: AtomicBool::new(false),
        });
        let task_slot = Arc::clone(&slot);
        let clock = Arc::clone(&self.clock);
        runtime.spawn(async move {
            let result = match tokio::time::timeout(IN_FLIGHT_LIMIT, refresh).await {
                Ok(result) => result,
                Err(_) => Err(Error::Timeout {
                    operation: Operation::RefreshSession,
                }),
            };
            if let Ok(refreshed) = &result {
                let issued = (
                    hash(refreshed.refresh_jwt.secret()),
                    refreshed.session.user_id().to_owned(),
                );
                let _ = task_slot.issued.set(issued);
            }
            let _ = sender.send(Some((result.map_err(Arc::new), clock.now())));
        });
        memo.next_id += 1;
        let entry = Entry {
            id: memo.next_id,
            started: now,
            slot,
        };
        memo.entries.insert(key, entry.clone());
        memo.order.push_back((key, entry.id));
        self.evict(&mut memo);
        entry
    }

    /// Drops the oldest entries beyond the capacity; keeps the insertion order compact.
    fn evict(&self, memo: &mut Memo) {
        while memo.entries.len() > self.capacity {
            let Some((key, id)) = memo.order.pop_front() else {
                break;
            };
            if memo.entries.get(&key).is_some_and(|e| e.id == id) {
                memo.entries.remove(&key);
            }
        }
        if memo.order.len() > 2 * self.capacity + 16 {
            let Memo { entries, order, .. } = memo;
            order.retain(|(key, id)| entries.get(key).is_some_and(|e| e.id == *id));
        }
    }

    /// In flight for less than [`IN_FLIGHT_LIMIT`], or finished within the window with a session
    /// that is still valid or a refusal; never once its session was logged out.
    fn usable(&self, entry: &Entry, now: SystemTime) -> bool {
        if entry.slot.ended.load(Ordering::Acquire) {
            return false;
        }
        let age = |at: SystemTime| now.duration_since(at).unwrap_or(Duration::ZERO);
        let outcome = entry.slot.outcome.borrow();
        match &*outcome {
            None => age(entry.started) < IN_FLIGHT_LIMIT,
            Some((result, finished)) => {
                age(*finished) < self.window
                    && self.keeps(result)
                    && match result {
                        Ok(refreshed) => refreshed.session.inner.expires_at > unix_seconds(now),
                        Err(_) => true,
                    }
            }
        }
    }

    /// Whether an outcome is remembered for later requests: a new session or a refusal, not
    /// an outage.
    fn keeps(&self, result: &Result<Refreshed, Arc<Error>>) -> bool {
        !self.window.is_zero() && result.as_ref().err().is_none_or(|e| e.ends_session())
    }

    fn forget(&self, key: Key, id: u64) {
        let mut memo = self.memo();
        if memo.entries.get(&key).is_some_and(|e| e.id == id) {
            memo.entries.remove(&key);
        }
    }

    /// Ends the shared entries of a session logged out in this process: the entry of `token`,
    /// the one that issued it, and so on back and forth along its rotations; with `user`
    /// (logout-all), every entry that issued a session of that user.
    pub(crate) fn end(&self, token: &str, user: Option<&str>) {
        let mut memo = self.memo();
        let mut lineage = vec![hash(token)];
        for _ in 0..LINEAGE_STEPS {
            let ended: Vec<Key> = memo
                .entries
                .iter()
                .filter(|(key, entry)| {
                    let issued = entry.slot.issued.get();
                    lineage.contains(key)
                        || issued.is_some_and(|(token, owner)| {
                            lineage.contains(token) || user == Some(owner.as_str())
                        })
                })
                .map(|(key, _)| *key)
                .collect();
            if ended.is_empty() {
                break;
            }
            for key in ended {
                if let Some(entry) = memo.entries.remove(&key) {
                    entry.slot.ended.store(true, Ordering::Release);
                    lineage.push(key);
                    if let Some((issued, _)) = entry.slot.issued.get() {
                        lineage.push(*issued);
                    }
                }
            }
        }
    }

    /// How many outcomes are remembered or in flight (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.memo().entries.len()
    }
}

/// A refresh whose task ended without an outcome: an outage for its waiters.
fn interrupted() -> Error {
    Error::Timeout {
        operation: Operation::RefreshSession,
    }
}

fn hash(token: &str) -> Key {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    let mut key = [0; 32];
    key.copy_from_slice(digest.as_ref());
    key
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::atomic::AtomicUsize;

    use super::*;
    use crate::error::ApiError;
    use crate::session::OffsetClock;

    fn api(status: u16) -> Error {
        Error::Api(ApiError {
            operation: Operation::RefreshSession,
            status,
            code: None,
            description: None,
            message: None,
            retry_after: None,
        })
    }

    fn shared(window: u64, capacity: usize, clock: &OffsetClock) -> Arc<SharedRefreshes> {
        Arc::new(SharedRefreshes::new(
            Duration::from_secs(window),
            capacity,
            Arc::new(clock.clone()),
        ))
    }

    /// A refresh that counts its runs, waits for `gate` (when given), then fails with `status`.
    fn refresh(
        ran: &Arc<AtomicUsize>,
        gate: Option<Arc<tokio::sync::Semaphore>>,
        status: u16,
    ) -> impl Future<Output = Result<Refreshed>> + Send + 'static {
        let ran = ran.clone();
        async move {
            ran.fetch_add(1, Ordering::SeqCst);
            if let Some(gate) = gate {
                let _ = gate.acquire().await;
            }
            Err(api(status))
        }
    }

    /// Runs `calls` refreshes of `token` at once behind one gate; each gets `status`. Returns
    /// how many refreshes ran.
    async fn concurrent(
        shared: &Arc<SharedRefreshes>,
        token: &str,
        calls: usize,
        status: u16,
    ) -> usize {
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let ran = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..calls {
            let (shared, token) = (shared.clone(), token.to_owned());
            let refresh = refresh(&ran, Some(gate.clone()), status);
            tasks.spawn(async move { shared.run(&token, refresh).await });
        }
        // Every task reaches the shared entry (bounded: the runtime is single-threaded).
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        gate.add_permits(calls);
        while let Some(result) = tasks.join_next().await {
            assert_eq!(result.unwrap().unwrap_err().status(), Some(status));
        }
        ran.load(Ordering::SeqCst)
    }

    async fn count_runs(shared: &SharedRefreshes, token: &str, status: u16) -> usize {
        let ran = Arc::new(AtomicUsize::new(0));
        let _ = shared.run(token, refresh(&ran, None, status)).await;
        ran.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn concurrent_refreshes_of_one_token_run_once_and_a_refusal_is_remembered() {
        let clock = OffsetClock::new();
        let shared = shared(10, 16, &clock);
        assert_eq!(concurrent(&shared, "token-a", 8, 401).await, 1);
        // A refusal is the token's fate: later requests within the window get it too.
        assert_eq!(count_runs(&shared, "token-a", 401).await, 0);
        clock.advance(Duration::from_secs(11));
        assert_eq!(count_runs(&shared, "token-a", 401).await, 1);
        // Another token is another refresh.
        assert_eq!(count_runs(&shared, "token-b", 401).await, 1);
    }

    #[tokio::test]
    async fn an_outage_is_shared_only_by_the_requests_that_waited_for_it() {
        let shared = shared(10, 16, &OffsetClock::new());
        assert_eq!(concurrent(&shared, "token", 5, 503).await, 1);
        // The next request asks again.
        assert_eq!(count_runs(&shared, "token", 503).await, 1);
        assert_eq!(count_runs(&shared, "token", 503).await, 1);
        assert_eq!(shared.len(), 0, "outages are not remembered");
    }

    #[tokio::test]
    async fn a_dropped_leader_neither_repeats_the_refresh_nor_loses_its_outcome() {
        let shared = shared(10, 16, &OffsetClock::new());
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let ran = Arc::new(AtomicUsize::new(0));
        let leader = {
            let (shared, refresh) = (shared.clone(), refresh(&ran, Some(gate.clone()), 401));
            tokio::spawn(async move { shared.run("token", refresh).await })
        };
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        assert_eq!(ran.load(Ordering::SeqCst), 1, "the refresh started");
        leader.abort();
        assert!(leader.await.unwrap_err().is_cancelled());
        // A follower joins the refresh still in flight, and gets its outcome.
        let follower = {
            let (shared, refresh) = (shared.clone(), refresh(&ran, None, 401));
            tokio::spawn(async move { shared.run("token", refresh).await })
        };
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        gate.add_permits(1);
        assert_eq!(follower.await.unwrap().unwrap_err().status(), Some(401));
        assert_eq!(ran.load(Ordering::SeqCst), 1, "one refresh in all");
    }

    #[tokio::test]
    async fn a_refresh_in_flight_too_long_is_abandoned_to_a_new_one() {
        let clock = OffsetClock::new();
        let shared = shared(10, 16, &clock);
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let ran = Arc::new(AtomicUsize::new(0));
        let stuck = {
            let (shared, refresh) = (shared.clone(), refresh(&ran, Some(gate.clone()), 401));
            tokio::spawn(async move { shared.run("token", refresh).await })
        };
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        clock.advance(IN_FLIGHT_LIMIT + Duration::from_secs(1));
        assert_eq!(count_runs(&shared, "token", 401).await, 1, "a new refresh");
        stuck.abort();
        assert_eq!(shared.len(), 1);
    }

    #[tokio::test]
    async fn a_full_memo_evicts_its_oldest_and_keeps_sharing() {
        let shared = shared(10, 4, &OffsetClock::new());
        for i in 0..4 {
            assert_eq!(count_runs(&shared, &format!("t{i}"), 401).await, 1);
        }
        assert_eq!(shared.len(), 4);
        // Full of fresh outcomes: a new token still shares, and the oldest makes room.
        assert_eq!(concurrent(&shared, "t4", 6, 401).await, 1);
        assert_eq!(count_runs(&shared, "t4", 401).await, 0, "remembered");
        assert_eq!(shared.len(), 4);
        assert_eq!(
            count_runs(&shared, "t0", 401).await,
            1,
            "the oldest was evicted"
        );
        assert_eq!(
            count_runs(&shared, "t3", 401).await,
            0,
            "a newer one is kept"
        );
        // Many more tokens than slots: the map stays bounded, its order too.
        for i in 5..1_000 {
            count_runs(&shared, &format!("t{i}"), 401).await;
        }
        assert_eq!(shared.len(), 4);
        assert!(shared.memo().order.len() <= 2 * 4 + 16);
    }

    #[tokio::test]
    async fn a_zero_window_shares_only_concurrent_refreshes() {
        let shared = shared(0, 4, &OffsetClock::new());
        assert_eq!(concurrent(&shared, "token", 4, 401).await, 1);
        assert_eq!(count_runs(&shared, "token", 401).await, 1);
        assert_eq!(shared.len(), 0);
    }

    #[tokio::test]
    async fn a_logout_ends_the_entry_for_later_requests_and_for_those_waiting() {
        let shared = shared(10, 16, &OffsetClock::new());
        assert_eq!(count_runs(&shared, "token", 401).await, 1);
        shared.end("token", None);
        assert_eq!(count_runs(&shared, "token", 401).await, 1, "asked again");
        // Waiting when the logout comes: told the session was logged out.
        let gate = Arc::new(tokio::sync::Semaphore::new(0));
        let ran = Arc::new(AtomicUsize::new(0));
        let waiting = {
            let (shared, refresh) = (shared.clone(), refresh(&ran, Some(gate.clone()), 401));
            tokio::spawn(async move { shared.run("other", refresh).await })
        };
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        shared.end("other", None);
        gate.add_permits(1);
        let error = waiting.await.unwrap().unwrap_err();
        assert!(
            matches!(error, Error::Session(SessionError::LoggedOut)),
            "{error:?}"
        );
        assert!(error.ends_session());
    }
}
