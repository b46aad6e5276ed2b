//! A document written against CC:2022 R1, as it reads in CC 3.1 R5: derived by a committed
//! component mapping, never copied by hand.
//!
//! Why: the CDD PP 2.0 is written against CC:2022, but the program it models named CC 3.1 R5
//! (ISO/IEC 15408:2009), and labs and STs still use that edition. Keeping a second copy of the
//! profile would drift; instead [`EditionMap`] (the data in `data/cc2022-to-cc31r5.yaml`, one row
//! per CC component the profile uses, each with its reason) says how each component reads in
//! CC 3.1 R5, and [`derive`] rewrites the document: component and element ids in SFRs, SARs,
//! selection triggers, TSS entries, required packages, unmet dependencies and extended
//! component definitions; elements merged where CC 3.1 R5 has fewer (a refinement, marked);
//! and an extended component definition for every CC:2022 component CC 3.1 R5 lacks, with the
//! CC:2022 structure — which is what a CC 3.1 PP would have to write. Dependencies and
//! hierarchy of catalogue components are the target edition's (the checker reads them from its
//! catalogue); prose (notes, application notes) is left as written.
//!
//! [`crate::Library`] hands out the derived document when an ST written against CC 3.1 R5
//! claims a document the mapping was made for (`Library::find_in_edition`).

use std::collections::BTreeMap;

use dtsec_catalog::{Catalog, Edition};
use serde::Deserialize;

use crate::document::{Document, Element, ExtendedComponent, Id, Sfr, UnmetDependency};
use crate::sfr_id::{SfrId, component_of_element};
use crate::span::Spanned;

/// The committed mapping from CC:2022 R1 to CC 3.1 R5 for the CDD PP 2.0 and its packages and
/// modules (`crates/model/data/cc2022-to-cc31r5.yaml`; documented in `docs/cc-editions.md`).
pub const CC2022_TO_CC31R5: &str = include_str!("../data/cc2022-to-cc31r5.yaml");

/// How one CC component of the source edition reads in the target edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MappingKind {
    /// Same id and same elements in both editions.
    Same,
    /// Same id; the editions differ in wording or in a SAR's content elements, not in what a
    /// PP states.
    Changed,
    /// The target edition has the component under another id (elements map by number, or as
    /// `elements` says; several onto one is a merge).
    Renamed,
    /// The target edition has no counterpart: the derived document defines `to` as an
    /// extended component with the source edition's structure.
    Extended,
}

/// One row of the mapping.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComponentMapping {
    /// The component id in the source edition, e.g. `FCS_CKM.6`.
    pub from: String,
    /// The id in the target edition; the same as `from` when absent.
    #[serde(default)]
    pub to: Option<String>,
    /// What kind of correspondence this is.
    pub how: MappingKind,
    /// Element ids that do not map by number (source → target).
    #[serde(default)]
    pub elements: BTreeMap<String, String>,
    /// Why a target element is refined (a merge, or operations the target's slots lack); set
    /// as the element's `refinement` unless the document already refines it.
    #[serde(default)]
    pub refinement: Option<String>,
    /// Why the component maps this way, in one line of our own words.
    pub reason: String,
}

impl ComponentMapping {
    /// The component id in the target edition.
    pub fn target(&self) -> &str {
        self.to.as_deref().unwrap_or(&self.from)
    }

    /// The target element of a source element of this component.
    pub fn element(&self, element: &str) -> String {
        if let Some(t) = self.elements.get(element) {
            return t.clone();
        }
        match element.strip_prefix(self.from.as_str()) {
            Some(rest) => format!("{}{rest}", self.target()),
            None => element.to_owned(),
        }
    }
}

/// A document the mapping was made for, by id and version.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct MappedDocument {
    /// The document's `id`.
    pub id: String,
    /// The document's `version`.
    pub version: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MapFile {
    from: String,
    to: String,
    documents: Vec<MappedDocument>,
    components: Vec<ComponentMapping>,
}

/// A component mapping between two CC editions.
#[derive(Clone, Debug)]
pub struct EditionMap {
    /// The edition documents are written against.
    pub from: Edition,
    /// The edition they are derived for.
    pub to: Edition,
    /// The documents the mapping was made for (it covers every component they use).
    pub documents: Vec<MappedDocument>,
    /// One row per source component, in file order.
    pub components: Vec<ComponentMapping>,
}

