//! The ETR as a PDF: a table of contents whose page numbers are right, and a warning that
//! cannot be missed when work units passed with no evidence recorded (issue 12, "PDFs").

use crate::common;

use dtsec_eval::records::Verdict;
use dtsec_eval::{RecordRequest, report};

/// A pump evaluation where every unit passed, the first `bare` of them citing no evidence.
fn evaluated(dir: &std::path::Path, bare: usize) -> dtsec_eval::workspace::State {
    let ws = common::init_pump(&dir.join("ws"));
    let design = common::add_evidence(&ws, dir, "design.pdf", b"%PDF-1.7 design");
    let plan = ws.plan().expect("plan");
    let reqs: Vec<RecordRequest> = plan
        .units()
        .enumerate()
        .map(|(i, u)| RecordRequest {
            unit: u.unit.id.clone(),
            verdict: Some(Verdict::Pass),
            by: common::EVALUATORS[0].to_string(),
            evidence: if i < bare {
                Vec::new()
            } else {
                vec![design.clone()]
            },
            note: None,
            observations: Vec::new(),
        })
        .collect();
    ws.record_many(&reqs).expect("records written");
    ws.load().expect("state")
}

fn pdftotext(pdf: &[u8], page: Option<usize>) -> Option<String> {
    if !dtsec_testkit::tool("pdftotext", "-v", "poppler-utils") {
        return None;
    }
    let dir = tempfile::tempdir().expect("tmp");
    let path = dir.path().join("etr.pdf");
    std::fs::write(&path, pdf).expect("write");
    let mut cmd = std::process::Command::new("pdftotext");
    cmd.arg("-layout");
    if let Some(p) = page {
        cmd.args(["-f", &p.to_string(), "-l", &p.to_string()]);
    }
    Some(dtsec_testkit::output_of(cmd.arg(&path).arg("-")))
}

#[test]
fn a_unit_passed_without_evidence_is_warned_about_on_the_cover_and_at_the_unit() {
    let tmp = tempfile::tempdir().expect("tmp");
    let state = evaluated(tmp.path(), 1);
    let first = state.plan.units().next().expect("a unit").unit.id.clone();

    let html = report::report_html(&state);
    assert!(
        html.contains("Warning: 1 work unit passed with no evidence recorded"),
        "no warning in the HTML"
    );
    assert!(html.contains("WARNING: passed with no evidence recorded"));

    let pdf = report::report_pdf(&state);
    if let Ok(dump) = std::env::var("DTSEC_DUMP_ETR_PDF") {
        std::fs::write(dump, &pdf).expect("dump");
    }
    let Some(cover) = pdftotext(&pdf, Some(1)) else {
        return;
    };
    assert!(
        cover.contains("Warning: 1 work unit passed with no evidence recorded"),
        "the cover page lacks the warning:\n{cover}"
    );
    assert!(cover.contains(&first), "the warning does not name {first}");
    let all = pdftotext(&pdf, None).unwrap_or_default();
    // The row says it (its cell wraps, so only the start is on one line).
    let row = all
        .lines()
        .find(|l| l.trim_start().starts_with(&first) && l.contains("pass"))
        .unwrap_or_else(|| panic!("no row for {first}"));
    assert!(
        row.contains("WARNING: passed with no"),
        "no row mark: {row}"
    );
    // And the component's table is followed by its own warning.
    assert!(
        all.contains("Warning: 1 work unit of"),
        "no component warning"
    );
}

#[test]
fn the_table_of_contents_names_the_page_of_each_section() {
    let tmp = tempfile::tempdir().expect("tmp");
    let state = evaluated(tmp.path(), 0);
    let pdf = report::report_pdf(&state);
    let Some(all) = pdftotext(&pdf, None) else {
        return;
    };
    assert!(!all.contains("no evidence recorded"), "a false warning");
    // The contents are on page 2, after the cover.
    let contents = pdftotext(&pdf, Some(2)).unwrap_or_default();
    assert!(contents.contains("Contents"), "{contents}");
    for section in [
        "1 TOE and ST identification",
        "3 Verdicts per class, component and work unit",
        "7 Evidence manifest",
        "8 Record history",
    ] {
        let line = contents
            .lines()
            .find(|l| l.trim_start().starts_with(section))
            .unwrap_or_else(|| panic!("{section:?} is not in the contents:\n{contents}"));
        let page: usize = line
            .split_whitespace()
            .last()
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no page number in {line:?}"));
        let text = pdftotext(&pdf, Some(page)).unwrap_or_default();
        assert!(
            text.lines().any(|l| l.trim() == section),
            "{section:?} is not on page {page}"
        );
    }
}
