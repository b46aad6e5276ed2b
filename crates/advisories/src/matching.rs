//! Matching an SBOM against a database: each component's purl names an OSV package (or its
//! repository names GIT ranges), and each candidate record is evaluated by the OSV algorithm
//! ([`crate::evaluate`]). Results carry the snapshot id, so they read "as of snapshot X".
//!
//! Cost: building the index is linear in the records' affected entries; matching is linear in
//! the components plus the candidates their keys select (a hash lookup each).

use crate::db::Database;
use crate::ecosystem::{self, Key};
use crate::evaluate::{Verdict, evaluate};
use crate::osv::{OsvRecord, Severity};
use crate::version::Scheme;
use dtsec_sbom::SbomDoc;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashMap};

/// Where an affected entry sits: record index and affected index.
type Slot = (usize, usize);

/// Lookup tables over a database, built once per match run.
pub struct Index<'a> {
    db: &'a Database,
    by_package: HashMap<Key, Vec<Slot>>,
    by_repo: HashMap<String, Vec<Slot>>,
}

impl<'a> Index<'a> {
    /// Indexes every affected entry of every record (withdrawn ones too: they are counted).
    pub fn build(db: &'a Database) -> Index<'a> {
        let mut by_package: HashMap<Key, Vec<Slot>> = HashMap::new();
        let mut by_repo: HashMap<String, Vec<Slot>> = HashMap::new();
        for (ri, r) in db.records.iter().enumerate() {
            for (ai, a) in r.record.affected.iter().enumerate() {
                match &a.package {
                    Some(p) => {
                        let (base, _) = ecosystem::split_ecosystem(&p.ecosystem);
                        let key = (base.to_string(), ecosystem::normalize_name(base, &p.name));
                        by_package.entry(key).or_default().push((ri, ai));
                    }
                    None => {
                        for range in a.ranges.iter().filter(|r| r.kind == "GIT") {
                            if let Some(repo) = &range.repo {
                                let slots = by_repo.entry(ecosystem::repo_key(repo)).or_default();
                                if slots.last() != Some(&(ri, ai)) {
                                    slots.push((ri, ai));
                                }
                            }
                        }
                    }
                }
            }
        }
        Index {
            db,
            by_package,
            by_repo,
        }
    }
}

/// What a match is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Category {
    /// A vulnerability in a component.
    Vulnerability,
    /// The component itself is malicious (`MAL-…`): always priority 1.
    MaliciousComponent,
}

/// One component against one advisory.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Match {
    /// The component's ref in the SBOM.
    pub component_ref: String,
    /// Its name.
    pub component_name: String,
    /// The version evaluated.
    pub version: Option<String>,
    /// The purl (normalised) or repository it was matched by.
    pub matched_by: String,
    /// The advisory id.
    pub advisory_id: String,
    /// The alias group key (one hop: a CVE id when the record is or names one).
    pub group_key: String,
    /// The record's aliases.
    pub aliases: Vec<String>,
    /// Affected or unevaluable (not-affected results are counted, not listed).
    #[serde(flatten)]
    pub verdict: Verdict,
    /// Vulnerability or malicious component.
    pub category: Category,
    /// The record's scores as given.
    pub severity: Vec<Severity>,
    /// The record's summary.
    pub summary: Option<String>,
}

/// The result of matching one SBOM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MatchReport {
    /// The snapshot the result holds for.
    pub snapshot: String,
    /// The SBOM's SHA-256.
    pub sbom_sha256: String,
    /// Components in the SBOM.
    pub components: usize,
    /// Components with nothing to match by (no purl with an OSV ecosystem, no repository).
    pub unmatchable: Vec<String>,
    /// (component, advisory) pairs evaluated as not affected.
    pub not_affected: usize,
    /// (component, advisory) pairs skipped because the advisory is withdrawn.
    pub withdrawn_skipped: usize,
    /// Affected and unevaluable pairs, sorted by component then advisory.
    pub matches: Vec<Match>,
}

