//! Issue 13: VEX documents other tools wrote (OpenVEX 0.2.0, CSAF 2.0 `csaf_vex` — the OASIS
//! examples in `../shared`) import without dtsec's extension, tied to an SBOM's components; what
//! dtsec requires and the source lacks comes from the caller or is an error naming the statement.

use dtsec_vex::assessment::*;
use dtsec_vex::formats::Format;
use dtsec_vex::formats::foreign::{Fill, Target, import};
use serde_json::{Value, json};

fn target(name: &str, version: &str) -> Target {
    Target {
        product: ProductRef {
            name: name.into(),
            version: version.into(),
            sbom_serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
            sbom_version: 1,
        },
        subject: ComponentRef {
            bom_ref: "device".into(),
            purl: None,
        },
        components: vec![
            ComponentRef {
                bom_ref: "xz".into(),
                purl: Some("pkg:generic/xz-utils@5.6.0".into()),
            },
            ComponentRef {
                bom_ref: "log4j".into(),
                purl: Some("pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1".into()),
            },
        ],
    }
}

fn openvex(statements: Value) -> Value {
    json!({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://vex.example/docs/1",
        "author": "Other Tool Inc.",
        "timestamp": "2026-01-05T10:00:00Z",
        "version": 1,
        "statements": statements,
    })
}

#[test]
fn openvex_statements_map_to_states_tied_to_components() {
    let doc = openvex(json!([
        {"vulnerability": {"name": "CVE-2024-3094", "aliases": ["GHSA-rxwq-x6h5-x525"]},
         "products": [{"@id": "pkg:generic/Example%20Pump@2.1.0",
                       "subcomponents": [{"@id": "pkg:generic/xz-utils@5.6.0?arch=arm"}]}],
         "status": "affected", "action_statement": "Update the pump to 2.1.1."},
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
         "status": "not_affected", "justification": "vulnerable_code_not_in_execute_path",
         "impact_statement": "JNDI lookups are disabled."},
        {"vulnerability": {"name": "CVE-2099-0001"},
         "products": [{"@id": "pkg:npm/left-pad@1.0.0"}],
         "status": "under_investigation"}
    ]));
    let t = target("Example Pump", "2.1.0");

    // OpenVEX "affected" has no response: without --response it is an error naming the place.
    let e = import(Format::Openvex, &doc, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/statements/0") && e.contains("--response") && e.contains("CVE-2024-3094"),
        "{e}"
    );

    let fill = Fill {
        responses: vec![Response::Update],
        ..Fill::default()
    };
    let got = import(Format::Openvex, &doc, &t, &fill).unwrap();
    assert_eq!(got.assessments.len(), 2, "{got:?}");
    let log4j = &got.assessments[0];
    assert_eq!(log4j.vuln.id, "CVE-2021-44228");
    assert_eq!(
        log4j.status,
        State::NotAffected {
            justification: Justification::CodeNotReachable
        }
    );
    assert_eq!(log4j.components[0].bom_ref, "log4j");
    let xz = &got.assessments[1];
    assert_eq!(
        xz.status,
        State::Affected {
            action: "Update the pump to 2.1.1.".into(),
            responses: vec![Response::Update]
        }
    );
    assert_eq!(xz.components[0].bom_ref, "xz", "qualifiers do not matter");
    assert_eq!(xz.vuln.aliases, ["GHSA-rxwq-x6h5-x525"]);
    // The component not in the SBOM is another product's: skipped and said so.
    assert_eq!(got.skipped.len(), 1);
    assert_eq!(got.skipped[0].0, "/statements/2");
    assert!(got.skipped[0].1.contains("pkg:npm/left-pad@1.0.0"));
}

