//! What the device page shows of a sealed ETR (its summary, the regulatory coverage, the device
//! in words) is derived once, at submission, and stored as one blob named in the bundle's
//! `etr_summaries` row (issue 16): a page view never parses the bundle or the ST again. Facts
//! missing (an ETR submitted before they were stored), damaged or made by another derivation are
//! derived on first read, once, and stored.

use dtsec_registry::etr_facts::derivation_id;
use dtsec_registry::{EtrSummary, Store};

use crate::common;

/// A second store on the same data: its memos are empty, so what it answers comes from the
/// database and the blob store.
async fn reopened(db: &common::TestDb) -> Store {
    let mut cfg = common::config(db.dir.path());
    cfg.database_url = db.pg_url().map(str::to_string);
    Store::open(cfg).await.unwrap()
}

async fn facts_digest(s: &Store) -> Option<String> {
    sqlx::query_scalar::<_, Option<String>>("SELECT facts_sha256 FROM etr_summaries")
        .fetch_one(s.pool())
        .await
        .unwrap()
}

async fn point_etr_at(s: &Store, product: &str, digest: &str, size: usize) {
    sqlx::query("UPDATE products SET etr_blob_sha256 = $1, etr_blob_size = $2 WHERE id = $3")
        .bind(digest)
        .bind(size as i64)
        .bind(product)
        .execute(s.pool())
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facts_are_stored_at_submission_and_read_without_the_bundle() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, cid) = common::certified_pump(s, &w).await;
        assert_eq!(s.count_rows("etr_summaries").await.unwrap(), 1, "{b}");
        let stored = facts_digest(s).await.expect("facts named at submission");
        let bundle = s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap();
        let expected = EtrSummary::from_bundle(&bundle).unwrap();

        // The bundle made unreadable before anything was read: the page still has its
        // summary, coverage and words, so they are not derived per request.
        let bad = s.blobs().put(b"not a bundle").await.unwrap();
        point_etr_at(s, &product, &bad, 12).await;
        let other = reopened(&db).await;
        let first = other.etr_summary(&cid).await.unwrap();
        assert_eq!(first.lab, expected.lab, "{b}");
        assert_eq!(first.classes, expected.classes, "{b}");
        assert!(
            first.submitted_at.is_some() && first.accepted_at.is_some(),
            "{b}"
        );
        assert!(first.lab_key_id.is_some(), "{b}");
        let facts = other.etr_facts(&cid).await.unwrap().unwrap();
        assert_eq!(facts.derivation, derivation_id(), "{b}");
        let coverage = facts.coverage.as_ref().expect("the pump ST is mapped");
        assert!(!coverage.items.is_empty(), "{b}");
        assert!(
            facts
                .device_words
                .as_deref()
                .is_some_and(|w| w.contains("pump")),
            "{b}: {:?}",
            facts.device_words
        );
        assert_eq!(
            other.device_description(&cid).await.unwrap(),
            facts.device_words,
            "{b}"
        );

        // Facts never stored (an ETR submitted before they were): derived on first read from
        // the documents, and stored for every later view.
        sqlx::query("DELETE FROM etr_summaries")
            .execute(s.pool())
            .await
            .unwrap();
        assert!(
            reopened(&db).await.etr_summary(&cid).await.is_err(),
            "{b}: the unreadable bundle is parsed"
        );
        let good = s.blobs().put(bundle.as_bytes()).await.unwrap();
        point_etr_at(s, &product, &good, bundle.len()).await;
        assert_eq!(s.count_rows("etr_summaries").await.unwrap(), 0, "{b}");
        assert_eq!(
            reopened(&db).await.etr_summary(&cid).await.unwrap(),
            first,
            "{b}"
        );
        assert_eq!(
            facts_digest(s).await.as_deref(),
            Some(stored.as_str()),
            "{b}: the same facts, stored once read"
        );

        // Facts of another derivation (an upgrade changed a mapping) are derived again.
        let mut old = (*facts).clone();
        old.derivation = "0/old".into();
        old.device_words = Some("stale words".into());
        let old_blob = s
            .blobs()
            .put(&serde_json::to_vec(&old).unwrap())
            .await
            .unwrap();
        sqlx::query("UPDATE etr_summaries SET facts_sha256 = $1")
            .bind(&old_blob)
            .execute(s.pool())
            .await
            .unwrap();
        let again = reopened(&db).await;
        assert_eq!(
            again.etr_facts(&cid).await.unwrap().unwrap().device_words,
            facts.device_words,
            "{b}"
        );
        assert_eq!(
            facts_digest(s).await.as_deref(),
            Some(stored.as_str()),
            "{b}"
        );
        db.finish().await;
    }
}
