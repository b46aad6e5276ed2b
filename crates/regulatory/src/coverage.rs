//! Derived coverage: which framework items a TOE's SFRs and selections reach through the
//! authored edges, and by which path (threat → objective → SFR → framework item).
//!
//! Why derived: coverage is never written down; it follows from the PP's own rationale (which
//! objective an SFR implements, which threat an objective counters) and the mapping's edges, so
//! a product's coverage changes exactly when its SFRs or selections do.

use std::collections::BTreeMap;

use dtsec_model::Document;

use crate::framework::Framework;
use crate::mapping::{Edge, MappingDocument, ReviewStatus, parse_choice_ref};
use crate::profile::Profile;

/// How well a framework item is covered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// No edge reaches it.
    NotCovered,
    /// Reached only through objectives for the operational environment (the manufacturer's
    /// processes or the platform), not through an SFR the TOE implements.
    Environment,
    /// Reached through an SFR the TOE includes.
    Covered,
}

impl Status {
    /// The name as printed.
    pub fn label(self) -> &'static str {
        match self {
            Status::NotCovered => "not-covered",
            Status::Environment => "environment",
            Status::Covered => "covered",
        }
    }
}

/// One way a framework item is reached.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CoveragePath {
    /// From the origin (threat or OSP) to the framework item, e.g.
    /// `[T.NETWORK_ATTACK, O.PEER_AUTH, FIA_PAIR_EXT.1, A.1]`.
    pub steps: Vec<String>,
    /// The edge's relation.
    pub relation: &'static str,
    /// Whether the edge was reviewed.
    pub reviewed: bool,
    /// Through the TOE or the environment.
    pub status: Status,
    /// The SFR the path goes through (`None` for a path through the environment), whose
    /// evidence status a report with a sealed ETR shows.
    pub sfr: Option<String>,
}

/// Coverage of one framework item.
#[derive(Clone, Debug)]
pub struct ItemCoverage {
    /// Item id.
    pub id: String,
    /// Item title.
    pub title: String,
    /// Item kind.
    pub kind: String,
    /// Best status over its own edges and those of its descendants.
    pub status: Status,
    /// Every path, in edge order.
    pub paths: Vec<CoveragePath>,
}

/// Coverage of every active item of a framework for one profile.
pub fn derive(
    pp: &Document,
    mapping: &MappingDocument,
    framework: &Framework,
    profile: &Profile,
) -> Vec<ItemCoverage> {
    let mut direct: BTreeMap<&str, Vec<CoveragePath>> = BTreeMap::new();
    for edge in &mapping.edges {
        let Some((mut steps, status, sfr)) = reach(pp, edge, profile) else {
            continue;
        };
        for target in &edge.to {
            steps.push(target.value.clone());
            direct
                .entry(target.value.as_str())
                .or_default()
                .push(CoveragePath {
                    steps: steps.clone(),
                    relation: edge.relation.value.label(),
                    reviewed: edge.status.value == ReviewStatus::Reviewed,
                    status,
                    sfr: sfr.clone(),
                });
            steps.pop();
        }
    }
    // An item is reached through its own edges and those of the items under it: each target's
    // paths are handed up its chain of ancestors once (not every item searching every other).
    let mut reached: BTreeMap<&str, Vec<CoveragePath>> = BTreeMap::new();
    for item in &framework.items {
        let Some(paths) = direct.get(item.id.as_str()) else {
            continue;
        };
        reached
            .entry(item.id.as_str())
            .or_default()
            .extend(paths.iter().cloned());
        for ancestor in framework.ancestors(&item.id) {
            reached
                .entry(ancestor.id.as_str())
                .or_default()
                .extend(paths.iter().cloned());
        }
    }
    framework
        .items
        .iter()
        .filter(|i| i.status == crate::framework::ItemStatus::Active)
        .map(|item| {
            let paths = reached.remove(item.id.as_str()).unwrap_or_default();
            let status = paths
                .iter()
                .map(|p| p.status)
                .max()
                .unwrap_or(Status::NotCovered);
            ItemCoverage {
                id: item.id.clone(),
                title: item.title.clone(),
                kind: item.kind.clone(),
                status,
                paths,
            }
        })
        .collect()
}

