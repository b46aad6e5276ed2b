//! Timestamps as RFC 3339 UTC strings (`2025-01-31T09:30:00Z`).
//!
//! Why our own: records need only "now, in UTC, to the second", which is a few lines of civil
//! calendar arithmetic; a date crate would be a dependency for one function. When
//! `SOURCE_DATE_EPOCH` is set (the reproducible-builds convention) it is used instead of the
//! system clock, so tests and reproducible reports get fixed times.

use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch, from `SOURCE_DATE_EPOCH` or the system clock.
pub fn now_unix() -> i64 {
    if let Some(v) = std::env::var_os("SOURCE_DATE_EPOCH")
        .and_then(|s| s.to_str().and_then(|s| s.trim().parse::<i64>().ok()))
    {
        return v;
    }
    match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
        Err(_) => 0,
    }
}

/// The current time as RFC 3339 UTC.
pub fn now() -> String {
    rfc3339(now_unix())
}

/// Where a workspace's timestamps come from: the clock, or a fixed instant for a caller that
/// evaluates "as of" another time (the registry's demo builds its history years back, and its
/// ETRs must not be sealed after the certificates they led to). A value, not a setting: no
/// global state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TimeSource {
    /// [`now`]: `SOURCE_DATE_EPOCH` or the system clock.
    #[default]
    System,
    /// This many seconds after the Unix epoch, always.
    Fixed(i64),
}

impl TimeSource {
    /// The time now, as RFC 3339 UTC.
    pub fn now(self) -> String {
        match self {
            TimeSource::System => now(),
            TimeSource::Fixed(unix) => rfc3339(unix),
        }
    }
}

/// Formats Unix seconds as RFC 3339 UTC (proleptic Gregorian calendar).
pub fn rfc3339(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 → (year, month, day), proleptic Gregorian; Howard Hinnant's
/// algorithm. The one copy: the registry's dates use it too.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let m = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// (year, month, day) → days since 1970-01-01: the inverse of [`civil_from_days`].
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let m = i64::from(m);
    let mp = if m > 2 { m - 3 } else { m + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::{civil_from_days, days_from_civil, rfc3339};

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn day_numbers_round_trip() {
        // Every day from 1600 to 2400, both directions, across leap centuries.
        let first = days_from_civil(1600, 1, 1);
        let last = days_from_civil(2400, 12, 31);
        let mut prev = civil_from_days(first - 1);
        for z in first..=last {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
            assert!((y, m, d) > prev, "{y}-{m}-{d} after {prev:?}");
            prev = (y, m, d);
        }
        assert_eq!(
            civil_from_days(days_from_civil(2000, 2, 29) + 1),
            (2000, 3, 1)
        );
        assert_eq!(
            civil_from_days(days_from_civil(2100, 2, 28) + 1),
            (2100, 3, 1)
        );
    }
}
