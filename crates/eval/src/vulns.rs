//! Attack potential (CEM Annex B) and the vulnerability verdict against the claimed AVA_VAN.
//!
//! Why: AVA_VAN asks whether the TOE resists attackers of a given attack potential. For each
//! potential vulnerability the evaluator rates five factors; their values add up to the attack
//! potential needed to exploit it. If that is at or below the potential the claimed AVA_VAN
//! component says the TOE must resist, the vulnerability is exploitable by the attacker the ST
//! assumes and the TOE fails unless it is mitigated; if it is above, it is a residual
//! vulnerability. The factor values and the ranges are the numeric tables of CEM Annex B
//! (B.4, "Calculating attack potential"), the default; an evaluation may rate physical attacks
//! on hardware with the hardware-device table of `hw_potential` instead, and each vulnerability
//! records which table rated it ([`Rating`]).

use serde::{Deserialize, Serialize};

use crate::hw_potential::{self, HwFactors};

/// Elapsed time to identify and exploit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ElapsedTime {
    /// One day or less (0).
    OneDay,
    /// One week or less (1).
    OneWeek,
    /// Two weeks or less (2).
    TwoWeeks,
    /// One month or less (4).
    OneMonth,
    /// Two months or less (7).
    TwoMonths,
    /// Three months or less (10).
    ThreeMonths,
    /// Four months or less (13).
    FourMonths,
    /// Five months or less (15).
    FiveMonths,
    /// Six months or less (17).
    SixMonths,
    /// More than six months (19).
    MoreThanSixMonths,
}

/// Specialist expertise of the attacker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expertise {
    /// Layman (0).
    Layman,
    /// Proficient (3).
    Proficient,
    /// Expert (6).
    Expert,
    /// Multiple experts (8).
    MultipleExperts,
}

/// Knowledge of the TOE the attack needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Knowledge {
    /// Public information (0).
    Public,
    /// Restricted information (3).
    Restricted,
    /// Sensitive information (7).
    Sensitive,
    /// Critical information (11).
    Critical,
}

/// Window of opportunity (access to the TOE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Window {
    /// Unnecessary or unlimited access (0).
    Unnecessary,
    /// Easy (1).
    Easy,
    /// Moderate (4).
    Moderate,
    /// Difficult (10).
    Difficult,
    /// None: the attack path is not exploitable (no value; Annex B marks it as not practical).
    None,
}

/// Equipment needed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Equipment {
    /// Standard (0).
    Standard,
    /// Specialised (4).
    Specialised,
    /// Bespoke (7).
    Bespoke,
    /// Multiple bespoke (9).
    MultipleBespoke,
}

/// The five factors of one attack scenario.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Factors {
    /// Elapsed time.
    pub elapsed_time: ElapsedTime,
    /// Expertise.
    pub expertise: Expertise,
    /// Knowledge of the TOE.
    pub knowledge: Knowledge,
    /// Window of opportunity.
    pub window: Window,
    /// Equipment.
    pub equipment: Equipment,
}

fn by_name<T: serde::de::DeserializeOwned>(what: &str, v: &str) -> Result<T, crate::EvalError> {
    serde_json::from_value(serde_json::Value::String(v.trim().to_ascii_lowercase()))
        .map_err(|_| crate::EvalError::Invalid(format!("{what}: unknown value `{v}`")))
}

impl Factors {
    /// Factors from their kebab-case names (`one-week`, `proficient`, `public`, `easy`,
    /// `specialised`), as the CLI and the workspace files spell them.
    pub fn from_names(
        elapsed_time: &str,
        expertise: &str,
        knowledge: &str,
        window: &str,
        equipment: &str,
    ) -> Result<Factors, crate::EvalError> {
        Ok(Factors {
            elapsed_time: by_name("elapsed time", elapsed_time)?,
            expertise: by_name("expertise", expertise)?,
            knowledge: by_name("knowledge of the TOE", knowledge)?,
            window: by_name("window of opportunity", window)?,
            equipment: by_name("equipment", equipment)?,
        })
    }

