//! The work-unit plan: every CEM work unit of every assurance component the ST claims, plus the
//! evaluation activities the claimed PP attaches to the ST's SFRs, grouped class → component →
//! element → unit.
//!
//! Why a stored plan: the plan is the contract of the evaluation. It is derived once, at
//! `init`, from the catalogue and the ST, and written to `plan.json`, so that verdicts recorded
//! months later refer to the same list even if dtsec's catalogue or the PP changes, and so that
//! the sealed ETR carries the exact list the roll-up was computed over.
//!
//! Ids: catalogue work units keep the catalogue's own ids (`ADV_FSP.3-4`). Work units the
//! catalogue leaves unnumbered (CC 3.1 R5) and the single work unit given to each evaluator
//! element of an extended SAR are labelled `ELEMENT-n` by position (`ASE_INT.1.1E-2`) and
//! marked `synthesized`. Evaluation activities are `EA:SFR:tss`, `EA:SFR:guidance`,
//! `EA:SFR:test-n` and `EA:SFR:other` (element-level ones insert the element id:
//! `EA:FCS_COP.1/Hash:FCS_COP.1.1:test-1`).

use dtsec_catalog::{Catalog, ComponentKind, Edition, ElementKind};
use dtsec_model::{Document, EvaluationActivities, Library};
use serde::{Deserialize, Serialize};

use crate::{EvalError, summaries};

/// Format tag of `plan.json`.
pub const PLAN_FORMAT: &str = "dtsec-eval-plan/1";

/// The class id under which evaluation activities are grouped.
pub const ACTIVITY_CLASS: &str = "EA";

/// The plan of an evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`PLAN_FORMAT`].
    pub format: String,
    /// The CC edition the work units come from.
    pub edition: String,
    /// Classes in CEM order, evaluation activities last.
    pub classes: Vec<PlanClass>,
}

/// One assurance class (or `EA`, the evaluation activities).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanClass {
    /// Class id, e.g. `ADV`.
    pub id: String,
    /// Class name.
    pub name: String,
    /// Components sorted by id.
    pub components: Vec<PlanComponent>,
}

/// One claimed assurance component, or one SFR instance for evaluation activities.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanComponent {
    /// Component id (`ADV_FSP.3`) or SFR instance (`FCS_COP.1/Hash`).
    pub id: String,
    /// Name or title.
    pub name: String,
    /// `catalogue`, `extended` (defined in the ST or a claimed PP/package) or `pp` (activities).
    pub origin: String,
    /// Elements in catalogue order.
    pub elements: Vec<PlanElement>,
}

/// One evaluator action element (or one kind of evaluation activity).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanElement {
    /// Element id (`ADV_FSP.3.1E`) or activity group (`FCS_COP.1/Hash:tests`).
    pub id: String,
    /// Its work units, in catalogue order.
    pub units: Vec<PlanUnit>,
}

/// One work unit or evaluation activity: the thing a verdict is recorded for.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanUnit {
    /// The id verdicts cite.
    pub id: String,
    /// True when the id is a position label made by dtsec, not the catalogue's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub synthesized: bool,
    /// Content elements the work unit addresses.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<String>,
    /// What to do, in dtsec's words (work units) or the PP's (activities).
    pub summary: String,
    /// The official text, from the user's own CC XML (`--cc-xml`), when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub official_text: Option<String>,
}

/// Where a unit sits in the plan.
#[derive(Clone, Copy, Debug)]
pub struct UnitRef<'a> {
    /// Its class.
    pub class: &'a PlanClass,
    /// Its component.
    pub component: &'a PlanComponent,
    /// Its element.
    pub element: &'a PlanElement,
    /// The unit.
    pub unit: &'a PlanUnit,
}

