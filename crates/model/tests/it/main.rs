//! The integration tests of the document model, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod builtin_parse;
mod compiled;
mod deferred;
mod edition;
mod load;
mod schema;
mod versions;
mod yaml_errors;
