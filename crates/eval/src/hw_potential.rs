//! A hardware-device attack-potential table, for physical and side-channel attacks on devices
//! with a security box (insulin pumps, CGM transmitters, secure elements).
//!
//! Why: CEM Annex B rates an attack once, over the whole attack, with a window of opportunity
//! measured in time. Physical attacks on hardware are rated differently by the schemes that
//! evaluate them: the attack is split into an *identification* phase (finding and developing the
//! attack, done once, often on open samples) and an *exploitation* phase (repeating it on a
//! fielded TOE), each rated on its own; access to the TOE is measured in the number of samples
//! the attack consumes; and having open samples or samples with known secrets is a factor of its
//! own. Under Annex B such attacks look cheaper than they are (or dearer), so AVA_VAN.4 for the
//! tamper SFRs of the CDD Moderate package (FPT_PHP.3) is rated with this table (review finding
//! F20).
//!
//! Source: the structure, factor levels, values and thresholds follow the Joint Interpretation
//! Library (JIL) documents "Application of Attack Potential to Smartcards" and "Application of
//! Attack Potential to Hardware Devices with Security Boxes" (SOG-IS), as dtsec's maintainers
//! understand them; the names and wording here are dtsec's own. A lab applying the table under a
//! scheme checks the figures against the version the scheme mandates; they are data
//! ([`ELAPSED_TIME`], [`EXPERTISE`], [`KNOWLEDGE`], [`ACCESS`], [`EQUIPMENT`], [`OPEN_SAMPLES`],
//! [`THRESHOLDS`]) so that a correction is a one-line change.

use serde::{Deserialize, Serialize};

use crate::EvalError;
use crate::vulns::AttackPotential;

/// One level of a factor: its name (as the CLI and the workspace files spell it), its value in
/// the identification phase and in the exploitation phase. `None`: the level does not apply in
/// that phase. A level whose values are both `None` marks an attack that is not practical.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Level {
    /// Kebab-case name, e.g. `under-30`.
    pub name: &'static str,
    /// What the level means, for help texts and the ETR.
    pub meaning: &'static str,
    /// Value in the identification phase.
    pub identification: Option<u32>,
    /// Value in the exploitation phase.
    pub exploitation: Option<u32>,
}

const fn level(
    name: &'static str,
    meaning: &'static str,
    identification: Option<u32>,
    exploitation: Option<u32>,
) -> Level {
    Level {
        name,
        meaning,
        identification,
        exploitation,
    }
}

/// Elapsed time of the phase. `not-practical`: the phase cannot be completed at all.
pub const ELAPSED_TIME: [Level; 6] = [
    level("hour", "less than one hour", Some(0), Some(0)),
    level("day", "less than one day", Some(1), Some(3)),
    level("week", "less than one week", Some(2), Some(4)),
    level("month", "less than one month", Some(3), Some(6)),
    level("more-than-month", "more than one month", Some(5), Some(8)),
    level("not-practical", "not practical", None, None),
];

/// Expertise the phase needs.
pub const EXPERTISE: [Level; 4] = [
    level("layman", "layman", Some(0), Some(0)),
    level("proficient", "proficient", Some(2), Some(2)),
    level("expert", "expert", Some(5), Some(4)),
    level(
        "multiple-experts",
        "experts of several fields",
        Some(7),
        Some(6),
    ),
];

/// Knowledge of the TOE's design the phase needs. Very critical hardware design information
/// matters only for finding an attack, not for repeating it.
pub const KNOWLEDGE: [Level; 5] = [
    level("public", "public information", Some(0), Some(0)),
    level("restricted", "restricted information", Some(2), Some(2)),
    level("sensitive", "sensitive information", Some(4), Some(3)),
    level("critical", "critical information", Some(6), Some(5)),
    level(
        "very-critical-hardware",
        "very critical hardware design information",
        Some(9),
        None,
    ),
];

/// Access to the TOE, as the number of samples the phase consumes. `not-practical`: more
/// samples than an attacker can obtain.
pub const ACCESS: [Level; 5] = [
    level("under-10", "fewer than 10 samples", Some(0), Some(0)),
    level("under-30", "fewer than 30 samples", Some(1), Some(2)),
    level("under-100", "fewer than 100 samples", Some(2), Some(4)),
    level("over-100", "more than 100 samples", Some(3), Some(6)),
    level("not-practical", "not practical", None, None),
];

/// Equipment the phase needs.
pub const EQUIPMENT: [Level; 5] = [
    level("none", "no equipment", Some(0), Some(0)),
    level("standard", "standard equipment", Some(1), Some(2)),
    level("specialised", "specialised equipment", Some(3), Some(4)),
    level("bespoke", "bespoke equipment", Some(5), Some(6)),
    level(
        "multiple-bespoke",
        "several bespoke items",
        Some(7),
        Some(8),
    ),
];

