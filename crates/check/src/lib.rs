//! dtsec's checker: the rules of ISO/IEC 15408 and of the claimed PPs that a PP, package or
//! Security Target must follow, each with a stable code.
//!
//! ```
//! use dtsec_model::{Library, SourceFile, parse_document};
//! let src = SourceFile::new("st.yaml", "kind: security-target\nid: st\nversion: '1'\ntitle: T\nsfrs:\n  - id: FXX_NOPE.1\n");
//! let doc = parse_document(&src).unwrap();
//! let lib = Library::with_builtins();
//! let found = dtsec_check::check(dtsec_check::CheckInput { source: &src, document: &doc, library: &lib });
//! assert!(found.iter().any(|d| d.code == "DT-CAT-001"));
//! ```
//!
//! Errors policy: checking never fails. Whatever the document holds, [`check`] returns the
//! findings; documents that cannot be parsed are `dtsec_model::LoadError`s before they get here.
#![forbid(unsafe_code)]

pub mod context;
pub mod diagnostic;
pub mod output;
pub mod registry;
pub mod rules;

pub use context::CheckInput;
pub use diagnostic::{Diagnostic, Related, Severity};
pub use registry::{RULES, RuleInfo, Stability, rule};

/// Checks one document and returns every finding, sorted by position.
pub fn check(input: CheckInput<'_>) -> Vec<Diagnostic> {
    let mut ctx = context::Ctx::new(input);
    rules::run_all(&mut ctx);
    let mut diags = ctx.diags;
    diags.sort_by(|a, b| {
        (a.file.as_str(), a.span.line, a.span.column, a.code).cmp(&(
            b.file.as_str(),
            b.span.line,
            b.span.column,
            b.code,
        ))
    });
    diags.dedup();
    diags
}

/// Findings that mean the input could not be checked at all (a claimed PP is missing, the CC
/// edition is unknown): `dtsec check` exits 2 for them, as for unreadable input.
pub fn is_input_unusable(d: &Diagnostic) -> bool {
    matches!(d.code, "DT-CONF-001" | "DT-DOC-004")
}
