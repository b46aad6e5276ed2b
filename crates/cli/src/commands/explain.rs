//! `dtsec explain`: the documentation of a diagnostic code.

use dtsec_check::{RULES, rule};

pub fn run(code: Option<&str>) -> u8 {
    match code {
        None => {
            for r in RULES {
                outln!(
                    "{:<12} {:<8} {:<32} {}",
                    r.code,
                    r.severity.label(),
                    r.name,
                    r.summary
                );
            }
            0
        }
        Some(code) => match rule(code) {
            Some(r) => {
                out!("{}", dtsec_check::registry::explain_markdown(r));
                0
            }
            None => {
                eprintln!("error: unknown diagnostic code `{code}`");
                eprintln!("  = help: `dtsec explain` lists every code");
                2
            }
        },
    }
}
