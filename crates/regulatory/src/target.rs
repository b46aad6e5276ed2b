//! Coverage reports for what a user names: an ST (its claimed PP's mapping, its own SFRs and
//! selections) or a PP (one scope per role, or one role).
//!
//! Why a separate step: the CLI, the renderer and the premarket package all start from "this
//! document, this framework"; resolving the claimed PP and the built-in mapping is done once here.

use dtsec_model::{Document, DocumentKind, Library};

use crate::builtin;
use crate::coverage;
use crate::error::RegulatoryError;
use crate::framework::{self, Framework};
use crate::mapping::{MappingDocument, ReviewStatus};
use crate::profile::Profile;
use crate::report::{CoverageReport, ScopeCoverage};

/// Which mapping to use: the built-in one for the PP and framework, or one given by the user.
pub enum MappingChoice {
    /// dtsec's own mapping.
    Builtin,
    /// A mapping file the user supplied (already parsed and checked).
    Given(Box<MappingDocument>),
}

/// Coverage of `framework` (`fda`, `csf`, …) for a PP per role, or for an ST.
pub fn coverage_report(
    document: &Document,
    library: &Library,
    framework_name: &str,
    role: Option<&str>,
    mapping: MappingChoice,
) -> Result<CoverageReport, RegulatoryError> {
    let fw = framework::builtin(framework_name)?;
    let is_st = document.kind.value == DocumentKind::SecurityTarget;
    let pp: &Document = if is_st {
        let claim =
            document
                .conformance
                .pps
                .first()
                .ok_or_else(|| RegulatoryError::NoClaimedPp {
                    path: document.id.value.clone(),
                })?;
        &library
            .find(&claim.id.value, &claim.version.value)
            .ok_or_else(|| RegulatoryError::PpNotFound {
                id: claim.id.value.clone(),
                version: claim.version.value.clone(),
            })?
            .document
    } else {
        document
    };
    let mapping = match mapping {
        MappingChoice::Builtin => builtin::find(&pp.id.value, &pp.version.value, &fw.id)?.1,
        MappingChoice::Given(m) => *m,
    };
    let scopes = if is_st {
        vec![ScopeCoverage {
            role: None,
            toe_type: None,
            items: coverage::derive(pp, &mapping, &fw, &Profile::for_st(document, pp)),
        }]
    } else {
        pp_scopes(pp, &mapping, &fw, role)?
    };
    Ok(CoverageReport {
        target: format!("{} {}", document.id.value, document.version.value),
        target_kind: if is_st {
            "security-target"
        } else {
            "protection-profile"
        },
        pp: format!("{} {}", pp.id.value, pp.version.value),
        framework_id: fw.id.clone(),
        framework_version: fw.version.clone(),
        framework_title: fw.title.clone(),
        mapping: mapping.id.value.clone(),
        unreviewed_edges: mapping
            .edges
            .iter()
            .filter(|e| e.status.value != ReviewStatus::Reviewed)
            .count(),
        scopes,
        evidence: None,
    })
}

fn pp_scopes(
    pp: &Document,
    mapping: &MappingDocument,
    fw: &Framework,
    role: Option<&str>,
) -> Result<Vec<ScopeCoverage>, RegulatoryError> {
    let scopes = crate::profile::pp_scopes(pp);
    let by_type = pp.roles.is_empty();
    let chosen: Vec<&str> = match role {
        Some(r) if scopes.iter().any(|d| d.value == r) => vec![r],
        Some(r) => {
            return Err(RegulatoryError::UnknownRole {
                role: r.to_string(),
                known: scopes.iter().map(|d| d.value.clone()).collect(),
            });
        }
        None => scopes.iter().map(|d| d.value.as_str()).collect(),
    };
    Ok(chosen
        .into_iter()
        .map(|r| ScopeCoverage {
            role: (!by_type).then(|| r.to_string()),
            toe_type: by_type.then(|| r.to_string()),
            items: coverage::derive(pp, mapping, fw, &Profile::for_pp_role(pp, r)),
        })
        .collect())
}
