//! Our own OSCAL catalog back into a dtsec PP, PP-Module or package.
//!
//! Why: a round trip proves the export carries what it claims to, and an imported PP must check
//! as the original does (so the extended component definitions and unmet dependencies come
//! back). See `docs/oscal.md` for what is not carried: SAR elements, audit events,
//! management-function tables, package restrictions (but through a profile),
//! anchors, XHTML forms, the conformance claim. The reader builds the document in the
//! model's own format and hands it to the model's parser, so every rule of that format (and its
//! limits) applies to an imported catalog as to a YAML file.
//!
//! Only catalogs with dtsec's props are understood; a foreign catalog is refused with the JSON
//! pointer of what is missing.

use std::collections::BTreeMap;

use dtsec_model::{Document, SourceFile};
use serde_json::{Map, Value, json};

use crate::error::OscalError;
use crate::ids::NS;

fn shape(pointer: impl Into<String>, message: impl Into<String>) -> OscalError {
    OscalError::Shape {
        pointer: pointer.into(),
        message: message.into(),
    }
}

/// The values of the props named `name` (dtsec's namespace, or OSCAL's for `label`).
fn props<'a>(v: &'a Value, name: &str) -> Vec<&'a Value> {
    v["props"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["name"] == name && (name == "label" || name == "method" || p["ns"] == NS))
        .collect()
}

fn prop_values(v: &Value, name: &str) -> Vec<String> {
    props(v, name)
        .into_iter()
        .filter_map(|p| p["value"].as_str().map(str::to_string))
        .collect()
}

fn first(v: &Value, name: &str) -> Option<String> {
    prop_values(v, name).into_iter().next()
}

fn part<'a>(v: &'a Value, name: &str) -> Option<&'a Value> {
    v["parts"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|p| p["name"] == name)
}

/// Reads a catalog dtsec exported back into the document it came from.
pub fn catalog_document(catalog: &Value) -> Result<Document, OscalError> {
    let (doc, id) = catalog_json(catalog)?;
    parse(&doc, &id)
}

