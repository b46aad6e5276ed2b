//! The layout engine: blocks → pages of drawing operations → PDF objects.
//!
//! Why a separate pass: footers say "page N of M", so every page must be laid out before any is
//! written. Layout works top-down in points on an A4 page; PDF's origin is bottom-left, so a
//! cursor `y` counts down from the top margin. Every loop makes progress on every iteration
//! (a line is drawn, or a fresh page is started on a page that had content), so no input can
//! make layout spin.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::Block;
use crate::metrics::{Font, encode, text_width};

const PAGE_W: f32 = 595.28;
const PAGE_H: f32 = 841.89;
const LEFT: f32 = 56.0;
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

/// One drawing operation on a page.
#[derive(Clone, Debug)]
pub(crate) enum Op {
    /// Text with its baseline at `y`.
    Text {
        font: Font,
        size: f32,
        x: f32,
        y: f32,
        bytes: Vec<u8>,
    },
    /// A straight line.
    Line { x1: f32, y1: f32, x2: f32, y2: f32 },
    /// A filled light-grey rectangle (header row background).
    Shade { x: f32, y: f32, w: f32, h: f32 },
    /// A filled black rectangle (a grid's dark cells).
    Fill { x: f32, y: f32, w: f32, h: f32 },
}

/// The pages being laid out and the cursor.
struct Layout {
    pages: Vec<Vec<Op>>,
    y: f32,
}

impl Layout {
    fn new() -> Layout {
        Layout {
            pages: vec![Vec::new()],
            y: TOP,
        }
    }

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

    fn text(&mut self, font: Font, size: f32, x: f32, baseline: f32, bytes: Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        self.page().push(Op::Text {
            font,
            size,
            x,
            y: baseline,
            bytes,
        });
    }

    fn line(&mut self, x1: f32, y1: f32, x2: f32, y2: f32) {
        self.page().push(Op::Line { x1, y1, x2, y2 });
    }

    /// Wrapped lines, each drawn at `x`, advancing the cursor by `leading` per line.
    fn lines(&mut self, font: Font, size: f32, leading: f32, x: f32, lines: Vec<Vec<u8>>) {
        for l in lines {
            self.ensure(leading);
            let baseline = self.y - size;
            self.text(font, size, x, baseline, l);
            self.y -= leading;
        }
    }
}

/// Splits text into lines no wider than `width`: explicit newlines first, then words; a word
/// wider than a line is broken between characters.
pub(crate) fn wrap(text: &str, font: Font, size: f32, width: f32) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let mut line: Vec<u8> = Vec::new();
        for word in raw.split([' ', '\t']).filter(|w| !w.is_empty()) {
            let w = encode(word);
            if w.is_empty() {
                continue;
            }
            let candidate_width = if line.is_empty() {
                text_width(font, size, &w)
            } else {
                text_width(font, size, &line)
                    + text_width(font, size, b" ")
                    + text_width(font, size, &w)
            };
            if candidate_width <= width {
                if !line.is_empty() {
                    line.push(b' ');
                }
                line.extend_from_slice(&w);
                continue;
            }
            if !line.is_empty() {
                out.push(std::mem::take(&mut line));
            }
            if text_width(font, size, &w) <= width {
                line = w;
                continue;
            }
            // Break an over-long word (a digest, a URL) between characters.
            for &b in &w {
                if !line.is_empty()
                    && text_width(font, size, &line) + text_width(font, size, &[b]) > width
                {
                    out.push(std::mem::take(&mut line));
                }
                line.push(b);
            }
        }
        out.push(line);
    }
    out
}

fn heading_style(level: u8) -> (f32, f32, f32) {
    // (size, space above, space below)
    match level {
        1 => (16.0, 14.0, 8.0),
        2 => (13.0, 10.0, 5.0),
        _ => (11.0, 8.0, 4.0),
    }
}

