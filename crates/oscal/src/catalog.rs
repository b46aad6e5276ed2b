//! A PP, PP-Module or package as an OSCAL catalog.
//!
//! Why a catalog: OSCAL tools (trestle, GRC platforms) reason about *controls*; a PP's SFRs and
//! its security problem are the controls an ST later selects (profile) and a product implements
//! (component-definition). Layout (see `docs/oscal.md`):
//! - group `spd`: threats, OSPs, assumptions and objectives as controls of class `spd-item`, so
//!   mappings can point at them;
//! - one group per CC class (`fcs`), one sub-group per family (`fcs_ckm`), one control per SFR
//!   instance (`fcs_ckm.1`, label `FCS_CKM.1`);
//! - elements as `item` parts under the `statement`, operations as params (an assignment with a
//!   label and constraint tests, a selection with `select` and `how-many`), referenced from the
//!   prose as `{{ insert: param, id }}`;
//! - status, TOE types, roles, features, triggers, objectives and unmet dependencies as dtsec
//!   props;
//! - the extended component definitions last, as parts of a group `ecd` (see `ecd_group`).

use std::collections::BTreeMap;

use dtsec_model::{Choice, Document, DocumentKind, Element, ExtendedComponent, Operation, Sfr};
use serde_json::{Value, json};

use crate::error::OscalError;
use crate::ids::{NS, OSCAL_VERSION, one_line, timestamp, token, uuid};

/// Most SFR instances, SPD items and extended components one catalog may carry; a document over it is
/// refused before the work (the built-in CDD PP 2.0 has about a hundred SFRs).
pub const MAX_CONTROLS: usize = 5_000;

/// A link an extension adds to a control (e.g. a framework mapping from the `regulatory` crate).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ControlLink {
    /// OSCAL `rel`, a token such as `related` or `equivalent-to`.
    pub rel: String,
    /// Where it points (a URI reference).
    pub href: String,
    /// Its text, shown by tools.
    pub text: Option<String>,
}

/// What a catalog export may add beyond the document: the extension point for mapping links.
#[derive(Clone, Debug, Default)]
pub struct CatalogOptions {
    /// Links per control, keyed by the source id (`FCS_COP.1/Hash`, `T.UNAUTH_CMD`).
    pub control_links: BTreeMap<String, Vec<ControlLink>>,
}

/// A dtsec prop (namespace [`NS`]); values are made one line, as OSCAL requires.
pub(crate) fn prop(name: &str, value: &str) -> Value {
    json!({ "name": name, "ns": NS, "value": one_line(value) })
}

/// "id version" for messages.
pub(crate) fn doc_name(doc: &Document) -> String {
    format!("{} {}", doc.id.value, doc.version.value)
}

/// The catalog's UUID, so a profile can name it in its import.
pub fn catalog_uuid(doc: &Document) -> String {
    uuid(&["catalog", &doc.id.value, &doc.version.value])
}

