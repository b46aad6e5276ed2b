//! Import of VEX documents other tools wrote — CycloneDX VEX, OpenVEX 0.2.0 and CSAF 2.0
//! `csaf_vex`, without dtsec's extension — into assessments of one product version, tied to its SBOM's components.
//!
//! Why a separate path: dtsec's own import checks its extension against the native fields, so a
//! foreign document (no extension) is refused there. Here the native fields are all there is:
//! each statement's state is mapped by the vocabulary of design §5, and what dtsec requires but
//! the source lacks (an affected statement's response, a not-affected statement's justification
//! or impact statement) comes from the caller's [`Fill`] or is an error naming the statement and
//! the missing field — never an invented value.
//!
//! Tying: a statement names products by purl (OpenVEX `@id`/`identifiers.purl`, CSAF
//! `product_identification_helper.purl`, the purl of a CycloneDX `affects` ref's component), by
//! the SBOM's bom-ref (a CycloneDX bom-link to the SBOM's serial) or by name (CSAF branches `product_name` and
//! `product_version`, or a full product name). A purl that is one of the SBOM's components is that
//! component; the device itself (`--product NAME@VERSION`: by name and version, or the
//! `pkg:generic/NAME@VERSION` purl dtsec writes) stands for the SBOM's subject, the component
//! the SBOM describes. Statements about other products are skipped and reported, never
//! attributed to the device.

use std::collections::BTreeMap;

use serde_json::Value;

use super::{Format, import_err, vocab};
use crate::assessment::{
    Assessment, ComponentRef, Justification, ProductRef, Response, State, VulnRef,
};
use crate::error::VexError;

/// What the document is tied to: the product version and its SBOM's components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    /// The product version, with the SBOM's serial number and version.
    pub product: ProductRef,
    /// The SBOM's subject (the device as one component): its bom-ref.
    pub subject: ComponentRef,
    /// The SBOM's components (bom-ref and purl).
    pub components: Vec<ComponentRef>,
}

/// What the caller supplies where the source document is silent (the CLI's flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fill {
    /// Responses for affected statements without a remediation (`--response`).
    pub responses: Vec<Response>,
    /// The action statement for affected statements without one (`--action`).
    pub action: Option<String>,
    /// The justification for not-affected statements without one (`--justification`).
    pub justification: Option<Justification>,
    /// The impact statement for not-affected statements without one (`--impact`).
    pub impact: Option<String>,
}

/// What an import made: the assessments, and the statements skipped because they are about
/// another product (with the reason).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Imported {
    /// One assessment per vulnerability.
    pub assessments: Vec<Assessment>,
    /// `(JSON pointer, why)` of each statement not about the target.
    pub skipped: Vec<(String, String)>,
}

/// One statement, format-neutral.
struct Statement {
    at: String,
    vuln: String,
    aliases: Vec<String>,
    /// Pointer and purl/name of each product the statement covers.
    products: Vec<(String, ProductName)>,
    status: &'static str,
    /// A CycloneDX justification, exact (CycloneDX documents).
    justification: Option<Justification>,
    label: Option<String>,
    impact: Option<String>,
    action: Option<String>,
    responses: Vec<Response>,
}

#[derive(Clone)]
enum ProductName {
    Purl(String),
    /// A bom-ref of the SBOM (a CycloneDX VEX embedded in or linked to it).
    BomRef(String),
    /// Name and version (CSAF branches) or a full product name.
    Named(Option<String>, Option<String>, String),
}

