//! The exporter's state and what every chapter writer shares: where each kept prose section goes,
//! fresh ids, selectable ids collected before writing, and prose written as XHTML or plain text.
//!
//! Why a module of its own: the chapter writers (`front`, `spd`, `sfr`, `sar`, `pp`) each add
//! methods to [`Exporter`]; they all depend on this file and it on none of them.

use std::collections::{BTreeMap, HashMap};

use dtsec_catalog::Edition;
use dtsec_model::{Document, Section};

use super::error::ExportError;
use super::prose::{OpCtx, write_html, write_operation};
use super::writer::{Xml, owner_id};

/// True when the document carries prose kept from NIAP XML (sections or element HTML), so prose
/// fields are XHTML and choice ids are kept as they are.
pub fn niap_origin(doc: &Document) -> bool {
    !doc.sections.is_empty()
        || doc
            .sfrs
            .iter()
            .flat_map(|s| &s.elements)
            .any(|e| e.html.is_some())
}

/// The root element written.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Root {
    Pp,
    Module,
    Package,
}

/// Where a kept prose section goes. Ordered as in the document.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
pub(super) enum Slot {
    Intro,
    IntroChapter,
    Claims,
    Spd,
    Objectives,
    ObjRationale,
    AuditTable,
    SarClass,
    Appendix,
}

/// The state of one PP, Module or Package export. Its methods are spread over this directory
/// by chapter; this file holds the state and the helpers every chapter uses.
pub(super) struct Exporter<'d> {
    pub(super) doc: &'d Document,
    pub(super) root: Root,
    pub(super) x: Xml,
    pub(super) niap: bool,
    pub(super) edition: Edition,
    /// Placement of each kept section.
    pub(super) slots: Vec<Slot>,
    /// (SFR id, slot, choice id or text) → selectable id, for `depends on-sel` (YAML documents).
    pub(super) choice_ids: HashMap<(String, String, String), String>,
    /// Ids given to generated sections, to keep them unique.
    pub(super) ids: std::collections::BTreeSet<String>,
}

impl<'d> Exporter<'d> {
    pub(super) fn new(doc: &'d Document, root: Root) -> Self {
        let niap = niap_origin(doc);
        let edition = doc
            .cc_edition
            .as_ref()
            .and_then(|e| Edition::parse(&e.value))
            .unwrap_or(Edition::Cc2022R1);
        let mut e = Exporter {
            doc,
            root,
            x: Xml::default(),
            niap,
            edition,
            slots: Vec::new(),
            choice_ids: HashMap::new(),
            ids: doc.sections.iter().map(|s| s.id.clone()).collect(),
        };
        e.place_sections();
        if !niap {
            e.collect_choice_ids();
        }
        e
    }

    pub(super) fn fresh_id(&mut self, want: &str) -> String {
        let base = owner_id(want);
        let mut id = base.clone();
        let mut n = 2;
        while !self.ids.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        id
    }

    /// Classifies each kept section, keeping the order monotone (a section that would go back
    /// goes to the appendices, as does everything after it).
    pub(super) fn place_sections(&mut self) {
        let claims_at = self.doc.sections.iter().position(is_claims);
        let mut current = Slot::Intro;
        for (i, s) in self.doc.sections.iter().enumerate() {
            let slot = if s.id == "Introduction" && s.title == "Introduction" && i == 0 {
                Slot::IntroChapter
            } else if is_claims(s) {
                Slot::Claims
            } else if s.title == "Security Problem Definition" {
                Slot::Spd
            } else if s.title == "Security Objectives" {
                Slot::Objectives
            } else if s.title == "Security Objectives Rationale" && s.html.is_empty() {
                Slot::ObjRationale
            } else if s.html.contains("<niap:audit-table") {
                Slot::AuditTable
            } else if s.title.starts_with("Class A") {
                Slot::SarClass
            } else if claims_at.is_some_and(|c| i < c) {
                Slot::Intro
            } else {
                Slot::Appendix
            };
            let slot = if slot < current { Slot::Appendix } else { slot };
            // Only one of each chapter.
            let slot = if matches!(
                slot,
                Slot::IntroChapter
                    | Slot::Claims
                    | Slot::Spd
                    | Slot::Objectives
                    | Slot::ObjRationale
            ) && self.slots.contains(&slot)
            {
                Slot::Appendix
            } else {
                slot
            };
            current = slot;
            self.slots.push(slot);
        }
    }

    pub(super) fn sections_in(&self, slot: Slot) -> Vec<&'d Section> {
        self.doc
            .sections
            .iter()
            .zip(&self.slots)
            .filter(|(_, s)| **s == slot)
            .map(|(s, _)| s)
            .collect()
    }

    /// Selectable ids of every SFR, before writing, so `depends` can name a later SFR's choices.
    pub(super) fn collect_choice_ids(&mut self) {
        for sfr in &self.doc.sfrs {
            let mut map = HashMap::new();
            let mut ctx = OpCtx {
                owner: owner_id(&sfr.id.value),
                id_all_choices: true,
                choice_ids: &mut map,
            };
            let mut scratch = Xml::default();
            for el in &sfr.elements {
                for (slot, op) in &el.operations {
                    write_operation(&mut scratch, slot, &op.value, &mut ctx);
                }
            }
            for ((slot, choice), id) in map {
                self.choice_ids
                    .insert((sfr.id.value.clone(), slot, choice), id);
            }
        }
    }

    /// Writes a prose field: XHTML for NIAP documents, escaped text otherwise.
    pub(super) fn prose(&mut self, s: &str) -> Result<(), ExportError> {
        if self.niap {
            write_html(&mut self.x, s, &BTreeMap::new(), &mut None)
        } else {
            self.x.text(s);
            Ok(())
        }
    }

    pub(super) fn prose_el(&mut self, name: &str, s: &str) -> Result<(), ExportError> {
        self.x.open(name, &[]);
        self.prose(s)?;
        self.x.close(name);
        Ok(())
    }

    /// A kept section, written back under the element that re-imports to the same id and title.
    pub(super) fn kept_section(&mut self, s: &Section) -> Result<(), ExportError> {
        let sec_name = s.id.replace(' ', "_");
        let plain = s.title == s.id.replace('_', " ") && is_xml_name(&s.id);
        let name = if plain {
            format!("sec:{sec_name}")
        } else {
            "section".to_string()
        };
        if plain {
            self.x.open(&name, &[]);
        } else {
            self.x.open(&name, &[("id", &s.id), ("title", &s.title)]);
        }
        write_html(&mut self.x, &s.html, &BTreeMap::new(), &mut None)?;
        self.x.close(&name);
        self.x.nl();
        Ok(())
    }

    pub(super) fn kept_sections(&mut self, slot: Slot) -> Result<(), ExportError> {
        for s in self.sections_in(slot) {
            self.kept_section(s)?;
        }
        Ok(())
    }
}

pub(super) fn is_claims(s: &Section) -> bool {
    s.html.contains("<niap:CClaimsInfo") || s.id == "Conformance_Claims"
}

pub(super) fn is_xml_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}
