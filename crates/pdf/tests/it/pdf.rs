//! The PDF writer's output: a valid-looking file, the expected number of pages, and text that a
//! PDF reader can extract (checked with `pdftotext` when it is installed), in any script.

use dtsec_pdf::Doc;

fn count_pages(pdf: &[u8]) -> usize {
    let text = String::from_utf8_lossy(pdf);
    // `/Type /Page` also prefixes `/Type /Pages`; count only page objects.
    text.match_indices("/Type /Page")
        .filter(|(i, _)| !text[i + 11..].starts_with('s'))
        .count()
}

fn long_doc() -> Doc {
    let rows: Vec<Vec<String>> = (1..=120)
        .map(|i| {
            vec![
                format!("ADV_FSP.3-{i}"),
                "pass".to_string(),
                format!("Checked interface {i}; the description is complete and accurate, with every parameter and error message named."),
            ]
        })
        .collect();
    Doc::new("Evaluation Technical Report — Test")
        .cover(
            Some("Acme Nimbus Pump"),
            &[("Lab", "Example Lab"), ("Verdict", "PASS")],
        )
        .page_break()
        .heading(1, "1 Summary")
        .paragraph("The quick brown fox jumps over the lazy dog. ".repeat(40))
        .heading(2, "1.1 Verdicts")
        .table(&["Work unit", "Verdict", "Note"], rows)
        .mono("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef  design.pdf")
        .paragraph("Unicode: café – “quoted” ✓ done")
}

#[test]
fn writes_a_paginated_pdf() {
    let doc = long_doc();
    let pdf = doc.to_pdf();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.ends_with(b"%%EOF\n") || pdf.ends_with(b"%%EOF"));
    let pages = count_pages(&pdf);
    assert_eq!(pages, doc.page_count());
    assert!(pages >= 4, "expected several pages, got {pages}");
    let text = String::from_utf8_lossy(&pdf);
    // Embedded subset fonts: a Type 0 font over a CIDFontType2 with a ToUnicode map.
    assert!(text.contains("+DejaVuSans"), "no subset DejaVu Sans");
    assert!(text.contains("/Identity-H"));
    assert!(text.contains("/CIDFontType2"));
    assert!(text.contains("/FontFile2"));
    assert!(text.contains("/ToUnicode"));
    assert!(!text.contains("/Helvetica"));
}

#[test]
fn output_is_deterministic() {
    assert_eq!(long_doc().to_pdf(), long_doc().to_pdf());
}

#[test]
fn an_empty_document_has_one_page() {
    let pdf = Doc::new("empty").to_pdf();
    assert_eq!(count_pages(&pdf), 1);
}

#[test]
fn text_is_extractable() {
    if !dtsec_testkit::tool("pdftotext", "-v", "poppler-utils") {
        return;
    }
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("t.pdf");
    std::fs::write(&path, long_doc().to_pdf()).expect("write");
    let text = dtsec_testkit::output_of(
        std::process::Command::new("pdftotext")
            .arg("-layout")
            .arg(&path)
            .arg("-"),
    );
    for needle in [
        "Evaluation Technical Report",
        "Acme Nimbus Pump",
        "ADV_FSP.3-120",
        "page 1 of",
        "café – “quoted” ✓ done",
        "0123456789abcdef",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    // The header row is repeated on the pages the table continues on.
    assert!(text.matches("Work unit").count() >= 3);
}

#[test]
fn a_grid_is_drawn_as_filled_rectangles_one_per_dark_run() {
    // A checkerboard row and a full row: 2 + 1 dark runs; the empty row draws nothing.
    let cells = vec![
        vec![true, false, true],
        vec![false, false, false],
        vec![true, true, true],
    ];
    let pdf = Doc::new("grid").grid(cells, 12.0, Some("scan me")).to_pdf();
    let text = crate::support::expanded(&pdf);
    let fills = text
        .lines()
        .zip(text.lines().skip(1))
        .filter(|(a, b)| a.ends_with(" re") && *b == "f")
        .count();
    assert_eq!(fills, 3, "{text}");
    // The full row is one 36-point-wide rectangle.
    assert!(text.contains(" 36 12 re"), "{text}");
    // The grid is a figure whose alternative text is its caption.
    assert!(text.contains("/S /Figure"), "{text}");
    assert!(text.contains("/Alt (scan me)"), "{text}");
}
