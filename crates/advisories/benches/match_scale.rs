//! How matching and import scale (the issue's aim: an SBOM of 10,000 components against
//! 100,000 OSV records matched well under a second, linear in components + advisories).
//! Generated data: records over npm, PyPI and Maven packages with multi-interval ranges and
//! enumerated versions; components that hit about half of the packages. No timing assertions:
//! run `cargo bench -p dtsec-advisories` and read the figures.

use divan::Bencher;
use dtsec_advisories::import::{self, Entry};
use dtsec_advisories::{Database, Index, match_sbom};

fn main() {
    divan::main();
}

const ECOSYSTEMS: [(&str, &str); 3] = [("npm", "npm"), ("PyPI", "pypi"), ("Maven", "maven")];

fn package(k: usize) -> (&'static str, &'static str, String) {
    let (eco, ty) = ECOSYSTEMS[k % 3];
    let name = if eco == "Maven" {
        format!("org.example:lib{k}")
    } else {
        format!("lib{k}")
    };
    (eco, ty, name)
}

/// `n` OSV records over `n / 4` packages (four advisories per package).
fn records(n: usize) -> Vec<Entry> {
    (0..n)
        .map(|i| {
            let (eco, _, name) = package(i / 4);
            let minor = i % 4;
            let body = format!(
                r#"{{"id":"OSV-GEN-{i}","modified":"2024-01-01T00:00:00Z","aliases":["CVE-2099-{i}"],"affected":[{{"package":{{"ecosystem":"{eco}","name":"{name}"}},"ranges":[{{"type":"ECOSYSTEM","events":[{{"introduced":"0"}},{{"fixed":"1.{minor}.0"}}]}},{{"type":"ECOSYSTEM","events":[{{"introduced":"2.0.0"}},{{"last_affected":"2.1.{minor}"}}]}}],"versions":["1.0.0","2.0.0"]}}]}}"#
            );
            Entry::File(format!("GEN-{i}.json"), body.into_bytes())
        })
        .collect()
}

fn database(n: usize) -> Database {
    let db =
        import::build(records(n), String::new(), &mut |_, _| {}).expect("generated records import");
    assert_eq!(db.snapshot.count, n, "{:?}", db.snapshot.rejected.first());
    db
}

/// An SBOM of `n` components, every other one naming a package that has advisories.
fn sbom(n: usize, packages: usize) -> dtsec_sbom::SbomDoc {
    let comps: Vec<String> = (0..n)
        .map(|j| {
            let k = if j % 2 == 0 { (j / 2) % packages } else { packages + j };
            let (_, ty, name) = package(k);
            let purl = if ty == "maven" {
                format!("pkg:maven/org.example/lib{k}@2.1.{}", j % 7)
            } else {
                format!("pkg:{ty}/{name}@2.1.{}", j % 7)
            };
            format!(r#"{{"type":"library","bom-ref":"c{j}","name":"{name}","version":"2.1.{}","purl":"{purl}"}}"#, j % 7)
        })
        .collect();
    let text = format!(
        r#"{{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,"components":[{}]}}"#,
        comps.join(",")
    );
    dtsec_sbom::Ingester::new(dtsec_sbom::Limits::default())
        .ingest(text.as_bytes())
        .expect("generated SBOM")
        .0
}

/// 10,000 components against a growing database (index build included).
#[divan::bench(args = [25_000, 50_000, 100_000], sample_count = 5, sample_size = 1)]
fn match_10k_components(bencher: Bencher, records: usize) {
    let db = database(records);
    let doc = sbom(10_000, records / 4);
    let t0 = std::time::Instant::now();
    let index = Index::build(&db);
    let t1 = std::time::Instant::now();
    let once = match_sbom(&index, &doc);
    let t2 = std::time::Instant::now();
    println!(
        "{records} records: {} affected, {} not affected; index {:?}, match {:?}",
        once.affected(),
        once.not_affected,
        t1 - t0,
        t2 - t1
    );
    bencher.bench(|| {
        let index = Index::build(&db);
        match_sbom(&index, &doc)
    });
}

/// A growing SBOM against 100,000 records (index build included).
#[divan::bench(args = [2_500, 5_000, 10_000], sample_count = 5, sample_size = 1)]
fn match_against_100k_records(bencher: Bencher, components: usize) {
    let db = database(100_000);
    let doc = sbom(components, 25_000);
    bencher.bench(|| {
        let index = Index::build(&db);
        match_sbom(&index, &doc)
    });
}

/// Importing generated records (schema validation, hashing, snapshot), from memory.
#[divan::bench(args = [25_000, 100_000], sample_count = 3, sample_size = 1)]
fn import_records(bencher: Bencher, n: usize) {
    bencher
        .with_inputs(|| records(n))
        .bench_values(|entries| import::build(entries, String::new(), &mut |_, _| {}));
}
