//! Conformance claims that cannot hold whatever the ST's requirements say (ASE_CCL.1): a
//! demonstrable-conformance claim against a PP that allows only strict conformance
//! (DT-CONF-022); packages written for a PP claimed by an ST that claims no PP (DT-CONF-024, one
//! finding instead of the cascade of missing definitions); and, under strict conformance, a PP
//! threat, assumption or OSP restated with other words (DT-CONF-025 without an equivalence
//! statement, DT-CONF-026 to surface the statement for the evaluator).

use dtsec_model::{ConformanceType, Definition, DocumentKind};

use crate::context::Ctx;
use crate::diagnostic::Related;

/// An ST that claims packages meant for PPs but no PP: one finding, and true so that no other
/// rule runs (every SFR would be reported as undefined, every operation as unknown).
pub fn package_without_pp(ctx: &mut Ctx<'_>) -> bool {
    let doc = ctx.doc;
    if doc.kind.value != DocumentKind::SecurityTarget || !doc.conformance.pps.is_empty() {
        return false;
    }
    let Some((pkg, claim)) = ctx
        .packages
        .iter()
        .zip(&ctx.package_claims)
        .find(|(p, _)| !p.document.base_pps.is_empty())
        .map(|(p, c)| (*p, *c))
    else {
        return false;
    };
    let bases = crate::context::base_pp_names(&pkg.document);
    ctx.push(
        "DT-CONF-024",
        format!(
            "package `{}` is claimed but no PP is: the package extends {}, and its SFRs are \
             defined there; nothing else was checked",
            claim.id.value,
            bases.join(", ")
        ),
        claim.id.span,
        Some(format!(
            "claim the base PP under `conformance.pps` (e.g. `- {{id: {}, version: '{}'}}`), or \
             drop the package claim",
            pkg.document.base_pps[0].id.value, pkg.document.base_pps[0].version.value
        )),
    );
    true
}

pub fn check(ctx: &mut Ctx<'_>) {
    if !ctx.is_st() || ctx.pps.is_empty() || ctx.claims_unresolved || ctx.niap_st {
        return;
    }
    let st_type = ctx.doc.conformance.conformance_type.clone();
    if let Some(t) = st_type.filter(|t| t.value == ConformanceType::Demonstrable) {
        for pp in ctx.pps.clone() {
            let Some(theirs) = pp.document.conformance.conformance_type.as_ref() else {
                continue;
            };
            if theirs.value == ConformanceType::Strict {
                ctx.push_related(
                    "DT-CONF-022",
                    format!(
                        "the ST claims demonstrable conformance, but {} {} allows only strict \
                         conformance; the ST is checked as strict",
                        pp.document.id.value, pp.document.version.value
                    ),
                    t.span,
                    Some("claim `conformance_type: strict` and meet the PP exactly".into()),
                    Related {
                        file: pp.source.name.clone(),
                        span: theirs.span,
                        message: "the PP requires strict conformance here".into(),
                    },
                );
            }
        }
    }
    restated_spd(ctx);
}

/// Whitespace-insensitive text equality: line breaks and indentation are not changes.
fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn restated_spd(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let strict = doc
        .conformance
        .conformance_type
        .as_ref()
        .is_none_or(|t| t.value == ConformanceType::Strict);
    if !strict {
        return;
    }
    type Pick = fn(&dtsec_model::Document) -> &Vec<Definition>;
    let sections: [(&str, Pick); 3] = [
        ("threat", |d| &d.spd.threats),
        ("assumption", |d| &d.spd.assumptions),
        ("OSP", |d| &d.spd.osps),
    ];
    for pp in ctx.pps.clone() {
        for (what, pick) in sections {
            for ours in pick(doc) {
                // A duplicated id is DT-DOC-002's finding; comparing either copy would be noise.
                if pick(doc)
                    .iter()
                    .filter(|d| d.id.value == ours.id.value)
                    .count()
                    > 1
                {
                    continue;
                }
                let Some(theirs) = pick(&pp.document)
                    .iter()
                    .find(|t| t.id.value == ours.id.value)
                else {
                    continue;
                };
                if same_text(&ours.description, &theirs.description) {
                    continue;
                }
                let related = Related {
                    file: pp.source.name.clone(),
                    span: theirs.id.span,
                    message: format!(
                        "the PP states {}: {}",
                        theirs.id.value,
                        theirs.description.trim()
                    ),
                };
                match ours
                    .rationale
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                {
                    Some(statement) => ctx.push_related(
                        "DT-CONF-026",
                        format!(
                            "{what} {} is restated with other words; the ST says they are \
                             equivalent: {statement}",
                            ours.id.value
                        ),
                        ours.id.span,
                        Some("the evaluator judges the equivalence statement (ASE_CCL.1-9)".into()),
                        related,
                    ),
                    None => ctx.push_related(
                        "DT-CONF-025",
                        format!(
                            "{what} {} differs from the claimed PP's text, and the ST gives no \
                             equivalence statement",
                            ours.id.value
                        ),
                        ours.id.span,
                        Some(format!(
                            "restate {} as the PP words it, or say under its `rationale` why \
                             the new text is equivalent (or more restrictive)",
                            ours.id.value
                        )),
                        related,
                    ),
                }
            }
        }
    }
}
