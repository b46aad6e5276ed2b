//! The integration tests of the checker, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod broken_corpus;
mod dependency_props;
mod docs;
mod output_formats;
mod rules;
