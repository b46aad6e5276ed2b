//! Fuzzes the per-ecosystem version orderings: first byte picks the scheme, then up to three
//! versions; a total order where defined.
//! The body lives in `dtsec_fuzzing::osv_versions`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::osv_versions(data));
