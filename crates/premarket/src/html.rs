//! The package as one self-contained, accessible HTML page: one `h1`, a contents list, each
//! section an `h2` with a stable id and a visible provenance tag, tables with header cells.
//!
//! Why self-contained (inline CSS, no script, no external resource): the page is filed with a
//! submission and read offline; nothing it shows may depend on a network.

use dtsec_render::{escape, escape_into};

use crate::package::{Block, Package, Section};

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#111;line-height:1.45}\
table{border-collapse:collapse;margin:.5rem 0 1rem;width:100%}th,td{border:1px solid #999;padding:.25rem .4rem;text-align:left;vertical-align:top}\
th{background:#eee}.tag{display:inline-block;font-weight:600;padding:.1rem .5rem;border-radius:.3rem;border:1px solid}\
.tag-lab{background:#e3f4e3;color:#0b4f0b}.tag-manufacturer{background:#e6eefb;color:#123e7c}.tag-authored{background:#fdf0d8;color:#6b4200}\
.todo{border-left:4px solid #b36b00;background:#fff8ea;padding:.3rem .6rem;margin:.5rem 0}dl{display:grid;grid-template-columns:max-content auto;gap:.2rem 1rem}dt{font-weight:600}";

fn block(out: &mut String, b: &Block) {
    match b {
        Block::Paragraph(t) => {
            out.push_str("<p>");
            escape_into(out, t);
            out.push_str("</p>\n");
        }
        Block::List(items) => {
            out.push_str("<ul>\n");
            for i in items {
                out.push_str("<li>");
                escape_into(out, i);
                out.push_str("</li>\n");
            }
            out.push_str("</ul>\n");
        }
        Block::Table { headers, rows } => {
            out.push_str("<table>\n<thead><tr>");
            for h in headers {
                out.push_str("<th scope=\"col\">");
                escape_into(out, h);
                out.push_str("</th>");
            }
            out.push_str("</tr></thead>\n<tbody>\n");
            for r in rows {
                out.push_str("<tr>");
                for c in r {
                    out.push_str("<td>");
                    escape_into(out, c);
                    out.push_str("</td>");
                }
                out.push_str("</tr>\n");
            }
            out.push_str("</tbody>\n</table>\n");
        }
        Block::Todo(t) => {
            out.push_str("<p class=\"todo\"><strong>To be authored:</strong> ");
            escape_into(out, t);
            out.push_str("</p>\n");
        }
    }
}

fn section(out: &mut String, s: &Section) {
    out.push_str(&format!(
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{}</h2>\n",
        escape(s.title),
        id = s.id
    ));
    out.push_str(&format!(
        "<p><span class=\"tag tag-{}\" data-provenance=\"{}\">Provenance: {}</span> <span>Guidance: {}</span></p>\n",
        s.provenance.key(),
        s.provenance.key(),
        s.provenance.label(),
        escape(s.guidance)
    ));
    for b in &s.blocks {
        block(out, b);
    }
    out.push_str("</section>\n");
}

/// The page. Deterministic: the same package gives the same bytes.
pub fn render(p: &Package) -> String {
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str(
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
    );
    escape_into(&mut out, &p.title);
    out.push_str(&format!(
        "</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>"
    ));
    escape_into(&mut out, &p.title);
    out.push_str("</h1>\n<dl>\n");
    for (k, v) in &p.cover {
        out.push_str("<dt>");
        escape_into(&mut out, k);
        out.push_str("</dt><dd>");
        escape_into(&mut out, v);
        out.push_str("</dd>\n");
    }
    out.push_str("</dl>\n<section id=\"missing-inputs\" aria-labelledby=\"missing-inputs-h\">\n<h2 id=\"missing-inputs-h\">Missing inputs</h2>\n");
    if p.missing.is_empty() {
        out.push_str("<p>None.</p>\n");
    } else {
        out.push_str("<ul>\n");
        for m in &p.missing {
            out.push_str("<li><strong>");
            escape_into(&mut out, &m.input);
            out.push_str("</strong>: ");
            escape_into(&mut out, &m.gives);
            out.push_str("</li>\n");
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</section>\n<nav aria-labelledby=\"contents-h\">\n<h2 id=\"contents-h\">Contents</h2>\n<ol>\n");
    for s in &p.sections {
        out.push_str(&format!(
            "<li><a href=\"#{}\">{}</a> — {}</li>\n",
            s.id,
            escape(s.title),
            s.provenance.label()
        ));
    }
    out.push_str("</ol>\n</nav>\n");
    for s in &p.sections {
        section(&mut out, s);
    }
    out.push_str("</main>\n</body>\n</html>\n");
    out
}
