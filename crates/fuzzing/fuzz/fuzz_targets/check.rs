//! Fuzzes the checker on whatever the YAML loader or the NIAP reader accepts, with a budget
//! of findings.
//! The body lives in `dtsec_fuzzing::check`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::check(data));
