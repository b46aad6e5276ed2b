//! A small escaping HTML writer and the page layout.
//!
//! Why not a template engine: the pages are few and simple, and one escaping function used
//! everywhere is easy to audit. Every string that comes from the database or the request goes
//! through [`esc`]. The layout is accessible without JavaScript: `lang`, a skip link, one `h1`
//! per page, labelled form fields, visible focus, and text contrast above WCAG AA.

use std::fmt::Write as _;

/// `s` escaped for HTML text and attribute values (dtsec's one escaper, from `dtsec-render`).
pub use dtsec_render::escape as esc;

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
}

const CSS: &str = "body{font-family:system-ui,sans-serif;margin:0;color:#1a1a1a;background:#fff;line-height:1.5}\
a{color:#0645ad}a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #b35c00;outline-offset:2px}\
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}\
header{background:#123;color:#fff;padding:.75rem 1rem}header a{color:#fff;margin-right:1rem}\
main{max-width:72rem;margin:0 auto;padding:1rem}table{border-collapse:collapse;width:100%}\
th,td{border-bottom:1px solid #767676;padding:.4rem;text-align:left;vertical-align:top}\
label{display:block;font-weight:600;margin-top:.5rem}form.filters{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-end}\
.status-active,.status-maintained{color:#0a5d00}.status-suspended,.status-revoked{color:#a00000}\
textarea{width:100%;min-height:8rem}form{margin:.5rem 0}button{margin:.25rem .25rem .25rem 0}fieldset{margin:.5rem 0}footer{color:#444;padding:1rem;text-align:center}\
@media print{header,footer,.noprint{display:none}}";

/// Who is looking at a page, as far as its header needs to know: someone signed in, with their
/// role and the hidden CSRF field the log-out form carries (`None` for the public).
///
/// Why plain strings and not the session's `Caller`: this module is the bottom of the page
/// stack (`session` and `error` render through it), so it must not depend on them.
#[derive(Clone, Debug)]
pub struct Viewer<'a> {
    /// The signed-in person's role, as shown in the navigation.
    pub role: &'a str,
    /// The hidden CSRF `<input>` (already HTML) for the log-out form; empty if not a session.
    pub csrf_field: String,
}

/// The page layout around `body` (which must already be escaped HTML).
pub fn layout(title: &str, viewer: Option<Viewer<'_>>, body: &str) -> Page {
    let mut nav = String::from(
        "<a href=\"/\">Certified devices</a><a href=\"/labs\">Approved labs</a><a href=\"/pps\">Protection Profiles</a>",
    );
    match viewer {
        Some(v) => {
            let _ = write!(
                nav,
                "<a href=\"/staff\">My work ({})</a><form method=\"post\" action=\"/logout\" style=\"display:inline\">{}<button type=\"submit\">Log out</button></form>",
                esc(v.role),
                v.csrf_field
            );
        }
        None => nav.push_str("<a href=\"/login\">Staff login</a>"),
    }
    Page(format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>{} — dtsec registry</title><style>{CSS}</style></head><body>\
<a class=\"skip\" href=\"#main\">Skip to content</a>\
<header><nav aria-label=\"Main\">{nav}</nav></header>\
<main id=\"main\">{body}</main>\
<footer>dtsec certification registry · <a href=\"/openapi.json\">API</a> · <a href=\"/scheme.pub\">scheme public key</a> · <a href=\"/log\">transparency log</a></footer>\
</body></html>",
        esc(title)
    ))
}

/// A `<select>` with a label; `options` are (value, text); the empty value means "any".
pub fn select(
    name: &str,
    label: &str,
    options: &[(String, String)],
    chosen: Option<&str>,
) -> String {
    let mut s = format!(
        "<div><label for=\"f-{name}\">{}</label><select id=\"f-{name}\" name=\"{name}\"><option value=\"\">Any</option>",
        esc(label)
    );
    for (v, t) in options {
        let sel = if chosen == Some(v.as_str()) {
            " selected"
        } else {
            ""
        };
        let _ = write!(s, "<option value=\"{}\"{sel}>{}</option>", esc(v), esc(t));
    }
    s.push_str("</select></div>");
    s
}
