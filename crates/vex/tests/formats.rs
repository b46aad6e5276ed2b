//! VEX export and import (design §10.8): one assessment per state in all three formats
//! validates against the format's schema (the copies in `../shared`, which the crate's
//! committed schemas must equal), passes the CSAF mandatory tests, and re-imports to the
//! identical assessment, per component; generated assessments round-trip too (proptest).

use dtsec_eval::vulns::{Factors, Rating};
use dtsec_vex::assessment::*;
use dtsec_vex::formats::{self, DocMeta, Format, csaf_checks, schemas};
use jiff::civil::date;
use proptest::prelude::*;
use serde_json::Value;

fn meta() -> DocMeta {
    DocMeta {
        author: "Example Pumps Inc.".into(),
        namespace: "https://pumps.example".into(),
        id: "EXP-VEX-2026-0001".into(),
        version: 1,
        timestamp: "2026-02-01T10:00:00Z".parse().unwrap(),
    }
}

fn base(status: State) -> Assessment {
    Assessment {
        vuln: VulnRef {
            id: "CVE-2024-3094".into(),
            aliases: vec!["GHSA-rxwq-x6h5-x525".into()],
        },
        product: ProductRef {
            name: "Example Pump".into(),
            version: "2.1.0".into(),
            sbom_serial: "urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79".into(),
            sbom_version: 1,
        },
        components: vec![
            ComponentRef {
                bom_ref: "xz-utils".into(),
                purl: Some("pkg:generic/xz-utils@5.6.0".into()),
            },
            ComponentRef {
                bom_ref: "liblzma".into(),
                purl: None,
            },
        ],
        status,
        impact_statement: Some(
            "The pump firmware links liblzma statically without the backdoored build step.".into(),
        ),
        scores: vec![
            ScoreRecord::new(
                ScoreSource::Advisory,
                "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:C/C:H/I:H/A:H",
                false,
            )
            .unwrap(),
            ScoreRecord::new(
                ScoreSource::Manufacturer,
                "CVSS:4.0/AV:A/AC:H/AT:P/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:H/SA:H/MSI:S/S:P",
                true,
            )
            .unwrap(),
        ],
        clinical: Some(Clinical {
            essential_performance_affected: true,
            severity_of_harm: Harm::Critical,
            exploitability: Exploitability::Medium,
            risk: Risk::Uncontrolled,
            rationale: "An adjacent attacker could alter the insulin delivery schedule.".into(),
        }),
        cc: Some(CcJudgement {
            rating: Rating::AnnexB(
                Factors::from_names("one-week", "proficient", "public", "easy", "specialised")
                    .unwrap(),
            ),
            claimed_ava_van: "AVA_VAN.3".into(),
            mitigated: false,
        }),
        dates: Dates {
            aware: Some(date(2026, 1, 1)),
            assessed: Some(date(2026, 1, 5)),
            ..Dates::default()
        },
        regulatory: Regulatory {
            isao_member: true,
            ..Regulatory::default()
        },
    }
}

fn one_per_state() -> Vec<Assessment> {
    vec![
        base(State::UnderInvestigation),
        base(State::NotAffected {
            justification: Justification::RequiresEnvironment,
        }),
        base(State::Affected {
            action: "Update the pump firmware to 2.1.1.".into(),
            responses: vec![Response::Update, Response::WorkaroundAvailable],
        }),
        base(State::Fixed { backport: true }),
        base(State::FalsePositive),
    ]
}

