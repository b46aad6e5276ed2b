//! An ST's effective SFR set, as the checker resolves it: the claimed PPs, PP-Modules and
//! packages, each SFR instance's status after package deltas and TOE-type and role conditions.
//!
//! Why here and not recomputed: the profile must *equal* the set the checker judges the ST
//! against, so it is taken from `dtsec_check`'s own context, never from a second implementation.

use std::collections::BTreeSet;

use dtsec_check::CheckInput;
use dtsec_check::context::Ctx;
use dtsec_model::{Document, DocumentKind, Library, Sfr, SfrStatus, SourceFile};

use crate::catalog::doc_name;
use crate::error::OscalError;

/// One SFR instance of the effective set, with the claimed document that defines it.
#[derive(Clone, Copy, Debug)]
pub struct EffectiveSfr<'a> {
    /// The instance id, e.g. `FCS_COP.1/Hash`.
    pub id: &'a str,
    /// Index into [`Effective::claimed`] of the defining document.
    pub claimed: usize,
    /// The claimed document's definition.
    pub definition: &'a Sfr,
    /// The status after package deltas and conditions.
    pub status: SfrStatus,
}

/// The ST's claimed documents and its effective SFR set.
#[derive(Debug)]
pub struct Effective<'a> {
    /// The claimed PPs and PP-Modules, then the packages, as the checker found them.
    pub claimed: Vec<&'a Document>,
    /// The effective set, by instance id.
    pub sfrs: Vec<EffectiveSfr<'a>>,
}

impl Effective<'_> {
    /// The instance ids of the set.
    pub fn ids(&self) -> BTreeSet<String> {
        self.sfrs.iter().map(|s| s.id.to_string()).collect()
    }
}

/// The effective SFR set of `st`: every instance of its claimed documents that the checker
/// requires of it (mandatory after deltas and conditions, or feature-based with a feature the ST
/// declares), plus every other instance of theirs the ST includes (optional, objective, or
/// selection-based by a selection it made).
pub fn effective<'a>(
    st: &'a Document,
    source: &'a SourceFile,
    library: &'a Library,
) -> Result<Effective<'a>, OscalError> {
    if st.kind.value != DocumentKind::SecurityTarget {
        return Err(OscalError::Kind {
            document: doc_name(st),
            found: st.kind.value.label().to_string(),
            wanted: "a profile or component-definition is made from a Security Target".to_string(),
        });
    }
    for claim in st.conformance.pps.iter().chain(&st.conformance.packages) {
        if library
            .find_claimed_by(st, &claim.id.value, &claim.version.value)
            .is_none()
        {
            return Err(OscalError::MissingClaim {
                document: format!("{} (line {})", doc_name(st), claim.id.span.line),
                id: claim.id.value.clone(),
                version: claim.version.value.clone(),
            });
        }
    }
    let ctx = Ctx::new(CheckInput {
        source,
        document: st,
        library,
    });
    let claimed: Vec<&'a Document> = ctx
        .pps
        .iter()
        .chain(&ctx.packages)
        .map(|d| &d.document)
        .collect();
    let present: BTreeSet<&str> = st.sfrs.iter().map(|s| s.id.value.as_str()).collect();
    let features: BTreeSet<&str> = st.features.iter().map(|f| f.id.value.as_str()).collect();
    let mut sfrs = Vec::new();
    for (id, pp) in &ctx.pp_sfrs {
        let required = match pp.status {
            SfrStatus::Mandatory => true,
            SfrStatus::FeatureBased => pp
                .feature
                .is_some_and(|f| features.contains(f.value.as_str())),
            _ => false,
        };
        if !required && !present.contains(id) {
            continue;
        }
        let Some(index) = claimed
            .iter()
            .position(|d| d.sfrs.iter().any(|s| std::ptr::eq(s, pp.sfr)))
        else {
            continue;
        };
        sfrs.push(EffectiveSfr {
            id,
            claimed: index,
            definition: pp.sfr,
            status: pp.status,
        });
    }
    Ok(Effective { claimed, sfrs })
}
