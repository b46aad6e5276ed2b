//! Sections the caller adds (`RenderContext::with_extra`): numbered after the document's own,
//! listed in the contents, every string escaped, and the page unchanged without them.

use dtsec_model::{SourceFile, parse_document};
use dtsec_render::{ExtraSection, ExtraTable, LoadedDocumentRef, RenderContext, render_html};

const PP: &str = "kind: protection-profile\nid: demo\nversion: '1.0'\ntitle: Demo PP\n";

fn section() -> ExtraSection {
    ExtraSection {
        anchor: "coverage fda".to_string(),
        title: "Regulatory coverage <FDA>".to_string(),
        paragraphs: vec!["Derived from \"mappings\" & paths.".to_string()],
        tables: vec![ExtraTable {
            caption: "Appendix 1".to_string(),
            header: vec!["Item".to_string(), "Status".to_string()],
            rows: vec![
                vec!["A".to_string(), "covered".to_string()],
                vec!["<script>".to_string(), "x</td>".to_string()],
            ],
        }],
    }
}

#[test]
fn extra_sections_are_numbered_listed_and_escaped() {
    let src = SourceFile::new("pp.yaml", PP);
    let doc = parse_document(&src).unwrap();
    let plain = render_html(
        &LoadedDocumentRef::new(&doc, "pp.yaml"),
        &RenderContext::default(),
    );
    let extra = [section()];
    let html = render_html(
        &LoadedDocumentRef::new(&doc, "pp.yaml"),
        &RenderContext::default().with_extra(&extra),
    );
    assert!(!plain.contains("sec-x-"));
    // A PP without TSS or notes has seven sections; the extra one is the eighth.
    assert!(
        html.contains(
            "<section id=\"sec-x-coverage-fda\">\n<h2>8 Regulatory coverage &lt;FDA&gt;</h2>"
        ),
        "{html}"
    );
    assert!(
        html.contains(
            "<li><a href=\"#sec-x-coverage-fda\">Regulatory coverage &lt;FDA&gt;</a></li>"
        )
    );
    assert!(html.contains("<p>Derived from &quot;mappings&quot; &amp; paths.</p>"));
    assert!(html.contains("<caption>Appendix 1</caption>"));
    assert!(html.contains("<th scope=\"row\">&lt;script&gt;</th><td>x&lt;/td&gt;</td>"));
    assert!(!html.contains("<script>"));
    // The section sits inside <main>, after the document's own sections.
    let main_end = html.find("</main>").unwrap();
    assert!(html.find("sec-x-coverage-fda\">").unwrap() < main_end);
    assert!(
        html.find("id=\"sec-rationale\"").unwrap()
            < html.find("id=\"sec-x-coverage-fda\"").unwrap()
    );
}
