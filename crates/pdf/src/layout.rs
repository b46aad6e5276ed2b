//! The layout engine: blocks → pages of drawing operations and a structure tree.
//!
//! Why a separate pass: footers say "page N of M" and a table of contents names the page of
//! each heading, so every page must be laid out before any is written. Layout works top-down in
//! points on an A4 page; PDF's origin is bottom-left, so a cursor `y` counts down from the top
//! margin. Every loop makes progress on every iteration (a line is drawn, or a fresh page is
//! started on a page that had content), so no input can make layout spin.
//!
//! Each drawing operation carries a [`Tag`]: the structure element it belongs to (a heading, a
//! paragraph, a table cell, a figure), or "artifact" for what is decoration (rules, shading,
//! footers, a table header repeated on a later page). `write.rs` turns tags into marked-content
//! sequences and the structure tree that screen readers follow.

use pdf_writer::types::StructRole;

use crate::Block;
use crate::fonts::{Font, Fonts, Glyph, width};

pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
pub(crate) const LEFT: f32 = 56.0;
const RIGHT: f32 = PAGE_W - 56.0;
const TOP: f32 = PAGE_H - 56.0;
const BOTTOM: f32 = 64.0;
const WIDTH: f32 = RIGHT - LEFT;

const BODY_SIZE: f32 = 10.0;
const BODY_LEADING: f32 = 13.0;
const TABLE_SIZE: f32 = 8.5;
const TABLE_LEADING: f32 = 10.5;
const CELL_PAD: f32 = 3.0;
const MONO_SIZE: f32 = 8.5;
const MONO_LEADING: f32 = 10.5;
const WARN_BAR: f32 = 4.0;
const WARN_PAD: f32 = 6.0;

/// What a drawing operation belongs to in the structure tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tag {
    /// Decoration, or a repetition: not read out.
    Artifact,
    /// Content of the structure element with this index in [`Laid::tree`].
    Node(usize),
}

/// One drawing operation on a page.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Text with its baseline at `y`.
    Text {
        font: Font,
        size: f32,
        x: f32,
        y: f32,
        glyphs: Vec<Glyph>,
        tag: Tag,
    },
    /// A straight line (always an artifact).
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
    /// A filled light-grey rectangle (header row or warning background; an artifact).
    Shade { x: f32, y: f32, w: f32, h: f32 },
    /// A filled dark-red rectangle (the bar beside a warning; an artifact).
    Accent { x: f32, y: f32, w: f32, h: f32 },
    /// A filled black rectangle (a grid's dark cells).
    Fill {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        tag: Tag,
    },
}

impl Op {
    pub(crate) fn tag(&self) -> Tag {
        match self {
            Op::Text { tag, .. } | Op::Fill { tag, .. } => *tag,
            Op::Line { .. } | Op::Shade { .. } | Op::Accent { .. } => Tag::Artifact,
        }
    }
}

/// One element of the structure tree. Element 0 is the `Document`, its own parent.
#[derive(Clone, Debug)]
pub(crate) struct Node {
    pub(crate) role: StructRole,
    pub(crate) parent: usize,
    /// Alternative text (for a figure).
    pub(crate) alt: Option<String>,
}

/// Where a heading landed, for the table of contents and the outline.
#[derive(Clone, Debug)]
pub(crate) struct HeadingAt {
    pub(crate) level: u8,
    pub(crate) text: String,
    /// Zero-based page index.
    pub(crate) page: usize,
    /// The top of the heading, in PDF coordinates.
    pub(crate) y: f32,
    /// Whether it is an entry of the table of contents: it follows the contents block (whose
    /// own title is not an entry).
    pub(crate) in_contents: bool,
}

/// A laid-out document.
pub(crate) struct Laid {
    pub(crate) pages: Vec<Vec<Op>>,
    pub(crate) tree: Vec<Node>,
    pub(crate) headings: Vec<HeadingAt>,
}

/// The pages being laid out, the cursor, and the structure built so far.
struct Layout<'a> {
    fonts: &'a Fonts,
    pages: Vec<Vec<Op>>,
    y: f32,
    tree: Vec<Node>,
    headings: Vec<HeadingAt>,
    /// Page numbers (1-based) of the contents entries, from the previous pass.
    contents_pages: &'a [usize],
}

