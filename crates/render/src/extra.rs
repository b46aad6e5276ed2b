//! Sections a caller adds to the page from plain data: paragraphs and tables of strings.
//!
//! Why it exists: the regulatory coverage of a PP or ST (crate `regulatory`, layer 4) belongs in
//! the rendered document, but this crate (layer 3) cannot depend on it. The caller builds an
//! [`ExtraSection`] from its own data and the page writes it after the document's sections,
//! numbered and listed in the contents like them. It is plain strings, not markup, so every
//! character is escaped by construction: a caller cannot inject HTML through it.

use crate::html::{Html, slug};

/// Most extra sections, tables per section and cells per table a page accepts; beyond these
/// the rest is cut with a note, so a caller's mistake cannot make the page unbounded.
pub const MAX_SECTIONS: usize = 16;
/// See [`MAX_SECTIONS`].
pub const MAX_TABLES: usize = 32;
/// See [`MAX_SECTIONS`].
pub const MAX_CELLS: usize = 200_000;

/// One section added by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtraSection {
    /// Its anchor, without the `sec-` prefix (made a valid HTML id).
    pub anchor: String,
    /// Its heading.
    pub title: String,
    /// Paragraphs before the tables.
    pub paragraphs: Vec<String>,
    /// Its tables.
    pub tables: Vec<ExtraTable>,
}

/// A table of text cells with a caption and a header row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ExtraTable {
    /// The caption.
    pub caption: String,
    /// The column headings.
    pub header: Vec<String>,
    /// The rows; the first cell of each is its row heading.
    pub rows: Vec<Vec<String>>,
}

impl ExtraSection {
    /// The HTML id of the section.
    pub(crate) fn id(&self) -> String {
        slug("sec-x", &self.anchor)
    }
}

/// Writes the sections, numbered from `first`.
pub(crate) fn write(h: &mut Html, sections: &[ExtraSection], first: usize) {
    for (i, s) in sections.iter().take(MAX_SECTIONS).enumerate() {
        let id = s.id();
        h.open("section", &[("id", &id)]);
        h.raw("\n<h2>");
        h.num(first + i);
        h.raw(" ");
        h.text(&s.title);
        h.raw("</h2>\n");
        for p in &s.paragraphs {
            h.el("p", &[], p);
            h.raw("\n");
        }
        let mut cells = 0usize;
        for t in s.tables.iter().take(MAX_TABLES) {
            h.raw("<table>");
            h.el("caption", &[], &t.caption);
            h.raw("<thead><tr>");
            for c in &t.header {
                h.el("th", &[("scope", "col")], c);
            }
            h.raw("</tr></thead><tbody>\n");
            for row in &t.rows {
                cells += row.len();
                if cells > MAX_CELLS {
                    break;
                }
                h.raw("<tr>");
                for (j, c) in row.iter().enumerate() {
                    if j == 0 {
                        h.el("th", &[("scope", "row")], c);
                    } else {
                        h.el("td", &[], c);
                    }
                }
                h.raw("</tr>\n");
            }
            h.raw("</tbody></table>\n");
            if cells > MAX_CELLS {
                h.el(
                    "p",
                    &[],
                    "(The rest of this section was cut: it exceeds the renderer's limit.)",
                );
                break;
            }
        }
        h.raw("</section>\n");
    }
}
