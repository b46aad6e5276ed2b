//! dtsec-check.
