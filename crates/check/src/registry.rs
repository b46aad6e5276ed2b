//! The table of every rule: stable code, name, default severity, and its documentation.
//!
//! Codes never change meaning once published; a retired rule keeps its row with
//! [`Stability::Deprecated`]. `dtsec explain CODE` prints a row, `docs/rules.md` is generated from
//! this table, and a test fails when either drifts from it.

use crate::diagnostic::Severity;

/// Whether a rule is settled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stability {
    /// Settled: its code and meaning will not change.
    Stable,
    /// New: may still change.
    Preview,
    /// Retired: kept so old codes still explain themselves.
    Deprecated,
}

/// One rule's identity and documentation.
#[derive(Clone, Copy, Debug)]
pub struct RuleInfo {
    /// Stable code, e.g. `DT-DEP-001`.
    pub code: &'static str,
    /// The defect's name, kebab-case, readable as "allow *name*".
    pub name: &'static str,
    /// Default severity.
    pub severity: Severity,
    /// Settled or not.
    pub stability: Stability,
    /// One line: what it checks.
    pub summary: &'static str,
    /// Why it matters.
    pub why: &'static str,
    /// A small YAML example that triggers it.
    pub example: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// Where the rule comes from (CC part and section, CEM work unit).
    pub references: &'static str,
}

/// Looks up a rule by code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static RuleInfo> {
    RULES.iter().find(|r| r.code.eq_ignore_ascii_case(code))
}

/// Every rule, by code.
pub const RULES: &[RuleInfo] = &[];
