//! `dtsec pp diff ID@V1 ID@V2`: two versions of one PP side by side, compared by the binary.

use std::path::Path;

use crate::common::run as dtsec;

fn versions_dir() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../model/tests/fixtures/versions")
        .display()
        .to_string()
}

#[test]
fn diff_of_two_versions_exits_zero_with_readable_text() {
    let dir = versions_dir();
    let out = dtsec(&["pp", "diff", "demo@1.0", "demo@2.0", "--pp-path", &dir]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    assert!(stdout.starts_with("demo 1.0 -> demo 2.0\n"), "{stdout}");
    assert!(stdout.contains("Threats:\n"), "{stdout}");
    assert!(stdout.contains("  + T.SENSOR_SPOOF\n"), "{stdout}");
    assert!(
        stdout.contains("      status: optional -> mandatory\n"),
        "{stdout}"
    );
    // Run twice, same bytes: the order is stable.
    let again = dtsec(&["pp", "diff", "demo@1.0", "demo@2.0", "--pp-path", &dir]);
    assert_eq!(out.stdout, again.stdout);
}

#[test]
fn diff_of_a_missing_version_names_the_available_ones() {
    let dir = versions_dir();
    let out = dtsec(&["pp", "diff", "demo@1.0", "demo@3.0", "--pp-path", &dir]);
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(2), "{all}");
    assert!(all.contains("1.0, 2.0"), "{all}");
    let bad = dtsec(&["pp", "diff", "demo", "demo@2.0", "--pp-path", &dir]);
    assert_eq!(bad.status.code(), Some(2));
}