/// Exports a PP, PP-Module or package as an OSCAL catalog (the whole document, `{"catalog": …}`).
pub fn catalog(doc: &Document, options: &CatalogOptions) -> Result<Value, OscalError> {
    let name = doc_name(doc);
    if doc.kind.value == DocumentKind::SecurityTarget {
        return Err(OscalError::Kind {
            document: name,
            found: doc.kind.value.label().to_string(),
            wanted: "a catalog is made from a PP, PP-Module or package (an ST becomes a \
                     profile or a component-definition)"
                .to_string(),
        });
    }
    let count = doc.sfrs.len()
        + doc.spd.threats.len()
        + doc.spd.osps.len()
        + doc.spd.assumptions.len()
        + doc.objectives.toe.len()
        + doc.objectives.environment.len()
        + doc.extended_components.len();
    if count > MAX_CONTROLS {
        return Err(OscalError::Limit {
            what: format!("{name}: its SFRs and SPD items"),
            found: count,
            limit: MAX_CONTROLS,
        });
    }
    let last_modified = timestamp(doc.identification.date.as_deref(), &name)?;
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    let mut claim = |id: &str| -> Result<String, OscalError> {
        let t = token(id);
        if let Some(first) = seen.insert(t.clone(), id.to_string())
            && first != id
        {
            return Err(OscalError::IdCollision {
                document: name.clone(),
                first,
                second: id.to_string(),
                token: t,
            });
        }
        Ok(t)
    };

    let mut groups = Vec::new();
    let spd = spd_controls(doc, options, &mut claim)?;
    if !spd.is_empty() {
        groups.push(json!({ "id": "spd", "class": "spd", "title": "Security problem definition and objectives", "controls": spd }));
    }
    // Class → family → SFR controls, in the document's order within each family.
    let mut classes: Vec<(String, Families)> = Vec::new();
    for sfr in &doc.sfrs {
        let component = sfr.id.value.split('/').next().unwrap_or(&sfr.id.value);
        let family = component.split('.').next().unwrap_or(component).to_string();
        let class = family.split('_').next().unwrap_or(&family).to_string();
        let control = sfr_control(sfr, options, &mut claim)?;
        let ci = match classes.iter().position(|(c, _)| *c == class) {
            Some(i) => i,
            None => {
                classes.push((class.clone(), Vec::new()));
                classes.len() - 1
            }
        };
        let fams = &mut classes[ci].1;
        match fams.iter_mut().find(|(f, _)| *f == family) {
            Some((_, controls)) => controls.push(control),
            None => fams.push((family, vec![control])),
        }
    }
    for (class, families) in classes {
        let sub: Vec<Value> = families
            .into_iter()
            .map(|(family, controls)| {
                json!({ "id": token(&family), "class": "family", "title": family, "controls": controls })
            })
            .collect();
        groups
            .push(json!({ "id": token(&class), "class": "class", "title": class, "groups": sub }));
    }
    // The definitions last, as a PP's ECD section follows its requirements.
    if let Some(ecd) = ecd_group(doc, &mut claim)? {
        groups.push(ecd);
    }

    let resource = uuid(&["resource", &doc.id.value, &doc.version.value]);
    let mut props = vec![
        prop("document-kind", kind_token(doc.kind.value)),
        prop("document-id", &doc.id.value),
    ];
    if let Some(e) = &doc.cc_edition {
        props.push(prop("cc-edition", &e.value));
    }
    if let Some(s) = &doc.identification.status {
        props.push(prop("document-status", s));
    }
    for t in &doc.toe.types {
        props.push(with_remarks(prop("toe-type", &t.id.value), &t.name));
    }
    for f in &doc.forms {
        props.push(with_remarks(prop("device-form", &f.id.value), &f.title));
    }
    for r in &doc.roles {
        props.push(with_remarks(prop("device-role", &r.id.value), &r.title));
    }
    for f in &doc.features {
        props.push(prop("feature", &f.id.value));
    }
    for b in &doc.base_pps {
        props.push(prop(
            "base-pp",
            &format!("{} {}", b.id.value, b.version.value),
        ));
    }
    // A SAR by id (its title as remarks), whether it may be left out, and the dependencies
    // it leaves unmet with their justification: the checker needs the last to accept the set.
    // The SAR's props follow its `sar` prop.
    for s in &doc.sars {
        props.push(with_remarks(
            prop("sar", &s.id.value),
            s.title.as_deref().unwrap_or_default(),
        ));
        if s.optional {
            props.push(prop("sar-optional", "true"));
        }
        // Right after its `sar` prop, which is how an import finds its SAR (ids may hold
        // spaces, so a "SAR COMPONENT" value could not be split back reliably).
        for u in &s.unmet_dependencies {
            props.push(with_remarks(
                prop("sar-unmet-dependency", &u.component.value),
                &u.justification.value,
            ));
        }
    }
    for r in &doc.conformance.required_packages {
        props.push(prop(
            "required-package",
            &format!("{} {}", r.package.id.value, r.package.version.value),
        ));
    }
    let mut metadata = json!({
        "title": one_line(&doc.title),
        "last-modified": last_modified,
        "version": doc.version.value,
        "oscal-version": OSCAL_VERSION,
        "props": props,
        "links": [{ "href": format!("#{resource}"), "rel": "source", "text": "the source document" }],
    });
    if let Some(author) = &doc.identification.author {
        metadata["remarks"] = json!(format!("Author: {author}"));
    }
    let description = format!(
        "{} `{}` version {}, exported by dtsec.",
        doc.kind.value.label(),
        doc.id.value,
        doc.version.value
    );
    let mut resource_body = json!({
        "uuid": resource,
        "title": one_line(&doc.title),
        "description": description,
        "document-ids": [{ "identifier": format!("dtsec:{}:{}", doc.id.value, doc.version.value) }],
    });
    // The overview as written, so an import gives it back.
    if let Some(o) = doc
        .identification
        .overview
        .as_deref()
        .filter(|o| !o.trim().is_empty())
    {
        resource_body["remarks"] = json!(o);
    }
    Ok(json!({
        "catalog": {
            "uuid": catalog_uuid(doc),
            "metadata": metadata,
            "groups": groups,
            "back-matter": { "resources": [resource_body] },
        }
    }))
}

