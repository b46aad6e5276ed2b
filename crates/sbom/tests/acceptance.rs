//! The SBOM acceptance checks of the postmarket design notes (§10.1–§10.3), run on the shared
//! corpus (`../shared/data/sbom`), plus inline documents for the rules the corpus does not reach.

use dtsec_sbom::{Format, Ingester, Limits, SbomError, SupportLevel};
use std::path::Path;

fn ingester() -> Ingester {
    Ingester::new(Limits::default())
}

fn files(dir: &Path, suffix: &str) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .expect("dir")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    v.sort();
    v
}

#[test]
fn every_valid_cyclonedx_example_imports() {
    let Some(dir) = dtsec_testkit::shared("data/sbom/cyclonedx") else {
        return;
    };
    let ing = ingester();
    let mut n = 0;
    for sub in ["examples-1.6", "examples-1.7"] {
        for f in files(&dir.join(sub), ".json") {
            let bytes = std::fs::read(&f).unwrap();
            if let Err(e) = ing.ingest(&bytes) {
                panic!("{}: {e}", f.display());
            }
            n += 1;
        }
    }
    assert_eq!(n, 14 + 4);
}

#[test]
fn valid_bom_has_three_components_three_purls_one_cpe_and_is_idempotent() {
    let Some(f) = dtsec_testkit::shared("data/sbom/cyclonedx/examples-1.6/valid-bom-1.6.json")
    else {
        return;
    };
    let bytes = std::fs::read(f).unwrap();
    let ing = ingester();
    let (doc, _) = ing.ingest(&bytes).unwrap();
    assert_eq!(doc.format, Format::Cyclonedx);
    assert_eq!(doc.components.len(), 3);
    assert_eq!(
        doc.components.iter().map(|c| c.purls.len()).sum::<usize>(),
        3
    );
    assert_eq!(
        doc.components.iter().filter(|c| !c.cpes.is_empty()).count(),
        1
    );
    assert_eq!(doc.subject.as_ref().unwrap().name, "Acme Application");
    let (again, _) = ing.ingest(&bytes).unwrap();
    assert_eq!(doc, again);
    assert_eq!(doc.sha256.len(), 64);
}

#[test]
fn each_invalid_cyclonedx_example_fails_for_its_rule() {
    let Some(dir) = dtsec_testkit::shared("data/sbom/cyclonedx/invalid-1.6") else {
        return;
    };
    let expect = [
        ("invalid-bomformat-1.6.json", "SBOM-FORMAT", "/bomFormat"),
        (
            "invalid-component-type-1.6.json",
            "SBOM-SCHEMA",
            "/components/0/type",
        ),
        (
            "invalid-dependency-1.6.json",
            "SBOM-SCHEMA",
            "/dependencies/0",
        ),
        (
            "invalid-empty-component-1.6.json",
            "SBOM-SCHEMA",
            "/components/0",
        ),
        (
            "invalid-license-id-1.6.json",
            "SBOM-SCHEMA",
            "/components/0/licenses",
        ),
        (
            "invalid-metadata-timestamp-1.6.json",
            "SBOM-SCHEMA",
            "/metadata/timestamp",
        ),
        (
            "invalid-serialnumber-1.6.json",
            "SBOM-SCHEMA",
            "/serialNumber",
        ),
    ];
    let ing = ingester();
    for (name, rule, ptr) in expect {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let e = ing.ingest(&bytes).expect_err(name);
        assert_eq!(e.rule(), rule, "{name}: {e}");
        let headline = e.to_string();
        assert!(headline.contains(ptr), "{name}: {headline}");
    }
}

