//! Import → export → import gives the same model, for the repository's fixtures (always) and
//! for every NIAP XML file in `../shared/niap/pp`, `../shared/niap/pp-for-st` and
//! `../shared/niap/st` (where the reference material is checked out; the test says when it
//! skips). Also checks that the export holds as many f-components, f-elements, selectables,
//! assignables and audit events as the source (STs: f-components, f-elements, selectables and
//! kept selectables; an ST's assignments are not part of its model).

use std::path::{Path, PathBuf};

const NS: &str = "https://niap-ccevs.org/cc/v1";

fn shared() -> Option<PathBuf> {
    dtsec_testkit::shared("niap")
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "xml"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Counts NIAP elements by tag, independent of the importer.
fn tag_counts(xml: &str) -> [usize; 5] {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts).expect("parses");
    let count = |tag: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag && n.tag_name().namespace() == Some(NS))
            .count()
    };
    [
        count("f-component"),
        count("f-element"),
        count("selectables"),
        count("assignable"),
        count("audit-event"),
    ]
}

/// Imports, exports and re-imports one file; returns a description of what differs.
fn round_trip(path: &Path) -> Result<(), String> {
    let name = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| format!("{name}: {e}"))?;
    let first = match dtsec_niap::import_bytes(&bytes, &name) {
        Ok(i) if i.document.kind.value != dtsec_model::DocumentKind::SecurityTarget => i,
        Ok(_) | Err(dtsec_niap::ImportError::UnsupportedRoot { .. }) => {
            return round_trip_st(&name, &bytes);
        }
        Err(e) => return Err(format!("{name}: {e}")),
    };
    let xml = dtsec_niap::export(&first.document).map_err(|e| format!("{name}: export: {e}"))?;
    let second = dtsec_niap::import(&xml, &name).map_err(|e| format!("{name}: re-import: {e}"))?;
    let a = serde_json::to_value(&first.document).expect("serialises");
    let b = serde_json::to_value(&second.document).expect("serialises");
    if a != b {
        return Err(format!(
            "{name}: the re-imported model differs: {}",
            first_difference(&a, &b, "")
        ));
    }
    if first.counts != second.counts {
        return Err(format!(
            "{name}: counts differ: {:?} vs {:?}",
            first.counts, second.counts
        ));
    }
    let source = String::from_utf8_lossy(&bytes);
    let (before, after) = (tag_counts(&source), tag_counts(&xml));
    if before != after {
        return Err(format!(
            "{name}: [f-component, f-element, selectables, assignable, audit-event] {before:?} in the source, {after:?} in the export"
        ));
    }
    println!(
        "{name}: round trip ok; {before:?} f-components, f-elements, selectables, assignables, audit events"
    );
    Ok(())
}

/// An ST: read (`read_document`), export, read again; the same model and as many claims,
/// components, elements and kept selectables.
fn round_trip_st(name: &str, bytes: &[u8]) -> Result<(), String> {
    let first = dtsec_niap::read_document_bytes(bytes, name).map_err(|e| format!("{name}: {e}"))?;
    let xml = dtsec_niap::export(&first.document).map_err(|e| format!("{name}: export: {e}"))?;
    let second =
        dtsec_niap::read_document(&xml, name).map_err(|e| format!("{name}: re-read: {e}"))?;
    let a = serde_json::to_value(&first.document).expect("serialises");
    let b = serde_json::to_value(&second.document).expect("serialises");
    if a != b {
        return Err(format!(
            "{name}: the re-read ST differs: {}",
            first_difference(&a, &b, "")
        ));
    }
    let counts = |xml: &str| {
        let c = tag_counts(xml);
        (c[0], c[1], st_shape(xml))
    };
    let source = String::from_utf8_lossy(bytes);
    let (before, after) = (counts(&source), counts(&xml));
    if before != after {
        return Err(format!(
            "{name}: (f-component, f-element, (claims, selectables, selectable)) {before:?} in the source, {after:?} in the export"
        ));
    }
    println!("{name}: ST round trip ok; {before:?}");
    Ok(())
}

/// The `<st>` root's claims by element name, and the number of `selectables` and kept
/// `selectable`s in f-element titles (the selections an ST makes; those in audit events, rules
/// or prose are not part of its model).
fn st_shape(xml: &str) -> (Vec<String>, usize, usize) {
    let opts = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: u32::MAX,
    };
    let doc = roxmltree::Document::parse_with_options(xml, opts).expect("parses");
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "st");
    assert_eq!(root.tag_name().namespace(), Some(NS));
    let claims = root
        .children()
        .filter(|c| ["base-pp", "module", "package"].contains(&c.tag_name().name()))
        .map(|c| c.tag_name().name().to_string())
        .collect();
    let in_title = |n: &roxmltree::Node<'_, '_>| {
        n.ancestors().any(|a| {
            a.tag_name().name() == "title"
                && a.parent()
                    .is_some_and(|p| p.tag_name().name() == "f-element")
        })
    };
    let count = |tag: &str| {
        doc.descendants()
            .filter(|n| n.tag_name().name() == tag && n.tag_name().namespace() == Some(NS))
            .filter(in_title)
            .count()
    };
    (claims, count("selectables"), count("selectable"))
}

fn first_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for k in x.keys().chain(y.keys()) {
                let (va, vb) = (
                    x.get(k).unwrap_or(&Value::Null),
                    y.get(k).unwrap_or(&Value::Null),
                );
                if va != vb {
                    return first_difference(va, vb, &format!("{path}.{k}"));
                }
            }
            String::new()
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (va, vb)) in x.iter().zip(y).enumerate() {
                if va != vb {
                    return first_difference(va, vb, &format!("{path}[{i}]"));
                }
            }
            String::new()
        }
        _ => {
            let cut = |v: &Value| v.to_string().chars().take(200).collect::<String>();
            format!("at {path}: {} vs {}", cut(a), cut(b))
        }
    }
}

#[test]
fn fixtures_round_trip() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let files = xml_files(&dir);
    assert!(files.len() >= 2, "fixtures missing");
    let failures: Vec<String> = files.iter().filter_map(|f| round_trip(f).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_round_trips() {
    let Some(shared) = shared() else { return };
    let mut files = xml_files(&shared.join("pp"));
    files.extend(xml_files(&shared.join("pp-for-st")));
    let sts = xml_files(&shared.join("st"));
    assert_eq!(sts.len(), 7, "the seven NIAP example STs");
    files.extend(sts);
    assert!(!files.is_empty(), "no XML in ../shared/niap");
    let failures: Vec<String> = files.iter().filter_map(|f| round_trip(f).err()).collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
