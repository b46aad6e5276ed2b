//! OSCAL identifiers: control and parameter tokens, v5 UUIDs, timestamps.
//!
//! OSCAL ids are *tokens* (`^(\p{L}|_)(\p{L}|\p{N}|[.\-_])*$`), so a CC instance id such as
//! `FCS_COP.1/Hash` cannot be used as is. The mapping is: lower-case, `/` and any other
//! character outside letters, digits, `.`, `-` and `_` becomes `_`, and a leading character that
//! is not a letter or `_` gets a `_` in front. The original id is kept in a `label` prop, which is
//! what import reads back. UUIDs are version 5 from a fixed dtsec namespace and a stable key, so
//! a re-run gives byte-identical output (the OSCAL schemas admit only v4 and v5 UUIDs).

use uuid::Uuid;

use crate::error::OscalError;

/// The namespace of dtsec's own OSCAL props, and the name its UUID namespace is derived from.
pub const NS: &str = "https://example.invalid/dtsec/ns/oscal";

/// The OSCAL version every exported document declares.
pub const OSCAL_VERSION: &str = "1.2.1";

/// An OSCAL token for an identifier (see the module doc for the mapping).
pub fn token(id: &str) -> String {
    let mut out = String::with_capacity(id.len() + 1);
    for c in id.chars() {
        if c.is_alphanumeric() || matches!(c, '.' | '-' | '_') {
            out.extend(c.to_lowercase());
        } else {
            out.push('_');
        }
    }
    match out.chars().next() {
        Some(c) if c.is_alphabetic() || c == '_' => out,
        _ => format!("_{out}"),
    }
}

/// A version 5 UUID for a stable key (the parts joined by U+001F, which no id contains).
pub fn uuid(parts: &[&str]) -> String {
    let namespace = Uuid::new_v5(&Uuid::NAMESPACE_URL, NS.as_bytes());
    Uuid::new_v5(&namespace, parts.join("\u{1f}").as_bytes()).to_string()
}

/// `metadata.last-modified` from a document's own `YYYY-MM-DD` date (midnight UTC).
pub fn timestamp(date: Option<&str>, document: &str) -> Result<String, OscalError> {
    let Some(date) = date.map(str::trim) else {
        return Err(OscalError::Date {
            document: document.to_string(),
            found: "missing".to_string(),
        });
    };
    let b = date.as_bytes();
    let shaped = b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit());
    let month = date
        .get(5..7)
        .and_then(|m| m.parse::<u8>().ok())
        .unwrap_or(0);
    let day = date
        .get(8..10)
        .and_then(|d| d.parse::<u8>().ok())
        .unwrap_or(0);
    if !shaped || !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return Err(OscalError::Date {
            document: document.to_string(),
            found: format!("`{date}`"),
        });
    }
    Ok(format!("{date}T00:00:00Z"))
}

/// Collapses whitespace, because OSCAL prop values and labels are one line without leading or
/// trailing space.
pub fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_follow_the_documented_mapping() {
        assert_eq!(token("FCS_COP.1/Hash"), "fcs_cop.1_hash");
        assert_eq!(token("T.UNAUTH_CMD"), "t.unauth_cmd");
        assert_eq!(token("1x"), "_1x");
        assert_eq!(token("a b"), "a_b");
    }

    #[test]
    fn uuids_are_stable_v5() {
        let a = uuid(&["catalog", "cdd", "2.0"]);
        assert_eq!(a, uuid(&["catalog", "cdd", "2.0"]));
        assert_ne!(a, uuid(&["catalog", "cdd", "2.1"]));
        assert_eq!(&a[14..15], "5");
    }

    #[test]
    fn timestamps_come_from_the_date() {
        assert_eq!(
            timestamp(Some("2026-12-06"), "d").unwrap(),
            "2026-12-06T00:00:00Z"
        );
        assert!(timestamp(None, "d").is_err());
        assert!(timestamp(Some("2026-13-01"), "d").is_err());
        assert!(timestamp(Some("06.12.2026"), "d").is_err());
    }
}
