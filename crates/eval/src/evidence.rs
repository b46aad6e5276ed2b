//! Evidence: files stored by content (SHA-256) in the workspace, and their manifest.
//!
//! Why content-addressed: a verdict cites evidence by digest, so what the evaluator looked at
//! is pinned byte for byte. The store (`evidence/sha256/HEX`) never holds two copies of the same
//! bytes, an entry can never be silently replaced, and a changed or missing file is found by
//! re-hashing (`dtsec eval evidence check`, `dtsec verify --evidence`).

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::{self, Lock};
use crate::{EvalError, Workspace};

/// Largest evidence file accepted (firmware images and captures fit easily).
pub const MAX_EVIDENCE_BYTES: u64 = 2 * 1024 * 1024 * 1024;

/// What a piece of evidence is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EvidenceKind {
    /// Design documentation (ADV).
    Design,
    /// Guidance (AGD).
    Guidance,
    /// Test plans, logs, captures.
    TestReport,
    /// Source code.
    Source,
    /// A binary (firmware image, app build).
    Binary,
    /// Anything else.
    Other,
}

impl EvidenceKind {
    /// Parses the CLI name (`design`, `test-report`, …).
    pub fn parse(s: &str) -> Option<EvidenceKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "design" => EvidenceKind::Design,
            "guidance" => EvidenceKind::Guidance,
            "test-report" => EvidenceKind::TestReport,
            "source" => EvidenceKind::Source,
            "binary" => EvidenceKind::Binary,
            "other" => EvidenceKind::Other,
            _ => return None,
        })
    }

    /// The CLI name.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Design => "design",
            EvidenceKind::Guidance => "guidance",
            EvidenceKind::TestReport => "test-report",
            EvidenceKind::Source => "source",
            EvidenceKind::Binary => "binary",
            EvidenceKind::Other => "other",
        }
    }
}

/// One entry of `evidence.json`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceItem {
    /// The file's name when it was added.
    pub name: String,
    /// What it is.
    pub kind: EvidenceKind,
    /// Size in bytes.
    pub size: u64,
    /// `sha256:HEX`.
    pub digest: String,
    /// Who added it.
    pub added_by: String,
    /// When.
    pub added_at: String,
}

impl EvidenceItem {
    /// The hex part of the digest.
    pub fn hex(&self) -> &str {
        self.digest.strip_prefix("sha256:").unwrap_or(&self.digest)
    }
}

/// `evidence.json`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EvidenceManifest {
    /// Entries sorted by name, then digest.
    pub items: Vec<EvidenceItem>,
}

impl EvidenceManifest {
    /// Resolves a digest given as `sha256:HEX`, `HEX`, or a unique prefix of at least 8 hex
    /// digits, to the full `sha256:HEX`.
    pub fn resolve(&self, given: &str) -> Result<String, EvalError> {
        let g = given.trim();
        let hex = g.strip_prefix("sha256:").unwrap_or(g).to_ascii_lowercase();
        let unknown = |reason: String| EvalError::UnknownEvidence {
            digest: given.to_string(),
            reason,
        };
        if hex.len() < 8 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(unknown(
                "is not a SHA-256 digest (give sha256:HEX or at least 8 hex digits)".into(),
            ));
        }
        let mut found: Vec<&str> = self
            .items
            .iter()
            .filter(|i| i.hex().starts_with(&hex))
            .map(|i| i.digest.as_str())
            .collect();
        found.sort();
        found.dedup();
        match found.as_slice() {
            [one] => Ok((*one).to_string()),
            [] => Err(unknown("is not in the evidence manifest".into())),
            many => Err(unknown(format!(
                "is ambiguous: it matches {}",
                many.join(", ")
            ))),
        }
    }

    /// Whether a full digest is in the manifest.
    pub fn contains(&self, digest: &str) -> bool {
        self.items.iter().any(|i| i.digest == digest)
    }
}

/// A problem found when re-hashing stored evidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceProblem {
    /// The digest in the manifest.
    pub digest: String,
    /// The name in the manifest.
    pub name: String,
    /// `missing` or `changed (now sha256:…)`.
    pub problem: String,
}