impl<'a> Layout<'a> {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn page_is_empty(&self) -> bool {
        self.pages.last().is_none_or(Vec::is_empty)
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    /// Starts a new page unless `h` points still fit (or the page is still empty).
    fn ensure(&mut self, h: f32) {
        if self.y - h < BOTTOM && !self.page_is_empty() {
            self.new_page();
        }
    }

    /// A new structure element under `parent`.
    fn node(&mut self, role: StructRole, parent: usize) -> usize {
        self.tree.push(Node {
            role,
            parent,
            alt: None,
        });
        self.tree.len() - 1
    }

    fn text(&mut self, font: Font, size: f32, x: f32, baseline: f32, glyphs: Vec<Glyph>, tag: Tag) {
        if glyphs.is_empty() {
            return;
        }
        self.page().push(Op::Text {
            font,
            size,
            x,
            y: baseline,
            glyphs,
            tag,
        });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.page().push(Op::Line { x1, y1, x2, y2 });
    }

    /// Wrapped lines, each drawn at `x`, advancing the cursor by `leading` per line.
    fn lines(
        &mut self,
        font: Font,
        size: f32,
        leading: f32,
        x: f32,
        lines: Vec<Vec<Glyph>>,
        tag: Tag,
    ) {
        for l in lines {
            self.ensure(leading);
            let baseline = self.y - size;
            self.text(font, size, x, baseline, l, tag);
            self.y -= leading;
        }
    }

    fn wrap(&self, text: &str, font: Font, size: f32, width: f32) -> Vec<Vec<Glyph>> {
        wrap(self.fonts, text, font, size, width)
    }
}

/// Splits text into lines no wider than `width`: explicit newlines first, then words; a word
/// wider than a line (a digest, a URL, a run of CJK text without spaces) is broken between
/// characters.
pub(crate) fn wrap(
    fonts: &Fonts,
    text: &str,
    font: Font,
    size: f32,
    width: f32,
) -> Vec<Vec<Glyph>> {
    let space = fonts.glyph(font, ' ');
    let space_w = space.advance * size / 1000.0;
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line: Vec<Glyph> = Vec::new();
        let mut line_w = 0.0_f32;
        for word in raw.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let w = fonts.shape(font, word);
            if w.is_empty() {
                continue;
            }
            let ww = crate::fonts::width(&w, size);
            let sep = if line.is_empty() { 0.0 } else { space_w };
            if line_w + sep + ww <= width {
                if !line.is_empty() {
                    line.push(space);
                }
                line.extend_from_slice(&w);
                line_w += sep + ww;
                continue;
            }
            if !line.is_empty() {
                // The space the line breaks at stays, past the margin where it draws nothing,
                // so text read from the structure tree keeps the words apart.
                line.push(space);
                out.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            if ww <= width {
                line = w;
                line_w = ww;
                continue;
            }
            for g in w {
                let gw = g.advance * size / 1000.0;
                if !line.is_empty() && line_w + gw > width {
                    out.push(std::mem::take(&mut line));
                    line_w = 0.0;
                }
                line.push(g);
                line_w += gw;
            }
        }
        out.push(line);
    }
    out
}

/// Monospace lines keep their spaces; only lines wider than the page are broken.
fn wrap_mono(fonts: &Fonts, text: &str, width: f32) -> Vec<Vec<Glyph>> {
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line = Vec::new();
        let mut line_w = 0.0_f32;
        for g in fonts.shape(Font::Mono, raw) {
            let gw = g.advance * MONO_SIZE / 1000.0;
            if !line.is_empty() && line_w + gw > width {
                out.push(std::mem::take(&mut line));
                line_w = 0.0;
            }
            line.push(g);
            line_w += gw;
        }
        out.push(line);
    }
    out
}

/// Cuts glyphs to `max` points, ending in an ellipsis when anything was cut.
fn truncate(fonts: &Fonts, font: Font, size: f32, mut glyphs: Vec<Glyph>, max: f32) -> Vec<Glyph> {
    if width(&glyphs, size) <= max {
        return glyphs;
    }
    let dots = fonts.glyph(font, '…');
    let dots_w = dots.advance * size / 1000.0;
    while !glyphs.is_empty() && width(&glyphs, size) + dots_w > max {
        glyphs.pop();
    }
    glyphs.push(dots);
    glyphs
}

