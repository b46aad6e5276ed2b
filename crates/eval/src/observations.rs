//! Observation reports, test cases and vulnerabilities: the evaluator's findings beside the
//! verdicts.
//!
//! Why here: a fail verdict must cite an observation report (what is wrong, how bad, what the
//! developer did about it); SFR test activities become test cases with steps, expected and
//! actual results and attached evidence; potential vulnerabilities are rated by attack
//! potential (`vulns.rs`). Each kind has its own workspace file, with ids numbered in order
//! (`OR-1`, `T-1`, `V-1`) and never reused.

use serde::{Deserialize, Serialize};

use crate::records::Verdict;
use crate::store::Lock;
use crate::vulns::{Rating, VulnStatus, Vulnerability};
use crate::{EvalError, Workspace};

/// How serious an observation is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Minor.
    Minor,
    /// Major.
    Major,
    /// Critical.
    Critical,
}

impl Severity {
    /// Parses `minor`, `major` or `critical`.
    pub fn parse(s: &str) -> Option<Severity> {
        match s.trim().to_ascii_lowercase().as_str() {
            "minor" => Some(Severity::Minor),
            "major" => Some(Severity::Major),
            "critical" => Some(Severity::Critical),
            _ => None,
        }
    }

    /// Lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
        }
    }
}

/// Open or resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ObservationStatus {
    /// Awaiting the developer.
    Open,
    /// Resolved (see the resolution).
    Resolved,
}

/// An observation report (an entry of `observations.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Observation {
    /// `OR-1`, `OR-2`, …
    pub id: String,
    /// Short title.
    pub title: String,
    /// Severity.
    pub severity: Severity,
    /// What was observed.
    #[serde(default)]
    pub description: String,
    /// Open or resolved.
    pub status: ObservationStatus,
    /// How it was resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<String>,
    /// Work units it concerns.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Who raised it.
    pub raised_by: String,
    /// When.
    pub raised_at: String,
    /// Who resolved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved_at: Option<String>,
}

/// A test case for an SFR test activity (an entry of `tests.json`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// `T-1`, `T-2`, …
    pub id: String,
    /// The plan unit it implements (an `EA:…:test-n` activity or an ATE work unit).
    pub unit: String,
    /// Short title.
    pub title: String,
    /// Steps, in order.
    #[serde(default)]
    pub steps: Vec<String>,
    /// Expected result.
    #[serde(default)]
    pub expected: String,
    /// Actual result, once run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actual: Option<String>,
    /// Result, once run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub result: Option<Verdict>,
    /// Logs and captures, as `sha256:HEX`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// Who wrote it.
    pub by: String,
    /// When.
    pub at: String,
    /// Who ran it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_by: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run_at: Option<String>,
}

fn next_id(prefix: &str, existing: impl Iterator<Item = String>) -> String {
    let max = existing
        .filter_map(|id| id.strip_prefix(prefix).and_then(|n| n.parse::<u64>().ok()))
        .max()
        .unwrap_or(0);
    format!("{prefix}{}", max + 1)
}

fn non_empty(what: &str, v: &str) -> Result<String, EvalError> {
    let t = v.trim();
    if t.is_empty() {
        Err(EvalError::Invalid(format!("{what} must not be empty")))
    } else {
        Ok(t.to_string())
    }
}

/// A new observation report.
#[derive(Clone, Debug)]
pub struct NewObservation<'a> {
    /// Title.
    pub title: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Description.
    pub description: &'a str,
    /// Work units concerned.
    pub units: &'a [String],
    /// Evaluator.
    pub by: &'a str,
}

/// A new potential vulnerability.
#[derive(Clone, Debug)]
pub struct NewVulnerability<'a> {
    /// Title.
    pub title: &'a str,
    /// The attack scenario.
    pub description: &'a str,
    /// The factors, in the table the evaluator chose (Annex B or the hardware table).
    pub factors: Rating,
    /// Work units concerned.
    pub units: &'a [String],
    /// Evaluator.
    pub by: &'a str,
}

impl Workspace {
    fn resolve_units(&self, units: &[String]) -> Result<Vec<String>, EvalError> {
        let plan = self.plan()?;
        let mut out = Vec::new();
        for u in units {
            let id = plan.resolve(u)?.unit.id.clone();
            if !out.contains(&id) {
                out.push(id);
            }
        }
        Ok(out)
    }

