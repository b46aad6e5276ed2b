//! The one SBOM model both formats are read into (design notes §2). It is plain data with serde
//! and stable ids (the document's SHA-256 and each component's ref) so a registry can store it
//! as it is; it does no I/O.

use serde::{Deserialize, Serialize};

/// Which SBOM standard a document follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// CycloneDX JSON, 1.4 to 1.7.
    Cyclonedx,
    /// SPDX 2.2 or 2.3 JSON.
    Spdx,
}

/// One ingested SBOM.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SbomDoc {
    /// SHA-256 of the file's bytes, lowercase hex: the document's stable id.
    pub sha256: String,
    /// CycloneDX or SPDX.
    pub format: Format,
    /// The declared version (`1.6`, `SPDX-2.3`).
    pub spec_version: String,
    /// CycloneDX `serialNumber` or SPDX `documentNamespace`.
    pub serial: Option<String>,
    /// CycloneDX `version` (the BOM's revision).
    pub bom_version: Option<u64>,
    /// When the document says it was created.
    pub created: Option<String>,
    /// Who wrote it.
    pub authors: Vec<String>,
    /// Which tools made it.
    pub tools: Vec<String>,
    /// What the SBOM describes (CycloneDX `metadata.component`, SPDX `DESCRIBES`).
    pub subject: Option<Subject>,
    /// What the document says about its own completeness.
    pub completeness: Completeness,
    /// Every component, nested ones included, in document order.
    pub components: Vec<Component>,
    /// The dependency graph by component ref.
    pub dependencies: Vec<Dependency>,
}

/// The product an SBOM describes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    /// Its name.
    pub name: String,
    /// Its version, if given.
    pub version: Option<String>,
    /// Its supplier, if given.
    pub supplier: Option<String>,
}

/// The document's own statement of completeness.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Completeness {
    /// CycloneDX `compositions[].aggregate` values, in order.
    pub aggregates: Vec<String>,
    /// SPDX fields set to `NOASSERTION` (or `NONE` for versions), counted.
    pub noassertion_fields: usize,
}

/// One component of the product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Component {
    /// CycloneDX `bom-ref` or SPDX `SPDXID`; a pointer-based ref when the document gives none.
    pub r#ref: String,
    /// Where the component is in the document (a JSON pointer).
    pub pointer: String,
    /// Its name.
    pub name: String,
    /// Its version, if given.
    pub version: Option<String>,
    /// Supplier or manufacturer.
    pub supplier: Option<String>,
    /// CycloneDX `scope` (required, optional, excluded).
    pub scope: Option<String>,
    /// Package URLs, as written and normalised.
    pub purls: Vec<PurlRef>,
    /// CPE names.
    pub cpes: Vec<String>,
    /// Hashes (algorithm and value).
    pub hashes: Vec<Hash>,
    /// Version-control locations (CycloneDX `externalReferences[type=vcs]`, SPDX download URLs
    /// that are git).
    pub vcs: Vec<String>,
    /// Commit ids from CycloneDX `pedigree.commits[].uid`: back-ported fixes or the source
    /// revision.
    pub commits: Vec<String>,
    /// Security references (SPDX `SECURITY` refs, CycloneDX `advisories`): hints, never matches.
    pub advisory_hints: Vec<String>,
    /// The supplier's support level.
    pub support_level: SupportLevel,
    /// The end of the supplier's support, as given (a date).
    pub end_of_support: Option<String>,
}

/// A package URL as written and, when it parses, normalised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PurlRef {
    /// The text in the document.
    pub original: String,
    /// The normalised form, when the text is a valid purl.
    pub normalized: Option<crate::purl::NormalizedPurl>,
}

/// A hash of the component's artefact.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hash {
    /// Algorithm name as written (`SHA-256`, `SHA256`).
    pub alg: String,
    /// Lowercase hex.
    pub value: String,
}

/// An edge list: `ref` depends on each of `depends_on`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dependency {
    /// The dependent component's ref.
    pub r#ref: String,
    /// The refs it depends on.
    pub depends_on: Vec<String>,
}

/// The supplier's support commitment (FDA asks for it per component; CycloneDX has no field,
/// so dtsec reads the `dtsec:support-level` property).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SupportLevel {
    /// Maintained by its supplier.
    ActivelyMaintained,
    /// Security fixes only, or best effort.
    Limited,
    /// Past its end of support.
    Eol,
    /// No one maintains it.
    Abandoned,
    /// Not stated.
    Unknown,
}

impl SupportLevel {
    /// Reads the property value; `None` for a value outside the vocabulary.
    pub fn parse(s: &str) -> Option<SupportLevel> {
        Some(match s {
            "actively-maintained" => SupportLevel::ActivelyMaintained,
            "limited" => SupportLevel::Limited,
            "eol" => SupportLevel::Eol,
            "abandoned" => SupportLevel::Abandoned,
            "unknown" => SupportLevel::Unknown,
            _ => return None,
        })
    }
}

/// Warnings and the coverage report that come with an accepted document.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// Findings that do not refuse the document (rule, pointer, message).
    pub warnings: Vec<crate::Violation>,
    /// The gaps FDA counts (every component should be identified and have support data).
    pub coverage: Coverage,
}

/// Components with gaps, by ref.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// How many components there are.
    pub components: usize,
    /// Refs of components with no version.
    pub no_version: Vec<String>,
    /// Refs of components with no purl, CPE or hash.
    pub unidentifiable: Vec<String>,
    /// Refs of components with neither a support level nor an end of support.
    pub no_support_data: Vec<String>,
    /// Whether the document claims completeness (a CycloneDX `complete` aggregate and no other).
    pub declared_complete: bool,
}
