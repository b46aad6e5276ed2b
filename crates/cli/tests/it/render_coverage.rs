//! `dtsec render` adds the regulatory coverage: the pump ST's FDA Appendix 1 items with their
//! status and SFRs, and the CDD PP 2.0's categories per role; a package gets none.

use crate::common::{repo_file, report, run, s};

fn render(file: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("page.html");
    let o = run(&["render", &repo_file(file), "-o", s(&out)]);
    assert_eq!(o.status.code(), Some(0), "{}", report(&o));
    std::fs::read_to_string(&out).unwrap()
}

/// The section of the page with this id.
fn section<'a>(html: &'a str, id: &str) -> &'a str {
    let start = html
        .find(&format!("<section id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no section {id}"));
    let rest = &html[start..];
    &rest[..rest.find("</section>").unwrap()]
}

#[test]
fn render_of_the_pump_st_lists_its_appendix_1_coverage() {
    let html = render("examples/pump-st.yaml");
    assert!(html.contains("<a href=\"#sec-x-coverage-fda-2026\">Regulatory coverage: FDA premarket guidance, Appendix 1</a>"));
    let sec = section(&html, "sec-x-coverage-fda-2026");
    assert!(sec.contains("<th scope=\"col\">Through SFRs</th>"), "{sec}");
    // Category H (updates) is covered through the pump's trusted-update SFR.
    let h = sec
        .split("<tr>")
        .find(|r| r.starts_with("<th scope=\"row\">H</th>"))
        .unwrap_or_else(|| panic!("no row H in {sec}"));
    assert!(h.contains("<td>covered</td>"), "{h}");
    assert!(h.contains("FPT_TUD_EXT.1"), "{h}");
    // The same coverage the CLI's report derives: C.3 is not covered by the pump as written.
    let c3 = sec
        .split("<tr>")
        .find(|r| r.starts_with("<th scope=\"row\">C.3</th>"))
        .unwrap();
    assert!(c3.contains("<td>not-covered</td>"), "{c3}");
}

#[test]
fn render_of_the_pp_shows_categories_per_role_and_a_package_none() {
    let html = render("crates/model/builtin/cdd-pp-2.0.yaml");
    let sec = section(&html, "sec-x-coverage-fda-2026");
    assert!(
        sec.contains("<th scope=\"col\">therapy-delivery</th>"),
        "{sec}"
    );
    let rows: Vec<&str> = sec
        .split("<tr>")
        .filter(|r| r.starts_with("<th scope=\"row\">"))
        .collect();
    // Categories A–H only, one status per role.
    assert_eq!(rows.len(), 8, "{sec}");
    assert!(rows.iter().all(|r| !r.contains("not-covered")), "{sec}");
    let package = render("crates/model/builtin/cdd-eb-2.0.yaml");
    assert!(!package.contains("sec-x-coverage"));
}
