//! The compact audit trail (issue 16): a change records who, when, what and which record, and
//! of the record only the fields that changed (old → new); the trail still reads as the
//! record's history, page by page, and its hash chain still leads to the head the store keeps.

use std::collections::BTreeSet;

use dtsec_registry::{AuditEntry, AuditFilter, Store};
use serde_json::Value;
use sqlx::Row;

use crate::common;

fn object(s: &Option<String>) -> serde_json::Map<String, Value> {
    match serde_json::from_str(s.as_deref().expect("a value")).unwrap() {
        Value::Object(m) => m,
        other => panic!("not an object: {other}"),
    }
}

fn keys(m: &serde_json::Map<String, Value>) -> BTreeSet<&str> {
    m.keys().map(String::as_str).collect()
}

async fn chain_head(s: &Store) -> (i64, String) {
    let r = sqlx::query("SELECT count, head FROM audit_chain WHERE id = 1")
        .fetch_one(s.pool())
        .await
        .unwrap();
    (r.get(0), r.get(1))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_change_records_only_its_changed_fields() {
    for db in common::backends().await {
        let b = db.backend;
        let s = &db.store;
        let w = common::world(s).await;
        let (product, _cid) = common::certified_pump(s, &w).await;
        let trail = s
            .audit_trail(&w.certifier, "product", &product)
            .await
            .unwrap();
        // The creation keeps the whole new record.
        assert_eq!(trail[0].action, "product.register", "{b}");
        assert_eq!(trail[0].before, None, "{b}");
        let created = object(&trail[0].after);
        assert!(
            created.contains_key("name") && created.contains_key("state"),
            "{b}"
        );
        // Every later change: only changed fields, each with its old and new value.
        for e in trail.iter().skip(1) {
            let (old, new) = (object(&e.before), object(&e.after));
            for (k, v) in &new {
                assert_ne!(old.get(k), Some(v), "{b}: {} kept unchanged {k}", e.action);
            }
            assert!(
                !new.contains_key("name") && !old.contains_key("name"),
                "{b}: {e:?}"
            );
            assert!(
                !new.contains_key("id") && !old.contains_key("id"),
                "{b}: {e:?}"
            );
        }
        let choose: &AuditEntry = trail
            .iter()
            .find(|e| e.action == "product.choose-lab")
            .unwrap();
        let (old, new) = (object(&choose.before), object(&choose.after));
        assert_eq!(keys(&old), keys(&new), "{b}");
        assert_eq!(old["lab_org"], Value::Null, "{b}");
        assert_eq!(new["lab_org"], w.lab_a.org.as_str(), "{b}");
        assert_ne!(old["state"], new["state"], "{b}");
        assert!(
            keys(&new).len() <= 3,
            "{b}: lab, state, updated_at: {new:?}"
        );
        // Much smaller than a copy of the case: no record of the case reaches a kilobyte.
        for e in &trail {
            let n =
                e.before.as_ref().map_or(0, String::len) + e.after.as_ref().map_or(0, String::len);
            assert!(n < 1024, "{b}: {} wrote {n} bytes", e.action);
        }

        // The history still reads page by page, in order.
        let page = s
            .audit_page(
                &w.certifier,
                &AuditFilter {
                    of: Some(("product".into(), product.clone())),
                    limit: Some(3),
                    ..AuditFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(page.entries, trail[..3], "{b}");
        assert!(page.next.is_some(), "{b}");

        // And the hash chain over the compact records leads to the stored head.
        let all = s.audit_after(&w.admin, 0, 10_000).await.unwrap();
        let link = all
            .iter()
            .fold(dtsec_registry::audit_chain::GENESIS.to_string(), |l, r| {
                dtsec_registry::audit_chain::link(&l, r)
            });
        assert_eq!(chain_head(s).await, (all.len() as i64, link), "{b}");
        db.finish().await;
    }
}
