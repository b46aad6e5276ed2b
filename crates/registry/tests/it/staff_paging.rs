//! The staff case lists and the audit trail in keyset pages (issue 16): every row present when
//! paging starts is listed exactly once, in sort order, however the pages are cut and whatever
//! is written while someone pages; rows written meanwhile appear at most once; no silent cap.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use sqlx::Row;

use crate::common;
use dtsec_registry::{Actor, AuditCursor, AuditFilter, RegistryError, Store};

/// One generated case: rows added before paging (each a day number), the page size, and rows
/// added while paging (before the page with that number is read).
#[derive(Clone, Debug)]
struct Case {
    initial: Vec<u8>,
    limit: u32,
    during: Vec<(usize, u8)>,
}

fn cases() -> impl Strategy<Value = Case> {
    // Few distinct days, so that many rows tie on the time and the id decides.
    (
        proptest::collection::vec(0u8..5, 0..30),
        1u32..7,
        proptest::collection::vec((0usize..8, 0u8..5), 0..10),
    )
        .prop_map(|(initial, limit, during)| Case {
            initial,
            limit,
            during,
        })
}

/// Adds a case row for `org` created on day `d`. Only the list query is under test; the row
/// has every column the list reads.
async fn add_product(store: &Store, id: &str, org: &str, d: u8) {
    let at = format!("2024-06-{:02}T10:00:00Z", d + 1);
    sqlx::query(
        "INSERT INTO products (id, manufacturer_org, name, version, build_ids, toe_type, state, \
         created_at, updated_at) VALUES ($1, $2, 'Paged', '1', '[]', 'TT.PUMP', 'registered', $3, $3)",
    )
    .bind(id)
    .bind(org)
    .bind(&at)
    .execute(store.pool())
    .await
    .unwrap();
}

/// Adds an audit row about `entity_id` (a `paging` record).
async fn add_audit(store: &Store, entity_id: &str) {
    sqlx::query(
        "INSERT INTO audit (at, actor, actor_role, action, entity, entity_id) \
         VALUES ('2024-06-01T10:00:00Z', 'test', 'scheme-admin', 'paging.test', 'paging', $1)",
    )
    .bind(entity_id)
    .execute(store.pool())
    .await
    .unwrap();
}

/// The ids of the cases `actor` sees, read directly.
async fn visible_products(store: &Store, org: Option<&str>) -> BTreeSet<String> {
    let rows = match org {
        None => sqlx::query("SELECT id FROM products")
            .fetch_all(store.pool())
            .await
            .unwrap(),
        Some(o) => {
            sqlx::query("SELECT id FROM products WHERE manufacturer_org = $1 OR lab_org = $1")
                .bind(o)
                .fetch_all(store.pool())
                .await
                .unwrap()
        }
    };
    rows.iter().map(|r| r.get::<String, _>("id")).collect()
}

async fn run_products(store: &Store, actor: &Actor, orgs: [&str; 2], n: usize, case: &Case) {
    let id = |i: usize| format!("pg{n:04}x{i:04}");
    for (i, d) in case.initial.iter().enumerate() {
        add_product(store, &id(i), orgs[i % 2], *d).await;
    }
    let own = actor
        .org_id
        .as_deref()
        .filter(|_| actor.role == dtsec_registry::Role::Manufacturer);
    let before = visible_products(store, own).await;
    let mut seen: Vec<(String, String)> = Vec::new();
    let mut after: Option<String> = None;
    for page_number in 0.. {
        for (k, (at, d)) in case.during.iter().enumerate() {
            if *at == page_number {
                add_product(store, &id(1000 + k), orgs[k % 2], *d).await;
            }
        }
        let page = store
            .products_page(actor, after.as_deref(), Some(case.limit))
            .await
            .unwrap();
        assert!(page.products.len() <= case.limit as usize);
        seen.extend(
            page.products
                .iter()
                .map(|p| (p.created_at.clone(), p.id.clone())),
        );
        match page.next {
            Some(next) => after = Some(next),
            None => break,
        }
        // Far more pages than rows the whole run writes (limit 1 over every case's rows).
        assert!(page_number < 20_000, "paging does not end");
    }
    let ids: Vec<&String> = seen.iter().map(|(_, id)| id).collect();
    let unique: BTreeSet<&String> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "a case was listed twice: {ids:?}");
    for id in &before {
        assert!(unique.contains(id), "{id} was never listed");
    }
    let after_all = visible_products(store, own).await;
    for id in &unique {
        assert!(after_all.contains(*id), "{id} is not the actor's");
    }
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(seen, sorted, "not newest first");
}

