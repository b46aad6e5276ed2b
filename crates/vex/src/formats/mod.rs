//! The three VEX formats: export an assessment set as a CycloneDX 1.6 VEX BOM, a CSAF 2.0
//! `csaf_vex` document or an OpenVEX 0.2.0 document, and import them back.
//!
//! Every import is validated against the format's schema first (committed in `schemas/`), CSAF
//! also by the mandatory tests 6.1.1–6.1.7, then mapped. What a format cannot say natively —
//! the clinical and CC judgements, FDA dates and fields, scores it has no slot for, the exact
//! justification where the mapping is lossy — travels in a *dtsec extension*: canonical JSON in
//! a CycloneDX property, a CSAF note of category `other`, or an OpenVEX `status_notes` line. The
//! importer reads the native fields first and checks the extension agrees with them, so a
//! document edited by hand cannot say two things at once.

pub mod csaf;
pub mod csaf_checks;
pub mod csaf_notice;
pub mod cyclonedx;
pub mod foreign;
pub mod openvex;
pub mod schemas;
pub mod vocab;

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::assessment::{
    Assessment, CcJudgement, Clinical, Dates, Justification, ProductRef, Regulatory, Response,
    ScoreRecord,
};
use crate::error::VexError;
pub use csaf_notice::Revision;

/// Largest VEX document imported (bytes).
pub const MAX_DOCUMENT: u64 = 16 * 1024 * 1024;
/// Most statements (vulnerabilities) one document may hold.
pub const MAX_STATEMENTS: usize = 10_000;

/// The three formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// CycloneDX 1.6 VEX (`vulnerabilities[].analysis`).
    Cyclonedx,
    /// CSAF 2.0, profile `csaf_vex`.
    Csaf,
    /// OpenVEX 0.2.0.
    Openvex,
}

impl Format {
    /// Its name.
    pub fn name(self) -> &'static str {
        match self {
            Format::Cyclonedx => "CycloneDX",
            Format::Csaf => "CSAF",
            Format::Openvex => "OpenVEX",
        }
    }

    /// From its command-line name.
    pub fn parse(s: &str) -> Option<Format> {
        match s {
            "cyclonedx" => Some(Format::Cyclonedx),
            "csaf" => Some(Format::Csaf),
            "openvex" => Some(Format::Openvex),
            _ => None,
        }
    }
}

/// What a document says about itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocMeta {
    /// The author (publisher) — the manufacturer.
    pub author: String,
    /// A namespace URL of the author (CSAF `publisher.namespace`).
    pub namespace: String,
    /// The document's id (CSAF `tracking.id`, OpenVEX `@id` suffix, CycloneDX serial seed).
    pub id: String,
    /// Its version (increments on any change).
    pub version: u32,
    /// When it was issued.
    pub timestamp: Timestamp,
}

/// The fields a format has no home for, carried as canonical JSON.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Extension {
    pub product: ProductRef,
    #[serde(default)]
    pub purls: BTreeMap<String, String>,
    #[serde(default)]
    pub scores: Vec<ScoreRecord>,
    #[serde(default)]
    pub clinical: Option<Clinical>,
    #[serde(default)]
    pub cc: Option<CcJudgement>,
    #[serde(default)]
    pub dates: Dates,
    #[serde(default)]
    pub regulatory: Regulatory,
    #[serde(default)]
    pub justification: Option<Justification>,
    #[serde(default)]
    pub responses: Vec<Response>,
    #[serde(default)]
    pub backport: bool,
}

/// The prefix of the extension in free-text slots.
pub(crate) const EXTENSION_PREFIX: &str = "dtsec-extension: ";
/// The CycloneDX property name / CSAF note title of the extension.
pub(crate) const EXTENSION_NAME: &str = "dtsec:extension";

impl Extension {
    pub(crate) fn of(a: &Assessment) -> Extension {
        use crate::assessment::State;
        Extension {
            product: a.product.clone(),
            purls: a
                .components
                .iter()
                .filter_map(|c| c.purl.clone().map(|p| (c.bom_ref.clone(), p)))
                .collect(),
            scores: a.scores.clone(),
            clinical: a.clinical.clone(),
            cc: a.cc.clone(),
            dates: a.dates.clone(),
            regulatory: a.regulatory.clone(),
            justification: match a.status {
                State::NotAffected { justification } => Some(justification),
                _ => None,
            },
            responses: match &a.status {
                State::Affected { responses, .. } => responses.clone(),
                _ => Vec::new(),
            },
            backport: matches!(a.status, State::Fixed { backport: true }),
        }
    }

    pub(crate) fn to_text(&self) -> String {
        let v = serde_json::to_value(self).unwrap_or(serde_json::Value::Null);
        String::from_utf8(dtsec_seal::canonical_json(&v)).unwrap_or_default()
    }

    pub(crate) fn from_text(
        format: &'static str,
        at: &str,
        text: &str,
    ) -> Result<Extension, VexError> {
        serde_json::from_str(text).map_err(|e| VexError::Import {
            format,
            at: at.to_string(),
            rule: format!("the dtsec extension does not parse: {e}"),
        })
    }
}

/// `urn:cdx:{uuid}/{version}#{bom-ref}`: a CycloneDX bom-link to a component of the SBOM.
pub fn bom_link(product: &ProductRef, bom_ref: &str) -> String {
    let uuid = product.sbom_serial.trim_start_matches("urn:uuid:");
    format!("urn:cdx:{uuid}/{}#{bom_ref}", product.sbom_version)
}

