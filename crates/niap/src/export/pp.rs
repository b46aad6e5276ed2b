//! The document skeleton of a PP, PP-Module or Package: the root element and its reference table,
//! package and module references, the chapters in NIAP's order, the requirements chapter of a PP
//! or Module (SFRs, then SARs) and the appendices.
//!
//! Why here: this is the top of the exporter; it calls every chapter writer and none calls it.

use dtsec_model::{DocRef, Sfr};

use super::error::ExportError;
use super::exporter::{Exporter, Root, Slot};
use super::writer::name_part;
use crate::ns::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};

impl Exporter<'_> {
    pub(super) fn document(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn reference(&mut self) {
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
    pub(super) fn doc_ref(&mut self, tag: &str, r: &DocRef, kind: &str) {
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

    pub(super) fn requirements_pp(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn requirements_module(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn appendices(&mut self) -> Result<(), ExportError> {
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
            // A re-imported dtsec export keeps its data (and its id) for the next round.
            self.sidecar();
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
        if !extra.is_empty() {
            let id = self.fresh_id("dtsec-notes");
            self.x.open("appendix", &[("id", &id), ("title", "Notes")]);
            for e in extra {
                self.x.leaf("h:p", &[], &e);
            }
            self.x.close("appendix");
            self.x.nl();
        }
        self.sidecar();
        Ok(())
    }

    /// What NIAP has no structured place for, machine-readable, for the importer (see
    /// `crate::sidecar`).
    fn sidecar(&mut self) {
        let class = crate::sidecar::CLASS;
        self.x
            .open("appendix", &[("id", class), ("title", "dtsec model data")]);
        self.x.leaf(
            "h:pre",
            &[("class", class)],
            &crate::sidecar::to_json(self.doc),
        );
        self.x.close("appendix");
        self.x.nl();
    }
}

pub(super) fn last_segment(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or("")
        .trim_end_matches(".git")
        .to_ascii_lowercase()
}