impl MatchReport {
    /// How many matches are affected.
    pub fn affected(&self) -> usize {
        self.matches
            .iter()
            .filter(|m| matches!(m.verdict, Verdict::Affected { .. }))
            .count()
    }

    /// How many matches are unevaluable.
    pub fn unevaluable(&self) -> usize {
        self.matches
            .iter()
            .filter(|m| matches!(m.verdict, Verdict::Unevaluable { .. }))
            .count()
    }
}

/// The one-hop alias group: the record's own CVE id, else its first CVE alias (or upstream),
/// else its id. Never transitive (osv.dev #2374, #888).
pub fn group_key(r: &OsvRecord) -> String {
    if r.id.starts_with("CVE-") {
        return r.id.clone();
    }
    let mut cves: Vec<&String> = r
        .aliases
        .iter()
        .chain(&r.upstream)
        .filter(|a| a.starts_with("CVE-"))
        .collect();
    cves.sort();
    cves.first().map_or_else(|| r.id.clone(), |c| (*c).clone())
}

/// Combines the verdicts of several affected entries of one record for one component.
fn combine(acc: Option<Verdict>, v: Verdict) -> Option<Verdict> {
    Some(match (acc, v) {
        (Some(Verdict::Affected { mut bases }), Verdict::Affected { bases: more }) => {
            for b in more {
                if !bases.contains(&b) {
                    bases.push(b);
                }
            }
            Verdict::Affected { bases }
        }
        (Some(a @ Verdict::Affected { .. }), _) | (_, a @ Verdict::Affected { .. }) => a,
        (Some(u @ Verdict::Unevaluable { .. }), _) | (_, u @ Verdict::Unevaluable { .. }) => u,
        _ => Verdict::NotAffected,
    })
}

