//! The broken-document corpus: every file in `tests/fixtures/broken/` is a small variation of the
//! mini fixtures that breaks one rule. Each line where a diagnostic is expected carries a trailing
//! `# expect: CODE[, CODE…]`; the checker must produce exactly those (line, code) pairs — no more,
//! no fewer. Files named `*.pending.yaml` show suspected checker bugs and are skipped.
//!
//! Each fixture's rendered diagnostics are also an insta snapshot
//! (`tests/fixtures/broken/snapshots/`): the codes and lines are the contract, the snapshot shows
//! a reviewer what a user reads. `cargo insta review` (or `INSTA_UPDATE=always`) accepts a change.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use dtsec_check::{CheckInput, Diagnostic, RULES, check, is_input_unusable};
use dtsec_model::{Library, SourceFile, load_document, parse_document};

/// The PPs and packages the corpus's STs claim, besides the built-ins: the mini PP (and its
/// 1.1), the mini package, a NIAP-style PP for the NIAP-format fixtures, a PP with roles and a
/// package that narrows its selections.
const LIBRARY_FIXTURES: [&str; 6] = [
    "mini-pp.yaml",
    "mini-pp-1.1.yaml",
    "mini-pkg.yaml",
    "niap-mini-pp.yaml",
    "roles-pp.yaml",
    "roles-pkg.yaml",
];

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Built-ins plus the mini PP and package, as in `rules.rs`, and a NIAP-style PP for the
/// NIAP-format ST fixtures.
fn library() -> Library {
    let mut lib = Library::with_builtins();
    for name in LIBRARY_FIXTURES {
        lib.add_yaml_file(&fixtures().join(name))
            .expect("fixture loads");
    }
    lib
}

fn run(lib: &Library, path: &Path) -> Vec<Diagnostic> {
    let (source, document) = load_document(path).unwrap_or_else(|e| panic!("{e}"));
    check(CheckInput {
        source: &source,
        document: &document,
        library: lib,
    })
}

/// The corpus files, sorted, without the pending ones.
fn corpus() -> Vec<PathBuf> {
    let dir = fixtures().join("broken");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".yaml") && !name.ends_with(".pending.yaml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no fixtures in {}", dir.display());
    files
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("?")
        .to_string()
}

/// `(line, code)` pairs from the `# expect: …` comments; lines are 1-based.
fn expectations(path: &Path) -> BTreeSet<(u32, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let mut out = BTreeSet::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find("# expect:") else {
            continue;
        };
        let line_no = u32::try_from(i + 1).expect("line number fits");
        for code in line[at + "# expect:".len()..].split(',') {
            let code = code.trim();
            assert!(
                code.starts_with("DT-") && dtsec_check::rule(code).is_some(),
                "{}:{line_no}: `{code}` in an expect comment is not a rule code",
                file_name(path)
            );
            out.insert((line_no, code.to_string()));
        }
    }
    out
}

