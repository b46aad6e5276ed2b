//! Crash safety of the decision log (issue 6), with the real binary: `dtsec serve` on a temp
//! data directory takes a burst of certificate status changes (suspend / reinstate, each a
//! certification decision) from several clients, is killed with SIGKILL in the middle of it,
//! and is started again. Then every decision acknowledged to a client is in the log, nothing
//! half-written remains (no temporary files, every decision published exactly once, the full
//! audit and the cross-check with the registry's statuses pass), and the new checkpoint is
//! consistent with every checkpoint published before the kill.

use crate::common;

use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::transparency::Decision;
use dtsec_registry::{DeviceFilter, Store, StoreConfig};
use dtsec_tlog::{Checkpoint, StorageError, TileReader, TileSource, Verifier, verify_consistency};

/// `dtsec serve` on the data directory, on a port the system picks.
fn serve(data: &Path, log: &Path) -> common::Served {
    common::serve(&["--data-dir", &data.display().to_string()], &[], log)
}

struct Http(String);

impl TileSource for Http {
    fn read(&self, path: &str) -> Result<Vec<u8>, StorageError> {
        let resp = common::http()
            .get(format!("{}/log/{path}", self.0))
            .send()
            .map_err(|e| StorageError::Other(e.to_string()))?;
        if resp.status() == reqwest::StatusCode::NOT_FOUND {
            return Err(StorageError::NotFound { path: path.into() });
        }
        resp.bytes()
            .map(|b| b.to_vec())
            .map_err(|e| StorageError::Other(e.to_string()))
    }
}

fn checkpoint(base: &str, verifier: &Verifier) -> Checkpoint {
    let signed = Http(base.into()).read("checkpoint").expect("checkpoint");
    Checkpoint::open(&signed, verifier).expect("the checkpoint verifies")
}

fn temp_files(dir: &Path, found: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).expect("readable").flatten() {
        let p = e.path();
        if p.is_dir() {
            temp_files(&p, found);
        } else if e.file_name().to_string_lossy().ends_with(".tmp") {
            found.push(p.display().to_string());
        }
    }
}

