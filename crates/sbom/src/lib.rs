//! SBOM ingestion: CycloneDX 1.4–1.7 JSON and SPDX 2.2/2.3 JSON read into one model
//! ([`SbomDoc`]), validated against the declared version's schema and the semantic rules a
//! schema cannot express (design notes §3), with purls normalised per ecosystem and a coverage
//! report of the gaps FDA counts.
//!
//! Why one crate for both formats: matching, coverage and (later) the registry only ever see
//! [`SbomDoc`], so a rule is written once. The crate does no I/O: it takes bytes.
//!
//! ```
//! let bytes = br#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
//!   "components":[{"type":"library","name":"requests","version":"2.30.0",
//!   "purl":"pkg:pypi/Requests@2.30.0"}]}"#;
//! let ingester = dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default());
//! let (doc, report) = ingester.ingest(bytes).unwrap();
//! assert_eq!(doc.components[0].purls[0].normalized.as_ref().unwrap().name, "requests");
//! assert_eq!(report.coverage.no_support_data.len(), 1);
//! ```

#![forbid(unsafe_code)]

mod coverage;
mod cyclonedx;
mod error;
mod model;
pub mod purl;
mod schema;
mod spdx;
pub mod strict_json;

pub use error::{SbomError, Violation};
pub use model::{
    Completeness, Component, Coverage, Dependency, Format, Hash, PurlRef, Report, SbomDoc, Subject,
    SupportLevel,
};
pub use schema::{SchemaId, SchemaSet, keyword as schema_keyword};

use sha2::{Digest, Sha256};

/// Caps checked before the work they bound.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// The largest document accepted, in bytes.
    pub max_bytes: u64,
    /// The deepest JSON nesting accepted.
    pub max_depth: usize,
    /// The most components (nested ones included).
    pub max_components: usize,
    /// The most dependency edges.
    pub max_dependencies: usize,
    /// The most violations collected before stopping.
    pub max_violations: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_bytes: 64 * 1024 * 1024,
            max_depth: 64,
            max_components: 200_000,
            max_dependencies: 1_000_000,
            max_violations: 100,
        }
    }
}

/// Reads SBOMs; holds the compiled schemas, so keep one for many documents.
pub struct Ingester {
    limits: Limits,
    schemas: SchemaSet,
}

impl Ingester {
    /// An ingester with these limits.
    pub fn new(limits: Limits) -> Ingester {
        Ingester {
            limits,
            schemas: SchemaSet::new(),
        }
    }

    /// The limits in force (callers check the file size against `max_bytes` before reading).
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Reads one SBOM from its bytes: the document, or why it was refused.
    pub fn ingest(&self, bytes: &[u8]) -> Result<(SbomDoc, Report), SbomError> {
        let limit = self.limits.max_bytes;
        if bytes.len() as u64 > limit {
            return Err(SbomError::TooLarge {
                size: bytes.len() as u64,
                limit,
            });
        }
        let text = std::str::from_utf8(bytes).map_err(|e| SbomError::NotUtf8 {
            offset: e.valid_up_to(),
        })?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let value =
            strict_json::parse(text, self.limits.max_depth).map_err(|e| SbomError::Json {
                rule: e.rule,
                line: e.line,
                column: e.column,
                message: e.message,
            })?;
        let sha256 = hex(&Sha256::digest(bytes));
        let mut report = Report::default();
        let mut doc = match detect(&value)? {
            Detected::CycloneDx(id, version) => {
                self.schema_gate(id, &value)?;
                cyclonedx::read(&value, version, sha256, &self.limits, &mut report)?
            }
            Detected::Spdx(version) => {
                if version == "SPDX-2.2" {
                    report.warnings.push(Violation {
                        rule: "SBOM-SPDX22".into(),
                        pointer: "/spdxVersion".into(),
                        message: "SPDX 2.2 is accepted but validated with the 2.3 schema; export SPDX 2.3 when you can".into(),
                    });
                }
                self.schema_gate(SchemaId::Spdx23, &value)?;
                spdx::read(&value, version, sha256, &self.limits, &mut report)?
            }
        };
        doc.components.shrink_to_fit();
        report.coverage = coverage::of(&doc);
        Ok((doc, report))
    }

    fn schema_gate(&self, id: SchemaId, value: &serde_json::Value) -> Result<(), SbomError> {
        let violations = self.schemas.validate(id, value, self.limits.max_violations);
        if violations.is_empty() {
            Ok(())
        } else {
            Err(SbomError::Invalid { violations })
        }
    }
}

enum Detected {
    CycloneDx(SchemaId, String),
    Spdx(String),
}

fn detect(v: &serde_json::Value) -> Result<Detected, SbomError> {
    let Some(obj) = v.as_object() else {
        return Err(SbomError::Format {
            pointer: String::new(),
            message:
                "the document is not a JSON object: an SBOM is a CycloneDX or SPDX 2 JSON object"
                    .into(),
        });
    };
    let is_spdx3 = obj
        .get("@context")
        .is_some_and(|c| c.to_string().contains("spdx.org/rdf/3"))
        || obj
            .get("spdxVersion")
            .and_then(|s| s.as_str())
            .is_some_and(|s| s.starts_with("SPDX-3"));
    if is_spdx3 {
        return Err(SbomError::Spdx3);
    }
    if let Some(fmt) = obj.get("bomFormat") {
        if fmt.as_str() != Some("CycloneDX") {
            return Err(SbomError::Format {
                pointer: "/bomFormat".into(),
                message: format!("bomFormat is {fmt}, not \"CycloneDX\": set it to \"CycloneDX\""),
            });
        }
        let spec = obj
            .get("specVersion")
            .and_then(|s| s.as_str())
            .unwrap_or("");
        let id = match spec {
            "1.4" | "1.5" => SchemaId::Bom15,
            "1.6" => SchemaId::Bom16,
            "1.7" => SchemaId::Bom17,
            _ => {
                return Err(SbomError::Format {
                    pointer: "/specVersion".into(),
                    message: format!(
                        "CycloneDX specVersion {spec:?} is not supported: export CycloneDX 1.4, 1.5, 1.6 or 1.7"
                    ),
                });
            }
        };
        return Ok(Detected::CycloneDx(id, spec.to_string()));
    }
    if let Some(ver) = obj.get("spdxVersion") {
        return match ver.as_str() {
            Some(s @ ("SPDX-2.2" | "SPDX-2.3")) => Ok(Detected::Spdx(s.to_string())),
            _ => Err(SbomError::Format {
                pointer: "/spdxVersion".into(),
                message: format!(
                    "spdxVersion {ver} is not supported: export SPDX-2.3 (or SPDX-2.2) JSON"
                ),
            }),
        };
    }
    Err(SbomError::Format {
        pointer: String::new(),
        message: "neither `bomFormat` (CycloneDX) nor `spdxVersion` (SPDX) is present: this is not a JSON SBOM dtsec reads".into(),
    })
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(s, "{b:02x}");
    }
    s
}

/// Escapes one JSON-pointer segment (RFC 6901).
pub(crate) fn esc(seg: &str) -> String {
    seg.replace('~', "~0").replace('/', "~1")
}