/// Validates against the schema as it is in `../shared` (when present), besides the crate's own.
fn shared_schema_check(format: Format, doc: &Value) {
    let (main, resources): (&str, Vec<(&str, &str)>) = match format {
        Format::Cyclonedx => (
            "data/sbom/cyclonedx/schema/bom-1.6.schema.json",
            vec![
                (
                    "http://cyclonedx.org/schema/spdx.schema.json",
                    "data/sbom/cyclonedx/schema/spdx.schema.json",
                ),
                (
                    "http://cyclonedx.org/schema/jsf-0.82.schema.json",
                    "data/sbom/cyclonedx/schema/jsf-0.82.schema.json",
                ),
            ],
        ),
        Format::Csaf => (
            "data/vex/csaf-2.0/json_schema/csaf_json_schema.json",
            vec![
                (
                    "https://www.first.org/cvss/cvss-v2.0.json",
                    "data/vex/csaf-2.0/referenced_schema/first/cvss-v2.0.json",
                ),
                (
                    "https://www.first.org/cvss/cvss-v3.0.json",
                    "data/vex/csaf-2.0/referenced_schema/first/cvss-v3.0.json",
                ),
                (
                    "https://www.first.org/cvss/cvss-v3.1.json",
                    "data/vex/csaf-2.0/referenced_schema/first/cvss-v3.1.json",
                ),
            ],
        ),
        Format::Openvex => ("data/vex/openvex/openvex_json_schema.json", vec![]),
    };
    let read = |p: &str| -> Option<Value> {
        let path = dtsec_testkit::shared(p)?;
        Some(serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
    };
    let Some(schema) = read(main) else { return };
    let shared: std::collections::HashMap<String, Value> = resources
        .into_iter()
        .map(|(uri, p)| (uri.to_owned(), read(p).unwrap()))
        .collect();
    let v = jsonschema::options()
        .with_retriever(SharedSchemas(shared))
        .build(&schema)
        .unwrap();
    let errors: Vec<String> = v
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .take(5)
        .collect();
    assert!(
        errors.is_empty(),
        "{format:?} invalid against ../shared schema: {errors:?}"
    );
}

#[test]
fn one_assessment_per_state_exports_validly_and_reimports_identically_in_every_format() {
    for format in [Format::Cyclonedx, Format::Csaf, Format::Openvex] {
        for a in one_per_state() {
            let doc = formats::export(format, std::slice::from_ref(&a), &meta()).unwrap();
            schemas::validate(format, &doc)
                .unwrap_or_else(|e| panic!("{format:?} {}: {e}", a.status.name()));
            shared_schema_check(format, &doc);
            if format == Format::Csaf {
                csaf_checks::run(&doc).unwrap();
            }
            let back = formats::import(format, &doc)
                .unwrap_or_else(|e| panic!("{format:?} {}: {e}", a.status.name()));
            assert_eq!(back, vec![a.clone()], "{format:?} {}", a.status.name());
        }
    }
}

#[test]
fn several_assessments_in_one_document_round_trip() {
    let all = one_per_state();
    for format in [Format::Cyclonedx, Format::Csaf, Format::Openvex] {
        let doc = formats::export(format, &all, &meta()).unwrap();
        assert_eq!(formats::import(format, &doc).unwrap(), all, "{format:?}");
    }
}

#[test]
fn statements_are_per_component() {
    let a = base(State::NotAffected {
        justification: Justification::CodeNotPresent,
    });
    let cdx = formats::export(Format::Cyclonedx, std::slice::from_ref(&a), &meta()).unwrap();
    assert_eq!(
        cdx.pointer("/vulnerabilities/0/affects/1/ref").unwrap(),
        "urn:cdx:3e671687-395b-41f5-a30f-a58921a69b79/1#liblzma"
    );
    let csaf = formats::export(Format::Csaf, std::slice::from_ref(&a), &meta()).unwrap();
    assert_eq!(
        csaf.pointer("/vulnerabilities/0/product_status/known_not_affected")
            .unwrap()
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let ovx = formats::export(Format::Openvex, std::slice::from_ref(&a), &meta()).unwrap();
    assert_eq!(
        ovx.pointer("/statements/0/products/0/subcomponents/0/identifiers/purl")
            .unwrap(),
        "pkg:generic/xz-utils@5.6.0"
    );
    assert_eq!(
        ovx.pointer("/statements/0/justification").unwrap(),
        "vulnerable_code_not_present"
    );
}

#[test]
fn lossy_justification_is_kept_exactly_and_a_contradiction_is_refused() {
    let a = base(State::NotAffected {
        justification: Justification::ProtectedAtPerimeter,
    });
    let mut doc = formats::export(Format::Openvex, std::slice::from_ref(&a), &meta()).unwrap();
    assert_eq!(
        doc.pointer("/statements/0/justification").unwrap(),
        "inline_mitigations_already_exist"
    );
    assert_eq!(
        formats::import(Format::Openvex, &doc).unwrap()[0].status,
        a.status
    );
    doc["statements"][0]["justification"] = "vulnerable_code_not_present".into();
    let e = formats::import(Format::Openvex, &doc)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("/statements/0/justification") && e.contains("contradicts"),
        "{e}"
    );
}

#[test]
fn csaf_v4_scores_stay_out_of_csaf_scores() {
    let a = base(State::UnderInvestigation);
    let doc = formats::export(Format::Csaf, std::slice::from_ref(&a), &meta()).unwrap();
    let scores = doc
        .pointer("/vulnerabilities/0/scores")
        .unwrap()
        .as_array()
        .unwrap();
    assert_eq!(scores.len(), 1);
    assert_eq!(scores[0].pointer("/cvss_v3/version").unwrap(), "3.1");
}

#[test]
fn a_document_breaking_its_schema_is_refused_with_the_pointer() {
    let a = base(State::UnderInvestigation);
    let mut doc = formats::export(Format::Openvex, std::slice::from_ref(&a), &meta()).unwrap();
    doc["version"] = 0.into();
    let e = formats::import(Format::Openvex, &doc)
        .unwrap_err()
        .to_string();
    assert!(e.contains("/version"), "{e}");
    let mut doc = formats::export(Format::Cyclonedx, std::slice::from_ref(&a), &meta()).unwrap();
    doc["vulnerabilities"][0]["analysis"]["state"] = "maybe".into();
    let e = formats::import(Format::Cyclonedx, &doc)
        .unwrap_err()
        .to_string();
    assert!(e.contains("/vulnerabilities/0/analysis/state"), "{e}");
}

#[test]
fn the_committed_schemas_equal_the_shared_copies() {
    for (ours, theirs) in [
        (
            "bom-1.6.schema.json",
            "data/sbom/cyclonedx/schema/bom-1.6.schema.json",
        ),
        (
            "spdx.schema.json",
            "data/sbom/cyclonedx/schema/spdx.schema.json",
        ),
        (
            "jsf-0.82.schema.json",
            "data/sbom/cyclonedx/schema/jsf-0.82.schema.json",
        ),
        (
            "csaf_json_schema.json",
            "data/vex/csaf-2.0/json_schema/csaf_json_schema.json",
        ),
        (
            "cvss-v2.0.json",
            "data/vex/csaf-2.0/referenced_schema/first/cvss-v2.0.json",
        ),
        (
            "cvss-v3.0.json",
            "data/vex/csaf-2.0/referenced_schema/first/cvss-v3.0.json",
        ),
        (
            "cvss-v3.1.json",
            "data/vex/csaf-2.0/referenced_schema/first/cvss-v3.1.json",
        ),
        (
            "openvex_json_schema.json",
            "data/vex/openvex/openvex_json_schema.json",
        ),
        (
            "provider_json_schema.json",
            "data/vex/csaf-2.0/json_schema/provider_json_schema.json",
        ),
    ] {
        let Some(path) = dtsec_testkit::shared(theirs) else {
            return;
        };
        let mine = std::fs::read(format!("{}/schemas/{ours}", env!("CARGO_MANIFEST_DIR"))).unwrap();
        assert_eq!(mine, std::fs::read(path).unwrap(), "{ours}");
    }
}

#[test]
fn the_oasis_vex_examples_pass_the_mandatory_tests() {
    let Some(dir) = dtsec_testkit::shared("data/vex/csaf-2.0/examples/csaf_vex") else {
        return;
    };
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("json") {
            continue;
        }
        let doc: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        schemas::validate(Format::Csaf, &doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        csaf_checks::run(&doc).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        n += 1;
    }
    assert!(n >= 13, "{n} examples");
}

fn csaf_doc() -> Value {
    formats::export(
        Format::Csaf,
        &[base(State::Fixed { backport: false })],
        &meta(),
    )
    .unwrap()
}

#[test]
fn csaf_6_1_1_undefined_product() {
    let mut d = csaf_doc();
    d["vulnerabilities"][0]["product_status"]["fixed"][0] = "NOPE".into();
    let e = csaf_checks::run(&d).unwrap_err().to_string();
    assert!(
        e.contains("6.1.1") && e.contains("/vulnerabilities/0/product_status/fixed/0"),
        "{e}"
    );
}

#[test]
fn csaf_6_1_2_product_defined_twice() {
    let mut d = csaf_doc();
    let first = d["product_tree"]["full_product_names"][0].clone();
    d["product_tree"]["full_product_names"]
        .as_array_mut()
        .unwrap()
        .push(first);
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.2")
    );
}