fn heading_style(level: u8) -> (f32, f32, f32) {
    // (size, space above, space below)
    match level {
        1 => (16.0, 14.0, 8.0),
        2 => (13.0, 10.0, 5.0),
        _ => (11.0, 8.0, 4.0),
    }
}

fn heading_role(level: u8) -> StructRole {
    match level {
        1 => StructRole::H1,
        2 => StructRole::H2,
        3 => StructRole::H3,
        4 => StructRole::H4,
        5 => StructRole::H5,
        _ => StructRole::H6,
    }
}

/// The entries of a table of contents at block `at`: the headings after it, up to `max_level`.
fn contents_entries(blocks: &[Block], at: usize, max_level: u8) -> Vec<(u8, &str)> {
    blocks
        .iter()
        .skip(at + 1)
        .filter_map(|b| match b {
            Block::Heading { level, text } if *level <= max_level => Some((*level, text.as_str())),
            _ => None,
        })
        .collect()
}

/// Lays out every block and returns the pages, footers included, with the structure tree.
/// `contents_pages` are the pages of the contents entries from a previous pass (empty on the
/// first pass: the entries then show a placeholder of the same height).
pub(crate) fn lay_out(
    fonts: &Fonts,
    title: &str,
    blocks: &[Block],
    contents_pages: &[usize],
) -> Laid {
    let mut l = Layout {
        fonts,
        pages: vec![Vec::new()],
        y: TOP,
        tree: vec![Node {
            role: StructRole::Document,
            parent: 0,
            alt: None,
        }],
        headings: Vec::new(),
        contents_pages,
    };
    // Only headings after the table of contents are its entries.
    let mut after_contents = false;
    for (i, block) in blocks.iter().enumerate() {
        match block {
            Block::Cover { subtitle, fields } => cover(&mut l, title, subtitle.as_deref(), fields),
            Block::Heading { level, text } => heading(&mut l, *level, text, after_contents),
            Block::Paragraph { text, font } => {
                let p = l.node(StructRole::P, 0);
                let lines = l.wrap(text, *font, BODY_SIZE, WIDTH);
                l.lines(*font, BODY_SIZE, BODY_LEADING, LEFT, lines, Tag::Node(p));
                l.y -= 5.0;
            }
            Block::Mono { text } => {
                let p = l.node(StructRole::Code, 0);
                let lines = wrap_mono(fonts, text, WIDTH);
                l.lines(
                    Font::Mono,
                    MONO_SIZE,
                    MONO_LEADING,
                    LEFT,
                    lines,
                    Tag::Node(p),
                );
                l.y -= 5.0;
            }
            Block::Table {
                headers,
                widths,
                rows,
            } => table(&mut l, headers, widths.as_deref(), rows),
            Block::Grid {
                cells,
                module,
                caption,
                alt,
            } => grid(&mut l, cells, *module, caption.as_deref(), alt),
            Block::Warning { title, text } => warning(&mut l, title, text),
            Block::Contents { title, max_level } => {
                let entries = contents_entries(blocks, i, *max_level);
                contents(&mut l, title, &entries);
                after_contents = true;
            }
            Block::PageBreak => {
                if !l.page_is_empty() {
                    l.new_page();
                }
            }
        }
    }
    let mut pages = l.pages;
    if pages.is_empty() {
        pages.push(Vec::new());
    }
    let total = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        footer(fonts, page, title, i + 1, total);
    }
    Laid {
        pages,
        tree: l.tree,
        headings: l.headings,
    }
}

fn footer(fonts: &Fonts, page: &mut Vec<Op>, title: &str, n: usize, total: usize) {
    let size = 8.0;
    let y = 32.0;
    let right = fonts.shape(Font::Regular, &format!("page {n} of {total}"));
    let right_w = width(&right, size);
    let left = truncate(
        fonts,
        Font::Regular,
        size,
        fonts.shape(Font::Regular, title),
        WIDTH - right_w - 24.0,
    );
    page.push(Op::Line {
        x1: LEFT,
        y1: y + 11.0,
        x2: RIGHT,
        y2: y + 11.0,
    });
    page.push(Op::Text {
        font: Font::Regular,
        size,
        x: LEFT,
        y,
        glyphs: left,
        tag: Tag::Artifact,
    });
    page.push(Op::Text {
        font: Font::Regular,
        size,
        x: RIGHT - right_w,
        y,
        glyphs: right,
        tag: Tag::Artifact,
    });
}

