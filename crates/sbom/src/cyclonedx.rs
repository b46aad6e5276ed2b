//! CycloneDX JSON (1.4–1.7, already schema-valid) into the model, with the semantic rules the
//! schema cannot state: unique `bom-ref`s, dependency refs that resolve, nested components
//! walked (including `metadata.component.components`, which Dependency-Track once missed),
//! purl versions that agree with the component's, and dtsec's support properties.

use crate::error::{SbomError, Violation};
use crate::model::{
    Completeness, Component, Dependency, Format, Hash, PurlRef, Report, SbomDoc, Subject,
    SupportLevel,
};
use crate::{Limits, purl};
use serde_json::Value;
use std::collections::HashSet;

fn s(v: &Value, k: &str) -> Option<String> {
    v.get(k).and_then(Value::as_str).map(str::to_string)
}

fn arr<'a>(v: &'a Value, k: &str) -> &'a [Value] {
    v.get(k)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// Reads a schema-valid CycloneDX document.
pub fn read(
    v: &Value,
    spec_version: String,
    sha256: String,
    limits: &Limits,
    report: &mut Report,
) -> Result<SbomDoc, SbomError> {
    let mut errors = Vec::new();
    let meta = v.get("metadata").unwrap_or(&Value::Null);
    let mut refs = HashSet::new();
    // The subject's own ref takes part in uniqueness and dependency resolution.
    if let Some(r) = meta.get("component").and_then(|c| s(c, "bom-ref")) {
        refs.insert(r);
    }
    let mut components = Vec::new();
    let mut walker = Walker {
        limits,
        refs: &mut refs,
        errors: &mut errors,
        warnings: &mut report.warnings,
        out: &mut components,
    };
    if let Some(sub) = meta.get("component") {
        walker.walk(arr(sub, "components"), "/metadata/component/components")?;
    }
    walker.walk(arr(v, "components"), "/components")?;
    // Services carry bom-refs that dependencies may name; they are not components.
    let mut stack: Vec<(&Value, String)> = arr(v, "services")
        .iter()
        .enumerate()
        .map(|(i, s)| (s, format!("/services/{i}")))
        .collect();
    while let Some((svc, ptr)) = stack.pop() {
        if let Some(r) = s(svc, "bom-ref") {
            check_unique(&mut refs, r, &format!("{ptr}/bom-ref"), &mut errors);
        }
        for (i, child) in arr(svc, "services").iter().enumerate() {
            stack.push((child, format!("{ptr}/services/{i}")));
        }
    }
    let mut dependencies = Vec::new();
    let mut edges = 0usize;
    for (i, d) in arr(v, "dependencies").iter().enumerate() {
        let ptr = format!("/dependencies/{i}");
        let r = s(d, "ref").unwrap_or_default();
        if !refs.contains(&r) {
            errors.push(Violation {
                rule: "SBOM-DEP-REF".into(),
                pointer: format!("{ptr}/ref"),
                message: format!("dependency ref {r:?} names no component or service bom-ref: use the bom-ref of a component in this BOM"),
            });
        }
        let mut depends_on = Vec::new();
        for (j, t) in arr(d, "dependsOn").iter().enumerate() {
            edges += 1;
            if edges > limits.max_dependencies {
                return Err(limit("dependency edges", limits.max_dependencies));
            }
            let t = t.as_str().unwrap_or_default().to_string();
            if !refs.contains(&t) {
                errors.push(Violation {
                    rule: "SBOM-DEP-REF".into(),
                    pointer: format!("{ptr}/dependsOn/{j}"),
                    message: format!("dependsOn {t:?} names no component or service bom-ref: use the bom-ref of a component in this BOM"),
                });
            }
            depends_on.push(t);
        }
        dependencies.push(Dependency {
            r#ref: r,
            depends_on,
        });
    }
    if !errors.is_empty() {
        errors.truncate(limits.max_violations);
        return Err(SbomError::Invalid { violations: errors });
    }
    let subject = meta.get("component").map(|c| Subject {
        name: s(c, "name").unwrap_or_default(),
        version: s(c, "version"),
        supplier: c
            .get("supplier")
            .and_then(|x| s(x, "name"))
            .or_else(|| meta.get("supplier").and_then(|x| s(x, "name"))),
    });
    let authors = arr(meta, "authors")
        .iter()
        .filter_map(|a| s(a, "name"))
        .collect();
    // `tools` is an array (≤1.4) or an object with components/services (1.5+).
    let tools_val = meta.get("tools").unwrap_or(&Value::Null);
    let tools = match tools_val {
        Value::Array(a) => a.iter().filter_map(|t| s(t, "name")).collect(),
        Value::Object(_) => arr(tools_val, "components")
            .iter()
            .chain(arr(tools_val, "services"))
            .filter_map(|t| s(t, "name"))
            .collect(),
        _ => Vec::new(),
    };
    Ok(SbomDoc {
        sha256,
        format: Format::Cyclonedx,
        spec_version,
        serial: s(v, "serialNumber"),
        bom_version: v.get("version").and_then(Value::as_u64),
        created: s(meta, "timestamp"),
        authors,
        tools,
        subject,
        completeness: Completeness {
            aggregates: arr(v, "compositions")
                .iter()
                .filter_map(|c| s(c, "aggregate"))
                .collect(),
            noassertion_fields: 0,
        },
        components,
        dependencies,
    })
}