/// Lays out every block and returns the pages with their operations, footers included.
pub(crate) fn lay_out(title: &str, blocks: &[Block]) -> Vec<Vec<Op>> {
    let mut l = Layout::new();
    for block in blocks {
        match block {
            Block::Cover { subtitle, fields } => cover(&mut l, title, subtitle.as_deref(), fields),
            Block::Heading { level, text } => heading(&mut l, *level, text),
            Block::Paragraph { text, font } => {
                let lines = wrap(text, *font, BODY_SIZE, WIDTH);
                l.lines(*font, BODY_SIZE, BODY_LEADING, LEFT, lines);
                l.y -= 5.0;
            }
            Block::Mono { text } => {
                let lines = wrap_mono(text, WIDTH);
                l.lines(Font::Mono, MONO_SIZE, MONO_LEADING, LEFT, lines);
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
            } => grid(&mut l, cells, *module, caption.as_deref()),
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
        footer(page, title, i + 1, total);
    }
    pages
}

/// Monospace lines keep their spaces; only lines wider than the page are broken.
fn wrap_mono(text: &str, width: f32) -> Vec<Vec<u8>> {
    let per_line = ((width / (0.6 * MONO_SIZE)).floor() as usize).max(1);
    let mut out = Vec::new();
    for raw in text.split('\n') {
        let enc = encode(raw);
        if enc.is_empty() {
            out.push(Vec::new());
            continue;
        }
        out.extend(enc.chunks(per_line).map(<[u8]>::to_vec));
    }
    out
}

fn footer(page: &mut Vec<Op>, title: &str, n: usize, total: usize) {
    let size = 8.0;
    let y = 32.0;
    let right = encode(&format!("page {n} of {total}"));
    let right_w = text_width(Font::Regular, size, &right);
    let mut left = encode(title);
    let max_left = WIDTH - right_w - 24.0;
    while !left.is_empty() && text_width(Font::Regular, size, &left) > max_left {
        left.pop();
    }
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
        bytes: left,
    });
    page.push(Op::Text {
        font: Font::Regular,
        size,
        x: RIGHT - right_w,
        y,
        bytes: right,
    });
}

fn cover(l: &mut Layout, title: &str, subtitle: Option<&str>, fields: &[(String, String)]) {
    if !l.page_is_empty() {
        l.new_page();
    }
    l.y -= 60.0;
    let lines = wrap(title, Font::Bold, 24.0, WIDTH);
    l.lines(Font::Bold, 24.0, 30.0, LEFT, lines);
    if let Some(s) = subtitle {
        l.y -= 4.0;
        let lines = wrap(s, Font::Regular, 14.0, WIDTH);
        l.lines(Font::Regular, 14.0, 18.0, LEFT, lines);
    }
    l.y -= 12.0;
    let y = l.y;
    l.line(LEFT, y, RIGHT, y);
    l.y -= 16.0;
    let label_w = fields
        .iter()
        .map(|(k, _)| text_width(Font::Bold, BODY_SIZE, &encode(k)))
        .fold(0.0_f32, f32::max)
        .min(WIDTH * 0.35)
        + 12.0;
    for (k, v) in fields {
        let keys = wrap(k, Font::Bold, BODY_SIZE, label_w - 12.0);
        let vals = wrap(v, Font::Regular, BODY_SIZE, WIDTH - label_w);
        let n = keys.len().max(vals.len());
        for i in 0..n {
            l.ensure(BODY_LEADING + 2.0);
            let baseline = l.y - BODY_SIZE;
            if let Some(k) = keys.get(i) {
                l.text(Font::Bold, BODY_SIZE, LEFT, baseline, k.clone());
            }
            if let Some(v) = vals.get(i) {
                l.text(
                    Font::Regular,
                    BODY_SIZE,
                    LEFT + label_w,
                    baseline,
                    v.clone(),
                );
            }
            l.y -= BODY_LEADING + 2.0;
        }
    }
    l.y -= 10.0;
}

fn heading(l: &mut Layout, level: u8, text: &str) {
    let (size, above, below) = heading_style(level);
    let leading = size * 1.25;
    let lines = wrap(text, Font::Bold, size, WIDTH);
    let h = above + leading * lines.len() as f32 + below;
    // Keep a heading with what follows it: a few lines of text, or a table header and row.
    l.ensure(h + 80.0);
    if !l.page_is_empty() {
        l.y -= above;
    }
    l.lines(Font::Bold, size, leading, LEFT, lines);
    if level == 1 {
        let y = l.y + 2.0;
        l.line(LEFT, y, RIGHT, y);
    }
    l.y -= below;
}

