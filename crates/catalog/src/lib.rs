//! dtsec-catalog: the built-in Common Criteria catalogue, as facts only.
//!
//! Why this crate exists: every other dtsec crate needs to know which SFR/SAR components exist,
//! how they depend on each other, which operations (assignment/selection slots) their elements
//! carry, which CEM work units an evaluator element has, and what each EAL contains. The CC text
//! itself is copyrighted, so we ship only *facts* (ids, names, hierarchy, dependencies,
//! operation slots, audit levels, work-unit ids, EAL contents) as generated Rust statics under
//! `src/generated/` (see `cargo xtask gen-catalog` and `README.md`). Users who own the official
//! XML can display prose at runtime through [`official_text`].
//!
//! Lookups are binary searches over sorted id tables; nothing is parsed at runtime and there
//! is no mutable global state.
#![forbid(unsafe_code)]

use std::fmt::Write as _;

mod generated;
pub mod official_text;

#[cfg(feature = "generate")]
pub mod generator;

pub use official_text::{CatalogError, ComponentText, text_from_cc_xml};

/// Which CC edition a catalogue (and a user's ST/PP) is written against.
///
/// Why: component sets, dependencies and work-unit numbering differ between editions, so every
/// lookup is edition-specific. CC:2022 R1 is the default because it is the current edition.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Edition {
    /// CC:2022 Revision 1 (with CEM:2022 R1).
    #[default]
    Cc2022R1,
    /// CC version 3.1 Revision 5 (with CEM 3.1 R5).
    Cc31R5,
}

impl Edition {
    /// All supported editions, newest first (for listings and exhaustive tests).
    pub const ALL: [Edition; 2] = [Edition::Cc2022R1, Edition::Cc31R5];

    /// Human-readable label used in output ("CC:2022 R1", "CC 3.1 R5").
    pub fn label(self) -> &'static str {
        match self {
            Edition::Cc2022R1 => "CC:2022 R1",
            Edition::Cc31R5 => "CC 3.1 R5",
        }
    }

    /// Lenient parser for user input and file metadata: ignores case, spaces, dots, colons,
    /// dashes and underscores, so "CC:2022", "CC:2022 R1", "cc2022", "2022", "3.1R5",
    /// "CC 3.1 R5", "cc3R5", "cc31r5" and "v3.1 Release 5" are accepted.
    pub fn parse(s: &str) -> Option<Edition> {
        let n: String = s
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        let n = n.strip_prefix("cc").unwrap_or(&n);
        let n = n.strip_prefix('v').unwrap_or(n);
        match n {
            "2022" | "2022r1" | "2022revision1" | "2022release1" => Some(Edition::Cc2022R1),
            "31r5" | "3r5" | "31revision5" | "31release5" => Some(Edition::Cc31R5),
            _ => None,
        }
    }
}

impl std::fmt::Display for Edition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// Functional (CC Part 2, SFR) or assurance (CC Part 3 + CEM, SAR).
///
/// Why: the two paradigms have different element kinds and rules (audit only for SFRs, work
/// units only for SARs), and callers filter on it constantly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComponentKind {
    /// Security functional component (e.g. `FCS_COP.1`).
    Functional,
    /// Security assurance component (e.g. `ADV_FSP.4`).
    Assurance,
}

/// A CC class (e.g. `FCS` "Cryptographic support").
///
/// Why: grouping for listings and for rendering the ST requirements section by class.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Class {
    /// Upper-case class id, e.g. "FCS".
    pub id: &'static str,
    /// Class name as in the catalogue (a name, not prose).
    pub name: &'static str,
    /// Functional or assurance class.
    pub kind: ComponentKind,
}

/// A CC family (e.g. `FCS_COP`).
///
/// Why: hierarchy only exists within a family, and EALs pick one component per family.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Family {
    /// Upper-case family id, e.g. "FCS_COP".
    pub id: &'static str,
    /// Id of the owning class, e.g. "FCS".
    pub class: &'static str,
    /// Family name as in the catalogue.
    pub name: &'static str,
    /// Functional or assurance family.
    pub kind: ComponentKind,
    /// Component ids of this family in catalogue order.
    pub components: &'static [&'static str],
}

