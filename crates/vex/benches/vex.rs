//! Benchmarks of the hot paths a registry runs over every advisory and assessment: scoring a
//! CVSS vector (v3.1 by formula, v4.0 by macro-vector) and exporting / importing a VEX
//! document (import includes schema validation). Run with `cargo bench -p dtsec-vex`.

use dtsec_vex::assessment::*;
use dtsec_vex::formats::{self, DocMeta, Format};

fn main() {
    divan::main();
}

#[divan::bench]
fn cvss_v31() -> f64 {
    dtsec_vex::cvss::score(divan::black_box(
        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:L/A:N/E:P/RL:O/CR:H/MAV:A",
    ))
    .map_or(0.0, |s| s.overall)
}

#[divan::bench]
fn cvss_v40() -> f64 {
    dtsec_vex::cvss::score(divan::black_box(
        "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:H/SA:H/E:A/MSI:S/S:P",
    ))
    .map_or(0.0, |s| s.overall)
}

fn sample(n: usize) -> Vec<Assessment> {
    (0..n)
        .map(|i| Assessment {
            vuln: VulnRef {
                id: format!("CVE-2026-{:05}", 10_000 + i),
                aliases: vec![],
            },
            product: ProductRef {
                name: "Example Pump".into(),
                version: "2.1.0".into(),
                sbom_serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
                sbom_version: 1,
            },
            components: vec![ComponentRef {
                bom_ref: format!("c{i}"),
                purl: Some(format!("pkg:generic/c{i}@1.0")),
            }],
            status: State::NotAffected {
                justification: Justification::CodeNotReachable,
            },
            impact_statement: Some("Not reachable from any interface.".into()),
            scores: vec![],
            clinical: None,
            cc: None,
            dates: Dates::default(),
            regulatory: Regulatory::default(),
        })
        .collect()
}

fn meta() -> DocMeta {
    DocMeta {
        author: "Example".into(),
        namespace: "https://example.invalid".into(),
        id: "bench".into(),
        version: 1,
        timestamp: jiff::Timestamp::UNIX_EPOCH,
    }
}

#[divan::bench(args = [Format::Cyclonedx, Format::Csaf, Format::Openvex])]
fn export_100(bencher: divan::Bencher, format: Format) {
    let list = sample(100);
    bencher.bench(|| formats::export(format, &list, &meta()).map(|d| d.is_object()));
}

#[divan::bench(args = [Format::Cyclonedx, Format::Csaf, Format::Openvex], sample_count = 10)]
fn import_100(bencher: divan::Bencher, format: Format) {
    let doc = formats::export(format, &sample(100), &meta()).expect("export");
    bencher.bench(|| formats::import(format, &doc).map(|v| v.len()));
}
