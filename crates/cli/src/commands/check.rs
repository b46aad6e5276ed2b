//! `dtsec check`: load each file, check it, print the findings, exit 0/1/2.

use std::io::IsTerminal;
use std::path::PathBuf;

use dtsec_check::output::{
    render_human, render_json_with_sources, render_sarif, summary_line, unreadable_input,
};
use dtsec_check::{CheckInput, Diagnostic, check, is_input_unusable};
use dtsec_model::SourceFile;

use crate::error::{CliError, CliResult, Exit};
use crate::{ColorChoice, OutputFormat, PpArgs};

pub fn run(files: &[PathBuf], format: OutputFormat, color: ColorChoice, pps: &PpArgs) -> CliResult {
    let mut library = crate::library::build(pps)?;
    let mut unreadable = 0usize;
    // Unreadable inputs as findings, so JSON and SARIF show the failure too (not only stderr).
    let mut failures: Vec<Diagnostic> = Vec::new();
    let mut loaded: Vec<(SourceFile, dtsec_model::Document)> = Vec::new();
    for file in files {
        match crate::input::load(file) {
            Ok(input) => loaded.push((input.source, input.document)),
            Err(e) => {
                // The others are still checked; the run's status says some input was unusable.
                let (line, column) = e.position().unwrap_or((0, 0));
                let error = CliError::from(e);
                failures.push(unreadable_input(
                    &file.display().to_string(),
                    line,
                    column,
                    error.to_string(),
                    miette::Diagnostic::help(&error).map(|h| h.to_string()),
                ));
                crate::error::print(&error);
                unreadable += 1;
            }
        }
    }
    // Claimable documents checked together may satisfy each other's claims.
    for (source, document) in &loaded {
        if document.kind.value.is_claimable() {
            library.add_file(source.name.clone().into(), source.clone(), document.clone());
        }
    }
    let mut diags: Vec<Diagnostic> = Vec::new();
    for (source, document) in &loaded {
        diags.extend(check(CheckInput {
            source,
            document,
            library: &library,
        }));
    }
    let unusable = unreadable > 0 || diags.iter().any(is_input_unusable);
    // Diagnostics may point into claimed documents (related notes), so offer their text too —
    // only of those a finding points into: a built-in PP is a copy of 100 KB or more.
    let mut sources: Vec<SourceFile> = loaded.into_iter().map(|(s, _)| s).collect();
    let pointed_at: std::collections::BTreeSet<&str> = diags
        .iter()
        .chain(&failures)
        .flat_map(|d| {
            std::iter::once(d.file.as_str()).chain(d.related.iter().map(|r| r.file.as_str()))
        })
        .collect();
    sources.extend(
        library
            .loaded()
            .filter(|d| pointed_at.contains(d.source.name.as_str()))
            .map(|d| d.source.clone()),
    );
    let color = match color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let out = match format {
        OutputFormat::Human => {
            let mut out = render_human(&diags, &sources, color);
            if unreadable > 0 {
                out.push_str(&format!(
                    "error: {unreadable} of {} file{} could not be read; see the messages above\n",
                    files.len(),
                    if files.len() == 1 { "" } else { "s" }
                ));
            } else {
                out.push_str(&summary_line(&diags, files.len(), color));
                out.push('\n');
            }
            out
        }
        OutputFormat::Json => {
            failures.extend(diags.iter().cloned());
            render_json_with_sources(&failures, &sources, files.len())
        }
        OutputFormat::Sarif => {
            failures.extend(diags.iter().cloned());
            render_sarif(&failures, &sources, env!("CARGO_PKG_VERSION"))
        }
    };
    out!("{out}");
    let exit = if unusable {
        Exit::Unusable
    } else if diags.iter().any(Diagnostic::is_error) {
        Exit::Failed
    } else {
        Exit::Success
    };
    // The process ends with this command: freeing the library and the documents piece by piece
    // (a twentieth of a check's work) would only delay the exit. The operating system takes
    // the memory back whole.
    std::mem::forget(library);
    std::mem::forget(sources);
    std::mem::forget(diags);
    Ok(exit)
}
