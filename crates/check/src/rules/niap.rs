//! NIAP-format Security Targets (`conformance.niap.st`): a NIAP ST records a selection by keeping
//! the chosen `selectable`s, so its elements' completions are the kept choices' ids (texts for
//! choices without an id) under the ST's own slot numbering, and each SFR's `base_pp` names the
//! claimed document whose section holds it.
//!
//! Checked here: every kept choice id exists in that document's SFR (DT-OP-002) and texts
//! without id match one of its choices (DT-NIAP-004, a warning: NIAP's own STs reword them); a
//! choice the PP marks exclusive is kept alone (DT-OP-003); the SFR exists in the document whose
//! section holds it (DT-CONF-005); packages the claimed PP includes, unconditionally or through a
//! selection the ST makes, are claimed (DT-NIAP-002); modules a selection calls for are claimed
//! (DT-NIAP-003, a warning); and, called from the conformance rules, selection-based SFRs are
//! present when a NIAP `depends` trigger is selected (DT-CONF-003) — an SFR present without a
//! trigger is only a warning (DT-NIAP-005), as the trigger may sit in a document the ST cannot
//! see. Claimed documents that are not available are DT-NIAP-001 (see `context.rs`).

use std::collections::HashMap;

use dtsec_model::{Choice, Operation, Sfr, Span};

use crate::context::{Ctx, PpSfr};
use crate::diagnostic::Related;

pub fn check(ctx: &mut Ctx<'_>) {
    if !ctx.niap_st || ctx.claims_unresolved {
        return;
    }
    let selected = selected(ctx);
    packages_and_modules(ctx, &selected);
    selections(ctx);
}

/// Every kept choice of the ST (id, or text when it has none), with where it is first kept.
pub fn selected(ctx: &Ctx<'_>) -> HashMap<String, Span> {
    let mut out = HashMap::new();
    for sfr in &ctx.doc.sfrs {
        for e in &sfr.elements {
            for done in e.completed.values() {
                for v in done.value.values() {
                    out.entry(v.to_string()).or_insert(done.span);
                }
            }
        }
    }
    out
}

/// A selection-based SFR of a NIAP PP, for a NIAP ST: required when any id its `depends`
/// clauses (or resolved triggers) name is kept anywhere in the ST.
pub fn selection_based(
    ctx: &mut Ctx<'_>,
    id: &str,
    pp: &PpSfr<'_>,
    here: bool,
    st_span: Span,
    selected: &HashMap<String, Span>,
    related: Related,
) {
    let mut on: Vec<&str> = pp
        .sfr
        .depends
        .iter()
        .flat_map(|d| d.on.iter().map(|o| o.as_str()))
        .collect();
    on.extend(pp.triggers.iter().map(|t| t.choice.as_str()));
    on.dedup();
    let fired = on
        .iter()
        .find_map(|o| selected.get(*o).map(|span| (*o, *span)));
    match fired {
        Some((choice, span)) if !here => ctx.push_related(
            "DT-CONF-003",
            format!("selecting `{choice}` requires SFR {id}, which is missing"),
            span,
            Some(format!("add {id}, or make a different selection")),
            related,
        ),
        // Only for SFRs the ST states in a checked section.
        None if here && !on.is_empty() && ctx.doc.sfrs.iter().any(|s| s.id.value == id) => ctx.push_related(
            "DT-NIAP-005",
            format!(
                "selection-based SFR {id} is included, but none of the selections that require it ({}) is made",
                on.iter().map(|o| format!("`{o}`")).collect::<Vec<_>>().join(", ")
            ),
            st_span,
            Some(format!("remove {id}, or check that a selection requiring it is made (it may be in a document this ST does not include)")),
            related,
        ),
        _ => {}
    }
}

