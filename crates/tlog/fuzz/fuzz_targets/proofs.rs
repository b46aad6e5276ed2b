//! Fuzzes tlog-proof parsing and proof verification with arbitrary sizes and hashes.
//! The body lives in `dtsec_tlog::fuzzing`, which `tests/it/fuzz_corpus.rs` also runs over
//! the committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_tlog::fuzzing::proofs(data));
