//! NIAP XML export: the output validates against NIAP's RELAX NG schemas (with `xmllint`, when
//! it is on PATH — Debian's libxml2-utils; the tests say when they skip), the CDD PP and its
//! packages survive YAML → export → import in every part NIAP has a place for, NIAP-format
//! Security Targets are written back as `<st>` (no RELAX NG schema covers that format:
//! `SecurityTarget.rng` describes an evaluation report, and NIAP's own STs fail it), and dtsec's
//! own Security Targets are refused.

use std::path::{Path, PathBuf};
use std::process::Command;

use dtsec_model::{Choice, Document, DocumentKind, Operation, Spanned};

fn shared() -> Option<PathBuf> {
    dtsec_testkit::shared("niap")
}

fn builtin(name: &str) -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../model/builtin")
        .join(name);
    dtsec_model::load_document(&path)
        .unwrap_or_else(|e| panic!("{name}: {e}"))
        .1
}

fn xmllint() -> bool {
    dtsec_testkit::tool("xmllint", "--version", "libxml2-utils")
}

/// The schema for a document's root element.
fn schema_for(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::PpModule => "CCModule.rng",
        DocumentKind::FunctionalPackage | DocumentKind::AssurancePackage => "CCPackage.rng",
        _ => "CCProtectionProfile.rng",
    }
}

/// Validates `file` with xmllint; `Err` holds xmllint's first lines.
fn validate(schema_dir: &Path, schema: &str, file: &Path) -> Result<(), String> {
    let out = Command::new("xmllint")
        .arg("--noout")
        .arg("--relaxng")
        .arg(schema_dir.join(schema))
        .arg(file)
        .output()
        .map_err(|e| e.to_string())?;
    if out.status.success() {
        Ok(())
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        Err(err.lines().take(6).collect::<Vec<_>>().join("\n"))
    }
}

/// The text in a temporary file named after `name`, deleted when the returned path is dropped.
fn write_temp(name: &str, text: &str) -> tempfile::TempPath {
    let file = tempfile::Builder::new()
        .prefix(&format!("dtsec-niap-{name}-"))
        .suffix(".xml")
        .tempfile()
        .expect("temp file");
    std::fs::write(file.path(), text).expect("write temp file");
    file.into_temp_path()
}