/// Kind of a requirement element.
///
/// Why: SAR elements come in developer action (D), content and presentation (C) and evaluator
/// action (E) flavours; only evaluator elements (normally) own CEM work units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ElementKind {
    /// SFR element, e.g. "FCS_COP.1.1".
    Functional,
    /// SAR developer action element, e.g. "ADV_FSP.1.1D".
    Developer,
    /// SAR content and presentation element, e.g. "ADV_FSP.1.1C".
    Content,
    /// SAR evaluator action element, e.g. "ADV_FSP.1.1E".
    Evaluator,
}

/// One operation slot in an element (structure only; the CC wording is not shipped).
///
/// Why: ST/PP checks must verify that every assignment is filled and every selection is made
/// with the right cardinality, without us shipping the copyrighted slot text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operation {
    /// An assignment `[assignment: ...]`.
    Assignment {
        /// Operations nested inside the assignment text, in order (usually empty).
        nested: &'static [Operation],
    },
    /// A selection `[selection: a, b, ...]`.
    Selection {
        /// `true` when exactly one item must be chosen ("choose one of"); taken from the XML's
        /// `exclusive="YES"` attribute (the DTD default is `NO`, i.e. one or more).
        exclusive: bool,
        /// Number of selection items offered by the catalogue.
        choices: u16,
        /// Operations nested inside the selection items, in document order.
        nested: &'static [Operation],
    },
}

/// One CEM work unit.
///
/// Why: evaluation reports are organised by work unit; ids must be the catalogue's own
/// (gaps and swaps included), never positions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct WorkUnit {
    /// Catalogue id, upper-cased, e.g. "ADV_FSP.1-1". `None` when the reference XML has no id
    /// for it (217 work units in 33 CC 3.1 R5 components, mostly APE/ASE/ALC/AGD): we do not
    /// invent numbers, the work unit is kept so the totals stay exact.
    pub id: Option<&'static str>,
    /// Content elements the work unit addresses (e.g. "ADV_FSP.1.1C"), as the CEM states them.
    pub addresses: &'static [&'static str],
}

impl WorkUnit {
    /// Display form of the id: the id, or "(unnumbered)" when the catalogue gives none.
    pub fn label(&self) -> &'static str {
        self.id.unwrap_or("(unnumbered)")
    }
}

/// A requirement element of a component.
///
/// Why: operations and work units hang off elements, and STs refine per element.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Element {
    /// Upper-case element id: "FCS_COP.1.1", "ADV_FSP.1.1D", "ADV_FSP.1.2C", "ADV_FSP.1.1E".
    pub id: &'static str,
    /// Functional, developer, content or evaluator element.
    pub kind: ElementKind,
    /// Operation slots in document order.
    pub operations: &'static [Operation],
    /// CEM work units of this element in catalogue order. Evaluator elements carry them; in both
    /// editions the XML also attaches exactly one work unit to a developer element, which we
    /// keep where the catalogue puts it.
    pub work_units: &'static [WorkUnit],
}

/// Audit level of an SFR auditable event (CC Part 2 `FAU_GEN.1` levels).
///
/// Why: an ST choosing "basic" audit must cover the minimal and basic events of each SFR.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum AuditLevel {
    /// Minimal level.
    Minimal,
    /// Basic level.
    Basic,
    /// Detailed level.
    Detailed,
}

impl AuditLevel {
    /// Lower-case name as used in the CC ("minimal", "basic", "detailed").
    pub fn as_str(self) -> &'static str {
        match self {
            AuditLevel::Minimal => "minimal",
            AuditLevel::Basic => "basic",
            AuditLevel::Detailed => "detailed",
        }
    }
}

/// One auditable-event entry of an SFR (the event wording is not shipped).
///
/// Why: keeps the audit facts of the catalogue (level per event, and "same as component X"
/// references) so audit coverage can be checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AuditEntry {
    /// Level of the event; `None` when the catalogue gives none (CC:2022 uses bare
    /// `equal="FAU_SAA.1"` entries meaning "the same events as FAU_SAA.1").
    pub level: Option<AuditLevel>,
    /// Component whose event this entry refers to (`equal` in the XML), if any.
    pub same_as: Option<&'static str>,
}