fn cover(l: &mut Layout, title: &str, subtitle: Option<&str>, fields: &[(String, String)]) {
    if !l.page_is_empty() {
        l.new_page();
    }
    l.y -= 40.0;
    let h = l.node(StructRole::H1, 0);
    let lines = l.wrap(title, Font::Bold, 24.0, WIDTH);
    l.lines(Font::Bold, 24.0, 30.0, LEFT, lines, Tag::Node(h));
    if let Some(s) = subtitle {
        l.y -= 4.0;
        let p = l.node(StructRole::P, 0);
        let lines = l.wrap(s, Font::Regular, 14.0, WIDTH);
        l.lines(Font::Regular, 14.0, 18.0, LEFT, lines, Tag::Node(p));
    }
    l.y -= 12.0;
    let y = l.y;
    l.line(LEFT, y, RIGHT, y);
    l.y -= 16.0;
    let label_w = fields
        .iter()
        .map(|(k, _)| l.fonts.text_width(Font::Bold, BODY_SIZE, k))
        .fold(0.0_f32, f32::max)
        .min(WIDTH * 0.35)
        + 12.0;
    // The label/value lines are a two-column table to a screen reader: label, then value.
    let table = if fields.is_empty() {
        0
    } else {
        l.node(StructRole::Table, 0)
    };
    for (k, v) in fields {
        let tr = l.node(StructRole::TR, table);
        let th = l.node(StructRole::TH, tr);
        let td = l.node(StructRole::TD, tr);
        let keys = l.wrap(k, Font::Bold, BODY_SIZE, label_w - 12.0);
        let vals = l.wrap(v, Font::Regular, BODY_SIZE, WIDTH - label_w);
        let n = keys.len().max(vals.len());
        for i in 0..n {
            l.ensure(BODY_LEADING + 1.0);
            let baseline = l.y - BODY_SIZE;
            if let Some(k) = keys.get(i) {
                l.text(
                    Font::Bold,
                    BODY_SIZE,
                    LEFT,
                    baseline,
                    k.clone(),
                    Tag::Node(th),
                );
            }
            if let Some(v) = vals.get(i) {
                l.text(
                    Font::Regular,
                    BODY_SIZE,
                    LEFT + label_w,
                    baseline,
                    v.clone(),
                    Tag::Node(td),
                );
            }
            l.y -= BODY_LEADING + 1.0;
        }
    }
    l.y -= 10.0;
}

fn heading(l: &mut Layout, level: u8, text: &str, in_contents: bool) {
    let (size, above, below) = heading_style(level);
    let leading = size * 1.25;
    let lines = l.wrap(text, Font::Bold, size, WIDTH);
    let h = above + leading * lines.len() as f32 + below;
    // Keep a heading with what follows it: a few lines of text, or a table header and row.
    l.ensure(h + 80.0);
    if !l.page_is_empty() {
        l.y -= above;
    }
    let node = l.node(heading_role(level), 0);
    let page = l.pages.len().saturating_sub(1);
    l.headings.push(HeadingAt {
        level,
        text: text.to_string(),
        page,
        y: l.y,
        in_contents,
    });
    l.lines(Font::Bold, size, leading, LEFT, lines, Tag::Node(node));
    if level == 1 {
        let y = l.y + 2.0;
        l.line(LEFT, y, RIGHT, y);
    }
    l.y -= below;
}