/// Reads a package's (or PP's) catalog back together with a profile dtsec exported that imports
/// it: the catalog gives the document, and the profile's `set-parameters` narrowed by this
/// document (its `narrowed-by` prop) give back the package's restrictions (`restrict.OP.allowed`)
/// of the SFRs the profile selects, which a catalog alone cannot carry. The profile must import
/// this catalog (a back-matter resource whose `catalog-uuid` prop is the catalog's UUID), and
/// every id it selects from it must be a control of the catalog.
pub fn catalog_with_profile(catalog: &Value, profile: &Value) -> Result<Document, OscalError> {
    let (mut doc, id) = catalog_json(catalog)?;
    let p = &profile["profile"];
    if !p.is_object() {
        return Err(shape(
            "/profile",
            "not an OSCAL profile: there is no `profile` object",
        ));
    }
    let catalog_uuid = catalog["catalog"]["uuid"].as_str().unwrap_or_default();
    let resource = p["back-matter"]["resources"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| {
            props(r, "catalog-uuid")
                .iter()
                .any(|v| v["value"] == catalog_uuid)
        })
        .and_then(|r| r["uuid"].as_str())
        .ok_or_else(|| {
            shape(
                "/profile/back-matter/resources",
                format!(
                    "the profile imports no catalog with the UUID {catalog_uuid} (`{id}`); give the catalog the profile was made with"
                ),
            )
        })?;
    let mut controls = BTreeMap::new();
    crate::profile::collect_controls(&catalog["catalog"], &mut controls);
    let href = format!("#{resource}");
    for (i, import) in p["imports"].as_array().into_iter().flatten().enumerate() {
        if import["href"] != href.as_str() {
            continue;
        }
        for (j, inc) in import["include-controls"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (k, c) in inc["with-ids"].as_array().into_iter().flatten().enumerate() {
                let c = c.as_str().unwrap_or_default();
                if !controls.contains_key(c) {
                    return Err(shape(
                        format!("/profile/imports/{i}/include-controls/{j}/with-ids/{k}"),
                        format!("control `{c}` is not in the catalog of `{id}`"),
                    ));
                }
            }
        }
    }
    let name = format!("{} {}", id, doc["version"].as_str().unwrap_or_default());
    let sfrs = doc["sfrs"].as_array_mut();
    let mut sfrs = sfrs.map(std::mem::take).unwrap_or_default();
    // Control token → SFR index, so each narrowed parameter finds its SFR in one lookup.
    let by_token: BTreeMap<String, usize> = sfrs
        .iter()
        .enumerate()
        .map(|(i, s)| (crate::ids::token(s["id"].as_str().unwrap_or_default()), i))
        .collect();
    for (i, sp) in p["modify"]["set-parameters"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
    {
        if first(sp, "narrowed-by").as_deref() != Some(name.as_str()) {
            continue;
        }
        let ptr = format!("/profile/modify/set-parameters/{i}");
        let param = sp["param-id"].as_str().unwrap_or_default();
        let sfr = param
            .split_once("_prm_")
            .and_then(|(cid, _)| by_token.get(cid))
            .and_then(|&i| sfrs.get_mut(i))
            .ok_or_else(|| {
                shape(
                    format!("{ptr}/param-id"),
                    format!("param `{param}` belongs to no SFR of `{name}`"),
                )
            })?;
        let op = first(sp, "operation").ok_or_else(|| {
            shape(
                format!("{ptr}/props"),
                "a narrowed parameter has no `operation` prop",
            )
        })?;
        let allowed: Vec<Value> = sp["select"]["choice"]
            .as_array()
            .cloned()
            .unwrap_or_default();
        if allowed.is_empty() {
            return Err(shape(
                format!("{ptr}/select/choice"),
                "a narrowed parameter names no allowed choice",
            ));
        }
        sfr["restrict"][op.as_str()] = json!({ "allowed": allowed });
    }
    if !sfrs.is_empty() {
        doc["sfrs"] = json!(sfrs);
    }
    parse(&doc, &id)
}

/// The model's own parser over the rebuilt document: JSON is YAML, so every rule of the format
/// (and its limits) applies to an imported catalog as to a YAML file.
fn parse(doc: &Value, id: &str) -> Result<Document, OscalError> {
    let text = serde_json::to_string_pretty(doc).unwrap_or_default();
    let source = SourceFile::new(format!("{id} (from OSCAL)"), text);
    dtsec_model::parse_document(&source).map_err(|e| {
        shape(
            "/catalog",
            format!("the imported document is not a valid dtsec document: {e}"),
        )
    })
}

/// The document a catalog stands for, in the model's format (not yet parsed), and its id.
fn catalog_json(catalog: &Value) -> Result<(Value, String), OscalError> {
    let c = &catalog["catalog"];
    if !c.is_object() {
        return Err(shape(
            "/catalog",
            "not an OSCAL catalog: there is no `catalog` object",
        ));
    }
    let m = &c["metadata"];
    let kind = first(m, "document-kind").ok_or_else(|| {
        shape(
            "/catalog/metadata/props",
            format!("no `document-kind` prop in the namespace {NS}: only catalogs exported by dtsec can be imported"),
        )
    })?;
    let id = first(m, "document-id")
        .ok_or_else(|| shape("/catalog/metadata/props", "no `document-id` prop"))?;
    let date = m["last-modified"]
        .as_str()
        .and_then(|t| t.get(..10))
        .map(str::to_string);
    let resource = &c["back-matter"]["resources"][0];
    let mut identification = Map::new();
    if let Some(d) = date {
        identification.insert("date".into(), json!(d));
    }
    if let Some(a) = m["remarks"]
        .as_str()
        .and_then(|r| r.strip_prefix("Author: "))
    {
        identification.insert("author".into(), json!(a));
    }
    if let Some(s) = first(m, "document-status") {
        identification.insert("status".into(), json!(s));
    }
    if let Some(o) = resource["remarks"].as_str() {
        identification.insert("overview".into(), json!(o));
    }
    let titled = |name: &str, key: &str| -> Vec<Value> {
        props(m, name)
            .into_iter()
            .map(|p| {
                let mut o = json!({ "id": p["value"] });
                if let Some(r) = p["remarks"].as_str() {
                    o[key] = json!(r);
                }
                o
            })
            .collect()
    };
    let mut doc = json!({
        "kind": kind,
        "id": id,
        "version": m["version"],
        "title": m["title"],
        "identification": identification,
    });
    if let Some(e) = first(m, "cc-edition") {
        doc["cc_edition"] = json!(e);
    }
    let types = titled("toe-type", "name");
    if !types.is_empty() {
        doc["toe"] = json!({ "types": types });
    }
    for (prop_name, key) in [("device-form", "forms"), ("device-role", "roles")] {
        let list = titled(prop_name, "title");
        if !list.is_empty() {
            doc[key] = json!(list);
        }
    }
    let features: Vec<Value> = prop_values(m, "feature")
        .into_iter()
        .map(|f| json!({ "id": f }))
        .collect();
    if !features.is_empty() {
        doc["features"] = json!(features);
    }
    let base: Vec<Value> = prop_values(m, "base-pp")
        .into_iter()
        .filter_map(|b| {
            b.split_once(' ')
                .map(|(i, v)| json!({ "id": i, "version": v }))
        })
        .collect();
    if !base.is_empty() {
        doc["base_pps"] = json!(base);
    }
    // A SAR's `sar-optional` and `sar-unmet-dependency` props follow its `sar` prop.
    let mut sars: Vec<Value> = Vec::new();
    for p in m["props"].as_array().into_iter().flatten() {
        if p["ns"] != NS {
            continue;
        }
        let value = p["value"].as_str().unwrap_or_default();
        match (p["name"].as_str(), sars.last_mut()) {
            (Some("sar"), _) => {
                let mut s = json!({ "id": value });
                if let Some(t) = p["remarks"].as_str() {
                    s["title"] = json!(t);
                }
                sars.push(s);
            }
            (Some("sar-optional"), Some(s)) if value == "true" => s["optional"] = json!(true),
            (Some("sar-unmet-dependency"), Some(s)) => {
                let unmet = json!({ "component": value, "justification": p["remarks"].as_str().unwrap_or_default() });
                match s["unmet_dependencies"].as_array_mut() {
                    Some(list) => list.push(unmet),
                    None => s["unmet_dependencies"] = json!([unmet]),
                }
            }
            _ => {}
        }
    }
    if !sars.is_empty() {
        doc["sars"] = json!(sars);
    }

    let mut spd: BTreeMap<&str, Vec<Value>> = BTreeMap::new();
    let mut sfrs = Vec::new();
    let mut stack: Vec<(String, &Value)> = vec![("/catalog".to_string(), c)];
    let mut controls: Vec<(String, &Value)> = Vec::new();
    let mut extended = Vec::new();
    // Groups in document order, depth-first, so controls come back in the exported order.
    while let Some((ptr, node)) = stack.pop() {
        if node["class"] == "extended-family" {
            extended_components(&ptr, node, &mut extended)?;
        }
        for (i, ctl) in node["controls"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            controls.push((format!("{ptr}/controls/{i}"), ctl));
        }
        let groups: Vec<(String, &Value)> = node["groups"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(|(i, g)| (format!("{ptr}/groups/{i}"), g))
            .collect();
        stack.extend(groups.into_iter().rev());
    }
    for (ptr, ctl) in controls {
        let label = first_label(ctl)
            .ok_or_else(|| shape(format!("{ptr}/props"), "the control has no `label` prop"))?;
        match ctl["class"].as_str() {
            Some("spd-item") => {
                let kind = first(ctl, "spd-kind").ok_or_else(|| {
                    shape(format!("{ptr}/props"), "an spd-item has no `spd-kind` prop")
                })?;
                let mut d = json!({ "id": label, "description": part(ctl, "statement").and_then(|p| p["prose"].as_str()).unwrap_or_default() });
                let addresses = prop_values(ctl, "addresses");
                if !addresses.is_empty() {
                    d["addresses"] = json!(addresses);
                }
                if let Some(r) = part(ctl, "rationale").and_then(|p| p["prose"].as_str()) {
                    d["rationale"] = json!(r);
                }
                let key = match kind.as_str() {
                    "threat" => "threats",
                    "osp" => "osps",
                    "assumption" => "assumptions",
                    "objective" => "toe",
                    "environment-objective" => "environment",
                    other => {
                        return Err(shape(
                            format!("{ptr}/props"),
                            format!("unknown spd-kind `{other}`"),
                        ));
                    }
                };
                spd.entry(key).or_default().push(d);
            }
            Some("sfr") => sfrs.push(sfr(&ptr, ctl, label)?),
            _ => {}
        }
    }
    let mut spd_obj = Map::new();
    for key in ["threats", "assumptions", "osps"] {
        if let Some(list) = spd.remove(key) {
            spd_obj.insert(key.into(), json!(list));
        }
    }
    if !spd_obj.is_empty() {
        doc["spd"] = Value::Object(spd_obj);
    }
    let mut objectives = Map::new();
    for key in ["toe", "environment"] {
        if let Some(list) = spd.remove(key) {
            objectives.insert(key.into(), json!(list));
        }
    }
    if !objectives.is_empty() {
        doc["objectives"] = Value::Object(objectives);
    }
    if !extended.is_empty() {
        doc["extended_components"] = json!(extended);
    }
    if !sfrs.is_empty() {
        doc["sfrs"] = json!(sfrs);
    }
    Ok((doc, id))
}

fn first_label(v: &Value) -> Option<String> {
    first(v, "label")
}

/// Param id → (operation name, param).
type Params<'a> = BTreeMap<String, (String, &'a Value)>;

fn sfr(ptr: &str, ctl: &Value, label: String) -> Result<Value, OscalError> {
    let params = params_of(ptr, ctl)?;
    let mut s = json!({ "id": label });
    if let Some(t) = ctl["title"].as_str().filter(|t| *t != label) {
        s["title"] = json!(t);
    }
    if let Some(st) = first(ctl, "status") {
        s["status"] = json!(st);
    }
    for (prop_name, key) in [
        ("toe-type", "toe_types"),
        ("role", "roles"),
        ("objective", "objectives"),
        ("addresses", "addresses"),
    ] {
        let v = prop_values(ctl, prop_name);
        if !v.is_empty() {
            s[key] = json!(v);
        }
    }
    if let Some(f) = first(ctl, "feature") {
        s["feature"] = json!(f);
    }
    let triggers: Vec<Value> = prop_values(ctl, "selected-by")
        .into_iter()
        .filter_map(|t| {
            let (sfr, rest) = t.split_once(' ')?;
            let (op, choice) = rest.split_once(' ')?;
            Some(json!({ "sfr": sfr, "operation": op, "choice": choice }))
        })
        .collect();
    if !triggers.is_empty() {
        s["selected_by"] = json!(triggers);
    }
    if first(ctl, "invisible").as_deref() == Some("true") {
        s["invisible"] = json!(true);
    }
    if let Some(b) = first(ctl, "base-pp") {
        s["base_pp"] = json!(b);
    }
    let depends: Vec<Value> = props(ctl, "depends-on")
        .into_iter()
        .map(|p| {
            let on: Vec<&str> = p["value"]
                .as_str()
                .unwrap_or_default()
                .split_whitespace()
                .collect();
            let mut d = json!({ "on": on });
            if let Some(doc) = props(ctl, "depends-document")
                .into_iter()
                .find(|q| q["group"] == p["group"])
            {
                d["external_doc"] = doc["value"].clone();
            }
            d
        })
        .collect();
    if !depends.is_empty() {
        s["depends"] = json!(depends);
    }
    let unmet: Vec<Value> = props(ctl, "unmet-dependency")
        .into_iter()
        .map(|p| json!({ "component": p["value"], "justification": p["remarks"].as_str().unwrap_or_default() }))
        .collect();
    if !unmet.is_empty() {
        s["unmet_dependencies"] = json!(unmet);
    }
    let elements = elements(ctl, &params);
    if !elements.is_empty() {
        s["elements"] = json!(elements);
    }
    if let Some(n) = part(ctl, "guidance").and_then(|p| p["prose"].as_str()) {
        s["application_note"] = json!(n);
    }
    if let Some(obj) = part(ctl, "assessment-objective") {
        let mut ea = Map::new();
        let mut tests = Vec::new();
        for m in obj["parts"].as_array().into_iter().flatten() {
            let prose = m["prose"].as_str().unwrap_or_default();
            match first(m, "activity").as_deref() {
                Some("tss") => drop(ea.insert("tss".into(), json!(prose))),
                Some("guidance") => drop(ea.insert("guidance".into(), json!(prose))),
                Some("other") => drop(ea.insert("other".into(), json!(prose))),
                Some(t) if t.starts_with("test-") => tests.push(json!(prose)),
                _ => {}
            }
        }
        if !tests.is_empty() {
            ea.insert("tests".into(), json!(tests));
        }
        s["evaluation_activities"] = Value::Object(ea);
    }
    Ok(s)
}

/// The elements of a control's or extended component's `statement` part.
fn elements(owner: &Value, params: &Params<'_>) -> Vec<Value> {
    let mut elements = Vec::new();
    if let Some(statement) = part(owner, "statement") {
        for item in statement["parts"].as_array().into_iter().flatten() {
            let eid = first_label(item).unwrap_or_default();
            let mut e = json!({ "id": eid });
            let mut ops = Map::new();
            if let Some(prose) = item["prose"].as_str() {
                e["text"] = json!(slots(prose, params, &mut |name, p| {
                    ops.insert(name.to_string(), operation(p, params));
                }));
            }
            if !ops.is_empty() {
                e["operations"] = Value::Object(ops);
            }
            if let Some(r) = part(item, "refinement").and_then(|p| p["prose"].as_str()) {
                e["refinement"] = json!(r);
            }
            if let Some(n) = part(item, "guidance").and_then(|p| p["prose"].as_str()) {
                e["application_note"] = json!(n);
            }
            elements.push(e);
        }
    }
    elements
}

/// The params of a control or group by id, each with its operation name.
fn params_of<'a>(ptr: &str, owner: &'a Value) -> Result<Params<'a>, OscalError> {
    let mut params: Params<'_> = BTreeMap::new();
    for (i, p) in owner["params"].as_array().into_iter().flatten().enumerate() {
        let id = p["id"].as_str().unwrap_or_default().to_string();
        let op = first(p, "operation").ok_or_else(|| {
            shape(
                format!("{ptr}/params/{i}/props"),
                "a param has no `operation` prop",
            )
        })?;
        params.insert(id, (op, p));
    }
    Ok(params)
}

