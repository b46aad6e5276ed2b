//! The coverage report: which components an assessor cannot match or judge (no version, no
//! identifier, no support data). FDA expects every component, so these are gaps, not noise.

use crate::model::{Coverage, SbomDoc, SupportLevel};

/// The gaps of `doc`.
pub fn of(doc: &SbomDoc) -> Coverage {
    let mut c = Coverage {
        components: doc.components.len(),
        declared_complete: !doc.completeness.aggregates.is_empty()
            && doc.completeness.aggregates.iter().all(|a| a == "complete"),
        ..Coverage::default()
    };
    for comp in &doc.components {
        if comp.version.is_none() {
            c.no_version.push(comp.r#ref.clone());
        }
        if comp.purls.is_empty() && comp.cpes.is_empty() && comp.hashes.is_empty() {
            c.unidentifiable.push(comp.r#ref.clone());
        }
        if comp.support_level == SupportLevel::Unknown && comp.end_of_support.is_none() {
            c.no_support_data.push(comp.r#ref.clone());
        }
    }
    c
}