/// Open samples, or samples with known secrets, and how hard they are to get. Rated in the
/// identification phase only: the exploitation runs on a fielded TOE.
pub const OPEN_SAMPLES: [Level; 4] = [
    level("public", "not needed, or publicly available", Some(0), None),
    level("restricted", "restricted availability", Some(2), None),
    level("sensitive", "sensitive", Some(4), None),
    level("critical", "critical", Some(6), None),
];

/// The lowest total of both phases for each attack potential *needed* to exploit: below 16 a
/// Basic attacker suffices, 16–20 needs Enhanced-Basic, 21–24 Moderate, 25–30 High, 31 and
/// more is beyond High. (The same ladder as the table's "TOE resistant to" ranges: a total of
/// 16–20 means the TOE resists Basic attackers.)
pub const THRESHOLDS: [(u32, AttackPotential); 4] = [
    (16, AttackPotential::EnhancedBasic),
    (21, AttackPotential::Moderate),
    (25, AttackPotential::High),
    (31, AttackPotential::BeyondHigh),
];

/// The attack potential needed to exploit an attack whose phases total `total` points.
pub fn required_for(total: u32) -> AttackPotential {
    THRESHOLDS
        .iter()
        .rev()
        .find(|(min, _)| total >= *min)
        .map_or(AttackPotential::Basic, |(_, p)| *p)
}

/// The two phases of the hardware table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// Finding and developing the attack.
    Identification,
    /// Repeating it on a TOE in the field.
    Exploitation,
}

impl Phase {
    fn label(self) -> &'static str {
        match self {
            Phase::Identification => "identification",
            Phase::Exploitation => "exploitation",
        }
    }

    fn value(self, l: &Level) -> Option<u32> {
        match self {
            Phase::Identification => l.identification,
            Phase::Exploitation => l.exploitation,
        }
    }
}

/// The factors of one phase, by level name. `open_samples` is given in the identification
/// phase only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HwPhase {
    /// Elapsed time ([`ELAPSED_TIME`]).
    pub elapsed_time: String,
    /// Expertise ([`EXPERTISE`]).
    pub expertise: String,
    /// Knowledge of the TOE ([`KNOWLEDGE`]).
    pub knowledge: String,
    /// Access to the TOE in samples ([`ACCESS`]).
    pub access: String,
    /// Equipment ([`EQUIPMENT`]).
    pub equipment: String,
    /// Open samples ([`OPEN_SAMPLES`]); identification phase only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub open_samples: Option<String>,
}

/// The factors of both phases: the hardware table's rating of one attack.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HwFactors {
    /// Finding and developing the attack.
    pub identification: HwPhase,
    /// Repeating it on a fielded TOE.
    pub exploitation: HwPhase,
}

/// The factor tables with their names, in the order a phase lists them.
const FACTORS: [(&str, &[Level]); 6] = [
    ("elapsed time", &ELAPSED_TIME),
    ("expertise", &EXPERTISE),
    ("knowledge of the TOE", &KNOWLEDGE),
    ("access to the TOE", &ACCESS),
    ("equipment", &EQUIPMENT),
    ("open samples", &OPEN_SAMPLES),
];

fn find<'t>(table: &'t [Level], what: &str, name: &str) -> Result<&'t Level, EvalError> {
    let name = name.trim().to_ascii_lowercase();
    table.iter().find(|l| l.name == name).ok_or_else(|| {
        EvalError::Invalid(format!(
            "{what}: unknown level `{name}` (use one of: {})",
            table.iter().map(|l| l.name).collect::<Vec<_>>().join(", ")
        ))
    })
}

impl HwPhase {
    /// A phase from a comma-separated list of level names, in the order elapsed time,
    /// expertise, knowledge, access, equipment and (identification only) open samples, e.g.
    /// `week,expert,sensitive,under-30,specialised,restricted`; each is checked for `phase`.
    pub fn parse(list: &str, phase: Phase) -> Result<HwPhase, EvalError> {
        let parts: Vec<&str> = list.split(',').map(str::trim).collect();
        let want = match phase {
            Phase::Identification => 6,
            Phase::Exploitation => 5,
        };
        if parts.len() != want {
            return Err(EvalError::Invalid(format!(
                "{} phase: {} factors given, {want} expected (elapsed time, expertise, knowledge, access, equipment{})",
                phase.label(),
                parts.len(),
                if want == 6 { ", open samples" } else { "" }
            )));
        }
        let p = HwPhase {
            elapsed_time: parts[0].to_ascii_lowercase(),
            expertise: parts[1].to_ascii_lowercase(),
            knowledge: parts[2].to_ascii_lowercase(),
            access: parts[3].to_ascii_lowercase(),
            equipment: parts[4].to_ascii_lowercase(),
            open_samples: parts.get(5).map(|s| s.to_ascii_lowercase()),
        };
        p.points(phase)?;
        Ok(p)
    }

    /// The level names in table order (open samples last, when given).
    fn names(&self) -> [Option<&str>; 6] {
        [
            Some(self.elapsed_time.as_str()),
            Some(self.expertise.as_str()),
            Some(self.knowledge.as_str()),
            Some(self.access.as_str()),
            Some(self.equipment.as_str()),
            self.open_samples.as_deref(),
        ]
    }

