//! Turning XML into the strings the model keeps: source positions, XHTML prose and plain text.
//!
//! Prose is kept as HTML so a render loses nothing: XHTML elements are written under their own
//! name (`<p>`, `<ul>`), NIAP elements that HTML lacks keep a `niap:` prefix (`<niap:xref to=…/>`)
//! and section elements a `sec:` prefix, so an exporter can map each back to its namespace.

use dtsec_model::Span;

use crate::ns::{NIAP_NS, NIAP_SECTION_NS, XHTML_NS};

/// Byte offsets of line starts, for line:column of any offset in O(log n).
pub(crate) struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub(crate) fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, text: &str, offset: usize) -> (u32, u32) {
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let column = text
            .get(start..offset.min(text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    pub(crate) fn span(&self, text: &str, range: std::ops::Range<usize>) -> Span {
        let (line, column) = self.line_col(text, range.start);
        Span {
            line,
            column,
            offset: Some(range.start),
            len: range.end.saturating_sub(range.start),
        }
    }
}

/// Collapses runs of whitespace to one space and trims the ends.
pub(crate) fn normalize_ws(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// True when `node` is the NIAP element `name`.
pub(crate) fn is(node: roxmltree::Node<'_, '_>, name: &str) -> bool {
    node.is_element()
        && node.tag_name().name() == name
        && node.tag_name().namespace() == Some(NIAP_NS)
}

/// The first NIAP child element `name`.
pub(crate) fn child<'a, 'i>(
    node: roxmltree::Node<'a, 'i>,
    name: &str,
) -> Option<roxmltree::Node<'a, 'i>> {
    node.children().find(|c| is(*c, name))
}

/// The prefix under which an element is written in kept HTML.
pub(crate) fn html_name(node: roxmltree::Node<'_, '_>) -> String {
    let local = node.tag_name().name();
    match node.tag_name().namespace() {
        Some(XHTML_NS) => local.to_string(),
        Some(NIAP_SECTION_NS) => format!("sec:{local}"),
        _ => format!("niap:{local}"),
    }
}

pub(crate) fn escape_text(s: &str, out: &mut String) {
    escape(s, out, |b| matches!(b, b'&' | b'<' | b'>'));
}

pub(crate) fn escape_attr(s: &str, out: &mut String) {
    escape(s, out, |b| matches!(b, b'&' | b'<' | b'"'));
}

/// Copies `s` into `out` with the bytes `special` picks replaced by their entities, a run of
/// ordinary text at a time (prose is almost all ordinary text; a character at a time was a
/// sixth of a NIAP import). The special bytes are ASCII, so every cut is a character boundary.
fn escape(s: &str, out: &mut String, special: impl Fn(u8) -> bool) {
    out.reserve(s.len());
    let mut rest = s;
    while let Some(i) = rest.bytes().position(&special) {
        out.push_str(&rest[..i]);
        out.push_str(match rest.as_bytes()[i] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[i + 1..];
    }
    out.push_str(rest);
}

/// Writes the start tag of `node` (attributes in source order) into `out`.
pub(crate) fn start_tag(node: roxmltree::Node<'_, '_>, out: &mut String) -> String {
    let name = html_name(node);
    out.push('<');
    out.push_str(&name);
    for a in node.attributes() {
        out.push(' ');
        out.push_str(a.name());
        out.push_str("=\"");
        escape_attr(a.value(), out);
        out.push('"');
    }
    name
}

/// Counts of operations met inside prose.
#[derive(Default)]
pub(crate) struct ProseCounts {
    pub(crate) selectables: usize,
    pub(crate) assignables: usize,
}

/// The content of `node` (not the node itself) as HTML, trimmed. Iterative, so depth is no
/// concern beyond the limit already checked.
pub(crate) fn inner_html(node: roxmltree::Node<'_, '_>, counts: &mut ProseCounts) -> String {
    let mut out = String::new();
    // (node, entering?) pairs; closing tags are emitted on the way out.
    let mut stack: Vec<(roxmltree::Node<'_, '_>, bool)> =
        node.children().rev().map(|c| (c, true)).collect();
    while let Some((n, entering)) = stack.pop() {
        if n.is_text() {
            escape_text(n.text().unwrap_or(""), &mut out);
            continue;
        }
        if !n.is_element() {
            continue; // comments and processing instructions are not prose
        }
        if !entering {
            out.push_str("</");
            out.push_str(&html_name(n));
            out.push('>');
            continue;
        }
        if is(n, "selectables") {
            counts.selectables += 1;
        } else if is(n, "assignable") {
            counts.assignables += 1;
        }
        start_tag(n, &mut out);
        if n.has_children() {
            out.push('>');
            stack.push((n, false));
            stack.extend(n.children().rev().map(|c| (c, true)));
        } else {
            out.push_str("/>");
        }
    }
    out.trim().to_string()
}

/// The plain text of `node`, whitespace normalised. Block-level XHTML elements separate words.
pub(crate) fn plain_text(node: roxmltree::Node<'_, '_>) -> String {
    let mut out = String::new();
    for d in node.descendants() {
        if d.is_text() {
            out.push_str(d.text().unwrap_or(""));
        } else if d.is_element() && d.tag_name().namespace() == Some(XHTML_NS) {
            out.push(' ');
        }
    }
    normalize_ws(&out)
}

#[cfg(test)]
mod escape_tests {
    use super::*;

    #[test]
    fn text_and_attributes_are_escaped_around_multibyte_text() {
        let mut out = String::new();
        escape_text("a<b & Łódź > \"c\"", &mut out);
        assert_eq!(out, "a&lt;b &amp; Łódź &gt; \"c\"");
        let mut out = String::new();
        escape_attr("x=\"1\" <&> 血糖", &mut out);
        assert_eq!(out, "x=&quot;1&quot; &lt;&amp;> 血糖");
        assert_eq!(normalize_ws("  a \n\t b  c "), "a b c");
        assert_eq!(normalize_ws(" \n "), "");
    }
}
