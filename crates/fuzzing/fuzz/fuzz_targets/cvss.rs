//! Fuzzes CVSS vector parsing and scoring: scores in range and in tenths, the stored vector
//! scores the same, v3 metric order irrelevant.
//! The body lives in `dtsec_fuzzing::cvss`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::cvss(data));
