//! Where "now" comes from: the system clock, or a clock tests can move.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Where "now" comes from, for `exp`, `nbf` and the key cache's TTL and refetch interval (and,
/// in the `descope-emulator` crate, for the tokens it issues). Replace it in tests.
pub trait Clock: Send + Sync + 'static {
    /// The current time.
    fn now(&self) -> SystemTime;
}

/// So settings that hold a clock derive `Debug`.
impl std::fmt::Debug for dyn Clock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("dyn Clock")
    }
}

/// The system clock. The default.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> SystemTime {
        SystemTime::now()
    }
}

impl<C: Clock + ?Sized> Clock for Arc<C> {
    fn now(&self) -> SystemTime {
        (**self).now()
    }
}

/// The system clock shifted by an offset that can be moved forward: lets a test see a token
/// expire without sleeping. Clones share the offset, so one clock given to the client and to
/// the emulator moves both.
///
/// ```
/// use std::time::Duration;
/// use descope::session::{Clock, OffsetClock};
///
/// let clock = OffsetClock::new();
/// let before = clock.now();
/// clock.advance(Duration::from_secs(3600));
/// assert!(clock.now().duration_since(before).unwrap() >= Duration::from_secs(3600));
/// ```
#[derive(Clone, Debug, Default)]
pub struct OffsetClock {
    offset_millis: Arc<AtomicI64>,
}

impl OffsetClock {
    /// A clock at the system time (offset zero).
    pub fn new() -> Self {
        Self::default()
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_millis.fetch_add(millis, Ordering::SeqCst);
    }

    /// Moves the clock back by `by`.
    pub fn rewind(&self, by: Duration) {
        let millis = i64::try_from(by.as_millis()).unwrap_or(i64::MAX);
        self.offset_millis.fetch_sub(millis, Ordering::SeqCst);
    }

    /// How far the clock is from the system time, in milliseconds (negative when behind).
    pub fn offset_millis(&self) -> i64 {
        self.offset_millis.load(Ordering::SeqCst)
    }
}

impl Clock for OffsetClock {
    fn now(&self) -> SystemTime {
        let offset = self.offset_millis();
        let now = SystemTime::now();
        let shift = Duration::from_millis(offset.unsigned_abs());
        let shifted = if offset >= 0 {
            now.checked_add(shift)
        } else {
            now.checked_sub(shift)
        };
        shifted.unwrap_or(now)
    }
}
