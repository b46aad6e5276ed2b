//! `dtsec export --niap FILE -o OUT.xml`: a PP, PP-Module or package (dtsec YAML or NIAP XML) as
//! NIAP PP XML (`https://niap-ccevs.org/cc/v1`), or a NIAP-format ST (read from `<st>` XML) as
//! NIAP ST XML, written atomically.

use std::path::Path;

/// Exports `file` to `output`. `niap` must be set (NIAP XML is the only export format); exit
/// status 0 on success, 2 when the input is unusable or cannot be exported.
pub fn run(file: &Path, output: &Path, niap: bool) -> u8 {
    if !niap {
        eprintln!("error: say which format to export: `--niap` (NIAP PP XML) is the one supported");
        eprintln!(
            "  = help: dtsec export --niap {} -o OUT.xml",
            file.display()
        );
        return 2;
    }
    let input = match crate::input::load(file) {
        Ok(i) => i,
        Err(e) => {
            e.report();
            return 2;
        }
    };
    let doc = &input.document;
    let xml = match dtsec_niap::export(doc) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("error: {}: {e}", input.source.name);
            match e {
                dtsec_niap::ExportError::Html { .. } => eprintln!(
                    "  = help: prose fields of a NIAP-imported document must stay well-formed XHTML"
                ),
                dtsec_niap::ExportError::St { .. } => eprintln!(
                    "  = help: a NIAP ST's model needs its claims (with git urls) and each SFR's `base_pp`; see crates/niap/README.md"
                ),
                _ => {}
            }
            return 2;
        }
    };
    if let Err(e) = crate::write::atomic_write(output, xml.as_bytes()) {
        eprintln!("error: cannot write {}: {e}", output.display());
        return 2;
    }
    eprintln!(
        "wrote {} ({} {} as NIAP XML: {} SFRs, {} SARs)",
        output.display(),
        doc.kind.value.label(),
        doc.id.value,
        doc.sfrs.len(),
        doc.sars.len()
    );
    0
}