/// A table of contents: one line per entry (cut to fit, so every pass has the same height),
/// indented by level, with the page number at the right.
fn contents(l: &mut Layout, title: &str, entries: &[(u8, &str)]) {
    heading(l, 1, title, false);
    let toc = l.node(StructRole::TOC, 0);
    let number_w = 36.0;
    for (k, (level, text)) in entries.iter().enumerate() {
        let font = if *level == 1 {
            Font::Bold
        } else {
            Font::Regular
        };
        let indent = f32::from(level.saturating_sub(1).min(4)) * 14.0;
        let item = l.node(StructRole::TOCI, toc);
        let glyphs = l.fonts.shape(font, text);
        let mut glyphs = truncate(l.fonts, font, BODY_SIZE, glyphs, WIDTH - indent - number_w);
        // Read as "title page", not "titlepage".
        glyphs.push(l.fonts.glyph(font, ' '));
        let page = l
            .contents_pages
            .get(k)
            .map_or_else(|| "…".to_string(), ToString::to_string);
        let number = l.fonts.shape(Font::Regular, &page);
        let number_x = RIGHT - width(&number, BODY_SIZE);
        l.ensure(BODY_LEADING);
        let baseline = l.y - BODY_SIZE;
        l.text(
            font,
            BODY_SIZE,
            LEFT + indent,
            baseline,
            glyphs,
            Tag::Node(item),
        );
        l.text(
            Font::Regular,
            BODY_SIZE,
            number_x,
            baseline,
            number,
            Tag::Node(item),
        );
        l.y -= BODY_LEADING;
    }
    l.y -= 8.0;
}

/// A warning: a shaded box with a red bar at its left, a bold title and the text. Kept whole on
/// one page unless it is taller than a page, in which case it flows without the box.
fn warning(l: &mut Layout, title: &str, text: &str) {
    let inner = WIDTH - WARN_BAR - 2.0 * WARN_PAD;
    let head = l.wrap(title, Font::Bold, BODY_SIZE, inner);
    let body = l.wrap(text, Font::Regular, BODY_SIZE, inner);
    let h = (head.len() + body.len()) as f32 * BODY_LEADING + 2.0 * WARN_PAD;
    let p = l.node(StructRole::P, 0);
    let x = LEFT + WARN_BAR + WARN_PAD;
    l.y -= 4.0;
    if h <= TOP - BOTTOM {
        l.ensure(h);
        let top = l.y;
        l.page().push(Op::Shade {
            x: LEFT,
            y: top - h,
            w: WIDTH,
            h,
        });
        l.page().push(Op::Accent {
            x: LEFT,
            y: top - h,
            w: WARN_BAR,
            h,
        });
        l.y -= WARN_PAD;
    }
    let mut head = head;
    if let Some(last) = head.last_mut() {
        last.push(l.fonts.glyph(Font::Bold, ' '));
    }
    l.lines(Font::Bold, BODY_SIZE, BODY_LEADING, x, head, Tag::Node(p));
    l.lines(
        Font::Regular,
        BODY_SIZE,
        BODY_LEADING,
        x,
        body,
        Tag::Node(p),
    );
    l.y -= WARN_PAD + 8.0;
}

/// Column widths in points: the given weights, or from the content (natural width where it
/// fits, otherwise the longest word plus a share of the rest).
fn column_widths(
    fonts: &Fonts,
    headers: &[String],
    rows: &[Vec<String>],
    weights: Option<&[f32]>,
) -> Vec<f32> {
    let n = headers
        .len()
        .max(rows.iter().map(Vec::len).max().unwrap_or(0))
        .max(1);
    if let Some(w) = weights {
        let ws: Vec<f32> = (0..n)
            .map(|i| {
                w.get(i)
                    .copied()
                    .filter(|x| x.is_finite() && *x > 0.0)
                    .unwrap_or(1.0)
            })
            .collect();
        let sum: f32 = ws.iter().sum();
        return ws.iter().map(|x| x / sum * WIDTH).collect();
    }
    let pad = 2.0 * CELL_PAD;
    let mut natural = vec![0.0_f32; n];
    let mut min = vec![0.0_f32; n];
    let cells = std::iter::once((headers, Font::Bold))
        .chain(rows.iter().map(|r| (r.as_slice(), Font::Regular)));
    for (row, font) in cells {
        for (i, cell) in row.iter().enumerate().take(n) {
            for line in cell.split('\n') {
                let w = fonts.text_width(font, TABLE_SIZE, line) + pad;
                natural[i] = natural[i].max(w);
            }
            for word in cell.split_whitespace() {
                let w = (fonts.text_width(font, TABLE_SIZE, word) + pad).min(WIDTH / 3.0);
                min[i] = min[i].max(w);
            }
        }
    }
    for i in 0..n {
        min[i] = min[i].max(pad + 12.0);
        natural[i] = natural[i].max(min[i]);
    }
    let total_natural: f32 = natural.iter().sum();
    if total_natural <= WIDTH {
        let extra = (WIDTH - total_natural) / n as f32;
        return natural.iter().map(|w| w + extra).collect();
    }
    let total_min: f32 = min.iter().sum();
    if total_min >= WIDTH {
        return min.iter().map(|w| w / total_min * WIDTH).collect();
    }
    let slack: f32 = natural.iter().zip(&min).map(|(n, m)| n - m).sum();
    let room = WIDTH - total_min;
    natural
        .iter()
        .zip(&min)
        .map(|(nat, m)| {
            if slack > 0.0 {
                m + (nat - m) / slack * room
            } else {
                *m
            }
        })
        .collect()
}