#[test]
fn csaf_6_1_3_circular_relationship() {
    let mut d = csaf_doc();
    let own = d["product_tree"]["relationships"][0]["full_product_name"]["product_id"].clone();
    d["product_tree"]["relationships"][0]["product_reference"] = own;
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.3")
    );
}

#[test]
fn csaf_6_1_4_and_6_1_5_product_groups() {
    let mut d = csaf_doc();
    d["vulnerabilities"][0]["threats"] =
        serde_json::json!([{"category": "impact", "details": "x", "group_ids": ["G1"]}]);
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.4")
    );
    d["product_tree"]["product_groups"] = serde_json::json!([
        {"group_id": "G1", "product_ids": ["DTSEC-P0", "DTSEC-P0-C0"]},
        {"group_id": "G1", "product_ids": ["DTSEC-P0", "DTSEC-P0-C1"]}
    ]);
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.5")
    );
}

#[test]
fn csaf_6_1_6_contradicting_status() {
    let mut d = csaf_doc();
    let id = d["vulnerabilities"][0]["product_status"]["fixed"][0].clone();
    d["vulnerabilities"][0]["product_status"]["known_affected"] = serde_json::json!([id]);
    let e = csaf_checks::run(&d).unwrap_err().to_string();
    assert!(e.contains("6.1.6") && e.contains("both"), "{e}");
    // And the importer refuses it too, naming the test.
    assert!(
        formats::import(Format::Csaf, &d)
            .unwrap_err()
            .to_string()
            .contains("6.1.6")
    );
}

