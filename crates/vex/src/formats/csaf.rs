//! CSAF 2.0, profile `csaf_vex`. Products and components are `full_product_names` (components
//! carry their purl and their CycloneDX bom-link as an `x_generic_uris` entry), joined by
//! `default_component_of` relationships; the statuses name those relationships, so every
//! statement is per component. Not-affected carries both the flag and an `impact` threat;
//! affected carries remediations (one per response, with the action statement); the dtsec
//! extension is a vulnerability note of category `other`.
//!
//! CSAF 2.0 scores hold only CVSS v2/v3: the first v3 score goes in `scores` (one per version
//! per product, mandatory test 6.1.7); every score, v4 included, is in the extension.

use serde_json::{Value, json};

use super::vocab;
use super::{DocMeta, EXTENSION_NAME, Extension, bom_link, import_err, parse_bom_link};
use crate::assessment::{Assessment, ComponentRef, State, VulnRef};
use crate::cvss::{self, CvssVersion};
use crate::error::VexError;

const F: &str = "CSAF";
/// The namespace of bom-links in `x_generic_uris`.
pub const BOMLINK_NAMESPACE: &str = "https://cyclonedx.org/capabilities/bomlink/";
/// `ids[].system_name` of a non-CVE vulnerability id.
const ID_SYSTEM: &str = "dtsec";
/// `ids[].system_name` of an alias.
const ALIAS_SYSTEM: &str = "alias";

fn is_cve(id: &str) -> bool {
    let Some(rest) = id.strip_prefix("CVE-") else {
        return false;
    };
    let Some((year, num)) = rest.split_once('-') else {
        return false;
    };
    year.len() == 4
        && year.bytes().all(|b| b.is_ascii_digit())
        && num.len() >= 4
        && num.bytes().all(|b| b.is_ascii_digit())
}

pub(super) fn export(assessments: &[Assessment], meta: &DocMeta) -> Value {
    let mut full_product_names = Vec::new();
    let mut relationships = Vec::new();
    let mut vulnerabilities = Vec::new();
    for (i, a) in assessments.iter().enumerate() {
        let product_id = format!("DTSEC-P{i}");
        full_product_names.push(json!({
            "product_id": product_id,
            "name": format!("{} {}", a.product.name, a.product.version),
        }));
        let mut ids = Vec::new();
        for (j, c) in a.components.iter().enumerate() {
            let component_id = format!("DTSEC-P{i}-C{j}");
            let mut helper = json!({"x_generic_uris": [{"namespace": BOMLINK_NAMESPACE, "uri": bom_link(&a.product, &c.bom_ref)}]});
            if let Some(p) = &c.purl {
                helper["purl"] = json!(p);
            }
            full_product_names.push(json!({"product_id": component_id, "name": c.bom_ref, "product_identification_helper": helper}));
            let rel_id = format!("DTSEC-P{i}-C{j}-IN");
            relationships.push(json!({
                "category": "default_component_of",
                "product_reference": component_id,
                "relates_to_product_reference": product_id,
                "full_product_name": {"product_id": rel_id, "name": format!("{} in {} {}", c.bom_ref, a.product.name, a.product.version)},
            }));
            ids.push(rel_id);
        }
        let mut v = serde_json::Map::new();
        let mut other_ids = Vec::new();
        if is_cve(&a.vuln.id) {
            v.insert("cve".into(), json!(a.vuln.id));
        } else {
            other_ids.push(json!({"system_name": ID_SYSTEM, "text": a.vuln.id}));
        }
        other_ids.extend(
            a.vuln
                .aliases
                .iter()
                .map(|x| json!({"system_name": ALIAS_SYSTEM, "text": x})),
        );
        if !other_ids.is_empty() {
            v.insert("ids".into(), json!(other_ids));
        }
        let mut notes = vec![
            json!({"category": "other", "title": EXTENSION_NAME, "text": Extension::of(a).to_text()}),
        ];
        if let Some(s) = &a.impact_statement {
            notes.insert(
                0,
                json!({"category": "details", "title": "Impact statement", "text": s}),
            );
        }
        v.insert("notes".into(), json!(notes));
        let status_key = match &a.status {
            State::UnderInvestigation => "under_investigation",
            State::NotAffected { .. } | State::FalsePositive => "known_not_affected",
            State::Affected { .. } => "known_affected",
            State::Fixed { .. } => "fixed",
        };
        v.insert("product_status".into(), json!({status_key: ids}));
        match &a.status {
            State::NotAffected { justification } => {
                v.insert(
                    "flags".into(),
                    json!([{"label": vocab::label_of(*justification), "product_ids": ids}]),
                );
            }
            State::FalsePositive => {
                v.insert(
                    "flags".into(),
                    json!([{"label": vocab::COMPONENT_NOT_PRESENT, "product_ids": ids}]),
                );
            }
            State::Affected { action, responses } => {
                let mut seen = Vec::new();
                let rems: Vec<Value> = responses
                    .iter()
                    .map(|r| vocab::csaf_category(*r))
                    .filter(|c| {
                        let new = !seen.contains(c);
                        seen.push(*c);
                        new
                    })
                    .map(|c| json!({"category": c, "details": action, "product_ids": ids}))
                    .collect();
                v.insert("remediations".into(), json!(rems));
            }
            _ => {}
        }
        if matches!(a.status, State::NotAffected { .. } | State::FalsePositive) {
            let details = a.impact_statement.clone().unwrap_or_default();
            v.insert(
                "threats".into(),
                json!([{"category": "impact", "details": details, "product_ids": ids}]),
            );
        }
        if let Some(s) = a.scores.iter().find_map(|s| {
            let x = cvss::score(&s.vector).ok()?;
            matches!(x.version, CvssVersion::V3_0 | CvssVersion::V3_1).then_some(x)
        }) {
            v.insert(
                "scores".into(),
                json!([{"products": ids, "cvss_v3": {
                    "version": s.version.label(),
                    "vectorString": s.vector,
                    "baseScore": s.base,
                    "baseSeverity": crate::cvss::Severity::of(s.base).upper(),
                }}]),
            );
        }
        vulnerabilities.push(Value::Object(v));
    }
    let title: String = {
        let names: Vec<&str> = assessments.iter().map(|a| a.vuln.id.as_str()).collect();
        let t = format!("VEX statements of {}: {}", meta.author, names.join(", "));
        t.chars().take(200).collect()
    };
    let ts = meta.timestamp.to_string();
    json!({
        "document": {
            "category": "csaf_vex",
            "csaf_version": "2.0",
            "notes": [{"category": "summary", "title": "About", "text": format!("Vulnerability exploitability statements by {} for its certified products, written by dtsec.", meta.author)}],
            "publisher": {"category": "vendor", "name": meta.author, "namespace": meta.namespace},
            "title": title,
            "tracking": {
                "id": meta.id,
                "status": "final",
                "version": meta.version.to_string(),
                "initial_release_date": ts,
                "current_release_date": ts,
                "revision_history": [{"date": ts, "number": meta.version.to_string(), "summary": "Statements as recorded in dtsec."}],
                "generator": {"engine": {"name": "dtsec"}},
            },
        },
        "product_tree": {"full_product_names": full_product_names, "relationships": relationships},
        "vulnerabilities": vulnerabilities,
    })
}

