//! What a lab tells the public about itself when it applies: where it is, what it evaluates,
//! who accredits it, and how to reach it.
//!
//! Why checked here: a manufacturer chooses a lab from the public labs page, so these fields are
//! shown to everyone and must be short, printable, and a contact that leads somewhere safe (an
//! e-mail address or an `https` URL — never `javascript:` or a plain-HTTP page).

use serde::{Deserialize, Serialize};

use crate::error::RegistryError;
use crate::validate;

/// Longest location ("City, Country"), in characters.
pub const MAX_LOCATION: usize = 120;
/// Longest scope (device types and CC assurance the lab evaluates), in characters.
pub const MAX_SCOPE: usize = 500;
/// Longest accreditation (body and number, e.g. "ISO/IEC 17025, A2LA 1234.01"), in characters.
pub const MAX_ACCREDITATION: usize = 200;
/// Longest contact (an e-mail address or an https URL), in bytes.
pub const MAX_CONTACT: usize = 254;

/// The public profile given in a lab's application.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LabProfile {
    /// Where the lab works, e.g. "Delft, Netherlands" (at most 120 characters).
    pub location: String,
    /// What it evaluates, e.g. "Insulin pumps and CGMs; CC EAL2 to EAL4, AVA_VAN.3" (at most 500).
    pub scope: String,
    /// Its accreditation: body and number (at most 200 characters).
    pub accreditation: String,
    /// How to reach it: an e-mail address or an `https://` URL (at most 254 bytes).
    pub contact: String,
}

impl LabProfile {
    /// The profile with each field trimmed, or the first field that is wrong and why.
    pub fn checked(&self) -> Result<LabProfile, RegistryError> {
        validate::text("the lab's location", &self.location, MAX_LOCATION)?;
        validate::text("the lab's scope", &self.scope, MAX_SCOPE)?;
        validate::text(
            "the lab's accreditation",
            &self.accreditation,
            MAX_ACCREDITATION,
        )?;
        Ok(LabProfile {
            location: self.location.trim().to_string(),
            scope: self.scope.trim().to_string(),
            accreditation: self.accreditation.trim().to_string(),
            contact: contact(&self.contact)?,
        })
    }
}

/// A contact: an `https://` URL with a host, or an e-mail address.
fn contact(value: &str) -> Result<String, RegistryError> {
    let v = value.trim();
    let refuse = |why: &str| {
        RegistryError::invalid(format!(
            "the lab's contact `{}` {why}: give an e-mail address (name@example.org) or an https:// URL",
            v.chars().take(80).collect::<String>()
        ))
    };
    if v.is_empty() {
        return Err(refuse("is empty"));
    }
    if v.len() > MAX_CONTACT {
        return Err(refuse(&format!("is longer than {MAX_CONTACT} bytes")));
    }
    if v.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(refuse("contains spaces or control characters"));
    }
    if let Some(rest) = v.strip_prefix("https://") {
        let host = rest.split(['/', '?', '#']).next().unwrap_or("");
        let host_ok = !host.is_empty()
            && host.contains('.')
            && !host.contains('@')
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
        return if host_ok {
            Ok(v.to_string())
        } else {
            Err(refuse("has no valid host name"))
        };
    }
    if v.contains(':') {
        return Err(refuse("is a URL that is not https"));
    }
    let email = validate::email(v).map_err(|_| refuse("is not an e-mail address"))?;
    if !email.split('@').nth(1).is_some_and(|d| d.contains('.')) {
        return Err(refuse("has no domain after the @"));
    }
    Ok(email)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(contact: &str) -> LabProfile {
        LabProfile {
            location: " Delft, Netherlands ".into(),
            scope: "Insulin pumps; EAL2".into(),
            accreditation: "ISO/IEC 17025, RvA L123".into(),
            contact: contact.into(),
        }
    }

    #[test]
    fn contacts_are_email_or_https() {
        let ok = profile("Lab@Example.org").checked().unwrap();
        assert_eq!(ok.contact, "lab@example.org");
        assert_eq!(ok.location, "Delft, Netherlands");
        assert_eq!(
            profile("https://lab.example.org/contact")
                .checked()
                .unwrap()
                .contact,
            "https://lab.example.org/contact"
        );
        for bad in [
            "",
            "javascript:alert(1)",
            "http://lab.example.org",
            "https://",
            "https://user@evil",
            "lab@localhost",
            "two words@example.org",
            "no-at-sign",
        ] {
            let e = profile(bad).checked().unwrap_err().to_string();
            assert!(e.contains("contact"), "{bad}: {e}");
        }
        let long = format!("https://lab.example.org/{}", "a".repeat(300));
        assert!(profile(&long).checked().is_err());
    }

    #[test]
    fn every_field_is_bounded_and_named() {
        let mut p = profile("lab@example.org");
        p.scope = "x".repeat(MAX_SCOPE + 1);
        assert!(p.checked().unwrap_err().to_string().contains("scope"));
        let mut p = profile("lab@example.org");
        p.location = "  ".into();
        assert!(p.checked().unwrap_err().to_string().contains("location"));
        let mut p = profile("lab@example.org");
        p.accreditation = "a\u{7}b".into();
        assert!(
            p.checked()
                .unwrap_err()
                .to_string()
                .contains("accreditation")
        );
    }
}
