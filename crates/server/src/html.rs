//! The page layout and the small components every page shares, built with `maud`.
//!
//! Why a template engine: with hand-written HTML every handler had to remember to escape every
//! value; a forgotten call was a cross-site scripting hole that only review could catch. `maud`
//! checks the markup at compile time and escapes every spliced value unless it is wrapped in
//! [`PreEscaped`] (used here only for constant CSS and for HTML produced by `dtsec-render`,
//! which escapes on its own). The layout is accessible without JavaScript: `lang`, a skip link,
//! one `h1` per page (the page's own), labelled form fields, visible focus, text contrast above
//! WCAG AA, and tables that stack into labelled rows on a phone.

use std::fmt::Write as _;

pub use maud::{Markup, PreEscaped, html};

/// `s` escaped for a URL path segment or query value.
pub fn url(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// A finished page.
pub struct Page(String);

impl Page {
    /// The HTML text.
    pub fn into_string(self) -> String {
        self.0
    }

    /// The page with a `<link rel="alternate">` to an Atom feed in its head, so feed readers
    /// find the feed from the page (issue 13). Added after layout rather than as a layout
    /// argument because only a few pages have a feed.
    pub fn with_feed(self, href: &str, title: &str) -> Page {
        let link =
            html! { link rel="alternate" type="application/atom+xml" href=(href) title=(title); };
        Page(
            self.0
                .replacen("</head>", &format!("{}</head>", link.into_string()), 1),
        )
    }
}

/// The site's style sheet. Tables with class `stack` turn into one block per row below 40rem
/// (a 390 px phone), each cell preceded by its column's name from `data-label`.
const CSS: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}\
a{color:#0645ad}a:focus,button:focus,input:focus,select:focus,textarea:focus,summary:focus{outline:3px solid #b35c00;outline-offset:2px}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\
header{background:#123;color:#fff;padding:.75rem 1rem}header a{color:#fff;margin-right:1rem}\
main{max-width:72rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top}\
label{display:block;font-weight:600;margin-top:.5rem}form.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}\
.status-active,.status-maintained{color:#0a5d00}.status-suspended,.status-revoked{color:#a00000}\
textarea{width:100%;min-height:8rem}form{margin:.5rem 0}button{margin:.25rem .25rem .25rem 0}fieldset{margin:.5rem 0}footer{color:#444;padding:1rem;text-align:center}\
.flash{border-left:4px solid #0a5d00;padding:.5rem 1rem;background:#eef7ec}details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}\
code,pre{overflow-wrap:anywhere;white-space:pre-wrap}select,input,textarea{max-width:100%}td,dd{overflow-wrap:anywhere}\
@media (max-width:40rem){form.filters>div{max-width:100%}table.stack,table.stack tbody,table.stack caption{display:block;width:100%}\
table.stack thead{position:absolute;left:-999px}table.stack tr{display:block;border-bottom:2px solid #767676;padding:.25rem 0}\
table.stack td,table.stack tbody th{display:block;border:0;padding:.15rem .4rem}\
table.stack td[data-label]::before{content:attr(data-label) \": \";font-weight:600}}\
@media print{header,footer,.noprint{display:none}}";

/// Who is looking at a page, as far as its header needs to know: someone signed in, with their
/// role and the hidden CSRF field the log-out form carries (`None` for the public).
///
/// Why plain values and not the session's `Caller`: this module is the bottom of the page
/// stack (`session` and `error` render through it), so it must not depend on them.
#[derive(Clone, Debug)]
pub struct Viewer<'a> {
    /// The signed-in person's role, as shown in the navigation.
    pub role: &'a str,
    /// The hidden CSRF `<input>` for the log-out form; empty if not a session.
    pub csrf_field: Markup,
}

/// The page layout around `body`: the one place with `<html>`, the skip link, the navigation
/// and the footer. `body` brings the page's single `h1`.
pub fn layout(title: &str, viewer: Option<Viewer<'_>>, body: Markup) -> Page {
    let page = html! {
        (maud::DOCTYPE)
        html lang="en" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " — dtsec registry" }
                style { (PreEscaped(CSS)) }
            }
            body {
                a class="skip" href="#main" { "Skip to content" }
                header {
                    nav aria-label="Main" {
                        a href="/" { "Certified devices" }
                        a href="/labs" { "Approved labs" }
                        a href="/pps" { "Protection Profiles" }
                        @match viewer {
                            Some(v) => {
                                a href="/staff" { "My work (" (v.role) ")" }
                                form method="post" action="/logout" style="display:inline" {
                                    (v.csrf_field)
                                    button type="submit" { "Log out" }
                                }
                            }
                            None => { a href="/login" { "Staff login" } }
                        }
                    }
                }
                main id="main" { (body) }
                footer {
                    "dtsec certification registry · "
                    a href="/openapi.json" { "API" }
                    " · "
                    a href="/scheme.pub" { "scheme public key" }
                    " · "
                    a href="/log" { "transparency log" }
                }
            }
        }
    };
    Page(page.into_string())
}

/// A `<select>` with a label; `options` are (value, text); the empty value means "any".
pub fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> Markup {
    let id = format!("f-{name}");
    html! {
        div {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                option value="" { "Any" }
                @for (v, t) in options {
                    option value=(v) selected[chosen == Some(v.as_str())] { (t) }
                }
            }
        }
    }
}

/// A definition list from (term, description) pairs, the descriptions already markup.
pub fn definitions<'a>(items: impl IntoIterator<Item = (&'a str, Markup)>) -> Markup {
    html! {
        dl {
            @for (k, v) in items {
                dt { (k) }
                dd { (v) }
            }
        }
    }
}

/// Comma-separated text of `v`, or `none` when empty.
pub fn list_or_none(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_escapes_the_title_and_has_one_skip_link() {
        let page = layout("<b>x</b>", None, html! { h1 { "T" } }).into_string();
        assert!(page.contains("<title>&lt;b&gt;x&lt;/b&gt; — dtsec registry</title>"));
        assert_eq!(page.matches("class=\"skip\"").count(), 1);
        assert!(page.starts_with("<!DOCTYPE html><html lang=\"en\">"));
    }

    #[test]
    fn select_marks_the_chosen_option_and_escapes_values() {
        let opts = vec![
            ("a\"b".to_string(), "<A>".to_string()),
            ("c".into(), "C".into()),
        ];
        let s = select("k", "Kind", &opts, Some("c")).into_string();
        assert!(s.contains("<option value=\"a&quot;b\">&lt;A&gt;</option>"));
        assert!(s.contains("<option value=\"c\" selected>C</option>"));
    }
}
