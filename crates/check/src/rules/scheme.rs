//! Scheme policy the DTSec program applies to STs of its own PP (DT-CONF-031).
//!
//! Why: the cdd 2.0 PP leaves the assurance level to the packages, but the program certifies a
//! TOE that delivers therapy or runs an AID algorithm only against attackers of at least
//! Enhanced-Basic attack potential (review finding F21; the PP states it as P.ASSURANCE_LEVEL
//! and OE.ASSURANCE_LEVEL). An OSP cannot make the checker ask for it, so this rule does: an ST
//! claiming `cdd` 2.x whose TOE plays `therapy-delivery` or `aid-host` must include AVA_VAN.3 or a
//! component above it, which the `cdd-eb` and `cdd-moderate` packages bring. CDD 1.0 STs are
//! left as they were certified.

use dtsec_model::Span;

use crate::context::Ctx;
use crate::diagnostic::Related;

/// The roles that need Enhanced-Basic assurance or above.
const HIGH_ASSURANCE_ROLES: [&str; 2] = ["therapy-delivery", "aid-host"];

/// The vulnerability analysis component Enhanced-Basic means.
const ENHANCED_BASIC: &str = "AVA_VAN.3";

pub fn check(ctx: &mut Ctx<'_>) {
    if !ctx.is_st() || ctx.claims_unresolved || ctx.niap_st {
        return;
    }
    let doc = ctx.doc;
    let Some(pp) = ctx
        .pps
        .iter()
        .find(|p| p.document.id.value == "cdd" && p.document.version.value.starts_with("2."))
        .copied()
    else {
        return;
    };
    let parts = doc.toe.all_parts();
    let Some((part, role)) = parts.iter().find_map(|p| {
        p.roles
            .iter()
            .find(|r| HIGH_ASSURANCE_ROLES.contains(&r.as_str()))
            .map(|r| (p.name.value.clone(), r.clone()))
    }) else {
        return;
    };
    if doc
        .sars
        .iter()
        .any(|s| ctx.satisfies(s.id.as_str(), ENHANCED_BASIC))
    {
        return;
    }
    let van = doc.sars.iter().find(|s| s.id.value.starts_with("AVA_VAN"));
    let claim: Span = doc
        .conformance
        .pps
        .iter()
        .find(|r| r.id.value == "cdd")
        .map_or(doc.kind.span, |r| r.id.span);
    let (at, level) = match van {
        Some(v) => (
            v.id.span,
            format!("its vulnerability analysis is {}", v.id.value),
        ),
        None => (claim, "it includes no AVA_VAN component".to_string()),
    };
    ctx.push_related(
        "DT-CONF-031",
        format!(
            "the TOE part `{part}` plays `{}`, which the DTSec scheme certifies only at Enhanced-Basic ({ENHANCED_BASIC}) or above, but {level}",
            role.value
        ),
        at,
        Some(format!(
            "claim the `cdd-eb` or `cdd-moderate` package {} and include its SAR set, or correct the TOE's roles",
            pp.document.version.value
        )),
        Related {
            file: ctx.source.name.clone(),
            span: role.span,
            message: format!("role `{}` is claimed here", role.value),
        },
    );
}
