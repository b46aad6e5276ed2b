//! Security assurance requirements: the SAR sections by class and each `a-component` with its
//! elements.

use std::collections::HashMap;

use dtsec_catalog::Catalog;

use dtsec_model::{Element, Sar};

use super::error::ExportError;
use super::exporter::{Exporter, Slot};
use super::prose::OpCtx;
use super::sfr::component_name;
use super::writer::{name_part, owner_id};

impl Exporter<'_> {
    /// SAR class sections: the kept prose ones, then one per run of the same class.
    pub(super) fn sar_sections(&mut self) -> Result<(), ExportError> {
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

    pub(super) fn a_component(&mut self, sar: &Sar) -> Result<(), ExportError> {
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
        // NIAP numbers a component's elements by their position per type (D, C, E). A document
        // that lists only some of them (to attach evaluation activities to the evaluator
        // actions) gets the others written with the CC's own text, in catalogue order, so each
        // listed element keeps its number; one that lists none names them all that way (NIAP
        // needs at least one a-element); one that lists all keeps its own order.
        let catalog = Catalog::get(self.edition);
        let ids: Vec<&str> = catalog
            .component(&sar.id.value)
            .map(|c| c.elements.iter().map(|e| e.id).collect())
            .unwrap_or_default();
        // (A document read from NIAP XML already numbers its elements by position.)
        let partial = !self.niap
            && !sar.elements.is_empty()
            && ids
                .iter()
                .any(|id| !sar.elements.iter().any(|e| e.id.value == *id));
        if sar.elements.is_empty() || partial {
            let ids = if ids.is_empty() {
                vec!["1D"]
            } else {
                ids.clone()
            };
            for id in ids {
                match sar.elements.iter().find(|e| e.id.value == id) {
                    Some(el) => self.a_element(el, &owner)?,
                    None => self.cc_a_element(id),
                }
            }
        }
        // The rest in the document's order: all of them, or those the catalogue does not
        // know (an extended SAR).
        for el in sar
            .elements
            .iter()
            .filter(|e| !partial || !ids.contains(&e.id.value.as_str()))
        {
            self.a_element(el, &owner)?;
        }
        self.x.close("a-component");
        self.x.nl();
        Ok(())
    }

    /// An `a-element` that says the CC's own text applies.
    fn cc_a_element(&mut self, id: &str) {
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

    /// One listed element of a SAR with its note and evaluation activities.
    fn a_element(&mut self, el: &Element, owner: &str) -> Result<(), ExportError> {
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
        if el.text.is_none() && el.html.is_none() {
            // Listed for its evaluation activities only: the CC's text applies.
            self.x.leaf(
                "title",
                &[],
                &format!(
                    "{}: as in ISO/IEC 15408-3 ({}).",
                    el.id.value,
                    self.edition.label()
                ),
            );
        } else {
            self.title(el, &mut ctx)?;
        }
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
        Ok(())
    }
}
