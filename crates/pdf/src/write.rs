//! Writing a laid-out document as a tagged PDF file.
//!
//! Why tagged: a screen reader, a "reflow" view or a search index needs to know what is a
//! heading, a paragraph, a table cell or a picture, and in which order to read it. Each run of
//! page content that belongs to a structure element is wrapped in a marked-content sequence
//! (`BDC`/`EMC` with an MCID); the structure tree (PDF 32000-1 §14.7) lists the elements with
//! their marked content, and the parent tree maps each page's MCIDs back to their elements.
//! Decoration is marked as `/Artifact`. The catalog says so (`/MarkInfo`), names the language
//! (`/Lang`) and asks viewers to show the title (`/ViewerPreferences`); headings also become
//! the outline (bookmarks).

use pdf_writer::Filter;
use pdf_writer::types::StructRole;
use pdf_writer::writers::StructTreeRoot;
use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use crate::embed::{self, Cids, Used};
use crate::fonts::{FaceId, Font, Fonts};
use crate::layout::{HeadingAt, LEFT, Laid, Op, PAGE_H, PAGE_W, Tag};

/// A written PDF and what writing it found.
pub(crate) struct Written {
    pub(crate) bytes: Vec<u8>,
    pub(crate) replaced: usize,
}

/// Hands out object numbers in order.
struct Refs(i32);

impl Refs {
    fn next(&mut self) -> Ref {
        self.0 += 1;
        Ref::new(self.0)
    }
}

/// Marked content of one structure element: (page index, MCID).
type Marks = Vec<(usize, i32)>;

/// Writes the laid-out pages as a tagged PDF file.
pub(crate) fn write_pdf(title: &str, lang: &str, laid: &Laid, fonts: &Fonts) -> Written {
    let mut used = Used::default();
    let mut replaced = 0;
    for op in laid.pages.iter().flatten() {
        if let Op::Text { glyphs, .. } = op {
            for g in glyphs {
                used.add(g);
                replaced += usize::from(g.replaced);
            }
        }
    }
    let prepared = embed::prepare(&used);

    let mut pdf = Pdf::new();
    let mut refs = Refs(0);
    let catalog_id = refs.next();
    let tree_id = refs.next();
    let info_id = refs.next();
    let root_id = refs.next();
    let font_ids: Vec<Option<Ref>> = FaceId::ALL
        .iter()
        .map(|f| used.is_used(*f).then(|| refs.next()))
        .collect();
    let page_ids: Vec<(Ref, Ref, Ref)> = laid
        .pages
        .iter()
        .map(|_| (refs.next(), refs.next(), refs.next()))
        .collect();
    let node_ids: Vec<Ref> = laid.tree.iter().map(|_| refs.next()).collect();

    // Pages and their content, collecting each element's marked content.
    let mut marks: Vec<Marks> = vec![Vec::new(); laid.tree.len()];
    for (i, ops) in laid.pages.iter().enumerate() {
        let (page_id, content_id, parents_id) = page_ids[i];
        let mut page = pdf.page(page_id);
        page.media_box(Rect::new(0.0, 0.0, PAGE_W, PAGE_H));
        page.parent(tree_id);
        page.contents(content_id);
        page.struct_parents(i32::try_from(i).unwrap_or(i32::MAX));
        {
            let mut resources = page.resources();
            let mut fonts_dict = resources.fonts();
            for (f, id) in FaceId::ALL.iter().zip(&font_ids) {
                if let Some(id) = id {
                    fonts_dict.pair(Name(f.resource_name()), *id);
                }
            }
            fonts_dict.finish();
            resources.finish();
        }
        page.finish();
        let (content, mcids) = page_content(ops, &prepared, i, &mut marks);
        pdf.stream(content_id, &deflate(&content))
            .filter(Filter::FlateDecode);
        pdf.indirect(parents_id)
            .array()
            .items(mcids.iter().map(|n| node_ids[*n]));
    }

    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|p| p.0))
        .count(i32::try_from(laid.pages.len()).unwrap_or(i32::MAX));
    pdf.document_info(info_id)
        .title(TextStr(title))
        .producer(TextStr("dtsec"));

    // The structure tree.
    {
        let mut root: StructTreeRoot = pdf.indirect(root_id).start();
        root.child(node_ids[0]);
        let mut tree = root.parent_tree();
        let mut nums = tree.nums();
        for (i, (_, _, parents_id)) in page_ids.iter().enumerate() {
            nums.insert(i32::try_from(i).unwrap_or(i32::MAX), *parents_id);
        }
        nums.finish();
        tree.finish();
        root.parent_tree_next_key(i32::try_from(page_ids.len()).unwrap_or(i32::MAX));
    }
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); laid.tree.len()];
    for (n, node) in laid.tree.iter().enumerate().skip(1) {
        children[node.parent].push(n);
    }
    for (n, node) in laid.tree.iter().enumerate() {
        let mut el = pdf.struct_element(node_ids[n]);
        el.kind(node.role);
        el.parent(if n == 0 {
            root_id
        } else {
            node_ids[node.parent]
        });
        if let Some(alt) = &node.alt {
            el.alt(TextStr(alt));
        }
        // Marked content on the element's own page is a bare MCID; only an element that
        // continues on another page needs the longer reference naming that page.
        let home = marks[n].first().map(|(page, _)| *page);
        if let Some(page) = home {
            el.page(page_ids[page].0);
        }
        let mut kids = el.children();
        for c in &children[n] {
            kids.struct_element(node_ids[*c]);
        }
        for (page, mcid) in &marks[n] {
            if Some(*page) == home {
                kids.marked_content_id(*mcid);
            } else {
                kids.marked_content_ref()
                    .marked_content_id(*mcid)
                    .page(page_ids[*page].0);
            }
        }
    }

    // Fonts.
    let mut next = || refs.next();
    for (f, id) in FaceId::ALL.iter().zip(&font_ids) {
        if let (Some(id), Some(face)) = (id, &prepared[f.index()]) {
            embed::write_face(&mut pdf, fonts, *f, &used, face, *id, &mut next);
        }
    }

    // The outline.
    let outline_id = (!laid.headings.is_empty()).then(|| {
        let id = refs.next();
        write_outline(&mut pdf, id, &laid.headings, &page_ids, &mut refs);
        id
    });

    let mut catalog = pdf.catalog(catalog_id);
    catalog.pages(tree_id);
    catalog.pair(Name(b"StructTreeRoot"), root_id);
    catalog.mark_info().marked(true);
    catalog.lang(TextStr(lang));
    catalog.viewer_preferences().display_doc_title(true);
    if let Some(id) = outline_id {
        catalog.outlines(id);
    }
    catalog.finish();

    Written {
        bytes: pdf.finish(),
        replaced,
    }
}

