//! The security objectives rationale read from the objectives' side (ISO/IEC 15408-1, 9.5 and
//! 10.5; APE_OBJ.2, ASE_OBJ.2): every objective traces back to at least one threat, OSP or
//! assumption (DT-RAT-014); only objectives for the environment uphold assumptions
//! (DT-RAT-015); and no threat, assumption, OSP or objective is stated with an empty
//! description (DT-RAT-016). `rationale.rs` checks the other direction (each threat countered).

use std::collections::HashSet;

use dtsec_model::Definition;

use crate::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    if !doc.kind.value.states_a_problem() {
        return;
    }
    empty_descriptions(ctx);
    let assumptions: HashSet<&str> = doc.spd.assumptions.iter().map(|a| a.id.as_str()).collect();
    for (o, toe) in doc
        .objectives
        .toe
        .iter()
        .map(|o| (o, true))
        .chain(doc.objectives.environment.iter().map(|o| (o, false)))
    {
        if o.addresses.is_empty() {
            ctx.push(
                "DT-RAT-014",
                format!(
                    "{} objective {} traces back to no threat, OSP or assumption",
                    if toe { "TOE" } else { "environment" },
                    o.id.value
                ),
                o.id.span,
                Some(format!(
                    "list under `addresses` of {} what it counters or upholds, or remove it",
                    o.id.value
                )),
            );
        }
        if toe {
            for a in o
                .addresses
                .iter()
                .filter(|a| assumptions.contains(a.as_str()))
            {
                ctx.push(
                    "DT-RAT-015",
                    format!(
                        "TOE objective {} claims to uphold assumption {}; only objectives for \
                         the environment uphold assumptions",
                        o.id.value, a.value
                    ),
                    a.span,
                    Some(format!(
                        "move {} to the `addresses` of an objective in `objectives.environment`, \
                         or, if the TOE counters it, state it as a threat or OSP",
                        a.value
                    )),
                );
            }
        }
    }
}

fn empty_descriptions(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let groups: [(&str, &Vec<Definition>); 5] = [
        ("threat", &doc.spd.threats),
        ("assumption", &doc.spd.assumptions),
        ("OSP", &doc.spd.osps),
        ("TOE objective", &doc.objectives.toe),
        ("environment objective", &doc.objectives.environment),
    ];
    for (what, defs) in groups {
        for d in defs.iter().filter(|d| d.description.trim().is_empty()) {
            ctx.push(
                "DT-RAT-016",
                format!("{what} {} has an empty description", d.id.value),
                d.id.span,
                Some(format!(
                    "say under `description` what {} means; the rationale is judged against it",
                    d.id.value
                )),
            );
        }
    }
}
