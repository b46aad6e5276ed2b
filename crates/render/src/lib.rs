//! dtsec-render.
