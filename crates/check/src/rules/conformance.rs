//! Conformance of a Security Target to the PPs and packages it claims (ISO/IEC 15408-1,
//! conformance claims; ASE_CCL.1): mandatory SFRs present (DT-CONF-002), selection-based SFRs
//! present exactly when triggered (DT-CONF-003/004), feature-based SFRs by feature
//! (DT-CONF-009), under strict conformance nothing added that the PP does not allow and nothing
//! removed or weakened (DT-CONF-005/006/007), SARs at or above the claimed ones (DT-CONF-008), a
//! TOE type the PP covers (DT-CONF-010), and the same CC edition (DT-CONF-012).

use std::collections::HashSet;

use dtsec_model::{ConformanceType, Definition, SelectionTrigger, SfrStatus, Span};

use crate::context::{Ctx, PpSfr};
use crate::diagnostic::Related;

pub fn check(ctx: &mut Ctx<'_>) {
    if !ctx.is_st() || ctx.pps.is_empty() || ctx.claims_unresolved {
        return;
    }
    edition(ctx);
    toe_type(ctx);
    sfrs(ctx);
    // A NIAP-format ST inherits the PP's security problem, objectives and SARs; whether its SFRs
    // belong to the claimed documents is checked per section (`niap::selections`).
    if strict(ctx) && !ctx.niap_st {
        not_allowed(ctx);
        spd(ctx);
    }
    if !ctx.niap_st {
        sars(ctx);
    }
}

/// Strict unless the ST says demonstrable, or the PP permits only strict.
fn strict(ctx: &Ctx<'_>) -> bool {
    let st = ctx
        .doc
        .conformance
        .conformance_type
        .as_ref()
        .map(|c| c.value);
    let pp_strict = ctx.pps.iter().any(|pp| {
        pp.document
            .conformance
            .conformance_type
            .as_ref()
            .map(|c| c.value)
            == Some(ConformanceType::Strict)
    });
    match st {
        Some(ConformanceType::Demonstrable) => !pp_strict,
        _ => true,
    }
}

fn claim_span(ctx: &Ctx<'_>) -> Span {
    ctx.doc
        .conformance
        .pps
        .first()
        .map_or(ctx.doc.kind.span, |p| p.id.span)
}

fn edition(ctx: &mut Ctx<'_>) {
    for pp in ctx.pps.clone() {
        let theirs = pp
            .document
            .cc_edition
            .as_ref()
            .and_then(|e| dtsec_catalog::Edition::parse(&e.value))
            .unwrap_or_default();
        if theirs != ctx.edition {
            let at = ctx
                .doc
                .cc_edition
                .as_ref()
                .map_or(ctx.doc.kind.span, |e| e.span);
            ctx.push(
                "DT-CONF-012",
                format!(
                    "this ST is written against {}, but {} {} against {}",
                    ctx.edition.label(),
                    pp.document.id.value,
                    pp.document.version.value,
                    theirs.label()
                ),
                at,
                Some("use the PP's CC edition".into()),
            );
        }
    }
}

fn toe_type(ctx: &mut Ctx<'_>) {
    let types: Vec<&str> = ctx
        .pps
        .iter()
        .flat_map(|pp| pp.document.toe.types.iter().map(|t| t.id.as_str()))
        .collect();
    if types.is_empty() {
        return;
    }
    match &ctx.doc.toe.toe_type {
        None => ctx.push(
            "DT-CONF-010",
            "the ST names no TOE type, and the claimed PP's requirements depend on it".into(),
            ctx.doc.kind.span,
            Some(format!("set `toe.type` to one of: {}", types.join(", "))),
        ),
        Some(t) if !types.contains(&t.as_str()) => ctx.push(
            "DT-CONF-010",
            format!("TOE type `{}` is not one the claimed PP covers", t.value),
            t.span,
            Some(format!("use one of: {}", types.join(", "))),
        ),
        Some(_) => {}
    }
}

