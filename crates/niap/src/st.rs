//! NIAP-format Security Targets (`<st>`): reading the claims and the selections an ST makes, and
//! turning them into a dtsec [`Document`] the checker can judge against the claimed PPs.
//!
//! A NIAP ST is a copy of the claimed documents' requirements with the unchosen `selectable`s
//! deleted: each top-level `<base-pp>`, `<package>` or `<module>` names a document by its git
//! repository and branch and holds that document's `f-component`s as the ST keeps them.
//! Assignments are not completed; there is no TSS, SPD or objectives (they are the PP's).
//!
//! [`read_st`] gives a [`NiapSt`] (claims, components, kept choices, with XML positions);
//! [`NiapSt::to_document`] the model form: an ST whose claims reference the documents by id
//! (last segment of the git url) and version (branch minus `release-`/`v`), whose SFRs carry the
//! kept choices as completions, and whose `conformance.niap.st` tells the checker to apply the
//! NIAP conventions (see [`dtsec_model::NiapConformance`]).
//!
//! [`pp_conformance`] reads what a NIAP PP says about conformance that the importer's model has
//! no place for (packages and modules that depend on selections, exclusive choices);
//! [`read_document`] routes any NIAP file to the right reader and fills it in.

use std::collections::BTreeMap;

use dtsec_model::operation::DetailedChoice;
use dtsec_model::{
    Choice, Completion, Conformance, DocRef, Document, DocumentKind, Element, Identification,
    NiapClaim, NiapCondition, NiapConformance, Objectives, Operation, SecurityProblem, Sfr, Span,
    Spanned, Toe,
};
use roxmltree::Node;

use crate::error::{ImportError, unsupported_root};
use crate::html::{LineIndex, child, is, normalize_ws, plain_text};
use crate::import::import_parsed;
use crate::imported::{ImportCounts, ImportWarning, Imported};
use crate::ns::{NIAP_NS, XHTML_NS};
use crate::xml::{Limits, Parsed, decode, parse_hardened};

/// What a top-level claim of an ST is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StClaimKind {
    /// `<base-pp>`: the Protection Profile claimed.
    BasePp,
    /// `<package>`: a functional package claimed.
    Package,
    /// `<module>`: a PP-Module claimed.
    Module,
}

impl StClaimKind {
    /// The XML element name.
    pub fn tag(self) -> &'static str {
        match self {
            StClaimKind::BasePp => "base-pp",
            StClaimKind::Package => "package",
            StClaimKind::Module => "module",
        }
    }
}

/// One claimed document and the requirements the ST keeps from it.
#[derive(Clone, Debug)]
pub struct StClaim {
    /// base-pp, package or module.
    pub kind: StClaimKind,
    /// The document id: the last segment of `git/url`, lower-cased (`…/commoncriteria/tls` →
    /// `tls`), as the importer names documents.
    pub id: String,
    /// The version: `git/branch` without a `release-` or `v` prefix (`release-4.3` → `4.3`).
    pub version: String,
    /// `git/url`.
    pub url: Option<String>,
    /// `git/branch` as written.
    pub branch: Option<String>,
    /// `git/commit`.
    pub commit: Option<String>,
    /// Where the claim is.
    pub span: Span,
    /// The f-components kept, in document order.
    pub components: Vec<StComponent>,
}

/// One `f-component` of an ST.
#[derive(Clone, Debug)]
pub struct StComponent {
    /// SFR instance id: upper-cased cc-id, `/ITERATION` appended (as the importer names them).
    pub id: String,
    /// `@cc-id` as written.
    pub cc_id: String,
    /// `@iteration`.
    pub iteration: Option<String>,
    /// `@status` as copied from the PP.
    pub status: Option<String>,
    /// `@id` (the PP's anchor), with the position of its value.
    pub anchor: Option<Spanned<String>>,
    /// The grouping element of a module section it sits in (`modified-sfrs`, `additional-sfrs`,
    /// `man-sfrs`, …), if any.
    pub group: Option<String>,
    /// Where (`@cc-id`).
    pub span: Span,
    /// The f-elements, in order.
    pub elements: Vec<StElement>,
}

/// One `f-element` of an ST and the selections it keeps.
#[derive(Clone, Debug)]
pub struct StElement {
    /// dtsec element id: `CC_ID.n` for the n-th f-element.
    pub id: String,
    /// `@id`, with the position of its value.
    pub anchor: Option<Spanned<String>>,
    /// Where.
    pub span: Span,
    /// Every `selectables` group, nested ones included, in document order.
    pub selections: Vec<StSelection>,
}

