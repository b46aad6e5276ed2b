//! Fuzzes NIAP XML: PP, PP-Module and Package import, and NIAP ST reading.
//! The body lives in `dtsec_fuzzing::niap`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::niap(data));
