//! Issue 6: the `decision_log` outbox is published into the transparency log in `DATA_DIR/log/`.
//! Anyone holding the log's public key can audit the directory; every decision is in it, in
//! order; reopening the store (also after a crash between appending and recording) publishes
//! nothing twice.

mod common;

use dtsec_registry::{DEFAULT_LOG_ORIGIN, LOG_VKEY_FILE, StatusRequest, Store};
use dtsec_tlog::tile::parse_bundle;
use dtsec_tlog::{Checkpoint, DirSource, TileSource, Verifier, audit, layout};

/// Every entry of the log directory, read from its entry bundles (after `audit` checked them).
fn log_entries(store: &Store, verifier: &Verifier) -> Vec<String> {
    let source = DirSource::new(store.log_dir());
    let report = audit(&source, verifier).expect("the log audits");
    let mut out = Vec::new();
    for bundle in layout::bundles(report.checkpoint.size) {
        let data = source.read(&bundle.path()).expect("bundle readable");
        for e in parse_bundle(&data).expect("bundle parses") {
            out.push(String::from_utf8(e.to_vec()).expect("entries are UTF-8 JSON"));
        }
    }
    assert_eq!(out.len() as u64, report.checkpoint.size);
    out
}

async fn verifier_of(store: &Store) -> Verifier {
    let vkey = store.log_vkey().expect("the store publishes the log");
    let published = std::fs::read_to_string(store.config().data_dir.join(LOG_VKEY_FILE)).unwrap();
    assert_eq!(published.trim(), vkey, "log.pub holds the verifier key");
    let verifier = Verifier::from_vkey(&vkey).unwrap();
    let signed = store.log_checkpoint().await.unwrap();
    let checkpoint = Checkpoint::open(&signed, &verifier).expect("the checkpoint verifies");
    assert_eq!(checkpoint.origin, DEFAULT_LOG_ORIGIN);
    verifier
}

/// Swaps `db.store` for a reopened store on the same data directory and database, closing the
/// old one first (its log lock is released when it is dropped). `log` says whether the new
/// store publishes.
async fn reopen(db: &mut common::TestDb, log: bool) {
    let mut cfg = db.store.config().clone();
    let mut plain = cfg.clone();
    plain.log_origin = None;
    let placeholder = Store::open(plain).await.unwrap();
    let old = std::mem::replace(&mut db.store, placeholder);
    old.close().await;
    drop(old);
    if !log {
        return;
    }
    cfg.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
    let fresh = Store::open(cfg).await.unwrap();
    let placeholder = std::mem::replace(&mut db.store, fresh);
    placeholder.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_decisions_are_in_the_audited_log_in_order() {
    for mut db in common::backends().await {
        dtsec_registry::demo::load(&db.store).await.unwrap();
        let decisions = db.store.decision_entries().await.unwrap();
        assert!(decisions.len() > 5, "{}: {decisions:?}", db.backend);
        let verifier = verifier_of(&db.store).await;
        assert_eq!(
            log_entries(&db.store, &verifier),
            decisions,
            "{}",
            db.backend
        );
        let indexed = db.store.count_rows("decision_log_index").await.unwrap();
        assert_eq!(indexed as usize, decisions.len());

        // Reopening publishes nothing twice.
        reopen(&mut db, true).await;
        assert_eq!(
            log_entries(&db.store, &verifier),
            decisions,
            "{}",
            db.backend
        );
        assert_eq!(
            db.store.publish_log().await.unwrap(),
            decisions.len() as u64
        );
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catch_up_after_crash_is_idempotent() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        let (_, cid) = common::certified_pump(&db.store, &w).await;
        let verifier = verifier_of(&db.store).await;
        let first = db.store.log_checkpoint().await.unwrap();

        // A decision committed by a process without the log (or one that died before
        // publishing): it waits in the outbox.
        reopen(&mut db, false).await;
        db.store
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Suspend, Some("test"))
            .await
            .unwrap();
        assert_eq!(
            log_entries(&db.store, &verifier).len() + 1,
            db.store.decision_entries().await.unwrap().len()
        );
        // A crash after appending but before recording the indices: forget the last ones.
        sqlx::query("DELETE FROM decision_log_index WHERE log_index > 0")
            .execute(db.store.pool())
            .await
            .unwrap();

        // Reopening catches up: every decision once, in order, and the log only grew.
        reopen(&mut db, true).await;
        let decisions = db.store.decision_entries().await.unwrap();
        assert_eq!(
            log_entries(&db.store, &verifier),
            decisions,
            "{}",
            db.backend
        );
        assert_eq!(
            db.store.count_rows("decision_log_index").await.unwrap() as usize,
            decisions.len()
        );
        let old = Checkpoint::open(&first, &verifier).unwrap();
        let new = Checkpoint::open(&db.store.log_checkpoint().await.unwrap(), &verifier).unwrap();
        assert!(new.size > old.size);

        // A later decision is published at once.
        db.store
            .change_certificate_status(&w.certifier, &cid, StatusRequest::Reinstate, None)
            .await
            .unwrap();
        let decisions = db.store.decision_entries().await.unwrap();
        assert_eq!(log_entries(&db.store, &verifier), decisions);
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolled_back_log_is_refused() {
    for mut db in common::backends().await {
        let w = common::world(&db.store).await;
        common::certified_pump(&db.store, &w).await;
        reopen(&mut db, false).await;
        // Replace the log with an empty directory behind the registry's back.
        let dir = db.store.log_dir();
        std::fs::remove_dir_all(&dir).unwrap();
        let cfg = db.store.config().clone();
        let mut with_log = cfg.clone();
        with_log.log_origin = Some(DEFAULT_LOG_ORIGIN.into());
        let err = Store::open(with_log).await.unwrap_err().to_string();
        assert!(err.contains("rolled back"), "{}: {err}", db.backend);
        db.finish().await;
    }
}
