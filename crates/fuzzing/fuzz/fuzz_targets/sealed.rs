//! Fuzzes sealed-envelope parsing and verification against a fixed test key.
//! The body lives in `dtsec_fuzzing::sealed`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::sealed(data));
