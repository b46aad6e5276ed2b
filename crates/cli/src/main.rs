//! The `dtsec` binary: argument parsing and printing only.
fn main() {}
