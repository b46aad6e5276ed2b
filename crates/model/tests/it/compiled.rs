//! The built-in documents' compiled form: committed files in step with the YAML, read back with
//! the same values and positions, and a stale form never used.

use std::path::Path;

use dtsec_model::compiled::{self, CompiledBuiltin};
use dtsec_model::{
    BUILTINS, BuiltinFormat, Choice, Completion, Library, SourceFile, parse_document,
};

/// The YAML built-ins are compiled here; a NIAP XML one is taken as committed (this crate cannot
/// read NIAP XML: `dtsec-niap`'s test `builtin_compiled.rs` holds it to the XML).
#[test]
fn committed_compiled_forms_are_up_to_date() {
    let committed = |source: &SourceFile| {
        let name = source.name.trim_start_matches("builtin:");
        compiled::all()
            .iter()
            .find(|c| c.name == name)
            .ok_or_else(|| format!("{name} has no compiled form"))
            .and_then(|c| compiled::decode(c.bytes).map_err(|e| e.to_string()))
    };
    let files =
        compiled::generate_with(BUILTINS, &committed).expect("every built-in parses and encodes");
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stale: Vec<&str> = files
        .iter()
        .filter(|f| std::fs::read(dir.join(&f.path)).ok().as_deref() != Some(&f.contents[..]))
        .map(|f| f.path.as_str())
        .collect();
    assert!(
        stale.is_empty(),
        "out of date with builtin/*.yaml or the model: {stale:?}; run `cargo xtask gen-builtins`"
    );
    assert_eq!(
        files.len(),
        BUILTINS.len() + 1,
        "one file per built-in and the index"
    );
}

#[test]
fn every_builtin_is_read_from_its_compiled_form() {
    let lib = Library::with_builtins();
    assert!(
        lib.builtins_compiled(),
        "a built-in has no current compiled form; run `cargo xtask gen-builtins`"
    );
    assert!(lib.builtin_errors().is_empty());
}

#[test]
fn compiled_form_reads_back_to_the_same_document_with_its_positions() {
    for c in compiled::all() {
        let builtin = BUILTINS
            .iter()
            .find(|b| b.name == c.name)
            .expect("indexed built-in exists");
        if builtin.format == BuiltinFormat::NiapXml {
            continue; // read back against its XML in dtsec-niap's tests
        }
        let source = SourceFile::new(format!("builtin:{}", builtin.name), builtin.text);
        let from_yaml = parse_document(&source).expect("built-in parses");
        let from_bytes = compiled::decode(c.bytes).expect("compiled form decodes");
        // Values: the documents serialise alike.
        assert_eq!(
            serde_json::to_value(&from_yaml).expect("json"),
            serde_json::to_value(&from_bytes).expect("json"),
            "{}",
            c.name
        );
        // Positions too: the binary form carries every span, so re-encoding gives the bytes.
        assert_eq!(
            compiled::encode(c.name, &from_bytes).expect("encodes"),
            c.bytes,
            "{}",
            c.name
        );
        assert_eq!(
            (c.id, c.version),
            (from_bytes.id.as_str(), from_bytes.version.as_str())
        );
        // And a span points at the line of the YAML that holds the value.
        for sfr in &from_bytes.sfrs {
            let line = source.line(sfr.id.span.line).expect("line exists");
            assert!(
                line.contains(&sfr.id.value),
                "{}: {} at line {}: {line}",
                c.name,
                sfr.id.value,
                sfr.id.span.line
            );
        }
    }
}

static STALE: [CompiledBuiltin; 1] = [CompiledBuiltin {
    name: "cdd-eb.yaml",
    yaml_len: 1,
    id: "not-cdd-eb",
    version: "9.9",
    bytes: &[],
}];

static UNREADABLE: [CompiledBuiltin; 1] = [CompiledBuiltin {
    name: "cdd-eb.yaml",
    yaml_len: 0,
    id: "cdd-eb",
    version: "1.0",
    bytes: b"\xc1 not messagepack",
}];

#[test]
fn a_stale_compiled_form_is_not_used() {
    let eb = BUILTINS
        .iter()
        .copied()
        .find(|b| b.name == "cdd-eb.yaml")
        .expect("cdd-eb is built in");
    // Made from text of another length: the YAML is read instead.
    let lib = Library::with_sources(&[eb], &STALE);
    assert!(!lib.builtins_compiled());
    assert!(lib.find("not-cdd-eb", "9.9").is_none());
    let doc = lib.find("cdd-eb", "1.0").expect("read from YAML");
    assert!(!doc.document.sars.is_empty());
}

