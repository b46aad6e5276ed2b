//! dtsec-catalog.
