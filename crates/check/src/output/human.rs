//! The terminal format: rustc/miette-style reports that quote the offending line and underline it.
//!
//! ```text
//! error[DT-DEP-001]: FCS_COP.1/Hash depends on FCS_CKM.6, which the ST does not include
//!   --> examples/pump-st.yaml:42:9
//!    |
//! 42 |   - id: FCS_COP.1/Hash
//!    |         ^^^^^^^^^^^^^^
//!    |
//!    = help: add FCS_CKM.6 (or a component hierarchical to it), or justify it under unmet_dependencies
//!    = note: examples/cdd-pp.yaml:10:3: where FCS_COP.1 is defined
//! ```
//!
//! Columns in spans count characters; tabs are shown as four spaces and the caret follows them.
//! Control characters from the input are replaced by `�`, so only this module writes escape codes,
//! and only when colour is asked for.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::hash::BuildHasher;

use dtsec_model::SourceFile;

use super::location::locate;
use crate::diagnostic::{Diagnostic, Severity};

/// Finds the text of a source by the name diagnostics use for it.
pub trait SourceLookup {
    /// The source named `name`, if it is available.
    fn source(&self, name: &str) -> Option<&SourceFile>;
}

impl SourceLookup for [SourceFile] {
    fn source(&self, name: &str) -> Option<&SourceFile> {
        self.iter().find(|s| s.name == name)
    }
}

impl SourceLookup for Vec<SourceFile> {
    fn source(&self, name: &str) -> Option<&SourceFile> {
        self.as_slice().source(name)
    }
}

impl<S: BuildHasher> SourceLookup for HashMap<String, SourceFile, S> {
    fn source(&self, name: &str) -> Option<&SourceFile> {
        self.get(name)
    }
}

/// No sources at all: every diagnostic is shown without a snippet.
impl SourceLookup for () {
    fn source(&self, _name: &str) -> Option<&SourceFile> {
        None
    }
}

impl<T: SourceLookup + ?Sized> SourceLookup for &T {
    fn source(&self, name: &str) -> Option<&SourceFile> {
        (**self).source(name)
    }
}

const TAB_WIDTH: usize = 4;

/// ANSI styles, or nothing when colour is off.
#[derive(Clone, Copy)]
struct Style {
    color: bool,
}

impl Style {
    fn paint(self, codes: &str, text: &str) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{codes}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }
    fn severity(self, severity: Severity, text: &str) -> String {
        self.paint(severity_codes(severity), text)
    }
    /// Gutter, arrows and codes: bold blue, as rustc does.
    fn accent(self, text: &str) -> String {
        self.paint("1;34", text)
    }
    fn bold(self, text: &str) -> String {
        self.paint("1", text)
    }
}

fn severity_codes(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Note => "1;36",
    }
}

/// Makes input text safe to print on a terminal: control characters (other than tab and line
/// break) become `�`, and bidirectional-text controls become a visible `<U+202E>`.
///
/// Why: a document (or a file name) is untrusted. Escape sequences could rewrite the terminal,
/// and bidi overrides could make a message read differently from what it says ("Trojan
/// Source", CVE-2021-42574), so neither reaches the terminal as is.
pub fn sanitize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if is_bidi_control(c) {
            let _ = write!(out, "<U+{:04X}>", u32::from(c));
        } else if c.is_control() && c != '\t' && c != '\n' {
            out.push('\u{FFFD}');
        } else {
            out.push(c);
        }
    }
    out
}

/// The Unicode characters that change the direction of the text around them.
fn is_bidi_control(c: char) -> bool {
    matches!(
        c,
        '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
    )
}

/// Display width of one character of a snippet line (as [`sanitize`] shows it).
fn char_width(c: char) -> usize {
    if c == '\t' {
        TAB_WIDTH
    } else if is_bidi_control(c) {
        "<U+202E>".len()
    } else {
        1
    }
}

/// Renders every diagnostic, each followed by a blank line.
///
/// The summary is not included: append [`summary_line`] (or use [`render_report`]), which needs
/// the number of files checked.
pub fn render_human(diags: &[Diagnostic], sources: &dyn SourceLookup, color: bool) -> String {
    let style = Style { color };
    let mut out = String::new();
    for diag in diags {
        render_one(&mut out, diag, sources, style);
        out.push('\n');
    }
    out
}

/// [`render_human`] followed by [`summary_line`] and a line break.
pub fn render_report(
    diags: &[Diagnostic],
    sources: &dyn SourceLookup,
    files_checked: usize,
    color: bool,
) -> String {
    let mut out = render_human(diags, sources, color);
    out.push_str(&summary_line(diags, files_checked, color));
    out.push('\n');
    out
}

