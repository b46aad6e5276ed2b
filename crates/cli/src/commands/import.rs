//! `dtsec import`: a NIAP PP, PP-Module or Package XML file as a dtsec YAML document.

use std::path::Path;

use dtsec_niap::read_document_bytes;

use crate::error::{CliError, CliResult, Exit};

pub fn run(file: &Path, output: Option<&Path>) -> CliResult {
    let name = file.display().to_string();
    let bytes = crate::input::read_file(file, dtsec_niap::MAX_INPUT_BYTES as u64, "the NIAP XML")?;
    if !dtsec_niap::looks_like_niap_xml(&bytes) {
        return Err(not_niap_xml(&name, &bytes));
    }
    // Read as `dtsec check` reads it, NIAP conformance conventions included (`conformance.niap`:
    // selection-dependent packages and modules), so the YAML and the XML check the same.
    let imported = read_document_bytes(&bytes, &name)
        .map_err(|e| CliError::unusable(&e).with_help(e.help()))?;
    for w in &imported.warnings {
        crate::error::warning(format!("{name}:{w}"));
    }
    let yaml = serde_saphyr::to_string(&imported.document)
        .map_err(|e| CliError::unusable(format!("cannot write the document as YAML: {e}")))?;
    let c = imported.counts;
    eprintln!(
        "imported {} {} ({}): {} f-components, {} f-elements, {} selectables, {} assignables, {} audit events",
        imported.document.id.value,
        imported.document.version.value,
        imported.document.kind.value.label(),
        c.f_components,
        c.f_elements,
        c.selectables + c.selectables_in_prose,
        c.assignables + c.assignables_in_prose,
        c.audit_events
    );
    let text = format!(
        "# Imported by dtsec from {}; NIAP PP XML is public domain.\n{yaml}",
        file.file_name()
            .map_or(name.clone(), |n| n.to_string_lossy().into_owned())
    );
    match output {
        Some(out) => {
            crate::write::atomic_write(out, text.as_bytes())
                .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", out.display())))?;
            eprintln!("wrote {}", out.display());
        }
        None => out!("{text}"),
    }
    Ok(Exit::Success)
}

/// The error for a file that is not NIAP XML: YAML (a dtsec document already), other XML, or
/// something else, each with the command that takes it.
fn not_niap_xml(name: &str, bytes: &[u8]) -> CliError {
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let first = text.iter().copied().find(|b| !b.is_ascii_whitespace());
    let yaml = first != Some(b'<')
        && std::str::from_utf8(text).is_ok_and(|t| {
            t.lines()
                .any(|l| l.starts_with("kind:") || l.starts_with("id:"))
        });
    if yaml {
        CliError::unusable(format!(
            "{name} is a YAML document, not NIAP XML: `dtsec import` converts NIAP XML to YAML"
        ))
        .with_help(format!(
            "`dtsec check {name}` and `dtsec render {name}` read YAML documents as they are"
        ))
    } else if first == Some(b'<') {
        CliError::unusable(format!(
            "{name} is XML but not a NIAP PP, PP-Module or Package (no element in the \
             namespace https://niap-ccevs.org/cc/v1)"
        ))
        .with_help("`dtsec import` reads NIAP Protection Profile XML (github.com/commoncriteria)")
    } else {
        CliError::unusable(format!(
            "{name} is neither NIAP XML nor a dtsec YAML document"
        ))
        .with_help("`dtsec import` reads NIAP PP, PP-Module and Package XML files")
    }
}
