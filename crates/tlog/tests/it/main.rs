//! The integration tests of the transparency log, as one test binary (ripgrep's layout): one
//! binary links the crate and its dependencies once, where one per file linked them dozens of
//! times. Each module is one theme; its own `//!` says what it covers.

mod compaction;
mod fuzz_corpus;
mod log_storage;
mod notes_and_checkpoints;
mod proofs_against_reference;
mod rfc6962_vectors;
mod testdata_tree;
