//! Packages that narrow a selection of their base PP (`restrict` on a package's SFR delta).
//!
//! Why: a package raises the bar for a class of products, and making an SFR mandatory does not
//! say how it must be met. The Moderate package of the CDD PP makes key storage mandatory, but
//! without a narrowing an ST could still select software key storage (finding F11 of the CDD
//! review). A package delta therefore names, per operation of the base PP's SFR, the only
//! choices an ST may make (`allowed`, DT-CONF-014) and choices it must make
//! (`required_choices`, DT-CONF-013, judged by the same code as the PP's own required choices).
//! The package side — a restriction naming no selection or choices the selection lacks — is
//! checked here too (DT-DOC-003, DT-OP-008).

use std::collections::HashSet;

use dtsec_model::{ChoiceRestriction, Document, DocumentKind, Operation, Sfr, Span};

use crate::context::Ctx;
use crate::diagnostic::Related;
use crate::rules::roles::{ChoicePlace, RequiredBy, all_operations, missing_required_choices};

pub fn check(ctx: &mut Ctx<'_>) {
    definitions(ctx);
    if ctx.is_st() && !ctx.pps.is_empty() && !ctx.claims_unresolved && !ctx.niap_st {
        claims(ctx);
    }
}

/// The operation `name` of `sfr`'s elements, with the id of its element.
fn find_operation<'s>(sfr: &'s Sfr, name: &str) -> Option<(&'s str, &'s Operation)> {
    sfr.elements.iter().find_map(|e| {
        all_operations(&e.operations)
            .into_iter()
            .find(|(n, ..)| *n == name)
            .map(|(_, op, ..)| (e.id.as_str(), op))
    })
}

/// The span a finding about restriction `r` of `sfr` points at: its first named choice, or the
/// SFR entry.
fn restriction_span(sfr: &Sfr, r: &ChoiceRestriction) -> Span {
    r.allowed
        .first()
        .or_else(|| r.required_choices.iter().find_map(|rc| rc.choices.first()))
        .map_or(sfr.id.span, |c| c.span)
}

