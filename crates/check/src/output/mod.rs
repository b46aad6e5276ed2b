//! Formatting diagnostics: human (rustc/miette style), JSON, SARIF 2.1.0.
