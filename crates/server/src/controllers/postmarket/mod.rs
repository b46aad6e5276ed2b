//! Postmarket surveillance (issue 13): a certificate's SBOM, the advisory sync, matches,
//! assessments, the certification body's queue and its decisions, and the public VEX.

pub mod advisories;
pub mod assessments;
pub mod matches;
pub mod queue;
pub mod sbom;
pub mod vex;

pub mod about;
pub mod csaf;
pub mod notices;
pub mod queue_page;
