//! `dtsec explain`: the documentation of a diagnostic code.

use dtsec_check::{RULES, rule};

pub fn run(code: Option<&str>) -> u8 {
    match code {
        None => {
            for r in RULES {
                println!(
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
                print!("{}", crate::commands::explain::render(r));
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

/// The explanation of one rule, as Markdown (also used for docs/rules.md).
pub fn render(r: &dtsec_check::RuleInfo) -> String {
    format!(
        "## {code} {name}\n\nSeverity: {sev}. {summary}\n\n### Why it matters\n{why}\n\n### Example\n```yaml\n{example}\n```\n\n### Fix\n{fix}\n\n### References\n{refs}\n",
        code = r.code,
        name = r.name,
        sev = r.severity.label(),
        summary = r.summary,
        why = r.why,
        example = r.example,
        fix = r.fix,
        refs = r.references,
    )
}
