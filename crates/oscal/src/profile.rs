//! An ST's selection of requirements as an OSCAL profile, and dtsec's own profile resolution.
//!
//! The profile imports each claimed PP's and package's catalog (by a `#uuid` link to a
//! back-matter resource whose `rlinks` name the catalog file `dtsec oscal catalog` writes) with
//! `include-controls.with-ids` = the ST's effective SFR set ([`crate::effective`]), narrows the
//! selections a package restricts with `modify.set-parameters`, and merges `as-is`.
//! [`resolve`] follows those imports itself (trestle #1110 asks for exactly this), so a test can
//! assert that resolution equals the checker's set.

use std::collections::{BTreeMap, BTreeSet};

use dtsec_model::{Document, Library, SourceFile};
use serde_json::{Value, json};

use crate::catalog::{catalog_uuid, doc_name, param_id, prop};
use crate::effective::effective;
use crate::error::OscalError;
use crate::ids::{OSCAL_VERSION, one_line, timestamp, token, uuid};

/// The file name `dtsec oscal catalog` is expected to write a claimed document's catalog to,
/// beside the profile: `ID-VERSION.catalog.json`.
pub fn catalog_file_name(doc: &Document) -> String {
    format!(
        "{}-{}.catalog.json",
        token(&doc.id.value),
        token(&doc.version.value)
    )
}

/// The back-matter resource UUID standing for a claimed document's catalog.
fn catalog_resource(doc: &Document) -> String {
    uuid(&["catalog-resource", &doc.id.value, &doc.version.value])
}

/// Exports the profile of an ST (`{"profile": …}`).
pub fn profile(st: &Document, source: &SourceFile, library: &Library) -> Result<Value, OscalError> {
    let name = doc_name(st);
    let last_modified = timestamp(st.identification.date.as_deref(), &name)?;
    let eff = effective(st, source, library)?;
    let mut imports = Vec::new();
    let mut resources = Vec::new();
    for (i, doc) in eff.claimed.iter().enumerate() {
        let ids: Vec<String> = eff
            .sfrs
            .iter()
            .filter(|s| s.claimed == i)
            .map(|s| token(s.id))
            .collect();
        let resource = catalog_resource(doc);
        resources.push(json!({
            "uuid": resource,
            "title": format!("OSCAL catalog of {}", doc_name(doc)),
            "props": [prop("catalog-uuid", &catalog_uuid(doc))],
            "rlinks": [{ "href": catalog_file_name(doc), "media-type": "application/oscal.catalog+json" }],
        }));
        if ids.is_empty() {
            continue;
        }
        imports.push(json!({
            "href": format!("#{resource}"),
            "include-controls": [{ "with-ids": ids }],
        }));
    }
    let mut set_parameters = Vec::new();
    let in_set: BTreeSet<&str> = eff.sfrs.iter().map(|s| s.id).collect();
    for doc in &eff.claimed {
        for sfr in doc
            .sfrs
            .iter()
            .filter(|s| in_set.contains(s.id.value.as_str()))
        {
            for (op, restriction) in &sfr.restrict {
                if restriction.allowed.is_empty() {
                    continue;
                }
                let exclusive = eff
                    .sfrs
                    .iter()
                    .find(|s| s.id == sfr.id.value)
                    .and_then(|s| {
                        s.definition
                            .elements
                            .iter()
                            .find_map(|e| e.operations.get(op))
                            .map(|o| o.value.exclusive)
                    })
                    .unwrap_or(false);
                let allowed: Vec<&str> = restriction
                    .allowed
                    .iter()
                    .map(|a| a.value.as_str())
                    .collect();
                set_parameters.push(json!({
                    "param-id": param_id(&token(&sfr.id.value), op),
                    "props": [prop("narrowed-by", &doc_name(doc)), prop("operation", op)],
                    "select": { "how-many": if exclusive { "one" } else { "one-or-more" }, "choice": allowed },
                }));
            }
        }
    }
    let mut props = vec![
        prop("document-id", &st.id.value),
        prop("document-kind", "security-target"),
    ];
    if let Some(f) = &st.toe.form {
        props.push(prop("device-form", &f.value));
    }
    for r in &st.toe.roles {
        props.push(prop("device-role", &r.value));
    }
    for f in &st.features {
        props.push(prop("feature", &f.id.value));
    }
    let mut body = json!({
        "uuid": uuid(&["profile", &st.id.value, &st.version.value]),
        "metadata": {
            "title": format!("Requirements of {}", one_line(&st.title)),
            "last-modified": last_modified,
            "version": st.version.value,
            "oscal-version": OSCAL_VERSION,
            "props": props,
        },
        "imports": imports,
        "merge": { "as-is": true },
        "back-matter": { "resources": resources },
    });
    if !set_parameters.is_empty() {
        body["modify"] = json!({ "set-parameters": set_parameters });
    }
    Ok(json!({ "profile": body }))
}

