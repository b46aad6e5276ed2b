//! Imports the small NIAP files in `tests/fixtures/` so a plain clone exercises the importer.

use dtsec_model::{Choice, DocumentKind, SfrStatus, ValueType};

fn fixture(name: &str) -> dtsec_niap::Imported {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name);
    let bytes = std::fs::read(&path).expect("fixture readable");
    dtsec_niap::import_bytes(&bytes, &path.display().to_string()).expect("fixture imports")
}

#[test]
fn tls_excerpt() {
    let imp = fixture("tls-excerpt.xml");
    let doc = &imp.document;
    assert_eq!(doc.kind.value, DocumentKind::FunctionalPackage);
    assert_eq!(doc.id.value, "tls-excerpt");
    assert_eq!(doc.version.value, "2.1");
    assert_eq!(
        doc.cc_edition.as_ref().map(|e| e.value.as_str()),
        Some("CC:2022 R1")
    );
    let ids: Vec<_> = doc.sfrs.iter().map(|s| s.id.value.as_str()).collect();
    assert_eq!(ids, ["FCS_TLSC_EXT.2", "FCS_TLS_EXT.1"]);
    // FCS_TLSC_EXT.2 is triggered by `tlsc_mutual_auth` in FCS_TLSC_EXT.1, which the excerpt
    // leaves out: it stays a raw depends clause (and a warning).
    let tlsc2 = &doc.sfrs[0];
    assert_eq!(
        tlsc2.status.as_ref().map(|s| s.value),
        Some(SfrStatus::SelectionBased)
    );
    assert_eq!(tlsc2.depends.len(), 1);
    let tls = &doc.sfrs[1];
    let el = &tls.elements[0];
    assert_eq!(el.id.value, "FCS_TLS_EXT.1.1");
    assert!(
        el.text
            .as_ref()
            .is_some_and(|t| t.value.starts_with("The TSF shall implement {sel1}"))
    );
    let sel = &el.operations["sel1"].value;
    let choices: Vec<_> = sel
        .selection
        .as_ref()
        .expect("selection")
        .iter()
        .map(Choice::id)
        .collect();
    assert!(choices.contains(&"tlsc_impl"));
    assert!(
        el.evaluation_activities
            .as_ref()
            .and_then(|a| a.tss.as_ref())
            .is_some()
    );
    // Positions point into the XML.
    assert!(tls.id.span.line > 1 && tls.id.span.column > 1);
    assert_eq!(doc.extended_components.len(), 2);
    assert!(imp.counts.audit_events >= 1);
}

