//! A tiny HTML writer whose only way to emit document text is through escaping.
//!
//! Why it exists: every string in a PP or ST is untrusted input. The writer's raw-output
//! methods take only `&'static str` (markup written in this crate), so passing document text
//! without escaping is a type error rather than a review finding. Attribute values are escaped
//! too, and control characters that HTML forbids are replaced.

use std::fmt::Write as _;

/// An HTML output buffer.
#[derive(Debug, Default)]
pub(crate) struct Html {
    out: String,
}

/// An attribute list: static names, escaped values.
pub(crate) type Attrs<'a> = &'a [(&'static str, &'a str)];

impl Html {
    /// An empty buffer with room for `n` bytes.
    pub(crate) fn with_capacity(n: usize) -> Html {
        Html {
            out: String::with_capacity(n),
        }
    }

    /// Markup written in this crate, emitted as is.
    pub(crate) fn raw(&mut self, markup: &'static str) {
        self.out.push_str(markup);
    }

    /// Text, escaped.
    pub(crate) fn text(&mut self, text: &str) {
        escape_into(&mut self.out, text);
    }

    /// A number.
    pub(crate) fn num(&mut self, n: usize) {
        let _ = write!(self.out, "{n}");
    }

    /// An opening tag with escaped attribute values.
    pub(crate) fn open(&mut self, tag: &'static str, attrs: Attrs<'_>) {
        self.out.push('<');
        self.out.push_str(tag);
        for (name, value) in attrs {
            self.out.push(' ');
            self.out.push_str(name);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value);
            self.out.push('"');
        }
        self.out.push('>');
    }

    /// A closing tag.
    pub(crate) fn close(&mut self, tag: &'static str) {
        self.out.push_str("</");
        self.out.push_str(tag);
        self.out.push('>');
    }

    /// An element holding only escaped text.
    pub(crate) fn el(&mut self, tag: &'static str, attrs: Attrs<'_>, text: &str) {
        self.open(tag, attrs);
        self.text(text);
        self.close(tag);
    }

    /// The finished document.
    pub(crate) fn finish(self) -> String {
        self.out
    }
}

/// Appends `text` to `out` with `& < > " '` escaped and forbidden control characters replaced
/// by U+FFFD, so the result is safe in element content and in quoted attribute values.
///
/// This is dtsec's one HTML escaper: the server's pages and the ETR use it too.
pub fn escape_into(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' | '\r' => out.push(c),
            c if c.is_control() => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// `text` escaped as by [`escape_into`].
#[must_use]
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape_into(&mut out, text);
    out
}

/// Turns an identifier into a string usable as an HTML `id` (letters, digits, `-`, `_`, `.`).
pub(crate) fn slug(prefix: &str, id: &str) -> String {
    let mut s = String::with_capacity(prefix.len() + id.len() + 1);
    s.push_str(prefix);
    s.push('-');
    for c in id.chars() {
        if c.is_ascii_alphanumeric() || c == '_' || c == '.' || c == '-' {
            s.push(c);
        } else {
            s.push('-');
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        let mut h = Html::default();
        h.open("a", &[("title", "\"x\" <y>")]);
        h.text("<script>alert('&')</script>\u{0}");
        h.close("a");
        assert_eq!(
            h.finish(),
            "<a title=\"&quot;x&quot; &lt;y&gt;\">&lt;script&gt;alert(&#39;&amp;&#39;)&lt;/script&gt;\u{FFFD}</a>"
        );
    }

    #[test]
    fn escape_keeps_whitespace_and_replaces_other_controls() {
        assert_eq!(escape("a&b<c>d\"e'f"), "a&amp;b&lt;c&gt;d&quot;e&#39;f");
        assert_eq!(escape("l1\nl2\tx\r"), "l1\nl2\tx\r");
        assert_eq!(
            escape("\u{1b}[0m\u{7f}\u{85}"),
            "\u{FFFD}[0m\u{FFFD}\u{FFFD}"
        );
        assert_eq!(escape("Grüße – ✓"), "Grüße – ✓");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn slugs_are_safe() {
        assert_eq!(slug("sfr", "FCS_COP.1/Hash"), "sfr-FCS_COP.1-Hash");
        assert_eq!(slug("t", "a\"><b"), "t-a---b");
    }
}
