//! Progress and consistency of an evaluation: the `status` view and the findings that the
//! roll-up alone does not show.
//!
//! Why: the roll-up says pass/fail/inconclusive from the verdicts; an evaluator also needs to
//! see how far each class is, and what contradicts the verdicts (an exploitable vulnerability
//! while AVA_VAN is recorded as pass, a failed test under a passed activity, open observation
//! reports).

use std::fmt::Write as _;

use serde_json::{Value, json};

use crate::observations::{ObservationStatus, Severity};
use crate::records::Verdict;
use crate::rollup::{Counts, Rollup, roll_up};
use crate::vulns::{Outcome, assess};
use crate::workspace::State;

/// A text bar of `width` cells for `done` of `total`.
pub fn bar(done: usize, total: usize, width: usize) -> String {
    let filled = (done * width + total / 2)
        .checked_div(total)
        .unwrap_or(0)
        .min(width);
    format!("{}{}", "█".repeat(filled), "░".repeat(width - filled))
}

/// Statements that contradict or qualify the roll-up.
pub fn findings(state: &State, rollup: &Rollup) -> Vec<String> {
    let mut out = Vec::new();
    let ava = state.evaluation.assurance.ava_van.as_deref();
    let ava_pass = rollup
        .class("AVA")
        .is_some_and(|c| c.verdict == Verdict::Pass);
    for v in &state.vulns {
        let a = assess(v, ava);
        if a.outcome == Outcome::Exploitable {
            let mut s = format!(
                "vulnerability {} ({}) is exploitable and not mitigated",
                v.id, v.title
            );
            if ava_pass {
                s.push_str("; yet the AVA work units are recorded as pass");
            }
            out.push(s);
        }
    }
    let latest = crate::records::latest(&state.records);
    for t in &state.tests {
        match t.result {
            None => out.push(format!("test case {} ({}) has not been run", t.id, t.title)),
            Some(Verdict::Fail) => {
                if latest
                    .get(t.unit.as_str())
                    .is_some_and(|r| r.verdict == Verdict::Pass)
                {
                    out.push(format!(
                        "test case {} failed, but {} is recorded as pass",
                        t.id, t.unit
                    ));
                }
            }
            Some(_) => {}
        }
    }
    for o in &state.observations {
        if o.status == ObservationStatus::Open && o.severity >= Severity::Major {
            out.push(format!(
                "observation report {} ({}, {}) is open",
                o.id,
                o.severity.as_str(),
                o.title
            ));
        }
    }
    for r in &state.records {
        if state.plan.find(&r.unit).is_none() {
            out.push(format!(
                "record {} cites {}, which is not in the plan",
                r.seq, r.unit
            ));
        }
    }
    out
}

fn counts_line(c: &Counts) -> String {
    format!(
        "{} pass, {} fail, {} inconclusive, {} without a verdict",
        c.pass, c.fail, c.inconclusive, c.pending
    )
}

/// The `dtsec eval status` text.
pub fn status_text(state: &State) -> String {
    let rollup = roll_up(&state.plan, &state.records);
    let e = &state.evaluation;
    let mut s = String::new();
    let _ = writeln!(s, "TOE      {} {}", e.toe.name, e.toe.version);
    let _ = writeln!(
        s,
        "ST       {} {} (sha256:{}…)",
        e.st.id,
        e.st.version,
        e.st.sha256.get(..12).unwrap_or(&e.st.sha256)
    );
    let _ = writeln!(s, "lab      {} — sponsor {}", e.lab, e.sponsor);
    if !e.assurance.packages.is_empty() {
        let _ = writeln!(s, "claims   {}", e.assurance.packages.join(", "));
    }
    let _ = writeln!(s);
    for class in &rollup.classes {
        let c = &class.counts;
        let _ = writeln!(
            s,
            "{:<4} {} {:>4}/{:<4} {}",
            class.id,
            bar(c.done(), c.total, 10),
            c.done(),
            c.total,
            class.verdict
        );
    }
    let _ = writeln!(s);
    let c = &rollup.counts;
    let _ = writeln!(
        s,
        "overall  {}  ({}/{} units with a verdict: {})",
        rollup.overall.as_str().to_uppercase(),
        c.done(),
        c.total,
        counts_line(c)
    );
    let open = state
        .observations
        .iter()
        .filter(|o| o.status == ObservationStatus::Open)
        .count();
    let _ = writeln!(
        s,
        "observation reports: {} ({} open); test cases: {}; vulnerabilities: {}; evidence files: {}",
        state.observations.len(),
        open,
        state.tests.len(),
        state.vulns.len(),
        state.evidence.items.len()
    );
    for f in findings(state, &rollup) {
        let _ = writeln!(s, "warning: {f}");
    }
    s
}

/// The `dtsec eval status --format json` value.
pub fn status_json(state: &State) -> Value {
    let rollup = roll_up(&state.plan, &state.records);
    let classes: Vec<Value> = rollup
        .classes
        .iter()
        .map(|k| {
            json!({
                "id": k.id,
                "verdict": k.verdict,
                "counts": k.counts,
                "components": k.children.iter().map(|c| json!({
                    "id": c.id, "verdict": c.verdict, "counts": c.counts,
                })).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "toe": state.evaluation.toe,
        "st": state.evaluation.st,
        "overall": rollup.overall,
        "counts": rollup.counts,
        "classes": classes,
        "findings": findings(state, &rollup),
    })
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars() {
        assert_eq!(bar(7, 10, 10), "███████░░░");
        assert_eq!(bar(0, 0, 4), "░░░░");
        assert_eq!(bar(5, 5, 4), "████");
    }
}
