//! Fuzzes regulatory mapping YAML: parsed with its budget, checked, findings bounded by the
//! input's length.
//! The body lives in `dtsec_fuzzing::mapping`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::mapping(data));
