//! The model → NIAP XML mapping: a Protection Profile, PP-Module or Package written back in the
//! `https://niap-ccevs.org/cc/v1` format, shaped to validate against NIAP's RELAX NG schemas.
//!
//! Two kinds of input meet here. A document imported from NIAP XML keeps its prose as HTML
//! (sections, descriptions, notes, evaluation activities, element titles with `{slot}` markers),
//! and the exporter writes that back verbatim so a re-import gives the same model. A document
//! first written in dtsec YAML has plain text instead; the exporter builds the NIAP structure
//! around it (introduction with the TOE overview, conformance claims, …) and gives every
//! `selectable` a stable id `SFR--SLOT--CHOICE` so `depends on-sel` can point at it. The two are
//! told apart by whether the document carries kept HTML (see [`niap_origin`]).
//!
//! Placement of kept prose sections: the importer keeps each prose section flat, so the exporter
//! puts each back by what it is (the introduction, the conformance claims, an audit table, a SAR
//! class, …) and by its place in the list, keeping the list's order so a re-import finds the same
//! sections in the same order.

use std::collections::{BTreeMap, HashMap};

use dtsec_catalog::{Catalog, Edition};
use dtsec_model::{
    AuditEvent, ConformanceType, Definition, DocRef, Document, DocumentKind, Element,
    EvaluationActivities, ExtendedComponent, ManagementFunctionSet, Operation, Sar, Section, Sfr,
    SfrStatus,
};

use crate::export_xml::{OpCtx, Xml, name_part, owner_id, reborrow, write_html, write_operation};
use crate::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};

/// Why a document could not be exported.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ExportError {
    /// The document kind has no NIAP XML form that dtsec writes.
    #[error("{kind} `{id}` cannot be exported as NIAP XML: {why}")]
    Unsupported {
        /// The kind's label.
        kind: &'static str,
        /// The document's id.
        id: String,
        /// What to do instead.
        why: &'static str,
    },
    /// A NIAP-format Security Target whose model cannot be written as `<st>` XML without
    /// changing it (an SFR under no claim, a claim without url, …).
    #[error("Security Target `{id}` cannot be exported as a NIAP ST: {message}")]
    St {
        /// The document's id.
        id: String,
        /// What is wrong and what to do.
        message: String,
    },
    /// Kept XHTML prose is not well-formed XML (e.g. hand-edited HTML5 in a YAML document).
    #[error("kept XHTML prose is not well-formed ({message}): `{excerpt}`")]
    Html {
        /// The parser's message.
        message: String,
        /// The start of the offending prose.
        excerpt: String,
    },
}

/// Writes `doc` as NIAP XML: `<PP>` for a Protection Profile, `<Module>` for a PP-Module,
/// `<Package>` for a functional or assurance package, `<st>` for a NIAP-format Security Target
/// (`conformance.niap.st`, what [`crate::read_document`] makes of an `<st>` file). dtsec's own
/// Security Targets are refused ([`ExportError::Unsupported`]): NIAP's ST format records
/// selections by the kept `selectable`s of NIAP PPs and has no place for a TSS or assignments.
///
/// Documents imported from NIAP XML round-trip: importing the output gives the same model
/// (STs: reading it with [`crate::read_document`]). Documents first written in YAML lose what
/// NIAP has no place for (see the crate README).
pub fn export(doc: &Document) -> Result<String, ExportError> {
    let kind = doc.kind.value;
    let root = match kind {
        DocumentKind::ProtectionProfile => Root::Pp,
        DocumentKind::PpModule => Root::Module,
        DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage => Root::Package,
        DocumentKind::SecurityTarget if doc.conformance.niap.as_ref().is_some_and(|n| n.st) => {
            return crate::export_st::export_st(doc);
        }
        DocumentKind::SecurityTarget => {
            return Err(ExportError::Unsupported {
                kind: kind.label(),
                id: doc.id.value.clone(),
                why: "only NIAP-format Security Targets (read from NIAP `<st>` XML) are exported; NIAP's ST form has no place for a dtsec ST's completed assignments, TSS or SPD — export the PP, PP-Module or package it claims instead",
            });
        }
    };
    let mut e = Exporter::new(doc, root);
    e.document()?;
    Ok(e.x.out)
}

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

#[derive(Clone, Copy, PartialEq, Eq)]
enum Root {
    Pp,
    Module,
    Package,
}

/// Where a kept prose section goes. Ordered as in the document.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Slot {
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

struct Exporter<'d> {
    doc: &'d Document,
    root: Root,
    x: Xml,
    niap: bool,
    edition: Edition,
    /// Placement of each kept section.
    slots: Vec<Slot>,
    /// (SFR id, slot, choice id or text) → selectable id, for `depends on-sel` (YAML documents).
    choice_ids: HashMap<(String, String, String), String>,
    /// Ids given to generated sections, to keep them unique.
    ids: std::collections::BTreeSet<String>,
}

