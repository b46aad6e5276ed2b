//! The registry's transparency log stays compact (issue 16): once decisions fill a tile or an
//! entry bundle, its superseded partial versions are gone from `DATA_DIR/log/`, the disk per
//! entry stays a small multiple of the entry itself (it was ~31 KB when decisions arrived one at
//! a time), and the audit (the same `dtsec_tlog::audit` that `dtsec log audit` runs) and the
//! certificate proofs still verify against the compacted directory.

use std::path::Path;

use crate::common;
use dtsec_registry::{StatusRequest, Store};
use dtsec_tlog::{Checkpoint, DirSource, Verifier, audit};

/// Every file under `dir`, with its size.
fn files(dir: &Path, out: &mut Vec<(String, u64)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let p = e.path();
        if p.is_dir() {
            files(&p, out);
        } else {
            out.push((
                p.to_string_lossy().into_owned(),
                e.metadata().unwrap().len(),
            ));
        }
    }
}

async fn verifier_of(store: &Store) -> Verifier {
    Verifier::from_vkey(&store.log_vkey().expect("the store publishes the log")).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn partial_tiles_are_removed_and_proofs_and_audit_still_verify() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        // One decision at a time, past a full tile and entry bundle (256 entries).
        for i in 0..140 {
            for req in [StatusRequest::Suspend, StatusRequest::Reinstate] {
                s.change_certificate_status(&w.certifier, &cid, req, &format!("round {i}"))
                    .await
                    .unwrap();
            }
        }
        let verifier = verifier_of(s).await;
        let checkpoint = Checkpoint::open(&s.log_checkpoint().await.unwrap(), &verifier).unwrap();
        assert!(checkpoint.size > 256, "{b}: {} entries", checkpoint.size);

        let dir = s.log_dir();
        let mut all = Vec::new();
        files(&dir, &mut all);
        // No partial version of a tile or bundle whose full version exists.
        for (path, _) in &all {
            if let Some((full, _)) = path.split_once(".p/") {
                assert!(
                    !Path::new(full).exists(),
                    "{b}: {path} is kept beside its full tile {full}"
                );
            }
        }
        assert!(
            all.iter().any(|(p, _)| p.ends_with("/tile/0/000")),
            "{b}: the first full tile exists: {all:?}"
        );
        let bytes: u64 = all.iter().map(|(_, n)| n).sum();
        let per_entry = bytes / checkpoint.size;
        eprintln!(
            "{b}: log directory {bytes} bytes for {} entries: {per_entry} bytes per entry",
            checkpoint.size
        );
        assert!(
            per_entry < 4096,
            "{b}: {per_entry} bytes of log per entry (partial tiles kept?)"
        );

        // The audit reads the compacted directory (partial reads fall back to full tiles).
        let report = audit(&DirSource::new(&dir), &verifier).expect("the compacted log audits");
        assert_eq!(report.checkpoint.size, checkpoint.size, "{b}");
        // Proofs of the first and the latest revision, across the full tile.
        for rev in [Some(1), None] {
            let proof = s.certificate_proof(&cid, rev).await.unwrap();
            let tlog = proof.to_tlog_proof().unwrap();
            let c = tlog.verify(proof.entry.as_bytes(), &verifier).unwrap();
            assert_eq!(c.size, checkpoint.size, "{b}");
        }
        db.finish().await;
    }
}
