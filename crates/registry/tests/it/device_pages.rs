//! Kept device pages are forgotten by the database itself (migration 0025, issue 16): every
//! table a device page shows has triggers that forget the certificate's page when a row of it is
//! added, changed or removed, whoever writes; a new advisory snapshot starts a new epoch. Each
//! statement below is run in plain SQL, behind the registry's back, on a page just kept.

use dtsec_registry::{KeptPage, Store};

use crate::common;

/// Keeps a stand-in page for every certificate whose page is missing or out of date.
async fn keep_all(store: &Store) {
    for _ in 0..100 {
        let work = store.device_pages_to_make(256).await.unwrap();
        if work.pages.is_empty() {
            return;
        }
        let pages: Vec<_> = work
            .pages
            .iter()
            .map(|p| {
                let page = KeptPage {
                    etag: format!("\"{}-{}\"", p.certificate_id, p.version),
                    gzip: format!("page of {}", p.certificate_id).into_bytes(),
                };
                (p.clone(), Some(page))
            })
            .collect();
        store
            .keep_device_pages(work.epoch, &work.day, &pages)
            .await
            .unwrap();
    }
    panic!("pages never all kept");
}

#[tokio::test]
async fn every_change_a_device_page_shows_forgets_it_whoever_writes() {
    for db in common::backends().await {
        let store = &db.store;
        let b = db.backend;
        let w = common::world(store).await;
        let (product, cert) = common::certified_pump(store, &w).await;
        // (what changes, its SQL; `$1` is the certificate, `$2` its case)
        let changes: &[(&str, &str)] = &[
            (
                "a certificate",
                "UPDATE certificates SET updated_at = updated_at WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "a new revision",
                "INSERT INTO certificate_revisions (certificate_id, revision, status, reason, document, created_at) \
              SELECT $1, 99, 'active', NULL, '{}', 'now' WHERE $2 <> ''",
            ),
            (
                "a maintenance filing",
                "INSERT INTO maintenance (id, certificate_id, new_version, build_ids, changes, change_class, state, filed_at) \
              SELECT 'm-test', $1, '2', '[]', '[]', 'minor', 'filed', 'now' WHERE $2 <> ''",
            ),
            (
                "its decision",
                "UPDATE maintenance SET state = 'approved' WHERE id = 'm-test' AND certificate_id = $1 AND $2 <> ''",
            ),
            (
                "its removal",
                "DELETE FROM maintenance WHERE id = 'm-test' AND certificate_id = $1 AND $2 <> ''",
            ),
            (
                "an SBOM",
                "INSERT INTO pm_sboms (certificate_id, sha256, revision, format, components, document, uploaded_by, uploaded_at) \
              SELECT $1, 'sbom-test', 99, 'cyclonedx', 0, '{}', 'u', 'now' WHERE $2 <> ''",
            ),
            (
                "its change",
                "UPDATE pm_sboms SET components = 1 WHERE certificate_id = $1 AND sha256 = 'sbom-test' AND $2 <> ''",
            ),
            (
                "a match",
                "INSERT INTO pm_matches (certificate_id, snapshot_id, sbom_sha256, advisory_id, component_ref, group_key, verdict, detail) \
              SELECT $1, 's', 'sbom-test', 'A-1', 'c', 'g', 'affected', '{}' WHERE $2 <> ''",
            ),
            (
                "its change",
                "UPDATE pm_matches SET verdict = 'unevaluable' WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "its removal",
                "DELETE FROM pm_matches WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "a first sighting",
                "INSERT INTO pm_first_seen (certificate_id, group_key, first_seen) SELECT $1, 'g', 'now' WHERE $2 <> ''",
            ),
            (
                "its change",
                "UPDATE pm_first_seen SET first_seen = 'later' WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "its removal",
                "DELETE FROM pm_first_seen WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "an assessment",
                "INSERT INTO pm_assessments (certificate_id, assessment_id, seq, vuln, hash, entry, recorded_by) \
              SELECT $1, 'a', 1, 'V', 'hash-test', '{}', 'u' WHERE $2 <> ''",
            ),
            (
                "its change",
                "UPDATE pm_assessments SET vuln = 'W' WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "its removal",
                "DELETE FROM pm_assessments WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "a notice",
                "INSERT INTO pm_notices (notice_id, year, certificate_id, vuln, state, assessment_hash, document, sha256, signature, published_at, published_by) \
              SELECT 'N-test', 2025, $1, 'V', 'affected', 'h', '{}', 's', 'sig', 'now', 'u' WHERE $2 <> ''",
            ),
            (
                "its revision",
                "INSERT INTO pm_notice_revisions (notice_id, revision, category, tracking_status, state, assessment_hash, summary, document, sha256, signature, published_at, published_by) \
              SELECT 'N-test', 2, 'csaf_vex', 'final', 'fixed', 'h', 's', '{}', 's', 'sig', 'now', 'u' WHERE $1 <> $2",
            ),
            (
                "the revision's change",
                "UPDATE pm_notice_revisions SET summary = 't' WHERE notice_id = 'N-test' AND $1 <> $2",
            ),
            (
                "the revision's removal",
                "DELETE FROM pm_notice_revisions WHERE notice_id = 'N-test' AND $1 <> $2",
            ),
            (
                "the notice's change",
                "UPDATE pm_notices SET state = 'fixed' WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "the notice's removal",
                "DELETE FROM pm_notices WHERE certificate_id = $1 AND $2 <> ''",
            ),
            (
                "the SBOM's removal",
                "DELETE FROM pm_sboms WHERE certificate_id = $1 AND sha256 = 'sbom-test' AND $2 <> ''",
            ),
            (
                "the ETR's key",
                "UPDATE products SET etr_key_id = etr_key_id WHERE id = $2 AND $1 <> ''",
            ),
            (
                "the ETR's summary",
                "UPDATE etr_summaries SET created_at = created_at \
              WHERE etr_sha256 = (SELECT etr_sha256 FROM products WHERE id = $2) AND $1 <> ''",
            ),
            (
                "the ETR's acceptance date",
                "INSERT INTO audit (at, actor, actor_role, action, entity, entity_id) \
              SELECT 'now', 'u', 'certifier', 'product.accept-etr', 'product', $2 WHERE $1 <> ''",
            ),
            (
                "the manufacturer's name",
                "UPDATE organisations SET name = name || ' (renamed)' \
              WHERE id = (SELECT manufacturer_org FROM certificates WHERE certificate_id = $1) AND $2 <> ''",
            ),
            (
                "the lab's name",
                "UPDATE organisations SET name = name || ' (renamed)' \
              WHERE id = (SELECT lab_org FROM certificates WHERE certificate_id = $1) AND $2 <> ''",
            ),
            (
                "a new advisory snapshot",
                "INSERT INTO pm_snapshots (id, seq, loaded_at, records, report, db, synced_by) \
              SELECT 'snapshot-test', 999, 'now', 0, '{}', '{}', 'u' WHERE $1 <> $2",
            ),
        ];
        for (what, sql) in changes {
            keep_all(store).await;
            assert!(
                store.kept_device_page(&cert).await.unwrap().is_some(),
                "{b}: kept before {what}"
            );
            let done = sqlx::query(sql)
                .bind(&cert)
                .bind(&product)
                .execute(store.pool())
                .await
                .unwrap_or_else(|e| panic!("{b}: {what}: {e}"));
            assert!(done.rows_affected() >= 1, "{b}: {what} changed nothing");
            assert_eq!(
                store.kept_device_page(&cert).await.unwrap(),
                None,
                "{b}: the page is still kept after {what}"
            );
        }
        // A page that could not be rendered: nothing kept, and not listed again until its
        // certificate changes.
        keep_all(store).await;
        sqlx::query("UPDATE certificates SET updated_at = updated_at WHERE certificate_id = $1")
            .bind(&cert)
            .execute(store.pool())
            .await
            .unwrap();
        let work = store.device_pages_to_make(256).await.unwrap();
        assert_eq!(work.pages.len(), 1, "{b}");
        let failed: Vec<_> = work.pages.iter().map(|p| (p.clone(), None)).collect();
        let kept = store
            .keep_device_pages(work.epoch, &work.day, &failed)
            .await
            .unwrap();
        assert_eq!(kept, 0, "{b}");
        assert_eq!(store.kept_device_page(&cert).await.unwrap(), None, "{b}");
        assert!(
            store
                .device_pages_to_make(256)
                .await
                .unwrap()
                .pages
                .is_empty(),
            "{b}"
        );
        sqlx::query("UPDATE certificates SET updated_at = updated_at WHERE certificate_id = $1")
            .bind(&cert)
            .execute(store.pool())
            .await
            .unwrap();
        assert_eq!(
            store.device_pages_to_make(256).await.unwrap().pages.len(),
            1,
            "{b}"
        );

        // A change to what no device page shows leaves the pages kept.
        keep_all(store).await;
        sqlx::query("UPDATE products SET updated_at = updated_at WHERE id = $1")
            .bind(&product)
            .execute(store.pool())
            .await
            .unwrap();
        assert!(
            store.kept_device_page(&cert).await.unwrap().is_some(),
            "{b}"
        );
        db.finish().await;
    }
}