/// Zlib-compresses a stream: content streams and fonts shrink to about a tenth.
pub(crate) fn deflate(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 6)
}

/// The content stream of one page, and the element of each MCID on it.
fn page_content(
    ops: &[Op],
    prepared: &[Option<(Cids, Vec<u8>)>; 4],
    page: usize,
    marks: &mut [Marks],
) -> (Vec<u8>, Vec<usize>) {
    let mut content = Content::new();
    content.set_line_width(0.5);
    content.set_stroke_gray(0.55);
    let mut mcids: Vec<usize> = Vec::new();
    let mut open: Option<Tag> = None;
    for op in ops {
        let tag = op.tag();
        if open != Some(tag) {
            if open.is_some() {
                content.end_marked_content();
            }
            match tag {
                Tag::Artifact => {
                    content.begin_marked_content(Name(b"Artifact"));
                }
                Tag::Node(n) => {
                    let mcid = i32::try_from(mcids.len()).unwrap_or(i32::MAX);
                    mcids.push(n);
                    if let Some(m) = marks.get_mut(n) {
                        m.push((page, mcid));
                    }
                    let role = marks_role(op);
                    content
                        .begin_marked_content_with_properties(role)
                        .properties()
                        .identify(mcid);
                }
            }
            open = Some(tag);
        }
        draw(&mut content, op, prepared);
    }
    if open.is_some() {
        content.end_marked_content();
    }
    (content.finish().to_vec(), mcids)
}

/// The tag name written on a marked-content sequence. Readers take the role from the structure
/// element; the sequence's own tag only needs to be a name, so text is `Span` and a picture's
/// rectangles `Figure`.
fn marks_role(op: &Op) -> Name<'static> {
    if matches!(op, Op::Fill { .. }) {
        StructRole::Figure.to_name()
    } else {
        StructRole::Span.to_name()
    }
}

