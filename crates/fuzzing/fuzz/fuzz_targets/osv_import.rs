//! Fuzzes OSV record import (schema, read) and range evaluation against the record's own
//! versions.
//! The body lives in `dtsec_fuzzing::osv_import`, which `tests/it/corpus.rs` also runs over the
//! committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::osv_import(data));
