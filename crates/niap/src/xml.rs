//! The one hardened XML reader: every NIAP file (PP, PP-Module, Package, ST) and every piece of
//! kept prose the exporter re-reads goes through [`parse_hardened`].
//!
//! The input is untrusted, and a parser is only as safe as what reaches it. So before roxmltree
//! sees a byte: the size is capped, any DOCTYPE is refused (no entity expansion, nothing
//! fetched), and one lexical scan bounds what would make parsing super-linear or recursive:
//! nesting depth, attributes per element (roxmltree checks each attribute against the earlier
//! ones of its element) and distinct namespace declarations (each element's namespace scope is
//! copied and searched). The parser then runs with DTDs off and a node cap. With every bound a
//! constant, parse time stays linear in the input.
//!
//! Why one module: the PP importer and the ST reader each had their own copy of this sequence,
//! and the copies had started to differ. Limits live here too, beside the code that enforces them.

use std::collections::BTreeSet;

use crate::error::ImportError;
use crate::html::LineIndex;

/// Largest input accepted, in bytes. NIAP's largest PP (Mobile Device) is about 1 MB.
pub const MAX_INPUT_BYTES: usize = 64 * 1024 * 1024;
/// Deepest element nesting accepted. NIAP documents nest about 20 levels.
pub const MAX_DEPTH: usize = 256;
/// Most XML nodes accepted (elements, text, comments…). Mobile Device has about 60,000.
pub const MAX_NODES: u32 = 5_000_000;
/// Most attributes (namespace declarations included) on one element. NIAP's corpus has at most 8.
pub const MAX_ATTRIBUTES: usize = 64;
/// Most distinct namespace declarations (prefix and URI) in one document. NIAP's corpus has at
/// most 4; kept prose re-read by the exporter declares 3.
pub const MAX_NAMESPACES: usize = 64;

/// The bounds one parse enforces. [`Limits::NIAP`] is what every reader uses; tests may shrink them.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// Largest input in bytes.
    pub(crate) input_bytes: usize,
    /// Deepest element nesting.
    pub(crate) depth: usize,
    /// Most nodes.
    pub(crate) nodes: u32,
    /// Most attributes on one element.
    pub(crate) attributes: usize,
    /// Most distinct namespace declarations in the document.
    pub(crate) namespaces: usize,
}

impl Limits {
    /// The limits for NIAP documents.
    pub(crate) const NIAP: Limits = Limits {
        input_bytes: MAX_INPUT_BYTES,
        depth: MAX_DEPTH,
        nodes: MAX_NODES,
        attributes: MAX_ATTRIBUTES,
        namespaces: MAX_NAMESPACES,
    };
}

/// A parsed document with what positions need: the text it borrows (a leading BOM removed) and
/// its line index. Readers take this, so a file is parsed once however many readers look at it.
pub(crate) struct Parsed<'i> {
    /// The tree.
    pub(crate) doc: roxmltree::Document<'i>,
    /// The text the tree's ranges index into.
    pub(crate) text: &'i str,
    /// Line starts of `text`.
    pub(crate) lines: LineIndex,
}

/// Turns input bytes into text: the size limit first, then a UTF-8 BOM skipped and UTF-8 required.
pub(crate) fn decode<'b>(
    bytes: &'b [u8],
    name: &str,
    limits: &Limits,
) -> Result<&'b str, ImportError> {
    if bytes.len() > limits.input_bytes {
        return Err(ImportError::TooLarge {
            name: name.to_string(),
            size: bytes.len(),
            limit: limits.input_bytes,
        });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| ImportError::NotUtf8 {
        name: name.to_string(),
        offset: e.valid_up_to(),
    })
}

/// Parses untrusted XML within `limits`; `name` is shown in errors. A leading BOM is skipped.
pub(crate) fn parse_hardened<'i>(
    xml: &'i str,
    name: &str,
    limits: &Limits,
) -> Result<Parsed<'i>, ImportError> {
    if xml.len() > limits.input_bytes {
        return Err(ImportError::TooLarge {
            name: name.to_string(),
            size: xml.len(),
            limit: limits.input_bytes,
        });
    }
    let xml = xml.strip_prefix('\u{FEFF}').unwrap_or(xml);
    let lines = LineIndex::new(xml);
    if let Some((offset, what)) = find_doctype(xml) {
        let (line, column) = lines.line_col(xml, offset);
        return Err(ImportError::Doctype {
            name: name.to_string(),
            line,
            column,
            what,
        });
    }
    // Before the parser sees it: a lexical scan, so no parser stage can recurse that deep or
    // spend more than constant time per attribute.
    if let Some((offset, exceeded)) = scan(xml, limits) {
        let (line, column) = lines.line_col(xml, offset);
        let name = name.to_string();
        return Err(match exceeded {
            Exceeded::Depth => ImportError::TooDeep {
                name,
                line,
                column,
                limit: limits.depth,
            },
            Exceeded::Attributes => ImportError::TooManyAttributes {
                name,
                line,
                column,
                limit: limits.attributes,
            },
            Exceeded::Namespaces => ImportError::TooManyNamespaces {
                name,
                line,
                column,
                limit: limits.namespaces,
            },
        });
    }
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: limits.nodes,
    };
    let doc = roxmltree::Document::parse_with_options(xml, options).map_err(|e| {
        // Errors found at the end of the input carry no position: point at the end.
        let (line, column) = match e {
            roxmltree::Error::UnclosedRootNode
            | roxmltree::Error::UnexpectedEndOfStream
            | roxmltree::Error::NoRootNode => lines.line_col(xml, xml.len()),
            _ => (e.pos().row, e.pos().col),
        };
        let message = match e {
            roxmltree::Error::UnclosedRootNode | roxmltree::Error::UnexpectedEndOfStream => {
                format!("{e} (is the file truncated?)")
            }
            _ => e.to_string(),
        };
        ImportError::Xml {
            name: name.to_string(),
            line,
            column,
            message,
        }
    })?;
    check_depth(&doc, &lines, xml, name, limits.depth)?;
    Ok(Parsed {
        doc,
        text: xml,
        lines,
    })
}