#[test]
fn csaf_6_1_7_two_scores_of_one_version() {
    let mut d = csaf_doc();
    let s = d["vulnerabilities"][0]["scores"][0].clone();
    d["vulnerabilities"][0]["scores"]
        .as_array_mut()
        .unwrap()
        .push(s);
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.7")
    );
}

// --- generated assessments -------------------------------------------------------------

const VECTORS: &[&str] = &[
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.0/AV:L/AC:H/PR:L/UI:R/S:C/C:L/I:N/A:N/E:P/RL:O",
    "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N",
    "CVSS:4.0/AV:A/AC:L/AT:N/PR:N/UI:N/VC:N/VI:H/VA:H/SC:N/SI:H/SA:H/E:A/MSI:S/S:P",
];

fn justification() -> impl Strategy<Value = Justification> {
    use Justification::*;
    prop::sample::select(vec![
        CodeNotPresent,
        CodeNotReachable,
        RequiresConfiguration,
        RequiresDependency,
        RequiresEnvironment,
        ProtectedByCompiler,
        ProtectedAtRuntime,
        ProtectedAtPerimeter,
        ProtectedByMitigatingControl,
    ])
}

fn state() -> impl Strategy<Value = State> {
    prop_oneof![
        Just(State::UnderInvestigation),
        justification().prop_map(|justification| State::NotAffected { justification }),
        (
            "[A-Za-z][A-Za-z .]{0,40}",
            prop::sample::subsequence(
                vec![
                    Response::CanNotFix,
                    Response::WillNotFix,
                    Response::Update,
                    Response::Rollback,
                    Response::WorkaroundAvailable
                ],
                1..=3
            )
        )
            .prop_map(|(action, responses)| State::Affected { action, responses }),
        any::<bool>().prop_map(|backport| State::Fixed { backport }),
        Just(State::FalsePositive),
    ]
}