/// A CC component (SFR or SAR) with its facts.
///
/// Why: the unit of selection in PPs/STs; dependency and hierarchy checks work on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Component {
    /// Upper-case id, e.g. "FCS_COP.1".
    pub id: &'static str,
    /// Class id, e.g. "FCS".
    pub class: &'static str,
    /// Family id, e.g. "FCS_COP".
    pub family: &'static str,
    /// Component name as in the catalogue.
    pub name: &'static str,
    /// Functional or assurance.
    pub kind: ComponentKind,
    /// Components this one is directly hierarchical to (see [`Catalog::satisfies`]).
    pub hierarchical_to: &'static [&'static str],
    /// Dependencies: AND of OR-groups; each inner slice is one OR group (one id = plain).
    pub dependencies: &'static [&'static [&'static str]],
    /// Elements in catalogue order.
    pub elements: &'static [Element],
    /// Auditable-event entries in catalogue order (empty for SARs and SFRs without events).
    pub audit: &'static [AuditEntry],
}

impl Component {
    /// Distinct audit levels that have at least one event, ascending; entries that only say
    /// "same as X" are resolved through X (one level deep, as the catalogue uses them).
    pub fn audit_levels(&self, catalog: &Catalog) -> Vec<AuditLevel> {
        let mut out = Vec::new();
        for e in self.audit {
            match (e.level, e.same_as) {
                (Some(l), _) => out.push(l),
                (None, Some(other)) => {
                    if let Some(o) = catalog.component(other) {
                        out.extend(o.audit.iter().filter_map(|x| x.level));
                    }
                }
                (None, None) => {}
            }
        }
        out.sort();
        out.dedup();
        out
    }

    /// All work units of this component, in catalogue order.
    pub fn work_units(&self) -> impl Iterator<Item = &'static WorkUnit> + 'static {
        self.elements.iter().flat_map(|e| e.work_units.iter())
    }

    /// Element by id (case-insensitive).
    pub fn element(&self, id: &str) -> Option<&'static Element> {
        self.elements.iter().find(|e| e.id.eq_ignore_ascii_case(id))
    }
}

/// The immutable catalogue of one edition.
///
/// Why: a single entry point for lookups, backed by generated statics (see [`Catalog::get`]).
#[derive(Debug)]
pub struct Catalog {
    edition: Edition,
    classes: &'static [Class],
    families: &'static [Family],
    family_index: &'static [(&'static str, u16)],
    components: &'static [Component],
    component_index: &'static [(&'static str, u16)],
    eals: &'static [&'static [&'static str]; 7],
    work_units: usize,
    errata: &'static [&'static str],
}

static CC2022: Catalog = Catalog {
    edition: Edition::Cc2022R1,
    classes: generated::cc2022::CLASSES,
    families: generated::cc2022::FAMILIES,
    family_index: generated::cc2022::FAMILY_INDEX,
    components: generated::cc2022::COMPONENTS,
    component_index: generated::cc2022::COMPONENT_INDEX,
    eals: &generated::cc2022::EALS,
    work_units: generated::cc2022::WORK_UNIT_COUNT,
    errata: generated::cc2022::ERRATA_APPLIED,
};

static CC31R5: Catalog = Catalog {
    edition: Edition::Cc31R5,
    classes: generated::cc31r5::CLASSES,
    families: generated::cc31r5::FAMILIES,
    family_index: generated::cc31r5::FAMILY_INDEX,
    components: generated::cc31r5::COMPONENTS,
    component_index: generated::cc31r5::COMPONENT_INDEX,
    eals: &generated::cc31r5::EALS,
    work_units: generated::cc31r5::WORK_UNIT_COUNT,
    errata: generated::cc31r5::ERRATA_APPLIED,
};

/// The family part of a component id (`FIA_UAU` of `FIA_UAU.2`), surrounding space ignored.
fn family_of(id: &str) -> &str {
    let id = id.trim();
    id.split_once('.').map_or(id, |(f, _)| f)
}

fn lookup(index: &'static [(&'static str, u16)], id: &str) -> Option<usize> {
    let find = |k: &str| {
        index
            .binary_search_by(|(probe, _)| (*probe).cmp(k))
            .ok()
            .map(|i| usize::from(index[i].1))
    };
    if id.bytes().any(|b| b.is_ascii_lowercase()) || id.trim().len() != id.len() {
        find(&id.trim().to_ascii_uppercase())
    } else {
        find(id)
    }
}

