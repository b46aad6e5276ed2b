//! The integration tests of the PDF writer, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod contents;
mod pdf;
mod support;
mod tagged;
mod unicode;
