//! Fuzzes the compiled form of documents (MessagePack with spans), which `dtsec`'s document
//! cache reads back from disk. The body lives in `dtsec_fuzzing::compiled`, which
//! `tests/it/corpus.rs` also runs over the committed corpus on stable Rust.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| dtsec_fuzzing::compiled(data));
