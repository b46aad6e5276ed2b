//! The rules, grouped by the part of ISO/IEC 15408 they enforce. Each function adds findings to
//! the context; none of them fails or does I/O. Their codes and documentation live in
//! `registry.rs`.

pub mod claims;
pub mod components;
pub mod conformance;
pub mod dependencies;
pub mod niap;
pub mod objectives;
pub mod operations;
pub mod packages;
pub mod rationale;
pub mod refinements;
pub mod restrict;
pub mod roles;
pub mod scheme;
pub mod structure;

use crate::context::Ctx;

/// Runs every rule in a fixed order (so output is deterministic).
/// When a claimed document is missing, nothing else is checked: every finding would be noise
/// caused by the missing PP, like a compiler that stops at an unresolved import.
pub fn run_all(ctx: &mut Ctx<'_>) {
    if ctx.claims_unresolved || claims::package_without_pp(ctx) {
        return;
    }
    structure::check(ctx);
    components::check(ctx);
    dependencies::check(ctx);
    operations::check(ctx);
    refinements::check(ctx);
    rationale::check(ctx);
    objectives::check(ctx);
    conformance::check(ctx);
    roles::check(ctx);
    restrict::check(ctx);
    packages::check(ctx);
    scheme::check(ctx);
    claims::check(ctx);
    niap::check(ctx);
}