impl std::fmt::Display for EvidenceProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "evidence {} ({}) {}",
            self.digest, self.name, self.problem
        )
    }
}

/// Where the stored copy of a digest lives under a store root (`…/evidence`).
pub fn store_path(evidence_dir: &Path, digest: &str) -> PathBuf {
    let hex = digest.strip_prefix("sha256:").unwrap_or(digest);
    evidence_dir.join("sha256").join(hex)
}

/// Re-hashes every manifest entry against the files found by `locate` and lists the problems.
pub fn check_items(
    items: &[EvidenceItem],
    locate: impl Fn(&EvidenceItem) -> Vec<PathBuf>,
) -> Vec<EvidenceProblem> {
    let mut out = Vec::new();
    for item in items {
        let candidates = locate(item);
        let Some(path) = candidates.iter().find(|p| p.is_file()) else {
            out.push(EvidenceProblem {
                digest: item.digest.clone(),
                name: item.name.clone(),
                problem: "missing".into(),
            });
            continue;
        };
        match store::read_bytes(path) {
            Ok(bytes) => {
                let now = format!("sha256:{}", dtsec_seal::sha256_hex(&bytes));
                if now != item.digest {
                    out.push(EvidenceProblem {
                        digest: item.digest.clone(),
                        name: item.name.clone(),
                        problem: format!("changed ({} is now {now})", path.display()),
                    });
                }
            }
            Err(e) => out.push(EvidenceProblem {
                digest: item.digest.clone(),
                name: item.name.clone(),
                problem: format!("unreadable: {e}"),
            }),
        }
    }
    out
}

impl Workspace {
    /// Stores `file` as evidence and adds it to the manifest. Returns the entry and whether it
    /// was new (the same bytes under the same name are stored once).
    pub fn add_evidence(
        &self,
        file: &Path,
        kind: EvidenceKind,
        by: &str,
    ) -> Result<(EvidenceItem, bool), EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let eval = self.evaluation()?;
        let by = eval.evaluator(by)?;
        let mut manifest = self.evidence()?;
        let meta = std::fs::metadata(file).map_err(EvalError::io(file))?;
        if !meta.is_file() {
            return Err(EvalError::Invalid(format!(
                "{} is not a regular file",
                file.display()
            )));
        }
        if meta.len() > MAX_EVIDENCE_BYTES {
            return Err(EvalError::Invalid(format!(
                "{} is {} bytes, over the {MAX_EVIDENCE_BYTES}-byte limit for one evidence file",
                file.display(),
                meta.len()
            )));
        }
        let bytes = std::fs::read(file).map_err(EvalError::io(file))?;
        let hex = dtsec_seal::sha256_hex(&bytes);
        let digest = format!("sha256:{hex}");
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| hex.clone());
        if let Some(existing) = manifest
            .items
            .iter()
            .find(|i| i.digest == digest && i.name == name)
        {
            return Ok((existing.clone(), false));
        }
        let dir = self.root().join("evidence").join("sha256");
        std::fs::create_dir_all(&dir).map_err(EvalError::io(&dir))?;
        let stored = dir.join(&hex);
        let already = store::read_bytes(&stored)
            .map(|b| dtsec_seal::sha256_hex(&b) == hex)
            .unwrap_or(false);
        if !already {
            store::atomic_write(&stored, &bytes)?;
        }
        let item = EvidenceItem {
            name,
            kind,
            size: bytes.len() as u64,
            digest,
            added_by: by,
            added_at: self.now(),
        };
        manifest.items.push(item.clone());
        manifest
            .items
            .sort_by(|a, b| (&a.name, &a.digest).cmp(&(&b.name, &b.digest)));
        store::write_json(&self.root().join("evidence.json"), &manifest)?;
        Ok((item, true))
    }

    /// Re-hashes the stored evidence and lists missing or changed entries.
    pub fn check_evidence(&self) -> Result<Vec<EvidenceProblem>, EvalError> {
        let manifest = self.evidence()?;
        let dir = self.root().join("evidence");
        Ok(check_items(&manifest.items, |i| {
            vec![store_path(&dir, &i.digest)]
        }))
    }
}