/// One `selectables` element as the ST keeps it.
#[derive(Clone, Debug)]
pub struct StSelection {
    /// Slot name in the ST (`sel1`, `sel2`, … numbered in document order within the SFR).
    pub slot: String,
    /// Where.
    pub span: Span,
    /// The kept choices.
    pub kept: Vec<StChoice>,
}

/// One kept `selectable`.
#[derive(Clone, Debug)]
pub struct StChoice {
    /// `@id`.
    pub id: Option<String>,
    /// Its own text, whitespace collapsed, nested selections and assignments left out.
    pub text: String,
    /// `@exclusive="yes"` in the ST's copy.
    pub exclusive: bool,
    /// Where.
    pub span: Span,
}

impl StChoice {
    /// What the ST selects by: the id, else the text.
    pub fn value(&self) -> &str {
        self.id.as_deref().unwrap_or(&self.text)
    }
}

/// A NIAP Security Target as read.
#[derive(Clone, Debug)]
pub struct NiapSt {
    /// The input's name.
    pub name: String,
    /// The claims, in document order.
    pub claims: Vec<StClaim>,
    /// Where the root element is.
    pub span: Span,
    /// What could not be mapped (unexpected top-level elements, claims without a git block).
    pub warnings: Vec<ImportWarning>,
}

fn span_of(lines: &LineIndex, xml: &str, node: Node<'_, '_>) -> Span {
    lines.span(xml, node.range())
}

fn attr_span(lines: &LineIndex, xml: &str, node: Node<'_, '_>, attr: &str) -> Span {
    match node.attribute_node(attr) {
        Some(a) => lines.span(xml, a.range_value()),
        None => span_of(lines, xml, node),
    }
}

fn spanned_attr(
    lines: &LineIndex,
    xml: &str,
    node: Node<'_, '_>,
    attr: &str,
) -> Option<Spanned<String>> {
    node.attribute(attr)
        .map(|v| Spanned::new(v.to_string(), attr_span(lines, xml, node, attr)))
}

/// Reads a NIAP-format Security Target (root `<st>`).
///
/// ```
/// let xml = r#"<st xmlns="https://niap-ccevs.org/cc/v1">
///   <base-pp><git><url>https://github.com/commoncriteria/tls</url><branch>release-1.1</branch></git>
///     <f-component cc-id="fcs_tls_ext.1"><f-element><title>
///       <selectables><selectable id="tlsc_impl">client</selectable></selectables>
///     </title></f-element></f-component>
///   </base-pp></st>"#;
/// let st = dtsec_niap::read_st(xml, "st.xml").unwrap();
/// assert_eq!((st.claims[0].id.as_str(), st.claims[0].version.as_str()), ("tls", "1.1"));
/// assert_eq!(st.claims[0].components[0].elements[0].selections[0].kept[0].value(), "tlsc_impl");
/// ```
pub fn read_st(xml: &str, name: &str) -> Result<NiapSt, ImportError> {
    st_of(&parse_hardened(xml, name, &Limits::NIAP)?, name)
}

/// [`read_st`] on a parsed document.
fn st_of(parsed: &Parsed<'_>, name: &str) -> Result<NiapSt, ImportError> {
    let (lines, xml) = (&parsed.lines, parsed.text);
    let root = parsed.doc.root_element();
    if root.tag_name().namespace() != Some(NIAP_NS) {
        return Err(ImportError::NotNiap {
            name: name.to_string(),
            root: root.tag_name().name().to_string(),
            namespace: root.tag_name().namespace().unwrap_or("").to_string(),
        });
    }
    if root.tag_name().name() != "st" {
        return Err(unsupported_root(root, lines, xml, name));
    }
    let mut st = NiapSt {
        name: name.to_string(),
        claims: Vec::new(),
        span: span_of(lines, xml, root),
        warnings: Vec::new(),
    };
    for top in root.children().filter(|c| c.is_element()) {
        let kind = if is(top, "base-pp") {
            StClaimKind::BasePp
        } else if is(top, "package") {
            StClaimKind::Package
        } else if is(top, "module") {
            StClaimKind::Module
        } else {
            let span = span_of(lines, xml, top);
            let what = top.tag_name().name();
            let hint = if what == "include-pkg" {
                " (a PP's package reference; an ST claims a package with <package>)"
            } else {
                ""
            };
            st.warnings.push(ImportWarning {
                line: span.line,
                column: span.column,
                message: format!(
                    "top-level <{what}> is not a claim and is ignored{hint}; an ST claims documents with <base-pp>, <package> and <module>"
                ),
            });
            continue;
        };
        let git = child(top, "git");
        let field = |n: &str| git.and_then(|g| child(g, n)).map(plain_text);
        let url = field("url");
        let branch = field("branch");
        let commit = field("commit");
        let span = span_of(lines, xml, top);
        let id = url.as_deref().map(id_of_url).unwrap_or_default();
        let version = branch.as_deref().map(version_of_branch).unwrap_or_default();
        if id.is_empty() || version.is_empty() {
            st.warnings.push(ImportWarning {
                line: span.line,
                column: span.column,
                message: format!(
                    "<{}> has no git url and branch; the claimed document cannot be identified",
                    kind.tag()
                ),
            });
        }
        let mut components = Vec::new();
        for comp in top.descendants().filter(|n| is(*n, "f-component")) {
            components.push(component(lines, xml, top, comp));
        }
        st.claims.push(StClaim {
            kind,
            id,
            version,
            url,
            branch,
            commit,
            span,
            components,
        });
    }
    Ok(st)
}

