//! The escaping XML writer every exporter writes through, and the XML names and ids it makes
//! from model ids.
//!
//! Why a module of its own: the PP and ST writers both write through [`Xml`]; escaping in one
//! place means no writer can emit unescaped document text.

use crate::html::{escape_attr, escape_text};

/// An XML text being written. Only ever appended to; escaping is done here.
#[derive(Default)]
pub(super) struct Xml {
    pub(super) out: String,
}

impl Xml {
    pub(super) fn raw(&mut self, s: &str) {
        self.out.push_str(s);
    }

    pub(super) fn nl(&mut self) {
        self.out.push('\n');
    }

    pub(super) fn text(&mut self, s: &str) {
        escape_text(s, &mut self.out);
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            escape_attr(v, &mut self.out);
            self.out.push('"');
        }
    }

    pub(super) fn open(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push('>');
    }

    pub(super) fn close(&mut self, name: &str) {
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push('>');
    }

    pub(super) fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        self.start(name, attrs);
        self.out.push_str("/>");
    }

    /// `<name attrs>text</name>` with `text` escaped.
    pub(super) fn leaf(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.open(name, attrs);
        self.text(text);
        self.close(name);
    }
}

/// Turns any string into an XML name part: characters outside `[A-Za-z0-9._-]` become `-`,
/// runs of `-` collapse to one (so `--` stays a separator) and `-` is trimmed from the ends.
pub(super) fn name_part(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        let c = if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            c
        } else {
            '-'
        };
        if c == '-' && out.ends_with('-') {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// An XML id made from an SFR, SAR or element id: `FCS_COP.1/Hash` → `FCS_COP.1-Hash`, with a
/// leading `x` when the result would not start with a letter or `_`.
pub(super) fn owner_id(s: &str) -> String {
    let p = name_part(s);
    if p.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        p
    } else {
        format!("x{p}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_parts_keep_separators_unambiguous() {
        assert_eq!(name_part("AES--256 (GCM)"), "AES-256-GCM");
        assert_eq!(owner_id("FCS_COP.1/Hash"), "FCS_COP.1-Hash");
        assert_eq!(owner_id("1x"), "x1x");
    }
}