#[test]
fn openvex_missing_fields_are_errors_naming_the_statement() {
    let t = target("Example Pump", "2.1.0");
    // Not affected with only an impact statement: dtsec needs a justification.
    let doc = openvex(json!([
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
         "status": "not_affected", "impact_statement": "Not reachable."}
    ]));
    let e = import(Format::Openvex, &doc, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/statements/0") && e.contains("--justification"),
        "{e}"
    );
    let fill = Fill {
        justification: Some(Justification::CodeNotReachable),
        ..Fill::default()
    };
    assert_eq!(
        import(Format::Openvex, &doc, &t, &fill)
            .unwrap()
            .assessments
            .len(),
        1
    );

    // Not affected by component_not_present is a false positive; it still needs an impact.
    let doc = openvex(json!([
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
         "status": "not_affected", "justification": "component_not_present"}
    ]));
    let e = import(Format::Openvex, &doc, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("--impact"), "{e}");
    let fill = Fill {
        impact: Some("log4j is not in the build.".into()),
        ..Fill::default()
    };
    let got = import(Format::Openvex, &doc, &t, &fill).unwrap();
    assert_eq!(got.assessments[0].status, State::FalsePositive);

    // A product with no purl cannot be tied: its position is named.
    let doc = openvex(json!([
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "https://example.com/products/pump"}],
         "status": "fixed"}
    ]));
    let e = import(Format::Openvex, &doc, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/statements/0/products/0") && e.contains("purl"),
        "{e}"
    );

    // Two statements giving one vulnerability two states are refused.
    let doc = openvex(json!([
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1"}],
         "status": "fixed"},
        {"vulnerability": {"name": "CVE-2021-44228"},
         "products": [{"@id": "pkg:generic/xz-utils@5.6.0"}],
         "status": "under_investigation"}
    ]));
    let e = import(Format::Openvex, &doc, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/statements/1") && e.contains("one state"),
        "{e}"
    );
}

fn shared_example(name: &str) -> Option<Value> {
    let dir = dtsec_testkit::shared("data/vex/csaf-2.0/examples/csaf_vex")?;
    Some(serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap())
}

/// The product (name, version) pairs an example's branches define.
fn products(doc: &Value) -> Vec<(String, String)> {
    fn walk(b: &Value, name: Option<&str>, out: &mut Vec<(String, String)>) {
        for x in b
            .get("branches")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let n = x["name"].as_str().unwrap_or_default();
            match x["category"].as_str() {
                Some("product_name") => walk(x, Some(n), out),
                Some("product_version" | "product_version_range") => {
                    if let Some(name) = name {
                        out.push((name.to_string(), n.to_string()));
                    }
                    walk(x, name, out)
                }
                _ => walk(x, name, out),
            }
        }
    }
    let mut out = Vec::new();
    walk(&doc["product_tree"], None, &mut out);
    out
}

#[test]
fn every_oasis_csaf_vex_example_imports_for_each_of_its_products() {
    let Some(dir) = dtsec_testkit::shared("data/vex/csaf-2.0/examples/csaf_vex") else {
        return;
    };
    let fill = Fill {
        responses: vec![Response::WorkaroundAvailable],
        action: Some("Follow the vendor's advice.".into()),
        justification: Some(Justification::RequiresEnvironment),
        impact: Some("Not exploitable in the device.".into()),
    };
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        let list = products(&doc);
        if list.is_empty() {
            // A product family without versions (use case 9): nothing is attributed to a
            // version, and the reason says why.
            let got = import(Format::Csaf, &doc, &target("PROD_ALPHA", "1.0"), &fill).unwrap();
            assert!(got.assessments.is_empty(), "{}", path.display());
            assert!(
                got.skipped
                    .iter()
                    .all(|(_, why)| why.contains("names no product version")),
                "{:?}",
                got.skipped
            );
            n += 1;
            continue;
        }
        let mut imported = 0;
        for (name, version) in list {
            let got = import(Format::Csaf, &doc, &target(&name, &version), &fill)
                .unwrap_or_else(|e| panic!("{} {name} {version}: {e}", path.display()));
            for a in &got.assessments {
                assert_eq!(a.components[0].bom_ref, "device");
                a.validate().unwrap();
            }
            imported += got.assessments.len();
        }
        assert!(imported >= 1, "{}", path.display());
        n += 1;
    }
    assert!(n >= 13, "{n} examples");
}