impl Catalog {
    /// The catalogue of `edition` (a `'static` reference; no initialisation cost).
    pub fn get(edition: Edition) -> &'static Catalog {
        match edition {
            Edition::Cc2022R1 => &CC2022,
            Edition::Cc31R5 => &CC31R5,
        }
    }

    /// Which edition this catalogue describes.
    pub fn edition(&self) -> Edition {
        self.edition
    }

    /// Component by id; case-insensitive ("fcs_cop.1" finds "FCS_COP.1").
    pub fn component(&self, id: &str) -> Option<&'static Component> {
        lookup(self.component_index, id).map(|i| &self.components[i])
    }

    /// All components in catalogue (document) order.
    pub fn components(&self) -> impl Iterator<Item = &'static Component> + 'static {
        self.components.iter()
    }

    /// Functional components in catalogue order.
    pub fn functional(&self) -> impl Iterator<Item = &'static Component> + 'static {
        self.components
            .iter()
            .filter(|c| c.kind == ComponentKind::Functional)
    }

    /// Assurance components in catalogue order.
    pub fn assurance(&self) -> impl Iterator<Item = &'static Component> + 'static {
        self.components
            .iter()
            .filter(|c| c.kind == ComponentKind::Assurance)
    }

    /// Classes in catalogue order.
    pub fn classes(&self) -> &'static [Class] {
        self.classes
    }

    /// Class by id (case-insensitive).
    pub fn class(&self, id: &str) -> Option<&'static Class> {
        self.classes
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(id.trim()))
    }

    /// Families in catalogue order.
    pub fn families(&self) -> &'static [Family] {
        self.families
    }

    /// Family by id (case-insensitive), e.g. "FCS_COP".
    pub fn family(&self, id: &str) -> Option<&'static Family> {
        lookup(self.family_index, id).map(|i| &self.families[i])
    }

    /// Element by id (case-insensitive), e.g. "FCS_COP.1.1" or "ADV_FSP.1.2C".
    pub fn element(&self, id: &str) -> Option<(&'static Component, &'static Element)> {
        let (comp, _) = id.trim().rsplit_once('.')?;
        let c = self.component(comp)?;
        c.element(id.trim()).map(|e| (c, e))
    }

    /// Work unit by id (case-insensitive), e.g. "ADV_FSP.1-1", with its element.
    pub fn work_unit(&self, id: &str) -> Option<(&'static Element, &'static WorkUnit)> {
        let id = id.trim();
        let (comp, _) = id.rsplit_once('-')?;
        let c = self.component(comp)?;
        c.elements.iter().find_map(|e| {
            e.work_units
                .iter()
                .find(|w| w.id.is_some_and(|w| w.eq_ignore_ascii_case(id)))
                .map(|w| (e, w))
        })
    }

    /// `true` when `higher` is `lower` or (transitively) hierarchical to it, i.e. including
    /// `higher` in an ST satisfies a dependency on `lower`. Unknown ids only satisfy
    /// themselves (compared case-insensitively).
    pub fn satisfies(&self, higher: &str, lower: &str) -> bool {
        if higher.trim().eq_ignore_ascii_case(lower.trim()) {
            return true;
        }
        // A hierarchy never leaves its family (`same_family_hierarchies` holds the data to it),
        // so most pairs a dependency check asks about are answered without a lookup.
        if !family_of(higher).eq_ignore_ascii_case(family_of(lower)) {
            return false;
        }
        let Some(target) = self.component(lower) else {
            return false;
        };
        let mut stack: Vec<&'static str> = match self.component(higher) {
            Some(c) => c.hierarchical_to.to_vec(),
            None => return false,
        };
        let mut seen: Vec<&'static str> = Vec::new();
        while let Some(id) = stack.pop() {
            if id == target.id {
                return true;
            }
            if seen.contains(&id) {
                continue;
            }
            seen.push(id);
            if let Some(c) = self.component(id) {
                stack.extend_from_slice(c.hierarchical_to);
            }
        }
        false
    }

    /// Component ids of EAL`level` (1..=7), one per family, sorted by id; `None` otherwise.
    pub fn eal(&self, level: u8) -> Option<&'static [&'static str]> {
        let i = usize::from(level.checked_sub(1)?);
        self.eals.get(i).copied()
    }

    /// Total number of CEM work units (numbered or not).
    pub fn work_unit_count(&self) -> usize {
        self.work_units
    }

    /// Errata entries the generator applied to this edition (`"FCS_COP.1: dependencies"`).
    pub fn errata_applied(&self) -> &'static [&'static str] {
        self.errata
    }
}

