//! `dtsec pp`: the PPs and packages dtsec knows, and what changed between two versions.

use dtsec_catalog::Edition;
use dtsec_model::{Document, Library, LoadedDocument, Origin};

use crate::PpCommand;
use crate::error::{CliError, CliResult, Exit};

pub fn run(command: PpCommand) -> CliResult {
    match command {
        PpCommand::List { pps } => {
            let lib = crate::library::build(&pps)?;
            for d in lib.documents() {
                let origin = match &d.origin {
                    Origin::Builtin => "built-in".to_string(),
                    Origin::File(p) => p.display().to_string(),
                };
                let doc = &d.document;
                outln!(
                    "{:<14} {:<6} {:<20} {}  [{}]",
                    doc.id.value,
                    doc.version.value,
                    doc.kind.value.label(),
                    doc.title,
                    origin
                );
            }
            Ok(Exit::Success)
        }
        PpCommand::Show {
            id,
            version,
            edition,
            pps,
        } => {
            let lib = crate::library::build(&pps)?;
            let version = match version {
                Some(v) => Some(v),
                None => lib.versions_of(&id).last().cloned(),
            };
            let found = version.as_deref().and_then(|v| lib.find(&id, v));
            let found = match (found, &edition) {
                (Some(d), Some(ed)) => Some(in_edition(&lib, d, ed)?),
                (found, _) => found,
            };
            let d = found.ok_or_else(|| {
                CliError::unusable(format!(
                    "no PP or package `{id}`{}",
                    version
                        .as_deref()
                        .map(|v| format!(" version {v}"))
                        .unwrap_or_default()
                ))
                .with_help("`dtsec pp list` shows what is available")
            })?;
            out!("{}", summary(&d.document));
            Ok(Exit::Success)
        }
        PpCommand::Derive {
            document,
            edition,
            output,
            pps,
        } => {
            let lib = crate::library::build(&pps)?;
            let d = find_versioned(&lib, &document)?;
            let derived = in_edition(&lib, d, &edition)?;
            match output {
                Some(out) => {
                    crate::write::atomic_write(&out, derived.source.text.as_bytes()).map_err(
                        |e| CliError::unusable(format!("cannot write {}: {e}", out.display())),
                    )?;
                    eprintln!("wrote {}", out.display());
                }
                None => out!("{}", derived.source.text),
            }
            Ok(Exit::Success)
        }
        PpCommand::Diff { old, new, pps } => {
            let lib = crate::library::build(&pps)?;
            let a = find_versioned(&lib, &old)?;
            let b = find_versioned(&lib, &new)?;
            out!("{}", dtsec_model::diff(&a.document, &b.document).to_text());
            Ok(Exit::Success)
        }
    }
}

/// `d` as it reads in the edition named `label`: itself when written against it, else derived
/// by the component mapping; an error when no mapping was made for it.
fn in_edition<'a>(
    lib: &'a Library,
    d: &'a LoadedDocument,
    label: &str,
) -> Result<&'a LoadedDocument, CliError> {
    let edition = Edition::parse(label).ok_or_else(|| {
        CliError::unusable(format!("unknown CC edition `{label}`"))
            .with_help("use `CC:2022 R1` or `CC 3.1 R5`")
    })?;
    let (id, version) = (&d.document.id.value, &d.document.version.value);
    if dtsec_model::edition::document_edition(&d.document) == Some(edition) {
        return Ok(d);
    }
    match lib.derived(id, version, edition) {
        Some(Ok(derived)) => Ok(derived),
        Some(Err(e)) => Err(CliError::unusable(format!(
            "{id} {version} cannot be derived for {}: {e}",
            edition.label()
        ))),
        None => Err(CliError::unusable(format!(
            "{id} {version} is not written against {} and no component mapping was made for it",
            edition.label()
        ))
        .with_help(
            "the CDD PP 2.0, its packages and modules are derived for CC 3.1 R5 (docs/cc-editions.md)",
        )),
    }
}

