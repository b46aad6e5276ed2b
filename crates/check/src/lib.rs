//! dtsec's checker: every rule of ISO/IEC 15408 and of the claimed PPs that dtsec enforces.
#![forbid(unsafe_code)]

pub mod diagnostic;
pub mod output;
pub mod registry;

pub use diagnostic::{Diagnostic, Related, Severity};
pub use registry::{RULES, RuleInfo, Stability, rule};
