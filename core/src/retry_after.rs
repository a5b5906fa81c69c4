//! The `Retry-After` header: a number of seconds, or an HTTP date.
//!
//! The core has no clock, so an HTTP date is measured against the response's own `Date` header,
//! which every origin server sends (RFC 9110, section 6.6.1): the wait is the server's idea of
//! "then" minus its idea of "now", immune to a skewed client clock. Without a `Date` header an
//! HTTP date cannot be measured and counts as absent (the retry policy's own backoff applies).

use core::time::Duration;

/// The wait a `Retry-After` value asks for, given the response's `Date` header.
///
/// ```
/// use checkout_sdk_core::retry_after::retry_after;
/// use core::time::Duration;
///
/// assert_eq!(retry_after("120", None), Some(Duration::from_secs(120)));
/// let date = Some("Wed, 21 Oct 2026 07:28:00 GMT");
/// assert_eq!(retry_after("Wed, 21 Oct 2026 07:29:30 GMT", date), Some(Duration::from_secs(90)));
/// // A date in the past means "now".
/// assert_eq!(retry_after("Wed, 21 Oct 2026 07:00:00 GMT", date), Some(Duration::ZERO));
/// assert_eq!(retry_after("soon", date), None);
/// ```
pub fn retry_after(value: &str, date: Option<&str>) -> Option<Duration> {
    let value = value.trim();
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        // Any run of digits is a valid delay; one too long for a u64 is simply "very long".
        return Some(Duration::from_secs(value.parse().unwrap_or(u64::MAX)));
    }
    let then = http_date(value)?;
    let now = http_date(date?.trim())?;
    Some(Duration::from_secs(u64::try_from(then - now).unwrap_or(0)))
}

/// Seconds since the Unix epoch of an HTTP date in any of the three formats recipients must
/// accept (RFC 9110, section 5.6.7): IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the obsolete
/// RFC 850 form (`Sunday, 06-Nov-94 08:49:37 GMT`) and asctime (`Sun Nov  6 08:49:37 1994`).
pub fn http_date(text: &str) -> Option<i64> {
    let mut words = text.split_ascii_whitespace();
    let first = words.next()?;
    let (day, month, year, time) = if let Some(weekday) = first.strip_suffix(',') {
        let (day, month, year, time) = if weekday.len() == 3 {
            // IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`
            (words.next()?, words.next()?, number(words.next()?, 4)?, words.next()?)
        } else {
            // RFC 850: `Sunday, 06-Nov-94 08:49:37 GMT`
            let mut parts = words.next()?.split('-');
            let (day, month, yy) = (parts.next()?, parts.next()?, number(parts.next()?, 2)?);
            if parts.next().is_some() {
                return None;
            }
            // Two-digit years name the most recent past century that is not over 50 years ahead.
            (day, month, if yy < 70 { 2000 + yy } else { 1900 + yy }, words.next()?)
        };
        if words.next() != Some("GMT") {
            return None;
        }
        (day, month, year, time)
    } else {
        // asctime: `Sun Nov  6 08:49:37 1994`
        let (month, day, time) = (words.next()?, words.next()?, words.next()?);
        (day, month, number(words.next()?, 4)?, time)
    };
    if words.next().is_some() {
        return None;
    }
    let day = match day.len() {
        1 | 2 => day.parse::<u32>().ok().filter(|d| (1..=31).contains(d))?,
        _ => return None,
    };
    let month = MONTHS.iter().position(|m| *m == month)? as u32 + 1;
    let mut hms = time.split(':');
    let hour = number(hms.next()?, 2)?;
    let minute = number(hms.next()?, 2)?;
    let second = number(hms.next()?, 2)?;
    if hms.next().is_some() || hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let days = days_from_civil(i64::from(year), month, day);
    Some(days * 86_400 + i64::from(hour * 3600 + minute * 60 + second))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// Exactly `width` ASCII digits.
fn number(text: &str, width: usize) -> Option<u32> {
    if text.len() == width && text.bytes().all(|b| b.is_ascii_digit()) {
        text.parse().ok()
    } else {
        None
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(month);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn all_three_date_formats_give_the_same_instant() {
        let expected = 784_111_777; // 1994-11-06T08:49:37Z
        assert_eq!(http_date("Sun, 06 Nov 1994 08:49:37 GMT"), Some(expected));
        assert_eq!(http_date("Sunday, 06-Nov-94 08:49:37 GMT"), Some(expected));
        assert_eq!(http_date("Sun Nov  6 08:49:37 1994"), Some(expected));
        assert_eq!(http_date("Thu, 01 Jan 1970 00:00:00 GMT"), Some(0));
        assert_eq!(http_date("Tue, 29 Feb 2028 23:59:59 GMT"), Some(1_835_481_599));
    }

    #[test]
    fn malformed_dates_and_delays_are_absent_not_errors() {
        for bad in [
            "",
            "GMT",
            "Sun, 06 Nov 1994 08:49:37",
            "Sun, 06 Nov 1994 08:49:37 PST",
            "Sun, 06 Foo 1994 08:49:37 GMT",
            "Sun, 32 Nov 1994 08:49:37 GMT",
            "Sun, 06 Nov 1994 24:00:00 GMT",
            "Sun, 06 Nov 94 08:49:37 GMT",
            "Sun, 06 Nov 1994 08:49:37 GMT extra",
            "-5",
            "1.5",
            "Sun, 06 Nov 1994 08:49 GMT",
        ] {
            assert_eq!(http_date(bad), None, "{bad:?}");
            assert_eq!(retry_after(bad, Some("Sun, 06 Nov 1994 08:49:37 GMT")), None, "{bad:?}");
        }
    }

    #[test]
    fn delays_saturate_and_dates_need_a_date_header() {
        assert_eq!(retry_after(" 0 ", None), Some(Duration::ZERO));
        assert_eq!(retry_after("99999999999999999999999", None), Some(Duration::from_secs(u64::MAX)));
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", None), None);
        assert_eq!(retry_after("Sun, 06 Nov 1994 08:49:37 GMT", Some("garbage")), None);
    }
}
