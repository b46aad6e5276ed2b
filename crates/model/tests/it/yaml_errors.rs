//! YAML errors in the document's terms (issue 11): what is wrong, which key, where; tags and
//! special files refused.

use dtsec_model::{LoadError, SourceFile, parse_document, read_bounded};

fn error(text: &str) -> (u32, String) {
    let err = parse_document(&SourceFile::new("t.yaml", text)).unwrap_err();
    let line = err.position().map_or(0, |p| p.0);
    (line, err.to_string())
}

const HEAD: &str = "kind: security-target\nid: st\nversion: '1'\ntitle: T\n";

#[test]
fn a_bare_number_as_a_completion_names_the_slot_and_says_to_quote() {
    let (line, msg) = error(&format!(
        "{HEAD}sfrs:\n  - id: FCS_COP.1/Hash\n    elements:\n      - id: FCS_COP.1.1\n        completed:\n          keylen: 256\n"
    ));
    assert_eq!(line, 10, "{msg}");
    assert!(msg.contains("`keylen`") && msg.contains("'256'"), "{msg}");
    assert!(!msg.contains("untagged"), "{msg}");
}

#[test]
fn duplicate_keys_are_named_without_library_advice() {
    let (line, msg) = error("kind: security-target\nid: a\nid: b\n");
    assert_eq!(line, 3, "{msg}");
    assert!(msg.contains("`id` is given twice"), "{msg}");
    assert!(
        !msg.contains("DuplicateKeyPolicy") && !msg.contains("Options"),
        "{msg}"
    );
}

#[test]
fn a_list_where_text_belongs_names_the_field() {
    let (line, msg) = error(&format!(
        "{HEAD}spd:\n  threats:\n    - id: T.A\n      description: [a]\n"
    ));
    assert_eq!(line, 8, "{msg}");
    assert!(
        msg.contains("`description`") && msg.contains("expected text"),
        "{msg}"
    );
}

#[test]
fn yaml_tags_are_refused_with_their_position() {
    for (text, tag, line) in [
        ("kind: security-target\nid: !!binary c3Q=\n", "!!binary", 2),
        ("kind: security-target\nid: !!str st\n", "!!str", 2),
        (
            "kind: security-target\nnotes: !custom\n  - a\n",
            "!custom",
            2,
        ),
        (
            "%TAG !e! tag:example.com,2000:\n---\nkind: !e!x security-target\n",
            "tag:example.com",
            3,
        ),
    ] {
        let (l, msg) = error(text);
        assert_eq!(l, line, "{msg}");
        assert!(msg.contains(tag) && msg.contains("not allowed"), "{msg}");
    }
    // A `!` in text is text.
    let doc = parse_document(&SourceFile::new(
        "t.yaml",
        format!("{HEAD}notes:\n  - Hello! world\n  - '!quoted'\n  - |\n    !block\n"),
    ));
    assert!(doc.is_ok(), "{doc:?}");
}

#[test]
fn special_files_are_refused_before_reading() {
    #[cfg(unix)]
    {
        let started = std::time::Instant::now();
        let err = read_bounded(std::path::Path::new("/dev/zero"), 1 << 30).unwrap_err();
        assert!(matches!(err, LoadError::NotAFile { .. }), "{err}");
        assert!(started.elapsed().as_secs() < 5);
    }
    let dir = std::env::temp_dir().join(format!("dtsec-yaml-errors-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let err = read_bounded(&dir, 100).unwrap_err();
    assert!(err.to_string().contains("a directory"), "{err}");
    let big = dir.join("big.yaml");
    std::fs::write(&big, vec![b'#'; 101]).unwrap();
    let err = read_bounded(&big, 100).unwrap_err();
    assert!(
        matches!(err, LoadError::TooLarge { size: 101, .. }),
        "{err}"
    );
    assert_eq!(read_bounded(&big, 101).unwrap().len(), 101);
    let _ = std::fs::remove_dir_all(&dir);
}
