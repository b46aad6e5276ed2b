//! The assessment: one manufacturer's statement about one vulnerability in one product version,
//! per component, with the clinical and CC judgements and the dates FDA's clocks run from.
//!
//! These are the types a registry stores (serde, stable ids, no I/O). The VEX formats are views
//! of them (`formats`), and the clocks and certificate actions are pure functions of them.

use dtsec_eval::vulns::{AttackPotential, Rating};
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::cvss;
use crate::error::VexError;

/// Longest free text accepted in any field (statements, rationale): a VEX statement is a
/// paragraph, not a report.
pub const MAX_TEXT: usize = 8 * 1024;
/// Most components one assessment may name.
pub const MAX_COMPONENTS: usize = 1024;
/// Most aliases, scores or responses in one assessment.
pub const MAX_LIST: usize = 64;

/// The vulnerability: its group key (a CVE id where there is one) and the other ids it goes by.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VulnRef {
    /// The group key, e.g. `CVE-2024-3094`.
    pub id: String,
    /// Aliases (GHSA, OSV ids), one hop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
}

/// The product version the statement is about, and the SBOM that lists its components.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRef {
    /// Product name.
    pub name: String,
    /// Product version (the certified version or a maintained one).
    pub version: String,
    /// The SBOM's `serialNumber` (`urn:uuid:…`), for CycloneDX bom-links.
    pub sbom_serial: String,
    /// The SBOM's `version`.
    pub sbom_version: u32,
}

/// One component the statement covers: VEX targets are per component, never only the product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentRef {
    /// The SBOM's `bom-ref` (or SPDXID).
    pub bom_ref: String,
    /// The component's purl, when it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// Why a product is not affected: CycloneDX 1.6's `impactAnalysisJustification`, the richest of
/// the three vocabularies (mapped to the others in `formats::vocab`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// The vulnerable code is not in the component.
    CodeNotPresent,
    /// The vulnerable code is present but cannot be reached.
    CodeNotReachable,
    /// Exploiting needs a configuration the product does not have.
    RequiresConfiguration,
    /// Exploiting needs a dependency the product does not have.
    RequiresDependency,
    /// Exploiting needs an environment the product is not in.
    RequiresEnvironment,
    /// Compiler protections stop it.
    ProtectedByCompiler,
    /// Run-time protections stop it.
    ProtectedAtRuntime,
    /// Perimeter protections stop it.
    ProtectedAtPerimeter,
    /// Another mitigating control stops it.
    ProtectedByMitigatingControl,
}

/// CycloneDX's responses (what the manufacturer does about an affected product).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// Cannot be fixed.
    CanNotFix,
    /// Will not be fixed.
    WillNotFix,
    /// Update to a fixed version.
    Update,
    /// Roll back to an unaffected version.
    Rollback,
    /// A workaround exists.
    WorkaroundAvailable,
}

/// The state of the statement, with what each state requires.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case", deny_unknown_fields)]
pub enum State {
    /// Being looked at.
    UnderInvestigation,
    /// Not affected, and why.
    NotAffected {
        /// The justification.
        justification: Justification,
    },
    /// Affected: what users should do, and the manufacturer's responses.
    Affected {
        /// The action statement (required by OpenVEX and CSAF).
        action: String,
        /// Responses (at least one).
        responses: Vec<Response>,
    },
    /// Fixed in this product version.
    Fixed {
        /// Fixed by a back-ported patch (CycloneDX `resolved_with_pedigree`).
        #[serde(default)]
        backport: bool,
    },
    /// The match was wrong: the component is not in the product.
    FalsePositive,
}

impl State {
    /// The state's name as the internal vocabulary spells it.
    pub fn name(&self) -> &'static str {
        match self {
            State::UnderInvestigation => "under_investigation",
            State::NotAffected { .. } => "not_affected",
            State::Affected { .. } => "affected",
            State::Fixed { .. } => "fixed",
            State::FalsePositive => "false_positive",
        }
    }
}