/// Imports a foreign document (schema-checked, CSAF also by the mandatory tests) for `target`.
pub fn import(
    format: Format,
    doc: &Value,
    target: &Target,
    fill: &Fill,
) -> Result<Imported, VexError> {
    super::schemas::validate(format, doc)?;
    let statements = match format {
        Format::Openvex => openvex(doc)?,
        Format::Csaf => {
            super::csaf_checks::run(doc)?;
            csaf(doc)?
        }
        Format::Cyclonedx => cyclonedx(doc, target)?,
    };
    if statements.len() > super::MAX_STATEMENTS {
        return Err(import_err(
            format.name(),
            "/".into(),
            format!("at most {} statements", super::MAX_STATEMENTS),
        ));
    }
    let mut out = Imported::default();
    let mut by_vuln: BTreeMap<String, (String, Assessment)> = BTreeMap::new();
    for s in statements {
        let mut components: Vec<ComponentRef> = Vec::new();
        let mut other = Vec::new();
        for (at, p) in &s.products {
            match tie(p, target) {
                Some(c) => {
                    if !components.iter().any(|x| x.bom_ref == c.bom_ref) {
                        components.push(c);
                    }
                }
                None => other.push(format!("{at}: {}", p.describe())),
            }
        }
        if components.is_empty() {
            out.skipped.push((
                s.at.clone(),
                format!(
                    "about another product than {} {} ({})",
                    target.product.name,
                    target.product.version,
                    other.join("; ")
                ),
            ));
            continue;
        }
        let status = state(format.name(), &s, fill)?;
        let impact = s.impact.clone().or_else(|| {
            matches!(status, State::NotAffected { .. } | State::FalsePositive)
                .then(|| fill.impact.clone())
                .flatten()
        });
        if matches!(status, State::NotAffected { .. } | State::FalsePositive) && impact.is_none() {
            return Err(import_err(
                format.name(),
                s.at.clone(),
                format!(
                    "{}: a not-affected statement needs an impact statement, and this one has none; give it with --impact",
                    s.vuln
                ),
            ));
        }
        let a = Assessment {
            vuln: VulnRef {
                id: s.vuln.clone(),
                aliases: s.aliases.clone(),
            },
            product: target.product.clone(),
            components,
            status,
            impact_statement: impact,
            scores: Vec::new(),
            clinical: None,
            cc: None,
            dates: Default::default(),
            regulatory: Default::default(),
        };
        match by_vuln.get_mut(&s.vuln) {
            Some((first_at, prev)) => {
                if prev.status != a.status {
                    return Err(import_err(
                        format.name(),
                        s.at.clone(),
                        format!(
                            "{} is {} here but {} at {first_at}; dtsec keeps one state per vulnerability and product version",
                            s.vuln,
                            a.status.name(),
                            prev.status.name()
                        ),
                    ));
                }
                for c in a.components {
                    if !prev.components.iter().any(|x| x.bom_ref == c.bom_ref) {
                        prev.components.push(c);
                    }
                }
            }
            None => {
                by_vuln.insert(s.vuln.clone(), (s.at.clone(), a));
            }
        }
    }
    for (_, (at, a)) in by_vuln {
        a.validate()
            .map_err(|e| import_err(format.name(), at, e.to_string()))?;
        out.assessments.push(a);
    }
    Ok(out)
}

impl ProductName {
    fn describe(&self) -> String {
        match self {
            ProductName::Purl(p) => p.clone(),
            ProductName::BomRef(r) => format!("bom-ref {r}"),
            ProductName::Named(_, None, full) => {
                format!("{full}, which names no product version (dtsec assesses a version)")
            }
            ProductName::Named(_, _, full) => full.clone(),
        }
    }
}

/// A purl without qualifiers and subpath, its type lower-cased: how two tools' spellings of
/// one component compare.
fn purl_key(p: &str) -> String {
    let p = p.split(['?', '#']).next().unwrap_or(p);
    match p.split_once('/') {
        Some((scheme_type, rest)) => format!("{}/{rest}", scheme_type.to_ascii_lowercase()),
        None => p.to_string(),
    }
}

fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(h) = s.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(h, 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn tie(p: &ProductName, t: &Target) -> Option<ComponentRef> {
    let name = &t.product.name;
    let version = &t.product.version;
    match p {
        ProductName::Purl(purl) => {
            let key = purl_key(purl);
            if let Some(c) = t
                .components
                .iter()
                .find(|c| c.purl.as_deref().is_some_and(|x| purl_key(x) == key))
            {
                return Some(c.clone());
            }
            // The device by dtsec's own product IRI, `pkg:generic/NAME@VERSION`.
            let rest = key.strip_prefix("pkg:generic/")?;
            let (n, v) = rest.rsplit_once('@')?;
            (decode(n) == *name && decode(v) == *version).then(|| t.subject.clone())
        }
        ProductName::BomRef(r) => {
            if t.subject.bom_ref == *r {
                return Some(t.subject.clone());
            }
            t.components.iter().find(|c| c.bom_ref == *r).cloned()
        }
        ProductName::Named(n, v, full) => {
            let by_parts =
                n.as_deref() == Some(name.as_str()) && v.as_deref() == Some(version.as_str());
            (by_parts || *full == format!("{name} {version}")).then(|| t.subject.clone())
        }
    }
}

fn state(format: &'static str, s: &Statement, fill: &Fill) -> Result<State, VexError> {
    Ok(match s.status {
        "under_investigation" => State::UnderInvestigation,
        "fixed" => State::Fixed { backport: false },
        "fixed_backport" => State::Fixed { backport: true },
        "false_positive" => State::FalsePositive,
        "not_affected" if s.justification.is_some() => State::NotAffected {
            justification: s.justification.unwrap_or(Justification::CodeNotPresent),
        },
        "not_affected" => match s.label.as_deref() {
            Some(vocab::COMPONENT_NOT_PRESENT) => State::FalsePositive,
            Some(l) => State::NotAffected {
                justification: vocab::justification_of(l).ok_or_else(|| {
                    import_err(
                        format,
                        s.at.clone(),
                        format!("{}: unknown justification `{l}`", s.vuln),
                    )
                })?,
            },
            None => State::NotAffected {
                justification: fill.justification.ok_or_else(|| {
                    import_err(
                        format,
                        s.at.clone(),
                        format!(
                            "{}: a not-affected statement needs a justification for dtsec, and this one gives only an impact statement; give it with --justification",
                            s.vuln
                        ),
                    )
                })?,
            },
        },
        _ => {
            let action = s.action.clone().or_else(|| fill.action.clone()).ok_or_else(|| {
                import_err(
                    format,
                    s.at.clone(),
                    format!(
                        "{}: an affected statement needs an action statement, and this one has none; give it with --action",
                        s.vuln
                    ),
                )
            })?;
            let responses = if s.responses.is_empty() {
                fill.responses.clone()
            } else {
                s.responses.clone()
            };
            if responses.is_empty() {
                return Err(import_err(
                    format,
                    s.at.clone(),
                    format!(
                        "{}: an affected statement needs the manufacturer's response (update, workaround_available, …), and this one has none; give it with --response",
                        s.vuln
                    ),
                ));
            }
            State::Affected { action, responses }
        }
    })
}

fn text(v: &Value, key: &str) -> Option<String> {
    v.get(key)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

/// OpenVEX statements (one per document statement).
fn openvex(doc: &Value) -> Result<Vec<Statement>, VexError> {
    const F: &str = "OpenVEX";
    let list = doc
        .get("statements")
        .and_then(Value::as_array)
        .ok_or_else(|| import_err(F, "/statements".into(), "statements are required"))?;
    let mut out = Vec::with_capacity(list.len());
    for (i, st) in list.iter().enumerate() {
        let at = format!("/statements/{i}");
        let v = st.get("vulnerability").unwrap_or(&Value::Null);
        let vuln = text(v, "name").ok_or_else(|| {
            import_err(
                F,
                format!("{at}/vulnerability/name"),
                "the vulnerability needs a name",
            )
        })?;
        let aliases = v
            .get("aliases")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .map(str::to_string)
            .collect();
        let mut products = Vec::new();
        for (j, p) in st
            .get("products")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let pat = format!("{at}/products/{j}");
            let subs: Vec<&Value> = p
                .get("subcomponents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .collect();
            if subs.is_empty() {
                products.push((pat.clone(), openvex_name(p, &pat)?));
            }
            for (k, sub) in subs.into_iter().enumerate() {
                let sat = format!("{pat}/subcomponents/{k}");
                products.push((sat.clone(), openvex_name(sub, &sat)?));
            }
        }
        let status = match st.get("status").and_then(Value::as_str) {
            Some("not_affected") => "not_affected",
            Some("affected") => "affected",
            Some("fixed") => "fixed",
            Some("under_investigation") => "under_investigation",
            other => {
                return Err(import_err(
                    F,
                    format!("{at}/status"),
                    format!("unknown status {other:?}"),
                ));
            }
        };
        out.push(Statement {
            at,
            vuln,
            aliases,
            products,
            status,
            justification: None,
            label: text(st, "justification"),
            impact: text(st, "impact_statement"),
            action: text(st, "action_statement"),
            responses: Vec::new(),
        });
    }
    Ok(out)
}

fn openvex_name(p: &Value, at: &str) -> Result<ProductName, VexError> {
    let purl = p
        .pointer("/identifiers/purl")
        .and_then(Value::as_str)
        .or_else(|| {
            p.get("@id")
                .and_then(Value::as_str)
                .filter(|s| s.starts_with("pkg:"))
        });
    match purl {
        Some(purl) => Ok(ProductName::Purl(purl.to_string())),
        None => Err(import_err(
            "OpenVEX",
            at.to_string(),
            "the product has no purl (`@id` or `identifiers.purl`), so it cannot be tied to the SBOM's components",
        )),
    }
}

/// CSAF statements: one per vulnerability and product status group.
fn csaf(doc: &Value) -> Result<Vec<Statement>, VexError> {
    const F: &str = "CSAF";
    // Each product id's purl, or its name and version from the branches above it.
    let mut names: BTreeMap<String, ProductName> = BTreeMap::new();
    fn walk(
        b: &Value,
        name: Option<String>,
        version: Option<String>,
        depth: usize,
        names: &mut BTreeMap<String, ProductName>,
    ) {
        if depth > 30 {
            return;
        }
        for x in b
            .get("branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let (mut n, mut v) = (name.clone(), version.clone());
            match x.get("category").and_then(Value::as_str) {
                Some("product_name") => n = text(x, "name"),
                // A range is matched by its exact text (`--product NAME@<=1.14.0`): dtsec does
                // not decide whether a version lies in a CSAF range.
                Some("product_version" | "product_version_range") => v = text(x, "name"),
                _ => {}
            }
            if let Some(p) = x.get("product") {
                product(p, n.clone(), v.clone(), names);
            }
            walk(x, n, v, depth + 1, names);
        }
    }
    fn product(
        p: &Value,
        n: Option<String>,
        v: Option<String>,
        names: &mut BTreeMap<String, ProductName>,
    ) {
        let Some(id) = text(p, "product_id") else {
            return;
        };
        let name = match p
            .pointer("/product_identification_helper/purl")
            .and_then(Value::as_str)
        {
            Some(purl) => ProductName::Purl(purl.to_string()),
            None => ProductName::Named(n, v, text(p, "name").unwrap_or_default()),
        };
        names.insert(id, name);
    }
    let tree = doc.get("product_tree").unwrap_or(&Value::Null);
    walk(tree, None, None, 0, &mut names);
    for p in tree
        .get("full_product_names")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        product(p, None, None, &mut names);
    }
    for r in tree
        .get("relationships")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if let Some(p) = r.get("full_product_name") {
            product(p, None, None, &mut names);
        }
    }
    let mut out = Vec::new();
    for (i, v) in doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("/vulnerabilities/{i}");
        let ids: Vec<String> = v
            .get("ids")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|x| text(x, "text"))
            .collect();
        let (vuln, aliases) = match text(v, "cve") {
            Some(cve) => (cve, ids),
            None => {
                let mut ids = ids.into_iter();
                let first = ids.next().ok_or_else(|| {
                    import_err(
                        F,
                        format!("{at}/cve"),
                        "the vulnerability has neither `cve` nor `ids`",
                    )
                })?;
                (first, ids.collect())
            }
        };
        // Per product: the flag label, the impact threat's details, the remediations.
        let covers = |x: &Value, pid: &str| {
            x.get("product_ids")
                .and_then(Value::as_array)
                .is_some_and(|a| a.iter().any(|p| p.as_str() == Some(pid)))
        };
        for (group, status) in [
            ("known_affected", "affected"),
            ("known_not_affected", "not_affected"),
            ("fixed", "fixed"),
            ("first_fixed", "fixed"),
            ("under_investigation", "under_investigation"),
        ] {
            let pids: Vec<&str> = v
                .pointer(&format!("/product_status/{group}"))
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .collect();
            for (j, pid) in pids.into_iter().enumerate() {
                let sat = format!("{at}/product_status/{group}/{j}");
                let name = names
                    .get(pid)
                    .cloned()
                    .unwrap_or_else(|| ProductName::Named(None, None, pid.to_string()));
                let list = |key: &str| -> Vec<&Value> {
                    v.get(key)
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .filter(|x| covers(x, pid))
                        .collect()
                };
                let label = list("flags").first().and_then(|f| text(f, "label"));
                let impact = list("threats")
                    .into_iter()
                    .find(|t| t.get("category").and_then(Value::as_str) == Some("impact"))
                    .and_then(|t| text(t, "details"));
                let rems = list("remediations");
                let action = rems.iter().find_map(|r| text(r, "details"));
                let mut responses = Vec::new();
                for r in &rems {
                    let resp = match r.get("category").and_then(Value::as_str) {
                        Some("vendor_fix") => Response::Update,
                        Some("workaround") => Response::WorkaroundAvailable,
                        Some("none_available") => Response::CanNotFix,
                        Some("no_fix_planned") => Response::WillNotFix,
                        // A mitigation has no CycloneDX response: --response says which.
                        _ => continue,
                    };
                    if !responses.contains(&resp) {
                        responses.push(resp);
                    }
                }
                out.push(Statement {
                    at: sat.clone(),
                    vuln: vuln.clone(),
                    aliases: aliases.clone(),
                    products: vec![(sat, name)],
                    status,
                    justification: None,
                    label,
                    impact,
                    action,
                    responses,
                });
            }
        }
    }
    Ok(out)
}

