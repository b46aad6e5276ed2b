//! A coverage report and its three renderings: text for people, JSON for tools, CSV for
//! spreadsheets (the form auditors and GRC tools import).
//!
//! Why here and not in the CLI: the server's device page and `dtsec render` will show the same
//! report, so its shape is the library's; the CLI only prints it.

use serde_json::{Value, json};

use crate::coverage::{CoveragePath, ItemCoverage, Status};
use crate::evidence::{Evidence, EvidenceStatus, LabResults};
use crate::framework::Framework;

/// Version of the JSON shape; raised on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// Coverage for one scope: a PP role, or an ST as a whole.
#[derive(Clone, Debug)]
pub struct ScopeCoverage {
    /// The role, for a PP with roles; `None` for an ST.
    pub role: Option<String>,
    /// The TOE type, for a PP without roles (CDD 1.0); `None` otherwise.
    pub toe_type: Option<String>,
    /// Every active framework item.
    pub items: Vec<ItemCoverage>,
}

impl ScopeCoverage {
    /// Items that no path reaches (through the TOE or the environment).
    pub fn gaps(&self) -> impl Iterator<Item = &ItemCoverage> {
        self.items.iter().filter(|i| i.status == Status::NotCovered)
    }
}

/// A whole report: what was mapped, against what, and the coverage per scope.
#[derive(Clone, Debug)]
pub struct CoverageReport {
    /// The ST's or PP's id and version, e.g. `acme-nimbus-pump-st 2.0` or `cdd 2.0`.
    pub target: String,
    /// `security-target` or `protection-profile`.
    pub target_kind: &'static str,
    /// The PP the mapping is from (`cdd 2.0`).
    pub pp: String,
    /// The framework's id.
    pub framework_id: String,
    /// The framework's version.
    pub framework_version: String,
    /// The framework's title.
    pub framework_title: String,
    /// The mapping's id.
    pub mapping: String,
    /// Edges awaiting review (the report is a draft while any is).
    pub unreviewed_edges: usize,
    /// Coverage per scope.
    pub scopes: Vec<ScopeCoverage>,
    /// The evidence status of the mapped SFRs, when a verified sealed ETR was joined in
    /// ([`CoverageReport::with_lab_results`]); `None` means no claim was checked by a lab.
    pub evidence: Option<Evidence>,
}

impl CoverageReport {
    /// Fills the framework fields from a catalogue.
    pub fn framework_fields(fw: &Framework) -> (String, String, String) {
        (fw.id.clone(), fw.version.clone(), fw.title.clone())
    }

    /// Joins a verified ETR's verdicts: every SFR a path goes through gets its evidence status.
    pub fn with_lab_results(mut self, lab: &LabResults) -> CoverageReport {
        let sfrs = self
            .scopes
            .iter()
            .flat_map(|s| &s.items)
            .flat_map(|i| &i.paths)
            .filter_map(|p| p.sfr.as_deref())
            .map(|sfr| (sfr.to_string(), lab.status(sfr)))
            .collect();
        self.evidence = Some(Evidence {
            lab: lab.lab.clone(),
            sealed_at: lab.sealed_at.clone(),
            sfrs,
        });
        self
    }

    /// A path's evidence status: `None` without a joined ETR or for a path through the
    /// environment.
    pub fn path_evidence(&self, path: &CoveragePath) -> Option<EvidenceStatus> {
        let evidence = self.evidence.as_ref()?;
        let sfr = path.sfr.as_deref()?;
        Some(
            evidence
                .sfrs
                .get(sfr)
                .copied()
                .unwrap_or(EvidenceStatus::Asserted),
        )
    }

    /// An item's evidence status: the best over its paths through the TOE (one lab-verified
    /// SFR reaching it is enough); `None` without a joined ETR or when no TOE path reaches it.
    pub fn item_evidence(&self, item: &ItemCoverage) -> Option<EvidenceStatus> {
        item.paths
            .iter()
            .filter(|p| p.status == Status::Covered)
            .filter_map(|p| self.path_evidence(p))
            .max()
    }

