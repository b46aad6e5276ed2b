//! The `dtsec` binary end to end: exit statuses, output formats, and bad input that must give a
//! clear error and exit 2 — never a panic.

use std::process::{Command, Output};

use crate::common::run as dtsec;

use crate::common::root;

fn fixture(name: &str) -> String {
    root()
        .join("crates/check/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

fn example(name: &str) -> String {
    root().join("examples").join(name).display().to_string()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn assert_clean_failure(out: &Output, code: i32, needle: &str) {
    let all = text(out);
    assert_eq!(out.status.code(), Some(code), "{all}");
    assert!(!all.contains("panicked"), "{all}");
    assert!(all.contains(needle), "expected `{needle}` in:\n{all}");
}

#[test]
fn good_st_exits_zero() {
    let out = dtsec(&[
        "check",
        &fixture("mini-st.yaml"),
        "--pp",
        &fixture("mini-pp.yaml"),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("ok: no findings"));
}

#[test]
fn shipped_examples_pass() {
    let out = dtsec(&["check", &example("pump-st.yaml"), &example("cgm-st.yaml")]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn builtin_pp_and_packages_pass_their_own_check() {
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for name in ["cdd-pp.yaml", "cdd-eb.yaml", "cdd-moderate.yaml"] {
        let src = root().join("crates/model/builtin").join(name);
        let dst = dir.path().join(name);
        std::fs::copy(src, &dst).unwrap();
        files.push(dst.display().to_string());
    }
    let mut args = vec!["check"];
    args.extend(files.iter().map(String::as_str));
    let out = dtsec(&args);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

fn broken_st() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let st = std::fs::read_to_string(fixture("mini-st.yaml"))
        .unwrap()
        .replace("bits: \"256\"", "bits: \"1024\"");
    let path = dir.path().join("bad-st.yaml");
    std::fs::write(&path, st).unwrap();
    let p = path.display().to_string();
    (dir, p)
}

#[test]
fn errors_exit_one_with_position_and_caret() {
    let (_dir, path) = broken_st();
    let out = dtsec(&["check", &path, "--pp", &fixture("mini-pp.yaml")]);
    let all = text(&out);
    assert_eq!(out.status.code(), Some(1), "{all}");
    assert!(all.contains("error[DT-OP-004]"), "{all}");
    assert!(all.contains("bad-st.yaml:39:43"), "{all}");
    assert!(all.contains("^^^^^^"), "{all}");
    assert!(all.contains("= help:"), "{all}");
}

#[test]
fn json_and_sarif_are_machine_readable() {
    let (_dir, path) = broken_st();
    let out = dtsec(&[
        "check",
        &path,
        "--pp",
        &fixture("mini-pp.yaml"),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["diagnostics"][0]["code"], "DT-OP-004");
    assert_eq!(v["diagnostics"][0]["line"], 39);

    let out = dtsec(&[
        "check",
        &path,
        "--pp",
        &fixture("mini-pp.yaml"),
        "--format",
        "sarif",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("sarif");
    assert_eq!(v["version"], "2.1.0");
    let result = &v["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "DT-OP-004");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        39
    );
}

#[test]
fn missing_pp_exits_two() {
    let out = dtsec(&["check", &fixture("mini-st.yaml")]);
    assert_clean_failure(&out, 2, "DT-CONF-001");
}

#[test]
fn bad_inputs_exit_two_without_panicking() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "invalid.yaml",
            b"kind: [security-target\nid: x\n".to_vec(),
            "invalid.yaml:",
        ),
        (
            "types.yaml",
            b"kind: security-target\nid: x\nversion: '1'\ntitle: T\nsfrs: {a: 1}\n".to_vec(),
            "types.yaml:5:",
        ),
        (
            "unknown-field.yaml",
            b"kind: security-target\nid: x\nversion: '1'\ntitle: T\nsfr: []\n".to_vec(),
            "unknown field `sfr`",
        ),
        (
            "garbage.bin",
            (0..20_000u32)
                .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
                .collect(),
            "garbage.bin",
        ),
        (
            "deep.yaml",
            format!("kind: {}{}", "[".repeat(10_000), "]".repeat(10_000)).into_bytes(),
            "deep.yaml:",
        ),
        ("empty.yaml", Vec::new(), "empty.yaml"),
    ];
    for (name, bytes, needle) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = dtsec(&["check", &path.display().to_string()]);
        assert_clean_failure(&out, 2, needle);
    }
}

#[test]
fn fifty_megabyte_file_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.yaml");
    let mut body = String::from("kind: security-target\nnotes:\n");
    while body.len() < 50 * 1024 * 1024 {
        body.push_str("  - a note that repeats to make a very large document\n");
    }
    std::fs::write(&path, body).unwrap();
    let out = dtsec(&["check", &path.display().to_string()]);
    assert_clean_failure(&out, 2, "limit");
}

#[test]
fn missing_file_exits_two() {
    let out = dtsec(&["check", "/nonexistent/st.yaml"]);
    assert_clean_failure(&out, 2, "cannot read /nonexistent/st.yaml");
}

#[test]
fn explain_knows_every_code_and_refuses_unknown_ones() {
    let out = dtsec(&["explain"]);
    assert_eq!(out.status.code(), Some(0));
    let listing = String::from_utf8_lossy(&out.stdout).into_owned();
    for rule in dtsec_check_codes(&listing) {
        let out = dtsec(&["explain", &rule]);
        assert_eq!(out.status.code(), Some(0), "{rule}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("### Fix"));
    }
    assert_clean_failure(
        &dtsec(&["explain", "DT-NOPE-999"]),
        2,
        "unknown diagnostic code",
    );
}

fn dtsec_check_codes(listing: &str) -> Vec<String> {
    listing
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect()
}

#[test]
fn schema_is_json_schema() {
    let out = dtsec(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert!(
        v["$schema"]
            .as_str()
            .unwrap_or("")
            .contains("json-schema.org")
    );
    assert!(v["properties"]["sfrs"].is_object());
}

#[test]
fn catalog_show_and_list() {
    let out = dtsec(&["catalog", "show", "FCS_COP.1"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("Cryptographic operation"));
    assert!(t.contains("FCS_COP.1.1"));
    let out = dtsec(&["catalog", "list", "--class", "FCS"]);
    let t = text(&out);
    assert!(t.lines().all(|l| l.starts_with("FCS_")), "{t}");
    assert_clean_failure(
        &dtsec(&["catalog", "show", "FXX_NOPE.1"]),
        2,
        "not a component",
    );
    let out = dtsec(&["catalog", "show", "AVA_VAN.3"]);
    assert!(text(&out).contains("AVA_VAN.3-1"));
}

#[test]
fn pp_list_and_show() {
    let out = dtsec(&["pp", "list"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("cdd "), "{t}");
    assert!(t.contains("cdd-eb"), "{t}");
    assert!(t.contains("cdd-moderate"), "{t}");
    let out = dtsec(&["pp", "show", "cdd"]);
    let t = text(&out);
    assert!(t.contains("T.NETWORK_ATTACK"), "{t}");
    assert!(t.contains("FPT_TUD_EXT.1"), "{t}");
}

#[test]
fn render_writes_a_whole_html_file() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("pump.html");
    let out = dtsec(&[
        "render",
        &example("pump-st.yaml"),
        "-o",
        &out_path.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let html = std::fs::read_to_string(&out_path).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.trim_end().ends_with("</html>"));
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

fn niap_fixture(name: &str) -> String {
    root()
        .join("crates/niap/tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn import_writes_yaml_that_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("tls.yaml");
    let out = dtsec(&[
        "import",
        &niap_fixture("tls-excerpt.xml"),
        "-o",
        &out_path.display().to_string(),
    ]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(0), "{t}");
    assert!(t.contains("f-components"), "{t}");
    let yaml = std::fs::read_to_string(&out_path).unwrap();
    let source = dtsec_model::SourceFile::new("tls.yaml", yaml);
    let doc = dtsec_model::parse_document(&source).expect("imported YAML parses");
    assert!(!doc.sfrs.is_empty());
}

#[test]
fn check_and_render_take_niap_xml_directly() {
    // Claims name packages by repository (`tls`); the importer names a file by its stem.
    let pkgs = tempfile::tempdir().unwrap();
    std::fs::copy(niap_fixture("tls-excerpt.xml"), pkgs.path().join("tls.xml")).unwrap();
    let out = dtsec(&[
        "check",
        &niap_fixture("mini-pp.xml"),
        "--pp-path",
        &pkgs.path().display().to_string(),
    ]);
    let t = text(&out);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{t}");
    assert!(!t.contains("panicked"), "{t}");
    let dir = tempfile::tempdir().unwrap();
    let html = dir.path().join("mini.html");
    let out = dtsec(&[
        "render",
        &niap_fixture("mini-pp.xml"),
        "--pp-path",
        &pkgs.path().display().to_string(),
        "-o",
        &html.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(std::fs::read_to_string(&html).unwrap().contains("<h1"));
}

#[test]
fn hostile_xml_is_refused_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("laughs.xml");
    std::fs::write(
        &path,
        "<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol \"lol\"><!ENTITY lol2 \"&lol;&lol;&lol;\">]>\n<PP xmlns=\"https://niap-ccevs.org/cc/v1\">&lol2;</PP>\n",
    )
    .unwrap();
    let out = dtsec(&["check", &path.display().to_string()]);
    assert_clean_failure(&out, 2, "laughs.xml");
    let out = dtsec(&["import", &path.display().to_string()]);
    assert_clean_failure(&out, 2, "DOCTYPE");
}

#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::{BufRead, BufReader};
    let mut child = Command::new(env!("CARGO_BIN_EXE_dtsec"))
        .args(["catalog", "list"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // The reader is dropped here, closing the pipe, like `dtsec catalog list | head -1`.
    let out = child.wait_with_output().unwrap();
    assert!(!first.is_empty());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}