/// Finds a `<!DOCTYPE` outside comments, returning its offset and what it does.
fn find_doctype(xml: &str) -> Option<(usize, &'static str)> {
    let mut pos = 0;
    while let Some(i) = xml[pos..].find('<') {
        let at = pos + i;
        let rest = &xml[at..];
        if rest.starts_with("<!--") {
            match rest.find("-->") {
                Some(end) => pos = at + end + 3,
                None => return None, // the parser reports the unterminated comment
            }
        } else if rest.starts_with("<?") {
            match rest.find("?>") {
                Some(end) => pos = at + end + 2,
                None => return None,
            }
        } else if rest.starts_with("<!DOCTYPE") {
            let what = if rest.contains("<!ENTITY") {
                "the DOCTYPE declares entities (entity expansion is refused)"
            } else if rest[..rest.find('>').unwrap_or(rest.len())].contains("SYSTEM")
                || rest[..rest.find('>').unwrap_or(rest.len())].contains("PUBLIC")
            {
                "the DOCTYPE names an external DTD (nothing is fetched)"
            } else {
                "the document has a DOCTYPE"
            };
            return Some((at, what));
        } else {
            // The root element: a DOCTYPE can only come before it.
            return None;
        }
    }
    None
}

/// Which bound the lexical scan found exceeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Exceeded {
    Depth,
    Attributes,
    Namespaces,
}

/// The offset of the first construct past a bound, by one lexical pass that skips comments,
/// CDATA, processing instructions and declarations: a start tag nested deeper than
/// `limits.depth`, an attribute past `limits.attributes` on its element, or a namespace
/// declaration that is the document's `limits.namespaces + 1`-th distinct one. Malformed markup is
/// left for the parser to report.
fn scan(xml: &str, limits: &Limits) -> Option<(usize, Exceeded)> {
    let b = xml.as_bytes();
    let find = |from: usize, pat: &[u8]| -> Option<usize> {
        b.get(from..)?
            .windows(pat.len())
            .position(|w| w == pat)
            .map(|p| from + p)
    };
    // Distinct (prefix, URI) pairs as written; at most `limits.namespaces + 1` entries.
    let mut namespaces: BTreeSet<(&[u8], &[u8])> = BTreeSet::new();
    let mut depth = 0usize;
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &b[i..];
        if rest.starts_with(b"<!--") {
            i = find(i + 4, b"-->")? + 3;
        } else if rest.starts_with(b"<![CDATA[") {
            i = find(i + 9, b"]]>")? + 3;
        } else if rest.starts_with(b"<?") {
            i = find(i + 2, b"?>")? + 2;
        } else if rest.starts_with(b"<!") {
            i = find(i + 2, b">")? + 1;
        } else if rest.starts_with(b"</") {
            depth = depth.saturating_sub(1);
            i = find(i + 2, b">")? + 1;
        } else {
            let start = i;
            let tag = match start_tag(b, i + 1) {
                Tag::Attributes(attrs, end) => {
                    if attrs.len() > limits.attributes {
                        return Some((attrs[limits.attributes].0, Exceeded::Attributes));
                    }
                    for &(at, name, value) in &attrs {
                        let prefix = if name == b"xmlns" {
                            Some(&b""[..])
                        } else {
                            name.strip_prefix(b"xmlns:")
                        };
                        if let Some(prefix) = prefix {
                            namespaces.insert((prefix, value));
                            if namespaces.len() > limits.namespaces {
                                return Some((at, Exceeded::Namespaces));
                            }
                        }
                    }
                    end
                }
                Tag::Malformed(end) => end,
                Tag::Unterminated => return None,
            };
            if b[tag - 1] != b'/' {
                depth += 1;
                if depth > limits.depth {
                    return Some((start, Exceeded::Depth));
                }
            }
            i = tag + 1;
        }
    }
    None
}

/// A start tag as the scan reads it.
enum Tag<'b> {
    /// Well-formed attributes (offset of the name, name, raw value) and the offset of its `>`.
    /// Only the first `limit + 1` are needed, but a tag is read whole to find its end.
    Attributes(Vec<(usize, &'b [u8], &'b [u8])>, usize),
    /// Not well-formed; the offset of the `>` that ends it (quotes respected). The parser reports it.
    Malformed(usize),
    /// No `>` before the end of the input. The parser reports it.
    Unterminated,
}

