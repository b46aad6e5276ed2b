//! Everything a rule needs to know about the document under check, resolved once.
//!
//! The context finds the catalogue edition, the documents claimed (PPs, modules, packages, or a
//! package's base PP), the extended component definitions in scope, and the effective status of
//! each PP SFR after package deltas, the TOE type and the TOE parts' roles are applied. Rules read
//! it; none of them re-resolve anything.

use std::collections::{BTreeMap, HashMap, HashSet};

use dtsec_catalog::{Catalog, Component, ComponentKind, Edition};
use dtsec_model::{
    Document, DocumentKind, Element, ExtendedComponent, Library, LoadedDocument, SfrId, SfrStatus,
    SourceFile, Span,
};

use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::registry::rule;

/// What to check: one document, its source, and where claims are looked up.
#[derive(Clone, Copy)]
pub struct CheckInput<'a> {
    /// The document's text (for positions).
    pub source: &'a SourceFile,
    /// The parsed document.
    pub document: &'a Document,
    /// The documents claims may resolve to.
    pub library: &'a Library,
}

/// An extended component definition and the file it is in.
#[derive(Clone, Copy)]
pub struct ExtDef<'a> {
    pub def: &'a ExtendedComponent,
    pub file: &'a str,
}

/// A component known to the checker: from the catalogue or an extended definition.
#[derive(Clone, Copy)]
pub enum ComponentInfo<'a> {
    Catalog(&'static Component),
    Extended(ExtDef<'a>),
}

impl<'a> ComponentInfo<'a> {
    /// Element ids of the component.
    pub fn element_ids(&self) -> Vec<&'a str> {
        match self {
            ComponentInfo::Catalog(c) => c.elements.iter().map(|e| e.id).collect(),
            ComponentInfo::Extended(x) => x.def.elements.iter().map(|e| e.id.as_str()).collect(),
        }
    }

    /// Dependencies as AND of OR groups.
    pub fn dependencies(&self) -> Vec<Vec<&'a str>> {
        match self {
            ComponentInfo::Catalog(c) => c.dependencies.iter().map(|g| g.to_vec()).collect(),
            ComponentInfo::Extended(x) => x
                .def
                .dependencies
                .iter()
                .map(|g| g.iter().map(|d| d.as_str()).collect())
                .collect(),
        }
    }

    /// Functional or assurance.
    pub fn kind(&self) -> ComponentKind {
        match self {
            ComponentInfo::Catalog(c) => c.kind,
            ComponentInfo::Extended(x) => {
                if x.def.id.starts_with('A') {
                    ComponentKind::Assurance
                } else {
                    ComponentKind::Functional
                }
            }
        }
    }
}

/// The PP's definition of an SFR instance, with its status as it applies to this ST.
#[derive(Clone, Copy)]
pub struct PpSfr<'a> {
    pub sfr: &'a dtsec_model::Sfr,
    pub file: &'a str,
    /// Status after package deltas and TOE-type and role conditions.
    pub status: SfrStatus,
    /// Where the effective status was set (a package delta, or the PP).
    pub status_span: Span,
    pub status_file: &'a str,
    /// The selections that require it (from the PP, or from a package delta that made it
    /// selection-based).
    pub triggers: &'a [dtsec_model::SelectionTrigger],
    /// The feature that requires it (PP or package delta).
    pub feature: Option<&'a dtsec_model::Id>,
}

/// The resolved context.
pub struct Ctx<'a> {
    pub source: &'a SourceFile,
    pub doc: &'a Document,
    pub catalog: &'static Catalog,
    pub edition: Edition,
    /// PPs and PP-Modules claimed (ST) or the base PPs (module, package).
    pub pps: Vec<&'a LoadedDocument>,
    /// Packages claimed (ST).
    pub packages: Vec<&'a LoadedDocument>,
    /// The claim that brought in each package, in the same order as `packages`.
    pub package_claims: Vec<&'a dtsec_model::DocRef>,
    /// Extended component definitions in scope, by id.
    pub ext: HashMap<&'a str, ExtDef<'a>>,
    /// For an ST: the PP SFR definitions by instance id, with effective status.
    pub pp_sfrs: BTreeMap<&'a str, PpSfr<'a>>,
    /// True when a claim could not be resolved (conformance rules then stay quiet).
    pub claims_unresolved: bool,
    /// The document is a NIAP-format ST (`conformance.niap.st`): selections are kept choices,
    /// assignments stay open, SPD/objectives/SARs/TSS are the PP's, and a claimed document that
    /// is not available is a warning (DT-NIAP-001) whose SFRs are left unchecked.
    pub niap_st: bool,
    /// NIAP ST: SFR instances from claimed documents that are not available. They count as
    /// present (a module may provide a base PP's SFR) but are not checked.
    pub unchecked_sfrs: Vec<String>,
    pub diags: Vec<Diagnostic>,
}

