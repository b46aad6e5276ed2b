//! The strict tokeniser shared by both versions: prefix, known metrics with known values, no
//! duplicates, all base metrics, and (v4.0) the order of the FIRST specification's table.

use super::CvssVersion;

/// The longest vector accepted: every v4.0 metric with its longest value is under 200 bytes.
pub const MAX_VECTOR_LEN: usize = 512;

/// Why a vector was refused. Each names the rule and the offending part.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CvssError {
    /// Longer than [`MAX_VECTOR_LEN`].
    #[error("the vector is {0} bytes long; at most {MAX_VECTOR_LEN} are accepted")]
    TooLong(usize),
    /// No `CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/` prefix.
    #[error(
        "the vector has no version prefix (`CVSS:3.0/`, `CVSS:3.1/` or `CVSS:4.0/`); a bare vector is ambiguous, so it is not scored"
    )]
    NoPrefix,
    /// A prefix of a version not supported.
    #[error("CVSS version `{0}` is not supported (3.0, 3.1 and 4.0 are)")]
    Version(String),
    /// A part that is not `METRIC:VALUE`.
    #[error("part {position} `{part}` is not METRIC:VALUE")]
    Malformed {
        /// 1-based position after the prefix.
        position: usize,
        /// The part.
        part: String,
    },
    /// A metric the version does not define.
    #[error("part {position}: `{metric}` is not a CVSS {version} metric")]
    UnknownMetric {
        /// 1-based position.
        position: usize,
        /// The metric.
        metric: String,
        /// The version.
        version: &'static str,
    },
    /// A value the metric does not have.
    #[error("part {position}: `{metric}:{value}` — {metric} takes one of {allowed}")]
    BadValue {
        /// 1-based position.
        position: usize,
        /// The metric.
        metric: String,
        /// The value.
        value: String,
        /// The values it takes.
        allowed: String,
    },
    /// A metric given twice.
    #[error("part {position}: metric `{metric}` appears twice (a vector gives each metric once)")]
    Duplicate {
        /// 1-based position of the second one.
        position: usize,
        /// The metric.
        metric: String,
    },
    /// A base metric missing.
    #[error("base metric `{0}` is missing (every base metric is required)")]
    MissingBase(String),
    /// v4.0 metrics out of the specification's order.
    #[error(
        "part {position}: `{metric}` comes after `{previous}`, but CVSS 4.0 fixes the order ({previous} follows {metric})"
    )]
    Order {
        /// 1-based position.
        position: usize,
        /// The metric out of place.
        metric: String,
        /// The metric before it.
        previous: String,
    },
}

/// One metric of a version: its name, the values it takes, and whether it is a base metric.
struct MetricDef {
    name: &'static str,
    values: &'static [&'static str],
    base: bool,
}