#[test]
fn mini_pp_mapping() {
    let imp = fixture("mini-pp.xml");
    let doc = &imp.document;
    assert_eq!(doc.kind.value, DocumentKind::ProtectionProfile);
    assert_eq!(doc.title, "Mini PP for tests");
    assert_eq!(doc.identification.keywords, ["pump", "CGM"]);
    assert_eq!(doc.conformance.packages[0].id.value, "tls");
    assert_eq!(doc.conformance.packages[0].version.value, "2.1");
    assert_eq!(doc.features[0].id.value, "bluetooth");

    let itc = &doc.sfrs[0];
    assert_eq!(itc.id.value, "FTP_ITC.1");
    assert_eq!(
        itc.status.as_ref().map(|s| s.value),
        Some(SfrStatus::Mandatory)
    );
    let el = &itc.elements[0];
    let text = &el.text.as_ref().expect("text").value;
    assert_eq!(
        text,
        "The TSF shall use {sel1} with at least {asgn1} retries."
    );
    assert!(
        el.html
            .as_ref()
            .is_some_and(|h| h.contains("<i>at least</i>"))
    );
    let sel = &el.operations["sel1"].value;
    assert!(sel.exclusive);
    let Some(Choice::Detailed(rng)) = sel.selection.as_ref().and_then(|c| c.get(1)) else {
        panic!("detailed choice expected");
    };
    assert_eq!(rng.id.as_deref(), Some("sel-rng"));
    assert_eq!(rng.text, "a channel with {rng_bits}{sel2}");
    let retries = &el.operations["asgn1"].value;
    assert_eq!(retries.assignment.as_deref(), Some("number of retries"));
    assert_eq!(retries.value_type, Some(ValueType::Integer));
    assert_eq!((retries.min, retries.max), (Some(1.0), Some(10.0)));
    let mfs = el
        .management_functions
        .as_ref()
        .expect("management functions");
    assert_eq!(mfs.functions[0].text, "configure {asgn2}");
    assert_eq!(mfs.functions[0].roles["admin"], "M");
    assert_eq!(itc.audit_events.len(), 1);
    assert!(itc.audit_events[0].optional);
    assert_eq!(
        itc.audit_events[0].description.as_deref(),
        Some("Failure of {sel3}")
    );
    assert_eq!(itc.objectives[0].value, "O.PROTECTED_COMMS");
    assert_eq!(itc.addresses[0].value, "T.NETWORK");

    let rbg = &doc.sfrs[1];
    assert_eq!(rbg.selected_by.len(), 1);
    assert_eq!(rbg.selected_by[0].sfr.value, "FTP_ITC.1");
    assert_eq!(rbg.selected_by[0].operation.value, "sel1");
    assert_eq!(rbg.selected_by[0].choice.value, "sel-rng");
    let rbg_amount = &rbg.elements[0].operations["asgn1"].value;
    assert_eq!(rbg_amount.value_type, Some(ValueType::Real));
    let ext = doc
        .extended_components
        .iter()
        .find(|e| e.id.value == "FCS_RBG_EXT.1")
        .expect("ext");
    assert_eq!(ext.family_name.as_deref(), Some("Random Bit Generation"));
    assert_eq!(
        ext.elements[0].text.as_ref().map(|t| t.value.as_str()),
        Some("The TSF shall produce {asgn1} random bits.")
    );
    let deps: Vec<Vec<&str>> = ext
        .dependencies
        .iter()
        .map(|g| g.iter().map(|i| i.value.as_str()).collect())
        .collect();
    assert_eq!(
        deps,
        vec![vec!["FCS_RBG.1", "FCS_RBG.2"], vec!["FPT_TST.1"]]
    );

    let upc = &doc.sfrs[2];
    assert_eq!(upc.id.value, "FDP_UPC_EXT.1/BT");
    assert_eq!(
        upc.feature.as_ref().map(|f| f.value.as_str()),
        Some("bluetooth")
    );
    assert_eq!(
        upc.elements[0].operations["asgn1"].value.pattern.as_deref(),
        Some("[a-z]+")
    );
    let hid = &doc.sfrs[3];
    assert!(hid.invisible);
    assert_eq!(
        hid.status.as_ref().map(|s| s.value),
        Some(SfrStatus::Optional)
    );

    assert_eq!(
        doc.objectives.environment[0].addresses[0].value,
        "A.PLATFORM"
    );
    assert_eq!(doc.objectives.toe[0].addresses[0].value, "T.NETWORK");
    assert_eq!(
        doc.spd.threats[0].addressed_by[0].rationale.as_deref(),
        Some("Trusted channel.")
    );

    let sar = &doc.sars[0];
    assert_eq!(sar.id.value, "ALC_FLR.1");
    assert!(sar.optional);
    let sar_ids: Vec<_> = sar.elements.iter().map(|e| e.id.value.as_str()).collect();
    assert_eq!(sar_ids, ["ALC_FLR.1.1D", "ALC_FLR.1.1C"]);

    assert!(
        doc.sections
            .iter()
            .any(|s| s.id == "Overview" && s.html.contains("<b>overview</b> &amp; more"))
    );
    assert_eq!(imp.counts.selectables, 3);
    assert_eq!(imp.counts.assignables, 6);
    assert!(imp.warnings.is_empty(), "{:?}", imp.warnings);
}

#[test]
fn import_is_deterministic_and_yaml_serialisable() {
    let a = fixture("mini-pp.xml");
    let b = fixture("mini-pp.xml");
    let ya = serde_saphyr::to_string(&a.document).expect("serialises");
    let yb = serde_saphyr::to_string(&b.document).expect("serialises");
    assert_eq!(ya, yb);
    // The YAML form is a valid dtsec document.
    let src = dtsec_model::SourceFile::new("mini.yaml", ya);
    let back = dtsec_model::parse_document(&src).expect("YAML parses back");
    assert_eq!(back.sfrs.len(), a.document.sfrs.len());
}

#[test]
fn sniffing() {
    assert!(dtsec_niap::looks_like_niap_xml(
        b"\xEF\xBB\xBF  <?xml version=\"1.0\"?><PP xmlns=\"https://niap-ccevs.org/cc/v1\"/>"
    ));
    assert!(!dtsec_niap::looks_like_niap_xml(
        b"kind: protection-profile\n"
    ));
    assert!(!dtsec_niap::looks_like_niap_xml(b"<html><body/></html>"));
}
