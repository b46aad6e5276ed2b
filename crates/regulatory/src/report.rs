//! A coverage report and its three renderings: text for people, JSON for tools, CSV for
//! spreadsheets (the form auditors and GRC tools import).
//!
//! Why here and not in the CLI: the server's device page and `dtsec render` will show the same
//! report, so its shape is the library's; the CLI only prints it.

use serde_json::{Value, json};

use crate::coverage::{ItemCoverage, Status};
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
}

impl CoverageReport {
    /// Fills the framework fields from a catalogue.
    pub fn framework_fields(fw: &Framework) -> (String, String, String) {
        (fw.id.clone(), fw.version.clone(), fw.title.clone())
    }

    /// Plain text, one block per scope; paths as `a → b → c`.
    pub fn to_text(&self) -> String {
        let mut out = format!(
            "{} ({}) against {} {} via mapping {}\n",
            self.target, self.target_kind, self.framework_id, self.framework_version, self.mapping
        );
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
                out.push_str(&format!(
                    "  {:<12} {:<12} {}\n",
                    item.id,
                    item.status.label(),
                    item.title
                ));
                for p in &item.paths {
                    out.push_str(&format!(
                        "      {} ({}{})\n",
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
                    "items": s.items.iter().map(|i| json!({
                        "id": i.id,
                        "kind": i.kind,
                        "title": i.title,
                        "status": i.status.label(),
                        "paths": i.paths.iter().map(|p| json!({
                            "steps": p.steps,
                            "relation": p.relation,
                            "reviewed": p.reviewed,
                            "via": p.status.label(),
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
            "scopes": scopes,
        });
        let mut s = serde_json::to_string_pretty(&doc).unwrap_or_default();
        s.push('\n');
        s
    }

    /// CSV (RFC 4180): one row per item and path; an uncovered item has one row without a path.
    pub fn to_csv(&self) -> String {
        let mut out = String::from("scope,item,kind,status,title,path,relation,reviewed\n");
        for scope in &self.scopes {
            let name = scope
                .role
                .as_deref()
                .or(scope.toe_type.as_deref())
                .unwrap_or("st");
            for item in &scope.items {
                let row = |path: &str, rel: &str, reviewed: &str| {
                    [
                        name,
                        &item.id,
                        &item.kind,
                        item.status.label(),
                        &item.title,
                        path,
                        rel,
                        reviewed,
                    ]
                    .iter()
                    .map(|f| csv_field(f))
                    .collect::<Vec<_>>()
                    .join(",")
                };
                if item.paths.is_empty() {
                    out.push_str(&row("", "", ""));
                    out.push('\n');
                }
                for p in &item.paths {
                    out.push_str(&row(
                        &p.steps.join(" > "),
                        p.relation,
                        if p.reviewed { "yes" } else { "no" },
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
