//! Dates and the clock.
//!
//! Why: the registry needs calendar dates (`2025-06-30`) for approvals, certification and expiry,
//! and "now" as RFC 3339 UTC text, which both databases store and compare as text. The calendar is
//! `jiff`'s, reached through `dtsec_eval::clock` (the one place that maps Unix seconds to UTC), so
//! the registry and the evaluation records cannot disagree about a day. The [`Clock`] can be fixed
//! and moved, so tests and the demo can say "as of".

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use dtsec_eval::clock::{unix_seconds, utc};
use jiff::Span;

use crate::error::RegistryError;

/// A calendar date (proleptic Gregorian), written `YYYY-MM-DD`. Ordered by time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    day: jiff::civil::Date,
}

impl Date {
    /// The date of a Unix time (UTC).
    pub fn from_unix(secs: i64) -> Date {
        Date {
            day: utc(secs).date(),
        }
    }

    /// The date with this year, month and day, if it exists (years 1 to 9999).
    pub fn from_ymd(y: i64, m: u32, d: u32) -> Option<Date> {
        if !(1..=9999).contains(&y) {
            return None;
        }
        let day = jiff::civil::Date::new(
            i16::try_from(y).ok()?,
            i8::try_from(m).ok()?,
            i8::try_from(d).ok()?,
        )
        .ok()?;
        Some(Date { day })
    }

    /// Reads `YYYY-MM-DD`: exactly that shape (no sign, no basic format, no time), then a date
    /// that exists.
    pub fn parse(s: &str) -> Result<Date, RegistryError> {
        let bad = || RegistryError::invalid(format!("`{s}` is not a date (YYYY-MM-DD)"));
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(bad());
        }
        let num = |r: std::ops::Range<usize>| -> Option<u32> {
            let part = s.get(r)?;
            if part.bytes().all(|c| c.is_ascii_digit()) {
                part.parse().ok()
            } else {
                None
            }
        };
        let (y, m, d) = (
            num(0..4).ok_or_else(bad)?,
            num(5..7).ok_or_else(bad)?,
            num(8..10).ok_or_else(bad)?,
        );
        Date::from_ymd(i64::from(y), m, d).ok_or_else(bad)
    }

    /// Year, month, day.
    pub fn ymd(self) -> (i64, u32, u32) {
        // jiff's month and day are 1..=12 and 1..=31, so the fallbacks are never taken.
        (
            i64::from(self.day.year()),
            u32::try_from(self.day.month()).unwrap_or(1),
            u32::try_from(self.day.day()).unwrap_or(1),
        )
    }

    /// This date plus `n` days (negative to go back), saturating at the calendar's ends.
    pub fn add_days(self, n: i64) -> Date {
        self.add(Span::new().try_days(n), n)
    }

    /// The same day `n` years later; 29 February becomes 28 February in a common year.
    /// Saturates at the calendar's ends.
    pub fn add_years(self, n: i64) -> Date {
        self.add(Span::new().try_years(n), n)
    }

    /// Adds `span` (built from `n` units, which may have been too many), saturating towards the
    /// sign of `n`.
    fn add(self, span: Result<Span, jiff::Error>, n: i64) -> Date {
        let day = span
            .and_then(|span| self.day.checked_add(span))
            .unwrap_or(if n < 0 {
                jiff::civil::Date::MIN
            } else {
                jiff::civil::Date::MAX
            });
        Date { day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Unix seconds as RFC 3339 UTC (`2025-01-31T09:30:00Z`); the one formatter, shared with the
/// evaluation records.
pub use dtsec_eval::clock::rfc3339;

/// Where "now" comes from: the system clock or a fixed instant, plus an offset that tests and
/// the demo move ("as of three years ago"). Clones share the instant and the offset, so moving
/// a clone moves the store's clock.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    fixed: Option<Arc<AtomicI64>>,
    offset: Arc<AtomicI64>,
}

impl Clock {
    /// The system clock.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// A clock standing at `unix` seconds until moved.
    pub fn fixed(unix: i64) -> Clock {
        Clock {
            fixed: Some(Arc::new(AtomicI64::new(unix))),
            offset: Arc::default(),
        }
    }

    /// A fixed clock at noon UTC of `date`.
    pub fn at_date(date: Date) -> Clock {
        Clock::fixed(unix_seconds(date.day.at(12, 0, 0, 0)))
    }

    fn base(&self) -> i64 {
        match &self.fixed {
            Some(t) => t.load(Ordering::SeqCst),
            None => std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)),
        }
    }

    /// Now, in Unix seconds.
    pub fn now_unix(&self) -> i64 {
        self.base()
            .saturating_add(self.offset.load(Ordering::SeqCst))
    }

    /// Now, as RFC 3339 UTC.
    pub fn now(&self) -> String {
        rfc3339(self.now_unix())
    }

    /// Today's date (UTC).
    pub fn today(&self) -> Date {
        Date::from_unix(self.now_unix())
    }

    /// Moves the clock so that now is `unix` seconds.
    pub fn set(&self, unix: i64) {
        self.offset
            .store(unix.saturating_sub(self.base()), Ordering::SeqCst);
    }

    /// Moves the clock by `days` (negative: back).
    pub fn advance_days(&self, days: i64) {
        self.offset
            .fetch_add(days.saturating_mul(86_400), Ordering::SeqCst);
    }

    /// Removes any offset: back to the system time (or the fixed instant).
    pub fn reset(&self) {
        self.offset.store(0, Ordering::SeqCst);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_moves() {
        let c = Clock::at_date(Date::parse("2025-01-01").unwrap());
        c.advance_days(-365);
        assert_eq!(c.today().to_string(), "2024-01-02");
        c.reset();
        assert_eq!(c.today().to_string(), "2025-01-01");
        let s = Clock::system();
        s.advance_days(-10);
        assert!(s.today() < Clock::system().today());
    }

    #[test]
    fn dates_round_trip_and_add() {
        let d = Date::parse("2024-02-29").unwrap();
        assert_eq!(d.to_string(), "2024-02-29");
        assert_eq!(d.add_years(1).to_string(), "2025-02-28");
        assert_eq!(d.add_days(1).to_string(), "2024-03-01");
        assert!(Date::parse("2023-02-29").is_err());
        assert!(Date::parse("2023-1-01").is_err());
        assert!(Date::parse("+023-01-01").is_err());
        assert!(Date::parse("20240229").is_err());
        assert!(Date::parse("2024-02-29T00:00").is_err());
        assert!(Date::parse("2024-02-3x").is_err());
        assert!(Date::parse("2é4-01-01").is_err());
        assert!(Date::parse("0000-01-01").is_err());
        assert!(Date::parse("2024-04-31").is_err());
        assert_eq!(
            Date::parse("9999-12-31").unwrap().add_days(1).to_string(),
            "9999-12-31"
        );
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(Date::from_unix(1_735_689_599).to_string(), "2024-12-31");
    }

    #[test]
    fn rfc3339_agrees_with_date() {
        // `rfc3339` comes from dtsec-eval, `Date` is ours: the two calendars must agree.
        for secs in (-400 * 366 * 86_400_i64..400 * 366 * 86_400).step_by(86_400 * 7 + 3_607) {
            assert!(rfc3339(secs).starts_with(&format!("{}T", Date::from_unix(secs))));
        }
    }
}
