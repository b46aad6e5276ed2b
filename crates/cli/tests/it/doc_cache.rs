//! The document cache (`crates/cli/src/doc_cache.rs`): a run that decodes a kept document gives
//! exactly what a run that parses gives — same findings, positions, snippets, exit code and
//! rendered page — for dtsec YAML and NIAP XML; a damaged entry is parsed again; and
//! `DTSEC_NO_CACHE` keeps nothing.

use std::path::Path;
use std::process::Output;

use crate::common::{dtsec, repo_file, report, s};

/// `dtsec ARGS` with the cache in `cache` (or off when `None`).
fn with_cache(args: &[&str], cache: Option<&Path>) -> Output {
    match cache {
        Some(dir) => dtsec(
            args,
            &[
                ("NO_COLOR", "1"),
                ("DTSEC_NO_CACHE", "0"),
                ("DTSEC_CACHE_DIR", s(dir)),
            ],
        ),
        None => dtsec(args, &[("NO_COLOR", "1"), ("DTSEC_NO_CACHE", "1")]),
    }
}

fn entries(cache: &Path) -> Vec<std::path::PathBuf> {
    match std::fs::read_dir(cache.join("documents")) {
        Ok(read) => read.map(|e| e.unwrap().path()).collect(),
        Err(_) => Vec::new(),
    }
}

/// Parsed, kept, decoded: three runs with the same output.
fn same_three_ways(args: &[&str]) {
    let dir = tempfile::tempdir().expect("tempdir");
    let uncached = with_cache(args, None);
    let cold = with_cache(args, Some(dir.path()));
    assert!(
        !entries(dir.path()).is_empty(),
        "the cold run keeps the documents it read"
    );
    let warm = with_cache(args, Some(dir.path()));
    for (what, out) in [("cold", &cold), ("warm", &warm)] {
        assert_eq!(
            out.status.code(),
            uncached.status.code(),
            "{what}: {}",
            report(out)
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&uncached.stdout),
            "{what} stdout"
        );
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            String::from_utf8_lossy(&uncached.stderr),
            "{what} stderr"
        );
    }
}

#[test]
fn a_yaml_security_target_checks_the_same_parsed_or_decoded() {
    let st = repo_file("examples/pump-st.yaml");
    same_three_ways(&["check", &st]);
    same_three_ways(&["check", "--format", "json", &st]);
    // A document with findings: positions and snippets come from the source text.
    let fixtures = repo_file("crates/check/tests/fixtures");
    let pp = format!("{fixtures}/mini-pp.yaml");
    let mut files: Vec<_> = std::fs::read_dir(format!("{fixtures}/broken"))
        .expect("the broken-document corpus")
        .map(|e| e.unwrap().path())
        .filter(|f| f.extension().is_some_and(|x| x == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() > 20, "{files:?}");
    for file in files.iter().step_by(files.len() / 8) {
        same_three_ways(&["check", "--pp", &pp, s(file)]);
    }
}

#[test]
fn niap_xml_checks_and_renders_the_same_parsed_or_decoded() {
    let Some(niap) = dtsec_testkit::shared("niap") else {
        return;
    };
    let pp = niap.join("pp/mobile-device.xml");
    let path = niap.join("pp");
    same_three_ways(&["check", "--pp-path", s(&path), s(&pp)]);
    same_three_ways(&["check", "--format", "sarif", "--pp-path", s(&path), s(&pp)]);
    // The rendered page too: parsed, then kept, then decoded.
    let out = tempfile::tempdir().expect("tempdir");
    let cache = out.path().join("cache");
    let pages: Vec<String> = [None, Some(cache.as_path()), Some(cache.as_path())]
        .into_iter()
        .enumerate()
        .map(|(i, dir)| {
            let page = out.path().join(format!("page{i}.html"));
            let run = with_cache(
                &["render", "--pp-path", s(&path), s(&pp), "-o", s(&page)],
                dir,
            );
            assert_eq!(run.status.code(), Some(0), "{}", report(&run));
            std::fs::read_to_string(&page).expect("page written")
        })
        .collect();
    assert!(pages[0].len() > 10_000);
    assert!(
        pages[1] == pages[0] && pages[2] == pages[0],
        "the pages differ"
    );
    let st = niap.join("st/GPOS_Failure1.xml");
    same_three_ways(&["check", "--pp-path", s(&niap.join("pp-for-st")), s(&st)]);
}

#[test]
fn a_damaged_entry_is_parsed_again_and_no_cache_keeps_nothing() {
    let st = repo_file("examples/pump-st.yaml");
    let dir = tempfile::tempdir().expect("tempdir");
    let first = with_cache(&["check", "--format", "json", &st], Some(dir.path()));
    let kept = entries(dir.path());
    assert_eq!(kept.len(), 1, "{kept:?}");
    std::fs::write(&kept[0], b"\x92\x01").expect("damage the entry");
    let again = with_cache(&["check", "--format", "json", &st], Some(dir.path()));
    assert_eq!(again.stdout, first.stdout, "{}", report(&again));
    assert_eq!(again.status.code(), first.status.code());
    assert_ne!(
        std::fs::read(&kept[0]).unwrap(),
        b"\x92\x01",
        "the entry is replaced"
    );

    let off = tempfile::tempdir().expect("tempdir");
    let out = dtsec(
        &["check", &st],
        &[("DTSEC_CACHE_DIR", s(off.path())), ("DTSEC_NO_CACHE", "1")],
    );
    assert_eq!(out.status.code(), first.status.code(), "{}", report(&out));
    assert!(
        entries(off.path()).is_empty(),
        "DTSEC_NO_CACHE keeps nothing"
    );
}
