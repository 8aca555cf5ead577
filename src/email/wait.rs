//! Waiting for an enchanted link's session: polls at a polite interval, treats "not yet" as not
//! yet, honours 429 and `Retry-After`, and stops at the caller's deadline.

use std::time::{Duration, Instant};

use super::links::PendingSession;
use crate::auth_info::AuthInfo;
use crate::error::{Error, Result};
use crate::operation::Operation;
use crate::request::request;

/// The default time between two polls: 2 seconds.
pub const DEFAULT_POLL_INTERVAL: Duration = Duration::from_secs(2);

/// The shortest time between two polls: 1 second (as the Node SDK).
const MIN_POLL_INTERVAL: Duration = Duration::from_secs(1);

/// The longest a wait may last: 10 minutes (as the Node SDK).
const MAX_WAIT: Duration = Duration::from_secs(600);

request! {
    /// A wait for an enchanted link's session; `.await` it (or call [`send`](Self::send)).
    ///
    /// The first poll goes out after one interval (the user is still reading the email). A "not
    /// yet" answer ([`Error::is_pending`]) polls again; a 429 waits for its `Retry-After` (at least
    /// the interval); any other error ends the wait. The waits go through the client's
    /// [`Sleeper`](crate::Sleeper), so a test can run them without sleeping.
    pub struct WaitForSession {
        poll: PendingSession,
        interval: Duration,
        timeout: Duration,
    } => Result<AuthInfo>;
}

impl WaitForSession {
    pub(super) fn new(poll: PendingSession) -> Self {
        Self {
            poll,
            interval: DEFAULT_POLL_INTERVAL,
            timeout: Duration::from_secs(120),
        }
    }

    /// The time between two polls, at least 1 second. Defaults to [`DEFAULT_POLL_INTERVAL`]
    /// (2 s).
    pub fn interval(mut self, interval: Duration) -> Self {
        self.interval = interval.max(MIN_POLL_INTERVAL);
        self
    }

    /// How long to wait at most (at most 10 minutes); then the wait ends with
    /// [`Error::NotVerifiedInTime`]. Defaults to 2 minutes.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(MAX_WAIT);
        self
    }
}

impl WaitForSession {
    async fn run(self) -> Result<AuthInfo> {
        const OP: Operation = Operation::EnchantedLinkPendingSession;
        let started = Instant::now();
        let sleeper = self.poll.client().shared.sleeper.clone();
        // Bounded in count as well as in time: an instant test sleeper ends too.
        let max_polls = (self.timeout.as_millis() / self.interval.as_millis()).max(1) + 1;
        let mut waited = Duration::ZERO;
        let mut wait = self.interval;
        for _ in 0..max_polls {
            let left = self.timeout.saturating_sub(waited.max(started.elapsed()));
            if left.is_zero() {
                break;
            }
            let delay = wait.min(left);
            sleeper.sleep(delay).await;
            waited += delay;
            match self.poll.clone().send().await {
                Ok(auth) => return Ok(auth),
                Err(error) if error.is_pending() => wait = self.interval,
                Err(error) if error.is_rate_limited() => {
                    wait = error
                        .retry_after()
                        .unwrap_or(self.interval)
                        .max(self.interval);
                }
                Err(error) => return Err(error),
            }
        }
        Err(Error::NotVerifiedInTime { operation: OP })
    }
}