#[test]
fn builtins_validate_against_niap_schemas() {
    let Some(shared) = shared() else { return };
    if !xmllint() {
        return;
    }
    for name in ["cdd-pp.yaml", "cdd-eb.yaml", "cdd-moderate.yaml"] {
        let doc = builtin(name);
        let xml = dtsec_niap::export(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        let file = write_temp(&format!("{name}.xml"), &xml);
        let schema = schema_for(doc.kind.value);
        validate(&shared.join("schemas"), schema, &file)
            .unwrap_or_else(|e| panic!("{name}: export does not validate against {schema}:\n{e}"));
        println!("{name}: export validates against {schema}");
    }
}

/// Every corpus file whose original validates must export to a file that validates too.
#[test]
fn corpus_exports_validate_where_originals_do() {
    let Some(shared) = shared() else { return };
    if !xmllint() {
        return;
    }
    let schemas = shared.join("schemas");
    let mut checked = 0;
    for sub in ["pp", "pp-for-st"] {
        let Ok(rd) = std::fs::read_dir(shared.join(sub)) else {
            continue;
        };
        let mut files: Vec<PathBuf> = rd.flatten().map(|e| e.path()).collect();
        files.sort();
        for path in files
            .iter()
            .filter(|p| p.extension().is_some_and(|x| x == "xml"))
        {
            let name = path.display().to_string();
            let bytes = std::fs::read(path).expect("readable");
            let imported = dtsec_niap::import_bytes(&bytes, &name).expect("imports");
            let schema = schema_for(imported.document.kind.value);
            if let Err(e) = validate(&schemas, schema, path) {
                println!(
                    "{name}: the original does not validate against {schema}; export not checked ({})",
                    e.lines().next().unwrap_or("")
                );
                continue;
            }
            let xml = dtsec_niap::export(&imported.document).expect("exports");
            let stem = path
                .file_name()
                .map_or("out".into(), |n| n.to_string_lossy().into_owned());
            let out = write_temp(&stem, &xml);
            validate(&schemas, schema, &out)
                .unwrap_or_else(|e| panic!("{name}: original validates, export does not:\n{e}"));
            println!("{name}: original and export validate against {schema}");
            checked += 1;
        }
    }
    assert!(
        checked > 0,
        "no corpus original validated; is xmllint working?"
    );
}

/// Operation names with their choices' texts, nested ones included, sorted.
fn ops_summary(ops: &mut dyn Iterator<Item = (&String, &Operation)>) -> Vec<String> {
    let mut out = Vec::new();
    for (name, op) in ops {
        match &op.selection {
            Some(choices) => {
                let texts: Vec<&str> = choices.iter().map(Choice::text).collect();
                out.push(format!(
                    "{name}: selection{} {texts:?}",
                    if op.exclusive { " (one)" } else { "" }
                ));
                for c in choices {
                    out.extend(ops_summary(&mut c.operations().iter()));
                }
            }
            None => out.push(format!("{name}: assignment {:?}", op.assignment)),
        }
    }
    out.sort();
    out
}

fn summary(doc: &Document) -> Vec<String> {
    let mut out = Vec::new();
    let ids = |defs: &[dtsec_model::Definition]| {
        defs.iter().map(|d| d.id.value.clone()).collect::<Vec<_>>()
    };
    out.push(format!("threats {:?}", ids(&doc.spd.threats)));
    out.push(format!("assumptions {:?}", ids(&doc.spd.assumptions)));
    out.push(format!("osps {:?}", ids(&doc.spd.osps)));
    out.push(format!("objectives {:?}", ids(&doc.objectives.toe)));
    out.push(format!(
        "environment {:?}",
        ids(&doc.objectives.environment)
    ));
    out.push(format!(
        "features {:?}",
        doc.features.iter().map(|f| &f.id.value).collect::<Vec<_>>()
    ));
    for sfr in &doc.sfrs {
        out.push(format!(
            "{} {:?} feature {:?}",
            sfr.id.value,
            sfr.status.as_ref().map(|s| s.value),
            sfr.feature.as_ref().map(|f| &f.value)
        ));
        for t in &sfr.selected_by {
            out.push(format!(
                "  selected by {} {}",
                t.sfr.value, t.operation.value
            ));
        }
        for el in &sfr.elements {
            out.push(format!("  {}", el.id.value));
            for line in ops_summary(&mut el.operations.iter().map(|(k, v)| (k, &v.value))) {
                out.push(format!("    {line}"));
            }
        }
    }
    for sar in &doc.sars {
        out.push(format!("SAR {}", sar.id.value));
    }
    out
}

#[test]
fn cdd_pp_survives_export_and_import() {
    let doc = builtin("cdd-pp.yaml");
    let xml = dtsec_niap::export(&doc).expect("exports");
    let back = dtsec_niap::import(&xml, "cdd-1.0.xml").expect("re-imports");
    assert!(back.warnings.is_empty(), "{:?}", back.warnings);
    assert_eq!(back.document.id.value, "cdd");
    assert_eq!(back.document.version.value, doc.version.value);
    assert_eq!(back.document.kind.value, DocumentKind::ProtectionProfile);
    let (a, b) = (summary(&doc), summary(&back.document));
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x, y);
    }
    assert_eq!(a.len(), b.len());
    // Counts: every SFR, element and operation of the YAML is in the XML.
    let elements: usize = doc.sfrs.iter().map(|s| s.elements.len()).sum();
    assert_eq!(back.counts.f_components, doc.sfrs.len());
    assert_eq!(back.counts.f_elements, elements);
    let mut sel = 0;
    let mut asg = 0;
    fn walk(op: &Operation, sel: &mut usize, asg: &mut usize) {
        match &op.selection {
            Some(cs) => {
                *sel += 1;
                for c in cs {
                    for o in c.operations().values() {
                        walk(o, sel, asg);
                    }
                }
            }
            None => *asg += 1,
        }
    }
    for el in doc.sfrs.iter().flat_map(|s| &s.elements) {
        for op in el.operations.values() {
            walk(&op.value, &mut sel, &mut asg);
        }
    }
    assert_eq!(
        (back.counts.selectables, back.counts.assignables),
        (sel, asg)
    );
    let audit: usize = doc.sfrs.iter().map(|s| s.audit_events.len()).sum();
    assert_eq!(back.counts.audit_events, audit);
    // Export is deterministic.
    assert_eq!(dtsec_niap::export(&doc).expect("exports"), xml);
}

