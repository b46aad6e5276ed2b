//! `dtsec render` of a PP-Module whose base PPs are not all available: the module is rendered
//! from what it has, the missing base PP named in the page and in a warning (issue 11); an ST
//! without its claimed PP still stops.

use crate::common::{repo_file, report, run, s};

fn niap_fixture(name: &str) -> String {
    repo_file(&format!("crates/niap/tests/fixtures/{name}"))
}

#[test]
fn a_module_renders_without_its_missing_base_pp() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("module.html");
    // One base PP (mini-pp 1.0) is given, the other (operatingsystem, no version) is not.
    let out = run(&[
        "render",
        &niap_fixture("module-alt-bases.xml"),
        "--pp",
        &niap_fixture("mini-pp.xml"),
        "-o",
        s(&html),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("warning:")
            && stderr.contains("base PP `operatingsystem` is not available")
            && stderr.contains("module-alt-bases.xml:53:"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("`mini-pp`"),
        "the given base PP is found: {stderr}"
    );
    let page = std::fs::read_to_string(&html).expect("page written");
    // The module's own content is there.
    assert!(page.contains("PP-Module for Bluetooth (excerpt)"), "title");
    assert!(page.contains("FIA_BLT_EXT.1"), "the module's SFR");
    // Both base PPs are named; the missing one is marked, the present one has its title.
    let bases = page
        .split("Base Protection Profiles of this PP-Module")
        .nth(1)
        .and_then(|t| t.split("</table>").next())
        .expect("a table of base PPs");
    assert!(bases.contains("<code>operatingsystem</code>"), "{bases}");
    assert!(bases.contains("not available to the renderer"), "{bases}");
    assert!(bases.contains("<code>mini-pp</code>"), "{bases}");
    assert!(bases.contains("Mini PP for tests"), "{bases}");
    assert_eq!(bases.matches("not available").count(), 1, "{bases}");
}

#[test]
fn a_module_renders_with_no_base_pp_at_all() {
    let dir = tempfile::tempdir().expect("tempdir");
    let html = dir.path().join("module.html");
    let out = run(&[
        "render",
        &niap_fixture("module-alt-bases.xml"),
        "-o",
        s(&html),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", report(&out));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.matches("is not available").count(), 2, "{stderr}");
    assert!(
        stderr.contains("base PP `mini-pp` version `1.0`"),
        "{stderr}"
    );
    let page = std::fs::read_to_string(&html).expect("page written");
    assert_eq!(page.matches("not available to the renderer").count(), 2);
    assert!(page.contains("FIA_BLT_EXT.1"));
}

#[test]
fn an_st_without_its_claimed_pp_still_stops() {
    let dir = tempfile::tempdir().expect("tempdir");
    let st = dir.path().join("st.yaml");
    std::fs::write(
        &st,
        "kind: security-target\nid: st\nversion: '1'\ntitle: ST\n\
         conformance:\n  pps:\n    - {id: no-such-pp, version: '1.0'}\n",
    )
    .expect("write ST");
    let html = dir.path().join("st.html");
    let out = run(&["render", s(&st), "-o", s(&html)]);
    assert_eq!(out.status.code(), Some(2), "{}", report(&out));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`no-such-pp` version `1.0` was not found"),
        "{}",
        report(&out)
    );
    assert!(!html.exists());
}
