//! The device list in keyset pages (issue 16): every certificate exactly once, in sort order,
//! however the pages are cut and whatever is certified while someone pages; no silent cap.

use std::collections::BTreeSet;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use crate::common;
use dtsec_registry::{DeviceFilter, RegistryError, Store};

/// Adds a certificate row that is a copy of `template` with another id and certification date.
/// The rows only feed the list query under test; every other column is the real certificate's.
async fn add_row(store: &Store, template: &str, id: &str, date: &str) {
    sqlx::query(
        "INSERT INTO certificates (certificate_id, product_id, status, revision, \
         certification_date, expiry_date, product_name, product_version, manufacturer_org, \
         lab_org, toe_type, packages, document, updated_at) \
         SELECT $1, product_id, status, revision, $2, expiry_date, product_name, \
         product_version, manufacturer_org, lab_org, toe_type, packages, document, updated_at \
         FROM certificates WHERE certificate_id = $3",
    )
    .bind(id)
    .bind(date)
    .bind(template)
    .execute(store.pool())
    .await
    .unwrap();
}

/// One generated case: rows present before paging, the page size, and rows certified while
/// paging (inserted before the page with that number is read).
#[derive(Clone, Debug)]
struct Case {
    initial: Vec<u8>,
    limit: u32,
    during: Vec<(usize, u8)>,
}

fn cases() -> impl Strategy<Value = Case> {
    // Few distinct dates, so that many rows tie on the date and the id decides.
    (
        proptest::collection::vec(0u8..6, 0..40),
        1u32..8,
        proptest::collection::vec((0usize..10, 0u8..6), 0..12),
    )
        .prop_map(|(initial, limit, during)| Case {
            initial,
            limit,
            during,
        })
}

fn date(d: u8) -> String {
    format!("2024-06-{:02}", d + 1)
}

async fn run_case(store: &Store, template: &str, n: usize, case: &Case) {
    // A tag that only this case's ids contain, used as the search text.
    let tag = format!("-c{n:04}-");
    let id = |i: usize| format!("DTSEC{tag}{i:04}");
    let mut before = BTreeSet::new();
    for (i, d) in case.initial.iter().enumerate() {
        add_row(store, template, &id(i), &date(*d)).await;
        before.insert(id(i));
    }
    let mut inserted = BTreeSet::new();
    let mut filter = DeviceFilter {
        text: Some(tag.clone()),
        limit: Some(case.limit),
        ..DeviceFilter::default()
    };
    let mut seen: Vec<(String, String)> = Vec::new();
    for page_number in 0.. {
        for (k, (at, d)) in case.during.iter().enumerate() {
            if *at == page_number {
                let new_id = id(1000 + k);
                add_row(store, template, &new_id, &date(*d)).await;
                inserted.insert(new_id);
            }
        }
        let page = store.device_page(&filter).await.unwrap();
        assert!(page.devices.len() <= case.limit as usize);
        seen.extend(
            page.devices
                .iter()
                .map(|d| (d.certification_date.clone(), d.certificate_id.clone())),
        );
        match page.next {
            Some(next) => {
                assert_eq!(
                    page.devices.len(),
                    case.limit as usize,
                    "a short page has a next"
                );
                filter.after = Some(next);
            }
            None => break,
        }
        assert!(page_number < 200, "paging does not end");
    }
    let ids: Vec<&String> = seen.iter().map(|(_, id)| id).collect();
    let unique: BTreeSet<&String> = ids.iter().copied().collect();
    assert_eq!(
        unique.len(),
        ids.len(),
        "a certificate was listed twice: {ids:?}"
    );
    for id in &before {
        assert!(unique.contains(id), "{id} was never listed");
    }
    for id in &unique {
        assert!(
            before.contains(*id) || inserted.contains(*id),
            "{id} is not this case's"
        );
    }
    // Newest certification first, then by id.
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    assert_eq!(seen, sorted);
    // The whole list, read page by page inside the store, has every row (no cap).
    let all = store
        .search_devices(&DeviceFilter {
            text: Some(tag),
            ..DeviceFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(all.len(), before.len() + inserted.len());
}

#[test]
fn paging_lists_every_certificate_exactly_once() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dbs = rt.block_on(common::backends());
    for db in dbs {
        let store = db.store.clone();
        let template = rt.block_on(async {
            let w = common::world(&store).await;
            common::certified_pump(&store, &w).await.1
        });
        let mut runner = TestRunner::new(Config {
            cases: 24,
            failure_persistence: None,
            ..Config::default()
        });
        let n = std::sync::atomic::AtomicUsize::new(0);
        runner
            .run(&cases(), |case| {
                let n = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                rt.block_on(run_case(&store, &template, n, &case));
                Ok(())
            })
            .unwrap_or_else(|e| panic!("{}: {e}", db.backend));
        rt.block_on(db.finish());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_that_is_not_one_is_refused_and_limits_are_clamped() {
    for db in common::backends().await {
        let s = &db.store;
        for bad in [
            "",
            "no-tilde",
            "2024-01-01~x'; DROP TABLE certificates;--",
            "~DTSEC-1",
        ] {
            let e = s
                .device_page(&DeviceFilter {
                    after: Some(bad.into()),
                    ..DeviceFilter::default()
                })
                .await
                .unwrap_err();
            assert!(matches!(e, RegistryError::Validation(_)), "{bad:?}: {e}");
            assert!(e.to_string().contains("next"), "{e}");
        }
        let w = common::world(s).await;
        let (_, cid) = common::certified_pump(s, &w).await;
        for i in 0..3 {
            add_row(s, &cid, &format!("DTSEC-2024-{i:04}"), "2024-01-01").await;
        }
        // A limit of 0 still returns a page (of one).
        let page = s
            .device_page(&DeviceFilter {
                limit: Some(0),
                ..DeviceFilter::default()
            })
            .await
            .unwrap();
        assert_eq!(page.devices.len(), 1);
        assert!(page.next.is_some());
        db.finish().await;
    }
}