#[test]
fn packages_export_their_sfrs() {
    for name in ["cdd-eb.yaml", "cdd-moderate.yaml"] {
        let doc = builtin(name);
        let xml = dtsec_niap::export(&doc).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(xml.contains("<Package "), "{name}");
        let back = dtsec_niap::import(&xml, name).expect("re-imports");
        let ids = |d: &Document| {
            d.sfrs
                .iter()
                .map(|s| s.id.value.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(ids(&back.document), ids(&doc), "{name}");
    }
}

#[test]
fn security_targets_are_refused() {
    let mut doc = builtin("cdd-pp.yaml");
    doc.kind = Spanned::new(DocumentKind::SecurityTarget, doc.kind.span);
    let err = dtsec_niap::export(&doc).expect_err("an ST is refused");
    assert!(matches!(err, dtsec_niap::ExportError::Unsupported { .. }));
    assert!(
        err.to_string()
            .contains("only NIAP-format Security Targets"),
        "{err}"
    );
}

fn st_fixture() -> Document {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/st-mini.xml");
    let xml = std::fs::read_to_string(&path).expect("fixture reads");
    dtsec_niap::read_document(&xml, "st-mini.xml")
        .expect("reads")
        .document
}

/// `st-mini.xml` (cut down from NIAP's GPOS_Success1.xml, see tests/fixtures/README.md) in
/// NIAP's ST shape: claims with their git blocks in source order, components under their
/// claim, kept choices with ids and `exclusive`; the stray `include-pkg` is not a claim and
/// is not written.
#[test]
fn niap_st_exports_in_the_st_shape() {
    let doc = st_fixture();
    let xml = dtsec_niap::export(&doc).expect("exports");
    let parsed = roxmltree::Document::parse(&xml).expect("well-formed");
    let root = parsed.root_element();
    assert_eq!(root.tag_name().name(), "st");
    assert_eq!(root.tag_name().namespace(), Some(dtsec_niap::NIAP_NS));
    let claims: Vec<(&str, Vec<String>)> = root
        .children()
        .filter(|c| c.is_element())
        .map(|c| {
            let git: Vec<String> = c
                .descendants()
                .filter(|d| ["url", "branch", "commit"].contains(&d.tag_name().name()))
                .map(|d| d.text().unwrap_or("").to_string())
                .collect();
            (c.tag_name().name(), git)
        })
        .collect();
    assert_eq!(
        claims,
        vec![
            (
                "package",
                vec![
                    "https://github.com/commoncriteria/ssh".to_string(),
                    "release-1.0".to_string(),
                    "95832af91e6c8d83e02ec7690c8b35b6357397b1".to_string()
                ]
            ),
            (
                "base-pp",
                vec![
                    "https://github.com/commoncriteria/operatingsystem".to_string(),
                    "release-4.3".to_string()
                ]
            ),
        ]
    );
    assert!(xml.contains(r#"<f-component cc-id="fia_uau.5">"#), "{xml}");
    assert!(xml.contains(r#"<f-element id="fel-multi-auth">"#), "{xml}");
    assert!(
        xml.contains(r#"<selectable id="s-uau-ssh">for use in SSH only, SSH public key-based authentication as specified by the pkg-ssh</selectable>"#),
        "{xml}"
    );
    assert!(
        xml.contains(r#"<selectable exclusive="yes">no other method</selectable>"#),
        "{xml}"
    );
    // Read back: the same claims, kinds, branches and commits.
    let st = dtsec_niap::read_st(&xml, "st-mini.xml").expect("re-reads");
    let again: Vec<(dtsec_niap::StClaimKind, &str, Option<&str>)> = st
        .claims
        .iter()
        .map(|c| (c.kind, c.version.as_str(), c.commit.as_deref()))
        .collect();
    assert_eq!(
        again,
        vec![
            (
                dtsec_niap::StClaimKind::Package,
                "1.0",
                Some("95832af91e6c8d83e02ec7690c8b35b6357397b1")
            ),
            (dtsec_niap::StClaimKind::BasePp, "4.3", None),
        ]
    );
    assert!(st.warnings.is_empty(), "{:?}", st.warnings);
}

/// A NIAP ST model that the `<st>` form cannot carry is refused with what to do, never
/// written differently.
#[test]
fn niap_st_export_refuses_what_it_cannot_write() {
    let err = |doc: &Document| dtsec_niap::export(doc).expect_err("refused").to_string();
    let mut doc = st_fixture();
    doc.sfrs[2].base_pp = None;
    let e = err(&doc);
    assert!(
        e.contains("SFR FCS_CKM_EXT.4 names no claimed document"),
        "{e}"
    );

    let mut doc = st_fixture();
    doc.sfrs[0].base_pp = Some(Spanned::unspanned("tls".to_string()));
    let e = err(&doc);
    assert!(
        e.contains("sits under `tls`, which the ST does not claim"),
        "{e}"
    );

    let mut doc = st_fixture();
    doc.conformance.packages[0].url = None;
    let e = err(&doc);
    assert!(e.contains("the claim of `ssh` has no url"), "{e}");

    let mut doc = st_fixture();
    doc.conformance.pps[0].url = Some("https://github.com/commoncriteria/other".into());
    let e = err(&doc);
    assert!(e.contains("which names `other`"), "{e}");

    let mut doc = st_fixture();
    doc.sfrs[1].elements[0].operations.clear();
    let e = err(&doc);
    assert!(
        e.contains("element FIA_UAU.5.1 of SFR FIA_UAU.5 completes `sel1` without an operation"),
        "{e}"
    );

    // Without recorded claims (a NIAP ST written in YAML) the PP references are written as the
    // base PP and modules, packages as packages, with release branches from the versions.
    let mut doc = st_fixture();
    if let Some(n) = doc.conformance.niap.as_mut() {
        n.claims.clear();
    }
    let xml = dtsec_niap::export(&doc).expect("exports");
    let base = xml.find("<base-pp>").expect("a base-pp");
    let pkg = xml.find("<package>").expect("a package");
    assert!(base < pkg, "PPs first when no order is recorded");
    assert!(xml.contains("<branch>release-4.3</branch>"), "{xml}");
}

#[test]
fn exclusive_choices_and_cc_edition_round_trip() {
    let xml = r#"<PP xmlns="https://niap-ccevs.org/cc/v1">
  <PPReference><ReferenceTable><PPTitle>T</PPTitle><PPVersion>1.0</PPVersion></ReferenceTable></PPReference>
  <f-component cc-id="fcs_rbg.1" name="RBG">
    <f-element><title>Use <selectables><selectable id="a">A</selectable><selectable id="none" exclusive="yes">none</selectable></selectables>.</title></f-element>
  </f-component>
</PP>"#;
    let first = dtsec_niap::import(xml, "t.xml").expect("imports");
    let doc = &first.document;
    // No CClaimsInfo: a NIAP document of the CC 3.1 R5 era.
    assert_eq!(
        doc.cc_edition.as_ref().map(|e| e.value.as_str()),
        Some("CC 3.1 R5")
    );
    let op = &doc.sfrs[0].elements[0].operations["sel1"].value;
    let choices = op.selection.as_ref().expect("selection");
    assert!(matches!(&choices[1], Choice::Detailed(d) if d.exclusive));
    assert!(matches!(&choices[0], Choice::Detailed(d) if !d.exclusive));
    let again = dtsec_niap::import(&dtsec_niap::export(doc).expect("exports"), "t.xml")
        .expect("re-imports");
    assert_eq!(
        serde_json::to_value(doc).expect("json"),
        serde_json::to_value(&again.document).expect("json")
    );
}