/// Who gave a score.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ScoreSource {
    /// The advisory (kept unchanged).
    Advisory,
    /// The manufacturer (device context).
    Manufacturer,
    /// The evaluation lab.
    Lab,
}

/// A score kept with its source. The advisory's stays as given; a device-context vector sits
/// beside it, never over it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScoreRecord {
    /// Who gave it.
    pub source: ScoreSource,
    /// The vector (scored on the way in).
    pub vector: String,
    /// Its overall score, computed by [`cvss::score`], never typed in.
    pub score: f64,
    /// Whether this is a device-context (environmental) score rather than the base.
    #[serde(default)]
    pub device_context: bool,
}

impl ScoreRecord {
    /// Scores a vector from a source.
    pub fn new(
        source: ScoreSource,
        vector: &str,
        device_context: bool,
    ) -> Result<ScoreRecord, VexError> {
        let s = cvss::score(vector)?;
        Ok(ScoreRecord {
            source,
            vector: s.vector,
            score: s.overall,
            device_context,
        })
    }
}

/// ISO 14971-style severity of harm.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Harm {
    /// Negligible.
    Negligible,
    /// Minor.
    Minor,
    /// Serious.
    Serious,
    /// Critical.
    Critical,
    /// Catastrophic.
    Catastrophic,
}

/// Exploitability in the clinical judgement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Exploitability {
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
}

/// FDA's outcome: is the residual risk to essential clinical performance acceptable?
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Risk {
    /// Acceptable residual risk.
    Controlled,
    /// Unacceptable residual risk: the 30/60-day clocks run.
    Uncontrolled,
}

/// The clinical judgement (FDA 2016 postmarket guidance).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clinical {
    /// Whether essential clinical performance is affected.
    pub essential_performance_affected: bool,
    /// Severity of patient harm.
    pub severity_of_harm: Harm,
    /// Exploitability.
    pub exploitability: Exploitability,
    /// Controlled or uncontrolled.
    pub risk: Risk,
    /// Why.
    pub rationale: String,
}

/// The CC judgement: the attack potential a vulnerability needs, by the workbench's calculator,
/// against the AVA_VAN level the certificate claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CcJudgement {
    /// The factors (CEM Annex B or the hardware table).
    pub rating: Rating,
    /// The claimed component, e.g. `AVA_VAN.3`.
    pub claimed_ava_van: String,
    /// Whether the vulnerability is mitigated in the product (a compensating control accepted).
    #[serde(default)]
    pub mitigated: bool,
}

impl CcJudgement {
    /// The attack potential needed to exploit it; `None` when the attack is not practical.
    pub fn required_attack_potential(&self) -> Option<AttackPotential> {
        self.rating.total().map(|t| self.rating.required_for(t))
    }

    /// The attack potential the claimed level requires the TOE to resist.
    pub fn claimed_resistance(&self) -> Option<AttackPotential> {
        AttackPotential::resisted_by(&self.claimed_ava_van)
    }

    /// Exploitable by an attacker the claimed AVA_VAN level says the TOE resists (CEM Annex B:
    /// required potential at or below the claimed one): the assurance claim fails.
    pub fn exploitable_at_claimed_level(&self) -> bool {
        match (self.required_attack_potential(), self.claimed_resistance()) {
            (Some(required), Some(claimed)) => required <= claimed,
            _ => false,
        }
    }
}

/// The dates of the assessment. `aware` is T0, the day the clocks start.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dates {
    /// T0: the manufacturer learned of the vulnerability.
    pub aware: Option<Date>,
    /// The assessment was made.
    pub assessed: Option<Date>,
    /// Customers and users were told.
    pub customers_notified: Option<Date>,
    /// A remediation plan was proposed.
    pub remediation_plan: Option<Date>,
    /// Interim compensating controls were published.
    pub compensating_controls_published: Option<Date>,
    /// The fix was validated.
    pub fix_validated: Option<Date>,
    /// The fix was distributed.
    pub fix_distributed: Option<Date>,
}

