//! dtsec-pdf: a small document → PDF writer, in-process, with the standard PDF fonts.
//!
//! Why this crate exists: an Evaluation Technical Report must be a readable, paginated PDF that
//! a lab can file and a certification body can read, produced without an external program
//! (no browser, no LaTeX) and without shipping font files. The 14 standard PDF fonts
//! (Helvetica, Courier, …) are in every reader, and their glyph widths are public metric facts
//! (`metrics.rs`), so a simple layout engine (`layout.rs`) can wrap words and size table
//! columns exactly. `pdf-writer` (from the typst project) writes the PDF objects.
//!
//! What it does: a title, a cover block, headings, paragraphs with word wrap, preformatted
//! monospace lines, tables (column widths from the content or given, wrapped cells, the header
//! row repeated after a page break, rows taller than a page split), explicit page breaks, and
//! "page N of M" footers, and grids of filled squares (a QR code drawn as rectangles). Text is encoded as WinAnsi; characters outside it become `?`.
//! What it does not: images, links, embedded fonts, right-to-left text, hyphenation.
//!
//! ```
//! let pdf = dtsec_pdf::Doc::new("Evaluation Technical Report")
//!     .heading(1, "Summary")
//!     .paragraph("The TOE passed every work unit.")
//!     .table(&["Class", "Verdict"], vec![vec!["ADV".into(), "pass".into()]])
//!     .to_pdf();
//! assert!(pdf.starts_with(b"%PDF-"));
//! ```
#![forbid(unsafe_code)]

mod layout;
pub mod metrics;

pub use metrics::Font;

/// One block of a document, in reading order.
#[derive(Clone, Debug)]
enum Block {
    Cover {
        subtitle: Option<String>,
        fields: Vec<(String, String)>,
    },
    Heading {
        level: u8,
        text: String,
    },
    Paragraph {
        text: String,
        font: Font,
    },
    Mono {
        text: String,
    },
    Table {
        headers: Vec<String>,
        widths: Option<Vec<f32>>,
        rows: Vec<Vec<String>>,
    },
    Grid {
        cells: Vec<Vec<bool>>,
        module: f32,
        caption: Option<String>,
    },
    PageBreak,
}

/// A document to be laid out as PDF: a title and a list of blocks.
///
/// Builder methods take and return the document by value, so a report reads top to bottom;
/// [`Doc::to_pdf`] lays it out and returns the file's bytes. Layout never fails: over-long words
/// are broken, over-tall table rows are split across pages, and unknown characters become `?`.
#[derive(Clone, Debug)]
pub struct Doc {
    title: String,
    blocks: Vec<Block>,
}

impl Doc {
    /// A new document; `title` goes into the PDF's metadata and every page footer.
    pub fn new(title: impl Into<String>) -> Doc {
        Doc {
            title: title.into(),
            blocks: Vec::new(),
        }
    }

    /// A cover block: the title in large type, an optional subtitle, and label/value lines.
    pub fn cover(mut self, subtitle: Option<&str>, fields: &[(&str, &str)]) -> Doc {
        self.blocks.push(Block::Cover {
            subtitle: subtitle.map(str::to_string),
            fields: fields
                .iter()
                .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
                .collect(),
        });
        self
    }

    /// A heading; level 1 is the largest (levels above 3 look like 3).
    pub fn heading(mut self, level: u8, text: impl Into<String>) -> Doc {
        self.blocks.push(Block::Heading {
            level: level.max(1),
            text: text.into(),
        });
        self
    }

    /// A paragraph in Helvetica, word-wrapped; a `\n` in the text starts a new line.
    pub fn paragraph(mut self, text: impl Into<String>) -> Doc {
        self.blocks.push(Block::Paragraph {
            text: text.into(),
            font: Font::Regular,
        });
        self
    }

    /// A paragraph in the given font (e.g. [`Font::Italic`] for a note).
    pub fn paragraph_in(mut self, font: Font, text: impl Into<String>) -> Doc {
        self.blocks.push(Block::Paragraph {
            text: text.into(),
            font,
        });
        self
    }

    /// Preformatted lines in Courier (wrapped only where a line is wider than the page).
    pub fn mono(mut self, text: impl Into<String>) -> Doc {
        self.blocks.push(Block::Mono { text: text.into() });
        self
    }

    /// A table with a header row; column widths follow the content.
    pub fn table(mut self, headers: &[&str], rows: Vec<Vec<String>>) -> Doc {
        self.blocks.push(Block::Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            widths: None,
            rows,
        });
        self
    }

    /// A table whose column widths are given as relative weights (e.g. `[1.0, 3.0]`: the second
    /// column three times as wide as the first). Missing or non-positive weights count as 1.
    pub fn table_with_widths(
        mut self,
        headers: &[&str],
        widths: &[f32],
        rows: Vec<Vec<String>>,
    ) -> Doc {
        self.blocks.push(Block::Table {
            headers: headers.iter().map(|h| (*h).to_string()).collect(),
            widths: Some(widths.to_vec()),
            rows,
        });
        self
    }

    /// A grid of square cells, each `module` points on a side, the `true` ones filled black —
    /// a QR code, for instance, whose light quiet zone is the caller's to include. The grid is
    /// kept whole on one page (shrunk if it would not fit on any), left-aligned, with an
    /// optional caption line under it. Readers scan what is drawn: the dark cells are filled
    /// rectangles (one per horizontal run), not an image, so the PDF stays vector and tiny.
    pub fn grid(mut self, cells: Vec<Vec<bool>>, module: f32, caption: Option<&str>) -> Doc {
        self.blocks.push(Block::Grid {
            cells,
            module,
            caption: caption.map(str::to_string),
        });
        self
    }

    /// Starts a new page.
    pub fn page_break(mut self) -> Doc {
        self.blocks.push(Block::PageBreak);
        self
    }

    /// Lays the document out and returns the PDF file's bytes.
    pub fn to_pdf(&self) -> Vec<u8> {
        let pages = layout::lay_out(&self.title, &self.blocks);
        layout::write_pdf(&self.title, &pages)
    }

    /// Number of pages the document will have.
    pub fn page_count(&self) -> usize {
        layout::lay_out(&self.title, &self.blocks).len()
    }
}