/// Column widths in points: the given weights, or from the content (natural width where it
/// fits, otherwise the longest word plus a share of the rest).
fn column_widths(headers: &[String], rows: &[Vec<String>], weights: Option<&[f32]>) -> Vec<f32> {
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
                let w = text_width(font, TABLE_SIZE, &encode(line)) + pad;
                natural[i] = natural[i].max(w);
            }
            for word in cell.split_whitespace() {
                let w = (text_width(font, TABLE_SIZE, &encode(word)) + pad).min(WIDTH / 3.0);
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

fn cell_lines(row: &[String], widths: &[f32], font: Font) -> Vec<Vec<Vec<u8>>> {
    widths
        .iter()
        .enumerate()
        .map(|(i, w)| {
            let text = row.get(i).map_or("", String::as_str);
            wrap(text, font, TABLE_SIZE, (w - 2.0 * CELL_PAD).max(1.0))
        })
        .collect()
}

fn row_height(lines: &[Vec<Vec<u8>>]) -> f32 {
    let n = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
    n as f32 * TABLE_LEADING + 2.0 * CELL_PAD
}

/// Draws `lines[c][from..from+count]` of each cell as one row segment at the cursor.
fn draw_row(
    l: &mut Layout,
    widths: &[f32],
    lines: &[Vec<Vec<u8>>],
    from: usize,
    count: usize,
    font: Font,
    shade: bool,
) {
    let h = count as f32 * TABLE_LEADING + 2.0 * CELL_PAD;
    let top = l.y;
    let bottom = top - h;
    if shade {
        l.page().push(Op::Shade {
            x: LEFT,
            y: bottom,
            w: WIDTH,
            h,
        });
    }
    let mut x = LEFT;
    for (c, w) in widths.iter().enumerate() {
        for (k, line) in lines[c].iter().skip(from).take(count).enumerate() {
            let baseline = top - CELL_PAD - TABLE_SIZE - k as f32 * TABLE_LEADING + 1.5;
            l.text(font, TABLE_SIZE, x + CELL_PAD, baseline, line.clone());
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

fn table(l: &mut Layout, headers: &[String], weights: Option<&[f32]>, rows: &[Vec<String>]) {
    let widths = column_widths(headers, rows, weights);
    let head = cell_lines(headers, &widths, Font::Bold);
    let head_lines = head.iter().map(Vec::len).max().unwrap_or(1).max(1);
    let head_h = row_height(&head);
    let body_h = TOP - BOTTOM;
    let draw_header = |l: &mut Layout| draw_row(l, &widths, &head, 0, head_lines, Font::Bold, true);

    // Keep the header with the whole first row (or a third of a page of it).
    let first_h = rows.first().map_or(TABLE_LEADING + 2.0 * CELL_PAD, |r| {
        row_height(&cell_lines(r, &widths, Font::Regular))
    });
    l.ensure(head_h + first_h.min(body_h / 3.0));
    draw_header(l);
    for row in rows {
        let lines = cell_lines(row, &widths, Font::Regular);
        let total = lines.iter().map(Vec::len).max().unwrap_or(1).max(1);
        let h = row_height(&lines);
        if l.y - h < BOTTOM && h <= body_h - head_h {
            l.new_page();
            draw_header(l);
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
                draw_header(l);
                continue;
            }
            let count = fit.min(total - from);
            draw_row(l, &widths, &lines, from, count, Font::Regular, false);
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

fn grid(l: &mut Layout, cells: &[Vec<bool>], module: f32, caption: Option<&str>) {
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
    let top = l.y;
    for (c, r, n) in runs(cells) {
        let y = top - (r as f32 + 1.0) * module;
        l.page().push(Op::Fill {
            x: LEFT + c as f32 * module,
            y,
            w: n as f32 * module,
            h: module,
        });
    }
    l.y = top - h;
    if let Some(text) = caption {
        l.y -= 4.0;
        let lines = wrap(text, Font::Regular, BODY_SIZE - 1.0, WIDTH);
        l.lines(Font::Regular, BODY_SIZE - 1.0, BODY_LEADING, LEFT, lines);
    }
    l.y -= 8.0;
}

/// Writes the laid-out pages as a PDF file.
pub(crate) fn write_pdf(title: &str, pages: &[Vec<Op>]) -> Vec<u8> {
    let mut pdf = Pdf::new();
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let font_base = 4;
    let first_page = font_base + Font::ALL.len() as i32;
    let page_ids: Vec<Ref> = (0..pages.len())
        .map(|i| Ref::new(first_page + 2 * i as i32))
        .collect();

    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().copied())
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    pdf.document_info(info_id)
        .title(TextStr(title))
        .producer(TextStr("dtsec"));
    for (i, f) in Font::ALL.iter().enumerate() {
        pdf.type1_font(Ref::new(font_base + i as i32))
            .base_font(Name(f.base_name()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }
    for (i, ops) in pages.iter().enumerate() {
        let page_id = page_ids[i];
        let content_id = Ref::new(page_id.get() + 1);
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree_id);
        page.contents(content_id);
        {
            let mut resources = page.resources();
            let mut fonts = resources.fonts();
            for (k, f) in Font::ALL.iter().enumerate() {
                fonts.pair(Name(f.resource_name()), Ref::new(font_base + k as i32));
            }
            fonts.finish();
            resources.finish();
        }
        page.finish();
        let mut content = Content::new();
        content.set_line_width(0.5);
        content.set_stroke_gray(0.55);
        for op in ops {
            match op {
                Op::Shade { x, y, w, h } => {
                    content.set_fill_gray(0.9);
                    content.rect(*x, *y, *w, *h);
                    content.fill_nonzero();
                    content.set_fill_gray(0.0);
                }
                Op::Fill { x, y, w, h } => {
                    content.set_fill_gray(0.0);
                    content.rect(*x, *y, *w, *h);
                    content.fill_nonzero();
                }
                Op::Line { x1, y1, x2, y2 } => {
                    content.move_to(*x1, *y1);
                    content.line_to(*x2, *y2);
                    content.stroke();
                }
                Op::Text { .. } => {}
            }
        }
        for op in ops {
            if let Op::Text {
                font,
                size,
                x,
                y,
                bytes,
            } = op
            {
                content.begin_text();
                content.set_font(Name(font.resource_name()), *size);
                content.next_line(*x, *y);
                content.show(Str(bytes));
                content.end_text();
            }
        }
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_respects_width_and_breaks_long_words() {
        let lines = wrap("aaaa bbbb cccc", Font::Mono, 10.0, 6.0 * 9.0);
        assert_eq!(lines, vec![b"aaaa bbbb".to_vec(), b"cccc".to_vec()]);
        let lines = wrap(&"x".repeat(25), Font::Mono, 10.0, 60.0);
        assert_eq!(lines.len(), 3);
        assert!(lines.iter().all(|l| l.len() <= 10));
    }

    #[test]
    fn column_widths_fill_the_page() {
        let w = column_widths(
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
        let pages = lay_out(
            "t",
            &[Block::Grid {
                cells,
                module: 10.0,
                caption: Some("caption".into()),
            }],
        );
        assert_eq!(pages.len(), 1);
        let fills: Vec<(f32, f32)> = pages[0]
            .iter()
            .filter_map(|op| match op {
                Op::Fill { y, h, .. } => Some((*y, *h)),
                _ => None,
            })
            .collect();
        assert_eq!(fills.len(), 400);
        assert!(fills.iter().all(|(y, h)| *y >= BOTTOM - 0.01 && *h < 10.0));
    }

    #[test]
    fn a_row_taller_than_a_page_is_split() {
        let tall = "line\n".repeat(200);
        let pages = lay_out(
            "t",
            &[Block::Table {
                headers: vec!["h".into()],
                widths: None,
                rows: vec![vec![tall]],
            }],
        );
        assert!(pages.len() >= 3, "{}", pages.len());
    }
}