fn draw(content: &mut Content, op: &Op, prepared: &[Option<(Cids, Vec<u8>)>; 4]) {
    match op {
        Op::Shade { x, y, w, h } => {
            content.set_fill_gray(0.9);
            content.rect(*x, *y, *w, *h);
            content.fill_nonzero();
            content.set_fill_gray(0.0);
        }
        Op::Accent { x, y, w, h } => {
            content.set_fill_rgb(0.7, 0.08, 0.08);
            content.rect(*x, *y, *w, *h);
            content.fill_nonzero();
            content.set_fill_gray(0.0);
        }
        Op::Fill { x, y, w, h, .. } => {
            content.set_fill_gray(0.0);
            content.rect(*x, *y, *w, *h);
            content.fill_nonzero();
        }
        Op::Line { x1, y1, x2, y2 } => {
            content.move_to(*x1, *y1);
            content.line_to(*x2, *y2);
            content.stroke();
        }
        Op::Text {
            font,
            size,
            x,
            y,
            glyphs,
            ..
        } => {
            content.begin_text();
            // No italic face is shipped: a slant in the text matrix draws the oblique.
            let slant = if *font == Font::Italic { 0.2 } else { 0.0 };
            content.set_text_matrix([1.0, 0.0, slant, 1.0, *x, *y]);
            // One run per face: the font changes, the text position carries on.
            let mut i = 0;
            while i < glyphs.len() {
                let face = glyphs[i].face;
                let mut bytes = Vec::new();
                while i < glyphs.len() && glyphs[i].face == face {
                    let cid = prepared[face.index()]
                        .as_ref()
                        .map_or(0, |(cids, _)| cids.cid(glyphs[i].gid));
                    bytes.extend_from_slice(&cid.to_be_bytes());
                    i += 1;
                }
                content.set_font(Name(face.resource_name()), *size);
                content.show(Str(&bytes));
            }
            content.end_text();
        }
    }
}

/// Writes the headings as the outline: nested by level, each opening its page at the heading.
fn write_outline(
    pdf: &mut Pdf,
    outline_id: Ref,
    headings: &[HeadingAt],
    page_ids: &[(Ref, Ref, Ref)],
    refs: &mut Refs,
) {
    let ids: Vec<Ref> = headings.iter().map(|_| refs.next()).collect();
    // The parent of each item: the nearest earlier heading of a smaller level.
    let mut parent: Vec<Option<usize>> = Vec::with_capacity(headings.len());
    let mut stack: Vec<usize> = Vec::new();
    for (i, h) in headings.iter().enumerate() {
        while stack.last().is_some_and(|&s| headings[s].level >= h.level) {
            stack.pop();
        }
        parent.push(stack.last().copied());
        stack.push(i);
    }
    let mut kids: Vec<Vec<usize>> = vec![Vec::new(); headings.len()];
    let mut top: Vec<usize> = Vec::new();
    for (i, p) in parent.iter().enumerate() {
        match p {
            Some(p) => kids[*p].push(i),
            None => top.push(i),
        }
    }
    // Descendants, counted from the last item back (a child always follows its parent).
    let mut descendants = vec![0_usize; headings.len()];
    for i in (0..headings.len()).rev() {
        descendants[i] = kids[i].iter().map(|k| 1 + descendants[*k]).sum();
    }
    {
        let mut outline = pdf.outline(outline_id);
        if let (Some(first), Some(last)) = (top.first(), top.last()) {
            outline.first(ids[*first]).last(ids[*last]);
        }
        outline.count(i32::try_from(headings.len()).unwrap_or(i32::MAX));
    }
    let mut prev: Vec<Option<usize>> = vec![None; headings.len()];
    let mut next: Vec<Option<usize>> = vec![None; headings.len()];
    for siblings in kids.iter().chain(std::iter::once(&top)) {
        for pair in siblings.windows(2) {
            next[pair[0]] = Some(pair[1]);
            prev[pair[1]] = Some(pair[0]);
        }
    }
    for (i, h) in headings.iter().enumerate() {
        let mut item = pdf.outline_item(ids[i]);
        item.title(TextStr(&h.text));
        item.parent(parent[i].map_or(outline_id, |p| ids[p]));
        if let Some(p) = prev[i] {
            item.prev(ids[p]);
        }
        if let Some(n) = next[i] {
            item.next(ids[n]);
        }
        if let (Some(first), Some(last)) = (kids[i].first(), kids[i].last()) {
            item.first(ids[*first]).last(ids[*last]);
            item.count(i32::try_from(descendants[i]).unwrap_or(i32::MAX));
        }
        if let Some((page, _, _)) = page_ids.get(h.page) {
            item.dest().page(*page).xyz(LEFT, h.y, None);
        }
    }
}
