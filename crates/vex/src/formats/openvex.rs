//! OpenVEX 0.2.0: one statement per assessment; the product is the product version, its
//! `subcomponents` the components (bom-link `@id`, purl identifier), so the statement is per
//! component. The dtsec extension is the `status_notes` line.

use serde_json::{Value, json};

use super::vocab;
use super::{DocMeta, EXTENSION_PREFIX, Extension, bom_link, import_err, parse_bom_link};
use crate::assessment::{Assessment, ComponentRef, State, VulnRef};
use crate::error::VexError;

const F: &str = "OpenVEX";
/// The context of OpenVEX 0.2.0.
pub const CONTEXT: &str = "https://openvex.dev/ns/v0.2.0";

/// The product's IRI: a `pkg:generic` purl of its name and version (percent-encoded).
fn product_iri(name: &str, version: &str) -> String {
    fn enc(s: &str) -> String {
        s.bytes()
            .map(|b| {
                if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                    (b as char).to_string()
                } else {
                    format!("%{b:02X}")
                }
            })
            .collect()
    }
    format!("pkg:generic/{}@{}", enc(name), enc(version))
}

pub(super) fn export(assessments: &[Assessment], meta: &DocMeta) -> Value {
    let statements: Vec<Value> = assessments
        .iter()
        .map(|a| {
            let subs: Vec<Value> = a
                .components
                .iter()
                .map(|c| {
                    let mut s = json!({"@id": bom_link(&a.product, &c.bom_ref)});
                    if let Some(p) = &c.purl {
                        s["identifiers"] = json!({"purl": p});
                    }
                    s
                })
                .collect();
            let mut st = json!({
                "vulnerability": {"name": a.vuln.id},
                "products": [{"@id": product_iri(&a.product.name, &a.product.version), "subcomponents": subs}],
                "status_notes": format!("{EXTENSION_PREFIX}{}", Extension::of(a).to_text()),
            });
            if !a.vuln.aliases.is_empty() {
                st["vulnerability"]["aliases"] = json!(a.vuln.aliases);
            }
            let status = match &a.status {
                State::UnderInvestigation => "under_investigation",
                State::NotAffected { justification } => {
                    st["justification"] = json!(vocab::label_of(*justification));
                    "not_affected"
                }
                State::FalsePositive => {
                    st["justification"] = json!(vocab::COMPONENT_NOT_PRESENT);
                    "not_affected"
                }
                State::Affected { action, .. } => {
                    st["action_statement"] = json!(action);
                    "affected"
                }
                State::Fixed { .. } => "fixed",
            };
            st["status"] = json!(status);
            if let Some(s) = &a.impact_statement {
                st["impact_statement"] = json!(s);
            }
            st
        })
        .collect();
    json!({
        "@context": CONTEXT,
        "@id": format!("{}/vex/{}", meta.namespace.trim_end_matches('/'), meta.id),
        "author": meta.author,
        "timestamp": meta.timestamp.to_string(),
        "version": meta.version,
        "tooling": "dtsec",
        "statements": statements,
    })
}

pub(super) fn import(doc: &Value) -> Result<Vec<Assessment>, VexError> {
    if doc.get("@context").and_then(Value::as_str) != Some(CONTEXT) {
        return Err(import_err(
            F,
            "/@context".into(),
            format!("must be `{CONTEXT}` (OpenVEX 0.2.0)"),
        ));
    }
    let statements = doc
        .get("statements")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if statements.len() > super::MAX_STATEMENTS {
        return Err(import_err(
            F,
            "/statements".into(),
            format!("at most {} statements", super::MAX_STATEMENTS),
        ));
    }
    let mut out = Vec::new();
    for (i, st) in statements.iter().enumerate() {
        let at = |p: &str| format!("/statements/{i}{p}");
        let notes = st.get("status_notes").and_then(Value::as_str).unwrap_or("");
        let ext_text = notes.strip_prefix(EXTENSION_PREFIX).ok_or_else(|| {
            import_err(F, at("/status_notes"), "no dtsec extension: the product and its SBOM binding are unknown (documents written by other tools are not imported yet)")
        })?;
        let ext = Extension::from_text(F, &at("/status_notes"), ext_text)?;
        let name = st
            .pointer("/vulnerability/name")
            .and_then(Value::as_str)
            .unwrap_or("");
        let aliases = st
            .pointer("/vulnerability/aliases")
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let label = st.get("justification").and_then(Value::as_str);
        let status = match st.get("status").and_then(Value::as_str).unwrap_or("") {
            "under_investigation" => State::UnderInvestigation,
            "fixed" => State::Fixed {
                backport: ext.backport,
            },
            "affected" => {
                let action = st
                    .get("action_statement")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        import_err(
                            F,
                            at("/action_statement"),
                            "an affected statement needs an action statement",
                        )
                    })?;
                State::Affected {
                    action: action.to_string(),
                    responses: ext.responses.clone(),
                }
            }
            "not_affected" if label == Some(vocab::COMPONENT_NOT_PRESENT) => State::FalsePositive,
            "not_affected" => {
                let label = label.ok_or_else(|| {
                    import_err(
                        F,
                        at("/justification"),
                        "dtsec needs a justification for not_affected",
                    )
                })?;
                let mapped = vocab::justification_of(label).ok_or_else(|| {
                    import_err(
                        F,
                        at("/justification"),
                        format!("unknown justification `{label}`"),
                    )
                })?;
                // The extension keeps the exact CycloneDX justification; it must be in the label's group.
                let j = match ext.justification {
                    Some(j) if vocab::label_of(j) == label => j,
                    Some(j) => {
                        return Err(import_err(
                            F,
                            at("/justification"),
                            format!(
                                "`{label}` contradicts the extension's `{}`",
                                vocab::cdx_justification(j)
                            ),
                        ));
                    }
                    None => mapped,
                };
                State::NotAffected { justification: j }
            }
            other => {
                return Err(import_err(
                    F,
                    at("/status"),
                    format!("unknown status `{other}`"),
                ));
            }
        };
        let mut components = Vec::new();
        let products = st
            .get("products")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        for (p, product) in products.iter().enumerate() {
            for (k, sub) in product
                .get("subcomponents")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let link = sub.get("@id").and_then(Value::as_str).unwrap_or("");
                let (serial, version, bom_ref) = parse_bom_link(link).ok_or_else(|| {
                    import_err(
                        F,
                        at(&format!("/products/{p}/subcomponents/{k}/@id")),
                        "must be a bom-link to a component of the SBOM",
                    )
                })?;
                if serial != ext.product.sbom_serial || version != ext.product.sbom_version {
                    return Err(import_err(
                        F,
                        at(&format!("/products/{p}/subcomponents/{k}/@id")),
                        "links to another SBOM than the statement's product",
                    ));
                }
                let purl = sub
                    .pointer("/identifiers/purl")
                    .and_then(Value::as_str)
                    .map(str::to_string);
                components.push(ComponentRef { bom_ref, purl });
            }
        }
        out.push(Assessment {
            vuln: VulnRef {
                id: name.to_string(),
                aliases,
            },
            product: ext.product,
            components,
            status,
            impact_statement: st
                .get("impact_statement")
                .and_then(Value::as_str)
                .map(str::to_string),
            scores: ext.scores,
            clinical: ext.clinical,
            cc: ext.cc,
            dates: ext.dates,
            regulatory: ext.regulatory,
        });
    }
    Ok(out)
}
