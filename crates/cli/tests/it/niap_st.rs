//! NIAP-format Security Targets against NIAP PPs (issue 3, item 4): the `*Success*` files of
//! `../shared/niap/st/` pass, each `*Failure*` file is rejected with a diagnostic naming what is
//! wrong, and `WebBrowser.xml` (whose PPs are not in `../shared`) names the missing documents.
//! Through the library API (reader + checker) and through the `dtsec` binary. Skipped, with a
//! message, when `../shared` is absent; the repo's own fixture is always checked.

use std::path::{Path, PathBuf};
use std::process::Command;

use dtsec_check::{CheckInput, Diagnostic, check, is_input_unusable};
use dtsec_model::{Library, SourceFile};

fn shared() -> Option<PathBuf> {
    let dir = dtsec_testkit::shared("niap")?;
    assert!(
        dir.join("st").is_dir() && dir.join("pp-for-st").is_dir(),
        "{} lacks st/ or pp-for-st/",
        dir.display()
    );
    Some(dir)
}

fn load(path: &Path) -> (SourceFile, dtsec_model::Document) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{e}"));
    let name = path.display().to_string();
    let imported = dtsec_niap::read_document(&text, &name).unwrap_or_else(|e| panic!("{e}"));
    (SourceFile::new(name, text), imported.document)
}

fn library(dir: &Path) -> Library {
    let mut lib = Library::with_builtins();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("reads")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    for path in files {
        let (source, document) = load(&path);
        lib.add_file(path, source, document);
    }
    lib
}

fn check_st(lib: &Library, path: &Path) -> Vec<Diagnostic> {
    let (source, document) = load(path);
    check(CheckInput {
        source: &source,
        document: &document,
        library: lib,
    })
}

fn errors(diags: &[Diagnostic]) -> Vec<&Diagnostic> {
    diags.iter().filter(|d| d.is_error()).collect()
}

fn has(diags: &[Diagnostic], code: &str, needle: &str) -> bool {
    diags
        .iter()
        .any(|d| d.code == code && d.is_error() && d.message.contains(needle))
}

#[test]
fn success_files_have_no_errors() {
    let Some(dir) = shared() else { return };
    let lib = library(&dir.join("pp-for-st"));
    for name in ["GPOS_Success1.xml", "GPOS_Module_Success1.xml"] {
        let diags = check_st(&lib, &dir.join("st").join(name));
        let errs = errors(&diags);
        assert!(errs.is_empty(), "{name}: {errs:#?}");
    }
    // What NIAP's own example does loosely is said, as warnings.
    let s1 = check_st(&lib, &dir.join("st/GPOS_Success1.xml"));
    assert!(
        s1.iter()
            .any(|d| d.code == "DT-NIAP-003" && d.message.contains("s-provides-vpnclient"))
    );
    assert!(
        s1.iter()
            .any(|d| d.code == "DT-NIAP-005" && d.message.contains("FCS_DTLSS_EXT.2"))
    );
    // The VPN client module is not available: said, and its section skipped.
    let m1 = check_st(&lib, &dir.join("st/GPOS_Module_Success1.xml"));
    assert!(
        m1.iter()
            .any(|d| d.code == "DT-NIAP-001" && d.message.contains("vpnclient"))
    );
}

