//! The simulator's clock: the system clock, or a fixed clock for reproducible runs.
//!
//! Card expiry, token expiry and every `processed_on` come from here, never from the system clock
//! directly, so a seeded simulator gives the same bodies on every run and on every machine.

use std::time::{SystemTime, UNIX_EPOCH};

/// 2026-01-01T00:00:00Z, where a seeded simulator's clock starts.
pub(crate) const SEEDED_EPOCH: i64 = 1_767_225_600;

/// Seconds since the Unix epoch, system-backed or fixed.
#[derive(Debug, Clone)]
pub(crate) enum Clock {
    /// Starts at [`SEEDED_EPOCH`] and moves one second per processed request (or when advanced).
    Fixed(i64),
    /// The system clock plus an offset (from [`Clock::advance`]).
    System { offset: i64 },
}

impl Clock {
    /// The current time in seconds since the Unix epoch.
    pub(crate) fn now(&self) -> i64 {
        match self {
            Clock::Fixed(now) => *now,
            Clock::System { offset } => {
                let secs = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                i64::try_from(secs).unwrap_or(i64::MAX).saturating_add(*offset)
            }
        }
    }

    /// One request was processed: a fixed clock moves by one second.
    pub(crate) fn tick(&mut self) {
        if let Clock::Fixed(now) = self {
            *now = now.saturating_add(1);
        }
    }

    /// Moves the clock forward by `secs`.
    pub(crate) fn advance(&mut self, secs: i64) {
        match self {
            Clock::Fixed(now) => *now = now.saturating_add(secs),
            Clock::System { offset } => *offset = offset.saturating_add(secs),
        }
    }
}

/// Limits keep the calendar arithmetic in range: year 1 to year 9999.
const MIN_SECS: i64 = -62_135_596_800;
const MAX_SECS: i64 = 253_402_300_799;

/// The civil date (year, month, day) of a day count since 1970-01-01 (Howard Hinnant's algorithm).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = if m <= 2 { y + 1 } else { y };
    // `m` is in 1..=12 and `d` in 1..=31 by construction.
    (y, u32::try_from(m).unwrap_or(1), u32::try_from(d).unwrap_or(1))
}

/// `secs` as RFC 3339 in UTC, to the second: `2026-01-01T00:00:00Z`.
pub(crate) fn rfc3339(secs: i64) -> String {
    let secs = secs.clamp(MIN_SECS, MAX_SECS);
    let days = secs.div_euclid(86_400);
    let in_day = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", in_day / 3600, in_day % 3600 / 60, in_day % 60)
}

/// The (year, month) of `secs`, for card expiry checks.
pub(crate) fn year_month(secs: i64) -> (i64, u32) {
    let (y, m, _) = civil_from_days(secs.clamp(MIN_SECS, MAX_SECS).div_euclid(86_400));
    (y, m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(SEEDED_EPOCH), "2026-01-01T00:00:00Z");
        assert_eq!(rfc3339(SEEDED_EPOCH - 1), "2025-12-31T23:59:59Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MIN), "0001-01-01T00:00:00Z");
        assert_eq!(year_month(SEEDED_EPOCH), (2026, 1));
    }

    #[test]
    fn a_fixed_clock_ticks_and_advances() {
        let mut clock = Clock::Fixed(SEEDED_EPOCH);
        clock.tick();
        assert_eq!(clock.now(), SEEDED_EPOCH + 1);
        clock.advance(59);
        assert_eq!(rfc3339(clock.now()), "2026-01-01T00:01:00Z");
        let mut system = Clock::System { offset: 0 };
        let before = system.now();
        system.advance(3600);
        assert!(system.now() >= before + 3600);
    }
}