#[test]
fn every_spdx2_example_imports_and_spdx3_is_refused() {
    let Some(dir) = dtsec_testkit::shared("data/sbom/spdx") else {
        return;
    };
    let ing = ingester();
    let mut n = 0;
    for f in files(&dir.join("spdx2"), ".json") {
        let (doc, _) = ing
            .ingest(&std::fs::read(&f).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
        assert_eq!(doc.format, Format::Spdx);
        n += 1;
    }
    assert_eq!(n, 7);
    let mut refused = 0;
    for f in files(&dir.join("spdx3"), ".json") {
        let e = ing.ingest(&std::fs::read(&f).unwrap()).unwrap_err();
        assert!(matches!(e, SbomError::Spdx3), "{}", f.display());
        assert!(e.to_string().contains("SPDX 3 is not supported"));
        refused += 1;
    }
    assert_eq!(refused, 4);
}

#[test]
fn acme_yields_purls_from_both_spellings_and_keeps_advisories_as_hints() {
    let Some(f) = dtsec_testkit::shared("data/sbom/spdx/spdx2/ACME-v2.3.spdx.json") else {
        return;
    };
    let text = std::fs::read_to_string(f).unwrap();
    // The corpus file spells the category one way; the 2.3 schema allows both, so rewrite the
    // first occurrence to the other spelling and expect the same purls.
    let both = text.replacen("\"PACKAGE-MANAGER\"", "\"PACKAGE_MANAGER\"", 1);
    assert_ne!(both, text);
    let ing = ingester();
    let (a, _) = ing.ingest(text.as_bytes()).unwrap();
    let (b, _) = ing.ingest(both.as_bytes()).unwrap();
    let purls = |d: &dtsec_sbom::SbomDoc| {
        d.components
            .iter()
            .flat_map(|c| c.purls.iter().map(|p| p.original.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(purls(&a).len(), 2);
    assert_eq!(purls(&a), purls(&b));
    let hints: usize = a.components.iter().map(|c| c.advisory_hints.len()).sum();
    assert_eq!(hints, 2);
}

const MINIMAL: &str = r#"{"bomFormat":"CycloneDX","specVersion":"1.6","version":1,
  "metadata":{"component":{"type":"device","name":"pump","version":"2.1","bom-ref":"dev",
     "components":[{"type":"library","name":"ble","bom-ref":"ble","version":"5.0",
        "purl":"pkg:github/Vendor/BLE-Stack@5.1",
        "properties":[{"name":"dtsec:support-level","value":"limited"},
                      {"name":"dtsec:end-of-support","value":"2028-06-30"}]}]}},
  "components":[{"type":"library","name":"rtos","bom-ref":"rtos",
     "components":[{"type":"library","name":"tls","bom-ref":"tls","version":"3.0.1",
        "hashes":[{"alg":"SHA-256","content":"ABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABABAB"}]}]}],
  "dependencies":[{"ref":"dev","dependsOn":["ble","rtos"]},{"ref":"rtos","dependsOn":["tls"]}]}"#;

#[test]
fn nested_components_support_data_and_coverage() {
    let (doc, report) = ingester().ingest(MINIMAL.as_bytes()).unwrap();
    let refs: Vec<&str> = doc.components.iter().map(|c| c.r#ref.as_str()).collect();
    assert_eq!(refs, ["ble", "rtos", "tls"]);
    assert_eq!(doc.components[0].support_level, SupportLevel::Limited);
    assert_eq!(
        doc.components[0].end_of_support.as_deref(),
        Some("2028-06-30")
    );
    assert_eq!(report.coverage.no_version, ["rtos"]);
    assert_eq!(report.coverage.unidentifiable, ["rtos"]);
    assert_eq!(report.coverage.no_support_data, ["rtos", "tls"]);
    // The purl says 5.1, the component 5.0: a warning, not a refusal.
    assert!(
        report
            .warnings
            .iter()
            .any(|w| w.rule == "SBOM-PURL-VERSION")
    );
    let n = &doc.components[0].purls[0]
        .normalized
        .as_ref()
        .unwrap()
        .canonical;
    assert_eq!(n, "pkg:github/vendor/ble-stack@5.1");
}

fn rule_of(text: &str) -> (String, String) {
    let e = ingester().ingest(text.as_bytes()).unwrap_err();
    let SbomError::Invalid { violations } = &e else {
        return (e.rule().to_string(), String::new());
    };
    (violations[0].rule.clone(), violations[0].pointer.clone())
}

#[test]
fn semantic_rules_name_the_rule_and_pointer() {
    let dup = MINIMAL.replace("\"bom-ref\":\"tls\"", "\"bom-ref\":\"ble\"");
    assert_eq!(rule_of(&dup).0, "SBOM-REF-UNIQUE");
    assert_eq!(rule_of(&dup).1, "/components/0/components/0/bom-ref");
    let dangling = MINIMAL.replace("\"dependsOn\":[\"tls\"]", "\"dependsOn\":[\"zlib\"]");
    assert_eq!(
        rule_of(&dangling),
        ("SBOM-DEP-REF".into(), "/dependencies/1/dependsOn/0".into())
    );
    let bad_level = MINIMAL.replace("\"limited\"", "\"sometimes\"");
    assert_eq!(rule_of(&bad_level).0, "SBOM-SUPPORT");
    let bad_date = MINIMAL.replace("2028-06-30", "mid 2028");
    assert_eq!(rule_of(&bad_date).0, "SBOM-SUPPORT");
}

#[test]
fn bad_bytes_are_refused_with_positions() {
    let ing = ingester();
    assert_eq!(ing.ingest(b"\xff\xfe").unwrap_err().rule(), "SBOM-UTF8");
    let e = ing
        .ingest(b"{\"bomFormat\":\"CycloneDX\",\n\"bomFormat\":\"x\"}")
        .unwrap_err();
    assert!(
        matches!(
            e,
            SbomError::Json {
                rule: "SBOM-DUPKEY",
                line: 2,
                ..
            }
        ),
        "{e}"
    );
    assert_eq!(
        ing.ingest(b"{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.2\"}")
            .unwrap_err()
            .rule(),
        "SBOM-FORMAT"
    );
    assert_eq!(ing.ingest(b"[]").unwrap_err().rule(), "SBOM-FORMAT");
    let small = Ingester::new(Limits {
        max_bytes: 10,
        ..Limits::default()
    });
    assert_eq!(
        small.ingest(MINIMAL.as_bytes()).unwrap_err().rule(),
        "SBOM-LIMIT"
    );
    let few = Ingester::new(Limits {
        max_components: 2,
        ..Limits::default()
    });
    assert_eq!(
        few.ingest(MINIMAL.as_bytes()).unwrap_err().rule(),
        "SBOM-LIMIT"
    );
}

#[test]
fn cyclonedx_1_4_is_read_with_the_1_5_schema() {
    let v14 = MINIMAL.replace("\"1.6\"", "\"1.4\"");
    let (doc, _) = ingester().ingest(v14.as_bytes()).unwrap();
    assert_eq!(doc.spec_version, "1.4");
}