/// The extended components of one family group (see `catalog::ecd_group`).
fn extended_components(ptr: &str, group: &Value, out: &mut Vec<Value>) -> Result<(), OscalError> {
    let params = params_of(ptr, group)?;
    for (i, x) in group["parts"].as_array().into_iter().flatten().enumerate() {
        if x["name"] != "extended-component" {
            continue;
        }
        let id = first_label(x).ok_or_else(|| {
            shape(
                format!("{ptr}/parts/{i}/props"),
                "an extended component has no `label` prop",
            )
        })?;
        let mut c = json!({ "id": id, "name": x["title"].as_str().unwrap_or_default() });
        if let Some(f) = first(x, "family-name") {
            c["family_name"] = json!(f);
        }
        let hierarchy = prop_values(x, "hierarchical-to");
        if !hierarchy.is_empty() {
            c["hierarchical_to"] = json!(hierarchy);
        }
        let dependencies: Vec<Vec<&str>> = props(x, "dependency")
            .into_iter()
            .filter_map(|p| p["value"].as_str())
            .map(|v| v.split(" | ").map(str::trim).collect())
            .collect();
        if !dependencies.is_empty() {
            c["dependencies"] = json!(dependencies);
        }
        for (name, key) in [
            ("rationale", "rationale"),
            ("family-behaviour", "family_behaviour"),
            ("levelling", "levelling"),
            ("management", "management"),
            ("audit", "audit"),
            ("dependencies-text", "dependencies_text"),
        ] {
            if let Some(t) = part(x, name).and_then(|p| p["prose"].as_str()) {
                c[key] = json!(t);
            }
        }
        c["elements"] = json!(elements(x, &params));
        out.push(c);
    }
    Ok(())
}

