//! CycloneDX 1.6 VEX: one `vulnerabilities[]` entry per assessment, its `analysis` the state,
//! its `affects[]` one bom-link per component (per-component targets, as Dependency-Track
//! learned the hard way), `ratings[]` the scores by source, and the dtsec extension in
//! `properties`.

use serde_json::{Value, json};

use super::vocab;
use super::{DocMeta, EXTENSION_NAME, Extension, bom_link, import_err, parse_bom_link, str_at};
use crate::assessment::{Assessment, ComponentRef, ScoreSource, State, VulnRef};
use crate::cvss::{self, CvssVersion};
use crate::error::VexError;

const F: &str = "CycloneDX";
/// The `justification` of a rating that is a device-context score.
const DEVICE_CONTEXT: &str = "dtsec:device-context";

fn source_name(s: ScoreSource) -> &'static str {
    match s {
        ScoreSource::Advisory => "advisory",
        ScoreSource::Manufacturer => "manufacturer",
        ScoreSource::Lab => "lab",
    }
}

/// A v5-shaped UUID from a hash of the document id and version, so the same export gives the
/// same serial number (deterministic output).
fn serial(meta: &DocMeta) -> String {
    use sha2::{Digest as _, Sha256};
    let d = Sha256::digest(format!("{}#{}", meta.id, meta.version));
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "urn:uuid:{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

pub(super) fn export(assessments: &[Assessment], meta: &DocMeta) -> Value {
    let vulns: Vec<Value> = assessments
        .iter()
        .map(|a| {
            let mut analysis = serde_json::Map::new();
            let state = match &a.status {
                State::UnderInvestigation => "in_triage",
                State::NotAffected { .. } => "not_affected",
                State::Affected { .. } => "exploitable",
                State::Fixed { backport: false } => "resolved",
                State::Fixed { backport: true } => "resolved_with_pedigree",
                State::FalsePositive => "false_positive",
            };
            analysis.insert("state".into(), json!(state));
            if let State::NotAffected { justification } = a.status {
                analysis.insert("justification".into(), json!(vocab::cdx_justification(justification)));
            }
            if let State::Affected { responses, .. } = &a.status {
                let r: Vec<&str> = responses.iter().map(|r| vocab::cdx_response(*r)).collect();
                analysis.insert("response".into(), json!(r));
            }
            if let Some(s) = &a.impact_statement {
                analysis.insert("detail".into(), json!(s));
            }
            let ratings: Vec<Value> = a
                .scores
                .iter()
                .filter_map(|s| {
                    let scored = cvss::score(&s.vector).ok()?;
                    let method = match scored.version {
                        CvssVersion::V3_0 => "CVSSv3",
                        CvssVersion::V3_1 => "CVSSv31",
                        CvssVersion::V4_0 => "CVSSv4",
                    };
                    let mut r = json!({
                        "source": {"name": source_name(s.source)},
                        "score": s.score,
                        "severity": format!("{:?}", scored.severity).to_lowercase(),
                        "method": method,
                        "vector": s.vector,
                    });
                    if s.device_context {
                        r["justification"] = json!(DEVICE_CONTEXT);
                    }
                    Some(r)
                })
                .collect();
            let mut v = json!({
                "bom-ref": a.id(),
                "id": a.vuln.id,
                "analysis": Value::Object(analysis),
                "affects": a.components.iter().map(|c| json!({"ref": bom_link(&a.product, &c.bom_ref)})).collect::<Vec<_>>(),
                "properties": [
                    {"name": "dtsec:fda:risk", "value": a.clinical.as_ref().map_or("not-assessed", |c| match c.risk {
                        crate::assessment::Risk::Controlled => "controlled",
                        crate::assessment::Risk::Uncontrolled => "uncontrolled",
                    })},
                    {"name": EXTENSION_NAME, "value": Extension::of(a).to_text()},
                ],
            });
            if !ratings.is_empty() {
                v["ratings"] = json!(ratings);
            }
            if !a.vuln.aliases.is_empty() {
                v["references"] = json!(a.vuln.aliases.iter().map(|x| json!({"id": x, "source": {"name": "alias"}})).collect::<Vec<_>>());
            }
            if let State::Affected { action, .. } = &a.status {
                v["recommendation"] = json!(action);
            }
            v
        })
        .collect();
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": serial(meta),
        "version": meta.version,
        "metadata": {
            "timestamp": meta.timestamp.to_string(),
            "authors": [{"name": meta.author}],
        },
        "vulnerabilities": vulns,
    })
}

