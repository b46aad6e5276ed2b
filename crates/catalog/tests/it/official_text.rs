//! `official_text`: runtime prose extraction from a user-supplied catalogue XML.

use dtsec_catalog::{CatalogError, text_from_cc_xml};

const MINI: &str = r#"<?xml version="1.0"?>
<!DOCTYPE cc SYSTEM "cc.dtd">
<cc version="CC:2022" revision="0"><f-class name="X" id="fxx"><f-family name="F" id="fxx_aaa">
<f-component name="Comp" id="fxx_aaa.1"><fco-levelling/>
<f-element id="fxx_aaa.1.1">The thing shall <assignment><assignmentitem>list</assignmentitem><assignmentnotes><para>n</para></assignmentnotes></assignment> using
<selection exclusive="YES"><selectionitem>a</selectionitem><selectionitem>b</selectionitem></selection>.</f-element>
</f-component></f-family></f-class>
<a-class name="Y" id="axx"><a-family name="G" id="axx_b"><a-component name="A" id="axx_b.1">
<ae-evaluator id="axx_b.1.1e">Check. <m-workunit id="axx_b.1-1"><ae-dc-element id="axx_b.1.1c"/><para>Do   one.</para><para>Two.</para></m-workunit></ae-evaluator>
</a-component></a-family></a-class></cc>"#;

#[test]
fn extracts_element_and_work_unit_text() {
    let t = text_from_cc_xml(MINI, "FXX_AAA.1").unwrap();
    assert_eq!(t.id, "FXX_AAA.1");
    assert_eq!(t.elements[0].id, "FXX_AAA.1.1");
    assert_eq!(
        t.elements[0].text,
        "The thing shall [assignment: list] using [selection, choose one of: a, b] ."
    );
    let t = text_from_cc_xml(MINI, "axx_b.1").unwrap();
    assert_eq!(t.elements[0].text, "Check.");
    assert_eq!(t.elements[0].work_units[0].id.as_deref(), Some("AXX_B.1-1"));
    assert_eq!(t.elements[0].work_units[0].paragraphs, ["Do one.", "Two."]);
}

#[test]
fn errors() {
    assert!(matches!(
        text_from_cc_xml(MINI, "FXX_ZZZ.1"),
        Err(CatalogError::ComponentNotFound(id)) if id == "FXX_ZZZ.1"
    ));
    assert!(matches!(
        text_from_cc_xml("<x/>", "A.1"),
        Err(CatalogError::NotCatalogue(_))
    ));
    assert!(matches!(
        text_from_cc_xml("<cc", "A.1"),
        Err(CatalogError::Xml(_))
    ));
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE cc [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;"><!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;"><!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]><cc>&h;</cc>"#;
    // Either rejected or bounded; must not hang or blow up memory.
    let _ = text_from_cc_xml(bomb, "A.1");
    let external = r#"<?xml version="1.0"?><!DOCTYPE cc [<!ENTITY x SYSTEM "file:///etc/passwd">]><cc>&x;</cc>"#;
    let r = text_from_cc_xml(external, "A.1");
    assert!(r.is_err());
}

#[test]
fn real_xml_when_available() {
    let Some(dir) = dtsec_testkit::shared("cc") else {
        return;
    };
    let xml = std::fs::read_to_string(dir.join("cc2022.xml")).expect("../shared/cc/cc2022.xml");
    let t = text_from_cc_xml(&xml, "fcs_cop.1").unwrap();
    assert_eq!(t.name, "Cryptographic operation");
    assert!(t.elements[0].text.contains("[assignment:"));
    let t = text_from_cc_xml(&xml, "ADV_FSP.1").unwrap();
    assert!(
        t.elements
            .iter()
            .flat_map(|e| &e.work_units)
            .any(|w| w.id.as_deref() == Some("ADV_FSP.1-1"))
    );
}
