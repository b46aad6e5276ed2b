//! The integration tests of dtsec-fuzzing, in one binary: the committed corpus replayed through
//! every fuzz target on stable Rust, so `cargo test` holds every regression input.

mod corpus;