    /// The sum of the factor values; `None` when the window of opportunity is "none".
    pub fn total(&self) -> Option<u32> {
        let t = match self.elapsed_time {
            ElapsedTime::OneDay => 0,
            ElapsedTime::OneWeek => 1,
            ElapsedTime::TwoWeeks => 2,
            ElapsedTime::OneMonth => 4,
            ElapsedTime::TwoMonths => 7,
            ElapsedTime::ThreeMonths => 10,
            ElapsedTime::FourMonths => 13,
            ElapsedTime::FiveMonths => 15,
            ElapsedTime::SixMonths => 17,
            ElapsedTime::MoreThanSixMonths => 19,
        };
        let e = match self.expertise {
            Expertise::Layman => 0,
            Expertise::Proficient => 3,
            Expertise::Expert => 6,
            Expertise::MultipleExperts => 8,
        };
        let k = match self.knowledge {
            Knowledge::Public => 0,
            Knowledge::Restricted => 3,
            Knowledge::Sensitive => 7,
            Knowledge::Critical => 11,
        };
        let w = match self.window {
            Window::Unnecessary => 0,
            Window::Easy => 1,
            Window::Moderate => 4,
            Window::Difficult => 10,
            Window::None => return None,
        };
        let q = match self.equipment {
            Equipment::Standard => 0,
            Equipment::Specialised => 4,
            Equipment::Bespoke => 7,
            Equipment::MultipleBespoke => 9,
        };
        Some(t + e + k + w + q)
    }
}

/// The attack-potential table that rated a vulnerability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RatingTable {
    /// CEM Annex B: five factors over the whole attack.
    CemAnnexB,
    /// The hardware-device table (`hw_potential`): identification and exploitation phases.
    Hardware,
}

impl RatingTable {
    /// Name for the ETR.
    pub fn label(self) -> &'static str {
        match self {
            RatingTable::CemAnnexB => "CEM Annex B",
            RatingTable::Hardware => "hardware devices (JIL style)",
        }
    }
}

/// A vulnerability's factors in the table that rated it. The JSON shape says which: the Annex B
/// factors as before (so workspaces and sealed bundles written before the hardware table load
/// unchanged), or the two phases of the hardware table.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rating {
    /// Rated with CEM Annex B.
    AnnexB(Factors),
    /// Rated with the hardware-device table.
    Hardware(Box<HwFactors>),
}

impl From<Factors> for Rating {
    fn from(f: Factors) -> Rating {
        Rating::AnnexB(f)
    }
}

impl Rating {
    /// The table that rated it.
    pub fn table(&self) -> RatingTable {
        match self {
            Rating::AnnexB(_) => RatingTable::CemAnnexB,
            Rating::Hardware(_) => RatingTable::Hardware,
        }
    }

    /// The factor total; `None` when the attack is not practical.
    pub fn total(&self) -> Option<u32> {
        match self {
            Rating::AnnexB(f) => f.total(),
            Rating::Hardware(f) => f.total(),
        }
    }

    /// The attack potential needed for a total, by this rating's table's thresholds.
    pub fn required_for(&self, total: u32) -> AttackPotential {
        match self {
            Rating::AnnexB(_) => AttackPotential::required_for(total),
            Rating::Hardware(_) => hw_potential::required_for(total),
        }
    }

    /// The factors in words, for the ETR.
    pub fn describe(&self) -> String {
        fn kebab<T: Serialize>(v: &T) -> String {
            serde_json::to_value(v)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        }
        match self {
            Rating::AnnexB(f) => format!(
                "time {}, expertise {}, knowledge {}, window {}, equipment {}",
                kebab(&f.elapsed_time),
                kebab(&f.expertise),
                kebab(&f.knowledge),
                kebab(&f.window),
                kebab(&f.equipment)
            ),
            Rating::Hardware(f) => f.describe(),
        }
    }
}

/// Attack potential, ordered from weakest to strongest attacker.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AttackPotential {
    /// Basic.
    Basic,
    /// Enhanced-Basic.
    EnhancedBasic,
    /// Moderate.
    Moderate,
    /// High.
    High,
    /// Beyond High.
    BeyondHigh,
}

impl AttackPotential {
    /// The attack potential needed to exploit a scenario whose factor values sum to `total`
    /// (CEM Annex B ranges: 0–9 Basic, 10–13 Enhanced-Basic, 14–19 Moderate, 20–24 High,
    /// 25 and more beyond High).
    pub fn required_for(total: u32) -> AttackPotential {
        match total {
            0..=9 => AttackPotential::Basic,
            10..=13 => AttackPotential::EnhancedBasic,
            14..=19 => AttackPotential::Moderate,
            20..=24 => AttackPotential::High,
            _ => AttackPotential::BeyondHigh,
        }
    }