fn limit(what: &str, cap: usize) -> SbomError {
    SbomError::Invalid {
        violations: vec![Violation {
            rule: "SBOM-LIMIT".into(),
            pointer: String::new(),
            message: format!("more than {cap} {what}: split the SBOM or raise the limit"),
        }],
    }
}

fn check_unique(refs: &mut HashSet<String>, r: String, ptr: &str, errors: &mut Vec<Violation>) {
    if !refs.insert(r.clone()) {
        errors.push(Violation {
            rule: "SBOM-REF-UNIQUE".into(),
            pointer: ptr.to_string(),
            message: format!("bom-ref {r:?} is used twice: give each component a unique bom-ref"),
        });
    }
}

struct Walker<'a> {
    limits: &'a Limits,
    refs: &'a mut HashSet<String>,
    errors: &'a mut Vec<Violation>,
    warnings: &'a mut Vec<Violation>,
    out: &'a mut Vec<Component>,
}

impl Walker<'_> {
    /// Walks a component array and its nested arrays, depth-first, without recursion (the
    /// JSON depth limit bounds the stack anyway; the count limit bounds the work).
    fn walk(&mut self, list: &[Value], base: &str) -> Result<(), SbomError> {
        let mut stack: Vec<(&Value, String)> = list
            .iter()
            .enumerate()
            .rev()
            .map(|(i, c)| (c, format!("{base}/{i}")))
            .collect();
        while let Some((c, ptr)) = stack.pop() {
            if self.out.len() >= self.limits.max_components {
                return Err(limit("components", self.limits.max_components));
            }
            let comp = self.component(c, &ptr);
            self.out.push(comp);
            for (i, child) in arr(c, "components").iter().enumerate().rev() {
                stack.push((child, format!("{ptr}/components/{i}")));
            }
        }
        Ok(())
    }

    fn component(&mut self, c: &Value, ptr: &str) -> Component {
        let r = match s(c, "bom-ref") {
            Some(r) => {
                check_unique(self.refs, r.clone(), &format!("{ptr}/bom-ref"), self.errors);
                r
            }
            None => format!("#{ptr}"),
        };
        let version = s(c, "version");
        let mut purls = Vec::new();
        if let Some(p) = s(c, "purl") {
            purls.push(purl_ref(
                &p,
                version.as_deref(),
                &format!("{ptr}/purl"),
                self.warnings,
            ));
        }
        let cpes: Vec<String> = s(c, "cpe").into_iter().collect();

        let hashes = arr(c, "hashes")
            .iter()
            .filter_map(|h| {
                Some(Hash {
                    alg: s(h, "alg")?,
                    value: s(h, "content")?.to_ascii_lowercase(),
                })
            })
            .collect();
        let vcs = arr(c, "externalReferences")
            .iter()
            .filter(|e| e.get("type").and_then(Value::as_str) == Some("vcs"))
            .filter_map(|e| s(e, "url"))
            .collect();
        let advisory_hints = arr(c, "externalReferences")
            .iter()
            .filter(|e| e.get("type").and_then(Value::as_str) == Some("advisories"))
            .filter_map(|e| s(e, "url"))
            .collect();
        let commits = c
            .get("pedigree")
            .map(|p| {
                arr(p, "commits")
                    .iter()
                    .filter_map(|x| s(x, "uid"))
                    .collect()
            })
            .unwrap_or_default();
        let (support_level, end_of_support) = self.support(c, ptr);
        let supplier = c
            .get("supplier")
            .and_then(|x| s(x, "name"))
            .or_else(|| c.get("manufacturer").and_then(|x| s(x, "name")))
            .or_else(|| s(c, "publisher"));
        Component {
            r#ref: r,
            pointer: ptr.to_string(),
            name: s(c, "name").unwrap_or_default(),
            version,
            supplier,
            scope: s(c, "scope"),
            purls,
            cpes,
            hashes,
            vcs,
            commits,
            advisory_hints,
            support_level,
            end_of_support,
        }
    }

    fn support(&mut self, c: &Value, ptr: &str) -> (SupportLevel, Option<String>) {
        let mut level = SupportLevel::Unknown;
        let mut eos = None;
        for (i, p) in arr(c, "properties").iter().enumerate() {
            let at = format!("{ptr}/properties/{i}/value");
            let value = s(p, "value").unwrap_or_default();
            match p.get("name").and_then(Value::as_str) {
                Some("dtsec:support-level") => match SupportLevel::parse(&value) {
                    Some(l) => level = l,
                    None => self.errors.push(Violation {
                        rule: "SBOM-SUPPORT".into(),
                        pointer: at,
                        message: format!("dtsec:support-level {value:?} is not one of actively-maintained, limited, eol, abandoned, unknown"),
                    }),
                },
                Some("dtsec:end-of-support") => {
                    if is_date(&value) {
                        eos = Some(value);
                    } else {
                        self.errors.push(Violation {
                            rule: "SBOM-SUPPORT".into(),
                            pointer: at,
                            message: format!("dtsec:end-of-support {value:?} is not a date: write it as YYYY-MM-DD"),
                        });
                    }
                }
                _ => {}
            }
        }
        (level, eos)
    }
}

