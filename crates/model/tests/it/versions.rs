//! Several versions of one PP id side by side: claims resolve to the exact version, and
//! `dtsec_model::diff` says what changed between two of them, in a stable order.

use std::path::Path;

use dtsec_model::{Library, diff};

fn library() -> Library {
    let mut lib = Library::with_builtins();
    for name in ["demo-1.0.yaml", "demo-2.0.yaml"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/versions");
        lib.add_yaml_file(&dir.join(name)).expect("fixture loads");
    }
    lib
}

#[test]
fn claims_resolve_to_the_exact_version() {
    let lib = library();
    assert_eq!(lib.versions_of("demo"), vec!["1.0", "2.0"]);
    let v1 = lib.find("demo", "1.0").expect("1.0 is there");
    let v2 = lib.find("demo", "2.0").expect("2.0 is there");
    assert_eq!(v1.document.version.value, "1.0");
    assert_eq!(v2.document.version.value, "2.0");
    assert!(
        lib.find("demo", "2").is_none(),
        "no prefix or numeric matching"
    );
    assert!(lib.find("demo", "3.0").is_none());
    // The built-in 1.0 profile stays reachable whatever else the library holds.
    assert!(lib.find("cdd", "1.0").is_some());
}

#[test]
fn versions_sort_numerically() {
    use dtsec_model::library::compare_versions;
    let mut v = vec!["10.0", "2.0", "1.0", "2.0.1", "1.1"];
    v.sort_by(|a, b| compare_versions(a, b));
    assert_eq!(v, vec!["1.0", "1.1", "2.0", "2.0.1", "10.0"]);
}

#[test]
fn diff_lists_changes_by_section_in_a_stable_order() {
    let lib = library();
    let v1 = &lib.find("demo", "1.0").unwrap().document;
    let v2 = &lib.find("demo", "2.0").unwrap().document;
    let text = diff(v1, v2).to_text();
    let expected = "\
demo 1.0 -> demo 2.0

TOE types:
  - TT.PUMP (Insulin pump)

Device forms:
  + pump (Insulin pump)

Roles:
  + therapy-delivery (Therapy delivery)

Threats:
  ~ T.EAVESDROP
      description changed
  - T.OLD
  + T.SENSOR_SPOOF

TOE objectives:
  ~ O.COMMS
      addresses: +T.SENSOR_SPOOF

SFRs:
  + FAU_GEN.1 (mandatory)
  ~ FTP_ITC.1
      status: optional -> mandatory
      TOE types: -TT.PUMP
      roles: +therapy-delivery
      FTP_ITC.1.3: operation `data`: choices: +therapy settings
      FTP_ITC.1.3: operation `data`: required choices: +[therapy commands, therapy settings] for therapy-delivery

SARs:
  + ALC_DVS.1

Packages, modules and base PPs:
  + package tls 2.1
";
    assert_eq!(text, expected, "\n{text}");
    // The same documents give the same text, and a document compared with itself nothing.
    assert_eq!(diff(v1, v2), diff(v1, v2));
    assert!(diff(v2, v2).is_empty());
    assert!(diff(v2, v2).to_text().contains("no differences"));
}
