//! Verdict records: the append-only history of what each evaluator concluded about each unit.
//!
//! Why append-only: an ETR must show who decided what, when, on which evidence, and what a
//! later verdict replaced. `records.jsonl` holds one JSON record per line; a new verdict for a
//! unit is a new line whose `replaces` names the previous record of that unit, so the latest
//! record per unit is the head of its chain and nothing is ever rewritten or lost.

use serde::{Deserialize, Serialize};

/// The verdict of a work unit (CEM: pass, fail or inconclusive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// The work unit's requirements are met.
    Pass,
    /// They are not met (must cite an observation report).
    Fail,
    /// Not yet decidable (or not yet done).
    Inconclusive,
}

impl Verdict {
    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Pass => "pass",
            Verdict::Fail => "fail",
            Verdict::Inconclusive => "inconclusive",
        }
    }

    /// Parses `pass`, `fail` or `inconclusive` (any case).
    pub fn parse(s: &str) -> Option<Verdict> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" => Some(Verdict::Pass),
            "fail" => Some(Verdict::Fail),
            "inconclusive" => Some(Verdict::Inconclusive),
            _ => None,
        }
    }
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One verdict record (one line of `records.jsonl`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// 1-based position in the file; records are cited by it ("record 12").
    pub seq: u64,
    /// The work unit or activity id, as in the plan.
    pub unit: String,
    /// The verdict.
    pub verdict: Verdict,
    /// The evaluator who recorded it.
    pub by: String,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Evidence cited, as `sha256:HEX`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Observation reports cited (`OR-1`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub observations: Vec<String>,
    /// The evaluator's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The record of the same unit this one replaces (`seq`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replaces: Option<u64>,
}

/// Parses `records.jsonl` text; blank lines are skipped. An error gives the 1-based line.
pub fn parse_jsonl(text: &str) -> Result<Vec<Record>, (usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let r: Record = serde_json::from_str(line)
            .map_err(|e| (i + 1, crate::store::describe_json_error(&e)))?;
        out.push(r);
    }
    if !text.is_empty() && !text.ends_with('\n') {
        return Err((
            text.lines().count(),
            "the last line has no newline (the file looks truncated)".to_string(),
        ));
    }
    Ok(out)
}

/// One record as its `records.jsonl` line (compact JSON plus newline).
pub fn to_jsonl_line(r: &Record) -> String {
    let mut s = serde_json::to_string(r).unwrap_or_default();
    s.push('\n');
    s
}

/// The latest record of each unit: the last one in file order (the head of its chain).
pub fn latest(records: &[Record]) -> std::collections::BTreeMap<&str, &Record> {
    let mut m = std::collections::BTreeMap::new();
    for r in records {
        m.insert(r.unit.as_str(), r);
    }
    m
}

/// Problems with the history itself: sequence numbers out of order, broken `replaces` chains.
pub fn history_problems(records: &[Record]) -> Vec<String> {
    let mut out = Vec::new();
    let mut last: std::collections::BTreeMap<&str, u64> = std::collections::BTreeMap::new();
    for (i, r) in records.iter().enumerate() {
        let expect = i as u64 + 1;
        if r.seq != expect {
            out.push(format!(
                "record {} ({}) is at position {expect}: records were removed or reordered",
                r.seq, r.unit
            ));
        }
        let prev = last.get(r.unit.as_str()).copied();
        if r.replaces != prev {
            out.push(format!(
                "record {} ({}) says it replaces {} but the previous record of that unit is {}",
                r.seq,
                r.unit,
                r.replaces
                    .map_or("nothing".into(), |n| format!("record {n}")),
                prev.map_or("none".into(), |n| format!("record {n}")),
            ));
        }
        last.insert(&r.unit, r.seq);
    }
    out
}
