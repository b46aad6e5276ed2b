//! Generator tests: the errata mechanism (on a tiny synthetic, prose-free catalogue) and, when
//! the CC reference XML is available at `../../../shared/cc`, that the committed generated
//! files are exactly what the generator produces (deterministic, up to date).

#[allow(dead_code)]
#[path = "../../src/generator.rs"]
mod catalog_generator;

use catalog_generator as generator;

use std::path::PathBuf;

/// Minimal CC:2022-shaped document written for this test (placeholder words, no CC text).
/// It carries `<eal>` tables (3.1 R5 style) so the built-in CC:2022 EAL table is not used.
const MINI_XML: &str = r#"<?xml version="1.0"?>
<!DOCTYPE cc SYSTEM "cc.dtd">
<cc version="CC:2022" revision="0">
  <f-class name="Class X" id="fxx">
    <fc-introduction/><fc-informative-notes/>
    <f-family name="Family A" id="fxx_aaa">
      <ff-behaviour/>
      <f-component name="Comp A1" id="fxx_aaa.1">
        <fco-dependencies>
          <fco-or><fco-dependsoncomponent fcomponent="fxx_bbb.1"/><fco-dependsoncomponent fcomponent="fxx_bbb.2"/></fco-or>
          <fco-dependsoncomponent fcomponent="fxx_ccc.1"/>
        </fco-dependencies>
        <fco-levelling/>
        <fco-audit level="minimal">x</fco-audit>
        <f-element id="fxx_aaa.1.1">w <assignment><assignmentitem>p</assignmentitem></assignment>
          <selection exclusive="YES"><selectionitem>a</selectionitem><selectionitem>b <assignment><assignmentitem>q</assignmentitem></assignment></selectionitem></selection>
        </f-element>
      </f-component>
    </f-family>
    <f-family name="Family B" id="fxx_bbb">
      <ff-behaviour/>
      <f-component name="Comp B1" id="fxx_bbb.1"><fco-levelling/><f-element id="fxx_bbb.1.1">w</f-element></f-component>
      <f-component name="Comp B2" id="fxx_bbb.2"><fco-hierarchical fcomponent="fxx_bbb.1"/><fco-levelling/><f-element id="fxx_bbb.2.1">w</f-element></f-component>
    </f-family>
    <f-family name="Family C" id="fxx_ccc">
      <ff-behaviour/>
      <f-component name="Comp C1" id="fxx_ccc.1"><fco-levelling/><f-element id="fxx_ccc.1.1">w</f-element></f-component>
      <f-component name="Comp C6" id="fxx_ccc.6"><fco-levelling/><f-element id="fxx_ccc.6.1">w</f-element></f-component>
    </f-family>
  </f-class>
  <a-class name="Class Y" id="axx">
    <ac-introduction/>
    <a-family name="Family Y" id="axx_yyy">
      <a-component name="Y1" id="axx_yyy.1">
        <ae-developer id="axx_yyy.1.1d">d</ae-developer>
        <ae-content id="axx_yyy.1.1c">c</ae-content>
        <ae-evaluator id="axx_yyy.1.1e">e
          <m-workunit id="axx_yyy.1-2"><ae-dc-element id="axx_yyy.1.1c"/><para>t</para></m-workunit>
          <m-workunit id="axx_yyy.1-1"><para>t</para></m-workunit>
          <m-workunit><para>t</para></m-workunit>
        </ae-evaluator>
      </a-component>
      <a-component name="Y2" id="axx_yyy.2"><ae-evaluator id="axx_yyy.2.1e">e</ae-evaluator></a-component>
    </a-family>
  </a-class>
  <eal name="E1" id="eal1"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.1"/></eal>
  <eal name="E2" id="eal2"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.1"/></eal>
  <eal name="E3" id="eal3"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.1"/></eal>
  <eal name="E4" id="eal4"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.2"/></eal>
  <eal name="E5" id="eal5"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.2"/></eal>
  <eal name="E6" id="eal6"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.2"/></eal>
  <eal name="E7" id="eal7"><eal-objectives/><eal-assurance-components/><eal-component acomponent="axx_yyy.2"/></eal>
</cc>"#;

