//! Security assurance requirements: the SAR sections by class and each `a-component` with its
//! elements.

use std::collections::HashMap;

use dtsec_catalog::Catalog;

use dtsec_model::Sar;

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
}
