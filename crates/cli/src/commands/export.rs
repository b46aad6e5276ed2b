//! `dtsec export --niap FILE -o OUT.xml`: a PP, PP-Module or package (dtsec YAML or NIAP XML) as
//! NIAP PP XML (`https://niap-ccevs.org/cc/v1`), or a NIAP-format ST (read from `<st>` XML) as
//! NIAP ST XML, written atomically.

use std::path::Path;

use crate::error::{CliError, CliResult, Exit};

/// Exports `file` to `output`. `niap` must be set (NIAP XML is the only export format); exit
/// status 0 on success, 2 when the input is unusable or cannot be exported.
pub fn run(file: &Path, output: &Path, niap: bool) -> CliResult {
    if !niap {
        return Err(CliError::unusable(
            "say which format to export: `--niap` (NIAP PP XML) is the one supported",
        )
        .with_help(format!("dtsec export --niap {} -o OUT.xml", file.display())));
    }
    let input = crate::input::load(file)?;
    let doc = &input.document;
    let xml = dtsec_niap::export(doc).map_err(|e| {
        let help = match e {
            dtsec_niap::ExportError::Html { .. } => {
                Some("prose fields of a NIAP-imported document must stay well-formed XHTML")
            }
            dtsec_niap::ExportError::St { .. } => Some(
                "a NIAP ST's model needs its claims (with git urls) and each SFR's `base_pp`; see crates/niap/README.md",
            ),
            _ => None,
        };
        let error = CliError::unusable(format!("{}: {e}", input.source.name));
        match help {
            Some(h) => error.with_help(h),
            None => error,
        }
    })?;
    crate::write::atomic_write(output, xml.as_bytes())
        .map_err(|e| CliError::unusable(format!("cannot write {}: {e}", output.display())))?;
    eprintln!(
        "wrote {} ({} {} as NIAP XML: {} SFRs, {} SARs)",
        output.display(),
        doc.kind.value.label(),
        doc.id.value,
        doc.sfrs.len(),
        doc.sars.len()
    );
    Ok(Exit::Success)
}