/// The document id a claim's `git/url` names: its last segment, lower-cased, without `.git`
/// (`https://github.com/commoncriteria/tls` → `tls`).
pub(crate) fn id_of_url(url: &str) -> String {
    url.trim_end_matches('/')
        .rsplit('/')
        .next()
        .map(|s| s.trim_end_matches(".git").to_ascii_lowercase())
        .unwrap_or_default()
}

/// `release-4.3` → `4.3`, `v2.4` → `2.4`, `master` → `master`.
fn version_of_branch(branch: &str) -> String {
    let b = branch.trim();
    if let Some(v) = b.strip_prefix("release-") {
        return v.to_string();
    }
    if let Some(v) = b.strip_prefix('v')
        && v.starts_with(|c: char| c.is_ascii_digit())
    {
        return v.to_string();
    }
    b.to_string()
}

fn component(lines: &LineIndex, xml: &str, top: Node<'_, '_>, comp: Node<'_, '_>) -> StComponent {
    let cc_id = comp.attribute("cc-id").unwrap_or("").to_string();
    let iteration = comp
        .attribute("iteration")
        .filter(|i| !i.is_empty())
        .map(str::to_string);
    let upper = cc_id.to_ascii_uppercase();
    let id = match &iteration {
        Some(it) => format!("{upper}/{it}"),
        None => upper.clone(),
    };
    // The grouping element between the claim and the component (module sections).
    let group = comp
        .ancestors()
        .skip(1)
        .take_while(|a| *a != top)
        .filter(|a| a.tag_name().name().ends_with("-sfrs"))
        .map(|a| a.tag_name().name().to_string())
        .last();
    let mut slot_no = 0usize;
    let mut elements = Vec::new();
    for (i, fe) in comp.children().filter(|c| is(*c, "f-element")).enumerate() {
        let mut selections = Vec::new();
        if let Some(title) = child(fe, "title") {
            for sel in title.descendants().filter(|d| is(*d, "selectables")) {
                slot_no += 1;
                let kept = sel
                    .children()
                    .filter(|c| is(*c, "selectable"))
                    .map(|s| StChoice {
                        id: s.attribute("id").map(str::to_string),
                        text: own_text(s),
                        exclusive: s.attribute("exclusive") == Some("yes"),
                        span: span_of(lines, xml, s),
                    })
                    .collect();
                selections.push(StSelection {
                    slot: format!("sel{slot_no}"),
                    span: span_of(lines, xml, sel),
                    kept,
                });
            }
        }
        elements.push(StElement {
            id: format!("{upper}.{}", i + 1),
            anchor: spanned_attr(lines, xml, fe, "id"),
            span: span_of(lines, xml, fe),
            selections,
        });
    }
    StComponent {
        id,
        cc_id,
        iteration,
        status: comp.attribute("status").map(str::to_string),
        anchor: spanned_attr(lines, xml, comp, "id"),
        group,
        span: attr_span(lines, xml, comp, "cc-id"),
        elements,
    }
}

/// A selectable's own text: text nodes and markup, an empty `xref`'s target, without nested
/// `selectables`, `assignable`s and alternative labels (`readable`), whitespace collapsed. The
/// checker compares it with the PP's choice text with `{slot}` markers removed.
pub fn own_text(node: Node<'_, '_>) -> String {
    // Iterative (depth is bounded by the pre-scan, but no recursion is needed): `None` on the
    // stack stands for the space after a block element.
    let mut out = String::new();
    let mut stack: Vec<Option<Node<'_, '_>>> = node.children().rev().map(Some).collect();
    while let Some(item) = stack.pop() {
        let Some(n) = item else {
            out.push(' ');
            continue;
        };
        if n.is_text() {
            out.push_str(n.text().unwrap_or(""));
            continue;
        }
        if !n.is_element() {
            continue;
        }
        if is(n, "selectables") || is(n, "assignable") {
            out.push(' ');
            continue;
        }
        if is(n, "readable")
            || is(n, "deprecated")
            || is(n, "not-selectable")
            || is(n, "tabularize")
        {
            continue;
        }
        let block = n.tag_name().namespace() == Some(XHTML_NS) || is(n, "col");
        if block {
            out.push(' ');
            stack.push(None);
        }
        if !n.has_children() && is(n, "xref") {
            out.push_str(n.attribute("to").or_else(|| n.attribute("g")).unwrap_or(""));
        }
        stack.extend(n.children().rev().map(Some));
    }
    normalize_ws(&out)
}

