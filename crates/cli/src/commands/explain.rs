//! `dtsec explain`: the documentation of a diagnostic code.

use dtsec_check::{MAPPING_RULES, RULES, rule};

use crate::error::{CliError, CliResult, Exit};

pub fn run(code: Option<&str>) -> CliResult {
    match code {
        None => {
            for r in RULES.iter().chain(MAPPING_RULES) {
                outln!(
                    "{:<12} {:<8} {:<32} {}",
                    r.code,
                    r.severity.label(),
                    r.name,
                    r.summary
                );
            }
            Ok(Exit::Success)
        }
        Some(code) => {
            let r = rule(code).ok_or_else(|| {
                CliError::unusable(format!("unknown diagnostic code `{code}`"))
                    .with_help("`dtsec explain` lists every code")
            })?;
            out!("{}", dtsec_check::registry::explain_markdown(r));
            Ok(Exit::Success)
        }
    }
}