/// CycloneDX VEX statements: one per vulnerability with an `analysis`, its `affects` refs tied
/// by bom-link (to the SBOM's serial), by the bom-ref of a component of this document (through
/// its purl), or by a bom-ref of the SBOM itself (a VEX embedded in the SBOM).
fn cyclonedx(doc: &Value, target: &Target) -> Result<Vec<Statement>, VexError> {
    const F: &str = "CycloneDX";
    // This document's own components, nested ones too (bounded depth), by bom-ref.
    let mut purls: BTreeMap<String, String> = BTreeMap::new();
    fn walk(list: Option<&Value>, depth: usize, purls: &mut BTreeMap<String, String>) {
        if depth > 30 {
            return;
        }
        for c in list.and_then(Value::as_array).into_iter().flatten() {
            if let (Some(r), Some(p)) = (text(c, "bom-ref"), text(c, "purl")) {
                purls.insert(r, p);
            }
            walk(c.get("components"), depth + 1, purls);
        }
    }
    walk(doc.get("components"), 0, &mut purls);
    if let Some(m) = doc.pointer("/metadata/component")
        && let (Some(r), Some(p)) = (text(m, "bom-ref"), text(m, "purl"))
    {
        purls.insert(r, p);
    }
    let mut out = Vec::new();
    for (i, v) in doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let at = format!("/vulnerabilities/{i}");
        let vuln = text(v, "id")
            .ok_or_else(|| import_err(F, format!("{at}/id"), "the vulnerability needs an id"))?;
        let aliases = v
            .get("references")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| text(r, "id"))
            .filter(|r| *r != vuln)
            .collect();
        let a = v.get("analysis").unwrap_or(&Value::Null);
        let status = match a.get("state").and_then(Value::as_str) {
            Some("in_triage") => "under_investigation",
            Some("exploitable") => "affected",
            Some("resolved") => "fixed",
            Some("resolved_with_pedigree") => "fixed_backport",
            Some("false_positive") => "false_positive",
            Some("not_affected") => "not_affected",
            Some(other) => {
                return Err(import_err(
                    F,
                    format!("{at}/analysis/state"),
                    format!("unknown state `{other}`"),
                ));
            }
            None => {
                return Err(import_err(
                    F,
                    format!("{at}/analysis/state"),
                    format!(
                        "{vuln}: no analysis state, so this is not a VEX statement (dtsec imports assessments, not advisories)"
                    ),
                ));
            }
        };
        let justification = match a.get("justification").and_then(Value::as_str) {
            Some(j) => Some(vocab::cdx_justification_of(j).ok_or_else(|| {
                import_err(
                    F,
                    format!("{at}/analysis/justification"),
                    format!("unknown justification `{j}`"),
                )
            })?),
            None => None,
        };
        let mut responses = Vec::new();
        for (k, r) in a
            .get("response")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let r: Response = serde_json::from_value(r.clone()).map_err(|_| {
                import_err(F, format!("{at}/analysis/response/{k}"), "unknown response")
            })?;
            if !responses.contains(&r) {
                responses.push(r);
            }
        }
        let mut products = Vec::new();
        for (k, x) in v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let pat = format!("{at}/affects/{k}/ref");
            let r = text(x, "ref")
                .ok_or_else(|| import_err(F, pat.clone(), "a string is required here"))?;
            let name = if let Some((serial, _, bom_ref)) = super::parse_bom_link(&r) {
                if serial == target.product.sbom_serial {
                    ProductName::BomRef(bom_ref)
                } else {
                    ProductName::Named(None, None, r.clone())
                }
            } else if let Some(p) = purls.get(&r) {
                ProductName::Purl(p.clone())
            } else if r.starts_with("pkg:") {
                ProductName::Purl(r.clone())
            } else {
                ProductName::BomRef(r.clone())
            };
            products.push((pat, name));
        }
        let detail = text(a, "detail");
        out.push(Statement {
            at,
            vuln,
            aliases,
            products,
            status,
            justification,
            label: None,
            impact: if matches!(status, "not_affected" | "false_positive") {
                detail
            } else {
                None
            },
            action: text(v, "recommendation"),
            responses,
        });
    }
    Ok(out)
}
