//! `dtsec import`: a NIAP PP, PP-Module or Package XML file as a dtsec YAML document.

use std::path::Path;

use dtsec_niap::import_bytes;

pub fn run(file: &Path, output: Option<&Path>) -> u8 {
    let name = file.display().to_string();
    let bytes = match std::fs::read(file) {
        Ok(b) => b,
        Err(e) => {
            eprintln!("error: cannot read {name}: {e}");
            eprintln!("  = help: check the path and the file's permissions");
            return 2;
        }
    };
    let imported = match import_bytes(&bytes, &name) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("error: {e}");
            eprintln!("  = help: {}", e.help());
            return 2;
        }
    };
    for w in &imported.warnings {
        eprintln!("warning: {name}:{w}");
    }
    let yaml = match serde_saphyr::to_string(&imported.document) {
        Ok(y) => y,
        Err(e) => {
            eprintln!("error: cannot write the document as YAML: {e}");
            return 2;
        }
    };
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
            if let Err(e) = crate::write::atomic_write(out, text.as_bytes()) {
                eprintln!("error: cannot write {}: {e}", out.display());
                return 2;
            }
            eprintln!("wrote {}", out.display());
        }
        None => out!("{text}"),
    }
    0
}