/// 524B(b)(2) track.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Track524b {
    /// (A) a reasonably justified regular cycle.
    RegularCycle,
    /// (B) as soon as possible, out of cycle.
    OutOfCycle,
}

/// A 21 CFR 806 report of a correction.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Report806 {
    /// Filed on.
    pub filed_on: Date,
    /// The report number.
    pub number: String,
}

/// The regulatory fields with no home in the VEX formats.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regulatory {
    /// The manufacturer actively participates in an ISAO.
    pub isao_member: bool,
    /// Serious adverse events or deaths are known.
    pub serious_adverse_events_known: bool,
    /// A filed 806 report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fda_806: Option<Report806>,
}

/// One assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// The vulnerability.
    pub vuln: VulnRef,
    /// The product version.
    pub product: ProductRef,
    /// The components (per-component VEX targets).
    pub components: Vec<ComponentRef>,
    /// The state and what it requires (`{"state": "not_affected", "justification": …}`).
    pub status: State,
    /// Why the product is (not) affected, in words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact_statement: Option<String>,
    /// Scores by source.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scores: Vec<ScoreRecord>,
    /// The clinical judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clinical: Option<Clinical>,
    /// The CC judgement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cc: Option<CcJudgement>,
    /// The dates.
    #[serde(default)]
    pub dates: Dates,
    /// The regulatory fields.
    #[serde(default)]
    pub regulatory: Regulatory,
}

/// `urn:uuid:` and a UUID in the 8-4-4-4-12 lower-case hex form (the bom-link pattern of the
/// CycloneDX schema).
fn is_uuid_urn(s: &str) -> bool {
    let Some(u) = s.strip_prefix("urn:uuid:") else {
        return false;
    };
    let groups: Vec<&str> = u.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
}

fn text_ok(what: &str, s: &str) -> Result<(), VexError> {
    if s.trim().is_empty() {
        return Err(VexError::invalid(what, "must not be empty"));
    }
    if s.len() > MAX_TEXT {
        return Err(VexError::invalid(
            what,
            format!("is {} bytes; at most {MAX_TEXT}", s.len()),
        ));
    }
    Ok(())
}

impl Assessment {
    /// The assessment's stable id: the vulnerability, the product and its version. History
    /// entries of one id form one chain.
    pub fn id(&self) -> String {
        format!(
            "{}/{}@{}",
            self.vuln.id, self.product.name, self.product.version
        )
    }

    /// The 524B(b)(2) track: out of cycle for uncontrolled risk, else the regular cycle.
    pub fn track_524b(&self) -> Track524b {
        match self.clinical.as_ref().map(|c| c.risk) {
            Some(Risk::Uncontrolled) => Track524b::OutOfCycle,
            _ => Track524b::RegularCycle,
        }
    }