impl<'d> Exporter<'d> {
    fn new(doc: &'d Document, root: Root) -> Self {
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

    fn fresh_id(&mut self, want: &str) -> String {
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
    fn place_sections(&mut self) {
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

    fn sections_in(&self, slot: Slot) -> Vec<&'d Section> {
        self.doc
            .sections
            .iter()
            .zip(&self.slots)
            .filter(|(_, s)| **s == slot)
            .map(|(s, _)| s)
            .collect()
    }

    /// Selectable ids of every SFR, before writing, so `depends` can name a later SFR's choices.
    fn collect_choice_ids(&mut self) {
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

    // ----- prose -----

    /// Writes a prose field: XHTML for NIAP documents, escaped text otherwise.
    fn prose(&mut self, s: &str) -> Result<(), ExportError> {
        if self.niap {
            write_html(&mut self.x, s, &BTreeMap::new(), &mut None)
        } else {
            self.x.text(s);
            Ok(())
        }
    }

    fn prose_el(&mut self, name: &str, s: &str) -> Result<(), ExportError> {
        self.x.open(name, &[]);
        self.prose(s)?;
        self.x.close(name);
        Ok(())
    }

    /// A kept section, written back under the element that re-imports to the same id and title.
    fn kept_section(&mut self, s: &Section) -> Result<(), ExportError> {
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

    fn kept_sections(&mut self, slot: Slot) -> Result<(), ExportError> {
        for s in self.sections_in(slot) {
            self.kept_section(s)?;
        }
        Ok(())
    }

    // ----- the document -----

    fn document(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        self.x
            .raw("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<!-- Written by dtsec export. -->\n");
        let root_name = match self.root {
            Root::Pp => "PP",
            Root::Module => "Module",
            Root::Package => "Package",
        };
        let product = doc
            .toe
            .types
            .first()
            .map(|t| t.name.clone())
            .unwrap_or_else(|| doc.title.clone());
        let mut attrs = vec![
            ("xmlns", NIAP_NS),
            ("xmlns:h", XHTML_NS),
            ("xmlns:sec", NIAP_SECTION_NS),
        ];
        if self.root != Root::Pp {
            attrs.push(("name", doc.title.as_str()));
        }
        if self.root != Root::Package {
            attrs.push(("target-product", product.as_str()));
            attrs.push(("boilerplate", "yes"));
        }
        self.x.open(root_name, &attrs);
        self.x.nl();
        self.reference();
        self.x.raw("<RevisionHistory/>\n");
        if self.root != Root::Package {
            for p in &doc.conformance.packages {
                self.doc_ref("include-pkg", p, "package");
            }
        }
        if self.root == Root::Pp && !doc.modules.is_empty() {
            self.x.open("modules", &[]);
            for m in &doc.modules {
                self.doc_ref("module", m, "module");
            }
            self.x.close("modules");
            self.x.nl();
        }
        self.introduction()?;
        self.claims()?;
        let has_spd = !doc.spd.threats.is_empty()
            || !doc.spd.assumptions.is_empty()
            || !doc.spd.osps.is_empty()
            || !doc.objectives.toe.is_empty()
            || !doc.objectives.environment.is_empty()
            || !self.sections_in(Slot::Spd).is_empty()
            || !self.sections_in(Slot::Objectives).is_empty();
        let has_obj = !doc.objectives.toe.is_empty()
            || !doc.objectives.environment.is_empty()
            || !self.sections_in(Slot::Objectives).is_empty()
            || !self.sections_in(Slot::ObjRationale).is_empty();
        if self.niap {
            // Only what the source had: generated empty chapters would come back as prose.
            if has_spd {
                self.spd()?;
            }
            if has_obj || (self.root == Root::Module && has_spd) {
                self.objectives()?;
            }
        } else if self.root != Root::Package || has_spd {
            self.spd()?;
            self.objectives()?;
        }
        match self.root {
            Root::Pp => self.requirements_pp()?,
            Root::Module => self.requirements_module()?,
            Root::Package => {
                self.sfr_section()?;
            }
        }
        self.appendices()?;
        self.x.raw("<bibliography/>\n");
        self.x.close(root_name);
        self.x.nl();
        Ok(())
    }

    fn reference(&mut self) {
        let doc = self.doc;
        let id = &doc.identification;
        self.x.open("PPReference", &[]);
        self.x.open("ReferenceTable", &[]);
        self.x.leaf("PPTitle", &[], &doc.title);
        self.x.leaf("PPVersion", &[], &doc.version.value);
        // NIAP requires both; a document imported without them gets none back.
        if id.author.is_some() || !self.niap {
            self.x
                .leaf("PPAuthor", &[], id.author.as_deref().unwrap_or(""));
        }
        if id.date.is_some() || !self.niap {
            self.x
                .leaf("PPPubDate", &[], id.date.as_deref().unwrap_or("1970-01-01"));
        }
        if !id.keywords.is_empty() {
            self.x.leaf("Keywords", &[], &id.keywords.join("; "));
        }
        self.x.close("ReferenceTable");
        self.x.close("PPReference");
        self.x.nl();
    }

    /// `include-pkg` / `module`: git URL and `release-VERSION` branch when the URL is known,
    /// otherwise the name attributes.
    fn doc_ref(&mut self, tag: &str, r: &DocRef, kind: &str) {
        let xml_id = format!("{}-{}", kind, name_part(&r.id.value));
        match &r.url {
            Some(url) if last_segment(url) == r.id.value => {
                self.x.open(tag, &[("id", &xml_id)]);
                self.x.open("git", &[]);
                self.x.leaf("url", &[], url);
                let branch = if r.version.value.is_empty() {
                    String::new()
                } else {
                    format!("release-{}", r.version.value)
                };
                self.x.leaf("branch", &[], &branch);
                self.x.close("git");
                self.x.leaf("url", &[], url);
            }
            _ => {
                self.x.open(
                    tag,
                    &[
                        ("id", &xml_id),
                        ("version", &r.version.value),
                        ("name", &r.id.value),
                        ("product", &r.id.value),
                        ("short", &r.id.value),
                    ],
                );
                self.x.leaf("url", &[], r.url.as_deref().unwrap_or(""));
            }
        }
        if let Some(n) = &self.doc.conformance.niap {
            for c in n.conditions.iter().filter(|c| c.doc.value == r.id.value) {
                let names: Vec<String> = (0..c.on.len())
                    .map(|i| {
                        if i == 0 {
                            "on".into()
                        } else {
                            format!("on{}", i + 1)
                        }
                    })
                    .collect();
                let attrs: Vec<(&str, &str)> = names
                    .iter()
                    .zip(&c.on)
                    .map(|(n, v)| (n.as_str(), v.value.as_str()))
                    .collect();
                self.x.empty("depends", &attrs);
            }
        }
        self.x.close(tag);
        self.x.nl();
    }

    fn introduction(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        let chapter = self.sections_in(Slot::IntroChapter);
        if let Some(s) = chapter.first() {
            self.kept_section(s)?;
            return Ok(());
        }
        let kept = self.sections_in(Slot::Intro);
        if self.niap && kept.is_empty() {
            // The source had no introduction prose; keep only its features (a generated
            // overview would come back as a new section).
            if !doc.features.is_empty() {
                self.x.raw("<sec:Introduction>\n");
                self.features()?;
                self.x.raw("</sec:Introduction>\n");
            }
            return Ok(());
        }
        self.x.raw("<sec:Introduction>\n");
        let mut rest = kept.as_slice();
        if !self.niap || kept.is_empty() {
            // A generated overview: the document's overview and the TOE.
            let id = self.fresh_id("Overview");
            self.x
                .open("section", &[("id", &id), ("title", "Overview")]);
            let overview = doc
                .identification
                .overview
                .clone()
                .unwrap_or_else(|| doc.title.clone());
            self.prose_el("h:p", &overview)?;
            self.x.close("section");
            self.x.nl();
            self.x.raw("<tech-terms/>\n");
            self.toe_overview()?;
        } else if let Some((first, others)) = rest.split_first() {
            self.kept_section(first)?;
            rest = others;
            self.x.raw("<tech-terms/>\n");
        }
        for s in rest {
            self.kept_section(s)?;
        }
        self.features()?;
        self.x.raw("</sec:Introduction>\n");
        Ok(())
    }

    fn toe_overview(&mut self) -> Result<(), ExportError> {
        let toe = &self.doc.toe;
        if toe.overview.is_none() && toe.description.is_none() && toe.types.is_empty() {
            return Ok(());
        }
        let id = self.fresh_id("toeov");
        self.x
            .open("section", &[("id", &id), ("title", "TOE Overview")]);
        if let Some(o) = &toe.overview {
            self.prose_el("h:p", o)?;
        }
        if let Some(d) = &toe.description {
            self.prose_el("h:p", d)?;
        }
        if !toe.types.is_empty() {
            self.x.open("h:ul", &[]);
            for t in &toe.types {
                self.x.open("h:li", &[]);
                self.x
                    .leaf("h:b", &[], &format!("{} ({})", t.name, t.id.value));
                if let Some(d) = &t.description {
                    self.x.text(": ");
                    self.prose(d)?;
                }
                self.x.close("h:li");
            }
            self.x.close("h:ul");
        }
        if !toe.interfaces.is_empty() {
            self.x.leaf(
                "h:p",
                &[],
                &format!("Interfaces: {}.", toe.interfaces.join(", ")),
            );
        }
        self.x.close("section");
        self.x.nl();
        Ok(())
    }

    fn features(&mut self) -> Result<(), ExportError> {
        if self.doc.features.is_empty() {
            return Ok(());
        }
        let id = self.fresh_id("sec-features");
        self.x.open(
            "section",
            &[
                ("id", &id),
                (
                    "title",
                    "Product Features Mapped to Implementation-dependent Requirements",
                ),
            ],
        );
        self.x.open("implements", &[]);
        for f in &self.doc.features {
            let title = f.name.clone().unwrap_or_else(|| f.id.value.clone());
            self.x
                .open("feature", &[("id", &f.id.value), ("title", &title)]);
            self.prose_el("description", f.description.as_deref().unwrap_or(""))?;
            self.x.close("feature");
        }
        self.x.close("implements");
        self.x.close("section");
        self.x.nl();
        Ok(())
    }

    fn claims(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        if let Some(s) = self.sections_in(Slot::Claims).first() {
            return self.kept_section(s);
        }
        if self.niap {
            // The source had no conformance claims chapter; a generated one would come back
            // as a new prose section.
            return Ok(());
        }
        self.x.raw("<sec:Conformance_Claims>");
        if let Some(r) = &doc.conformance.rationale {
            self.prose_el("h:p", r)?;
        }
        let version = match self.edition {
            Edition::Cc31R5 => "cc-31r5",
            _ => "cc-2022r1",
        };
        self.x.open("CClaimsInfo", &[("cc-version", version)]);
        let conf = match doc.conformance.conformance_type.as_ref().map(|c| c.value) {
            Some(ConformanceType::Demonstrable) => "demonstrable",
            _ => "strict",
        };
        self.x.leaf("cc-st-conf", &[], conf);
        let pt2_ext = doc
            .extended_components
            .iter()
            .any(|e| e.id.value.starts_with('F'))
            || doc.sfrs.iter().any(|s| s.id.value.contains("_EXT"));
        let pt3_ext = doc
            .extended_components
            .iter()
            .any(|e| e.id.value.starts_with('A'))
            || doc.sars.iter().any(|s| s.id.value.contains("_EXT"));
        let conformant = |ext: bool| if ext { "extended" } else { "conformant" };
        self.x.leaf("cc-pt2-conf", &[], conformant(pt2_ext));
        self.x.leaf("cc-pt3-conf", &[], conformant(pt3_ext));
        self.x.open("cc-pp-conf", &[]);
        for p in &doc.conformance.pps {
            self.x.leaf(
                "PP-cc-ref",
                &[],
                &format!("{} {}", p.id.value, p.version.value),
            );
        }
        self.x.close("cc-pp-conf");
        self.x.raw("<cc-pp-config-with/>");
        self.x.open("cc-pkg-claim", &[]);
        for p in &doc.conformance.packages {
            self.x.leaf(
                "FP-cc-ref",
                &[("conf", "conformant")],
                &format!("{} {}", p.id.value, p.version.value),
            );
        }
        self.x.close("cc-pkg-claim");
        self.x.close("CClaimsInfo");
        self.x.raw("</sec:Conformance_Claims>\n");
        Ok(())
    }

    // ----- security problem and objectives -----

    fn spd(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        if let Some(s) = self.sections_in(Slot::Spd).first() {
            return self.kept_section(s);
        }
        let derive = !any_refs(doc);
        self.x
            .raw("<sec:Security_Problem_Definition>\n<sec:Threats><threats>");
        for d in &doc.spd.threats {
            self.x.nl();
            self.definition("threat", d, derive, true)?;
        }
        self.x
            .raw("</threats></sec:Threats>\n<sec:Assumptions><assumptions>");
        for d in &doc.spd.assumptions {
            self.x.nl();
            self.definition("assumption", d, derive, false)?;
        }
        self.x.raw("</assumptions></sec:Assumptions>\n");
        if !doc.spd.osps.is_empty() {
            self.x.raw("<sec:Organizational_Security_Policies><OSPs>");
            for d in &doc.spd.osps {
                self.x.nl();
                self.definition("OSP", d, derive, false)?;
            }
            self.x
                .raw("</OSPs></sec:Organizational_Security_Policies>\n");
        }
        self.x.raw("</sec:Security_Problem_Definition>\n");
        Ok(())
    }

    /// A threat, assumption or OSP with its objective or SFR mappings. `derive`: the document
    /// has no NIAP mappings of its own (YAML), so they are built from the objectives' and SFRs'
    /// links.
    fn definition(
        &mut self,
        tag: &str,
        d: &Definition,
        derive: bool,
        threat: bool,
    ) -> Result<(), ExportError> {
        let doc = self.doc;
        self.x.open(tag, &[("name", &d.id.value)]);
        self.prose_el("description", &d.description)?;
        if derive {
            let objs: Vec<&Definition> = doc
                .objectives
                .toe
                .iter()
                .chain(&doc.objectives.environment)
                .filter(|o| o.addresses.iter().any(|a| a.value == d.id.value))
                .collect();
            if !objs.is_empty() || !threat {
                for o in objs {
                    self.x.open("objective-refer", &[("ref", &o.id.value)]);
                    self.prose_el("rationale", o.rationale.as_deref().unwrap_or(""))?;
                    self.x.close("objective-refer");
                }
            } else {
                let sfrs: Vec<&str> = doc
                    .sfrs
                    .iter()
                    .filter(|s| s.addresses.iter().any(|a| a.value == d.id.value))
                    .map(|s| s.id.value.as_str())
                    .collect();
                for s in sfrs {
                    self.x.leaf("addressed-by", &[], s);
                    self.x.raw("<rationale/>");
                }
            }
        } else {
            for m in &d.objective_refs {
                self.x.open("objective-refer", &[("ref", &m.to.value)]);
                self.prose_el("rationale", m.rationale.as_deref().unwrap_or(""))?;
                self.x.close("objective-refer");
            }
            self.addressed_by(d)?;
        }
        self.x.close(tag);
        Ok(())
    }

    fn addressed_by(&mut self, d: &Definition) -> Result<(), ExportError> {
        for m in &d.addressed_by {
            self.x.leaf("addressed-by", &[], &m.to.value);
            if let Some(r) = &m.rationale {
                self.prose_el("rationale", r)?;
            }
        }
        Ok(())
    }

    fn objectives(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        if let Some(s) = self.sections_in(Slot::Objectives).first() {
            return self.kept_section(s);
        }
        let derive = !any_refs(doc);
        self.x.raw("<sec:Security_Objectives>\n");
        if !doc.objectives.toe.is_empty() || self.root == Root::Module {
            self.x.raw("<sec:Security_Objectives_for_the_TOE><SOs>");
            for o in &doc.objectives.toe {
                self.x.nl();
                self.x.open("SO", &[("name", &o.id.value)]);
                self.prose_el("description", &o.description)?;
                if derive {
                    let sfrs: Vec<&str> = doc
                        .sfrs
                        .iter()
                        .filter(|s| s.objectives.iter().any(|a| a.value == o.id.value))
                        .map(|s| s.id.value.as_str())
                        .collect();
                    if sfrs.is_empty() {
                        self.x.raw("<addressed-by/><rationale/>");
                    }
                    for s in sfrs {
                        self.x.leaf("addressed-by", &[], s);
                        self.x.raw("<rationale/>");
                    }
                } else {
                    self.addressed_by(o)?;
                }
                self.x.close("SO");
            }
            self.x.raw("</SOs></sec:Security_Objectives_for_the_TOE>\n");
        }
        self.x
            .raw("<sec:Security_Objectives_for_the_Operational_Environment>");
        if !doc.objectives.environment.is_empty() {
            self.x.raw("<SOEs>");
            for o in &doc.objectives.environment {
                self.x.nl();
                self.x.open("SOE", &[("name", &o.id.value)]);
                self.prose_el("description", &o.description)?;
                self.x.close("SOE");
            }
            self.x.raw("</SOEs>");
        }
        self.x
            .raw("</sec:Security_Objectives_for_the_Operational_Environment>\n");
        for s in self.sections_in(Slot::ObjRationale) {
            if s.id == "Security_Objectives_Rationale" {
                self.x.raw("<sec:Security_Objectives_Rationale/>\n");
            } else {
                self.x.empty(
                    "section",
                    &[("title", "Security Objectives Rationale"), ("id", &s.id)],
                );
                self.x.nl();
            }
        }
        self.x.raw("</sec:Security_Objectives>\n");
        Ok(())
    }

    // ----- requirements -----

    fn requirements_pp(&mut self) -> Result<(), ExportError> {
        self.x.raw("<sec:Security_Requirements>\n");
        self.sfr_section()?;
        if !self.niap || !self.doc.sars.is_empty() || !self.sections_in(Slot::SarClass).is_empty() {
            self.x.raw("<sec:Security_Assurance_Requirements>\n");
            self.sar_sections()?;
            self.x.raw("</sec:Security_Assurance_Requirements>\n");
        }
        self.x.raw("</sec:Security_Requirements>\n");
        Ok(())
    }

    fn sfr_section(&mut self) -> Result<(), ExportError> {
        self.x.raw("<sec:Security_Functional_Requirements>\n");
        self.kept_sections(Slot::AuditTable)?;
        let sfrs: Vec<&Sfr> = self.doc.sfrs.iter().collect();
        self.class_sections(&sfrs, false)?;
        self.x.raw("</sec:Security_Functional_Requirements>\n");
        Ok(())
    }

    fn requirements_module(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        self.x.raw("<sec:Security_Requirements>\n");
        for b in &doc.base_pps {
            let xml_id = self.fresh_id(&format!("bpp-{}", b.id.value));
            self.x.open(
                "base-pp",
                &[
                    ("id", &xml_id),
                    ("name", &b.id.value),
                    ("short", &b.id.value),
                    ("product", &b.id.value),
                    ("version", &b.version.value),
                ],
            );
            if let Some(url) = &b.url {
                self.x.open("git", &[]);
                self.x.leaf("url", &[], url);
                self.x
                    .leaf("branch", &[], &format!("release-{}", b.version.value));
                self.x.close("git");
            }
            self.x.leaf("url", &[], b.url.as_deref().unwrap_or(""));
            self.x.raw("<modified-sfrs/><additional-sfrs>");
            let sfrs: Vec<&Sfr> = doc
                .sfrs
                .iter()
                .filter(|s| s.base_pp.as_ref().is_some_and(|p| p.value == b.id.value))
                .collect();
            self.class_sections(&sfrs, true)?;
            self.x
                .raw("</additional-sfrs><con-toe/><con-sec-prob/><con-op-en/></base-pp>\n");
        }
        self.x.raw("<man-sfrs>\n");
        self.kept_sections(Slot::AuditTable)?;
        let sfrs: Vec<&Sfr> = doc
            .sfrs
            .iter()
            .filter(|s| {
                s.base_pp
                    .as_ref()
                    .is_none_or(|p| !doc.base_pps.iter().any(|b| b.id.value == p.value))
            })
            .collect();
        self.class_sections(&sfrs, false)?;
        self.x.raw("</man-sfrs>\n");
        if !doc.sars.is_empty() || !self.sections_in(Slot::SarClass).is_empty() {
            self.x.raw("<mod-sars>");
            self.sar_sections()?;
            self.x.raw("</mod-sars>\n");
        }
        self.x
            .raw("<opt-sfrs/><sel-sfrs/><obj-sfrs/><impl-dep-sfrs/>\n");
        self.x.raw("</sec:Security_Requirements>\n");
        Ok(())
    }

    /// SFRs grouped into one section per run of the same class, in document order, each
    /// extended family's definition before its first component.
    fn class_sections(&mut self, sfrs: &[&Sfr], base: bool) -> Result<(), ExportError> {
        let mut runs: Vec<(String, Vec<&Sfr>)> = Vec::new();
        for s in sfrs {
            let class = s.id.value.get(..3).unwrap_or("").to_ascii_uppercase();
            match runs.last_mut() {
                Some((c, list)) if *c == class => list.push(s),
                _ => runs.push((class, vec![s])),
            }
        }
        let mut defined = std::collections::BTreeSet::new();
        for (class, list) in runs {
            let title = match Catalog::get(self.edition).class(&class) {
                Some(c) => format!("{} ({class})", c.name),
                None => format!("Class {class}"),
            };
            let id = self.fresh_id(&class.to_ascii_lowercase());
            self.x.open("section", &[("id", &id), ("title", &title)]);
            self.x.nl();
            for sfr in list {
                let family = family_of(&sfr.id.value);
                if defined.insert(family.clone()) {
                    self.ext_comp_def(&family)?;
                }
                self.f_component(sfr, base)?;
            }
            self.x.close("section");
            self.x.nl();
        }
        Ok(())
    }

    fn ext_comp_def(&mut self, family: &str) -> Result<(), ExportError> {
        let doc = self.doc;
        let Some(e) = doc
            .extended_components
            .iter()
            .find(|e| family_of(&e.id.value) == family)
        else {
            return Ok(());
        };
        if !family.ends_with("_EXT") || !family.starts_with('F') {
            return Ok(());
        }
        if self.niap && e.family_name.is_none() && e.family_behaviour.is_none() {
            return Ok(());
        }
        let title = e.family_name.clone().unwrap_or_else(|| family.to_string());
        self.x
            .open("ext-comp-def", &[("fam-id", family), ("title", &title)]);
        self.x.open("fam-behavior", &[]);
        match (&e.family_behaviour, &e.rationale) {
            (Some(b), _) => self.prose(b)?,
            (None, Some(r)) if !self.niap => self.x.text(r),
            _ => {}
        }
        self.x.close("fam-behavior");
        self.x.close("ext-comp-def");
        self.x.nl();
        Ok(())
    }

    fn f_component(&mut self, sfr: &Sfr, base: bool) -> Result<(), ExportError> {
        let doc = self.doc;
        let (cc_id, iteration) = match sfr.id.value.split_once('/') {
            Some((c, i)) => (c, Some(i)),
            None => (sfr.id.value.as_str(), None),
        };
        let cc_lower = cc_id.to_ascii_lowercase();
        let status = sfr.status.as_ref().map(|s| s.value);
        let status_attr = match status {
            _ if sfr.invisible => Some("invisible"),
            Some(SfrStatus::Optional) => Some("optional"),
            Some(SfrStatus::Objective) => Some("objective"),
            Some(SfrStatus::SelectionBased) => Some("sel-based"),
            Some(SfrStatus::FeatureBased) => Some("feat-based"),
            Some(SfrStatus::Mandatory) | None => None,
        };
        let mut attrs: Vec<(&str, &str)> = vec![("cc-id", &cc_lower)];
        if let Some(a) = &sfr.anchor {
            attrs.push(("id", a.as_str()));
        }
        if let Some(i) = iteration {
            attrs.push(("iteration", i));
        }
        if let Some(t) = &sfr.title {
            attrs.push(("name", t));
        } else if !self.niap {
            attrs.push(("name", component_name(self.edition, cc_id)));
        }
        if let Some(s) = status_attr {
            attrs.push(("status", s));
        }
        self.x.open("f-component", &attrs);
        // depends
        if self.niap || !sfr.depends.is_empty() {
            for clause in &sfr.depends {
                let names = depends_names(clause.on.len());
                let mut a: Vec<(&str, &str)> = Vec::new();
                for (n, v) in names.iter().zip(&clause.on) {
                    a.push((n.as_str(), v.value.as_str()));
                }
                match &clause.external_doc {
                    Some(ext) => {
                        self.x.open("depends", &a);
                        self.x.empty("external-doc", &[("ref", &ext.value)]);
                        self.x.close("depends");
                    }
                    None => self.x.empty("depends", &a),
                }
            }
        } else {
            let mut on: Vec<String> = Vec::new();
            for t in &sfr.selected_by {
                let key = (
                    t.sfr.value.clone(),
                    t.operation.value.clone(),
                    t.choice.value.clone(),
                );
                on.push(
                    self.choice_ids
                        .get(&key)
                        .cloned()
                        .unwrap_or_else(|| t.choice.value.clone()),
                );
            }
            if !on.is_empty() {
                let names: Vec<String> = (0..on.len())
                    .map(|i| {
                        if i == 0 {
                            "on-sel".into()
                        } else {
                            format!("on-sel{}", i + 1)
                        }
                    })
                    .collect();
                let a: Vec<(&str, &str)> = names
                    .iter()
                    .map(String::as_str)
                    .zip(on.iter().map(String::as_str))
                    .collect();
                self.x.empty("depends", &a);
            }
            if let Some(f) = &sfr.feature {
                self.x.empty("depends", &[("on", &f.value)]);
            }
        }
        if let Some(n) = &sfr.application_note {
            self.x.open("note", &[("role", "application")]);
            self.prose(n)?;
            self.x.close("note");
        }
        if base {
            self.x.raw("<consistency-rationale/>");
        }
        // The extended component definition rides on the first instance of its component.
        let ext = doc.extended_components.iter().find(|e| {
            e.id.value.eq_ignore_ascii_case(cc_id)
                && doc
                    .sfrs
                    .iter()
                    .find(|s| {
                        s.id.value
                            .split('/')
                            .next()
                            .is_some_and(|c| c.eq_ignore_ascii_case(cc_id))
                    })
                    .is_some_and(|first| std::ptr::eq(first, sfr))
        });
        if let Some(e) = ext {
            self.ext_extra(e)?;
        }
        let owner = owner_id(&sfr.id.value);
        let mut map = HashMap::new();
        for (i, el) in sfr.elements.iter().enumerate() {
            let mut attrs: Vec<(&str, &str)> = Vec::new();
            if let Some(a) = &el.anchor {
                attrs.push(("id", a.as_str()));
            }
            self.x.open("f-element", &attrs);
            let mut ctx = OpCtx {
                owner: owner.clone(),
                id_all_choices: !self.niap,
                choice_ids: &mut map,
            };
            self.title(el, &mut ctx)?;
            // The definition's own wording: a different text, or (imported) its own source.
            if let Some(e) = ext
                && let Some(ext_el) = e.elements.get(i)
                && (!same(ext_el, el) || (self.niap && ext_el.id.span != el.id.span))
            {
                self.x.open("ext-comp-def-title", &[]);
                let mut ext_map = HashMap::new();
                let mut ctx = OpCtx {
                    owner: format!("{owner}-ecd"),
                    id_all_choices: !self.niap,
                    choice_ids: &mut ext_map,
                };
                self.title(ext_el, &mut ctx)?;
                self.x.close("ext-comp-def-title");
            }
            if let Some(n) = &el.application_note {
                self.x.open("note", &[("role", "application")]);
                self.prose(n)?;
                self.x.close("note");
            }
            if let Some(a) = &el.evaluation_activities {
                self.activities(a, None)?;
            }
            if i == 0
                && let Some(a) = &sfr.evaluation_activities
            {
                self.activities(a, Some("component"))?;
            }
            self.x.close("f-element");
            self.x.nl();
        }
        let mut ctx = OpCtx {
            owner: owner.clone(),
            id_all_choices: !self.niap,
            choice_ids: &mut map,
        };
        for ae in &sfr.audit_events {
            self.audit_event(ae, &mut ctx)?;
        }
        self.x.close("f-component");
        self.x.nl();
        Ok(())
    }

    /// `comp-lev`, `management`, `audit`, `dependencies` of an extended component.
    fn ext_extra(&mut self, e: &ExtendedComponent) -> Result<(), ExportError> {
        if self.niap {
            for (tag, v) in [
                ("comp-lev", &e.levelling),
                ("management", &e.management),
                ("audit", &e.audit),
                ("dependencies", &e.dependencies_text),
            ] {
                if let Some(v) = v {
                    self.prose_el(tag, v)?;
                }
            }
            return Ok(());
        }
        let lev = e.levelling.clone().unwrap_or_else(|| {
            if e.hierarchical_to.is_empty() {
                format!(
                    "{}, {}, is not hierarchical to any other component.",
                    e.id.value, e.name
                )
            } else {
                let h: Vec<&str> = e.hierarchical_to.iter().map(|h| h.value.as_str()).collect();
                format!(
                    "{}, {}, is hierarchical to {}.",
                    e.id.value,
                    e.name,
                    h.join(", ")
                )
            }
        });
        self.x.leaf("comp-lev", &[], &lev);
        self.x.leaf(
            "management",
            &[],
            e.management
                .as_deref()
                .unwrap_or("No specific management functions are identified."),
        );
        self.x.leaf(
            "audit",
            &[],
            e.audit
                .as_deref()
                .unwrap_or("There are no auditable events foreseen."),
        );
        self.x.open("dependencies", &[]);
        if let Some(t) = &e.dependencies_text {
            self.x.text(t);
        } else if e.dependencies.is_empty() {
            self.x.text("No dependencies.");
        } else {
            for (i, g) in e.dependencies.iter().enumerate() {
                if i > 0 {
                    self.x.empty("h:br", &[]);
                }
                let ids: Vec<&str> = g.iter().map(|d| d.value.as_str()).collect();
                self.x.text(&ids.join(" or "));
            }
        }
        self.x.close("dependencies");
        Ok(())
    }

    /// An element's `title`: the kept HTML (or the text) with operations put back, and its
    /// management-function table.
    fn title(&mut self, el: &Element, ctx: &mut OpCtx<'_>) -> Result<(), ExportError> {
        self.x.open("title", &[]);
        let ops: BTreeMap<String, &Operation> = el
            .operations
            .iter()
            .map(|(k, v)| (k.clone(), &v.value))
            .collect();
        match (&el.html, &el.text) {
            (Some(h), _) => write_html(&mut self.x, h, &ops, &mut Some(reborrow(ctx)))?,
            (None, Some(t)) => {
                let mut escaped = String::new();
                crate::html::escape_text(&t.value, &mut escaped);
                write_html(&mut self.x, &escaped, &ops, &mut Some(reborrow(ctx)))?;
            }
            (None, None) => {}
        }
        if let Some(m) = &el.management_functions {
            self.management_functions(m, ctx)?;
        }
        self.x.close("title");
        Ok(())
    }

    fn management_functions(
        &mut self,
        m: &ManagementFunctionSet,
        ctx: &mut OpCtx<'_>,
    ) -> Result<(), ExportError> {
        let default = if m.default == "_" { "_" } else { "O" };
        self.x
            .open("management-function-set", &[("default", default)]);
        for mgr in &m.managers {
            self.x.leaf("manager", &[("cid", &mgr.id)], &mgr.name);
        }
        for f in &m.functions {
            let mut attrs: Vec<(&str, &str)> = Vec::new();
            if let Some(id) = &f.id {
                attrs.push(("id", id));
            }
            self.x.open("management-function", &attrs);
            for clause in &f.depends {
                let names = depends_names(clause.on.len());
                let a: Vec<(&str, &str)> = names
                    .iter()
                    .map(String::as_str)
                    .zip(clause.on.iter().map(|v| v.value.as_str()))
                    .collect();
                match &clause.external_doc {
                    Some(ext) => {
                        self.x.open("depends", &a);
                        self.x.empty("external-doc", &[("ref", &ext.value)]);
                        self.x.close("depends");
                    }
                    None => self.x.empty("depends", &a),
                }
            }
            self.x.open("text", &[]);
            let ops: BTreeMap<String, &Operation> =
                f.operations.iter().map(|(k, v)| (k.clone(), v)).collect();
            let mut escaped = String::new();
            crate::html::escape_text(&f.text, &mut escaped);
            write_html(&mut self.x, &escaped, &ops, &mut Some(reborrow(ctx)))?;
            self.x.close("text");
            for (role, v) in &f.roles {
                let tag = match v.as_str() {
                    "M" | "O" | "NA" | "X" => v.as_str(),
                    _ => "O",
                };
                self.x.empty(tag, &[("ref", role)]);
            }
            for n in &f.notes {
                self.prose_el("app-note", n)?;
            }
            if let Some(a) = &f.evaluation_activities {
                self.activities(a, None)?;
            }
            self.x.close("management-function");
        }
        self.x.close("management-function-set");
        Ok(())
    }

    /// One `aactivity` per test beyond the first (NIAP allows one `Tests` each); a re-import
    /// merges them back.
    fn activities(
        &mut self,
        a: &EvaluationActivities,
        level: Option<&str>,
    ) -> Result<(), ExportError> {
        let attrs: Vec<(&str, &str)> = level.map(|l| vec![("level", l)]).unwrap_or_default();
        self.x.open("aactivity", &attrs);
        if let Some(o) = &a.other {
            self.prose(o)?;
        }
        if let Some(t) = &a.tss {
            self.prose_el("TSS", t)?;
        }
        if let Some(g) = &a.guidance {
            self.prose_el("Guidance", g)?;
        }
        if let Some(t) = a.tests.first() {
            self.prose_el("Tests", t)?;
        } else if a.tss.is_none() && a.guidance.is_none() && !self.niap {
            self.x.raw("<no-tests/>");
        }
        self.x.close("aactivity");
        for t in a.tests.iter().skip(1) {
            self.x.open("aactivity", &attrs);
            self.prose_el("Tests", t)?;
            self.x.close("aactivity");
        }
        Ok(())
    }

    fn audit_event(&mut self, ae: &AuditEvent, ctx: &mut OpCtx<'_>) -> Result<(), ExportError> {
        let mut attrs: Vec<(&str, &str)> = Vec::new();
        if ae.optional {
            attrs.push(("type", "optional"));
        }
        if let Some(t) = &ae.table {
            attrs.push(("table", t));
        }
        self.x.open("audit-event", &attrs);
        let ops: BTreeMap<String, &Operation> =
            ae.operations.iter().map(|(k, v)| (k.clone(), v)).collect();
        if let Some(d) = &ae.description {
            self.x.open("audit-event-descr", &[]);
            let mut escaped = String::new();
            crate::html::escape_text(d, &mut escaped);
            write_html(&mut self.x, &escaped, &ops, &mut Some(reborrow(ctx)))?;
            self.x.close("audit-event-descr");
        }
        for i in &ae.info {
            self.x.open("audit-event-info", &[]);
            let mut escaped = String::new();
            crate::html::escape_text(i, &mut escaped);
            write_html(&mut self.x, &escaped, &ops, &mut Some(reborrow(ctx)))?;
            self.x.close("audit-event-info");
        }
        self.x.close("audit-event");
        self.x.nl();
        Ok(())
    }

    /// SAR class sections: the kept prose ones, then one per run of the same class.
    fn sar_sections(&mut self) -> Result<(), ExportError> {
        self.kept_sections(Slot::SarClass)?;
        let mut runs: Vec<(String, Vec<&Sar>)> = Vec::new();
        for s in &self.doc.sars {
            let class = s.id.value.get(..3).unwrap_or("").to_ascii_uppercase();
            match runs.last_mut() {
                Some((c, list)) if *c == class => list.push(s),
                _ => runs.push((class, vec![s])),
            }
        }
        if runs.is_empty() && self.sections_in(Slot::SarClass).is_empty() && !self.niap {
            // NIAP requires one section; say why it is empty.
            let id = self.fresh_id("sars");
            self.x.open(
                "section",
                &[("id", &id), ("title", "Assurance Requirements")],
            );
            self.x.leaf(
                "h:p",
                &[],
                "This document states no assurance requirements.",
            );
            self.x.close("section");
            self.x.nl();
        }
        for (class, list) in runs {
            let title = match Catalog::get(self.edition).class(&class) {
                Some(c) => format!("Class {class}: {}", c.name),
                None => format!("Class {class}"),
            };
            let id = self.fresh_id(&format!("sar-{}", class.to_ascii_lowercase()));
            self.x.open("section", &[("id", &id), ("title", &title)]);
            self.x.nl();
            for sar in list {
                self.a_component(sar)?;
            }
            self.x.close("section");
            self.x.nl();
        }
        Ok(())
    }

    fn a_component(&mut self, sar: &Sar) -> Result<(), ExportError> {
        let cc_lower = sar.id.value.to_ascii_lowercase();
        let name = sar
            .title
            .clone()
            .unwrap_or_else(|| component_name(self.edition, &sar.id.value).to_string());
        let mut attrs: Vec<(&str, &str)> = vec![("cc-id", &cc_lower), ("name", &name)];
        if sar.optional {
            attrs.push(("status", "optional"));
        }
        self.x.open("a-component", &attrs);
        let owner = owner_id(&sar.id.value);
        if sar.elements.is_empty() {
            // The CC's own elements apply: name them (NIAP needs at least one a-element).
            let catalog = Catalog::get(self.edition);
            let ids: Vec<&str> = catalog
                .component(&sar.id.value)
                .map(|c| c.elements.iter().map(|e| e.id).collect())
                .unwrap_or_default();
            let ids = if ids.is_empty() { vec!["1D"] } else { ids };
            for id in ids {
                let ty = id
                    .chars()
                    .last()
                    .filter(|c| "DCE".contains(*c))
                    .unwrap_or('D');
                self.x.open("a-element", &[("type", &ty.to_string())]);
                self.x.leaf(
                    "title",
                    &[],
                    &format!("{id}: as in ISO/IEC 15408-3 ({}).", self.edition.label()),
                );
                self.x.close("a-element");
            }
        }
        for el in &sar.elements {
            let ty = el
                .id
                .value
                .chars()
                .last()
                .filter(|c| "DCE".contains(*c))
                .unwrap_or('D')
                .to_string();
            let mut attrs: Vec<(&str, &str)> = Vec::new();
            if let Some(a) = &el.anchor {
                attrs.push(("id", a.as_str()));
            }
            attrs.push(("type", &ty));
            self.x.open("a-element", &attrs);
            let mut map = HashMap::new();
            let mut ctx = OpCtx {
                owner: format!("{owner}-{}", name_part(&el.id.value)),
                id_all_choices: !self.niap,
                choice_ids: &mut map,
            };
            self.title(el, &mut ctx)?;
            if let Some(n) = &el.application_note {
                self.x.open("note", &[("role", "application")]);
                self.prose(n)?;
                self.x.close("note");
            }
            if let Some(a) = &el.evaluation_activities {
                self.x.open("aactivity", &[]);
                if let Some(o) = &a.other {
                    self.prose(o)?;
                }
                for (tag, v) in [("TSS", &a.tss), ("Guidance", &a.guidance)] {
                    if let Some(v) = v {
                        self.prose_el(tag, v)?;
                    }
                }
                for t in &a.tests {
                    self.prose_el("Tests", t)?;
                }
                self.x.close("aactivity");
            }
            self.x.close("a-element");
        }
        self.x.close("a-component");
        self.x.nl();
        Ok(())
    }

    fn appendices(&mut self) -> Result<(), ExportError> {
        let doc = self.doc;
        let kept = self.sections_in(Slot::Appendix);
        if !kept.is_empty() {
            let id = self.fresh_id("appendix-kept");
            self.x
                .open("appendix", &[("id", &id), ("title", "Further Material")]);
            self.x.nl();
            for s in kept {
                self.kept_section(s)?;
            }
            self.x.close("appendix");
            self.x.nl();
        }
        if self.niap {
            return Ok(());
        }
        // What a YAML document has that NIAP has no structured place for, kept readable.
        let mut extra = Vec::new();
        if self.root == Root::Package && !doc.sars.is_empty() {
            let ids: Vec<&str> = doc.sars.iter().map(|s| s.id.value.as_str()).collect();
            extra.push(format!(
                "Security assurance requirements of this package: {}.",
                ids.join(", ")
            ));
        }
        for s in &doc.sfrs {
            if !s.toe_types.is_empty() {
                let t: Vec<&str> = s.toe_types.iter().map(|t| t.value.as_str()).collect();
                extra.push(format!(
                    "{} is {} only for TOE types {}; optional for the others.",
                    s.id.value,
                    s.status.as_ref().map_or("mandatory", |s| s.value.label()),
                    t.join(", ")
                ));
            }
        }
        extra.extend(doc.notes.iter().cloned());
        if extra.is_empty() {
            return Ok(());
        }
        let id = self.fresh_id("dtsec-notes");
        self.x.open("appendix", &[("id", &id), ("title", "Notes")]);
        for e in extra {
            self.x.leaf("h:p", &[], &e);
        }
        self.x.close("appendix");
        self.x.nl();
        Ok(())
    }
}

fn is_claims(s: &Section) -> bool {
    s.html.contains("<niap:CClaimsInfo") || s.id == "Conformance_Claims"
}

/// True when some definition carries NIAP mappings (the document came from NIAP XML).
fn any_refs(doc: &Document) -> bool {
    doc.spd
        .threats
        .iter()
        .chain(&doc.spd.assumptions)
        .chain(&doc.spd.osps)
        .chain(&doc.objectives.toe)
        .chain(&doc.objectives.environment)
        .any(|d| !d.objective_refs.is_empty() || !d.addressed_by.is_empty())
}

/// Attribute names for a `depends` with `n` ids: `on`, `on2`, `on3`, …
fn depends_names(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            if i == 0 {
                "on".to_string()
            } else {
                format!("on{}", i + 1)
            }
        })
        .collect()
}

fn component_name(edition: Edition, id: &str) -> &'static str {
    Catalog::get(edition).component(id).map_or("", |c| c.name)
}

fn family_of(id: &str) -> String {
    id.split('.').next().unwrap_or(id).to_ascii_uppercase()
}

fn last_segment(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".git")
        .to_ascii_lowercase()
}

fn is_xml_name(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
}

/// Two elements are the same wording (spans aside).
fn same(a: &Element, b: &Element) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
