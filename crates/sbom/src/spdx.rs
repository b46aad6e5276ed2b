//! SPDX 2.2/2.3 JSON (already schema-valid) into the model: packages become components, the
//! `DESCRIBES` relationship names the subject, both spellings of the package-manager category
//! yield purls (the 2.3 schema allows `PACKAGE-MANAGER` and `PACKAGE_MANAGER`), a package may
//! carry several purls, `SECURITY`/`advisory` refs are kept as hints, and `validUntilDate` is the
//! end of support.

use crate::cyclonedx::purl_ref;
use crate::error::{SbomError, Violation};
use crate::model::{
    Completeness, Component, Dependency, Format, Hash, Report, SbomDoc, Subject, SupportLevel,
};
use crate::{Limits, esc};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap, HashSet};

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `NOASSERTION` and `NONE` mean "no value".
fn real(v: Option<String>) -> Option<String> {
    v.filter(|x| x != "NOASSERTION" && x != "NONE")
}

/// `Organization: Acme (a@b)` → `Acme (a@b)`.
fn party(v: Option<String>) -> Option<String> {
    real(v).map(|p| {
        p.split_once(": ")
            .map_or(p.clone(), |(_, name)| name.to_string())
    })
}

/// Reads a schema-valid SPDX 2 document.
pub fn read(
    v: &Value,
    spec_version: String,
    sha256: String,
    limits: &Limits,
    report: &mut Report,
) -> Result<SbomDoc, SbomError> {
    let mut errors = Vec::new();
    let packages = arr(v, "packages");
    if packages.len() > limits.max_components {
        return Err(SbomError::Invalid {
            violations: vec![Violation {
                rule: "SBOM-LIMIT".into(),
                pointer: "/packages".into(),
                message: format!(
                    "more than {} packages: split the SBOM or raise the limit",
                    limits.max_components
                ),
            }],
        });
    }
    // Every element id that relationships may name, with uniqueness checked.
    let mut ids: HashSet<String> = HashSet::new();
    if let Some(doc_id) = s(v, "SPDXID") {
        ids.insert(doc_id);
    }
    for key in ["packages", "files", "snippets"] {
        for (i, el) in arr(v, key).iter().enumerate() {
            if let Some(id) = s(el, "SPDXID")
                && !ids.insert(id.clone())
            {
                errors.push(Violation {
                    rule: "SBOM-REF-UNIQUE".into(),
                    pointer: format!("/{key}/{i}/SPDXID"),
                    message: format!(
                        "SPDXID {id:?} is used twice: give each element a unique SPDXID"
                    ),
                });
            }
        }
    }
    let mut noassertion = 0usize;
    let mut components = Vec::with_capacity(packages.len());
    for (i, p) in packages.iter().enumerate() {
        let ptr = format!("/packages/{i}");
        for field in [
            "versionInfo",
            "supplier",
            "downloadLocation",
            "licenseConcluded",
            "licenseDeclared",
            "copyrightText",
        ] {
            if p.get(field).and_then(Value::as_str) == Some("NOASSERTION") {
                noassertion += 1;
            }
        }
        let version = real(s(p, "versionInfo"));
        let mut purls = Vec::new();
        let mut cpes = Vec::new();
        let mut advisory_hints = Vec::new();
        for (j, r) in arr(p, "externalRefs").iter().enumerate() {
            let cat = r
                .get("referenceCategory")
                .and_then(Value::as_str)
                .unwrap_or("");
            let ty = r.get("referenceType").and_then(Value::as_str).unwrap_or("");
            let loc = s(r, "referenceLocator").unwrap_or_default();
            match (cat, ty) {
                ("PACKAGE-MANAGER" | "PACKAGE_MANAGER", "purl") => purls.push(purl_ref(
                    &loc,
                    version.as_deref(),
                    &format!("{ptr}/externalRefs/{j}/referenceLocator"),
                    &mut report.warnings,
                )),
                ("SECURITY", "cpe22Type" | "cpe23Type") => cpes.push(loc),
                ("SECURITY", "advisory" | "fix" | "url") => advisory_hints.push(loc),
                _ => {}
            }
        }
        let hashes = arr(p, "checksums")
            .iter()
            .filter_map(|h| {
                Some(Hash {
                    alg: s(h, "algorithm")?,
                    value: s(h, "checksumValue")?.to_ascii_lowercase(),
                })
            })
            .collect();
        let vcs = real(s(p, "downloadLocation"))
            .filter(|d| d.starts_with("git+") || d.ends_with(".git"))
            .into_iter()
            .collect();
        let end_of_support = s(p, "validUntilDate");
        // SPDX has no support-level field; an end-of-support date is the support data.
        let support_level = SupportLevel::Unknown;
        components.push(Component {
            r#ref: s(p, "SPDXID").unwrap_or_else(|| format!("#{ptr}")),
            pointer: ptr,
            name: s(p, "name").unwrap_or_default(),
            version,
            supplier: party(s(p, "supplier")).or_else(|| party(s(p, "originator"))),
            scope: None,
            purls,
            cpes,
            hashes,
            vcs,
            commits: Vec::new(),
            advisory_hints,
            support_level,
            end_of_support,
        });
    }
    // Relationships: every id must resolve (external `DocumentRef-…` ids and NONE/NOASSERTION
    // are allowed); DEPENDS_ON and DEPENDENCY_OF build the graph, DESCRIBES names the subject.
    let mut deps: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut described: Vec<String> = arr(v, "documentDescribes")
        .iter()
        .filter_map(|x| x.as_str().map(str::to_string))
        .collect();
    let rels = arr(v, "relationships");
    if rels.len() > limits.max_dependencies {
        return Err(SbomError::Invalid {
            violations: vec![Violation {
                rule: "SBOM-LIMIT".into(),
                pointer: "/relationships".into(),
                message: format!(
                    "more than {} relationships: split the SBOM or raise the limit",
                    limits.max_dependencies
                ),
            }],
        });
    }
    for (i, r) in rels.iter().enumerate() {
        let a = s(r, "spdxElementId").unwrap_or_default();
        let b = s(r, "relatedSpdxElement").unwrap_or_default();
        for (field, id) in [("spdxElementId", &a), ("relatedSpdxElement", &b)] {
            let external = id.starts_with("DocumentRef-") || id == "NONE" || id == "NOASSERTION";
            if !external && !ids.contains(id) {
                errors.push(Violation {
                    rule: "SBOM-DEP-REF".into(),
                    pointer: format!("/relationships/{i}/{}", esc(field)),
                    message: format!("{id:?} names no element of this document: use the SPDXID of a package, file or snippet"),
                });
            }
        }
        match r.get("relationshipType").and_then(Value::as_str) {
            Some("DEPENDS_ON") => deps.entry(a).or_default().push(b),
            Some("DEPENDENCY_OF") => deps.entry(b).or_default().push(a),
            Some("DESCRIBES") => described.push(b),
            Some("DESCRIBED_BY") => described.push(a),
            _ => {}
        }
    }
    if !errors.is_empty() {
        errors.truncate(limits.max_violations);
        return Err(SbomError::Invalid { violations: errors });
    }
    let by_id: HashMap<&str, &Component> =
        components.iter().map(|c| (c.r#ref.as_str(), c)).collect();
    let subject = described
        .iter()
        .find_map(|id| by_id.get(id.as_str()))
        .map(|c| Subject {
            name: c.name.clone(),
            version: c.version.clone(),
            supplier: c.supplier.clone(),
        });
    let ci = v.get("creationInfo").unwrap_or(&Value::Null);
    let creators: Vec<String> = arr(ci, "creators")
        .iter()
        .filter_map(|c| c.as_str().map(str::to_string))
        .collect();
    let pick = |prefix: &str| -> Vec<String> {
        creators
            .iter()
            .filter_map(|c| c.strip_prefix(prefix).map(|x| x.trim().to_string()))
            .collect()
    };
    let mut authors = pick("Person:");
    authors.extend(pick("Organization:"));
    Ok(SbomDoc {
        sha256,
        format: Format::Spdx,
        spec_version,
        serial: s(v, "documentNamespace"),
        bom_version: None,
        created: s(ci, "created"),
        authors,
        tools: pick("Tool:"),
        subject,
        completeness: Completeness {
            aggregates: Vec::new(),
            noassertion_fields: noassertion,
        },
        components,
        dependencies: deps
            .into_iter()
            .map(|(r, depends_on)| Dependency {
                r#ref: r,
                depends_on,
            })
            .collect(),
    })
}