    /// Checks the rules the types cannot: each state's required fields, limits, scores that
    /// match their vectors, dates in order. Every error names the field (a JSON pointer).
    pub fn validate(&self) -> Result<(), VexError> {
        text_ok("/vuln/id", &self.vuln.id)?;
        text_ok("/product/name", &self.product.name)?;
        text_ok("/product/version", &self.product.version)?;
        if !is_uuid_urn(&self.product.sbom_serial) {
            return Err(VexError::invalid(
                "/product/sbom_serial",
                "must be the SBOM's serial number, `urn:uuid:` and a lower-case UUID (CycloneDX bom-links need it)",
            ));
        }
        if self.product.sbom_version == 0 {
            return Err(VexError::invalid(
                "/product/sbom_version",
                "must be 1 or more",
            ));
        }
        if self.components.is_empty() {
            return Err(VexError::invalid(
                "/components",
                "name at least one component (VEX targets are per component)",
            ));
        }
        if self.components.len() > MAX_COMPONENTS {
            return Err(VexError::invalid(
                "/components",
                format!("at most {MAX_COMPONENTS}"),
            ));
        }
        for (i, c) in self.components.iter().enumerate() {
            text_ok(&format!("/components/{i}/bom_ref"), &c.bom_ref)?;
            if self.components[..i].iter().any(|o| o.bom_ref == c.bom_ref) {
                return Err(VexError::invalid(
                    &format!("/components/{i}/bom_ref"),
                    "appears twice",
                ));
            }
            if let Some(p) = &c.purl
                && !p.starts_with("pkg:")
            {
                return Err(VexError::invalid(
                    &format!("/components/{i}/purl"),
                    "a purl starts with `pkg:`",
                ));
            }
        }
        for (what, n) in [
            ("/vuln/aliases", self.vuln.aliases.len()),
            ("/scores", self.scores.len()),
        ] {
            if n > MAX_LIST {
                return Err(VexError::invalid(
                    what,
                    format!("at most {MAX_LIST} entries"),
                ));
            }
        }
        for (i, a) in self.vuln.aliases.iter().enumerate() {
            text_ok(&format!("/vuln/aliases/{i}"), a)?;
        }
        if let Some(s) = &self.impact_statement {
            text_ok("/impact_statement", s)?;
        }
        match &self.status {
            State::Affected { action, responses } => {
                text_ok("/action", action)?;
                if responses.is_empty() || responses.len() > MAX_LIST {
                    return Err(VexError::invalid(
                        "/responses",
                        "an affected product needs at least one response",
                    ));
                }
            }
            State::NotAffected { .. } | State::FalsePositive if self.impact_statement.is_none() => {
                return Err(VexError::invalid(
                    "/impact_statement",
                    "a not-affected or false-positive statement needs an impact statement (CSAF's VEX profile requires one)",
                ));
            }
            _ => {}
        }
        for (i, s) in self.scores.iter().enumerate() {
            if s.device_context && s.source == ScoreSource::Advisory {
                return Err(VexError::invalid(
                    &format!("/scores/{i}/device_context"),
                    "a device-context score is the manufacturer's or the lab's; the advisory's score is kept as published",
                ));
            }
            let scored = cvss::score(&s.vector)
                .map_err(|e| VexError::invalid(&format!("/scores/{i}/vector"), e.to_string()))?;
            if scored.overall != s.score {
                return Err(VexError::invalid(
                    &format!("/scores/{i}/score"),
                    format!("is {} but the vector scores {}", s.score, scored.overall),
                ));
            }
        }
        if let Some(c) = &self.clinical {
            text_ok("/clinical/rationale", &c.rationale)?;
            if c.risk == Risk::Uncontrolled && self.dates.aware.is_none() {
                return Err(VexError::invalid(
                    "/dates/aware",
                    "uncontrolled risk starts FDA's 30/60-day clocks at T0: give the date the manufacturer became aware",
                ));
            }
        }
        if let Some(cc) = &self.cc
            && cc.claimed_resistance().is_none()
        {
            return Err(VexError::invalid(
                "/cc/claimed_ava_van",
                "must be AVA_VAN.1 to AVA_VAN.5",
            ));
        }
        let d = &self.dates;
        if let Some(t0) = d.aware {
            for (what, date) in [
                ("/dates/assessed", d.assessed),
                ("/dates/customers_notified", d.customers_notified),
                ("/dates/fix_validated", d.fix_validated),
                ("/dates/fix_distributed", d.fix_distributed),
            ] {
                if let Some(x) = date
                    && x < t0
                {
                    return Err(VexError::invalid(
                        what,
                        format!("{x} is before the aware date {t0}"),
                    ));
                }
            }
        }
        if let (Some(v), Some(dist)) = (d.fix_validated, d.fix_distributed)
            && dist < v
        {
            return Err(VexError::invalid(
                "/dates/fix_distributed",
                "a fix is distributed after it is validated",
            ));
        }
        Ok(())
    }
}
