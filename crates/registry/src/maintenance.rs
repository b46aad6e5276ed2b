//! Assurance maintenance: classifying a new product version's changes as minor, a vulnerability
//! fix, or major.
//!
//! The rule (`shared/design/cdd-pp.md`, borrowed from CC assurance continuity and NIAP practice):
//! a change that touches the TSF, cryptography, pairing, the update path or the command path is
//! **major** and needs a re-evaluation; any other change is **minor**, and the certification body
//! may extend the certificate to the new version. A security patch is neither: a change declared
//! as the fix of named vulnerabilities (its security-relevant areas included) is a
//! **vulnerability fix**, which the lab that evaluated the certificate reviews in a focused way —
//! AVA_VAN on the fix and regression of the SFRs it touches — before the certification body
//! extends the certificate. Why its own class: treating every patch as a major change makes
//! fixing a vulnerability cost a full re-evaluation, which rewards shipping it late; treating it
//! as minor would extend a certificate over TSF code no one looked at. A security-relevant change
//! that is not a declared fix still makes the whole analysis major. The classification is the
//! registry's, from what the manufacturer declares; it is not the manufacturer's to choose.

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

/// Minor, vulnerability fix, or major.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ChangeClass {
    /// No security-relevant area touched: the certificate may be extended.
    Minor,
    /// Security-relevant areas touched only by declared fixes of named vulnerabilities: a
    /// focused lab review, then an extension.
    VulnerabilityFix,
    /// A security-relevant area touched otherwise: re-evaluation.
    Major,
}

impl ChangeClass {
    /// Every class.
    pub const ALL: [ChangeClass; 3] = [
        ChangeClass::Minor,
        ChangeClass::VulnerabilityFix,
        ChangeClass::Major,
    ];

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeClass::Minor => "minor",
            ChangeClass::VulnerabilityFix => "vulnerability-fix",
            ChangeClass::Major => "major",
        }
    }

    /// Reads a stored name.
    pub fn parse(s: &str) -> Option<ChangeClass> {
        ChangeClass::ALL.into_iter().find(|c| c.as_str() == s)
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
    /// The vulnerabilities this change fixes (advisory or CVE ids, or the ETR's vulnerability
    /// ids); empty when it is not a fix.
    pub fixes: Vec<String>,
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
    /// The SFRs the changes touch (`FCS_COP.1`); required when a change is a fix, so the lab
    /// knows what to regression-test.
    pub touched_sfrs: Vec<String>,
}

impl ImpactAnalysis {
    /// Every vulnerability the changes fix, in order, without repeats.
    pub fn fixed_vulnerabilities(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for v in self.changes.iter().flat_map(|c| &c.fixes) {
            let v = v.trim().to_string();
            if !out.contains(&v) {
                out.push(v);
            }
        }
        out
    }
}

/// Classifies an impact analysis by the maintenance rule.
///
/// ```
/// use dtsec_registry::maintenance::{Change, ChangeArea, ChangeClass, classify};
/// let ui = Change { description: "new font".into(), areas: vec![ChangeArea::UserInterface], fixes: vec![] };
/// let ble = Change { description: "new BLE stack".into(), areas: vec![ChangeArea::Pairing], fixes: vec![] };
/// let fix = Change { description: "nonce reuse fixed".into(), areas: vec![ChangeArea::Crypto], fixes: vec!["CVE-2026-0001".into()] };
/// assert_eq!(classify(&[ui.clone()]), ChangeClass::Minor);
/// assert_eq!(classify(&[ui.clone(), fix.clone()]), ChangeClass::VulnerabilityFix);
/// assert_eq!(classify(&[ui, ble, fix]), ChangeClass::Major);
/// ```
pub fn classify(changes: &[Change]) -> ChangeClass {
    let is_fix = |c: &Change| !c.fixes.is_empty();
    if changes
        .iter()
        .filter(|c| !is_fix(c))
        .flat_map(|c| &c.areas)
        .any(|a| a.is_security_relevant())
    {
        ChangeClass::Major
    } else if changes.iter().any(is_fix) {
        ChangeClass::VulnerabilityFix
    } else {
        ChangeClass::Minor
    }
}

/// The most vulnerabilities one analysis may name, and the most SFRs (bounds on input).
pub const MAX_LISTED: usize = 100;