fn packages_and_modules(ctx: &mut Ctx<'_>, selected: &HashMap<String, Span>) {
    let doc = ctx.doc;
    for pp in ctx.pps.clone() {
        let conditions = pp
            .document
            .conformance
            .niap
            .as_ref()
            .map_or(&[][..], |n| n.conditions.as_slice());
        let pp_label = format!("{} {}", pp.document.id.value, pp.document.version.value);
        let claim_at = doc
            .conformance
            .pps
            .iter()
            .find(|r| r.id.value == pp.document.id.value)
            .map_or(doc.kind.span, |r| r.id.span);
        let fired = |kind: &str, target: &str| -> Option<Option<(String, Span)>> {
            match conditions
                .iter()
                .find(|c| c.kind == kind && c.doc.value == target)
            {
                None => Some(None),
                Some(c) => {
                    c.on.iter()
                        .find_map(|o| selected.get(o.as_str()).map(|s| (o.value.clone(), *s)))
                        .map(Some)
                }
            }
        };
        for r in &pp.document.conformance.packages {
            let Some(trigger) = fired("package", &r.id.value) else {
                continue;
            };
            let claimed: Vec<&dtsec_model::DocRef> = doc
                .conformance
                .packages
                .iter()
                .filter(|c| c.id.value == r.id.value)
                .collect();
            if claimed.iter().any(|c| c.version.value == r.version.value) {
                continue;
            }
            let what = format!("package `{} {}`", r.id.value, r.version.value);
            let (message, at) = match &trigger {
                None => (
                    format!("{pp_label} requires the {what}, which the ST does not claim"),
                    claim_at,
                ),
                Some((choice, span)) => (
                    format!(
                        "selecting `{choice}` requires the {what} (included by {pp_label}), which the ST does not claim"
                    ),
                    *span,
                ),
            };
            let message = match claimed.first() {
                Some(other) => format!("{message} (it claims version `{}`)", other.version.value),
                None => message,
            };
            ctx.push_related(
                "DT-NIAP-002",
                message,
                at,
                Some(format!(
                    "add a <package> for {}{} with its SFRs, or make a different selection",
                    r.url.as_deref().unwrap_or(&r.id.value),
                    if r.version.value.is_empty() {
                        String::new()
                    } else {
                        format!(" (release-{})", r.version.value)
                    }
                )),
                Related {
                    file: pp.source.name.clone(),
                    span: r.id.span,
                    message: format!("{pp_label} includes {what} here"),
                },
            );
        }
        for m in &pp.document.modules {
            let Some(Some((choice, span))) = fired("module", &m.id.value) else {
                continue;
            };
            if doc.conformance.pps.iter().any(|c| c.id.value == m.id.value) {
                continue;
            }
            ctx.push_related(
                "DT-NIAP-003",
                format!(
                    "selecting `{choice}` calls for the PP-Module `{} {}`, which the ST does not claim",
                    m.id.value, m.version.value
                ),
                span,
                Some(format!(
                    "claim the module{}, or check the selection",
                    m.url
                        .as_deref()
                        .map(|u| format!(" ({u})"))
                        .unwrap_or_default()
                )),
                Related {
                    file: pp.source.name.clone(),
                    span: m.id.span,
                    message: format!("{pp_label} lists the module here"),
                },
            );
        }
    }
}

/// The claimed document whose section holds an ST SFR, and its definition of the SFR there.
enum Definition<'a> {
    Found(&'a Sfr, &'a str, String),
    /// The document is available but does not define the SFR.
    NotInDocument(String, &'a str, Span),
    Unknown,
}

fn definition<'a>(ctx: &Ctx<'a>, sfr: &Sfr) -> Definition<'a> {
    let holder = sfr.base_pp.as_ref().and_then(|b| {
        ctx.pps
            .iter()
            .chain(ctx.packages.iter())
            .find(|d| d.document.id.value == b.value)
    });
    match holder {
        Some(d) => {
            let label = format!("{} {}", d.document.id.value, d.document.version.value);
            match d.document.sfrs.iter().find(|s| s.id.value == sfr.id.value) {
                Some(s) => Definition::Found(s, &d.source.name, label),
                None => Definition::NotInDocument(label, &d.source.name, d.document.kind.span),
            }
        }
        None => match ctx.pp_sfrs.get(sfr.id.as_str()) {
            Some(pp) => Definition::Found(pp.sfr, pp.file, pp.file.to_string()),
            None => Definition::Unknown,
        },
    }
}

/// Text for comparing choices: `{slot}` markers removed, whitespace collapsed.
pub fn comparable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        match rest[open..].find('}') {
            Some(close)
                if rest[open + 1..open + close]
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') =>
            {
                out.push(' ');
                rest = &rest[open + close + 1..];
            }
            _ => {
                out.push('{');
                rest = &rest[open + 1..];
            }
        }
    }
    out.push_str(rest);
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn collect_choices<'a>(op: &'a Operation, out: &mut Vec<&'a Choice>) {
    for c in op.selection.iter().flatten() {
        out.push(c);
        for inner in c.operations().values() {
            collect_choices(inner, out);
        }
    }
}