fn assessment() -> impl Strategy<Value = Assessment> {
    (
        state(),
        prop::collection::vec(
            (
                "[a-z][a-z0-9-]{0,12}",
                prop::option::of("[a-z]{1,8}@[0-9]\\.[0-9]"),
            ),
            1..4,
        ),
        prop::collection::vec("GHSA-[a-z0-9]{4}-[a-z0-9]{4}", 0..3),
        prop::sample::subsequence(VECTORS.to_vec(), 0..=3),
        any::<bool>(),
        prop::option::of((
            prop::sample::select(vec![Risk::Controlled, Risk::Uncontrolled]),
            any::<bool>(),
        )),
        prop::option::of((0u32..40, any::<bool>())),
        prop::option::of((0i64..300, 0i64..40, 0i64..40)),
        (any::<bool>(), any::<bool>()),
        prop_oneof![Just("CVE-2025-12345".to_string()), "OSV-[0-9]{4}-[0-9]{2}"],
    )
        .prop_map(
            |(status, comps, aliases, vectors, devctx, clinical, cc, dates, (isao, sae), id)| {
                let mut components: Vec<ComponentRef> = Vec::new();
                for (r, p) in comps {
                    if !components.iter().any(|c| c.bom_ref == r) {
                        components.push(ComponentRef {
                            bom_ref: r,
                            purl: p.map(|p| format!("pkg:generic/{p}")),
                        });
                    }
                }
                let mut a = base(status.clone());
                a.vuln = VulnRef {
                    id,
                    aliases: aliases.into_iter().fold(Vec::new(), |mut v, x| {
                        if !v.contains(&x) {
                            v.push(x)
                        }
                        v
                    }),
                };
                a.components = components;
                a.impact_statement =
                    if matches!(status, State::NotAffected { .. } | State::FalsePositive) || devctx
                    {
                        Some("No path from the radio to the parser.".into())
                    } else {
                        None
                    };
                a.scores = vectors
                    .iter()
                    .enumerate()
                    .map(|(i, v)| {
                        ScoreRecord::new(
                            if i == 0 {
                                ScoreSource::Advisory
                            } else {
                                ScoreSource::Lab
                            },
                            v,
                            devctx && i > 0,
                        )
                        .unwrap()
                    })
                    .collect();
                a.clinical = clinical.map(|(risk, ep)| Clinical {
                    essential_performance_affected: ep,
                    severity_of_harm: Harm::Serious,
                    exploitability: Exploitability::High,
                    risk,
                    rationale: "generated".into(),
                });
                a.cc = cc.map(|(n, mitigated)| CcJudgement {
                    rating: Rating::AnnexB(
                        Factors::from_names(
                            ["one-day", "one-week", "two-weeks", "one-month"][(n % 4) as usize],
                            ["layman", "proficient", "expert"][(n % 3) as usize],
                            "public",
                            ["unnecessary", "easy", "moderate"][(n % 3) as usize],
                            "standard",
                        )
                        .unwrap(),
                    ),
                    claimed_ava_van: format!("AVA_VAN.{}", 1 + n % 5),
                    mitigated,
                });
                a.dates = match dates {
                    Some((t0, n, f)) => {
                        let t0d = date(2025, 1, 1)
                            .checked_add(jiff::Span::new().days(t0))
                            .unwrap();
                        Dates {
                            aware: Some(t0d),
                            assessed: Some(t0d.checked_add(jiff::Span::new().days(n)).unwrap()),
                            customers_notified: (n > 10)
                                .then(|| t0d.checked_add(jiff::Span::new().days(n)).unwrap()),
                            fix_validated: (f > 5)
                                .then(|| t0d.checked_add(jiff::Span::new().days(f)).unwrap()),
                            fix_distributed: (f > 5)
                                .then(|| t0d.checked_add(jiff::Span::new().days(f + 1)).unwrap()),
                            ..Dates::default()
                        }
                    }
                    None => Dates::default(),
                };
                if a.clinical
                    .as_ref()
                    .is_some_and(|c| c.risk == Risk::Uncontrolled)
                    && a.dates.aware.is_none()
                {
                    a.dates.aware = Some(date(2025, 1, 1));
                }
                a.regulatory = Regulatory {
                    isao_member: isao,
                    serious_adverse_events_known: sae,
                    fda_806: sae.then(|| Report806 {
                        filed_on: date(2026, 3, 1),
                        number: "806-2026-7".into(),
                    }),
                };
                a
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 40, ..ProptestConfig::default() })]

    #[test]
    fn generated_assessments_round_trip_in_every_format(list in prop::collection::vec(assessment(), 1..3)) {
        for a in &list {
            prop_assert!(a.validate().is_ok(), "{:?}", a.validate());
        }
        for format in [Format::Cyclonedx, Format::Csaf, Format::Openvex] {
            let doc = formats::export(format, &list, &meta()).unwrap();
            let back = formats::import(format, &doc);
            prop_assert!(back.is_ok(), "{format:?}: {:?}", back.err());
            prop_assert_eq!(back.unwrap(), list.clone());
        }
    }
}

/// The `$ref`d schemas, read from `../shared`; nothing is fetched.
struct SharedSchemas(std::collections::HashMap<String, Value>);

impl jsonschema::Retrieve for SharedSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("{uri} is not among the shared schemas").into())
    }
}

