//! Fuzzes SBOM ingestion (CycloneDX/SPDX JSON): deterministic, serde round trip of the model,
//! purls normalised to a fixed point.
//! The body lives in `dtsec_fuzzing::sbom`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::sbom(data));
