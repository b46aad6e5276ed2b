//! Large documents out of the rows (issue 16, migration 0017): the ST and the sealed ETR bundle
//! live in the content-addressed blob store and the row keeps their digest and size; a database
//! written before 0017 (documents in the rows) is moved at open, once; a missing or tampered
//! blob is an error naming its digest, never read as the document.

use std::path::PathBuf;

use dtsec_registry::{RegistryError, Store};
use sqlx::Row;

use crate::common;

/// The row's document columns: (`st_yaml`, `st_blob_sha256`, `st_blob_size`, `etr_bundle`,
/// `etr_blob_sha256`, `etr_blob_size`).
type DocColumns = (
    Option<String>,
    Option<String>,
    Option<i64>,
    Option<String>,
    Option<String>,
    Option<i64>,
);

async fn doc_columns(s: &Store, product: &str) -> DocColumns {
    let r = sqlx::query(
        "SELECT st_yaml, st_blob_sha256, st_blob_size, etr_bundle, etr_blob_sha256, etr_blob_size \
         FROM products WHERE id = $1",
    )
    .bind(product)
    .fetch_one(s.pool())
    .await
    .unwrap();
    (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4), r.get(5))
}

fn blob_path(s: &Store, digest: &str) -> PathBuf {
    PathBuf::from(s.blobs().location())
        .join(&digest[0..2])
        .join(&digest[2..4])
        .join(digest)
}

fn sha256_hex(bytes: &[u8]) -> String {
    dtsec_registry::blob::digest_of(bytes)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_are_blobs_and_rows_keep_their_digest_and_size() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, _cid) = common::certified_pump(s, &w).await;
        let st = s.st_text(&w.certifier, &product).await.unwrap().unwrap();
        let etr = s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap();
        let (st_inline, st_d, st_n, etr_inline, etr_d, etr_n) = doc_columns(s, &product).await;
        assert_eq!(
            (st_inline, etr_inline),
            (None, None),
            "{b}: nothing in the row"
        );
        assert_eq!(
            st_d.as_deref(),
            Some(sha256_hex(st.as_bytes()).as_str()),
            "{b}"
        );
        assert_eq!(
            etr_d.as_deref(),
            Some(sha256_hex(etr.as_bytes()).as_str()),
            "{b}"
        );
        assert_eq!(st_n, Some(st.len() as i64), "{b}");
        assert_eq!(etr_n, Some(etr.len() as i64), "{b}");
        assert_eq!(
            std::fs::read(blob_path(s, &etr_d.unwrap())).unwrap(),
            etr.as_bytes()
        );
        // The default place: beside the SQLite file, or DATA_DIR/blobs on PostgreSQL.
        let expected = match b {
            "sqlite" => db.dir.path().join("registry.sqlite3.blobs"),
            _ => db.dir.path().join(dtsec_registry::BLOB_DIR),
        };
        assert_eq!(PathBuf::from(s.blobs().location()), expected, "{b}");
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn documents_kept_in_rows_before_0017_move_to_blobs_at_open_once() {
    for db in common::backends().await {
        let b = db.backend;
        let s = db.store.clone();
        let w = common::world(&s).await;
        let (product, cid) = common::certified_pump(&s, &w).await;
        let st = s.st_text(&w.certifier, &product).await.unwrap().unwrap();
        let etr = s.etr_bundle(&w.certifier, &product).await.unwrap().unwrap();
        // As a version before 0017 left it: the documents in the row, no blobs at all.
        sqlx::query(
            "UPDATE products SET st_yaml = $1, etr_bundle = $2, st_blob_sha256 = NULL, \
             st_blob_size = NULL, etr_blob_sha256 = NULL, etr_blob_size = NULL WHERE id = $3",
        )
        .bind(&st)
        .bind(&etr)
        .bind(&product)
        .execute(s.pool())
        .await
        .unwrap();
        let root = PathBuf::from(s.blobs().location());
        std::fs::remove_dir_all(&root).unwrap();
        // Still readable from the row until moved.
        assert_eq!(
            s.st_text(&w.certifier, &product).await.unwrap().unwrap(),
            st,
            "{b}"
        );
        s.close().await;

        let mut cfg = common::config(db.dir.path());
        cfg.database_url = db.pg_url().map(str::to_string);
        let reopened = Store::open(cfg.clone()).await.unwrap();
        let (st_inline, st_d, st_n, etr_inline, etr_d, etr_n) =
            doc_columns(&reopened, &product).await;
        assert_eq!(
            (st_inline, etr_inline),
            (None, None),
            "{b}: moved out of the row"
        );
        assert_eq!(st_d.clone().unwrap(), sha256_hex(st.as_bytes()), "{b}");
        assert_eq!(etr_d.clone().unwrap(), sha256_hex(etr.as_bytes()), "{b}");
        assert_eq!(
            (st_n, etr_n),
            (Some(st.len() as i64), Some(etr.len() as i64)),
            "{b}"
        );
        assert!(
            blob_path(&reopened, &etr_d.clone().unwrap()).is_file(),
            "{b}"
        );
        let held = reopened.certified_etr(&cid).await.unwrap();
        assert_eq!(
            (held.st_text, held.etr_bundle),
            (st.clone(), etr.clone()),
            "{b}"
        );
        reopened.close().await;

        // Opening again moves nothing and changes nothing.
        let again = Store::open(cfg).await.unwrap();
        let after = doc_columns(&again, &product).await;
        assert_eq!(
            (after.1, after.4),
            (st_d, etr_d),
            "{b}: the second open is a no-op"
        );
        assert_eq!(
            again
                .st_text(&w.certifier, &product)
                .await
                .unwrap()
                .unwrap(),
            st,
            "{b}"
        );
        again.close().await;
        db.finish().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_tampered_blob_is_an_error_naming_its_digest() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, cid) = common::certified_pump(s, &w).await;
        let (_, _, _, _, etr_d, _) = doc_columns(s, &product).await;
        let digest = etr_d.unwrap();
        let path = blob_path(s, &digest);
        let bundle = std::fs::read(&path).unwrap();

        // Tampered: one byte changed, same size.
        let mut changed = bundle.clone();
        changed[10] ^= 1;
        std::fs::write(&path, &changed).unwrap();
        let err = s.etr_bundle(&w.certifier, &product).await.unwrap_err();
        assert!(matches!(err, RegistryError::Blob(_)), "{b}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains(&digest) && msg.contains("corrupt"),
            "{b}: {msg}"
        );
        assert!(s.certified_etr(&cid).await.is_err(), "{b}");

        // Missing.
        std::fs::remove_file(&path).unwrap();
        let msg = s
            .etr_bundle(&w.certifier, &product)
            .await
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains(&digest) && msg.contains("missing"),
            "{b}: {msg}"
        );

        // Restored from backup: readable again.
        std::fs::write(&path, &bundle).unwrap();
        assert!(s.etr_bundle(&w.certifier, &product).await.is_ok(), "{b}");
        db.finish().await;
    }
}
