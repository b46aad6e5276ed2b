//! CVSS vectors, parsed strictly and scored.
//!
//! Why strict: advisories and VEX documents carry vectors written by many tools, and a lenient
//! parser (the OSV schema's regex accepts a metric twice) would score a vector its author did not
//! mean. So a vector is tokenised here first — prefix, every metric known, none twice, every base
//! metric present, and for v4.0 the FIRST order — and only then scored: v3.0/v3.1 by the
//! specification's formulas (`v3`), v4.0 through the RustSec `cvss` crate's macro-vector scoring
//! (`v4`), which reproduces the reference vectors.

mod tokens;
mod v3;
mod v4;

use serde::{Deserialize, Serialize};

pub use tokens::{CvssError, MAX_VECTOR_LEN};

/// The CVSS version a vector declares by its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CvssVersion {
    /// `CVSS:3.0/`
    #[serde(rename = "3.0")]
    V3_0,
    /// `CVSS:3.1/`
    #[serde(rename = "3.1")]
    V3_1,
    /// `CVSS:4.0/`
    #[serde(rename = "4.0")]
    V4_0,
}

impl CvssVersion {
    /// "3.1" etc.
    pub fn label(self) -> &'static str {
        match self {
            CvssVersion::V3_0 => "3.0",
            CvssVersion::V3_1 => "3.1",
            CvssVersion::V4_0 => "4.0",
        }
    }
}

/// The qualitative rating shared by v3 and v4 (None, Low, Medium, High, Critical).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// 0.0
    None,
    /// 0.1–3.9
    Low,
    /// 4.0–6.9
    Medium,
    /// 7.0–8.9
    High,
    /// 9.0–10.0
    Critical,
}

impl Severity {
    /// The rating of a score (both versions use the same bands).
    pub fn of(score: f64) -> Severity {
        if score <= 0.0 {
            Severity::None
        } else if score < 4.0 {
            Severity::Low
        } else if score < 7.0 {
            Severity::Medium
        } else if score < 9.0 {
            Severity::High
        } else {
            Severity::Critical
        }
    }

    /// Upper-case name, as the FIRST JSON schemas spell `baseSeverity`.
    pub fn upper(self) -> &'static str {
        match self {
            Severity::None => "NONE",
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::Critical => "CRITICAL",
        }
    }
}

/// A vector's scores. For v3 the three of the specification; for v4 the one score of the
/// metrics present, labelled by its nomenclature (CVSS-B, -BT, -BE, -BTE).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scores {
    /// The version.
    pub version: CvssVersion,
    /// The vector as given (already checked).
    pub vector: String,
    /// v3: the base score. v4: the score of the base metrics alone (threat and environmental
    /// metrics dropped), so the advisory's base stays comparable.
    pub base: f64,
    /// v3 only: the temporal score (equals the base when no temporal metric is given).
    pub temporal: Option<f64>,
    /// v3: the environmental score. v4: the score with every metric given, when any threat or
    /// environmental metric is present.
    pub environmental: Option<f64>,
    /// The score that stands for the whole vector (v3: environmental, else temporal, else base;
    /// v4: the full score).
    pub overall: f64,
    /// Its rating.
    pub severity: Severity,
    /// v4 nomenclature (`CVSS-B`, `CVSS-BT`, `CVSS-BE`, `CVSS-BTE`).
    pub nomenclature: Option<String>,
    /// v4 Safety: the supplemental `S:P` or the environmental `MSI:S`/`MSA:S` — shown first
    /// for a medical device, since it means patient harm is in scope.
    pub safety: Vec<String>,
    /// v4 exploit maturity `E:A` (attacks reported): known exploited.
    pub exploit_attacked: bool,
}

/// Parses and scores a vector (`CVSS:3.0/…`, `CVSS:3.1/…` or `CVSS:4.0/…`).
pub fn score(vector: &str) -> Result<Scores, CvssError> {
    let parsed = tokens::parse(vector)?;
    match parsed.version {
        CvssVersion::V3_0 | CvssVersion::V3_1 => Ok(v3::score(&parsed)),
        CvssVersion::V4_0 => v4::score(&parsed),
    }
}

/// Rounds to one decimal for display and comparison (scores are always tenths).
pub fn tenths(x: f64) -> f64 {
    (x * 10.0).round() / 10.0
}
