//! Reading NIAP-format Security Targets: the repo's own cut-down fixture (always), and every ST in
//! `../shared/niap/st/` (skipped, with a message, when `../shared` is absent). Whether the STs
//! pass or fail the checks is tested where the checker is available: `crates/cli/tests/niap_st.rs`
//! (this crate may not depend on `dtsec-check`; see the layering test).

use std::path::{Path, PathBuf};

use dtsec_model::{Choice, DocumentKind};
use dtsec_niap::{StClaimKind, read_document, read_st};

fn fixture(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn shared_st_dir() -> Option<PathBuf> {
    dtsec_testkit::shared("niap/st")
}

#[test]
fn fixture_claims_components_and_kept_choices() {
    let st = read_st(&fixture("st-mini.xml"), "st-mini.xml").expect("reads");
    let claims: Vec<(StClaimKind, &str, &str)> = st
        .claims
        .iter()
        .map(|c| (c.kind, c.id.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(
        claims,
        vec![
            (StClaimKind::Package, "ssh", "1.0"),
            (StClaimKind::BasePp, "operatingsystem", "4.3"),
        ]
    );
    assert_eq!(
        st.claims[0].commit.as_deref(),
        Some("95832af91e6c8d83e02ec7690c8b35b6357397b1")
    );
    // The stray include-pkg is not a claim, and says so.
    assert!(
        st.warnings
            .iter()
            .any(|w| w.message.contains("include-pkg") && w.line == 28),
        "{:?}",
        st.warnings
    );
    let ssh = &st.claims[0].components[0];
    assert_eq!(ssh.id, "FCS_SSH_EXT.1");
    let kept: Vec<Vec<&str>> = ssh.elements[0]
        .selections
        .iter()
        .map(|s| s.kept.iter().map(|c| c.value()).collect())
        .collect();
    assert_eq!(
        kept,
        vec![vec!["ssh-client"], vec!["sel-rfc4256", "sel-rfc6668"]]
    );
    let os = &st.claims[1];
    assert_eq!(os.components[0].id, "FIA_UAU.5");
    assert_eq!(os.components[0].elements.len(), 2);
    assert_eq!(os.components[0].elements[1].id, "FIA_UAU.5.2");
    let uau = &os.components[0].elements[0].selections[0].kept[0];
    assert_eq!(uau.value(), "s-uau-ssh");
    assert_eq!(
        uau.text,
        "for use in SSH only, SSH public key-based authentication as specified by the pkg-ssh"
    );
    // Nested selections are their own groups; choices without id are selected by text.
    let key = &os.components[1].elements[0].selections;
    assert_eq!(key.len(), 2);
    assert_eq!(
        key[0].kept[0].text,
        "For volatile memory, the destruction shall be executed by a single overwrite consisting of"
    );
    assert!(key[0].kept[1].exclusive);
    assert_eq!(key[1].kept[1].value(), "ones");
    // Positions are XML line:column.
    assert_eq!(os.components[0].span.line, 36);
}

#[test]
fn fixture_as_a_document() {
    let imported = read_document(&fixture("st-mini.xml"), "st-mini.xml").expect("reads");
    let doc = &imported.document;
    assert_eq!(doc.kind.value, DocumentKind::SecurityTarget);
    assert_eq!(doc.id.value, "st-mini");
    assert!(doc.conformance.niap.as_ref().is_some_and(|n| n.st));
    assert_eq!(doc.conformance.pps.len(), 1);
    assert_eq!(doc.conformance.pps[0].id.value, "operatingsystem");
    assert_eq!(doc.conformance.packages[0].id.value, "ssh");
    assert_eq!(
        doc.conformance.packages[0].url.as_deref(),
        Some("https://github.com/commoncriteria/ssh")
    );
    let uau = doc
        .sfrs
        .iter()
        .find(|s| s.id.value == "FIA_UAU.5")
        .expect("FIA_UAU.5");
    assert_eq!(
        uau.base_pp.as_ref().map(|b| b.value.as_str()),
        Some("operatingsystem")
    );
    let done = &uau.elements[0].completed["sel1"].value;
    assert_eq!(done.values(), vec!["s-uau-ssh"]);
    let key = doc
        .sfrs
        .iter()
        .find(|s| s.id.value == "FCS_CKM_EXT.4")
        .expect("FCS_CKM_EXT.4");
    let sel1 = &key.elements[0].operations["sel1"].value;
    assert!(matches!(
        &sel1.selection.as_deref().expect("a selection")[1],
        Choice::Detailed(d) if d.exclusive && d.id.is_none()
    ));
    assert_eq!(imported.counts.f_components, 3);
}

#[test]
fn pp_conformance_conditions_from_include_pkg_and_modules() {
    let xml = r#"<PP xmlns="https://niap-ccevs.org/cc/v1" name="x">
      <PPReference><ReferenceTable><PPVersion>1.0</PPVersion></ReferenceTable></PPReference>
      <include-pkg id="pkg-ssh"><git><url>https://github.com/commoncriteria/ssh</url><branch>release-1.0</branch></git>
        <depends on="s-ftp_ssh" also="s-uau-ssh"/></include-pkg>
      <include-pkg id="pkg-tls"><git><url>https://github.com/commoncriteria/tls</url><branch>release-1.1</branch></git></include-pkg>
      <modules><module id="mod-vpn"><git><url>https://github.com/commoncriteria/vpnclient</url><branch>v2.4</branch></git>
        <depends on="s-vpn"/></module></modules>
    </PP>"#;
    let facts = dtsec_niap::pp_conformance(xml, "x.xml").expect("reads");
    let got: Vec<(&str, &str, Vec<&str>)> = facts
        .conditions
        .iter()
        .map(|c| {
            (
                c.doc.as_str(),
                c.kind.as_str(),
                c.on.iter().map(|o| o.as_str()).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("ssh", "package", vec!["s-ftp_ssh", "s-uau-ssh"]),
            ("vpnclient", "module", vec!["s-vpn"]),
        ]
    );
    let imported = read_document(xml, "x.xml").expect("imports");
    assert_eq!(
        imported
            .document
            .conformance
            .niap
            .map(|n| n.conditions.len()),
        Some(2)
    );
    let plain = r#"<PP xmlns="https://niap-ccevs.org/cc/v1" name="y"/>"#;
    let doc = read_document(plain, "y.xml").expect("imports").document;
    assert!(
        doc.conformance
            .niap
            .is_some_and(|n| !n.st && n.conditions.is_empty())
    );
}

#[test]
fn hostile_st_input_is_refused() {
    let doctype =
        "<!DOCTYPE st [<!ENTITY a \"aaaa\">]><st xmlns=\"https://niap-ccevs.org/cc/v1\">&a;</st>";
    assert!(matches!(
        read_st(doctype, "x.xml"),
        Err(dtsec_niap::ImportError::Doctype { .. })
    ));
    let deep = format!(
        "<st xmlns=\"https://niap-ccevs.org/cc/v1\">{}{}</st>",
        "<a>".repeat(10_000),
        "</a>".repeat(10_000)
    );
    assert!(matches!(
        read_st(&deep, "x.xml"),
        Err(dtsec_niap::ImportError::TooDeep { .. })
    ));
    assert!(matches!(
        read_st(
            "<st xmlns=\"https://niap-ccevs.org/cc/v1\"><base-pp>",
            "x.xml"
        ),
        Err(dtsec_niap::ImportError::Xml { .. })
    ));
    assert!(matches!(
        read_st("<PP xmlns=\"https://niap-ccevs.org/cc/v1\"/>", "x.xml"),
        Err(dtsec_niap::ImportError::UnsupportedRoot { .. })
    ));
    // A claim without git gives a warning, not a panic.
    let st = read_st(
        "<st xmlns=\"https://niap-ccevs.org/cc/v1\"><base-pp><f-component/></base-pp></st>",
        "x.xml",
    )
    .expect("reads");
    assert_eq!(st.claims[0].components[0].id, "");
    assert!(!st.warnings.is_empty());
}

/// The text with XML comments removed (NIAP files comment out requirements).
fn without_comments(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find("<!--") {
        out.push_str(&rest[..i]);
        rest = rest[i..].find("-->").map_or("", |j| &rest[i + j + 3..]);
    }
    out.push_str(rest);
    out
}

#[test]
fn every_corpus_st_reads() {
    let Some(dir) = shared_st_dir() else {
        return;
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("reads the directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 7, "{files:?}");
    for path in files {
        let name = path.display().to_string();
        let xml = std::fs::read_to_string(&path).expect("reads");
        let st = read_st(&xml, &name).unwrap_or_else(|e| panic!("{e}"));
        let f_components = without_comments(&xml).matches("<f-component").count();
        let read: usize = st.claims.iter().map(|c| c.components.len()).sum();
        assert_eq!(read, f_components, "{name}: f-components");
        let kept: usize = st
            .claims
            .iter()
            .flat_map(|c| &c.components)
            .flat_map(|c| &c.elements)
            .flat_map(|e| &e.selections)
            .map(|s| s.kept.len())
            .sum();
        assert!(kept > 0, "{name}: no kept selectable");
        assert!(
            st.claims.iter().any(|c| c.kind == StClaimKind::BasePp),
            "{name}: no base-pp"
        );
    }
    let nossh = read_st(
        &std::fs::read_to_string(dir.join("GPOS_Failure_nossh.xml")).expect("reads"),
        "GPOS_Failure_nossh.xml",
    )
    .expect("reads");
    assert!(!nossh.claims.iter().any(|c| c.id == "ssh"));
    let web = read_st(
        &std::fs::read_to_string(dir.join("WebBrowser.xml")).expect("reads"),
        "WebBrowser.xml",
    )
    .expect("reads");
    let ids: Vec<(&str, &str)> = web
        .claims
        .iter()
        .map(|c| (c.id.as_str(), c.version.as_str()))
        .collect();
    assert_eq!(ids, vec![("webbrowser", "master"), ("application", "1.4")]);
}
