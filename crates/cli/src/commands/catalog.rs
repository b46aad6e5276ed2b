//! `dtsec catalog`: the built-in CC facts, and the official text from the user's own file.

use dtsec_catalog::{Catalog, Edition, describe, list_line, text_from_cc_xml};

use crate::CatalogCommand;

fn edition(label: &str) -> Option<&'static Catalog> {
    match Edition::parse(label) {
        Some(e) => Some(Catalog::get(e)),
        None => {
            eprintln!("error: unknown CC edition `{label}`");
            eprintln!("  = help: use `CC:2022 R1` or `CC 3.1 R5`");
            None
        }
    }
}

pub fn run(command: CatalogCommand) -> u8 {
    match command {
        CatalogCommand::Show {
            id,
            edition: ed,
            cc_xml,
        } => {
            let Some(cat) = edition(&ed) else { return 2 };
            let Some(c) = cat.component(&id) else {
                eprintln!(
                    "error: `{id}` is not a component of {}",
                    cat.edition().label()
                );
                eprintln!("  = help: `dtsec catalog list` lists the components");
                return 2;
            };
            out!("{}", describe(c, cat));
            if let Some(path) = cc_xml {
                let xml = match std::fs::read_to_string(&path) {
                    Ok(x) => x,
                    Err(e) => {
                        eprintln!("error: cannot read {}: {e}", path.display());
                        return 2;
                    }
                };
                match text_from_cc_xml(&xml, c.id) {
                    Ok(text) => {
                        outln!("\nText (from {}):", path.display());
                        for e in &text.elements {
                            outln!("  {}: {}", e.id, e.text);
                            for wu in &e.work_units {
                                let id = wu.id.as_deref().unwrap_or("(unnumbered)");
                                outln!("    {id}: {}", wu.paragraphs.join(" "));
                            }
                        }
                    }
                    Err(e) => {
                        eprintln!("error: {}: {e}", path.display());
                        return 2;
                    }
                }
            }
            0
        }
        CatalogCommand::List { class, edition: ed } => {
            let Some(cat) = edition(&ed) else { return 2 };
            let mut n = 0;
            for c in cat.components() {
                if class
                    .as_deref()
                    .is_none_or(|k| c.class.eq_ignore_ascii_case(k))
                {
                    outln!("{}", list_line(c));
                    n += 1;
                }
            }
            if n == 0 {
                eprintln!(
                    "error: no components in class `{}`",
                    class.unwrap_or_default()
                );
                return 2;
            }
            0
        }
        CatalogCommand::Eal { level, edition: ed } => {
            let Some(cat) = edition(&ed) else { return 2 };
            match cat.eal(level) {
                Some(ids) => {
                    for id in ids {
                        let name = cat.component(id).map_or("", |c| c.name);
                        outln!("{id:<12} {name}");
                    }
                    0
                }
                None => {
                    eprintln!("error: EAL{level} does not exist; use 1 to 7");
                    2
                }
            }
        }
    }
}