/// Where the ST makes the selection that triggers a selection-based SFR, if it does.
pub(crate) fn triggered(ctx: &Ctx<'_>, trigger: &SelectionTrigger) -> Option<Span> {
    let st_sfr = ctx
        .doc
        .sfrs
        .iter()
        .find(|s| s.id.value == trigger.sfr.value)?;
    let pp = ctx.pp_sfrs.get(trigger.sfr.as_str());
    let op = pp.and_then(|pp| {
        pp.sfr.elements.iter().find_map(|e| {
            crate::rules::structure::find_operation(&e.operations, &trigger.operation.value)
        })
    });
    let choice = op
        .and_then(|op| op.selection.as_ref())
        .and_then(|cs| cs.iter().find(|c| c.matches(&trigger.choice.value)));
    let pp_done = pp
        .into_iter()
        .flat_map(|pp| pp.sfr.elements.iter())
        .filter_map(|e| e.completed.get(trigger.operation.as_str()));
    let st_done = st_sfr
        .elements
        .iter()
        .filter_map(|e| e.completed.get(trigger.operation.as_str()));
    st_done
        .chain(pp_done)
        .find(|c| {
            c.value.values().iter().any(|v| match choice {
                Some(choice) => choice.matches(v),
                None => *v == trigger.choice.value,
            })
        })
        .map(|c| {
            if c.span.is_known() {
                c.span
            } else {
                st_sfr.id.span
            }
        })
}

