//! The mapping checker: the DT-MAP rules, run over one mapping document.
//!
//! Why a checker and not a loader that refuses: a mapping is reviewed like any document, so
//! every defect is reported at once with its position, code and fix (the codes are documented
//! in `dtsec_check::mapping_rules`, so `dtsec explain`, JSON and SARIF know them).

use std::collections::BTreeSet;

use dtsec_check::context::make;
use dtsec_check::{Diagnostic, Related};
use dtsec_model::{Document, Library, SourceFile};

use crate::coverage::{self, Status};
use crate::error::RegulatoryError;
use crate::framework::{self, Framework, ItemStatus};
use crate::mapping::{MappingDocument, ReviewStatus, parse_choice_ref};
use crate::profile::Profile;

/// What the checker needs: the mapping with its source, and where to find the PP.
pub struct CheckInput<'a> {
    /// The mapping file's text.
    pub source: &'a SourceFile,
    /// The parsed mapping.
    pub mapping: &'a MappingDocument,
    /// Where the pinned PP is looked up.
    pub library: &'a Library,
}

/// The PP and framework a mapping resolves to.
pub struct Resolved<'a> {
    /// The PP document (the pinned version, or the newest available when it is stale).
    pub pp: &'a Document,
    /// The PP's source name.
    pub pp_file: &'a str,
    /// The framework catalogue.
    pub framework: Framework,
}

/// Finds the mapping's PP and framework; a missing one makes the mapping uncheckable.
pub fn resolve<'a>(
    mapping: &MappingDocument,
    library: &'a Library,
) -> Result<(Resolved<'a>, bool), RegulatoryError> {
    let framework = framework::builtin(&mapping.framework.id.value)?;
    let id = &mapping.pp.id.value;
    let (found, stale) = match library.find(id, &mapping.pp.version.value) {
        Some(d) => (d, false),
        None => {
            let newest = library.versions_of(id).into_iter().last();
            let d = newest
                .as_deref()
                .and_then(|v| library.find(id, v))
                .ok_or_else(|| RegulatoryError::PpNotFound {
                    id: id.clone(),
                    version: mapping.pp.version.value.clone(),
                })?;
            (d, true)
        }
    };
    Ok((
        Resolved {
            pp: &found.document,
            pp_file: &found.source.name,
            framework,
        },
        stale,
    ))
}

/// Checks a mapping and returns every finding, sorted by position.
pub fn check(input: CheckInput<'_>) -> Result<Vec<Diagnostic>, RegulatoryError> {
    let CheckInput {
        source,
        mapping,
        library,
    } = input;
    let file = source.name.as_str();
    let (resolved, pp_stale) = resolve(mapping, library)?;
    let (pp, fw) = (resolved.pp, &resolved.framework);
    let mut out = Vec::new();
    let reviewed = mapping
        .edges
        .iter()
        .filter(|e| e.status.value == ReviewStatus::Reviewed)
        .count();
    if pp_stale {
        out.push(make(
            "DT-MAP-005",
            format!(
                "the mapping is pinned to PP `{}` {}, which is not available; checked against {} instead, and its {reviewed} reviewed edge(s) need review",
                mapping.pp.id.value, mapping.pp.version.value, pp.version.value
            ),
            file,
            mapping.pp.version.span,
            Some("review the edges against the available version, then update the pin; mark unreviewed edges `status: needs-review`".into()),
        ));
    }
    if mapping.framework.version.value != fw.version {
        out.push(make(
            "DT-MAP-005",
            format!(
                "the mapping is pinned to `{}` version {}, but dtsec's catalogue is version {}; its {reviewed} reviewed edge(s) need review",
                fw.id, mapping.framework.version.value, fw.version
            ),
            file,
            mapping.framework.version.span,
            Some("review the edges against the catalogue's version, then update the pin".into()),
        ));
    }
    let roles: BTreeSet<&str> = pp.roles.iter().map(|r| r.id.value.as_str()).collect();
    for edge in &mapping.edges {
        if !pp_item_exists(pp, &edge.from.value) {
            out.push(make(
                "DT-MAP-006",
                format!(
                    "`{}` is not a threat, OSP, objective, SFR, element or selection choice of PP `{}` {}",
                    edge.from.value, pp.id.value, pp.version.value
                ),
                file,
                edge.from.span,
                Some("use an id the PP defines; a selection choice is written `SFR#operation=choice`".into()),
            ));
        }
        for target in &edge.to {
            match fw.item(&target.value) {
                None => out.push(make(
                    "DT-MAP-001",
                    format!(
                        "`{}` is not an item of {} {}",
                        target.value, fw.id, fw.version
                    ),
                    file,
                    target.span,
                    Some(format!(
                        "use an id of the `{}` catalogue (`dtsec map items {}`)",
                        fw.id, fw.id
                    )),
                )),
                Some(item) if item.status == ItemStatus::Withdrawn => {
                    let to: Vec<String> = item
                        .successors
                        .iter()
                        .map(|s| format!("{} ({})", s.id, s.rel.replace('_', " ")))
                        .collect();
                    out.push(make(
                        "DT-MAP-002",
                        format!(
                            "`{}` is withdrawn in {} {}",
                            target.value, fw.id, fw.version
                        ),
                        file,
                        target.span,
                        Some(if to.is_empty() {
                            "remove the target; the framework names no successor".into()
                        } else {
                            format!("point the edge at {}", to.join(", "))
                        }),
                    ));
                }
                Some(_) => {}
            }
        }
        if edge
            .rationale
            .as_ref()
            .is_none_or(|r| r.value.trim().is_empty())
        {
            let span = edge.rationale.as_ref().map_or(edge.from.span, |r| r.span);
            out.push(make(
                "DT-MAP-003",
                format!("the edge from `{}` has no rationale", edge.from.value),
                file,
                span,
                Some(
                    "say in `rationale` why the PP item meets (part of) the framework item".into(),
                ),
            ));
        }
        for role in &edge.conditions.roles {
            if !roles.contains(role.value.as_str()) {
                out.push(make(
                    "DT-MAP-007",
                    format!(
                        "role `{}` is not a role of PP `{}` {}",
                        role.value, pp.id.value, pp.version.value
                    ),
                    file,
                    role.span,
                    Some(format!(
                        "use one of: {}",
                        roles.iter().copied().collect::<Vec<_>>().join(", ")
                    )),
                ));
            }
        }
        for sel in &edge.conditions.selections {
            if parse_choice_ref(&sel.value).is_none() || !pp_item_exists(pp, &sel.value) {
                out.push(make(
                    "DT-MAP-007",
                    format!(
                        "`{}` is not a selection choice of PP `{}` {}",
                        sel.value, pp.id.value, pp.version.value
                    ),
                    file,
                    sel.span,
                    Some("write a selection as `SFR#operation=choice` with ids from the PP".into()),
                ));
            }
        }
        if let Some(on) = &edge.reviewed_on
            && on.value.parse::<jiff::civil::Date>().is_err()
        {
            out.push(make(
                "DT-MAP-008",
                format!("`reviewed_on: {}` is not a date", on.value),
                file,
                on.span,
                Some("write the review date as YYYY-MM-DD, e.g. '2026-12-06'".into()),
            ));
        }
        let unsigned = edge.reviewed_by.is_none() || edge.reviewed_on.is_none();
        if edge.status.value == ReviewStatus::NeedsReview || unsigned {
            out.push(make(
                "DT-MAP-008",
                if edge.status.value == ReviewStatus::NeedsReview {
                    format!("the edge from `{}` awaits review", edge.from.value)
                } else {
                    format!(
                        "the edge from `{}` is marked reviewed but names no reviewer or date",
                        edge.from.value
                    )
                },
                file,
                edge.status.span,
                Some(
                    "set `status: reviewed` with `reviewed_by` and `reviewed_on` once reviewed"
                        .into(),
                ),
            ));
        }
    }
    if fw.id == "fda-2026" {
        out.extend(fda_categories(mapping, pp, resolved.pp_file, fw, file));
    }
    out.sort_by(|a, b| {
        (a.span.line, a.span.column, a.code).cmp(&(b.span.line, b.span.column, b.code))
    });
    Ok(out)
}

