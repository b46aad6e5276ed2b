//! The machine-readable format of `dtsec check --format json`: one stable, versioned JSON document.
//!
//! The wire types live here, not on [`Diagnostic`], so the checker's values can change without
//! breaking consumers. Adding a field keeps `version` at 1; removing or changing one bumps it.
//!
//! ```json
//! {
//!   "version": 1,
//!   "files_checked": 2,
//!   "summary": { "errors": 1, "warnings": 0, "notes": 0 },
//!   "diagnostics": [
//!     {
//!       "code": "DT-DEP-001",
//!       "severity": "error",
//!       "message": "FCS_COP.1/Hash depends on FCS_CKM.6, which the ST does not include",
//!       "file": "examples/pump-st.yaml",
//!       "line": 42,
//!       "column": 9,
//!       "end_line": 42,
//!       "end_column": 23,
//!       "offset": 1234,
//!       "length": 14,
//!       "help": "add FCS_CKM.6 ...",
//!       "related": [
//!         { "file": "examples/cdd-pp.yaml", "line": 10, "column": 3, "message": "..." }
//!       ],
//!       "rule_name": "missing-dependency"
//!     }
//!   ]
//! }
//! ```
//!
//! Field meanings:
//! - `severity`: `"error"`, `"warning"` or `"note"`.
//! - `line`, `column`: 1-based; the column counts Unicode characters. `null` when unknown.
//! - `end_line`, `end_column`: where the flagged text ends (the column is exclusive, one past
//!   the last character). Present only when the source text was available
//!   ([`render_json_with_sources`]).
//! - `offset`, `length`: byte range in the file; `offset` is `null` when unknown, `length` is 0
//!   then.
//! - `help`: what to do, or `null`.
//! - `rule_name`: the rule's kebab-case name from the registry, or `null` if the code is not
//!   registered.
//!
//! Diagnostics appear in the order the checker reported them.

use serde::Serialize;

use super::human::SourceLookup;
use super::location::locate;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::registry::rule;

/// Version of the JSON format; bumped on incompatible changes.
pub const JSON_FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    files_checked: usize,
    summary: Summary,
    diagnostics: Vec<WireDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Summary {
    errors: usize,
    warnings: usize,
    notes: usize,
}

#[derive(Serialize)]
struct WireDiagnostic<'a> {
    code: &'a str,
    severity: &'static str,
    message: &'a str,
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<u32>,
    offset: Option<usize>,
    length: usize,
    help: Option<&'a str>,
    related: Vec<WireRelated<'a>>,
    rule_name: Option<&'static str>,
}

#[derive(Serialize)]
struct WireRelated<'a> {
    file: &'a str,
    line: Option<u32>,
    column: Option<u32>,
    message: &'a str,
}

fn known(n: u32) -> Option<u32> {
    (n > 0).then_some(n)
}

fn related(r: &Related) -> WireRelated<'_> {
    WireRelated {
        file: &r.file,
        line: known(r.span.line),
        column: known(r.span.line).and(known(r.span.column)),
        message: &r.message,
    }
}

/// Renders the findings as the JSON document described in this module's docs (pretty-printed,
/// ending with a line break). Without source text, `end_line`/`end_column` are left out.
pub fn render_json(diags: &[Diagnostic], files_checked: usize) -> String {
    render_json_with_sources(diags, &(), files_checked)
}

/// Like [`render_json`], and adds `end_line`/`end_column` for diagnostics whose source is known.
pub fn render_json_with_sources(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    files_checked: usize,
) -> String {
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let report = Report {
        version: JSON_FORMAT_VERSION,
        files_checked,
        summary: Summary {
            errors: count(Severity::Error),
            warnings: count(Severity::Warning),
            notes: count(Severity::Note),
        },
        diagnostics: diags
            .iter()
            .map(|d| {
                let loc = locate(&d.span, sources.source(&d.file));
                WireDiagnostic {
                    code: d.code,
                    severity: d.severity.label(),
                    message: &d.message,
                    file: &d.file,
                    line: known(d.span.line),
                    column: known(d.span.line).and(known(d.span.column)),
                    end_line: loc.as_ref().map(|l| l.end_line),
                    end_column: loc.as_ref().map(|l| l.end_column),
                    offset: d.span.offset,
                    length: if d.span.offset.is_some() {
                        d.span.len
                    } else {
                        0
                    },
                    help: d.help.as_deref(),
                    related: d.related.iter().map(related).collect(),
                    rule_name: rule(d.code).map(|r| r.name),
                }
            })
            .collect(),
    };
    let mut out = serde_json::to_string_pretty(&report)
        .expect("plain structs with string keys always serialize");
    out.push('\n');
    out
}