pub(super) fn import(doc: &Value) -> Result<Vec<Assessment>, VexError> {
    let Some(vulns) = doc.get("vulnerabilities").and_then(Value::as_array) else {
        return Err(import_err(
            F,
            "/vulnerabilities".into(),
            "a VEX BOM lists its statements in `vulnerabilities`",
        ));
    };
    if vulns.len() > super::MAX_STATEMENTS {
        return Err(import_err(
            F,
            "/vulnerabilities".into(),
            format!("at most {} statements", super::MAX_STATEMENTS),
        ));
    }
    let mut out = Vec::new();
    for (i, v) in vulns.iter().enumerate() {
        let at = |p: &str| format!("/vulnerabilities/{i}{p}");
        let ext_text = v
            .get("properties")
            .and_then(Value::as_array)
            .and_then(|ps| ps.iter().find(|p| p.get("name").and_then(Value::as_str) == Some(EXTENSION_NAME)))
            .and_then(|p| p.get("value").and_then(Value::as_str))
            .ok_or_else(|| {
                import_err(F, at("/properties"), "no dtsec extension: the product and its SBOM binding are unknown (documents written by other tools are not imported yet)")
            })?;
        let ext = Extension::from_text(F, &at("/properties"), ext_text)?;
        let id = str_at(F, v, "/id")
            .map_err(|_| import_err(F, at("/id"), "a vulnerability id is required"))?;
        let aliases = v
            .get("references")
            .and_then(Value::as_array)
            .map(|rs| {
                rs.iter()
                    .filter_map(|r| r.get("id").and_then(Value::as_str).map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let state = v
            .pointer("/analysis/state")
            .and_then(Value::as_str)
            .unwrap_or("");
        let status = match state {
            "in_triage" => State::UnderInvestigation,
            "not_affected" => {
                let j = v
                    .pointer("/analysis/justification")
                    .and_then(Value::as_str)
                    .and_then(vocab::cdx_justification_of)
                    .ok_or_else(|| {
                        import_err(
                            F,
                            at("/analysis/justification"),
                            "not_affected needs a justification",
                        )
                    })?;
                State::NotAffected { justification: j }
            }
            "exploitable" => {
                let responses = v
                    .pointer("/analysis/response")
                    .and_then(Value::as_array)
                    .map(|rs| {
                        rs.iter()
                            .filter_map(|r| r.as_str().and_then(vocab::cdx_response_of))
                            .collect()
                    })
                    .unwrap_or_default();
                let action = v
                    .get("recommendation")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        import_err(
                            F,
                            at("/recommendation"),
                            "an exploitable product needs a recommendation (the action statement)",
                        )
                    })?;
                State::Affected {
                    action: action.to_string(),
                    responses,
                }
            }
            "resolved" => State::Fixed { backport: false },
            "resolved_with_pedigree" => State::Fixed { backport: true },
            "false_positive" => State::FalsePositive,
            other => {
                return Err(import_err(
                    F,
                    at("/analysis/state"),
                    format!(
                        "state `{other}` has no dtsec equivalent (in_triage, not_affected, exploitable, resolved, resolved_with_pedigree, false_positive)"
                    ),
                ));
            }
        };
        let mut components = Vec::new();
        for (k, aff) in v
            .get("affects")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .enumerate()
        {
            let link = aff.get("ref").and_then(Value::as_str).unwrap_or("");
            let (serial, version, bom_ref) = parse_bom_link(link).ok_or_else(|| {
                import_err(F, at(&format!("/affects/{k}/ref")), "must be a bom-link `urn:cdx:{serial}/{version}#{bom-ref}` to a component of the SBOM")
            })?;
            if serial != ext.product.sbom_serial || version != ext.product.sbom_version {
                return Err(import_err(
                    F,
                    at(&format!("/affects/{k}/ref")),
                    "links to another SBOM than the statement's product",
                ));
            }
            let purl = ext.purls.get(&bom_ref).cloned();
            components.push(ComponentRef { bom_ref, purl });
        }
        // The native ratings must be the extension's scores (the extension only adds nothing here).
        let native: Vec<(String, f64)> = v
            .get("ratings")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|r| {
                Some((
                    r.get("vector")?.as_str()?.to_string(),
                    r.get("score")?.as_f64()?,
                ))
            })
            .collect();
        let ext_scores: Vec<(String, f64)> = ext
            .scores
            .iter()
            .map(|s| (s.vector.clone(), s.score))
            .collect();
        if native != ext_scores {
            return Err(import_err(
                F,
                at("/ratings"),
                "the ratings and the dtsec extension's scores disagree",
            ));
        }
        out.push(Assessment {
            vuln: VulnRef {
                id: id.to_string(),
                aliases,
            },
            product: ext.product,
            components,
            status,
            impact_statement: v
                .pointer("/analysis/detail")
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
