//! dtsec-pdf: a small document → PDF writer, in-process, with embedded Unicode fonts.
//!
//! Why this crate exists: an Evaluation Technical Report and a certificate must be readable,
//! paginated PDFs that a lab can file and a certification body can read, produced without an
//! external program (no browser, no LaTeX). Names on them are in any script ("Łódź 血糖"), so
//! the crate carries TrueType fonts in the binary and embeds, per document, the subset of glyphs
//! it drew (`fonts.rs`, `embed.rs`); widths come from the same fonts, so a simple layout engine
//! (`layout.rs`) wraps words and sizes table columns exactly. The output is a tagged PDF
//! (`write.rs`): headings, paragraphs, tables and figures are in a structure tree a screen
//! reader follows. `pdf-writer` (from the typst project) writes the PDF objects.
//!
//! What it does: a title, a cover block, headings (also the outline), a table of contents
//! with page numbers, paragraphs with word wrap, warnings in a marked box, preformatted
//! monospace lines, tables (column widths from the content or given, wrapped cells, the header
//! row repeated after a page break, rows taller than a page split), explicit page breaks,
//! "page N of M" footers, and grids of filled squares (a QR code drawn as rectangles, with
//! alternative text). A character no bundled font has is drawn as U+FFFD and counted
//! ([`Rendered::replaced`]).
//! What it does not: images, links, complex-script shaping, right-to-left text, hyphenation.
//!
//! Bounds: a text longer than [`MAX_TEXT_CHARS`] is cut (with a note saying so), and blocks past
//! [`MAX_DOC_CHARS`] characters in total are left out (with a note saying how many), so layout
//! time and memory are bounded whatever the caller passes.
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

mod embed;
mod fonts;
pub mod inspect;
mod layout;
mod write;

pub use fonts::Font;

/// The longest text (in characters) one block, cell or title may carry; longer text is cut.
pub const MAX_TEXT_CHARS: usize = 100_000;
/// The most characters a document lays out in total; blocks past it are left out.
pub const MAX_DOC_CHARS: usize = 4_000_000;
/// The most cells (rows × columns) a grid may have; a larger grid is left out.
pub const MAX_GRID_CELLS: usize = 512 * 512;

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
        alt: String,
    },
    Warning {
        title: String,
        text: String,
    },
    Contents {
        title: String,
        max_level: u8,
    },
    PageBreak,
}

/// A document to be laid out as PDF: a title and a list of blocks.
///
/// Builder methods take and return the document by value, so a report reads top to bottom;
/// [`Doc::to_pdf`] lays it out and returns the file's bytes. Layout never fails: over-long words
/// are broken, over-tall table rows are split across pages, and characters no bundled font has
/// are drawn as a visible replacement.
#[derive(Clone, Debug)]
pub struct Doc {
    title: String,
    lang: String,
    blocks: Vec<Block>,
    /// Characters admitted so far (see [`MAX_DOC_CHARS`]).
    chars: usize,
    /// Blocks left out because the document was full.
    left_out: usize,
}

/// A laid-out PDF and what laying it out found.
#[derive(Clone, Debug)]
pub struct Rendered {
    /// The PDF file's bytes.
    pub bytes: Vec<u8>,
    /// Number of pages.
    pub pages: usize,
    /// Characters drawn as U+FFFD because no bundled font has them.
    pub replaced: usize,
}

/// Cuts a text to [`MAX_TEXT_CHARS`], saying so at the cut.
fn clip(text: String) -> String {
    match text.char_indices().nth(MAX_TEXT_CHARS) {
        None => text,
        Some((at, _)) => {
            let rest = text[at..].chars().count();
            format!(
                "{} [… {rest} more characters cut: a text may have at most {MAX_TEXT_CHARS}]",
                &text[..at]
            )
        }
    }
}

impl Doc {
    /// A new document; `title` goes into the PDF's metadata and every page footer.
    pub fn new(title: impl Into<String>) -> Doc {
        let title = clip(title.into());
        Doc {
            chars: title.len(),
            title,
            lang: "en".to_string(),
            blocks: Vec::new(),
            left_out: 0,
        }
    }

    /// The natural language of the text, as a BCP 47 tag (default `en`), for screen readers.
    pub fn lang(mut self, lang: impl Into<String>) -> Doc {
        self.lang = clip(lang.into());
        self
    }