fn sfrs(ctx: &mut Ctx<'_>) {
    let unchecked = ctx.unchecked_sfrs.clone();
    let mut present: HashSet<&str> = ctx.doc.sfrs.iter().map(|s| s.id.as_str()).collect();
    present.extend(unchecked.iter().map(String::as_str));
    let selected = crate::rules::niap::selected(ctx);
    let features: HashSet<&str> = ctx.doc.features.iter().map(|f| f.id.as_str()).collect();
    let at = claim_span(ctx);
    let pp_sfrs: Vec<(&str, PpSfr<'_>)> = ctx.pp_sfrs.iter().map(|(k, v)| (*k, *v)).collect();
    for (id, pp) in pp_sfrs {
        let here = present.contains(id);
        let related = Related {
            file: pp.status_file.to_string(),
            span: pp.status_span,
            message: format!("{id} is {} here", pp.status.label()),
        };
        let st_span = ctx
            .doc
            .sfrs
            .iter()
            .find(|s| s.id.value == id)
            .map_or(at, |s| s.id.span);
        match pp.status {
            SfrStatus::Mandatory if !here => ctx.push_related(
                "DT-CONF-002",
                format!("mandatory SFR {id} of the claimed PP is missing"),
                at,
                Some(format!("add {id} to `sfrs` and complete its operations")),
                related,
            ),
            SfrStatus::SelectionBased if ctx.niap_st => {
                crate::rules::niap::selection_based(ctx, id, &pp, here, st_span, &selected, related)
            }
            // A NIAP ST declares a feature by including its SFRs.
            SfrStatus::FeatureBased if ctx.niap_st => {}
            SfrStatus::SelectionBased => {
                let fired: Vec<(&SelectionTrigger, Span)> = pp
                    .triggers
                    .iter()
                    .filter_map(|t| triggered(ctx, t).map(|span| (t, span)))
                    .collect();
                if !fired.is_empty() && !here {
                    let (t, span) = fired[0];
                    ctx.push_related(
                        "DT-CONF-003",
                        format!(
                            "selecting `{}` in `{}` of {} requires SFR {id}, which is missing",
                            t.choice.value, t.operation.value, t.sfr.value
                        ),
                        span,
                        Some(format!("add {id}, or make a different selection")),
                        related,
                    );
                } else if fired.is_empty() && here {
                    let how: Vec<String> = pp
                        .triggers
                        .iter()
                        .map(|t| format!("`{}` in {}", t.choice.value, t.sfr.value))
                        .collect();
                    ctx.push_related(
                        "DT-CONF-004",
                        format!("SFR {id} is included, but no selection that requires it is made"),
                        st_span,
                        Some(format!("remove {id}, or select {}", how.join(" or "))),
                        related,
                    );
                }
            }
            SfrStatus::FeatureBased => {
                let feature = pp.feature.map_or("", |f| f.as_str());
                let has = features.contains(feature);
                if has && !here {
                    ctx.push_related(
                        "DT-CONF-009",
                        format!("the TOE has feature `{feature}`, which requires SFR {id}, but it is missing"),
                        at,
                        Some(format!("add {id}, or remove `{feature}` from `features`")),
                        related,
                    );
                } else if !has && here {
                    ctx.push_related(
                        "DT-CONF-009",
                        format!("SFR {id} belongs to feature `{feature}`, which the TOE does not declare"),
                        st_span,
                        Some(format!("add `{{id: {feature}}}` to `features`, or remove {id}")),
                        related,
                    );
                }
            }
            _ => {}
        }
    }
}

fn not_allowed(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    for sfr in &doc.sfrs {
        if !ctx.pp_sfrs.contains_key(sfr.id.as_str()) {
            ctx.push(
                "DT-CONF-005",
                format!("SFR {} is not in the claimed PP or packages, and the ST claims strict conformance", sfr.id.value),
                sfr.id.span,
                Some("remove it, use an SFR instance id the PP defines, or claim demonstrable conformance if the PP allows it".into()),
            );
        }
    }
}

fn spd(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let at = claim_span(ctx);
    type Pick = fn(&dtsec_model::Document) -> &Vec<Definition>;
    let sections: [(&str, Pick); 5] = [
        ("threat", |d| &d.spd.threats),
        ("OSP", |d| &d.spd.osps),
        ("assumption", |d| &d.spd.assumptions),
        ("TOE objective", |d| &d.objectives.toe),
        ("environment objective", |d| &d.objectives.environment),
    ];
    for pp in ctx.pps.clone() {
        for (what, pick) in sections {
            let ours: HashSet<&str> = pick(doc).iter().map(|d| d.id.as_str()).collect();
            for def in pick(&pp.document) {
                if !ours.contains(def.id.as_str()) {
                    ctx.push_related(
                        "DT-CONF-006",
                        format!(
                            "{what} {} of the claimed PP is missing from the ST",
                            def.id.value
                        ),
                        at,
                        Some(format!(
                            "restate {} in the ST; strict conformance removes nothing",
                            def.id.value
                        )),
                        Related {
                            file: pp.source.name.clone(),
                            span: def.id.span,
                            message: format!("{} is defined here", def.id.value),
                        },
                    );
                }
            }
        }
    }
    // An assumption (or environment objective) is permitted when any claimed PP, PP-Module or
    // package states it: a module's own assumptions are not additions to its base PP.
    let claimed: Vec<_> = ctx.pps.iter().chain(ctx.packages.iter()).copied().collect();
    {
        for (what, pick) in [sections[2], sections[4]] {
            let theirs: HashSet<&str> = claimed
                .iter()
                .flat_map(|d| pick(&d.document).iter().map(|x| x.id.as_str()))
                .collect();
            for def in pick(doc) {
                if !theirs.contains(def.id.as_str()) {
                    ctx.push(
                        "DT-CONF-007",
                        format!("the ST adds {what} {}, which weakens the PP's security problem", def.id.value),
                        def.id.span,
                        Some("under strict conformance an ST may not add assumptions or environment objectives; counter the threat in the TOE instead".into()),
                    );
                }
            }
        }
    }
}

fn sars(ctx: &mut Ctx<'_>) {
    // The required set: the PP's SARs and the packages' SARs, keeping per family the highest.
    let mut required: Vec<(String, String, Span)> = Vec::new();
    for d in ctx.pps.iter().chain(ctx.packages.iter()) {
        for sar in &d.document.sars {
            let id = sar.id.value.clone();
            if required.iter().any(|(r, _, _)| ctx.satisfies(r, &id)) {
                continue;
            }
            required.retain(|(r, _, _)| !ctx.satisfies(&id, r));
            required.push((id, d.source.name.clone(), sar.id.span));
        }
    }
    let ours: Vec<&str> = ctx.doc.sars.iter().map(|s| s.id.as_str()).collect();
    let at = ctx
        .package_claims
        .first()
        .map_or(claim_span(ctx), |p| p.id.span);
    for (req, file, span) in required {
        if !ours.iter().any(|o| ctx.satisfies(o, &req)) {
            let have: Vec<&str> = ours
                .iter()
                .copied()
                .filter(|o| o.split('.').next() == req.split('.').next())
                .collect();
            let message = if have.is_empty() {
                format!("the claims require SAR {req}, which the ST does not include")
            } else {
                format!(
                    "the claims require SAR {req}, but the ST has only {}",
                    have.join(", ")
                )
            };
            ctx.push_related(
                "DT-CONF-008",
                message,
                at,
                Some(format!(
                    "add {req} (or a component hierarchical to it) to `sars`"
                )),
                Related {
                    file,
                    span,
                    message: format!("{req} is required here"),
                },
            );
        }
    }
}
