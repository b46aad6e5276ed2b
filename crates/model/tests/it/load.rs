//! Reading documents: spans are kept, and bad input is a clear error, never a panic.

use dtsec_model::{LoadError, SourceFile, parse_document, source_from_bytes};

fn parse(text: &str) -> Result<dtsec_model::Document, LoadError> {
    parse_document(&SourceFile::new("t.yaml", text))
}

#[test]
fn spans_point_at_identifiers() {
    let doc = parse(
        "kind: security-target\nid: st\nversion: '1'\ntitle: T\nsfrs:\n  - id: FCS_COP.1/Hash\n    elements:\n      - id: FCS_COP.1.1\n        completed:\n          alg: [SHA-256]\n",
    )
    .unwrap();
    let sfr = &doc.sfrs[0];
    assert_eq!((sfr.id.span.line, sfr.id.span.column), (6, 9));
    let c = &sfr.elements[0].completed["alg"];
    assert_eq!(c.span.line, 10);
    assert_eq!(c.value.values(), vec!["SHA-256"]);
}

#[test]
fn unknown_field_is_reported_with_position() {
    let err =
        parse("kind: security-target\nid: st\nversion: '1'\ntitle: T\nsfr: []\n").unwrap_err();
    let (line, _) = err.position().expect("position");
    assert_eq!(line, 5, "{err}");
    assert!(err.to_string().contains("sfr"), "{err}");
}

#[test]
fn wrong_type_is_reported() {
    let err =
        parse("kind: security-target\nid: st\nversion: '1'\ntitle: T\nsfrs: 12\n").unwrap_err();
    assert_eq!(err.position().map(|p| p.0), Some(5), "{err}");
}

#[test]
fn unknown_kind_is_reported() {
    let err = parse("kind: novel\nid: st\nversion: '1'\ntitle: T\n").unwrap_err();
    assert_eq!(err.position().map(|p| p.0), Some(1), "{err}");
}

#[test]
fn deep_nesting_is_refused() {
    let text = format!("kind: {}{}", "[".repeat(10_000), "]".repeat(10_000));
    assert!(matches!(parse(&text), Err(LoadError::Syntax { .. })));
    let mut block = String::from("notes:\n");
    for depth in 0..10_000 {
        block.push_str(&" ".repeat(depth * 2 + 2));
        block.push_str("- \n");
    }
    assert!(parse(&block).is_err());
}

#[test]
fn binary_garbage_is_refused() {
    let bytes: Vec<u8> = (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect();
    assert!(matches!(
        source_from_bytes("g.bin".into(), bytes),
        Err(LoadError::NotUtf8 { .. })
    ));
    assert!(parse("kind: \0\0\0").is_err());
}

#[test]
fn oversized_document_is_refused() {
    let big = vec![b'#'; 50 * 1024 * 1024];
    assert!(matches!(
        source_from_bytes("big.yaml".into(), big),
        Err(LoadError::TooLarge { .. })
    ));
}

#[test]
fn alias_bomb_is_refused() {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for i in 1..12 {
        let prev = i - 1;
        text.push_str(&format!(
            "a{i}: &a{i} [*a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}, *a{prev}]\n"
        ));
    }
    assert!(parse(&text).is_err());
}
