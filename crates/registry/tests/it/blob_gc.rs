//! The blob store's garbage collection (issue 16): an orphan older than the grace period is
//! removed (only listed in a dry run); a blob a row names is never removed, whatever the grace;
//! an orphan within the grace period stays (it may be an upload whose row is not committed yet).

use std::time::{Duration, SystemTime};

use dtsec_registry::Store;

use crate::common;

fn blob_path(s: &Store, digest: &str) -> std::path::PathBuf {
    std::path::PathBuf::from(s.blobs().location())
        .join(&digest[0..2])
        .join(&digest[2..4])
        .join(digest)
}

/// Makes a blob look stored two hours ago.
fn age(s: &Store, digest: &str) {
    std::fs::File::options()
        .append(true)
        .open(blob_path(s, digest))
        .unwrap()
        .set_modified(SystemTime::now() - Duration::from_secs(7200))
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreferenced_old_blobs_go_and_referenced_ones_never_do() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, cid) = common::certified_pump(s, &w).await;
        let st = s.st_text(&w.certifier, &product).await.unwrap().unwrap();
        let etr = s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap();
        let st_d = dtsec_registry::blob::digest_of(st.as_bytes());
        let etr_d = dtsec_registry::blob::digest_of(etr.as_bytes());
        // One orphan from long ago (a rolled-back upload), one just put (an upload in flight).
        let old = s
            .blobs()
            .put(b"an ETR whose transaction rolled back")
            .await
            .unwrap();
        let fresh = s.blobs().put(b"an upload not committed yet").await.unwrap();
        for d in [&st_d, &etr_d, &old] {
            age(s, d);
        }
        let hour = Duration::from_secs(3600);

        let dry = s.collect_blob_garbage(hour, true).await.unwrap();
        assert!(dry.dry_run);
        assert_eq!(
            dry.removed.iter().map(|(d, _)| d).collect::<Vec<_>>(),
            [&old],
            "{b}"
        );
        // Referenced: the ST, the sealed ETR and the facts derived from it (`etr_facts`).
        assert_eq!(
            (dry.blobs, dry.referenced, dry.recent),
            (5, 3, 1),
            "{b}: {dry:?}"
        );
        assert!(
            blob_path(s, &old).is_file(),
            "{b}: a dry run removes nothing"
        );

        let done = s.collect_blob_garbage(hour, false).await.unwrap();
        assert_eq!(done.removed, dry.removed, "{b}");
        assert_eq!(done.removed_bytes, 36, "{b}");
        assert!(!blob_path(s, &old).exists(), "{b}");
        assert!(
            blob_path(s, &fresh).is_file(),
            "{b}: within the grace period"
        );

        // With no grace at all, the fresh orphan goes too, and still no referenced blob.
        let all = s.collect_blob_garbage(Duration::ZERO, false).await.unwrap();
        assert_eq!(
            all.removed.iter().map(|(d, _)| d).collect::<Vec<_>>(),
            [&fresh],
            "{b}"
        );
        assert_eq!(
            s.st_text(&w.certifier, &product).await.unwrap().unwrap(),
            st
        );
        assert_eq!(
            s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap(),
            etr
        );
        let again = s.collect_blob_garbage(Duration::ZERO, false).await.unwrap();
        assert!(again.removed.is_empty(), "{b}: {again:?}");
        assert_eq!(again.blobs, 3, "{b}");
        // The facts are still read from their blob.
        assert!(s.etr_facts(&cid).await.unwrap().is_some(), "{b}");
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sboms_are_blobs_kept_by_the_collection_and_inline_ones_still_read() {
    let sbom = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/postmarket/pump-sbom.cdx.json"
    ))
    .unwrap();
    let text = String::from_utf8(sbom.clone()).unwrap();
    let digest = dtsec_registry::blob::digest_of(&sbom);
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        s.upload_sbom(&w.maker_a.user, &cid, &sbom).await.unwrap();
        // The row keeps the digest and size, not the document.
        let (document, blob, size): (String, Option<String>, Option<i64>) = sqlx::query_as(
            "SELECT document, blob_sha256, blob_size FROM pm_sboms WHERE certificate_id = $1",
        )
        .bind(&cid)
        .fetch_one(s.pool())
        .await
        .unwrap();
        assert_eq!(
            (document.as_str(), blob.as_deref(), size),
            ("", Some(digest.as_str()), Some(sbom.len() as i64)),
            "{b}"
        );
        assert_eq!(
            s.certificate_sbom(&w.certifier, &cid).await.unwrap().1,
            text,
            "{b}"
        );
        age(s, &digest);
        let gc = s.collect_blob_garbage(Duration::ZERO, false).await.unwrap();
        assert!(gc.removed.is_empty(), "{b}: {gc:?}");
        assert_eq!(
            s.certificate_sbom(&w.certifier, &cid).await.unwrap().1,
            text,
            "{b}"
        );
        // Without its blob the SBOM is an error naming the digest, never another document.
        std::fs::remove_file(blob_path(s, &digest)).unwrap();
        let err = s.certificate_sbom(&w.certifier, &cid).await.unwrap_err();
        assert!(err.to_string().contains(&digest), "{b}: {err}");
        // A row as written before migration 0021 (the document inline) is read as it is.
        sqlx::query(
            "UPDATE pm_sboms SET document = $1, blob_sha256 = NULL, blob_size = NULL \
             WHERE certificate_id = $2",
        )
        .bind(&text)
        .bind(&cid)
        .execute(s.pool())
        .await
        .unwrap();
        assert_eq!(
            s.certificate_sbom(&w.certifier, &cid).await.unwrap().1,
            text,
            "{b}"
        );
        let (_, held) = s.premarket_inputs(&w.certifier, &cid).await.unwrap();
        assert_eq!(held.as_deref(), Some(text.as_str()), "{b}");
        db.finish().await;
    }
}