impl NiapSt {
    /// The ST as a dtsec [`Document`] of kind security-target (see the module docs).
    ///
    /// The id and title are the file stem. Each claim becomes a `conformance.pps` entry
    /// (base-pp, module) or `conformance.packages` entry (package) with the git url; each
    /// f-component an SFR with `base_pp` = the claim's id; each f-element an element whose
    /// `operations` are the ST's own selections (kept choices only) and whose `completed` values
    /// are the kept choices' ids (texts for choices without one).
    pub fn to_document(&self) -> Document {
        let stem = self
            .name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.name)
            .trim_end_matches(".xml")
            .to_string();
        let mut conformance = Conformance {
            niap: Some(NiapConformance {
                st: true,
                ..NiapConformance::default()
            }),
            ..Conformance::default()
        };
        let mut sfrs = Vec::new();
        for claim in &self.claims {
            let r = DocRef {
                id: Spanned::new(claim.id.clone(), claim.span),
                version: Spanned::new(claim.version.clone(), claim.span),
                url: claim.url.clone(),
            };
            match claim.kind {
                StClaimKind::Package => conformance.packages.push(r),
                StClaimKind::BasePp | StClaimKind::Module => conformance.pps.push(r),
            }
            if let Some(niap) = conformance.niap.as_mut() {
                niap.claims.push(NiapClaim {
                    kind: claim.kind.tag().to_string(),
                    doc: Spanned::new(claim.id.clone(), claim.span),
                    branch: claim.branch.clone(),
                    commit: claim.commit.clone(),
                });
            }
            for comp in &claim.components {
                sfrs.push(sfr_of(claim, comp));
            }
        }
        Document {
            kind: Spanned::new(DocumentKind::SecurityTarget, self.span),
            id: Spanned::new(
                if stem.is_empty() {
                    "niap-st".to_string()
                } else {
                    stem.clone()
                },
                self.span,
            ),
            version: Spanned::new(String::new(), self.span),
            title: stem,
            identification: Identification::default(),
            cc_edition: None,
            conformance,
            base_pps: Vec::new(),
            toe: Toe::default(),
            features: Vec::new(),
            forms: Vec::new(),
            roles: Vec::new(),
            spd: SecurityProblem::default(),
            objectives: Objectives::default(),
            extended_components: Vec::new(),
            sfrs,
            sars: Vec::new(),
            tss: Vec::new(),
            notes: Vec::new(),
            modules: Vec::new(),
            sections: Vec::new(),
        }
    }
}

fn sfr_of(claim: &StClaim, comp: &StComponent) -> Sfr {
    let elements = comp
        .elements
        .iter()
        .map(|e| {
            let mut operations = BTreeMap::new();
            let mut completed = BTreeMap::new();
            for sel in &e.selections {
                let choices: Vec<Choice> = sel
                    .kept
                    .iter()
                    .map(|c| match &c.id {
                        Some(id) => Choice::Detailed(DetailedChoice {
                            id: Some(id.clone()),
                            text: c.text.clone(),
                            operations: BTreeMap::new(),
                            exclusive: c.exclusive,
                        }),
                        None if c.exclusive => Choice::Detailed(DetailedChoice {
                            id: None,
                            text: c.text.clone(),
                            operations: BTreeMap::new(),
                            exclusive: true,
                        }),
                        None => Choice::Text(c.text.clone()),
                    })
                    .collect();
                let values: Vec<String> = sel.kept.iter().map(|c| c.value().to_string()).collect();
                operations.insert(
                    sel.slot.clone(),
                    Spanned::new(
                        Operation {
                            selection: Some(choices),
                            ..Operation::default()
                        },
                        sel.span,
                    ),
                );
                completed.insert(
                    sel.slot.clone(),
                    Spanned::new(Completion::Many(values), sel.span),
                );
            }
            Element {
                id: Spanned::new(e.id.clone(), e.span),
                text: None,
                operations,
                completed,
                refinement: None,
                html: None,
                anchor: e.anchor.clone(),
                application_note: None,
                evaluation_activities: None,
                management_functions: None,
            }
        })
        .collect();
    Sfr {
        id: Spanned::new(comp.id.clone(), comp.span),
        title: None,
        status: None,
        toe_types: Vec::new(),
        roles: Vec::new(),
        selected_by: Vec::new(),
        feature: None,
        objectives: Vec::new(),
        addresses: Vec::new(),
        elements,
        unmet_dependencies: Vec::new(),
        application_note: None,
        evaluation_activities: None,
        invisible: false,
        anchor: comp.anchor.clone(),
        base_pp: Some(Spanned::new(claim.id.clone(), claim.span)),
        depends: Vec::new(),
        audit_events: Vec::new(),
        restrict: Default::default(),
    }
}

