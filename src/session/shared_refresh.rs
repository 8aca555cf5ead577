//! One refresh per refresh JWT. A browser loads a page, its scripts and images at once, every
//! request with the same expired session and the same refresh cookie: with rotation, a refresh
//! per request would revoke the token the others still carry and sign the user out at random.
//!
//! So concurrent requests with the same refresh JWT share one refresh (single flight), and
//! requests that follow within a short window get its result again (a memo), as does a refusal.
//! Outcomes are keyed by the SHA-256 of the token (no token is kept as a key), the memo is
//! bounded in size and time, and an outage (no answer, 5xx, 429, keys unavailable) is shared
//! only by the requests that waited for it: the next request asks again.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use super::clock::Clock;
use super::results::Refreshed;
use super::validate::unix_seconds;
use crate::error::{Error, Result};

/// How long a refresh's outcome is handed to requests that carry the same refresh JWT.
pub const DEFAULT_REFRESH_SHARE_WINDOW: Duration = Duration::from_secs(10);

/// How many refresh outcomes are remembered at most.
pub const DEFAULT_REFRESH_SHARE_CAPACITY: usize = 4096;

type Outcome = (Result<Refreshed, Arc<Error>>, SystemTime);
type Cell = Arc<tokio::sync::OnceCell<Outcome>>;

/// The refreshes in flight and the recent outcomes, by token hash.
pub(crate) struct SharedRefreshes {
    entries: Mutex<HashMap<[u8; 32], Cell>>,
    window: Duration,
    capacity: usize,
    clock: Arc<dyn Clock>,
}

impl SharedRefreshes {
    pub(crate) fn new(window: Duration, capacity: usize, clock: Arc<dyn Clock>) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            window,
            capacity,
            clock,
        }
    }

    /// The outcome of refreshing with `token`: `refresh`'s, or that of a refresh with the same
    /// token in flight or finished within the window.
    pub(crate) async fn run<F, Fut>(&self, token: &str, refresh: F) -> Result<Refreshed>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Refreshed>>,
    {
        let key = hash(token);
        let Some(cell) = self.cell(key) else {
            // Full of refreshes in flight: no sharing for this one.
            return refresh().await;
        };
        let (outcome, _) = cell
            .get_or_init(|| async { (refresh().await.map_err(Arc::new), self.clock.now()) })
            .await;
        if !self.keeps(outcome) {
            self.forget(key, &cell);
        }
        match outcome {
            Ok(refreshed) => Ok(refreshed.clone()),
            Err(error) => Err(error.duplicate()),
        }
    }

    /// The cell for `key`: the one in flight or still usable, else a new one (`None` when the
    /// map is full of refreshes in flight).
    fn cell(&self, key: [u8; 32]) -> Option<Cell> {
        let now = self.clock.now();
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(cell) = entries.get(&key) {
            if self.usable(cell, now) {
                return Some(cell.clone());
            }
        }
        if entries.len() >= self.capacity {
            entries.retain(|_, cell| self.usable(cell, now));
            if entries.len() >= self.capacity {
                return None;
            }
        }
        let cell = Cell::default();
        entries.insert(key, cell.clone());
        Some(cell)
    }

    /// In flight, or finished within the window with a session that is still valid or a
    /// refusal.
    fn usable(&self, cell: &Cell, now: SystemTime) -> bool {
        let Some((outcome, finished)) = cell.get() else {
            return true;
        };
        let fresh = now
            .duration_since(*finished)
            .map_or(true, |age| age < self.window);
        fresh
            && self.keeps(outcome)
            && match outcome {
                Ok(refreshed) => refreshed.session.inner.expires_at > unix_seconds(now),
                Err(_) => true,
            }
    }

    /// Whether an outcome is remembered for later requests: a new session or a refusal, not
    /// an outage.
    fn keeps(&self, outcome: &Result<Refreshed, Arc<Error>>) -> bool {
        !self.window.is_zero() && outcome.as_ref().err().is_none_or(|e| e.ends_session())
    }

    fn forget(&self, key: [u8; 32], cell: &Cell) {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if entries.get(&key).is_some_and(|c| Arc::ptr_eq(c, cell)) {
            entries.remove(&key);
        }
    }

    /// How many outcomes are remembered or in flight (for tests).
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

