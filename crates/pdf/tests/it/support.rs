//! Helpers shared by the test modules: running `pdftotext` and `qpdf` on a document.

use dtsec_pdf::Doc;

/// The text `pdftotext` reads from the document (pages `first..=last` when given), or `None`
/// when `pdftotext` is not installed (the test then says it skipped).
pub fn pdftotext(doc: &Doc, pages: Option<(usize, usize)>) -> Option<String> {
    pdftotext_bytes(&doc.to_pdf(), pages)
}

/// As [`pdftotext`], for PDF bytes.
pub fn pdftotext_bytes(pdf: &[u8], pages: Option<(usize, usize)>) -> Option<String> {
    if !dtsec_testkit::tool("pdftotext", "-v", "poppler-utils") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, pdf).expect("write");
    let mut cmd = std::process::Command::new("pdftotext");
    cmd.arg("-layout");
    if let Some((first, last)) = pages {
        cmd.arg("-f")
            .arg(first.to_string())
            .arg("-l")
            .arg(last.to_string());
    }
    Some(dtsec_testkit::output_of(cmd.arg(&path).arg("-")))
}

/// Runs `qpdf --check` (a structural validator: object graph, xref, streams, fonts) on the
/// bytes; `false` when qpdf is not installed.
pub fn qpdf_check(pdf: &[u8]) -> bool {
    if !dtsec_testkit::tool("qpdf", "--version", "qpdf") {
        return false;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, pdf).expect("write");
    let out =
        dtsec_testkit::output_of(std::process::Command::new("qpdf").arg("--check").arg(&path));
    assert!(out.contains("No syntax or stream encoding errors"), "{out}");
    true
}

/// The PDF as text with every compressed stream inflated, so a test can read content streams.
pub fn expanded(pdf: &[u8]) -> String {
    dtsec_pdf::inspect::expanded(pdf)
}

/// The structure tree with each element's text, as `pdfinfo -struct-text` reads it, or `None`
/// when `pdfinfo` is not installed.
pub fn structure_text(pdf: &[u8]) -> Option<String> {
    if !dtsec_testkit::tool("pdfinfo", "-v", "poppler-utils") {
        return None;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, pdf).expect("write");
    Some(dtsec_testkit::output_of(
        std::process::Command::new("pdfinfo")
            .arg("-struct-text")
            .arg(&path),
    ))
}
