//! Why an SBOM was refused, as types: the caller (the CLI, later the registry) decides how to
//! show them, and every variant carries the rule, the position and what to do.

use serde::{Deserialize, Serialize};

/// One broken rule in a document: a stable code, where (a JSON pointer, or a line and column
/// when the JSON itself is broken), and a message that says what to do.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    /// The rule's stable code, e.g. `SBOM-SCHEMA` or `SBOM-DEP-REF`.
    pub rule: String,
    /// An RFC 6901 JSON pointer into the document (`""` for the whole document).
    pub pointer: String,
    /// What is wrong and what to do about it.
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "[{}] at {}: {}", self.rule, at, self.message)
    }
}

/// Why a document could not be ingested. Nothing of a refused document is kept.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SbomError {
    /// The file is larger than the configured cap (checked before reading it whole).
    #[error(
        "[SBOM-LIMIT] the SBOM is {size} bytes, over the limit of {limit} bytes: split it or raise the limit"
    )]
    TooLarge {
        /// Its size in bytes.
        size: u64,
        /// The cap in bytes.
        limit: u64,
    },
    /// The bytes are not UTF-8 (JSON SBOMs must be).
    #[error(
        "[SBOM-UTF8] the SBOM is not UTF-8 (invalid byte at offset {offset}): re-export it as UTF-8 JSON"
    )]
    NotUtf8 {
        /// The offset of the first invalid byte.
        offset: usize,
    },
    /// The JSON does not parse, has a duplicate key, or nests too deeply.
    #[error("[{rule}] line {line}, column {column}: {message}")]
    Json {
        /// `SBOM-JSON`, `SBOM-DUPKEY` or `SBOM-LIMIT`.
        rule: &'static str,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// An SPDX 3 (JSON-LD) document: refused, with the reason.
    #[error(
        "[SBOM-SPDX3] SPDX 3 is not supported: export the SBOM as SPDX 2.3 JSON or CycloneDX 1.6 JSON"
    )]
    Spdx3,
    /// Neither CycloneDX nor SPDX, or a version outside the supported ones.
    #[error("[SBOM-FORMAT] at {pointer}: {message}")]
    Format {
        /// Where the format or version is declared (or should be).
        pointer: String,
        /// What was found and what is supported.
        message: String,
    },
    /// The document breaks its schema or a semantic rule; the first violation is the headline.
    #[error("{}", .violations.first().map(ToString::to_string).unwrap_or_default())]
    Invalid {
        /// Every violation found (at most the configured cap), schema ones first.
        violations: Vec<Violation>,
    },
}

impl SbomError {
    /// The stable rule code of the error's headline.
    pub fn rule(&self) -> &str {
        match self {
            SbomError::TooLarge { .. } => "SBOM-LIMIT",
            SbomError::NotUtf8 { .. } => "SBOM-UTF8",
            SbomError::Json { rule, .. } => rule,
            SbomError::Spdx3 => "SBOM-SPDX3",
            SbomError::Format { .. } => "SBOM-FORMAT",
            SbomError::Invalid { violations } => violations
                .first()
                .map_or("SBOM-SCHEMA", |v| v.rule.as_str()),
        }
    }
}
