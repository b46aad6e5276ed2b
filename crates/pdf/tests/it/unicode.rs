//! Text in any script: the embedded fonts draw Latin, Greek, Cyrillic and CJK text that a
//! reader extracts back unchanged; characters no font has are counted replacements.

use dtsec_pdf::Doc;

use crate::support::{pdftotext, qpdf_check};

const NAME: &str = "Łódź 血糖 Pumpe Ω";

fn certificate_like() -> Doc {
    Doc::new(format!("Security certificate for {NAME}"))
        .cover(
            Some("DTSec"),
            &[
                ("Product", NAME),
                ("Hersteller", "Müller & Søn — Ελλάδα, Москва"),
            ],
        )
        .heading(1, "Überblick")
        .paragraph(format!("{NAME} was evaluated. 血糖値 of the TOE: ✓"))
        .table(&["Name", "Wert"], vec![vec![NAME.into(), "Ωμέγα".into()]])
        .mono(format!("sha256:00ff  {NAME}"))
        .paragraph_in(dtsec_pdf::Font::Italic, "Schräg: żółw")
}

#[test]
fn unicode_text_comes_back_from_pdftotext() {
    let doc = certificate_like();
    let rendered = doc.render();
    assert_eq!(rendered.replaced, 0);
    let Some(text) = pdftotext(&doc, None) else {
        return;
    };
    for needle in [
        NAME,
        "Müller & Søn — Ελλάδα, Москва",
        "Überblick",
        "血糖値 of the TOE: ✓",
        "Ωμέγα",
        "sha256:00ff",
        "Schräg: żółw",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    assert!(!text.contains('?'), "a character became '?':\n{text}");
}

#[test]
fn only_the_used_glyphs_are_embedded() {
    let pdf = certificate_like().to_pdf();
    // The bundled fonts are ~5.8 MB; a subset of a few dozen glyphs is a few kilobytes.
    assert!(pdf.len() < 120_000, "{} bytes", pdf.len());
    let text = String::from_utf8_lossy(&pdf);
    assert!(text.contains("+DroidSansFallbackFull"), "no CJK subset");
    assert!(text.contains("+DejaVuSansMono"), "no monospace subset");
}

#[test]
fn characters_no_font_has_become_counted_replacements() {
    // Private-use code points: no bundled font draws them.
    let only_unsupported = "\u{10FFFD}\u{F0000}\u{10FFFD}";
    let doc = Doc::new(only_unsupported)
        .heading(1, only_unsupported)
        .paragraph(only_unsupported)
        .table(&[only_unsupported], vec![vec![only_unsupported.into()]]);
    let rendered = doc.render();
    // Title in the footer, the heading, the paragraph, the header cell, the body cell.
    assert_eq!(rendered.replaced, 15);
    assert!(rendered.bytes.starts_with(b"%PDF-"));
    let Some(text) = pdftotext(&doc, None) else {
        return;
    };
    assert!(text.contains("\u{FFFD}\u{FFFD}\u{FFFD}"), "{text}");
}

#[test]
fn control_characters_and_empty_text_do_not_break_layout() {
    let doc = Doc::new("")
        .heading(1, "")
        .paragraph("\u{0}\u{7}\u{1b}[31m")
        .table(&[], vec![vec![], vec![String::new()]])
        .grid(Vec::new(), 0.0, None);
    let rendered = doc.render();
    assert_eq!(rendered.pages, 1);
    assert_eq!(rendered.replaced, 0);
}

#[test]
fn over_long_text_is_cut_and_says_so() {
    let long = "x".repeat(dtsec_pdf::MAX_TEXT_CHARS + 7);
    let doc = Doc::new("long").paragraph(long);
    let Some(text) = pdftotext(&doc, None) else {
        return;
    };
    assert!(text.contains("7 more characters cut"), "no cut note");
}

#[test]
fn the_unicode_document_passes_qpdf_check() {
    qpdf_check(&certificate_like().to_pdf());
}

#[test]
fn a_flood_of_blocks_is_bounded_and_says_what_was_left_out() {
    // A document filled to its bound exactly (an empty title, 40 texts of the longest length)…
    let text = "y".repeat(dtsec_pdf::MAX_TEXT_CHARS);
    let mut doc = Doc::new("");
    for _ in 0..dtsec_pdf::MAX_DOC_CHARS / dtsec_pdf::MAX_TEXT_CHARS {
        doc = doc.paragraph(text.clone());
    }
    assert_eq!(doc.left_out(), 0);
    // …takes nothing more, not even an empty block.
    let doc = doc.paragraph("z").page_break().heading(1, "");
    assert_eq!(doc.left_out(), 3);

    // A grid past its bound is left out, and the document says so.
    let doc = Doc::new("grid").grid(vec![vec![true; 1024]; 1024], 1.0, None);
    assert_eq!(doc.left_out(), 1);
    let Some(text) = pdftotext(&doc, None) else {
        return;
    };
    assert!(
        text.contains("This document is incomplete"),
        "no note on what was left out:\n{text}"
    );
}
