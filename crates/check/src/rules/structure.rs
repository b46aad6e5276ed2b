//! Document shape: required sections per kind, unique ids and anchors, references that resolve,
//! statuses where they belong (DT-DOC-*), and selection triggers that point at a real selection
//! (DT-TRIG-001).

use std::collections::{HashMap, HashSet};

use dtsec_model::{Choice, Document, DocumentKind, Id, Operation, Span};

use crate::context::Ctx;
use crate::diagnostic::Related;

pub fn check(ctx: &mut Ctx<'_>) {
    required_sections(ctx);
    duplicate_ids(ctx);
    duplicate_anchors(ctx);
    references(ctx);
    statuses(ctx);
    triggers(ctx);
}

fn required_sections(ctx: &mut Ctx<'_>) {
    // A NIAP-format ST restates only the SFRs; the rest is the claimed PP's.
    if ctx.niap_st {
        return;
    }
    let doc = ctx.doc;
    let kind = doc.kind.value;
    let at = doc.kind.span;
    let missing = |ctx: &mut Ctx<'_>, what: &str, help: &str| {
        ctx.push(
            "DT-DOC-001",
            format!("this {} has no {what}", kind.label()),
            at,
            Some(help.to_string()),
        );
    };
    match kind {
        DocumentKind::ProtectionProfile | DocumentKind::PpModule | DocumentKind::SecurityTarget => {
            if doc.spd.threats.is_empty() && doc.spd.osps.is_empty() {
                missing(
                    ctx,
                    "threats or OSPs",
                    "state the security problem under `spd.threats` and `spd.osps`",
                );
            }
            if doc.sfrs.is_empty() {
                missing(
                    ctx,
                    "SFRs",
                    "list the security functional requirements under `sfrs`",
                );
            }
        }
        DocumentKind::FunctionalPackage => {
            if doc.sfrs.is_empty() {
                missing(ctx, "SFRs", "a functional package lists SFRs under `sfrs`");
            }
        }
        DocumentKind::AssurancePackage => {
            if doc.sars.is_empty() {
                missing(ctx, "SARs", "an assurance package lists SARs under `sars`");
            }
        }
    }
    if kind == DocumentKind::PpModule && doc.base_pps.is_empty() {
        missing(
            ctx,
            "base PPs",
            "name the PPs this module extends under `base_pps`",
        );
    }
    if kind == DocumentKind::SecurityTarget {
        if doc.tss.is_empty() {
            missing(
                ctx,
                "TOE summary specification",
                "describe how the TOE meets each SFR under `tss`",
            );
        }
        if doc.toe.name.is_none() {
            missing(ctx, "TOE name", "name the product under `toe.name`");
        }
        if doc.sars.is_empty() {
            missing(
                ctx,
                "SARs",
                "list the SARs (at least those of the claimed PP and packages) under `sars`",
            );
        }
    }
}

/// Every id defined by the document, by namespace, with duplicates reported.
fn duplicate_ids(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let groups: [&[dtsec_model::Definition]; 5] = [
        &doc.spd.threats,
        &doc.spd.assumptions,
        &doc.spd.osps,
        &doc.objectives.toe,
        &doc.objectives.environment,
    ];
    let mut ids: Vec<&Id> = groups
        .iter()
        .flat_map(|g| g.iter().map(|d| &d.id))
        .collect();
    ids.extend(doc.toe.types.iter().map(|t| &t.id));
    ids.extend(doc.features.iter().map(|f| &f.id));
    ids.extend(doc.extended_components.iter().map(|x| &x.id));
    for id in ids {
        if let Some(first) = seen.get(id.as_str()).copied() {
            ctx.push(
                "DT-DOC-002",
                format!("`{}` is defined twice (first at line {})", id.value, first.line),
                id.span,
                Some("give each threat, assumption, OSP, objective, TOE type, feature and extended component its own id".into()),
            );
        } else {
            seen.insert(id.as_str(), id.span);
        }
    }
    let mut sars: HashMap<&str, Span> = HashMap::new();
    for sar in &doc.sars {
        if let Some(first) = sars.insert(sar.id.as_str(), sar.id.span) {
            ctx.push(
                "DT-DOC-002",
                format!(
                    "SAR `{}` is listed twice (first at line {})",
                    sar.id.value, first.line
                ),
                sar.id.span,
                Some("list each SAR once".into()),
            );
        }
    }
}

/// One use of an anchor id: what carries it, where, and (for selectable ids) which selection.
struct AnchorUse {
    what: String,
    span: Span,
    selection: Option<usize>,
}

