//! `dtsec registry poam CERTIFICATE [--as-of DATE] -o FILE`: the certificate's open postmarket
//! items as the OSCAL plan of action and milestones the registry builds from the assessments it
//! holds — the same document `dtsec oscal poam --postmarket` writes from a VEX export.
//!
//! The answer is checked before it is written (the NIST schema and the semantic checks), so a
//! registry that sent something else is reported rather than saved. For the manufacturer and
//! the certification body (the registry authorises).

use std::path::Path;

use super::client::{ClientError, Registry};
use super::seg;

/// Downloads the POA&M and writes it to `output` (whole or not at all).
pub fn download(
    r: &Registry,
    certificate: &str,
    as_of: Option<&str>,
    output: &Path,
) -> Result<(), ClientError> {
    let mut path = format!("/api/v1/certificates/{}/poam", seg(certificate));
    if let Some(d) = as_of {
        path.push_str(&format!("?as_of={}", seg(d)));
    }
    let v = r.get(&path)?;
    let report = dtsec_oscal::validate(&v, &[])
        .map_err(|e| ClientError::BadAnswer(format!("{path}: {e}")))?;
    if report.model != dtsec_oscal::validate::Model::Poam || !report.problems.is_empty() {
        return Err(ClientError::BadAnswer(format!(
            "{path}: not a valid OSCAL plan of action and milestones ({} problem(s))",
            report.problems.len()
        )));
    }
    let mut text = serde_json::to_string_pretty(&v)
        .map_err(|e| ClientError::BadAnswer(format!("{path}: {e}")))?;
    text.push('\n');
    crate::write::atomic_write(output, text.as_bytes()).map_err(|source| ClientError::Write {
        path: output.to_path_buf(),
        source,
    })?;
    let items = v["plan-of-action-and-milestones"]["poam-items"]
        .as_array()
        .map_or(0, Vec::len);
    eprintln!("wrote {} ({items} open item(s))", output.display());
    Ok(())
}