    /// Plain text, one block per scope; paths as `a → b → c`.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} ({}) against {} {} via mapping {}\n",
            self.target, self.target_kind, self.framework_id, self.framework_version, self.mapping
        );
        if let Some(e) = &self.evidence {
            let verified = e
                .sfrs
                .values()
                .filter(|s| **s == EvidenceStatus::LabVerified)
                .count();
            out.push_str(&format!(
                "evidence: ETR sealed by {} at {}; {verified} of {} mapped SFR(s) verified by an approved lab, the rest asserted by the manufacturer\n",
                e.lab,
                e.sealed_at,
                e.sfrs.len()
            ));
        }
        if self.unreviewed_edges > 0 {
            out.push_str(&format!(
                "note: {} edge(s) await review; this coverage is a draft\n",
                self.unreviewed_edges
            ));
        }
        for scope in &self.scopes {
            let covered = scope
                .items
                .iter()
                .filter(|i| i.status == Status::Covered)
                .count();
            out.push_str(&format!(
                "\n{}: {covered} of {} items covered by the TOE\n",
                scope
                    .role
                    .as_deref()
                    .map(|r| format!("role {r}"))
                    .or_else(|| scope.toe_type.as_deref().map(|t| format!("TOE type {t}")))
                    .unwrap_or_else(|| "ST".to_string()),
                scope.items.len()
            ));
            for item in &scope.items {
                let evidence = self
                    .item_evidence(item)
                    .map(|e| format!(" [{}]", e.description()))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "  {:<12} {:<12} {}{evidence}\n",
                    item.id,
                    item.status.label(),
                    item.title
                ));
                for p in &item.paths {
                    let evidence = match (self.path_evidence(p), &p.sfr) {
                        (Some(e), Some(sfr)) => format!(" [{sfr}: {}]", e.description()),
                        _ => String::new(),
                    };
                    out.push_str(&format!(
                        "      {} ({}{}){evidence}\n",
                        p.steps.join(" → "),
                        p.relation,
                        if p.reviewed { "" } else { ", needs review" }
                    ));
                }
            }
        }
        out
    }

    /// The JSON document (see `docs/regulatory.md`).
    pub fn to_json(&self) -> String {
        let scopes: Vec<Value> = self
            .scopes
            .iter()
            .map(|s| {
                json!({
                    "role": s.role,
                    "toe_type": s.toe_type,
                    "covered": s.items.iter().filter(|i| i.status == Status::Covered).count(),
                    "environment": s.items.iter().filter(|i| i.status == Status::Environment).count(),
                    "not_covered": s.gaps().count(),
                    "lab_verified": self.evidence.as_ref().map(|_| s.items.iter().filter(|i| self.item_evidence(i) == Some(EvidenceStatus::LabVerified)).count()),
                    "items": s.items.iter().map(|i| json!({
                        "id": i.id,
                        "kind": i.kind,
                        "title": i.title,
                        "status": i.status.label(),
                        "evidence": self.item_evidence(i).map(EvidenceStatus::label),
                        "paths": i.paths.iter().map(|p| json!({
                            "steps": p.steps,
                            "relation": p.relation,
                            "reviewed": p.reviewed,
                            "via": p.status.label(),
                            "sfr": p.sfr,
                            "evidence": self.path_evidence(p).map(EvidenceStatus::label),
                        })).collect::<Vec<_>>(),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let doc = json!({
            "format_version": JSON_FORMAT_VERSION,
            "ok": true,
            "target": self.target,
            "target_kind": self.target_kind,
            "pp": self.pp,
            "framework": {"id": self.framework_id, "version": self.framework_version, "title": self.framework_title},
            "mapping": self.mapping,
            "unreviewed_edges": self.unreviewed_edges,
            "evidence": self.evidence.as_ref().map(|e| json!({
                "lab": e.lab,
                "sealed_at": e.sealed_at,
                "sfrs": e.sfrs.iter().map(|(id, s)| json!({
                    "id": id,
                    "status": s.label(),
                    "description": s.description(),
                })).collect::<Vec<_>>(),
            })),
            "scopes": scopes,
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }

    /// CSV (RFC 4180): one row per item and path; an uncovered item has one row without a path.
    /// With a joined ETR two columns follow: the path's SFR and its evidence status.
    pub fn to_csv(&self) -> String {
        let with_evidence = self.evidence.is_some();
        let mut out = String::from("scope,item,kind,status,title,path,relation,reviewed");
        out.push_str(if with_evidence {
            ",sfr,evidence\n"
        } else {
            "\n"
        });
        for scope in &self.scopes {
            let name = scope
                .role
                .as_deref()
                .or(scope.toe_type.as_deref())
                .unwrap_or("st");
            for item in &scope.items {
                let row = |path: &str, rel: &str, reviewed: &str, p: Option<&CoveragePath>| {
                    let mut fields = vec![
                        name,
                        &item.id,
                        &item.kind,
                        item.status.label(),
                        &item.title,
                        path,
                        rel,
                        reviewed,
                    ];
                    if with_evidence {
                        fields.push(p.and_then(|p| p.sfr.as_deref()).unwrap_or(""));
                        fields.push(
                            p.and_then(|p| self.path_evidence(p))
                                .map_or("", EvidenceStatus::label),
                        );
                    }
                    fields
                        .iter()
                        .map(|f| csv_field(f))
                        .collect::<Vec<_>>()
                        .join(",")
                };
                if item.paths.is_empty() {
                    out.push_str(&row("", "", "", None));
                    out.push('\n');
                }
                for p in &item.paths {
                    out.push_str(&row(
                        &p.steps.join(" > "),
                        p.relation,
                        if p.reviewed { "yes" } else { "no" },
                        Some(p),
                    ));
                    out.push('\n');
                }
            }
        }
        out
    }
}

/// Quotes a field when it holds a comma, quote or line break; a leading `=`, `+`, `-` or `@`
/// is prefixed with `'` so a spreadsheet does not run it as a formula.
fn csv_field(f: &str) -> String {
    let f = if f.starts_with(['=', '+', '-', '@']) {
        format!("'{f}")
    } else {
        f.to_string()
    };
    if f.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}