impl Plan {
    /// Every unit in plan order.
    pub fn units(&self) -> impl Iterator<Item = UnitRef<'_>> {
        self.classes.iter().flat_map(|class| {
            class.components.iter().flat_map(move |component| {
                component.elements.iter().flat_map(move |element| {
                    element.units.iter().map(move |unit| UnitRef {
                        class,
                        component,
                        element,
                        unit,
                    })
                })
            })
        })
    }

    /// Number of units.
    pub fn unit_count(&self) -> usize {
        self.units().count()
    }

    /// A unit by id, exact or ignoring case.
    pub fn find(&self, id: &str) -> Option<UnitRef<'_>> {
        let id = id.trim();
        self.units()
            .find(|u| u.unit.id == id)
            .or_else(|| self.units().find(|u| u.unit.id.eq_ignore_ascii_case(id)))
    }

    /// A unit by id, or [`EvalError::UnknownWorkUnit`] with the closest id as a suggestion.
    pub fn resolve(&self, id: &str) -> Result<UnitRef<'_>, EvalError> {
        self.find(id).ok_or_else(|| EvalError::UnknownWorkUnit {
            id: id.to_string(),
            suggestion: self.suggest(id),
        })
    }

    /// The id closest to `id`: the first unit of a component or element named by `id`, or the
    /// unit with the smallest edit distance (when it is close).
    pub fn suggest(&self, id: &str) -> Option<String> {
        let want = id.trim().to_ascii_uppercase();
        if let Some(u) = self.units().find(|u| {
            u.component.id.eq_ignore_ascii_case(&want) || u.element.id.eq_ignore_ascii_case(&want)
        }) {
            return Some(u.unit.id.clone());
        }
        let mut best: Option<(usize, &str)> = None;
        for u in self.units() {
            let d = edit_distance(&want, &u.unit.id.to_ascii_uppercase());
            if best.is_none_or(|(bd, _)| d < bd) {
                best = Some((d, &u.unit.id));
            }
        }
        best.filter(|(d, _)| *d <= want.len().div_ceil(3).max(2))
            .map(|(_, s)| s.to_string())
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// What the plan is built from.
#[derive(Clone, Copy, Debug)]
pub struct PlanInput<'a> {
    /// The Security Target.
    pub st: &'a Document,
    /// The library that resolves the ST's claims.
    pub library: &'a Library,
    /// The text of the user's official CC XML, for `official_text`.
    pub cc_xml: Option<&'a str>,
}

/// The CC edition an ST is written against (CC:2022 R1 when it does not say).
pub fn edition_of(doc: &Document) -> Edition {
    doc.cc_edition
        .as_ref()
        .and_then(|e| Edition::parse(&e.value))
        .unwrap_or_default()
}

/// The claimed PPs and packages that the library holds, PPs first.
pub fn claimed<'a>(st: &Document, library: &'a Library) -> Vec<&'a dtsec_model::LoadedDocument> {
    st.conformance
        .pps
        .iter()
        .chain(&st.conformance.packages)
        .filter_map(|r| library.find_claimed_by(st, &r.id.value, &r.version.value))
        .collect()
}

/// Builds the plan for an ST.
pub fn build(input: PlanInput<'_>) -> Result<Plan, EvalError> {
    let edition = edition_of(input.st);
    let catalog = Catalog::get(edition);
    let claims = claimed(input.st, input.library);

    let mut classes: Vec<PlanClass> = Vec::new();
    let mut sar_ids: Vec<String> = input
        .st
        .sars
        .iter()
        .map(|s| s.id.value.trim().to_string())
        .collect();
    sar_ids.sort();
    sar_ids.dedup();
    for sar in &sar_ids {
        let component = if let Some(c) = catalog.component(sar) {
            if c.kind != ComponentKind::Assurance {
                return Err(EvalError::Invalid(format!(
                    "{sar} is listed among the SARs but is a functional component"
                )));
            }
            catalogue_component(c, input.cc_xml)?
        } else {
            extended_component(sar, input.st, &claims)?
        };
        let class_id = component.id.split('_').next().unwrap_or("").to_string();
        match classes.iter_mut().find(|k| k.id == class_id) {
            Some(k) => k.components.push(component),
            None => classes.push(PlanClass {
                name: catalog
                    .class(&class_id)
                    .map_or_else(|| class_id.clone(), |k| k.name.to_string()),
                id: class_id,
                components: vec![component],
            }),
        }
    }
    // CEM order: the PP and ST evaluation classes first (their results are the basis of the
    // rest), then the catalogue's class order; unknown (extended) classes after, by id.
    let order = |id: &str| match id {
        "APE" => 0,
        "ASE" => 1,
        _ => catalog
            .classes()
            .iter()
            .position(|k| k.id == id)
            .map_or(usize::MAX, |p| p + 2),
    };
    classes.sort_by(|a, b| (order(&a.id), &a.id).cmp(&(order(&b.id), &b.id)));
    for k in &mut classes {
        k.components.sort_by(|a, b| a.id.cmp(&b.id));
    }

    let activities = activities(input.st, &claims);
    if !activities.is_empty() {
        classes.push(PlanClass {
            id: ACTIVITY_CLASS.to_string(),
            name: "Evaluation activities of the claimed PP".to_string(),
            components: activities,
        });
    }
    Ok(Plan {
        format: PLAN_FORMAT.to_string(),
        edition: edition.label().to_string(),
        classes,
    })
}

