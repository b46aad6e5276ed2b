//! The generated rules reference (`docs/rules.md`) matches the rule table, and the table itself
//! is sound: unique codes, kebab-case names, every field filled.

use std::collections::HashSet;
use std::path::Path;

use dtsec_check::RULES;
use dtsec_check::registry::rules_reference;

#[test]
fn rules_reference_is_up_to_date() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let expected = rules_reference();
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &expected).expect("write docs/rules.md");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == expected,
        "docs/rules.md is stale: run `UPDATE_DOCS=1 cargo test -p dtsec-check --test it docs`"
    );
}

#[test]
fn rule_table_is_sound() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for r in RULES {
        assert!(codes.insert(r.code), "duplicate code {}", r.code);
        assert!(names.insert(r.name), "duplicate name {}", r.name);
        assert!(r.code.starts_with("DT-"), "{}", r.code);
        assert!(
            r.name.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
            "{} is not kebab-case",
            r.name
        );
        for (field, value) in [
            ("summary", r.summary),
            ("why", r.why),
            ("example", r.example),
            ("fix", r.fix),
            ("references", r.references),
        ] {
            assert!(!value.trim().is_empty(), "{} has no {field}", r.code);
        }
    }
}
