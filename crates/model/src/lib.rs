//! dtsec-model.
