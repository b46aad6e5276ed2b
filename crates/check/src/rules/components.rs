//! Component ids against the catalogue: unknown ids (DT-CAT-001), `_EXT` components without a
//! definition (DT-CAT-002), SFRs listed as SARs and the reverse (DT-CAT-003), extended
//! definitions that are malformed or clash with the catalogue (DT-CAT-004), SFR instances used
//! twice (DT-ITER-001), and missing or unknown elements (DT-ELEM-001/002).

use std::collections::HashMap;

use dtsec_catalog::ComponentKind;
use dtsec_model::sfr_id::{component_of_element, is_component_id_shape};
use dtsec_model::{DocumentKind, Id, SfrId, Span};

use crate::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    extended_definitions(ctx);
    sfr_components(ctx);
    sar_components(ctx);
    iterations(ctx);
    elements(ctx);
}

fn extended_definitions(ctx: &mut Ctx<'_>) {
    for x in &ctx.doc.extended_components {
        let id = x.id.as_str();
        let odd_chars_only = id.contains("_EXT")
            && !is_component_id_shape(id)
            && is_component_id_shape(&id.replace(
                |c: char| !c.is_ascii_alphanumeric() && c != '_' && c != '.',
                "",
            ));
        if odd_chars_only {
            ctx.push(
                "DT-CAT-005",
                format!("extended component id `{id}` has characters outside A–Z, 0–9 and `_`"),
                x.id.span,
                Some("tools and anchors expect CCC_FFF_EXT.n; NIAP's `FPT_W^X_EXT.1` is the known case — keep it when conforming to the PP as published".into()),
            );
        } else if !is_component_id_shape(id) {
            ctx.push(
                "DT-CAT-004",
                format!(
                    "`{id}` is defined under `extended_components`, but it is not a component \
                     id: dtsec looked for class, family and number (CCC_FFF_EXT.n)"
                ),
                x.id.span,
                Some(
                    "name extended components like `FPT_TUD_EXT.1`: class, family, `_EXT`, number"
                        .into(),
                ),
            );
        } else if !id.contains("_EXT") && ctx.catalog.component(id).is_none() {
            // A catalogue id is reported once, below, as a redefinition.
            let other = dtsec_catalog::Edition::ALL
                .into_iter()
                .filter(|e| *e != ctx.edition)
                .find(|e| dtsec_catalog::Catalog::get(*e).component(id).is_some());
            let message = match other {
                Some(e) => format!(
                    "`{id}` is defined under `extended_components`; it is a component of {}, \
                     not of {} (this document's edition), and only the CC's own components \
                     have ids without `_EXT`",
                    e.label(),
                    ctx.edition.label()
                ),
                None => format!(
                    "`{id}` is defined under `extended_components`, but its id lacks `_EXT`: \
                     ids without it are reserved for the components of {}",
                    ctx.edition.label()
                ),
            };
            ctx.push(
                "DT-CAT-004",
                message,
                x.id.span,
                Some(match other {
                    Some(e) => format!(
                        "declare `cc_edition: {}` if the document follows that edition, or \
                         rename the component with `_EXT` (e.g. `{}`)",
                        e.label(),
                        with_ext(id)
                    ),
                    None => format!(
                        "rename it with `_EXT` (e.g. `{}`) and update the SFRs that use it",
                        with_ext(id)
                    ),
                }),
            );
        }
        if ctx.catalog.component(id).is_some() {
            ctx.push(
                "DT-CAT-004",
                format!(
                    "extended component `{id}` redefines a component of {}",
                    ctx.edition.label()
                ),
                x.id.span,
                Some(
                    "use the catalogue's component, or give the extended one its own `_EXT` id"
                        .into(),
                ),
            );
        }
        for e in &x.elements {
            if component_of_element(&e.id) != id {
                ctx.push(
                    "DT-CAT-004",
                    format!("element `{}` does not belong to `{id}`", e.id.value),
                    e.id.span,
                    Some(format!("number the elements `{id}.1`, `{id}.2`, …")),
                );
            }
        }
        let package = ctx.doc.kind.value == DocumentKind::FunctionalPackage;
        for group in &x.dependencies {
            for d in group {
                if ctx.component(d).is_some() {
                    continue;
                }
                if package && d.contains("_EXT") {
                    // Defined by whatever PP or package the including document claims.
                    ctx.push(
                        "DT-DEP-005",
                        format!("{id} depends on `{}`, defined outside this package; the PP or ST that includes the package must provide it", d.value),
                        d.span,
                        Some("nothing to fix in a package; the including PP or ST meets it".into()),
                    );
                } else {
                    unknown_component(ctx, d, "dependency");
                }
            }
        }
    }
}

