//! SARIF 2.1.0 output, so findings show up in GitHub code scanning and other SARIF viewers.
//!
//! One run, tool `dtsec`. The rules array holds one `reportingDescriptor` per code that occurs in
//! the results (in order of first occurrence), documented from the registry when the code is
//! registered. Every result has a location, as GitHub requires: a finding without a known position
//! points at line 1, column 1 of its file. Columns count Unicode code points
//! (`columnKind: unicodeCodePoints`), matching [`Span`]. Relative paths are
//! given relative to `%SRCROOT%`. Each result carries a `partialFingerprints` entry (FNV-1a of
//! code, file and message) so re-uploads of the same finding are recognised as the same alert even
//! when lines shift.

use std::collections::HashMap;
use std::fmt::Write as _;

use dtsec_model::{SourceFile, Span};
use serde_json::{Map, Value, json};

use super::human::SourceLookup;
use super::location::locate;
use crate::diagnostic::{Diagnostic, Severity};
use crate::registry::{Stability, rule};

/// The `$schema` written into every log.
pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// Key under `partialFingerprints` holding [`fingerprint`].
pub const FINGERPRINT_KEY: &str = "dtsecFingerprint/v1";

/// Where users learn about the tool: the package's repository.
pub const INFORMATION_URI: &str = if env!("CARGO_PKG_REPOSITORY").is_empty() {
    "https://example.invalid/dtsec"
} else {
    env!("CARGO_PKG_REPOSITORY")
};

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// 64-bit FNV-1a of `bytes`.
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

/// A stable identity for a finding that does not depend on its line: FNV-1a of code, file and
/// message (NUL-separated), as 16 lower-case hex digits.
pub fn fingerprint(diag: &Diagnostic) -> String {
    let key = format!("{}\0{}\0{}", diag.code, diag.file, diag.message);
    format!("{:016x}", fnv1a64(key.as_bytes()))
}

/// Renders the findings as a SARIF 2.1.0 log (pretty-printed, ending with a line break).
pub fn render_sarif(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    tool_version: &str,
) -> String {
    let mut rule_index: HashMap<&str, usize> = HashMap::new();
    let mut rules: Vec<Value> = Vec::new();
    for d in diags {
        rule_index.entry(d.code).or_insert_with(|| {
            rules.push(descriptor(d.code));
            rules.len() - 1
        });
    }

    let results: Vec<Value> = diags
        .iter()
        .map(|d| result(d, rule_index[d.code], sources))
        .collect();

    // An input that could not be read means the run did not do its job: SARIF says so with a
    // tool execution notification and `executionSuccessful: false` (SARIF 2.1.0, 3.20.14 and
    // 3.20.21), besides the result a code-scanning view shows.
    let notifications: Vec<Value> = diags
        .iter()
        .filter(|d| d.code == super::UNREADABLE_INPUT)
        .map(|d| {
            let mut physical = Map::new();
            physical.insert("artifactLocation".into(), artifact_location(&d.file));
            if let Some(r) = region(&d.span, None) {
                physical.insert("region".into(), r);
            }
            json!({
                "level": "error",
                "message": text(&d.message),
                "descriptor": { "id": d.code },
                "locations": [{ "physicalLocation": physical }],
            })
        })
        .collect();
    let invocation = json!({
        "executionSuccessful": notifications.is_empty(),
        "toolExecutionNotifications": notifications,
    });

    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "invocations": [invocation],
            "tool": {
                "driver": {
                    "name": "dtsec",
                    "version": tool_version,
                    "informationUri": INFORMATION_URI,
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }]
    });
    let mut out = serde_json::to_string_pretty(&log).expect("serde_json values always serialize");
    out.push('\n');
    out
}

fn text(s: &str) -> Value {
    json!({ "text": s })
}

/// The rule's description, from the registry when the code is registered.
fn descriptor(code: &str) -> Value {
    let mut d = Map::new();
    d.insert("id".into(), code.into());
    let mut tags = vec![Value::from("security"), Value::from("common-criteria")];
    if let Some(category) = code.split('-').nth(1).filter(|c| !c.is_empty()) {
        tags.push(category.to_ascii_lowercase().into());
    }
    if let Some(info) = rule(code) {
        if !info.name.is_empty() {
            d.insert("name".into(), info.name.into());
        }
        for (key, value) in [
            ("shortDescription", info.summary),
            ("fullDescription", info.why),
            ("help", info.fix),
        ] {
            if !value.trim().is_empty() {
                d.insert(key.into(), text(value));
            }
        }
        d.insert(
            "defaultConfiguration".into(),
            json!({ "level": level(info.severity) }),
        );
        match info.stability {
            Stability::Stable => {}
            Stability::Preview => tags.push("preview".into()),
            Stability::Deprecated => tags.push("deprecated".into()),
        }
    }
    d.insert("properties".into(), json!({ "tags": tags }));
    Value::Object(d)
}