fn cell_lines(fonts: &Fonts, row: &[String], widths: &[f32], font: Font) -> Vec<Vec<Vec<Glyph>>> {
    widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let text = row.get(i).map_or("", String::as_str);
            wrap(fonts, text, font, TABLE_SIZE, (w - 2.0 * CELL_PAD).max(1.0))
        })
        .collect()
}

fn row_height(lines: &[Vec<Vec<Glyph>>]) -> f32 {
    let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    n as f32 * TABLE_LEADING + 2.0 * CELL_PAD
}

/// One row segment to draw: `lines[c][from..from+count]` of each cell, tagged per cell.
struct RowSegment<'r> {
    lines: &'r [Vec<Vec<Glyph>>],
    from: usize,
    count: usize,
    font: Font,
    shade: bool,
    /// The cell elements, or `None` for a repeated header (an artifact).
    cells: Option<&'r [usize]>,
}

/// Draws one row segment at the cursor.
fn draw_row(l: &mut Layout, widths: &[f32], s: &RowSegment) {
    let h = s.count as f32 * TABLE_LEADING + 2.0 * CELL_PAD;
    let top = l.y;
    let bottom = top - h;
    if s.shade {
        l.page().push(Op::Shade {
            x: LEFT,
            y: bottom,
            w: WIDTH,
            h,
        });
    }
    let mut x = LEFT;
    for (c, w) in widths.iter().enumerate() {
        let tag = s
            .cells
            .and_then(|cells| cells.get(c))
            .map_or(Tag::Artifact, |n| Tag::Node(*n));
        for (k, line) in s.lines[c].iter().skip(s.from).take(s.count).enumerate() {
            let baseline = top - CELL_PAD - TABLE_SIZE - k as f32 * TABLE_LEADING + 1.5;
            l.text(
                s.font,
                TABLE_SIZE,
                x + CELL_PAD,
                baseline,
                line.clone(),
                tag,
            );
        }
        x += w;
    }
    l.line(LEFT, top, RIGHT, top);
    l.line(LEFT, bottom, RIGHT, bottom);
    let mut x = LEFT;
    l.line(x, top, x, bottom);
    for w in widths {
        x += w;
        l.line(x, top, x, bottom);
    }
    l.y = bottom;
}

/// A row element with one cell element of `role` per column.
fn row_nodes(l: &mut Layout, table: usize, n: usize, role: StructRole) -> Vec<usize> {
    let tr = l.node(StructRole::TR, table);
    (0..n).map(|_| l.node(role, tr)).collect()
}

