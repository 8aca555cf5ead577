//! The wire's times (Unix seconds, seconds from now) as the public results' types: instants
//! are `SystemTime`, durations `Duration`.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// The instant of `seconds` since the Unix epoch (before it for a negative value).
pub(crate) fn instant(seconds: i64) -> SystemTime {
    let magnitude = Duration::from_secs(seconds.unsigned_abs());
    if seconds >= 0 {
        UNIX_EPOCH.checked_add(magnitude).unwrap_or(UNIX_EPOCH)
    } else {
        UNIX_EPOCH.checked_sub(magnitude).unwrap_or(UNIX_EPOCH)
    }
}

/// A duration of `seconds` (zero for a negative value).
pub(crate) fn seconds(seconds: i64) -> Duration {
    Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_times() {
        assert_eq!(instant(0), UNIX_EPOCH);
        assert_eq!(instant(60), UNIX_EPOCH + Duration::from_secs(60));
        assert_eq!(instant(-60), UNIX_EPOCH - Duration::from_secs(60));
        assert!(instant(i64::MIN) <= UNIX_EPOCH);
        assert_eq!(seconds(-5), Duration::ZERO);
        assert_eq!(seconds(90), Duration::from_secs(90));
    }
}
