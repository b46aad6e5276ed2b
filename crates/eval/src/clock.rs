//! Timestamps as RFC 3339 UTC strings (`2025-01-31T09:30:00Z`).
//!
//! Why this module: records need "now, in UTC, to the second", written one way everywhere (the
//! registry's dates and texts use these functions too). The calendar itself is `jiff`'s; this
//! module only fixes the text form and the range. When `SOURCE_DATE_EPOCH` is set (the
//! reproducible-builds convention) it is used instead of the system clock, so tests and
//! reproducible reports get fixed times.

use std::time::{SystemTime, UNIX_EPOCH};

use jiff::SignedDuration;
use jiff::civil::DateTime;

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

/// The Unix epoch as a civil (UTC) date and time.
const EPOCH: DateTime = DateTime::constant(1970, 1, 1, 0, 0, 0, 0);

/// The first instant RFC 3339 can write (its years have four digits).
const FIRST: DateTime = DateTime::constant(0, 1, 1, 0, 0, 0, 0);

/// The last instant RFC 3339 can write, to the second.
const LAST: DateTime = DateTime::constant(9999, 12, 31, 23, 59, 59, 0);

/// The UTC date and time of Unix second `secs`, clamped to the years 0000 to 9999 so that every
/// instant has an RFC 3339 form (a clock or `SOURCE_DATE_EPOCH` outside them is not a real
/// time; clamping beats failing to date a record).
pub fn utc(secs: i64) -> DateTime {
    match EPOCH.checked_add(SignedDuration::from_secs(secs)) {
        Ok(t) => t.clamp(FIRST, LAST),
        Err(_) if secs < 0 => FIRST,
        Err(_) => LAST,
    }
}

/// The Unix second of a UTC date and time (its fraction of a second dropped): the inverse of
/// [`utc`] within its range.
pub fn unix_seconds(t: DateTime) -> i64 {
    t.duration_since(EPOCH).as_secs()
}

/// Formats Unix seconds as RFC 3339 UTC, to the second (proleptic Gregorian calendar; see
/// [`utc`] for the range). Such texts sort in time order, which the registry's databases rely on.
pub fn rfc3339(secs: i64) -> String {
    let t = utc(secs);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

#[cfg(test)]
mod tests {
    use super::{rfc3339, unix_seconds, utc};
    use jiff::Timestamp;
    use jiff::civil::date;

    #[test]
    fn known_instants() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(rfc3339(1_735_689_599), "2024-12-31T23:59:59Z");
        assert_eq!(rfc3339(-1), "1969-12-31T23:59:59Z");
        assert_eq!(rfc3339(-62_135_596_800), "0001-01-01T00:00:00Z");
    }

    #[test]
    fn out_of_range_instants_are_clamped_not_refused() {
        assert_eq!(rfc3339(i64::MIN), "0000-01-01T00:00:00Z");
        assert_eq!(rfc3339(-62_167_219_201), "0000-01-01T00:00:00Z");
        assert_eq!(rfc3339(253_402_300_799), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(253_402_300_800), "9999-12-31T23:59:59Z");
        assert_eq!(rfc3339(i64::MAX), "9999-12-31T23:59:59Z");
    }

    #[test]
    fn days_from_1600_to_2400_round_trip() {
        // Day after day (61 seconds later each time, so the time of day moves too), across leap centuries: our text must be
        // RFC 3339 that reads back to the same second, `utc` and `unix_seconds` must be inverse,
        // and the texts must sort in time order (the databases compare them as text).
        let first = unix_seconds(date(1600, 1, 1).at(0, 0, 0, 0));
        let last = unix_seconds(date(2400, 12, 31).at(0, 0, 0, 0));
        let mut prev = rfc3339(first - 1);
        let mut secs = first;
        while secs <= last {
            let text = rfc3339(secs);
            let read: Timestamp = text.parse().expect("our RFC 3339 text parses");
            assert_eq!(read.as_second(), secs, "{text}");
            assert_eq!(unix_seconds(utc(secs)), secs);
            assert!(text > prev, "{text} after {prev}");
            prev = text;
            secs += 86_400 + 61;
        }
        assert_eq!(
            rfc3339(unix_seconds(date(2000, 2, 29).at(0, 0, 0, 0)) + 86_400),
            "2000-03-01T00:00:00Z"
        );
        assert_eq!(
            rfc3339(unix_seconds(date(2100, 2, 28).at(0, 0, 0, 0)) + 86_400),
            "2100-03-01T00:00:00Z"
        );
    }
}