/// A package's restrictions name a selection of the base PP's SFR and choices it offers; their
/// roles and features are declared. `restrict` outside a package has no meaning.
fn definitions(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let is_package = matches!(
        doc.kind.value,
        DocumentKind::AssurancePackage | DocumentKind::FunctionalPackage
    );
    let bases: Vec<&Document> = ctx.pps.iter().map(|p| &p.document).collect();
    let roles: HashSet<&str> = bases
        .iter()
        .flat_map(|d| d.roles.iter().map(|r| r.id.as_str()))
        .collect();
    let features: HashSet<&str> = bases
        .iter()
        .flat_map(|d| d.features.iter().map(|f| f.id.as_str()))
        .collect();
    for sfr in &doc.sfrs {
        for (name, r) in &sfr.restrict {
            let at = restriction_span(sfr, r);
            if !is_package {
                ctx.push(
                    "DT-OP-008",
                    format!(
                        "{}: `restrict` narrows a base PP's selection and belongs in a package's SFR delta",
                        sfr.id.value
                    ),
                    at,
                    Some("remove `restrict`; a PP narrows its own selections by editing them or with `required_choices`".into()),
                );
                continue;
            }
            // A delta for an SFR the base lacks is reported by the delta check (DT-DOC-003).
            let Some(base) = bases
                .iter()
                .find_map(|d| d.sfrs.iter().find(|s| s.id.value == sfr.id.value))
            else {
                continue;
            };
            let Some((element, op)) = find_operation(base, name) else {
                ctx.push(
                    "DT-DOC-003",
                    format!(
                        "the restriction of `{name}` on {} names no operation of the base PP's {}",
                        sfr.id.value, sfr.id.value
                    ),
                    at,
                    Some(format!(
                        "use the name of one of {}'s selections, as its element text writes it (`{{name}}`)",
                        sfr.id.value
                    )),
                );
                continue;
            };
            let Some(choices) = &op.selection else {
                ctx.push(
                    "DT-OP-008",
                    format!("operation `{name}` of {element} is an assignment; a package can only narrow a selection"),
                    at,
                    Some("remove the restriction, or state the requirement in the package's notes".into()),
                );
                continue;
            };
            let ids = || {
                choices
                    .iter()
                    .map(|c| c.id())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if r.allowed.is_empty() && r.required_choices.is_empty() {
                ctx.push(
                    "DT-OP-008",
                    format!("the restriction of `{name}` on {element} neither allows nor requires a choice"),
                    at,
                    Some("list the choices an ST may make under `allowed`, or those it must make under `required_choices`".into()),
                );
            }
            let named = r
                .allowed
                .iter()
                .chain(r.required_choices.iter().flat_map(|rc| &rc.choices));
            let unknown: Vec<_> = named
                .filter(|c| !choices.iter().any(|x| x.matches(&c.value)))
                .cloned()
                .collect();
            for c in unknown {
                ctx.push(
                    "DT-OP-008",
                    format!(
                        "the restriction of `{name}` on {element} names `{}`, which is not one of its choices",
                        c.value
                    ),
                    c.span,
                    Some(format!("use one of: {}", ids())),
                );
            }
            for rc in &r.required_choices {
                for c in &rc.choices {
                    let def = choices.iter().find(|x| x.matches(&c.value));
                    let allowed = r.allowed.is_empty()
                        || r.allowed.iter().any(|a| match def {
                            Some(d) => d.matches(&a.value),
                            None => a.value == c.value,
                        });
                    if !allowed {
                        ctx.push(
                            "DT-OP-008",
                            format!(
                                "the restriction of `{name}` on {element} requires `{}` but does not allow it",
                                c.value
                            ),
                            c.span,
                            Some("add it to `allowed`, or drop it from `required_choices`".into()),
                        );
                    }
                }
                let place = format!("a required choice of `{name}` in the package's {element}");
                let bad: Vec<_> = rc
                    .roles
                    .iter()
                    .filter(|x| !roles.contains(x.as_str()))
                    .map(|x| (x.clone(), "role"))
                    .chain(
                        rc.features
                            .iter()
                            .filter(|x| !features.contains(x.as_str()))
                            .map(|x| (x.clone(), "feature")),
                    )
                    .collect();
                for (id, what) in bad {
                    ctx.push(
                        "DT-DOC-003",
                        format!("{place} refers to `{}`, which is not a {what}", id.value),
                        id.span,
                        Some(format!(
                            "use a {what} the base PP declares, or correct the reference"
                        )),
                    );
                }
            }
        }
    }
}

/// DT-CONF-014 for choices a claimed package forbids, DT-CONF-013 for choices it requires and
/// the ST does not make.
fn claims(ctx: &mut Ctx<'_>) {
    let doc = ctx.doc;
    let packages: Vec<_> = ctx.packages.clone();
    for pkg in packages {
        let label = format!(
            "package `{}` {}",
            pkg.document.id.value, pkg.document.version.value
        );
        for delta in &pkg.document.sfrs {
            if delta.restrict.is_empty() {
                continue;
            }
            let Some(st_sfr) = doc.sfrs.iter().find(|s| s.id.value == delta.id.value) else {
                continue;
            };
            let Some(def) = ctx.pp_sfrs.get(delta.id.as_str()).map(|p| p.sfr) else {
                continue;
            };
            for (name, r) in &delta.restrict {
                let Some((element, op)) = find_operation(def, name) else {
                    continue;
                };
                let st_element = st_sfr.elements.iter().find(|e| e.id.value == element);
                let completion = st_element.and_then(|e| e.completed.get(name.as_str()));
                let at = match (completion, st_element) {
                    (Some(c), _) if c.span.is_known() => c.span,
                    (_, Some(e)) => e.id.span,
                    _ => st_sfr.id.span,
                };
                let values: Vec<&str> = completion.map(|c| c.value.values()).unwrap_or_default();
                forbidden(
                    ctx,
                    &label,
                    &pkg.source.name,
                    name,
                    element,
                    op,
                    r,
                    &values,
                    at,
                    delta,
                );
                let place = ChoicePlace {
                    sfr: &delta.id.value,
                    element,
                    name,
                    op,
                    values: &values,
                    at,
                };
                let by = RequiredBy {
                    what: format!("the claimed {label}"),
                    file: &pkg.source.name,
                    fallback: delta.id.span,
                };
                missing_required_choices(ctx, &place, &r.required_choices, &by);
            }
        }
    }
}

/// DT-CONF-014: each selected value outside the restriction's `allowed` choices.
#[expect(
    clippy::too_many_arguments,
    reason = "one finding's facts, each from a different source"
)]
fn forbidden(
    ctx: &mut Ctx<'_>,
    label: &str,
    file: &str,
    name: &str,
    element: &str,
    op: &Operation,
    r: &ChoiceRestriction,
    values: &[&str],
    at: Span,
    delta: &Sfr,
) {
    if r.allowed.is_empty() {
        return;
    }
    let choices = op.selection.as_deref().unwrap_or_default();
    for v in values {
        let def = choices.iter().find(|x| x.matches(v));
        let ok = r.allowed.iter().any(|a| match def {
            Some(d) => d.matches(&a.value),
            None => a.value == *v,
        });
        if ok {
            continue;
        }
        let allowed = r
            .allowed
            .iter()
            .map(|a| format!("`{}`", a.value))
            .collect::<Vec<_>>()
            .join(", ");
        let note = r
            .note
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        ctx.push_related(
            "DT-CONF-014",
            format!(
                "{element} ({}): the claimed {label} allows only {allowed} in `{name}`, and the ST selects `{v}`",
                delta.id.value
            ),
            at,
            Some(format!(
                "select {allowed} instead of `{v}`{note}, or do not claim the package"
            )),
            Related {
                file: file.to_string(),
                span: r.allowed.first().map_or(delta.id.span, |a| a.span),
                message: format!("{label} narrows `{name}` here"),
            },
        );
    }
}
