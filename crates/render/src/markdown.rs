//! The small, safe subset of Markdown that descriptions in documents may use.
//!
//! Why so little: descriptions are untrusted text, and a PP or ST needs paragraphs, bullet
//! lists and code spans — not raw HTML, links or images. Blank lines separate paragraphs; a
//! block whose lines all start with `- ` or `* ` becomes a list; `` `x` `` becomes `<code>`.
//! Everything else is escaped text.

use crate::html::Html;

/// Renders `text` as paragraphs and lists.
pub(crate) fn blocks(h: &mut Html, text: &str) {
    for block in split_blocks(text) {
        let lines: Vec<&str> = block.iter().map(|l| l.trim()).collect();
        let is_list = lines
            .iter()
            .all(|l| l.starts_with("- ") || l.starts_with("* "));
        if is_list {
            h.raw("<ul>");
            for line in lines {
                h.raw("<li>");
                inline(h, line[2..].trim_start());
                h.raw("</li>");
            }
            h.raw("</ul>");
        } else {
            h.raw("<p>");
            inline(h, &lines.join("\n"));
            h.raw("</p>");
        }
    }
}

/// Renders `text` inline (no block elements): code spans only.
pub(crate) fn inline(h: &mut Html, text: &str) {
    let ticks = text.matches('`').count();
    if ticks < 2 {
        h.text(text);
        return;
    }
    // An unmatched last backtick stays literal.
    let usable = ticks - ticks % 2;
    let mut seen = 0;
    let mut in_code = false;
    let mut rest = text;
    while seen < usable {
        let Some(pos) = rest.find('`') else { break };
        h.text(&rest[..pos]);
        h.raw(if in_code { "</code>" } else { "<code>" });
        in_code = !in_code;
        seen += 1;
        rest = &rest[pos + 1..];
    }
    h.text(rest);
}

fn split_blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> String {
        let mut h = Html::default();
        blocks(&mut h, text);
        h.finish()
    }

    #[test]
    fn paragraphs_lists_and_code() {
        assert_eq!(md("a\nb\n\n\nc"), "<p>a\nb</p><p>c</p>");
        assert_eq!(
            md("- x\n- `y`"),
            "<ul><li>x</li><li><code>y</code></li></ul>"
        );
        assert_eq!(md("a ` b"), "<p>a ` b</p>");
        assert_eq!(md("<b>hi</b>"), "<p>&lt;b&gt;hi&lt;/b&gt;</p>");
    }
}
