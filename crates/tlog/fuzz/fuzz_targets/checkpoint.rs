//! Fuzzes the signed-note, checkpoint and key-string parsers.
//! The body lives in `dtsec_tlog::fuzzing`, which `tests/it/fuzz_corpus.rs` also runs over
//! the committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_tlog::fuzzing::checkpoint(data));
