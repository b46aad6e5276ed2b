//! `GET /log/checkpoint`, `GET /log/tile/...` (C2SP tlog-tiles paths) and `GET /log/vkey`.
//!
//! Tiles are read straight from the log directory. A request path is parsed strictly with the
//! tlog-tiles grammar and the file name is rebuilt from the parsed tile, so nothing outside the
//! log can be named (no `..`, no other file). Tiles beyond the published tree are 404 even when
//! a file exists (a writer that crashed before its checkpoint may leave some), because no
//! checkpoint requires them. Full tiles never change, so they are cacheable forever; partial
//! tiles and the checkpoint are not.

use axum::extract::{Path, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use dtsec_tlog::layout::{self, TILE_WIDTH, Tile, TileKind};

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// `Cache-Control` of a full tile or entry bundle: its bytes can never change.
pub const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// `Cache-Control` of a partial tile: superseded as the log grows.
pub const PARTIAL: &str = "public, max-age=60";
/// `Cache-Control` of the checkpoint: changes with every decision.
pub const CHECKPOINT: &str = "no-cache";

fn text(body: Vec<u8>, cache: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        body,
    )
        .into_response()
}

/// The latest signed checkpoint (a C2SP signed note), as published.
pub async fn checkpoint(State(state): State<AppState>) -> AppResult<Response> {
    let (signed, _) = super::published_checkpoint(&state).await?;
    Ok(text(signed, CHECKPOINT))
}

/// The log's verifier key, `name+id+key` (the note verifier key format), one line.
pub async fn vkey(State(state): State<AppState>) -> AppResult<Response> {
    let vkey = state
        .store
        .log_vkey()
        .ok_or_else(|| AppError::not_found("the transparency log's key (no log is published)"))?;
    Ok(text(format!("{vkey}\n").into_bytes(), CHECKPOINT))
}

/// Whether the tree of `size` entries contains `tile` (at this width: a partial tile of an
/// earlier size is still a correct prefix and stays servable).
fn in_tree(tile: &Tile, size: u64) -> bool {
    let level = match tile.kind {
        TileKind::Hashes { level } => level,
        TileKind::Entries => 0,
    };
    let count = layout::hashes_at_level(size, level);
    tile.index
        .checked_mul(TILE_WIDTH)
        .and_then(|start| start.checked_add(u64::from(tile.width)))
        .is_some_and(|end| end <= count)
}

/// A tile or entry bundle: `/log/tile/<L>/<N>[.p/<W>]` or `/log/tile/entries/<N>[.p/<W>]`.
pub async fn tile(State(state): State<AppState>, Path(rest): Path<String>) -> AppResult<Response> {
    let requested = format!("tile/{rest}");
    let tile = Tile::parse_path(&requested).map_err(|e| AppError::not_found(e.to_string()))?;
    let (_, checkpoint) = super::published_checkpoint(&state).await?;
    if !in_tree(&tile, checkpoint.size) {
        return Err(AppError::not_found(format!(
            "{requested}: not in the published tree of {} entries (a tile that is not full yet is served only under its partial name, `<N>.p/<width>`)",
            checkpoint.size
        )));
    }
    // Rebuilt from the parsed tile: the canonical path, and nothing else, is read. A partial
    // tile the log has removed since its full tile was published is served as the full tile's
    // prefix, so clients that do not fall back themselves still get their tile.
    let source = dtsec_tlog::DirSource::new(state.store.log_dir());
    let bytes = tokio::task::spawn_blocking(move || dtsec_tlog::tile::read_tile(&source, &tile))
        .await
        .map_err(|e| AppError::internal(format!("reading {requested}: {e}")))?
        .map_err(|e| match e {
            dtsec_tlog::StorageError::NotFound { .. } => AppError::not_found(requested.clone()),
            other => AppError::internal(format!("{requested}: {other}")),
        })?;
    let cache = if tile.is_partial() {
        PARTIAL
    } else {
        IMMUTABLE
    };
    Ok((
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/octet-stream"),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static(cache)),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiles_in_and_beyond_the_tree() {
        let t = |p: &str| Tile::parse_path(p).unwrap();
        assert!(in_tree(&t("tile/0/000.p/5"), 5));
        assert!(in_tree(&t("tile/0/000.p/3"), 5));
        assert!(!in_tree(&t("tile/0/000.p/6"), 5));
        assert!(!in_tree(&t("tile/0/000"), 255));
        assert!(in_tree(&t("tile/0/000"), 256));
        assert!(in_tree(&t("tile/1/000.p/1"), 256));
        assert!(!in_tree(&t("tile/1/000.p/1"), 255));
        assert!(in_tree(&t("tile/entries/001.p/4"), 260));
        assert!(!in_tree(&t("tile/entries/002.p/1"), 260));
        assert!(!in_tree(
            &t("tile/0/x018/x446/x744/x073/x709/x551/615"),
            u64::MAX
        ));
    }
}
