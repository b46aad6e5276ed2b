//! The whole ETR of a case, rendered from the sealed bundle the registry keeps: the HTML page
//! and the PDF the lab's `dtsec eval report` writes, for the certification body to read before
//! it accepts the report.
//!
//! Why from the bundle: the certification body holds only the sealed bundle, not the lab's
//! workspace. The bundle carries every section the report is made of (identification, plan,
//! verdict records, evidence manifest, observation reports, tests, rated vulnerabilities), so
//! rendering it with the workbench's own renderer shows exactly what the lab signed — the same
//! blocks, in HTML or PDF.

use dtsec_eval::bundle::state_from_payload;
use dtsec_eval::report::{report_html, report_pdf};
use dtsec_eval::workspace::State;

use crate::error::{RegistryError, Result};

/// A sealed ETR bundle, read for rendering.
#[derive(Clone, Debug)]
pub struct EtrReport {
    state: State,
}

impl EtrReport {
    /// Reads a sealed bundle's JSON text. Not verified again (the registry verified it when it
    /// was submitted); a section of the wrong shape is an error naming it.
    ///
    /// ```
    /// assert!(dtsec_registry::etr_report::EtrReport::from_bundle("{}").is_err());
    /// ```
    pub fn from_bundle(bundle_json: &str) -> Result<EtrReport> {
        let sealed = dtsec_seal::Sealed::from_json(bundle_json)
            .map_err(|e| RegistryError::invalid(format!("not a sealed ETR bundle: {e}")))?;
        let state = state_from_payload(&sealed.payload)
            .map_err(|e| RegistryError::invalid(e.to_string()))?;
        Ok(EtrReport { state })
    }

    /// The ETR as one self-contained HTML page (inline styles, no scripts; all text escaped).
    pub fn html(&self) -> String {
        report_html(&self.state)
    }

    /// The ETR as a paginated PDF.
    pub fn pdf(&self) -> Vec<u8> {
        report_pdf(&self.state)
    }

    /// A file name for downloads: `<toe>-<version>-etr`, safe in a header.
    pub fn file_stem(&self) -> String {
        let e = &self.state.evaluation;
        let raw = format!("{}-{}-etr", e.toe.name, e.toe.version);
        raw.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' || c == '-' {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .take(120)
            .collect()
    }
}