/// Splits a bom-link into serial (`urn:uuid:…`), version and bom-ref.
pub fn parse_bom_link(link: &str) -> Option<(String, u32, String)> {
    let rest = link.strip_prefix("urn:cdx:")?;
    let (serial_version, bom_ref) = rest.split_once('#')?;
    let (uuid, version) = serial_version.split_once('/')?;
    Some((
        format!("urn:uuid:{uuid}"),
        version.parse().ok()?,
        bom_ref.to_string(),
    ))
}

/// Exports assessments (each validated first) in a format, as a document with one revision.
///
/// A CSAF document at version N > 1 must list every revision from 1 to N (mandatory test
/// 6.1.21), which `meta` alone cannot give honestly: such an export is refused here and made by
/// [`export_revised`] with the history.
pub fn export(
    format: Format,
    assessments: &[Assessment],
    meta: &DocMeta,
) -> Result<serde_json::Value, VexError> {
    if format == Format::Csaf && meta.version > 1 {
        return Err(VexError::invalid(
            "/document/tracking/version",
            format!(
                "a CSAF document at version {} needs its revision history from version 1 (CSAF 6.1.21); export it with the history",
                meta.version
            ),
        ));
    }
    export_unchecked(format, assessments, meta)
}

/// Exports assessments with the document's whole revision history (oldest first, numbered
/// 1, 2, …, the last being `meta.version`): CSAF writes it as `tracking.revision_history`, the
/// other formats only carry the version and timestamp (they have no history of their own).
pub fn export_revised(
    format: Format,
    assessments: &[Assessment],
    meta: &DocMeta,
    revisions: &[Revision],
) -> Result<serde_json::Value, VexError> {
    let numbered = revisions
        .iter()
        .enumerate()
        .all(|(i, r)| u32::try_from(i + 1).is_ok_and(|n| n == r.number));
    if !numbered || revisions.last().map(|r| r.number) != Some(meta.version) {
        return Err(VexError::invalid(
            "/document/tracking/revision_history",
            format!(
                "the revisions must be numbered 1 to the document's version {}",
                meta.version
            ),
        ));
    }
    let mut doc = export_unchecked(format, assessments, meta)?;
    if format == Format::Csaf
        && let Some(t) = doc
            .pointer_mut("/document/tracking")
            .and_then(serde_json::Value::as_object_mut)
    {
        if let Some(first) = revisions.first() {
            t.insert("initial_release_date".into(), first.date.clone().into());
        }
        t.insert(
            "revision_history".into(),
            revisions
                .iter()
                .map(|r| {
                    serde_json::json!({"date": r.date, "number": r.number.to_string(), "summary": r.summary})
                })
                .collect(),
        );
    }
    Ok(doc)
}

fn export_unchecked(
    format: Format,
    assessments: &[Assessment],
    meta: &DocMeta,
) -> Result<serde_json::Value, VexError> {
    if assessments.is_empty() {
        return Err(VexError::invalid("/", "nothing to export: no assessments"));
    }
    for a in assessments {
        a.validate()?;
    }
    Ok(match format {
        Format::Cyclonedx => cyclonedx::export(assessments, meta),
        Format::Csaf => csaf::export(assessments, meta),
        Format::Openvex => openvex::export(assessments, meta),
    })
}

/// Imports a document: schema, (CSAF) mandatory tests, mapping, and each assessment validated.
pub fn import(format: Format, doc: &serde_json::Value) -> Result<Vec<Assessment>, VexError> {
    schemas::validate(format, doc)?;
    let out = match format {
        Format::Cyclonedx => cyclonedx::import(doc)?,
        Format::Csaf => {
            csaf_checks::run(doc)?;
            csaf::import(doc)?
        }
        Format::Openvex => openvex::import(doc)?,
    };
    for (i, a) in out.iter().enumerate() {
        a.validate().map_err(|e| VexError::Import {
            format: format.name(),
            at: format!("statement {i}"),
            rule: e.to_string(),
        })?;
    }
    Ok(out)
}

/// Parses a document's bytes (size-checked) and imports it.
pub fn import_bytes(format: Format, what: &str, bytes: &[u8]) -> Result<Vec<Assessment>, VexError> {
    if bytes.len() as u64 > MAX_DOCUMENT {
        return Err(VexError::TooLarge {
            what: what.to_string(),
            size: bytes.len() as u64,
            limit: MAX_DOCUMENT,
        });
    }
    let doc: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|source| VexError::Json {
            what: what.to_string(),
            source,
        })?;
    import(format, &doc)
}

/// A string field at a JSON pointer, or an import error naming it.
pub(crate) fn str_at<'a>(
    format: &'static str,
    v: &'a serde_json::Value,
    ptr: &str,
) -> Result<&'a str, VexError> {
    v.pointer(ptr)
        .and_then(|x| x.as_str())
        .ok_or_else(|| VexError::Import {
            format,
            at: ptr.to_string(),
            rule: "a string is required here".to_string(),
        })
}

pub(crate) fn import_err(format: &'static str, at: String, rule: impl Into<String>) -> VexError {
    VexError::Import {
        format,
        at,
        rule: rule.into(),
    }
}
