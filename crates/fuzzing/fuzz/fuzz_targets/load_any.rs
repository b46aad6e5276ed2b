//! Fuzzes the YAML-vs-NIAP-XML input routing of the command line and the registry's upload.
//! The body lives in `dtsec_fuzzing::load_any`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::load_any(data));
