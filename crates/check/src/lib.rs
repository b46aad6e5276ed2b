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
pub mod mapping_rules;
pub mod output;
pub mod registry;
pub mod rules;

pub use context::CheckInput;
pub use diagnostic::{Diagnostic, Related, Severity};
pub use mapping_rules::MAPPING_RULES;
pub use registry::{RULES, RuleInfo, Stability, rule};

/// Checks one document and returns every finding, sorted by position.
pub fn check(input: CheckInput<'_>) -> Vec<Diagnostic> {
    // A NIAP ST's SFRs from claimed documents that are not available cannot be judged: check
    // the rest, and count them only as present (DT-NIAP-001 says what was skipped).
    let filtered;
    let mut unchecked = Vec::new();
    let doc = input.document;
    let input = match unavailable_niap_claims(input) {
        Some(missing) => {
            let mut copy = doc.clone();
            copy.sfrs.retain(|s| {
                let skip = s
                    .base_pp
                    .as_ref()
                    .is_some_and(|b| missing.contains(&b.value));
                if skip {
                    unchecked.push(s.id.value.clone());
                }
                !skip
            });
            filtered = copy;
            CheckInput {
                document: &filtered,
                ..input
            }
        }
        None => input,
    };
    let mut ctx = context::Ctx::new(input);
    ctx.unchecked_sfrs = unchecked;
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

/// For a NIAP-format ST: the ids of claimed documents the library does not have.
fn unavailable_niap_claims(input: CheckInput<'_>) -> Option<Vec<String>> {
    let doc = input.document;
    if !doc.conformance.niap.as_ref().is_some_and(|n| n.st) {
        return None;
    }
    let missing: Vec<String> = doc
        .conformance
        .pps
        .iter()
        .chain(&doc.conformance.packages)
        .filter(|r| {
            context::find_claim(input.library, r, dtsec_catalog::Edition::default())
                .0
                .is_none()
        })
        .map(|r| r.id.value.clone())
        .collect();
    (!missing.is_empty()).then_some(missing)
}

/// Findings that mean the input could not be checked at all (a claimed PP is missing, the CC
/// edition is unknown): `dtsec check` exits 2 for them, as for unreadable input.
pub fn is_input_unusable(d: &Diagnostic) -> bool {
    matches!(
        d.code,
        "DT-CONF-001" | "DT-DOC-004" | output::UNREADABLE_INPUT
    )
}
