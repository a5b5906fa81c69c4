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

/// Days since 1970-01-01 of a civil date (the inverse of `civil_from_days`).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Seconds since the Unix epoch of an ISO 8601 timestamp as clients send them: a date
/// (`2026-01-31`, midnight UTC), or a date and time to the minute or second with optional
/// fractions (ignored) and an optional zone (`Z` or `±HH:MM`; none means UTC, as Python's
/// `datetime.isoformat()` leaves it). `None` for anything else, or a date that does not exist.
pub(crate) fn parse_rfc3339(text: &str) -> Option<i64> {
    let number = |s: &str| -> Option<i64> {
        (!s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
    };
    let (date, rest) = match text.find(['T', 't', ' ']) {
        Some(at) => (text.get(..at)?, Some(text.get(at + 1..)?)),
        None => (text, None),
    };
    let mut parts = date.split('-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return None;
    }
    let (y, m, d) = (number(y)?, u32::try_from(number(m)?).ok()?, u32::try_from(number(d)?).ok()?);
    if !(1..=12).contains(&m) || d == 0 || civil_from_days(days_from_civil(y, m, d)) != (y, m, d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) * 86_400;
    let Some(rest) = rest else {
        return Some(secs);
    };
    let zone_at = rest.find(['Z', 'z', '+', '-']).unwrap_or(rest.len());
    let (time, zone) = rest.split_at(zone_at);
    let time = time.split_once('.').map_or(time, |(whole, fraction)| {
        if fraction.bytes().all(|b| b.is_ascii_digit()) && !fraction.is_empty() {
            whole
        } else {
            "invalid"
        }
    });
    let mut fields = time.split(':');
    let (h, min, s) = (fields.next()?, fields.next()?, fields.next().unwrap_or("00"));
    if fields.next().is_some() || h.len() != 2 || min.len() != 2 || s.len() != 2 {
        return None;
    }
    let (h, min, s) = (number(h)?, number(min)?, number(s)?);
    if h > 23 || min > 59 || s > 60 {
        return None;
    }
    secs += h * 3600 + min * 60 + s;
    let offset = match zone {
        "" | "Z" | "z" => 0,
        _ => {
            let sign = if zone.starts_with('-') { -1 } else { 1 };
            let digits = zone.get(1..)?.replace(':', "");
            if digits.len() != 4 {
                return None;
            }
            let (oh, om) = (number(digits.get(..2)?)?, number(digits.get(2..)?)?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh * 3600 + om * 60)
        }
    };
    Some(secs - offset)
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
    fn iso_timestamps_parse_in_the_forms_clients_send() {
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00Z"), Some(SEEDED_EPOCH));
        assert_eq!(parse_rfc3339("2026-01-01"), Some(SEEDED_EPOCH));
        assert_eq!(parse_rfc3339("2026-01-01T00:00:00"), Some(SEEDED_EPOCH));
        assert_eq!(parse_rfc3339("2026-01-01T01:00:00.1234567+01:00"), Some(SEEDED_EPOCH));
        assert_eq!(parse_rfc3339("2025-12-31T23:00-01:00"), Some(SEEDED_EPOCH));
        assert_eq!(parse_rfc3339("2000-02-29T00:00:00Z"), Some(951_782_400));
        for secs in [0, SEEDED_EPOCH, 951_782_400, 4_102_444_799, -86_400 * 365] {
            assert_eq!(parse_rfc3339(&rfc3339(secs)), Some(secs), "{}", rfc3339(secs));
        }
        for bad in [
            "",
            "2026",
            "2026-13-01",
            "2026-02-30",
            "2026-01-01T24:00:00Z",
            "2026-01-01T00:00:00+1",
            "2026-1-01",
            "x026-01-01",
            "2026-01-01T00:00:00.Z",
            "2026-01-01T00",
            "2026-01-01T00:00:00Q",
            "é",
        ] {
            assert_eq!(parse_rfc3339(bad), None, "{bad}");
        }
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