/// A notice (the registry's published CSAF document): an affected or uncontrolled assessment is
/// a `csaf_security_advisory`, the rest `csaf_vex`; every revision validates against the shared
/// CSAF 2.0 schema and passes the mandatory tests, including the revision-history ones.
#[test]
fn notices_take_the_profile_their_assessment_calls_for_and_carry_their_revisions() {
    use formats::csaf_notice::{self, NoticeCategory, NoticeMeta, Revision};
    let rev = |n: u32, date: &str| Revision {
        number: n,
        date: date.into(),
        summary: format!("revision {n}"),
    };
    let meta = |revisions: Vec<Revision>| NoticeMeta {
        publisher: "DTSec scheme".into(),
        namespace: "https://registry.example".into(),
        id: "DTSEC-VN-2026-0001".into(),
        title: "DTSEC-VN-2026-0001: CVE-2024-3094 in Example Pump 2.1.0".into(),
        revisions,
        references: vec![
            serde_json::json!({"category": "self", "summary": "This notice", "url": "https://registry.example/.well-known/csaf/white/2026/dtsec-vn-2026-0001.json"}),
        ],
    };
    let affected = base(State::Affected {
        action: "Update the pump firmware to 2.1.1.".into(),
        responses: vec![Response::Update],
    });
    assert_eq!(
        NoticeCategory::of(&affected),
        NoticeCategory::SecurityAdvisory
    );
    let mut not_affected = base(State::NotAffected {
        justification: Justification::CodeNotPresent,
    });
    assert_eq!(NoticeCategory::of(&not_affected), NoticeCategory::Vex);
    not_affected.clinical = None;
    assert_eq!(NoticeCategory::of(&not_affected), NoticeCategory::Vex);
    // Uncontrolled risk makes an advisory even before the state says affected.
    assert_eq!(
        NoticeCategory::of(&base(State::UnderInvestigation)),
        NoticeCategory::SecurityAdvisory
    );

    let mut affected = affected;
    affected.dates.fix_distributed = None;
    let first = csaf_notice::notice(
        &affected,
        NoticeCategory::SecurityAdvisory,
        &meta(vec![rev(1, "2026-01-10T09:00:00Z")]),
    )
    .unwrap();
    let check = |d: &Value| {
        schemas::validate(Format::Csaf, d).unwrap();
        csaf_checks::run(d).unwrap();
        shared_schema_check(Format::Csaf, d);
    };
    check(&first);
    assert_eq!(first["document"]["category"], "csaf_security_advisory");
    assert_eq!(first["document"]["tracking"]["status"], "interim");
    assert_eq!(first["document"]["tracking"]["version"], "1");
    assert_eq!(first["document"]["publisher"]["category"], "coordinator");
    let v = &first["vulnerabilities"][0];
    assert_eq!(v["remediations"][0]["category"], "vendor_fix");
    assert_eq!(v["threats"][0]["category"], "impact");
    assert!(
        v["threats"][0]["details"]
            .as_str()
            .unwrap()
            .starts_with("Clinical risk uncontrolled"),
        "{v}"
    );
    assert_eq!(
        v["product_status"]["known_affected"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    assert!(
        first["document"]["notes"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["category"] == "summary"
                && n["text"]
                    .as_str()
                    .unwrap()
                    .contains("Update the pump firmware")),
    );

    // The fix distributed: revision 2 of the same advisory, final, with both revisions.
    let mut fixed = base(State::Fixed { backport: false });
    fixed.dates.fix_distributed = Some(date(2026, 2, 20));
    let second = csaf_notice::notice(
        &fixed,
        NoticeCategory::SecurityAdvisory,
        &meta(vec![
            rev(1, "2026-01-10T09:00:00Z"),
            rev(2, "2026-02-21T09:00:00Z"),
        ]),
    )
    .unwrap();
    check(&second);
    let t = &second["document"]["tracking"];
    assert_eq!(t["status"], "final");
    assert_eq!(t["version"], "2");
    assert_eq!(t["initial_release_date"], "2026-01-10T09:00:00Z");
    assert_eq!(t["current_release_date"], "2026-02-21T09:00:00Z");
    assert_eq!(t["revision_history"].as_array().unwrap().len(), 2);
    let rem = &second["vulnerabilities"][0]["remediations"][0];
    assert_eq!(rem["category"], "vendor_fix");
    assert_eq!(rem["date"], "2026-02-20T00:00:00Z");

    // A history that skips, repeats or disagrees with the version fails its mandatory test.
    let mut d = second.clone();
    d["document"]["tracking"]["revision_history"][1]["number"] = "3".into();
    d["document"]["tracking"]["version"] = "3".into();
    let e = csaf_checks::run(&d).unwrap_err().to_string();
    assert!(
        e.contains("6.1.21") && e.contains("version 2 is missing"),
        "{e}"
    );
    let mut d = second.clone();
    d["document"]["tracking"]["revision_history"][1]["number"] = "1".into();
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.22")
    );
    let mut d = second.clone();
    d["document"]["tracking"]["version"] = "1".into();
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.16")
    );
    let mut d = second.clone();
    d["document"]["tracking"]["revision_history"][1]["date"] = "2025-12-01T00:00:00Z".into();
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.14")
    );
    let mut d = second;
    d["vulnerabilities"][0]["notes"] = serde_json::json!([]);
    // The schema allows no empty notes array either; the profile test names the rule.
    assert!(
        csaf_checks::run(&d)
            .unwrap_err()
            .to_string()
            .contains("6.1.27.5")
    );
}

