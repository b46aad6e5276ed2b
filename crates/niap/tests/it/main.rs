//! The integration tests of NIAP XML import and export, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod builtin_xml;
mod builtins_roundtrip;
mod corpus;
mod export;
mod fixtures;
mod hostile;
mod module_bases;
mod nested_sections;
mod roundtrip;
mod st_corpus;
