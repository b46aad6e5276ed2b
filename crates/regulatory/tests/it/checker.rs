//! The mapping checker: each fixture in `tests/fixtures/mappings/` lists the codes it must give
//! (`# expect: CODE`, notes aside), and the built-in mappings give no error or warning.

use std::path::Path;

use dtsec_check::Severity;
use dtsec_model::Library;
use dtsec_regulatory::builtin::BUILTIN_MAPPINGS;
use dtsec_regulatory::checker::{CheckInput, check};
use dtsec_regulatory::mapping;

fn fixture(name: &str) -> Vec<dtsec_check::Diagnostic> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/mappings")
        .join(name);
    let (source, doc) = mapping::load(&path).unwrap();
    let lib = Library::with_builtins();
    let diags = check(CheckInput {
        source: &source,
        mapping: &doc,
        library: &lib,
    })
    .unwrap();
    let mut expected: Vec<&str> = source
        .text
        .lines()
        .filter_map(|l| l.strip_prefix("# expect: "))
        .collect();
    let mut found: Vec<&str> = diags
        .iter()
        .filter(|d| d.severity != Severity::Note)
        .map(|d| d.code)
        .collect();
    expected.sort_unstable();
    found.sort_unstable();
    assert_eq!(found, expected, "{name}: {diags:#?}");
    diags
}

#[test]
fn a_withdrawn_csf_id_is_rejected_and_its_successor_named() {
    let d = fixture("withdrawn-csf-id.yaml");
    let withdrawn = d.iter().find(|d| d.code == "DT-MAP-002").unwrap();
    assert!(
        withdrawn.message.contains("PR.AC-01"),
        "{}",
        withdrawn.message
    );
    assert!(withdrawn.help.as_deref().unwrap().contains("PR.AA-01"));
    assert_eq!((withdrawn.span.line, withdrawn.span.column), (9, 8));
    assert_eq!(withdrawn.severity, Severity::Error);
}

#[test]
fn an_edge_without_rationale_is_rejected() {
    let d = fixture("edge-without-rationale.yaml");
    let lines: Vec<u32> = d
        .iter()
        .filter(|d| d.code == "DT-MAP-003")
        .map(|d| d.span.line)
        .collect();
    // The missing one points at the edge's `from`, the blank one at the rationale itself.
    assert_eq!(lines, [9, 18]);
}

#[test]
fn unknown_framework_items_pp_items_choices_and_roles_are_named() {
    let d = fixture("unknown-items.yaml");
    assert!(
        d.iter()
            .any(|d| d.code == "DT-MAP-001" && d.message.contains("DE.CM-99"))
    );
    assert!(
        d.iter()
            .any(|d| d.code == "DT-MAP-006" && d.message.contains("ipsec"))
    );
    assert!(
        d.iter()
            .any(|d| d.code == "DT-MAP-007" && d.message.contains("therapy-deliver"))
    );
}

#[test]
fn changed_pp_or_framework_versions_ask_for_review() {
    let d = fixture("stale-pins.yaml");
    assert!(d.iter().all(|d| d.severity == Severity::Warning));
    assert!(
        d.iter()
            .any(|d| d.message.contains("1.9") && d.message.contains("2.0"))
    );
}

#[test]
fn an_fda_category_left_to_the_environment_is_a_gap_for_every_role() {
    let d = fixture("fda-category-h-uncovered.yaml");
    let roles: Vec<&str> = d
        .iter()
        .filter(|d| d.code == "DT-MAP-004")
        .map(|d| d.message.split('`').nth(1).unwrap())
        .collect();
    assert_eq!(
        roles,
        [
            "therapy-delivery",
            "command-source",
            "sensor-source",
            "aid-host",
            "remote-display"
        ]
    );
    assert!(
        d.iter()
            .all(|d| d.code != "DT-MAP-004" || d.message.contains("category H"))
    );
}

#[test]
fn builtin_mappings_have_no_errors_or_warnings() {
    let lib = Library::with_builtins();
    for (name, pp, version, fw, _) in BUILTIN_MAPPINGS {
        let (source, doc) = dtsec_regulatory::builtin::find(pp, version, fw).unwrap();
        let diags = check(CheckInput {
            source: &source,
            mapping: &doc,
            library: &lib,
        })
        .unwrap();
        let bad: Vec<_> = diags
            .iter()
            .filter(|d| d.severity != Severity::Note)
            .collect();
        assert!(bad.is_empty(), "{name}: {bad:#?}");
    }
}

#[test]
fn an_exclamation_mark_in_a_rationale_is_text_not_a_tag() {
    let src = dtsec_model::SourceFile::new(
        "m.yaml",
        "kind: framework-mapping\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: fda-2026, version: '2026-02-03'}\nedges:\n- {from: FAU_GEN.1, to: [F.1], relation: supports, rationale: 'Records!! Always!', status: needs-review}\n",
    );
    let doc = mapping::parse(&src).unwrap();
    assert_eq!(
        doc.edges[0].rationale.as_ref().unwrap().value,
        "Records!! Always!"
    );
}

#[test]
fn a_mapping_with_an_unknown_framework_cannot_be_checked() {
    let src = dtsec_model::SourceFile::new(
        "m.yaml",
        "kind: framework-mapping\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: hipaa, version: '1'}\nedges: []\n",
    );
    let doc = mapping::parse(&src).unwrap();
    let lib = Library::with_builtins();
    let err = check(CheckInput {
        source: &src,
        mapping: &doc,
        library: &lib,
    })
    .err()
    .unwrap();
    assert!(err.to_string().contains("hipaa"));
}

#[test]
fn malformed_mappings_are_errors_with_positions() {
    for (text, want) in [
        (
            "kind: security-target\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: fda, version: '1'}\nedges: []\n",
            "1:",
        ),
        (
            "kind: framework-mapping\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: fda, version: '1'}\nedges:\n- {from: X, to: [A], relation: equal, rationale: r, status: reviewed}\n",
            "6:",
        ),
        ("kind: !!str framework-mapping\n", "1:7"),
        ("kind: framework-mapping\nid: !local m\n", "2:5"),
    ] {
        let src = dtsec_model::SourceFile::new("m.yaml", text);
        let err = mapping::parse(&src).err().unwrap().to_string();
        assert!(err.starts_with(&format!("m.yaml:{want}")), "{err}");
    }
}

#[test]
fn a_review_date_that_is_not_a_date_is_named() {
    let src = dtsec_model::SourceFile::new(
        "m.yaml",
        "kind: framework-mapping\nid: m\npp: {id: cdd, version: '2.0'}\nframework: {id: csf-2.0, version: '2.0'}\nedges:\n- {from: FAU_GEN.1, to: [PR.PS-04], relation: supports, rationale: r, status: reviewed, reviewed_by: a, reviewed_on: '2026-13-01'}\n",
    );
    let doc = mapping::parse(&src).unwrap();
    let lib = Library::with_builtins();
    let d = check(CheckInput {
        source: &src,
        mapping: &doc,
        library: &lib,
    })
    .unwrap();
    let bad = d.iter().find(|d| d.message.contains("2026-13-01")).unwrap();
    assert_eq!((bad.code, bad.span.line), ("DT-MAP-008", 6));
}