/// Issue 13: a `vex export` at document version N > 1 lists every revision 1..N, taken from the
/// hashed histories, and passes 6.1.21; version N states the assessments as they stood then.
#[test]
fn a_csaf_export_at_version_n_carries_the_whole_revision_history() {
    use dtsec_vex::history::{History, as_of_revision};
    let t = |s: &str| s.parse::<jiff::Timestamp>().unwrap();
    let mut a = History::default();
    a.append(base(State::UnderInvestigation), t("2026-01-05T09:00:00Z"))
        .unwrap();
    let mut fixed = base(State::Fixed { backport: false });
    fixed.dates.fix_distributed = Some(date(2026, 2, 20));
    a.append(fixed, t("2026-02-21T09:00:00Z")).unwrap();
    let mut other = base(State::FalsePositive);
    other.vuln.id = "CVE-2023-0001".into();
    other.vuln.aliases.clear();
    other.impact_statement = Some("The component is not in the build.".into());
    let mut b = History::default();
    b.append(other, t("2026-01-20T09:00:00Z")).unwrap();

    let all = as_of_revision(&[&a, &b], None).unwrap();
    let numbers: Vec<u32> = all.revisions.iter().map(|r| r.number).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert_eq!(all.revisions[1].date, "2026-01-20T09:00:00Z");
    assert!(all.revisions[2].summary.contains("fixed (version 2)"));
    let m = DocMeta {
        version: 3,
        timestamp: t("2026-02-21T09:00:00Z"),
        ..meta()
    };
    let doc = formats::export_revised(Format::Csaf, &all.assessments, &m, &all.revisions).unwrap();
    csaf_checks::run(&doc).unwrap();
    let tr = &doc["document"]["tracking"];
    assert_eq!(tr["version"], "3");
    assert_eq!(tr["initial_release_date"], "2026-01-05T09:00:00Z");
    assert_eq!(tr["revision_history"].as_array().unwrap().len(), 3);
    let back = formats::import(Format::Csaf, &doc).unwrap();
    assert!(matches!(back[0].status, State::Fixed { .. }), "{back:?}");

    // Version 1 is the first recorded statement only, under investigation.
    let first = as_of_revision(&[&a, &b], Some(1)).unwrap();
    assert_eq!(first.assessments.len(), 1);
    assert_eq!(first.assessments[0].status, State::UnderInvestigation);
    let e = as_of_revision(&[&a, &b], Some(4)).unwrap_err().to_string();
    assert!(e.contains("1 to 3"), "{e}");

    // Without the history, version 3 is refused rather than written with a gap.
    let e = formats::export(Format::Csaf, &all.assessments, &m)
        .unwrap_err()
        .to_string();
    assert!(e.contains("6.1.21"), "{e}");
    // Revisions not numbered 1..N are refused too.
    let e = formats::export_revised(Format::Csaf, &all.assessments, &m, &all.revisions[1..])
        .unwrap_err()
        .to_string();
    assert!(e.contains("numbered 1"), "{e}");

    // 6.1.21 in full: a history starting at 2 misses version 1.
    let mut d = doc.clone();
    let h = d["document"]["tracking"]["revision_history"]
        .as_array_mut()
        .unwrap();
    h.remove(0);
    let e = csaf_checks::run(&d).unwrap_err().to_string();
    assert!(
        e.contains("6.1.21") && e.contains("starts at version 2"),
        "{e}"
    );
}
