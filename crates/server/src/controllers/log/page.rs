//! `GET /log`: the transparency log for people — the latest checkpoint, the verifier key, the
//! latest entries, and how to check all of it with the `dtsec` CLI.

use std::collections::HashMap;

use axum::extract::State;
use axum::response::Html;
use dtsec_registry::transparency::Decision;
use dtsec_tlog::layout::{self, Tile};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{Checkpoint, Verifier};

use crate::error::{AppError, AppResult};
use crate::html::{Markup, html, layout, url};
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

    let rows: Vec<(u64, Markup, String)> = entries
        .iter()
        .map(|(index, entry)| {
            let (what, at) = match entry {
                Ok(text) => match Decision::parse(text.as_bytes()) {
                    Ok(d) => (entry_cell(&d), d.at().to_string()),
                    Err(e) => (html! { "unreadable entry: " (e) }, String::new()),
                },
                Err(e) => (html! { "missing: " (e) }, String::new()),
            };
            (*index, what, at)
        })
        .collect();
    let b = html! {
        h1 { "Transparency log" }
        p {
            "Every certification decision of this registry — certificates issued, suspended, reinstated, "
            "revoked, extended or archived, ETRs accepted or rejected, and every change to a lab's approval — "
            "is appended to a public, append-only Merkle tree log ("
            a href="https://c2sp.org/tlog-tiles" { "C2SP tlog-tiles" }
            ", RFC 6962 hashing). Its checkpoints are signed with the log's own key. Anyone can check that a "
            "certificate's status was published, that the log only ever grew, and recompute the whole tree."
        }
        h2 { "Latest checkpoint" }
        table { tbody {
            tr { th scope="row" { "Origin" } td { code { (unverified.origin) } } }
            tr { th scope="row" { "Tree size (entries)" } td { (unverified.size) } }
            tr { th scope="row" { "Root hash (SHA-256, base64)" } td { code { (unverified.root.to_base64()) } } }
            tr { th scope="row" { "Signature" } td { (signature) } }
        } }
        p { "The signed checkpoint, as served at " a href="/log/checkpoint" { "/log/checkpoint" } ":" }
        pre { (String::from_utf8_lossy(&signed)) }
        h2 { "Verifier key" }
        p {
            "The log's public key in the signed-note format (" a href="/log/vkey" { "/log/vkey" }
            "). Keep a copy: a verifier trusts nothing else."
        }
        pre { code { (vkey) } }
        h2 { "Latest entries" }
        table class="stack" {
            thead { tr { th scope="col" { "Index" } th scope="col" { "Decision" } th scope="col" { "At" } } }
            tbody {
                @for (index, what, at) in &rows {
                    tr {
                        td data-label="Index" { (index) }
                        td data-label="Decision" { (what) }
                        td data-label="At" { (at) }
                    }
                }
                @if rows.is_empty() {
                    tr { td colspan="3" { "The log is empty." } }
                }
            }
        }
        h2 { "Verify with the dtsec CLI" }
        p {
            "Save the keys once: " code { "curl -o scheme.pub REGISTRY/scheme.pub" } " and "
            code { "curl -o log.vkey REGISTRY/log/vkey" } "."
        }
        ul {
            li {
                "Offline, a certificate bundle (download it from the certificate's page): "
                code { "dtsec verify DTSEC-YYYY-NNNN.bundle.json --key scheme.pub --log-key log.vkey" }
            }
            li {
                "Online, the current status, with the log's consistency against the last checkpoint you saw: "
                code { "dtsec verify DTSEC-YYYY-NNNN.json --registry REGISTRY --key scheme.pub --log-key log.vkey" }
            }
            li {
                "The whole log, every tile and the checkpoint, recomputed: "
                code { "dtsec log audit --registry REGISTRY --log-key log.vkey" }
            }
            li {
                "Follow it, printing every new decision: "
                code { "dtsec log monitor --registry REGISTRY --log-key log.vkey" }
            }
            li {
                "Mirror it as static files: "
                code { "dtsec log export DIR --registry REGISTRY --log-key log.vkey" }
            }
        }
    };
    Ok(Html(
        layout("Transparency log", caller.viewer(), b).into_string(),
    ))
}

/// One entry's summary; a decision about a certificate links to that certificate's page, so a
/// reader goes from the log to what was decided in one step.
fn entry_cell(d: &Decision) -> Markup {
    match d {
        Decision::Certificate(c) => html! {
            a href={ "/certificates/" (url(&c.certificate_id)) } { (d.summary()) }
        },
        _ => html! { (d.summary()) },
    }
}