/// True when an included package or claimed document is not available (DT-NIAP-001 was
/// reported): the extended components it defines are unknown, so their absence is its
/// consequence, not a finding of its own.
pub fn definitions_incomplete(ctx: &Ctx<'_>) -> bool {
    ctx.diags.iter().any(|d| d.code == "DT-NIAP-001")
}

fn unknown_component(ctx: &mut Ctx<'_>, id: &Id, role: &str) {
    let component = SfrId::parse(&id.value).component;
    if component.contains("_EXT") && definitions_incomplete(ctx) {
        return;
    }
    if component.contains("_EXT") {
        ctx.push(
            "DT-CAT-002",
            format!("extended component `{component}` ({role}) has no definition"),
            id.span,
            Some(
                "define it under `extended_components`, or claim the PP or package that defines it"
                    .into(),
            ),
        );
    } else {
        let hint = suggestion(ctx, component);
        ctx.push(
            "DT-CAT-001",
            format!(
                "`{component}` ({role}) is not a component of {}",
                ctx.edition.label()
            ),
            id.span,
            Some(hint),
        );
    }
}

/// A hint for an unknown id: same-family components, or the other edition's name.
fn suggestion(ctx: &Ctx<'_>, component: &str) -> String {
    let family = component.rsplit_once('.').map_or(component, |(f, _)| f);
    if let Some(fam) = ctx.catalog.family(family) {
        return format!("{family} has: {}", fam.components.join(", "));
    }
    for other in dtsec_catalog::Edition::ALL {
        if other != ctx.edition
            && dtsec_catalog::Catalog::get(other)
                .component(component)
                .is_some()
        {
            return format!(
                "`{component}` is in {} but not in {}; check `cc_edition`",
                other.label(),
                ctx.edition.label()
            );
        }
    }
    "check the id with `dtsec catalog list`".into()
}

fn sfr_components(ctx: &mut Ctx<'_>) {
    for sfr in &ctx.doc.sfrs {
        let component = SfrId::parse(&sfr.id.value).component;
        match ctx.component(component) {
            None => unknown_component(ctx, &sfr.id, "SFR"),
            Some(info) if info.kind() == ComponentKind::Assurance => ctx.push(
                "DT-CAT-003",
                format!("`{component}` is an assurance component, listed as an SFR"),
                sfr.id.span,
                Some("move it to `sars`".into()),
            ),
            Some(_) => {}
        }
    }
}

fn sar_components(ctx: &mut Ctx<'_>) {
    for sar in &ctx.doc.sars {
        match ctx.component(&sar.id) {
            None => unknown_component(ctx, &sar.id, "SAR"),
            Some(info) if info.kind() == ComponentKind::Functional => ctx.push(
                "DT-CAT-003",
                format!(
                    "`{}` is a functional component, listed as a SAR",
                    sar.id.value
                ),
                sar.id.span,
                Some("move it to `sfrs`".into()),
            ),
            Some(_) => {}
        }
    }
}

