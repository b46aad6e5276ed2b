//! Dependencies (ISO/IEC 15408-1, dependencies between components): every dependency of every
//! SFR and SAR must be met by a component in the document — the same component or one
//! hierarchical to it; for an OR group, any member — or be justified (DT-DEP-001/003/004). A
//! justification for a dependency that is in fact met is flagged (DT-DEP-002).

use dtsec_model::{DocumentKind, SfrId, UnmetDependency};

use crate::context::Ctx;

pub fn check(ctx: &mut Ctx<'_>) {
    // A NIAP-format ST takes its SFR set from the PP; the PP's own check reports its
    // dependencies, and the ST's choices among optional SFRs are judged by the conformance rules.
    if ctx.niap_st {
        return;
    }
    let doc = ctx.doc;
    let is_package = matches!(
        doc.kind.value,
        DocumentKind::AssurancePackage | DocumentKind::FunctionalPackage
    );
    // A functional package's dependencies outside it are met by the PP or ST including it.
    let sfr_code = if doc.kind.value == DocumentKind::FunctionalPackage {
        "DT-DEP-005"
    } else {
        "DT-DEP-001"
    };
    // The SFRs that can meet a dependency: the document's own, and for a PP-Module its base PPs'.
    let mut present: Vec<&str> = doc
        .sfrs
        .iter()
        .filter(|s| !(is_package && s.elements.is_empty()))
        .map(|s| SfrId::parse(&s.id.value).component)
        .collect();
    if doc.kind.value == DocumentKind::PpModule {
        present.extend(
            ctx.pps
                .iter()
                .flat_map(|pp| pp.document.sfrs.iter())
                .map(|s| SfrId::parse(&s.id.value).component),
        );
    }
    // Many instances share a component (iterations); satisfaction depends only on the component.
    present.sort_unstable();
    present.dedup();
    // Many SFRs share a dependency (most depend on a few FCS and FPT components): whether one
    // is met is worked out once per dependency and list, not once per SFR.
    let mut sfr_candidates = Candidates::new(&present);
    for sfr in &doc.sfrs {
        if is_package && sfr.elements.is_empty() {
            continue;
        }
        let component = SfrId::parse(&sfr.id.value).component;
        let Some(info) = ctx.component(component) else {
            continue;
        };
        let inherited: Vec<&UnmetDependency> = ctx
            .pp_sfrs
            .get(sfr.id.as_str())
            .map(|pp| pp.sfr.unmet_dependencies.iter().collect())
            .unwrap_or_default();
        let justified: Vec<&UnmetDependency> =
            sfr.unmet_dependencies.iter().chain(inherited).collect();
        check_one(
            ctx,
            &sfr.id,
            sfr_code,
            &info.dependencies(),
            &mut sfr_candidates,
            &justified,
            &sfr.unmet_dependencies,
        );
    }
    let sars: Vec<&str> = doc.sars.iter().map(|s| s.id.as_str()).collect();
    let mut sar_candidates = Candidates::new(&sars);
    for sar in &doc.sars {
        let Some(info) = ctx.component(&sar.id) else {
            continue;
        };
        let inherited: Vec<&UnmetDependency> = ctx
            .pps
            .iter()
            .chain(ctx.packages.iter())
            .flat_map(|d| d.document.sars.iter())
            .filter(|s| s.id.value == sar.id.value)
            .flat_map(|s| s.unmet_dependencies.iter())
            .collect();
        let justified: Vec<&UnmetDependency> =
            sar.unmet_dependencies.iter().chain(inherited).collect();
        check_one(
            ctx,
            &sar.id,
            "DT-DEP-004",
            &info.dependencies(),
            &mut sar_candidates,
            &justified,
            &sar.unmet_dependencies,
        );
    }
}

/// The components that can meet a dependency, and whether each dependency asked about so far
/// is met by one of them (worked out once per dependency id).
struct Candidates<'a> {
    present: &'a [&'a str],
    met: std::collections::HashMap<String, bool>,
}

impl<'a> Candidates<'a> {
    fn new(present: &'a [&'a str]) -> Self {
        Candidates {
            present,
            met: std::collections::HashMap::new(),
        }
    }

    fn meet(&mut self, ctx: &Ctx<'_>, dep: &str) -> bool {
        if let Some(&met) = self.met.get(dep) {
            return met;
        }
        let met = self.present.iter().any(|p| ctx.satisfies(p, dep));
        self.met.insert(dep.to_string(), met);
        met
    }
}

fn check_one(
    ctx: &mut Ctx<'_>,
    id: &dtsec_model::Id,
    code: &'static str,
    deps: &[Vec<&str>],
    candidates: &mut Candidates<'_>,
    justified: &[&UnmetDependency],
    own: &[UnmetDependency],
) {
    let component = SfrId::parse(&id.value).component;
    for group in deps {
        // An extended component nobody defines, while an included package is unavailable, is
        // most likely defined there: its absence is DT-NIAP-001's consequence.
        let unknowable = super::components::definitions_incomplete(ctx)
            && group
                .iter()
                .any(|dep| dep.contains("_EXT") && ctx.component(dep).is_none());
        if unknowable {
            continue;
        }
        let met = group.iter().any(|dep| candidates.meet(ctx, dep));
        let justification = justified
            .iter()
            .find(|u| group.iter().any(|dep| u.component.value == *dep));
        match (met, justification) {
            (true, Some(u)) if own.iter().any(|o| std::ptr::eq(o, *u)) => ctx.push(
                "DT-DEP-002",
                format!(
                    "{} justifies leaving {} unmet, but it is met",
                    id.value, u.component.value
                ),
                u.component.span,
                Some("remove the justification".into()),
            ),
            (true, _) => {}
            (false, Some(u)) => {
                if u.justification.value.trim().len() < 10 {
                    ctx.push(
                        "DT-DEP-003",
                        format!(
                            "the justification for leaving {} unmet is empty or too short",
                            u.component.value
                        ),
                        u.justification.span,
                        Some(
                            "say why the requirements are sound without it (at least a sentence)"
                                .into(),
                        ),
                    );
                }
            }
            (false, None) => {
                let wanted = if group.len() == 1 {
                    group[0].to_string()
                } else {
                    format!("one of {}", group.join(", "))
                };
                let what = if code == "DT-DEP-004" { "SAR" } else { "SFR" };
                let outside = if code == "DT-DEP-005" {
                    "; the PP or ST including this package must provide it"
                } else {
                    ""
                };
                ctx.push(
                    code,
                    if component == id.value {
                        format!("{component} depends on {wanted}, which is not included{outside}")
                    } else {
                        format!("{} ({component}) depends on {wanted}, which is not included{outside}", id.value)
                    },
                    id.span,
                    Some(format!(
                        "add the {what} {wanted} (or one hierarchical to it), or justify it under `unmet_dependencies`"
                    )),
                );
            }
        }
    }
}