fn table(l: &mut Layout, headers: &[String], weights: Option<&[f32]>, rows: &[Vec<String>]) {
    let fonts = l.fonts;
    let widths = column_widths(fonts, headers, rows, weights);
    let head = cell_lines(fonts, headers, &widths, Font::Bold);
    let head_lines = head.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let head_h = row_height(&head);
    let body_h = TOP - BOTTOM;
    let table = l.node(StructRole::Table, 0);
    let head_cells = row_nodes(l, table, widths.len(), StructRole::TH);
    fn header<'r>(
        lines: &'r [Vec<Vec<Glyph>>],
        count: usize,
        cells: Option<&'r [usize]>,
    ) -> RowSegment<'r> {
        RowSegment {
            lines,
            from: 0,
            count,
            font: Font::Bold,
            shade: true,
            cells,
        }
    }

    // Keep the header with the whole first row (or a third of a page of it).
    let first_h = rows.first().map_or(TABLE_LEADING + 2.0 * CELL_PAD, |r| {
        row_height(&cell_lines(fonts, r, &widths, Font::Regular))
    });
    l.ensure(head_h + first_h.min(body_h / 3.0));
    draw_row(l, &widths, &header(&head, head_lines, Some(&head_cells)));
    for row in rows {
        let cells = row_nodes(l, table, widths.len(), StructRole::TD);
        let lines = cell_lines(fonts, row, &widths, Font::Regular);
        let total = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = row_height(&lines);
        if l.y - h < BOTTOM && h <= body_h - head_h {
            l.new_page();
            draw_row(l, &widths, &header(&head, head_lines, None));
        }
        let mut from = 0;
        while from < total {
            let fit = ((l.y - BOTTOM - 2.0 * CELL_PAD) / TABLE_LEADING).floor();
            let fit = if fit.is_finite() && fit >= 1.0 {
                fit as usize
            } else {
                0
            };
            if fit == 0 {
                l.new_page();
                draw_row(l, &widths, &header(&head, head_lines, None));
                continue;
            }
            let count = fit.min(total - from);
            let segment = RowSegment {
                lines: &lines,
                from,
                count,
                font: Font::Regular,
                shade: false,
                cells: Some(&cells),
            };
            draw_row(l, &widths, &segment);
            from += count;
        }
    }
    l.y -= 8.0;
}

/// The dark cells of `cells` as rectangles `(column, row, run length)`, one per horizontal run.
pub(crate) fn runs(cells: &[Vec<bool>]) -> Vec<(usize, usize, usize)> {
    let mut out = Vec::new();
    for (r, row) in cells.iter().enumerate() {
        let mut c = 0;
        while c < row.len() {
            if row[c] {
                let start = c;
                while c < row.len() && row[c] {
                    c += 1;
                }
                out.push((start, r, c - start));
            } else {
                c += 1;
            }
        }
    }
    out
}

fn grid(l: &mut Layout, cells: &[Vec<bool>], module: f32, caption: Option<&str>, alt: &str) {
    let cols = cells.iter().map(Vec::len).max().unwrap_or(0);
    let rows = cells.len();
    if cols == 0 || rows == 0 {
        return;
    }
    let caption_h = if caption.is_some() {
        BODY_LEADING + 4.0
    } else {
        0.0
    };
    // The largest module that fits the page (a grid is never split), at most the one asked for.
    let fit = ((TOP - BOTTOM - caption_h) / rows as f32).min(WIDTH / cols as f32);
    let module = if module.is_finite() && module > 0.0 {
        module.min(fit)
    } else {
        fit
    };
    let h = rows as f32 * module;
    l.ensure(h + caption_h);
    let figure = l.node(StructRole::Figure, 0);
    l.tree[figure].alt = Some(alt.to_string());
    let top = l.y;
    for (c, r, n) in runs(cells) {
        let y = top - (r as f32 + 1.0) * module;
        l.page().push(Op::Fill {
            x: LEFT + c as f32 * module,
            y,
            w: n as f32 * module,
            h: module,
            tag: Tag::Node(figure),
        });
    }
    l.y = top - h;
    if let Some(text) = caption {
        l.y -= 4.0;
        let p = l.node(StructRole::P, 0);
        let lines = l.wrap(text, Font::Regular, BODY_SIZE - 1.0, WIDTH);
        l.lines(
            Font::Regular,
            BODY_SIZE - 1.0,
            BODY_LEADING,
            LEFT,
            lines,
            Tag::Node(p),
        );
    }
    l.y -= 8.0;
}
#[cfg(test)]
mod tests {
    use super::*;

    fn text_of(line: &[Glyph]) -> String {
        line.iter().map(|g| g.ch).collect()
    }

