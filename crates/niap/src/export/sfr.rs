//! Security functional requirements: `f-component`s grouped by class, extended component
//! definitions, element titles with their operations, management-function tables, evaluation
//! activities and audit events.
//!
//! Why one file: these are the parts of an SFR; element titles are also what the SAR writer
//! (`sar`) uses for its elements.

use std::collections::{BTreeMap, HashMap};

use dtsec_catalog::{Catalog, Edition};
use dtsec_model::{
    AuditEvent, Element, EvaluationActivities, ExtendedComponent, ManagementFunctionSet, Operation,
    Sfr, SfrStatus,
};

use super::error::ExportError;
use super::exporter::{Exporter, Slot};
use super::prose::{OpCtx, reborrow, write_html};
use super::writer::owner_id;

impl Exporter<'_> {
    pub(super) fn sfr_section(&mut self) -> Result<(), ExportError> {
        self.x.raw("<sec:Security_Functional_Requirements>\n");
        self.kept_sections(Slot::AuditTable)?;
        let sfrs: Vec<&Sfr> = self.doc.sfrs.iter().collect();
        self.class_sections(&sfrs, false)?;
        self.x.raw("</sec:Security_Functional_Requirements>\n");
        Ok(())
    }

    /// SFRs grouped into one section per run of the same class, in document order, each
    /// extended family's definition before its first component.
    pub(super) fn class_sections(&mut self, sfrs: &[&Sfr], base: bool) -> Result<(), ExportError> {
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

    pub(super) fn ext_comp_def(&mut self, family: &str) -> Result<(), ExportError> {
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

    pub(super) fn f_component(&mut self, sfr: &Sfr, base: bool) -> Result<(), ExportError> {
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
    pub(super) fn ext_extra(&mut self, e: &ExtendedComponent) -> Result<(), ExportError> {
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
    pub(super) fn title(&mut self, el: &Element, ctx: &mut OpCtx<'_>) -> Result<(), ExportError> {
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

    pub(super) fn management_functions(
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
    pub(super) fn activities(
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

    pub(super) fn audit_event(
        &mut self,
        ae: &AuditEvent,
        ctx: &mut OpCtx<'_>,
    ) -> Result<(), ExportError> {
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
}

/// Attribute names for a `depends` with `n` ids: `on`, `on2`, `on3`, …
pub(super) fn depends_names(n: usize) -> Vec<String> {
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

pub(super) fn component_name(edition: Edition, id: &str) -> &'static str {
    Catalog::get(edition).component(id).map_or("", |c| c.name)
}

pub(super) fn family_of(id: &str) -> String {
    id.split('.').next().unwrap_or(id).to_ascii_uppercase()
}

/// Two elements are the same wording (spans aside).
pub(super) fn same(a: &Element, b: &Element) -> bool {
    match (serde_json::to_value(a), serde_json::to_value(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
