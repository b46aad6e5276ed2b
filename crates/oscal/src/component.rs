//! A certified product as an OSCAL component-definition: the ST's completions and TSS.
//!
//! One component per TOE part (or one for the whole TOE when the ST names no parts), each
//! implementing the ST's effective SFR set: `control-implementations[].source` links to the
//! profile, each `implemented-requirement` carries the ST's completions as `set-parameters`
//! (param ids as the catalog names them) and one `statement` per element with the TSS text
//! that covers the SFR.

use std::collections::BTreeSet;

use dtsec_model::{Document, Library, Operation, SourceFile};
use serde_json::{Value, json};

use crate::catalog::{doc_name, param_id, prop};
use crate::effective::effective;
use crate::error::OscalError;
use crate::ids::{OSCAL_VERSION, one_line, timestamp, token, uuid};

/// What the component-definition may say beyond the ST.
#[derive(Clone, Debug, Default)]
pub struct ComponentOptions {
    /// SHA-256 (hex) of the ST file as evaluated, recorded as a prop.
    pub st_sha256: Option<String>,
    /// The profile's file name, linked as the implementations' source.
    pub profile_href: Option<String>,
}

/// The profile file name `dtsec oscal profile` is expected to write for an ST.
pub fn profile_file_name(st: &Document) -> String {
    format!(
        "{}-{}.profile.json",
        token(&st.id.value),
        token(&st.version.value)
    )
}

