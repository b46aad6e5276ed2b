//! Resolving a [`Span`] against its source text, shared by every output format.
//!
//! Spans carry a line, a column in characters and (sometimes) a byte range. The human format needs
//! the line's text and how many characters to underline; SARIF and JSON need the end position.
//! Working that out in one place keeps the caret, `endColumn` and `end_line` in agreement.

use dtsec_model::{SourceFile, Span};

/// A span resolved to one line of its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located<'a> {
    /// The text of the span's first line, without its line break.
    pub line_text: &'a str,
    /// 1-based line.
    pub line: u32,
    /// 1-based column in characters where the span starts (at most one past the line's end).
    pub column: u32,
    /// Characters underlined on the first line; at least 1.
    pub width: usize,
    /// 1-based line where the span ends.
    pub end_line: u32,
    /// 1-based column in characters just past the span's last character (exclusive end).
    pub end_column: u32,
}

/// Resolves `span` against `source`; `None` when the span is unknown or the line does not exist.
///
/// The start is the span's column (so it matches the `file:line:col` printed beside it). The
/// width is the byte range's length in characters on that line when the byte offset is known and
/// lies on the span's line; otherwise it is the run of non-whitespace characters starting at the
/// column. Either way it is at least one character.
pub(crate) fn locate<'a>(span: &Span, source: Option<&'a SourceFile>) -> Option<Located<'a>> {
    if !span.is_known() {
        return None;
    }
    let source = source?;
    let line_text = source.line(span.line)?;
    let chars: Vec<char> = line_text.chars().collect();
    let line_len = chars.len();

    let column = if span.column >= 1 {
        usize::try_from(span.column).unwrap_or(usize::MAX)
    } else {
        // Column unknown: start at the line's first non-blank character.
        chars.iter().position(|c| !c.is_whitespace()).unwrap_or(0) + 1
    }
    .min(line_len + 1);
    let rest = &chars[column - 1..];

    let from_range = span
        .offset
        .filter(|_| span.len > 0)
        .filter(|&off| source.line_col(off).0 == span.line)
        .and_then(|off| {
            let text = source.text.get(off..off.checked_add(span.len)?)?;
            let trimmed = text.trim_end_matches(['\n', '\r']);
            if trimmed.is_empty() {
                return None;
            }
            let first_line = trimmed.split('\n').next().unwrap_or("");
            let end = source.line_col(off + trimmed.len());
            Some((first_line.trim_end_matches('\r').chars().count(), end))
        });

    let (width, end) = match from_range {
        Some((w, end)) => (w.clamp(1, rest.len().max(1)), Some(end)),
        None => {
            let token = rest.iter().take_while(|c| !c.is_whitespace()).count();
            (token.max(1), None)
        }
    };
    let column_u32 = u32::try_from(column).unwrap_or(u32::MAX);
    let (end_line, end_column) =
        end.unwrap_or((span.line, u32::try_from(column + width).unwrap_or(u32::MAX)));
    Some(Located {
        line_text,
        line: span.line,
        column: column_u32,
        width,
        end_line,
        end_column,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span(line: u32, column: u32, offset: Option<usize>, len: usize) -> Span {
        Span {
            line,
            column,
            offset,
            len,
        }
    }

    #[test]
    fn width_from_byte_range() {
        let src = SourceFile::new("f", "a: b\n  - id: FCS_COP.1/Hash\n");
        let off = src.text.find("FCS").unwrap();
        let loc = locate(&span(2, 9, Some(off), 14), Some(&src)).unwrap();
        assert_eq!((loc.column, loc.width), (9, 14));
        assert_eq!((loc.end_line, loc.end_column), (2, 23));
    }

    #[test]
    fn width_from_token_when_no_range() {
        let src = SourceFile::new("f", "x: héllo wörld\n");
        let loc = locate(&span(1, 4, None, 0), Some(&src)).unwrap();
        assert_eq!((loc.column, loc.width, loc.end_column), (4, 5, 9));
    }

    #[test]
    fn multibyte_range_counts_chars() {
        let src = SourceFile::new("f", "k: «é»\n");
        let off = src.text.find('«').unwrap();
        let loc = locate(&span(1, 4, Some(off), "«é»".len()), Some(&src)).unwrap();
        assert_eq!(loc.width, 3);
        assert_eq!(loc.end_column, 7);
    }

    #[test]
    fn multi_line_range_underlines_first_line() {
        let src = SourceFile::new("f", "a: |\n  one\n  two\n");
        let off = src.text.find("one").unwrap();
        let loc = locate(&span(2, 3, Some(off), "one\n  two\n".len()), Some(&src)).unwrap();
        assert_eq!(loc.width, 3);
        assert_eq!((loc.end_line, loc.end_column), (3, 6));
    }

    #[test]
    fn unknown_or_missing() {
        let src = SourceFile::new("f", "a\n");
        assert!(locate(&Span::UNKNOWN, Some(&src)).is_none());
        assert!(locate(&span(9, 1, None, 0), Some(&src)).is_none());
        assert!(locate(&span(1, 1, None, 0), None).is_none());
    }

    #[test]
    fn column_past_end_and_unknown_column() {
        let src = SourceFile::new("f", "ab\n   cd ef\n");
        let loc = locate(&span(1, 9, None, 0), Some(&src)).unwrap();
        assert_eq!((loc.column, loc.width), (3, 1));
        let loc = locate(&span(2, 0, None, 0), Some(&src)).unwrap();
        assert_eq!((loc.column, loc.width), (4, 2));
    }
}
