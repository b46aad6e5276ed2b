//! Small input checks shared by the store's operations: non-empty, bounded, printable text.
//!
//! Why here: every name and free-text field arrives from the HTTP layer unfiltered; checking it
//! once, the same way, keeps control characters and megabyte names out of certificates and pages.

use crate::error::RegistryError;

/// `value` trimmed must be non-empty, at most `max` characters, and free of control characters
/// (newlines and tabs allowed only when `max` exceeds 200, i.e. for prose).
pub fn text(what: &str, value: &str, max: usize) -> Result<(), RegistryError> {
    let v = value.trim();
    if v.is_empty() {
        return Err(RegistryError::invalid(format!("{what} must not be empty")));
    }
    if v.chars().count() > max {
        return Err(RegistryError::invalid(format!(
            "{what} is longer than {max} characters"
        )));
    }
    let prose = max > 200;
    if v.chars()
        .any(|c| c.is_control() && !(prose && (c == '\n' || c == '\t' || c == '\r')))
    {
        return Err(RegistryError::invalid(format!(
            "{what} contains control characters"
        )));
    }
    Ok(())
}

/// A plausible e-mail address: one `@`, something on both sides, no spaces, at most 254 bytes.
pub fn email(value: &str) -> Result<String, RegistryError> {
    let v = value.trim().to_ascii_lowercase();
    let ok = v.len() <= 254
        && v.split('@').count() == 2
        && !v.starts_with('@')
        && !v.ends_with('@')
        && !v.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(v)
    } else {
        Err(RegistryError::invalid(format!(
            "`{}` is not an e-mail address",
            value.trim()
        )))
    }
}