/// What a NIAP PP, PP-Module or Package says about conformance beyond the importer's model:
/// `include-pkg` and `modules/module` references with `depends` (the selections that make them
/// apply).
pub fn pp_conformance(xml: &str, name: &str) -> Result<NiapConformance, ImportError> {
    Ok(pp_conformance_of(&parse_hardened(
        xml,
        name,
        &Limits::NIAP,
    )?))
}

/// [`pp_conformance`] on a parsed document.
fn pp_conformance_of(parsed: &Parsed<'_>) -> NiapConformance {
    let (lines, xml) = (&parsed.lines, parsed.text);
    let root = parsed.doc.root_element();
    let mut out = NiapConformance::default();
    let refs = root
        .children()
        .filter(|n| is(*n, "include-pkg"))
        .map(|n| (n, "package"))
        .chain(
            root.descendants()
                .filter(|n| is(*n, "module") && n.parent().is_some_and(|p| is(p, "modules")))
                .map(|n| (n, "module")),
        );
    for (node, kind) in refs {
        let on: Vec<Spanned<String>> = node
            .children()
            .filter(|c| is(*c, "depends") && !c.children().any(|k| k.is_element()))
            .flat_map(|d| {
                d.attributes()
                    .map(|a| Spanned::new(a.value().to_string(), lines.span(xml, a.range_value())))
                    .collect::<Vec<_>>()
            })
            .collect();
        if on.is_empty() {
            continue;
        }
        let url = child(node, "git")
            .and_then(|g| child(g, "url"))
            .map(plain_text);
        let id = url
            .as_deref()
            .and_then(|u| u.trim_end_matches('/').rsplit('/').next())
            .map(|s| s.trim_end_matches(".git").to_ascii_lowercase())
            .filter(|s| !s.is_empty())
            .or_else(|| node.attribute("short").map(str::to_ascii_lowercase))
            .or_else(|| node.attribute("id").map(str::to_string))
            .unwrap_or_default();
        out.conditions.push(NiapCondition {
            doc: Spanned::new(id, span_of(lines, xml, node)),
            kind: kind.to_string(),
            on,
        });
    }
    out
}

/// Reads any NIAP document for checking: an `<st>` through [`read_st`] and
/// [`NiapSt::to_document`]; a PP, PP-Module or Package through [`crate::import`], with
/// `conformance.niap` set from [`pp_conformance`] (empty when the PP has nothing to say there).
pub fn read_document(xml: &str, name: &str) -> Result<Imported, ImportError> {
    // Parsed once: the root decides the reader, and every reader works on this tree.
    let parsed = parse_hardened(xml, name, &Limits::NIAP)?;
    let root = parsed.doc.root_element();
    if root.tag_name().namespace() == Some(NIAP_NS) && root.tag_name().name() == "st" {
        let st = st_of(&parsed, name)?;
        let document = st.to_document();
        let counts = ImportCounts {
            f_components: document.sfrs.len(),
            f_elements: document.sfrs.iter().map(|s| s.elements.len()).sum(),
            ..ImportCounts::default()
        };
        return Ok(Imported {
            document,
            counts,
            warnings: st.warnings,
        });
    }
    let facts = pp_conformance_of(&parsed);
    let mut imported = import_parsed(&parsed, name)?;
    // Present (possibly empty) on every NIAP document read for checking: the checker then knows
    // the document follows NIAP conventions (e.g. an included package that is not available is
    // a warning, not unusable input).
    imported.document.conformance.niap = Some(facts);
    Ok(imported)
}

/// [`read_document`] for bytes: size limit and UTF-8 first, as [`crate::import_bytes`].
pub fn read_document_bytes(bytes: &[u8], name: &str) -> Result<Imported, ImportError> {
    read_document(decode(bytes, name, &Limits::NIAP)?, name)
}
