//! Generated catalogue data, one module per edition.
//!
//! Why: keeps the machine-written statics apart from hand-written code. The modules are
//! produced by `cargo xtask gen-catalog` (see `crate::generator` and `errata.toml`) and must
//! not be edited by hand; they are excluded from rustfmt so regeneration is byte-stable.

#[rustfmt::skip]
pub(crate) mod cc2022;
#[rustfmt::skip]
pub(crate) mod cc31r5;