/// The component behind a relationship product id: its bom-link and purl.
fn component_of(doc: &Value, rel_id: &str) -> Option<(String, Option<String>)> {
    let rel = doc
        .pointer("/product_tree/relationships")?
        .as_array()?
        .iter()
        .find(|r| {
            r.pointer("/full_product_name/product_id")
                .and_then(Value::as_str)
                == Some(rel_id)
        })?;
    let comp_id = rel.get("product_reference")?.as_str()?;
    let comp = doc
        .pointer("/product_tree/full_product_names")?
        .as_array()?
        .iter()
        .find(|p| p.get("product_id").and_then(Value::as_str) == Some(comp_id))?;
    let helper = comp.get("product_identification_helper")?;
    let link = helper
        .get("x_generic_uris")?
        .as_array()?
        .iter()
        .find(|u| u.get("namespace").and_then(Value::as_str) == Some(BOMLINK_NAMESPACE))?
        .get("uri")?
        .as_str()?
        .to_string();
    Some((
        link,
        helper
            .get("purl")
            .and_then(Value::as_str)
            .map(str::to_string),
    ))
}

pub(super) fn import(doc: &Value) -> Result<Vec<Assessment>, VexError> {
    if doc.pointer("/document/category").and_then(Value::as_str) != Some("csaf_vex") {
        return Err(import_err(
            F,
            "/document/category".into(),
            "must be `csaf_vex` (the VEX profile)",
        ));
    }
    let vulns = doc
        .get("vulnerabilities")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    if vulns.is_empty() || vulns.len() > super::MAX_STATEMENTS {
        return Err(import_err(
            F,
            "/vulnerabilities".into(),
            format!(
                "the VEX profile needs 1 to {} vulnerabilities",
                super::MAX_STATEMENTS
            ),
        ));
    }
    let mut out = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let at = |p: &str| format!("/vulnerabilities/{i}{p}");
        let ext_text = v
            .get("notes")
            .and_then(Value::as_array)
            .and_then(|ns| ns.iter().find(|n| n.get("title").and_then(Value::as_str) == Some(EXTENSION_NAME)))
            .and_then(|n| n.get("text").and_then(Value::as_str))
            .ok_or_else(|| import_err(F, at("/notes"), "no dtsec extension: the product and its SBOM binding are unknown (documents written by other tools are not imported yet)"))?;
        let ext = Extension::from_text(F, &at("/notes"), ext_text)?;
        let ids = v
            .get("ids")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let text_of = |system: &str| -> Vec<String> {
            ids.iter()
                .filter(|x| x.get("system_name").and_then(Value::as_str) == Some(system))
                .filter_map(|x| x.get("text").and_then(Value::as_str).map(str::to_string))
                .collect()
        };
        let id = match v.get("cve").and_then(Value::as_str) {
            Some(c) => c.to_string(),
            None => text_of(ID_SYSTEM)
                .into_iter()
                .next()
                .ok_or_else(|| import_err(F, at("/ids"), "no `cve` and no dtsec id"))?,
        };
        let statuses = v
            .get("product_status")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default();
        if statuses.len() != 1 {
            return Err(import_err(
                F,
                at("/product_status"),
                "dtsec writes one status per vulnerability and product version; this has several",
            ));
        }
        let (key, list) = statuses.iter().next().expect("one");
        let flag = v.pointer("/flags/0/label").and_then(Value::as_str);
        let status = match key.as_str() {
            "under_investigation" => State::UnderInvestigation,
            "fixed" => State::Fixed {
                backport: ext.backport,
            },
            "known_affected" => {
                let rems = v
                    .get("remediations")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                let action = rems
                    .first()
                    .and_then(|r| r.get("details").and_then(Value::as_str))
                    .ok_or_else(|| {
                        import_err(
                            F,
                            at("/remediations"),
                            "known_affected needs a remediation with the action statement",
                        )
                    })?;
                let categories: Vec<&str> = rems
                    .iter()
                    .filter_map(|r| r.get("category").and_then(Value::as_str))
                    .collect();
                for (k, c) in categories.iter().enumerate() {
                    if !ext.responses.iter().any(|r| vocab::csaf_category(*r) == *c) {
                        return Err(import_err(
                            F,
                            at(&format!("/remediations/{k}/category")),
                            format!("`{c}` is not among the extension's responses"),
                        ));
                    }
                }
                let responses = if ext.responses.is_empty() {
                    categories
                        .iter()
                        .filter_map(|c| vocab::response_of_csaf(c))
                        .collect()
                } else {
                    ext.responses.clone()
                };
                State::Affected {
                    action: action.to_string(),
                    responses,
                }
            }
            "known_not_affected" if flag == Some(vocab::COMPONENT_NOT_PRESENT) => {
                State::FalsePositive
            }
            "known_not_affected" => {
                let label = flag.ok_or_else(|| {
                    import_err(
                        F,
                        at("/flags"),
                        "dtsec needs a justification flag for known_not_affected",
                    )
                })?;
                let j = match ext.justification {
                    Some(j) if vocab::label_of(j) == label => j,
                    Some(j) => {
                        return Err(import_err(
                            F,
                            at("/flags/0/label"),
                            format!(
                                "`{label}` contradicts the extension's `{}`",
                                vocab::cdx_justification(j)
                            ),
                        ));
                    }
                    None => vocab::justification_of(label).ok_or_else(|| {
                        import_err(F, at("/flags/0/label"), format!("unknown label `{label}`"))
                    })?,
                };
                State::NotAffected { justification: j }
            }
            other => {
                return Err(import_err(
                    F,
                    at(&format!("/product_status/{other}")),
                    "dtsec does not hold first/last affected or first fixed statuses",
                ));
            }
        };
        let mut components = Vec::new();
        for (k, pid) in list.as_array().into_iter().flatten().enumerate() {
            let p = format!("/product_status/{key}/{k}");
            let pid = pid.as_str().unwrap_or("");
            let (link, purl) = component_of(doc, pid).ok_or_else(|| import_err(F, at(&p), format!("`{pid}` is not a component of a product (a default_component_of relationship to a component with a bom-link)")))?;
            let (serial, version, bom_ref) = parse_bom_link(&link)
                .ok_or_else(|| import_err(F, at(&p), "the component's bom-link does not parse"))?;
            if serial != ext.product.sbom_serial || version != ext.product.sbom_version {
                return Err(import_err(
                    F,
                    at(&p),
                    "the component links to another SBOM than the statement's product",
                ));
            }
            components.push(ComponentRef { bom_ref, purl });
        }
        let impact = v
            .get("notes")
            .and_then(Value::as_array)
            .and_then(|ns| {
                ns.iter()
                    .find(|n| n.get("category").and_then(Value::as_str) == Some("details"))
            })
            .and_then(|n| n.get("text").and_then(Value::as_str))
            .map(str::to_string);
        out.push(Assessment {
            vuln: VulnRef {
                id,
                aliases: text_of(ALIAS_SYSTEM),
            },
            product: ext.product,
            components,
            status,
            impact_statement: impact,
            scores: ext.scores,
            clinical: ext.clinical,
            cc: ext.cc,
            dates: ext.dates,
            regulatory: ext.regulatory,
        });
    }
    Ok(out)
}
