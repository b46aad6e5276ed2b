//! Tagged PDF: a structure tree tied to the page content by marked-content identifiers, the
//! document's language and title, and decoration marked as artifacts.

use dtsec_pdf::Doc;

use crate::support::{qpdf_check, structure_text};

fn doc() -> Doc {
    Doc::new("Tagged title")
        .cover(Some("sub"), &[("Key", "Value")])
        .heading(1, "One")
        .paragraph("Text.")
        .table(&["A", "B"], vec![vec!["1".into(), "2".into()]])
        .grid_with_alt(
            vec![vec![true, false]],
            4.0,
            Some("caption"),
            "QR code linking to x",
        )
        .warning("Careful", "Something is missing.")
}

#[test]
fn the_pdf_is_tagged() {
    let pdf = doc().to_pdf();
    let text = crate::support::expanded(&pdf);
    for needle in [
        "/StructTreeRoot",
        "/MarkInfo <<\n    /Marked true\n  >>",
        "/Lang (en)",
        "/DisplayDocTitle true",
        "/Title (Tagged title)",
        "/ParentTree",
        "/StructParents 0",
        "/S /Document",
        "/S /H1",
        "/S /P",
        "/S /Table",
        "/S /TR",
        "/S /TH",
        "/S /TD",
        "/S /Figure",
        "/Alt (QR code linking to x)",
        "/MCID 0",
        "BDC",
        "EMC",
        "/Artifact BMC",
        "/Outlines",
    ] {
        assert!(text.contains(needle), "missing {needle:?}");
    }
    // Every marked-content sequence is closed.
    let opened = text.matches(" BDC").count() + text.matches(" BMC").count();
    assert_eq!(opened, text.matches("EMC").count());
}

#[test]
fn the_language_can_be_set() {
    let pdf = Doc::new("t").lang("de-DE").paragraph("Hallo").to_pdf();
    assert!(String::from_utf8_lossy(&pdf).contains("/Lang (de-DE)"));
}

#[test]
fn the_tagged_pdf_passes_qpdf_check() {
    qpdf_check(&doc().to_pdf());
}

#[test]
fn an_element_continued_on_the_next_page_names_that_page() {
    let doc = Doc::new("t").paragraph("word ".repeat(3000));
    let rendered = doc.render();
    assert!(rendered.pages >= 2);
    let text = crate::support::expanded(&rendered.bytes);
    // The paragraph's content on its first page is a bare MCID; on the next, a reference
    // naming the page.
    assert!(text.contains("/Type /MCR"), "no marked-content reference");
    assert!(text.contains("/StructParents 1"));
}

#[test]
fn the_structure_tree_carries_the_text_of_each_element() {
    let doc = Doc::new("t")
        .cover(None, &[("Product", "Łódź 血糖 Pumpe Ω")])
        .heading(
            1,
            "A heading long enough to wrap onto a second line of the page when set large",
        )
        .table(&["Work unit"], vec![vec!["ADV_FSP.1-1".into()]]);
    let Some(tree) = structure_text(&doc.to_pdf()) else {
        return;
    };
    let squeezed: String = tree.split_whitespace().collect::<Vec<_>>().join(" ");
    for needle in [
        "TH \"Product\"",
        "TD \"Łódź 血糖 Pumpe Ω\"",
        "H1 (block) \"A heading long enough to wrap onto a second line of the page when set large",
        "TH \"Work unit\"",
        "TD \"ADV_FSP.1-1\"",
    ] {
        assert!(squeezed.contains(needle), "missing {needle:?} in:\n{tree}");
    }
}