/// Anchor ids (`Sfr::anchor`, `Element::anchor` of SFRs and SARs) name one thing in the whole
/// document: links and NIAP's `depends` point at them. In a document read from NIAP XML
/// (`conformance.niap` present) selectable and management-function ids are XML ids of the same
/// document-wide namespace, so they count too; in dtsec YAML a choice id is only unique within
/// its operation (triggers name SFR, operation and choice). A repeat inside one selection is
/// DT-OP-008's finding and is not reported again here.
fn duplicate_anchors(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let xml_ids = doc.conformance.niap.is_some();
    let mut uses: Vec<(&str, AnchorUse)> = Vec::new();
    let mut selection_no = 0usize;
    for sfr in &doc.sfrs {
        if let Some(a) = &sfr.anchor {
            uses.push((
                a.as_str(),
                AnchorUse {
                    what: format!("SFR {}", sfr.id.value),
                    span: a.span,
                    selection: None,
                },
            ));
        }
        for el in &sfr.elements {
            let what = element_label(&el.id.value, &sfr.id.value);
            if let Some(a) = &el.anchor {
                uses.push((
                    a.as_str(),
                    AnchorUse {
                        what: what.clone(),
                        span: a.span,
                        selection: None,
                    },
                ));
            }
            if !xml_ids {
                continue;
            }
            for op in el.operations.values() {
                choice_ids(&op.value, &what, op.span, &mut selection_no, &mut uses);
            }
            if let Some(mfs) = &el.management_functions {
                for f in &mfs.functions {
                    if let Some(id) = &f.id {
                        uses.push((
                            id,
                            AnchorUse {
                                what: format!("a management function of {what}"),
                                span: el.id.span,
                                selection: None,
                            },
                        ));
                    }
                    for op in f.operations.values() {
                        let of = format!("a management function of {what}");
                        choice_ids(op, &of, el.id.span, &mut selection_no, &mut uses);
                    }
                }
            }
        }
        if xml_ids {
            for ev in &sfr.audit_events {
                let of = format!("an audit event of SFR {}", sfr.id.value);
                for op in ev.operations.values() {
                    choice_ids(op, &of, sfr.id.span, &mut selection_no, &mut uses);
                }
            }
        }
    }
    for sar in &doc.sars {
        for el in &sar.elements {
            if let Some(a) = &el.anchor {
                uses.push((
                    a.as_str(),
                    AnchorUse {
                        what: element_label(&el.id.value, &sar.id.value),
                        span: a.span,
                        selection: None,
                    },
                ));
            }
        }
    }
    // id → (first use, selections it was seen in)
    let mut seen: HashMap<&str, (usize, HashSet<usize>)> = HashMap::new();
    for (i, (id, u)) in uses.iter().enumerate() {
        let Some((first, selections)) = seen.get_mut(id) else {
            seen.insert(id, (i, u.selection.into_iter().collect()));
            continue;
        };
        if let Some(s) = u.selection
            && !selections.insert(s)
        {
            continue; // repeated within one selection: DT-OP-008
        }
        let first = &uses[*first].1;
        let at = if first.span.is_known() {
            format!(" (line {}, column {})", first.span.line, first.span.column)
        } else {
            String::new()
        };
        ctx.push_related(
            "DT-DOC-002",
            format!(
                "id `{id}` of {} is already the id of {}{at}",
                u.what, first.what
            ),
            u.span,
            Some(
                "ids are document-wide: give this one its own id (and update any `depends` or link that meant it)"
                    .into(),
            ),
            Related {
                file: ctx.source.name.clone(),
                span: first.span,
                message: format!("`{id}` first used here, by {}", first.what),
            },
        );
    }
}

fn element_label(element: &str, owner: &str) -> String {
    if element.starts_with(owner) {
        format!("element {element}")
    } else {
        format!("element {element} of {owner}")
    }
}

/// The ids of a selection's choices (nested selections too, after their parent's choices), each
/// selection numbered so a repeat within one selection can be told apart.
fn choice_ids<'d>(
    op: &'d Operation,
    what: &str,
    span: Span,
    selection_no: &mut usize,
    uses: &mut Vec<(&'d str, AnchorUse)>,
) {
    let mut pending = vec![op];
    while let Some(op) = pending.pop() {
        let Some(choices) = &op.selection else {
            continue;
        };
        *selection_no += 1;
        let mut nested = Vec::new();
        for c in choices {
            if let Choice::Detailed(d) = c {
                if let Some(id) = &d.id {
                    uses.push((
                        id,
                        AnchorUse {
                            what: format!("a choice of {what}"),
                            span,
                            selection: Some(*selection_no),
                        },
                    ));
                }
                nested.extend(d.operations.values());
            }
        }
        pending.extend(nested.into_iter().rev());
    }
}