#[test]
fn decisions_acknowledged_before_sigkill_are_in_the_log_after_restart() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A registry with the demo, and an API token for its certifier.
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (token, ids) = rt.block_on(async {
        let mut cfg = StoreConfig::new(&data);
        cfg.password_cost = PasswordCost::Fast;
        let store = Store::open(cfg).await.unwrap();
        dtsec_registry::demo::load(&store).await.unwrap();
        let certifier = store
            .login(
                "certifier@demo.invalid",
                dtsec_registry::demo::DEMO_PASSWORD,
                "t",
            )
            .await
            .unwrap()
            .actor();
        let (_, token) = store.create_api_token(&certifier, "burst").await.unwrap();
        let active = store
            .search_devices(&DeviceFilter {
                status: Some("active".into()),
                ..DeviceFilter::default()
            })
            .await
            .unwrap();
        store.close().await;
        (
            token,
            active
                .into_iter()
                .map(|d| d.certificate_id)
                .collect::<Vec<_>>(),
        )
    });
    drop(rt);
    assert!(ids.len() >= 2, "the demo has active certificates: {ids:?}");

    let server = serve(&data, &dir.path().join("serve.log"));
    let base = server.base.clone();
    let vkey = common::http()
        .get(format!("{base}/log/vkey"))
        .send()
        .unwrap()
        .text()
        .unwrap();
    let verifier = Verifier::from_vkey(vkey.trim()).unwrap();
    let state = dir.path().join("state.json");
    let vkey_file = dir.path().join("log.vkey");
    std::fs::write(&vkey_file, &vkey).unwrap();
    let audit = |base: &str| {
        Command::new(env!("CARGO_BIN_EXE_dtsec"))
            .args([
                "log",
                "audit",
                "--registry",
                base,
                "--log-key",
                &vkey_file.display().to_string(),
                "--state",
                &state.display().to_string(),
            ])
            .output()
            .unwrap()
    };
    // The auditor has seen the log before the burst.
    let o = audit(&base);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let before = checkpoint(&base, &verifier);

    // The burst: one client per certificate, suspend / reinstate as fast as acknowledged.
    let acked: Arc<Mutex<Vec<(String, u64, String)>>> = Arc::default();
    let count = Arc::new(AtomicUsize::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = ids
        .iter()
        .take(4)
        .cloned()
        .map(|id| {
            let (acked, count, stop, token, base) = (
                acked.clone(),
                count.clone(),
                stop.clone(),
                token.clone(),
                base.clone(),
            );
            std::thread::spawn(move || {
                let client = common::http();
                let mut suspend = true;
                for _ in 0..500 {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    let body = if suspend {
                        serde_json::json!({"action": "suspend", "reason": "burst", "confirm": true})
                    } else {
                        serde_json::json!({"action": "reinstate", "reason": "burst over", "confirm": true})
                    };
                    let resp = client
                        .post(format!("{base}/api/v1/certificates/{id}/status"))
                        .bearer_auth(&token)
                        .header("content-type", "application/json")
                        .body(body.to_string())
                        .send();
                    let Ok(resp) = resp else { break };
                    if resp.status().is_success() {
                        let rec: serde_json::Value =
                            serde_json::from_str(&resp.text().unwrap_or_default())
                                .unwrap_or_default();
                        if let (Some(rev), Some(status)) =
                            (rec["revision"].as_u64(), rec["status"].as_str())
                        {
                            acked.lock().unwrap().push((id.clone(), rev, status.into()));
                            count.fetch_add(1, Ordering::SeqCst);
                        }
                    }
                    suspend = !suspend;
                }
            })
        })
        .collect();
    // Mid-burst: remember the last checkpoint published, then SIGKILL.
    let mut last_seen = before.clone();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    while count.load(Ordering::SeqCst) < 30 {
        assert!(
            std::time::Instant::now() < deadline,
            "fewer than 30 decisions acknowledged within 120 s:\n{}",
            server.log()
        );
        if let Ok(signed) = Http(base.clone()).read("checkpoint")
            && let Ok(c) = Checkpoint::open(&signed, &verifier)
        {
            last_seen = c;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let mut server = server;
    server.child.kill().expect("SIGKILL");
    server.child.wait().unwrap();
    stop.store(true, Ordering::SeqCst);
    for c in clients {
        c.join().unwrap();
    }
    let acked = acked.lock().unwrap().clone();
    assert!(acked.len() >= 30);

    // Restart on the same data directory (on a new port: the old one may linger).
    let server = serve(&data, &dir.path().join("serve-again.log"));
    let base = server.base.clone();
    let after = checkpoint(&base, &verifier);
    assert!(
        after.size >= before.size + acked.len() as u64,
        "{} < {} + {}",
        after.size,
        before.size,
        acked.len()
    );

    // Consistent with every checkpoint seen before the kill (proofs from the served tiles).
    let reader = TileReader::new(Http(base.clone()), after.size);
    for old in [&before, &last_seen] {
        let proof = reader.consistency_proof(old.size).unwrap();
        verify_consistency(old, &after, &proof).unwrap();
    }
    // Every acknowledged decision is in the log.
    let mut logged = Vec::new();
    for i in 0..after.size {
        if let Ok(Decision::Certificate(c)) = Decision::parse(&reader.entry(i).unwrap()) {
            logged.push((c.certificate_id, c.revision, c.status));
        }
    }
    for a in &acked {
        assert!(
            logged.contains(a),
            "acknowledged decision {a:?} is not in the log"
        );
    }
    // Nothing half-written: no temporary file left, the full audit (every tile, the root, the
    // consistency with the auditor's last checkpoint, the registry's statuses against the log)
    // passes, and every decision is published exactly once.
    let mut tmp = Vec::new();
    temp_files(&data.join("log"), &mut tmp);
    assert!(tmp.is_empty(), "temporary files remain: {tmp:?}");
    let o = audit(&base);
    assert!(
        o.status.success(),
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        String::from_utf8_lossy(&o.stdout).contains("consistent with the checkpoint seen before")
    );
    let rt = tokio::runtime::Runtime::new().unwrap();
    let (decisions, indexed) = rt.block_on(async {
        let mut cfg = StoreConfig::new(&data);
        cfg.log_origin = None; // the running server holds the log
        let store = Store::open(cfg).await.unwrap();
        let n = (
            store.count_rows("decision_log").await.unwrap(),
            store.count_rows("decision_log_index").await.unwrap(),
        );
        store.close().await;
        n
    });
    let now = checkpoint(&base, &verifier);
    assert_eq!(decisions as u64, now.size);
    assert_eq!(indexed as u64, now.size);
    drop(server);
}