pub(crate) fn kind_token(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::ProtectionProfile => "protection-profile",
        DocumentKind::PpModule => "pp-module",
        DocumentKind::FunctionalPackage => "functional-package",
        DocumentKind::AssurancePackage => "assurance-package",
        DocumentKind::SecurityTarget => "security-target",
    }
}

fn with_remarks(mut p: Value, remarks: &str) -> Value {
    if !remarks.trim().is_empty() {
        p["remarks"] = json!(remarks);
    }
    p
}

/// A class group's families, each with its SFR controls, in document order.
type Families = Vec<(String, Vec<Value>)>;

type Claim<'a> = dyn FnMut(&str) -> Result<String, OscalError> + 'a;

fn spd_controls(
    doc: &Document,
    options: &CatalogOptions,
    claim: &mut Claim<'_>,
) -> Result<Vec<Value>, OscalError> {
    let lists: [(&str, &Vec<dtsec_model::Definition>); 5] = [
        ("threat", &doc.spd.threats),
        ("osp", &doc.spd.osps),
        ("assumption", &doc.spd.assumptions),
        ("objective", &doc.objectives.toe),
        ("environment-objective", &doc.objectives.environment),
    ];
    let mut out = Vec::new();
    for (kind, defs) in lists {
        for d in defs {
            let id = claim(&d.id.value)?;
            let mut props = vec![
                json!({ "name": "label", "value": one_line(&d.id.value) }),
                prop("spd-kind", kind),
            ];
            for a in &d.addresses {
                props.push(prop("addresses", &a.value));
            }
            let mut parts = vec![
                json!({ "id": format!("{id}_smt"), "name": "statement", "prose": d.description }),
            ];
            if let Some(r) = &d.rationale {
                parts.push(json!({ "id": format!("{id}_rat"), "name": "rationale", "prose": r }));
            }
            let mut control = json!({ "id": id, "class": "spd-item", "title": d.id.value, "props": props, "parts": parts });
            add_links(&mut control, options, &d.id.value);
            out.push(control);
        }
    }
    Ok(out)
}

fn add_links(control: &mut Value, options: &CatalogOptions, key: &str) {
    if let Some(links) = options.control_links.get(key).filter(|l| !l.is_empty()) {
        control["links"] = links
            .iter()
            .map(|l| {
                let mut v = json!({ "href": l.href, "rel": l.rel });
                if let Some(t) = &l.text {
                    v["text"] = json!(t);
                }
                v
            })
            .collect();
    }
}

/// The param id of operation `name` in control `cid`.
pub fn param_id(cid: &str, name: &str) -> String {
    format!("{cid}_prm_{}", token(name).trim_start_matches('_'))
}

