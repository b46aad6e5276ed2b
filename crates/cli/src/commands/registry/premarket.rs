//! `dtsec registry premarket CERTIFICATE -o DIR`: the FDA premarket documentation set the
//! registry builds for a certificate (from the certified ST, the sealed ETR it verified and the
//! current SBOM), written as `index.html` and `premarket.pdf` — the same two files `dtsec
//! premarket` writes from local files.
//!
//! Why the registry builds it: it holds the one ETR the certificate was issued on, verified
//! with the lab's registered key, so a manufacturer without the bundle at hand still gets the
//! lab-verified package. For the manufacturer, the certification body and the lab (the
//! registry authorises).

use std::path::Path;

use base64::Engine as _;

use super::client::{ClientError, Registry};
use super::seg;

/// Downloads the package and writes its two files into `dir` (created if missing).
pub fn download(r: &Registry, certificate: &str, dir: &Path) -> Result<(), ClientError> {
    let path = format!("/api/v1/certificates/{}/premarket", seg(certificate));
    let v = r.get(&path)?;
    let html = v["html"]
        .as_str()
        .ok_or_else(|| ClientError::BadAnswer(format!("{path} has no `html`")))?;
    let pdf = v["pdf_base64"]
        .as_str()
        .and_then(|b| base64::engine::general_purpose::STANDARD.decode(b).ok())
        .filter(|pdf| pdf.starts_with(b"%PDF-"))
        .ok_or_else(|| ClientError::BadAnswer(format!("{path} has no PDF in `pdf_base64`")))?;
    std::fs::create_dir_all(dir).map_err(|source| ClientError::Write {
        path: dir.to_path_buf(),
        source,
    })?;
    for (name, bytes) in [("index.html", html.as_bytes()), ("premarket.pdf", &pdf[..])] {
        let out = dir.join(name);
        crate::write::atomic_write(&out, bytes).map_err(|source| ClientError::Write {
            path: out.clone(),
            source,
        })?;
        eprintln!("wrote {}", out.display());
    }
    for m in v["missing"].as_array().into_iter().flatten() {
        crate::error::warning(format!(
            "missing input: {} ({})",
            m["input"].as_str().unwrap_or("?"),
            m["gives"].as_str().unwrap_or("?")
        ));
    }
    Ok(())
}