/// The `seq`s of the audit trail, or of one `paging` record, read directly.
async fn audit_seqs(store: &Store, of: Option<&str>) -> BTreeSet<i64> {
    let rows = match of {
        None => sqlx::query("SELECT seq FROM audit")
            .fetch_all(store.pool())
            .await
            .unwrap(),
        Some(id) => sqlx::query("SELECT seq FROM audit WHERE entity = 'paging' AND entity_id = $1")
            .bind(id)
            .fetch_all(store.pool())
            .await
            .unwrap(),
    };
    rows.iter().map(|r| r.get::<i64, _>("seq")).collect()
}

async fn run_audit(store: &Store, admin: &Actor, n: usize, case: &Case) {
    let record = |i: usize| format!("r{n:04}-{}", i % 3);
    for i in 0..case.initial.len() {
        add_audit(store, &record(i)).await;
    }
    // Three orders: the whole trail newest first, oldest first, one record oldest first.
    for mode in 0..3 {
        let of = (mode == 2).then(|| record(0));
        let mut filter = AuditFilter {
            of: of.clone().map(|r| ("paging".to_string(), r)),
            after: (mode == 1).then_some(0),
            limit: Some(case.limit),
            ..AuditFilter::default()
        };
        let mut seen: Vec<i64> = Vec::new();
        let mut at_start = BTreeSet::new();
        for page_number in 0.. {
            for (k, (at, _)) in case.during.iter().enumerate() {
                if *at == page_number {
                    add_audit(store, &record(k)).await;
                }
            }
            if page_number == 0 {
                at_start = audit_seqs(store, of.as_deref()).await;
            }
            let page = store.audit_page(admin, &filter).await.unwrap();
            assert!(page.entries.len() <= case.limit as usize);
            seen.extend(page.entries.iter().map(|e| e.seq));
            match page.next {
                Some(AuditCursor::After(s)) => filter.after = Some(s),
                Some(AuditCursor::Before(s)) => filter.before = Some(s),
                None => break,
            }
            assert!(page_number < 20_000, "paging does not end");
        }
        let unique: BTreeSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "mode {mode}: a record twice");
        for s in &at_start {
            assert!(unique.contains(s), "mode {mode}: record {s} never listed");
        }
        let at_end = audit_seqs(store, of.as_deref()).await;
        assert!(
            unique.is_subset(&at_end),
            "mode {mode}: a record not asked for"
        );
        let mut sorted = seen.clone();
        sorted.sort_unstable();
        if mode == 0 {
            sorted.reverse();
            // Newest first from the end as it was: what is written while paging is newer
            // than the first page, so not listed.
            assert_eq!(unique, at_start, "mode 0");
        } else {
            // Oldest first: what is written while paging comes after, and is listed once.
            assert_eq!(unique, at_end, "mode {mode}");
        }
        assert_eq!(seen, sorted, "mode {mode}: out of order");
    }
}

#[test]
fn staff_lists_and_audit_pages_list_every_row_exactly_once() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dbs = rt.block_on(common::backends());
    for db in dbs {
        let store = db.store.clone();
        let w = rt.block_on(common::world(&store));
        let mut runner = TestRunner::new(Config {
            cases: 12,
            failure_persistence: None,
            ..Config::default()
        });
        let n = std::sync::atomic::AtomicUsize::new(0);
        runner
            .run(&cases(), |case| {
                let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let orgs = [w.maker_a.org.as_str(), w.maker_b.org.as_str()];
                rt.block_on(async {
                    run_products(&store, &w.certifier, orgs, n, &case).await;
                    run_products(&store, &w.maker_b.user, orgs, n + 10_000, &case).await;
                    run_audit(&store, &w.admin, n, &case).await;
                });
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", db.backend));
        rt.block_on(db.finish());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_cursors_and_the_public_are_refused() {
    for db in common::backends().await {
        let s = &db.store;
        let w = common::world(s).await;
        for bad in ["", "no-tilde", "2024~x'; DROP TABLE products;--", "~abc"] {
            let e = s
                .products_page(&w.certifier, Some(bad), None)
                .await
                .unwrap_err();
            assert!(matches!(e, RegistryError::Validation(_)), "{bad:?}: {e}");
            assert!(e.to_string().contains("next"), "{e}");
        }
        let e = s
            .products_page(&Actor::public(), None, None)
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Forbidden(_)), "{e}");
        let e = s
            .audit_page(&w.maker_a.user, &AuditFilter::default())
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Forbidden(_)), "{e}");
        let e = s
            .audit_page(
                &w.admin,
                &AuditFilter {
                    after: Some(1),
                    before: Some(5),
                    ..AuditFilter::default()
                },
            )
            .await
            .unwrap_err();
        assert!(matches!(e, RegistryError::Validation(_)), "{e}");
        db.finish().await;
    }
}