    /// The attack potential an AVA_VAN component requires the TOE to resist
    /// (AVA_VAN.1–2 Basic, .3 Enhanced-Basic, .4 Moderate, .5 High).
    pub fn resisted_by(ava_van: &str) -> Option<AttackPotential> {
        match ava_van.trim().to_ascii_uppercase().as_str() {
            "AVA_VAN.1" | "AVA_VAN.2" => Some(AttackPotential::Basic),
            "AVA_VAN.3" => Some(AttackPotential::EnhancedBasic),
            "AVA_VAN.4" => Some(AttackPotential::Moderate),
            "AVA_VAN.5" => Some(AttackPotential::High),
            _ => None,
        }
    }

    /// Human name ("Enhanced-Basic").
    pub fn label(self) -> &'static str {
        match self {
            AttackPotential::Basic => "Basic",
            AttackPotential::EnhancedBasic => "Enhanced-Basic",
            AttackPotential::Moderate => "Moderate",
            AttackPotential::High => "High",
            AttackPotential::BeyondHigh => "beyond High",
        }
    }
}

/// Whether a vulnerability is open or mitigated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum VulnStatus {
    /// Not mitigated.
    Open,
    /// Mitigated (the mitigation is described and re-tested).
    Mitigated,
}

/// One potential vulnerability (an entry of `vulns.json`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Vulnerability {
    /// `V-1`, `V-2`, …
    pub id: String,
    /// Short title.
    pub title: String,
    /// The attack scenario.
    #[serde(default)]
    pub description: String,
    /// The factors, in the table that rated it (CEM Annex B unless the evaluator chose the
    /// hardware table).
    pub factors: Rating,
    /// Open or mitigated.
    pub status: VulnStatus,
    /// How it was mitigated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mitigation: Option<String>,
    /// Work units this analysis belongs to (normally AVA_VAN ones).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
    /// Who recorded it.
    pub by: String,
    /// When.
    pub at: String,
}

/// The judgement on one vulnerability.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    /// Exploitable by the attacker the ST assumes and not mitigated: the TOE fails.
    Exploitable,
    /// Exploitable by that attacker but mitigated.
    Mitigated,
    /// Needs more attack potential than the TOE must resist: a residual vulnerability.
    Residual,
    /// No window of opportunity: not exploitable.
    NotExploitable,
    /// No AVA_VAN claimed: rated only.
    NotAssessed,
}

/// A vulnerability's rating and verdict, with the reasoning in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assessment {
    /// Sum of the factor values (none when not exploitable).
    pub total: Option<u32>,
    /// Attack potential needed to exploit it.
    pub required: Option<AttackPotential>,
    /// The table that rated it.
    #[serde(default = "annex_b")]
    pub table: RatingTable,
    /// What the TOE must resist (from the claimed AVA_VAN).
    pub resists: Option<AttackPotential>,
    /// The outcome.
    pub outcome: Outcome,
    /// One sentence of reasoning.
    pub reasoning: String,
}

fn annex_b() -> RatingTable {
    RatingTable::CemAnnexB
}

