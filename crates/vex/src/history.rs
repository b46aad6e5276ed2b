//! Append-only history: each entry names the hash of the one it replaces, and its own hash is
//! SHA-256 over the RFC 8785 canonical JSON of its body, so a registry can log the hash of the
//! exact assessment a certificate decision rests on, and anyone can check the chain.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

use crate::assessment::{Assessment, ScoreSource};
use crate::error::VexError;

/// Most entries one history may hold (a statement revised daily for years stays far below).
pub const MAX_ENTRIES: usize = 4096;

/// One recorded version of an assessment.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The assessment as recorded.
    pub assessment: Assessment,
    /// The hash of the entry this one replaces (`None` for the first).
    pub replaces: Option<String>,
    /// When it was recorded (UTC).
    pub recorded_at: Timestamp,
    /// `sha256:` + hex of the canonical JSON of the three fields above.
    pub hash: String,
}

/// The hash of an entry's body.
pub fn entry_hash(
    assessment: &Assessment,
    replaces: Option<&str>,
    recorded_at: Timestamp,
) -> String {
    let body = serde_json::json!({
        "assessment": assessment,
        "replaces": replaces,
        "recorded_at": recorded_at,
    });
    let digest = Sha256::digest(dtsec_seal::canonical_json(&body));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The content hash of an assessment alone (what a VEX document or a log entry can cite when no
/// history is at hand).
pub fn assessment_hash(assessment: &Assessment) -> String {
    let value = serde_json::to_value(assessment).unwrap_or(serde_json::Value::Null);
    let digest = Sha256::digest(dtsec_seal::canonical_json(&value));
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("sha256:{hex}")
}

/// The history of one assessment id, oldest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct History {
    /// The entries.
    pub entries: Vec<Entry>,
}

impl History {
    /// The current version.
    pub fn latest(&self) -> Option<&Entry> {
        self.entries.last()
    }

    /// Appends a new version, after checking it (and that it is about the same id), and
    /// returns the new entry. Timestamps may not go backwards.
    pub fn append(
        &mut self,
        assessment: Assessment,
        recorded_at: Timestamp,
    ) -> Result<&Entry, VexError> {
        assessment.validate()?;
        let id = assessment.id();
        if self.entries.len() >= MAX_ENTRIES {
            return Err(VexError::History {
                id,
                rule: format!("at most {MAX_ENTRIES} entries"),
            });
        }
        let replaces = match self.latest() {
            Some(last) => {
                if last.assessment.id() != id {
                    return Err(VexError::History {
                        id,
                        rule: format!("this history is of {}", last.assessment.id()),
                    });
                }
                if recorded_at < last.recorded_at {
                    return Err(VexError::History {
                        id,
                        rule: format!(
                            "recorded at {recorded_at}, before the latest entry ({})",
                            last.recorded_at
                        ),
                    });
                }
                // The advisory's scores are kept as published: a new version may add scores
                // beside them, never drop or change one.
                if let Some(lost) =
                    last.assessment.scores.iter().find(|s| {
                        s.source == ScoreSource::Advisory && !assessment.scores.contains(s)
                    })
                {
                    return Err(VexError::History {
                        id,
                        rule: format!(
                            "the advisory's score {} is missing from the new version (advisory scores are kept; add a device-context score beside it instead)",
                            lost.vector
                        ),
                    });
                }
                Some(last.hash.clone())
            }
            None => None,
        };
        let hash = entry_hash(&assessment, replaces.as_deref(), recorded_at);
        self.entries.push(Entry {
            assessment,
            replaces,
            recorded_at,
            hash,
        });
        Ok(self.entries.last().expect("just pushed"))
    }

    /// Checks every hash and every link: the first replaces nothing, each later one replaces its
    /// predecessor, all are about one id.
    pub fn verify(&self) -> Result<(), VexError> {
        let mut previous: Option<&Entry> = None;
        for (i, e) in self.entries.iter().enumerate() {
            let id = e.assessment.id();
            let fail = |rule: String| VexError::History {
                id: id.clone(),
                rule: format!("entry {i}: {rule}"),
            };
            if entry_hash(&e.assessment, e.replaces.as_deref(), e.recorded_at) != e.hash {
                return Err(fail(
                    "its hash does not match its content (edited after it was recorded)".into(),
                ));
            }
            match previous {
                None if e.replaces.is_some() => {
                    return Err(fail("the first entry replaces nothing".into()));
                }
                Some(p) if e.replaces.as_deref() != Some(p.hash.as_str()) => {
                    return Err(fail(format!(
                        "replaces {:?}, not the entry before it ({})",
                        e.replaces, p.hash
                    )));
                }
                Some(p) if p.assessment.id() != id => {
                    return Err(fail("is about another assessment".into()));
                }
                _ => {}
            }
            previous = Some(e);
        }
        Ok(())
    }
}

/// The assessments a VEX document states at a document version, with the revisions that led
/// there: every recorded version of every exported assessment is one document revision, in the
/// order they were recorded (ties by assessment id), so revision N is the statements as they
/// stood after the Nth recorded change. Why: a CSAF revision history must start at 1 and have no
/// gaps (6.1.21), and the hashed histories are the only honest source of the earlier dates.
#[derive(Clone, Debug, PartialEq)]
pub struct AsOfRevision {
    /// The latest version of each assessment within the first N recorded versions.
    pub assessments: Vec<Assessment>,
    /// Revisions 1 to N, oldest first.
    pub revisions: Vec<crate::formats::Revision>,
}

/// Builds [`AsOfRevision`] for `version` (default: the newest, every recorded version).
/// Errors when `version` is 0 or beyond the number of recorded versions.
pub fn as_of_revision(
    histories: &[&History],
    version: Option<u32>,
) -> Result<AsOfRevision, VexError> {
    let mut all: Vec<(Timestamp, String, usize, &Entry)> = Vec::new();
    for h in histories {
        for (i, e) in h.entries.iter().enumerate() {
            all.push((e.recorded_at, e.assessment.id(), i, e));
        }
    }
    all.sort_by(|a, b| (a.0, &a.1, a.2).cmp(&(b.0, &b.1, b.2)));
    let recorded = all.len();
    let n = match version {
        None => recorded,
        Some(v) => usize::try_from(v).unwrap_or(usize::MAX),
    };
    if n == 0 || n > recorded {
        return Err(VexError::invalid(
            "/version",
            format!(
                "document version {n}: the exported assessments have {recorded} recorded versions, so the version is 1 to {recorded}"
            ),
        ));
    }
    let mut latest: Vec<(String, Assessment)> = Vec::new();
    let mut revisions = Vec::with_capacity(n);
    for (k, (at, id, i, e)) in all.into_iter().take(n).enumerate() {
        revisions.push(crate::formats::Revision {
            number: u32::try_from(k + 1).unwrap_or(u32::MAX),
            date: at.to_string(),
            summary: format!("{id}: {} (version {})", e.assessment.status.name(), i + 1),
        });
        match latest.iter_mut().find(|(x, _)| *x == id) {
            Some(slot) => slot.1 = e.assessment.clone(),
            None => latest.push((id, e.assessment.clone())),
        }
    }
    Ok(AsOfRevision {
        assessments: latest.into_iter().map(|(_, a)| a).collect(),
        revisions,
    })
}