fn catalogue_component(
    c: &'static dtsec_catalog::Component,
    cc_xml: Option<&str>,
) -> Result<PlanComponent, EvalError> {
    let text = match cc_xml {
        Some(xml) => Some(dtsec_catalog::text_from_cc_xml(xml, c.id)?),
        None => None,
    };
    let mut elements = Vec::new();
    for e in c.elements {
        // Evaluator elements own the work units; the catalogue also attaches one to a developer
        // element (ALC_DEL.1.2D), which is kept so that the totals are the CEM's.
        if e.work_units.is_empty() && e.kind != ElementKind::Evaluator {
            continue;
        }
        let etext = text
            .as_ref()
            .and_then(|t| t.elements.iter().find(|x| x.id.eq_ignore_ascii_case(e.id)));
        let mut units = Vec::new();
        for (i, wu) in e.work_units.iter().enumerate() {
            let addresses: Vec<String> = wu.addresses.iter().map(|s| s.to_string()).collect();
            let (id, synthesized) = match wu.id {
                Some(id) => (id.to_string(), false),
                None => (format!("{}-{}", e.id, i + 1), true),
            };
            let official_text = etext
                .and_then(|t| t.work_units.get(i))
                .map(|w| w.paragraphs.join("\n\n"))
                .filter(|s| !s.is_empty());
            units.push(PlanUnit {
                summary: summaries::work_unit(c.id, e.id, &addresses)
                    .unwrap_or_else(|| format!("{}: work unit of {}", c.id, e.id)),
                id,
                synthesized,
                addresses,
                official_text,
            });
        }
        if units.is_empty() {
            // An evaluator element without work units still needs a verdict.
            units.push(PlanUnit {
                id: format!("{}-1", e.id),
                synthesized: true,
                addresses: Vec::new(),
                summary: summaries::work_unit(c.id, e.id, &[])
                    .unwrap_or_else(|| format!("{}: evaluator action {}", c.id, e.id)),
                official_text: etext.map(|t| t.text.clone()).filter(|s| !s.is_empty()),
            });
        }
        elements.push(PlanElement {
            id: e.id.to_string(),
            units,
        });
    }
    Ok(PlanComponent {
        id: c.id.to_string(),
        name: c.name.to_string(),
        origin: "catalogue".to_string(),
        elements,
    })
}

fn extended_component(
    id: &str,
    st: &Document,
    claims: &[&dtsec_model::LoadedDocument],
) -> Result<PlanComponent, EvalError> {
    let def = st
        .extended_components
        .iter()
        .chain(claims.iter().flat_map(|d| &d.document.extended_components))
        .find(|x| x.id.value.eq_ignore_ascii_case(id))
        .ok_or_else(|| {
            EvalError::Invalid(format!(
                "SAR {id} is neither in the catalogue nor defined as an extended component"
            ))
        })?;
    let fam = id.split('.').next().unwrap_or(id);
    let mut elements = Vec::new();
    for e in &def.elements {
        let eid = e.id.value.trim();
        if !eid.ends_with(['E', 'e']) {
            continue;
        }
        let own = e
            .text
            .as_ref()
            .map(|t| format!("{}: {}", def.id.value, t.value));
        let summary = summaries::work_unit(&def.id.value, eid, &[])
            .or(own)
            .unwrap_or_else(|| format!("{}: evaluator action {eid}", def.id.value));
        elements.push(PlanElement {
            id: eid.to_string(),
            units: vec![PlanUnit {
                id: format!("{eid}-1"),
                synthesized: true,
                addresses: Vec::new(),
                summary,
                official_text: None,
            }],
        });
    }
    if elements.is_empty() {
        return Err(EvalError::Invalid(format!(
            "extended SAR {id} ({fam}) defines no evaluator action element (…E), so it has nothing to evaluate"
        )));
    }
    Ok(PlanComponent {
        id: def.id.value.clone(),
        name: def.name.clone(),
        origin: "extended".to_string(),
        elements,
    })
}