const fn m(name: &'static str, values: &'static [&'static str], base: bool) -> MetricDef {
    MetricDef { name, values, base }
}

/// CVSS v3.0/v3.1 metrics (the order is the specification's, though v3 does not require it).
const V3: &[MetricDef] = &[
    m("AV", &["N", "A", "L", "P"], true),
    m("AC", &["L", "H"], true),
    m("PR", &["N", "L", "H"], true),
    m("UI", &["N", "R"], true),
    m("S", &["U", "C"], true),
    m("C", &["H", "L", "N"], true),
    m("I", &["H", "L", "N"], true),
    m("A", &["H", "L", "N"], true),
    m("E", &["X", "H", "F", "P", "U"], false),
    m("RL", &["X", "U", "W", "T", "O"], false),
    m("RC", &["X", "C", "R", "U"], false),
    m("CR", &["X", "H", "M", "L"], false),
    m("IR", &["X", "H", "M", "L"], false),
    m("AR", &["X", "H", "M", "L"], false),
    m("MAV", &["X", "N", "A", "L", "P"], false),
    m("MAC", &["X", "L", "H"], false),
    m("MPR", &["X", "N", "L", "H"], false),
    m("MUI", &["X", "N", "R"], false),
    m("MS", &["X", "U", "C"], false),
    m("MC", &["X", "H", "L", "N"], false),
    m("MI", &["X", "H", "L", "N"], false),
    m("MA", &["X", "H", "L", "N"], false),
];

/// CVSS v4.0 metrics in the order the specification fixes.
const V4: &[MetricDef] = &[
    m("AV", &["N", "A", "L", "P"], true),
    m("AC", &["L", "H"], true),
    m("AT", &["N", "P"], true),
    m("PR", &["N", "L", "H"], true),
    m("UI", &["N", "P", "A"], true),
    m("VC", &["H", "L", "N"], true),
    m("VI", &["H", "L", "N"], true),
    m("VA", &["H", "L", "N"], true),
    m("SC", &["H", "L", "N"], true),
    m("SI", &["H", "L", "N"], true),
    m("SA", &["H", "L", "N"], true),
    m("E", &["X", "A", "P", "U"], false),
    m("CR", &["X", "H", "M", "L"], false),
    m("IR", &["X", "H", "M", "L"], false),
    m("AR", &["X", "H", "M", "L"], false),
    m("MAV", &["X", "N", "A", "L", "P"], false),
    m("MAC", &["X", "L", "H"], false),
    m("MAT", &["X", "N", "P"], false),
    m("MPR", &["X", "N", "L", "H"], false),
    m("MUI", &["X", "N", "P", "A"], false),
    m("MVC", &["X", "H", "L", "N"], false),
    m("MVI", &["X", "H", "L", "N"], false),
    m("MVA", &["X", "H", "L", "N"], false),
    m("MSC", &["X", "H", "L", "N"], false),
    m("MSI", &["X", "S", "H", "L", "N"], false),
    m("MSA", &["X", "S", "H", "L", "N"], false),
    m("S", &["X", "N", "P"], false),
    m("AU", &["X", "N", "Y"], false),
    m("R", &["X", "A", "U", "I"], false),
    m("V", &["X", "D", "C"], false),
    m("RE", &["X", "L", "M", "H"], false),
    m("U", &["X", "Clear", "Green", "Amber", "Red"], false),
];

/// A checked vector: its version, the text, and each metric's value (in the order given).
#[derive(Debug, Clone)]
pub(super) struct Parsed {
    pub version: CvssVersion,
    pub text: String,
    pub metrics: Vec<(&'static str, String)>,
}

impl Parsed {
    /// The value of a metric, `X` (not defined) when absent.
    pub fn get(&self, name: &str) -> &str {
        self.metrics
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("X", |(_, v)| v.as_str())
    }
}

pub(super) fn parse(vector: &str) -> Result<Parsed, CvssError> {
    if vector.len() > MAX_VECTOR_LEN {
        return Err(CvssError::TooLong(vector.len()));
    }
    let vector = vector.trim();
    let Some(rest) = vector.strip_prefix("CVSS:") else {
        return Err(CvssError::NoPrefix);
    };
    let (ver, body) = rest.split_once('/').unwrap_or((rest, ""));
    let (version, defs) = match ver {
        "3.0" => (CvssVersion::V3_0, V3),
        "3.1" => (CvssVersion::V3_1, V3),
        "4.0" => (CvssVersion::V4_0, V4),
        other => return Err(CvssError::Version(other.to_string())),
    };
    let mut metrics: Vec<(&'static str, String)> = Vec::new();
    let mut last_index: Option<usize> = None;
    for (i, part) in body.split('/').enumerate() {
        let position = i + 1;
        let Some((name, value)) = part.split_once(':') else {
            return Err(CvssError::Malformed {
                position,
                part: part.to_string(),
            });
        };
        if name.is_empty() || value.is_empty() || value.contains(':') {
            return Err(CvssError::Malformed {
                position,
                part: part.to_string(),
            });
        }
        let Some((index, def)) = defs.iter().enumerate().find(|(_, d)| d.name == name) else {
            return Err(CvssError::UnknownMetric {
                position,
                metric: name.to_string(),
                version: version.label(),
            });
        };
        if !def.values.contains(&value) {
            return Err(CvssError::BadValue {
                position,
                metric: name.to_string(),
                value: value.to_string(),
                allowed: def.values.join(", "),
            });
        }
        if metrics.iter().any(|(n, _)| *n == def.name) {
            return Err(CvssError::Duplicate {
                position,
                metric: name.to_string(),
            });
        }
        if version == CvssVersion::V4_0
            && let Some(last) = last_index
            && index < last
        {
            return Err(CvssError::Order {
                position,
                metric: name.to_string(),
                previous: defs[last].name.to_string(),
            });
        }
        last_index = Some(index);
        metrics.push((def.name, value.to_string()));
    }
    if let Some(missing) = defs
        .iter()
        .filter(|d| d.base)
        .find(|d| !metrics.iter().any(|(n, _)| *n == d.name))
    {
        return Err(CvssError::MissingBase(missing.name.to_string()));
    }
    Ok(Parsed {
        version,
        text: vector.to_string(),
        metrics,
    })
}