    /// Raises an observation report; returns it with its new id.
    pub fn add_observation(&self, new: &NewObservation<'_>) -> Result<Observation, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let by = self.evaluation()?.evaluator(new.by)?;
        let units = self.resolve_units(new.units)?;
        let mut all = self.observations()?;
        let o = Observation {
            id: next_id("OR-", all.iter().map(|o| o.id.clone())),
            title: non_empty("--title", new.title)?,
            severity: new.severity,
            description: new.description.trim().to_string(),
            status: ObservationStatus::Open,
            resolution: None,
            units,
            raised_by: by,
            raised_at: self.now(),
            resolved_by: None,
            resolved_at: None,
        };
        all.push(o.clone());
        self.write_observations(all)?;
        Ok(o)
    }

    /// Marks an observation report resolved.
    pub fn resolve_observation(
        &self,
        id: &str,
        resolution: &str,
        by: &str,
    ) -> Result<Observation, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let by = self.evaluation()?.evaluator(by)?;
        let resolution = non_empty("--resolution", resolution)?;
        let mut all = self.observations()?;
        let o = all
            .iter_mut()
            .find(|o| o.id.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| EvalError::UnknownObservation(id.to_string()))?;
        o.status = ObservationStatus::Resolved;
        o.resolution = Some(resolution);
        o.resolved_by = Some(by);
        o.resolved_at = Some(self.now());
        let out = o.clone();
        self.write_observations(all)?;
        Ok(out)
    }

    /// Writes a test case for a plan unit; returns it with its new id.
    pub fn add_test(
        &self,
        unit: &str,
        title: &str,
        steps: &[String],
        expected: &str,
        by: &str,
    ) -> Result<TestCase, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let by = self.evaluation()?.evaluator(by)?;
        let unit = self.plan()?.resolve(unit)?.unit.id.clone();
        let mut all = self.tests()?;
        let t = TestCase {
            id: next_id("T-", all.iter().map(|t| t.id.clone())),
            unit,
            title: non_empty("--title", title)?,
            steps: steps
                .iter()
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
                .collect(),
            expected: expected.trim().to_string(),
            actual: None,
            result: None,
            evidence: Vec::new(),
            by,
            at: self.now(),
            run_by: None,
            run_at: None,
        };
        all.push(t.clone());
        self.write_tests(all)?;
        Ok(t)
    }

    /// Records the result of running a test case.
    pub fn test_result(
        &self,
        id: &str,
        result: Verdict,
        actual: &str,
        evidence: &[String],
        by: &str,
    ) -> Result<TestCase, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let by = self.evaluation()?.evaluator(by)?;
        let manifest = self.evidence()?;
        let evidence = evidence
            .iter()
            .map(|d| manifest.resolve(d))
            .collect::<Result<Vec<_>, _>>()?;
        let mut all = self.tests()?;
        let t = all
            .iter_mut()
            .find(|t| t.id.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| EvalError::UnknownTest(id.to_string()))?;
        t.result = Some(result);
        t.actual = Some(actual.trim().to_string());
        for e in evidence {
            if !t.evidence.contains(&e) {
                t.evidence.push(e);
            }
        }
        t.run_by = Some(by);
        t.run_at = Some(self.now());
        let out = t.clone();
        self.write_tests(all)?;
        Ok(out)
    }

    /// Records a potential vulnerability; returns it with its new id.
    pub fn add_vuln(&self, new: &NewVulnerability<'_>) -> Result<Vulnerability, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        let by = self.evaluation()?.evaluator(new.by)?;
        let units = self.resolve_units(new.units)?;
        let mut all = self.vulns()?;
        let v = Vulnerability {
            id: next_id("V-", all.iter().map(|v| v.id.clone())),
            title: non_empty("--title", new.title)?,
            description: new.description.trim().to_string(),
            factors: new.factors.clone(),
            status: VulnStatus::Open,
            mitigation: None,
            units,
            by,
            at: self.now(),
        };
        all.push(v.clone());
        self.write_vulns(all)?;
        Ok(v)
    }

    /// Marks a vulnerability mitigated.
    pub fn mitigate_vuln(
        &self,
        id: &str,
        mitigation: &str,
        by: &str,
    ) -> Result<Vulnerability, EvalError> {
        let _lock = Lock::acquire(self.root())?;
        self.evaluation()?.evaluator(by)?;
        let mitigation = non_empty("--mitigation", mitigation)?;
        let mut all = self.vulns()?;
        let v = all
            .iter_mut()
            .find(|v| v.id.eq_ignore_ascii_case(id.trim()))
            .ok_or_else(|| EvalError::UnknownVulnerability(id.to_string()))?;
        v.status = VulnStatus::Mitigated;
        v.mitigation = Some(mitigation);
        let out = v.clone();
        self.write_vulns(all)?;
        Ok(out)
    }
}
