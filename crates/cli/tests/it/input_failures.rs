//! Inputs that cannot be read (issue 11): JSON and SARIF report the failure (a CI job must not
//! go green), special files are refused quickly, `dtsec import` of YAML says which command
//! takes it, and bidi controls never reach the terminal. `dtsec import` reads NIAP XML as
//! `dtsec check` does, so the YAML it writes checks the same.

use std::path::Path;
use std::process::Output;

use crate::common::run as dtsec;

fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

#[test]
fn json_of_an_unreadable_file_counts_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, "kind: security-target\nid: !!binary c3Q=\n").unwrap();
    for path in ["/nonexistent/st.yaml", &bad.display().to_string()] {
        let out = dtsec(&["check", "--format", "json", path]);
        assert_eq!(out.status.code(), Some(2));
        let v = json(&out);
        assert_eq!(v["summary"]["errors"], 1, "{v}");
        assert_eq!(v["diagnostics"][0]["code"], "DT-DOC-015", "{v}");
    }
    let v = json(&dtsec(&[
        "check",
        "--format",
        "json",
        &bad.display().to_string(),
    ]));
    assert_eq!(v["diagnostics"][0]["line"], 2, "{v}");
}

#[test]
fn sarif_of_an_unreadable_file_is_an_unsuccessful_execution() {
    let out = dtsec(&["check", "--format", "sarif", "/nonexistent/st.yaml"]);
    assert_eq!(out.status.code(), Some(2));
    let v = json(&out);
    let inv = &v["runs"][0]["invocations"][0];
    assert_eq!(inv["executionSuccessful"], false, "{v}");
    assert_eq!(
        inv["toolExecutionNotifications"][0]["level"], "error",
        "{v}"
    );
    assert_eq!(v["runs"][0]["results"][0]["ruleId"], "DT-DOC-015", "{v}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let ok = json(&dtsec(&[
        "check",
        "--format",
        "sarif",
        &root.display().to_string(),
    ]));
    assert_eq!(ok["runs"][0]["invocations"][0]["executionSuccessful"], true);
}

#[cfg(unix)]
#[test]
fn special_files_are_refused_quickly_by_every_reader() {
    let started = std::time::Instant::now();
    for args in [
        vec!["check", "/dev/zero"],
        vec!["import", "/dev/zero"],
        vec!["verify", "/dev/zero"],
        vec!["render", "--output", "/nonexistent/out.html", "/dev/zero"],
    ] {
        let out = dtsec(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
    }
    assert!(started.elapsed().as_secs() < 30);
}

/// The inputs an attacker found quadratic in the XML reader (issue 17): one element with 60,000
/// attributes, and 60,000 distinct `xmlns:` declarations. `check` and `import` refuse them by the
/// pre-parse scan's bounds, naming the bound; `verify --integrity-only` (past the check that a key
/// is given) reads JSON and refuses them as not a sealed document. Each run must end well within
/// what a linear reader needs.
#[test]
fn quadratic_xml_is_refused_quickly_by_check_import_and_verify() {
    const NS: &str = "https://niap-ccevs.org/cc/v1";
    let dir = tempfile::tempdir().unwrap();
    let mut attrs = format!("<PP xmlns=\"{NS}\">\n<x");
    for i in 0..60_000 {
        attrs.push_str(&format!(" a{i}=\"\""));
    }
    attrs.push_str("/>\n</PP>\n");
    let mut namespaces = format!("<PP xmlns=\"{NS}\">");
    for i in 0..60_000 {
        namespaces.push_str(&format!("\n<x xmlns:p{i}=\"urn:n{i}\"/>"));
    }
    namespaces.push_str("\n</PP>\n");
    for (name, xml, says) in [
        ("attrs.xml", attrs, "more than 64 attributes"),
        (
            "ns.xml",
            namespaces,
            "more than 64 distinct namespace declarations",
        ),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, xml).unwrap();
        let file = path.display().to_string();
        for args in [
            vec!["check", file.as_str()],
            vec!["import", file.as_str()],
            vec!["verify", "--integrity-only", file.as_str()],
        ] {
            let started = std::time::Instant::now();
            let out = dtsec(&args);
            let elapsed = started.elapsed();
            let all = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert_eq!(out.status.code(), Some(2), "{args:?}: {all}");
            let expected = if args[0] == "verify" {
                "malformed sealed document"
            } else {
                says
            };
            assert!(all.contains(expected), "{args:?}: {all}");
            assert!(elapsed.as_secs() < 10, "{args:?} took {elapsed:?}");
        }
    }
}

/// A symbolic link to `/dev/zero` is followed to the device it names and refused as not a
/// regular file, before a byte is read, by every command that reads a document.
#[cfg(unix)]
#[test]
fn a_symlink_to_dev_zero_is_refused_quickly_by_check_import_and_verify() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("st.yaml");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let file = link.display().to_string();
    let started = std::time::Instant::now();
    for args in [
        vec!["check", file.as_str()],
        vec!["import", file.as_str()],
        vec!["verify", file.as_str()],
        vec!["verify", "--integrity-only", file.as_str()],
    ] {
        let out = dtsec(&args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
    }
    assert!(started.elapsed().as_secs() < 30);
}

#[test]
fn import_of_yaml_names_the_commands_that_take_it() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/pump-st.yaml");
    let out = dtsec(&["import", &root.display().to_string()]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("is a YAML document") && err.contains("dtsec check"),
        "{err}"
    );
    assert!(!err.contains("truncated"), "{err}");
}

#[test]
fn bidi_controls_are_escaped_in_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bidi.yaml");
    std::fs::write(
        &path,
        "kind: security-target\nid: a\nid: \"b\u{202E}c\"\nx\u{202E}y: 1\n",
    )
    .unwrap();
    let out = dtsec(&["check", &path.display().to_string()]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!all.contains('\u{202E}'), "{all}");
}

#[test]
fn import_keeps_the_niap_conformance_data_check_uses() {
    let xml = Path::new(env!("CARGO_MANIFEST_DIR")).join("../niap/tests/fixtures/mini-pp.xml");
    let dir = tempfile::tempdir().unwrap();
    let yaml = dir.path().join("mini.yaml");
    let out = dtsec(&[
        "import",
        &xml.display().to_string(),
        "-o",
        &yaml.display().to_string(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&yaml).unwrap();
    assert!(
        text.contains("niap:") && text.contains("conditions:"),
        "{text}"
    );
    let codes = |path: &str| {
        let v = json(&dtsec(&["check", "--format", "json", path]));
        let mut c: Vec<String> = v["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .collect();
        c.sort();
        c
    };
    assert_eq!(
        codes(&xml.display().to_string()),
        codes(&yaml.display().to_string())
    );
}
