//! A document's text and name, kept so diagnostics can show the offending line.

/// The text of one input file.
///
/// Its line index is built on first use, not when the file is wrapped: a check reads the
/// built-in PPs it claims (hundreds of kilobytes) for their notes' positions, and most runs
/// never print a line of them.
#[derive(Clone, Debug)]
pub struct SourceFile {
    /// The name shown in diagnostics (a path, or `builtin:cdd.yaml`).
    pub name: String,
    /// The whole text.
    pub text: String,
    line_starts: std::sync::OnceLock<Vec<usize>>,
}

impl SourceFile {
    /// Wraps text under a name.
    pub fn new(name: impl Into<String>, text: impl Into<String>) -> SourceFile {
        SourceFile {
            name: name.into(),
            text: text.into(),
            line_starts: std::sync::OnceLock::new(),
        }
    }

    /// Where each line starts (byte offsets). Lines break where YAML breaks them: at `\n`,
    /// `\r\n` and a bare `\r`, so that the positions the YAML reader reports land on the
    /// lines shown here.
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            // memchr finds the breaks a word at a time: a NIAP PP is a megabyte of text, and
            // every finding's position needs this index.
            let bytes = self.text.as_bytes();
            let mut starts = vec![0];
            starts.extend(memchr::memchr2_iter(b'\n', b'\r', bytes).filter_map(|i| {
                let breaks = bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n');
                breaks.then_some(i + 1)
            }));
            starts
        })
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (u32, u32) {
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s <= offset).max(1);
        let start = starts[line - 1];
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map_or(1, |s| s.chars().count() + 1);
        (
            u32::try_from(line).unwrap_or(u32::MAX),
            u32::try_from(column).unwrap_or(u32::MAX),
        )
    }

    /// The text of a 1-based line, without its line break.
    pub fn line(&self, line: u32) -> Option<&str> {
        let idx = usize::try_from(line).ok()?.checked_sub(1)?;
        let starts = self.line_starts();
        let start = *starts.get(idx)?;
        let end = starts.get(idx + 1).map_or(self.text.len(), |e| e - 1);
        self.text.get(start..end).map(|l| l.trim_end_matches('\r'))
    }

    /// Number of lines.
    pub fn line_count(&self) -> usize {
        self.line_starts().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_columns() {
        let src = SourceFile::new("x", "ab\ncdé\nf");
        assert_eq!(src.line_col(0), (1, 1));
        assert_eq!(src.line_col(4), (2, 2));
        assert_eq!(src.line(2), Some("cdé"));
        assert_eq!(src.line(3), Some("f"));
        assert_eq!(src.line(4), None);
    }

    #[test]
    fn a_bare_carriage_return_breaks_a_line_as_in_yaml() {
        let src = SourceFile::new("x", "a: 1\rb: 2\r\nc: 3");
        assert_eq!(src.line_count(), 3);
        assert_eq!(src.line(1), Some("a: 1"));
        assert_eq!(src.line(2), Some("b: 2"));
        assert_eq!(src.line(3), Some("c: 3"));
        assert_eq!(src.line_col(5), (2, 1));
        assert_eq!(src.line_col(11), (3, 1));
    }
}
