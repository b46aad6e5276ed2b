//! Chapters 1 and 2 of a PP, PP-Module or Package: the introduction (TOE overview, features)
//! and the conformance claims, kept prose put back or built from a YAML document's fields.

use dtsec_catalog::Edition;
use dtsec_model::ConformanceType;

use super::error::ExportError;
use super::exporter::{Exporter, Slot};

impl Exporter<'_> {
    pub(super) fn introduction(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn toe_overview(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn features(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn claims(&mut self) -> Result<(), ExportError> {
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
}
