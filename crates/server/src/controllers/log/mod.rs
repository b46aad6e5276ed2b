//! The transparency log of certification decisions (issue 6), served to everyone: the signed
//! checkpoint, the C2SP tiles and entry bundles, the verifier key, proofs as JSON, and a page that
//! explains how to check it all with the `dtsec` CLI.
//!
//! Why the files are served from disk rather than from the writer's memory: what a mirror or a
//! CDN would serve is the log directory itself, so the server serves exactly that, and any
//! alteration of the directory is visible to verifiers instead of being masked by a cache.

pub mod files;
pub mod page;
pub mod proofs;

use dtsec_tlog::Checkpoint;

use crate::error::AppError;
use crate::state::AppState;

/// The signed checkpoint as published in the log directory, and its (unverified) contents.
///
/// The signature is not checked here: the server only needs the tree size to decide which tiles
/// exist, and verifiers check the signature themselves.
pub(crate) async fn published_checkpoint(
    state: &AppState,
) -> Result<(Vec<u8>, Checkpoint), AppError> {
    let path = state
        .store
        .log_dir()
        .join(dtsec_tlog::layout::CHECKPOINT_PATH);
    let signed = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(AppError::not_found(
                "the transparency log (this registry publishes none yet)",
            ));
        }
        Err(e) => return Err(AppError::internal(format!("{}: {e}", path.display()))),
    };
    let note = dtsec_tlog::note::parse(&signed)
        .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    let checkpoint = Checkpoint::parse_text(&note.text)
        .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    Ok((signed, checkpoint))
}