/// Replaces `{name}` slots naming a known operation with OSCAL insert markers.
pub(crate) fn insert_params(text: &str, cid: &str, known: &dyn Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if known(&after[..close]) => {
                out.push_str(&format!(
                    "{{{{ insert: param, {} }}}}",
                    param_id(cid, &after[..close])
                ));
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

fn sfr_control(
    sfr: &Sfr,
    options: &CatalogOptions,
    claim: &mut Claim<'_>,
) -> Result<Value, OscalError> {
    let cid = claim(&sfr.id.value)?;
    let mut props = vec![json!({ "name": "label", "value": one_line(&sfr.id.value) })];
    if let Some(s) = &sfr.status {
        props.push(prop("status", s.value.label()));
    }
    for t in &sfr.toe_types {
        props.push(prop("toe-type", &t.value));
    }
    for r in &sfr.roles {
        props.push(prop("role", &r.value));
    }
    if let Some(f) = &sfr.feature {
        props.push(prop("feature", &f.value));
    }
    for t in &sfr.selected_by {
        props.push(prop(
            "selected-by",
            &format!("{} {} {}", t.sfr.value, t.operation.value, t.choice.value),
        ));
    }
    for o in &sfr.objectives {
        props.push(prop("objective", &o.value));
    }
    for a in &sfr.addresses {
        props.push(prop("addresses", &a.value));
    }
    if sfr.invisible {
        props.push(prop("invisible", "true"));
    }
    if let Some(b) = &sfr.base_pp {
        props.push(prop("base-pp", &b.value));
    }
    // NIAP `depends` clauses: the selectables (of this or another document) that require the
    // SFR, one prop group per clause.
    for (i, d) in sfr.depends.iter().enumerate() {
        let group = format!("depends-{}", i + 1);
        let on: Vec<&str> = d.on.iter().map(|o| o.value.as_str()).collect();
        let mut p = prop("depends-on", &on.join(" "));
        p["group"] = json!(group);
        props.push(p);
        if let Some(doc) = &d.external_doc {
            let mut p = prop("depends-document", &doc.value);
            p["group"] = json!(group);
            props.push(p);
        }
    }
    for u in &sfr.unmet_dependencies {
        props.push(with_remarks(
            prop("unmet-dependency", &u.component.value),
            &u.justification.value,
        ));
    }
    let mut params = Vec::new();
    let items = element_items(&sfr.id.value, &cid, &sfr.elements, &mut params, false)?;
    let mut statement = json!({ "id": format!("{cid}_smt"), "name": "statement" });
    if !items.is_empty() {
        statement["parts"] = json!(items);
    }
    let mut parts = vec![statement];
    if let Some(n) = &sfr.application_note {
        parts.push(json!({ "id": format!("{cid}_gdn"), "name": "guidance", "prose": n }));
    }
    if let Some(ea) = &sfr.evaluation_activities {
        let mut methods = Vec::new();
        let mut method = |tag: &str, method: &str, prose: &str| {
            methods.push(json!({
                "id": format!("{cid}_asm-{tag}"),
                "name": "assessment-method",
                "props": [{ "name": "method", "value": method }, prop("activity", tag)],
                "prose": prose,
            }));
        };
        if let Some(t) = &ea.tss {
            method("tss", "EXAMINE", t);
        }
        if let Some(g) = &ea.guidance {
            method("guidance", "EXAMINE", g);
        }
        for (i, t) in ea.tests.iter().enumerate() {
            method(&format!("test-{}", i + 1), "TEST", t);
        }
        if let Some(o) = &ea.other {
            method("other", "EXAMINE", o);
        }
        if !methods.is_empty() {
            parts.push(json!({
                "id": format!("{cid}_obj"),
                "name": "assessment-objective",
                "prose": format!("The evaluator confirms that the TOE meets {}.", sfr.id.value),
                "parts": methods,
            }));
        }
    }
    let title = sfr
        .title
        .as_deref()
        .map(one_line)
        .filter(|t| !t.is_empty())
        .unwrap_or_else(|| sfr.id.value.clone());
    let mut control = json!({ "id": cid, "class": "sfr", "title": title, "props": props });
    if !params.is_empty() {
        control["params"] = json!(params);
    }
    control["parts"] = json!(parts);
    add_links(&mut control, options, &sfr.id.value);
    Ok(control)
}

/// The statement's `item` parts for `elements` of the control or definition `cid` (the SFR or
/// extended component `owner`), pushing the params of their operations onto `params`.
///
/// With `per_element`, each element's params are named after the element (`{item id}_prm_x`)
/// rather than the control: NIAP's extended components name their slots `asgn1`, `sel1`… afresh
/// in each element, and an SFR's scheme would merge them into one param.
fn element_items(
    owner: &str,
    cid: &str,
    elements: &[Element],
    params: &mut Vec<Value>,
    per_element: bool,
) -> Result<Vec<Value>, OscalError> {
    let mut items = Vec::new();
    // Which element each param id came from: two elements naming an operation alike would
    // otherwise become one param (a fuzz finding, issue 17).
    let mut owners: BTreeMap<String, &str> = BTreeMap::new();
    for element in elements {
        let mut all: BTreeMap<&str, &Operation> = BTreeMap::new();
        for (name, op) in &element.operations {
            collect_ops(name, &op.value, &mut all);
        }
        let eid = token(&element.id.value);
        let item_id = format!("{cid}_smt.{eid}");
        let scope = if per_element { item_id.as_str() } else { cid };
        for name in all.keys() {
            let param = param_id(scope, name);
            if let Some(first) = owners.insert(param.clone(), &element.id.value) {
                return Err(OscalError::ParamCollision {
                    sfr: owner.to_string(),
                    first: first.to_string(),
                    second: element.id.value.clone(),
                    operation: (*name).to_string(),
                    param,
                });
            }
        }
        for (name, op) in &element.operations {
            push_params(scope, name, &op.value, params);
        }
        let known = |n: &str| all.contains_key(n);
        let mut item = json!({
            "id": item_id.clone(),
            "name": "item",
            "props": [{ "name": "label", "value": one_line(&element.id.value) }],
        });
        if let Some(text) = &element.text {
            item["prose"] = json!(insert_params(&text.value, scope, &known));
        }
        let mut sub = Vec::new();
        if let Some(r) = &element.refinement {
            sub.push(json!({ "name": "refinement", "prose": r }));
        }
        if let Some(n) = &element.application_note {
            sub.push(json!({ "name": "guidance", "prose": n }));
        }
        if !sub.is_empty() {
            item["parts"] = json!(sub);
        }
        items.push(item);
    }
    Ok(items)
}

/// The extended component definitions as one group `ecd` with a sub-group per family.
///
/// Why groups and parts, not controls: an ECD defines a component (its elements, operation
/// slots, dependencies and hierarchy) that the PP's SFRs then instantiate; it is nothing a
/// product implements, so GRC tools must not count it as a control. Each component is a part
/// `extended-component` (id `ecd_{token}`) of its family's group, its elements `item` parts with
/// the operations as the group's params, exactly as in an SFR control. An import needs it to
/// give back a PP that checks: without the definitions every `_EXT` SFR is undefined.
fn ecd_group(doc: &Document, claim: &mut Claim<'_>) -> Result<Option<Value>, OscalError> {
    if doc.extended_components.is_empty() {
        return Ok(None);
    }
    // Family → its components, in the document's order of first appearance.
    let mut families: Vec<(String, Vec<&ExtendedComponent>)> = Vec::new();
    for x in &doc.extended_components {
        let family =
            x.id.value
                .split('.')
                .next()
                .unwrap_or(&x.id.value)
                .to_string();
        match families.iter_mut().find(|(f, _)| *f == family) {
            Some((_, list)) => list.push(x),
            None => families.push((family, vec![x])),
        }
    }
    let mut groups = Vec::new();
    for (family, components) in families {
        let gid = claim(&format!("ecd:{family}"))?;
        let mut params = Vec::new();
        let mut parts = Vec::new();
        for x in &components {
            parts.push(ecd_part(x, claim, &mut params)?);
        }
        let title = components
            .iter()
            .find_map(|x| x.family_name.as_deref())
            .map(one_line)
            .filter(|t| !t.is_empty())
            .unwrap_or_else(|| family.clone());
        let mut group = json!({
            "id": gid,
            "class": "extended-family",
            "title": title,
            "props": [{ "name": "label", "value": one_line(&family) }],
        });
        if !params.is_empty() {
            group["params"] = json!(params);
        }
        group["parts"] = json!(parts);
        groups.push(group);
    }
    Ok(Some(json!({
        "id": "ecd",
        "class": "extended-components",
        "title": "Extended component definitions",
        "groups": groups,
    })))
}

/// One extended component as a part (see [`ecd_group`]).
fn ecd_part(
    x: &ExtendedComponent,
    claim: &mut Claim<'_>,
    params: &mut Vec<Value>,
) -> Result<Value, OscalError> {
    let cid = claim(&format!("ecd:{}", x.id.value))?;
    let mut props = vec![json!({ "name": "label", "value": one_line(&x.id.value) })];
    if let Some(f) = &x.family_name {
        props.push(prop("family-name", f));
    }
    for h in &x.hierarchical_to {
        props.push(prop("hierarchical-to", &h.value));
    }
    // One prop per AND term; the members of an OR group are joined by ` | `.
    for group in &x.dependencies {
        let any: Vec<&str> = group.iter().map(|d| d.value.as_str()).collect();
        props.push(prop("dependency", &any.join(" | ")));
    }
    let mut parts = Vec::new();
    let texts = [
        ("rationale", &x.rationale),
        ("family-behaviour", &x.family_behaviour),
        ("levelling", &x.levelling),
        ("management", &x.management),
        ("audit", &x.audit),
        ("dependencies-text", &x.dependencies_text),
    ];
    for (name, text) in texts {
        if let Some(t) = text {
            parts
                .push(json!({ "id": format!("{cid}_{name}"), "name": name, "ns": NS, "prose": t }));
        }
    }
    let items = element_items(&x.id.value, &cid, &x.elements, params, true)?;
    let mut statement = json!({ "id": format!("{cid}_smt"), "name": "statement" });
    if !items.is_empty() {
        statement["parts"] = json!(items);
    }
    parts.push(statement);
    let mut part = json!({ "id": cid, "name": "extended-component", "ns": NS });
    let title = one_line(&x.name);
    if !title.is_empty() {
        part["title"] = json!(title);
    }
    part["props"] = json!(props);
    part["parts"] = json!(parts);
    Ok(part)
}

fn collect_ops<'a>(name: &'a str, op: &'a Operation, all: &mut BTreeMap<&'a str, &'a Operation>) {
    all.insert(name, op);
    for (n, nested) in op.nested() {
        collect_ops(n, nested, all);
    }
}

/// Params for an operation and, after it, its nested operations (depth-first).
fn push_params(cid: &str, name: &str, op: &Operation, out: &mut Vec<Value>) {
    let id = param_id(cid, name);
    let mut param = json!({ "id": id, "props": [prop("operation", name)] });
    if let Some(choices) = &op.selection {
        let nested: BTreeMap<&str, ()> = op.nested().map(|(n, _)| (n.as_str(), ())).collect();
        let known = |n: &str| nested.contains_key(n);
        let texts: Vec<String> = choices
            .iter()
            .map(|c| insert_params(c.text(), cid, &known))
            .collect();
        param["select"] = json!({
            "how-many": if op.exclusive { "one" } else { "one-or-more" },
            "choice": texts,
        });
        if let Some(props) = param["props"].as_array_mut() {
            for c in choices {
                if let Choice::Detailed(d) = c
                    && let Some(cid) = &d.id
                {
                    props.push(json!({ "name": "choice-id", "ns": NS, "value": one_line(cid), "remarks": d.text }));
                }
            }
        }
        let required: Vec<String> = op
            .required_choices
            .iter()
            .map(|r| {
                let who: Vec<&str> = r
                    .roles
                    .iter()
                    .chain(&r.features)
                    .map(|s| s.value.as_str())
                    .collect();
                let what: Vec<&str> = r.choices.iter().map(|s| s.value.as_str()).collect();
                format!("Required of {}: {}.", who.join(", "), what.join("; "))
            })
            .collect();
        if !required.is_empty() {
            param["guidelines"] = json!([{ "prose": required.join("\n\n") }]);
        }
        // The same as data, for an import: one prop group per required set (OSCAL's `group`
        // ties props together), its note as the remarks of the set's `required-choices` prop.
        if let Some(props) = param["props"].as_array_mut() {
            for (i, r) in op.required_choices.iter().enumerate() {
                let group = format!("required-{}", i + 1);
                let mut head = json!({ "name": "required-choices", "ns": NS, "value": (i + 1).to_string(), "group": group });
                if let Some(n) = r.note.as_deref().filter(|n| !n.trim().is_empty()) {
                    head["remarks"] = json!(n);
                }
                props.push(head);
                let members = [
                    ("required-of-role", &r.roles),
                    ("required-of-feature", &r.features),
                    ("required-choice", &r.choices),
                ];
                for (name, list) in members {
                    for v in list {
                        props.push(json!({ "name": name, "ns": NS, "value": one_line(&v.value), "group": group }));
                    }
                }
            }
        }
    } else {
        let label = op.assignment.as_deref().map(one_line).unwrap_or_default();
        if !label.is_empty() {
            param["label"] = json!(label);
        }
        let mut tests = Vec::new();
        if let Some(t) = op.value_type {
            let kind = match t {
                dtsec_model::ValueType::Integer => "integer",
                dtsec_model::ValueType::Real => "real",
            };
            tests.push(json!({ "expression": format!("type = {kind}") }));
        }
        if let Some(min) = op.min {
            tests.push(json!({ "expression": format!("value >= {min}") }));
        }
        if let Some(max) = op.max {
            tests.push(json!({ "expression": format!("value <= {max}") }));
        }
        if let Some(p) = op
            .pattern
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            tests.push(json!({ "expression": format!("matches {p}") }));
        }
        if !tests.is_empty() {
            param["constraints"] = json!([{ "tests": tests }]);
        }
    }
    out.push(param);
    for (n, nested) in op.nested() {
        push_params(cid, n, nested, out);
    }
}