/// Turns `{{ insert: param, id }}` markers back into `{name}` slots, reporting each param used.
fn slots(prose: &str, params: &Params<'_>, used: &mut dyn FnMut(&str, &Value)) -> String {
    let mut out = String::with_capacity(prose.len());
    let mut rest = prose;
    while let Some(i) = rest.find("{{") {
        let after = &rest[i + 2..];
        let Some(end) = after.find("}}") else { break };
        let inner = after[..end].trim();
        let id = inner
            .strip_prefix("insert:")
            .and_then(|a| a.split_once(','))
            .filter(|(kind, _)| kind.trim() == "param")
            .map(|(_, id)| id.trim());
        match id.and_then(|id| params.get(id)) {
            Some((name, p)) => {
                out.push_str(&rest[..i]);
                out.push('{');
                out.push_str(name);
                out.push('}');
                used(name, p);
            }
            None => out.push_str(&rest[..i + 2 + end + 2]),
        }
        rest = &after[end + 2..];
    }
    out.push_str(rest);
    out
}

fn operation(p: &Value, params: &Params<'_>) -> Value {
    let mut op = Map::new();
    if let Some(select) = p["select"].as_object() {
        let ids: BTreeMap<String, String> = props(p, "choice-id")
            .into_iter()
            .filter_map(|c| {
                Some((
                    c["remarks"].as_str()?.to_string(),
                    c["value"].as_str()?.to_string(),
                ))
            })
            .collect();
        let choices: Vec<Value> = select
            .get("choice")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| {
                let raw = c.as_str().unwrap_or_default();
                let mut nested = Map::new();
                let text = slots(raw, params, &mut |name, np| {
                    nested.insert(name.to_string(), operation(np, params));
                });
                let id = ids.get(&text);
                if nested.is_empty() && id.is_none() {
                    return json!(text);
                }
                let mut d = json!({ "text": text });
                if let Some(id) = id {
                    d["id"] = json!(id);
                }
                if !nested.is_empty() {
                    d["operations"] = Value::Object(nested);
                }
                d
            })
            .collect();
        op.insert("selection".into(), json!(choices));
        let required: Vec<Value> = props(p, "required-choices")
            .into_iter()
            .map(|head| {
                let group = &head["group"];
                let members = |name: &str| -> Vec<Value> {
                    props(p, name)
                        .into_iter()
                        .filter(|m| m["group"] == *group)
                        .map(|m| m["value"].clone())
                        .collect()
                };
                let mut r = json!({ "choices": members("required-choice") });
                for (name, key) in [
                    ("required-of-role", "roles"),
                    ("required-of-feature", "features"),
                ] {
                    let list = members(name);
                    if !list.is_empty() {
                        r[key] = json!(list);
                    }
                }
                if let Some(n) = head["remarks"].as_str() {
                    r["note"] = json!(n);
                }
                r
            })
            .collect();
        if !required.is_empty() {
            op.insert("required_choices".into(), json!(required));
        }
        if select.get("how-many").and_then(Value::as_str) == Some("one") {
            op.insert("exclusive".into(), json!(true));
        }
    } else {
        op.insert(
            "assignment".into(),
            p["label"].as_str().map_or(json!(""), |l| json!(l)),
        );
        for c in p["constraints"].as_array().into_iter().flatten() {
            for t in c["tests"].as_array().into_iter().flatten() {
                let e = t["expression"].as_str().unwrap_or_default();
                if let Some(kind) = e.strip_prefix("type = ") {
                    op.insert("value_type".into(), json!(kind));
                } else if let Some(n) = e
                    .strip_prefix("value >= ")
                    .and_then(|n| n.parse::<f64>().ok())
                {
                    op.insert("min".into(), json!(n));
                } else if let Some(n) = e
                    .strip_prefix("value <= ")
                    .and_then(|n| n.parse::<f64>().ok())
                {
                    op.insert("max".into(), json!(n));
                } else if let Some(pat) = e.strip_prefix("matches ") {
                    op.insert("pattern".into(), json!(pat));
                }
            }
        }
    }
    Value::Object(op)
}