#[test]
fn csaf_example_states_and_missing_fields() {
    let Some(doc) = shared_example("2022-evd-uc-01-a-001.json") else {
        return;
    };
    let t = target("DEF", "1.0");
    // known_affected with a vendor_fix remediation: response update, action its details.
    let got = import(Format::Csaf, &doc, &t, &Fill::default()).unwrap();
    let a = &got.assessments[0];
    assert_eq!(a.vuln.id, "CVE-2021-44228");
    match &a.status {
        State::Affected { action, responses } => {
            assert_eq!(responses, &[Response::Update]);
            assert!(!action.is_empty());
        }
        other => panic!("{other:?}"),
    }
    // Another product of the same document is not this one.
    let e = import(Format::Csaf, &doc, &target("ABC", "9.9"), &Fill::default()).unwrap();
    assert!(e.assessments.is_empty() && e.skipped.len() == 1, "{e:?}");

    // known_not_affected with only an impact threat: the justification is missing.
    let doc = shared_example("2022-evd-uc-01-na-001.json").unwrap();
    let (name, version) = products(&doc).remove(0);
    let e = import(
        Format::Csaf,
        &doc,
        &target(&name, &version),
        &Fill::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("/vulnerabilities/0/product_status/known_not_affected/0")
            && e.contains("--justification"),
        "{e}"
    );

    // component_not_present: a false positive, with the threat's impact statement.
    let doc = shared_example("sec-vex-2022-0001.json").unwrap();
    let (name, version) = products(&doc).remove(0);
    let got = import(
        Format::Csaf,
        &doc,
        &target(&name, &version),
        &Fill::default(),
    )
    .unwrap();
    assert_eq!(got.assessments.len(), 3);
    assert!(
        got.assessments
            .iter()
            .all(|a| a.status == State::FalsePositive && a.impact_statement.is_some())
    );

    // none_available: the manufacturer cannot fix.
    let doc = shared_example("2022-evd-uc-03-ms-001.json").unwrap();
    let (name, version) = products(&doc).remove(0);
    let got = import(
        Format::Csaf,
        &doc,
        &target(&name, &version),
        &Fill {
            justification: Some(Justification::RequiresEnvironment),
            ..Fill::default()
        },
    )
    .unwrap();
    let a = got
        .assessments
        .iter()
        .find(|a| a.vuln.id == "CVE-2020-11898")
        .unwrap();
    assert!(
        matches!(&a.status, State::Affected { responses, .. } if responses == &[Response::CanNotFix]),
        "{a:?}"
    );
    assert_eq!(got.assessments.len(), 19);
}

