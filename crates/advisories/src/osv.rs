//! The parts of an OSV record (schema 1.0–1.7) that matching and reporting use, typed. The
//! record is schema-validated before it is read into these, so the types can be strict about
//! shape and silent about fields dtsec does not use.

use serde::{Deserialize, Serialize};

/// One OSV record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OsvRecord {
    /// The advisory id (`GHSA-…`, `PYSEC-…`, `MAL-…`).
    pub id: String,
    /// When the source last changed it.
    #[serde(default)]
    pub modified: String,
    /// Set when the source withdrew it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub withdrawn: Option<String>,
    /// Other ids for the same vulnerability (grouped one hop).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Upstream ids (1.7), used for grouping distribution advisories.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub upstream: Vec<String>,
    /// One-line summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    /// Scores as the source gives them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
    /// What it affects.
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// The schema version the record declares (absent means 1.0.0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schema_version: Option<String>,
}

/// A score (`CVSS_V3`, `CVSS_V4`, `Ubuntu`, …) kept with its type, never recomputed here.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Severity {
    /// The scoring system.
    #[serde(rename = "type")]
    pub kind: String,
    /// The vector or label.
    pub score: String,
}

/// One affected package (or, without a package, one repository by GIT ranges).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Affected {
    /// The package, absent for GIT-only entries.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub package: Option<Package>,
    /// Version ranges.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ranges: Vec<Range>,
    /// Enumerated affected versions (exact strings).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub versions: Vec<String>,
    /// Per-package scores.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub severity: Vec<Severity>,
}

/// A package in an ecosystem.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Package {
    /// `PyPI`, `Go`, `Debian:11`, `Red Hat:rhel_aus:8.6::appstream`, …
    pub ecosystem: String,
    /// The name as the ecosystem writes it.
    pub name: String,
    /// The package's purl, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub purl: Option<String>,
}

/// A range of affected versions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Range {
    /// `SEMVER`, `ECOSYSTEM` or `GIT`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The repository, for `GIT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repo: Option<String>,
    /// The events, in the record's order (sorted at evaluation).
    pub events: Vec<Event>,
}

/// One range event: exactly one key (the schema guarantees it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Event {
    /// The first affected version (`"0"`: before everything).
    Introduced(String),
    /// The first fixed version (exclusive end).
    Fixed(String),
    /// The last affected version (inclusive end).
    LastAffected(String),
    /// An upper limit on the range (`"*"`: none).
    Limit(String),
}
