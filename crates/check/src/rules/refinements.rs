//! Operations of a requirement against the CC catalogue's operation slots (DT-OP-009).
//!
//! ISO/IEC 15408-1 lets a PP or ST perform the operations the CC defines — complete an
//! assignment, narrow it to a selection, make or narrow a selection — and anything else that
//! changes an element is a *refinement*, which must be identified as one. A PP that adds an
//! operation the CC element does not have, or turns a CC selection into an open assignment,
//! without saying so, misstates what an ST conforming to it must meet (APE_REQ, operations
//! identified and performed correctly).
//!
//! The comparison is by slot kind, not text (the CC wording is not shipped): each open
//! operation of the element must stand for a catalogue slot — an assignment for an assignment, a
//! selection for a selection with at least as many choices or for an assignment — and catalogue
//! slots without a counterpart count as completed by the document. Extended components have no
//! catalogue slots and are exempt; so are documents read from NIAP XML, whose refinement markup
//! the reader does not keep.

use dtsec_catalog::Operation as CatOperation;
use dtsec_model::operation::slots_in;
use dtsec_model::{Element, Operation};

use crate::context::{Ctx, component_of};

pub fn check(ctx: &mut Ctx<'_>) {
    if ctx.niap_st || ctx.doc.conformance.niap.is_some() {
        return;
    }
    let doc = ctx.doc;
    for sfr in &doc.sfrs {
        let component = component_of(&sfr.id.value);
        if ctx.ext.contains_key(component) {
            continue;
        }
        let Some(catalog) = ctx.catalog.component(component) else {
            continue;
        };
        for e in &sfr.elements {
            if e.text.is_none() || e.refinement.is_some() {
                continue;
            }
            let Some(slots) = catalog.element(&e.id.value).map(|c| c.operations) else {
                continue;
            };
            compare(ctx, &sfr.id.value, e, slots);
        }
    }
}

/// What one open operation of the element is, for matching.
#[derive(Clone, Copy)]
enum Kind {
    Assignment,
    Selection(usize),
}

fn compare(ctx: &mut Ctx<'_>, sfr: &str, e: &Element, catalog: &[CatOperation]) {
    let text = e.text.as_ref().map_or("", |t| t.value.as_str());
    let mut names: Vec<&str> = Vec::new();
    for s in slots_in(text) {
        if !names.contains(&s) {
            names.push(s);
        }
    }
    // Slots without an operation are DT-OP-006's finding.
    let ours: Vec<(&str, Kind, dtsec_model::Span)> = names
        .into_iter()
        .filter_map(|n| {
            let op = e.operations.get(n)?;
            Some((n, kind(&op.value), op.span))
        })
        .collect();
    let mut assignments = catalog
        .iter()
        .filter(|o| matches!(o, CatOperation::Assignment { .. }))
        .count();
    // Catalogue selections by number of choices, smallest first, so a narrowed selection takes
    // the tightest slot that fits.
    let mut selections: Vec<usize> = catalog
        .iter()
        .filter_map(|o| match o {
            CatOperation::Selection { choices, .. } => Some(usize::from(*choices)),
            CatOperation::Assignment { .. } => None,
        })
        .collect();
    selections.sort_unstable();
    let mut problems: Vec<(String, dtsec_model::Span)> = Vec::new();
    // Assignments first: only a catalogue assignment can stay an open assignment.
    let mut unplaced_assignments = Vec::new();
    for (name, k, span) in &ours {
        if let Kind::Assignment = k {
            if assignments > 0 {
                assignments -= 1;
            } else {
                unplaced_assignments.push((*name, *span));
            }
        }
    }
    for (name, k, span) in &ours {
        let Kind::Selection(m) = *k else { continue };
        if let Some(i) = selections.iter().position(|n| *n >= m) {
            selections.remove(i);
        } else if assignments > 0 {
            assignments -= 1;
        } else if let Some(n) = selections.first().copied() {
            selections.remove(0);
            problems.push((
                format!(
                    "selection `{name}` of {} offers {m} choices where the catalogue's selection has {n}",
                    e.id.value
                ),
                *span,
            ));
        } else {
            problems.push((
                format!(
                    "selection `{name}` of {} is an operation the catalogue's element does not have",
                    e.id.value
                ),
                *span,
            ));
        }
    }
    for (name, span) in unplaced_assignments {
        if selections.is_empty() {
            problems.push((
                format!(
                    "assignment `{name}` of {} is an operation the catalogue's element does not have",
                    e.id.value
                ),
                span,
            ));
        } else {
            selections.remove(0);
            problems.push((
                format!(
                    "assignment `{name}` of {} drops the catalogue's selection slot: an open value replaces the choices the CC allows",
                    e.id.value
                ),
                span,
            ));
        }
    }
    for (message, span) in problems {
        ctx.push(
            "DT-OP-009",
            format!("{message} ({sfr}), and the element is not marked as a refinement"),
            span,
            Some(format!(
                "keep to the CC's operations (complete or narrow them), or mark {} with `refinement: <what is refined and why>`",
                e.id.value
            )),
        );
    }
}

fn kind(op: &Operation) -> Kind {
    match &op.selection {
        Some(choices) => Kind::Selection(choices.len()),
        None => Kind::Assignment,
    }
}