    /// The phase's points; `Ok(None)` when a level says the attack is not practical; `Err`
    /// for an unknown level or one that does not apply in this phase.
    pub fn points(&self, phase: Phase) -> Result<Option<u32>, EvalError> {
        let mut sum = 0;
        let mut practical = true;
        for ((what, table), name) in FACTORS.iter().zip(self.names()) {
            let Some(name) = name else {
                if phase == Phase::Identification && *what == "open samples" {
                    return Err(EvalError::Invalid(
                        "identification phase: open samples not given (use `public` when none are needed)".into(),
                    ));
                }
                continue;
            };
            let l = find(table, what, name)?;
            if l.identification.is_none() && l.exploitation.is_none() {
                practical = false;
                continue;
            }
            match phase.value(l) {
                Some(v) => sum += v,
                None => {
                    return Err(EvalError::Invalid(format!(
                        "{} phase: {what} `{}` is rated in the {} phase only",
                        phase.label(),
                        l.name,
                        match phase {
                            Phase::Identification => "exploitation",
                            Phase::Exploitation => "identification",
                        }
                    )));
                }
            }
        }
        Ok(practical.then_some(sum))
    }

    fn describe(&self) -> String {
        let mut s = format!(
            "time {}, expertise {}, knowledge {}, access {}, equipment {}",
            self.elapsed_time, self.expertise, self.knowledge, self.access, self.equipment
        );
        if let Some(o) = &self.open_samples {
            s.push_str(&format!(", open samples {o}"));
        }
        s
    }
}

impl HwFactors {
    /// Both phases from their comma-separated lists (see [`HwPhase::parse`]).
    pub fn parse(identification: &str, exploitation: &str) -> Result<HwFactors, EvalError> {
        Ok(HwFactors {
            identification: HwPhase::parse(identification, Phase::Identification)?,
            exploitation: HwPhase::parse(exploitation, Phase::Exploitation)?,
        })
    }

    /// The sum of both phases; `None` when either is not practical or names a level the table
    /// lacks (a hand-edited file: [`HwFactors::parse`] refuses those on entry).
    pub fn total(&self) -> Option<u32> {
        let i = self
            .identification
            .points(Phase::Identification)
            .ok()
            .flatten()?;
        let e = self
            .exploitation
            .points(Phase::Exploitation)
            .ok()
            .flatten()?;
        Some(i + e)
    }

    /// The factors in words, for the ETR.
    pub fn describe(&self) -> String {
        format!(
            "identification: {}; exploitation: {}",
            self.identification.describe(),
            self.exploitation.describe()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_bound_each_potential() {
        assert_eq!(required_for(0), AttackPotential::Basic);
        assert_eq!(required_for(15), AttackPotential::Basic);
        assert_eq!(required_for(16), AttackPotential::EnhancedBasic);
        assert_eq!(required_for(20), AttackPotential::EnhancedBasic);
        assert_eq!(required_for(21), AttackPotential::Moderate);
        assert_eq!(required_for(24), AttackPotential::Moderate);
        assert_eq!(required_for(25), AttackPotential::High);
        assert_eq!(required_for(30), AttackPotential::High);
        assert_eq!(required_for(31), AttackPotential::BeyondHigh);
    }

    #[test]
    fn phases_add_up() {
        // A probing attack: a week with an expert, sensitive design data, under 30 samples,
        // specialised equipment and restricted open samples to find; a day to repeat.
        let f = HwFactors::parse(
            "week,expert,sensitive,under-30,specialised,restricted",
            "day,proficient,public,under-10,specialised",
        )
        .expect("valid");
        assert_eq!(
            f.identification.points(Phase::Identification).unwrap(),
            Some(2 + 5 + 4 + 1 + 3 + 2)
        );
        assert_eq!(
            f.exploitation.points(Phase::Exploitation).unwrap(),
            Some(3 + 2 + 4)
        );
        assert_eq!(f.total(), Some(26));
        assert_eq!(required_for(26), AttackPotential::High);
    }

    #[test]
    fn levels_outside_their_phase_are_refused() {
        let e = HwPhase::parse(
            "day,expert,very-critical-hardware,under-10,none",
            Phase::Exploitation,
        )
        .unwrap_err();
        assert!(e.to_string().contains("identification phase only"), "{e}");
        let e =
            HwPhase::parse("day,expert,public,under-10,none", Phase::Identification).unwrap_err();
        assert!(e.to_string().contains("6 expected"), "{e}");
        let e = HwPhase::parse("day,guru,public,under-10,none", Phase::Exploitation).unwrap_err();
        assert!(e.to_string().contains("unknown level `guru`"), "{e}");
    }

    #[test]
    fn not_practical_means_no_total() {
        let f = HwFactors::parse(
            "not-practical,expert,public,under-10,none,public",
            "day,expert,public,under-10,none",
        )
        .expect("valid");
        assert_eq!(f.total(), None);
    }
}