fn iterations(ctx: &mut Ctx<'_>) {
    let mut seen: HashMap<&str, Span> = HashMap::new();
    let mut plain_and_iterated: HashMap<&str, (bool, bool, Span)> = HashMap::new();
    let niap_st = ctx.niap_st;
    let mut seen_in: HashMap<&str, Option<&str>> = HashMap::new();
    // A NIAP `status="invisible"` f-component only carries the extended component's definition
    // for its iterations; it is not an SFR instance of the document.
    for sfr in ctx.doc.sfrs.iter().filter(|s| !s.invisible) {
        let from = sfr.base_pp.as_ref().map(|b| b.as_str());
        // A NIAP ST repeats an SFR in a module's section when the module modifies it; a
        // PP-Module states an SFR once per alternative base PP (`base-pp` sections).
        let other_section = (niap_st || ctx.doc.kind.value == DocumentKind::PpModule)
            && seen_in
                .insert(sfr.id.as_str(), from)
                .is_some_and(|first| first != from);
        if other_section {
            continue;
        }
        if let Some(first) = seen.insert(sfr.id.as_str(), sfr.id.span) {
            ctx.push(
                "DT-ITER-001",
                format!("SFR `{}` appears twice (first at line {})", sfr.id.value, first.line),
                sfr.id.span,
                Some("give each iteration its own label, e.g. `FCS_COP.1/Hash` and `FCS_COP.1/SigVer`".into()),
            );
        }
        let id = SfrId::parse(&sfr.id.value);
        if id.iteration == Some("") {
            ctx.push(
                "DT-ITER-001",
                format!("SFR `{}` has an empty iteration label", sfr.id.value),
                sfr.id.span,
                Some("write the label after the slash, e.g. `FCS_COP.1/Hash`".into()),
            );
        }
        let entry = plain_and_iterated
            .entry(id.component)
            .or_insert((false, false, sfr.id.span));
        if id.iteration.is_some() {
            entry.1 = true;
        } else {
            entry.0 = true;
            entry.2 = sfr.id.span;
        }
    }
    for (component, (plain, iterated, span)) in plain_and_iterated {
        if plain && iterated {
            ctx.push(
                "DT-ITER-001",
                format!("`{component}` is used both with and without an iteration label"),
                span,
                Some("once a component is iterated, label every instance".into()),
            );
        }
    }
}

fn elements(ctx: &mut Ctx<'_>) {
    let is_delta_package = matches!(
        ctx.doc.kind.value,
        DocumentKind::AssurancePackage | DocumentKind::FunctionalPackage
    );
    for sfr in &ctx.doc.sfrs {
        let component = SfrId::parse(&sfr.id.value).component;
        let Some(info) = ctx.component(component) else {
            continue;
        };
        let defined = info.element_ids();
        for e in &sfr.elements {
            if !defined.iter().any(|d| *d == e.id.as_str()) {
                ctx.push(
                    "DT-ELEM-002",
                    format!("`{}` is not an element of {component}", e.id.value),
                    e.id.span,
                    Some(format!("{component} has: {}", defined.join(", "))),
                );
            }
        }
        // Package status deltas carry no elements; an ST SFR taken from its PP inherits them.
        if (is_delta_package && sfr.elements.is_empty())
            || ctx.pp_sfrs.contains_key(sfr.id.as_str())
        {
            continue;
        }
        let missing: Vec<&str> = defined
            .iter()
            .copied()
            .filter(|d| !sfr.elements.iter().any(|e| e.id.as_str() == *d))
            .collect();
        if !missing.is_empty() {
            ctx.push(
                "DT-ELEM-001",
                format!("SFR {} lacks element{} {}", sfr.id.value, if missing.len() > 1 { "s" } else { "" }, missing.join(", ")),
                sfr.id.span,
                Some("state every element of the component; use a refinement to narrow one, not omission".into()),
            );
        }
    }
}

/// `FCS_CKM.6` → `FCS_CKM_EXT.6`: the id an extended component would have.
fn with_ext(id: &str) -> String {
    match id.split_once('.') {
        Some((family, number)) => format!("{family}_EXT.{number}"),
        None => format!("{id}_EXT"),
    }
}
