//! Framework catalogues: the items of a regulatory or standards framework that mappings point at.
//!
//! Why data, not code: a framework changes by edition (FDA guidance revisions, CSF 1.1 → 2.0),
//! and each edition is a fact with a source and a date. The authored catalogues are YAML in
//! `data/frameworks/`; the CSF 2.0 one is derived from NIST's OSCAL catalogue (see `csf`) and
//! committed as JSON. All are compiled into the binary, so nothing is read at run time.

use serde::{Deserialize, Serialize};

use crate::error::RegulatoryError;

/// Whether an item still stands in its framework.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "kebab-case")]
pub enum ItemStatus {
    /// Part of the current edition.
    #[default]
    Active,
    /// Kept only so that old references are recognised (e.g. CSF 1.1 ids in CSF 2.0).
    Withdrawn,
}

/// Where a withdrawn item went, as the framework itself says.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
pub struct Successor {
    /// `moved_to` or `incorporated_into` (the OSCAL link relations).
    pub rel: String,
    /// The item id it went to.
    pub id: String,
}

/// One item of a framework: an FDA category or recommendation, a 524B clause, a CSF function,
/// category or subcategory, an IEC clause or requirement.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FrameworkItem {
    /// The framework's own identifier.
    pub id: String,
    /// The item's kind in its framework (`category`, `item`, `subcategory`, `clause`, …).
    pub kind: String,
    /// The item this one belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// A title: the framework's own where it may be quoted, otherwise dtsec's paraphrase.
    pub title: String,
    /// Active or withdrawn.
    #[serde(default, skip_serializing_if = "is_active")]
    pub status: ItemStatus,
    /// For a withdrawn item: where it went.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub successors: Vec<Successor>,
}

fn is_active(s: &ItemStatus) -> bool {
    *s == ItemStatus::Active
}

/// A framework catalogue: versioned, with its source.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Framework {
    /// dtsec's id of the framework edition, e.g. `fda-2026`, `csf-2.0`.
    pub id: String,
    /// Full title.
    pub title: String,
    /// The edition's version.
    pub version: String,
    /// Publication date (ISO 8601).
    pub date: String,
    /// Where the edition is published.
    pub source: String,
    /// What may be reproduced (and what dtsec did about it).
    pub licence: String,
    /// Every item, in the framework's order.
    pub items: Vec<FrameworkItem>,
}

impl Framework {
    /// The item with this id.
    pub fn item(&self, id: &str) -> Option<&FrameworkItem> {
        self.items.iter().find(|i| i.id == id)
    }

    /// The top-level items (no parent): FDA categories A–H, CSF functions, 524B clauses.
    pub fn roots(&self) -> impl Iterator<Item = &FrameworkItem> {
        self.items.iter().filter(|i| i.parent.is_none())
    }

    /// The chain of ancestors of `id`, nearest first.
    pub fn ancestors<'a>(&'a self, id: &str) -> Vec<&'a FrameworkItem> {
        let mut out = Vec::new();
        let mut cur = self.item(id).and_then(|i| i.parent.as_deref());
        // The depth is bounded by the item count, so a cycle in hand-written data cannot loop.
        while let Some(p) = cur {
            if out.len() >= self.items.len() {
                break;
            }
            let Some(item) = self.item(p) else { break };
            out.push(item);
            cur = item.parent.as_deref();
        }
        out
    }
}

/// The frameworks dtsec ships, with the short names the CLI accepts.
pub const BUILTIN_FRAMEWORKS: &[(&str, &str)] = &[
    ("fda", "fda-2026"),
    ("524b", "fda-524b"),
    ("csf", "csf-2.0"),
    ("81001", "iec-81001-5-1"),
    ("62443", "iec-62443-4-2"),
];

const FDA_2026: &str = include_str!("../data/frameworks/fda-2026.yaml");
const FDA_524B: &str = include_str!("../data/frameworks/fda-524b.yaml");
const IEC_81001: &str = include_str!("../data/frameworks/iec-81001-5-1.yaml");
const IEC_62443: &str = include_str!("../data/frameworks/iec-62443-4-2.yaml");
/// The compact CSF 2.0 catalogue derived from NIST's OSCAL JSON (see [`crate::csf`]).
pub const CSF_2_0_JSON: &str = include_str!("../data/frameworks/csf-2.0.json");

/// Loads a built-in framework by dtsec id (`fda-2026`) or CLI short name (`fda`).
pub fn builtin(name: &str) -> Result<Framework, RegulatoryError> {
    let id = BUILTIN_FRAMEWORKS
        .iter()
        .find(|(short, id)| *short == name || *id == name)
        .map(|(_, id)| *id)
        .ok_or_else(|| RegulatoryError::UnknownFramework {
            name: name.to_string(),
        })?;
    let parsed = match id {
        "fda-2026" => parse_yaml(id, FDA_2026),
        "fda-524b" => parse_yaml(id, FDA_524B),
        "iec-81001-5-1" => parse_yaml(id, IEC_81001),
        "iec-62443-4-2" => parse_yaml(id, IEC_62443),
        _ => serde_json::from_str(CSF_2_0_JSON).map_err(|e| RegulatoryError::BuiltinData {
            name: id.to_string(),
            message: e.to_string(),
        }),
    }?;
    Ok(parsed)
}

fn parse_yaml(name: &str, text: &str) -> Result<Framework, RegulatoryError> {
    serde_saphyr::from_str::<Framework>(text).map_err(|e| RegulatoryError::BuiltinData {
        name: name.to_string(),
        message: e.to_string(),
    })
}