/// A control as profile resolution yields it: its id and its source label.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ResolvedControl {
    /// The OSCAL control id.
    pub id: String,
    /// The `label` prop (the SFR instance id), or the id when there is none.
    pub label: String,
}

/// Resolves a profile's imports against catalogs given by file name (the `rlinks` names), with
/// `include-all`, `include-controls.with-ids` and `exclude-controls.with-ids`. A with-id that
/// no imported catalog holds, or an import that names no given catalog, is an error.
pub fn resolve(
    profile: &Value,
    catalogs: &BTreeMap<String, Value>,
) -> Result<BTreeSet<ResolvedControl>, OscalError> {
    let p = &profile["profile"];
    let mut out = BTreeSet::new();
    let imports = p["imports"].as_array().ok_or_else(|| OscalError::Shape {
        pointer: "/profile/imports".to_string(),
        message: "a profile needs an `imports` array".to_string(),
    })?;
    for (i, import) in imports.iter().enumerate() {
        let pointer = format!("/profile/imports/{i}");
        let href = import["href"].as_str().unwrap_or_default();
        let file = match href.strip_prefix('#') {
            Some(res) => p["back-matter"]["resources"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|r| r["uuid"] == res)
                .and_then(|r| r["rlinks"][0]["href"].as_str())
                .ok_or_else(|| OscalError::Shape {
                    pointer: format!("{pointer}/href"),
                    message: format!("`{href}` names no back-matter resource with an rlink"),
                })?,
            None => href,
        };
        let catalog = catalogs.get(file).ok_or_else(|| OscalError::Shape {
            pointer: format!("{pointer}/href"),
            message: format!("the import names catalog `{file}`, which was not given"),
        })?;
        let mut all = BTreeMap::new();
        collect_controls(&catalog["catalog"], &mut all);
        let mut chosen: BTreeSet<String> = BTreeSet::new();
        if import.get("include-all").is_some() {
            chosen.extend(all.keys().cloned());
        }
        for (j, inc) in import["include-controls"]
            .as_array()
            .into_iter()
            .flatten()
            .enumerate()
        {
            for (k, id) in inc["with-ids"].as_array().into_iter().flatten().enumerate() {
                let id = id.as_str().unwrap_or_default();
                if !all.contains_key(id) {
                    return Err(OscalError::Shape {
                        pointer: format!("{pointer}/include-controls/{j}/with-ids/{k}"),
                        message: format!("control `{id}` is not in catalog `{file}`"),
                    });
                }
                chosen.insert(id.to_string());
            }
        }
        for exc in import["exclude-controls"].as_array().into_iter().flatten() {
            for id in exc["with-ids"].as_array().into_iter().flatten() {
                chosen.remove(id.as_str().unwrap_or_default());
            }
        }
        for id in chosen {
            let label = all.get(&id).cloned().unwrap_or_else(|| id.clone());
            out.insert(ResolvedControl { id, label });
        }
    }
    Ok(out)
}

/// Control id → label, through groups and nested controls.
pub(crate) fn collect_controls(v: &Value, out: &mut BTreeMap<String, String>) {
    for g in v["groups"].as_array().into_iter().flatten() {
        collect_controls(g, out);
    }
    for c in v["controls"].as_array().into_iter().flatten() {
        if let Some(id) = c["id"].as_str() {
            let label = c["props"]
                .as_array()
                .into_iter()
                .flatten()
                .find(|p| p["name"] == "label")
                .and_then(|p| p["value"].as_str())
                .unwrap_or(id);
            out.insert(id.to_string(), label.to_string());
        }
        collect_controls(c, out);
    }
}