#[test]
fn failure_files_are_rejected_for_what_they_break() {
    let Some(dir) = shared() else { return };
    let lib = library(&dir.join("pp-for-st"));
    let st = |name: &str| check_st(&lib, &dir.join("st").join(name));

    // The SSH package is required by keeping s-uau-ssh, and not claimed.
    let nossh = st("GPOS_Failure_nossh.xml");
    let errs = errors(&nossh);
    assert_eq!(errs.len(), 1, "{errs:#?}");
    assert!(has(&nossh, "DT-NIAP-002", "s-uau-ssh"), "{errs:#?}");
    assert!(has(&nossh, "DT-NIAP-002", "ssh 1.0"), "{errs:#?}");

    // Written for OS 4.3, claims OS 4.2.1: selectables 4.2.1 lacks, mandatory SFRs missing.
    for name in ["GPOS_Failure2.xml", "GPOS_Failure3.xml"] {
        let d = st(name);
        assert!(
            has(&d, "DT-OP-002", "`s-keygen-rsa` is not a selectable"),
            "{name}"
        );
        assert!(has(&d, "DT-OP-002", "`s-ftp_ssh`"), "{name}");
        assert_eq!(
            d.iter().filter(|x| x.code == "DT-OP-002").count(),
            13,
            "{name}"
        );
        assert!(has(&d, "DT-CONF-002", "mandatory SFR FCS_CKM.2"), "{name}");
        assert!(has(&d, "DT-CONF-002", "FAU_GEN.1"), "{name}");
        assert!(!d.iter().any(is_input_unusable), "{name}");
    }

    // The base-pp is the TLS package, and the TLS section keeps exclusive choices with others.
    let f1 = st("GPOS_Failure1.xml");
    assert!(has(&f1, "DT-CONF-011", "is a functional package, not a PP"));
    assert!(has(&f1, "DT-OP-003", "excludes every other choice"));
    assert_eq!(f1.iter().filter(|x| x.code == "DT-OP-003").count(), 17);
    assert!(has(
        &f1,
        "DT-CONF-005",
        "FCS_CKM.1 is not defined in tls 1.1"
    ));
}

#[test]
fn web_browser_names_the_missing_documents() {
    let Some(dir) = shared() else { return };
    let lib = library(&dir.join("pp-for-st"));
    let d = check_st(&lib, &dir.join("st/WebBrowser.xml"));
    assert!(d.iter().any(is_input_unusable));
    assert!(has(&d, "DT-CONF-001", "`application` version `1.4`"));
    assert!(has(&d, "DT-CONF-001", "`webbrowser` version `master`"));
    assert!(has(
        &d,
        "DT-CONF-001",
        "https://github.com/commoncriteria/webbrowser"
    ));
}