impl<'a> Ctx<'a> {
    pub fn new(input: CheckInput<'a>) -> Ctx<'a> {
        let doc = input.document;
        let mut diags = Vec::new();
        let edition = match &doc.cc_edition {
            None => Edition::default(),
            Some(e) => match Edition::parse(&e.value) {
                Some(ed) => ed,
                None => {
                    diags.push(make(
                        "DT-DOC-004",
                        format!("unknown CC edition `{}`", e.value),
                        &input.source.name,
                        e.span,
                        Some("use `CC:2022 R1` (the default) or `CC 3.1 R5`".into()),
                    ));
                    Edition::default()
                }
            },
        };
        let mut ctx = Ctx {
            source: input.source,
            doc,
            catalog: Catalog::get(edition),
            edition,
            pps: Vec::new(),
            packages: Vec::new(),
            package_claims: Vec::new(),
            ext: HashMap::new(),
            pp_sfrs: BTreeMap::new(),
            claims_unresolved: false,
            niap_st: doc.conformance.niap.as_ref().is_some_and(|n| n.st),
            unchecked_sfrs: Vec::new(),
            diags,
        };
        ctx.resolve_claims(input.library);
        // A NIAP ST names no edition: it is the claimed PP's.
        if ctx.niap_st
            && doc.cc_edition.is_none()
            && let Some(ed) = ctx.pps.iter().find_map(|pp| {
                pp.document
                    .cc_edition
                    .as_ref()
                    .and_then(|e| Edition::parse(&e.value))
            })
        {
            ctx.edition = ed;
            ctx.catalog = Catalog::get(ed);
        }
        ctx.collect_extended();
        if doc.kind.value == DocumentKind::SecurityTarget {
            ctx.collect_pp_sfrs();
        }
        ctx
    }

    fn resolve_claims(&mut self, library: &'a Library) {
        let doc = self.doc;
        let (pp_refs, pkg_refs) = match doc.kind.value {
            DocumentKind::SecurityTarget => (&doc.conformance.pps, &doc.conformance.packages),
            _ => (&doc.base_pps, &doc.conformance.packages),
        };
        // A NIAP ST with some claimed documents available is checked against those; with none,
        // nothing can be checked and the missing claims make the input unusable (DT-CONF-001).
        let niap_partial = self.niap_st
            && pp_refs
                .iter()
                .chain(pkg_refs)
                .any(|r| find_claim(library, r, self.edition).0.is_some());
        // A PP-Module's base PPs are alternatives: it is checked against those present, and
        // each missing one is named (DT-CONF-023) instead of abandoning the module.
        let module_partial = doc.kind.value == DocumentKind::PpModule
            && pp_refs
                .iter()
                .any(|r| find_claim(library, r, self.edition).0.is_some());
        for (refs, is_pkg) in [(pp_refs, false), (pkg_refs, true)] {
            for r in refs {
                let (found, newest_of) = find_claim(library, r, self.edition);
                if let (Some(found), Some(versions)) = (found, &newest_of) {
                    self.push(
                        "DT-CONF-027",
                        format!(
                            "`{}` is referenced without a version; of the available versions ({}) the newest, {}, is used",
                            r.id.value,
                            versions.join(", "),
                            found.document.version.value
                        ),
                        r.id.span,
                        Some("name the version you mean to make the reference exact".into()),
                    );
                }
                match found {
                    Some(found) => {
                        let kind = found.document.kind.value;
                        let ok = if is_pkg {
                            matches!(
                                kind,
                                DocumentKind::AssurancePackage | DocumentKind::FunctionalPackage
                            )
                        } else {
                            matches!(
                                kind,
                                DocumentKind::ProtectionProfile | DocumentKind::PpModule
                            )
                        };
                        if !ok {
                            self.push(
                                "DT-CONF-011",
                                format!(
                                    "`{} {}` is a {}, not a {}",
                                    r.id.value,
                                    r.version.value,
                                    kind.label(),
                                    if is_pkg { "package" } else { "PP or PP-Module" }
                                ),
                                r.id.span,
                                Some(if is_pkg {
                                    "list PPs under `conformance.pps` and packages under `conformance.packages`".into()
                                } else {
                                    "list packages under `conformance.packages`".into()
                                }),
                            );
                            continue;
                        }
                        if is_pkg {
                            self.packages.push(found);
                            self.package_claims.push(r);
                        } else {
                            self.pps.push(found);
                        }
                    }
                    // A NIAP PP's included package (`include-pkg`) that is not available: its
                    // definitions are out of scope, the PP itself can still be checked.
                    None if niap_partial
                        || (is_pkg && !self.niap_st && doc.conformance.niap.is_some()) =>
                    {
                        let versions = library.versions_of(&r.id.value);
                        let have = if versions.is_empty() {
                            "no version of it is available".to_string()
                        } else {
                            format!("available versions: {}", versions.join(", "))
                        };
                        self.push(
                            "DT-NIAP-001",
                            format!(
                                "{} `{}` {}{} is not among the built-in documents or on the search path ({have}); {}",
                                if self.niap_st { "claimed document" } else { "included package" },
                                r.id.value,
                                version_phrase(&r.version.value),
                                r.url.as_deref().map(|u| format!(" ({u})")).unwrap_or_default(),
                                if self.niap_st {
                                    "its SFRs are not checked"
                                } else {
                                    "components it defines are unknown here"
                                }
                            ),
                            r.id.span,
                            Some("give the document with `--pp FILE` or its directory with `--pp-path DIR` (NIAP XML is read directly)".into()),
                        );
                    }
                    None if module_partial && !is_pkg => {
                        let present: Vec<String> = pp_refs
                            .iter()
                            .filter(|b| find_claim(library, b, self.edition).0.is_some())
                            .map(|b| format!("{} {}", b.id.value, b.version.value))
                            .collect();
                        let versions = library.versions_of(&r.id.value);
                        self.push(
                            "DT-CONF-023",
                            format!(
                                "base PP `{}` {} is not available ({}), so the module was checked only against {}",
                                r.id.value,
                                version_phrase(&r.version.value),
                                if versions.is_empty() {
                                    "no version of it is available".to_string()
                                } else {
                                    format!("available: {}", versions.join(", "))
                                },
                                present.join(", ")
                            ),
                            r.id.span,
                            Some("give the base PP with `--pp FILE` or `--pp-path DIR` to check the module against it too".into()),
                        );
                    }
                    None => {
                        self.claims_unresolved = true;
                        let versions = library.versions_of(&r.id.value);
                        let help = if versions.is_empty() {
                            "give the document on the command line (`--pp FILE`), add its directory with `--pp-path DIR` or DTSEC_PP_PATH, or see `dtsec pp list`".to_string()
                        } else {
                            format!(
                                "available versions of `{}`: {}",
                                r.id.value,
                                versions.join(", ")
                            )
                        };
                        self.push(
                            "DT-CONF-001",
                            format!(
                                "claimed document `{}` {}{} is not among the built-in documents or on the search path",
                                r.id.value,
                                version_phrase(&r.version.value),
                                r.url
                                    .as_deref()
                                    .filter(|_| self.niap_st)
                                    .map(|u| format!(" ({u})"))
                                    .unwrap_or_default()
                            ),
                            r.id.span,
                            Some(help),
                        );
                    }
                }
            }
        }
        // A package claimed by an ST must be meant for one of the claimed PPs.
        if doc.kind.value == DocumentKind::SecurityTarget {
            let accepted: Vec<(&'a LoadedDocument, &'a dtsec_model::DocRef)> = self
                .packages
                .iter()
                .copied()
                .zip(self.package_claims.iter().copied())
                .collect();
            let mut kept = (Vec::new(), Vec::new());
            for (pkg, r) in accepted {
                if pkg.document.base_pps.is_empty() || self.pps.is_empty() {
                    kept.0.push(pkg);
                    kept.1.push(r);
                    continue;
                }
                let fits = pkg.document.base_pps.iter().any(|b| {
                    self.pps.iter().any(|pp| {
                        pp.document.id.value == b.id.value
                            && (b.version.value.trim().is_empty()
                                || pp.document.version.value == b.version.value)
                    })
                });
                if !fits {
                    let bases = base_pp_names(&pkg.document);
                    self.push(
                        "DT-CONF-011",
                        format!(
                            "package `{}` applies to {}, which this ST does not claim",
                            r.id.value,
                            bases.join(", ")
                        ),
                        r.id.span,
                        Some("claim the package's base PP, or drop the package claim".into()),
                    );
                    // A package for another PP says nothing about this ST's requirements.
                    continue;
                }
                kept.0.push(pkg);
                kept.1.push(r);
            }
            (self.packages, self.package_claims) = kept;
        }
    }

    fn collect_extended(&mut self) {
        let add = |defs: &'a [ExtendedComponent],
                   file: &'a str,
                   ext: &mut HashMap<&'a str, ExtDef<'a>>| {
            for def in defs {
                ext.entry(def.id.as_str()).or_insert(ExtDef { def, file });
            }
        };
        let mut ext = HashMap::new();
        add(&self.doc.extended_components, &self.source.name, &mut ext);
        for d in self.pps.iter().chain(self.packages.iter()) {
            add(&d.document.extended_components, &d.source.name, &mut ext);
        }
        self.ext = ext;
    }

    fn collect_pp_sfrs(&mut self) {
        let toe_type = self.doc.toe.toe_type.as_ref().map(|t| t.value.as_str());
        let toe = &self.doc.toe;
        let mut map: BTreeMap<&'a str, PpSfr<'a>> = BTreeMap::new();
        for pp in &self.pps {
            for sfr in &pp.document.sfrs {
                let Some(status) = &sfr.status else { continue };
                let status_value =
                    apply_conditions(status.value, &sfr.toe_types, &sfr.roles, toe_type, toe);
                map.entry(sfr.id.as_str()).or_insert(PpSfr {
                    sfr,
                    file: &pp.source.name,
                    status: status_value,
                    status_span: status.span,
                    status_file: &pp.source.name,
                    triggers: &sfr.selected_by,
                    feature: sfr.feature.as_ref(),
                });
            }
        }
        for pkg in &self.packages {
            for delta in &pkg.document.sfrs {
                let Some(status) = &delta.status else {
                    continue;
                };
                let status_value =
                    apply_conditions(status.value, &delta.toe_types, &delta.roles, toe_type, toe);
                if let Some(entry) = map.get_mut(delta.id.as_str())
                    && delta.elements.is_empty()
                {
                    // A status delta: only raises requirements (optional → mandatory).
                    if rank(status_value) > rank(entry.status) {
                        entry.status = status_value;
                        entry.status_span = status.span;
                        entry.status_file = &pkg.source.name;
                        if !delta.selected_by.is_empty() {
                            entry.triggers = &delta.selected_by;
                        }
                        if delta.feature.is_some() {
                            entry.feature = delta.feature.as_ref();
                        }
                    }
                    continue;
                }
                if !delta.elements.is_empty() {
                    map.entry(delta.id.as_str()).or_insert(PpSfr {
                        sfr: delta,
                        file: &pkg.source.name,
                        status: status_value,
                        status_span: status.span,
                        status_file: &pkg.source.name,
                        triggers: &delta.selected_by,
                        feature: delta.feature.as_ref(),
                    });
                }
            }
        }
        self.pp_sfrs = map;
    }

    /// Looks up a component in the catalogue or among the extended definitions in scope.
    pub fn component(&self, id: &str) -> Option<ComponentInfo<'a>> {
        if let Some(x) = self.ext.get(id) {
            return Some(ComponentInfo::Extended(*x));
        }
        self.catalog.component(id).map(ComponentInfo::Catalog)
    }

