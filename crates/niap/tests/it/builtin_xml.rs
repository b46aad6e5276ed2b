//! The built-ins written in NIAP XML (NIAP's TLS package): their committed compiled form is what
//! this reader makes of the built-in XML today, and they are found by the id and version a PP's
//! `required_packages` names.

use dtsec_model::compiled;
use dtsec_model::{BUILTINS, BuiltinFormat, Library, SourceFile};

#[test]
fn compiled_form_of_each_niap_builtin_is_what_the_reader_makes_of_its_xml() {
    let xml: Vec<_> = BUILTINS
        .iter()
        .filter(|b| b.format == BuiltinFormat::NiapXml)
        .collect();
    assert!(!xml.is_empty(), "the TLS package is built in as NIAP XML");
    for b in xml {
        let source = SourceFile::new(format!("builtin:{}", b.name), b.text);
        let document = dtsec_niap::import(&source.text, &source.name)
            .expect("the built-in XML imports")
            .document;
        let committed = compiled::all()
            .iter()
            .find(|c| c.name == b.name && c.yaml_len == b.text.len())
            .unwrap_or_else(|| panic!("{} has no current compiled form", b.name));
        assert_eq!(
            compiled::encode(b.name, &document).expect("encodes"),
            committed.bytes,
            "{} changed or the reader did: run `cargo xtask gen-builtins`",
            b.name
        );
    }
}

#[test]
fn tls_package_is_built_in_and_points_into_its_xml() {
    let lib = Library::with_builtins();
    let tls = lib
        .find("tls", "2.1")
        .expect("NIAP TLS package 2.1 is built in");
    assert_eq!(tls.source.name, "builtin:niap/tls.xml");
    assert!(tls.document.kind.value.is_claimable());
    let sfr = tls
        .document
        .sfrs
        .iter()
        .find(|s| s.id.value == "FCS_TLS_EXT.1")
        .expect("the package defines FCS_TLS_EXT.1");
    let line = tls.source.line(sfr.id.span.line).expect("line exists");
    assert!(
        line.to_ascii_lowercase().contains("fcs_tls_ext.1"),
        "span of FCS_TLS_EXT.1 is on its XML line: {line}"
    );
    assert!(lib.builtin_errors().is_empty());
}
