//! The certificate-status lookup on SQLite: the query behind the public status endpoint, whose
//! target through HTTP is ≥ 10,000 requests/s on two cores. Run with
//! `cargo bench -p dtsec-registry`.

use std::sync::OnceLock;

use dtsec_registry::demo;
use dtsec_registry::secrets::PasswordCost;
use dtsec_registry::{DeviceFilter, Store, StoreConfig};

fn main() {
    divan::main();
}

struct Fixture {
    rt: tokio::runtime::Runtime,
    store: Store,
    ids: Vec<String>,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let mut cfg = StoreConfig::new(dir.path());
        cfg.password_cost = PasswordCost::Fast;
        let (store, ids) = rt.block_on(async {
            let store = Store::open(cfg).await.unwrap();
            demo::load(&store).await.unwrap();
            let ids = store
                .search_devices(&DeviceFilter::default())
                .await
                .unwrap()
                .into_iter()
                .map(|d| d.certificate_id)
                .collect();
            (store, ids)
        });
        Fixture {
            rt,
            store,
            ids,
            _dir: dir,
        }
    })
}

/// One status lookup by certificate id.
#[divan::bench]
fn certificate_status(b: divan::Bencher) {
    let f = fixture();
    let mut i = 0usize;
    b.bench_local(|| {
        i = i.wrapping_add(1);
        let id = &f.ids[i % f.ids.len()];
        f.rt.block_on(f.store.certificate_status(id)).unwrap()
    });
}

/// The public certified-devices list, unfiltered.
#[divan::bench]
fn device_list(b: divan::Bencher) {
    let f = fixture();
    b.bench_local(|| {
        f.rt.block_on(f.store.search_devices(&DeviceFilter::default()))
            .unwrap()
    });
}

/// 1,000 status lookups from 16 concurrent tasks: throughput with the pool busy.
#[divan::bench(sample_count = 20)]
fn status_1000_concurrent(b: divan::Bencher) {
    let f = fixture();
    b.bench_local(|| {
        f.rt.block_on(async {
            let mut tasks = Vec::new();
            for t in 0..16 {
                let store = f.store.clone();
                let ids = f.ids.clone();
                tasks.push(tokio::spawn(async move {
                    for i in 0..(1000 / 16) {
                        store
                            .certificate_status(&ids[(t + i) % ids.len()])
                            .await
                            .unwrap();
                    }
                }));
            }
            for t in tasks {
                t.await.unwrap();
            }
        })
    });
}