/// Ids an objective may address: threats, OSPs, assumptions.
fn spd_ids(doc: &Document) -> HashSet<&str> {
    doc.spd
        .threats
        .iter()
        .chain(&doc.spd.osps)
        .chain(&doc.spd.assumptions)
        .map(|d| d.id.as_str())
        .collect()
}

fn references(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let spd = spd_ids(doc);
    let toe_objectives: HashSet<&str> = doc.objectives.toe.iter().map(|o| o.id.as_str()).collect();
    let is_package_delta = matches!(
        doc.kind.value,
        DocumentKind::AssurancePackage | DocumentKind::FunctionalPackage
    );
    // Objectives address SPD items of this document.
    for o in doc.objectives.toe.iter().chain(&doc.objectives.environment) {
        for a in &o.addresses {
            if !spd.contains(a.as_str()) {
                unknown(
                    ctx,
                    a,
                    "threat, OSP or assumption",
                    &format!("objective {}", o.id.value),
                );
            }
        }
    }
    // Objectives of SFRs: in an ST they may also be the PP's (inherited), so only check what is
    // not known anywhere.
    let pp_objectives: HashSet<&str> = ctx
        .pps
        .iter()
        .flat_map(|pp| pp.document.objectives.toe.iter().map(|o| o.id.as_str()))
        .collect();
    let pp_spd: HashSet<&str> = ctx
        .pps
        .iter()
        .flat_map(|pp| spd_ids(&pp.document))
        .collect();
    let toe_types: HashSet<&str> = doc
        .toe
        .types
        .iter()
        .map(|t| t.id.as_str())
        .chain(
            ctx.pps
                .iter()
                .flat_map(|pp| pp.document.toe.types.iter().map(|t| t.id.as_str())),
        )
        .collect();
    let features: HashSet<&str> = doc
        .features
        .iter()
        .map(|f| f.id.as_str())
        .chain(
            ctx.pps
                .iter()
                .flat_map(|pp| pp.document.features.iter().map(|f| f.id.as_str())),
        )
        .collect();
    for sfr in &doc.sfrs {
        for o in &sfr.objectives {
            if !toe_objectives.contains(o.as_str()) && !pp_objectives.contains(o.as_str()) {
                unknown(ctx, o, "TOE objective", &format!("SFR {}", sfr.id.value));
            }
        }
        for t in &sfr.addresses {
            if !spd.contains(t.as_str()) && !pp_spd.contains(t.as_str()) {
                unknown(ctx, t, "threat or OSP", &format!("SFR {}", sfr.id.value));
            }
        }
        for t in &sfr.toe_types {
            if !toe_types.contains(t.as_str()) {
                unknown(ctx, t, "TOE type", &format!("SFR {}", sfr.id.value));
            }
        }
        if let Some(f) = &sfr.feature
            && !features.contains(f.as_str())
        {
            unknown(ctx, f, "feature", &format!("SFR {}", sfr.id.value));
        }
        if is_package_delta && sfr.elements.is_empty() && !ctx.pps.is_empty() {
            let in_base = ctx
                .pps
                .iter()
                .any(|pp| pp.document.sfrs.iter().any(|s| s.id.value == sfr.id.value));
            if !in_base {
                unknown(ctx, &sfr.id, "SFR of the base PP", "package status change");
            }
        }
    }
    let sfr_ids: HashSet<&str> = doc.sfrs.iter().map(|s| s.id.as_str()).collect();
    for entry in &doc.tss {
        for s in &entry.sfrs {
            if !sfr_ids.contains(s.as_str()) {
                unknown(ctx, s, "SFR of this document", "TOE summary specification");
            }
        }
    }
    // An ST's features must be features of the PP.
    if ctx.is_st() && !ctx.pps.is_empty() {
        let pp_features: HashSet<&str> = ctx
            .pps
            .iter()
            .flat_map(|pp| pp.document.features.iter().map(|f| f.id.as_str()))
            .collect();
        for f in &doc.features {
            if !pp_features.contains(f.id.as_str()) {
                unknown(ctx, &f.id, "feature of the claimed PP", "the ST's features");
            }
        }
    }
}

fn unknown(ctx: &mut Ctx<'_>, id: &Id, what: &str, place: &str) {
    ctx.push(
        "DT-DOC-003",
        format!("{place} refers to `{}`, which is not a {what}", id.value),
        id.span,
        Some(format!("define `{}` or correct the reference", id.value)),
    );
}

