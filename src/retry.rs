//! Which answers are retried, and after how long.

use std::time::Duration;

/// The statuses the official SDKs retry: 503, 520, 521, 522, 524, 530.
pub const DEFAULT_RETRY_STATUSES: &[u16] = &[503, 520, 521, 522, 524, 530];

/// The official SDKs' waits before each retry: 100 ms, 5 s, 5 s.
pub const DEFAULT_RETRY_DELAYS: &[Duration] = &[
    Duration::from_millis(100),
    Duration::from_secs(5),
    Duration::from_secs(5),
];

/// Which answers are retried and after which waits.
///
/// Network errors and 429 are never retried (as in the official SDKs): a 429 comes back as an
/// [`ApiError`](crate::ApiError) with its `retry_after`, for the caller to decide.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    statuses: Vec<u16>,
    delays: Vec<Duration>,
}

impl Default for RetryPolicy {
    /// Retries 503, 520, 521, 522, 524 and 530 up to 3 times, after 100 ms, 5 s and 5 s.
    fn default() -> Self {
        Self {
            statuses: DEFAULT_RETRY_STATUSES.to_vec(),
            delays: DEFAULT_RETRY_DELAYS.to_vec(),
        }
    }
}

impl RetryPolicy {
    /// Never retry.
    pub fn none() -> Self {
        Self {
            statuses: Vec::new(),
            delays: Vec::new(),
        }
    }

    /// Retry the default statuses once per given wait, in order.
    pub fn with_delays(delays: impl IntoIterator<Item = Duration>) -> Self {
        Self {
            delays: delays.into_iter().collect(),
            ..Self::default()
        }
    }

    /// Retry these statuses instead of the defaults.
    pub fn statuses(mut self, statuses: impl IntoIterator<Item = u16>) -> Self {
        self.statuses = statuses.into_iter().collect();
        self
    }

    /// The wait before retry number `attempt` (0-based) of an answer with `status`, or `None`
    /// when it is not retried.
    pub fn delay(&self, status: u16, attempt: usize) -> Option<Duration> {
        if self.statuses.contains(&status) {
            self.delays.get(attempt).copied()
        } else {
            None
        }
    }

    /// How many retries at most.
    pub fn max_retries(&self) -> usize {
        self.delays.len()
    }
}

/// What waits between retries. The default, [`TokioSleeper`], sleeps on the tokio timer; a test
/// can give one that records the waits and returns at once
/// ([`ClientBuilder::retry_sleeper`](crate::ClientBuilder::retry_sleeper)).
pub trait Sleeper: Send + Sync + 'static {
    /// Waits for `duration`.
    fn sleep(&self, duration: Duration) -> crate::BoxFuture<'static, ()>;
}

/// So settings that hold a sleeper derive `Debug`.
impl std::fmt::Debug for dyn Sleeper {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dyn Sleeper")
    }
}

/// Sleeps on the tokio timer. The default [`Sleeper`].
#[derive(Clone, Copy, Debug, Default)]
pub struct TokioSleeper;

impl Sleeper for TokioSleeper {
    fn sleep(&self, duration: Duration) -> crate::BoxFuture<'static, ()> {
        Box::pin(tokio::time::sleep(duration))
    }
}
