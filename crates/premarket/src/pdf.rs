//! The package as a tagged PDF with a contents page (`dtsec-pdf`): the same sections, tags and
//! tables as the HTML, so a reviewer who files the PDF sees what the page shows.

use dtsec_pdf::Doc;

use crate::package::{Block, Package};

/// The PDF's bytes. Deterministic: `dtsec-pdf` writes no dates or random ids.
pub fn render(p: &Package) -> Vec<u8> {
    let cover: Vec<(&str, &str)> = p
        .cover
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut doc = Doc::new(p.title.clone())
        .lang("en")
        .cover(Some("Cybersecurity documentation set"), &cover)
        .contents("Contents", 1)
        .heading(1, "Missing inputs");
    if p.missing.is_empty() {
        doc = doc.paragraph("None.");
    }
    for m in &p.missing {
        doc = doc.paragraph(format!("• {}: {}", m.input, m.gives));
    }
    for s in &p.sections {
        doc = doc.heading(1, s.title).paragraph(format!(
            "Provenance: {}. Guidance: {}.",
            s.provenance.label(),
            s.guidance
        ));
        for b in &s.blocks {
            doc = match b {
                Block::Paragraph(t) => doc.paragraph(t.clone()),
                Block::List(items) => items.iter().fold(doc, |d, i| d.paragraph(format!("• {i}"))),
                Block::Table { headers, rows } => {
                    let h: Vec<&str> = headers.iter().map(String::as_str).collect();
                    doc.table(&h, rows.clone())
                }
                Block::Todo(t) => doc.warning("To be authored", t.clone()),
            };
        }
    }
    doc.to_pdf()
}