/// Matches every component of `sbom`.
pub fn match_sbom(index: &Index<'_>, sbom: &SbomDoc) -> MatchReport {
    let db = index.db;
    let mut report = MatchReport {
        snapshot: db.snapshot.id.clone(),
        sbom_sha256: sbom.sha256.clone(),
        components: sbom.components.len(),
        unmatchable: Vec::new(),
        not_affected: 0,
        withdrawn_skipped: 0,
        matches: Vec::new(),
    };
    for c in &sbom.components {
        // Per record: the combined verdict, what matched, and the version evaluated.
        let mut per_record = PerRecord::default();
        let mut matchable = false;
        for p in c.purls.iter().filter_map(|p| p.normalized.as_ref()) {
            let Some(target) = ecosystem::target(p) else {
                if p.ty == "github" || p.ty == "bitbucket" {
                    let host = if p.ty == "github" {
                        "github.com"
                    } else {
                        "bitbucket.org"
                    };
                    let repo =
                        format!("{host}/{}/{}", p.namespace.as_deref().unwrap_or(""), p.name);
                    matchable |= git_candidates(index, &repo, p.version.clone(), &mut per_record);
                }
                continue;
            };
            matchable = true;
            let version = p.version.clone().or_else(|| c.version.clone());
            let Some(slots) = index.by_package.get(&target.key) else {
                continue;
            };
            let scheme = Scheme::of_ecosystem(&target.key.0);
            for &(ri, ai) in slots {
                let a = &db.records[ri].record.affected[ai];
                let eco = a.package.as_ref().map_or("", |p| p.ecosystem.as_str());
                let (_, adv_suffix) = ecosystem::split_ecosystem(eco);
                let verdict = match (adv_suffix, target.suffix.as_deref(), version.as_deref()) {
                    (Some(a_s), Some(s), _) if !ecosystem::suffix_applies(a_s, s) => continue,
                    (Some(_), None, _) => Verdict::Unevaluable {
                        reason: format!(
                            "the advisory is for {eco}; the purl has no distro qualifier naming the release"
                        ),
                    },
                    (_, _, None) => Verdict::Unevaluable {
                        reason: "the component has no version".into(),
                    },
                    (_, _, Some(v)) => evaluate(v, a, scheme),
                };
                per_record.push(ri, verdict, &p.canonical, version.clone());
            }
        }
        for url in &c.vcs {
            matchable |= git_candidates(
                index,
                &ecosystem::repo_key(url),
                c.version.clone(),
                &mut per_record,
            );
        }
        if !matchable {
            report.unmatchable.push(c.r#ref.clone());
        }
        for (ri, verdict, by, version) in per_record.0 {
            let stored = &db.records[ri];
            if verdict == Verdict::NotAffected {
                report.not_affected += 1;
                continue;
            }
            if stored.withdrawn {
                report.withdrawn_skipped += 1;
                continue;
            }
            report.matches.push(Match {
                component_ref: c.r#ref.clone(),
                component_name: c.name.clone(),
                version,
                matched_by: by,
                advisory_id: stored.record.id.clone(),
                group_key: group_key(&stored.record),
                aliases: stored.record.aliases.clone(),
                verdict,
                category: if stored.malicious {
                    Category::MaliciousComponent
                } else {
                    Category::Vulnerability
                },
                severity: stored.record.severity.clone(),
                summary: stored.record.summary.clone(),
            });
        }
    }
    report.matches.sort_by(|a, b| {
        (&a.component_ref, &a.advisory_id).cmp(&(&b.component_ref, &b.advisory_id))
    });
    report
}

/// One component's candidates, one row per record: the combined verdict, what matched, and
/// the version evaluated.
#[derive(Default)]
struct PerRecord(Vec<(usize, Verdict, String, Option<String>)>);

impl PerRecord {
    /// Adds a verdict for record `ri`, combining it with one already there.
    fn push(&mut self, ri: usize, v: Verdict, by: &str, version: Option<String>) {
        if let Some(slot) = self.0.iter_mut().find(|x| x.0 == ri) {
            slot.1 = combine(Some(slot.1.clone()), v).unwrap_or(Verdict::NotAffected);
        } else {
            self.0.push((ri, v, by.to_string(), version));
        }
    }
}

/// GIT-only candidates for a repository; returns whether the component names a repository.
fn git_candidates(
    index: &Index<'_>,
    repo: &str,
    version: Option<String>,
    out: &mut PerRecord,
) -> bool {
    if let Some(slots) = index.by_repo.get(repo) {
        for &(ri, ai) in slots {
            let a = &index.db.records[ri].record.affected[ai];
            // Without the commit graph only an enumerated tag can decide; else unevaluable.
            let v = version.as_deref().unwrap_or("");
            let verdict = match evaluate(v, a, Scheme::Unordered) {
                Verdict::NotAffected => Verdict::Unevaluable {
                    reason: "GIT-only advisory: the version is not an enumerated tag and the commit graph is not available offline".into(),
                },
                other => other,
            };
            out.push(ri, verdict, repo, version.clone());
        }
    }
    true
}

/// The distinct advisory ids of a report, for summaries.
pub fn advisory_ids(report: &MatchReport) -> BTreeSet<&str> {
    report
        .matches
        .iter()
        .map(|m| m.advisory_id.as_str())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(id: &str, aliases: &[&str]) -> OsvRecord {
        serde_json::from_value(serde_json::json!({"id": id, "aliases": aliases, "affected": []}))
            .unwrap()
    }

    #[test]
    fn alias_groups_are_one_hop_not_transitive() {
        // GHSA-a names CVE-1; GHSA-b names GHSA-a and CVE-2. Transitively they would merge;
        // one hop keeps them apart, each under its own CVE.
        assert_eq!(group_key(&record("GHSA-a", &["CVE-2020-1"])), "CVE-2020-1");
        assert_eq!(
            group_key(&record("GHSA-b", &["GHSA-a", "CVE-2020-2"])),
            "CVE-2020-2"
        );
        assert_eq!(group_key(&record("CVE-2020-3", &["GHSA-c"])), "CVE-2020-3");
        assert_eq!(group_key(&record("GHSA-d", &["PYSEC-1"])), "GHSA-d");
    }
}