fn render_one(out: &mut String, diag: &Diagnostic, sources: &dyn SourceLookup, style: Style) {
    let sev = diag.severity;
    let _ = writeln!(
        out,
        "{}{}{}",
        style.severity(sev, sev.label()),
        style.accent(&format!("[{}]", diag.code)),
        style.bold(&format!(": {}", sanitize(&diag.message))),
    );

    let located = locate(&diag.span, sources.source(&diag.file));
    let gutter = located
        .as_ref()
        .map_or(2, |l| l.line.to_string().len().max(2));
    let pad = " ".repeat(gutter);
    let bar = style.accent("|");

    if !diag.file.is_empty() {
        let _ = writeln!(
            out,
            "{pad}{} {}",
            style.accent("-->"),
            position(&diag.file, diag.span.line, diag.span.column)
        );
    }

    if let Some(loc) = &located {
        let chars: Vec<char> = loc.line_text.chars().collect();
        let start = usize::try_from(loc.column).unwrap_or(usize::MAX) - 1;
        let shown: String = chars
            .iter()
            .map(|&c| {
                if c == '\t' {
                    " ".repeat(TAB_WIDTH)
                } else {
                    c.to_string()
                }
            })
            .collect();
        let lead: usize = chars[..start].iter().copied().map(char_width).sum();
        let under: usize = chars[start..]
            .iter()
            .take(loc.width)
            .copied()
            .map(char_width)
            .sum::<usize>()
            .max(1);
        let line_no = format!("{:>gutter$}", loc.line);
        let _ = writeln!(out, "{pad} {bar}");
        let shown = sanitize(&shown);
        if shown.is_empty() {
            let _ = writeln!(out, "{} {bar}", style.accent(&line_no));
        } else {
            let _ = writeln!(out, "{} {bar} {shown}", style.accent(&line_no));
        }
        let _ = writeln!(
            out,
            "{pad} {bar} {}{}",
            " ".repeat(lead),
            style.severity(sev, &"^".repeat(under))
        );
    }

    let has_notes = diag.help.is_some() || !diag.related.is_empty();
    if located.is_some() && has_notes {
        let _ = writeln!(out, "{pad} {bar}");
    }
    if let Some(help) = &diag.help {
        write_note(out, &pad, "help", help, style);
    }
    for related in &diag.related {
        let text = format!(
            "{}: {}",
            position(&related.file, related.span.line, related.span.column),
            related.message
        );
        write_note(out, &pad, "note", &text, style);
    }
}

/// `= label: text`, with continuation lines indented under the text.
fn write_note(out: &mut String, pad: &str, label: &str, text: &str, style: Style) {
    let text = sanitize(text);
    let indent = " ".repeat(pad.len() + 3 + label.len() + 2);
    for (i, line) in text.lines().enumerate() {
        if i == 0 {
            let _ = writeln!(
                out,
                "{pad} {} {}: {line}",
                style.accent("="),
                style.bold(label)
            );
        } else {
            let _ = writeln!(out, "{indent}{line}");
        }
    }
    if text.is_empty() {
        let _ = writeln!(out, "{pad} {} {}:", style.accent("="), style.bold(label));
    }
}

/// `file`, `file:line` or `file:line:col`, depending on what is known.
fn position(file: &str, line: u32, column: u32) -> String {
    let file = sanitize(file);
    match (line, column) {
        (0, _) => file,
        (l, 0) => format!("{file}:{l}"),
        (l, c) => format!("{file}:{l}:{c}"),
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// One line totalling the findings, e.g. `error: 3 errors, 1 warning in 2 files` or
/// `ok: no findings in 4 files`. Its label is the worst severity present (or a green `ok`).
pub fn summary_line(diags: &[Diagnostic], files_checked: usize, color: bool) -> String {
    let style = Style { color };
    let count = |s: Severity| diags.iter().filter(|d| d.severity == s).count();
    let (errors, warnings, notes) = (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Note),
    );
    let files = plural(files_checked, "file");
    let Some(worst) = diags.iter().map(|d| d.severity).max() else {
        return format!(
            "{}{}",
            style.paint("1;32", "ok"),
            style.bold(&format!(": no findings in {files}"))
        );
    };
    let parts: Vec<String> = [(errors, "error"), (warnings, "warning"), (notes, "note")]
        .into_iter()
        .filter(|&(n, _)| n > 0)
        .map(|(n, w)| plural(n, w))
        .collect();
    format!(
        "{}{}",
        style.severity(worst, worst.label()),
        style.bold(&format!(": {} in {files}", parts.join(", ")))
    )
}