fn hash(token: &str) -> [u8; 32] {
    let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA256, token.as_bytes());
    let mut key = [0; 32];
    key.copy_from_slice(digest.as_ref());
    key
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::error::ApiError;
    use crate::operation::Operation;
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

    /// Runs `calls` refreshes of `token` at once; the one that runs waits until every other
    /// has joined it, then fails with `status`. Returns how many ran.
    async fn concurrent(shared: &Arc<SharedRefreshes>, token: &str, calls: usize, status: u16) {
        let gate = Arc::new(tokio::sync::Notify::new());
        let ran = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..calls {
            let (shared, gate, ran, token) =
                (shared.clone(), gate.clone(), ran.clone(), token.to_owned());
            tasks.spawn(async move {
                shared
                    .run(&token, || async move {
                        ran.fetch_add(1, Ordering::SeqCst);
                        gate.notified().await;
                        Err(api(status))
                    })
                    .await
            });
        }
        // Every task reaches the shared cell (bounded: the runtime is single-threaded).
        for _ in 0..100 {
            tokio::task::yield_now().await;
        }
        gate.notify_waiters();
        while let Some(result) = tasks.join_next().await {
            let error = result.unwrap().unwrap_err();
            assert_eq!(error.status(), Some(status));
        }
        assert_eq!(
            ran.load(Ordering::SeqCst),
            1,
            "one refresh for {calls} calls"
        );
    }

    async fn count_runs(shared: &SharedRefreshes, token: &str, status: u16) -> usize {
        let ran = AtomicUsize::new(0);
        let _ = shared
            .run(token, || async {
                ran.fetch_add(1, Ordering::SeqCst);
                Err(api(status))
            })
            .await;
        ran.load(Ordering::SeqCst)
    }

    #[tokio::test]
    async fn concurrent_refreshes_of_one_token_run_once_and_a_refusal_is_remembered() {
        let clock = OffsetClock::new();
        let shared = Arc::new(SharedRefreshes::new(
            Duration::from_secs(10),
            16,
            Arc::new(clock.clone()),
        ));
        concurrent(&shared, "token-a", 8, 401).await;
        // A refusal is the token's fate: later requests within the window get it too.
        assert_eq!(count_runs(&shared, "token-a", 401).await, 0);
        clock.advance(Duration::from_secs(11));
        assert_eq!(count_runs(&shared, "token-a", 401).await, 1);
        // Another token is another refresh.
        assert_eq!(count_runs(&shared, "token-b", 401).await, 1);
    }

    #[tokio::test]
    async fn an_outage_is_shared_only_by_the_requests_that_waited_for_it() {
        let shared = Arc::new(SharedRefreshes::new(
            Duration::from_secs(10),
            16,
            Arc::new(OffsetClock::new()),
        ));
        concurrent(&shared, "token", 5, 503).await;
        // The next request asks again.
        assert_eq!(count_runs(&shared, "token", 503).await, 1);
        assert_eq!(count_runs(&shared, "token", 503).await, 1);
        assert_eq!(shared.len(), 0, "outages are not remembered");
    }

    #[tokio::test]
    async fn the_memo_is_bounded_and_a_zero_window_shares_only_concurrent_refreshes() {
        let clock = OffsetClock::new();
        let shared = Arc::new(SharedRefreshes::new(
            Duration::from_secs(10),
            4,
            Arc::new(clock.clone()),
        ));
        for i in 0..4 {
            assert_eq!(count_runs(&shared, &format!("t{i}"), 401).await, 1);
        }
        assert_eq!(shared.len(), 4);
        // Full of fresh outcomes: a new token still refreshes, unshared and unremembered.
        assert_eq!(count_runs(&shared, "t4", 401).await, 1);
        assert_eq!(count_runs(&shared, "t4", 401).await, 1);
        assert_eq!(shared.len(), 4);
        // Once they are stale they make room.
        clock.advance(Duration::from_secs(11));
        assert_eq!(count_runs(&shared, "t5", 401).await, 1);
        assert_eq!(shared.len(), 1);

        let concurrent_only = Arc::new(SharedRefreshes::new(
            Duration::ZERO,
            4,
            Arc::new(OffsetClock::new()),
        ));
        concurrent(&concurrent_only, "token", 4, 401).await;
        assert_eq!(count_runs(&concurrent_only, "token", 401).await, 1);
        assert_eq!(concurrent_only.len(), 0);
    }
}
