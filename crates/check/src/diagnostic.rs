//! Findings as values: what the checker produces and every output format consumes.
//!
//! A [`Diagnostic`] says what is wrong (stable code, message), where (file, line, column, byte
//! range), how bad (severity), and what to do (help). Rules create them; `output` formats them.

use dtsec_model::Span;

/// How serious a finding is. Errors make `dtsec check` exit 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Informational.
    Note,
    /// Worth fixing; does not fail the check.
    Warning,
    /// Breaks a CC rule or the claimed PP; fails the check.
    Error,
}

impl Severity {
    /// Lower-case name, as printed.
    pub fn label(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A secondary location that helps explain a finding (e.g. the PP line that defines the choices).
#[derive(Clone, Debug, PartialEq)]
pub struct Related {
    /// Source name.
    pub file: String,
    /// Position in that source.
    pub span: Span,
    /// What is there.
    pub message: String,
}

/// One finding.
#[derive(Clone, Debug, PartialEq)]
pub struct Diagnostic {
    /// Stable code, e.g. `DT-DEP-001`; `dtsec explain CODE` documents it.
    pub code: &'static str,
    /// How serious.
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// Source name the span refers to.
    pub file: String,
    /// Where.
    pub span: Span,
    /// What to do about it.
    pub help: Option<String>,
    /// Other places worth looking at.
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// True for errors.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}
