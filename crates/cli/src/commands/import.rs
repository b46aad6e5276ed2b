//! `dtsec import`: a NIAP PP, PP-Module or Package XML file as a dtsec YAML document.

use std::path::Path;

use dtsec_niap::import_bytes;

use crate::error::{CliError, CliResult, Exit};

pub fn run(file: &Path, output: Option<&Path>) -> CliResult {
    let name = file.display().to_string();
    let bytes = std::fs::read(file).map_err(|e| {
        CliError::unusable(format!("cannot read {name}: {e}"))
            .with_help("check the path and the file's permissions")
    })?;
    let imported =
        import_bytes(&bytes, &name).map_err(|e| CliError::unusable(&e).with_help(e.help()))?;
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
