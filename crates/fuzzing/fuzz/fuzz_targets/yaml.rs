//! Fuzzes the YAML document loader (size limit, UTF-8, the parser with spans).
//! The body lives in `dtsec_fuzzing::yaml`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::yaml(data));
