//! `GET /log`: the transparency log for people — the latest checkpoint, the verifier key, the
//! latest entries, and how to check all of it with the `dtsec` CLI.

use std::collections::HashMap;
use std::fmt::Write as _;

use axum::extract::State;
use axum::response::Html;
use dtsec_registry::transparency::Decision;
use dtsec_tlog::layout::{self, Tile};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{Checkpoint, Verifier};

use crate::error::{AppError, AppResult};
use crate::html::{esc, layout};
use crate::session::Caller;
use crate::state::AppState;

/// Entries listed on the page, newest first.
const SHOWN: u64 = 20;

/// The last `SHOWN` entries of a tree of `size`, newest first: (index, text or why unreadable).
fn latest_entries(dir: &std::path::Path, size: u64) -> Vec<(u64, Result<String, String>)> {
    let mut bundles: HashMap<String, Result<Vec<Vec<u8>>, String>> = HashMap::new();
    let mut out = Vec::new();
    for index in (size.saturating_sub(SHOWN)..size).rev() {
        let Some(tile) = layout::tile_for(0, index, size) else {
            continue;
        };
        let path = Tile::entries(tile.index, tile.width).path();
        let bundle = bundles.entry(path.clone()).or_insert_with(|| {
            let data = std::fs::read(dir.join(&path)).map_err(|e| format!("{path}: {e}"))?;
            parse_bundle(&data)
                .map(|v| v.into_iter().map(<[u8]>::to_vec).collect())
                .map_err(|e| format!("{path}: {e}"))
        });
        let entry = match bundle {
            Ok(entries) => entries
                .get((index % layout::TILE_WIDTH) as usize)
                .map(|e| String::from_utf8_lossy(e).into_owned())
                .ok_or_else(|| format!("{path} is too short")),
            Err(e) => Err(e.clone()),
        };
        out.push((index, entry));
    }
    out
}

/// The page.
pub async fn page(State(state): State<AppState>, caller: Caller) -> AppResult<Html<String>> {
    let (signed, unverified) = super::published_checkpoint(&state)
        .await
        .map_err(AppError::html)?;
    let vkey = state.store.log_vkey().unwrap_or_default();
    let signature = match Verifier::from_vkey(&vkey) {
        Ok(v) => match Checkpoint::open(&signed, &v) {
            Ok(_) => "verifies with the verifier key below".to_string(),
            Err(e) => format!("DOES NOT VERIFY: {e}"),
        },
        Err(e) => format!("cannot be checked: the verifier key is unusable ({e})"),
    };
    let dir = state.store.log_dir();
    let size = unverified.size;
    let entries = tokio::task::spawn_blocking(move || latest_entries(&dir, size))
        .await
        .map_err(|e| AppError::internal(e.to_string()).html())?;

    let mut b = String::from(
        "<h1>Transparency log</h1>\
<p>Every certification decision of this registry — certificates issued, suspended, reinstated, \
revoked, extended or archived, ETRs accepted or rejected, and every change to a lab's approval — \
is appended to a public, append-only Merkle tree log \
(<a href=\"https://c2sp.org/tlog-tiles\">C2SP tlog-tiles</a>, RFC 6962 hashing). \
Its checkpoints are signed with the log's own key. Anyone can check that a certificate's \
status was published, that the log only ever grew, and recompute the whole tree.</p>",
    );
    let _ = write!(
        b,
        "<h2>Latest checkpoint</h2><table><tbody>\
<tr><th scope=\"row\">Origin</th><td><code>{}</code></td></tr>\
<tr><th scope=\"row\">Tree size (entries)</th><td>{}</td></tr>\
<tr><th scope=\"row\">Root hash (SHA-256, base64)</th><td><code>{}</code></td></tr>\
<tr><th scope=\"row\">Signature</th><td>{}</td></tr>\
</tbody></table><p>The signed checkpoint, as served at <a href=\"/log/checkpoint\">/log/checkpoint</a>:</p><pre>{}</pre>",
        esc(&unverified.origin),
        unverified.size,
        esc(&unverified.root.to_base64()),
        esc(&signature),
        esc(&String::from_utf8_lossy(&signed)),
    );
    let _ = write!(
        b,
        "<h2>Verifier key</h2><p>The log's public key in the signed-note format \
(<a href=\"/log/vkey\">/log/vkey</a>). Keep a copy: a verifier trusts nothing else.</p>\
<pre><code>{}</code></pre>",
        esc(&vkey)
    );
    b.push_str(
        "<h2>Latest entries</h2><table><thead><tr><th scope=\"col\">Index</th>\
<th scope=\"col\">Decision</th><th scope=\"col\">At</th></tr></thead><tbody>",
    );
    for (index, entry) in &entries {
        let (what, at) = match entry {
            Ok(text) => match Decision::parse(text.as_bytes()) {
                Ok(d) => (d.summary(), d.at().to_string()),
                Err(e) => (format!("unreadable entry: {e}"), String::new()),
            },
            Err(e) => (format!("missing: {e}"), String::new()),
        };
        let _ = write!(
            b,
            "<tr><td>{index}</td><td>{}</td><td>{}</td></tr>",
            esc(&what),
            esc(&at)
        );
    }
    if entries.is_empty() {
        b.push_str("<tr><td colspan=\"3\">The log is empty.</td></tr>");
    }
    b.push_str("</tbody></table>");
    b.push_str(
        "<h2>Verify with the dtsec CLI</h2>\
<p>Save the keys once: <code>curl -o scheme.pub REGISTRY/scheme.pub</code> and \
<code>curl -o log.vkey REGISTRY/log/vkey</code>.</p>\
<ul>\
<li>Offline, a certificate bundle (download it from the certificate's page): \
<code>dtsec verify DTSEC-YYYY-NNNN.bundle.json --key scheme.pub --log-key log.vkey</code></li>\
<li>Online, the current status, with the log's consistency against the last checkpoint you saw: \
<code>dtsec verify DTSEC-YYYY-NNNN.json --registry REGISTRY --key scheme.pub --log-key log.vkey</code></li>\
<li>The whole log, every tile and the checkpoint, recomputed: \
<code>dtsec log audit --registry REGISTRY --log-key log.vkey</code></li>\
<li>Follow it, printing every new decision: <code>dtsec log monitor --registry REGISTRY --log-key log.vkey</code></li>\
<li>Mirror it as static files: <code>dtsec log export DIR --registry REGISTRY --log-key log.vkey</code></li>\
</ul>",
    );
    Ok(Html(
        layout("Transparency log", caller.viewer(), &b).into_string(),
    ))
}
