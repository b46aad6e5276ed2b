//! ETR summaries are computed once, at submission, and stored (issue 16): a device page reads
//! the stored summary and never parses the sealed bundle again; a summary missing (an ETR
//! submitted before summaries were stored) is computed on first read, once, and stored.

use crate::common;
use dtsec_registry::EtrSummary;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_is_stored_at_submission_and_read_without_the_bundle() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, cid) = common::certified_pump(s, &w).await;
        assert_eq!(s.count_rows("etr_summaries").await.unwrap(), 1, "{b}");
        let bundle = s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap();
        let expected = EtrSummary::from_bundle(&bundle).unwrap();
        let first = s.etr_summary(&cid).await.unwrap();
        assert_eq!(first.lab, expected.lab, "{b}");
        assert_eq!(first.classes, expected.classes, "{b}");
        assert!(
            first.submitted_at.is_some() && first.accepted_at.is_some(),
            "{b}"
        );
        assert!(first.lab_key_id.is_some(), "{b}");

        // The row made to name an unreadable bundle: the page still has its summary, so it is
        // not parsed per request.
        let bad = s.blobs().put(b"not a bundle").await.unwrap();
        sqlx::query("UPDATE products SET etr_blob_sha256 = $1, etr_blob_size = $2 WHERE id = $3")
            .bind(&bad)
            .bind(12i64)
            .bind(&product)
            .execute(s.pool())
            .await
            .unwrap();
        assert_eq!(s.etr_summary(&cid).await.unwrap(), first, "{b}");

        // A summary that was never stored (an older ETR): computed on first read and stored.
        sqlx::query("DELETE FROM etr_summaries")
            .execute(s.pool())
            .await
            .unwrap();
        assert!(
            s.etr_summary(&cid).await.is_err(),
            "{b}: the unreadable bundle is parsed"
        );
        let good = s.blobs().put(bundle.as_bytes()).await.unwrap();
        sqlx::query("UPDATE products SET etr_blob_sha256 = $1, etr_blob_size = $2 WHERE id = $3")
            .bind(&good)
            .bind(bundle.len() as i64)
            .bind(&product)
            .execute(s.pool())
            .await
            .unwrap();
        assert_eq!(s.count_rows("etr_summaries").await.unwrap(), 0, "{b}");
        assert_eq!(s.etr_summary(&cid).await.unwrap(), first, "{b}");
        assert_eq!(
            s.count_rows("etr_summaries").await.unwrap(),
            1,
            "{b}: stored once read"
        );
        db.finish().await;
    }
}