/// Why a mapping could not be read or a document could not be derived.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EditionError {
    /// The mapping data is not well-formed.
    #[error("the edition mapping {name} is not well-formed: {message}")]
    Map {
        /// Which mapping.
        name: String,
        /// What is wrong.
        message: String,
    },
    /// The document is not written against the mapping's source edition.
    #[error(
        "{document} is written against {found}; the mapping derives documents written against {expected}"
    )]
    WrongEdition {
        /// `id version` of the document.
        document: String,
        /// Its edition.
        found: String,
        /// The mapping's source edition.
        expected: String,
    },
    /// The document uses a component the mapping has no row for.
    #[error(
        "{document} uses `{component}` ({place}), which the {from} → {to} mapping does not cover"
    )]
    Unmapped {
        /// `id version` of the document.
        document: String,
        /// The component.
        component: String,
        /// Where it is used.
        place: String,
        /// Source edition.
        from: &'static str,
        /// Target edition.
        to: &'static str,
    },
    /// A derived extended component would take an id the document already defines.
    #[error("{document} already defines `{id}`, the id the mapping gives to `{from}`")]
    Collision {
        /// `id version` of the document.
        document: String,
        /// The clashing id.
        id: String,
        /// The source component.
        from: String,
    },
    /// Two merged elements name the same operation.
    #[error(
        "{document}: merging into `{element}` of {sfr}: operation `{operation}` is in more than one merged element"
    )]
    OperationClash {
        /// `id version` of the document.
        document: String,
        /// The SFR instance.
        sfr: String,
        /// The target element.
        element: String,
        /// The operation name.
        operation: String,
    },
    /// The derived document could not be written as YAML and read back.
    #[error("{document}: the derived document cannot be written as YAML and read back: {message}")]
    Yaml {
        /// `id version` of the document.
        document: String,
        /// What failed.
        message: String,
    },
}

impl EditionMap {
    /// The committed CC:2022 R1 → CC 3.1 R5 mapping ([`CC2022_TO_CC31R5`]).
    pub fn cc2022_to_cc31r5() -> Result<EditionMap, EditionError> {
        EditionMap::parse("cc2022-to-cc31r5.yaml", CC2022_TO_CC31R5)
    }

    /// Reads a mapping from its YAML text; `name` is for messages.
    pub fn parse(name: &str, text: &str) -> Result<EditionMap, EditionError> {
        let bad = |message: String| EditionError::Map {
            name: name.to_owned(),
            message,
        };
        let file: MapFile = serde_saphyr::from_str(text).map_err(|e| bad(e.to_string()))?;
        let edition =
            |s: &str| Edition::parse(s).ok_or_else(|| bad(format!("unknown CC edition `{s}`")));
        let (from, to) = (edition(&file.from)?, edition(&file.to)?);
        let mut seen = std::collections::HashSet::new();
        for row in &file.components {
            if !seen.insert(row.from.as_str()) {
                return Err(bad(format!("`{}` is mapped twice", row.from)));
            }
        }
        Ok(EditionMap {
            from,
            to,
            documents: file.documents,
            components: file.components,
        })
    }

    /// The row for a source component.
    pub fn row(&self, component: &str) -> Option<&ComponentMapping> {
        self.components.iter().find(|r| r.from == component)
    }

    /// True when the mapping was made for the document `id` `version`.
    pub fn covers(&self, id: &str, version: &str) -> bool {
        self.documents
            .iter()
            .any(|d| d.id == id && d.version == version)
    }
}

/// The edition a document states (CC:2022 R1 when it states none), or `None` when it names one
/// dtsec does not know.
pub fn document_edition(doc: &Document) -> Option<Edition> {
    match &doc.cc_edition {
        None => Some(Edition::default()),
        Some(e) => Edition::parse(&e.value),
    }
}