    /// Adds a block of `size` characters unless the document is full. Every block counts at
    /// least one, so a flood of empty blocks is bounded too.
    fn push(mut self, size: usize, block: Block) -> Doc {
        let size = size.max(1);
        if self.chars.saturating_add(size) > MAX_DOC_CHARS {
            self.left_out += 1;
        } else {
            self.chars += size;
            self.blocks.push(block);
        }
        self
    }

    /// A cover block: the title in large type, an optional subtitle, and label/value lines.
    pub fn cover(self, subtitle: Option<&str>, fields: &[(&str, &str)]) -> Doc {
        let subtitle = subtitle.map(|s| clip(s.to_string()));
        let fields: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (clip((*k).to_string()), clip((*v).to_string())))
            .collect();
        let size = subtitle.as_ref().map_or(0, String::len)
            + fields.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>();
        self.push(size, Block::Cover { subtitle, fields })
    }

    /// A heading; level 1 is the largest (levels above 3 look like 3). Headings are also the
    /// entries of the outline and of a table of contents.
    pub fn heading(self, level: u8, text: impl Into<String>) -> Doc {
        let text = clip(text.into());
        let level = level.clamp(1, 6);
        self.push(text.len(), Block::Heading { level, text })
    }

    /// A paragraph in the regular font, word-wrapped; a `\n` in the text starts a new line.
    pub fn paragraph(self, text: impl Into<String>) -> Doc {
        self.paragraph_in(Font::Regular, text)
    }

    /// A paragraph in the given font (e.g. [`Font::Italic`] for a note).
    pub fn paragraph_in(self, font: Font, text: impl Into<String>) -> Doc {
        let text = clip(text.into());
        self.push(text.len(), Block::Paragraph { text, font })
    }

    /// A warning the reader must not miss: a bold title and a text in a shaded box with a red
    /// bar beside it.
    pub fn warning(self, title: impl Into<String>, text: impl Into<String>) -> Doc {
        let title = clip(title.into());
        let text = clip(text.into());
        self.push(title.len() + text.len(), Block::Warning { title, text })
    }

    /// A table of contents: the headings that follow it, up to `max_level`, each with its page
    /// number (laid out twice: the first pass finds the pages, the second prints them).
    pub fn contents(self, title: impl Into<String>, max_level: u8) -> Doc {
        let title = clip(title.into());
        let max_level = max_level.clamp(1, 6);
        self.push(title.len(), Block::Contents { title, max_level })
    }

    /// Preformatted lines in the monospace font (wrapped only where a line is wider than the
    /// page).
    pub fn mono(self, text: impl Into<String>) -> Doc {
        let text = clip(text.into());
        self.push(text.len(), Block::Mono { text })
    }

    /// A table with a header row; column widths follow the content.
    pub fn table(self, headers: &[&str], rows: Vec<Vec<String>>) -> Doc {
        self.table_block(headers, None, rows)
    }

    /// A table whose column widths are given as relative weights (e.g. `[1.0, 3.0]`: the second
    /// column three times as wide as the first). Missing or non-positive weights count as 1.
    pub fn table_with_widths(
        self,
        headers: &[&str],
        widths: &[f32],
        rows: Vec<Vec<String>>,
    ) -> Doc {
        self.table_block(headers, Some(widths.to_vec()), rows)
    }

    fn table_block(
        self,
        headers: &[&str],
        widths: Option<Vec<f32>>,
        rows: Vec<Vec<String>>,
    ) -> Doc {
        let headers: Vec<String> = headers.iter().map(|h| clip((*h).to_string())).collect();
        let rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| r.into_iter().map(clip).collect())
            .collect();
        // Every cell and row counts at least one character, so a table of empty cells or rows
        // is bounded too.
        let size = headers.iter().map(|h| h.len().max(1)).sum::<usize>()
            + rows
                .iter()
                .map(|r| r.iter().map(|c| c.len().max(1)).sum::<usize>().max(1))
                .sum::<usize>();
        self.push(
            size,
            Block::Table {
                headers,
                widths,
                rows,
            },
        )
    }

    /// A grid of square cells, each `module` points on a side, the `true` ones filled black —
    /// a QR code, for instance, whose light quiet zone is the caller's to include. The grid is
    /// kept whole on one page (shrunk if it would not fit on any), left-aligned, with an
    /// optional caption line under it. Readers scan what is drawn: the dark cells are filled
    /// rectangles (one per horizontal run), not an image, so the PDF stays vector and tiny.
    /// The caption (or "A grid of squares") is the figure's alternative text.
    pub fn grid(self, cells: Vec<Vec<bool>>, module: f32, caption: Option<&str>) -> Doc {
        let alt = caption.unwrap_or("A grid of squares").to_string();
        self.grid_with_alt(cells, module, caption, &alt)
    }

    /// A grid as [`Doc::grid`], with the alternative text a screen reader reads for it (say
    /// what it is and what it leads to, e.g. "QR code linking to …").
    pub fn grid_with_alt(
        self,
        cells: Vec<Vec<bool>>,
        module: f32,
        caption: Option<&str>,
        alt: &str,
    ) -> Doc {
        let count = cells
            .iter()
            .map(Vec::len)
            .fold(0_usize, usize::saturating_add);
        if count > MAX_GRID_CELLS {
            let mut doc = self;
            doc.left_out += 1;
            return doc;
        }
        let caption = caption.map(|c| clip(c.to_string()));
        let alt = clip(alt.to_string());
        let size = caption.as_ref().map_or(0, String::len) + alt.len() + count / 8 + cells.len();
        self.push(
            size,
            Block::Grid {
                cells,
                module,
                caption,
                alt,
            },
        )
    }

    /// How many blocks were left out because the document reached a bound
    /// ([`MAX_DOC_CHARS`], [`MAX_GRID_CELLS`]); the document ends with a note saying so.
    pub fn left_out(&self) -> usize {
        self.left_out
    }

    /// Starts a new page.
    pub fn page_break(self) -> Doc {
        self.push(0, Block::PageBreak)
    }

    /// The blocks to lay out: those admitted, and a note on any left out.
    fn final_blocks(&self) -> std::borrow::Cow<'_, [Block]> {
        if self.left_out == 0 {
            return std::borrow::Cow::Borrowed(&self.blocks);
        }
        let mut blocks = self.blocks.clone();
        blocks.push(Block::Warning {
            title: "This document is incomplete".to_string(),
            text: format!(
                "{} further blocks were left out: a document may carry at most {MAX_DOC_CHARS} characters and a grid at most {MAX_GRID_CELLS} cells.",
                self.left_out
            ),
        });
        std::borrow::Cow::Owned(blocks)
    }

    /// Lays the document out: twice or three times when it has a table of contents, until the
    /// page numbers it prints are the pages its headings landed on.
    fn lay_out(&self, fonts: &fonts::Fonts) -> layout::Laid {
        let blocks = self.final_blocks();
        let max_level = blocks.iter().find_map(|b| match b {
            Block::Contents { max_level, .. } => Some(*max_level),
            _ => None,
        });
        let mut laid = layout::lay_out(fonts, &self.title, &blocks, &[]);
        let Some(max_level) = max_level else {
            return laid;
        };
        let mut printed: Vec<usize> = Vec::new();
        // Entries are one line each whatever their numbers, so the second pass normally lands
        // every heading where the first did; the third pass is a guard, not a loop.
        for _ in 0..2 {
            let pages: Vec<usize> = laid
                .headings
                .iter()
                .filter(|h| h.in_contents && h.level <= max_level)
                .map(|h| h.page + 1)
                .collect();
            if pages == printed {
                break;
            }
            printed = pages;
            laid = layout::lay_out(fonts, &self.title, &blocks, &printed);
        }
        laid
    }

    /// Lays the document out and returns the PDF with its page count and replacement count.
    pub fn render(&self) -> Rendered {
        let fonts = fonts::Fonts::bundled();
        let laid = self.lay_out(&fonts);
        let written = write::write_pdf(&self.title, &self.lang, &laid, &fonts);
        Rendered {
            bytes: written.bytes,
            pages: laid.pages.len(),
            replaced: written.replaced,
        }
    }

    /// Lays the document out and returns the PDF file's bytes.
    pub fn to_pdf(&self) -> Vec<u8> {
        self.render().bytes
    }

    /// Number of pages the document will have.
    pub fn page_count(&self) -> usize {
        self.lay_out(&fonts::Fonts::bundled()).pages.len()
    }
}
