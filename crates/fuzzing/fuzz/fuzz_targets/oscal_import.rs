//! Fuzzes OSCAL validation and catalog import: what imports exports to a fixed point.
//! The body lives in `dtsec_fuzzing::oscal_import`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::oscal_import(data));