    /// True when including `higher` meets a dependency on `lower` (same component, or
    /// hierarchically above it; extended components use their own `hierarchical_to`).
    pub fn satisfies(&self, higher: &str, lower: &str) -> bool {
        // The common cases without the walk's allocations: the same id, or a catalogue
        // component (only extended ones add hierarchy of their own).
        if higher == lower {
            return true;
        }
        if !self.ext.contains_key(higher) {
            return self.catalog.satisfies(higher, lower);
        }
        let mut stack = vec![higher];
        let mut seen: HashSet<&str> = HashSet::new();
        while let Some(id) = stack.pop() {
            if id == lower || self.catalog.satisfies(id, lower) {
                return true;
            }
            if !seen.insert(id) {
                continue;
            }
            if let Some(x) = self.ext.get(id) {
                stack.extend(x.def.hierarchical_to.iter().map(|h| h.as_str()));
            }
        }
        false
    }

    /// Records a finding in the document under check, with the rule's default severity.
    pub fn push(&mut self, code: &'static str, message: String, span: Span, help: Option<String>) {
        self.diags
            .push(make(code, message, &self.source.name, span, help));
    }

    /// Records a finding with a related location.
    pub fn push_related(
        &mut self,
        code: &'static str,
        message: String,
        span: Span,
        help: Option<String>,
        related: Related,
    ) {
        let mut d = make(code, message, &self.source.name, span, help);
        d.related.push(related);
        self.diags.push(d);
    }