#[test]
fn mini_catalogue_facts() {
    let g = generator::generate(MINI_XML, "").expect("generates");
    assert_eq!(g.file_name, "cc2022.rs");
    assert!(g.source.contains(generator::HEADER));
    assert!(
        g.source
            .contains(r#"dependencies: &[&["FXX_BBB.1", "FXX_BBB.2"], &["FXX_CCC.1"]],"#)
    );
    assert!(g.source.contains("Operation::Selection { exclusive: true, choices: 2, nested: &[Operation::Assignment { nested: &[] }] }"));
    // derived SAR hierarchy, catalogue order and unnumbered work unit kept
    assert!(g.source.contains(r#"hierarchical_to: &["AXX_YYY.1"],"#));
    let a = g.source.find(r#"Some("AXX_YYY.1-2")"#).unwrap();
    let b = g.source.find(r#"Some("AXX_YYY.1-1")"#).unwrap();
    assert!(a < b);
    assert_eq!(g.stats.work_units, 3);
    assert_eq!(g.stats.unnumbered_work_units, 1);
    // prose never reaches the output
    assert!(!g.source.contains("placeholder") && !g.source.contains(" w "));
    // deterministic
    assert_eq!(g.source, generator::generate(MINI_XML, "").unwrap().source);
}

#[test]
fn errata_override_replaces_facts() {
    let errata = r#"
        [[override]]
        edition = "CC:2022 R1"
        component = "fxx_aaa.1"
        reason = "test: published text differs"
        dependencies = [["FXX_BBB.1", "FXX_BBB.2"], ["FXX_CCC.6"]]
        name = "Comp A1 corrected"

        [[override]]
        edition = "cc31r5"
        component = "NOT_IN_THIS_EDITION.1"
        reason = "ignored for CC:2022 input"
        name = "x"
    "#;
    let g = generator::generate(MINI_XML, errata).expect("generates");
    assert!(
        g.source
            .contains(r#"dependencies: &[&["FXX_BBB.1", "FXX_BBB.2"], &["FXX_CCC.6"]],"#)
    );
    assert!(g.source.contains(r#"name: "Comp A1 corrected","#));
    assert_eq!(g.stats.errata_applied, ["FXX_AAA.1: dependencies, name"]);
    assert!(
        g.source
            .contains(r#"ERRATA_APPLIED: &[&str] = &["FXX_AAA.1: dependencies, name"];"#)
    );
}

#[test]
fn errata_rejects_bad_entries() {
    let cases = [
        // unknown component
        "[[override]]\nedition='cc2022'\ncomponent='FXX_ZZZ.1'\nreason='r'\nname='n'",
        // unknown referenced id
        "[[override]]\nedition='cc2022'\ncomponent='FXX_AAA.1'\nreason='r'\nhierarchical_to=['FXX_ZZZ.9']",
        // missing reason
        "[[override]]\nedition='cc2022'\ncomponent='FXX_AAA.1'\nname='n'",
        // unknown key
        "[[override]]\nedition='cc2022'\ncomponent='FXX_AAA.1'\nreason='r'\ntext='prose'",
        // unknown edition
        "[[override]]\nedition='cc2.3'\ncomponent='FXX_AAA.1'\nreason='r'\nname='n'",
        // no change
        "[[override]]\nedition='cc2022'\ncomponent='FXX_AAA.1'\nreason='r'",
    ];
    for c in cases {
        assert!(generator::generate(MINI_XML, c).is_err(), "accepted: {c}");
    }
}

#[test]
fn shipped_errata_file_parses_and_applies_nothing_by_default() {
    let errata = include_str!("../../errata.toml");
    let g = generator::generate(MINI_XML, errata).expect("errata.toml is valid");
    assert!(g.stats.errata_applied.is_empty());
    // The commented example, enabled, applies to the real catalogue shape.
    let example: String = errata
        .lines()
        .skip_while(|l| !l.starts_with("# [[override]]"))
        .map(|l| {
            l.strip_prefix("# ")
                .or_else(|| l.strip_prefix('#'))
                .unwrap_or(l)
        })
        .collect::<Vec<_>>()
        .join("\n");
    let table: toml::Table = example.parse().expect("example entry is valid TOML");
    let o = &table["override"].as_array().unwrap()[0];
    assert_eq!(o["component"].as_str(), Some("FCS_COP.1"));
    if let Some(dir) = shared_cc() {
        let xml = std::fs::read_to_string(dir.join("cc2022.xml")).unwrap();
        let g = generator::generate(&xml, &example).expect("example applies");
        assert_eq!(g.stats.errata_applied, ["FCS_COP.1: dependencies"]);
        assert!(g.source.contains(
            r#"dependencies: &[&["FDP_ITC.1", "FDP_ITC.2", "FCS_CKM.1", "FCS_CKM.5"], &["FCS_CKM.6"]],"#
        ));
    }
}

fn shared_cc() -> Option<PathBuf> {
    let dir = dtsec_testkit::shared("cc")?;
    assert!(
        dir.join("cc2022.xml").is_file() && dir.join("cc3R5.xml").is_file(),
        "{} lacks cc2022.xml or cc3R5.xml",
        dir.display()
    );
    Some(dir)
}

#[test]
fn committed_generated_files_are_up_to_date() {
    let Some(dir) = shared_cc() else { return };
    let errata = include_str!("../../errata.toml");
    for (xml, file, counts) in [
        ("cc2022.xml", "cc2022.rs", (155, 284, 106, 817, 0)),
        ("cc3R5.xml", "cc31r5.rs", (134, 245, 96, 588, 217)),
    ] {
        let xml = std::fs::read_to_string(dir.join(xml)).unwrap();
        let g = generator::generate(&xml, errata).unwrap();
        assert_eq!(g.file_name, file);
        let s = &g.stats;
        assert_eq!(
            (
                s.functional_components,
                s.functional_elements,
                s.assurance_components,
                s.work_units,
                s.unnumbered_work_units
            ),
            counts
        );
        let committed = std::fs::read_to_string(
            PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                .join("src/generated")
                .join(file),
        )
        .unwrap();
        assert!(
            committed == g.source,
            "src/generated/{file} is stale: run `cargo xtask gen-catalog ../shared/cc/cc2022.xml ../shared/cc/cc3R5.xml`"
        );
        assert_eq!(g.source, generator::generate(&xml, errata).unwrap().source);
    }
}

#[test]
fn cc2022_builtin_eal_table_matches_cc31r5_xml() {
    let Some(dir) = shared_cc() else { return };
    let xml = std::fs::read_to_string(dir.join("cc3R5.xml")).unwrap();
    let g = generator::generate(&xml, "").unwrap();
    for (i, level) in generator::cc2022_builtin_eals().iter().enumerate() {
        let mut sorted = level.clone();
        sorted.sort();
        let line = format!(
            "    &[{}],",
            sorted
                .iter()
                .map(|s| format!("{s:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        );
        assert!(g.source.contains(&line), "EAL{} differs", i + 1);
    }
}