/// Reads the start tag whose name begins at `from` (just after `<`).
fn start_tag(b: &[u8], from: usize) -> Tag<'_> {
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\r' | b'\n');
    let mut j = from;
    while j < b.len() && !ws(b[j]) && b[j] != b'>' && b[j] != b'/' {
        j += 1;
    }
    let mut attrs = Vec::new();
    loop {
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        match b.get(j) {
            None => return Tag::Unterminated,
            Some(b'>') => return Tag::Attributes(attrs, j),
            Some(b'/') if b.get(j + 1) == Some(&b'>') => return Tag::Attributes(attrs, j + 1),
            Some(_) => {}
        }
        let name_at = j;
        while j < b.len() && !ws(b[j]) && !matches!(b[j], b'=' | b'>' | b'/' | b'"' | b'\'') {
            j += 1;
        }
        let name = &b[name_at..j];
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        if name.is_empty() || b.get(j) != Some(&b'=') {
            return malformed(b, j);
        }
        j += 1;
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        let quote = match b.get(j) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return malformed(b, j),
        };
        let value_at = j + 1;
        let Some(len) = b[value_at..].iter().position(|&c| c == quote) else {
            return Tag::Unterminated;
        };
        attrs.push((name_at, name, &b[value_at..value_at + len]));
        j = value_at + len + 1;
    }
}

/// The end of a malformed start tag: the next `>` outside quotes, from `j`.
fn malformed(b: &[u8], mut j: usize) -> Tag<'_> {
    let mut quote = None;
    while j < b.len() {
        match (quote, b[j]) {
            (None, b'"' | b'\'') => quote = Some(b[j]),
            (Some(q), c) if c == q => quote = None,
            (None, b'>') => return Tag::Malformed(j),
            _ => {}
        }
        j += 1;
    }
    Tag::Unterminated
}

/// Refuses trees nested deeper than `limit`, iteratively (no recursion): a second line of
/// defence behind the lexical scan, on what the parser actually built.
fn check_depth(
    doc: &roxmltree::Document<'_>,
    lines: &LineIndex,
    xml: &str,
    name: &str,
    limit: usize,
) -> Result<(), ImportError> {
    let mut stack = vec![(doc.root(), 0usize)];
    while let Some((node, depth)) = stack.pop() {
        if depth > limit {
            let (line, column) = lines.line_col(xml, node.range().start);
            return Err(ImportError::TooDeep {
                name: name.to_string(),
                line,
                column,
                limit,
            });
        }
        for child in node.children().filter(|c| c.is_element()) {
            stack.push((child, depth + 1));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Limits {
        Limits {
            depth: 3,
            attributes: 2,
            namespaces: 2,
            ..Limits::NIAP
        }
    }

    fn scanned(xml: &str) -> Option<Exceeded> {
        scan(xml, &small()).map(|(_, e)| e)
    }

    #[test]
    fn scan_counts_attributes_per_element() {
        assert_eq!(scanned(r#"<a x="1" y='2'/>"#), None);
        assert_eq!(
            scan(r#"<a x="1" y="2" z="3"/>"#, &small()),
            Some((15, Exceeded::Attributes))
        );
        // A `>` or `/>` inside a value does not end the tag.
        assert_eq!(
            scanned(r#"<a x="/>" y="2" z="3"></a>"#),
            Some(Exceeded::Attributes)
        );
    }

    #[test]
    fn scan_counts_distinct_namespace_declarations() {
        // Redeclaring the same binding at every level is one declaration.
        let same = r#"<a xmlns="u"><b xmlns="u"><c xmlns="u"/></b></a>"#;
        assert_eq!(scanned(same), None);
        let three = r#"<a xmlns="u"><b xmlns:p="u"><c xmlns="v"/></b></a>"#;
        assert_eq!(scan(three, &small()), Some((31, Exceeded::Namespaces)));
    }

    #[test]
    fn scan_counts_depth_of_open_elements_only() {
        assert_eq!(scanned("<a><b><c><d/></c></b></a>"), None);
        assert_eq!(
            scanned("<a><b><c><d></d></c></b></a>"),
            Some(Exceeded::Depth)
        );
        assert_eq!(scanned("<a><b/><b/><b/><b/></a>"), None);
    }

    #[test]
    fn scan_skips_markup_that_is_not_a_start_tag() {
        let xml = r#"<a><!-- <b x="1" y="2" z="3"> --><![CDATA[<b><b><b>]]><?pi <b>?></a>"#;
        assert_eq!(scanned(xml), None);
    }

    #[test]
    fn malformed_tags_are_left_to_the_parser() {
        assert_eq!(scanned("<a x y z w></a>"), None);
        assert_eq!(scanned(r#"<a x="1"#), None);
        assert!(matches!(
            parse_hardened("<a x y></a>", "t.xml", &small()),
            Err(ImportError::Xml { .. })
        ));
    }
}
