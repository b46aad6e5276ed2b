//! What a dtsec YAML document has that NIAP XML has no structured place for, carried through
//! export → import so the checker sees the same document: the document id, device forms and
//! roles, the TOE (types, form, roles, parts), a package's base PPs and SARs, assurance extended
//! components (ALC_TSU_EXT.1), and per SFR its TOE-type and role conditions, justifications of
//! unmet dependencies and element refinements, the selections' required choices (naming
//! the choices by the selectable ids the export gave them), and a package delta's narrowing of
//! its base PP's selections (`restrict`, naming the base PP's own choice ids), and the packages
//! a PP requires when a selection is made (`conformance.required_packages`).
//!
//! Where: one appendix `id="dtsec-model"` holding `<h:pre class="dtsec-model">` with the data as
//! JSON (which is YAML, so [`dtsec_model::parse_document`] reads it with its usual limits). NIAP's
//! schemas allow any XHTML in an appendix; NIAP's own tools show it as preformatted text.
//!
//! Why here: shared by the exporter (`export/pp.rs`) and the importer (`import.rs`), which
//! overlays the fields on the document it built from the NIAP structure.

use dtsec_model::{Document, DocumentKind, Operation};
use serde_json::{Value, json};

/// The `class` of the XHTML element and the `id` of the appendix holding the data.
pub(crate) const CLASS: &str = "dtsec-model";

/// The JSON for `doc`: a Document-shaped object with only what NIAP cannot hold.
pub(crate) fn to_json(doc: &Document) -> String {
    let package = matches!(
        doc.kind.value,
        DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage
    );
    let sfrs: Vec<Value> = doc
        .sfrs
        .iter()
        .map(|s| {
            let elements: Vec<Value> = s
                .elements
                .iter()
                .map(|e| {
                    json!({
                        "id": e.id,
                        "refinement": e.refinement,
                        "operations": e.operations,
                    })
                })
                .collect();
            json!({
                "id": s.id,
                "toe_types": s.toe_types,
                "roles": s.roles,
                "unmet_dependencies": s.unmet_dependencies,
                "elements": elements,
                "restrict": s.restrict,
            })
        })
        .collect();
    let assurance_ext: Vec<_> = doc
        .extended_components
        .iter()
        .filter(|c| c.id.value.starts_with('A'))
        .collect();
    let mut v = json!({
        "kind": doc.kind,
        "id": doc.id,
        "version": doc.version,
        "title": doc.title,
        "toe": doc.toe,
        "forms": doc.forms,
        "roles": doc.roles,
        "extended_components": assurance_ext,
        "sfrs": sfrs,
    });
    if !doc.conformance.required_packages.is_empty() {
        v["conformance"] = json!({"required_packages": doc.conformance.required_packages});
    }
    if package {
        v["base_pps"] = json!(doc.base_pps);
        v["sars"] = json!(doc.sars);
    }
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Overlays the data in `json` (from the appendix) on `doc`, the document built from the NIAP
/// structure. `Err` says why the data could not be read; `doc` is then unchanged.
pub(crate) fn overlay(doc: &mut Document, json: &str, name: &str) -> Result<(), String> {
    let source = dtsec_model::SourceFile::new(format!("{name}#{CLASS}"), json.to_string());
    let side = dtsec_model::parse_document(&source).map_err(|e| e.to_string())?;
    doc.id = side.id;
    // `<Package>` is either kind of package; the data says which.
    if matches!(
        (doc.kind.value, side.kind.value),
        (
            DocumentKind::FunctionalPackage,
            DocumentKind::AssurancePackage
        )
    ) {
        doc.kind.value = side.kind.value;
    }
    if !side.conformance.required_packages.is_empty() {
        let mut reqs = side.conformance.required_packages;
        for t in reqs.iter_mut().flat_map(|r| r.when.iter_mut()) {
            if let Some(op) = selection_of(doc, &t.sfr.value, &t.operation.value) {
                t.choice.value = exported_choice(op, &t.choice.value);
            }
        }
        doc.conformance.required_packages = reqs;
    }
    doc.toe = side.toe;
    doc.forms = side.forms;
    doc.roles = side.roles;
    if !side.base_pps.is_empty() {
        doc.base_pps = side.base_pps;
    }
    if !side.sars.is_empty() && doc.sars.is_empty() {
        doc.sars = side.sars;
    }
    for ext in side.extended_components {
        if !doc
            .extended_components
            .iter()
            .any(|c| c.id.value == ext.id.value)
        {
            doc.extended_components.push(ext);
        }
    }
    for s in side.sfrs {
        let Some(sfr) = doc.sfrs.iter_mut().find(|x| x.id.value == s.id.value) else {
            continue;
        };
        sfr.toe_types = s.toe_types;
        sfr.roles = s.roles;
        sfr.unmet_dependencies = s.unmet_dependencies;
        sfr.restrict = s.restrict;
        for e in s.elements {
            let Some(el) = sfr.elements.iter_mut().find(|x| x.id.value == e.id.value) else {
                continue;
            };
            el.refinement = e.refinement;
            for (slot, op) in e.operations {
                if let Some(mine) = el.operations.get_mut(&slot) {
                    mine.value.required_choices = op
                        .value
                        .required_choices
                        .into_iter()
                        .map(|mut r| {
                            for c in &mut r.choices {
                                c.value = exported_choice(&mine.value, &c.value);
                            }
                            r
                        })
                        .collect();
                }
            }
        }
    }
    Ok(())
}

/// The operation `name` of SFR `sfr` in `doc` (top-level or nested), as the importer built it.
fn selection_of<'d>(doc: &'d Document, sfr: &str, name: &str) -> Option<&'d Operation> {
    fn find<'o>(op: &'o Operation, name: &str, depth: usize) -> Option<&'o Operation> {
        if depth > 12 {
            return None;
        }
        op.nested().find_map(|(n, inner)| {
            if n == name {
                Some(inner)
            } else {
                find(inner, name, depth + 1)
            }
        })
    }
    let s = doc.sfrs.iter().find(|s| s.id.value == sfr)?;
    s.elements.iter().find_map(|e| {
        e.operations.iter().find_map(|(n, op)| {
            if n == name {
                Some(&op.value)
            } else {
                find(&op.value, name, 1)
            }
        })
    })
}

/// The id the re-imported selection `op` gives the choice written `id` (the exporter turns
/// choice ids into selectable ids `SFR--SLOT--CHOICE`, which the importer keeps as choice ids).
fn exported_choice(op: &Operation, id: &str) -> String {
    let suffix = format!("--{id}");
    let choices = op.selection.as_deref().unwrap_or(&[]);
    if choices.iter().any(|c| c.id() == id) {
        return id.to_string();
    }
    choices
        .iter()
        .map(|c| c.id())
        .find(|c| c.ends_with(&suffix))
        .unwrap_or(id)
        .to_string()
}