#[test]
fn cyclonedx_vex_of_another_tool_imports_and_names_what_is_missing() {
    let t = target("Example Pump", "2.1.0");
    let doc = |analysis: Value, extra: Value| {
        let mut v = json!({
            "id": "CVE-2024-3094",
            "references": [{"id": "GHSA-rxwq-x6h5-x525", "source": {"name": "GitHub"}}],
            "affects": [{"ref": "xz-in-this-doc"}],
            "analysis": analysis,
        });
        if let (Some(v), Some(extra)) = (v.as_object_mut(), extra.as_object()) {
            v.extend(extra.clone());
        }
        json!({
            "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
            "components": [{"type": "library", "name": "xz-utils", "version": "5.6.0",
                            "bom-ref": "xz-in-this-doc", "purl": "pkg:generic/xz-utils@5.6.0"}],
            "vulnerabilities": [v],
        })
    };
    // Exploitable without a recommendation: the action is missing.
    let d = doc(
        json!({"state": "exploitable", "response": ["update"]}),
        json!({}),
    );
    let e = import(Format::Cyclonedx, &d, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/vulnerabilities/0") && e.contains("--action"),
        "{e}"
    );
    let d = doc(
        json!({"state": "exploitable", "response": ["update"]}),
        json!({"recommendation": "Update to 2.1.1."}),
    );
    let got = import(Format::Cyclonedx, &d, &t, &Fill::default()).unwrap();
    let a = &got.assessments[0];
    assert_eq!(a.components[0].bom_ref, "xz", "tied through the purl");
    assert_eq!(a.vuln.aliases, ["GHSA-rxwq-x6h5-x525"]);
    assert_eq!(
        a.status,
        State::Affected {
            action: "Update to 2.1.1.".into(),
            responses: vec![Response::Update]
        }
    );
    // Resolved with pedigree is a back-ported fix; exact CycloneDX justifications are kept.
    let d = doc(json!({"state": "resolved_with_pedigree"}), json!({}));
    let got = import(Format::Cyclonedx, &d, &t, &Fill::default()).unwrap();
    assert_eq!(got.assessments[0].status, State::Fixed { backport: true });
    let d = doc(
        json!({"state": "not_affected", "justification": "requires_environment", "detail": "Needs a shell."}),
        json!({}),
    );
    let got = import(Format::Cyclonedx, &d, &t, &Fill::default()).unwrap();
    assert_eq!(
        got.assessments[0].status,
        State::NotAffected {
            justification: Justification::RequiresEnvironment
        }
    );
    // No analysis: an advisory, not a statement.
    let mut d = doc(json!({}), json!({}));
    d["vulnerabilities"][0]
        .as_object_mut()
        .unwrap()
        .remove("analysis");
    let e = import(Format::Cyclonedx, &d, &t, &Fill::default())
        .unwrap_err()
        .to_string();
    assert!(e.contains("/vulnerabilities/0/analysis/state"), "{e}");
    // A bom-link to another SBOM is another product's.
    let mut d = doc(json!({"state": "in_triage"}), json!({}));
    d["vulnerabilities"][0]["affects"][0]["ref"] =
        "urn:cdx:11111111-2222-4333-8444-555555555555/1#xz".into();
    let got = import(Format::Cyclonedx, &d, &t, &Fill::default()).unwrap();
    assert!(got.assessments.is_empty() && got.skipped.len() == 1);
    // A bom-link to the SBOM ties by bom-ref.
    d["vulnerabilities"][0]["affects"][0]["ref"] =
        "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#log4j".into();
    let got = import(Format::Cyclonedx, &d, &t, &Fill::default()).unwrap();
    assert_eq!(got.assessments[0].components[0].bom_ref, "log4j");
}

#[test]
fn the_cyclonedx_vulnerability_example_imports() {
    let Some(dir) = dtsec_testkit::shared("data/sbom/cyclonedx/examples-1.6") else {
        return;
    };
    let doc: Value =
        serde_json::from_slice(&std::fs::read(dir.join("valid-vulnerability-1.6.json")).unwrap())
            .unwrap();
    let mut t = target("Example Pump", "2.1.0");
    t.components.push(ComponentRef {
        bom_ref: "jackson".into(),
        purl: Some("pkg:maven/com.fasterxml.jackson.core/jackson-databind@2.9.4".into()),
    });
    let got = import(Format::Cyclonedx, &doc, &t, &Fill::default()).unwrap();
    let a = &got.assessments[0];
    assert_eq!(a.vuln.id, "SNYK-JAVA-COMFASTERXMLJACKSONCORE-32111");
    assert_eq!(
        a.status,
        State::NotAffected {
            justification: Justification::CodeNotReachable
        }
    );
    assert_eq!(a.components[0].bom_ref, "jackson");
    assert!(a.impact_statement.is_some());
}