fn result(d: &Diagnostic, rule_index: usize, sources: &dyn SourceLookup) -> Value {
    let message = match &d.help {
        Some(help) => format!("{}\n\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    let source = sources.source(&d.file);
    let primary_region =
        region(&d.span, source).unwrap_or_else(|| json!({ "startLine": 1, "startColumn": 1 }));
    let related: Vec<Value> = d
        .related
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let mut physical = Map::new();
            physical.insert("artifactLocation".into(), artifact_location(&r.file));
            if let Some(rel_region) = region(&r.span, sources.source(&r.file)) {
                physical.insert("region".into(), rel_region);
            }
            json!({
                "id": i,
                "physicalLocation": physical,
                "message": text(&r.message),
            })
        })
        .collect();

    let mut res = json!({
        "ruleId": d.code,
        "ruleIndex": rule_index,
        "level": level(d.severity),
        "message": text(&message),
        "locations": [{
            "physicalLocation": {
                "artifactLocation": artifact_location(&d.file),
                "region": primary_region,
            }
        }],
        "partialFingerprints": { FINGERPRINT_KEY: fingerprint(d) },
    });
    if !related.is_empty() {
        res["relatedLocations"] = Value::Array(related);
    }
    res
}

/// The region of a known span: start, exclusive end and the line's text when the source is
/// available, just the start otherwise. `None` for unknown spans.
fn region(span: &Span, source: Option<&SourceFile>) -> Option<Value> {
    if !span.is_known() {
        return None;
    }
    let mut r = Map::new();
    match locate(span, source) {
        Some(loc) => {
            r.insert("startLine".into(), loc.line.into());
            r.insert("startColumn".into(), loc.column.into());
            if loc.end_line != loc.line {
                r.insert("endLine".into(), loc.end_line.into());
            }
            r.insert("endColumn".into(), loc.end_column.into());
            r.insert("snippet".into(), text(loc.line_text));
        }
        None => {
            r.insert("startLine".into(), span.line.into());
            if span.column > 0 {
                r.insert("startColumn".into(), span.column.into());
            }
        }
    }
    Some(Value::Object(r))
}

/// `artifactLocation` for a source name: relative paths against `%SRCROOT%` with forward slashes,
/// absolute paths as `file://` URIs, names that already have a scheme (`builtin:cdd.yaml`) as is.
fn artifact_location(file: &str) -> Value {
    let path = file.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if drive {
        return json!({ "uri": format!("file:///{}", encode(&path)) });
    }
    if path.starts_with('/') {
        return json!({ "uri": format!("file://{}", encode(&path)) });
    }
    if has_scheme(&path) {
        return json!({ "uri": encode(&path) });
    }
    let mut rel = path.as_str();
    while let Some(rest) = rel.strip_prefix("./") {
        rel = rest;
    }
    let rel = if rel.is_empty() { "unknown" } else { rel };
    json!({ "uri": encode(rel), "uriBaseId": "%SRCROOT%" })
}

/// True for `scheme:rest` with a scheme of two or more characters (one would be a drive letter).
fn has_scheme(s: &str) -> bool {
    let Some((scheme, _)) = s.split_once(':') else {
        return false;
    };
    scheme.len() >= 2
        && scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Percent-encodes everything but unreserved characters, sub-delimiters, `/`, `:` and `@`.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in s.as_bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(b"foobar"), 0x8594_4171_f739_67e8);
    }

    #[test]
    fn uris() {
        assert_eq!(
            artifact_location("examples\\pump st.yaml"),
            json!({ "uri": "examples/pump%20st.yaml", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("./a/b.yaml"),
            json!({ "uri": "a/b.yaml", "uriBaseId": "%SRCROOT%" })
        );
        assert_eq!(
            artifact_location("/abs/x.yaml"),
            json!({ "uri": "file:///abs/x.yaml" })
        );
        assert_eq!(
            artifact_location("C:\\x\\y.yaml"),
            json!({ "uri": "file:///C:/x/y.yaml" })
        );
        assert_eq!(
            artifact_location("builtin:cdd.yaml"),
            json!({ "uri": "builtin:cdd.yaml" })
        );
    }
}