fn ops_summary(ops: &[Operation]) -> String {
    ops.iter()
        .map(|o| match o {
            Operation::Assignment { nested: [] } => "assignment".to_string(),
            Operation::Assignment { nested } => {
                format!("assignment (containing {})", ops_summary(nested))
            }
            Operation::Selection {
                exclusive,
                choices,
                nested,
            } => {
                let mut s = if *exclusive {
                    format!("selection (one of {choices})")
                } else {
                    format!("selection (one or more of {choices})")
                };
                if !nested.is_empty() {
                    let _ = write!(s, " with nested {}", ops_summary(nested));
                }
                s
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Human summary of operation slots, e.g. "assignment, selection (one of 3)".
///
/// Why: shared by `describe` and by other crates' diagnostics.
pub fn summarize_operations(ops: &[Operation]) -> String {
    ops_summary(ops)
}

/// Dependencies formatted as "[FCS_CKM.1 or FCS_CKM.2] and [FCS_CKM.6]" ("none" if empty).
///
/// Why: the canonical textual form used in `catalog show` and in check messages.
pub fn format_dependencies(deps: &[&[&str]]) -> String {
    if deps.is_empty() {
        return "none".to_string();
    }
    deps.iter()
        .map(|g| format!("[{}]", g.join(" or ")))
        .collect::<Vec<_>>()
        .join(" and ")
}

/// Multi-line description of a component for `dtsec catalog show ID` (facts only).
///
/// Why: lets users inspect the catalogue without the (copyrighted) CC text.
pub fn describe(component: &Component, catalog: &Catalog) -> String {
    let c = component;
    let mut s = String::new();
    let _ = writeln!(s, "{} {}", c.id, c.name);
    let _ = writeln!(s, "  edition:         {}", catalog.edition().label());
    let class_name = catalog.class(c.class).map_or("", |k| k.name);
    let fam_name = catalog.family(c.family).map_or("", |f| f.name);
    let _ = writeln!(s, "  class:           {} {}", c.class, class_name);
    let _ = writeln!(s, "  family:          {} {}", c.family, fam_name);
    let kind = match c.kind {
        ComponentKind::Functional => "functional (SFR)",
        ComponentKind::Assurance => "assurance (SAR)",
    };
    let _ = writeln!(s, "  kind:            {kind}");
    let hier = if c.hierarchical_to.is_empty() {
        "no other components".to_string()
    } else {
        c.hierarchical_to.join(", ")
    };
    let _ = writeln!(s, "  hierarchical to: {hier}");
    let _ = writeln!(
        s,
        "  dependencies:    {}",
        format_dependencies(c.dependencies)
    );
    if c.kind == ComponentKind::Functional {
        let levels = c.audit_levels(catalog);
        let audit = if levels.is_empty() {
            "no auditable events".to_string()
        } else {
            levels
                .iter()
                .map(|l| l.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let _ = writeln!(s, "  audit levels:    {audit}");
    }
    let _ = writeln!(s, "  elements:");
    for e in c.elements {
        let ops = if e.operations.is_empty() {
            "no operations".to_string()
        } else {
            ops_summary(e.operations)
        };
        let _ = writeln!(s, "    {:<16} {ops}", e.id);
        if !e.work_units.is_empty() {
            let ids: Vec<&str> = e.work_units.iter().map(WorkUnit::label).collect();
            let _ = writeln!(s, "      work units: {}", ids.join(", "));
        }
    }
    s
}

/// One-line summary for `dtsec catalog list`: id, kind tag and name.
///
/// Why: a stable, grep-friendly listing format shared by the CLI and tests.
pub fn list_line(c: &Component) -> String {
    let tag = match c.kind {
        ComponentKind::Functional => "SFR",
        ComponentKind::Assurance => "SAR",
    };
    format!("{:<12} {tag}  {}", c.id, c.name)
}
