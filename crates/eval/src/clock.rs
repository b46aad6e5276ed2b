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

/// Days since 1970-01-01 → (year, month, day); Howard Hinnant's algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::rfc3339;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
    }
}
