//! CVSS v4.0 scoring through the RustSec `cvss` crate (macro-vectors, the FIRST lookup table
//! and the severity-distance interpolation), after our own strict tokeniser has checked the
//! vector. The crate is right on every reference vector we test (see the crate's tests); what
//! it does not give — the base-only score beside the full one, the Safety flags, `E:A` — is here.

use std::str::FromStr as _;

use super::tokens::{CvssError, Parsed};
use super::{Scores, Severity, tenths};

fn crate_score(text: &str) -> Result<(f64, String), CvssError> {
    let v = cvss::v4::Vector::from_str(text).map_err(|e| CvssError::Malformed {
        position: 0,
        part: format!("{text}: {e}"),
    })?;
    let s = v.score();
    Ok((s.value(), v.nomenclature().to_string()))
}

pub(super) fn score(p: &Parsed) -> Result<Scores, CvssError> {
    let (overall, nomenclature) = crate_score(&p.text)?;
    // The base-only vector. The tokeniser has checked that all eleven base metrics are present
    // and that the order is the specification's, so they are the first eleven.
    let base_text = format!(
        "CVSS:4.0/{}",
        p.metrics
            .iter()
            .take(11)
            .map(|(n, v)| format!("{n}:{v}"))
            .collect::<Vec<_>>()
            .join("/")
    );
    let (base, _) = crate_score(&base_text)?;
    let has_te = p
        .metrics
        .iter()
        .any(|(n, v)| v != "X" && (matches!(*n, "E" | "CR" | "IR" | "AR") || n.starts_with('M')));
    let mut safety = Vec::new();
    for (name, value) in [("S", "P"), ("MSI", "S"), ("MSA", "S")] {
        if p.get(name) == value {
            safety.push(format!("{name}:{value}"));
        }
    }
    Ok(Scores {
        version: p.version,
        vector: p.text.clone(),
        base: tenths(base),
        temporal: None,
        environmental: has_te.then_some(tenths(overall)),
        overall: tenths(overall),
        severity: Severity::of(overall),
        nomenclature: Some(nomenclature),
        safety,
        exploit_attacked: p.get("E") == "A",
    })
}
