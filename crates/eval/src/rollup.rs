//! The roll-up of verdicts: work unit → element → component → class → overall.
//!
//! The CEM's rule, applied at every level: any fail makes the parent fail; all pass makes it
//! pass; anything else (an inconclusive verdict, or a unit with no verdict yet) leaves it
//! inconclusive. Each unit's verdict is its latest record's. The roll-up is a pure function of
//! the plan and the records, so `dtsec verify` can recompute it from a sealed bundle.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::plan::Plan;
use crate::records::{Record, Verdict, latest};

/// How many units are in each state.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(deny_unknown_fields)]
pub struct Counts {
    /// Units in scope.
    pub total: usize,
    /// Latest verdict pass.
    pub pass: usize,
    /// Latest verdict fail.
    pub fail: usize,
    /// Latest verdict inconclusive.
    pub inconclusive: usize,
    /// No verdict yet.
    pub pending: usize,
}

impl Counts {
    /// Units with a verdict of any kind.
    pub fn done(&self) -> usize {
        self.pass + self.fail + self.inconclusive
    }

    fn add(&mut self, o: &Counts) {
        self.total += o.total;
        self.pass += o.pass;
        self.fail += o.fail;
        self.inconclusive += o.inconclusive;
        self.pending += o.pending;
    }

    /// The CEM rule: any fail → fail; all pass (and at least one unit) → pass; else inconclusive.
    pub fn verdict(&self) -> Verdict {
        if self.fail > 0 {
            Verdict::Fail
        } else if self.total > 0 && self.pass == self.total {
            Verdict::Pass
        } else {
            Verdict::Inconclusive
        }
    }
}

/// The roll-up of a whole evaluation.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rollup {
    /// The overall verdict.
    pub overall: Verdict,
    /// Unit counts over the whole plan.
    pub counts: Counts,
    /// Per class.
    pub classes: Vec<Node>,
}

/// A class, component or element with its verdict and children.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Node {
    /// Its id.
    pub id: String,
    /// Its rolled-up verdict.
    pub verdict: Verdict,
    /// Unit counts below it.
    pub counts: Counts,
    /// Components (of a class) or elements (of a component); empty for elements.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Node>,
    /// The units of an element.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<UnitVerdict>,
}

/// One unit's current verdict and the record it comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnitVerdict {
    /// The unit id.
    pub id: String,
    /// The latest verdict, or none yet.
    pub verdict: Option<Verdict>,
    /// The `seq` of the record it comes from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<u64>,
}

/// Computes the roll-up. Records for units not in the plan are ignored here (verification
/// reports them).
pub fn roll_up(plan: &Plan, records: &[Record]) -> Rollup {
    let latest = latest(records);
    let mut overall = Counts::default();
    let mut classes = Vec::new();
    for class in &plan.classes {
        let mut ccounts = Counts::default();
        let mut comps = Vec::new();
        for comp in &class.components {
            let mut kcounts = Counts::default();
            let mut elems = Vec::new();
            for el in &comp.elements {
                let mut ecounts = Counts::default();
                let mut units = Vec::new();
                for u in &el.units {
                    let rec = latest.get(u.id.as_str());
                    ecounts.total += 1;
                    match rec.map(|r| r.verdict) {
                        Some(Verdict::Pass) => ecounts.pass += 1,
                        Some(Verdict::Fail) => ecounts.fail += 1,
                        Some(Verdict::Inconclusive) => ecounts.inconclusive += 1,
                        None => ecounts.pending += 1,
                    }
                    units.push(UnitVerdict {
                        id: u.id.clone(),
                        verdict: rec.map(|r| r.verdict),
                        record: rec.map(|r| r.seq),
                    });
                }
                kcounts.add(&ecounts);
                elems.push(Node {
                    id: el.id.clone(),
                    verdict: ecounts.verdict(),
                    counts: ecounts,
                    children: Vec::new(),
                    units,
                });
            }
            ccounts.add(&kcounts);
            comps.push(Node {
                id: comp.id.clone(),
                verdict: kcounts.verdict(),
                counts: kcounts,
                children: elems,
                units: Vec::new(),
            });
        }
        overall.add(&ccounts);
        classes.push(Node {
            id: class.id.clone(),
            verdict: ccounts.verdict(),
            counts: ccounts,
            children: comps,
            units: Vec::new(),
        });
    }
    Rollup {
        overall: overall.verdict(),
        counts: overall,
        classes,
    }
}

impl Rollup {
    /// Every unit's verdict, by unit id.
    pub fn unit_verdicts(&self) -> BTreeMap<&str, &UnitVerdict> {
        let mut m = BTreeMap::new();
        for k in &self.classes {
            for c in &k.children {
                for e in &c.children {
                    for u in &e.units {
                        m.insert(u.id.as_str(), u);
                    }
                }
            }
        }
        m
    }

    /// A class node by id.
    pub fn class(&self, id: &str) -> Option<&Node> {
        self.classes.iter().find(|c| c.id == id)
    }
}
