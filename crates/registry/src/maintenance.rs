//! Assurance maintenance: classifying a new product version's changes as minor or major.
//!
//! The rule (`shared/design/cdd-pp.md`, borrowed from CC assurance continuity and NIAP practice):
//! a change that touches the TSF, cryptography, pairing, the update path or the command path is
//! **major** and needs a re-evaluation; any other change is **minor**, and the certification body
//! may extend the certificate to the new version. The classification is the registry's, from the
//! areas the manufacturer declares; it is not the manufacturer's to choose.

use std::fmt;

use crate::error::RegistryError;

/// What part of the product a change touches.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeArea {
    /// The TOE security functionality.
    Tsf,
    /// Cryptography (algorithms, keys, libraries).
    Crypto,
    /// Pairing and peer authentication.
    Pairing,
    /// The update mechanism.
    Update,
    /// The therapy command path.
    Command,
    /// User interface outside the TSF.
    UserInterface,
    /// Guidance and documentation.
    Documentation,
    /// Anything else outside the TSF (e.g. a display driver, a translation).
    Other,
}

impl ChangeArea {
    /// Every area.
    pub const ALL: [ChangeArea; 8] = [
        ChangeArea::Tsf,
        ChangeArea::Crypto,
        ChangeArea::Pairing,
        ChangeArea::Update,
        ChangeArea::Command,
        ChangeArea::UserInterface,
        ChangeArea::Documentation,
        ChangeArea::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeArea::Tsf => "tsf",
            ChangeArea::Crypto => "crypto",
            ChangeArea::Pairing => "pairing",
            ChangeArea::Update => "update",
            ChangeArea::Command => "command",
            ChangeArea::UserInterface => "user-interface",
            ChangeArea::Documentation => "documentation",
            ChangeArea::Other => "other",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Result<ChangeArea, RegistryError> {
        ChangeArea::ALL
            .into_iter()
            .find(|a| a.as_str() == s)
            .ok_or_else(|| RegistryError::invalid(format!("unknown change area `{s}`")))
    }

    /// True for the areas that make a change major.
    pub fn is_security_relevant(self) -> bool {
        matches!(
            self,
            ChangeArea::Tsf
                | ChangeArea::Crypto
                | ChangeArea::Pairing
                | ChangeArea::Update
                | ChangeArea::Command
        )
    }
}

/// Minor or major.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeClass {
    /// No security-relevant area touched: the certificate may be extended.
    Minor,
    /// A security-relevant area touched: re-evaluation.
    Major,
}

impl ChangeClass {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Minor => "minor",
            ChangeClass::Major => "major",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<ChangeClass> {
        match s {
            "minor" => Some(ChangeClass::Minor),
            "major" => Some(ChangeClass::Major),
            _ => None,
        }
    }
}

impl fmt::Display for ChangeClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One declared change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// What changed, in a sentence.
    pub description: String,
    /// The areas it touches (at least one).
    pub areas: Vec<ChangeArea>,
}

/// An impact analysis: the manufacturer's account of a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpactAnalysis {
    /// The new product version.
    pub new_version: String,
    /// Build ids of the new version (hardware, firmware, app).
    pub build_ids: Vec<String>,
    /// The changes since the certified version.
    pub changes: Vec<Change>,
}

/// Classifies an impact analysis by the maintenance rule.
///
/// ```
/// use dtsec_registry::maintenance::{Change, ChangeArea, ChangeClass, classify};
/// let ui = Change { description: "new font".into(), areas: vec![ChangeArea::UserInterface] };
/// let ble = Change { description: "new BLE stack".into(), areas: vec![ChangeArea::Pairing] };
/// assert_eq!(classify(&[ui.clone()]), ChangeClass::Minor);
/// assert_eq!(classify(&[ui, ble]), ChangeClass::Major);
/// ```
pub fn classify(changes: &[Change]) -> ChangeClass {
    if changes
        .iter()
        .flat_map(|c| &c.areas)
        .any(|a| a.is_security_relevant())
    {
        ChangeClass::Major
    } else {
        ChangeClass::Minor
    }
}

/// Checks an impact analysis is complete enough to file.
pub fn validate(ia: &ImpactAnalysis) -> Result<(), RegistryError> {
    crate::validate::text("new version", &ia.new_version, 200)?;
    if ia.changes.is_empty() {
        return Err(RegistryError::invalid(
            "an impact analysis lists at least one change",
        ));
    }
    for c in &ia.changes {
        crate::validate::text("change description", &c.description, 2000)?;
        if c.areas.is_empty() {
            return Err(RegistryError::invalid(format!(
                "change `{}` names no area it touches",
                c.description
            )));
        }
    }
    for b in &ia.build_ids {
        crate::validate::text("build id", b, 200)?;
    }
    Ok(())
}
