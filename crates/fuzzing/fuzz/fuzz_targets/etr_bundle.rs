//! Fuzzes `dtsec_fuzzing::etr_bundle` (see its documentation); `tests/it/corpus.rs` replays the committed
//! corpus through the same function on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::etr_bundle(data));