/// Judges a vulnerability against the level the TOE must resist.
pub fn assess(v: &Vulnerability, ava_van: Option<&str>) -> Assessment {
    let resists = ava_van.and_then(AttackPotential::resisted_by);
    let total = v.factors.total();
    let required = total.map(|t| v.factors.required_for(t));
    let table = v.factors.table().label();
    let (outcome, reasoning) = match (total, resists) {
        (None, _) => (
            Outcome::NotExploitable,
            format!(
                "{}: no window of opportunity, so the attack path is not exploitable",
                v.id
            ),
        ),
        (Some(t), Some(res)) if v.factors.required_for(t) <= res => {
            let req = v.factors.required_for(t);
            let claim = ava_van.unwrap_or("AVA_VAN");
            if v.status == VulnStatus::Mitigated {
                (
                    Outcome::Mitigated,
                    format!(
                        "{}: factor total {t} ({table}) means {} attack potential suffices, within the {} potential {claim} requires the TOE to resist; mitigated: {}",
                        v.id,
                        req.label(),
                        res.label(),
                        v.mitigation.as_deref().unwrap_or("(no description)")
                    ),
                )
            } else {
                (
                    Outcome::Exploitable,
                    format!(
                        "{}: factor total {t} ({table}) means {} attack potential suffices, within the {} potential {claim} requires the TOE to resist: the TOE does not resist it (fail unless mitigated)",
                        v.id,
                        req.label(),
                        res.label()
                    ),
                )
            }
        }
        (Some(t), Some(res)) => (
            Outcome::Residual,
            format!(
                "{}: factor total {t} ({table}) needs {} attack potential, above the {} potential the TOE must resist: a residual vulnerability",
                v.id,
                v.factors.required_for(t).label(),
                res.label()
            ),
        ),
        (Some(t), None) => (
            Outcome::NotAssessed,
            format!(
                "{}: factor total {t} ({table}: {} attack potential); the ST claims no AVA_VAN component to compare with",
                v.id,
                v.factors.required_for(t).label()
            ),
        ),
    };
    Assessment {
        total,
        required,
        table: v.factors.table(),
        resists,
        outcome,
        reasoning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vuln(f: Factors) -> Vulnerability {
        Vulnerability {
            id: "V-1".into(),
            title: "t".into(),
            description: String::new(),
            factors: f.into(),
            status: VulnStatus::Open,
            mitigation: None,
            units: Vec::new(),
            by: "a".into(),
            at: "2025-01-01T00:00:00Z".into(),
        }
    }

    #[test]
    fn annex_b_ranges() {
        assert_eq!(AttackPotential::required_for(9), AttackPotential::Basic);
        assert_eq!(
            AttackPotential::required_for(10),
            AttackPotential::EnhancedBasic
        );
        assert_eq!(
            AttackPotential::required_for(13),
            AttackPotential::EnhancedBasic
        );
        assert_eq!(AttackPotential::required_for(14), AttackPotential::Moderate);
        assert_eq!(AttackPotential::required_for(20), AttackPotential::High);
        assert_eq!(
            AttackPotential::required_for(25),
            AttackPotential::BeyondHigh
        );
    }

    #[test]
    fn ble_replay_within_a_week_is_exploitable_at_enhanced_basic() {
        // One week (1) + proficient (3) + public (0) + easy (1) + specialised (4) = 9: Basic.
        let v = vuln(Factors {
            elapsed_time: ElapsedTime::OneWeek,
            expertise: Expertise::Proficient,
            knowledge: Knowledge::Public,
            window: Window::Easy,
            equipment: Equipment::Specialised,
        });
        let a = assess(&v, Some("AVA_VAN.3"));
        assert_eq!(a.total, Some(9));
        assert_eq!(a.outcome, Outcome::Exploitable);
        // Two months (7) + expert (6) + restricted (3) + moderate (4) + bespoke (7) = 27.
        let v = vuln(Factors {
            elapsed_time: ElapsedTime::TwoMonths,
            expertise: Expertise::Expert,
            knowledge: Knowledge::Restricted,
            window: Window::Moderate,
            equipment: Equipment::Bespoke,
        });
        let a = assess(&v, Some("AVA_VAN.3"));
        assert_eq!(a.total, Some(27));
        assert_eq!(a.outcome, Outcome::Residual);
        assert_eq!(assess(&v, Some("AVA_VAN.5")).outcome, Outcome::Residual);
    }

    #[test]
    fn boundary_of_enhanced_basic() {
        // Total 13 → Enhanced-Basic suffices: exploitable at AVA_VAN.3, residual at AVA_VAN.2.
        let v = vuln(Factors {
            elapsed_time: ElapsedTime::OneMonth,
            expertise: Expertise::Expert,
            knowledge: Knowledge::Public,
            window: Window::Unnecessary,
            equipment: Equipment::Standard,
        });
        assert_eq!(v.factors.total(), Some(10));
        assert_eq!(assess(&v, Some("AVA_VAN.3")).outcome, Outcome::Exploitable);
        assert_eq!(assess(&v, Some("AVA_VAN.2")).outcome, Outcome::Residual);
    }
}
