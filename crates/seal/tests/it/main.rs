//! The integration tests of canonical JSON, keys and sealed envelopes, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod canonical;
mod json_values;
mod keys;
mod sealed;