/// Whether `edge` holds for `profile`, the path from its origin to its PP item, and the SFR
/// the path goes through.
fn reach(
    pp: &Document,
    edge: &Edge,
    profile: &Profile,
) -> Option<(Vec<String>, Status, Option<String>)> {
    let c = &edge.conditions;
    if !c.roles.is_empty() && !c.roles.iter().any(|r| profile.roles.contains(&r.value)) {
        return None;
    }
    if !c
        .selections
        .iter()
        .all(|s| profile.choices.contains(&s.value))
    {
        return None;
    }
    let from = edge.from.value.as_str();
    if let Some(choice) = parse_choice_ref(from) {
        if !profile.choices.contains(from) || !profile.sfrs.contains(choice.sfr) {
            return None;
        }
        let mut steps = sfr_origin(pp, choice.sfr);
        steps.push(from.to_string());
        return Some((steps, Status::Covered, Some(choice.sfr.to_string())));
    }
    if profile.sfrs.contains(from) {
        return Some((
            sfr_origin(pp, from),
            Status::Covered,
            Some(from.to_string()),
        ));
    }
    if let Some(sfr) = pp
        .sfrs
        .iter()
        .find(|s| s.elements.iter().any(|e| e.id.value == from))
    {
        if !profile.sfrs.contains(&sfr.id.value) {
            return None;
        }
        let mut steps = sfr_origin(pp, &sfr.id.value);
        steps.push(from.to_string());
        return Some((steps, Status::Covered, Some(sfr.id.value.clone())));
    }
    if let Some(obj) = pp.objectives.toe.iter().find(|o| o.id.value == from) {
        let sfr = implementing_sfr(pp, from, profile)?;
        let origin = obj.addresses.first().map(|a| a.value.clone());
        let steps = origin
            .into_iter()
            .chain([from.to_string(), sfr.to_string()])
            .collect();
        return Some((steps, Status::Covered, Some(sfr.to_string())));
    }
    if let Some(obj) = pp
        .objectives
        .environment
        .iter()
        .find(|o| o.id.value == from)
    {
        let origin = obj.addresses.first().map(|a| a.value.clone());
        let steps = origin.into_iter().chain([from.to_string()]).collect();
        return Some((steps, Status::Environment, None));
    }
    // A threat or OSP: reached through a TOE objective that counters it and an SFR that
    // implements that objective; otherwise through an environment objective.
    let is_spd = pp
        .spd
        .threats
        .iter()
        .chain(&pp.spd.osps)
        .any(|d| d.id.value == from);
    if !is_spd {
        return None;
    }
    for obj in &pp.objectives.toe {
        if obj.addresses.iter().any(|a| a.value == from)
            && let Some(sfr) = implementing_sfr(pp, &obj.id.value, profile)
        {
            return Some((
                vec![from.to_string(), obj.id.value.clone(), sfr.to_string()],
                Status::Covered,
                Some(sfr.to_string()),
            ));
        }
    }
    pp.objectives
        .environment
        .iter()
        .find(|o| o.addresses.iter().any(|a| a.value == from))
        .map(|o| {
            (
                vec![from.to_string(), o.id.value.clone()],
                Status::Environment,
                None,
            )
        })
}

/// The first SFR of the profile that implements `objective`, in the PP's order.
fn implementing_sfr<'p>(pp: &'p Document, objective: &str, profile: &Profile) -> Option<&'p str> {
    pp.sfrs
        .iter()
        .find(|s| {
            profile.sfrs.contains(&s.id.value) && s.objectives.iter().any(|o| o.value == objective)
        })
        .map(|s| s.id.value.as_str())
}

/// `[threat, objective, SFR]` for an SFR: its first objective and what that objective counters.
fn sfr_origin(pp: &Document, sfr: &str) -> Vec<String> {
    let objective = pp
        .sfrs
        .iter()
        .find(|s| s.id.value == sfr)
        .and_then(|s| s.objectives.first())
        .map(|o| o.value.clone());
    let origin = objective.as_deref().and_then(|o| {
        pp.objectives
            .toe
            .iter()
            .find(|d| d.id.value == o)
            .and_then(|d| d.addresses.first())
            .map(|a| a.value.clone())
    });
    origin
        .into_iter()
        .chain(objective)
        .chain([sfr.to_string()])
        .collect()
}
