//! The dependency table: for each SFR and SAR, its dependencies and how each is met.
//!
//! Why computed here and not taken from the checker: the rendered document must show the
//! dependency rationale ISO/IEC 15408 asks for even when the checker is not run. The rule is
//! deliberately simple: a dependency (an OR group) is met by a requirement of the document whose
//! component is the same, or hierarchical to it per the catalogue or the extended component
//! definition; for components neither knows, a higher-numbered component of the same family is
//! assumed hierarchical (and said so). Otherwise a written justification from
//! `unmet_dependencies` is shown, or "not met".

use dtsec_model::{ExtendedComponent, UnmetDependency};

use crate::catalog::Cat;

/// One requirement (a component) of the document, with its instances.
#[derive(Debug)]
pub(crate) struct Req<'a> {
    /// Component id, e.g. `FCS_COP.1`.
    pub(crate) component: &'a str,
    /// Instance ids, e.g. `FCS_COP.1/Hash`, `FCS_COP.1/Sig`.
    pub(crate) instances: Vec<&'a str>,
    /// Justified unmet dependencies of any instance.
    pub(crate) unmet: Vec<&'a UnmetDependency>,
}

/// Where a component's dependencies were found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Known {
    /// In the CC catalogue.
    Catalogue,
    /// In an extended component definition.
    Extended,
    /// Nowhere.
    Unknown,
}

/// One row of the table: a requirement and one dependency group.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub(crate) req: &'a Req<'a>,
    pub(crate) known: Known,
    /// The OR group; empty when the requirement has no dependencies (or is unknown).
    pub(crate) group: Vec<String>,
    pub(crate) how: How,
}

/// How a dependency group is met.
#[derive(Debug)]
pub(crate) enum How {
    /// Nothing to meet (no dependencies, or unknown component).
    Nothing,
    /// Met by these instances; `assumed` when hierarchy was guessed from numbering.
    Met { by: Vec<String>, assumed: bool },
    /// Deliberately unmet, with the justification.
    Justified(String),
    /// Not met and not justified.
    NotMet,
}

/// Computes the table rows for `reqs` (SFRs then SARs, in document order).
pub(crate) fn rows<'a>(
    reqs: &'a [Req<'a>],
    cat: &Cat,
    ecds: &[&ExtendedComponent],
) -> Vec<Row<'a>> {
    let mut out = Vec::new();
    // Hierarchies stay inside a family (the catalogue's always do; see `family_of`), so a pair
    // of components of different families is settled without a lookup, which makes the table
    // linear in practice rather than a catalogue search per pair; unless an extended component
    // declares a hierarchy into another family.
    let cross_family = ecds.iter().any(|e| {
        e.hierarchical_to
            .iter()
            .any(|h| !same_family(&e.id.value, &h.value))
    });
    for req in reqs {
        let ecd = find_ecd(ecds, req.component);
        let (known, groups) = match (cat.dependencies(req.component), ecd) {
            (Some(g), _) => (Known::Catalogue, g),
            (None, Some(e)) => (
                Known::Extended,
                e.dependencies
                    .iter()
                    .map(|g| g.iter().map(|d| d.value.clone()).collect())
                    .collect(),
            ),
            (None, None) => (Known::Unknown, Vec::new()),
        };
        if groups.is_empty() {
            out.push(Row {
                req,
                known,
                group: Vec::new(),
                how: How::Nothing,
            });
            continue;
        }
        for group in groups {
            let how = meet(&group, reqs, cat, ecds, req, cross_family);
            out.push(Row {
                req,
                known,
                group,
                how,
            });
        }
    }
    out
}

fn find_ecd<'e>(ecds: &[&'e ExtendedComponent], id: &str) -> Option<&'e ExtendedComponent> {
    ecds.iter()
        .copied()
        .find(|e| e.id.value.eq_ignore_ascii_case(id))
}

fn meet(
    group: &[String],
    reqs: &[Req<'_>],
    cat: &Cat,
    ecds: &[&ExtendedComponent],
    req: &Req<'_>,
    cross_family: bool,
) -> How {
    let mut by = Vec::new();
    let mut assumed = false;
    for have in reqs {
        for need in group {
            if !cross_family
                && !same_family(have.component, need)
                && !have.component.trim().eq_ignore_ascii_case(need.trim())
            {
                continue;
            }
            match satisfies(have.component, need, cat, ecds) {
                Some(guess) => {
                    for inst in &have.instances {
                        if !by.iter().any(|b: &String| b == inst) {
                            by.push((*inst).to_owned());
                        }
                    }
                    assumed |= guess;
                }
                None => continue,
            }
        }
    }
    if !by.is_empty() {
        return How::Met { by, assumed };
    }
    let justified = req.unmet.iter().find(|u| {
        group
            .iter()
            .any(|g| g.eq_ignore_ascii_case(u.component.value.trim()))
    });
    match justified {
        Some(u) => How::Justified(u.justification.value.clone()),
        None => How::NotMet,
    }
}

/// Whether two component ids (`FCS_COP.1`) name the same family (`FCS_COP`).
fn same_family(a: &str, b: &str) -> bool {
    fn family(id: &str) -> &str {
        let id = id.trim();
        id.rsplit_once('.').map_or(id, |(f, _)| f)
    }
    family(a).eq_ignore_ascii_case(family(b))
}

/// `Some(false)` when `have` meets `need` for certain, `Some(true)` when only by the
/// same-family-higher-number guess, `None` when not.
fn satisfies(have: &str, need: &str, cat: &Cat, ecds: &[&ExtendedComponent]) -> Option<bool> {
    if have.trim().eq_ignore_ascii_case(need.trim()) {
        return Some(false);
    }
    if cat.knows(have) {
        return cat.satisfies(have, need).then_some(false);
    }
    if let Some(e) = find_ecd(ecds, have) {
        return e
            .hierarchical_to
            .iter()
            .any(|h| h.value.eq_ignore_ascii_case(need.trim()))
            .then_some(false);
    }
    let (hf, hn) = have.trim().rsplit_once('.')?;
    let (nf, nn) = need.trim().rsplit_once('.')?;
    let higher = hf.eq_ignore_ascii_case(nf)
        && matches!((hn.parse::<u32>(), nn.parse::<u32>()), (Ok(a), Ok(b)) if a > b);
    higher.then_some(true)
}
