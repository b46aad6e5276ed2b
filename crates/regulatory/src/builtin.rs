//! The mappings dtsec ships: the CDD PP 2.0 to each built-in framework.
//!
//! Why compiled in: `dtsec map` must give the same answer on every machine, and the mappings
//! are reviewed data that change with dtsec's releases, like the built-in PPs.

use dtsec_model::SourceFile;

use crate::error::RegulatoryError;
use crate::mapping::{self, MappingDocument};

/// `(file name, PP id, PP version, framework id, text)` of every built-in mapping.
pub const BUILTIN_MAPPINGS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "cdd-1.0--fda-2026.yaml",
        "cdd",
        "1.0",
        "fda-2026",
        include_str!("../data/mappings/cdd-1.0--fda-2026.yaml"),
    ),
    (
        "cdd-2.0--fda-2026.yaml",
        "cdd",
        "2.0",
        "fda-2026",
        include_str!("../data/mappings/cdd-2.0--fda-2026.yaml"),
    ),
    (
        "cdd-2.0--fda-524b.yaml",
        "cdd",
        "2.0",
        "fda-524b",
        include_str!("../data/mappings/cdd-2.0--fda-524b.yaml"),
    ),
    (
        "cdd-2.0--csf-2.0.yaml",
        "cdd",
        "2.0",
        "csf-2.0",
        include_str!("../data/mappings/cdd-2.0--csf-2.0.yaml"),
    ),
    (
        "cdd-2.0--iec-81001-5-1.yaml",
        "cdd",
        "2.0",
        "iec-81001-5-1",
        include_str!("../data/mappings/cdd-2.0--iec-81001-5-1.yaml"),
    ),
    (
        "cdd-2.0--iec-62443-4-2.yaml",
        "cdd",
        "2.0",
        "iec-62443-4-2",
        include_str!("../data/mappings/cdd-2.0--iec-62443-4-2.yaml"),
    ),
];

/// The built-in mapping from a PP edition to a framework, with its source (for positions).
pub fn find(
    pp: &str,
    version: &str,
    framework: &str,
) -> Result<(SourceFile, MappingDocument), RegulatoryError> {
    let (name, .., text) = BUILTIN_MAPPINGS
        .iter()
        .find(|(_, p, v, f, _)| *p == pp && *v == version && *f == framework)
        .ok_or_else(|| RegulatoryError::NoMapping {
            pp: pp.to_string(),
            version: version.to_string(),
            framework: framework.to_string(),
        })?;
    let source = SourceFile::new(format!("<builtin>/mappings/{name}"), *text);
    let doc = mapping::parse(&source)?;
    Ok((source, doc))
}