    /// The SFR ids of the document, component part only.
    pub fn is_st(&self) -> bool {
        self.doc.kind.value == DocumentKind::SecurityTarget
    }

    /// The PP's element definition for an ST SFR element, or the ST's own when it defines one.
    pub fn element_definition(
        &self,
        sfr_id: &str,
        element_id: &str,
    ) -> Option<(&'a Element, &'a str)> {
        if let Some(pp) = self.pp_sfrs.get(sfr_id)
            && let Some(e) = pp.sfr.elements.iter().find(|e| e.id.value == element_id)
        {
            return Some((e, pp.file));
        }
        None
    }
}

/// A conditional status: the status applies when the ST's TOE type is one of `types` (when
/// given) and some part of the TOE plays one of `roles` (when given); otherwise the SFR is
/// optional.
fn apply_conditions(
    status: SfrStatus,
    types: &[dtsec_model::Id],
    roles: &[dtsec_model::Id],
    toe_type: Option<&str>,
    toe: &dtsec_model::Toe,
) -> SfrStatus {
    let type_holds =
        types.is_empty() || toe_type.is_some_and(|t| types.iter().any(|x| x.value == t));
    let role_holds = roles.is_empty() || roles.iter().any(|r| toe.has_role(&r.value));
    if type_holds && role_holds {
        status
    } else {
        SfrStatus::Optional
    }
}

