//! Fuzzes VEX import in CycloneDX, CSAF and OpenVEX: what imports exports and re-imports
//! unchanged.
//! The body lives in `dtsec_fuzzing::vex_import`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::vex_import(data));