fn dtsec(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(args)
        .env_remove("DTSEC_PP_PATH")
        .env("NO_COLOR", "1")
        .output()
        .expect("runs dtsec");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn binary_exit_codes_on_the_corpus() {
    let Some(dir) = shared() else { return };
    let pp = dir.join("pp-for-st").display().to_string();
    let cases = [
        ("GPOS_Success1.xml", 0, "warning"),
        ("GPOS_Module_Success1.xml", 0, "DT-NIAP-001"),
        ("GPOS_Failure_nossh.xml", 1, "DT-NIAP-002"),
        ("GPOS_Failure1.xml", 1, "DT-CONF-011"),
        ("GPOS_Failure2.xml", 1, "DT-OP-002"),
        ("GPOS_Failure3.xml", 1, "DT-CONF-002"),
        ("WebBrowser.xml", 2, "DT-CONF-001"),
    ];
    for (name, code, needle) in cases {
        let st = dir.join("st").join(name).display().to_string();
        let (got, text) = dtsec(&["check", &st, "--pp-path", &pp, "--color", "never"]);
        assert_eq!(got, code, "{name}:\n{text}");
        assert!(text.contains(needle), "{name}: no {needle} in\n{text}");
    }
    // --pp with single files works as well as --pp-path.
    let files: Vec<String> = ["operatingsystem-4.3.xml", "tls-1.1.xml"]
        .iter()
        .map(|f| dir.join("pp-for-st").join(f).display().to_string())
        .collect();
    let st = dir.join("st/GPOS_Failure_nossh.xml").display().to_string();
    let (got, text) = dtsec(&["check", &st, "--pp", &files[0], "--pp", &files[1]]);
    assert_eq!(got, 1, "{text}");
    assert!(text.contains("requires the package `ssh 1.0`"), "{text}");
}

#[test]
fn repo_fixture_checks_without_shared() {
    // The cut-down ST claims documents that are not in a plain clone: it is read and the missing
    // documents are named (exit 2), never a crash.
    let st = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../niap/tests/fixtures/st-mini.xml")
        .display()
        .to_string();
    let (got, text) = dtsec(&["check", &st]);
    assert_eq!(got, 2, "{text}");
    assert!(text.contains("`operatingsystem` version `4.3`"), "{text}");
}

/// `dtsec export --niap` writes a NIAP ST back as `<st>` XML that `dtsec check` judges like the
/// original: the same findings (code and message) for every corpus ST, and through the binary
/// the same exit status for the repo's fixture.
#[test]
fn exported_sts_check_like_the_originals() {
    let st = Path::new(env!("CARGO_MANIFEST_DIR")).join("../niap/tests/fixtures/st-mini.xml");
    let out = std::env::temp_dir().join(format!("dtsec-st-export-{}.xml", std::process::id()));
    let (got, text) = dtsec(&[
        "export",
        "--niap",
        &st.display().to_string(),
        "-o",
        &out.display().to_string(),
    ]);
    assert_eq!(got, 0, "{text}");
    let written = std::fs::read_to_string(&out).expect("export written");
    assert!(
        written.contains("<st xmlns=\"https://niap-ccevs.org/cc/v1\""),
        "{written}"
    );
    let (got, text) = dtsec(&["check", &out.display().to_string()]);
    std::fs::remove_file(&out).ok();
    assert_eq!(got, 2, "{text}");
    assert!(text.contains("`operatingsystem` version `4.3`"), "{text}");

    let Some(dir) = shared() else { return };
    let lib = library(&dir.join("pp-for-st"));
    let findings = |diags: Vec<Diagnostic>| {
        let mut v: Vec<(String, String)> = diags
            .into_iter()
            .map(|d| (d.code.to_string(), d.message))
            .collect();
        v.sort();
        v
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir.join("st"))
        .expect("reads")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "xml"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 7);
    for path in files {
        let name = path.display().to_string();
        let original = findings(check_st(&lib, &path));
        let (_, document) = load(&path);
        let xml = dtsec_niap::export(&document).unwrap_or_else(|e| panic!("{name}: {e}"));
        let again = dtsec_niap::read_document(&xml, &name).unwrap_or_else(|e| panic!("{e}"));
        let source = SourceFile::new(name.clone(), xml);
        let exported = findings(check(CheckInput {
            source: &source,
            document: &again.document,
            library: &lib,
        }));
        assert!(!original.is_empty(), "{name}: every corpus ST has findings");
        assert_eq!(original, exported, "{name}");
    }
}

/// A NIAP Technical Decisions file given to `dtsec check` is unusable input (exit 2) with an
/// error naming the file, its position and the decisions, and a help line saying what to do.
#[test]
fn technical_decisions_file_is_refused_clearly() {
    let path = std::env::temp_dir().join(format!("dtsec-tds-{}.xml", std::process::id()));
    std::fs::write(
        &path,
        r#"<technical-decisions xmlns="https://niap-ccevs.org/cc/v1">
  <decision url="https://example.invalid/td/601" id="601" date="2021-01-01">
    <Issue_Description/><Resolution/><Justification/><Other_References/>
    <Protection_Profiles><Protection_Profile name="Application Software" max-inclusive="1.4">
      <replace><xpath-specified xpath="//x" reuse-ref="a"/></replace>
    </Protection_Profile></Protection_Profiles>
  </decision>
</technical-decisions>
"#,
    )
    .expect("writes");
    let file = path.display().to_string();
    let (got, text) = dtsec(&["check", &file]);
    std::fs::remove_file(&path).ok();
    assert_eq!(got, 2, "{text}");
    assert!(
        text.contains(&format!(
            "{file}:1:1: a NIAP Technical Decisions file (1 decision: TD601; for Application Software up to 1.4)"
        )),
        "{text}"
    );
    assert!(
        text.contains("help: use the release of the PP that incorporates"),
        "{text}"
    );
}
