//! Rationale (ISO/IEC 15408-1, security objectives rationale and security requirements
//! rationale): every threat and OSP is addressed by an objective or, under CC:2022 direct
//! rationale, by an SFR (DT-RAT-001); every assumption by an objective for the environment
//! (DT-RAT-002); every TOE objective is traced to an SFR (DT-RAT-003); and in an ST every SFR is
//! explained in the TOE summary specification (DT-RAT-004).

use std::collections::HashSet;

use dtsec_model::DocumentKind;

use crate::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    if !doc.kind.value.states_a_problem() {
        return;
    }
    // What addresses what, including what the ST inherits from its PP's SFR definitions.
    let mut addressed: HashSet<&str> = HashSet::new();
    let mut env_addressed: HashSet<&str> = HashSet::new();
    for o in &doc.objectives.toe {
        addressed.extend(o.addresses.iter().map(|a| a.as_str()));
    }
    for o in &doc.objectives.environment {
        addressed.extend(o.addresses.iter().map(|a| a.as_str()));
        env_addressed.extend(o.addresses.iter().map(|a| a.as_str()));
    }
    let mut traced: HashSet<&str> = HashSet::new();
    for sfr in &doc.sfrs {
        addressed.extend(sfr.addresses.iter().map(|a| a.as_str()));
        traced.extend(sfr.objectives.iter().map(|o| o.as_str()));
        if let Some(pp) = ctx.pp_sfrs.get(sfr.id.as_str()) {
            addressed.extend(pp.sfr.addresses.iter().map(|a| a.as_str()));
            traced.extend(pp.sfr.objectives.iter().map(|o| o.as_str()));
        }
    }
    for t in doc.spd.threats.iter().chain(&doc.spd.osps) {
        if !addressed.contains(t.id.as_str()) {
            let what = if doc.spd.osps.iter().any(|p| std::ptr::eq(p, t)) {
                "OSP"
            } else {
                "threat"
            };
            ctx.push(
                "DT-RAT-001",
                format!(
                    "{what} {} is addressed by no objective and no SFR",
                    t.id.value
                ),
                t.id.span,
                Some(format!(
                    "list `{}` under `addresses` of the objectives that counter it",
                    t.id.value
                )),
            );
        }
    }
    for a in &doc.spd.assumptions {
        if !env_addressed.contains(a.id.as_str()) {
            ctx.push(
                "DT-RAT-002",
                format!(
                    "assumption {} is upheld by no objective for the environment",
                    a.id.value
                ),
                a.id.span,
                Some(format!(
                    "list `{}` under `addresses` of an objective in `objectives.environment`",
                    a.id.value
                )),
            );
        }
    }
    for o in &doc.objectives.toe {
        if !traced.contains(o.id.as_str()) {
            ctx.push(
                "DT-RAT-003",
                format!("TOE objective {} is met by no SFR", o.id.value),
                o.id.span,
                Some(format!(
                    "list `{}` under `objectives` of the SFRs that meet it",
                    o.id.value
                )),
            );
        }
    }
    if doc.kind.value == DocumentKind::SecurityTarget && !doc.tss.is_empty() {
        let in_tss: HashSet<&str> = doc
            .tss
            .iter()
            .flat_map(|t| t.sfrs.iter().map(|s| s.as_str()))
            .collect();
        for sfr in &doc.sfrs {
            if !in_tss.contains(sfr.id.as_str()) {
                ctx.push(
                    "DT-RAT-004",
                    format!(
                        "SFR {} is not in the TOE summary specification",
                        sfr.id.value
                    ),
                    sfr.id.span,
                    Some(
                        "add it to the `sfrs` of a `tss` entry that says how the TOE meets it"
                            .into(),
                    ),
                );
            }
        }
    }
}