/// Finds `ID@VERSION` in the library: exactly that version, never another.
fn find_versioned<'a>(lib: &'a Library, spec: &str) -> Result<&'a LoadedDocument, CliError> {
    let Some((id, version)) = spec
        .rsplit_once('@')
        .filter(|(i, v)| !i.is_empty() && !v.is_empty())
    else {
        return Err(CliError::unusable(format!("`{spec}` is not ID@VERSION"))
            .with_help("name a document and its version, e.g. `cdd@1.0`"));
    };
    lib.find(id, version).ok_or_else(|| {
        let versions = lib.versions_of(id);
        let help = if versions.is_empty() {
            "`dtsec pp list` shows what is available".to_string()
        } else {
            format!("available versions of `{id}`: {}", versions.join(", "))
        };
        CliError::unusable(format!("no PP or package `{id}` version {version}")).with_help(help)
    })
}

fn summary(doc: &Document) -> String {
    use std::fmt::Write;
    let mut s = String::new();
    let _ = writeln!(s, "{} {} — {}", doc.id.value, doc.version.value, doc.title);
    let _ = writeln!(s, "kind: {}", doc.kind.value.label());
    let _ = writeln!(
        s,
        "CC edition: {}",
        doc.cc_edition
            .as_ref()
            .map_or_else(|| Edition::default().label(), |e| e.value.as_str())
    );
    if let Some(o) = &doc.identification.overview {
        let _ = writeln!(s, "\n{}", o.trim());
    }
    if !doc.base_pps.is_empty() {
        let b: Vec<String> = doc
            .base_pps
            .iter()
            .map(|b| format!("{} {}", b.id.value, b.version.value))
            .collect();
        let _ = writeln!(s, "\napplies to: {}", b.join(", "));
    }
    if !doc.toe.types.is_empty() {
        let _ = writeln!(s, "\nTOE types:");
        for t in &doc.toe.types {
            let _ = writeln!(s, "  {:<10} {}", t.id.value, t.name);
        }
    }
    for (title, defs) in [("Device forms", &doc.forms), ("Roles", &doc.roles)] {
        if !defs.is_empty() {
            let _ = writeln!(s, "\n{title}:");
            for d in defs {
                let _ = writeln!(s, "  {:<18} {}", d.id.value, d.title);
            }
        }
    }
    for (title, defs) in [
        ("Threats", &doc.spd.threats),
        ("Assumptions", &doc.spd.assumptions),
        ("OSPs", &doc.spd.osps),
        ("TOE objectives", &doc.objectives.toe),
        ("Environment objectives", &doc.objectives.environment),
    ] {
        if !defs.is_empty() {
            let _ = writeln!(s, "\n{title}:");
            for d in defs {
                let _ = writeln!(s, "  {}", d.id.value);
            }
        }
    }
    if !doc.sfrs.is_empty() {
        let _ = writeln!(s, "\nSFRs ({}):", doc.sfrs.len());
        for sfr in &doc.sfrs {
            let status = sfr.status.as_ref().map_or("", |st| st.value.label());
            let conditions: Vec<&str> = sfr
                .toe_types
                .iter()
                .chain(&sfr.roles)
                .map(|t| t.as_str())
                .collect();
            let types = if conditions.is_empty() {
                String::new()
            } else {
                format!(" (for {})", conditions.join(", "))
            };
            let _ = writeln!(
                s,
                "  {:<22} {:<16} {}{}",
                sfr.id.value,
                status,
                sfr.title.as_deref().unwrap_or(""),
                types
            );
        }
    }
    if !doc.sars.is_empty() {
        let ids: Vec<&str> = doc.sars.iter().map(|s| s.id.as_str()).collect();
        let _ = writeln!(s, "\nSARs ({}): {}", ids.len(), ids.join(", "));
    }
    s
}