/// The evaluation activities of each ST SFR: the ST's own, else the first claimed PP or
/// package that has the SFR with activities.
fn activities(st: &Document, claims: &[&dtsec_model::LoadedDocument]) -> Vec<PlanComponent> {
    let mut out = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for sfr in &st.sfrs {
        let sid = sfr.id.value.trim().to_string();
        if seen.contains(&sid) {
            continue;
        }
        seen.push(sid.clone());
        let source = std::iter::once(sfr).chain(
            claims
                .iter()
                .flat_map(|d| d.document.sfrs.iter().filter(|p| p.id.value.trim() == sid)),
        );
        let mut elements = Vec::new();
        let mut title = sfr.title.clone();
        for s in source {
            if title.is_none() {
                title = s.title.clone();
            }
            if let Some(ea) = &s.evaluation_activities {
                push_activities(&mut elements, &sid, None, ea);
            }
            for e in &s.elements {
                if let Some(ea) = &e.evaluation_activities {
                    push_activities(&mut elements, &sid, Some(e.id.value.trim()), ea);
                }
            }
            if !elements.is_empty() {
                break;
            }
        }
        if !elements.is_empty() {
            out.push(PlanComponent {
                id: sid.clone(),
                name: title.unwrap_or_default(),
                origin: "pp".to_string(),
                elements,
            });
        }
    }
    out.sort_by(|a, b| a.id.cmp(&b.id));
    out
}

fn push_activities(
    out: &mut Vec<PlanElement>,
    sfr: &str,
    element: Option<&str>,
    ea: &EvaluationActivities,
) {
    let prefix = match element {
        Some(e) => format!("EA:{sfr}:{e}"),
        None => format!("EA:{sfr}"),
    };
    let group = |kind: &str| match element {
        Some(e) => format!("{sfr}:{e}:{kind}"),
        None => format!("{sfr}:{kind}"),
    };
    let unit = |id: String, text: &str| PlanUnit {
        id,
        synthesized: false,
        addresses: Vec::new(),
        summary: squash(text),
        official_text: None,
    };
    if let Some(t) = ea.tss.as_deref().filter(|t| !t.trim().is_empty()) {
        out.push(PlanElement {
            id: group("tss"),
            units: vec![unit(format!("{prefix}:tss"), t)],
        });
    }
    if let Some(t) = ea.guidance.as_deref().filter(|t| !t.trim().is_empty()) {
        out.push(PlanElement {
            id: group("guidance"),
            units: vec![unit(format!("{prefix}:guidance"), t)],
        });
    }
    let tests: Vec<PlanUnit> = ea
        .tests
        .iter()
        .filter(|t| !t.trim().is_empty())
        .enumerate()
        .map(|(i, t)| unit(format!("{prefix}:test-{}", i + 1), t))
        .collect();
    if !tests.is_empty() {
        out.push(PlanElement {
            id: group("tests"),
            units: tests,
        });
    }
    if let Some(t) = ea.other.as_deref().filter(|t| !t.trim().is_empty()) {
        out.push(PlanElement {
            id: group("other"),
            units: vec![unit(format!("{prefix}:other"), t)],
        });
    }
}

fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Number of CEM work units of a set of SARs, counted from the catalogue (extended SARs count
/// one per evaluator element, as the plan gives them). Used for golden counts per package.
pub fn catalogue_work_unit_count(edition: Edition, sars: &[&str]) -> usize {
    let catalog = Catalog::get(edition);
    sars.iter()
        .map(|id| match catalog.component(id) {
            Some(c) => c
                .elements
                .iter()
                .map(|e| {
                    if e.work_units.is_empty() && e.kind == ElementKind::Evaluator {
                        1
                    } else {
                        e.work_units.len()
                    }
                })
                .sum(),
            None => 0,
        })
        .sum()
}
