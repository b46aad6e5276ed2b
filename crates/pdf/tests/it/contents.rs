//! The table of contents: one entry per heading, with the page the heading is on.

use dtsec_pdf::Doc;

use crate::support::pdftotext_bytes;

fn long() -> Doc {
    let mut doc = Doc::new("Report")
        .heading(1, "Before the contents")
        .warning("Warning: 2 units passed without evidence", "See section 3.")
        .contents("Contents", 2);
    for i in 1..=6 {
        doc = doc
            .heading(1, format!("{i} Section {i}"))
            .paragraph("Words and more words. ".repeat(200))
            .heading(2, format!("{i}.1 Detail {i}"))
            .paragraph("Detail text. ".repeat(100))
            .heading(3, format!("{i}.1.1 Not listed {i}"));
    }
    doc
}

/// The page number printed after `entry` in the contents.
fn printed_page(contents: &str, entry: &str) -> usize {
    let line = contents
        .lines()
        .find(|l| l.trim_start().starts_with(entry))
        .unwrap_or_else(|| panic!("no entry {entry:?} in:\n{contents}"));
    line.split_whitespace()
        .last()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no page number in {line:?}"))
}

#[test]
fn entries_name_the_page_their_heading_is_on() {
    let doc = long();
    let rendered = doc.render();
    assert!(rendered.pages >= 6, "{}", rendered.pages);
    let Some(first) = pdftotext_bytes(&rendered.bytes, Some((1, 1))) else {
        return;
    };
    assert!(first.contains("Warning: 2 units passed without evidence"));
    assert!(first.contains("Contents"));
    assert!(
        !first.contains("Not listed"),
        "level 3 is below the contents' depth"
    );
    for i in 1..=6 {
        for entry in [format!("{i} Section {i}"), format!("{i}.1 Detail {i}")] {
            let page = printed_page(&first, &entry);
            let text = pdftotext_bytes(&rendered.bytes, Some((page, page))).unwrap_or_default();
            let heading_line = text.lines().filter(|l| l.trim() == entry).count();
            assert_eq!(heading_line, 1, "{entry:?} is not on page {page}:\n{text}");
        }
    }
}

#[test]
fn headings_are_the_outline() {
    let pdf = long().to_pdf();
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("/Outlines"));
    assert!(text.contains("/Title (3 Section 3)"));
    assert!(text.contains("/Title (3.1.1 Not listed 3)"));
    assert!(text.contains("/S /TOC"));
    assert!(text.contains("/S /TOCI"));
}