/// Reads a purl and warns (rule `SBOM-PURL`) when it is invalid or its version differs from
/// the component's.
pub(crate) fn purl_ref(
    text: &str,
    version: Option<&str>,
    ptr: &str,
    warnings: &mut Vec<Violation>,
) -> PurlRef {
    let normalized = match purl::normalize(text) {
        Ok(p) => Some(p),
        Err(e) => {
            warnings.push(Violation {
                rule: "SBOM-PURL".into(),
                pointer: ptr.to_string(),
                message: format!("{e}: the component cannot be matched by purl; correct it"),
            });
            None
        }
    };
    if let (Some(p), Some(v)) = (&normalized, version)
        && let Some(pv) = &p.version
        && pv != v
    {
        warnings.push(Violation {
            rule: "SBOM-PURL-VERSION".into(),
            pointer: ptr.to_string(),
            message: format!("the purl's version {pv:?} differs from the component's version {v:?}: matching uses the purl's; make them agree"),
        });
    }
    PurlRef {
        original: text.to_string(),
        normalized,
    }
}

/// `YYYY-MM-DD` (optionally followed by a time), with a plausible month and day.
pub(crate) fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() < 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let num = |r: std::ops::Range<usize>| s.get(r).and_then(|x| x.parse::<u32>().ok());
    matches!((num(0..4), num(5..7), num(8..10)), (Some(_), Some(m), Some(d)) if (1..=12).contains(&m) && (1..=31).contains(&d))
}