#[test]
fn each_broken_fixture_yields_exactly_its_expected_diagnostics() {
    let lib = library();
    let mut failures = Vec::new();
    for path in corpus() {
        let name = file_name(&path);
        let expected = expectations(&path);
        assert!(
            !expected.is_empty(),
            "{name}: no `# expect:` comment; a broken fixture must expect something"
        );
        let diags = run(&lib, &path);
        let actual: BTreeSet<(u32, String)> = diags
            .iter()
            .map(|d| (d.span.line, d.code.to_string()))
            .collect();
        if expected == actual {
            continue;
        }
        let mut report = format!("{name}:\n  expected:\n");
        for (line, code) in &expected {
            let mark = if actual.contains(&(*line, code.clone())) {
                " "
            } else {
                "-"
            };
            report += &format!("   {mark} {name}:{line} {code}\n");
        }
        report += "  actual:\n";
        for d in &diags {
            let mark = if expected.contains(&(d.span.line, d.code.to_string())) {
                " "
            } else {
                "+"
            };
            report += &format!(
                "   {mark} {name}:{} {} {}\n",
                d.span.line, d.code, d.message
            );
        }
        failures.push(report);
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) differ ('-' expected but missing, '+' produced but not expected):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The fixture sources a diagnostic may point into: the ST and the library's mini documents.
fn sources(st: SourceFile) -> Vec<SourceFile> {
    let mut out = vec![st];
    for name in LIBRARY_FIXTURES {
        let (source, _) = load_document(&fixtures().join(name)).expect("fixture loads");
        out.push(source);
    }
    out
}

#[test]
fn each_broken_fixture_renders_as_its_snapshot() {
    let lib = library();
    // Paths in the output are made relative to the crate, so the snapshots do not depend on
    // where the checkout is.
    let prefix = format!("{}/", Path::new(env!("CARGO_MANIFEST_DIR")).display());
    for path in corpus() {
        let (source, _) = load_document(&path).unwrap_or_else(|e| panic!("{e}"));
        let diags = run(&lib, &path);
        let rendered = dtsec_check::output::render_report(&diags, &sources(source), 1, false)
            .replace(&prefix, "");
        let name = file_name(&path).trim_end_matches(".yaml").to_string();
        insta::with_settings!({
            snapshot_path => "../fixtures/broken/snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, rendered);
        });
    }
}

#[test]
fn every_rule_code_has_a_broken_fixture() {
    let mut covered: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for path in corpus() {
        for (_, code) in expectations(&path) {
            covered.entry(code).or_default().push(file_name(&path));
        }
    }
    let uncovered: Vec<&str> = RULES
        .iter()
        .map(|r| r.code)
        // An unreadable input never reaches the checker: the CLI's tests cover that code
        // (crates/cli/tests/it/input_failures.rs).
        .filter(|c| *c != dtsec_check::output::UNREADABLE_INPUT)
        .filter(|c| !covered.contains_key(*c))
        .collect();
    assert!(
        uncovered.is_empty(),
        "codes with no fixture in tests/fixtures/broken/: {}",
        uncovered.join(", ")
    );
}

#[test]
fn unusable_input_fixtures_are_flagged_unusable() {
    let lib = library();
    for path in corpus() {
        let expects_unusable = expectations(&path)
            .iter()
            .any(|(_, c)| c == "DT-CONF-001" || c == "DT-DOC-004");
        if !expects_unusable {
            continue;
        }
        let diags = run(&lib, &path);
        assert!(
            diags.iter().any(is_input_unusable),
            "{}: expects DT-CONF-001 or DT-DOC-004, but no diagnostic makes the input unusable",
            file_name(&path)
        );
    }
}

/// The line ranges of the entries of the top-level `sfrs:` list (each starts with `  - `).
fn sfr_blocks(lines: &[&str]) -> Vec<std::ops::Range<usize>> {
    let start = lines
        .iter()
        .position(|l| *l == "sfrs:")
        .expect("mini-st has sfrs")
        + 1;
    let end = lines[start..]
        .iter()
        .position(|l| !l.is_empty() && !l.starts_with(' '))
        .map_or(lines.len(), |n| start + n);
    let heads: Vec<usize> = (start..end)
        .filter(|&i| lines[i].starts_with("  - "))
        .collect();
    heads
        .iter()
        .enumerate()
        .map(|(k, &h)| h..heads.get(k + 1).copied().unwrap_or(end))
        .collect()
}

#[test]
fn removing_any_sfr_from_the_good_st_never_panics() {
    let lib = library();
    let text = std::fs::read_to_string(fixtures().join("mini-st.yaml")).expect("mini-st reads");
    let lines: Vec<&str> = text.lines().collect();
    let blocks = sfr_blocks(&lines);
    assert!(
        blocks.len() >= 5,
        "expected the mini ST's SFRs, got {blocks:?}"
    );
    for block in blocks {
        let removed = lines[block.start].trim_start_matches("  - ").to_string();
        let kept: Vec<&str> = lines
            .iter()
            .enumerate()
            .filter(|(i, _)| !block.contains(i))
            .map(|(_, l)| *l)
            .collect();
        let source = SourceFile::new(format!("mini-st-without-{removed}.yaml"), kept.join("\n"));
        let document = parse_document(&source)
            .unwrap_or_else(|e| panic!("mini-st without `{removed}` no longer parses: {e}"));
        let diags = check(CheckInput {
            source: &source,
            document: &document,
            library: &lib,
        });
        // Dropping an SFR the PP requires must be noticed.
        assert!(
            !diags.is_empty(),
            "mini-st without `{removed}` produced no diagnostic"
        );
    }
}