/// Exports the component-definition of an ST's product (`{"component-definition": …}`).
pub fn component_definition(
    st: &Document,
    source: &SourceFile,
    library: &Library,
    options: &ComponentOptions,
) -> Result<Value, OscalError> {
    let name = doc_name(st);
    let last_modified = timestamp(st.identification.date.as_deref(), &name)?;
    let eff = effective(st, source, library)?;
    let profile_resource = uuid(&["profile-resource", &st.id.value, &st.version.value]);
    let profile_href = options
        .profile_href
        .clone()
        .unwrap_or_else(|| profile_file_name(st));

    let mut requirements = Vec::new();
    for sfr in &eff.sfrs {
        let cid = token(sfr.id);
        let tss: Vec<String> = st
            .tss
            .iter()
            .filter(|t| t.sfrs.iter().any(|s| s.value == sfr.id))
            .map(|t| one_line(&t.description.value))
            .collect();
        let description = if tss.is_empty() {
            format!("The ST's TSS has no entry naming {}.", sfr.id)
        } else {
            tss.join("\n\n")
        };
        let mut known: BTreeSet<String> = BTreeSet::new();
        for e in &sfr.definition.elements {
            for (n, op) in &e.operations {
                collect_names(n, &op.value, &mut known);
            }
        }
        let mut set_parameters = Vec::new();
        let mut statements = Vec::new();
        if let Some(st_sfr) = st.sfrs.iter().find(|s| s.id.value == sfr.id) {
            for element in &st_sfr.elements {
                for (op, completion) in &element.completed {
                    if !known.contains(op) {
                        continue;
                    }
                    let values: Vec<String> = completion
                        .value
                        .values()
                        .into_iter()
                        .map(one_line)
                        .filter(|v| !v.is_empty())
                        .collect();
                    if values.is_empty() {
                        continue;
                    }
                    set_parameters
                        .push(json!({ "param-id": param_id(&cid, op), "values": values }));
                }
            }
        }
        for element in &sfr.definition.elements {
            statements.push(json!({
                "statement-id": format!("{cid}_smt.{}", token(&element.id.value)),
                "uuid": uuid(&["statement", &st.id.value, &st.version.value, sfr.id, &element.id.value]),
                "description": description,
            }));
        }
        let mut req = json!({
            "uuid": uuid(&["implemented-requirement", &st.id.value, &st.version.value, sfr.id]),
            "control-id": cid,
            "description": description,
            "props": [{ "name": "label", "value": sfr.id }, prop("status", sfr.status.label())],
        });
        if !set_parameters.is_empty() {
            req["set-parameters"] = json!(set_parameters);
        }
        if !statements.is_empty() {
            req["statements"] = json!(statements);
        }
        requirements.push(req);
    }

    let parts = st.toe.all_parts();
    let software = matches!(
        st.toe.form.as_ref().map(|f| f.value.as_str()),
        Some("app" | "cloud")
    );
    let default_type = if software { "software" } else { "hardware" };
    let toe_name = st.toe.name.clone().unwrap_or_else(|| st.title.clone());
    let mut st_props = vec![
        prop("document-id", &st.id.value),
        prop("document-version", &st.version.value),
    ];
    if let Some(h) = &options.st_sha256 {
        st_props.push(prop("st-sha256", h));
    }
    if let Some(v) = &st.toe.version {
        st_props.push(prop("toe-version", v));
    }
    let implementation = |key: &str| {
        json!({
            "uuid": uuid(&["control-implementation", &st.id.value, &st.version.value, key]),
            "source": format!("#{profile_resource}"),
            "description": format!("How {} meets the SFRs of its Security Target {}.", one_line(key), name),
            // Each component implements the same requirements; their UUIDs are keyed by the
            // component too, so that every UUID of the document stays unique.
            "implemented-requirements": rekeyed(&requirements, key),
        })
    };
    let components: Vec<Value> = if parts.is_empty() {
        vec![json!({
            "uuid": uuid(&["component", &st.id.value, &st.version.value]),
            "type": default_type,
            "title": one_line(&toe_name),
            "description": st.toe.description.as_deref().or(st.toe.overview.as_deref()).map(one_line).unwrap_or_else(|| one_line(&toe_name)),
            "props": st_props,
            "control-implementations": [implementation(&toe_name)],
        })]
    } else {
        parts
            .iter()
            .map(|part| {
                let kind = if matches!(part.form.value.as_str(), "app" | "cloud") { "software" } else { "hardware" };
                let mut props = st_props.clone();
                props.push(prop("device-form", &part.form.value));
                for r in &part.roles {
                    props.push(prop("device-role", &r.value));
                }
                json!({
                    "uuid": uuid(&["component", &st.id.value, &st.version.value, &part.name.value]),
                    "type": kind,
                    "title": one_line(&part.name.value),
                    "description": part.description.as_deref().map(one_line).unwrap_or_else(|| one_line(&part.name.value)),
                    "props": props,
                    "control-implementations": [implementation(&part.name.value)],
                })
            })
            .collect()
    };
    Ok(json!({
        "component-definition": {
            "uuid": uuid(&["component-definition", &st.id.value, &st.version.value]),
            "metadata": {
                "title": format!("{} (component-definition)", one_line(&st.title)),
                "last-modified": last_modified,
                "version": st.version.value,
                "oscal-version": OSCAL_VERSION,
            },
            "components": components,
            "back-matter": { "resources": [{
                "uuid": profile_resource,
                "title": format!("OSCAL profile of {name}"),
                "rlinks": [{ "href": profile_href, "media-type": "application/oscal.profile+json" }],
            }]},
        }
    }))
}

fn rekeyed(requirements: &[Value], key: &str) -> Value {
    fn walk(v: &mut Value, key: &str) {
        match v {
            Value::Object(o) => {
                for (k, child) in o.iter_mut() {
                    if k == "uuid" {
                        if let Some(old) = child.as_str() {
                            *child = json!(uuid(&["per-component", key, old]));
                        }
                    } else {
                        walk(child, key);
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(|c| walk(c, key)),
            _ => {}
        }
    }
    let mut v = json!(requirements);
    walk(&mut v, key);
    v
}

fn collect_names(name: &str, op: &Operation, out: &mut BTreeSet<String>) {
    out.insert(name.to_string());
    for (n, nested) in op.nested() {
        collect_names(n, nested, out);
    }
}
