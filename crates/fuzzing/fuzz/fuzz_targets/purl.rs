//! Fuzzes package URL normalisation: never panics, idempotent on what it accepts.
//! The body lives in `dtsec_fuzzing::purl`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::purl(data));