/// An SFR id as the CC writes it: `FCS_COP.1`, `FPT_TUD_EXT.1`, optionally with an iteration
/// (`FCS_COP.1/Hash`).
fn is_sfr_id(s: &str) -> bool {
    let (base, iteration) = match s.split_once('/') {
        Some((b, i)) => (b, Some(i)),
        None => (s, None),
    };
    let Some((family, component)) = base.split_once('.') else {
        return false;
    };
    let mut parts = family.split('_');
    let class_ok = parts.next().is_some_and(|c| {
        c.len() == 3 && c.starts_with('F') && c.bytes().all(|b| b.is_ascii_uppercase())
    });
    let rest: Vec<&str> = parts.collect();
    class_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        })
        && !component.is_empty()
        && component.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && iteration.is_none_or(|i| {
            !i.is_empty()
                && i.len() <= 40
                && i.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
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
    let fixed = ia.fixed_vulnerabilities();
    if fixed.len() > MAX_LISTED || ia.touched_sfrs.len() > MAX_LISTED {
        return Err(RegistryError::invalid(format!(
            "an impact analysis names at most {MAX_LISTED} fixed vulnerabilities and {MAX_LISTED} touched SFRs"
        )));
    }
    for v in &fixed {
        crate::validate::text("fixed vulnerability id", v, 100)?;
    }
    for sfr in &ia.touched_sfrs {
        if !is_sfr_id(sfr.trim()) {
            return Err(RegistryError::invalid(format!(
                "`{}` is not an SFR id; name touched SFRs as the ST does, e.g. FCS_COP.1 or FPT_TUD_EXT.1",
                sfr.trim()
            )));
        }
    }
    if !fixed.is_empty() && ia.touched_sfrs.is_empty() {
        return Err(RegistryError::invalid(
            "a vulnerability fix names the SFRs it touches (touched_sfrs), so the lab knows what to regression-test",
        ));
    }
    Ok(())
}

/// Where a filed impact analysis stands. One wire spelling each (the database's, the API's by
/// serde, the client's); an unknown stored state is an error ([`MaintenanceState::from_stored`]),
/// never a silent default.
#[derive(
    Clone,
    Copy,
    Debug,
    PartialEq,
    Eq,
    Hash,
    serde::Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "kebab-case")]
pub enum MaintenanceState {
    /// A minor change awaiting the certifier's extension.
    Filed,
    /// A vulnerability fix awaiting the focused review of the lab that evaluated the certificate.
    LabReview,
    /// The lab's review passed: awaiting the certifier's extension.
    FixVerified,
    /// The lab's review failed: the certificate is not extended (final; file again once fixed,
    /// or as a major change).
    FixFailed,
    /// The certificate was extended to the new version (final).
    Extended,
    /// A major change: a re-evaluation case was opened (final).
    ReEvaluation,
}

impl MaintenanceState {
    /// Every state.
    pub const ALL: [MaintenanceState; 6] = [
        MaintenanceState::Filed,
        MaintenanceState::LabReview,
        MaintenanceState::FixVerified,
        MaintenanceState::FixFailed,
        MaintenanceState::Extended,
        MaintenanceState::ReEvaluation,
    ];

    /// The stored (and wire) name.
    pub fn as_str(self) -> &'static str {
        match self {
            MaintenanceState::Filed => "filed",
            MaintenanceState::LabReview => "lab-review",
            MaintenanceState::FixVerified => "fix-verified",
            MaintenanceState::FixFailed => "fix-failed",
            MaintenanceState::Extended => "extended",
            MaintenanceState::ReEvaluation => "re-evaluation",
        }
    }

    /// Reads a stored name; an unknown one is an error.
    pub fn parse(s: &str) -> Result<MaintenanceState, RegistryError> {
        MaintenanceState::ALL
            .into_iter()
            .find(|m| m.as_str() == s)
            .ok_or_else(|| RegistryError::invalid(format!("unknown maintenance state `{s}`")))
    }

    /// Reads the stored state of maintenance record `id`: an unknown one is an error naming it.
    ///
    /// # Errors
    /// [`RegistryError::UnknownStoredState`].
    pub fn from_stored(value: &str, id: &str) -> Result<MaintenanceState, RegistryError> {
        MaintenanceState::parse(value).map_err(|_| RegistryError::UnknownStoredState {
            record: "maintenance",
            id: id.to_string(),
            column: "state",
            value: value.to_string(),
        })
    }

    /// The state a newly filed analysis of this class starts in.
    pub fn initial(class: ChangeClass) -> MaintenanceState {
        match class {
            ChangeClass::Minor => MaintenanceState::Filed,
            ChangeClass::VulnerabilityFix => MaintenanceState::LabReview,
            ChangeClass::Major => MaintenanceState::ReEvaluation,
        }
    }

    /// True when the certifier may extend the certificate now.
    pub fn is_extendable(self) -> bool {
        matches!(
            self,
            MaintenanceState::Filed | MaintenanceState::FixVerified
        )
    }
}

impl fmt::Display for MaintenanceState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A verdict of the lab's focused review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ReviewVerdict {
    /// The check passed.
    Pass,
    /// The check failed.
    Fail,
}

impl ReviewVerdict {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewVerdict::Pass => "pass",
            ReviewVerdict::Fail => "fail",
        }
    }

    /// Reads a wire name; the error says what is accepted.
    pub fn parse(what: &str, s: &str) -> Result<ReviewVerdict, RegistryError> {
        match s.trim() {
            "pass" => Ok(ReviewVerdict::Pass),
            "fail" => Ok(ReviewVerdict::Fail),
            other => Err(RegistryError::invalid(format!(
                "{what}: `{other}` is not a verdict; use pass or fail"
            ))),
        }
    }
}

/// The lab's focused review of a vulnerability fix: AVA_VAN on the fix (do the named
/// vulnerabilities still exist, did the fix open another one) and regression of the touched
/// SFRs (do they still meet the ST).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FixReview {
    /// The vulnerability analysis of the fix.
    pub ava_van: ReviewVerdict,
    /// The regression tests of the touched SFRs.
    pub regression: ReviewVerdict,
    /// What the lab did and found.
    pub summary: String,
}

impl FixReview {
    /// Pass only when both checks pass.
    pub fn passed(&self) -> bool {
        self.ava_van == ReviewVerdict::Pass && self.regression == ReviewVerdict::Pass
    }
}