    #[test]
    fn wrap_respects_width_and_breaks_long_words() {
        let fonts = Fonts::bundled();
        let mono = fonts.glyph(Font::Mono, 'a').advance / 100.0; // points at size 10
        let lines = wrap(&fonts, "aaaa bbbb cccc", Font::Mono, 10.0, mono * 9.5);
        let texts: Vec<String> = lines.iter().map(|l| text_of(l)).collect();
        assert_eq!(texts, ["aaaa bbbb ", "cccc"]);
        let lines = wrap(&fonts, &"x".repeat(25), Font::Mono, 10.0, mono * 10.5);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.len() <= 10));
        // A line broken at a space keeps it (for text extraction), beyond the width.
        let lines = wrap(&fonts, "aa bb", Font::Mono, 10.0, mono * 3.0);
        assert_eq!(lines.len(), 2);
        assert!(width(&lines[0][..2], 10.0) <= mono * 3.0);
    }

    #[test]
    fn cjk_text_without_spaces_wraps_between_characters() {
        let fonts = Fonts::bundled();
        let lines = wrap(&fonts, &"血糖".repeat(100), Font::Regular, 10.0, 100.0);
        assert!(lines.len() > 5, "{}", lines.len());
        assert!(lines.iter().all(|l| width(l, 10.0) <= 100.0));
    }

    #[test]
    fn column_widths_fill_the_page() {
        let fonts = Fonts::bundled();
        let w = column_widths(
            &fonts,
            &["a".into(), "b".into()],
            &[vec!["x".into(), "long ".repeat(80)]],
            None,
        );
        let sum: f32 = w.iter().sum();
        assert!((sum - WIDTH).abs() < 0.5, "{w:?}");
        assert!(w[1] > w[0]);
    }

    #[test]
    fn grid_runs_cover_exactly_the_dark_cells() {
        let cells = vec![
            vec![true, true, false, true],
            vec![false, false, false, false],
            vec![true, false, true, true],
        ];
        assert_eq!(
            runs(&cells),
            vec![(0, 0, 2), (3, 0, 1), (0, 2, 1), (2, 2, 2)]
        );
    }

    #[test]
    fn a_grid_too_big_for_a_page_shrinks_onto_one() {
        let cells = vec![vec![true; 10]; 400];
        let laid = lay_out(
            &Fonts::bundled(),
            "t",
            &[Block::Grid {
                cells,
                module: 10.0,
                caption: Some("caption".into()),
                alt: "a figure".into(),
            }],
            &[],
        );
        assert_eq!(laid.pages.len(), 1);
        let fills: Vec<(f32, f32)> = laid.pages[0]
            .iter()
            .filter_map(|op| match op {
                Op::Fill { y, h, .. } => Some((*y, *h)),
                _ => None,
            })
            .collect();
        assert_eq!(fills.len(), 400);
        assert!(fills.iter().all(|(y, h)| *y >= BOTTOM - 0.01 && *h < 10.0));
        let figure = laid.tree.iter().find(|n| n.role == StructRole::Figure);
        assert_eq!(figure.and_then(|f| f.alt.as_deref()), Some("a figure"));
    }

    #[test]
    fn a_row_taller_than_a_page_is_split() {
        let tall = "line\n".repeat(200);
        let laid = lay_out(
            &Fonts::bundled(),
            "t",
            &[Block::Table {
                headers: vec!["h".into()],
                widths: None,
                rows: vec![vec![tall]],
            }],
            &[],
        );
        assert!(laid.pages.len() >= 3, "{}", laid.pages.len());
        // The header drawn again on the later pages is an artifact, not a second header row.
        let th = laid
            .tree
            .iter()
            .filter(|n| n.role == StructRole::TH)
            .count();
        assert_eq!(th, 1);
    }

    #[test]
    fn repeated_headers_and_footers_are_artifacts() {
        let laid = lay_out(
            &Fonts::bundled(),
            "t",
            &[Block::Paragraph {
                text: "x".into(),
                font: Font::Regular,
            }],
            &[],
        );
        let tags: Vec<Tag> = laid.pages[0].iter().map(Op::tag).collect();
        assert_eq!(tags[0], Tag::Node(1));
        assert!(tags[1..].iter().all(|t| *t == Tag::Artifact), "{tags:?}");
    }
}
