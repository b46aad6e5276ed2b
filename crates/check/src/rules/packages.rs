//! Packages a claimed PP requires when a selection is made (DT-CONF-030).
//!
//! Why: some choices bring requirements the PP does not state itself. Selecting TLS for the
//! trusted channel says nothing about cipher suites, reference identifiers or downgrade; the
//! NIAP TLS Functional Package does, so a PP requires its claim whenever TLS is selected
//! (`conformance.required_packages`). NIAP XML says the same with `depends` and is checked by
//! DT-NIAP-002; this rule holds dtsec's own STs to a YAML PP's requirement, at the position of
//! the selection that triggers it. The PP side (roles, features and triggers that name nothing)
//! is checked here too, with the codes the other definitions use.

use std::collections::HashSet;

use dtsec_model::{Document, PackageRequirement, Span};

use crate::context::Ctx;
use crate::diagnostic::Related;
use crate::rules::conformance::triggered;

pub fn check(ctx: &mut Ctx<'_>) {
    definitions(ctx);
    if ctx.is_st() && !ctx.pps.is_empty() && !ctx.claims_unresolved && !ctx.niap_st {
        claims(ctx);
    }
}

/// A requirement's roles and features are declared, and its triggers name an SFR of the
/// document or of its base PPs.
fn definitions(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    if doc.conformance.required_packages.is_empty() {
        return;
    }
    let docs: Vec<&Document> = std::iter::once(doc)
        .chain(ctx.pps.iter().map(|p| &p.document))
        .collect();
    let roles: HashSet<&str> = docs
        .iter()
        .flat_map(|d| d.roles.iter().map(|r| r.id.as_str()))
        .collect();
    let features: HashSet<&str> = docs
        .iter()
        .flat_map(|d| d.features.iter().map(|f| f.id.as_str()))
        .collect();
    let sfrs: HashSet<&str> = docs
        .iter()
        .flat_map(|d| d.sfrs.iter().map(|s| s.id.as_str()))
        .collect();
    for req in &doc.conformance.required_packages {
        let place = format!(
            "the requirement to claim package `{}`",
            req.package.id.value
        );
        let unknown = req
            .roles
            .iter()
            .filter(|r| !roles.contains(r.as_str()))
            .map(|r| (r, "a role"))
            .chain(
                req.features
                    .iter()
                    .filter(|f| !features.contains(f.as_str()))
                    .map(|f| (f, "a feature")),
            )
            .chain(
                req.when
                    .iter()
                    .filter(|t| !sfrs.contains(t.sfr.as_str()))
                    .map(|t| (&t.sfr, "an SFR of this document or its base PPs")),
            );
        let found: Vec<_> = unknown.map(|(id, what)| (id.clone(), what)).collect();
        for (id, what) in found {
            ctx.push(
                "DT-DOC-003",
                format!("{place} refers to `{}`, which is not {what}", id.value),
                id.span,
                Some(format!("define `{}` or correct the reference", id.value)),
            );
        }
        if req.when.is_empty() {
            ctx.push(
                "DT-DOC-003",
                format!("{place} names no selection under `when`"),
                req.package.id.span,
                Some("list the choices that require the package (`sfr`, `operation`, `choice`), or claim the package outright under `packages`".into()),
            );
        }
    }
}

/// True when the requirement's role or feature condition holds (always, when it has none).
fn condition_holds(req: &PackageRequirement, doc: &Document) -> bool {
    (req.roles.is_empty() && req.features.is_empty())
        || req.roles.iter().any(|r| doc.toe.has_role(&r.value))
        || req
            .features
            .iter()
            .any(|f| doc.features.iter().any(|x| x.id.value == f.value))
}

/// DT-CONF-030: every package required by a selection the ST makes is claimed.
fn claims(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    // A package several claimed documents require is reported once, for the first.
    let mut reported: HashSet<(String, String)> = HashSet::new();
    for pp in ctx.pps.clone() {
        let pp_label = format!("{} {}", pp.document.id.value, pp.document.version.value);
        for req in &pp.document.conformance.required_packages {
            if !condition_holds(req, doc) {
                continue;
            }
            let Some((trigger, at)) = req
                .when
                .iter()
                .find_map(|t| triggered(ctx, t).map(|at| (t, at)))
            else {
                continue;
            };
            let (id, version) = (&req.package.id.value, &req.package.version.value);
            let claimed: Vec<&str> = doc
                .conformance
                .packages
                .iter()
                .filter(|c| c.id.value == *id)
                .map(|c| c.version.value.as_str())
                .collect();
            if claimed.contains(&version.as_str())
                || !reported.insert((id.clone(), version.clone()))
            {
                continue;
            }
            let other = match claimed.first() {
                Some(v) => format!(" (it claims version `{v}`)"),
                None => String::new(),
            };
            let get = match &req.package.url {
                Some(url) => format!(
                    "; it is not built into dtsec: get it from {url} and give it with `--pp FILE` or its directory with `--pp-path DIR` (NIAP XML is read directly)"
                ),
                None => {
                    "; if it is not built in, give it with `--pp FILE` or `--pp-path DIR`".into()
                }
            };
            let note = req
                .note
                .as_deref()
                .map(|n| format!(" ({n})"))
                .unwrap_or_default();
            let related_at: Span = trigger.choice.span;
            ctx.push_related(
                "DT-CONF-030",
                format!(
                    "selecting `{}` in {} (`{}`) requires claiming package `{id}` {version}, which the ST does not claim{other}",
                    trigger.choice.value, trigger.sfr.value, trigger.operation.value
                ),
                at,
                Some(format!(
                    "add `{{id: {id}, version: '{version}'}}` under `conformance.packages`{note}{get}, or make a different selection"
                )),
                Related {
                    file: pp.source.name.clone(),
                    span: related_at,
                    message: format!("{pp_label} requires package `{id}` {version} here"),
                },
            );
        }
    }
}
