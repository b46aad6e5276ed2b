//! CVSS v3.0 and v3.1 scoring: base, temporal and environmental, by the formulas of the
//! FIRST specification (section 7 and Appendix A). Written here because the `cvss` crate scores
//! v3 base metrics only, and a device-context (environmental) score is the point for dtsec.

use super::tokens::Parsed;
use super::{CvssVersion, Scores, Severity, tenths};

/// Roundup of v3.1 Appendix A: the smallest tenth at or above the input, computed on the input
/// rounded to five decimals so that floating-point noise (4.000000001) does not round up.
/// v3.0's plain ceiling is taken the same way, which is what an exact decimal computation gives.
fn roundup(x: f64) -> f64 {
    let int_input = (x * 100_000.0).round() as i64;
    if int_input % 10_000 == 0 {
        int_input as f64 / 100_000.0
    } else {
        ((int_input / 10_000) + 1) as f64 / 10.0
    }
}

fn av(v: &str) -> f64 {
    match v {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        _ => 0.2,
    }
}

fn ac(v: &str) -> f64 {
    if v == "L" { 0.77 } else { 0.44 }
}

fn pr(v: &str, changed: bool) -> f64 {
    match (v, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        (_, false) => 0.27,
        (_, true) => 0.5,
    }
}

fn ui(v: &str) -> f64 {
    if v == "N" { 0.85 } else { 0.62 }
}

fn cia(v: &str) -> f64 {
    match v {
        "H" => 0.56,
        "L" => 0.22,
        _ => 0.0,
    }
}

fn e(v: &str) -> f64 {
    match v {
        "F" => 0.97,
        "P" => 0.94,
        "U" => 0.91,
        _ => 1.0,
    }
}

fn rl(v: &str) -> f64 {
    match v {
        "W" => 0.97,
        "T" => 0.96,
        "O" => 0.95,
        _ => 1.0,
    }
}

fn rc(v: &str) -> f64 {
    match v {
        "R" => 0.96,
        "U" => 0.92,
        _ => 1.0,
    }
}

fn req(v: &str) -> f64 {
    match v {
        "H" => 1.5,
        "L" => 0.5,
        _ => 1.0,
    }
}

/// The modified metric's value, or the base metric's when it is not defined.
fn modified<'a>(p: &'a Parsed, name: &str, base: &str) -> &'a str {
    match p.get(name) {
        "X" => p.get(base),
        v => v,
    }
}

pub(super) fn score(p: &Parsed) -> Scores {
    let changed = p.get("S") == "C";
    let iss = 1.0 - (1.0 - cia(p.get("C"))) * (1.0 - cia(p.get("I"))) * (1.0 - cia(p.get("A")));
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability =
        8.22 * av(p.get("AV")) * ac(p.get("AC")) * pr(p.get("PR"), changed) * ui(p.get("UI"));
    let base = if impact <= 0.0 {
        0.0
    } else if changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    };
    let temporal_factor = e(p.get("E")) * rl(p.get("RL")) * rc(p.get("RC"));
    let temporal = roundup(base * temporal_factor);

    let m_changed = modified(p, "MS", "S") == "C";
    let miss = (1.0
        - (1.0 - req(p.get("CR")) * cia(modified(p, "MC", "C")))
            * (1.0 - req(p.get("IR")) * cia(modified(p, "MI", "I")))
            * (1.0 - req(p.get("AR")) * cia(modified(p, "MA", "A"))))
    .min(0.915);
    let m_impact = if m_changed {
        match p.version {
            CvssVersion::V3_0 => 7.52 * (miss - 0.029) - 3.25 * (miss - 0.02).powi(15),
            _ => 7.52 * (miss - 0.029) - 3.25 * (miss * 0.9731 - 0.02).powi(13),
        }
    } else {
        6.42 * miss
    };
    let m_exploitability = 8.22
        * av(modified(p, "MAV", "AV"))
        * ac(modified(p, "MAC", "AC"))
        * pr(modified(p, "MPR", "PR"), m_changed)
        * ui(modified(p, "MUI", "UI"));
    let environmental = if m_impact <= 0.0 {
        0.0
    } else if m_changed {
        roundup(roundup((1.08 * (m_impact + m_exploitability)).min(10.0)) * temporal_factor)
    } else {
        roundup(roundup((m_impact + m_exploitability).min(10.0)) * temporal_factor)
    };
    let has = |names: &[&str]| names.iter().any(|n| p.get(n) != "X");
    let has_env = has(&[
        "CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA",
    ]);
    let has_temporal = has(&["E", "RL", "RC"]);
    let overall = if has_env {
        environmental
    } else if has_temporal {
        temporal
    } else {
        base
    };
    Scores {
        version: p.version,
        vector: p.text.clone(),
        base: tenths(base),
        temporal: Some(tenths(temporal)),
        environmental: Some(tenths(environmental)),
        overall: tenths(overall),
        severity: Severity::of(overall),
        nomenclature: None,
        safety: Vec::new(),
        exploit_attacked: false,
    }
}

#[cfg(test)]
mod tests {
    use super::roundup;

    #[test]
    fn roundup_follows_appendix_a() {
        assert_eq!(roundup(4.02), 4.1);
        assert_eq!(roundup(4.0), 4.0);
        assert_eq!(roundup(4.000_000_000_1), 4.0);
    }
}