/// Rewrites `doc` (written against `map.from`) for `map.to`; see the module documentation.
pub fn derive(doc: &Document, map: &EditionMap) -> Result<Document, EditionError> {
    let name = format!("{} {}", doc.id.value, doc.version.value);
    let found = document_edition(doc);
    if found != Some(map.from) {
        return Err(EditionError::WrongEdition {
            document: name,
            found: doc.cc_edition.as_ref().map_or_else(
                || Edition::default().label().to_owned(),
                |e| e.value.clone(),
            ),
            expected: map.from.label().to_owned(),
        });
    }
    let d = Deriver {
        map,
        name,
        target: Catalog::get(map.to),
        source: Catalog::get(map.from),
    };
    let mut out = doc.clone();
    out.cc_edition = Some(Spanned::unspanned(map.to.label().to_owned()));
    // Extended definitions first: they are built from the document's own SFRs, as written.
    let mut added = Vec::new();
    for row in map
        .components
        .iter()
        .filter(|r| r.how == MappingKind::Extended)
    {
        let Some(sfr) = doc
            .sfrs
            .iter()
            .find(|s| SfrId::parse(&s.id.value).component == row.from && !s.elements.is_empty())
        else {
            continue;
        };
        if doc
            .extended_components
            .iter()
            .any(|x| x.id.value == row.target())
        {
            return Err(EditionError::Collision {
                document: d.name.clone(),
                id: row.target().to_owned(),
                from: row.from.clone(),
            });
        }
        added.push(d.extended_definition(row, sfr)?);
    }
    for x in &mut out.extended_components {
        for h in &mut x.hierarchical_to {
            d.rename(h, "hierarchical_to of an extended component")?;
        }
        for group in &mut x.dependencies {
            for dep in group.iter_mut() {
                d.rename(dep, "dependency of an extended component")?;
            }
            dedup(group);
        }
    }
    for sfr in &mut out.sfrs {
        d.sfr(sfr)?;
        // A justified unmet dependency of a component now extended stays only while the
        // derived definition still has it.
        let component = SfrId::parse(&sfr.id.value).component;
        if let Some(x) = added.iter().find(|x| x.id.value == component) {
            sfr.unmet_dependencies.retain(|u| {
                x.dependencies
                    .iter()
                    .flatten()
                    .any(|d| d.value == u.component.value)
            });
        }
    }
    out.extended_components.extend(added);
    for sar in &mut out.sars {
        d.rename(&mut sar.id, "SAR")?;
        for e in &mut sar.elements {
            d.rename_element(&mut e.id);
        }
        d.unmet(&sar.id.value, &mut sar.unmet_dependencies)?;
    }
    for entry in &mut out.tss {
        for s in &mut entry.sfrs {
            d.rename(s, "TSS entry")?;
        }
    }
    for req in &mut out.conformance.required_packages {
        for w in &mut req.when {
            d.rename(&mut w.sfr, "required package trigger")?;
        }
    }
    out.notes.push(format!(
        "Derived for {} from the {} text by dtsec's component mapping (docs/cc-editions.md): \
         component and element ids are {}'s, CC:2022 components it lacks are defined as \
         extended components; prose is left as written. Do not edit by hand.",
        map.to.label(),
        map.from.label(),
        map.to.label()
    ));
    Ok(out)
}

struct Deriver<'m> {
    map: &'m EditionMap,
    name: String,
    target: &'static Catalog,
    source: &'static Catalog,
}