/// How demanding a status is, for package deltas that may only raise it.
fn rank(s: SfrStatus) -> u8 {
    match s {
        SfrStatus::Objective => 0,
        SfrStatus::Optional => 1,
        SfrStatus::FeatureBased | SfrStatus::SelectionBased => 2,
        SfrStatus::Mandatory => 3,
    }
}

/// Builds a diagnostic with the rule's default severity.
pub fn make(
    code: &'static str,
    message: String,
    file: &str,
    span: Span,
    help: Option<String>,
) -> Diagnostic {
    Diagnostic {
        code,
        severity: rule(code).map_or(Severity::Error, |r| r.severity),
        message,
        file: file.to_string(),
        span,
        help,
        related: Vec::new(),
    }
}

/// The component part of an SFR id.
pub fn component_of(id: &str) -> &str {
    SfrId::parse(id).component
}

/// The document a reference names, as it reads in `edition` (the claiming document's: the CDD
/// PP 2.0 claimed from a CC 3.1 R5 ST is its derived edition, see `dtsec_model::edition`). A
/// reference without a version (NIAP's `include-pkg` and `base-pp` often have none) resolves
/// to the only available version, or to the newest; then the second value lists the versions,
/// so the caller can say which was chosen (DT-CONF-027).
pub fn find_claim<'l>(
    library: &'l Library,
    r: &dtsec_model::DocRef,
    edition: Edition,
) -> (Option<&'l LoadedDocument>, Option<Vec<String>>) {
    if !r.version.value.trim().is_empty() {
        return (
            library.find_in_edition(&r.id.value, &r.version.value, edition),
            None,
        );
    }
    let mut versions = library.versions_of(&r.id.value);
    versions.sort_by_key(|v| version_key(v));
    let found = versions
        .last()
        .and_then(|v| library.find_in_edition(&r.id.value, v, edition));
    let several = (versions.len() > 1).then_some(versions);
    (found, several)
}

/// `4.10` after `4.9`: numeric parts compare as numbers.
fn version_key(v: &str) -> Vec<(u64, String)> {
    v.split(['.', '-'])
        .map(|p| (p.parse::<u64>().unwrap_or(0), p.to_owned()))
        .collect()
}

/// "version `1.0`", or "(no version given)" for a reference without one.
fn version_phrase(version: &str) -> String {
    if version.trim().is_empty() {
        "(referenced without a version)".to_owned()
    } else {
        format!("version `{version}`")
    }
}

/// The base PPs a package or module names, as `id version`, for findings that list them.
pub(crate) fn base_pp_names(doc: &dtsec_model::Document) -> Vec<String> {
    doc.base_pps
        .iter()
        .map(|b| format!("{} {}", b.id.value, b.version.value))
        .collect()
}