fn statuses(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let st = ctx.is_st();
    for sfr in &doc.sfrs {
        match (&sfr.status, st) {
            (Some(s), true) => ctx.push(
                "DT-DOC-005",
                format!("SFR {} has a status; statuses belong in PPs and packages", sfr.id.value),
                s.span,
                Some("remove `status` from the ST: an ST either includes an SFR or not".into()),
            ),
            (None, false) => ctx.push(
                "DT-DOC-005",
                format!("SFR {} has no status", sfr.id.value),
                sfr.id.span,
                Some("give it `status: mandatory`, `optional`, `selection-based`, `feature-based` or `objective`".into()),
            ),
            (Some(s), false) => {
                use dtsec_model::SfrStatus::*;
                // NIAP `depends` on another document's selection (`external-doc`) is a trigger
                // this document cannot resolve; ids without one must be selectables here.
                let external = sfr.depends.iter().any(|d| d.external_doc.is_some());
                if s.value == SelectionBased && sfr.selected_by.is_empty() && !external {
                    let named: Vec<String> = sfr
                        .depends
                        .iter()
                        .flat_map(|d| d.on.iter().map(|o| format!("`{}`", o.value)))
                        .collect();
                    let message = if named.is_empty() {
                        format!("selection-based SFR {} names no triggering selection", sfr.id.value)
                    } else {
                        format!(
                            "selection-based SFR {} depends on {}, which is no selection of this document",
                            sfr.id.value,
                            named.join(", ")
                        )
                    };
                    ctx.push(
                        "DT-DOC-005",
                        message,
                        s.span,
                        Some("list the selections that require it under `selected_by`".into()),
                    );
                }
                if s.value == FeatureBased && sfr.feature.is_none() {
                    ctx.push(
                        "DT-DOC-005",
                        format!("feature-based SFR {} names no feature", sfr.id.value),
                        s.span,
                        Some("name the feature under `feature`".into()),
                    );
                }
            }
            (None, true) => {}
        }
    }
}

/// Selection triggers must point at an SFR, operation and choice that exist.
fn triggers(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    for sfr in &doc.sfrs {
        for t in &sfr.selected_by {
            let target = doc
                .sfrs
                .iter()
                .find(|s| s.id.value == t.sfr.value && !s.elements.is_empty())
                .or_else(|| {
                    ctx.pps
                        .iter()
                        .flat_map(|pp| pp.document.sfrs.iter())
                        .find(|s| s.id.value == t.sfr.value)
                });
            let Some(target) = target else {
                ctx.push(
                    "DT-TRIG-001",
                    format!(
                        "SFR {} is triggered by a selection in `{}`, which is not an SFR here",
                        sfr.id.value, t.sfr.value
                    ),
                    t.sfr.span,
                    Some(
                        "name the SFR instance (with its iteration) that holds the selection"
                            .into(),
                    ),
                );
                continue;
            };
            let op = target
                .elements
                .iter()
                .find_map(|e| find_operation(&e.operations, &t.operation.value));
            let Some(op) = op else {
                ctx.push(
                    "DT-TRIG-001",
                    format!(
                        "SFR {} has no operation `{}`",
                        target.id.value, t.operation.value
                    ),
                    t.operation.span,
                    Some(format!(
                        "use one of the operation names of {}",
                        target.id.value
                    )),
                );
                continue;
            };
            match &op.selection {
                Some(choices) if choices.iter().any(|c| c.matches(&t.choice.value)) => {}
                Some(choices) => {
                    let names: Vec<&str> = choices.iter().map(|c| c.id()).collect();
                    ctx.push(
                        "DT-TRIG-001",
                        format!(
                            "operation `{}` of {} has no choice `{}`",
                            t.operation.value, target.id.value, t.choice.value
                        ),
                        t.choice.span,
                        Some(format!("choices are: {}", names.join(", "))),
                    );
                }
                None => ctx.push(
                    "DT-TRIG-001",
                    format!(
                        "operation `{}` of {} is an assignment, not a selection",
                        t.operation.value, target.id.value
                    ),
                    t.operation.span,
                    Some("a selection-based SFR is triggered by a selection choice".into()),
                ),
            }
        }
    }
}

/// Finds an operation by name at any nesting depth.
pub fn find_operation<'a>(
    ops: &'a std::collections::BTreeMap<String, dtsec_model::Spanned<dtsec_model::Operation>>,
    name: &str,
) -> Option<&'a dtsec_model::Operation> {
    if let Some(op) = ops.get(name) {
        return Some(&op.value);
    }
    ops.values().find_map(|op| find_nested(&op.value, name))
}

fn find_nested<'a>(
    op: &'a dtsec_model::Operation,
    name: &str,
) -> Option<&'a dtsec_model::Operation> {
    for (n, inner) in op.nested() {
        if n == name {
            return Some(inner);
        }
        if let Some(found) = find_nested(inner, name) {
            return Some(found);
        }
    }
    None
}
