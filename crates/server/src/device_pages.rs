//! The keeper of device pages (issue 16): renders, in the background, the anonymous page of
//! every certificate whose kept page is missing or out of date, and hands it to the registry to
//! keep (`dtsec_registry::Store::keep_device_pages`). The device page handler then answers the
//! public with one indexed read.
//!
//! Why in the background, not on the first view: a device page is read at random, so at scale
//! most views would be first views, and each would add a write to the read — on SQLite, one
//! more writer queued behind the certifier's decisions. The keeper writes its pages in batches,
//! one short transaction each.
//!
//! Why the keeper needs no knowledge of what a page shows: the database forgets a page when any
//! of it changes (triggers, migration 0025), and a page rendered while its certificate changed
//! is not kept. So a page the keeper has not redone yet is rendered per view, as before; a page
//! it kept is the page.

use std::io::{Read as _, Write as _};
use std::time::Duration;

use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;

use dtsec_registry::{KeptPage, MAX_PAGES_PER_BATCH, PageToMake};

use crate::session::Caller;
use crate::state::AppState;

/// How long the keeper waits when nothing is out of date.
pub const IDLE_WAIT: Duration = Duration::from_secs(1);

/// What one round of the keeper did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Round {
    /// Pages rendered.
    pub rendered: usize,
    /// Pages kept (a page whose certificate changed while it was rendered is not).
    pub kept: usize,
    /// Pages that could not be rendered (not listed again until their certificate changes).
    pub failed: usize,
}

/// One round: lists up to a batch of pages to make, renders them as the public sees them, and
/// keeps them.
///
/// # Errors
/// A database failure while listing or keeping. A page that cannot be rendered is counted and
/// logged, and the registry is told, so that it is not listed again until it changes.
pub async fn round(state: &AppState) -> dtsec_registry::Result<Round> {
    let work = state
        .store
        .device_pages_to_make(MAX_PAGES_PER_BATCH)
        .await?;
    let public = Caller::public();
    let mut made: Vec<(PageToMake, Option<KeptPage>)> = Vec::with_capacity(work.pages.len());
    let mut round = Round::default();
    for page in work.pages {
        match crate::controllers::devices::show::render(state, &public, &page.certificate_id).await
        {
            Ok(body) => {
                round.rendered += 1;
                let etag = crate::http_cache::etag_of(body.as_bytes());
                let gzip = compress(&body);
                made.push((page, Some(KeptPage { etag, gzip })));
            }
            Err(e) => {
                round.failed += 1;
                tracing::warn!(
                    certificate = %page.certificate_id,
                    error = ?e,
                    "device page not kept: it could not be rendered"
                );
                made.push((page, None));
            }
        }
    }
    round.kept = state
        .store
        .keep_device_pages(work.epoch, &work.day, &made)
        .await?;
    Ok(round)
}

/// The largest page expanded from its kept bytes (a device page is tens of kilobytes): bytes
/// that would expand further are not the page.
pub const MAX_PAGE_BYTES: u64 = 4 * 1024 * 1024;

/// `html` compressed as the registry keeps it (gzip, RFC 1952).
pub fn compress(html: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(html.len() / 4), Compression::default());
    // Writing to a vector cannot fail.
    let _ = encoder.write_all(html.as_bytes());
    encoder.finish().unwrap_or_default()
}

/// The page kept as `gzip`, or `None` when the bytes are not gzip (or cut short), would expand
/// past [`MAX_PAGE_BYTES`] (checked while expanding), or are not UTF-8.
pub fn expand(gzip: &[u8]) -> Option<String> {
    let mut out = Vec::with_capacity(gzip.len().saturating_mul(4).min(1 << 20));
    GzDecoder::new(gzip)
        .take(MAX_PAGE_BYTES + 1)
        .read_to_end(&mut out)
        .ok()?;
    if out.len() as u64 > MAX_PAGE_BYTES {
        return None;
    }
    String::from_utf8(out).ok()
}

/// Runs the keeper until the task is dropped: starts a new epoch (this server may render pages
/// differently from the one that kept them), then keeps pages round after round, waiting
/// [`IDLE_WAIT`] when nothing is out of date or the registry failed.
pub async fn keep(state: AppState) {
    if let Err(e) = state.store.new_device_page_epoch().await {
        tracing::warn!(error = %e, "kept device pages not renewed; the keeper stops");
        return;
    }
    // Since the keeper last had nothing to do: when it started, and what it did.
    let mut busy: Option<(std::time::Instant, Round)> = None;
    loop {
        match round(&state).await {
            Ok(r) if r.rendered > 0 || r.failed > 0 => {
                let (_, total) =
                    busy.get_or_insert_with(|| (std::time::Instant::now(), Round::default()));
                total.rendered += r.rendered;
                total.kept += r.kept;
                total.failed += r.failed;
            }
            Ok(_) => {
                // Said once per spell of work: operators (and the scale script) learn when
                // every page is kept.
                if let Some((since, total)) = busy.take() {
                    tracing::info!(
                        rendered = total.rendered,
                        kept = total.kept,
                        failed = total.failed,
                        seconds = format_args!("{:.1}", since.elapsed().as_secs_f64()),
                        "device pages kept: none is out of date"
                    );
                }
                tokio::time::sleep(IDLE_WAIT).await;
            }
            Err(e) => {
                tracing::warn!(error = %e, "device pages not kept this round");
                tokio::time::sleep(IDLE_WAIT).await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_expands_to_itself_and_nothing_else_expands() {
        let page = "<!doctype html><p>pompe à insuline</p>".repeat(200);
        let kept = compress(&page);
        assert!(kept.len() < page.len() / 4);
        assert_eq!(expand(&kept).as_deref(), Some(page.as_str()));
        assert_eq!(expand(b"not gzip"), None);
        assert_eq!(expand(&kept[..kept.len() / 2]), None, "cut short");
        // A bomb: more than the bound, refused while expanding.
        let mut bomb = GzEncoder::new(Vec::new(), Compression::best());
        let zeros = vec![b'a'; 1 << 20];
        for _ in 0..5 {
            bomb.write_all(&zeros).unwrap();
        }
        assert_eq!(expand(&bomb.finish().unwrap()), None);
    }
}
