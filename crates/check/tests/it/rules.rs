//! Each rule against its own fixture: the good mini ST passes, each broken fixture yields its
//! code at the line the fixture marks with `# expect: CODE`.

use std::path::{Path, PathBuf};

use dtsec_check::{CheckInput, Diagnostic, check};
use dtsec_model::{Library, LoadedDocument, Origin, load_document};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn library() -> Library {
    let mut lib = Library::with_builtins();
    for name in ["mini-pp.yaml", "mini-pkg.yaml", "roles-pp.yaml"] {
        lib.add_yaml_file(&fixtures().join(name))
            .expect("fixture loads");
    }
    lib
}

/// The one helper that calls the checker.
fn run(path: &Path) -> Vec<Diagnostic> {
    let lib = library();
    let (source, document) = load_document(path).unwrap_or_else(|e| panic!("{e}"));
    check(CheckInput {
        source: &source,
        document: &document,
        library: &lib,
    })
}

fn show(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(|d| {
            format!(
                "{}:{}:{} {} {}",
                d.file, d.span.line, d.span.column, d.code, d.message
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn good_fixtures_pass() {
    for name in [
        "mini-pp.yaml",
        "mini-pkg.yaml",
        "mini-st.yaml",
        "roles-pp.yaml",
        "roles-st.yaml",
        "roles-cgm-st.yaml",
    ] {
        let diags = run(&fixtures().join(name));
        assert!(diags.is_empty(), "{name}:\n{}", show(&diags));
    }
}

/// A package delta can make an optional SFR selection-based, with its own triggers.
#[test]
fn package_delta_can_make_an_sfr_selection_based() {
    let pkg = "kind: assurance-package\nid: delta\nversion: '1'\ntitle: Delta\nbase_pps: [{id: mini, version: '1.0'}]\nsfrs:\n  - id: FIA_AFL.1\n    status: selection-based\n    selected_by: [{sfr: FTP_ITC.1, operation: channel, choice: bluetooth}]\nsars: [{id: ADV_FSP.1}]\n";
    let mut lib = library();
    let pkg_src = dtsec_model::SourceFile::new("delta.yaml", pkg);
    let pkg_doc = dtsec_model::parse_document(&pkg_src).unwrap();
    assert!(
        check(CheckInput {
            source: &pkg_src,
            document: &pkg_doc,
            library: &lib
        })
        .is_empty(),
        "the delta package itself is clean"
    );
    lib.add(LoadedDocument {
        source: pkg_src,
        document: pkg_doc,
        origin: Origin::Builtin,
    });
    let base = std::fs::read_to_string(fixtures().join("mini-st.yaml"))
        .unwrap()
        .replace("type: TT.PUMP", "type: TT.CGM")
        .replace(
            "pps: [{id: mini, version: \"1.0\"}]",
            "pps: [{id: mini, version: \"1.0\"}]\n  packages: [{id: delta, version: '1'}]",
        );
    let run_text = |text: &str| {
        let src = dtsec_model::SourceFile::new("st.yaml", text);
        let doc = dtsec_model::parse_document(&src).unwrap();
        check(CheckInput {
            source: &src,
            document: &doc,
            library: &lib,
        })
    };
    let found = run_text(&base);
    assert!(found.is_empty(), "{}", show(&found));
    // Without FIA_AFL.1 the Bluetooth selection now requires it.
    let without = base
        .replace("  - id: FIA_AFL.1\n    elements:\n      - id: FIA_AFL.1.1\n        completed: {count: \"5\"}\n", "")
        .replace("[FPT_RPL.1, FIA_AFL.1]", "[FPT_RPL.1]");
    let found = run_text(&without);
    let codes: Vec<&str> = found.iter().map(|d| d.code).collect();
    assert_eq!(codes, vec!["DT-CONF-003"], "{}", show(&found));
}

/// Every built-in PP and package (each version) passes its own check: the refinement rule
/// (DT-OP-009) and the role rules included. A built-in with an error is a bug in dtsec.
#[test]
fn builtins_have_no_errors() {
    let lib = Library::with_builtins();
    let mut seen = 0;
    for doc in lib.documents() {
        let errors: Vec<Diagnostic> = check(CheckInput {
            source: &doc.source,
            document: &doc.document,
            library: &lib,
        })
        .into_iter()
        .filter(Diagnostic::is_error)
        .collect();
        assert!(errors.is_empty(), "{}:\n{}", doc.source.name, show(&errors));
        seen += 1;
    }
    // NIAP's TLS package (built in as XML) is among them.
    assert_eq!(seen, dtsec_model::BUILTINS.len());
}

/// The broken DT-OP-009 fixtures are clean once their element is marked as a refinement.
#[test]
fn marked_refinements_pass() {
    let lib = library();
    for name in [
        "DT-OP-009-unmarked-added-operation.yaml",
        "DT-OP-009-dropped-selection-slot.yaml",
    ] {
        let text = std::fs::read_to_string(fixtures().join("broken").join(name))
            .unwrap()
            .replace("# REFINEMENT", "refinement: Strengthened on purpose.");
        let src = dtsec_model::SourceFile::new(name, text);
        let doc = dtsec_model::parse_document(&src).unwrap();
        let found = check(CheckInput {
            source: &src,
            document: &doc,
            library: &lib,
        });
        assert!(found.is_empty(), "{name}:\n{}", show(&found));
    }
}

/// DT-CONF-030 asks for the package only when its condition holds, and is satisfied by the
/// claim: a CGM (no therapy role) may select tls without the package, and a pump that selects
/// tls and claims the package passes.
#[test]
fn required_package_is_satisfied_by_the_claim_and_keyed_on_roles() {
    let mut lib = library();
    let pkg = "kind: functional-package\nid: tls-pkg\nversion: '1.0'\ntitle: TLS package for tests\nbase_pps: [{id: roles, version: '1.0'}]\n";
    let pkg_src = dtsec_model::SourceFile::new("tls-pkg.yaml", pkg);
    let pkg_doc = dtsec_model::parse_document(&pkg_src).unwrap();
    lib.add(LoadedDocument {
        source: pkg_src,
        document: pkg_doc,
        origin: Origin::Builtin,
    });
    let run_text = |text: &str| {
        let src = dtsec_model::SourceFile::new("st.yaml", text);
        let doc = dtsec_model::parse_document(&src).unwrap();
        check(CheckInput {
            source: &src,
            document: &doc,
            library: &lib,
        })
    };
    let codes = |diags: &[Diagnostic]| diags.iter().map(|d| d.code).collect::<Vec<_>>();
    let with_tls = |name: &str| {
        std::fs::read_to_string(fixtures().join(name))
            .unwrap()
            .replace("channel: [bluetooth]", "channel: [bluetooth, tls]")
    };
    let cgm = run_text(&with_tls("roles-cgm-st.yaml"));
    assert!(!codes(&cgm).contains(&"DT-CONF-030"), "{}", show(&cgm));
    let pump = with_tls("roles-st.yaml");
    assert_eq!(codes(&run_text(&pump)), vec!["DT-CONF-030"]);
    let claimed = pump.replace(
        "pps: [{id: roles, version: \"1.0\"}]",
        "pps: [{id: roles, version: \"1.0\"}]\n  packages: [{id: tls-pkg, version: '1.0'}]",
    );
    assert_ne!(claimed, pump, "the claim was added");
    let found = run_text(&claimed);
    assert!(!codes(&found).contains(&"DT-CONF-030"), "{}", show(&found));
}