impl Deriver<'_> {
    /// The target id of a component id (an SFR id keeps its iteration). Extended components
    /// keep their ids; anything else must have a row.
    fn component(&self, id: &str, place: &str) -> Result<String, EditionError> {
        let parsed = SfrId::parse(id);
        let mapped = match self.map.row(parsed.component) {
            Some(row) => row.target().to_owned(),
            None if parsed.component.contains("_EXT") => parsed.component.to_owned(),
            None => {
                return Err(EditionError::Unmapped {
                    document: self.name.clone(),
                    component: parsed.component.to_owned(),
                    place: place.to_owned(),
                    from: self.map.from.label(),
                    to: self.map.to.label(),
                });
            }
        };
        Ok(match parsed.iteration {
            Some(it) => format!("{mapped}/{it}"),
            None => mapped,
        })
    }

    fn rename(&self, id: &mut Id, place: &str) -> Result<(), EditionError> {
        id.value = self.component(&id.value, &format!("{place} `{}`", id.value))?;
        Ok(())
    }

    fn rename_element(&self, id: &mut Id) {
        if let Some(row) = self.map.row(component_of_element(&id.value)) {
            id.value = row.element(&id.value);
        }
    }

    fn sfr(&self, sfr: &mut Sfr) -> Result<(), EditionError> {
        let component = SfrId::parse(&sfr.id.value).component.to_owned();
        self.rename(&mut sfr.id, "SFR")?;
        for t in &mut sfr.selected_by {
            self.rename(&mut t.sfr, "selection trigger")?;
        }
        if let Some(row) = self.map.row(&component) {
            sfr.elements = self.elements(&sfr.id.value, row, std::mem::take(&mut sfr.elements))?;
        }
        let id = sfr.id.value.clone();
        self.unmet(&id, &mut sfr.unmet_dependencies)
    }

    /// Renames an SFR's elements, merging those that map onto one target element.
    fn elements(
        &self,
        sfr: &str,
        row: &ComponentMapping,
        elements: Vec<Element>,
    ) -> Result<Vec<Element>, EditionError> {
        let mut out: Vec<(Element, usize)> = Vec::new();
        for mut e in elements {
            e.id.value = row.element(&e.id.value);
            match out.iter_mut().find(|(o, _)| o.id.value == e.id.value) {
                None => out.push((e, 1)),
                Some((into, n)) => {
                    self.merge(sfr, into, e)?;
                    *n += 1;
                }
            }
        }
        Ok(out
            .into_iter()
            .map(|(mut e, merged)| {
                // A merge is a refinement, and so is an element whose operations the target's
                // slots lack: the row says why (the tests require it for a merge), unless the
                // document refines the element already.
                if e.text.is_some() && e.refinement.is_none() {
                    e.refinement.clone_from(&row.refinement);
                }
                if merged > 1 && e.refinement.is_none() {
                    e.refinement = Some(format!(
                        "{} elements of {} merged into one.",
                        merged, row.from
                    ));
                }
                e
            })
            .collect())
    }

    fn merge(&self, sfr: &str, into: &mut Element, from: Element) -> Result<(), EditionError> {
        for (name, op) in from.operations {
            if into.operations.contains_key(&name) {
                return Err(EditionError::OperationClash {
                    document: self.name.clone(),
                    sfr: sfr.to_owned(),
                    element: into.id.value.clone(),
                    operation: name,
                });
            }
            into.operations.insert(name, op);
        }
        for (name, c) in from.completed {
            into.completed.entry(name).or_insert(c);
        }
        if let Some(t) = from.text {
            match &mut into.text {
                Some(text) => {
                    text.value.push(' ');
                    text.value.push_str(&t.value);
                }
                None => into.text = Some(t),
            }
        }
        for (mine, theirs) in [
            (&mut into.application_note, from.application_note),
            (&mut into.refinement, from.refinement),
        ] {
            if let Some(t) = theirs {
                match mine {
                    Some(m) => {
                        m.push_str("\n\n");
                        m.push_str(&t);
                    }
                    None => *mine = Some(t),
                }
            }
        }
        if into.evaluation_activities.is_none() {
            into.evaluation_activities = from.evaluation_activities;
        }
        Ok(())
    }

    /// Renames justified unmet dependencies and keeps those that are still dependencies of the
    /// component in the target edition's catalogue (extended components: see [`derive`]).
    fn unmet(&self, id: &str, unmet: &mut Vec<UnmetDependency>) -> Result<(), EditionError> {
        for u in unmet.iter_mut() {
            self.rename(&mut u.component, &format!("unmet dependency of {id}"))?;
        }
        if let Some(c) = self.target.component(SfrId::parse(id).component) {
            unmet.retain(|u| {
                c.dependencies
                    .iter()
                    .any(|g| g.contains(&u.component.value.as_str()))
            });
        }
        Ok(())
    }

    /// The extended component that carries a source-edition component the target lacks: the
    /// source catalogue's name, hierarchy and dependencies (mapped), and the document's elements.
    fn extended_definition(
        &self,
        row: &ComponentMapping,
        sfr: &Sfr,
    ) -> Result<ExtendedComponent, EditionError> {
        let target = row.target();
        let source = self.source.component(&row.from);
        let place = format!("CC:2022 dependency of {}", row.from);
        let mut dependencies = Vec::new();
        let mut hierarchical_to = Vec::new();
        if let Some(c) = source {
            for group in c.dependencies {
                let mut g = Vec::new();
                for dep in *group {
                    // A dependency on a component neither edition's PP uses needs no row if
                    // the target has it under the same id.
                    let mapped = match self.map.row(dep) {
                        Some(r) => r.target().to_owned(),
                        None if self.target.component(dep).is_some() => (*dep).to_owned(),
                        None => self.component(dep, &place)?,
                    };
                    g.push(Spanned::unspanned(mapped));
                }
                dedup(&mut g);
                dependencies.push(g);
            }
            for h in c.hierarchical_to {
                hierarchical_to.push(Spanned::unspanned(
                    self.component(h, &format!("hierarchy of {}", row.from))?,
                ));
            }
        }
        let family = SfrId::parse(target)
            .component
            .rsplit_once('.')
            .map_or(target, |(f, _)| f)
            .to_owned();
        let family_name = source
            .and_then(|c| self.source.family(c.family))
            .map(|f| format!("{} ({family})", f.name));
        let elements = sfr
            .elements
            .iter()
            .map(|e| Element {
                id: Spanned::unspanned(row.element(&e.id.value)),
                text: e.text.clone(),
                operations: e.operations.clone(),
                completed: BTreeMap::new(),
                refinement: None,
                html: None,
                anchor: None,
                application_note: None,
                evaluation_activities: None,
                management_functions: None,
            })
            .collect();
        Ok(ExtendedComponent {
            id: Spanned::unspanned(target.to_owned()),
            name: source.map_or_else(
                || sfr.title.clone().unwrap_or_default(),
                |c| c.name.to_owned(),
            ),
            family_name,
            rationale: Some(format!(
                "{} has no counterpart in {}: {} Derived from {} {} with its structure.",
                row.from,
                self.map.to.label(),
                row.reason,
                self.map.from.label(),
                row.from
            )),
            hierarchical_to,
            dependencies,
            elements,
            family_behaviour: None,
            levelling: None,
            management: None,
            audit: None,
            dependencies_text: None,
        })
    }
}

fn dedup(group: &mut Vec<Id>) {
    let mut seen = std::collections::HashSet::new();
    group.retain(|d| seen.insert(d.value.clone()));
}
