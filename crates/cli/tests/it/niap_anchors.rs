//! Ids used twice across a NIAP document's anchors (DT-DOC-002): the repo's fixture
//! (`crates/niap/tests/fixtures/dup-anchors.xml`, always) and NIAP's own PPs in `../shared/niap`
//! (skipped, with a message, when absent). Findings point at the second use and name the first.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use dtsec_check::{CheckInput, Diagnostic, check};
use dtsec_model::{Library, SourceFile};

fn load(path: &Path) -> (SourceFile, dtsec_model::Document) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let name = path.display().to_string();
    let imported = dtsec_niap::read_document(&text, &name).unwrap_or_else(|e| panic!("{e}"));
    (SourceFile::new(name, text), imported.document)
}

fn check_file(lib: &Library, path: &Path) -> Vec<Diagnostic> {
    let (source, document) = load(path);
    check(CheckInput {
        source: &source,
        document: &document,
        library: lib,
    })
}

fn xml_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    files
}

fn duplicates(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.code == "DT-DOC-002").collect()
}

#[test]
fn fixture_reports_each_reused_id_at_its_second_use() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../niap/tests/fixtures/dup-anchors.xml");
    let text = std::fs::read_to_string(&path).expect("fixture reads");
    let expected: BTreeSet<u32> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("<!-- expect: DT-DOC-002"))
        .map(|(i, _)| u32::try_from(i + 1).expect("fits"))
        .collect();
    assert_eq!(expected.len(), 2, "the fixture marks two lines");
    let diags = check_file(&Library::with_builtins(), &path);
    let dups = duplicates(&diags);
    let lines: BTreeSet<u32> = dups.iter().map(|d| d.span.line).collect();
    assert_eq!(lines, expected, "{dups:#?}");
    let at = |id: &str| {
        dups.iter()
            .find(|d| d.message.contains(&format!("`{id}`")))
            .unwrap_or_else(|| panic!("no finding for `{id}`: {dups:#?}"))
    };
    // The f-component and f-element anchors: at the attribute value of the second use, with
    // the first named in the message and as a related location.
    let comp = at("fcs-cop-1");
    assert_eq!((comp.span.line, comp.span.column), (38, 61));
    assert!(comp.message.contains("SFR FCS_COP.1/Verify"), "{comp:?}");
    assert!(
        comp.message
            .contains("SFR FCS_COP.1/Sign (line 28, column 59)"),
        "{comp:?}"
    );
    assert_eq!(
        comp.related.first().map(|r| (r.span.line, r.span.column)),
        Some((28, 59))
    );
    let el = at("fel-sign");
    assert_eq!((el.span.line, el.span.column), (39, 24));
    assert!(el.message.contains("(line 29, column 24)"), "{el:?}");
    // A selectable id reused in another SFR: at the f-element holding it (the model keeps no
    // position per choice).
    let sel = at("sel-ecdsa");
    assert_eq!(sel.span.line, 39);
    assert!(sel.message.contains("FCS_COP.1/Sign"), "{sel:?}");
    // `sel-rsa` and `sel-rsa-v` differ: not reported.
    assert_eq!(dups.len(), 3, "{dups:#?}");
}

fn shared() -> Option<PathBuf> {
    let dir = dtsec_testkit::shared("niap")?;
    assert!(dir.join("pp").is_dir(), "{} lacks pp/", dir.display());
    Some(dir)
}

/// What `docs/notes/niap-findings.md` records: only the Mobile Device PP reuses ids across its
/// anchors (one f-element id, twelve selectable ids of FCS_CKM_EXT.7/LOCKED again in /UNLOCKED).
/// The PPs are checked with every corpus PP available, the STs against `pp-for-st`.
#[test]
fn corpus_duplicate_anchors() {
    let Some(dir) = shared() else { return };
    let mut lib = Library::with_builtins();
    for path in xml_files(&dir.join("pp"))
        .into_iter()
        .chain(xml_files(&dir.join("pp-for-st")))
    {
        let (source, document) = load(&path);
        lib.add_file(path, source, document);
    }
    let mut found = Vec::new();
    for sub in ["pp", "pp-for-st", "st"] {
        for path in xml_files(&dir.join(sub)) {
            let diags = check_file(&lib, &path);
            let n = duplicates(&diags).len();
            if n > 0 {
                let file = path.file_name().and_then(|f| f.to_str()).unwrap_or("?");
                found.push((format!("{sub}/{file}"), n));
            }
            if path.ends_with("mobile-device.xml") {
                let dups = duplicates(&diags);
                let anchor = dups
                    .iter()
                    .find(|d| d.message.contains("`fel-sign-how`"))
                    .expect("fel-sign-how reported");
                assert_eq!((anchor.span.line, anchor.span.column), (5586, 26));
                assert!(
                    anchor
                        .message
                        .contains("FCS_COP.1/SigGen (line 5091, column 26)")
                );
                assert_eq!(
                    dups.iter()
                        .filter(|d| d.message.contains("FCS_CKM_EXT.7/UNLOCKED"))
                        .count(),
                    12
                );
            }
        }
    }
    assert_eq!(found, vec![("pp/mobile-device.xml".to_string(), 13)]);
}
