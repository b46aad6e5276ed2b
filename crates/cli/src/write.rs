//! Writing output files whole or not at all: write a temporary file beside the target, then
//! rename it over the target, so an interrupted run never leaves half a file.

use std::path::Path;

/// Writes `bytes` to `path` atomically (see [`dtsec_fsio::write_atomic`]).
pub fn atomic_write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    dtsec_fsio::write_atomic(path, bytes)
}
