//! Hostile input: each case must be a clear [`ImportError`], quickly, without panicking.

use std::time::{Duration, Instant};

use dtsec_niap::{ImportError, import, import_bytes};

const NS: &str = "https://niap-ccevs.org/cc/v1";

fn timed<T>(f: impl FnOnce() -> T) -> T {
    let start = Instant::now();
    let out = f();
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    out
}

#[test]
fn billion_laughs_is_refused() {
    let xml = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE PP [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
  <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<PP xmlns="{NS}"><PPReference><ReferenceTable><PPTitle>&lol9;</PPTitle></ReferenceTable></PPReference></PP>"#
    );
    let err = timed(|| import(&xml, "lol.xml")).expect_err("refused");
    assert!(matches!(err, ImportError::Doctype { line: 2, .. }), "{err}");
    assert!(err.to_string().contains("declares entities"), "{err}");
}

#[test]
fn external_entity_is_not_read() {
    let xml = format!(
        r#"<?xml version="1.0"?>
<!DOCTYPE PP [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<PP xmlns="{NS}"><PPReference><ReferenceTable><PPTitle>&xxe;</PPTitle></ReferenceTable></PPReference></PP>"#
    );
    let err = timed(|| import(&xml, "xxe.xml")).expect_err("refused");
    assert!(matches!(err, ImportError::Doctype { .. }), "{err}");
    assert!(
        !err.to_string().contains("root:"),
        "file content leaked: {err}"
    );
    let xml =
        format!(r#"<!DOCTYPE PP SYSTEM "http://example.invalid/evil.dtd"><PP xmlns="{NS}"/>"#);
    let err = timed(|| import(&xml, "dtd.xml")).expect_err("refused");
    assert!(err.to_string().contains("external DTD"), "{err}");
}

#[test]
fn deep_nesting_is_refused() {
    let depth = 10_000;
    let mut xml = format!(r#"<PP xmlns="{NS}">"#);
    xml.push_str(&"<h:div xmlns:h=\"http://www.w3.org/1999/xhtml\">".repeat(depth));
    xml.push_str(&"</h:div>".repeat(depth));
    xml.push_str("</PP>");
    let err = timed(|| import(&xml, "deep.xml")).expect_err("refused");
    assert!(matches!(err, ImportError::TooDeep { .. }), "{err}");
    assert!(err.position().is_some_and(|(line, _)| line == 1));
}

#[test]
fn oversized_input_is_refused() {
    let big = vec![b' '; dtsec_niap::MAX_INPUT_BYTES + 1];
    let err = timed(|| import_bytes(&big, "big.xml")).expect_err("refused");
    assert!(matches!(err, ImportError::TooLarge { .. }), "{err}");
    assert!(err.to_string().contains("over the"), "{err}");
}

#[test]
fn invalid_utf8_reports_offset() {
    let mut bytes = format!(r#"<PP xmlns="{NS}">"#).into_bytes();
    let offset = bytes.len();
    bytes.extend_from_slice(b"\xff\xfe</PP>");
    let err = timed(|| import_bytes(&bytes, "bad.xml")).expect_err("refused");
    assert!(
        matches!(err, ImportError::NotUtf8 { offset: o, .. } if o == offset),
        "{err}"
    );
}

#[test]
fn truncated_document_reports_position() {
    let xml = format!("<PP xmlns=\"{NS}\">\n  <PPReference>\n    <ReferenceTable><PPTi");
    let err = timed(|| import(&xml, "cut.xml")).expect_err("refused");
    assert!(matches!(err, ImportError::Xml { .. }), "{err}");
    let (line, _) = err.position().expect("position");
    assert_eq!(line, 3, "{err}");
}

#[test]
fn wrong_documents_are_refused() {
    let err = import("<html/>", "x.xml").expect_err("refused");
    assert!(matches!(err, ImportError::NotNiap { .. }), "{err}");
    let err = import(&format!(r#"<st xmlns="{NS}"/>"#), "st.xml").expect_err("refused");
    assert!(matches!(err, ImportError::UnsupportedRoot { .. }), "{err}");
    let err = import("", "empty.xml").expect_err("refused");
    assert!(matches!(err, ImportError::Xml { .. }), "{err}");
}

#[test]
fn odd_but_valid_input_does_not_panic() {
    // Attributes and elements the importer expects are missing or malformed.
    let xml = format!(
        r#"<Module xmlns="{NS}"><f-component><f-element/><audit-event/><depends/></f-component>
        <f-component cc-id="x" status="weird"><f-element><title><selectables/><assignable><int gte="x"/></assignable></title></f-element></f-component>
        <threat/><SO name="O.X"><rationale>orphan</rationale></SO><a-component/><include-pkg/></Module>"#
    );
    let imp = timed(|| import(&xml, "odd.xml")).expect("imports");
    assert_eq!(imp.document.sfrs.len(), 2);
    assert!(!imp.warnings.is_empty());
}

/// NIAP Technical Decision files (`TechnicalDecisions.rng`; none occurs in `../shared`, and no
/// corpus PP embeds one) are refused by name, with what they hold and what to do, by every
/// reader. The sample is written for dtsec after the schema.
#[test]
fn technical_decisions_are_refused_with_what_they_hold() {
    let xml = format!(
        r#"<?xml version="1.0"?>
<technical-decisions xmlns="{NS}" xmlns:h="http://www.w3.org/1999/xhtml">
  <decision url="https://example.invalid/td/601" id="0601" date="2021-01-01">
    <Issue_Description><h:p>Wording.</h:p></Issue_Description>
    <Resolution><h:p>Replaced.</h:p></Resolution>
    <Justification/><Other_References/>
    <Protection_Profiles><Protection_Profile name="Application Software" max-inclusive="1.4">
      <replace><xpath-specified xpath="//f-element[@id='x']"><h:p>New text.</h:p></xpath-specified></replace>
    </Protection_Profile></Protection_Profiles>
  </decision>
  <decision url="https://example.invalid/td/602" id="602" date="2021-02-01">
    <Issue_Description/><Resolution/><Justification/><Other_References/>
    <Protection_Profiles><Protection_Profile name="Application Software" max-inclusive="1.4">
      <replace><xpath-specified xpath="//x" reuse-ref="a"/></replace>
    </Protection_Profile></Protection_Profiles>
  </decision>
</technical-decisions>"#
    );
    let errs = [
        import(&xml, "tds.xml").expect_err("refused"),
        dtsec_niap::read_document(&xml, "tds.xml").expect_err("refused"),
        dtsec_niap::read_st(&xml, "tds.xml").expect_err("refused"),
    ];
    for err in errs {
        assert!(
            matches!(err, ImportError::TechnicalDecisions { .. }),
            "{err}"
        );
        assert_eq!(err.position(), Some((2, 1)), "{err}");
        let text = err.to_string();
        assert!(
            text.starts_with("tds.xml:2:1: a NIAP Technical Decisions file (2 decisions: TD0601, TD602; for Application Software up to 1.4)"),
            "{text}"
        );
        assert!(err.help().contains("release of the PP that incorporates"));
    }
    // An empty one still says what it is.
    let empty = format!(r#"<technical-decisions xmlns="{NS}"/>"#);
    let err = import(&empty, "e.xml").expect_err("refused");
    assert!(err.to_string().contains("(no decisions)"), "{err}");
}

/// Every entry point (PP import, ST reader, document router, PP conformance facts, bytes) reads
/// through the same hardened reader, so each refuses a hostile input the same way.
fn refused_by_every_reader(xml: &str, name: &str) -> Vec<ImportError> {
    vec![
        timed(|| import(xml, name)).expect_err("import refuses"),
        timed(|| import_bytes(xml.as_bytes(), name)).expect_err("import_bytes refuses"),
        timed(|| dtsec_niap::read_st(xml, name)).expect_err("read_st refuses"),
        timed(|| dtsec_niap::read_document(xml, name)).expect_err("read_document refuses"),
        timed(|| dtsec_niap::read_document_bytes(xml.as_bytes(), name))
            .expect_err("read_document_bytes refuses"),
        timed(|| dtsec_niap::pp_conformance(xml, name)).expect_err("pp_conformance refuses"),
    ]
}

/// roxmltree checks each attribute against the earlier ones of its element, so an element with
/// n attributes costs n² comparisons; the pre-parse scan refuses the 65th, naming where it is.
#[test]
fn too_many_attributes_on_one_element_are_refused() {
    let mut xml = format!("<PP xmlns=\"{NS}\">\n  <x");
    for i in 0..200_000 {
        xml.push_str(&format!(" a{i}=\"\""));
    }
    xml.push_str("/>\n</PP>");
    // `  <x` then 64 attributes of known width before the 65th.
    let width: usize = (0..64).map(|i| format!(" a{i}=\"\"").len()).sum();
    let column = u32::try_from(4 + width + 2).expect("small");
    for err in refused_by_every_reader(&xml, "attrs.xml") {
        assert!(
            matches!(err, ImportError::TooManyAttributes { limit: 64, .. }),
            "{err}"
        );
        assert_eq!(err.position(), Some((2, column)), "{err}");
        assert!(
            err.to_string().starts_with(&format!(
                "attrs.xml:2:{column}: an element has more than 64 attributes"
            )),
            "{err}"
        );
        assert!(err.help().contains("not a NIAP document"));
    }
    // 64 attributes are fine (the element is simply unknown to the importer).
    let mut ok = format!("<PP xmlns=\"{NS}\"><x");
    for i in 0..64 {
        ok.push_str(&format!(" a{i}=\"\""));
    }
    ok.push_str("/></PP>");
    timed(|| import(&ok, "ok.xml")).expect("64 attributes are accepted");
}

/// Each distinct namespace declaration grows what roxmltree copies and searches per element;
/// the pre-parse scan refuses the 65th distinct one, naming where it is.
#[test]
fn too_many_namespace_declarations_are_refused() {
    let mut xml = format!("<PP xmlns=\"{NS}\">");
    for i in 0..100_000 {
        xml.push_str(&format!("\n<x xmlns:p{i}=\"urn:n{i}\"/>"));
    }
    xml.push_str("\n</PP>");
    for err in refused_by_every_reader(&xml, "ns.xml") {
        assert!(
            matches!(err, ImportError::TooManyNamespaces { limit: 64, .. }),
            "{err}"
        );
        // The root's default namespace is the first; line 65 holds the 65th.
        assert_eq!(err.position(), Some((65, 4)), "{err}");
        assert!(
            err.to_string()
                .contains("more than 64 distinct namespace declarations"),
            "{err}"
        );
    }
    // The same binding declared again and again is one declaration, as NIAP prose does with `h:`.
    let mut ok = format!("<PP xmlns=\"{NS}\">");
    for _ in 0..10_000 {
        ok.push_str("<h:p xmlns:h=\"http://www.w3.org/1999/xhtml\"/>");
    }
    ok.push_str("</PP>");
    timed(|| import(&ok, "same.xml")).expect("one binding redeclared is accepted");
}

#[test]
fn doctype_and_depth_are_refused_by_every_reader() {
    let doctype = format!("<!DOCTYPE st [ <!ENTITY x \"y\"> ]>\n<st xmlns=\"{NS}\"/>");
    for err in refused_by_every_reader(&doctype, "dt.xml") {
        assert!(matches!(err, ImportError::Doctype { line: 1, .. }), "{err}");
    }
    let depth = 300;
    let deep = format!(
        "<st xmlns=\"{NS}\">{}{}</st>",
        "<base-pp>".repeat(depth),
        "</base-pp>".repeat(depth)
    );
    for err in refused_by_every_reader(&deep, "deep.xml") {
        assert!(
            matches!(err, ImportError::TooDeep { limit: 256, .. }),
            "{err}"
        );
    }
}
