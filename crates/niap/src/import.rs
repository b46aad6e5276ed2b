//! The NIAP → model mapping: one pass over the parsed XML per construct, then link resolution.
//!
//! Operation slot names are the NIAP `assignable/@id` when present (characters outside
//! `[A-Za-z0-9_-]` become `_`), otherwise `sel1`, `sel2`, … and `asgn1`, … numbered in document
//! order within one SFR, so a re-import of the same file gives the same names.

use std::collections::{BTreeMap, HashMap};

use dtsec_model::operation::DetailedChoice;
use dtsec_model::{
    AuditEvent, Choice, Conformance, ConformanceType, Definition, DependsClause, DocRef, Document,
    DocumentKind, Element, EvaluationActivities, ExtendedComponent, Feature, Identification,
    ManagementFunction, ManagementFunctionSet, Manager, Mapping, Objectives, Operation, Sar,
    Section, SecurityProblem, SelectionTrigger, Sfr, SfrStatus, Span, Spanned, Toe, ValueType,
};
use roxmltree::Node;

use crate::error::{ImportError, unsupported_root};
use crate::html::{
    LineIndex, ProseCounts, child, escape_text, inner_html, is, normalize_ws, plain_text, start_tag,
};
use crate::imported::{ImportCounts, ImportWarning, Imported};
use crate::ns::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};
use crate::xml::Parsed;

/// Elements whose presence makes a section "structured": it is walked into rather than kept
/// whole as prose.
const STRUCTURED: &[&str] = &[
    "f-component",
    "a-component",
    "threats",
    "assumptions",
    "OSPs",
    "SOs",
    "SOEs",
    "ext-comp-def",
    "base-pp",
    "implements",
    "include-pkg",
    "modules",
    "PPReference",
    "RevisionHistory",
];

/// Chapters the exporter writes itself, from the model's SFRs and SARs (`export/pp.rs`,
/// `export/sfr.rs`): they are walked into and never kept whole as prose. Kept, an empty one (a
/// package without SFRs, or one nested inside another) came back beside the chapter the
/// exporter writes, one more copy on every export → import round trip.
const GENERATED_CHAPTERS: &[&str] = &[
    "Security_Requirements",
    "Security_Functional_Requirements",
    "Security_Assurance_Requirements",
];

/// Imports a parsed NIAP PP, PP-Module or Package (see [`crate::import`] for `name`).
pub(crate) fn import_parsed(parsed: &Parsed<'_>, name: &str) -> Result<Imported, ImportError> {
    Importer::new(&parsed.doc, parsed.text, &parsed.lines, name).run()
}

struct Importer<'a, 'i> {
    doc: &'a roxmltree::Document<'i>,
    text: &'i str,
    lines: &'a LineIndex,
    name: &'a str,
    warnings: Vec<ImportWarning>,
    prose: ProseCounts,
    selectables: usize,
    assignables: usize,
    /// NIAP selectable id → (SFR id, slot name of the selection holding it).
    selectable_index: HashMap<String, (Spanned<String>, String)>,
}

/// Slot-name allocation within one SFR.
#[derive(Default)]
struct Slots {
    used: std::collections::BTreeSet<String>,
    sel: usize,
    asgn: usize,
}

impl Slots {
    fn fresh(&mut self, kind: &str) -> String {
        loop {
            let n = if kind == "sel" {
                self.sel += 1;
                self.sel
            } else {
                self.asgn += 1;
                self.asgn
            };
            let name = format!("{kind}{n}");
            if self.used.insert(name.clone()) {
                return name;
            }
        }
    }

    fn named(&mut self, wanted: &str, kind: &str) -> String {
        let clean: String = wanted
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        if !clean.is_empty() && self.used.insert(clean.clone()) {
            clean
        } else {
            self.fresh(kind)
        }
    }
}

/// What an inline conversion produced besides text.
struct Inline<'o> {
    text: String,
    html: String,
    ops: &'o mut BTreeMap<String, Operation>,
    mfs: Option<ManagementFunctionSet>,
    /// Selectable ids met, with the slot holding them.
    selectable_ids: Vec<(String, String)>,
}

impl<'a, 'i> Importer<'a, 'i> {
    fn new(
        doc: &'a roxmltree::Document<'i>,
        text: &'i str,
        lines: &'a LineIndex,
        name: &'a str,
    ) -> Self {
        Importer {
            doc,
            text,
            lines,
            name,
            warnings: Vec::new(),
            prose: ProseCounts::default(),
            selectables: 0,
            assignables: 0,
            selectable_index: HashMap::new(),
        }
    }

    fn span(&self, node: Node<'_, '_>) -> Span {
        self.lines.span(self.text, node.range())
    }

    fn attr_span(&self, node: Node<'_, '_>, attr: &str) -> Span {
        match node.attribute_node(attr) {
            Some(a) => self.lines.span(self.text, a.range_value()),
            None => self.span(node),
        }
    }

    fn spanned_attr(&self, node: Node<'_, '_>, attr: &str) -> Option<Spanned<String>> {
        node.attribute(attr)
            .map(|v| Spanned::new(v.to_string(), self.attr_span(node, attr)))
    }

    fn warn(&mut self, span: Span, message: impl Into<String>) {
        self.warnings.push(ImportWarning {
            line: span.line,
            column: span.column,
            message: message.into(),
        });
    }

    fn html(&mut self, node: Node<'_, '_>) -> String {
        inner_html(node, &mut self.prose)
    }

    fn opt_html(&mut self, node: Option<Node<'_, '_>>) -> Option<String> {
        node.map(|n| self.html(n)).filter(|h| !h.is_empty())
    }