/// DT-MAP-004: each FDA Appendix 1 category is reached through a mandatory SFR for every role.
fn fda_categories(
    mapping: &MappingDocument,
    pp: &Document,
    pp_file: &str,
    fw: &Framework,
    file: &str,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let scope_kind = if pp.roles.is_empty() {
        "TOE type"
    } else {
        "role"
    };
    for id in crate::profile::pp_scopes(pp) {
        let profile = Profile::for_pp_role(pp, &id.value);
        let cov = coverage::derive(pp, mapping, fw, &profile);
        for item in cov
            .iter()
            .filter(|i| i.kind == "category" && i.status != Status::Covered)
        {
            let mut d = make(
                "DT-MAP-004",
                format!(
                    "FDA Appendix 1 category {} ({}) is covered by no SFR the PP makes mandatory for {scope_kind} `{}`{}",
                    item.id,
                    item.title,
                    id.value,
                    if item.status == Status::Environment { " (only by the environment)" } else { "" }
                ),
                file,
                mapping.framework.id.span,
                Some("add an edge from a mandatory SFR (or an objective one implements) to the category or one of its items".into()),
            );
            d.related.push(Related {
                file: pp_file.to_string(),
                span: id.span,
                message: format!("{scope_kind} `{}` is defined here", id.value),
            });
            out.push(d);
        }
    }
    out
}

/// Whether `id` names a threat, OSP, objective, SFR, element or selection choice of `pp`.
pub fn pp_item_exists(pp: &Document, id: &str) -> bool {
    if let Some(c) = parse_choice_ref(id) {
        return pp.sfrs.iter().filter(|s| s.id.value == c.sfr).any(|s| {
            s.elements.iter().any(|e| {
                e.operations.iter().any(|(name, op)| {
                    // Nested operations are named in their own right, so look one level down too.
                    let own = name == c.operation
                        && op
                            .value
                            .selection
                            .iter()
                            .flatten()
                            .any(|ch| ch.id() == c.choice);
                    let nested = op.value.nested().any(|(n, o)| {
                        n == c.operation
                            && o.selection.iter().flatten().any(|ch| ch.id() == c.choice)
                    });
                    own || nested
                })
            })
        });
    }
    pp.spd
        .threats
        .iter()
        .chain(&pp.spd.osps)
        .any(|d| d.id.value == id)
        || pp
            .objectives
            .toe
            .iter()
            .chain(&pp.objectives.environment)
            .any(|d| d.id.value == id)
        || pp
            .sfrs
            .iter()
            .any(|s| s.id.value == id || s.elements.iter().any(|e| e.id.value == id))
}
