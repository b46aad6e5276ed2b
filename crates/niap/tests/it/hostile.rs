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