    fn run(mut self) -> Result<Imported, ImportError> {
        let root = self.doc.root_element();
        let root_name = root.tag_name().name().to_string();
        if root.tag_name().namespace() != Some(NIAP_NS) {
            return Err(ImportError::NotNiap {
                name: self.name.to_string(),
                root: root_name,
                namespace: root.tag_name().namespace().unwrap_or("").to_string(),
            });
        }
        let kind = match root_name.as_str() {
            "PP" => DocumentKind::ProtectionProfile,
            "Module" => DocumentKind::PpModule,
            "Package" => DocumentKind::FunctionalPackage,
            _ => {
                return Err(unsupported_root(root, self.lines, self.text, self.name));
            }
        };
        let root_span = self.span(root);

        // Identification.
        let table = child(root, "PPReference").and_then(|r| child(r, "ReferenceTable"));
        let field = |n: &str| table.and_then(|t| child(t, n));
        let title = field("PPTitle")
            .map(plain_text)
            .or_else(|| root.attribute("name").map(normalize_ws))
            .unwrap_or_default();
        let version = match field("PPVersion") {
            Some(v) => Spanned::new(plain_text(v), self.span(v)),
            None => {
                self.warn(
                    root_span,
                    "no PPReference/ReferenceTable/PPVersion; version left empty",
                );
                Spanned::new(String::new(), root_span)
            }
        };
        let identification = Identification {
            author: field("PPAuthor").map(plain_text),
            date: field("PPPubDate").map(plain_text),
            status: field("PPStatus").map(plain_text),
            keywords: field("Keywords")
                .map(|k| {
                    plain_text(k)
                        .split([';', ','])
                        .map(normalize_ws)
                        .filter(|s| !s.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
            overview: None,
        };
        let id = Spanned::new(document_id(self.name, &version.value), root_span);

        // Conformance claims.
        let mut conformance = Conformance::default();
        let mut cc_edition = None;
        if let Some(info) = root.descendants().find(|n| is(*n, "CClaimsInfo")) {
            if let Some(v) = info.attribute("cc-version") {
                let edition = match v {
                    "cc-2022r1" => "CC:2022 R1".to_string(),
                    "cc-31r5" | "cc-3.1r5" => "CC 3.1 R5".to_string(),
                    other => other.to_string(),
                };
                cc_edition = Some(Spanned::new(edition, self.attr_span(info, "cc-version")));
            }
            if let Some(c) = child(info, "cc-st-conf") {
                match plain_text(c).as_str() {
                    // CC:2022 "exact" conformance is strict conformance with nothing added.
                    "strict" | "exact" => {
                        conformance.conformance_type =
                            Some(Spanned::new(ConformanceType::Strict, self.span(c)))
                    }
                    "demonstrable" => {
                        conformance.conformance_type =
                            Some(Spanned::new(ConformanceType::Demonstrable, self.span(c)))
                    }
                    _ => {}
                }
            }
        }
        if cc_edition.is_none() {
            // NIAP documents without `CClaimsInfo/@cc-version` predate the CC:2022 schema and
            // were written for CC 3.1 R5 (their conformance sections say so in prose).
            cc_edition = Some(Spanned::new("CC 3.1 R5".to_string(), root_span));
        }
        for pkg in root.children().filter(|n| is(*n, "include-pkg")) {
            let r = self.doc_ref(pkg);
            conformance.packages.push(r);
        }
        let modules: Vec<DocRef> = root
            .descendants()
            .filter(|n| is(*n, "module") && n.parent().is_some_and(|p| is(p, "modules")))
            .collect::<Vec<_>>()
            .into_iter()
            .map(|m| self.doc_ref(m))
            .collect();
        let base_pp_nodes: Vec<_> = root.descendants().filter(|n| is(*n, "base-pp")).collect();
        let base_pps: Vec<DocRef> = base_pp_nodes.iter().map(|b| self.doc_ref(*b)).collect();

        // Features.
        let mut features = Vec::new();
        for f in root.descendants().filter(|n| is(*n, "feature")) {
            let Some(fid) = self.spanned_attr(f, "id") else {
                continue;
            };
            let description = self.opt_html(child(f, "description"));
            features.push(Feature {
                id: fid,
                name: f.attribute("title").map(normalize_ws),
                description,
            });
        }

        // Security problem and objectives.
        let spd = SecurityProblem {
            threats: self.definitions(root, "threat"),
            assumptions: self.definitions(root, "assumption"),
            osps: self.definitions(root, "OSP"),
        };
        let mut objectives = Objectives {
            toe: self.definitions(root, "SO"),
            environment: self.definitions(root, "SOE"),
        };

        // SFRs and extended components.
        let ext_defs: Vec<_> = root
            .descendants()
            .filter(|n| is(*n, "ext-comp-def"))
            .collect();
        let mut sfrs = Vec::new();
        let mut extended: Vec<ExtendedComponent> = Vec::new();
        let mut ext_own_wording: Vec<bool> = Vec::new();
        let comps: Vec<_> = root
            .descendants()
            .filter(|n| is(*n, "f-component"))
            .collect();
        let mut sfr_depends_nodes = Vec::new();
        for comp in comps {
            let (sfr, ext) = self.f_component(comp, &ext_defs, &base_pp_nodes);
            if let Some((ext, own_wording)) = ext {
                match extended.iter().position(|e| e.id.value == ext.id.value) {
                    None => {
                        extended.push(ext);
                        ext_own_wording.push(own_wording);
                    }
                    // An iteration carries the definition's own wording (`ext-comp-def-title`)
                    // while the first instance only gave comp-lev etc.: merge the two.
                    Some(i) if own_wording && !ext_own_wording[i] => {
                        let e = &mut extended[i];
                        e.elements = ext.elements;
                        e.levelling = e.levelling.take().or(ext.levelling);
                        e.management = e.management.take().or(ext.management);
                        e.audit = e.audit.take().or(ext.audit);
                        if e.dependencies_text.is_none() {
                            e.dependencies_text = ext.dependencies_text;
                            e.dependencies = ext.dependencies;
                        }
                        ext_own_wording[i] = true;
                    }
                    Some(_) => {
                        if own_wording {
                            self.warn(
                                ext.id.span,
                                format!(
                                    "second extended component definition of {} ignored",
                                    ext.id.value
                                ),
                            );
                        }
                    }
                }
            }
            sfr_depends_nodes.push(comp);
            sfrs.push(sfr);
        }
        for def in &ext_defs {
            let fam = def.attribute("fam-id").unwrap_or("").to_ascii_uppercase();
            if !extended.iter().any(|e| family_of(&e.id.value) == fam) {
                let span = self.attr_span(*def, "fam-id");
                self.warn(
                    span,
                    format!("extended family {fam} has no component definition (comp-lev, dependencies, …) in this document"),
                );
            }
        }
        self.resolve_triggers(&mut sfrs, &features);

        // SARs.
        let mut sars = Vec::new();
        for ac in root.descendants().filter(|n| is(*n, "a-component")) {
            sars.push(self.a_component(ac));
        }

        // Traceability: threats/SOs → SFRs, threats/assumptions/OSPs → objectives.
        link_objectives(&spd, &mut objectives);
        self.link_sfrs(&spd.threats, &mut sfrs, false);
        self.link_sfrs(&objectives.toe, &mut sfrs, true);

        // Prose.
        let mut sections = Vec::new();
        self.sections(root, &mut sections);

        let counts = ImportCounts {
            f_components: sfrs.len(),
            f_elements: sfrs.iter().map(|s| s.elements.len()).sum(),
            selectables: self.selectables,
            assignables: self.assignables,
            audit_events: sfrs.iter().map(|s| s.audit_events.len()).sum(),
            selectables_in_prose: self.prose.selectables,
            assignables_in_prose: self.prose.assignables,
            a_components: sars.len(),
        };
        // What a dtsec export keeps beside the NIAP structure (see `crate::sidecar`).
        let sidecar = self
            .doc
            .descendants()
            .find(|n| {
                n.tag_name().namespace() == Some(crate::ns::XHTML_NS)
                    && n.tag_name().name() == "pre"
                    && n.attribute("class") == Some(crate::sidecar::CLASS)
            })
            .map(|n| (self.span(n), n.text().unwrap_or("").to_string()));
        let sections = if sidecar.is_some() {
            sections
                .into_iter()
                .filter(|s| s.id != crate::sidecar::CLASS)
                .collect()
        } else {
            sections
        };
        let mut document = Document {
            kind: Spanned::new(kind, root_span),
            id,
            version,
            title,
            identification,
            cc_edition,
            conformance,
            base_pps,
            toe: Toe::default(),
            features,
            forms: Vec::new(),
            roles: Vec::new(),
            spd,
            objectives,
            extended_components: extended,
            sfrs,
            sars,
            tss: Vec::new(),
            notes: Vec::new(),
            modules,
            sections,
        };
        if let Some((span, json)) = sidecar
            && let Err(e) = crate::sidecar::overlay(&mut document, &json, self.name)
        {
            self.warn(span, format!("dtsec model data not read: {e}"));
        }
        Ok(Imported {
            document,
            counts,
            warnings: self.warnings,
        })
    }

    /// A reference to another NIAP document (`include-pkg`, `module`, `base-pp`).
    ///
    /// Id: the last path segment of `git/url` (the NIAP repository name, e.g. `tls`), else the
    /// `short` attribute lower-cased, else the `id` attribute. Version: the `version` attribute,
    /// else `git/branch` without a `release-` prefix (`release-2.1` → `2.1`), else empty.
    fn doc_ref(&mut self, node: Node<'_, '_>) -> DocRef {
        let git = child(node, "git");
        let git_url = git.and_then(|g| child(g, "url")).map(plain_text);
        let span = self.span(node);
        let id = git_url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .map(|s| s.trim_end_matches(".git").to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .or_else(|| node.attribute("short").map(str::to_ascii_lowercase))
            .or_else(|| node.attribute("id").map(str::to_string))
            .unwrap_or_default();
        let version = node
            .attribute("version")
            .map(str::to_string)
            .or_else(|| {
                git.and_then(|g| child(g, "branch"))
                    .map(plain_text)
                    .and_then(|b| b.strip_prefix("release-").map(str::to_string))
            })
            .unwrap_or_default();
        if version.is_empty() {
            self.warn(
                span,
                format!("reference to `{id}` gives no version (no `version` attribute or `release-` branch)"),
            );
        }
        DocRef {
            id: Spanned::new(id, span),
            version: Spanned::new(version, span),
            url: git_url
                .or_else(|| child(node, "url").map(plain_text))
                .filter(|u| !u.is_empty()),
        }
    }

    /// Threats, assumptions, OSPs, SOs and SOEs: `name` attribute, `description`, and the
    /// `addressed-by`/`objective-refer` links with their rationales.
    fn definitions(&mut self, root: Node<'_, '_>, tag: &str) -> Vec<Definition> {
        let mut out = Vec::new();
        for n in root.descendants().filter(|n| is(*n, tag)) {
            let Some(id) = self
                .spanned_attr(n, "name")
                .or_else(|| self.spanned_attr(n, "id"))
            else {
                let span = self.span(n);
                self.warn(span, format!("<{tag}> without a name is skipped"));
                continue;
            };
            let description = self.opt_html(child(n, "description")).unwrap_or_default();
            let mut addressed_by: Vec<Mapping> = Vec::new();
            let mut objective_refs = Vec::new();
            for c in n.children().filter(|c| c.is_element()) {
                if is(c, "addressed-by") {
                    addressed_by.push(Mapping {
                        to: Spanned::new(plain_text(c), self.span(c)),
                        rationale: None,
                    });
                } else if is(c, "rationale") {
                    let r = self.html(c);
                    if let Some(last) = addressed_by.last_mut().filter(|m| m.rationale.is_none()) {
                        last.rationale = Some(r);
                    }
                } else if is(c, "objective-refer") {
                    let to = self
                        .spanned_attr(c, "ref")
                        .unwrap_or_else(|| Spanned::new(String::new(), self.span(c)));
                    let rationale = self.opt_html(child(c, "rationale"));
                    objective_refs.push(Mapping { to, rationale });
                }
            }
            out.push(Definition {
                id,
                description,
                addresses: Vec::new(),
                rationale: None,
                addressed_by,
                objective_refs,
            });
        }
        out
    }

    fn f_component(
        &mut self,
        comp: Node<'_, '_>,
        ext_defs: &[Node<'_, '_>],
        base_pps: &[Node<'_, '_>],
    ) -> (Sfr, Option<(ExtendedComponent, bool)>) {
        let cc_id = comp.attribute("cc-id").unwrap_or("").to_ascii_uppercase();
        let comp_span = self.attr_span(comp, "cc-id");
        if cc_id.is_empty() {
            self.warn(comp_span, "f-component without cc-id");
        }
        let sfr_id = match comp.attribute("iteration") {
            Some(it) if !it.is_empty() => format!("{cc_id}/{it}"),
            _ => cc_id.clone(),
        };
        let sfr_id = Spanned::new(sfr_id, comp_span);
        let mut invisible = false;
        let status_span = comp
            .attribute_node("status")
            .map(|a| self.lines.span(self.text, a.range_value()))
            .unwrap_or(comp_span);
        let mut status = match comp.attribute("status") {
            None | Some("") | Some("mandatory") => SfrStatus::Mandatory,
            Some("optional") => SfrStatus::Optional,
            Some("objective") => SfrStatus::Objective,
            Some("sel-based") => SfrStatus::SelectionBased,
            Some("feat-based") => SfrStatus::FeatureBased,
            Some("invisible") => {
                invisible = true;
                SfrStatus::Optional
            }
            Some(other) => {
                self.warn(
                    status_span,
                    format!("unknown status `{other}`; read as mandatory"),
                );
                SfrStatus::Mandatory
            }
        };
        let mut depends = Vec::new();
        for d in comp.children().filter(|c| is(*c, "depends")) {
            if child(d, "objective").is_some() {
                status = SfrStatus::Objective;
                continue;
            }
            if child(d, "optional").is_some() {
                // "optional, or required by the selection": the ST may include it anyway.
                continue;
            }
            let on: Vec<_> = d
                .attributes()
                .map(|a| {
                    Spanned::new(
                        a.value().to_string(),
                        self.lines.span(self.text, a.range_value()),
                    )
                })
                .collect();
            let external_doc = child(d, "external-doc").and_then(|e| self.spanned_attr(e, "ref"));
            depends.push(DependsClause { on, external_doc });
        }
        let base_pp = base_pps
            .iter()
            .find(|b| comp.ancestors().any(|a| a == **b))
            .map(|b| {
                let r = self.doc_ref_quiet(*b);
                r.id
            });

        let mut slots = Slots::default();
        let mut elements = Vec::new();
        let mut ext_elements = Vec::new();
        let mut has_ext_title = false;
        let mut sfr_activities: Option<EvaluationActivities> = None;
        let mut selectable_ids = Vec::new();
        let component_no = cc_id.clone();
        for (i, fe) in comp.children().filter(|c| is(*c, "f-element")).enumerate() {
            let el_id = format!("{component_no}.{}", i + 1);
            let el_span = self.span(fe);
            let mut ops = BTreeMap::new();
            let (text, html, mfs, ids) = match child(fe, "title") {
                Some(t) => self.inline_title(t, &mut slots, &mut ops),
                None => (String::new(), String::new(), None, Vec::new()),
            };
            selectable_ids.extend(ids);
            let mut element = Element {
                id: Spanned::new(el_id.clone(), el_span),
                text: Some(Spanned::new(text, el_span)),
                operations: ops
                    .into_iter()
                    .map(|(k, v)| (k, Spanned::new(v, el_span)))
                    .collect(),
                completed: BTreeMap::new(),
                refinement: None,
                html: Some(html),
                anchor: self.spanned_attr(fe, "id"),
                application_note: self.opt_html(child(fe, "note")),
                evaluation_activities: None,
                management_functions: mfs,
            };
            for aa in fe.children().filter(|c| is(*c, "aactivity")) {
                let acts = self.aactivity(aa);
                if aa.attribute("level") == Some("component") {
                    merge_activities(&mut sfr_activities, acts);
                } else {
                    merge_activities(&mut element.evaluation_activities, acts);
                }
            }
            // The extended component definition's wording, when it differs from the SFR's.
            let ext_element = match child(fe, "ext-comp-def-title").and_then(|e| child(e, "title"))
            {
                Some(t) => {
                    has_ext_title = true;
                    let mut ext_slots = Slots::default();
                    let mut ops = BTreeMap::new();
                    let (text, html, _, _) = self.inline_title(t, &mut ext_slots, &mut ops);
                    Element {
                        id: Spanned::new(el_id, self.span(t)),
                        text: Some(Spanned::new(text, self.span(t))),
                        operations: ops
                            .into_iter()
                            .map(|(k, v)| (k, Spanned::new(v, el_span)))
                            .collect(),
                        completed: BTreeMap::new(),
                        refinement: None,
                        html: Some(html),
                        anchor: None,
                        application_note: None,
                        evaluation_activities: None,
                        management_functions: None,
                    }
                }
                None => element.clone(),
            };
            ext_elements.push(ext_element);
            elements.push(element);
        }
        for (sel_id, slot) in selectable_ids {
            self.selectable_index
                .entry(sel_id)
                .or_insert_with(|| (sfr_id.clone(), slot));
        }

        let mut audit_events = Vec::new();
        for ae in comp.children().filter(|c| is(*c, "audit-event")) {
            audit_events.push(self.audit_event(ae, &mut slots, &sfr_id));
        }

        // Extended component definition: NIAP puts comp-lev/management/audit/dependencies on the
        // first f-component of an _EXT component. A module's `notnew="true"` f-component
        // restates a component defined elsewhere (CCModule.rng: "omitted from the extended
        // component definitions"), so it defines nothing here.
        let not_new = comp.attribute("notnew") == Some("true");
        let ext = if !not_new
            && (["comp-lev", "management", "audit", "dependencies"]
                .iter()
                .any(|t| child(comp, t).is_some())
                || has_ext_title
                || family_of(&cc_id).ends_with("_EXT"))
        {
            let family = family_of(&cc_id);
            let def = ext_defs.iter().find(|d| {
                d.attribute("fam-id")
                    .is_some_and(|f| f.eq_ignore_ascii_case(&family))
            });
            let dependencies_text = self.opt_html(child(comp, "dependencies"));
            let dependencies = child(comp, "dependencies")
                .map(|d| dependency_groups(d, comp_span))
                .unwrap_or_default();
            Some((
                ExtendedComponent {
                    id: Spanned::new(cc_id.clone(), comp_span),
                    name: comp.attribute("name").map(normalize_ws).unwrap_or_default(),
                    family_name: def.and_then(|d| d.attribute("title")).map(normalize_ws),
                    rationale: None,
                    hierarchical_to: Vec::new(),
                    dependencies,
                    elements: ext_elements,
                    family_behaviour: def
                        .and_then(|d| child(*d, "fam-behavior").or_else(|| child(*d, "mod-def")))
                        .map(|n| inner_html(n, &mut ProseCounts::default())),
                    levelling: self.opt_html(child(comp, "comp-lev")),
                    management: self.opt_html(child(comp, "management")),
                    audit: self.opt_html(child(comp, "audit")),
                    dependencies_text,
                },
                has_ext_title,
            ))
        } else {
            None
        };

        let sfr = Sfr {
            id: sfr_id,
            title: comp.attribute("name").map(normalize_ws),
            status: Some(Spanned::new(status, status_span)),
            toe_types: Vec::new(),
            roles: Vec::new(),
            selected_by: Vec::new(),
            feature: None,
            objectives: Vec::new(),
            addresses: Vec::new(),
            elements,
            unmet_dependencies: Vec::new(),
            application_note: self.opt_html(child(comp, "note")),
            evaluation_activities: sfr_activities,
            invisible,
            anchor: self.spanned_attr(comp, "id"),
            base_pp,
            depends,
            audit_events,
            restrict: Default::default(),
        };
        (sfr, ext)
    }

    /// [`Self::doc_ref`] without warnings (used again for SFRs inside a `base-pp`).
    fn doc_ref_quiet(&mut self, node: Node<'_, '_>) -> DocRef {
        let n = self.warnings.len();
        let r = self.doc_ref(node);
        self.warnings.truncate(n);
        r
    }

    fn audit_event(
        &mut self,
        ae: Node<'_, '_>,
        slots: &mut Slots,
        sfr: &Spanned<String>,
    ) -> AuditEvent {
        let mut ops = BTreeMap::new();
        let description =
            child(ae, "audit-event-descr").map(|d| self.inline_title(d, slots, &mut ops));
        let mut info = Vec::new();
        for i in ae.children().filter(|c| is(*c, "audit-event-info")) {
            let (text, _, _, ids) = self.inline_title(i, slots, &mut ops);
            for (sel_id, slot) in ids {
                self.selectable_index
                    .entry(sel_id)
                    .or_insert_with(|| (sfr.clone(), slot));
            }
            info.push(text);
        }
        let description = description.map(|(text, _, _, ids)| {
            for (sel_id, slot) in ids {
                self.selectable_index
                    .entry(sel_id)
                    .or_insert_with(|| (sfr.clone(), slot));
            }
            text
        });
        AuditEvent {
            description,
            info,
            operations: ops,
            optional: ae.attribute("type") == Some("optional"),
            table: ae.attribute("table").map(str::to_string),
        }
    }

    fn aactivity(&mut self, aa: Node<'_, '_>) -> EvaluationActivities {
        let mut acts = EvaluationActivities::default();
        let mut other = String::new();
        for c in aa.children() {
            if is(c, "TSS") {
                acts.tss = Some(self.html(c));
            } else if is(c, "Guidance") {
                acts.guidance = Some(self.html(c));
            } else if is(c, "Tests") {
                acts.tests.push(self.html(c));
            } else if c.is_text() {
                escape_text(c.text().unwrap_or(""), &mut other);
            } else if c.is_element() {
                let mut wrapper = String::new();
                let name = start_tag(c, &mut wrapper);
                let inner = self.html(c);
                other.push_str(&wrapper);
                if inner.is_empty() {
                    other.push_str("/>");
                } else {
                    other.push('>');
                    other.push_str(&inner);
                    other.push_str(&format!("</{name}>"));
                }
            }
        }
        let other = other.trim();
        if !other.is_empty() {
            acts.other = Some(other.to_string());
        }
        acts
    }

    fn a_component(&mut self, ac: Node<'_, '_>) -> Sar {
        let cc_id = ac.attribute("cc-id").unwrap_or("").to_ascii_uppercase();
        let span = self.attr_span(ac, "cc-id");
        let mut per_type: BTreeMap<String, usize> = BTreeMap::new();
        let mut elements = Vec::new();
        for ae in ac.children().filter(|c| is(*c, "a-element")) {
            let ty = ae.attribute("type").unwrap_or("").to_ascii_uppercase();
            let n = per_type.entry(ty.clone()).or_default();
            *n += 1;
            let el_span = self.span(ae);
            let mut slots = Slots::default();
            let mut ops = BTreeMap::new();
            let (text, html, _, _) = match child(ae, "title") {
                Some(t) => self.inline_title(t, &mut slots, &mut ops),
                None => Default::default(),
            };
            let mut acts = None;
            for aa in ae.children().filter(|c| is(*c, "aactivity")) {
                let a = self.aactivity(aa);
                merge_activities(&mut acts, a);
            }
            elements.push(Element {
                id: Spanned::new(format!("{cc_id}.{n}{ty}"), el_span),
                text: Some(Spanned::new(text, el_span)),
                operations: ops
                    .into_iter()
                    .map(|(k, v)| (k, Spanned::new(v, el_span)))
                    .collect(),
                completed: BTreeMap::new(),
                refinement: None,
                html: Some(html),
                anchor: self.spanned_attr(ae, "id"),
                application_note: self.opt_html(child(ae, "note")),
                evaluation_activities: acts,
                management_functions: None,
            });
        }
        Sar {
            id: Spanned::new(cc_id, span),
            unmet_dependencies: Vec::new(),
            title: ac.attribute("name").map(normalize_ws),
            optional: ac.attribute("status") == Some("optional"),
            elements,
        }
    }

    /// Converts a title-like node into plain text and HTML with `{slot}` markers, adding its
    /// operations to `ops`. Returns (text, html, management functions, selectable ids → slot).
    fn inline_title(
        &mut self,
        node: Node<'_, '_>,
        slots: &mut Slots,
        ops: &mut BTreeMap<String, Operation>,
    ) -> (
        String,
        String,
        Option<ManagementFunctionSet>,
        Vec<(String, String)>,
    ) {
        let mut out = Inline {
            text: String::new(),
            html: String::new(),
            ops,
            mfs: None,
            selectable_ids: Vec::new(),
        };
        self.inline(node, slots, &mut out);
        (
            normalize_ws(&out.text),
            normalize_ws(&out.html),
            out.mfs,
            out.selectable_ids,
        )
    }

    /// Depth is bounded by [`crate::MAX_DEPTH`], checked before import.
    fn inline(&mut self, node: Node<'_, '_>, slots: &mut Slots, out: &mut Inline<'_>) {
        for c in node.children() {
            if c.is_text() {
                let t = c.text().unwrap_or("");
                out.text.push_str(t);
                escape_text(t, &mut out.html);
                continue;
            }
            if !c.is_element() {
                continue;
            }
            if is(c, "selectables") {
                let slot = match exported_selection_slot(c) {
                    Some(name) => slots.named(name, "sel"),
                    None => slots.fresh("sel"),
                };
                let op = self.selection(c, slots, out, &slot);
                out.ops.insert(slot.clone(), op);
                out.text.push_str(&format!("{{{slot}}}"));
                out.html.push_str(&format!("{{{slot}}}"));
            } else if is(c, "assignable") {
                let slot = match c.attribute("id") {
                    Some(id) => slots.named(exported_slot(id, 2).unwrap_or(id), "asgn"),
                    None => slots.fresh("asgn"),
                };
                let op = self.assignment(c);
                out.ops.insert(slot.clone(), op);
                out.text.push_str(&format!("{{{slot}}}"));
                out.html.push_str(&format!("{{{slot}}}"));
            } else if is(c, "management-function-set") {
                let set = self.management_functions(c, slots);
                out.mfs = Some(set);
            } else if is(c, "readable") || is(c, "deprecated") || is(c, "not-selectable") {
                // An alternative label / marker, not requirement text.
            } else if is(c, "tabularize") {
                // Table layout of a tabular selection: the rows are the choices.
            } else {
                let block = c.tag_name().namespace() == Some(XHTML_NS) || is(c, "col");
                if block {
                    out.text.push(' ');
                }
                let name = start_tag(c, &mut out.html);
                if c.has_children() {
                    out.html.push('>');
                    self.inline(c, slots, out);
                    out.html.push_str(&format!("</{name}>"));
                } else {
                    out.html.push_str("/>");
                    if is(c, "xref") {
                        let target = c.attribute("to").or_else(|| c.attribute("g")).unwrap_or("");
                        out.text.push_str(target);
                    }
                }
                if block {
                    out.text.push(' ');
                }
            }
        }
    }

    fn selection(
        &mut self,
        node: Node<'_, '_>,
        slots: &mut Slots,
        outer: &mut Inline<'_>,
        slot: &str,
    ) -> Operation {
        self.selectables += 1;
        let exclusive = node.attribute("onlyone") == Some("yes")
            || node.attribute("choose-one-of") == Some("yes");
        let mut choices = Vec::new();
        for s in node.children().filter(|c| is(*c, "selectable")) {
            let mut ops = BTreeMap::new();
            let mut inner = Inline {
                text: String::new(),
                html: String::new(),
                ops: &mut ops,
                mfs: None,
                selectable_ids: Vec::new(),
            };
            self.inline(s, slots, &mut inner);
            let text = normalize_ws(&inner.text);
            let nested_ids = std::mem::take(&mut inner.selectable_ids);
            outer.selectable_ids.extend(nested_ids);
            let id = s.attribute("id").map(str::to_string);
            if let Some(id) = &id {
                outer.selectable_ids.push((id.clone(), slot.to_string()));
            }
            let exclusive = s.attribute("exclusive") == Some("yes");
            choices.push(if id.is_none() && ops.is_empty() && !exclusive {
                Choice::Text(text)
            } else {
                Choice::Detailed(DetailedChoice {
                    id,
                    text,
                    operations: ops,
                    exclusive,
                })
            });
        }
        Operation {
            selection: Some(choices),
            exclusive,
            ..Operation::default()
        }
    }

    fn assignment(&mut self, node: Node<'_, '_>) -> Operation {
        self.assignables += 1;
        let mut op = Operation::default();
        let mut text = String::new();
        for d in node.descendants().skip(1) {
            if d.is_text() && !d.ancestors().any(|a| is(a, "regex")) {
                text.push_str(d.text().unwrap_or(""));
            }
        }
        if let Some(int) = child(node, "int") {
            op.value_type = Some(ValueType::Integer);
            op.min = int.attribute("gte").and_then(|v| v.trim().parse().ok());
            op.max = int.attribute("lte").and_then(|v| v.trim().parse().ok());
        } else if let Some(real) = child(node, "real") {
            op.value_type = Some(ValueType::Real);
            op.min = real
                .attribute("gte")
                .or_else(|| real.attribute("gt"))
                .and_then(|v| v.trim().parse().ok());
            op.max = real
                .attribute("lte")
                .or_else(|| real.attribute("lt"))
                .and_then(|v| v.trim().parse().ok());
        } else if let Some(re) = child(node, "regex") {
            // The schema puts the expression in `@expr`; older files wrote it as content.
            let expr = re
                .attribute("expr")
                .map(str::to_string)
                .unwrap_or_else(|| re.text().unwrap_or("").to_string());
            op.pattern = Some(expr.trim().to_string());
        }
        op.assignment = Some(normalize_ws(&text));
        op
    }

    fn management_functions(
        &mut self,
        set: Node<'_, '_>,
        slots: &mut Slots,
    ) -> ManagementFunctionSet {
        let mut out = ManagementFunctionSet {
            default: set.attribute("default").unwrap_or("O").to_string(),
            managers: Vec::new(),
            functions: Vec::new(),
        };
        for m in set.children().filter(|c| is(*c, "manager")) {
            out.managers.push(Manager {
                id: m.attribute("cid").unwrap_or("").to_string(),
                name: plain_text(m),
            });
        }
        for f in set.children().filter(|c| is(*c, "management-function")) {
            let mut ops = BTreeMap::new();
            let text = match child(f, "text") {
                Some(t) => {
                    let (text, _, _, ids) = self.inline_title(t, slots, &mut ops);
                    // Selectables in management functions are not SFR triggers by slot; keep
                    // them out of the index.
                    drop(ids);
                    text
                }
                None => String::new(),
            };
            let mut mf = ManagementFunction {
                id: f.attribute("id").map(str::to_string),
                text,
                operations: ops,
                ..ManagementFunction::default()
            };
            for c in f.children().filter(|c| c.is_element()) {
                let tag = c.tag_name().name();
                if c.tag_name().namespace() == Some(NIAP_NS)
                    && matches!(tag, "M" | "O" | "NA" | "X")
                {
                    if let Some(r) = c.attribute("ref") {
                        mf.roles.insert(r.to_string(), tag.to_string());
                    }
                } else if is(c, "depends") {
                    let on = c
                        .attributes()
                        .map(|a| {
                            Spanned::new(
                                a.value().to_string(),
                                self.lines.span(self.text, a.range_value()),
                            )
                        })
                        .collect();
                    let external_doc =
                        child(c, "external-doc").and_then(|e| self.spanned_attr(e, "ref"));
                    mf.depends.push(DependsClause { on, external_doc });
                } else if is(c, "app-note") {
                    let h = self.html(c);
                    mf.notes.push(h);
                } else if is(c, "aactivity") {
                    let a = self.aactivity(c);
                    merge_activities(&mut mf.evaluation_activities, a);
                }
            }
            out.functions.push(mf);
        }
        out
    }

    /// Sets `selected_by` and `feature` from the `depends` clauses.
    fn resolve_triggers(&mut self, sfrs: &mut [Sfr], features: &[Feature]) {
        for sfr in sfrs.iter_mut() {
            for clause in &sfr.depends {
                for on in &clause.on {
                    if let Some((holder, slot)) = self.selectable_index.get(&on.value) {
                        sfr.selected_by.push(SelectionTrigger {
                            sfr: Spanned::new(holder.value.clone(), on.span),
                            operation: Spanned::new(slot.clone(), on.span),
                            choice: on.clone(),
                        });
                    } else if features.iter().any(|f| f.id.value == on.value) {
                        if sfr.feature.is_none() {
                            sfr.feature = Some(on.clone());
                        }
                    } else if clause.external_doc.is_none() {
                        self.warnings.push(ImportWarning {
                            line: on.span.line,
                            column: on.span.column,
                            message: format!(
                                "{} depends on `{}`, which is no selectable or feature of this document (a base PP's?)",
                                sfr.id.value, on.value
                            ),
                        });
                    }
                }
            }
        }
    }

    /// Direct rationale (threat → SFR) and objective → SFR links from `addressed-by` text.
    fn link_sfrs(&mut self, defs: &[Definition], sfrs: &mut [Sfr], objectives: bool) {
        let index: HashMap<String, usize> = sfrs
            .iter()
            .enumerate()
            .map(|(i, s)| (s.id.value.to_ascii_uppercase(), i))
            .collect();
        for def in defs {
            for m in &def.addressed_by {
                for sfr_ref in sfr_ids_in(&m.to.value) {
                    match index.get(&sfr_ref.to_ascii_uppercase()) {
                        Some(&i) => {
                            let list = if objectives {
                                &mut sfrs[i].objectives
                            } else {
                                &mut sfrs[i].addresses
                            };
                            if !list.iter().any(|x| x.value == def.id.value) {
                                list.push(Spanned::new(def.id.value.clone(), m.to.span));
                            }
                        }
                        None => self.warnings.push(ImportWarning {
                            line: m.to.span.line,
                            column: m.to.span.column,
                            message: format!(
                                "{} is addressed by {sfr_ref}, which is not an SFR of this document",
                                def.id.value
                            ),
                        }),
                    }
                }
            }
        }
    }

    /// Keeps prose: every section (NIAP `sec:*` or `section`) without structured content is
    /// stored whole as HTML; sections with structure are walked into.
    fn sections(&mut self, node: Node<'_, '_>, out: &mut Vec<Section>) {
        for c in node.children().filter(|c| c.is_element()) {
            let is_section = c.tag_name().namespace() == Some(NIAP_SECTION_NS) || is(c, "section");
            if !is_section {
                if c.tag_name().namespace() == Some(NIAP_NS)
                    && STRUCTURED.contains(&c.tag_name().name())
                {
                    continue;
                }
                if c.descendants()
                    .any(|d| d.tag_name().namespace() == Some(NIAP_SECTION_NS) || is(d, "section"))
                {
                    self.sections(c, out);
                }
                continue;
            }
            let generated = c.tag_name().namespace() == Some(NIAP_SECTION_NS)
                && GENERATED_CHAPTERS.contains(&c.tag_name().name());
            let structured = generated
                || c.descendants().skip(1).any(|d| {
                    d.tag_name().namespace() == Some(NIAP_NS)
                        && STRUCTURED.contains(&d.tag_name().name())
                });
            if structured {
                self.sections(c, out);
                continue;
            }
            let local = c.tag_name().name();
            let id = c.attribute("id").unwrap_or(local).to_string();
            let title = c
                .attribute("title")
                .map(normalize_ws)
                .unwrap_or_else(|| local.replace('_', " "));
            let html = self.html(c);
            out.push(Section { id, title, html });
        }
    }
}

/// Objective links from threats/assumptions/OSPs (`objective-refer`) onto the objectives.
fn link_objectives(spd: &SecurityProblem, objectives: &mut Objectives) {
    for def in spd.threats.iter().chain(&spd.assumptions).chain(&spd.osps) {
        for m in &def.objective_refs {
            for obj in objectives
                .toe
                .iter_mut()
                .chain(objectives.environment.iter_mut())
            {
                if obj.id.value == m.to.value
                    && !obj.addresses.iter().any(|a| a.value == def.id.value)
                {
                    obj.addresses
                        .push(Spanned::new(def.id.value.clone(), m.to.span));
                }
            }
        }
    }
}

fn merge_activities(into: &mut Option<EvaluationActivities>, more: EvaluationActivities) {
    match into {
        None => *into = Some(more),
        Some(acts) => {
            let join = |a: &mut Option<String>, b: Option<String>| {
                if let Some(b) = b {
                    match a {
                        Some(a) => {
                            a.push('\n');
                            a.push_str(&b);
                        }
                        None => *a = Some(b),
                    }
                }
            };
            join(&mut acts.tss, more.tss);
            join(&mut acts.guidance, more.guidance);
            join(&mut acts.other, more.other);
            acts.tests.extend(more.tests);
        }
    }
}

/// The slot name inside an id written by dtsec's exporter: ids of the form `OWNER--SLOT` (an
/// `assignable`, `parts` = 2) or `OWNER--SLOT--CHOICE` (a `selectable`, `parts` = 3), where no
/// part contains `--`. Other ids give `None`.
pub(crate) fn exported_slot(id: &str, parts: usize) -> Option<&str> {
    let split: Vec<&str> = id.split("--").collect();
    (split.len() == parts && split.iter().all(|p| !p.is_empty())).then(|| split[1])
}

/// The slot name of a `selectables` exported by dtsec: every `selectable` carries an id
/// `OWNER--SLOT--CHOICE` with the same `OWNER--SLOT` (NIAP `selectables` have no id of their own).
fn exported_selection_slot<'a>(node: Node<'a, '_>) -> Option<&'a str> {
    let mut slot: Option<(&str, &str)> = None;
    let mut any = false;
    for s in node.children().filter(|c| is(*c, "selectable")) {
        any = true;
        let id = s.attribute("id")?;
        let name = exported_slot(id, 3)?;
        let owner = id.split("--").next()?;
        match slot {
            None => slot = Some((owner, name)),
            Some(prev) if prev == (owner, name) => {}
            Some(_) => return None,
        }
    }
    if any {
        slot.map(|(_, name)| name)
    } else {
        None
    }
}

/// `FCS_TLSC_EXT.1` → `FCS_TLSC_EXT`.
fn family_of(component: &str) -> String {
    component
        .split('.')
        .next()
        .unwrap_or(component)
        .to_ascii_uppercase()
}

/// Component ids in a NIAP `dependencies` text: one group per line (`<h:br/>`-separated); a
/// line with "or" is one OR group, otherwise each id is its own group.
fn dependency_groups(node: Node<'_, '_>, span: Span) -> Vec<Vec<Spanned<String>>> {
    let mut lines = vec![String::new()];
    for d in node.descendants().skip(1) {
        if d.is_text() {
            let t = d.text().unwrap_or("");
            for (i, part) in t.split('\n').enumerate() {
                if i > 0 {
                    lines.push(String::new());
                }
                if let Some(l) = lines.last_mut() {
                    l.push_str(part);
                }
            }
        } else if d.is_element() && d.tag_name().namespace() == Some(XHTML_NS) {
            lines.push(String::new());
        }
    }
    let mut groups = Vec::new();
    for line in or_groups_across_lines(lines) {
        let ids: Vec<String> = component_ids_in(&line);
        if ids.is_empty() {
            continue;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.iter().any(|w| w.eq_ignore_ascii_case("or")) {
            groups.push(ids.into_iter().map(|i| Spanned::new(i, span)).collect());
        } else {
            groups.extend(ids.into_iter().map(|i| vec![Spanned::new(i, span)]));
        }
    }
    groups
}

/// Joins the lines of one OR group that its author wrote across line breaks: a line ending in
/// "or" (`FCS_CKM.1 Cryptographic Key Generation, or<h:br/>FDP_ITC.1 …`), a next line starting
/// with "or", or an open `[` that a later line closes. Why: NIAP writes long OR groups one
/// alternative per line, and reading each line as its own group turned "one of them" into
/// "all of them" (false unmet dependencies).
fn or_groups_across_lines(lines: Vec<String>) -> Vec<String> {
    let words = |l: &str| -> Vec<String> {
        l.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '[' | ']'))
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let lines: Vec<String> = lines.into_iter().filter(|l| !l.trim().is_empty()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut depth = 0i32;
    for (i, line) in lines.iter().enumerate() {
        current.push(' ');
        current.push_str(line);
        for c in line.chars() {
            match c {
                '[' => depth += 1,
                ']' => depth = (depth - 1).max(0),
                _ => {}
            }
        }
        let ends_with_or = words(line).last().is_some_and(|w| w == "or");
        let next_starts_with_or = lines
            .get(i + 1)
            .is_some_and(|n| words(n).first().is_some_and(|w| w == "or"));
        if !(ends_with_or || next_starts_with_or || depth > 0) {
            out.push(std::mem::take(&mut current));
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

/// Tokens shaped like a component id (`FCS_CKM.1`, `FPT_TUD_EXT.1`), in order, deduplicated.
fn component_ids_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']'))
    {
        let tok = raw.trim_end_matches(['.', ':']);
        let tok = tok.split('/').next().unwrap_or(tok);
        if looks_like_component(tok) && !out.iter().any(|o| o == tok) {
            out.push(tok.to_string());
        }
    }
    out
}

/// SFR instance references in `addressed-by` text: `FCS_CKM.1/AK (Selection-based)` →
/// `FCS_CKM.1/AK`.
fn sfr_ids_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for raw in
        text.split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '[' | ']'))
    {
        let tok = raw.trim_end_matches(['.', ':']);
        let base = tok.split('/').next().unwrap_or(tok);
        if looks_like_component(base) && !out.iter().any(|o| o == tok) {
            out.push(tok.to_string());
        }
    }
    out
}

fn looks_like_component(tok: &str) -> bool {
    let Some((family, number)) = tok.split_once('.') else {
        return false;
    };
    let fam_ok = family.len() >= 7
        && family.as_bytes()[3] == b'_'
        && family[..3].bytes().all(|b| b.is_ascii_uppercase())
        && family[4..]
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_');
    fam_ok && !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
}

/// The document id from the input's name (see [`crate::import`]).
fn document_id(name: &str, version: &str) -> String {
    let file = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let stem = file
        .strip_suffix(".xml")
        .or_else(|| file.strip_suffix(".XML"))
        .unwrap_or(file)
        .to_ascii_lowercase();
    let stem = if version.is_empty() {
        stem.as_str()
    } else {
        stem.strip_suffix(&format!("-{version}")).unwrap_or(&stem)
    };
    if stem.is_empty() {
        "niap-document".to_string()
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_names() {
        assert_eq!(
            document_id("../shared/niap/pp-for-st/tls-1.1.xml", "1.1"),
            "tls"
        );
        assert_eq!(document_id("mobile-device.xml", "4.0"), "mobile-device");
        assert_eq!(document_id("", ""), "niap-document");
    }

    #[test]
    fn component_tokens() {
        assert_eq!(
            sfr_ids_in("FCS_CKM.1/AK (Selection-based) FPT_SBOP_EXT.1"),
            vec!["FCS_CKM.1/AK", "FPT_SBOP_EXT.1"]
        );
        assert!(component_ids_in("No dependencies.").is_empty());
        assert_eq!(
            component_ids_in("FCS_CKM.1 or FCS_CKM.2:"),
            vec!["FCS_CKM.1", "FCS_CKM.2"]
        );
    }

    /// Issue 11: an OR group written one alternative per line (`<h:br/>`) is one group.
    #[test]
    fn or_groups_across_line_breaks() {
        let xml = r#"<dependencies xmlns:h="http://www.w3.org/1999/xhtml">
              [FCS_CKM.1 Cryptographic Key Generation, or<h:br/>
              FDP_ITC.1 Import of User Data without Security Attributes, or<h:br/>
              FDP_ITC.2 Import of User Data with Security Attributes]<h:br/>
              FMT_SMF.1 Specification of Management Functions<h:br/>
              FCS_COP.1<h:br/>or<h:br/>FCS_CKM.5<h:br/>FPT_STM.1</dependencies>"#;
        let doc = roxmltree::Document::parse(xml).unwrap();
        let groups: Vec<Vec<String>> = dependency_groups(doc.root_element(), Span::UNKNOWN)
            .into_iter()
            .map(|g| g.into_iter().map(|i| i.value).collect())
            .collect();
        assert_eq!(
            groups,
            vec![
                vec!["FCS_CKM.1", "FDP_ITC.1", "FDP_ITC.2"],
                vec!["FMT_SMF.1"],
                vec!["FCS_COP.1", "FCS_CKM.5"],
                vec!["FPT_STM.1"],
            ]
        );
    }
}