#[test]
fn a_compiled_form_that_does_not_decode_falls_back_to_the_yaml() {
    let eb = BUILTINS
        .iter()
        .copied()
        .find(|b| b.name == "cdd-eb.yaml")
        .expect("cdd-eb is built in");
    let unreadable = [CompiledBuiltin {
        yaml_len: eb.text.len(),
        ..UNREADABLE[0]
    }];
    let unreadable: &'static [CompiledBuiltin] = Box::leak(Box::new(unreadable));
    assert!(compiled::decode(unreadable[0].bytes).is_err());
    let lib = Library::with_sources(&[eb], unreadable);
    assert!(lib.builtins_compiled());
    let doc = lib.find("cdd-eb", "1.0").expect("read from YAML");
    assert!(!doc.document.sars.is_empty());
    assert!(lib.builtin_errors().is_empty());
}

const PP_WITH_NESTED_REQUIRED_CHOICES: &str = "\
kind: protection-profile
id: nested
version: '1.0'
title: Nested choices
sfrs:
  - id: FCS_COP.1
    elements:
      - id: FCS_COP.1.1
        text: perform {op}
        operations:
          op:
            selection:
              - plain
              - id: detailed
                text: detailed with {inner}
                operations:
                  inner:
                    selection: [a, b]
                    required_choices:
                      - roles: [therapy-delivery]
                        choices: [b]
";

/// The untagged choice holding a spanned required choice: tagged in the binary form, so the
/// spanned values inside are read as such (untagged, they would be looked for as YAML).
#[test]
fn detailed_choices_keep_their_nested_positions() {
    let source = SourceFile::new("nested.yaml", PP_WITH_NESTED_REQUIRED_CHOICES);
    let doc = parse_document(&source).expect("parses");
    let bytes = compiled::encode("nested.yaml", &doc).expect("encodes");
    let back = compiled::decode(&bytes).expect("decodes");
    let op = &back.sfrs[0].elements[0].operations["op"];
    assert_eq!(op.span.line, 12);
    let choices = op.value.selection.as_ref().expect("a selection");
    assert!(matches!(&choices[0], Choice::Text(t) if t == "plain"));
    let Choice::Detailed(d) = &choices[1] else {
        panic!("the second choice is detailed: {:?}", choices[1]);
    };
    let required = &d.operations["inner"].required_choices[0];
    assert_eq!(required.roles[0].value, "therapy-delivery");
    // What YAML gave (serde reads untagged values without positions) is what comes back.
    let Some(Choice::Detailed(original)) = doc.sfrs[0].elements[0].operations["op"]
        .value
        .selection
        .as_ref()
        .map(|c| &c[1])
    else {
        panic!("parsed as detailed");
    };
    assert_eq!(
        required.choices[0].span,
        original.operations["inner"].required_choices[0].choices[0].span
    );
    assert_eq!(
        compiled::encode("nested.yaml", &back).expect("encodes"),
        bytes
    );
}

#[test]
fn completions_of_both_forms_survive_the_binary_form() {
    let st = "\
kind: security-target
id: st
version: '1'
title: ST
sfrs:
  - id: FCS_COP.1
    elements:
      - id: FCS_COP.1.1
        completed: {alg: [SHA-256, SHA-384], bits: '256'}
";
    let doc = parse_document(&SourceFile::new("st.yaml", st)).expect("parses");
    let bytes = compiled::encode("st.yaml", &doc).expect("encodes");
    let back = compiled::decode(&bytes).expect("decodes");
    let completed = &back.sfrs[0].elements[0].completed;
    assert_eq!(
        completed["alg"].value,
        Completion::Many(vec!["SHA-256".into(), "SHA-384".into()])
    );
    assert_eq!(completed["bits"].value, Completion::One("256".into()));
    assert_eq!(completed["bits"].span.line, 9);
    // The text forms are untouched: YAML and JSON still write the untagged values.
    let json = serde_json::to_value(&back).expect("json");
    assert_eq!(json["sfrs"][0]["elements"][0]["completed"]["bits"], "256");
}