fn is_exclusive(c: &Choice) -> bool {
    matches!(c, Choice::Detailed(d) if d.exclusive)
}

fn selections(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    for sfr in &doc.sfrs {
        let (def, file, label) = match definition(ctx, sfr) {
            Definition::Found(def, file, label) => (def, file, label),
            Definition::NotInDocument(label, file, at) => {
                ctx.push_related(
                    "DT-CONF-005",
                    format!(
                        "SFR {} is not defined in {label}, the document whose section holds it",
                        sfr.id.value
                    ),
                    sfr.id.span,
                    Some("use an SFR (cc-id and iteration) of that document version, or move it to the section of the document that defines it".into()),
                    Related {
                        file: file.to_string(),
                        span: at,
                        message: format!("{label} is here"),
                    },
                );
                continue;
            }
            Definition::Unknown => continue,
        };
        let mut pp_choices = Vec::new();
        for e in &def.elements {
            for op in e.operations.values() {
                collect_choices(&op.value, &mut pp_choices);
            }
            for f in e.management_functions.iter().flat_map(|m| &m.functions) {
                for op in f.operations.values() {
                    collect_choices(op, &mut pp_choices);
                }
            }
        }
        for a in &def.audit_events {
            for op in a.operations.values() {
                collect_choices(op, &mut pp_choices);
            }
        }
        let by_id: HashMap<&str, &Choice> = pp_choices
            .iter()
            .filter_map(|c| match c {
                Choice::Detailed(d) => d.id.as_deref().map(|i| (i, *c)),
                Choice::Text(_) => None,
            })
            .collect();
        let by_text: HashMap<String, &Choice> = pp_choices
            .iter()
            .map(|c| (comparable(c.text()), *c))
            .collect();
        for e in &sfr.elements {
            for op in e.operations.values() {
                let kept = op.value.selection.as_deref().unwrap_or(&[]);
                let mut exclusive: Option<&Choice> = None;
                for c in kept {
                    let id = match c {
                        Choice::Detailed(d) => d.id.as_deref(),
                        Choice::Text(_) => None,
                    };
                    let pp_choice = match id {
                        Some(id) => {
                            let found = by_id.get(id).copied();
                            if found.is_none() {
                                ctx.push_related(
                                    "DT-OP-002",
                                    format!(
                                        "`{id}` is not a selectable of {} in {label}",
                                        sfr.id.value
                                    ),
                                    op.span,
                                    Some(format!(
                                        "keep only selectables of {label}; is the ST written for another version?"
                                    )),
                                    Related {
                                        file: file.to_string(),
                                        span: def.id.span,
                                        message: format!("{} is defined here", def.id.value),
                                    },
                                );
                            }
                            found
                        }
                        None => {
                            let text = comparable(c.text());
                            let found = by_text.get(&text).copied();
                            if found.is_none() && !text.is_empty() {
                                let short: String = text.chars().take(60).collect();
                                ctx.push_related(
                                    "DT-NIAP-004",
                                    format!(
                                        "the kept choice “{short}” of {} is not a choice of {label}",
                                        e.id.value
                                    ),
                                    op.span,
                                    Some("copy the selectable's text from the claimed document version".into()),
                                    Related {
                                        file: file.to_string(),
                                        span: def.id.span,
                                        message: format!("{} is defined here", def.id.value),
                                    },
                                );
                            }
                            found
                        }
                    };
                    if pp_choice.is_some_and(is_exclusive) {
                        exclusive = exclusive.or(Some(c));
                    }
                }
                if let Some(x) = exclusive
                    && kept.len() > 1
                {
                    let name: String = comparable(x.id()).chars().take(60).collect();
                    ctx.push_related(
                        "DT-OP-003",
                        format!(
                            "“{name}” excludes every other choice of its selection in {} ({}), but {} choices are kept",
                            e.id.value,
                            sfr.id.value,
                            kept.len()
                        ),
                        op.span,
                        Some("keep the exclusive choice alone, or drop it".into()),
                        Related {
                            file: file.to_string(),
                            span: def.id.span,
                            message: format!("{} is defined here", def.id.value),
                        },
                    );
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::comparable;

    #[test]
    fn slot_markers_are_ignored_when_comparing() {
        assert_eq!(
            comparable("For memory that {sel3} consists of\n  x"),
            "For memory that consists of x"
        );
        assert_eq!(comparable("a {not a slot} b"), "a {not a slot} b");
    }
}
